-- Suspending a customer's portal access (issue 11; terms art. 6.4): an admin suspends with a
-- reason from a short list and free text, and reinstates later. While suspended_at is set the
-- account cannot sign in and has no session.
ALTER TABLE portal_accounts ADD COLUMN suspended_at BIGINT;
ALTER TABLE portal_accounts ADD COLUMN suspended_reason TEXT;
ALTER TABLE portal_accounts ADD COLUMN suspended_note TEXT;
