-- Single-use recovery codes of a customer's second factor; only their SHA-256 is stored.
CREATE TABLE recovery_codes (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES portal_accounts (id),
    code_hash   TEXT NOT NULL,
    used_at     INTEGER
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);
