//! Uploaded files (a registration certificate, message attachments): kept in the file store
//! under a random id before the transaction that records them, removed again when that
//! transaction does not commit; served to the customer they belong to and, audited, to staff.
//! A crash between the two leaves a file no row refers to: the orphan sweep removes it.

use crate::infra::files::{self, FileStore, Received};
use crate::services::staff_access::Reader;
use crate::services::{ServiceError, Services};
use crate::store::audit;
use crate::store::files::FileRow;
use domain::uploads::{self, FileType};

/// Moves a judged upload into the file store; the row to record with what it belongs to.
pub async fn keep(
    s: &Services<'_>,
    customer_id: i64,
    upload: &Received,
    kind: FileType,
) -> Result<FileRow, ServiceError> {
    let row = FileRow {
        id: files::new_id(),
        customer_id,
        file_name: uploads::clean_name(&upload.name, kind),
        content_type: kind.content_type().to_string(),
        size_bytes: i64::try_from(upload.size).unwrap_or(i64::MAX),
        created_at: s.clock.epoch(),
    };
    s.files.put_received(&row.id, upload).await?;
    Ok(row)
}

/// Removes kept files whose transaction did not commit (a failure here is left to the sweep).
pub async fn discard(s: &Services<'_>, rows: &[FileRow]) {
    for row in rows {
        if let Err(e) = s.files.delete(&row.id).await {
            tracing::warn!(error = %e, file = %row.id, "an unused upload was not removed (the orphan sweep will)");
        }
    }
}

/// An uploaded file for the customer it belongs to; None if it is not theirs, unknown, or an
/// attachment of an internal note.
pub async fn for_customer(
    pool: &sqlx::AnyPool,
    store: &dyn FileStore,
    file_id: &str,
    customer_id: i64,
) -> Result<Option<(FileRow, Vec<u8>)>, ServiceError> {
    let Some(row) = crate::store::files::of_customer(pool, file_id, customer_id).await? else {
        return Ok(None);
    };
    Ok(store.get(&row.id).await?.map(|bytes| (row, bytes)))
}

/// An uploaded file for staff: the audit row is written before the bytes are handed out.
pub async fn for_staff(
    db: &crate::infra::db::Db,
    store: &dyn FileStore,
    now: i64,
    staff: Reader<'_>,
    file_id: &str,
) -> Result<Option<(FileRow, Vec<u8>)>, ServiceError> {
    let pool = &db.pool;
    let Some(row) = crate::store::files::by_id(pool, file_id).await? else {
        return Ok(None);
    };
    let Some(bytes) = store.get(&row.id).await? else {
        return Ok(None);
    };
    let number = crate::store::customers::by_id(pool, row.customer_id)
        .await?
        .map(|c| c.customer_number)
        .unwrap_or_default();
    let object = format!("file {}", row.id);
    audit::record_alone(
        db,
        now,
        &staff.entry("view_uploaded_file", Some(&number), Some(&object), ""),
    )
    .await?;
    Ok(Some((row, bytes)))
}

/// How old a stored file without a row must be before the sweep removes it (an upload whose
/// row is still being committed is younger).
pub const ORPHAN_AGE_SECONDS: u64 = 3_600;

/// Removes stored files that no row refers to and uploads left half-received by a crash, both
/// older than `min_age` seconds.
pub async fn sweep_orphans(
    pool: &sqlx::AnyPool,
    store: &dyn FileStore,
    min_age: u64,
) -> Result<usize, ServiceError> {
    let known: std::collections::HashSet<String> = crate::store::files::all_ids(pool)
        .await?
        .into_iter()
        .collect();
    let mut removed = store.clear_incoming(min_age).await?;
    for (id, age) in store.list().await? {
        if age >= min_age && !known.contains(&id) {
            store.delete(&id).await?;
            removed += 1;
        }
    }
    Ok(removed)
}
