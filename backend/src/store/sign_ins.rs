//! Attempts at a secret (the only writer of `sign_in_attempts`): what the throttle counts. The
//! `email` column holds the throttle key (an e-mail address, `account:<id>`, `2fa:<id>`,
//! `staff:<address>`). No secrets are stored.

use crate::error::StoreResult;
use domain::throttle::{Failures, WINDOW_SECONDS};
use sqlx::{AnyConnection, AnyPool};

/// Serialises attempts on one key until the caller's write transaction ends.
pub async fn lock_key(conn: &mut AnyConnection, key: &str) -> StoreResult<()> {
    Ok(crate::infra::db::serialise(conn, &format!("sign_in_attempts:{key}")).await?)
}

/// The failures of the last hour on `key`, from `ip` and from everywhere.
pub async fn failures(
    conn: &mut AnyConnection,
    now: i64,
    key: &str,
    ip: &str,
) -> StoreResult<Failures> {
    let (here, last_here, everywhere): (i64, Option<i64>, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN ip_address = $2 THEN 1 ELSE 0 END), 0), \
                MAX(CASE WHEN ip_address = $2 THEN at END), COUNT(*) \
         FROM sign_in_attempts WHERE email = $1 AND succeeded = 0 AND at > $3",
    )
    .bind(key)
    .bind(ip)
    .bind(now - WINDOW_SECONDS)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Failures {
        here,
        last_here,
        everywhere,
    })
}

/// Records an attempt as failed (until [`succeeded`] says otherwise) and returns its id.
pub async fn record_failure(
    conn: &mut AnyConnection,
    now: i64,
    key: &str,
    ip: &str,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sign_in_attempts (email, ip_address, succeeded, at) VALUES ($1, $2, 0, $3) \
         RETURNING id",
    )
    .bind(key)
    .bind(ip)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// The attempt turned out right.
pub async fn succeeded(pool: &AnyPool, id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE sign_in_attempts SET succeeded = 1 WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The attempt was not checked after all (the server was too busy): it does not count.
pub async fn forget(pool: &AnyPool, id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets the failures on `key` (after a successful password reset).
pub async fn clear(conn: &mut AnyConnection, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE email = $1 AND succeeded = 0")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes attempts older than `before` (the limits only look back an hour); returns how many.
pub async fn prune(pool: &AnyPool, before: i64) -> StoreResult<u64> {
    Ok(sqlx::query("DELETE FROM sign_in_attempts WHERE at < $1")
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected())
}
