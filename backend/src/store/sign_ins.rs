//! Sign-in attempts (the only writer of `sign_in_attempts`): what the throttle counts. No secrets are stored.

use crate::error::StoreResult;
use sqlx::AnyPool;

/// Records a sign-in attempt (no secrets) and returns the failures for this e-mail in the
/// last hour before it.
pub async fn record(
    pool: &AnyPool,
    now: i64,
    email: &str,
    ip: &str,
    succeeded: bool,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sign_in_attempts (email, ip_address, succeeded, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(email.to_lowercase())
    .bind(ip)
    .bind(i64::from(succeeded))
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Failed sign-ins for this e-mail in the last hour, with the time of the newest.
pub async fn recent_failures(
    pool: &AnyPool,
    now: i64,
    email: &str,
) -> StoreResult<(i64, Option<i64>)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM sign_in_attempts WHERE email = $1 AND succeeded = 0 AND at > $2",
    )
    .bind(email.to_lowercase())
    .bind(now - 3600)
    .fetch_one(pool)
    .await?)
}
