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
}

pub type StoreResult<T> = Result<T, StoreError>;
