-- The SQLite schema adds a trigram full-text index for the customer search here; PostgreSQL
-- already has its pg_trgm GIN index on customers.search_text (0013). Nothing to do.
SELECT 1;
