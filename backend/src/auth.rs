//! Signing in customers: argon2id against the stored hash (a dummy hash for unknown e-mail
//! addresses, so time and answer are the same), throttling per e-mail address (after 5
//! failures an increasing wait, at most 100 failures an hour), and a record of every attempt.

use crate::accounts::{self, AccountRow};
use crate::error::StoreError;
use crate::password;

/// After this many failures in an hour, each attempt must wait.
pub const FREE_FAILURES: i64 = 5;
/// At most this many failures an hour.
pub const MAX_FAILURES_PER_HOUR: i64 = 100;

/// Seconds to wait after `failures` failures in the last hour (0 for the first five): 1 s,
/// 2 s, 4 s … capped at 5 minutes.
pub fn wait_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        0
    } else {
        1_i64 << (failures - FREE_FAILURES).min(8)
    }
    .min(300)
}

/// Checks the credentials. `Ok(Err(key))` is the message for the person.
pub async fn sign_in(
    pool: &sqlx::AnyPool,
    now: i64,
    email: &str,
    password_text: &str,
    ip: &str,
) -> Result<Result<AccountRow, &'static str>, StoreError> {
    let email = email.trim().to_lowercase();
    if email.is_empty()
        || password_text.is_empty()
        || email.len() > 254
        || password_text.chars().count() > 128
    {
        return Ok(Err("auth.invalid"));
    }
    let (failures, last) = accounts::recent_failures(pool, now, &email).await?;
    if failures >= MAX_FAILURES_PER_HOUR {
        tracing::warn!("sign-in refused: too many failures for this address");
        return Ok(Err("auth.locked"));
    }
    if let Some(last) = last
        && now - last < wait_after(failures)
    {
        return Ok(Err("auth.wait"));
    }
    let account = accounts::by_email(pool, &email).await?;
    let stored = account
        .as_ref()
        .filter(|a| a.active == 1)
        .map(|a| a.password_hash.clone());
    let ok = password::verify(&password::Password::new(password_text), stored).await;
    accounts::record_sign_in(pool, now, &email, ip, ok).await?;
    tracing::info!(succeeded = ok, "sign-in attempt");
    match (ok, account) {
        (true, Some(account)) if account.must_reset_password == 1 => Ok(Err("auth.must_reset")),
        (true, Some(account)) => Ok(Ok(account)),
        _ => Ok(Err("auth.invalid")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn waits_grow_after_five_failures() {
        assert_eq!(super::wait_after(0), 0);
        assert_eq!(super::wait_after(4), 0);
        assert_eq!(super::wait_after(5), 1);
        assert_eq!(super::wait_after(7), 4);
        assert_eq!(super::wait_after(50), 256);
    }
}
