//! Storage of the documents available to a customer. A document is its kind plus what it is
//! about; the PDF is rendered from the data when it is downloaded (see [`crate::infra::pdf`]).

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use domain::model::DocumentKind;
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct DocumentRow {
    pub id: i64,
    pub customer_id: i64,
    pub contract_id: Option<i64>,
    pub contract_number: Option<String>,
    pub kind: String,
    pub year: Option<i64>,
    pub created_at: i64,
}

const ROW: &str = "SELECT d.id, d.customer_id, d.contract_id, c.contract_number, d.kind, d.year,
        d.created_at
    FROM documents d LEFT JOIN contracts c ON c.id = d.contract_id";

pub async fn create<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    now: i64,
    customer_id: i64,
    contract_id: Option<i64>,
    kind: DocumentKind,
    year: Option<i32>,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO documents (customer_id, contract_id, kind, year, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(customer_id)
    .bind(contract_id)
    .bind(kind.code())
    .bind(year.map(i64::from))
    .bind(now)
    .fetch_one(pool)
    .await?)
}

/// The customer's documents, newest first.
pub async fn for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
) -> StoreResult<Vec<DocumentRow>> {
    let sql = format!("{ROW} WHERE d.customer_id = $1 ORDER BY d.created_at DESC, d.id DESC");
    reads.into().all(&sql, &[Arg::Int(customer_id)]).await
}

/// The customer's documents of one contract, newest first.
pub async fn for_contract<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    contract_id: i64,
) -> StoreResult<Vec<DocumentRow>> {
    let sql = format!(
        "{ROW} WHERE d.customer_id = $1 AND d.contract_id = $2 ORDER BY d.created_at DESC, d.id DESC"
    );
    reads
        .into()
        .all(&sql, &[Arg::Int(customer_id), Arg::Int(contract_id)])
        .await
}

/// One of the customer's documents; None for another customer's or an unknown id.
pub async fn for_customer_by_id(
    pool: &AnyPool,
    customer_id: i64,
    id: i64,
) -> StoreResult<Option<DocumentRow>> {
    let sql = format!("{ROW} WHERE d.customer_id = $1 AND d.id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(customer_id)
        .bind(id)
        .fetch_optional(pool)
        .await?)
}
