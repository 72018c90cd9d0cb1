//! Storage of odometer readings per contract.

use crate::error::StoreResult;
use domain::mileage::Reading;
use domain::money::{iso_date, parse_iso_date};
use sqlx::AnyPool;

/// A contract's readings, oldest first. Rows with an unreadable date are skipped.
pub async fn for_contract(pool: &AnyPool, contract_id: i64) -> StoreResult<Vec<Reading>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT reading_date, km FROM mileage_readings WHERE contract_id = $1
         ORDER BY reading_date, km, id",
    )
    .bind(contract_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(d, km)| parse_iso_date(&d).map(|date| Reading { date, km }))
        .collect())
}

/// Where a reading came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Reported in the portal by the account.
    Customer(i64),
    BackOffice,
}

pub async fn add(
    pool: &AnyPool,
    now: i64,
    contract_id: i64,
    reading: Reading,
    source: Source,
) -> StoreResult<()> {
    let (code, account) = match source {
        Source::Customer(id) => ("customer", Some(id)),
        Source::BackOffice => ("back_office", None),
    };
    sqlx::query(
        "INSERT INTO mileage_readings (contract_id, reading_date, km, source, account_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(contract_id)
    .bind(iso_date(reading.date))
    .bind(reading.km)
    .bind(code)
    .bind(account)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}
