-- A customer's invoice list (newest first, 25 a page) read from an index in its order: the
-- invoice carries its contract's customer, so the page reads its 25 rows and stops instead of
-- reading and sorting every invoice of every contract of the customer (the demo customer's
-- 36, a fleet customer's thousands) for each page. The column follows the contract: set on
-- insert and when an invoice changes contract, and again when a contract changes customer
-- (an import may move a contract), by triggers, so no path that writes invoices or contracts
-- can leave an invoice in the list of a customer who no longer holds its contract.
ALTER TABLE invoices ADD COLUMN customer_id BIGINT REFERENCES customers (id);
UPDATE invoices SET customer_id = c.customer_id FROM contracts c WHERE c.id = invoices.contract_id;
ALTER TABLE invoices ALTER COLUMN customer_id SET NOT NULL;
CREATE INDEX invoices_customer_issue ON invoices (customer_id, issue_date, id);

CREATE FUNCTION invoices_take_contract_customer() RETURNS trigger AS $$
BEGIN
    NEW.customer_id := (SELECT c.customer_id FROM contracts c WHERE c.id = NEW.contract_id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoices_customer BEFORE INSERT OR UPDATE OF contract_id, customer_id ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_take_contract_customer();

CREATE FUNCTION contracts_give_customer_to_invoices() RETURNS trigger AS $$
BEGIN
    UPDATE invoices SET customer_id = NEW.customer_id WHERE contract_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_customer_to_invoices AFTER UPDATE OF customer_id ON contracts
    FOR EACH ROW WHEN (NEW.customer_id IS DISTINCT FROM OLD.customer_id)
    EXECUTE FUNCTION contracts_give_customer_to_invoices();
