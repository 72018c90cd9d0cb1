//! Signing in customers: argon2id against the stored hash (a dummy hash for unknown e-mail
//! addresses, so time and answer are the same), throttling per e-mail address
//! (`crate::services::throttle`), and a record of every attempt.

use crate::error::StoreError;
use crate::error::StoreResult;
use crate::infra::password;
use crate::services::{throttle, two_factor};
use crate::store::accounts::{self, AccountRow};
use domain::refusal::Refusal;
use sqlx::AnyPool;

/// Checks the credentials. `Ok(Err(key))` is the message for the person.
pub async fn sign_in(
    pool: &sqlx::AnyPool,
    now: i64,
    email: &str,
    password_text: &str,
    ip: &str,
) -> Result<Result<AccountRow, Refusal>, StoreError> {
    let email = email.trim().to_lowercase();
    if email.is_empty()
        || password_text.is_empty()
        || email.len() > 254
        || password_text.chars().count() > 128
    {
        return Ok(Err(Refusal::SignInInvalid));
    }
    if let Err(throttled) = crate::services::throttle::may_try(pool, now, &email).await? {
        tracing::warn!(
            ?throttled,
            "sign-in refused: too many failures for this address"
        );
        return Ok(Err(throttled.into()));
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
        (true, Some(account)) if account.must_reset_password == 1 => {
            Ok(Err(Refusal::MustResetPassword))
        }
        (true, Some(account)) => Ok(Ok(account)),
        _ => Ok(Err(Refusal::SignInInvalid)),
    }
}

/// Step two of signing in when the second factor is on: an app code or a recovery code,
/// throttled like the password step (per account).
pub async fn second_factor(
    s: &crate::services::Services<'_>,
    account_id: i64,
    code: &str,
    ip: &str,
    lang: domain::Lang,
) -> Result<Result<(), Refusal>, crate::services::ServiceError> {
    let (pool, now) = (s.pool, s.clock.epoch());
    let key = format!("2fa:{account_id}");
    let throttled = throttle::may_try(pool, now, &key).await?.err();
    let factor = match throttled {
        None => two_factor::verify_factor(pool, now, account_id, code).await?,
        Some(_) => None,
    };
    let ok = factor.is_some();
    throttle::record(pool, now, &key, ip, ok).await?;
    if factor == Some(two_factor::Factor::Recovery)
        && let Some(account) = accounts::by_id(pool, account_id).await?
    {
        crate::services::security::recovery_code_used(s, &account, lang).await?;
    }
    Ok(match throttled {
        _ if ok => Ok(()),
        Some(domain::throttle::Throttled::Wait) => {
            Err(Refusal::Throttled(domain::throttle::Throttled::Wait))
        }
        _ => Err(Refusal::SecondFactorWrong),
    })
}

/// Signs a staff member in: password and TOTP code together (one answer for any mistake),
/// throttled per address like customers.
pub async fn staff_sign_in(
    pool: &AnyPool,
    now: i64,
    email: &str,
    password_text: &str,
    code: &str,
    ip: &str,
) -> StoreResult<Result<i64, Refusal>> {
    let email = email.trim().to_lowercase();
    let throttle_key = format!("staff:{email}");
    if let Err(throttled) = throttle::may_try(pool, now, &throttle_key).await? {
        return Ok(Err(throttled.into()));
    }
    let staff = crate::store::staff::login_by_email(pool, &email).await?;
    let stored = staff
        .as_ref()
        .filter(|s| s.active == 1)
        .map(|s| s.password_hash.clone());
    let password_ok = password::verify(&password::Password::new(password_text), stored).await;
    let step = match (&staff, password_ok) {
        (Some(s), true) => {
            let at = u64::try_from(now).unwrap_or_default();
            crate::infra::totp::check(&s.totp_secret, code, at, s.totp_last_step)
        }
        _ => None,
    };
    throttle::record(pool, now, &throttle_key, ip, step.is_some()).await?;
    tracing::info!(succeeded = step.is_some(), "staff sign-in attempt");
    match (staff, step) {
        (Some(s), Some(step)) if crate::store::staff::claim_totp_step(pool, s.id, step).await? => {
            Ok(Ok(s.id))
        }
        _ => Ok(Err(Refusal::StaffSignInInvalid)),
    }
}
