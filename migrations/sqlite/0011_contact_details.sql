-- Contact details (issue 10): the postal address the back office keeps for a customer (the
-- mobile number and the e-mail address for correspondence already have columns), and what a
-- contact-details change request asks for. The customer files the request; the CIC's approval
-- writes the new values to the customer in the same transaction as the status change.
ALTER TABLE customers ADD COLUMN street TEXT;
ALTER TABLE customers ADD COLUMN postal_code TEXT;
ALTER TABLE customers ADD COLUMN city TEXT;
ALTER TABLE customers ADD COLUMN country TEXT;

ALTER TABLE service_requests ADD COLUMN new_street TEXT;
ALTER TABLE service_requests ADD COLUMN new_postal_code TEXT;
ALTER TABLE service_requests ADD COLUMN new_city TEXT;
ALTER TABLE service_requests ADD COLUMN new_country TEXT;
ALTER TABLE service_requests ADD COLUMN new_mobile TEXT;
ALTER TABLE service_requests ADD COLUMN new_email TEXT;
