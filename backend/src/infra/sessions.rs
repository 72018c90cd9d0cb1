//! The session store: tower-sessions' SQLite or PostgreSQL store on the portal's own database,
//! with the sessions also kept in memory, so that a request reads its session without a
//! database statement.
//!
//! Every write (a new session, a changed one, a sign-out) goes to the database first and then
//! drops the session from memory, so a restart loses no session; the next request reads it
//! from the database again. A session in memory is only used before its expiry.
//!
//! - SQLite: one database file is served by one server process, so what this process holds
//!   in memory is always current.
//! - PostgreSQL: several server instances may share the database, and one instance's write
//!   must reach the others' memory. A trigger (migration `0021_session_changes.sql`) announces
//!   every changed or ended session with `NOTIFY portal_session_changed`; each instance
//!   listens on a connection of its own and forgets the announced session. The memory is only
//!   used while that connection listens: before it is up, and from the moment it is lost
//!   until it listens again, every request reads its session from the database (and the
//!   memory is emptied, as announcements may have been missed). A connection lost without a
//!   word (a firewall, a network fault) is found by asking it to answer after 5 quiet
//!   seconds; it has 3 seconds to do so. The announcement arrives
//!   within a fraction of a millisecond on a local network; a request on another instance in
//!   that window still sees the session as it was. What decides access does not hang on that
//!   window for customers (their login row is read from the database on every request, see
//!   `accounts::with_login`); a staff member's sign-out reaches the other instances with the
//!   announcement.
//!
//! A session read from the database while an announcement for any session arrives is not
//! kept (a generation counter tells), so a stale read can never outlive an announcement.
//!
//! A browser sees its own writes at once on every instance, without waiting for the
//! announcement: each write leaves a new version token in the session ([`VERSION_KEY`]),
//! which the server also hands to the browser in a cookie of its own; a request whose cookie
//! names another version than the kept session's reads it from the database
//! ([`EXPECTED_VERSION`]). Behind a load balancer that sends the redirect after a form to
//! another instance, the message of that form ("reading saved") is therefore never missed.
//! The token is no secret: a forged one only makes that browser's requests read the database.

use crate::infra::clock::Clock;
use crate::infra::db::{Db, TypedPool};
use async_trait::async_trait;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Sessions kept in memory (each a few hundred bytes); beyond this the least used are read
/// from the database again.
const KEPT_SESSIONS: u64 = 20_000;
/// However current the memory, a session is read from the database again after this long (a
/// backstop; announcements and expiry normally end it sooner).
const KEPT_AT_MOST: Duration = Duration::from_secs(300);
/// The PostgreSQL channel the session table's trigger announces changes on.
pub const CHANGES_CHANNEL: &str = "portal_session_changed";
/// The key in a session's data under which each write leaves a new version token.
pub const VERSION_KEY: &str = "_v";

tokio::task_local! {
    /// The session version the browser last saw written (its version cookie), for the
    /// request being served; a kept session of another version is read from the database.
    pub static EXPECTED_VERSION: Option<String>;
}

/// A new version token for a session write.
pub fn new_version() -> String {
    hex::encode(rand::random::<[u8; 12]>())
}

/// The wait before listening again after the listening connection was lost.
const RELISTEN_AFTER: Duration = Duration::from_secs(1);
/// After this long without an announcement the listening connection is asked to answer: a
/// connection that a firewall or a network fault dropped without a word would otherwise
/// look like a quiet one for as long as the operating system keeps it (many minutes).
const QUIET_CHECK_AFTER: Duration = Duration::from_secs(5);
/// The time the listening connection has to answer that check before it is given up.
const QUIET_CHECK_ANSWER_WITHIN: Duration = Duration::from_secs(3);

#[derive(Clone, Debug)]
enum DbStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

#[derive(Clone, Debug)]
pub struct PortalSessionStore {
    db: DbStore,
    memory: Arc<Memory>,
    /// "Now" for a kept session's expiry (the system clock in production, on which
    /// tower-sessions stamps it; under a test clock the portal's own idle and absolute limits,
    /// on that clock, still decide, and the database store stays the authority).
    clock: Clock,
}

impl PortalSessionStore {
    /// Creates the store and its table if missing; on PostgreSQL it starts listening for
    /// other instances' session changes (on a connection of its own, outside the pool).
    pub async fn new(db: &Db, clock: Clock) -> Result<Self, sqlx::Error> {
        let memory = Arc::new(Memory::new());
        let db = match &db.typed {
            TypedPool::Sqlite(pool) => {
                let store = SqliteStore::new(pool.clone());
                store.migrate().await?;
                memory.trust(true);
                DbStore::Sqlite(store)
            }
            TypedPool::Postgres(pool) => {
                let store = PostgresStore::new(pool.clone());
                store.migrate().await?;
                tokio::spawn(listen(pool.clone(), Arc::downgrade(&memory)));
                DbStore::Postgres(store)
            }
        };
        Ok(Self { db, memory, clock })
    }

    /// Whether sessions are served from memory now (on PostgreSQL: while the announcements
    /// of other instances' changes are heard).
    pub fn uses_memory(&self) -> bool {
        self.memory.trusted()
    }
}

#[async_trait]
impl SessionStore for PortalSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let done = match &self.db {
            DbStore::Sqlite(s) => s.create(record).await,
            DbStore::Postgres(s) => s.create(record).await,
        };
        self.memory.forget(&record.id);
        done
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let done = match &self.db {
            DbStore::Sqlite(s) => s.save(record).await,
            DbStore::Postgres(s) => s.save(record).await,
        };
        self.memory.forget(&record.id);
        done
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = self.clock.now();
        let expected = EXPECTED_VERSION.try_with(Clone::clone).ok().flatten();
        if let Some(kept) = self.memory.get(id, now, expected.as_deref()) {
            return Ok(Some(kept));
        }
        let generation = self.memory.generation();
        let found = match &self.db {
            DbStore::Sqlite(s) => s.load(id).await?,
            DbStore::Postgres(s) => s.load(id).await?,
        };
        if let Some(record) = &found {
            self.memory.keep(generation, record);
        }
        Ok(found)
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let done = match &self.db {
            DbStore::Sqlite(s) => s.delete(id).await,
            DbStore::Postgres(s) => s.delete(id).await,
        };
        self.memory.forget(id);
        done
    }
}

#[async_trait]
impl ExpiredDeletion for PortalSessionStore {
    /// Deletes expired sessions from the database (memory never serves an expired one).
    async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.db {
            DbStore::Sqlite(s) => s.delete_expired().await,
            DbStore::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// The sessions kept in memory.
struct Memory {
    sessions: moka::sync::Cache<Id, Record>,
    /// Counts every forgetting; a database read that saw it change while it ran is not kept.
    generation: AtomicU64,
    /// Whether the memory may be used (always on SQLite; on PostgreSQL while listening).
    trusted: AtomicBool,
}

/// Says how many sessions are kept, never what they hold.
impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("sessions", &self.sessions.entry_count())
            .field("trusted", &self.trusted())
            .finish()
    }
}

impl Memory {
    fn new() -> Self {
        Self {
            sessions: moka::sync::Cache::builder()
                .max_capacity(KEPT_SESSIONS)
                .time_to_live(KEPT_AT_MOST)
                .build(),
            generation: AtomicU64::new(0),
            trusted: AtomicBool::new(false),
        }
    }

    fn trusted(&self) -> bool {
        self.trusted.load(Ordering::SeqCst)
    }

    fn trust(&self, trusted: bool) {
        self.trusted.store(trusted, Ordering::SeqCst);
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The kept session, if the memory may be used, the session has not expired at `now`
    /// and it is of the `expected` version (when the browser names one).
    fn get(&self, id: &Id, now: time::OffsetDateTime, expected: Option<&str>) -> Option<Record> {
        if !self.trusted() {
            return None;
        }
        self.sessions.get(id).filter(|r| {
            r.expiry_date > now
                && expected
                    .is_none_or(|v| r.data.get(VERSION_KEY).and_then(|k| k.as_str()) == Some(v))
        })
    }

    /// Keeps a session read from the database when the generation was `read_at`, unless
    /// something was forgotten since (the read may predate that change).
    fn keep(&self, read_at: u64, record: &Record) {
        if !self.trusted() {
            return;
        }
        self.sessions.insert(record.id, record.clone());
        if self.generation() != read_at || !self.trusted() {
            self.sessions.invalidate(&record.id);
        }
    }

    fn forget(&self, id: &Id) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.sessions.invalidate(id);
    }

    fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.sessions.invalidate_all();
    }
}

/// Listens for other instances' session changes until the portal's pool closes (or the store
/// is gone), listening again after a lost connection.
async fn listen(pool: PgPool, memory: Weak<Memory>) {
    let mut closed = pool.close_event();
    // Since when the changes are not heard: a loss is logged once, not at every attempt to
    // listen again (once a second for as long as PostgreSQL is away), and so is its end.
    let mut deaf_since: Option<std::time::Instant> = None;
    loop {
        // A pool of one connection of its own, new for each attempt: the listener holds its
        // connection for good, which must not take one of the requests' connections, and a
        // connection given up as silent must not be handed to the next attempt.
        let own = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with((*pool.connect_options()).clone());
        let heard = closed.do_until(hear(&own, &memory, &mut deaf_since)).await;
        let Some(kept) = memory.upgrade() else { break };
        kept.trust(false);
        kept.forget_all();
        match heard {
            // The portal's pool closed: the server stops.
            Err(_) | Ok(Ok(())) => {
                own.close().await;
                break;
            }
            Ok(Err(e)) if deaf_since.is_none() => {
                deaf_since = Some(std::time::Instant::now());
                tracing::warn!(error = %e, "not hearing session changes: sessions are read from the database until listening again");
            }
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "still not hearing session changes");
            }
        }
        if closed
            .do_until(tokio::time::sleep(RELISTEN_AFTER))
            .await
            .is_err()
        {
            break;
        }
    }
}

/// Listens and forgets each announced session; returns `Ok` when the store is gone, an error
/// when the connection fails, is lost or stops answering.
async fn hear(
    own: &PgPool,
    memory: &Weak<Memory>,
    deaf_since: &mut Option<std::time::Instant>,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(own).await?;
    listener.eager_reconnect(false);
    listener.listen(CHANGES_CHANNEL).await?;
    {
        let Some(kept) = memory.upgrade() else {
            return Ok(());
        };
        // What changed before listening was not heard.
        kept.forget_all();
        kept.trust(true);
        if let Some(since) = deaf_since.take() {
            tracing::info!(
                after_secs = since.elapsed().as_secs(),
                "hearing session changes again: sessions are served from memory"
            );
        }
    }
    loop {
        // Waiting for a notification can be given up without losing one (sqlx reads a
        // message only once it has arrived whole).
        let notice = match tokio::time::timeout(QUIET_CHECK_AFTER, listener.try_recv()).await {
            Ok(notice) => notice?,
            Err(_quiet) => {
                answers(&mut listener).await?;
                continue;
            }
        };
        let Some(notice) = notice else {
            return Err(sqlx::Error::Protocol(
                "the listening connection was lost".into(),
            ));
        };
        let Some(kept) = memory.upgrade() else {
            return Ok(());
        };
        match notice.payload().parse::<Id>() {
            Ok(id) => kept.forget(&id),
            Err(_) => kept.forget_all(),
        }
    }
}

/// Whether the listening connection answers in time (a ping: the protocol's simplest call and
/// response, no statement; announcements that arrive meanwhile are kept by the listener for
/// the next wait).
async fn answers(listener: &mut PgListener) -> Result<(), sqlx::Error> {
    use sqlx::{Acquire, Connection};
    let ping = async {
        let connection = listener.acquire().await?;
        connection.ping().await
    };
    match tokio::time::timeout(QUIET_CHECK_ANSWER_WITHIN, ping).await {
        Ok(answered) => answered,
        Err(_) => Err(sqlx::Error::Protocol(
            "the listening connection did not answer".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn record(expiry: time::OffsetDateTime) -> Record {
        Record {
            id: Id::default(),
            data: HashMap::from([("account_id".to_string(), serde_json::json!(7))]),
            expiry_date: expiry,
        }
    }

    fn later() -> time::OffsetDateTime {
        time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 100)
    }

    fn now() -> time::OffsetDateTime {
        time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 50)
    }

    #[test]
    fn memory_serves_a_kept_session_until_it_is_forgotten_or_expires() {
        let memory = Memory::new();
        memory.trust(true);
        let r = record(later());
        memory.keep(memory.generation(), &r);
        assert_eq!(memory.get(&r.id, now(), None), Some(r.clone()));
        assert_eq!(memory.get(&r.id, later(), None), None, "expired");
        memory.forget(&r.id);
        assert_eq!(memory.get(&r.id, now(), None), None);
        let other = record(later());
        memory.keep(memory.generation(), &r);
        memory.keep(memory.generation(), &other);
        memory.forget_all();
        assert_eq!(memory.get(&r.id, now(), None), None);
        assert_eq!(memory.get(&other.id, now(), None), None);
    }

    // A read from the database that an announcement overtook may hold the old session: it
    // must not be kept.
    #[test]
    fn a_read_overtaken_by_a_change_is_not_kept() {
        let memory = Memory::new();
        memory.trust(true);
        let r = record(later());
        let read_at = memory.generation();
        memory.forget(&r.id);
        memory.keep(read_at, &r);
        assert_eq!(memory.get(&r.id, now(), None), None);
        let read_at = memory.generation();
        memory.forget_all();
        memory.keep(read_at, &r);
        assert_eq!(memory.get(&r.id, now(), None), None);
    }

    // Another instance wrote the session (a form's message for the next page) and the
    // browser names that write's version: a kept copy of another version, or of none, is
    // not served, whether or not the announcement has arrived yet.
    #[test]
    fn a_kept_session_of_another_version_than_the_browser_saw_is_not_served() {
        let memory = Memory::new();
        memory.trust(true);
        let mut r = record(later());
        memory.keep(memory.generation(), &r);
        assert_eq!(
            memory.get(&r.id, now(), Some("v2")),
            None,
            "kept without a version"
        );
        assert_eq!(
            memory.get(&r.id, now(), None),
            Some(r.clone()),
            "no version named"
        );
        r.data.insert(VERSION_KEY.into(), serde_json::json!("v1"));
        memory.keep(memory.generation(), &r);
        assert_eq!(
            memory.get(&r.id, now(), Some("v2")),
            None,
            "an older version"
        );
        assert_eq!(memory.get(&r.id, now(), Some("v1")), Some(r.clone()));
    }

    // Not listening (PostgreSQL before the listener is up, or after it lost its
    // connection): the memory neither serves nor keeps.
    #[test]
    fn an_untrusted_memory_neither_serves_nor_keeps() {
        let memory = Memory::new();
        let r = record(later());
        let served = |m: &Memory| m.get(&r.id, now(), None);
        memory.keep(memory.generation(), &r);
        memory.trust(true);
        assert_eq!(served(&memory), None, "not kept while untrusted");
        memory.keep(memory.generation(), &r);
        memory.trust(false);
        assert_eq!(served(&memory), None, "not served while untrusted");
    }

    // Every write must still reach the database (a restarted server, a new store, finds
    // them), a deletion and an expiry must hold in memory too.
    #[tokio::test]
    async fn the_sqlite_store_writes_through_and_forgets_ended_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/portal.db", dir.path().display());
        let db = Db::connect(&url).await.unwrap();
        let store = PortalSessionStore::new(&db, Clock::system()).await.unwrap();
        assert!(store.uses_memory());

        let mut kept = record(later());
        store.create(&mut kept).await.unwrap();
        assert_eq!(store.load(&kept.id).await.unwrap(), Some(kept.clone()));
        let restarted = PortalSessionStore::new(&db, Clock::system()).await.unwrap();
        assert_eq!(restarted.load(&kept.id).await.unwrap(), Some(kept.clone()));

        kept.data.insert("flash".into(), serde_json::json!("saved"));
        store.save(&kept).await.unwrap();
        assert_eq!(store.load(&kept.id).await.unwrap(), Some(kept.clone()));
        let restarted = PortalSessionStore::new(&db, Clock::system()).await.unwrap();
        assert_eq!(restarted.load(&kept.id).await.unwrap(), Some(kept.clone()));

        store.delete(&kept.id).await.unwrap();
        assert_eq!(store.load(&kept.id).await.unwrap(), None);
        let restarted = PortalSessionStore::new(&db, Clock::system()).await.unwrap();
        assert_eq!(restarted.load(&kept.id).await.unwrap(), None);

        let mut expired = record(later());
        store.create(&mut expired).await.unwrap();
        assert!(store.load(&expired.id).await.unwrap().is_some());
        expired.expiry_date = time::OffsetDateTime::UNIX_EPOCH;
        store.save(&expired).await.unwrap();
        assert_eq!(store.load(&expired.id).await.unwrap(), None);
    }
}
