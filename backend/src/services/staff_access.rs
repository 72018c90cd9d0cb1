//! The only way staff read customer data: [`read_audited`] runs the read, writes its line of
//! the staff audit log, and returns the data only once that line is committed. No audit row,
//! no data; a later feature cannot forget the audit because there is no other door.

use crate::error::StoreResult;
use crate::infra::db::Db;
use crate::infra::reads::Reads;
use crate::store::audit::Entry;
use sqlx::AnyPool;
use std::future::Future;
use std::pin::Pin;

/// Who reads or acts, from where, within which HTTP request (for the audit entry).
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub staff_id: i64,
    pub ip: &'a str,
    /// The request's `x-request-id` ("" when there is none).
    pub request_id: &'a str,
}

impl<'a> Reader<'a> {
    /// The audit entry of `action` by this reader.
    pub fn entry(
        &self,
        action: &'a str,
        customer: Option<&'a str>,
        object: Option<&'a str>,
        detail: &'a str,
    ) -> Entry<'a> {
        Entry {
            staff_id: self.staff_id,
            action,
            customer,
            object,
            detail,
            ip: self.ip,
            request_id: Some(self.request_id).filter(|r| !r.is_empty()),
        }
    }
}

/// What an audit entry says about the data read: its customer, object and a detail.
#[derive(Clone, Debug, Default)]
pub struct Note {
    pub customer: Option<String>,
    pub object: Option<String>,
    pub detail: String,
}

impl Note {
    pub fn detail(detail: impl Into<String>) -> Note {
        Note {
            detail: detail.into(),
            ..Note::default()
        }
    }
}

/// A read for [`read_audited`].
pub type Read<'c, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'c>>;

/// Runs `read` (a page's reads: in the request's thread on SQLite), then records `action` with
/// what `note(&data)` says, and hands the data out only once the entry is committed. The read
/// does not wait for the audit trail's turn: only the entry does (with the entries arriving
/// at the same time, [`crate::store::audit::record_alone`]).
pub async fn read_audited<T, R, S>(
    db: &Db,
    now: i64,
    who: Reader<'_>,
    action: &str,
    read: R,
    note: S,
) -> StoreResult<T>
where
    R: for<'c> FnOnce(Reads<'c>) -> Read<'c, T>,
    S: FnOnce(&T) -> Note,
{
    let data = read(db.reads().await?).await?;
    let n = note(&data);
    let entry = who.entry(
        action,
        n.customer.as_deref(),
        n.object.as_deref(),
        &n.detail,
    );
    crate::store::audit::record_alone(db, now, &entry).await?;
    Ok(data)
}

/// Walks the audit chain and records the result (the daily job and `server audit verify`). A
/// broken chain is logged as an error and shown to admins on the CIC pages.
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
