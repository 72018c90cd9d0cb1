-- Secure messaging between customers and the CIC (issue 12; terms art. 2.2 and 10.4). A
-- thread belongs to one customer; its messages are the customer's, a staff reply, or an
-- internal note customers never see. Sent messages are immutable: the database refuses to
-- change or delete one; a correction is a new message.
CREATE TABLE message_threads (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    account_id         INTEGER NOT NULL REFERENCES portal_accounts (id),
    subject            TEXT NOT NULL,
    category           TEXT NOT NULL,
    contract_id        INTEGER REFERENCES contracts (id),
    status             TEXT NOT NULL,
    assigned_staff_id  INTEGER REFERENCES staff_accounts (id),
    created_at         INTEGER NOT NULL,
    last_activity_at   INTEGER NOT NULL,
    -- Since when the customer waits for an answer (NULL when answered or closed).
    waiting_since      INTEGER,
    -- The newest staff reply, and when the customer last read the thread (unread marker).
    last_reply_at      INTEGER,
    customer_read_at   INTEGER,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX message_threads_customer ON message_threads (customer_id, last_activity_at);
CREATE INDEX message_threads_waiting ON message_threads (status, waiting_since);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    thread_id   INTEGER NOT NULL REFERENCES message_threads (id),
    -- customer | staff | note
    author      TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff_accounts (id),
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, id);

CREATE TABLE message_attachments (
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    file_id     TEXT NOT NULL REFERENCES uploaded_files (id),
    PRIMARY KEY (message_id, file_id)
);

CREATE TRIGGER messages_no_update BEFORE UPDATE ON messages
BEGIN
    SELECT RAISE(ABORT, 'messages are immutable');
END;
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
BEGIN
    SELECT RAISE(ABORT, 'messages are immutable');
END;
