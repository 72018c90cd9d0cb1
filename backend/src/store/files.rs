//! The record of each uploaded file (its bytes are in the file store, `infra::files`).

use crate::error::StoreResult;
use sqlx::{AnyConnection, AnyPool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FileRow {
    pub id: String,
    pub customer_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: i64,
}

pub async fn create(conn: &mut AnyConnection, now: i64, row: &FileRow) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO uploaded_files (id, customer_id, file_name, content_type, size_bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&row.id)
    .bind(row.customer_id)
    .bind(&row.file_name)
    .bind(&row.content_type)
    .bind(row.size_bytes)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(pool: &AnyPool, id: &str) -> StoreResult<Option<FileRow>> {
    Ok(sqlx::query_as(
        "SELECT id, customer_id, file_name, content_type, size_bytes, created_at
         FROM uploaded_files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// A file of the customer's, unless it is attached to an internal note (staff's alone).
pub async fn of_customer(
    pool: &AnyPool,
    id: &str,
    customer_id: i64,
) -> StoreResult<Option<FileRow>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.customer_id, f.file_name, f.content_type, f.size_bytes, f.created_at
         FROM uploaded_files f
         WHERE f.id = $1 AND f.customer_id = $2
           AND NOT EXISTS (SELECT 1 FROM message_attachments a
                           JOIN messages m ON m.id = a.message_id
                           WHERE a.file_id = f.id AND m.author = 'note')",
    )
    .bind(id)
    .bind(customer_id)
    .fetch_optional(pool)
    .await?)
}

/// Every stored file id (for the orphan sweep, which compares them with the file store).
pub async fn all_ids(pool: &AnyPool) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM uploaded_files")
        .fetch_all(pool)
        .await?)
}
