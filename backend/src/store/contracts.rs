//! Storage of contracts and their vehicle (imported from the back office).

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use crate::store::customers::Upsert;
use domain::import::Contract;
use domain::money::iso_date;
use sqlx::{Any, AnyPool, Transaction};
use std::collections::HashSet;

pub async fn count(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM contracts")
        .fetch_one(pool)
        .await?)
}

/// The contract numbers in `candidates` that are already stored.
pub async fn existing_numbers(
    tx: &mut Transaction<'_, Any>,
    candidates: &[String],
) -> StoreResult<HashSet<String>> {
    let mut found = HashSet::new();
    for number in candidates {
        let hit: Option<String> =
            sqlx::query_scalar("SELECT contract_number FROM contracts WHERE contract_number = $1")
                .bind(number)
                .fetch_optional(&mut **tx)
                .await?;
        found.extend(hit);
    }
    Ok(found)
}

/// Inserts or updates the contract with its vehicle. `customer_id` is the stored owner.
pub async fn upsert(
    tx: &mut Transaction<'_, Any>,
    now: i64,
    c: &Contract,
    customer_id: i64,
) -> StoreResult<Upsert> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM contracts WHERE contract_number = $1")
            .bind(c.number.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let start = iso_date(c.start_date);
    let end = iso_date(c.end_date);
    let plate = c
        .vehicle
        .number_plate
        .as_ref()
        .map(|p| p.as_str().to_string());
    let result = match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contracts (contract_number, customer_id, kind, status, start_date, end_date,
                    duration_months, monthly_amount_cents, allowed_km_per_year, excess_km_rate_cents,
                    created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(c.number.as_str())
            .bind(customer_id)
            .bind(c.kind.code())
            .bind(c.status.code())
            .bind(&start)
            .bind(&end)
            .bind(c.duration_months)
            .bind(c.monthly_amount_cents)
            .bind(c.allowed_km_per_year)
            .bind(c.excess_km_rate_cents)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            Upsert::Inserted(id)
        }
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE contracts SET customer_id = $2, kind = $3, status = $4, start_date = $5,
                    end_date = $6, duration_months = $7, monthly_amount_cents = $8,
                    allowed_km_per_year = $9, excess_km_rate_cents = $10, updated_at = $11
                 WHERE id = $1 AND (customer_id IS DISTINCT FROM $2 OR kind IS DISTINCT FROM $3
                    OR status IS DISTINCT FROM $4 OR start_date IS DISTINCT FROM $5
                    OR end_date IS DISTINCT FROM $6 OR duration_months IS DISTINCT FROM $7
                    OR monthly_amount_cents IS DISTINCT FROM $8
                    OR allowed_km_per_year IS DISTINCT FROM $9
                    OR excess_km_rate_cents IS DISTINCT FROM $10)",
            )
            .bind(id)
            .bind(customer_id)
            .bind(c.kind.code())
            .bind(c.status.code())
            .bind(&start)
            .bind(&end)
            .bind(c.duration_months)
            .bind(c.monthly_amount_cents)
            .bind(c.allowed_km_per_year)
            .bind(c.excess_km_rate_cents)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if changed > 0 {
                Upsert::Updated(id)
            } else {
                Upsert::Unchanged(id)
            }
        }
    };
    let contract_id = result.id();
    let vehicle_id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM vehicles WHERE contract_id = $1")
            .bind(contract_id)
            .fetch_optional(&mut **tx)
            .await?;
    let vehicle_changed = match vehicle_id {
        None => {
            sqlx::query(
                "INSERT INTO vehicles (contract_id, make, model, vin, number_plate) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(contract_id)
            .bind(&c.vehicle.make)
            .bind(&c.vehicle.model)
            .bind(c.vehicle.vin.as_str())
            .bind(&plate)
            .execute(&mut **tx)
            .await?;
            true
        }
        Some(id) => {
            sqlx::query(
                "UPDATE vehicles SET make = $2, model = $3, vin = $4, number_plate = $5
                 WHERE id = $1 AND (make IS DISTINCT FROM $2 OR model IS DISTINCT FROM $3
                    OR vin IS DISTINCT FROM $4 OR number_plate IS DISTINCT FROM $5)",
            )
            .bind(id)
            .bind(&c.vehicle.make)
            .bind(&c.vehicle.model)
            .bind(c.vehicle.vin.as_str())
            .bind(&plate)
            .execute(&mut **tx)
            .await?
            .rows_affected()
                > 0
        }
    };
    Ok(match result {
        Upsert::Unchanged(id) if vehicle_changed => Upsert::Updated(id),
        other => other,
    })
}

/// Whether the customer has a running (active or pending) contract.
pub async fn has_running(pool: &AnyPool, customer_id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM contracts WHERE customer_id = $1 AND status IN ('active', 'pending')",
    )
    .bind(customer_id)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// Whether `contract_number` is one of the customer's contracts.
pub async fn belongs_to(
    pool: &AnyPool,
    customer_id: i64,
    contract_number: &str,
) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM contracts WHERE customer_id = $1 AND contract_number = $2",
    )
    .bind(customer_id)
    .bind(contract_number)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// The id of `contract_number` if it is one of the customer's contracts.
pub async fn id_of_customer(
    pool: &AnyPool,
    customer_id: i64,
    contract_number: &str,
) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM contracts WHERE customer_id = $1 AND contract_number = $2",
    )
    .bind(customer_id)
    .bind(contract_number)
    .fetch_optional(pool)
    .await?)
}

/// Everything the contract page shows about one contract and its vehicle.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct ContractDetail {
    pub id: i64,
    pub contract_number: String,
    pub customer_id: i64,
    pub kind: String,
    pub status: String,
    pub start_date: String,
    pub end_date: String,
    pub duration_months: i64,
    pub monthly_amount_cents: i64,
    pub allowed_km_per_year: Option<i64>,
    pub excess_km_rate_cents: Option<i64>,
    pub make: String,
    pub model: String,
    pub vin: String,
    pub number_plate: Option<String>,
}

const DETAIL: &str =
    "SELECT c.id, c.contract_number, c.customer_id, c.kind, c.status, c.start_date,
        c.end_date, c.duration_months, c.monthly_amount_cents, c.allowed_km_per_year,
        c.excess_km_rate_cents, v.make, v.model, v.vin, v.number_plate
    FROM contracts c JOIN vehicles v ON v.contract_id = c.id";

/// One of the customer's contracts by number; None for another customer's or an unknown one.
pub async fn detail_for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    number: &str,
) -> StoreResult<Option<ContractDetail>> {
    let sql = format!("{DETAIL} WHERE c.customer_id = $1 AND c.contract_number = $2");
    reads
        .into()
        .optional(&sql, &[Arg::Int(customer_id), Arg::Text(number)])
        .await
}

/// One of the customer's contracts by its id (for documents that belong to it); None when
/// the contract is now another customer's (an import may move it).
pub async fn detail_by_id_for_customer<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    customer_id: i64,
    id: i64,
) -> StoreResult<Option<ContractDetail>> {
    let sql = format!("{DETAIL} WHERE c.customer_id = $1 AND c.id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(customer_id)
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// All the customer's contracts in full, by contract number.
pub async fn details_for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
) -> StoreResult<Vec<ContractDetail>> {
    let sql = format!("{DETAIL} WHERE c.customer_id = $1 ORDER BY c.contract_number");
    reads.into().all(&sql, &[Arg::Int(customer_id)]).await
}

/// The id of the row with this number, inside the import's transaction.
pub async fn id_by_number(tx: &mut Transaction<'_, Any>, number: &str) -> StoreResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM contracts WHERE contract_number = $1")
            .bind(number)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// A contract by id in full, whoever it belongs to (staff views; inside the caller's
/// transaction when given one).
pub async fn detail_by_id<'e, E: sqlx::Executor<'e, Database = Any>>(
    ex: E,
    id: i64,
) -> StoreResult<Option<ContractDetail>> {
    let sql = format!("{DETAIL} WHERE c.id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(ex).await?)
}

/// An approved plate change: the vehicle of the contract gets its new plate.
pub async fn set_plate(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    contract_id: i64,
    plate: &str,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE vehicles SET number_plate = $1 WHERE contract_id = $2")
        .bind(plate)
        .bind(contract_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    sqlx::query("UPDATE contracts SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(contract_id)
        .execute(conn)
        .await?;
    Ok(done)
}

/// An approved allowance change: the contract's yearly allowance.
pub async fn set_allowance(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    contract_id: i64,
    km_per_year: i64,
) -> StoreResult<bool> {
    Ok(
        sqlx::query("UPDATE contracts SET allowed_km_per_year = $1, updated_at = $2 WHERE id = $3")
            .bind(km_per_year)
            .bind(now)
            .bind(contract_id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}
