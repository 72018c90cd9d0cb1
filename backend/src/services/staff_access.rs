//! The only way staff read customer data: [`read_audited`] runs the read and writes its line of
//! the staff audit log in one transaction, and returns the data only once both are committed.
//! No audit row, no data; a later feature cannot forget the audit because there is no other
//! door.

use crate::error::StoreResult;
use sqlx::{AnyConnection, AnyPool};
use std::future::Future;
use std::pin::Pin;

/// Who reads, from where (for the audit line).
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub staff_id: i64,
    pub ip: &'a str,
}

/// A read on the audit transaction's connection.
pub type Read<'c, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'c>>;

/// Runs `read` and records `action` with the subject `subject(&data)` in the same transaction.
pub async fn read_audited<T, R, S>(
    pool: &AnyPool,
    now: i64,
    who: Reader<'_>,
    action: &str,
    read: R,
    subject: S,
) -> StoreResult<T>
where
    R: for<'c> FnOnce(&'c mut AnyConnection) -> Read<'c, T>,
    S: FnOnce(&T) -> String,
{
    let _turn = crate::store::audit::APPENDS.lock().await;
    let mut tx = crate::infra::db::begin_write(pool).await?;
    let data = read(&mut tx).await?;
    crate::store::audit::record(&mut tx, now, who.staff_id, action, &subject(&data), who.ip)
        .await?;
    tx.commit().await?;
    Ok(data)
}

/// Walks the audit chain and records the result (the daily job and `server audit verify`). A
/// broken chain is logged as an error (showing it to admins on a page is still to come).
pub async fn verify_audit_chain(
    pool: &AnyPool,
    now: i64,
) -> StoreResult<crate::store::audit::ChainReport> {
    let report = crate::store::audit::verify(pool).await?;
    crate::store::audit::record_check(pool, now, &report).await?;
    if report.ok() {
        tracing::info!(entries = report.entries, "audit chain verified");
    } else {
        tracing::error!(detail = %report.describe(), "the staff audit chain is broken");
    }
    Ok(report)
}
