//! The storage layer's error. Its `Display` is for logs only: the layers above map it to a
//! generic, translated message and never show it to a person.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Seal(#[from] crate::infra::seal::SealError),
    /// A read on SQLite's local connections ([`crate::infra::reads`]).
    #[error("database error: {0}")]
    Local(#[from] rusqlite::Error),
    /// A write handed to another task (the audit trail's group commit) that ended without
    /// saying how it went.
    #[error("{0}")]
    Interrupted(&'static str),
    /// The database could not be reached for a write shared with others (the audit trail's
    /// group commit): the others' copy of the first one's unavailable error.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether the database could not be reached or could not take the write right now
    /// (down, restarting, out of connections, its disk full): the person is told "temporarily
    /// unavailable, try again" with a 503 instead of an internal error. Nothing was stored.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => database_unavailable(e),
            StoreError::Local(rusqlite::Error::SqliteFailure(e, _)) => {
                unavailable_code(&e.extended_code.to_string())
            }
            StoreError::Unavailable(_) => true,
            _ => false,
        }
    }
}

/// [`StoreError::is_unavailable`] for an sqlx error.
pub fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d.code().is_some_and(|code| unavailable_code(&code)),
        _ => false,
    }
}

/// PostgreSQL: connection exceptions (class 08), insufficient resources (class 53: disk full,
/// out of memory, too many connections), operator intervention (class 57: shutting down,
/// cannot connect now). SQLite: busy (5), locked (6), I/O error (10), disk full (13),
/// cannot open (14), with or without an extended code. (PostgreSQL's codes have five
/// characters; SQLite's extended codes are numbers of at most four digits.)
fn unavailable_code(code: &str) -> bool {
    if code.len() == 5 {
        return code.starts_with("08") || code.starts_with("53") || code.starts_with("57");
    }
    code.parse::<i64>()
        .is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 10 | 13 | 14))
}

/// Whether an I/O error means the disk (or the quota) is full.
pub fn storage_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    ) || matches!(e.raw_os_error(), Some(28 | 122))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_and_full_disks_are_unavailable_not_internal() {
        for code in [
            "08006", "08001", "53100", "53300", "57P01", "57P03", "5", "13", "261", "14",
        ] {
            assert!(unavailable_code(code), "{code}");
        }
        for code in ["23505", "42P01", "40001", "42501", "19", "2067", "1"] {
            assert!(!unavailable_code(code), "{code}");
        }
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(
            StoreError::Database(sqlx::Error::Io(std::io::Error::from(
                std::io::ErrorKind::ConnectionRefused
            )))
            .is_unavailable()
        );
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_unavailable());
        assert!(!StoreError::Corrupt("x".into()).is_unavailable());
        let sqlite = |code| {
            StoreError::Local(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ))
        };
        assert!(sqlite(5).is_unavailable(), "busy");
        assert!(sqlite(261).is_unavailable(), "busy (recovery)");
        assert!(!sqlite(1).is_unavailable(), "an error in the statement");
        assert!(storage_full(&std::io::Error::from_raw_os_error(28)));
        assert!(storage_full(&std::io::Error::from(
            std::io::ErrorKind::StorageFull
        )));
        assert!(!storage_full(&std::io::Error::from(
            std::io::ErrorKind::NotFound
        )));
    }
}
