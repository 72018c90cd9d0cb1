-- One-time SMS codes. Rows exist also for requests that sent nothing (unknown customer
-- number, no mobile, ...) so that limits and answers are the same for every number.
CREATE TABLE sms_codes (
    id               BIGSERIAL PRIMARY KEY,
    customer_number  TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    code_hash        TEXT,
    created_at       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    used_at          BIGINT
);
CREATE INDEX sms_codes_lookup ON sms_codes (customer_number, purpose, created_at);

-- Versions of the terms of use; a customer accepts one version at a time.
CREATE TABLE terms_versions (
    id            BIGSERIAL PRIMARY KEY,
    version       TEXT NOT NULL UNIQUE,
    published_at  BIGINT NOT NULL
);
INSERT INTO terms_versions (version, published_at) VALUES ('2026-11-01', 1793491200);

CREATE TABLE terms_acceptances (
    id                BIGSERIAL PRIMARY KEY,
    account_id        BIGINT NOT NULL REFERENCES portal_accounts (id),
    terms_version_id  BIGINT NOT NULL REFERENCES terms_versions (id),
    accepted_at       BIGINT NOT NULL,
    ip_address        TEXT NOT NULL,
    user_agent        TEXT NOT NULL
);
CREATE INDEX terms_acceptances_account ON terms_acceptances (account_id);

-- Every sign-in attempt (without secrets), for throttling and monitoring.
CREATE TABLE sign_in_attempts (
    id          BIGSERIAL PRIMARY KEY,
    email       TEXT NOT NULL,
    ip_address  TEXT NOT NULL,
    succeeded   BIGINT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts (ip_address, at);
