//! Storage of odometer readings per contract.

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use domain::mileage::Reading;
use domain::money::{iso_date, parse_iso_date};

/// The readings of one of the customer's contracts, oldest first (none when the contract is
/// not the customer's). Rows with an unreadable date are skipped.
pub async fn for_contract<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    contract_id: i64,
) -> StoreResult<Vec<Reading>> {
    let rows: Vec<(String, i64)> = reads
        .into()
        .all(
            "SELECT m.reading_date, m.km FROM mileage_readings m
         JOIN contracts c ON c.id = m.contract_id
         WHERE c.customer_id = $1 AND m.contract_id = $2
         ORDER BY m.reading_date, m.km, m.id",
            &[Arg::Int(customer_id), Arg::Int(contract_id)],
        )
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

pub async fn add<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
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
