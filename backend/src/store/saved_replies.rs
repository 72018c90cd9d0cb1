//! Saved replies: texts in Dutch, French and English that agents start a reply from.

use crate::error::StoreResult;
use sqlx::{AnyConnection, AnyPool};

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct SavedReplyRow {
    pub id: i64,
    pub lang: String,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
    pub version: i64,
}

const COLUMNS: &str = "id, lang, title, body, updated_at, version";

/// Every saved reply, by language and title.
pub async fn all<'r>(
    reads: impl Into<crate::infra::reads::Reads<'r>>,
) -> StoreResult<Vec<SavedReplyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM saved_replies ORDER BY lang, title, id");
    reads.into().all(&sql, &[]).await
}

pub async fn by_id(pool: &AnyPool, id: i64) -> StoreResult<Option<SavedReplyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM saved_replies WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

/// A new saved reply; its id.
pub async fn create(
    conn: &mut AnyConnection,
    now: i64,
    staff_id: i64,
    (lang, title, body): (&str, &str, &str),
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO saved_replies (lang, title, body, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(lang)
    .bind(title)
    .bind(body)
    .bind(now)
    .bind(staff_id)
    .fetch_one(conn)
    .await?)
}

/// Changes a saved reply if it still has `version`; `false` when it changed or went.
pub async fn update(
    conn: &mut AnyConnection,
    now: i64,
    staff_id: i64,
    (id, version): (i64, i64),
    (lang, title, body): (&str, &str, &str),
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE saved_replies SET lang = $3, title = $4, body = $5, updated_at = $6,
                updated_by = $7, version = version + 1
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(lang)
    .bind(title)
    .bind(body)
    .bind(now)
    .bind(staff_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// Removes a saved reply if it still has `version`.
pub async fn delete(conn: &mut AnyConnection, id: i64, version: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM saved_replies WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(done == 1)
}
