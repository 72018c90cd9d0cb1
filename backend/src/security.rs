//! Account security services: changing the password, the password-reset link, and "someone
//! else may know my password". Every change that matters ends other sessions and tells the
//! customer by e-mail.

use crate::accounts::{self, AccountRow};
use crate::logins;
use crate::outbox::Mail;
use crate::password;
use crate::registration::{ServiceError, Services};
use domain::values::Email;
use domain::{Lang, i18n::tf, password_policy};
use sha2::{Digest, Sha256};

/// A reset link is valid this long.
pub const RESET_VALID_SECONDS: i64 = 30 * 60;

pub type Outcome = Result<Result<(), &'static str>, ServiceError>;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

async fn notify(
    s: &Services<'_>,
    to: &str,
    subject_key: &str,
    body_key: &str,
    args: &[(&str, &str)],
    lang: Lang,
) {
    let Ok(to) = Email::parse(to) else { return };
    let mut all: Vec<(&str, &str)> = vec![
        ("company", &s.branding.company_name),
        ("phone", &s.branding.contact_phone),
    ];
    all.extend_from_slice(args);
    let mail = Mail {
        to,
        subject: tf(lang, subject_key, &all),
        body: tf(lang, body_key, &all),
    };
    // Queued right after the change it reports (the change itself is already committed).
    match s.pool.acquire().await {
        Ok(mut conn) => {
            match crate::outbox::queue::enqueue_mail(&mut conn, s.clock.epoch(), &mail).await {
                Ok(_) => s.outboxes.wake(),
                Err(e) => tracing::error!(error = %e, "queueing a security e-mail failed"),
            }
        }
        Err(e) => tracing::error!(error = %e, "queueing a security e-mail failed"),
    }
}

/// Whether `text` is the account's current password.
pub async fn password_ok(account: &AccountRow, text: &str) -> bool {
    password::verify(
        &password::Password::new(text),
        Some(account.password_hash.clone()),
    )
    .await
}

/// Turns the second factor off if the password and a code (app or recovery) are right.
pub async fn disable_two_factor(
    s: &Services<'_>,
    account: &AccountRow,
    password_text: &str,
    code: &str,
) -> Result<bool, ServiceError> {
    let ok = password_ok(account, password_text).await
        && crate::two_factor::verify(s.pool, s.clock.epoch(), account.id, code).await?;
    if ok {
        crate::two_factor::disable(s.pool, s.clock.epoch(), account.id).await?;
        tracing::info!(account_id = account.id, "second factor turned off");
    }
    Ok(ok)
}

/// The password rules for a new password of this account (it may not contain the account's
/// e-mail local part or customer number).
async fn check_new_password(
    s: &Services<'_>,
    account: &AccountRow,
    new: &str,
    confirmation: &str,
) -> Result<Result<(), &'static str>, ServiceError> {
    let customer_number = accounts::customer_number(s.pool, account.id).await?;
    let local = account.email.split('@').next().unwrap_or("");
    Ok(password_policy::check(new, confirmation, local, &customer_number).map_err(|p| p.key()))
}

/// Changes the password after checking the current one; ends the other logins.
pub async fn change_password(
    s: &Services<'_>,
    account: &AccountRow,
    current: &str,
    new: &str,
    confirmation: &str,
    keep_login: &str,
    lang: Lang,
) -> Outcome {
    if !password_ok(account, current).await {
        return Ok(Err("security.current_wrong"));
    }
    if let Err(key) = check_new_password(s, account, new, confirmation).await? {
        return Ok(Err(key));
    }
    let hash = password::hash(&password::Password::new(new)).await?;
    accounts::set_password(s.pool, s.clock.epoch(), account.id, &hash).await?;
    logins::end_all(s.pool, account.id, Some(keep_login)).await?;
    notify(
        s,
        &account.email,
        "mail.password_changed.subject",
        "mail.password_changed.body",
        &[("name", &account.first_name)],
        lang,
    )
    .await;
    tracing::info!(account_id = account.id, "password changed");
    Ok(Ok(()))
}

/// Creates a reset token for the account and e-mails the link.
async fn send_reset_link(
    s: &Services<'_>,
    account: &AccountRow,
    lang: Lang,
) -> Result<(), ServiceError> {
    let token = hex::encode(rand::random::<[u8; 32]>());
    sqlx::query(
        "INSERT INTO password_resets (account_id, token_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(account.id)
    .bind(token_hash(&token))
    .bind(s.clock.epoch())
    .execute(s.pool)
    .await
    .map_err(crate::StoreError::from)?;
    let url = format!("{}/login/reset?token={token}", s.base_url);
    notify(
        s,
        &account.email,
        "mail.reset.subject",
        "mail.reset.body",
        &[("name", &account.first_name), ("url", &url)],
        lang,
    )
    .await;
    Ok(())
}

/// "Forgot password": the same answer whether or not the address has an account.
pub async fn request_reset(s: &Services<'_>, email: &str, lang: Lang) -> Outcome {
    let Ok(email) = Email::parse(email) else {
        return Ok(Err("error.email"));
    };
    if let Some(account) = accounts::by_email(s.pool, email.as_str()).await?
        && account.active == 1
    {
        send_reset_link(s, &account, lang).await?;
    }
    tracing::info!("password reset requested");
    Ok(Ok(()))
}

/// Whether a reset token is valid now (for showing the form).
pub async fn reset_token_valid(s: &Services<'_>, token: &str) -> Result<bool, ServiceError> {
    Ok(reset_account(s, token).await?.is_some())
}

async fn reset_account(s: &Services<'_>, token: &str) -> Result<Option<(i64, i64)>, ServiceError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, account_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2",
    )
    .bind(token_hash(token))
    .bind(s.clock.epoch() - RESET_VALID_SECONDS)
    .fetch_optional(s.pool)
    .await
    .map_err(crate::StoreError::from)?;
    Ok(row)
}

/// Sets a new password with a reset token (single use); ends every login of the account.
pub async fn reset_password(
    s: &Services<'_>,
    token: &str,
    new: &str,
    confirmation: &str,
    lang: Lang,
) -> Outcome {
    let Some((reset_id, account_id)) = reset_account(s, token).await? else {
        return Ok(Err("reset.invalid"));
    };
    let Some(account) = accounts::by_id(s.pool, account_id).await? else {
        return Ok(Err("reset.invalid"));
    };
    if let Err(key) = check_new_password(s, &account, new, confirmation).await? {
        return Ok(Err(key));
    }
    let used =
        sqlx::query("UPDATE password_resets SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(reset_id)
            .bind(s.clock.epoch())
            .execute(s.pool)
            .await
            .map_err(crate::StoreError::from)?
            .rows_affected();
    if used == 0 {
        return Ok(Err("reset.invalid"));
    }
    let hash = password::hash(&password::Password::new(new)).await?;
    accounts::set_password(s.pool, s.clock.epoch(), account.id, &hash).await?;
    logins::end_all(s.pool, account.id, None).await?;
    notify(
        s,
        &account.email,
        "mail.password_changed.subject",
        "mail.password_changed.body",
        &[("name", &account.first_name)],
        lang,
    )
    .await;
    tracing::info!(account_id = account.id, "password reset");
    Ok(Ok(()))
}

/// "Someone else may know my password": ends every login, blocks sign-in until a reset,
/// records an incident for the CIC and e-mails a reset link.
pub async fn report_compromised(
    s: &Services<'_>,
    account: &AccountRow,
    ip: &str,
    lang: Lang,
) -> Result<(), ServiceError> {
    logins::end_all(s.pool, account.id, None).await?;
    accounts::require_reset(s.pool, s.clock.epoch(), account.id).await?;
    accounts::record_incident(
        s.pool,
        s.clock.epoch(),
        account.id,
        "password_may_be_known",
        ip,
    )
    .await?;
    send_reset_link(s, account, lang).await?;
    tracing::warn!(
        account_id = account.id,
        "customer reported that someone may know the password"
    );
    Ok(())
}

/// A confirmation link for a new e-mail address is valid this long.
pub const EMAIL_CHANGE_VALID_SECONDS: i64 = 24 * 3600;

/// Asks to change the e-mail address (needs the password): a confirmation link goes to the new
/// address and a notice to the current one. Nothing changes until the link is used.
pub async fn request_email_change(
    s: &Services<'_>,
    account: &AccountRow,
    new_email: &str,
    password_text: &str,
    lang: Lang,
) -> Outcome {
    if !password_ok(account, password_text).await {
        return Ok(Err("security.current_wrong"));
    }
    let Ok(new_email) = Email::parse(new_email) else {
        return Ok(Err("error.email"));
    };
    if new_email.as_str() == account.email {
        return Ok(Err("security.email_same"));
    }
    if accounts::email_taken(s.pool, new_email.as_str()).await? {
        return Ok(Err("registration.email_taken"));
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    sqlx::query("INSERT INTO email_changes (account_id, new_email, token_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(account.id)
        .bind(new_email.as_str())
        .bind(token_hash(&token))
        .bind(s.clock.epoch())
        .execute(s.pool)
        .await
        .map_err(crate::StoreError::from)?;
    let url = format!("{}/profile/email?token={token}", s.base_url);
    notify(
        s,
        new_email.as_str(),
        "mail.email_confirm.subject",
        "mail.email_confirm.body",
        &[("name", &account.first_name), ("url", &url)],
        lang,
    )
    .await;
    notify(
        s,
        &account.email,
        "mail.email_notice.subject",
        "mail.email_notice.body",
        &[("name", &account.first_name), ("email", new_email.as_str())],
        lang,
    )
    .await;
    tracing::info!(account_id = account.id, "e-mail change requested");
    Ok(Ok(()))
}

async fn email_change(
    s: &Services<'_>,
    token: &str,
) -> Result<Option<(i64, i64, String)>, ServiceError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT id, account_id, new_email FROM email_changes WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2",
    )
    .bind(token_hash(token))
    .bind(s.clock.epoch() - EMAIL_CHANGE_VALID_SECONDS)
    .fetch_optional(s.pool)
    .await
    .map_err(crate::StoreError::from)?)
}

/// The new address a valid confirmation link is for.
pub async fn pending_email(s: &Services<'_>, token: &str) -> Result<Option<String>, ServiceError> {
    Ok(email_change(s, token).await?.map(|(_, _, email)| email))
}

/// Confirms the new address with the link's token (single use); the old address is told.
pub async fn confirm_email_change(s: &Services<'_>, token: &str, lang: Lang) -> Outcome {
    let Some((change_id, account_id, new_email)) = email_change(s, token).await? else {
        return Ok(Err("email_change.invalid"));
    };
    let Some(account) = accounts::by_id(s.pool, account_id).await? else {
        return Ok(Err("email_change.invalid"));
    };
    if accounts::email_taken(s.pool, &new_email).await? {
        return Ok(Err("registration.email_taken"));
    }
    let mut tx = crate::db::begin_write(s.pool)
        .await
        .map_err(crate::StoreError::from)?;
    let used =
        sqlx::query("UPDATE email_changes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
            .bind(change_id)
            .bind(s.clock.epoch())
            .execute(&mut *tx)
            .await
            .map_err(crate::StoreError::from)?
            .rows_affected();
    if used == 0 {
        return Ok(Err("email_change.invalid"));
    }
    sqlx::query("UPDATE portal_accounts SET email = $2, updated_at = $3 WHERE id = $1")
        .bind(account_id)
        .bind(&new_email)
        .bind(s.clock.epoch())
        .execute(&mut *tx)
        .await
        .map_err(crate::StoreError::from)?;
    tx.commit().await.map_err(crate::StoreError::from)?;
    notify(
        s,
        &account.email,
        "mail.email_changed.subject",
        "mail.email_changed.body",
        &[("name", &account.first_name), ("email", &new_email)],
        lang,
    )
    .await;
    tracing::info!(account_id, "e-mail address changed");
    Ok(Ok(()))
}
