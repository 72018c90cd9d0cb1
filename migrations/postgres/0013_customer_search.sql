-- Customer search for the CIC (issue 11): one search document per customer (name, numbers,
-- e-mail, mobile, contract numbers and plates, folded to lower case without accents, also in
-- compact form), written by the portal whenever one of those fields changes and filled at
-- start-up where missing. Searched with LIKE '%term%' (escaped) through a trigram index
-- (pg_trgm is a trusted extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE customers ADD COLUMN search_text TEXT;
CREATE INDEX customers_search ON customers USING gin (search_text gin_trgm_ops);

-- When the customer last signed in (shown to staff in the customer view).
ALTER TABLE portal_accounts ADD COLUMN last_sign_in_at BIGINT;
