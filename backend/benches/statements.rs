//! `cargo bench -p backend --bench statements`: what one SQLite read costs through the
//! portal's database layer, against SQLite called in the same thread (issue 13).
//!
//! sqlx runs each SQLite connection on a thread of its own: a statement is a hand-off from the
//! async task to that thread and its rows come back through a channel (and through the `Any`
//! driver's copy of each row). The page profiles put a large share of a signed-in page's time
//! there; this measures the share directly, on the same machine, so that the choice of a
//! different SQLite driver can be made on numbers. Two statements, each run by 32 concurrent
//! tasks on a 2-thread runtime (like the page bench's 32 connections) and by one task alone:
//! one row by key (the gate's kind of read) and 25 rows of 8 columns (a page of invoices).
//! Printed per statement: the wall time at 32 tasks divided by the statements run (what
//! throughput allows), the wall time of one task alone (latency), and the process's CPU time.
//!
//! The in-thread case keeps 4 connections behind mutexes and runs the statement inside the
//! task, blocking its worker thread for the statement's few microseconds. The held-connection
//! cases keep one of the 4 connections per task for all its statements, so 4 tasks run at a
//! time there and the others wait for a connection; compare their CPU column, not their wall
//! time. Every `expect` here stops the benchmark on a failed read rather than measuring it.

use backend::infra::db::{Db, TypedPool};
use rusqlite::OptionalExtension;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const TASKS: usize = 32;
const PER_TASK: usize = 1_000;
const ALONE: usize = 4_000;
const CONNECTIONS: usize = 4;

const ONE_ROW: &str = "SELECT id, customer_id, name, email FROM bench_people WHERE id = $1";
const PAGE: &str = "SELECT id, customer_id, number, issued, due, amount, status, note
    FROM bench_invoices WHERE customer_id = $1 ORDER BY issued DESC, id DESC LIMIT 25";

type PersonRow = (i64, i64, String, String);
type InvoiceRow = (i64, i64, String, String, String, i64, String, String);

/// The process's CPU time so far in microseconds (user + system, from /proc).
fn cpu_us() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; Linux counts
    // them in ticks of 10 ms (USER_HZ = 100).
    (ticks(11) + ticks(12)) * 10_000
}

#[derive(Clone, Copy)]
enum Way {
    /// The portal's way: the `Any` pool, a connection taken and given back per statement.
    AnyPool,
    /// The `Any` driver on a connection held for all of a task's statements.
    AnyHeld,
    /// sqlx's SQLite driver itself (no `Any` copy of each row), connection held.
    SqliteHeld,
    /// SQLite in the task's own thread (rusqlite, cached prepared statements).
    InThread,
}

impl Way {
    fn name(self) -> &'static str {
        match self {
            Way::AnyPool => "sqlx Any pool, per statement",
            Way::AnyHeld => "sqlx Any, connection held",
            Way::SqliteHeld => "sqlx SQLite, connection held",
            Way::InThread => "SQLite in the task's thread",
        }
    }
}

struct Fixture {
    db: Db,
    local: Vec<Mutex<rusqlite::Connection>>,
}

async fn fixture(path: &std::path::Path) -> Fixture {
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect_with(&url, Some(CONNECTIONS as u32))
        .await
        .expect("database");
    for ddl in [
        "CREATE TABLE bench_people (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,
            name TEXT NOT NULL, email TEXT NOT NULL)",
        "CREATE TABLE bench_invoices (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,
            number TEXT NOT NULL, issued TEXT NOT NULL, due TEXT NOT NULL, amount INTEGER NOT NULL,
            status TEXT NOT NULL, note TEXT NOT NULL)",
        "CREATE INDEX bench_invoices_customer ON bench_invoices (customer_id, issued)",
    ] {
        sqlx::query(ddl).execute(&db.pool).await.expect("table");
    }
    let mut tx = db.pool.begin().await.expect("transaction");
    for id in 1..=1_000_i64 {
        sqlx::query("INSERT INTO bench_people VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(100_000 + id)
            .bind(format!("Customer number {id}"))
            .bind(format!("customer{id}@example.be"))
            .execute(&mut *tx)
            .await
            .expect("person");
        for month in 1..=36_i64 {
            sqlx::query("INSERT INTO bench_invoices (customer_id, number, issued, due, amount, status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(format!("2026{id:04}{month:02}"))
                .bind(format!("{}-{:02}-01", 2023 + (month - 1) / 12, (month - 1) % 12 + 1))
                .bind(format!("{}-{:02}-28", 2023 + (month - 1) / 12, (month - 1) % 12 + 1))
                .bind(45_000 + month * 100)
                .bind(if month > 34 { "open" } else { "paid" })
                .bind("Monthly lease instalment")
                .execute(&mut *tx)
                .await
                .expect("invoice");
        }
    }
    tx.commit().await.expect("commit");
    let local = (0..CONNECTIONS)
        .map(|_| {
            let c = rusqlite::Connection::open(path).expect("rusqlite");
            c.pragma_update(None, "foreign_keys", "ON").expect("pragma");
            Mutex::new(c)
        })
        .collect();
    Fixture { db, local }
}

/// One statement through sqlx on `$ex` (a pool or a held connection of either driver): the
/// number of rows read.
macro_rules! sqlx_read {
    ($ex:expr, $page:expr, $key:expr) => {
        if $page {
            sqlx::query_as::<_, InvoiceRow>(PAGE)
                .bind($key)
                .fetch_all($ex)
                .await
                .expect("read")
                .len()
        } else {
            sqlx::query_as::<_, PersonRow>(ONE_ROW)
                .bind($key)
                .fetch_optional($ex)
                .await
                .expect("read")
                .map_or(0, |_| 1)
        }
    };
}

/// One statement the given way; returns the rows read (so nothing is optimised away).
async fn run(f: &Fixture, way: Way, page: bool, key: i64, held: &mut Held) -> usize {
    match (way, held) {
        (Way::AnyPool, _) => sqlx_read!(&f.db.pool, page, key),
        (Way::AnyHeld, Held::Any(conn)) => sqlx_read!(&mut **conn, page, key),
        (Way::SqliteHeld, Held::Sqlite(conn)) => sqlx_read!(&mut **conn, page, key),
        (Way::AnyHeld | Way::SqliteHeld, _) => unreachable!("held() gives each way its connection"),
        (Way::InThread, _) => {
            let slot = usize::try_from(key).unwrap_or(0) % CONNECTIONS;
            let conn = f.local[slot].lock().expect("connection");
            if page {
                let mut st = conn.prepare_cached(PAGE).expect("prepare");
                let rows = st
                    .query_map([key], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, i64>(5)?,
                            r.get::<_, String>(6)?,
                            r.get::<_, String>(7)?,
                        ))
                    })
                    .expect("query")
                    .collect::<Result<Vec<InvoiceRow>, _>>()
                    .expect("rows");
                rows.len()
            } else {
                let mut st = conn.prepare_cached(ONE_ROW).expect("prepare");
                let row: Option<PersonRow> = st
                    .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .optional()
                    .expect("read");
                row.map_or(0, |_| 1)
            }
        }
    }
}

enum Held {
    None,
    Any(sqlx::pool::PoolConnection<sqlx::Any>),
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

async fn held(f: &Fixture, way: Way) -> Held {
    match way {
        Way::AnyHeld => Held::Any(f.db.pool.acquire().await.expect("connection")),
        Way::SqliteHeld => match &f.db.typed {
            TypedPool::Sqlite(p) => Held::Sqlite(p.acquire().await.expect("connection")),
            TypedPool::Postgres(_) => unreachable!("the bench runs on SQLite"),
        },
        _ => Held::None,
    }
}

/// (µs per statement at 32 tasks, µs of CPU per statement at 32 tasks, µs per statement alone)
async fn measure(f: &Arc<Fixture>, way: Way, page: bool) -> (f64, f64, f64) {
    // Warm the statement caches.
    let mut h = held(f, way).await;
    for key in 1..=50 {
        run(f, way, page, key, &mut h).await;
    }
    drop(h);
    let (cpu0, t0) = (cpu_us(), Instant::now());
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let f = Arc::clone(f);
            tokio::spawn(async move {
                let mut h = held(&f, way).await;
                let mut rows = 0;
                for i in 0..PER_TASK {
                    let key = i64::try_from((t * PER_TASK + i) % 1_000 + 1).unwrap_or(1);
                    rows += run(&f, way, page, key, &mut h).await;
                    // Like a page between its statements: give other tasks a turn.
                    tokio::task::yield_now().await;
                }
                rows
            })
        })
        .collect();
    let mut rows = 0;
    for t in tasks {
        rows += t.await.expect("task");
    }
    assert!(rows > 0);
    let n = (TASKS * PER_TASK) as f64;
    let wall = t0.elapsed().as_secs_f64() * 1e6 / n;
    let cpu = (cpu_us() - cpu0) as f64 / n;
    let mut h = held(f, way).await;
    let t1 = Instant::now();
    for i in 0..ALONE {
        run(
            f,
            way,
            page,
            i64::try_from(i % 1_000 + 1).unwrap_or(1),
            &mut h,
        )
        .await;
    }
    let alone = t1.elapsed().as_secs_f64() * 1e6 / ALONE as f64;
    (wall, cpu, alone)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("folder");
        let f = Arc::new(fixture(&dir.path().join("bench.db")).await);
        println!(
            "| statement | way | µs per statement, 32 tasks | CPU µs per statement, 32 tasks | µs alone |"
        );
        println!("|---|---|---|---|---|");
        for (page, what) in [(false, "one row by key"), (true, "25 rows of 8 columns")] {
            for way in [Way::AnyPool, Way::AnyHeld, Way::SqliteHeld, Way::InThread] {
                let (wall, cpu, alone) = measure(&f, way, page).await;
                println!(
                    "| {what} | {} | {wall:.1} | {cpu:.1} | {alone:.1} |",
                    way.name()
                );
            }
        }
    });
}
