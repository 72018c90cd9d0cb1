//! Services: the portal's rules applied to a signed-in person (or to a visitor who registers,
//! signs in or resets a password), with transactions across aggregates. Server functions call
//! one service function each and map its result to a page.

pub mod audit_trail;
pub mod auth;
pub mod change_requests;
pub mod contact;
pub mod customer_view;
pub mod files;
pub mod housekeeping;
pub mod import;
pub mod messages;
pub mod overview;
pub mod registration;
pub mod saved_replies;
pub mod secrets;
pub mod security;
pub mod self_service;
pub mod staff_access;
pub mod staff_admin;
pub mod throttle;
pub mod two_factor;

use crate::error::StoreError;
use crate::infra::outbox::Outboxes;
use crate::infra::password;
use domain::Branding;
use sqlx::AnyPool;

/// What the steps need.
pub struct Services<'a> {
    /// Writes, transactions and the reads that are not a page's.
    pub pool: &'a AnyPool,
    /// The same database, for a page's reads (`db.reads()`: in the request's thread on SQLite).
    pub db: &'a crate::infra::db::Db,
    pub clock: &'a crate::Clock,
    pub outboxes: &'a Outboxes,
    pub branding: &'a Branding,
    pub base_url: &'a str,
    /// Where uploaded files' bytes are kept.
    pub files: &'a dyn crate::infra::files::FileStore,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hash(#[from] password::HashError),
    #[error(transparent)]
    Files(#[from] crate::infra::files::FileError),
}

/// Commits a write transaction and wakes the outbox worker for the SMS and e-mails queued in
/// it (so a message goes out exactly when its cause is committed).
pub(crate) async fn commit(
    s: &Services<'_>,
    tx: sqlx::Transaction<'static, sqlx::Any>,
) -> Result<(), ServiceError> {
    tx.commit().await.map_err(crate::StoreError::from)?;
    s.outboxes.wake();
    Ok(())
}

impl ServiceError {
    /// The database or the file storage cannot take this right now (down, or its disk full):
    /// "temporarily unavailable, try again" rather than an internal error.
    pub fn is_unavailable(&self) -> bool {
        match self {
            ServiceError::Store(e) => e.is_unavailable(),
            ServiceError::Files(e) => e.is_unavailable(),
            ServiceError::Hash(_) => false,
        }
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Store(StoreError::from(e))
    }
}
