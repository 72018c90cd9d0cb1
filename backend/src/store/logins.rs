//! Signed-in browsers of an account ("logins"). The session cookie's data holds a random login
//! id; every request checks that its row still exists, so ending a login here ends that
//! session on every server instance.

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use sqlx::AnyPool;

/// `last_seen` is written at most this often per login.
const TOUCH_EVERY_SECONDS: i64 = 60;

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct LoginRow {
    pub login_id: String,
    pub created_at: i64,
    pub last_seen: i64,
    pub ip_address: String,
    pub user_agent: String,
}

/// Records a new login and returns its id (128 random bits, hex).
pub async fn create(
    pool: &AnyPool,
    now: i64,
    account_id: i64,
    ip: &str,
    user_agent: &str,
) -> StoreResult<String> {
    let login_id = hex::encode(rand::random::<[u8; 16]>());
    sqlx::query(
        "INSERT INTO account_logins (login_id, account_id, created_at, last_seen, ip_address, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(&login_id)
    .bind(account_id)
    .bind(now)
    .bind(ip)
    .bind(user_agent.chars().take(300).collect::<String>())
    .execute(pool)
    .await?;
    Ok(login_id)
}

/// Records that the login was used at `now`, when `last_seen` (as the gate read it with the
/// account, `accounts::with_login`) is at least a minute old: a write at most once a minute per
/// login, not on every request.
pub async fn seen(pool: &AnyPool, now: i64, login_id: &str, last_seen: i64) -> StoreResult<()> {
    if now - last_seen >= TOUCH_EVERY_SECONDS {
        sqlx::query("UPDATE account_logins SET last_seen = $2 WHERE login_id = $1")
            .bind(login_id)
            .bind(now)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// The account's logins, most recently seen first.
pub async fn list<'r>(reads: impl Into<Reads<'r>>, account_id: i64) -> StoreResult<Vec<LoginRow>> {
    let sql = "SELECT login_id, created_at, last_seen, ip_address, user_agent FROM account_logins
         WHERE account_id = $1 ORDER BY last_seen DESC";
    reads.into().all(sql, &[Arg::Int(account_id)]).await
}

/// Ends one login of the account (scoped: another account's login id does nothing).
pub async fn end(pool: &AnyPool, account_id: i64, login_id: &str) -> StoreResult<bool> {
    let n = sqlx::query("DELETE FROM account_logins WHERE login_id = $1 AND account_id = $2")
        .bind(login_id)
        .bind(account_id)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Ends every login of the account except `keep`.
pub async fn end_all<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    ex: E,
    account_id: i64,
    keep: Option<&str>,
) -> StoreResult<u64> {
    Ok(
        sqlx::query("DELETE FROM account_logins WHERE account_id = $1 AND login_id <> $2")
            .bind(account_id)
            .bind(keep.unwrap_or(""))
            .execute(ex)
            .await?
            .rows_affected(),
    )
}
