//! Change requests (a new number plate, a new yearly allowance) and the CIC's work on every
//! request: the customer files and cancels, staff assign, approve and reject. Each status
//! change, its history row, what it changes (the contract, a document) and the e-mail that
//! tells the customer are one transaction; staff writes check the version the agent saw, and
//! every staff read or action is written to the audit log in the same transaction.

use crate::error::StoreResult;
use crate::infra::db;
use crate::infra::files;
use crate::infra::outbox::{Mail, queue};
use crate::services::files as stored_files;
use crate::services::{ServiceError, Services, commit};
use crate::store::contracts::{self, ContractDetail};
use crate::store::files::FileRow;
use crate::store::requests::{self, Change, NewChange, RequestRow};
use crate::store::{accounts, audit, customers, documents};
use domain::change_requests::{self as rules, NewPlate};
use domain::i18n::{t, tf};
use domain::model::{ContractStatus, RequestKind, RequestStatus};
use domain::money::{iso_date, parse_iso_date};
use domain::refusal::Refusal;
use domain::request_flow::RequestEvent;
use domain::uploads;
use domain::values::Email;
use domain::{Lang, format_date};
use sqlx::AnyConnection;

/// The customer filing or cancelling.
#[derive(Clone, Copy, Debug)]
pub struct Customer {
    pub customer_id: i64,
    pub account_id: i64,
}

/// The outcome of filing a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filed {
    /// Filed, with its id.
    Filed(i64),
    /// Refused; nothing was stored.
    Refused(Refusal),
    /// A request of the same kind for this contract is still open (its id).
    Duplicate(i64),
    /// Not one of the customer's contracts (or no such contract).
    NotFound,
}

/// A new plate as typed.
pub struct PlateForm<'a> {
    pub contract_number: &'a str,
    pub country: &'a str,
    pub plate: &'a str,
    pub effective: &'a str,
    /// The registration certificate as it arrived (streamed to disk).
    pub certificate: Option<&'a files::Received>,
}

/// A new allowance as typed.
pub struct AllowanceForm<'a> {
    pub contract_number: &'a str,
    pub km_per_year: &'a str,
    pub effective: &'a str,
}

fn running(c: &ContractDetail) -> bool {
    ContractStatus::from_code(&c.status).is_some_and(ContractStatus::is_running)
}

fn contract_end(c: &ContractDetail) -> Result<time::Date, ServiceError> {
    parse_iso_date(&c.end_date).ok_or_else(|| {
        crate::StoreError::Corrupt(format!(
            "contract {} has an unreadable end date",
            c.contract_number
        ))
        .into()
    })
}

/// The open request a new one of `kind` for `contract_id` would duplicate (contact details:
/// no contract, one open request of a kind per customer).
pub(crate) async fn open_duplicate(
    conn: &mut AnyConnection,
    customer_id: i64,
    kind: RequestKind,
    contract_id: Option<i64>,
) -> StoreResult<Option<i64>> {
    let open: Vec<_> = requests::for_customer(&mut *conn, customer_id)
        .await?
        .into_iter()
        .filter(|r| r.status().is_some_and(RequestStatus::is_pending))
        .filter_map(|r| Some((r.id, r.kind()?, r.contract_id)))
        .collect();
    Ok(rules::open_duplicate(kind, contract_id, &open))
}

/// Files a new number plate. A Belgian plate needs the registration certificate (PDF, JPEG or
/// PNG, at most 10 MB, judged from its bytes). The file is written to the file store first
/// and removed again when the request is not stored, so a refusal leaves no file behind.
pub async fn request_plate(
    s: &Services<'_>,
    me: Customer,
    form: &PlateForm<'_>,
) -> Result<Filed, ServiceError> {
    let today = s.clock.local_today();
    let number = form.contract_number.trim().to_ascii_uppercase();
    let Some(contract) = contracts::detail_for_customer(s.pool, me.customer_id, &number).await?
    else {
        return Ok(Filed::NotFound);
    };
    if !running(&contract) {
        return Ok(Filed::Refused(Refusal::ContractNotChangeable));
    }
    let plate = match rules::parse_plate(form.country, form.plate) {
        Ok(p) => p,
        Err(r) => return Ok(Filed::Refused(r)),
    };
    if contract.number_plate.as_deref() == Some(plate.shown().as_str()) {
        return Ok(Filed::Refused(Refusal::Value(
            domain::values::ValueError::NumberPlate,
        )));
    }
    let effective = match rules::plate_effective(form.effective, today, contract_end(&contract)?) {
        Ok(d) => d,
        Err(r) => return Ok(Filed::Refused(r.into())),
    };
    let file = match (form.certificate, plate.needs_certificate()) {
        (Some(upload), _) if upload.size > 0 => {
            match uploads::judge(upload.size, &upload.head, upload.too_large) {
                Ok(kind) => Some((upload, kind)),
                Err(r) => return Ok(Filed::Refused(r)),
            }
        }
        (_, true) => return Ok(Filed::Refused(Refusal::FileRequired)),
        (_, false) => None,
    };
    let row = match file {
        Some((upload, kind)) => Some(stored_files::keep(s, me.customer_id, upload, kind).await?),
        None => None,
    };
    let stored = file_plate(s, me, &contract, &plate, effective, row.as_ref()).await;
    if !matches!(stored, Ok(Filed::Filed(_))) {
        stored_files::discard(s, row.as_slice()).await;
    }
    stored
}

async fn file_plate(
    s: &Services<'_>,
    me: Customer,
    contract: &ContractDetail,
    plate: &NewPlate,
    effective: time::Date,
    file: Option<&FileRow>,
) -> Result<Filed, ServiceError> {
    let mut tx = db::begin_write(s.pool).await?;
    db::serialise(&mut tx, &format!("service_requests:{}", me.customer_id)).await?;
    if let Some(open) = open_duplicate(
        &mut tx,
        me.customer_id,
        RequestKind::PlateChange,
        Some(contract.id),
    )
    .await?
    {
        tx.rollback().await?;
        return Ok(Filed::Duplicate(open));
    }
    if let Some(row) = file {
        crate::store::files::create(&mut tx, s.clock.epoch(), row).await?;
    }
    let id = requests::create_change(
        &mut tx,
        s.clock.epoch(),
        RequestKind::PlateChange,
        &NewChange {
            customer_id: me.customer_id,
            account_id: Some(me.account_id),
            contract_id: Some(contract.id),
            new_plate: Some(&plate.shown()),
            plate_country: Some(plate.country()),
            effective_date: Some(&iso_date(effective)),
            new_km_per_year: None,
            old_value: contract.number_plate.as_deref(),
            file_id: file.map(|f| f.id.as_str()),
            ..NewChange::default()
        },
    )
    .await?;
    notify(s, &mut tx, id).await?;
    commit(s, tx).await?;
    Ok(Filed::Filed(id))
}

/// Files a new yearly allowance from the first of a coming month.
pub async fn request_allowance(
    s: &Services<'_>,
    me: Customer,
    form: &AllowanceForm<'_>,
) -> Result<Filed, ServiceError> {
    let today = s.clock.local_today();
    let number = form.contract_number.trim().to_ascii_uppercase();
    let Some(contract) = contracts::detail_for_customer(s.pool, me.customer_id, &number).await?
    else {
        return Ok(Filed::NotFound);
    };
    let Some(current) = contract.allowed_km_per_year.filter(|_| running(&contract)) else {
        return Ok(Filed::Refused(Refusal::ContractNotChangeable));
    };
    let km = match rules::parse_km_per_year(form.km_per_year, current) {
        Ok(km) => km,
        Err(r) => return Ok(Filed::Refused(r.into())),
    };
    let effective =
        match rules::allowance_effective(form.effective, today, contract_end(&contract)?) {
            Ok(d) => d,
            Err(r) => return Ok(Filed::Refused(r.into())),
        };
    let mut tx = db::begin_write(s.pool).await?;
    db::serialise(&mut tx, &format!("service_requests:{}", me.customer_id)).await?;
    if let Some(open) = open_duplicate(
        &mut tx,
        me.customer_id,
        RequestKind::MileageChange,
        Some(contract.id),
    )
    .await?
    {
        tx.rollback().await?;
        return Ok(Filed::Duplicate(open));
    }
    let id = requests::create_change(
        &mut tx,
        s.clock.epoch(),
        RequestKind::MileageChange,
        &NewChange {
            customer_id: me.customer_id,
            account_id: Some(me.account_id),
            contract_id: Some(contract.id),
            effective_date: Some(&iso_date(effective)),
            new_km_per_year: Some(km),
            old_value: Some(&current.to_string()),
            ..NewChange::default()
        },
    )
    .await?;
    notify(s, &mut tx, id).await?;
    commit(s, tx).await?;
    Ok(Filed::Filed(id))
}

/// Cancels one of the customer's requests while it is pending (and tells them by e-mail).
/// False if it is not theirs, unknown or no longer pending.
pub async fn cancel(s: &Services<'_>, me: Customer, id: i64) -> Result<bool, ServiceError> {
    let mut tx = db::begin_write(s.pool).await?;
    if !requests::cancel(&mut tx, s.clock.epoch(), me.customer_id, id).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    notify(s, &mut tx, id).await?;
    commit(s, tx).await?;
    Ok(true)
}

/// Queues the e-mail that tells the customer their request's status: the reference and the
/// status only (no personal details), in their language, with a link to the request.
pub(crate) async fn notify(s: &Services<'_>, conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    let Some(request) = requests::by_id(&mut *conn, id).await? else {
        return Ok(());
    };
    let Some((email, lang)) = accounts::notice_address(&mut *conn, request.customer_id).await?
    else {
        return Ok(());
    };
    let Ok(to) = Email::parse(&email) else {
        return Ok(());
    };
    let lang = Lang::from_code(&lang).unwrap_or_default();
    let reference = reference(&request);
    let status = t(lang, &format!("requeststatus.{}", request.status));
    let link = format!(
        "{}/requests/{}",
        s.base_url.trim_end_matches('/'),
        request.id
    );
    let args = [
        ("company", s.branding.company_name.as_str()),
        ("phone", s.branding.contact_phone.as_str()),
        ("reference", reference.as_str()),
        ("status", status),
        ("link", link.as_str()),
    ];
    let mail = Mail {
        to,
        subject: tf(lang, "mail.request_status.subject", &args),
        body: tf(lang, "mail.request_status.body", &args),
    };
    queue::enqueue_mail(conn, s.clock.epoch(), &mail).await?;
    Ok(())
}

/// The reference a customer and an agent quote: `WR-<year filed>-<number>`.
pub fn reference(r: &RequestRow) -> String {
    let year = time::OffsetDateTime::from_unix_timestamp(r.created_at)
        .map(|t| t.year())
        .unwrap_or(1970);
    rules::reference(year, r.id)
}

/// The date a request was filed (for its age against the target).
pub fn filed_on(r: &RequestRow) -> time::Date {
    time::OffsetDateTime::from_unix_timestamp(r.created_at)
        .map(|t| t.date())
        .unwrap_or(time::Date::MIN)
}

/// `dd/mm/yyyy` of a stored ISO date, or the text itself.
pub fn shown_date(iso: &str) -> String {
    parse_iso_date(iso).map_or_else(|| iso.to_string(), format_date)
}

// ---- Staff ----

/// The staff member acting, from where, in which request (for the audit log).
pub type Staff<'a> = crate::services::staff_access::Reader<'a>;

/// The outcome of a staff action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Done,
    Refused(Refusal),
    NotFound,
}

/// What the request page shows staff.
pub struct StaffView {
    pub request: RequestRow,
    pub history: Vec<requests::EventRow>,
    pub contract: Option<ContractDetail>,
    pub file: Option<FileRow>,
    /// Someone else opened it in the last minutes (their name), before this opening.
    pub opened_by_other: Option<String>,
}

/// How long an opening by a colleague is shown as "being looked at".
pub const OPENED_RECENTLY_SECONDS: i64 = 5 * 60;

/// Opens a request for staff: the request, its history, the contract and vehicle and the
/// uploaded file's details, with the audit row and the "opened by" mark in one transaction.
pub async fn open(
    s: &Services<'_>,
    staff: Staff<'_>,
    id: i64,
) -> Result<Option<StaffView>, ServiceError> {
    let now = s.clock.epoch();
    let mut tx = db::begin_write(s.pool).await?;
    let Some(request) = requests::by_id(&mut *tx, id).await? else {
        return Ok(None);
    };
    let history = requests::history(&mut *tx, id).await?;
    let contract = match request.contract_id {
        Some(cid) => contracts::detail_by_id(&mut *tx, cid).await?,
        None => None,
    };
    let opened_by_other = match (request.opened_by, request.opened_at, &request.opened_name) {
        (Some(by), Some(at), Some(name))
            if by != staff.staff_id && now - at < OPENED_RECENTLY_SECONDS =>
        {
            Some(name.clone())
        }
        _ => None,
    };
    requests::mark_opened(&mut tx, now, id, staff.staff_id).await?;
    let object = reference(&request);
    audit::record(
        &mut tx,
        now,
        &staff.entry(
            "view_request",
            Some(&request.customer_number),
            Some(&object),
            "",
        ),
    )
    .await?;
    tx.commit().await.map_err(crate::StoreError::from)?;
    let file = match &request.file_id {
        Some(fid) => crate::store::files::by_id(s.pool, fid).await?,
        None => None,
    };
    Ok(Some(StaffView {
        request,
        history,
        contract,
        file,
        opened_by_other,
    }))
}

/// The work queue (audited: it shows customers' names).
pub async fn queue(
    s: &Services<'_>,
    staff: Staff<'_>,
    filter: &requests::QueueFilter,
) -> Result<(Vec<RequestRow>, i64), ServiceError> {
    let page = requests::queue(s.db.reads().await?, filter).await?;
    let detail = format!("{} of {} requests", page.0.len(), page.1);
    audit::record_alone(
        s.db,
        s.clock.epoch(),
        &staff.entry("view_work_queue", None, None, &detail),
    )
    .await?;
    Ok(page)
}

/// Begins a staff write: the request as it is now, or NotFound.
async fn begin_staff(
    s: &Services<'_>,
    id: i64,
) -> Result<Option<(sqlx::Transaction<'static, sqlx::Any>, RequestRow)>, ServiceError> {
    let mut tx = db::begin_write(s.pool).await?;
    match requests::by_id(&mut *tx, id).await? {
        Some(r) => Ok(Some((tx, r))),
        None => Ok(None),
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Why a staff write did not apply (the request is closed, or someone changed it since),
/// with the transaction rolled back at once (not on the connection's next use).
async fn lost(tx: Tx, r: &RequestRow) -> Result<Decision, ServiceError> {
    tx.rollback().await?;
    Ok(if r.status().is_some_and(RequestStatus::is_pending) {
        Decision::Refused(Refusal::RequestStale)
    } else {
        Decision::Refused(Refusal::RequestClosed)
    })
}

/// Ends a staff decision: the customer's e-mail, the audit line and the change commit
/// together.
async fn decided(
    s: &Services<'_>,
    mut tx: Tx,
    staff: Staff<'_>,
    action: &str,
    r: &RequestRow,
) -> Result<Decision, ServiceError> {
    notify(s, &mut tx, r.id).await?;
    let object = reference(r);
    audit::record(
        &mut tx,
        s.clock.epoch(),
        &staff.entry(action, Some(&r.customer_number), Some(&object), ""),
    )
    .await?;
    commit(s, tx).await?;
    Ok(Decision::Done)
}

/// Assigns a request to `to` (a staff member; None releases it) if it still has `version`.
/// Assigning a submitted request starts its treatment.
pub async fn assign(
    s: &Services<'_>,
    staff: Staff<'_>,
    id: i64,
    version: i64,
    to: Option<i64>,
) -> Result<Decision, ServiceError> {
    let now = s.clock.epoch();
    if let Some(to) = to {
        let active = crate::store::staff::by_id(s.pool, to)
            .await?
            .is_some_and(|m| m.active == 1);
        if !active {
            return Ok(Decision::Refused(Refusal::AssigneeUnknown));
        }
    }
    let Some((mut tx, request)) = begin_staff(s, id).await? else {
        return Ok(Decision::NotFound);
    };
    if !requests::assign(&mut tx, now, id, version, to).await? {
        return lost(tx, &request).await;
    }
    if to.is_some() && request.status() == Some(RequestStatus::Submitted) {
        let change = Change {
            version: Some(version + 1),
            staff_id: Some(staff.staff_id),
            ..Change::default()
        };
        if requests::apply(&mut tx, now, id, RequestEvent::StartTreatment, change).await? {
            notify(s, &mut tx, id).await?;
        }
    }
    let action = if to.is_some() {
        "assign_request"
    } else {
        "release_request"
    };
    let object = reference(&request);
    let detail = to.map_or("to nobody".to_string(), |t| format!("to staff {t}"));
    let entry = staff.entry(
        action,
        Some(&request.customer_number),
        Some(&object),
        &detail,
    );
    audit::record(&mut tx, now, &entry).await?;
    commit(s, tx).await?;
    Ok(Decision::Done)
}

/// Approves a request if it still has `version`: a plate or allowance change updates the
/// contract, a document request makes the document available; the status change, its
/// history, the change itself, the audit row and the customer's e-mail commit together or
/// not at all.
pub async fn approve(
    s: &Services<'_>,
    staff: Staff<'_>,
    id: i64,
    version: i64,
    note: &str,
) -> Result<Decision, ServiceError> {
    let note = match rules::staff_note(note, false) {
        Ok(n) => n,
        Err(r) => return Ok(Decision::Refused(r)),
    };
    let now = s.clock.epoch();
    let Some((mut tx, request)) = begin_staff(s, id).await? else {
        return Ok(Decision::NotFound);
    };
    let Some(kind) = request.kind() else {
        return Err(
            crate::StoreError::Corrupt(format!("request {id} has kind {}", request.kind)).into(),
        );
    };
    let change = Change {
        version: Some(version),
        staff_id: Some(staff.staff_id),
        note: note.as_deref(),
        ..Change::default()
    };
    let applied = match kind.document() {
        Some(document) => {
            let year = request.year.and_then(|y| i32::try_from(y).ok());
            let doc = documents::create(
                &mut *tx,
                now,
                request.customer_id,
                request.contract_id,
                document,
                year,
            )
            .await?;
            requests::apply(
                &mut tx,
                now,
                id,
                RequestEvent::Complete,
                Change {
                    document_id: Some(doc),
                    ..change
                },
            )
            .await?
        }
        None => {
            if !requests::apply(&mut tx, now, id, RequestEvent::Approve, change).await? {
                false
            } else {
                let done = apply_change(&mut tx, now, &request, kind).await?;
                // A new plate, mobile number or e-mail address is searched for too.
                customers::refresh_search(&mut tx, &[request.customer_id]).await?;
                done
            }
        }
    };
    if !applied {
        // Nothing of it stays (a document made for a lost race goes with the rollback).
        return lost(tx, &request).await;
    }
    decided(s, tx, staff, "approve_request", &request).await
}

/// What an approved change request changes: the contract (plate, allowance) or the customer
/// (contact details).
async fn apply_change(
    conn: &mut AnyConnection,
    now: i64,
    r: &RequestRow,
    kind: RequestKind,
) -> Result<bool, ServiceError> {
    let corrupt = |what: &str| -> ServiceError {
        crate::StoreError::Corrupt(format!("change request {} {what}", r.id)).into()
    };
    let done = match kind {
        RequestKind::PlateChange | RequestKind::MileageChange => {
            let Some(contract_id) = r.contract_id else {
                return Err(corrupt("has no contract"));
            };
            match (kind, &r.new_plate, r.new_km_per_year) {
                (RequestKind::PlateChange, Some(plate), _) => {
                    contracts::set_plate(conn, now, contract_id, plate).await?
                }
                (RequestKind::MileageChange, _, Some(km)) => {
                    contracts::set_allowance(conn, now, contract_id, km).await?
                }
                _ => return Err(corrupt("has nothing to change")),
            }
        }
        RequestKind::AddressChange => {
            let Some(address) = r.new_address() else {
                return Err(corrupt("has no address"));
            };
            customers::set_address(conn, now, r.customer_id, &address).await?
        }
        RequestKind::MobileChange | RequestKind::EmailChange => {
            if r.new_mobile.is_none() && r.new_email.is_none() {
                return Err(corrupt("has nothing to change"));
            }
            customers::set_contact(
                conn,
                now,
                r.customer_id,
                r.new_mobile.as_deref(),
                r.new_email.as_deref(),
            )
            .await?
        }
        RequestKind::ContractCopy | RequestKind::FiscalCertificate | RequestKind::Statement => {
            return Err(corrupt("is a document request"));
        }
    };
    Ok(done)
}

/// Rejects a request with a note the customer reads, if it still has `version`.
pub async fn reject(
    s: &Services<'_>,
    staff: Staff<'_>,
    id: i64,
    version: i64,
    note: &str,
) -> Result<Decision, ServiceError> {
    let note = match rules::staff_note(note, true) {
        Ok(n) => n,
        Err(r) => return Ok(Decision::Refused(r)),
    };
    let now = s.clock.epoch();
    let Some((mut tx, request)) = begin_staff(s, id).await? else {
        return Ok(Decision::NotFound);
    };
    let change = Change {
        version: Some(version),
        staff_id: Some(staff.staff_id),
        note: note.as_deref(),
        ..Change::default()
    };
    if !requests::apply(&mut tx, now, id, RequestEvent::Reject, change).await? {
        return lost(tx, &request).await;
    }
    decided(s, tx, staff, "reject_request", &request).await
}
