-- A tamper-evident staff audit trail (issue 11): every entry stores the previous entry's hash
-- and its own HMAC-SHA256(key, previous hash ‖ its fields in a fixed order). The key comes
-- from the configuration (derived from PORTAL_DATA_KEY), never from the database, so whoever
-- can write the database still cannot forge a chain that verifies. Appends are serialised by
-- updating the one head row first, in the same transaction as the entry.
ALTER TABLE staff_audit ADD COLUMN prev_hash TEXT;
ALTER TABLE staff_audit ADD COLUMN hash TEXT;

CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_hash  TEXT NOT NULL,
    entries    INTEGER NOT NULL
);
-- The chain starts from 64 zeros; entries written before this migration have no hash and are
-- reported apart by the verification.
INSERT INTO audit_head (id, last_hash, entries)
    VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- What the daily verification found.
CREATE TABLE audit_checks (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    entries    INTEGER NOT NULL,
    ok         INTEGER NOT NULL,
    broken_at  INTEGER,
    detail     TEXT NOT NULL
);

-- Nobody edits or deletes an entry, not even the portal itself.
CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit
BEGIN
    SELECT RAISE(ABORT, 'staff_audit is append-only');
END;
CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_audit
BEGIN
    SELECT RAISE(ABORT, 'staff_audit is append-only');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit_head cannot be deleted');
END;
