//! Recovery codes of the second factor (the only writer of `recovery_codes`). Only hashes are
//! stored; a code is used once, claimed with a conditional update.

use crate::error::StoreResult;
use sqlx::AnyConnection;

/// Replaces the account's recovery codes with these hashes (inside the caller's transaction).
pub async fn replace(
    conn: &mut AnyConnection,
    account_id: i64,
    hashes: &[String],
) -> StoreResult<()> {
    delete_all(conn, account_id).await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2)")
            .bind(account_id)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Removes every recovery code of the account.
pub async fn delete_all(conn: &mut AnyConnection, account_id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Uses up the unused code with this hash; `true` only for the one request that claimed it.
pub async fn use_once<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    ex: E,
    now: i64,
    account_id: i64,
    code_hash: &str,
) -> StoreResult<bool> {
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(account_id)
    .bind(code_hash)
    .bind(now)
    .execute(ex)
    .await?
    .rows_affected();
    Ok(used == 1)
}
