//! Server-side services of the portal. Each module owns one concern:
//!
//! - [`db`]: connecting to SQLite or PostgreSQL and running the migrations of that backend;
//! - [`customers`], [`contracts`], [`invoices`], [`staff`]: storage of one aggregate each,
//!   with portable SQL (`$1` placeholders, integer cents, ISO dates, epoch seconds);
//! - [`import`]: the transactional back-office import; [`demo`] and [`seed`]: data sets;
//! - [`outbox`]: sending SMS and e-mail (files on disk in dev/tests, gateway/SMTP in production);
//! - [`sessions`]: the session store on the same database;
//! - [`mileage`], [`documents`], [`requests`], [`announcements`]: the customer's self-service
//!   data; [`self_service`]: its rules applied to the signed-in customer; [`pdf`]: documents;
//! - [`password`]: argon2id hashing off the async runtime.

pub mod accounts;
pub mod announcements;
pub mod auth;
pub mod clock;
pub mod codes;
pub mod contracts;
pub mod customers;
pub mod db;
pub mod demo;
pub mod documents;
pub mod error;
pub mod import;
pub mod invoices;
pub mod jobs;
pub mod logins;
pub mod mileage;
pub mod outbox;
pub mod password;
pub mod pdf;
pub mod registration;
pub mod requests;
pub mod security;
pub mod seed;
pub mod self_service;
pub mod sessions;
pub mod staff;
pub mod staff_access;
pub mod throttle;
pub mod totp;
pub mod two_factor;

pub use clock::Clock;
pub use db::{Backend, Db};
pub use error::StoreError;
pub use sqlx::AnyPool;
