//! Infrastructure the services stand on: the [`clock`], the database connection and
//! migrations ([`db`]), password hashing ([`password`]), TOTP ([`totp`]), the session store
//! ([`sessions`]), the periodic [`jobs`] runner, the [`outbox`] transports and delivery worker,
//! and [`pdf`] rendering.

pub mod clock;
pub mod db;
pub mod jobs;
pub mod outbox;
pub mod password;
pub mod pdf;
pub mod sessions;
pub mod totp;
