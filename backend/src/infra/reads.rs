//! The read path of the signed-in pages (issue 13).
//!
//! sqlx runs each SQLite connection on a thread of its own: every statement is a hand-off from
//! the request's task to that thread, and its rows come back through a channel and through the
//! `Any` driver's copy of each row. `cargo bench -p backend --bench statements` measured a
//! one-row read at 24-31 µs that way against 1-4 µs in the request's own thread, and a page of
//! 25 invoices at about 200 µs against about 50 µs. So on SQLite the pages' reads run here, in
//! the request's thread, on a few read-only connections of their own ([`LocalReads`]); on
//! PostgreSQL (a network round trip either way) and for reads inside a caller's connection or
//! transaction they go through sqlx as before. Writes, transactions and migrations stay on sqlx, but
//! for the audit trail's group commit (`store::audit`), written on SQLite in one blocking hand-off
//! on a connection of its own.
//!
//! A store function that reads for a page takes `impl Into<Reads>`: its callers pass a pool,
//! a connection or a transaction as they did, or [`crate::infra::db::Db::reads`] for the fast
//! path. The SQL is the same portable text either way (`$1`, `$2` bound by number), and a row
//! type derives both `sqlx::FromRow` and `serde::Deserialize` (read by position here, its
//! fields checked against the column names: [`crate::infra::row_decode`]).
//!
//! A local read blocks its worker thread for the statement's few microseconds (the statement
//! cache keeps them prepared). In WAL mode a reader does not wait for the writer; a read that
//! finds the database busy all the same (a checkpoint, a recovery) waits at most the busy
//! timeout and then fails as "temporarily unavailable", like sqlx's.

use crate::error::{StoreError, StoreResult};
use crate::infra::row_decode::{Layout, from_row};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A value bound to a read's `$n`.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Int(i64),
    Text(&'a str),
}

/// A row a read can return: from sqlx by `FromRow`, from a local connection by `Deserialize`.
pub trait ReadRow: for<'r> sqlx::FromRow<'r, AnyRow> + DeserializeOwned + Send + Unpin {}
impl<T> ReadRow for T where T: for<'r> sqlx::FromRow<'r, AnyRow> + DeserializeOwned + Send + Unpin {}

/// Where a read runs.
pub enum Reads<'c> {
    /// SQLite in the calling thread, on a connection the handle holds until it is dropped.
    Local(LocalConn),
    /// The same, lent for one of several reads: those share one read transaction.
    LocalRef(&'c mut LocalConn),
    /// sqlx, a connection taken from the pool for the statement.
    Pool(&'c AnyPool),
    /// sqlx, on the caller's connection or transaction.
    Conn(&'c mut AnyConnection),
    /// sqlx, on a connection held for several reads (PostgreSQL's [`crate::infra::db::Db::reads`]).
    Held(PoolConnection<Any>),
}

impl<'c> From<&'c AnyPool> for Reads<'c> {
    fn from(pool: &'c AnyPool) -> Self {
        Reads::Pool(pool)
    }
}

impl<'c> From<&'c mut AnyConnection> for Reads<'c> {
    fn from(conn: &'c mut AnyConnection) -> Self {
        Reads::Conn(conn)
    }
}

impl<'c> From<&'c mut LocalConn> for Reads<'c> {
    fn from(conn: &'c mut LocalConn) -> Self {
        Reads::LocalRef(conn)
    }
}

/// Several reads through one handle: `store::f(&mut reads, …)`.
impl<'r, 'c> From<&'r mut Reads<'c>> for Reads<'r> {
    fn from(reads: &'r mut Reads<'c>) -> Self {
        match reads {
            Reads::Local(local) => Reads::LocalRef(local),
            Reads::LocalRef(local) => Reads::LocalRef(local),
            Reads::Pool(pool) => Reads::Pool(pool),
            Reads::Conn(conn) => Reads::Conn(conn),
            Reads::Held(conn) => Reads::Conn(conn),
        }
    }
}

/// Binds `args` to an sqlx query in order (`$1` is the first).
macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match *arg {
                Arg::Int(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
            };
        }
        query
    }};
}

impl Reads<'_> {
    /// Whether reads run in the request's thread (SQLite): a further statement costs no round
    /// trip there, so one simpler statement more can beat one costlier statement.
    pub fn is_local(&self) -> bool {
        matches!(self, Reads::Local(_) | Reads::LocalRef(_))
    }

    /// Whether the reads run on SQLite (for what only SQLite has, such as an FTS5 `MATCH`).
    pub fn is_sqlite(&self) -> bool {
        match self {
            Reads::Local(_) | Reads::LocalRef(_) => true,
            Reads::Pool(pool) => pool.connect_options().database_url.scheme() == "sqlite",
            Reads::Conn(conn) => conn.backend_name() == "SQLite",
            Reads::Held(conn) => conn.backend_name() == "SQLite",
        }
    }

    /// Every row of the statement.
    pub async fn all<T: ReadRow>(self, sql: &str, args: &[Arg<'_>]) -> StoreResult<Vec<T>> {
        let query = || bind_all!(sqlx::query_as::<Any, T>(sql), args);
        Ok(match self {
            Reads::Local(mut local) => return local.read(false, sql, args, |_| true),
            Reads::LocalRef(local) => return local.read(true, sql, args, |_| true),
            Reads::Pool(pool) => query().fetch_all(pool).await?,
            Reads::Conn(conn) => query().fetch_all(conn).await?,
            Reads::Held(mut conn) => query().fetch_all(&mut *conn).await?,
        })
    }

    /// The statement's first row, if any.
    pub async fn optional<T: ReadRow>(self, sql: &str, args: &[Arg<'_>]) -> StoreResult<Option<T>> {
        let query = || bind_all!(sqlx::query_as::<Any, T>(sql), args);
        Ok(match self {
            Reads::Local(mut local) => {
                return Ok(local.read(false, sql, args, |rows| rows.is_empty())?.pop());
            }
            Reads::LocalRef(local) => {
                return Ok(local.read(true, sql, args, |rows| rows.is_empty())?.pop());
            }
            Reads::Pool(pool) => query().fetch_optional(pool).await?,
            Reads::Conn(conn) => query().fetch_optional(conn).await?,
            Reads::Held(mut conn) => query().fetch_optional(&mut *conn).await?,
        })
    }

    /// The statement's first row; none is an error (for aggregates, which always have one).
    pub async fn one<T: ReadRow>(self, sql: &str, args: &[Arg<'_>]) -> StoreResult<T> {
        self.optional(sql, args)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }
}

/// SQLite connections of the request threads' own, read-only (`PRAGMA query_only`), lent
/// to one handle ([`LocalConn`]) at a time. A handle is taken for a page's reads and given
/// back when it is dropped; none idle, a further one is opened (and kept if few are idle).
pub struct LocalReads {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    /// How many idle connections are kept.
    keep: usize,
}

impl std::fmt::Debug for LocalReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LocalReads({})", self.path.display())
    }
}

/// Prepared statements kept per connection: the pages run a few dozen different ones.
const STATEMENT_CACHE: usize = 64;

impl LocalReads {
    /// Opens `count` (at least one) read-only connections to the SQLite file at `path`, which
    /// must exist (the sqlx pool creates it and sets WAL mode first), and keeps up to four
    /// times as many idle.
    pub fn open(path: &Path, count: usize) -> StoreResult<LocalReads> {
        let idle = (0..count.max(1))
            .map(|_| Self::connect(path))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(LocalReads {
            path: path.to_path_buf(),
            idle: Mutex::new(idle),
            keep: count.max(1) * 4,
        })
    }

    fn connect(path: &Path) -> StoreResult<rusqlite::Connection> {
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "query_only", true)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    fn idle(&self) -> MutexGuard<'_, Vec<rusqlite::Connection>> {
        // The list is sound whatever a panicking holder was doing with it.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A connection for one handle's reads.
    pub fn take(self: &Arc<Self>) -> StoreResult<LocalConn> {
        let idle = self.idle().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => Self::connect(&self.path)?,
        };
        Ok(LocalConn {
            conn: Some(conn),
            home: Arc::clone(self),
        })
    }

    /// How many connections are idle (tests).
    #[cfg(test)]
    pub(crate) fn idle_count(&self) -> usize {
        self.idle().len()
    }
}

/// One handle's SQLite connection. A read that is one of several through the handle
/// ([`Reads::LocalRef`]) opens a read transaction if none is open, so that the page's reads
/// see one snapshot and take SQLite's shared locks once (each statement on its own took and
/// released them: file-lock system calls and a shared mutex, measured at about a tenth of
/// the contract page's CPU time). The transaction ends when the handle is dropped: callers
/// drop it before they write (as they must on PostgreSQL, where it holds a pooled
/// connection), and a read-only transaction keeps no writer waiting in WAL mode.
pub struct LocalConn {
    conn: Option<rusqlite::Connection>,
    home: Arc<LocalReads>,
}

impl std::fmt::Debug for LocalConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalConn")
    }
}

impl LocalConn {
    /// Runs `sql` with `args` bound by number and reads its rows until `more` says no; in
    /// the handle's read transaction if `share` (opened here if none is open yet).
    fn read<T: DeserializeOwned>(
        &mut self,
        share: bool,
        sql: &str,
        args: &[Arg<'_>],
        more: impl Fn(&[T]) -> bool,
    ) -> StoreResult<Vec<T>> {
        // Always there but while the handle is dropped.
        let conn = self
            .conn
            .as_ref()
            .ok_or(StoreError::Interrupted("read connection given back"))?;
        if share && conn.is_autocommit() {
            conn.prepare_cached("BEGIN")?.execute([])?;
        }
        let mut statement = conn.prepare_cached(sql)?;
        for i in 1..=statement.parameter_count() {
            let arg = statement
                .parameter_name(i)
                .and_then(|name| name.strip_prefix('$'))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| n.checked_sub(1))
                .and_then(|n| args.get(n))
                .ok_or(rusqlite::Error::InvalidParameterCount(i, args.len()))?;
            match *arg {
                Arg::Int(v) => statement.raw_bind_parameter(i, v)?,
                Arg::Text(v) => statement.raw_bind_parameter(i, v)?,
            }
        }
        let layout = Cell::new(Layout::Unknown);
        let mut rows = statement.raw_query();
        let mut out = Vec::new();
        while more(&out) {
            let Some(row) = rows.next()? else { break };
            out.push(from_row::<T>(row, &layout)?);
        }
        Ok(out)
    }
}

impl Drop for LocalConn {
    /// Ends the read transaction (a read-only one: rolling back undoes nothing) and gives the
    /// connection back; one whose transaction would not end is closed instead.
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if !conn.is_autocommit() {
            let ended = conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut s| s.execute([]));
            if ended.is_err() || !conn.is_autocommit() {
                return;
            }
        }
        let mut idle = self.home.idle();
        if idle.len() < self.home.keep {
            idle.push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::db::Db;

    #[derive(Debug, PartialEq, sqlx::FromRow, serde::Deserialize)]
    struct Inner {
        id: i64,
        name: String,
        note: Option<String>,
    }

    #[derive(Debug, PartialEq, sqlx::FromRow, serde::Deserialize)]
    struct Outer {
        #[sqlx(flatten)]
        #[serde(flatten)]
        inner: Inner,
        total: i64,
    }

    async fn fixture() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/portal.db", dir.path().display());
        let db = Db::connect(&url).await.unwrap();
        for sql in [
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT)",
            "INSERT INTO t VALUES (1, 'een', NULL), (2, 'twee', 'x'), (3, 'drie', NULL)",
        ] {
            sqlx::query(sql).execute(&db.pool).await.unwrap();
        }
        (dir, db)
    }

    fn local(db: &Db) -> Reads<'_> {
        match db.reads_local() {
            Some(local) => Reads::Local(local.take().unwrap()),
            None => panic!("an SQLite file database has local reads"),
        }
    }

    // The same statement gives the same rows locally and through sqlx: NULLs, a flattened
    // row with a window count, tuples by position, no row.
    #[tokio::test]
    async fn local_and_sqlx_reads_give_the_same_rows() {
        let (_dir, db) = fixture().await;
        let sql = "SELECT id, name, note, CAST(COUNT(*) OVER () AS BIGINT) AS total FROM t
                   WHERE id >= $1 ORDER BY id";
        let args = [Arg::Int(2)];
        let a: Vec<Outer> = local(&db).all(sql, &args).await.unwrap();
        let b: Vec<Outer> = Reads::from(&db.pool).all(sql, &args).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].inner.note.as_deref(), Some("x"));
        assert_eq!(a[1].inner.note, None);
        assert_eq!(a[1].total, 2);

        let pair = "SELECT name, COUNT(*) FROM t WHERE name = $1 GROUP BY name";
        let a: Option<(String, i64)> = local(&db)
            .optional(pair, &[Arg::Text("een")])
            .await
            .unwrap();
        let b: Option<(String, i64)> = Reads::from(&db.pool)
            .optional(pair, &[Arg::Text("een")])
            .await
            .unwrap();
        assert_eq!(a, Some(("een".to_string(), 1)));
        assert_eq!(a, b);
        let none: Option<(String, i64)> = local(&db)
            .optional(pair, &[Arg::Text("vier")])
            .await
            .unwrap();
        assert_eq!(none, None);
    }

    // `$n` is bound by its number, wherever and however often it appears; a missing value is
    // an error, not a panic.
    #[tokio::test]
    async fn parameters_are_bound_by_number() {
        let (_dir, db) = fixture().await;
        let sql = "SELECT id, name, note FROM t WHERE name = $2 OR (id = $1 AND $2 <> '')";
        let args = [Arg::Int(3), Arg::Text("een")];
        let mut a: Vec<Inner> = local(&db).all(sql, &args).await.unwrap();
        a.sort_by_key(|r| r.id);
        assert_eq!(a.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 3]);
        let b: Vec<Inner> = Reads::from(&db.pool).all(sql, &args).await.unwrap();
        assert_eq!(b.len(), 2);
        let missing = local(&db).all::<Inner>(sql, &args[..1]).await;
        assert!(matches!(missing, Err(StoreError::Local(_))), "{missing:?}");
    }

    // A local read sees what sqlx committed a moment before, and a local connection cannot
    // write.
    #[tokio::test]
    async fn local_reads_see_commits_and_cannot_write() {
        let (_dir, db) = fixture().await;
        sqlx::query("INSERT INTO t VALUES (4, 'vier', NULL)")
            .execute(&db.pool)
            .await
            .unwrap();
        let (n,): (i64,) = local(&db).one("SELECT COUNT(*) FROM t", &[]).await.unwrap();
        assert_eq!(n, 4);
        let write = local(&db)
            .all::<(i64,)>("DELETE FROM t RETURNING id", &[])
            .await;
        assert!(write.is_err());
        let (n,): (i64,) = local(&db).one("SELECT COUNT(*) FROM t", &[]).await.unwrap();
        assert_eq!(n, 4);
    }

    // Several reads through one handle see one snapshot: a row committed in between shows
    // only through a new handle. The handle's transaction ends when it is dropped, so the
    // connection it gives back sees the row too (a read left in an old snapshot would not).
    #[tokio::test]
    async fn reads_through_one_handle_share_a_snapshot_until_it_is_dropped() {
        let (_dir, db) = fixture().await;
        let pool = db.reads_local().unwrap();
        let count = "SELECT COUNT(*) FROM t";
        let mut page = db.reads().await.unwrap();
        let (before,): (i64,) = Reads::from(&mut page).one(count, &[]).await.unwrap();
        sqlx::query("INSERT INTO t VALUES (4, 'vier', NULL)")
            .execute(&db.pool)
            .await
            .unwrap();
        let (same,): (i64,) = Reads::from(&mut page).one(count, &[]).await.unwrap();
        assert_eq!((before, same), (3, 3));
        let (fresh,): (i64,) = local(&db).one(count, &[]).await.unwrap();
        assert_eq!(fresh, 4);
        // The last read through the handle itself is still in its snapshot.
        let (last,): (i64,) = page.one(count, &[]).await.unwrap();
        assert_eq!(last, 3);
        let idle = pool.idle_count();
        for _ in 0..idle {
            let (n,): (i64,) = local(&db).one(count, &[]).await.unwrap();
            assert_eq!(n, 4);
        }
        // A single read opens no transaction; a failed one leaves none open either.
        let mut conn = pool.take().unwrap();
        let _: Vec<(i64,)> = Reads::Local(pool.take().unwrap())
            .all(count, &[])
            .await
            .unwrap();
        assert!(
            Reads::from(&mut conn)
                .all::<(i64,)>("SELECT name FROM t", &[])
                .await
                .is_err()
        );
        drop(conn);
        sqlx::query("INSERT INTO t VALUES (5, 'vijf', NULL)")
            .execute(&db.pool)
            .await
            .unwrap();
        for _ in 0..pool.idle_count() {
            let (n,): (i64,) = local(&db).one(count, &[]).await.unwrap();
            assert_eq!(n, 5);
        }
    }

    // More handles than idle connections open more; given back, a few are kept.
    #[tokio::test]
    async fn handles_beyond_the_idle_connections_open_more() {
        let (_dir, db) = fixture().await;
        let pool = db.reads_local().unwrap();
        let held: Vec<LocalConn> = (0..pool.keep + 3).map(|_| pool.take().unwrap()).collect();
        assert_eq!(pool.idle_count(), 0);
        for mut conn in held {
            let (n,): (i64,) = Reads::from(&mut conn)
                .one("SELECT COUNT(*) FROM t", &[])
                .await
                .unwrap();
            assert_eq!(n, 3);
        }
        assert_eq!(pool.idle_count(), pool.keep);
    }

    // A row of the wrong type is an error, not a panic.
    #[tokio::test]
    async fn a_row_of_the_wrong_type_is_an_error() {
        let (_dir, db) = fixture().await;
        let wrong = local(&db).all::<(i64,)>("SELECT name FROM t", &[]).await;
        assert!(wrong.is_err());
    }
}
