-- "This was not me": the notice to the old address carries a second link (only its SHA-256
-- is stored) that cancels the change, or undoes it if it was confirmed, and secures the account.
ALTER TABLE email_changes ADD COLUMN old_email TEXT;
ALTER TABLE email_changes ADD COLUMN cancel_token_hash TEXT;
CREATE UNIQUE INDEX email_changes_cancel_token ON email_changes (cancel_token_hash);
