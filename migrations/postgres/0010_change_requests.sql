-- Change requests and the CIC work queue (issue 10): a new number plate or yearly mileage
-- allowance for a contract, handled by staff with a version check on every write; the status
-- history of every request; uploaded files (kept outside the web root, referenced by id).

-- A file a customer uploaded (the registration certificate of a new plate). The bytes live in
-- the file store under the data directory; the type was sniffed from the bytes.
CREATE TABLE uploaded_files (
    id            TEXT PRIMARY KEY,
    customer_id   BIGINT NOT NULL REFERENCES customers (id),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX uploaded_files_customer ON uploaded_files (customer_id);

ALTER TABLE service_requests ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE service_requests ADD COLUMN assigned_staff_id BIGINT REFERENCES staff_accounts (id);
ALTER TABLE service_requests ADD COLUMN new_plate TEXT;
ALTER TABLE service_requests ADD COLUMN plate_country TEXT;
ALTER TABLE service_requests ADD COLUMN effective_date TEXT;
ALTER TABLE service_requests ADD COLUMN new_km_per_year BIGINT;
ALTER TABLE service_requests ADD COLUMN old_value TEXT;
ALTER TABLE service_requests ADD COLUMN file_id TEXT REFERENCES uploaded_files (id);
ALTER TABLE service_requests ADD COLUMN staff_note TEXT;
ALTER TABLE service_requests ADD COLUMN opened_by BIGINT REFERENCES staff_accounts (id);
ALTER TABLE service_requests ADD COLUMN opened_at BIGINT;
-- When an open request was filed; NULL once it is answered (approved, rejected, completed,
-- cancelled). The work queue walks the open requests oldest first through these indexes
-- without sorting or scanning the closed ones.
ALTER TABLE service_requests ADD COLUMN open_since BIGINT;
UPDATE service_requests SET open_since = created_at WHERE status IN ('submitted', 'in_treatment');
CREATE INDEX service_requests_open ON service_requests (open_since, id);
CREATE INDEX service_requests_open_kind ON service_requests (kind, open_since, id);
CREATE INDEX service_requests_open_assigned ON service_requests (assigned_staff_id, open_since, id);

-- Every status a request went through, with who moved it (staff) and the note shown to the
-- customer on a rejection.
CREATE TABLE request_events (
    id          BIGSERIAL PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES service_requests (id),
    status      TEXT NOT NULL,
    staff_id    BIGINT REFERENCES staff_accounts (id),
    note        TEXT,
    at          BIGINT NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, at);

-- The history of the requests made before this table existed.
INSERT INTO request_events (request_id, status, at)
    SELECT id, 'submitted', created_at FROM service_requests;
INSERT INTO request_events (request_id, status, at)
    SELECT id, status, updated_at FROM service_requests WHERE status <> 'submitted';
