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
    old_email: &str,
    new_email: &str,
    token_hash: &str,
    cancel_token_hash: &str,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO email_changes (account_id, old_email, new_email, token_hash, cancel_token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(account_id)
        .bind(old_email)
        .bind(new_email)
        .bind(token_hash)
        .bind(cancel_token_hash)
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

/// A change reported by its "this was not me" link, requested after `since`, used or not.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Reported {
    pub id: i64,
    pub account_id: i64,
    pub old_email: Option<String>,
    pub new_email: String,
    pub used_at: Option<i64>,
}

pub async fn by_cancel_token(
    pool: &AnyPool,
    cancel_token_hash: &str,
    since: i64,
) -> StoreResult<Option<Reported>> {
    Ok(sqlx::query_as(
        "SELECT id, account_id, old_email, new_email, used_at FROM email_changes WHERE cancel_token_hash = $1 AND created_at > $2",
    )
    .bind(cancel_token_hash)
    .bind(since)
    .fetch_optional(pool)
    .await?)
}

/// Makes the "this was not me" link single use.
pub async fn clear_cancel_token(conn: Ex<'_>, change_id: i64) -> StoreResult<bool> {
    let cleared = sqlx::query(
        "UPDATE email_changes SET cancel_token_hash = NULL WHERE id = $1 AND cancel_token_hash IS NOT NULL",
    )
    .bind(change_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(cleared == 1)
}

/// Gives the change a new "this was not me" token (the notice after confirming carries it).
pub async fn set_cancel_token(
    conn: Ex<'_>,
    change_id: i64,
    cancel_token_hash: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE email_changes SET cancel_token_hash = $2 WHERE id = $1")
        .bind(change_id)
        .bind(cancel_token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes e-mail changes made before `before` (their confirmation and "this was not me" links
/// are long past their validity); returns how many.
pub async fn prune(pool: &AnyPool, before: i64) -> StoreResult<u64> {
    Ok(
        sqlx::query("DELETE FROM email_changes WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
