-- Messaging with a million messages (issue 12's benchmark): a customer's threads newest first
-- and the CIC's waiting threads oldest first come from an index to the last row (ties by id),
-- and the unread count reads only the unread threads.
DROP INDEX message_threads_customer;
CREATE INDEX message_threads_customer ON message_threads (customer_id, last_activity_at, id);
DROP INDEX message_threads_waiting;
CREATE INDEX message_threads_waiting ON message_threads (status, waiting_since, id);
CREATE INDEX message_threads_unread ON message_threads (customer_id)
    WHERE last_reply_at IS NOT NULL AND (customer_read_at IS NULL OR last_reply_at > customer_read_at);
