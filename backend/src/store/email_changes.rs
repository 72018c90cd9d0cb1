//! Requested e-mail address changes (the only writer of `email_changes`). Only the
//! confirmation token's SHA-256 is stored; a token is used once, claimed with a conditional
//! update.

use crate::error::StoreResult;
use sqlx::AnyPool;

type Ex<'e> = &'e mut sqlx::AnyConnection;

/// Stores a requested change.
pub async fn create(
    conn: Ex<'_>,
    now: i64,
    account_id: i64,
    new_email: &str,
    token_hash: &str,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO email_changes (account_id, new_email, token_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(account_id)
        .bind(new_email)
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The unused change with this token hash requested after `since`: (id, account id, new address).
pub async fn open(
    pool: &AnyPool,
    token_hash: &str,
    since: i64,
) -> StoreResult<Option<(i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, account_id, new_email FROM email_changes WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2",
    )
    .bind(token_hash)
    .bind(since)
    .fetch_optional(pool)
    .await?)
}

/// Uses up the change; `true` only for the one request that claimed it.
pub async fn use_once(conn: Ex<'_>, now: i64, change_id: i64) -> StoreResult<bool> {
    let used =
        sqlx::query("UPDATE email_changes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(change_id)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(used == 1)
}

/// Voids every open change of the account (after a password change or a compromise report).
pub async fn void_all(conn: Ex<'_>, now: i64, account_id: i64) -> StoreResult<u64> {
    Ok(sqlx::query(
        "UPDATE email_changes SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}
