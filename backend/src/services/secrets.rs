//! Secrets at rest at start-up: TOTP secrets stored before sealing existed are sealed with the
//! data key (`crate::infra::seal`), and a sealed secret that does not open with the configured
//! key stops the start (a wrong `PORTAL_DATA_KEY` would otherwise lock every second factor
//! out, one sign-in at a time).

use crate::error::StoreResult;
use crate::infra::seal::{self, Column};
use crate::store::{accounts, staff};
use sqlx::AnyPool;

/// Seals the TOTP secrets still stored in clear; returns how many.
pub async fn seal_stored(pool: &AnyPool) -> StoreResult<usize> {
    let customers = accounts::unsealed_totp(pool).await?;
    for (id, secret) in &customers {
        accounts::reseal_totp(pool, *id, &seal::seal(Column::CustomerTotp, secret)?).await?;
    }
    let members = staff::unsealed_totp(pool).await?;
    for (id, secret) in &members {
        staff::reseal_totp(pool, *id, &seal::seal(Column::StaffTotp, secret)?).await?;
    }
    Ok(customers.len() + members.len())
}

/// Checks that the configured key opens the stored secrets (one of each kind).
pub async fn key_opens_stored(pool: &AnyPool) -> StoreResult<()> {
    if let Some(sealed) = staff::any_totp(pool).await? {
        seal::open(Column::StaffTotp, &sealed)?;
    }
    if let Some(sealed) = accounts::any_totp(pool).await? {
        seal::open(Column::CustomerTotp, &sealed)?;
    }
    Ok(())
}
