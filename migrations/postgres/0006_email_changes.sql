-- Pending e-mail address changes: confirmed by a link sent to the new address (only the
-- SHA-256 of the token is stored; single use, 24 hours).
CREATE TABLE email_changes (
    id           BIGSERIAL PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES portal_accounts (id),
    new_email    TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    used_at      BIGINT
);
