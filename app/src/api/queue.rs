//! The CIC's work queue and request page (staff only, behind the role gate): every open
//! request oldest first with its age against the two-working-day target, and assigning,
//! approving and rejecting one. Every read and action is in the audit log. The forms are
//! plain posts (they work the same with and without JavaScript); an API client whose version
//! is stale gets 409 [`AppError::Conflict`], a browser gets the request page again with the
//! message and the current state.

use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form name of the request page's flash.
pub const STAFF_REQUEST_FORM: &str = "staff-request";
/// Requests a queue page shows.
pub const QUEUE_PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub status: String,
    pub customer_number: String,
    pub customer_name: String,
    pub contract_number: Option<String>,
    pub submitted: String,
    /// Working days since it was filed.
    pub age_days: i64,
    pub overdue: bool,
    pub assigned_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub items: Vec<QueueItem>,
    /// How many match, counted up to 1,000.
    pub total: i64,
    /// The count as shown: `37`, or `1.000+` past the count's cap.
    pub total_shown: String,
    pub page: i64,
    pub pages: i64,
    pub kind: String,
    pub status: String,
    /// `anyone`, `unassigned` or `mine`.
    pub assigned: String,
    pub overdue_only: bool,
}

/// The work queue: open requests, oldest first, 50 a page, with filters.
#[server(endpoint = "cic/queue")]
pub async fn queue_page(
    #[server(default)] kind: String,
    #[server(default)] status: String,
    #[server(default)] assigned: String,
    #[server(default)] overdue: String,
    #[server(default)] page: String,
) -> Result<Option<QueueView>, AppError> {
    use crate::session;
    use backend::services::change_requests as changes;
    use backend::store::requests::{Assignee, QueueFilter};
    use domain::model::{RequestKind, RequestStatus, StaffRole};
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let ctx = session::ctx()?;
    let today = ctx.clock.local_today();
    let kind = RequestKind::from_code(kind.trim());
    let status = RequestStatus::from_code(status.trim()).filter(|s| s.is_pending());
    let (assignee, assigned) = match assigned.trim() {
        "unassigned" => (Assignee::Unassigned, "unassigned"),
        "mine" => (Assignee::Staff(staff.staff_id), "mine"),
        _ => (Assignee::Anyone, "anyone"),
    };
    let overdue_only = !overdue.trim().is_empty();
    // Requests filed on or before the latest overdue day (UTC midnight after it).
    let submitted_before = overdue_only.then(|| {
        domain::working_days::latest_overdue_submission(today)
            .next_day()
            .map_or(0, |d| d.midnight().assume_utc().unix_timestamp())
    });
    let page = page.trim().parse::<i64>().unwrap_or(1).clamp(1, 100_000);
    let filter = QueueFilter {
        kind,
        status,
        assignee,
        submitted_before,
        limit: QUEUE_PAGE_SIZE,
        offset: (page - 1) * QUEUE_PAGE_SIZE,
    };
    let origin = crate::gate::Origin::current();
    let who = origin.reader(staff.staff_id);
    let (rows, total) = changes::queue(&ctx.services(), who, &filter).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let filed = changes::filed_on(&r);
            QueueItem {
                reference: changes::reference(&r),
                customer_name: r.customer_name(),
                age_days: domain::working_days::working_days_between(filed, today),
                overdue: domain::working_days::overdue(filed, today),
                submitted: domain::format_date(filed),
                id: r.id,
                kind: r.kind,
                status: r.status,
                customer_number: r.customer_number,
                contract_number: r.contract_number,
                assigned_to: r.assigned_name,
            }
        })
        .collect();
    Ok(Some(QueueView {
        items,
        total_shown: if total > backend::store::requests::QUEUE_COUNT_CAP {
            format!(
                "{}+",
                domain::money::format_int(backend::store::requests::QUEUE_COUNT_CAP)
            )
        } else {
            total.to_string()
        },
        pages: ((total.min(backend::store::requests::QUEUE_COUNT_CAP) + QUEUE_PAGE_SIZE - 1)
            / QUEUE_PAGE_SIZE)
            .max(1),
        total,
        page,
        kind: kind.map(|k| k.code().to_string()).unwrap_or_default(),
        status: status.map(|s| s.code().to_string()).unwrap_or_default(),
        assigned: assigned.to_string(),
        overdue_only,
    }))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRequestView {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub status: String,
    pub pending: bool,
    pub version: i64,
    pub customer_number: String,
    pub customer_name: String,
    pub contract_number: Option<String>,
    pub vehicle: Option<String>,
    pub vin: Option<String>,
    pub current_plate: Option<String>,
    pub current_allowance: Option<String>,
    pub contract_end: Option<String>,
    pub new_value: Option<String>,
    pub old_value: Option<String>,
    pub effective: Option<String>,
    pub year: Option<i64>,
    pub submitted: String,
    pub age_days: i64,
    pub overdue: bool,
    pub assigned_to: Option<String>,
    pub assigned_to_me: bool,
    /// A colleague who opened it in the last minutes.
    pub opened_by_other: Option<String>,
    /// The uploaded file: id, name, type.
    pub file: Option<(String, String, String)>,
    pub staff_note: Option<String>,
    pub history: Vec<crate::api::customer::HistoryItem>,
    /// Colleagues it can be assigned to (id, name), the reader first.
    pub colleagues: Vec<(i64, String)>,
    pub message: Option<Message>,
    pub note: String,
}

/// A request as staff see it (the view is audited, and marks it as opened by the reader).
#[server(endpoint = "cic/request")]
pub async fn staff_request_page(id: String) -> Result<Option<StaffRequestView>, AppError> {
    use crate::session;
    use backend::services::change_requests as changes;
    use domain::model::{RequestStatus, StaffRole};
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(AppError::NotFound);
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let today = ctx.clock.local_today();
    let origin = crate::gate::Origin::current();
    let who = origin.reader(staff.staff_id);
    let Some(v) = changes::open(&ctx.services(), who, id).await? else {
        return Err(AppError::NotFound);
    };
    let mut colleagues: Vec<(i64, String)> = backend::store::staff::list(ctx.db.reads().await?)
        .await?
        .into_iter()
        .filter(|m| m.active == 1)
        .map(|m| (m.id, m.display_name))
        .collect();
    colleagues.sort_by_key(|(id, _)| *id != staff.staff_id);
    let flash = session::take_flash(&s, STAFF_REQUEST_FORM).await?;
    let r = &v.request;
    let filed = changes::filed_on(r);
    let item = crate::api::customer::request_item_for_staff(r.clone());
    Ok(Some(StaffRequestView {
        id: r.id,
        reference: item.reference,
        kind: r.kind.clone(),
        status: r.status.clone(),
        pending: r.status().is_some_and(RequestStatus::is_pending),
        version: r.version,
        customer_number: r.customer_number.clone(),
        customer_name: r.customer_name(),
        contract_number: r.contract_number.clone(),
        vehicle: v
            .contract
            .as_ref()
            .map(|c| format!("{} {}", c.make, c.model)),
        vin: v.contract.as_ref().map(|c| c.vin.clone()),
        current_plate: v.contract.as_ref().and_then(|c| c.number_plate.clone()),
        current_allowance: v
            .contract
            .as_ref()
            .and_then(|c| c.allowed_km_per_year)
            .map(|km| format!("{} km", domain::money::format_int(km))),
        contract_end: v
            .contract
            .as_ref()
            .map(|c| changes::shown_date(&c.end_date)),
        new_value: item.new_value,
        old_value: item.old_value,
        effective: item.effective,
        year: r.year,
        submitted: domain::format_date(filed),
        age_days: domain::working_days::working_days_between(filed, today),
        overdue: r.status().is_some_and(RequestStatus::is_pending)
            && domain::working_days::overdue(filed, today),
        assigned_to: r.assigned_name.clone(),
        assigned_to_me: r.assigned_staff_id == Some(staff.staff_id),
        opened_by_other: v.opened_by_other.clone(),
        file: v
            .file
            .as_ref()
            .map(|f| (f.id.clone(), f.file_name.clone(), f.content_type.clone())),
        staff_note: r.staff_note.clone(),
        history: v
            .history
            .iter()
            .map(|e| crate::api::customer::HistoryItem {
                status: e.status.clone(),
                at: crate::api::customer::stamp(e.at),
                staff: e.staff_name.clone(),
                note: e.note.clone(),
            })
            .collect(),
        colleagues,
        note: flash.values.get("note").cloned().unwrap_or_default(),
        message: flash.message(),
    }))
}

/// After a staff action: back to the request page with the outcome, or for an API client a
/// 409 when someone else changed the request first.
#[cfg(feature = "ssr")]
async fn answer(
    id: i64,
    decision: backend::services::change_requests::Decision,
    done: &str,
    note: &str,
) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::change_requests::Decision;
    use domain::refusal::Refusal;
    let s = session::session().await?;
    let flash = match decision {
        Decision::NotFound => return Err(AppError::NotFound),
        Decision::Done => Flash::notice(STAFF_REQUEST_FORM, done),
        Decision::Refused(r) => {
            if matches!(r, Refusal::RequestStale | Refusal::RequestClosed)
                && !session::is_form_post()
            {
                return Err(AppError::Conflict);
            }
            Flash::error(STAFF_REQUEST_FORM, r).with_values(&[("note", note.trim())])
        }
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect(&format!("/cic/requests/{id}"));
    Ok(())
}

#[cfg(feature = "ssr")]
fn ids(id: &str, version: &str) -> Result<(i64, i64), AppError> {
    match (id.trim().parse::<i64>(), version.trim().parse::<i64>()) {
        (Ok(id), Ok(version)) => Ok((id, version)),
        (Err(_), _) => Err(AppError::NotFound),
        (_, Err(_)) => Err(AppError::BadRequest),
    }
}

/// Assigns a request: `to` is a staff id, `me` for the reader, empty to release it.
#[server(endpoint = "cic/assign-request")]
pub async fn assign_request(
    id: String,
    version: String,
    #[server(default)] to: String,
) -> Result<(), AppError> {
    use crate::session;
    use backend::services::change_requests as changes;
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(());
    };
    let (id, version) = ids(&id, &version)?;
    let to = match to.trim() {
        "" => None,
        "me" => Some(staff.staff_id),
        other => Some(other.parse::<i64>().map_err(|_| AppError::BadRequest)?),
    };
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let who = origin.reader(staff.staff_id);
    let decision = changes::assign(&ctx.services(), who, id, version, to).await?;
    let done = if to.is_some() {
        "notice.request_assigned"
    } else {
        "notice.request_released"
    };
    answer(id, decision, done, "").await
}

/// A staff decision on a request, approve or reject.
#[cfg(feature = "ssr")]
async fn decide(id: &str, version: &str, note: &str, approve: bool) -> Result<(), AppError> {
    use crate::session;
    use backend::services::change_requests as changes;
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(());
    };
    let (id, version) = ids(id, version)?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let who = origin.reader(staff.staff_id);
    let (decision, done) = if approve {
        let d = changes::approve(&ctx.services(), who, id, version, note).await?;
        (d, "notice.request_approved")
    } else {
        let d = changes::reject(&ctx.services(), who, id, version, note).await?;
        (d, "notice.request_rejected")
    };
    answer(id, decision, done, note).await
}

/// Approves a request (a change is applied to the contract; a document is made available).
#[server(endpoint = "cic/approve-request")]
pub async fn approve_request(
    id: String,
    version: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    decide(&id, &version, &note, true).await
}

/// Rejects a request with a note the customer reads.
#[server(endpoint = "cic/reject-request")]
pub async fn reject_request(
    id: String,
    version: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    decide(&id, &version, &note, false).await
}
