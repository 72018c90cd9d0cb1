//! Data sets: [`demo`] is the small, hand-written set the README's walkthrough uses (anchored
//! to the month it is seeded in); [`bulk`] generates many customers for load tests and benchmarks.
//! Both write through the import or in one bulk transaction, never through the live services.

pub mod bulk;
pub mod demo;
