//! Storage of customers' requests (documents now; changes and privacy rights later).

use crate::error::StoreResult;
use domain::model::{RequestKind, RequestStatus};
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

pub async fn create(
    pool: &AnyPool,
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
pub async fn for_customer(pool: &AnyPool, customer_id: i64) -> StoreResult<Vec<RequestRow>> {
    let sql = format!("{ROW} WHERE r.customer_id = $1 ORDER BY r.created_at DESC, r.id DESC");
    Ok(sqlx::query_as(&sql)
        .bind(customer_id)
        .fetch_all(pool)
        .await?)
}

/// A contract's requests, newest first.
pub async fn for_contract(pool: &AnyPool, contract_id: i64) -> StoreResult<Vec<RequestRow>> {
    let sql = format!("{ROW} WHERE r.contract_id = $1 ORDER BY r.created_at DESC, r.id DESC");
    Ok(sqlx::query_as(&sql)
        .bind(contract_id)
        .fetch_all(pool)
        .await?)
}

/// How many of the customer's requests are still pending.
pub async fn pending_count(pool: &AnyPool, customer_id: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests
         WHERE customer_id = $1 AND status IN ('submitted', 'in_treatment')",
    )
    .bind(customer_id)
    .fetch_one(pool)
    .await?)
}

/// Cancels one of the customer's pending requests. False if it is not theirs, unknown or no
/// longer pending.
pub async fn cancel(pool: &AnyPool, now: i64, customer_id: i64, id: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE service_requests SET status = $3, updated_at = $4
         WHERE customer_id = $1 AND id = $2 AND status IN ('submitted', 'in_treatment')",
    )
    .bind(customer_id)
    .bind(id)
    .bind(RequestStatus::Cancelled.code())
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// One request by id, whoever it belongs to (for the CIC's work queue).
pub async fn by_id(pool: &AnyPool, id: i64) -> StoreResult<Option<RequestRow>> {
    let sql = format!("{ROW} WHERE r.id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

/// Marks a pending request completed with the document it produced. False if it was no longer
/// pending (cancelled meanwhile, or already handled).
pub async fn complete(pool: &AnyPool, now: i64, id: i64, document_id: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE service_requests SET status = $2, document_id = $3, updated_at = $4
         WHERE id = $1 AND status IN ('submitted', 'in_treatment')",
    )
    .bind(id)
    .bind(RequestStatus::Completed.code())
    .bind(document_id)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(done > 0)
}
