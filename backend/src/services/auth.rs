//! Signing in customers: argon2id against the stored hash (a dummy hash for unknown e-mail
//! addresses, so time and answer are the same), every check an attempt of the one throttle
//! (`crate::services::throttle`).

use crate::error::StoreError;
use crate::error::StoreResult;
use crate::infra::seal::{self, Column};
use crate::services::throttle::{self, Denied, Key};
use crate::services::two_factor;
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
    let turn = match throttle::turn().await {
        Ok(turn) => turn,
        Err(denied) => return Ok(Err(denied.or(Refusal::SignInInvalid))),
    };
    let checked = throttle::attempt(pool, now, &Key::SignIn(email.clone()), ip, async {
        let account = accounts::by_email(pool, &email).await?;
        let stored = account
            .as_ref()
            .filter(|a| a.active == 1)
            .map(|a| a.password_hash.clone());
        Ok::<_, StoreError>(
            match throttle::password(turn, password_text, stored).await {
                Ok(()) => account.ok_or(Denied::Wrong),
                Err(denied) => Err(denied),
            },
        )
    })
    .await?;
    match checked {
        // Only once the password is right: the explanation reveals the account.
        Ok(account) if account.suspended_at.is_some() => Ok(Err(Refusal::AccountSuspended)),
        Ok(account) if account.must_reset_password == 1 => Ok(Err(Refusal::MustResetPassword)),
        Ok(account) => Ok(Ok(account)),
        Err(denied) => Ok(Err(denied.or(Refusal::SignInInvalid))),
    }
}

/// Step two of signing in when the second factor is on: an app code or a recovery code,
/// throttled like the password step (per account and client address).
pub async fn second_factor(
    s: &crate::services::Services<'_>,
    account_id: i64,
    code: &str,
    ip: &str,
    lang: domain::Lang,
) -> Result<Result<(), Refusal>, crate::services::ServiceError> {
    let (pool, now) = (s.pool, s.clock.epoch());
    let checked = throttle::attempt(pool, now, &Key::SecondFactor(account_id), ip, async {
        let factor = two_factor::verify_factor(pool, now, account_id, code).await?;
        Ok::<_, StoreError>(factor.ok_or(Denied::Wrong))
    })
    .await?;
    match checked {
        Ok(factor) => {
            if factor == two_factor::Factor::Recovery
                && let Some(account) = accounts::by_id(pool, account_id).await?
            {
                crate::services::security::recovery_code_used(s, &account, lang).await?;
            }
            Ok(Ok(()))
        }
        Err(denied) => Ok(Err(denied.or(Refusal::SecondFactorWrong))),
    }
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
    let turn = match throttle::turn().await {
        Ok(turn) => turn,
        Err(denied) => return Ok(Err(denied.or(Refusal::StaffSignInInvalid))),
    };
    let checked = throttle::attempt(pool, now, &Key::Staff(email.clone()), ip, async {
        let staff = crate::store::staff::login_by_email(pool, &email).await?;
        let stored = staff
            .as_ref()
            .filter(|s| s.active == 1 && s.setup_pending == 0)
            .map(|s| s.password_hash.clone());
        if let Err(denied) = throttle::password(turn, password_text, stored).await {
            return Ok(Err(denied));
        }
        let Some(s) = staff.filter(|s| s.active == 1 && s.setup_pending == 0) else {
            return Ok(Err(Denied::Wrong));
        };
        let at = u64::try_from(now).unwrap_or_default();
        let secret = seal::open(Column::StaffTotp, &s.totp_secret)?;
        let step = crate::infra::totp::check(&secret, code, at, s.totp_last_step);
        Ok::<_, StoreError>(match step {
            Some(step) if crate::store::staff::claim_totp_step(pool, s.id, step).await? => Ok(s.id),
            _ => Err(Denied::Wrong),
        })
    })
    .await?;
    Ok(checked.map_err(|denied| denied.or(Refusal::StaffSignInInvalid)))
}
