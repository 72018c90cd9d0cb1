-- Several server instances may share this database, and each keeps sessions in memory
-- (backend/src/infra/sessions.rs). Every changed or ended session is announced on the
-- channel portal_session_changed (its id as payload), so that every instance forgets it.
-- A new session needs no announcement (no instance can hold it yet), nor does the purge of
-- sessions that had already expired (no instance serves an expired one).
-- The table is tower-sessions' own (tower-sessions-sqlx-store creates the same if missing).
CREATE SCHEMA IF NOT EXISTS tower_sessions;
CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id text PRIMARY KEY NOT NULL,
    data bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);

CREATE OR REPLACE FUNCTION tower_sessions.announce_session_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR OLD.expiry_date > now() THEN
        PERFORM pg_notify('portal_session_changed', OLD.id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS session_changed ON tower_sessions.session;
CREATE TRIGGER session_changed
    AFTER UPDATE OR DELETE ON tower_sessions.session
    FOR EACH ROW EXECUTE FUNCTION tower_sessions.announce_session_change();
