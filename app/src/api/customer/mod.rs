//! The signed-in customer's own data. Every query is scoped to the account in the session:
//! another customer's contract, invoice, document or request answers exactly like one that
//! does not exist ([`AppError::NotFound`]).
//!
//! Each read returns `Ok(None)` for a signed-out visitor after asking for a redirect to the
//! sign-in page (which comes back to the page afterwards).
//!
//! One file per page; this module holds the list items several pages share and (on the
//! server) the mapping of stored rows to them. The rows come from `backend::services::overview`.

mod contact;
mod contract;
mod dashboard;
mod documents;
mod invoices;
mod messages;
mod requests;

pub use contact::*;
pub use contract::*;
pub use dashboard::*;
pub use documents::*;
pub use invoices::*;
pub use messages::*;
pub use requests::*;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractCard {
    pub contract_number: String,
    pub kind: String,
    pub status: String,
    pub running: bool,
    pub vehicle: String,
    pub number_plate: Option<String>,
    pub start_date: String,
    pub end_date: String,
    pub monthly_amount: String,
    /// `20.000 km`, if the contract has a mileage limit.
    pub allowed_km_per_year: Option<String>,
}

/// One invoice in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceItem {
    pub number: String,
    pub contract_number: String,
    pub issue_date: String,
    pub due_date: String,
    pub amount: String,
    /// `open`, `paid`, `overdue` or `cancelled`.
    pub status: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentItem {
    pub id: i64,
    /// `document.<kind>` translation key.
    pub kind: String,
    pub contract_number: Option<String>,
    pub year: Option<i64>,
    pub created: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestItem {
    pub id: i64,
    /// `WR-2026-000123`.
    pub reference: String,
    pub kind: String,
    pub contract_number: Option<String>,
    pub year: Option<i64>,
    pub status: String,
    pub pending: bool,
    /// Still submitted: the customer may cancel it.
    pub cancellable: bool,
    pub created: String,
    pub updated: String,
    pub document_id: Option<i64>,
    /// A change request: what it changes to (`1-ABC-234`, `25.000 km`), from what, and from
    /// when (`dd/mm/yyyy`).
    pub new_value: Option<String>,
    pub old_value: Option<String>,
    pub effective: Option<String>,
}

#[cfg(feature = "ssr")]
pub use server::{
    card as contract_card, document_item, invoice_item, request_item as request_item_for_staff,
    stamp,
};

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::error::AppError;
    use crate::session::{self, Flash};
    use domain::model::{ContractStatus, InvoiceStatus, RequestStatus};
    use domain::money::{format_date, parse_iso_date};
    use tower_sessions::Session;

    pub const MILEAGE_FORM: &str = "mileage";
    pub const DOCUMENTS_FORM: &str = "documents";

    pub fn date(iso: &str) -> String {
        parse_iso_date(iso).map_or_else(|| iso.to_string(), format_date)
    }

    pub fn epoch_date(epoch: i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(epoch)
            .map(|t| format_date(t.date()))
            .unwrap_or_default()
    }

    /// A moment as `dd/mm/yyyy hh:mm UTC`.
    pub fn stamp(epoch: i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(epoch)
            .map(|t| {
                format!(
                    "{} {:02}:{:02} UTC",
                    format_date(t.date()),
                    t.hour(),
                    t.minute()
                )
            })
            .unwrap_or_default()
    }

    pub fn km(value: i64) -> String {
        let mut out = String::with_capacity(32);
        domain::money::push_int(&mut out, value);
        out.push_str("\u{a0}km");
        out
    }

    pub fn card(c: &backend::store::contracts::ContractDetail) -> ContractCard {
        ContractCard {
            running: ContractStatus::from_code(&c.status).is_some_and(ContractStatus::is_running),
            contract_number: c.contract_number.clone(),
            kind: c.kind.clone(),
            status: c.status.clone(),
            vehicle: format!("{} {}", c.make, c.model),
            number_plate: c.number_plate.clone(),
            start_date: date(&c.start_date),
            end_date: date(&c.end_date),
            monthly_amount: domain::format_eur(c.monthly_amount_cents),
            allowed_km_per_year: c.allowed_km_per_year.map(km),
        }
    }

    /// The row's texts move into the item (a list page maps every row once).
    pub fn invoice_item(i: backend::store::invoices::InvoiceRow, today: time::Date) -> InvoiceItem {
        let status = match InvoiceStatus::from_code(&i.status) {
            Some(s) if parse_iso_date(&i.due_date).is_some_and(|d| s.is_overdue(d, today)) => {
                "overdue".to_string()
            }
            _ => i.status,
        };
        InvoiceItem {
            number: i.invoice_number,
            contract_number: i.contract_number,
            issue_date: date(&i.issue_date),
            due_date: date(&i.due_date),
            amount: domain::format_eur(i.amount_incl_vat_cents),
            status,
            description: i.description,
        }
    }

    pub fn document_item(d: backend::store::documents::DocumentRow) -> DocumentItem {
        DocumentItem {
            id: d.id,
            kind: d.kind,
            contract_number: d.contract_number,
            year: d.year,
            created: epoch_date(d.created_at),
        }
    }

    pub fn request_item(r: backend::store::requests::RequestRow) -> RequestItem {
        let km_text = |v: &str| v.parse::<i64>().map(km).unwrap_or_else(|_| v.to_string());
        let phone = domain::values::PhoneNumber::shown;
        let (new_value, old_value) = match (&r.new_plate, r.new_km_per_year) {
            (Some(plate), _) => (Some(plate.clone()), r.old_value.clone()),
            (None, Some(new)) => (Some(km(new)), r.old_value.as_deref().map(km_text)),
            _ => match (r.new_address(), &r.new_mobile, &r.new_email) {
                (Some(address), _, _) => (Some(address.one_line()), r.old_value.clone()),
                (None, Some(mobile), _) => (Some(phone(mobile)), r.old_value.clone()),
                (None, None, Some(email)) => (Some(email.clone()), r.old_value.clone()),
                _ => (None, None),
            },
        };
        RequestItem {
            reference: backend::services::change_requests::reference(&r),
            new_value,
            old_value,
            effective: r.effective_date.as_deref().map(date),
            id: r.id,
            pending: RequestStatus::from_code(&r.status).is_some_and(RequestStatus::is_pending),
            cancellable: RequestStatus::from_code(&r.status)
                .is_some_and(RequestStatus::is_cancellable),
            kind: r.kind,
            contract_number: r.contract_number,
            year: r.year,
            status: r.status,
            created: epoch_date(r.created_at),
            updated: epoch_date(r.updated_at),
            document_id: r.document_id,
        }
    }

    pub async fn flash(s: &Session, flash: Flash) -> Result<(), AppError> {
        session::set_flash(s, flash).await
    }
}
