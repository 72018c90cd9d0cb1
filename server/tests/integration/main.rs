//! The server's integration tests, one module per feature, in one test binary: every test
//! binary links the whole portal (hundreds of megabytes each), so one binary instead of
//! seventeen keeps the build small and its linking short. Run one feature with
//! `cargo test -p server --test integration messaging::`. The sign-in flood is the one
//! exception (`tests/flood.rs`): the argon2 permits are per process, and its flood would
//! answer the sign-ins of every test running beside it "busy".

mod access;
mod audit_chain;
mod audit_trail;
mod change_requests;
mod cic;
mod contact_details;
mod customer_search;
mod faults;
mod foundation;
mod fuzz;
mod jobs;
mod messaging;
mod registration;
mod security;
mod self_service;
mod shape;
mod staff_admin;
mod suspension;
