-- Customer self-service: mileage readings, documents, requests and announcements.

-- Odometer readings reported by the customer (or imported from the back office).
CREATE TABLE mileage_readings (
    id            INTEGER PRIMARY KEY,
    contract_id   INTEGER NOT NULL REFERENCES contracts (id),
    reading_date  TEXT NOT NULL,
    km            INTEGER NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('customer', 'back_office')),
    account_id    INTEGER REFERENCES portal_accounts (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX mileage_readings_contract ON mileage_readings (contract_id, reading_date);

-- Documents available to a customer. The PDF is rendered from the stored data when it is
-- downloaded, so a document is its kind plus what it is about (contract, year).
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    contract_id  INTEGER REFERENCES contracts (id),
    kind         TEXT NOT NULL,
    year         INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX documents_customer ON documents (customer_id, created_at);
CREATE INDEX documents_contract ON documents (contract_id);

-- What a customer asked for (documents now; changes and privacy rights later). The kind is
-- checked by the domain so later kinds need no table rewrite.
CREATE TABLE service_requests (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    contract_id  INTEGER REFERENCES contracts (id),
    kind         TEXT NOT NULL,
    year         INTEGER,
    status       TEXT NOT NULL CHECK (status IN ('submitted', 'in_treatment', 'approved', 'rejected', 'completed', 'cancelled')),
    document_id  INTEGER REFERENCES documents (id),
    account_id   INTEGER REFERENCES portal_accounts (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX service_requests_customer ON service_requests (customer_id, created_at);
CREATE INDEX service_requests_contract ON service_requests (contract_id);

-- Banners shown to signed-in customers between two moments (maintenance and the like).
CREATE TABLE announcements (
    id          INTEGER PRIMARY KEY,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    text_nl     TEXT NOT NULL,
    text_fr     TEXT NOT NULL,
    text_en     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX announcements_period ON announcements (ends_at, starts_at);
