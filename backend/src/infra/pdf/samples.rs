//! Sample data for the PDF tests and the PDF benchmark (`cargo bench -p backend --bench pdf`).

use super::Party;
use crate::store::contracts::ContractDetail;
use crate::store::invoices::InvoiceRow;

/// A running lease with a mileage allowance.
pub fn contract() -> ContractDetail {
    ContractDetail {
        id: 1,
        contract_number: "LC-2023-0001".into(),
        customer_id: 1,
        kind: "lease".into(),
        status: "active".into(),
        start_date: "2023-03-01".into(),
        end_date: "2027-02-28".into(),
        duration_months: 48,
        monthly_amount_cents: 123_456,
        allowed_km_per_year: Some(20_000),
        excess_km_rate_cents: Some(9),
        make: "Škoda".into(),
        model: "Enyaq".into(),
        vin: "TMBJC7NY0PF000100".into(),
        number_plate: Some("1-ABC-234".into()),
    }
}

/// An open monthly invoice of [`contract`].
pub fn invoice_row() -> InvoiceRow {
    InvoiceRow {
        id: 1,
        invoice_number: "2026000042".into(),
        contract_number: "LC-2023-0001".into(),
        issue_date: "2026-11-01".into(),
        due_date: "2026-11-28".into(),
        amount_excl_vat_cents: 102_030,
        vat_cents: 21_426,
        amount_incl_vat_cents: 123_456,
        status: "open".into(),
        description: "11/2026".into(),
        payment_reference: "+++202/6000/04246+++".into(),
    }
}

/// A private customer.
pub fn party() -> Party {
    Party {
        name: "Élise Dupont".into(),
        customer_number: "100001".into(),
        company_number: None,
    }
}
