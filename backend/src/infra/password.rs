//! Password and secret hashing with argon2id (m = 19 MiB, t = 2, p = 1), always run on the
//! blocking thread pool, on at most (cores − 1) permits that rest after each hash as long as it
//! took, so a burst of sign-ins never stalls other requests. A check waits at most
//! [`max_wait`] for a permit: past it the answer is [`Busy`] ("try again in a moment") rather
//! than a queue that grows without bound under a flood of sign-ins.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;

/// A password as typed: never serialised, never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task did not finish")]
    Join,
}

fn hasher() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| HashError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a secret to a PHC string with a fresh random salt.
pub fn hash_blocking(secret: &str) -> Result<String, HashError> {
    let hash = hasher()?
        .hash_password(secret.as_bytes())
        .map_err(|e| HashError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Checks a secret against a PHC string; a malformed stored hash counts as a mismatch.
pub fn verify_blocking(secret: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher().is_ok_and(|h| h.verify_password(secret.as_bytes(), &parsed).is_ok())
}

/// At most this many argon2 computations run at once: all cores but one, so that a burst of
/// sign-ins (19 MiB and ~2 × 19 MiB of memory passes each) queues instead of starving every
/// other request of CPU.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(permit_count()))
}

fn permit_count() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    cores.saturating_sub(1).max(1)
}

pub async fn hash(password: &Password) -> Result<String, HashError> {
    let secret = password.0.clone();
    run_hashing(move || hash_blocking(&secret))
        .await
        .ok_or(HashError::Join)?
}

/// Runs one argon2 computation on the blocking pool under a hashing permit. After it, the
/// permit rests as long as the computation took before the next one may use it: under a
/// sustained burst argon2 then takes at most half of (cores − 1) cores, and pages stay fast
/// (the caller gets its answer at once; only the next hash waits).
async fn run_hashing<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let permit = hashing_permits().acquire().await.ok()?;
    run_with(permit, f).await
}

/// A permit of `permits` if one is free within `wait`.
async fn permit_within(
    permits: &'static tokio::sync::Semaphore,
    wait: std::time::Duration,
) -> Result<tokio::sync::SemaphorePermit<'static>, Busy> {
    match tokio::time::timeout(wait, permits.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Busy),
    }
}

async fn run_with<T: Send + 'static>(
    permit: tokio::sync::SemaphorePermit<'static>,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(f).await.ok();
    let spent = started.elapsed();
    record_hash_time(spent);
    tokio::spawn(async move {
        tokio::time::sleep(spent).await;
        drop(permit);
    });
    out
}

/// A check waits for a hashing permit at most as long as this many checks take (each permit
/// hashes, then rests as long): a queue of about this length, whatever the machine's speed
/// (~2 s in a release build here, longer in a debug build). Beyond it, waiting longer helps
/// nobody: the answer is [`Busy`].
pub const MAX_QUEUE: u64 = 20;

/// A moving average of how long one argon2 computation takes, in microseconds.
static HASH_MICROS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(50_000);

fn record_hash_time(spent: std::time::Duration) {
    use std::sync::atomic::Ordering::Relaxed;
    let spent = u64::try_from(spent.as_micros()).unwrap_or(u64::MAX);
    let old = HASH_MICROS.load(Relaxed);
    HASH_MICROS.store((old.saturating_mul(7).saturating_add(spent)) / 8, Relaxed);
}

/// How long a check may wait for its turn now (see [`MAX_QUEUE`]), at least a second.
pub fn max_wait() -> std::time::Duration {
    let permits = u64::try_from(permit_count()).unwrap_or(1);
    let per_check = HASH_MICROS.load(std::sync::atomic::Ordering::Relaxed) * 2;
    std::time::Duration::from_micros(per_check * MAX_QUEUE / permits)
        .max(std::time::Duration::from_secs(1))
}

/// The server is hashing as fast as it may: the secret was not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

/// A turn at checking a password: taken before anything else happens, so that a busy server
/// answers at once and writes nothing.
pub struct Turn(tokio::sync::SemaphorePermit<'static>);

/// Waits at most [`max_wait`] for a turn.
pub async fn turn() -> Result<Turn, Busy> {
    permit_within(hashing_permits(), max_wait()).await.map(Turn)
}

/// Verifies a password in its turn. With `None` (unknown account) it checks against a dummy
/// hash, so the answer takes as long as for a real account and reveals nothing.
pub async fn verify_in(turn: Turn, password: &Password, phc: Option<String>) -> bool {
    let secret = password.0.clone();
    let known = phc.is_some();
    let phc = phc.unwrap_or_else(|| DUMMY_HASH.to_string());
    let ok = run_with(turn.0, move || verify_blocking(&secret, &phc))
        .await
        .unwrap_or(false);
    ok && known
}

/// [`turn`] and [`verify_in`].
pub async fn verify(password: &Password, phc: Option<String>) -> Result<bool, Busy> {
    Ok(verify_in(turn().await?, password, phc).await)
}

/// The hash of a random string nobody knows, with the same parameters as real hashes.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Oey3Uq8ZmcH/EZNYHk7rvRgi0jn5u5Cc0pDySWGZp5w";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_per_salt() {
        let pw = Password::new("correct horse battery staple");
        let a = hash(&pw).await.unwrap();
        let b = hash(&pw).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_ne!(a, b);
        assert_eq!(verify(&pw, Some(a.clone())).await, Ok(true));
        assert_eq!(verify(&Password::new("wrong"), Some(a)).await, Ok(false));
        assert_eq!(verify(&pw, None).await, Ok(false));
        assert_eq!(verify(&pw, Some("garbage".into())).await, Ok(false));
        assert_eq!(format!("{pw:?}"), "Password(<redacted>)");
    }

    // The wait for a permit is bounded: while every permit is taken, the answer is Busy.
    #[tokio::test]
    async fn the_wait_for_a_permit_is_bounded() {
        let permits: &'static tokio::sync::Semaphore =
            Box::leak(Box::new(tokio::sync::Semaphore::new(1)));
        let wait = std::time::Duration::from_millis(50);
        let held = permit_within(permits, wait).await.unwrap();
        assert_eq!(permit_within(permits, wait).await.err(), Some(Busy));
        drop(held);
        assert!(permit_within(permits, wait).await.is_ok());
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
