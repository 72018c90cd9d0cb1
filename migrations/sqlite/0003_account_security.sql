-- One row per signed-in browser ("login"), so a customer can see and end their sessions and
-- "sign out everywhere" works for every server instance. The session holds the login id.
CREATE TABLE account_logins (
    login_id     TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES portal_accounts (id),
    created_at   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    ip_address   TEXT NOT NULL,
    user_agent   TEXT NOT NULL
);
CREATE INDEX account_logins_account ON account_logins (account_id);

-- Password reset links: only the SHA-256 of the token is stored; single use, 30 minutes.
CREATE TABLE password_resets (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES portal_accounts (id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    used_at      INTEGER
);

-- Security incidents the CIC must see (e.g. "someone else may know my password").
CREATE TABLE security_incidents (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES portal_accounts (id),
    kind         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    ip_address   TEXT NOT NULL,
    handled_at   INTEGER
);

-- Set when the customer reported that someone may know the password: sign-in is refused
-- until the password is reset by e-mail.
ALTER TABLE portal_accounts ADD COLUMN must_reset_password INTEGER NOT NULL DEFAULT 0;
