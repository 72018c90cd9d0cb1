-- Every staff view of customer data (need-to-know access is monitored); admins read it.
CREATE TABLE staff_audit (
    id           BIGSERIAL PRIMARY KEY,
    staff_id     BIGINT NOT NULL REFERENCES staff_accounts (id),
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    at           BIGINT NOT NULL,
    ip_address   TEXT NOT NULL
);
CREATE INDEX staff_audit_at ON staff_audit (at);
