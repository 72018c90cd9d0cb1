-- A customer's invoice list (newest first, 25 a page) read from an index in its order: the
-- invoice carries its contract's customer, so the page reads its 25 rows and stops instead of
-- reading and sorting every invoice of every contract of the customer (the demo customer's
-- 36, a fleet customer's thousands) for each page. The column follows the contract: set on
-- insert, and again when an invoice changes contract or a contract changes customer (an
-- import may move a contract), by triggers, so no path that writes invoices or contracts
-- can leave an invoice in the list of a customer who no longer holds its contract.
ALTER TABLE invoices ADD COLUMN customer_id INTEGER REFERENCES customers (id);
UPDATE invoices SET customer_id = (SELECT c.customer_id FROM contracts c WHERE c.id = invoices.contract_id);
CREATE INDEX invoices_customer_issue ON invoices (customer_id, issue_date);

CREATE TRIGGER invoices_customer_on_insert AFTER INSERT ON invoices
    WHEN NEW.customer_id IS NOT (SELECT c.customer_id FROM contracts c WHERE c.id = NEW.contract_id)
BEGIN
    UPDATE invoices SET customer_id = (SELECT c.customer_id FROM contracts c WHERE c.id = NEW.contract_id)
        WHERE id = NEW.id;
END;

CREATE TRIGGER invoices_customer_on_update AFTER UPDATE OF contract_id, customer_id ON invoices
    WHEN NEW.customer_id IS NOT (SELECT c.customer_id FROM contracts c WHERE c.id = NEW.contract_id)
BEGIN
    UPDATE invoices SET customer_id = (SELECT c.customer_id FROM contracts c WHERE c.id = NEW.contract_id)
        WHERE id = NEW.id;
END;

CREATE TRIGGER contracts_customer_to_invoices AFTER UPDATE OF customer_id ON contracts
    WHEN NEW.customer_id IS NOT OLD.customer_id
BEGIN
    UPDATE invoices SET customer_id = NEW.customer_id WHERE contract_id = NEW.id;
END;
