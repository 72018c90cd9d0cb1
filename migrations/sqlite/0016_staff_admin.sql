-- Staff administration (issue 11): admins invite colleagues, who choose their password and
-- enrol their authenticator through a single-use e-mail link; admins deactivate, reactivate,
-- reset a second factor and change roles. `version` makes a change on a stale page fail;
-- `setup_pending` = 1 while the account has no usable password and authenticator (invited, or
-- its second factor was reset): it cannot sign in and has no session.
ALTER TABLE staff_accounts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE staff_accounts ADD COLUMN setup_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_accounts ADD COLUMN lang TEXT NOT NULL DEFAULT 'nl';

-- Set-up links: only the SHA-256 of the token is stored; single use, 72 hours.
CREATE TABLE staff_setup_links (
    id          INTEGER PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff_accounts (id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX staff_setup_links_staff ON staff_setup_links (staff_id);
