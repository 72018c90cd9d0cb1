//! The staff audit trail (the only writer of `staff_audit`): one row per staff action or read
//! of customer data, in a hash chain. Each entry stores the hash of the entry before it and its
//! own `HMAC-SHA256(key, previous hash ‖ fields in a fixed order)` under the audit key (derived
//! from the configured data key, never stored in the database). Appends are serialised by
//! updating the single `audit_head` row first, in the caller's transaction; triggers refuse
//! UPDATE and DELETE of an entry on both databases. [`verify`] walks the chain.

use crate::error::StoreResult;
use crate::infra::seal;
use domain::audit::AuditFilter;
use futures_util::TryStreamExt;
use sqlx::{AnyConnection, AnyPool};

/// The hash the chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as the services write it: who did what, to which customer and object, with
/// a free-text detail, from where, within which HTTP request.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub staff_id: i64,
    pub action: &'a str,
    /// The customer number the action concerns, if one.
    pub customer: Option<&'a str>,
    /// What was read or changed: a contract, invoice or request reference, a file id.
    pub object: Option<&'a str>,
    /// Free text: a search term, a reason, a count.
    pub detail: &'a str,
    pub ip: &'a str,
    /// The `x-request-id` of the HTTP request (None from the shell and jobs).
    pub request_id: Option<&'a str>,
}

/// The fields of a stored entry, in the order they are hashed.
struct Fields<'a> {
    staff_id: i64,
    action: &'a str,
    subject: &'a str,
    at: i64,
    ip: &'a str,
    customer: Option<&'a str>,
    object: Option<&'a str>,
    request_id: Option<&'a str>,
}

/// `hex(HMAC(key, prev ‖ 0x1f ‖ staff_id ‖ 0x1f ‖ action ‖ …))`: a unit separator between the
/// fields so that moving text from one field to the next changes the hash. The customer, object
/// and request id (added later) are hashed when any of them is set, each as `0x1e` for none or
/// its text, so entries written before them keep their hash.
fn entry_hash(prev: &str, f: &Fields<'_>) -> Result<String, seal::SealError> {
    let staff = f.staff_id.to_string();
    let at = f.at.to_string();
    let mut parts: Vec<&[u8]> = vec![
        prev.as_bytes(),
        staff.as_bytes(),
        f.action.as_bytes(),
        f.subject.as_bytes(),
        at.as_bytes(),
        f.ip.as_bytes(),
    ];
    let extra = [f.customer, f.object, f.request_id];
    if extra.iter().any(Option::is_some) {
        for x in extra {
            parts.push(x.map_or(b"\x1e".as_slice(), str::as_bytes));
        }
    }
    let mut message = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            message.push(0x1f);
        }
        message.extend_from_slice(p);
    }
    Ok(hex::encode(seal::audit_mac(&message)?))
}

/// Appends an entry to the staff audit trail inside the caller's (write) transaction: the head
/// row is updated first (so concurrent appends wait for each other), then the entry is written
/// with the previous hash and its own, then the head moves on.
pub async fn record(conn: &mut AnyConnection, now: i64, e: &Entry<'_>) -> StoreResult<()> {
    sqlx::query("UPDATE audit_head SET entries = entries + 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    let prev: String = sqlx::query_scalar("SELECT last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let hash = entry_hash(
        &prev,
        &Fields {
            staff_id: e.staff_id,
            action: e.action,
            subject: e.detail,
            at: now,
            ip: e.ip,
            customer: e.customer,
            object: e.object,
            request_id: e.request_id,
        },
    )?;
    sqlx::query(
        "INSERT INTO staff_audit (staff_id, action, subject, at, ip_address, prev_hash, hash,
                                  customer_number, object, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(e.staff_id)
    .bind(e.action)
    .bind(e.detail)
    .bind(now)
    .bind(e.ip)
    .bind(&prev)
    .bind(&hash)
    .bind(e.customer)
    .bind(e.object)
    .bind(e.request_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends of this process wait their turn here rather than in the database: SQLite's busy
/// handler sleeps (up to 100 ms) when several connections want the write lock at once, a
/// queue in the process does not. Between instances the head row still serialises.
pub static APPENDS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// [`record`] in a write transaction of its own, for an action that has no other writes; the
/// caller hands out what it read only once this returned.
pub async fn record_alone(pool: &AnyPool, now: i64, e: &Entry<'_>) -> StoreResult<()> {
    let _turn = APPENDS.lock().await;
    let mut tx = crate::infra::db::begin_write(pool).await?;
    record(&mut tx, now, e).await?;
    tx.commit().await?;
    Ok(())
}

/// What a walk along the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries in the chain that were checked.
    pub entries: i64,
    /// Entries written before the chain existed (no hash; reported, not checked).
    pub unchained: i64,
    /// The first entry whose link or hash is wrong, and why.
    pub broken: Option<(i64, &'static str)>,
}

impl ChainReport {
    pub fn ok(&self) -> bool {
        self.broken.is_none()
    }

    pub fn describe(&self) -> String {
        match self.broken {
            None => format!(
                "audit chain intact: {} entries verified ({} from before the chain)",
                self.entries, self.unchained
            ),
            Some((id, why)) => format!(
                "audit chain BROKEN at entry {id}: {why} ({} entries verified before it)",
                self.entries
            ),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ChainRow {
    id: i64,
    staff_id: i64,
    action: String,
    subject: String,
    at: i64,
    ip_address: String,
    prev_hash: Option<String>,
    hash: Option<String>,
    customer_number: Option<String>,
    object: Option<String>,
    request_id: Option<String>,
}

/// Walks the whole chain in id order (streamed: memory stays flat however long it is) and
/// checks every link and every hash against the key, and that the head names the last entry.
pub async fn verify(pool: &AnyPool) -> StoreResult<ChainReport> {
    let mut report = ChainReport {
        entries: 0,
        unchained: 0,
        broken: None,
    };
    let mut prev: Option<String> = None;
    {
        let mut rows = sqlx::query_as::<_, ChainRow>(
            "SELECT id, staff_id, action, subject, at, ip_address, prev_hash, hash,
                    customer_number, object, request_id
             FROM staff_audit ORDER BY id",
        )
        .fetch(pool);
        while let Some(r) = rows.try_next().await? {
            let (Some(prev_hash), Some(hash)) = (&r.prev_hash, &r.hash) else {
                if prev.is_some() {
                    report.broken = Some((r.id, "an entry without a hash inside the chain"));
                    return Ok(report);
                }
                report.unchained += 1;
                continue;
            };
            let expected_prev = prev.as_deref().unwrap_or(GENESIS);
            if prev_hash != expected_prev {
                report.broken = Some((
                    r.id,
                    "its previous hash is not the hash of the entry before it",
                ));
                return Ok(report);
            }
            let computed = entry_hash(
                prev_hash,
                &Fields {
                    staff_id: r.staff_id,
                    action: &r.action,
                    subject: &r.subject,
                    at: r.at,
                    ip: &r.ip_address,
                    customer: r.customer_number.as_deref(),
                    object: r.object.as_deref(),
                    request_id: r.request_id.as_deref(),
                },
            )?;
            if &computed != hash {
                report.broken = Some((r.id, "its hash does not match its fields"));
                return Ok(report);
            }
            report.entries += 1;
            prev = Some(hash.clone());
        }
    }
    let head: String = sqlx::query_scalar("SELECT last_hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    if head != prev.as_deref().unwrap_or(GENESIS) {
        report.broken = Some((
            0,
            "the head does not name the last entry (entries removed?)",
        ));
    }
    Ok(report)
}

/// Records what a verification found.
pub async fn record_check(pool: &AnyPool, now: i64, report: &ChainReport) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_checks (at, entries, ok, broken_at, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now)
    .bind(report.entries)
    .bind(i64::from(report.ok()))
    .bind(report.broken.map(|(id, _)| id))
    .bind(report.describe())
    .execute(pool)
    .await?;
    Ok(())
}

/// The newest verification: (at, ok, detail).
pub async fn last_check(pool: &AnyPool) -> StoreResult<Option<(i64, bool, String)>> {
    let row: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT at, ok, detail FROM audit_checks ORDER BY id DESC LIMIT 1")
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(at, ok, detail)| (at, ok != 0, detail)))
}
/// One entry of the staff audit trail as admins browse and export it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub action: String,
    pub customer_number: Option<String>,
    pub object: Option<String>,
    pub subject: String,
    pub at: i64,
    pub ip_address: String,
    pub request_id: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

enum Arg {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause of a filter (with `$n` placeholders from `$1`) and its arguments, plus
/// `before`: only entries older than that id (the page after).
fn filtered(f: &AuditFilter, before: Option<i64>) -> (String, Vec<Arg>) {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut args = Vec::new();
    let mut add = |condition: &str, arg: Arg| {
        args.push(arg);
        conditions.push(format!("{condition} ${}", args.len()));
    };
    if let Some(id) = f.staff_id {
        add("l.staff_id =", Arg::Int(id));
    }
    if let Some(c) = &f.customer {
        add("l.customer_number =", Arg::Text(c.clone()));
    }
    if let Some(a) = f.action {
        add("l.action =", Arg::Text(a.to_string()));
    }
    if let Some(from) = f.from {
        add("l.at >=", Arg::Int(from));
    }
    if let Some(until) = f.until {
        add("l.at <", Arg::Int(until));
    }
    if let Some(id) = before {
        add("l.id <", Arg::Int(id));
    }
    (conditions.join(" AND "), args)
}

const ROW: &str = "SELECT l.id, l.staff_id, s.display_name AS staff_name, l.action,
        l.customer_number, l.object, l.subject, l.at, l.ip_address, l.request_id,
        l.prev_hash, l.hash
     FROM staff_audit l JOIN staff_accounts s ON s.id = l.staff_id";

fn bind_all<'q, O>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::Int(i) => q.bind(i),
            Arg::Text(t) => q.bind(t),
        };
    }
    q
}

/// One page of entries matching `f`, newest first, older than `before` when given; and whether
/// there are more.
pub async fn page(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<(Vec<AuditRow>, bool)> {
    let (filter, args) = filtered(f, before);
    let sql = format!(
        "{ROW} WHERE {filter} ORDER BY l.id DESC LIMIT {}",
        limit.clamp(1, 500) + 1
    );
    let mut rows: Vec<AuditRow> = bind_all(sqlx::query_as(&sql), args).fetch_all(conn).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    Ok((rows, more))
}

/// Up to `limit` entries matching `f` with an id above `after`, oldest first: an export walks
/// the trail batch by batch (memory stays flat, and no read stays open for minutes).
pub async fn batch_after(
    pool: &AnyPool,
    f: &AuditFilter,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<AuditRow>> {
    let (filter, mut args) = filtered(f, None);
    args.push(Arg::Int(after));
    let sql = format!(
        "{ROW} WHERE {filter} AND l.id > ${} ORDER BY l.id LIMIT {}",
        args.len(),
        limit.clamp(1, 10_000)
    );
    Ok(bind_all(sqlx::query_as(&sql), args).fetch_all(pool).await?)
}
