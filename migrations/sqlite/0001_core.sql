-- Core model imported from the back office, plus portal and staff accounts.
-- Portable types only (sqlx Any): integers, text. Dates as ISO text, times as epoch seconds,
-- money as integer cents, flags as 0/1.

CREATE TABLE customers (
    id               INTEGER PRIMARY KEY,
    customer_number  TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('private', 'company')),
    first_name       TEXT NOT NULL DEFAULT '',
    last_name        TEXT NOT NULL DEFAULT '',
    company_name     TEXT,
    company_number   TEXT,
    mobile           TEXT,
    email            TEXT,
    language         TEXT NOT NULL DEFAULT 'nl',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX customers_last_name ON customers (last_name);
CREATE INDEX customers_company_name ON customers (company_name);

CREATE TABLE contracts (
    id                    INTEGER PRIMARY KEY,
    contract_number       TEXT NOT NULL UNIQUE,
    customer_id           INTEGER NOT NULL REFERENCES customers (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('lease', 'financing')),
    status                TEXT NOT NULL CHECK (status IN ('pending', 'active', 'ended', 'terminated')),
    start_date            TEXT NOT NULL,
    end_date              TEXT NOT NULL,
    duration_months       INTEGER NOT NULL,
    monthly_amount_cents  INTEGER NOT NULL,
    allowed_km_per_year   INTEGER,
    excess_km_rate_cents  INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX contracts_customer ON contracts (customer_id);

CREATE TABLE vehicles (
    id            INTEGER PRIMARY KEY,
    contract_id   INTEGER NOT NULL UNIQUE REFERENCES contracts (id),
    make          TEXT NOT NULL,
    model         TEXT NOT NULL,
    vin           TEXT NOT NULL UNIQUE,
    number_plate  TEXT
);
CREATE INDEX vehicles_number_plate ON vehicles (number_plate);

CREATE TABLE invoices (
    id                     INTEGER PRIMARY KEY,
    invoice_number         TEXT NOT NULL UNIQUE,
    contract_id            INTEGER NOT NULL REFERENCES contracts (id),
    issue_date             TEXT NOT NULL,
    due_date               TEXT NOT NULL,
    amount_excl_vat_cents  INTEGER NOT NULL,
    vat_cents              INTEGER NOT NULL,
    amount_incl_vat_cents  INTEGER NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('open', 'paid', 'cancelled')),
    description            TEXT NOT NULL DEFAULT '',
    payment_reference      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invoices_contract_issue ON invoices (contract_id, issue_date);
CREATE INDEX invoices_contract_status ON invoices (contract_id, status, due_date);

-- A customer's portal login (one per customer). The e-mail is stored lower-cased.
CREATE TABLE portal_accounts (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL UNIQUE REFERENCES customers (id),
    email           TEXT NOT NULL UNIQUE,
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT,
    totp_last_step  INTEGER,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- CIC staff: never customer accounts; TOTP is mandatory.
CREATE TABLE staff_accounts (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT NOT NULL,
    totp_last_step  INTEGER,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL
);
