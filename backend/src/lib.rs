//! The portal's server side, in four layers (see the README's architecture section):
//!
//! - [`store`]: the only modules that run SQL, one per aggregate, each table written by one;
//! - [`services`]: rules applied to the signed-in person, transactions across aggregates;
//! - [`infra`]: clock, database, password hashing, TOTP, sessions, jobs, outbox, PDF;
//! - [`seed`]: the demo data set and the bulk generator for load tests.
//!
//! The pure rules they apply live in the `domain` crate; [`error`] holds the one error type of
//! the storage layer ([`StoreError`]) and of the services ([`error::ServiceError`]).

pub mod error;
pub mod infra;
pub mod seed;
pub mod services;
pub mod store;

pub use error::StoreError;
pub use infra::clock::Clock;
pub use infra::db::{Backend, Db};
pub use sqlx::AnyPool;
