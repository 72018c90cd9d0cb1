//! Password and secret hashing with argon2id (m = 19 MiB, t = 2, p = 1), always run on the
//! blocking thread pool, on at most (cores − 1) permits that rest after each hash as long as it
//! took, so a burst of sign-ins never stalls other requests.

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
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
    })
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
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(f).await.ok();
    let spent = started.elapsed();
    tokio::spawn(async move {
        tokio::time::sleep(spent).await;
        drop(permit);
    });
    out
}

/// Verifies a password. With `None` (unknown account) it checks against a dummy hash, so the
/// answer takes as long as for a real account and reveals nothing.
pub async fn verify(password: &Password, phc: Option<String>) -> bool {
    let secret = password.0.clone();
    let known = phc.is_some();
    let phc = phc.unwrap_or_else(|| DUMMY_HASH.to_string());
    let ok = run_hashing(move || verify_blocking(&secret, &phc))
        .await
        .unwrap_or(false);
    ok && known
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
        assert!(verify(&pw, Some(a.clone())).await);
        assert!(!verify(&Password::new("wrong"), Some(a)).await);
        assert!(!verify(&pw, None).await);
        assert!(!verify(&pw, Some("garbage".into())).await);
        assert_eq!(format!("{pw:?}"), "Password(<redacted>)");
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
