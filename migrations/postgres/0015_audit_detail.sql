-- Audit entries name what was read apart from the free-text detail (issue 11): the customer
-- (number), the object (a contract, invoice, request or file), and the request id of the HTTP
-- request that caused it, so admins filter by them and an entry leads to its server log lines.
-- Entries written before keep them empty; their hash covers the fields they had.
ALTER TABLE staff_audit ADD COLUMN customer_number TEXT;
ALTER TABLE staff_audit ADD COLUMN object TEXT;
ALTER TABLE staff_audit ADD COLUMN request_id TEXT;
CREATE INDEX staff_audit_staff ON staff_audit (staff_id, id);
CREATE INDEX staff_audit_customer ON staff_audit (customer_number, id);
CREATE INDEX staff_audit_action ON staff_audit (action, id);
