-- A tamper-evident staff audit trail (issue 11): every entry stores the previous entry's hash
-- and its own HMAC-SHA256(key, previous hash ‖ its fields in a fixed order). The key comes
-- from the configuration (derived from PORTAL_DATA_KEY), never from the database, so whoever
-- can write the database still cannot forge a chain that verifies. Appends are serialised by
-- updating the one head row first (a row lock), in the same transaction as the entry.
--
-- Grants (README, "Tamper-evident audit trail"): in production the portal's role should hold only INSERT and
-- SELECT on staff_audit, e.g.
--   REVOKE UPDATE, DELETE, TRUNCATE ON staff_audit FROM portal;
--   GRANT INSERT, SELECT ON staff_audit TO portal;
-- The triggers below refuse changes even to a role that has more rights.
ALTER TABLE staff_audit ADD COLUMN prev_hash TEXT;
ALTER TABLE staff_audit ADD COLUMN hash TEXT;

CREATE TABLE audit_head (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    last_hash  TEXT NOT NULL,
    entries    BIGINT NOT NULL
);
INSERT INTO audit_head (id, last_hash, entries)
    VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000', 0);

CREATE TABLE audit_checks (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    entries    BIGINT NOT NULL,
    ok         BIGINT NOT NULL,
    broken_at  BIGINT,
    detail     TEXT NOT NULL
);

CREATE FUNCTION staff_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER staff_audit_no_update BEFORE UPDATE OR DELETE ON staff_audit
    FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
CREATE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_audit
    FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_append_only();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
