-- Pending e-mail address changes: confirmed by a link sent to the new address (only the
-- SHA-256 of the token is stored; single use, 24 hours).
CREATE TABLE email_changes (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES portal_accounts (id),
    new_email    TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    used_at      INTEGER
);
