//! One database handle for both backends.
//!
//! Queries are portable SQL, so each storage module is written once. They go through sqlx's
//! `Any` driver, except the signed-in pages' reads on SQLite, which run in the request's own
//! thread on read-only connections ([`crate::infra::reads`], [`Db::reads`]). The
//! backend-specific parts are the migrations (`migrations/sqlite`, `migrations/postgres`), the
//! connection set-up (WAL and foreign keys on SQLite) and the typed pool the session store
//! needs.

use crate::error::{StoreError, StoreResult};
use crate::infra::reads::{LocalReads, Reads};
use sqlx::any::install_default_drivers;
use sqlx::migrate::Migrator;
use sqlx::pool::PoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyPool, Executor, PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(
                "DATABASE_URL must start with sqlite: or postgres://".into(),
            ))
        }
    }
}

/// The main pool's size when none is configured: two connections per core, 4 to 32. Measured
/// on 2 cores at 32 connections (issue 13): 16 PostgreSQL connections gave a p99 about 1.5
/// times that of 4 at the same throughput (the database's processes contend for the cores),
/// 8 SQLite connections (a thread each) about a quarter less throughput than 4. Waiting for a
/// connection in the pool's queue is cheaper and fairer.
pub fn pool_size_for(cores: usize) -> u32 {
    u32::try_from(cores.saturating_mul(2)).map_or(32, |n| n.clamp(4, 32))
}

/// The typed pool of the session store (tower-sessions' stores need a concrete driver).
#[derive(Clone, Debug)]
pub enum TypedPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The application's database: a portable pool for the storage modules and a typed pool
/// for the session store, both on the same database.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub typed: TypedPool,
    pub backend: Backend,
    /// SQLite's read-only connections for the pages' reads (`None` on PostgreSQL).
    local: Option<Arc<LocalReads>>,
    /// Audit entries waiting for the next group commit ([`crate::store::audit::record_alone`]).
    audit_waiting: Arc<crate::store::audit::Waiting>,
    /// SQLite: the connection the audit trail's group commits are written on, in a blocking
    /// thread (`None` on PostgreSQL).
    audit_writer: Option<Arc<std::sync::Mutex<rusqlite::Connection>>>,
}

impl Db {
    /// Connects, creating an SQLite file (and its folder) if needed, and runs the migrations.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        Self::connect_with(url, None).await
    }

    /// [`Db::connect`] with at most `connections` in the main pool (`None`: two per core of
    /// this machine, [`pool_size_for`]).
    pub async fn connect_with(url: &str, connections: Option<u32>) -> StoreResult<Db> {
        let db = Self::connect_without_migrations(url, connections).await?;
        db.migrate().await?;
        Ok(db)
    }

    async fn connect_without_migrations(url: &str, connections: Option<u32>) -> StoreResult<Db> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let connections = connections.unwrap_or_else(|| pool_size_for(cores));
        match backend {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                if let Some(parent) = options.get_filename().parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        StoreError::Config(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
                let file = options.get_filename().to_path_buf();
                // The typed pool opens the file first, so that WAL mode and the file exist
                // before the portable pool connects.
                let typed = pool_options::<sqlx::Sqlite>()
                    .max_connections(4)
                    .connect_with(options)
                    .await?;
                let pool = pool_options::<sqlx::Any>()
                    .max_connections(connections)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?;
                // One read connection per core (at least 2) to begin with: a page's reads
                // hold one while they run in a worker thread; more are opened if needed.
                let local = LocalReads::open(&file, cores.max(2))?;
                let audit_writer = open_writer(&file)?;
                Ok(Db {
                    pool,
                    typed: TypedPool::Sqlite(typed),
                    backend,
                    local: Some(Arc::new(local)),
                    audit_waiting: Arc::default(),
                    audit_writer: Some(Arc::new(std::sync::Mutex::new(audit_writer))),
                })
            }
            Backend::Postgres => {
                let timeout = Duration::from_secs(3);
                let typed = pool_options::<sqlx::Postgres>()
                    .max_connections(4)
                    .acquire_timeout(timeout)
                    .connect(url)
                    .await?;
                let pool = pool_options::<sqlx::Any>()
                    .max_connections(connections)
                    .acquire_timeout(timeout)
                    .connect(url)
                    .await?;
                Ok(Db {
                    pool,
                    typed: TypedPool::Postgres(typed),
                    backend,
                    local: None,
                    audit_waiting: Arc::default(),
                    audit_writer: None,
                })
            }
        }
    }

    /// A handle for a page's reads: in this thread on SQLite; on PostgreSQL one pooled
    /// connection held for all of them (one wait for the pool instead of one per read).
    pub async fn reads(&self) -> StoreResult<Reads<'_>> {
        Ok(match &self.local {
            Some(local) => Reads::Local(local.take()?),
            None => Reads::Held(self.pool.acquire().await?),
        })
    }

    /// SQLite's local read connections, if this database has them (tests of the read path).
    #[cfg(test)]
    pub(crate) fn reads_local(&self) -> Option<&Arc<LocalReads>> {
        self.local.as_ref()
    }

    /// SQLite's connection for the audit trail's group commits.
    pub(crate) fn audit_writer(&self) -> Option<&Arc<std::sync::Mutex<rusqlite::Connection>>> {
        self.audit_writer.as_ref()
    }

    /// Audit entries waiting for the next group commit.
    pub fn audit_waiting(&self) -> &crate::store::audit::Waiting {
        &self.audit_waiting
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.typed {
            TypedPool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            TypedPool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers within two seconds (for `/readyz`, and to tell an outage
    /// from a bug).
    pub async fn ping(&self) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(
            tokio::time::timeout(Duration::from_secs(2), ping).await,
            Ok(Ok(_))
        )
    }

    /// Whether the database holds no customers yet (demo data is only seeded then).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
            .fetch_one(&self.pool)
            .await?;
        Ok(count == 0)
    }
}

/// An SQLite connection for writes outside sqlx (the audit trail's group commit), set up as the
/// pool's are: foreign keys checked, a writer that finds the database locked waits up to 5 s,
/// commits not flushed to disk one by one (`synchronous = NORMAL`, safe in WAL mode).
fn open_writer(path: &std::path::Path) -> StoreResult<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a plain (deferred) transaction that reads and then writes fails at once
/// with "database is locked" when another connection wrote in between, because SQLite cannot
/// move its snapshot forward and does not wait (`busy_timeout` does not apply). With the lock
/// taken first, the other writers wait their turn instead. PostgreSQL needs nothing special.
pub async fn begin_write(
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    let sqlite = pool.connect_options().database_url.scheme() == "sqlite";
    pool.begin_with(if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" })
        .await
}

/// Serialises the write transactions that name the same `key` until they end, for
/// check-then-insert steps (limits, "one open request of a kind"): SQLite's write transaction
/// ([`begin_write`]) already holds the database's write lock; PostgreSQL takes a
/// transaction-scoped advisory lock on the key (released at commit or rollback, and safe behind
/// transaction-pooling proxies, unlike session-level locks).
pub async fn serialise(conn: &mut sqlx::AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS locked")
            .bind(key)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A connection idle this long is checked (a ping) before it is handed out again.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(30);

/// The pools' settings. sqlx pings every connection it hands out by default (and
/// again when it comes back): on SQLite a hand-off to the connection's thread, on PostgreSQL a
/// round trip, for every statement. Under load (issue 13) a connection used a moment ago is
/// known to be alive, so only one idle for [`CHECK_IDLE_AFTER`] is pinged first; a connection
/// that broke in use is closed when it comes back (sqlx's check on release).
fn pool_options<DB: sqlx::Database>() -> PoolOptions<DB> {
    PoolOptions::<DB>::new()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= CHECK_IDLE_AFTER {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    // A transaction that reads and then writes while another connection writes: with a plain
    // BEGIN the transaction's write fails at once ("database is locked"); begin_write makes the
    // other writer wait instead, and both writes land.
    #[tokio::test]
    async fn a_write_transaction_does_not_fail_when_another_connection_writes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/portal.db", dir.path().display());
        let db = Db::connect(&url).await.unwrap();
        sqlx::query("CREATE TABLE t (v INTEGER)")
            .execute(&db.pool)
            .await
            .unwrap();
        let mut tx = begin_write(&db.pool).await.unwrap();
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let pool = db.pool.clone();
        let other = tokio::spawn(async move {
            sqlx::query("INSERT INTO t (v) VALUES (2)")
                .execute(&pool)
                .await
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        sqlx::query("INSERT INTO t (v) VALUES (1)")
            .execute(&mut *tx)
            .await
            .expect("the transaction's own write succeeds");
        tx.commit().await.unwrap();
        other
            .await
            .unwrap()
            .expect("the other writer waited and then wrote");
        let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!((before, after), (0, 2));
    }

    #[tokio::test]
    async fn sqlite_file_is_created_with_wal_and_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sub/portal.db", dir.path().display());
        let db = Db::connect(&url).await.unwrap();
        assert!(db.ping().await);
        assert!(db.is_empty().await.unwrap());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        // Running the migrations again is a no-op.
        db.migrate().await.unwrap();
    }

    #[test]
    fn the_default_pool_has_two_connections_per_core_from_4_to_32() {
        assert_eq!(pool_size_for(1), 4);
        assert_eq!(pool_size_for(2), 4);
        assert_eq!(pool_size_for(3), 6);
        assert_eq!(pool_size_for(8), 16);
        assert_eq!(pool_size_for(64), 32);
        assert_eq!(pool_size_for(usize::MAX), 32);
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(Backend::from_url("mysql://x").is_err());
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://localhost/x").unwrap(),
            Backend::Postgres
        );
    }
}
