//! Signing in customers: argon2id against the stored hash (a dummy hash for unknown e-mail
//! addresses, so time and answer are the same), throttling per e-mail address
//! (`crate::services::throttle`), and a record of every attempt.

use crate::error::StoreError;
use crate::infra::password;
use crate::store::accounts::{self, AccountRow};

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
    if let Err(throttled) = crate::services::throttle::may_try(pool, now, &email).await? {
        tracing::warn!(
            ?throttled,
            "sign-in refused: too many failures for this address"
        );
        return Ok(Err(throttled.key()));
    }
    let account = accounts::by_email(pool, &email).await?;
    let stored = account
        .as_ref()
        .filter(|a| a.active == 1)
        .map(|a| a.password_hash.clone());
    let ok = password::verify(&password::Password::new(password_text), stored).await;
    crate::services::throttle::record(pool, now, &email, ip, ok).await?;
    tracing::info!(succeeded = ok, "sign-in attempt");
    match (ok, account) {
        (true, Some(account)) if account.must_reset_password == 1 => Ok(Err("auth.must_reset")),
        (true, Some(account)) => Ok(Ok(account)),
        _ => Ok(Err("auth.invalid")),
    }
}
