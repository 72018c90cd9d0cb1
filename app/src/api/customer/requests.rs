//! The customer's requests: "My requests" with filters, one request with its history, the
//! forms for a new number plate and a new allowance, and cancelling.
//!
//! The plate form sends a file, so it posts `multipart/form-data` to a plain route of the
//! server (`POST /api/customer/plate-change`, guarded before any parsing) rather than to a
//! server function; its page state comes from [`plate_page`].

use super::*;
use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form names of the flashes of these pages.
pub const PLATE_FORM: &str = "plate-change";
pub const ALLOWANCE_FORM: &str = "allowance-change";
pub const REQUESTS_FORM: &str = "requests";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsView {
    pub requests: Vec<RequestItem>,
    pub status: String,
    pub kind: String,
    pub message: Option<Message>,
}

/// "My requests": every request of the customer, newest first, filtered by status and kind.
#[server(endpoint = "customer/requests")]
pub async fn requests_page(
    #[server(default)] status: String,
    #[server(default)] kind: String,
) -> Result<Option<RequestsView>, AppError> {
    use crate::session;
    use domain::model::{RequestKind, RequestStatus};
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer("/requests").await? else {
        return Ok(None);
    };
    // Unknown filter values are ignored (a hand-edited address shows everything).
    let status = RequestStatus::from_code(status.trim()).map_or("", |s| s.code());
    let kind = RequestKind::from_code(kind.trim()).map_or("", |k| k.code());
    let rows = backend::services::overview::requests(&session::db()?, me.customer_id, status, kind)
        .await?;
    let flash = session::take_flash(&s, REQUESTS_FORM).await?;
    Ok(Some(RequestsView {
        requests: rows.into_iter().map(server::request_item).collect(),
        status: status.to_string(),
        kind: kind.to_string(),
        message: flash.message(),
    }))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub status: String,
    pub at: String,
    /// Who moved it (shown to staff only).
    pub staff: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetailView {
    pub item: RequestItem,
    pub history: Vec<HistoryItem>,
    /// The note of the CIC (why it was rejected).
    pub staff_note: Option<String>,
    /// The uploaded file: its id and name.
    pub file: Option<(String, String)>,
    pub message: Option<Message>,
}

/// One of the customer's requests with its history; another customer's is a 404.
#[server(endpoint = "customer/request")]
pub async fn request_page(id: String) -> Result<Option<RequestDetailView>, AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer(&format!("/requests/{}", id.trim())).await? else {
        return Ok(None);
    };
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(AppError::NotFound);
    };
    let detail =
        backend::services::overview::request(&session::db()?.pool, me.customer_id, id).await?;
    let Some(backend::services::overview::RequestDetail {
        request: row,
        history,
        file,
    }) = detail
    else {
        return Err(AppError::NotFound);
    };
    let file = file.map(|f| (f.id, f.file_name));
    let flash = session::take_flash(&s, REQUESTS_FORM).await?;
    Ok(Some(RequestDetailView {
        staff_note: row.staff_note.clone(),
        item: server::request_item(row),
        history: history
            .into_iter()
            .map(|e| HistoryItem {
                status: e.status,
                at: server::epoch_date(e.at),
                staff: None,
                note: e.note,
            })
            .collect(),
        file,
        message: flash.message(),
    }))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeFormView {
    pub contract_number: String,
    pub vehicle: String,
    pub current_plate: Option<String>,
    /// The current yearly allowance (`20.000 km`).
    pub current_allowance: Option<String>,
    /// Whether a change can be asked for (a running contract; with an allowance for the
    /// allowance form).
    pub changeable: bool,
    /// Plate form: today and the last day a plate may take effect (`yyyy-mm-dd`).
    pub min_date: String,
    pub max_date: String,
    /// Allowance form: the months it may take effect from, as (`yyyy-mm-dd`, `mm/yyyy`).
    pub months: Vec<(String, String)>,
    /// The projection of the contract page: km at the end and the excess estimate.
    pub projection: Option<String>,
    /// The allowance over the whole contract now, and the estimated excess cost now.
    pub total_now: Option<String>,
    pub excess_now: Option<String>,
    /// The open request of this kind the form would duplicate (id, reference).
    pub open: Option<(i64, String)>,
    pub message: Option<Message>,
    pub values: std::collections::HashMap<String, String>,
    /// The effect of the typed allowance on the excess estimate (after a refused or previewed
    /// submission): total allowance and excess cost with the change.
    pub effect: Option<String>,
    /// The effect of a few allowances around the current one, from the first possible month:
    /// (km a year, total allowance, estimated excess km, estimated cost).
    pub effects: Vec<(String, String, String, String)>,
}

#[cfg(feature = "ssr")]
async fn change_form(
    number: &str,
    form: &str,
    kind: domain::model::RequestKind,
) -> Result<Option<ChangeFormView>, AppError> {
    use crate::session;
    use domain::change_requests as rules;
    let number = number.trim().to_ascii_uppercase();
    let path = if form == PLATE_FORM {
        "plate"
    } else {
        "allowance"
    };
    let Some(me) = crate::gate::require_customer(&format!("/contracts/{number}/{path}")).await?
    else {
        return Ok(None);
    };
    let s = session::session().await?;
    let db = session::db()?;
    let today = session::clock()?.local_today();
    let Some(o) = backend::services::overview::contract_terms(&db, me.customer_id, &number).await?
    else {
        return Err(AppError::NotFound);
    };
    let (c, terms, readings) = (o.contract, o.terms, o.readings);
    let running = domain::model::ContractStatus::from_code(&c.status)
        .is_some_and(domain::model::ContractStatus::is_running);
    let open = o
        .requests
        .iter()
        .find(|r| {
            r.kind() == Some(kind)
                && r.status()
                    .is_some_and(domain::model::RequestStatus::is_pending)
        })
        .map(|r| (r.id, backend::services::change_requests::reference(r)));
    let flash = session::take_flash(&s, form).await?;
    let values =
        if flash.values.get("contract").map(String::as_str) == Some(c.contract_number.as_str()) {
            flash.values.clone()
        } else {
            Default::default()
        };
    let projection = domain::mileage::project(&terms, &readings);
    let lang = session::lang();
    let end = terms.end;
    let typed_km = values
        .get("km_per_year")
        .and_then(|k| rules::parse_km_per_year(k, -1).ok());
    let typed_from = values
        .get("effective")
        .and_then(|d| domain::money::parse_iso_date(d))
        .or_else(|| rules::allowance_months(today, end).first().copied());
    let effect = match (typed_km, typed_from, c.allowed_km_per_year, &projection) {
        (Some(km), Some(from), Some(current), Some(p)) => {
            let total = rules::allowance_total_with_change(terms.start, end, current, km, from);
            let excess = (p.km_at_end - total).max(0);
            let cost = excess * c.excess_km_rate_cents.unwrap_or(0);
            Some(domain::i18n::tf(
                lang,
                "change.allowance.effect",
                &[
                    ("total", &server::km(total)),
                    ("excess", &server::km(excess)),
                    ("cost", &domain::format_eur(cost)),
                ],
            ))
        }
        _ => None,
    };
    let first_month = rules::allowance_months(today, end).first().copied();
    let effects = match (c.allowed_km_per_year, first_month, &projection) {
        (Some(current), Some(from), Some(p)) => [-10_000, -5_000, 5_000, 10_000]
            .iter()
            .map(|d| current + d)
            .filter(|km| (rules::MIN_KM_PER_YEAR..=rules::MAX_KM_PER_YEAR).contains(km))
            .map(|km| {
                let total = rules::allowance_total_with_change(terms.start, end, current, km, from);
                let excess = (p.km_at_end - total).max(0);
                let cost = excess * c.excess_km_rate_cents.unwrap_or(0);
                (
                    server::km(km),
                    server::km(total),
                    server::km(excess),
                    domain::format_eur(cost),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Some(ChangeFormView {
        effects,
        contract_number: c.contract_number.clone(),
        vehicle: format!("{} {}", c.make, c.model),
        current_plate: c.number_plate.clone(),
        current_allowance: c.allowed_km_per_year.map(server::km),
        changeable: running
            && (kind != domain::model::RequestKind::MileageChange
                || c.allowed_km_per_year.is_some()),
        min_date: domain::money::iso_date(today),
        max_date: domain::money::iso_date(rules::last_plate_date(today).min(end)),
        months: rules::allowance_months(today, end)
            .into_iter()
            .map(|d| {
                (
                    domain::money::iso_date(d),
                    format!("{:02}/{}", u8::from(d.month()), d.year()),
                )
            })
            .collect(),
        projection: projection.as_ref().map(|p| {
            domain::i18n::tf(
                lang,
                "mileage.projection",
                &[("km", &server::km(p.km_at_end))],
            )
        }),
        total_now: terms.total_km().map(server::km),
        excess_now: projection.as_ref().filter(|p| p.exceeds()).map(|p| {
            format!(
                "{} · {}",
                server::km(p.excess_km),
                domain::format_eur(p.excess_cost_cents)
            )
        }),
        open,
        message: flash.message(),
        values,
        effect,
    }))
}

/// The new-plate form of one of the customer's contracts.
#[server(endpoint = "customer/plate-form")]
pub async fn plate_page(number: String) -> Result<Option<ChangeFormView>, AppError> {
    change_form(&number, PLATE_FORM, domain::model::RequestKind::PlateChange).await
}

/// The new-allowance form of one of the customer's contracts.
#[server(endpoint = "customer/allowance-form")]
pub async fn allowance_page(number: String) -> Result<Option<ChangeFormView>, AppError> {
    change_form(
        &number,
        ALLOWANCE_FORM,
        domain::model::RequestKind::MileageChange,
    )
    .await
}

/// Asks for a new yearly allowance from the first of a coming month.
#[server(endpoint = "customer/allowance-change")]
pub async fn request_allowance(
    #[server(default)] contract: String,
    #[server(default)] km_per_year: String,
    #[server(default)] effective: String,
) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::change_requests::{self as changes, AllowanceForm, Customer, Filed};
    let contract = contract.trim().to_ascii_uppercase();
    let back = format!("/contracts/{contract}/allowance");
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer(&back).await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let filed = changes::request_allowance(
        &ctx.services(),
        Customer {
            customer_id: me.customer_id,
            account_id: me.account_id,
        },
        &AllowanceForm {
            contract_number: &contract,
            km_per_year: &km_per_year,
            effective: &effective,
        },
    )
    .await?;
    let typed = [
        ("contract", contract.as_str()),
        ("km_per_year", km_per_year.trim()),
        ("effective", effective.trim()),
    ];
    match filed {
        Filed::NotFound => return Err(AppError::NotFound),
        Filed::Filed(id) => {
            session::set_flash(&s, Flash::notice(REQUESTS_FORM, "notice.change_requested")).await?;
            leptos_axum::redirect(&format!("/requests/{id}"));
        }
        Filed::Refused(r) => {
            session::set_flash(&s, Flash::error(ALLOWANCE_FORM, r).with_values(&typed)).await?;
            leptos_axum::redirect(&back);
        }
        Filed::Duplicate(_) => {
            let flash = Flash::error(ALLOWANCE_FORM, domain::refusal::Refusal::ChangeAlreadyOpen)
                .with_values(&typed);
            session::set_flash(&s, flash).await?;
            leptos_axum::redirect(&back);
        }
    }
    Ok(())
}

/// Cancels one of the customer's pending requests (and e-mails the new status). `back` is the
/// page to return to (a local address; the documents page by default).
#[server(endpoint = "customer/cancel-request")]
pub async fn cancel_request(id: String, #[server(default)] back: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::change_requests::{self as changes, Customer};
    let back = match back.trim() {
        b if crate::paths::is_local(b) && !b.is_empty() => b.to_string(),
        _ => "/documents#requests".to_string(),
    };
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer(&back).await? else {
        return Ok(());
    };
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(AppError::NotFound);
    };
    let ctx = session::ctx()?;
    let me = Customer {
        customer_id: me.customer_id,
        account_id: me.account_id,
    };
    let done = changes::cancel(&ctx.services(), me, id).await?;
    let form = if back.starts_with("/documents") {
        server::DOCUMENTS_FORM
    } else {
        REQUESTS_FORM
    };
    let flash = if done {
        Flash::notice(form, "notice.request_cancelled")
    } else {
        Flash::error(form, domain::refusal::Refusal::CancelRefused)
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect(&back);
    Ok(())
}
