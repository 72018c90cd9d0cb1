//! Reading the staff audit trail (issue 11): admins browse and filter all of it and export the
//! filtered list as CSV; agents see only their own entries. Reading it is itself an entry.
//! The newest chain verification comes along so a broken chain is in front of every admin.

use crate::error::StoreResult;
use crate::services::staff_access::{Note, Reader, read_audited};
use crate::store::audit::{self, AuditRow};
use domain::audit::{AuditFilter, PAGE_SIZE, csv_cell};
use domain::model::StaffRole;
use sqlx::AnyPool;

/// One page of the trail.
pub struct TrailPage {
    pub rows: Vec<AuditRow>,
    /// The id to ask for the next (older) page with, if there is one.
    pub next_before: Option<i64>,
}

/// The filter as applied for this reader: an agent's is always narrowed to their own entries.
pub fn scoped(role: StaffRole, who: &Reader<'_>, mut filter: AuditFilter) -> AuditFilter {
    if role != StaffRole::Admin {
        filter.staff_id = Some(who.staff_id);
    }
    filter
}

/// A filter in words, for the audit entry of reading with it.
fn described(f: &AuditFilter) -> String {
    let mut parts = Vec::new();
    if let Some(id) = f.staff_id {
        parts.push(format!("staff {id}"));
    }
    if let Some(a) = f.action {
        parts.push(format!("action {a}"));
    }
    if let Some(from) = f.from {
        parts.push(format!("from {from}"));
    }
    if let Some(until) = f.until {
        parts.push(format!("until {until}"));
    }
    if parts.is_empty() {
        "all".to_string()
    } else {
        parts.join(", ")
    }
}

/// One page of entries (newest first) older than `before`, as `role` may see them; audited.
pub async fn browse(
    db: &crate::infra::db::Db,
    now: i64,
    who: Reader<'_>,
    role: StaffRole,
    filter: AuditFilter,
    before: Option<i64>,
) -> StoreResult<TrailPage> {
    let filter = scoped(role, &who, filter);
    let detail = described(&filter);
    let customer = filter.customer.clone();
    let (rows, more) = read_audited(
        db,
        now,
        who,
        "view_audit_log",
        |reads| Box::pin(async move { audit::page(reads, &filter, before, PAGE_SIZE).await }),
        move |_| Note {
            customer,
            object: None,
            detail,
        },
    )
    .await?;
    let next_before = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(TrailPage { rows, next_before })
}

/// The CSV header line.
pub const CSV_HEADER: [&str; 12] = [
    "id",
    "time_utc",
    "staff_id",
    "staff_name",
    "action",
    "customer",
    "object",
    "detail",
    "ip_address",
    "request_id",
    "prev_hash",
    "hash",
];

fn utc(epoch: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// One entry as a CSV record, every text cell neutralised against formula injection.
pub fn csv_record(r: &AuditRow) -> [String; 12] {
    let cell = |s: &str| csv_cell(s).into_owned();
    [
        r.id.to_string(),
        utc(r.at),
        r.staff_id.to_string(),
        cell(&r.staff_name),
        cell(&r.action),
        cell(r.customer_number.as_deref().unwrap_or("")),
        cell(r.object.as_deref().unwrap_or("")),
        cell(&r.subject),
        cell(&r.ip_address),
        cell(r.request_id.as_deref().unwrap_or("")),
        r.prev_hash.clone().unwrap_or_default(),
        r.hash.clone().unwrap_or_default(),
    ]
}

/// Bytes of CSV gathered before they are handed on.
const CHUNK: usize = 64 * 1024;
/// Entries read from the database at a time.
const BATCH: i64 = 1_000;

/// Exports the entries matching `filter` (admins only; the caller checks the role) as CSV,
/// oldest first: the export is audited first, then the rows are streamed from the database
/// in batches of 1,000, handed on in chunks of about 64 KB (memory stays flat for a million entries). Ends when
/// all rows are written or the receiver has gone.
pub async fn export(
    db: crate::infra::db::Db,
    now: i64,
    who: Reader<'_>,
    filter: AuditFilter,
) -> StoreResult<tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>> {
    let detail = described(&filter);
    audit::record_alone(
        &db,
        now,
        &who.entry(
            "export_audit_log",
            filter.customer.as_deref(),
            None,
            &detail,
        ),
    )
    .await?;
    let pool = db.pool;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let writer = || csv::Writer::from_writer(Vec::with_capacity(CHUNK + 16 * 1024));
        let mut w = writer();
        let header = w.write_record(CSV_HEADER);
        if header.is_err() {
            return;
        }
        let mut after = 0;
        loop {
            let rows = match audit::batch_after(&pool, &filter, after, BATCH).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = %e, "audit export failed half-way");
                    let _ = tx
                        .send(Err(std::io::Error::other("the export was interrupted")))
                        .await;
                    return;
                }
            };
            let last = rows.len() < BATCH as usize;
            for row in &rows {
                if w.write_record(csv_record(row)).is_err() {
                    return;
                }
            }
            after = rows.last().map_or(after, |r| r.id);
            if last || w.get_ref().len() >= CHUNK {
                let Ok(full) = std::mem::replace(&mut w, writer()).into_inner() else {
                    return;
                };
                if tx.send(Ok(full)).await.is_err() || last {
                    return;
                }
            }
        }
    });
    Ok(rx)
}

/// The newest chain verification: (when, intact, what it found).
pub async fn chain_state(pool: &AnyPool) -> StoreResult<Option<(i64, bool, String)>> {
    audit::last_check(pool).await
}
