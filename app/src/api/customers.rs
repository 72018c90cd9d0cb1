//! The CIC's customer search (`/cic/customers`) and read-only customer view
//! (`/cic/customers/{number}`), for any staff role. Each search and each opening is audited by
//! `backend::services::customer_view` before the data is returned.

use crate::api::customer::{ContractCard, DocumentItem, InvoiceItem, RequestItem};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One customer found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundItem {
    pub number: String,
    pub name: String,
    pub email: Option<String>,
    pub city: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchView {
    /// The term as typed.
    pub q: String,
    /// None before a search (an empty page), else the results.
    pub found: Option<Vec<FoundItem>>,
    pub page: i64,
    pub more: bool,
    /// A refused term: the message key (shown next to the field).
    pub error: Option<String>,
}

/// Searches customers: customer number, name, company name or number, e-mail, mobile number,
/// contract number or plate, partial and in any form; 25 a page. Without `q` the page shows
/// the form; an empty or single-character `q` is refused with a hint.
#[server(endpoint = "cic/customers")]
pub async fn customer_search(
    #[server(default)] q: Option<String>,
    #[server(default)] page: String,
) -> Result<Option<SearchView>, AppError> {
    use crate::session;
    use backend::services::customer_view;
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let page = page.trim().parse::<i64>().unwrap_or(1).max(1);
    let searched = q.is_some();
    let q = q.unwrap_or_default();
    let mut view = SearchView {
        q: q.chars().take(200).collect(),
        found: None,
        page,
        more: false,
        error: None,
    };
    if !searched {
        return Ok(Some(view));
    }
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let who = origin.reader(staff.staff_id);
    match customer_view::search(&ctx.services(), who, &q, page).await? {
        Ok(found) => {
            view.page = found.page;
            view.more = found.more;
            view.found = Some(
                found
                    .customers
                    .into_iter()
                    .map(|c| FoundItem {
                        name: c.name(),
                        number: c.customer_number,
                        email: c.email,
                        city: c.city,
                    })
                    .collect(),
            );
        }
        Err(refusal) => view.error = Some(refusal.key().to_string()),
    }
    Ok(Some(view))
}

/// The portal account as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountItem {
    pub email: String,
    pub registered: String,
    pub last_sign_in: Option<String>,
    pub two_factor: bool,
    pub must_reset: bool,
    pub active: bool,
    /// Suspended since (and why: the reason code and the note).
    pub suspended: Option<String>,
    pub suspended_reason: Option<String>,
    pub suspended_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCustomerView {
    pub number: String,
    pub name: String,
    /// `private` or `company`.
    pub kind: String,
    pub company_number: Option<String>,
    pub language: String,
    pub address: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// None: not registered in the portal.
    pub account: Option<AccountItem>,
    pub contracts: Vec<ContractCard>,
    pub invoices: Vec<InvoiceItem>,
    pub invoice_count: i64,
    pub documents: Vec<DocumentItem>,
    pub requests: Vec<RequestItem>,
    /// (kind, reported at).
    pub incidents: Vec<(String, String)>,
    /// The signed-in staff member may suspend and reinstate (admins).
    pub can_suspend: bool,
    pub message: Option<crate::message::Message>,
    pub values: std::collections::HashMap<String, String>,
}

/// A customer as the CIC sees them (read-only); unknown number: 404.
#[server(endpoint = "cic/customer")]
pub async fn staff_customer(number: String) -> Result<Option<StaffCustomerView>, AppError> {
    use crate::api::customer::{
        contract_card, document_item, invoice_item, request_item_for_staff, stamp,
    };
    use crate::session;
    use backend::services::customer_view;
    use domain::model::StaffRole;
    use domain::values::PhoneNumber;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let who = origin.reader(staff.staff_id);
    let Some(v) = customer_view::open(&ctx.services(), who, &number).await? else {
        return Err(AppError::NotFound);
    };
    let today = ctx.services().clock.local_today();
    let flash = session::take_flash(&session::session().await?, SUSPENSION_FORM).await?;
    Ok(Some(StaffCustomerView {
        name: v.customer.display_name(),
        number: v.customer.customer_number.clone(),
        kind: v.customer.kind.clone(),
        company_number: v.customer.company_number.clone(),
        language: v.customer.language.clone(),
        address: v.contact.address().map(|a| a.one_line()),
        mobile: v.contact.mobile.as_deref().map(PhoneNumber::shown),
        email: v.contact.email.clone(),
        account: v.account.map(|a| AccountItem {
            email: a.email,
            registered: stamp(a.created_at),
            last_sign_in: a.last_sign_in_at.map(stamp),
            two_factor: a.two_factor != 0,
            must_reset: a.must_reset_password != 0,
            active: a.active != 0,
            suspended: a.suspended_at.map(stamp),
            suspended_reason: a.suspended_reason,
            suspended_note: a.suspended_note,
        }),
        contracts: v.contracts.iter().map(contract_card).collect(),
        invoices: v
            .invoices
            .into_iter()
            .map(|i| invoice_item(i, today))
            .collect(),
        invoice_count: v.invoice_count,
        documents: v.documents.into_iter().map(document_item).collect(),
        requests: v.requests.into_iter().map(request_item_for_staff).collect(),
        incidents: v
            .incidents
            .into_iter()
            .map(|(kind, at)| (kind, stamp(at)))
            .collect(),
        can_suspend: staff.role == StaffRole::Admin,
        message: flash.message(),
        values: flash.values,
    }))
}

/// The form name of the suspension flash on the customer view.
pub const SUSPENSION_FORM: &str = "suspension";

/// Admins: suspends a customer's portal access with a reason (and a note, required for
/// "other"); back to the customer view with the outcome. Agents: 403.
#[server(endpoint = "cic/suspend-customer")]
pub async fn suspend_customer(
    number: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    access(&number, Some((&reason, &note))).await
}

/// Admins: gives a suspended customer their access back.
#[server(endpoint = "cic/reinstate-customer")]
pub async fn reinstate_customer(number: String) -> Result<(), AppError> {
    access(&number, None).await
}

#[cfg(feature = "ssr")]
async fn access(number: &str, suspend: Option<(&str, &str)>) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::customer_view::{self, Suspended};
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Admin).await? else {
        return Ok(());
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let who = origin.reader(staff.staff_id);
    let number = number.trim().to_string();
    let outcome = match suspend {
        Some((reason, note)) => {
            customer_view::suspend(&ctx.services(), who, &number, reason, note).await?
        }
        None => customer_view::reinstate(&ctx.services(), who, &number).await?,
    };
    let flash = match (outcome, suspend) {
        (Suspended::NotFound, _) => return Err(AppError::NotFound),
        (Suspended::Done, Some(_)) => Flash::notice(SUSPENSION_FORM, "suspension.done"),
        (Suspended::Done, None) => Flash::notice(SUSPENSION_FORM, "suspension.reinstated"),
        (Suspended::Refused(r), Some((reason, note))) => Flash::error(SUSPENSION_FORM, r)
            .with_values(&[("reason", reason.trim()), ("note", note.trim())]),
        (Suspended::Refused(r), None) => Flash::error(SUSPENSION_FORM, r),
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect(&format!("/cic/customers/{number}#access"));
    Ok(())
}

/// Any staff role: e-mails the customer a password-reset link (staff never see or set a
/// password); back to the customer view with the outcome.
#[server(endpoint = "cic/send-password-reset")]
pub async fn send_password_reset(number: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::customer_view::{self, Suspended};
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(());
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let number = number.trim().to_string();
    let outcome =
        customer_view::send_password_reset(&ctx.services(), origin.reader(staff.staff_id), &number)
            .await?;
    let flash = match outcome {
        Suspended::NotFound => return Err(AppError::NotFound),
        Suspended::Done => Flash::notice(SUSPENSION_FORM, "customers.reset_sent"),
        Suspended::Refused(r) => Flash::error(SUSPENSION_FORM, r),
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect(&format!("/cic/customers/{number}#access"));
    Ok(())
}
