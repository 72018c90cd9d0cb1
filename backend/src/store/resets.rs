//! Password-reset tokens (the only writer of `password_resets`). Only the token's SHA-256 is
//! stored; a token is used once, claimed with a conditional update.

use crate::error::StoreResult;
use sqlx::AnyPool;

type Ex<'e> = &'e mut sqlx::AnyConnection;

/// Stores a new reset token for the account.
pub async fn create(conn: Ex<'_>, now: i64, account_id: i64, token_hash: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO password_resets (account_id, token_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(account_id)
    .bind(token_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The unused token with this hash created after `since`: (reset id, account id).
pub async fn open(pool: &AnyPool, token_hash: &str, since: i64) -> StoreResult<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT id, account_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2",
    )
    .bind(token_hash)
    .bind(since)
    .fetch_optional(pool)
    .await?)
}

/// Uses up the token; `true` only for the one request that claimed it.
pub async fn use_once(conn: Ex<'_>, now: i64, reset_id: i64) -> StoreResult<bool> {
    let used =
        sqlx::query("UPDATE password_resets SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(reset_id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(used == 1)
}

/// Voids every unused token of the account (after a password change or a compromise report).
pub async fn void_all(conn: Ex<'_>, now: i64, account_id: i64) -> StoreResult<u64> {
    Ok(sqlx::query(
        "UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Deletes reset links made before `before` (used or not: they are long past their validity);
/// returns how many.
pub async fn prune(pool: &AnyPool, before: i64) -> StoreResult<u64> {
    Ok(
        sqlx::query("DELETE FROM password_resets WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
