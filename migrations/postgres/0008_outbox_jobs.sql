-- A durable outbox and a job runner shared by every server instance.

-- Outgoing SMS and e-mail, written in the same transaction as the change that causes them and
-- delivered by a background worker (retries with backoff; a row is claimed before it is sent,
-- so one instance sends it). The body is erased once the message is sent or given up.
CREATE TABLE outbox_messages (
    id               BIGSERIAL PRIMARY KEY,
    channel          TEXT NOT NULL CHECK (channel IN ('sms', 'mail')),
    recipient        TEXT NOT NULL,
    subject          TEXT,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    lease_until      BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_messages_due ON outbox_messages (status, next_attempt_at);

-- One row a periodic job: who holds it until when, and when it is next due. Claimed with
-- conditional statements only (no advisory locks: they break behind connection poolers).
CREATE TABLE job_leases (
    name         TEXT PRIMARY KEY,
    holder       TEXT,
    lease_until  BIGINT NOT NULL DEFAULT 0,
    next_run_at  BIGINT NOT NULL DEFAULT 0
);

-- A record of each run of a job.
CREATE TABLE job_runs (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    holder       TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT,
    outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'failed')),
    items        BIGINT NOT NULL DEFAULT 0,
    detail       TEXT
);
CREATE INDEX job_runs_name ON job_runs (name, started_at);
