//! Storage of customers' requests (documents now; changes and privacy rights later).

use crate::error::StoreResult;
use domain::model::{RequestKind, RequestStatus};
use domain::request_flow::{self, RequestEvent};
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow)]
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
}

const ROW: &str = "SELECT r.id, r.customer_id, r.contract_id, c.contract_number, r.kind, r.year,
        r.status, r.document_id, r.created_at, r.updated_at
    FROM service_requests r LEFT JOIN contracts c ON c.id = r.contract_id";

pub async fn create<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    now: i64,
    customer_id: i64,
    account_id: i64,
    contract_id: Option<i64>,
    kind: RequestKind,
    year: Option<i32>,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO service_requests (customer_id, contract_id, kind, year, status, account_id,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $6) RETURNING id",
    )
    .bind(customer_id)
    .bind(contract_id)
    .bind(kind.code())
    .bind(year.map(i64::from))
    .bind(account_id)
    .bind(now)
    .fetch_one(pool)
    .await?)
}

/// A request filed for the customer without a portal account (back office, demo data).
pub async fn create_on_behalf(
    pool: &AnyPool,
    now: i64,
    customer_id: i64,
    contract_id: Option<i64>,
    kind: RequestKind,
    year: Option<i32>,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO service_requests (customer_id, contract_id, kind, year, status, created_at,
            updated_at)
         VALUES ($1, $2, $3, $4, 'submitted', $5, $5) RETURNING id",
    )
    .bind(customer_id)
    .bind(contract_id)
    .bind(kind.code())
    .bind(year.map(i64::from))
    .bind(now)
    .fetch_one(pool)
    .await?)
}

/// The customer's requests, newest first.
pub async fn for_customer<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    customer_id: i64,
) -> StoreResult<Vec<RequestRow>> {
    let sql = format!("{ROW} WHERE r.customer_id = $1 ORDER BY r.created_at DESC, r.id DESC");
    Ok(sqlx::query_as(&sql)
        .bind(customer_id)
        .fetch_all(pool)
        .await?)
}

/// The customer's requests about one contract, newest first.
pub async fn for_contract(
    pool: &AnyPool,
    customer_id: i64,
    contract_id: i64,
) -> StoreResult<Vec<RequestRow>> {
    let sql = format!(
        "{ROW} WHERE r.customer_id = $1 AND r.contract_id = $2 ORDER BY r.created_at DESC, r.id DESC"
    );
    Ok(sqlx::query_as(&sql)
        .bind(customer_id)
        .bind(contract_id)
        .fetch_all(pool)
        .await?)
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
pub async fn pending_count(pool: &AnyPool, customer_id: i64) -> StoreResult<i64> {
    let pending = request_flow::pending();
    let sql = format!(
        "SELECT COUNT(*) FROM service_requests WHERE customer_id = $1 AND status IN ({})",
        placeholders(&pending, 2)
    );
    let mut query = sqlx::query_scalar(&sql).bind(customer_id);
    for status in &pending {
        query = query.bind(status.code());
    }
    Ok(query.fetch_one(pool).await?)
}

/// Applies `event` to request `id` (of `customer_id` if given) if its status allows it, in
/// one conditional update: false if the request is unknown, not theirs, or no longer in a
/// status that allows the event (a lost race included).
async fn apply<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    now: i64,
    id: i64,
    customer_id: Option<i64>,
    event: RequestEvent,
    document_id: Option<i64>,
) -> StoreResult<bool> {
    let from = request_flow::allowed_from(event);
    // Every status that allows the event leads to the same status.
    let Some(to) = from.first().and_then(|s| request_flow::after(*s, event)) else {
        return Ok(false);
    };
    let sql = format!(
        "UPDATE service_requests SET status = $1, updated_at = $2, document_id = COALESCE($3, document_id)
         WHERE id = $4 AND ($5 IS NULL OR customer_id = $5) AND status IN ({})",
        placeholders(&from, 6)
    );
    let mut query = sqlx::query(&sql)
        .bind(to.code())
        .bind(now)
        .bind(document_id)
        .bind(id)
        .bind(customer_id);
    for status in &from {
        query = query.bind(status.code());
    }
    Ok(query.execute(pool).await?.rows_affected() > 0)
}

/// Cancels one of the customer's pending requests. False if it is not theirs, unknown or no
/// longer pending.
pub async fn cancel(pool: &AnyPool, now: i64, customer_id: i64, id: i64) -> StoreResult<bool> {
    apply(pool, now, id, Some(customer_id), RequestEvent::Cancel, None).await
}

/// One request by id, whoever it belongs to (for the CIC's work queue).
pub async fn by_id(pool: &AnyPool, id: i64) -> StoreResult<Option<RequestRow>> {
    let sql = format!("{ROW} WHERE r.id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

/// Marks a request completed with the document it produced. False if that is no longer
/// possible (cancelled meanwhile, or already handled).
pub async fn complete<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    now: i64,
    id: i64,
    document_id: i64,
) -> StoreResult<bool> {
    apply(
        pool,
        now,
        id,
        None,
        RequestEvent::Complete,
        Some(document_id),
    )
    .await
}
