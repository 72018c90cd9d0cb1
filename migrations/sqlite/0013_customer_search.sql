-- Customer search for the CIC (issue 11): one search document per customer (name, numbers,
-- e-mail, mobile, contract numbers and plates, folded to lower case without accents, also in
-- compact form), written by the portal whenever one of those fields changes and filled at
-- start-up where missing. Searched with LIKE '%term%' (escaped).
ALTER TABLE customers ADD COLUMN search_text TEXT;

-- When the customer last signed in (shown to staff in the customer view).
ALTER TABLE portal_accounts ADD COLUMN last_sign_in_at INTEGER;
