//! The one throttle for every check of a secret (`domain::throttle` has the rule). An attempt
//! is claimed before the secret is looked at: in one write transaction, serialised per key,
//! the failures are counted and the attempt is recorded as a failure; only a right secret
//! turns it into a success afterwards. So parallel guesses cannot slip past the count, and a
//! crash between the two steps errs on the safe side.
//!
//! Callers pass the check as a future, which only runs when the attempt may be made:
//! `attempt(pool, now, &Key::Account(id), ip, async { … })`.

use crate::error::StoreError;
use crate::infra::{db, password};
use crate::store::sign_ins;
use domain::refusal::Refusal;
use domain::throttle::{self, Throttled};
use sqlx::AnyPool;
use std::future::Future;

/// What is being guessed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// A customer's password at sign-in, by the address typed (known or not).
    SignIn(String),
    /// A signed-in customer's password (changing it, the e-mail address or the second factor).
    Account(i64),
    /// A customer's second factor at sign-in.
    SecondFactor(i64),
    /// A staff member's password and code, by the address typed.
    Staff(String),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::SignIn(email) => email.trim().to_lowercase(),
            Key::Account(id) => format!("account:{id}"),
            Key::SecondFactor(id) => format!("2fa:{id}"),
            Key::Staff(email) => format!("staff:{}", email.trim().to_lowercase()),
        }
    }
}

/// Why a guarded check did not pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// The secret is wrong.
    Wrong,
    /// Not checked: too many failures.
    Throttled(Throttled),
    /// Not checked: the server is hashing as fast as it may.
    Busy,
}

impl Denied {
    /// The refusal to show, with `wrong` for a wrong secret.
    pub fn or(self, wrong: Refusal) -> Refusal {
        match self {
            Denied::Wrong => wrong,
            Denied::Throttled(t) => Refusal::Throttled(t),
            Denied::Busy => Refusal::Busy,
        }
    }
}

impl From<password::Busy> for Denied {
    fn from(_: password::Busy) -> Self {
        Denied::Busy
    }
}

/// A turn at checking a password, taken before the attempt is claimed: when the server is
/// busy the answer comes at once and nothing is recorded.
pub async fn turn() -> Result<password::Turn, Denied> {
    Ok(password::turn().await?)
}

/// Checks a typed password against a stored hash in its turn (`None`: no such account; a
/// dummy hash is checked so the answer takes as long). For use inside [`attempt`].
pub async fn password(
    turn: password::Turn,
    typed: &str,
    stored: Option<String>,
) -> Result<(), Denied> {
    match password::verify_in(turn, &password::Password::new(typed), stored).await {
        true => Ok(()),
        false => Err(Denied::Wrong),
    }
}

/// Runs `check` as an attempt on `key` from `ip` if the throttle allows it, and records how it
/// went. `check` answers `Ok(Err(Denied::Wrong))` for a wrong secret and
/// `Ok(Err(Denied::Busy))` when it could not check (which does not count).
pub async fn attempt<T, E>(
    pool: &AnyPool,
    now: i64,
    key: &Key,
    ip: &str,
    check: impl Future<Output = Result<Result<T, Denied>, E>>,
) -> Result<Result<T, Denied>, E>
where
    E: From<StoreError>,
{
    let key = key.text();
    let id = match claim(pool, now, &key, ip).await? {
        Ok(id) => id,
        Err(throttled) => {
            tracing::warn!(?throttled, "attempt refused: too many failures");
            return Ok(Err(Denied::Throttled(throttled)));
        }
    };
    let outcome = check.await?;
    match &outcome {
        Ok(_) => sign_ins::succeeded(pool, id).await?,
        Err(Denied::Busy) => sign_ins::forget(pool, id).await?,
        Err(_) => {}
    }
    tracing::info!(succeeded = outcome.is_ok(), "attempt at a secret");
    Ok(outcome)
}

async fn claim(
    pool: &AnyPool,
    now: i64,
    key: &str,
    ip: &str,
) -> Result<Result<i64, Throttled>, StoreError> {
    let mut tx = db::begin_write(pool).await?;
    sign_ins::lock_key(&mut tx, key).await?;
    let failures = sign_ins::failures(&mut tx, now, key, ip).await?;
    if let Err(throttled) = throttle::may_try(failures, now) {
        // Let go of the write lock (and the key's lock) now rather than when the connection
        // is next used.
        tx.rollback().await?;
        return Ok(Err(throttled));
    }
    let id = sign_ins::record_failure(&mut tx, now, key, ip).await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Forgets the failures on the keys of a customer whose password was just reset.
pub async fn clear_after_reset(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    account_id: i64,
) -> Result<(), StoreError> {
    sign_ins::clear(conn, &Key::SignIn(email.into()).text()).await?;
    sign_ins::clear(conn, &Key::Account(account_id).text()).await?;
    Ok(())
}

/// Deletes attempts older than the throttle looks back (a job).
pub async fn prune(pool: &AnyPool, now: i64) -> Result<u64, StoreError> {
    sign_ins::prune(pool, now - throttle::WINDOW_SECONDS).await
}
