-- Single-use recovery codes of a customer's second factor; only their SHA-256 is stored.
CREATE TABLE recovery_codes (
    id          BIGSERIAL PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES portal_accounts (id),
    code_hash   TEXT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);
