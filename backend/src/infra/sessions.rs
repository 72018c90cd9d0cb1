//! The session store: tower-sessions' SQLite or PostgreSQL store on the portal's own database,
//! behind one type so the router does not care which backend runs.
//!
//! - PostgreSQL: every request reads the session from the database, so several server
//!   instances sharing one PostgreSQL share their sessions (a sign-out on one ends the session
//!   on all of them at once).
//! - SQLite: one database file is served by one server process, so the sessions it wrote are
//!   also kept in memory (tower-sessions' caching store over a bounded moka cache): a request
//!   reads its session without a database statement. Every write still goes to the database
//!   first, so a restart loses no session; a cache entry ends with its session's expiry.

use crate::infra::db::{Db, TypedPool};
use async_trait::async_trait;
use tower_sessions::CachingSessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_moka_store::MokaStore;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Sessions kept in memory on SQLite (each a few hundred bytes); beyond this the least used
/// are read from the database again.
const CACHED_SESSIONS: u64 = 20_000;

#[derive(Clone, Debug)]
pub enum PortalSessionStore {
    Sqlite {
        cached: CachingSessionStore<MokaStore, SqliteStore>,
        /// The database underneath (the purge of expired sessions).
        db: SqliteStore,
    },
    Postgres(PostgresStore),
}

impl PortalSessionStore {
    /// Creates the store and its table if missing.
    pub async fn new(db: &Db) -> Result<Self, sqlx::Error> {
        match &db.typed {
            TypedPool::Sqlite(pool) => {
                let store = SqliteStore::new(pool.clone());
                store.migrate().await?;
                Ok(Self::Sqlite {
                    cached: CachingSessionStore::new(
                        MokaStore::new(Some(CACHED_SESSIONS)),
                        store.clone(),
                    ),
                    db: store,
                })
            }
            TypedPool::Postgres(pool) => {
                let store = PostgresStore::new(pool.clone());
                store.migrate().await?;
                Ok(Self::Postgres(store))
            }
        }
    }
}

#[async_trait]
impl SessionStore for PortalSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite { cached, .. } => cached.create(record).await,
            Self::Postgres(s) => s.create(record).await,
        }
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite { cached, .. } => cached.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite { cached, .. } => cached.load(id).await,
            Self::Postgres(s) => s.load(id).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite { cached, .. } => cached.delete(id).await,
            Self::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for PortalSessionStore {
    /// Deletes expired sessions from the database (the cache drops each at its expiry).
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite { db, .. } => db.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
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

    // On SQLite the sessions are also kept in memory: every write must still reach the
    // database (a restarted server, a new store, finds them), a deletion and an expiry must
    // hold in memory too.
    #[tokio::test]
    async fn the_sqlite_session_cache_writes_through_and_forgets_ended_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/portal.db", dir.path().display());
        let db = Db::connect(&url).await.unwrap();
        let store = PortalSessionStore::new(&db).await.unwrap();
        let later = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 100);

        let mut kept = record(later);
        store.create(&mut kept).await.unwrap();
        let restarted = PortalSessionStore::new(&db).await.unwrap();
        assert_eq!(restarted.load(&kept.id).await.unwrap(), Some(kept.clone()));

        kept.data.insert("flash".into(), serde_json::json!("saved"));
        store.save(&kept).await.unwrap();
        let restarted = PortalSessionStore::new(&db).await.unwrap();
        assert_eq!(restarted.load(&kept.id).await.unwrap(), Some(kept.clone()));

        store.delete(&kept.id).await.unwrap();
        assert_eq!(store.load(&kept.id).await.unwrap(), None);
        let restarted = PortalSessionStore::new(&db).await.unwrap();
        assert_eq!(restarted.load(&kept.id).await.unwrap(), None);

        let mut expired = record(later);
        store.create(&mut expired).await.unwrap();
        expired.expiry_date = time::OffsetDateTime::UNIX_EPOCH;
        store.save(&expired).await.unwrap();
        assert_eq!(store.load(&expired.id).await.unwrap(), None);
    }
}
