-- Saved replies (issue 12): texts an admin maintains in Dutch, French and English that agents
-- start a reply from. A template, not a sent message: it may change or go.
CREATE TABLE saved_replies (
    id          BIGSERIAL PRIMARY KEY,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  BIGINT REFERENCES staff_accounts (id),
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX saved_replies_lang ON saved_replies (lang, title);
