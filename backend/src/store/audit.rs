//! The staff audit trail (the only writer of `staff_audit`): one row per staff action or read
//! of customer data, in a hash chain. Each entry stores the hash of the entry before it and its
//! own `HMAC-SHA256(key, previous hash ‖ fields in a fixed order)` under the audit key (derived
//! from the configured data key, never stored in the database). Appends are serialised by
//! updating the single `audit_head` row first, in the caller's transaction; triggers refuse
//! UPDATE and DELETE of an entry on both databases. [`verify`] walks the chain.

use crate::error::{StoreError, StoreResult};
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
    append(conn, &[(now, *e)]).await
}

/// Appends entries at `now` in the caller's (write) transaction, in order (the bulk seed of the
/// export benchmark).
pub async fn record_many(
    conn: &mut AnyConnection,
    now: i64,
    entries: &[Entry<'_>],
) -> StoreResult<()> {
    let stamped: Vec<(i64, Entry<'_>)> = entries.iter().map(|e| (now, *e)).collect();
    append(conn, &stamped).await
}

/// Entries a multi-row insert writes at most.
const INSERT_ROWS: usize = 500;

/// The statement that moves the head on by `$1` entries and gives the last hash: the first of
/// every append, so that appends wait for each other on the head row.
const TAKE_HEAD: &str =
    "UPDATE audit_head SET entries = entries + $1 WHERE id = 1 RETURNING last_hash";
const MOVE_HEAD: &str = "UPDATE audit_head SET last_hash = $1 WHERE id = 1";

/// The insert of `rows` entries (`$1` to `$10` for the first, and so on).
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO staff_audit (staff_id, action, subject, at, ip_address, prev_hash, hash,
                                  customer_number, object, request_id) VALUES ",
    );
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 1..=10 {
            if column > 1 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * 10 + column).to_string());
        }
        sql.push(')');
    }
    sql
}

/// The link and hash of each entry after `prev`, in order (each entry links to the one before
/// it), and the last hash.
fn chain(
    mut prev: String,
    entries: &[(i64, Entry<'_>)],
) -> StoreResult<(Vec<(String, String)>, String)> {
    let mut links = Vec::with_capacity(entries.len());
    for (at, e) in entries {
        let hash = entry_hash(
            &prev,
            &Fields {
                staff_id: e.staff_id,
                action: e.action,
                subject: e.detail,
                at: *at,
                ip: e.ip,
                customer: e.customer,
                object: e.object,
                request_id: e.request_id,
            },
        )?;
        links.push((std::mem::replace(&mut prev, hash.clone()), hash));
    }
    Ok((links, prev))
}

/// Appends entries, each at its own time, in the caller's (write) transaction and in order: the
/// head row is updated first (so concurrent appends wait for each other) and gives the last
/// hash, the entries are written with their links and hashes (multi-row inserts), then the
/// head moves on to the last one.
async fn append(conn: &mut AnyConnection, entries: &[(i64, Entry<'_>)]) -> StoreResult<()> {
    let prev: String = sqlx::query_scalar(TAKE_HEAD)
        .bind(i64::try_from(entries.len()).unwrap_or(i64::MAX))
        .fetch_one(&mut *conn)
        .await?;
    let (links, last) = chain(prev, entries)?;
    for (chunk, links) in entries.chunks(INSERT_ROWS).zip(links.chunks(INSERT_ROWS)) {
        let sql = insert_sql(chunk.len());
        let mut q = sqlx::query(&sql);
        for ((at, e), (prev_hash, hash)) in chunk.iter().zip(links) {
            q = q
                .bind(e.staff_id)
                .bind(e.action)
                .bind(e.detail)
                .bind(*at)
                .bind(e.ip)
                .bind(prev_hash)
                .bind(hash)
                .bind(e.customer)
                .bind(e.object)
                .bind(e.request_id);
        }
        q.execute(&mut *conn).await?;
    }
    sqlx::query(MOVE_HEAD)
        .bind(&last)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// [`append`] in a write transaction of its own on an SQLite connection of this thread (the
/// group commit's, see [`Writer`]): the same statements, committed before this returns.
fn append_local(conn: &mut rusqlite::Connection, entries: &[(i64, Entry<'_>)]) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let count = i64::try_from(entries.len()).unwrap_or(i64::MAX);
    let prev: String = tx
        .prepare_cached(TAKE_HEAD)?
        .query_row([count], |row| row.get(0))?;
    let (links, last) = chain(prev, entries)?;
    for (chunk, links) in entries.chunks(INSERT_ROWS).zip(links.chunks(INSERT_ROWS)) {
        let mut insert = tx.prepare_cached(&insert_sql(chunk.len()))?;
        let mut i = 0;
        let mut bind = |value: &dyn rusqlite::ToSql| -> rusqlite::Result<()> {
            i += 1;
            insert.raw_bind_parameter(i, value)
        };
        for ((at, e), (prev_hash, hash)) in chunk.iter().zip(links) {
            bind(&e.staff_id)?;
            bind(&e.action)?;
            bind(&e.detail)?;
            bind(at)?;
            bind(&e.ip)?;
            bind(prev_hash)?;
            bind(hash)?;
            bind(&e.customer)?;
            bind(&e.object)?;
            bind(&e.request_id)?;
        }
        insert.raw_execute()?;
    }
    tx.prepare_cached(MOVE_HEAD)?.execute([&last])?;
    tx.commit()?;
    Ok(())
}

/// Appends of this process wait their turn here rather than in the database: SQLite's busy
/// handler sleeps (up to 100 ms) when several connections want the write lock at once, a
/// queue in the process does not. Between instances the head row still serialises.
pub static APPENDS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The entries of one database waiting for [`record_alone`]'s next group commit (kept in
/// [`crate::infra::db::Db`]).
#[derive(Debug, Default)]
pub struct Waiting(std::sync::Mutex<Vec<Queued>>);

/// An entry waiting to be written, and where its outcome goes.
#[derive(Debug)]
struct Queued {
    at: i64,
    entry: OwnedEntry,
    done: tokio::sync::oneshot::Sender<StoreResult<()>>,
}

#[derive(Debug)]
struct OwnedEntry {
    staff_id: i64,
    action: String,
    customer: Option<String>,
    object: Option<String>,
    detail: String,
    ip: String,
    request_id: Option<String>,
}

impl OwnedEntry {
    fn of(e: &Entry<'_>) -> Self {
        OwnedEntry {
            staff_id: e.staff_id,
            action: e.action.to_owned(),
            customer: e.customer.map(str::to_owned),
            object: e.object.map(str::to_owned),
            detail: e.detail.to_owned(),
            ip: e.ip.to_owned(),
            request_id: e.request_id.map(str::to_owned),
        }
    }

    fn entry(&self) -> Entry<'_> {
        Entry {
            staff_id: self.staff_id,
            action: &self.action,
            customer: self.customer.as_deref(),
            object: self.object.as_deref(),
            detail: &self.detail,
            ip: &self.ip,
            request_id: self.request_id.as_deref(),
        }
    }
}

impl Waiting {
    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<Queued>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn take(&self) -> Vec<Queued> {
        std::mem::take(&mut *self.queue())
    }

    /// How many entries wait (tests of the group commit).
    pub fn len(&self) -> usize {
        self.queue().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// [`record`] for an action that has no other writes (a staff member's read of a list): the
/// entry is written and committed before this returns, and the caller hands out what it read
/// only then. Entries that arrive together are written in one transaction (group commit): each
/// waits for [`APPENDS`]; the first to get it writes every entry waiting by then, and the others
/// find theirs written when their turn comes. Under load that is one write transaction for many
/// page views instead of one each (issue 13). The group is written by a task of its own, so a
/// request that goes away mid-write (a closed connection) does not take the others' entries
/// with it. If the group's transaction fails, each of its entries is tried alone, so that one
/// bad entry fails only its own request.
pub async fn record_alone(db: &crate::infra::db::Db, now: i64, e: &Entry<'_>) -> StoreResult<()> {
    let (done, mut outcome) = tokio::sync::oneshot::channel();
    db.audit_waiting().queue().push(Queued {
        at: now,
        entry: OwnedEntry::of(e),
        done,
    });
    let turn = APPENDS.lock().await;
    match outcome.try_recv() {
        // An earlier group took this entry and has ended (it holds the turn until then).
        Ok(result) => return result,
        Err(tokio::sync::oneshot::error::TryRecvError::Closed) => {
            return Err(StoreError::Interrupted(GROUP_ENDED));
        }
        // Still waiting: only the holder of the turn takes entries, so this one is there.
        Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
    }
    let group = db.audit_waiting().take();
    let writer = Writer::of(db);
    tokio::spawn(async move {
        let _turn = turn;
        write_group(&writer, group).await;
    });
    outcome
        .await
        .unwrap_or_else(|_| Err(StoreError::Interrupted(GROUP_ENDED)))
}

const GROUP_ENDED: &str = "the audit group commit ended without an outcome";

/// Where a group commit writes. On SQLite, a connection of its own in a blocking thread: the
/// whole transaction is one hand-off there, where sqlx's connection thread takes four (begin,
/// head, insert, commit), each a wake-up of two threads (issue 13: audited pages measured two
/// context switches a request more than the others). PostgreSQL: the pool.
enum Writer {
    Pool(AnyPool),
    Local(std::sync::Arc<std::sync::Mutex<rusqlite::Connection>>),
}

impl Writer {
    fn of(db: &crate::infra::db::Db) -> Writer {
        match db.audit_writer() {
            Some(conn) => Writer::Local(conn.clone()),
            None => Writer::Pool(db.pool.clone()),
        }
    }

    /// Writes `group` in one transaction; gives the group back with the outcome (None: the
    /// blocking thread ended without one, and the group is gone with it).
    async fn write(&self, group: Vec<Queued>) -> Option<(Vec<Queued>, StoreResult<()>)> {
        fn stamped(group: &[Queued]) -> Vec<(i64, Entry<'_>)> {
            group.iter().map(|q| (q.at, q.entry.entry())).collect()
        }
        match self {
            Writer::Pool(pool) => {
                let result = async {
                    let mut tx = crate::infra::db::begin_write(pool).await?;
                    match append(&mut tx, &stamped(&group)).await {
                        Ok(()) => Ok(tx.commit().await?),
                        Err(e) => {
                            // At once, so that the next try does not wait for the connection's
                            // next use.
                            let _ = tx.rollback().await;
                            Err(e)
                        }
                    }
                }
                .await;
                Some((group, result))
            }
            Writer::Local(conn) => {
                let conn = conn.clone();
                tokio::task::spawn_blocking(move || {
                    let mut conn = conn
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let result = append_local(&mut conn, &stamped(&group));
                    (group, result)
                })
                .await
                .ok()
            }
        }
    }
}

/// Writes a group in one transaction and tells each entry's waiter; on failure, each entry alone.
/// A waiter whose entry is lost with a failed thread hears that its group ended without an
/// outcome.
async fn write_group(writer: &Writer, group: Vec<Queued>) {
    let Some((group, together)) = writer.write(group).await else {
        return;
    };
    match together {
        Ok(()) => {
            for q in group {
                let _ = q.done.send(Ok(()));
            }
        }
        // One entry, or the database is unavailable (an outage fails every entry alike; trying
        // them one by one would wait for the database once per entry).
        Err(e) if group.len() == 1 || e.is_unavailable() => {
            let cause = e.to_string();
            let mut first = Some(e);
            for q in group {
                let e = first
                    .take()
                    .unwrap_or_else(|| StoreError::Unavailable(cause.clone()));
                let _ = q.done.send(Err(e));
            }
        }
        Err(e) => {
            tracing::warn!(entries = group.len(), error = %e, "audit group commit failed; writing its entries one by one");
            for q in group {
                if let Some((mut alone, result)) = writer.write(vec![q]).await
                    && let Some(q) = alone.pop()
                {
                    let _ = q.done.send(result);
                }
            }
        }
    }
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

#[derive(Clone, Debug, sqlx::FromRow)]
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

/// A walk along the chain, one entry at a time in id order; pure, so the rules are unit-tested.
struct Walk {
    report: ChainReport,
    /// The hash of the last chained entry.
    prev: Option<String>,
}

impl Walk {
    fn new() -> Walk {
        Walk {
            report: ChainReport {
                entries: 0,
                unchained: 0,
                broken: None,
            },
            prev: None,
        }
    }

    /// Checks the next entry; `false` once the chain is broken (the walk stops there).
    fn step(&mut self, r: &ChainRow) -> Result<bool, seal::SealError> {
        let (Some(prev_hash), Some(hash)) = (&r.prev_hash, &r.hash) else {
            if self.prev.is_some() {
                self.report.broken = Some((r.id, "an entry without a hash inside the chain"));
                return Ok(false);
            }
            self.report.unchained += 1;
            return Ok(true);
        };
        let expected_prev = self.prev.as_deref().unwrap_or(GENESIS);
        if prev_hash != expected_prev {
            self.report.broken = Some((
                r.id,
                "its previous hash is not the hash of the entry before it",
            ));
            return Ok(false);
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
            self.report.broken = Some((r.id, "its hash does not match its fields"));
            return Ok(false);
        }
        self.report.entries += 1;
        self.prev = Some(hash.clone());
        Ok(true)
    }

    /// The report, once the head row (which names the last entry) is compared too: entries
    /// removed from the end leave a head that names none of the remaining ones.
    fn finish(mut self, head: &str) -> ChainReport {
        if self.report.broken.is_none() && head != self.prev.as_deref().unwrap_or(GENESIS) {
            self.report.broken = Some((
                0,
                "the head does not name the last entry (entries removed?)",
            ));
        }
        self.report
    }
}

/// Walks the whole chain in id order (streamed: memory stays flat however long it is) and
/// checks every link and every hash against the key, and that the head names the last entry.
pub async fn verify(pool: &AnyPool) -> StoreResult<ChainReport> {
    let mut walk = Walk::new();
    {
        let mut rows = sqlx::query_as::<_, ChainRow>(
            "SELECT id, staff_id, action, subject, at, ip_address, prev_hash, hash,
                    customer_number, object, request_id
             FROM staff_audit ORDER BY id",
        )
        .fetch(pool);
        while let Some(r) = rows.try_next().await? {
            if !walk.step(&r)? {
                return Ok(walk.report);
            }
        }
    }
    let head: String = sqlx::query_scalar("SELECT last_hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(walk.finish(&head))
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
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
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
pub async fn page<'r>(
    reads: impl Into<crate::infra::reads::Reads<'r>>,
    f: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<(Vec<AuditRow>, bool)> {
    use crate::infra::reads::Arg as Bound;
    let (filter, args) = filtered(f, before);
    let sql = format!(
        "{ROW} WHERE {filter} ORDER BY l.id DESC LIMIT {}",
        limit.clamp(1, 500) + 1
    );
    let bound: Vec<Bound<'_>> = args
        .iter()
        .map(|a| match a {
            Arg::Int(i) => Bound::Int(*i),
            Arg::Text(t) => Bound::Text(t),
        })
        .collect();
    let mut rows: Vec<AuditRow> = reads.into().all(&sql, &bound).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    // A multi-row insert numbers its values in order, ten a row: both writers bind them by
    // position.
    #[test]
    fn an_insert_numbers_its_values_in_order() {
        let sql = insert_sql(2);
        assert!(
            sql.ends_with(
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10), \
                 ($11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
            ),
            "{sql}"
        );
        assert_eq!(insert_sql(500).matches('$').count(), 5000);
    }

    /// A chain of `n` entries as [`record`] writes them (the even ones with a customer and a
    /// request id, the odd ones in the older form without).
    fn chain(n: i64) -> Vec<ChainRow> {
        seal::install(seal::DataKey::from_text("audit chain unit tests"));
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|id| {
                let customer = (id % 2 == 0).then(|| format!("1000{id:02}"));
                let request_id = (id % 2 == 0).then(|| format!("req-{id}"));
                let hash = entry_hash(
                    &prev,
                    &Fields {
                        staff_id: 1,
                        action: "view_customer",
                        subject: "",
                        at: 1_800_000_000 + id,
                        ip: "10.0.0.1",
                        customer: customer.as_deref(),
                        object: None,
                        request_id: request_id.as_deref(),
                    },
                )
                .unwrap();
                let row = ChainRow {
                    id,
                    staff_id: 1,
                    action: "view_customer".into(),
                    subject: String::new(),
                    at: 1_800_000_000 + id,
                    ip_address: "10.0.0.1".into(),
                    prev_hash: Some(prev.clone()),
                    hash: Some(hash.clone()),
                    customer_number: customer,
                    object: None,
                    request_id,
                };
                prev = hash;
                row
            })
            .collect()
    }

    fn walk(rows: &[ChainRow], head: &str) -> ChainReport {
        let mut w = Walk::new();
        for r in rows {
            if !w.step(r).unwrap() {
                return w.report;
            }
        }
        w.finish(head)
    }

    fn head(rows: &[ChainRow]) -> String {
        rows.last().and_then(|r| r.hash.clone()).unwrap()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(6);
        let report = walk(&rows, &head(&rows));
        assert!(report.ok(), "{}", report.describe());
        assert_eq!(report.entries, 6);
        assert_eq!(walk(&[], GENESIS).entries, 0);
    }

    #[test]
    fn a_changed_field_is_found_at_its_entry() {
        let rows = chain(6);
        let changes: [fn(&mut ChainRow); 6] = [
            |r| r.subject = "nothing to see".into(),
            |r| r.staff_id = 2,
            |r| r.at += 1,
            |r| r.customer_number = Some("100099".into()),
            |r| r.request_id = None,
            |r| r.object = Some("contract".into()),
        ];
        for change in changes {
            let mut forged = rows.clone();
            change(&mut forged[3]);
            let report = walk(&forged, &head(&rows));
            assert_eq!(report.broken.map(|b| b.0), Some(4), "{}", report.describe());
        }
    }

    #[test]
    fn a_removed_entry_is_found() {
        let rows = chain(6);
        let mut gap = rows.clone();
        gap.remove(2);
        assert_eq!(walk(&gap, &head(&rows)).broken.map(|b| b.0), Some(4));
        // The last entries removed: every link holds, the head names what is gone.
        let short = &rows[..4];
        assert_eq!(walk(short, &head(&rows)).broken.map(|b| b.0), Some(0));
    }

    #[test]
    fn a_reordered_pair_is_found() {
        let rows = chain(6);
        let mut swapped = rows.clone();
        swapped.swap(2, 3);
        assert_eq!(walk(&swapped, &head(&rows)).broken.map(|b| b.0), Some(4));
    }
}
