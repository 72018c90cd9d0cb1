//! Storage of customers' requests (documents and contract changes) and their status history.
//! Every status change is one conditional update (the statuses come from
//! `domain::request_flow`) plus its history row; staff writes also check the version the
//! agent saw, so of two agents acting at once exactly one succeeds.

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use domain::contact::PostalAddress;
use domain::model::{RequestKind, RequestStatus};
use domain::request_flow::{self, RequestEvent};
use sqlx::{AnyConnection, AnyPool};

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub customer_id: i64,
    pub contract_id: Option<i64>,
    pub contract_number: Option<String>,
    pub kind: String,
    pub year: Option<i64>,
    pub status: String,
    pub document_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub assigned_staff_id: Option<i64>,
    pub assigned_name: Option<String>,
    pub new_plate: Option<String>,
    pub plate_country: Option<String>,
    pub effective_date: Option<String>,
    pub new_km_per_year: Option<i64>,
    pub old_value: Option<String>,
    pub file_id: Option<String>,
    pub staff_note: Option<String>,
    pub opened_by: Option<i64>,
    pub opened_name: Option<String>,
    pub opened_at: Option<i64>,
    pub new_street: Option<String>,
    pub new_postal_code: Option<String>,
    pub new_city: Option<String>,
    pub new_country: Option<String>,
    pub new_mobile: Option<String>,
    pub new_email: Option<String>,
    pub customer_number: String,
    pub customer_kind: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
}

impl RequestRow {
    /// The customer's name as staff see it in the queue.
    pub fn customer_name(&self) -> String {
        crate::store::customers::name(
            &self.customer_kind,
            &self.first_name,
            &self.last_name,
            self.company_name.as_deref(),
        )
    }

    pub fn status(&self) -> Option<RequestStatus> {
        RequestStatus::from_code(&self.status)
    }

    pub fn kind(&self) -> Option<RequestKind> {
        RequestKind::from_code(&self.kind)
    }

    /// The new postal address an address change asks for.
    pub fn new_address(&self) -> Option<PostalAddress> {
        match (
            &self.new_street,
            &self.new_postal_code,
            &self.new_city,
            &self.new_country,
        ) {
            (Some(street), Some(postal_code), Some(city), Some(country)) => Some(PostalAddress {
                street: street.clone(),
                postal_code: postal_code.clone(),
                city: city.clone(),
                country: country.clone(),
            }),
            _ => None,
        }
    }
}

const ROW: &str = "SELECT r.id, r.customer_id, r.contract_id, c.contract_number, r.kind, r.year,
        r.status, r.document_id, r.created_at, r.updated_at, r.version, r.assigned_staff_id,
        s.display_name AS assigned_name, r.new_plate, r.plate_country, r.effective_date,
        r.new_km_per_year, r.old_value, r.file_id, r.staff_note, r.opened_by,
        o.display_name AS opened_name, r.opened_at, r.new_street, r.new_postal_code,
        r.new_city, r.new_country, r.new_mobile, r.new_email, cu.customer_number,
        cu.kind AS customer_kind, cu.first_name, cu.last_name, cu.company_name
    FROM service_requests r
    JOIN customers cu ON cu.id = r.customer_id
    LEFT JOIN contracts c ON c.id = r.contract_id
    LEFT JOIN staff_accounts s ON s.id = r.assigned_staff_id
    LEFT JOIN staff_accounts o ON o.id = r.opened_by";

/// One step of a request's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub status: String,
    pub at: i64,
    pub staff_name: Option<String>,
    pub note: Option<String>,
}

/// Writes a history row (the status the request has from `now` on).
async fn event(
    conn: &mut AnyConnection,
    now: i64,
    id: i64,
    status: RequestStatus,
    staff_id: Option<i64>,
    note: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO request_events (request_id, status, staff_id, note, at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(status.code())
    .bind(staff_id)
    .bind(note)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A document request filed by the customer (with its first history row).
pub async fn create(
    conn: &mut AnyConnection,
    now: i64,
    customer_id: i64,
    account_id: Option<i64>,
    contract_id: Option<i64>,
    kind: RequestKind,
    year: Option<i32>,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_requests (customer_id, contract_id, kind, year, status, account_id,
            created_at, updated_at, open_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) RETURNING id",
    )
    .bind(customer_id)
    .bind(contract_id)
    .bind(kind.code())
    .bind(year.map(i64::from))
    .bind(RequestStatus::Submitted.code())
    .bind(account_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    event(conn, now, id, RequestStatus::Submitted, None, None).await?;
    Ok(id)
}

/// A request filed for the customer by the back office (or the demo data), outside any
/// transaction of the caller.
pub async fn create_on_behalf(
    pool: &AnyPool,
    now: i64,
    customer_id: i64,
    contract_id: Option<i64>,
    kind: RequestKind,
    year: Option<i32>,
) -> StoreResult<i64> {
    let mut tx = crate::infra::db::begin_write(pool).await?;
    let id = create(&mut tx, now, customer_id, None, contract_id, kind, year).await?;
    tx.commit().await?;
    Ok(id)
}

/// What a change request asks for.
#[derive(Clone, Debug, Default)]
pub struct NewChange<'a> {
    pub customer_id: i64,
    /// The portal account that filed it (None: filed by the back office).
    pub account_id: Option<i64>,
    /// The contract it changes (None for the customer's contact details).
    pub contract_id: Option<i64>,
    pub new_plate: Option<&'a str>,
    pub plate_country: Option<&'a str>,
    pub effective_date: Option<&'a str>,
    pub new_km_per_year: Option<i64>,
    /// What it replaces (the plate, the allowance, the contact detail at the time of the
    /// request), as shown.
    pub old_value: Option<&'a str>,
    pub file_id: Option<&'a str>,
    /// A new postal address.
    pub new_address: Option<&'a PostalAddress>,
    /// A new mobile number (E.164, confirmed by an SMS code) or e-mail address.
    pub new_mobile: Option<&'a str>,
    pub new_email: Option<&'a str>,
}

/// A change request filed by the customer (with its first history row).
pub async fn create_change(
    conn: &mut AnyConnection,
    now: i64,
    kind: RequestKind,
    c: &NewChange<'_>,
) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_requests (customer_id, contract_id, kind, status, account_id,
            new_plate, plate_country, effective_date, new_km_per_year, old_value, file_id,
            created_at, updated_at, open_since, new_street, new_postal_code, new_city,
            new_country, new_mobile, new_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12, $13, $14, $15,
            $16, $17, $18)
         RETURNING id",
    )
    .bind(c.customer_id)
    .bind(c.contract_id)
    .bind(kind.code())
    .bind(RequestStatus::Submitted.code())
    .bind(c.account_id)
    .bind(c.new_plate)
    .bind(c.plate_country)
    .bind(c.effective_date)
    .bind(c.new_km_per_year)
    .bind(c.old_value)
    .bind(c.file_id)
    .bind(now)
    .bind(c.new_address.map(|a| a.street.as_str()))
    .bind(c.new_address.map(|a| a.postal_code.as_str()))
    .bind(c.new_address.map(|a| a.city.as_str()))
    .bind(c.new_address.map(|a| a.country.as_str()))
    .bind(c.new_mobile)
    .bind(c.new_email)
    .fetch_one(&mut *conn)
    .await?;
    event(conn, now, id, RequestStatus::Submitted, None, None).await?;
    Ok(id)
}

/// The customer's requests, newest first; `status` and `kind` filter when not empty.
pub async fn for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
) -> StoreResult<Vec<RequestRow>> {
    filtered_for_customer(reads, customer_id, "", "").await
}

/// The customer's requests with a status and kind filter (empty: all), newest first.
pub async fn filtered_for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    status: &str,
    kind: &str,
) -> StoreResult<Vec<RequestRow>> {
    let sql = format!(
        "{ROW} WHERE r.customer_id = $1 AND ($2 = '' OR r.status = $2) AND ($3 = '' OR r.kind = $3)
         ORDER BY r.created_at DESC, r.id DESC"
    );
    reads
        .into()
        .all(
            &sql,
            &[Arg::Int(customer_id), Arg::Text(status), Arg::Text(kind)],
        )
        .await
}

/// The customer's requests about one contract, newest first.
pub async fn for_contract<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    contract_id: i64,
) -> StoreResult<Vec<RequestRow>> {
    let sql = format!(
        "{ROW} WHERE r.customer_id = $1 AND r.contract_id = $2 ORDER BY r.created_at DESC, r.id DESC"
    );
    reads
        .into()
        .all(&sql, &[Arg::Int(customer_id), Arg::Int(contract_id)])
        .await
}

/// `$n, $n+1, …` for a list of statuses bound from parameter `first` on (the statuses come
/// from `domain::request_flow`, never written out here).
fn placeholders(statuses: &[RequestStatus], first: usize) -> String {
    (0..statuses.len())
        .map(|i| format!("${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many of the customer's requests are still pending.
pub async fn pending_count<'r>(reads: impl Into<Reads<'r>>, customer_id: i64) -> StoreResult<i64> {
    let pending = request_flow::pending();
    let sql = format!(
        "SELECT COUNT(*) FROM service_requests WHERE customer_id = $1 AND status IN ({})",
        placeholders(&pending, 2)
    );
    let args: Vec<Arg> = std::iter::once(Arg::Int(customer_id))
        .chain(pending.iter().map(|s| Arg::Text(s.code())))
        .collect();
    let (count,): (i64,) = reads.into().one(&sql, &args).await?;
    Ok(count)
}

/// What a status change records beside the new status.
#[derive(Clone, Copy, Debug, Default)]
pub struct Change<'a> {
    /// Only the request of this customer (customer actions).
    pub customer_id: Option<i64>,
    /// Only if the request still has this version (staff actions).
    pub version: Option<i64>,
    /// Who did it (staff), for the history.
    pub staff_id: Option<i64>,
    /// The note shown to the customer.
    pub note: Option<&'a str>,
    /// The document a completed document request produced.
    pub document_id: Option<i64>,
}

/// Applies `event` to request `id` if its status allows it (and, when given, it is the
/// customer's and still has the version the caller saw), in one conditional update, and
/// records it in the history: false if it is unknown, not theirs, changed meanwhile or no
/// longer in a status that allows the event (a lost race included).
pub async fn apply(
    conn: &mut AnyConnection,
    now: i64,
    id: i64,
    event_kind: RequestEvent,
    change: Change<'_>,
) -> StoreResult<bool> {
    let from = request_flow::allowed_from(event_kind);
    // Every status that allows the event leads to the same status.
    let Some(to) = from
        .first()
        .and_then(|s| request_flow::after(*s, event_kind))
    else {
        return Ok(false);
    };
    let sql = format!(
        "UPDATE service_requests SET status = $1, updated_at = $2,
            document_id = COALESCE($3, document_id), staff_note = COALESCE($4, staff_note),
            version = version + 1, open_since = CASE WHEN $8 = 1 THEN open_since ELSE NULL END
         WHERE id = $5 AND ($6 IS NULL OR customer_id = $6) AND ($7 IS NULL OR version = $7)
           AND status IN ({})",
        placeholders(&from, 9)
    );
    let mut query = sqlx::query(&sql)
        .bind(to.code())
        .bind(now)
        .bind(change.document_id)
        .bind(change.note)
        .bind(id)
        .bind(change.customer_id)
        .bind(change.version)
        .bind(i64::from(to.is_pending()));
    for status in &from {
        query = query.bind(status.code());
    }
    if query.execute(&mut *conn).await?.rows_affected() == 0 {
        return Ok(false);
    }
    event(conn, now, id, to, change.staff_id, change.note).await?;
    Ok(true)
}

/// Cancels one of the customer's pending requests. False if it is not theirs, unknown or no
/// longer pending.
pub async fn cancel(
    conn: &mut AnyConnection,
    now: i64,
    customer_id: i64,
    id: i64,
) -> StoreResult<bool> {
    let change = Change {
        customer_id: Some(customer_id),
        ..Change::default()
    };
    apply(conn, now, id, RequestEvent::Cancel, change).await
}

/// One request by id, whoever it belongs to (for the CIC's work queue).
pub async fn by_id<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    id: i64,
) -> StoreResult<Option<RequestRow>> {
    let sql = format!("{ROW} WHERE r.id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

/// One of the customer's requests; None if it is not theirs or does not exist.
pub async fn for_customer_by_id(
    pool: &AnyPool,
    customer_id: i64,
    id: i64,
) -> StoreResult<Option<RequestRow>> {
    let sql = format!("{ROW} WHERE r.id = $1 AND r.customer_id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await?)
}

/// The history of a request, oldest first.
pub async fn history<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    id: i64,
) -> StoreResult<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT e.status, e.at, s.display_name AS staff_name, e.note
         FROM request_events e LEFT JOIN staff_accounts s ON s.id = e.staff_id
         WHERE e.request_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// Marks a request completed with the document it produced. False if that is no longer
/// possible (cancelled meanwhile, or already handled).
pub async fn complete(
    conn: &mut AnyConnection,
    now: i64,
    id: i64,
    document_id: i64,
    version: Option<i64>,
    staff_id: Option<i64>,
) -> StoreResult<bool> {
    let change = Change {
        document_id: Some(document_id),
        version,
        staff_id,
        ..Change::default()
    };
    apply(conn, now, id, RequestEvent::Complete, change).await
}

/// Assigns an open request to a staff member (None: releases it) if it still has `version`.
pub async fn assign(
    conn: &mut AnyConnection,
    now: i64,
    id: i64,
    version: i64,
    staff_id: Option<i64>,
) -> StoreResult<bool> {
    Ok(sqlx::query(
        "UPDATE service_requests SET assigned_staff_id = $1, updated_at = $2, version = version + 1
         WHERE id = $3 AND version = $4 AND open_since IS NOT NULL",
    )
    .bind(staff_id)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?
    .rows_affected()
        > 0)
}

/// Remembers that a staff member opened the request (shown to colleagues who open it within
/// minutes). Not a change of the request: the version stays.
pub async fn mark_opened(
    conn: &mut AnyConnection,
    now: i64,
    id: i64,
    staff_id: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE service_requests SET opened_by = $1, opened_at = $2 WHERE id = $3")
        .bind(staff_id)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Who the work queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignee {
    Anyone,
    Unassigned,
    Staff(i64),
}

/// The work queue's filters.
#[derive(Clone, Debug)]
pub struct QueueFilter {
    pub kind: Option<RequestKind>,
    /// One open status, or every open one.
    pub status: Option<RequestStatus>,
    pub assignee: Assignee,
    /// Only requests submitted before this moment (the overdue filter).
    pub submitted_before: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// The most the work queue counts exactly; past it the page says "1.000+" (counting every
/// open request on each page view would cost more than the page itself).
pub const QUEUE_COUNT_CAP: i64 = 1_000;

/// Open requests, oldest first, with how many match (at most [`QUEUE_COUNT_CAP`] + 1: more
/// is shown as "1.000+"). Only the filters in use are in the SQL, and open requests are
/// walked through the `open_since` indexes, so the queue costs the same with 100 or 100,000
/// open requests (and with any number of closed ones).
pub async fn queue<'r>(
    reads: impl Into<Reads<'r>>,
    f: &QueueFilter,
) -> StoreResult<(Vec<RequestRow>, i64)> {
    if f.status.is_some_and(|s| !s.is_pending()) {
        return Ok((Vec::new(), 0));
    }
    let mut reads = reads.into();
    let mut conditions = vec!["r.open_since IS NOT NULL".to_string()];
    let mut args: Vec<Arg<'_>> = Vec::new();
    let mut bind = |arg: Arg<'static>| {
        args.push(arg);
        format!("${}", args.len())
    };
    if let Some(s) = f.status {
        conditions.push(format!("r.status = {}", bind(Arg::Text(s.code()))));
    }
    if let Some(k) = f.kind {
        conditions.push(format!("r.kind = {}", bind(Arg::Text(k.code()))));
    }
    match f.assignee {
        Assignee::Anyone => {}
        Assignee::Unassigned => conditions.push("r.assigned_staff_id IS NULL".into()),
        Assignee::Staff(id) => {
            conditions.push(format!("r.assigned_staff_id = {}", bind(Arg::Int(id))));
        }
    }
    if let Some(before) = f.submitted_before {
        conditions.push(format!("r.open_since < {}", bind(Arg::Int(before))));
    }
    let filter = conditions.join(" AND ");
    let (limit, offset) = (bind(Arg::Int(f.limit)), bind(Arg::Int(f.offset)));
    let filters = args.len() - 2;
    let count_sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM service_requests r WHERE {filter} LIMIT {}) AS open",
        QUEUE_COUNT_CAP + 1
    );
    let list_sql =
        format!("{ROW} WHERE {filter} ORDER BY r.open_since, r.id LIMIT {limit} OFFSET {offset}");
    let (total,): (i64,) = Reads::from(&mut reads)
        .one(&count_sql, &args[..filters])
        .await?;
    let rows = reads.all(&list_sql, &args).await?;
    Ok((rows, total))
}
