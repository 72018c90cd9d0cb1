//! Infrastructure the services stand on: the [`clock`], the database connection and
//! migrations ([`db`]), the pages' reads on SQLite in the request's thread ([`reads`]),
//! password hashing ([`password`]), TOTP ([`totp`]), the session store ([`sessions`]), the
//! periodic [`jobs`] runner, the [`outbox`] transports and delivery worker, [`pdf`] rendering,
//! and [`seal`]ing secrets at rest.

pub mod clock;
pub mod db;
pub mod files;
pub mod jobs;
pub mod outbox;
pub mod password;
pub mod pdf;
pub mod reads;
pub mod row_decode;
pub mod seal;
pub mod sessions;
pub mod totp;
