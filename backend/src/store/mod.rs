//! Storage: the only modules that run SQL against the portal's tables, one per aggregate.
//! Each table is written by exactly one module here (`server/tests/shape.rs` checks it).
//! Functions take a pool or the caller's connection/transaction and `now` as epoch seconds;
//! they apply no rules beyond the conditional updates that make single use race-free.

pub mod accounts;
pub mod announcements;
pub mod audit;
pub mod codes;
pub mod contracts;
pub mod customers;
pub mod documents;
pub mod email_changes;
pub mod files;
pub mod incidents;
pub mod invoices;
pub mod jobs;
pub mod logins;
pub mod messages;
pub mod mileage;
pub mod outbox;
pub mod recovery_codes;
pub mod requests;
pub mod resets;
pub mod saved_replies;
pub mod sign_ins;
pub mod staff;
