//! Account security services: changing the password, the password-reset link, and "someone
//! else may know my password". Every change that matters ends other sessions and tells the
//! customer by e-mail.

use crate::infra::db;
use crate::infra::outbox::{Mail, queue};
use crate::infra::password;
use crate::services::throttle::{self, Denied};
use crate::services::two_factor;
use crate::services::{ServiceError, Services, commit};
use crate::store::accounts::{self, AccountRow};
use crate::store::{email_changes, incidents, logins, resets};
use domain::refusal::Refusal;
use domain::values::Email;
use domain::values::ValueError;
use domain::{Lang, i18n::tf, password_policy};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

/// A reset link is valid this long.
pub const RESET_VALID_SECONDS: i64 = 30 * 60;

pub type Outcome = Result<Result<(), Refusal>, ServiceError>;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A security e-mail to `to` in `lang`, with the company's name and phone filled in.
fn security_mail(
    s: &Services<'_>,
    to: &str,
    subject_key: &str,
    body_key: &str,
    args: &[(&str, &str)],
    lang: Lang,
) -> Option<Mail> {
    let to = Email::parse(to).ok()?;
    let mut all: Vec<(&str, &str)> = vec![
        ("company", &s.branding.company_name),
        ("phone", &s.branding.contact_phone),
    ];
    all.extend_from_slice(args);
    Some(Mail {
        to,
        subject: tf(lang, subject_key, &all),
        body: tf(lang, body_key, &all),
    })
}

/// Queues a security e-mail in the transaction of the change it reports, so the customer is
/// told exactly when the change was committed.
async fn queue_notice(
    s: &Services<'_>,
    conn: &mut AnyConnection,
    mail: Option<Mail>,
) -> Result<(), ServiceError> {
    if let Some(mail) = mail {
        queue::enqueue_mail(conn, s.clock.epoch(), &mail).await?;
    }
    Ok(())
}

async fn begin(s: &Services<'_>) -> Result<sqlx::Transaction<'static, sqlx::Any>, ServiceError> {
    Ok(db::begin_write(s.pool)
        .await
        .map_err(crate::StoreError::from)?)
}

/// Voids what a stranger may hold: every open e-mail change and every unused reset link of
/// the account (after a password change, a reset or a compromise report).
async fn void_pending(
    s: &Services<'_>,
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<(), ServiceError> {
    resets::void_all(conn, s.clock.epoch(), account_id).await?;
    email_changes::void_all(conn, s.clock.epoch(), account_id).await?;
    Ok(())
}

fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Checks that `text` is the signed-in customer's current password, as an attempt of the one
/// throttle (per account and client address).
async fn confirm_password(
    s: &Services<'_>,
    account: &AccountRow,
    text: &str,
    ip: &str,
) -> Result<Result<(), Denied>, ServiceError> {
    let stored = Some(account.password_hash.clone());
    let key = throttle::Key::Account(account.id);
    let turn = match throttle::turn().await {
        Ok(turn) => turn,
        Err(denied) => return Ok(Err(denied)),
    };
    throttle::attempt(s.pool, s.clock.epoch(), &key, ip, async {
        Ok::<_, ServiceError>(throttle::password(turn, text, stored).await)
    })
    .await
}

fn two_factor_mail(s: &Services<'_>, account: &AccountRow, what: &str, lang: Lang) -> Option<Mail> {
    security_mail(
        s,
        &account.email,
        &format!("mail.{what}.subject"),
        &format!("mail.{what}.body"),
        &[("name", &account.first_name)],
        lang,
    )
}

/// Starts enrolling an authenticator: needs the current password (someone at an unattended
/// signed-in browser must not bind their own); refused when the second factor is already on.
/// Returns the new secret, which waits (in the session) for a first code.
pub async fn start_two_factor(
    s: &Services<'_>,
    account: &AccountRow,
    password_text: &str,
    ip: &str,
) -> Result<Result<String, Refusal>, ServiceError> {
    if two_factor::is_enabled(s.pool, account.id).await? {
        return Ok(Err(Refusal::TwoFactorAlreadyOn));
    }
    if let Err(denied) = confirm_password(s, account, password_text, ip).await? {
        return Ok(Err(denied.or(Refusal::TwoFactorPasswordWrong)));
    }
    Ok(Ok(crate::infra::totp::new_secret()))
}

/// Turns the second factor on with the pending secret and a first code from the app; needs
/// the current password again. The recovery codes are returned once; the customer is e-mailed.
pub async fn enable_two_factor(
    s: &Services<'_>,
    account: &AccountRow,
    password_text: &str,
    secret: &str,
    code: &str,
    ip: &str,
    lang: Lang,
) -> Result<Result<Vec<String>, Refusal>, ServiceError> {
    if two_factor::is_enabled(s.pool, account.id).await? {
        return Ok(Err(Refusal::TwoFactorAlreadyOn));
    }
    if let Err(denied) = confirm_password(s, account, password_text, ip).await? {
        return Ok(Err(denied.or(Refusal::TwoFactorPasswordWrong)));
    }
    let at = u64::try_from(s.clock.epoch()).unwrap_or_default();
    let key = throttle::Key::Account(account.id);
    let checked = throttle::attempt(s.pool, s.clock.epoch(), &key, ip, async {
        let step = crate::infra::totp::check(secret, code, at, None);
        Ok::<_, ServiceError>(step.ok_or(Denied::Wrong))
    })
    .await?;
    let step = match checked {
        Ok(step) => step,
        Err(denied) => return Ok(Err(denied.or(Refusal::SecondFactorWrong))),
    };
    let mail = two_factor_mail(s, account, "two_factor_on", lang);
    let mut tx = begin(s).await?;
    let codes = two_factor::enable(&mut tx, s.clock.epoch(), account.id, secret, step).await?;
    queue_notice(s, &mut tx, mail).await?;
    commit(s, tx).await?;
    tracing::info!(account_id = account.id, "second factor turned on");
    Ok(Ok(codes))
}

/// Turns the second factor off if the password and a code (app or recovery) are right; the
/// customer is e-mailed.
pub async fn disable_two_factor(
    s: &Services<'_>,
    account: &AccountRow,
    password_text: &str,
    code: &str,
    ip: &str,
    lang: Lang,
) -> Outcome {
    let (pool, now) = (s.pool, s.clock.epoch());
    let stored = Some(account.password_hash.clone());
    let key = throttle::Key::Account(account.id);
    let turn = match throttle::turn().await {
        Ok(turn) => turn,
        Err(denied) => return Ok(Err(denied.or(Refusal::TwoFactorDisableWrong))),
    };
    let checked = throttle::attempt(pool, now, &key, ip, async {
        if let Err(denied) = throttle::password(turn, password_text, stored).await {
            return Ok(Err(denied));
        }
        let code_ok = two_factor::verify(pool, now, account.id, code).await?;
        Ok::<_, ServiceError>(if code_ok { Ok(()) } else { Err(Denied::Wrong) })
    })
    .await?;
    if let Err(denied) = checked {
        return Ok(Err(denied.or(Refusal::TwoFactorDisableWrong)));
    }
    let mail = two_factor_mail(s, account, "two_factor_off", lang);
    let mut tx = begin(s).await?;
    two_factor::disable(&mut tx, now, account.id).await?;
    queue_notice(s, &mut tx, mail).await?;
    commit(s, tx).await?;
    tracing::info!(account_id = account.id, "second factor turned off");
    Ok(Ok(()))
}

/// Tells the customer a recovery code was used to sign in.
pub async fn recovery_code_used(
    s: &Services<'_>,
    account: &AccountRow,
    lang: Lang,
) -> Result<(), ServiceError> {
    let mail = two_factor_mail(s, account, "recovery_used", lang);
    let mut conn = s.pool.acquire().await.map_err(crate::StoreError::from)?;
    queue_notice(s, &mut conn, mail).await?;
    s.outboxes.wake();
    Ok(())
}

/// The password rules for a new password of this account (it may not contain the account's
/// e-mail local part or customer number).
async fn check_new_password(
    s: &Services<'_>,
    account: &AccountRow,
    new: &str,
    confirmation: &str,
) -> Result<Result<(), Refusal>, ServiceError> {
    let customer_number = accounts::customer_number(s.pool, account.id).await?;
    let local = account.email.split('@').next().unwrap_or("");
    Ok(password_policy::check(new, confirmation, local, &customer_number).map_err(Refusal::from))
}

/// Changes the password after checking the current one; ends the other logins. `new` is the
/// new password and its confirmation.
pub async fn change_password(
    s: &Services<'_>,
    account: &AccountRow,
    current: &str,
    (new, confirmation): (&str, &str),
    keep_login: &str,
    ip: &str,
    lang: Lang,
) -> Outcome {
    if let Err(denied) = confirm_password(s, account, current, ip).await? {
        return Ok(Err(denied.or(Refusal::CurrentPasswordWrong)));
    }
    if let Err(key) = check_new_password(s, account, new, confirmation).await? {
        return Ok(Err(key));
    }
    let hash = password::hash(&password::Password::new(new)).await?;
    let mail = password_changed_mail(s, account, lang);
    let mut tx = begin(s).await?;
    accounts::set_password(&mut tx, s.clock.epoch(), account.id, &hash).await?;
    void_pending(s, &mut tx, account.id).await?;
    logins::end_all(&mut *tx, account.id, Some(keep_login)).await?;
    queue_notice(s, &mut tx, mail).await?;
    commit(s, tx).await?;
    tracing::info!(account_id = account.id, "password changed");
    Ok(Ok(()))
}

fn password_changed_mail(s: &Services<'_>, account: &AccountRow, lang: Lang) -> Option<Mail> {
    security_mail(
        s,
        &account.email,
        "mail.password_changed.subject",
        "mail.password_changed.body",
        &[("name", &account.first_name)],
        lang,
    )
}

/// Creates a reset token for the account and queues the link, in the caller's transaction.
pub(crate) async fn send_reset_link(
    s: &Services<'_>,
    conn: &mut AnyConnection,
    account: &AccountRow,
    lang: Lang,
) -> Result<(), ServiceError> {
    let token = new_token();
    resets::create(conn, s.clock.epoch(), account.id, &token_hash(&token)).await?;
    let url = format!("{}/login/reset?token={token}", s.base_url);
    let mail = security_mail(
        s,
        &account.email,
        "mail.reset.subject",
        "mail.reset.body",
        &[("name", &account.first_name), ("url", &url)],
        lang,
    );
    queue_notice(s, conn, mail).await
}

/// "Forgot password": the same answer whether or not the address has an account.
pub async fn request_reset(s: &Services<'_>, email: &str, lang: Lang) -> Outcome {
    let Ok(email) = Email::parse(email) else {
        return Ok(Err(Refusal::Value(ValueError::Email)));
    };
    if let Some(account) = accounts::by_email(s.pool, email.as_str()).await?
        && account.active == 1
    {
        let mut tx = begin(s).await?;
        send_reset_link(s, &mut tx, &account, lang).await?;
        commit(s, tx).await?;
    }
    tracing::info!("password reset requested");
    Ok(Ok(()))
}

/// Whether a reset token is valid now (for showing the form).
pub async fn reset_token_valid(s: &Services<'_>, token: &str) -> Result<bool, ServiceError> {
    Ok(reset_account(s, token).await?.is_some())
}

async fn reset_account(s: &Services<'_>, token: &str) -> Result<Option<(i64, i64)>, ServiceError> {
    if !well_formed(token) {
        return Ok(None);
    }
    Ok(resets::open(
        s.pool,
        &token_hash(token),
        s.clock.epoch() - RESET_VALID_SECONDS,
    )
    .await?)
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
        return Ok(Err(Refusal::ResetLinkInvalid));
    };
    let Some(account) = accounts::by_id(s.pool, account_id).await? else {
        return Ok(Err(Refusal::ResetLinkInvalid));
    };
    if let Err(key) = check_new_password(s, &account, new, confirmation).await? {
        return Ok(Err(key));
    }
    let hash = password::hash(&password::Password::new(new)).await?;
    let mail = password_changed_mail(s, &account, lang);
    let mut tx = begin(s).await?;
    if !resets::use_once(&mut tx, s.clock.epoch(), reset_id).await? {
        return Ok(Err(Refusal::ResetLinkInvalid));
    }
    accounts::set_password(&mut tx, s.clock.epoch(), account.id, &hash).await?;
    void_pending(s, &mut tx, account.id).await?;
    logins::end_all(&mut *tx, account.id, None).await?;
    // Whoever locked the account out with wrong passwords no longer keeps its owner waiting.
    throttle::clear_after_reset(&mut tx, &account.email, account.id).await?;
    queue_notice(s, &mut tx, mail).await?;
    commit(s, tx).await?;
    tracing::info!(account_id = account.id, "password reset");
    Ok(Ok(()))
}

/// The compromise flow, in the caller's transaction: sign-in blocked until a reset, every
/// login ended, open e-mail changes and reset links voided, an incident for the CIC, and a new
/// reset link to the account's address.
async fn secure_account(
    s: &Services<'_>,
    conn: &mut AnyConnection,
    account: &AccountRow,
    kind: &str,
    ip: &str,
    lang: Lang,
) -> Result<(), ServiceError> {
    accounts::require_reset(conn, s.clock.epoch(), account.id).await?;
    void_pending(s, conn, account.id).await?;
    logins::end_all(&mut *conn, account.id, None).await?;
    incidents::record(&mut *conn, s.clock.epoch(), account.id, kind, ip).await?;
    send_reset_link(s, conn, account, lang).await
}

/// "Someone else may know my password": ends every login, blocks sign-in until a reset,
/// records an incident for the CIC and e-mails a reset link.
pub async fn report_compromised(
    s: &Services<'_>,
    account: &AccountRow,
    ip: &str,
    lang: Lang,
) -> Result<(), ServiceError> {
    let mut tx = begin(s).await?;
    secure_account(s, &mut tx, account, "password_may_be_known", ip, lang).await?;
    commit(s, tx).await?;
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
    ip: &str,
    lang: Lang,
) -> Outcome {
    if let Err(denied) = confirm_password(s, account, password_text, ip).await? {
        return Ok(Err(denied.or(Refusal::CurrentPasswordWrong)));
    }
    let Ok(new_email) = Email::parse(new_email) else {
        return Ok(Err(Refusal::Value(ValueError::Email)));
    };
    if new_email.as_str() == account.email {
        return Ok(Err(Refusal::EmailSame));
    }
    if accounts::email_taken(s.pool, new_email.as_str()).await? {
        // The answer is the same as for a free address: only the owner of the address, who
        // reads its mail, learns that it has an account here.
        let mail = security_mail(
            s,
            new_email.as_str(),
            "mail.email_in_use.subject",
            "mail.email_in_use.body",
            &[("login", &format!("{}/login", s.base_url))],
            lang,
        );
        let mut tx = begin(s).await?;
        queue_notice(s, &mut tx, mail).await?;
        commit(s, tx).await?;
        tracing::info!(
            account_id = account.id,
            "e-mail change to an address in use: its owner was told"
        );
        return Ok(Ok(()));
    }
    let token = new_token();
    let cancel = new_token();
    let url = format!("{}/profile/email?token={token}", s.base_url);
    let not_me = format!("{}/profile/email/not-me?token={cancel}", s.base_url);
    let confirm = security_mail(
        s,
        new_email.as_str(),
        "mail.email_confirm.subject",
        "mail.email_confirm.body",
        &[("name", &account.first_name), ("url", &url)],
        lang,
    );
    let notice = security_mail(
        s,
        &account.email,
        "mail.email_notice.subject",
        "mail.email_notice.body",
        &[
            ("name", &account.first_name),
            ("email", new_email.as_str()),
            ("url", &not_me),
        ],
        lang,
    );
    let mut tx = begin(s).await?;
    email_changes::create(
        &mut tx,
        s.clock.epoch(),
        account.id,
        &account.email,
        new_email.as_str(),
        &token_hash(&token),
        &token_hash(&cancel),
    )
    .await?;
    queue_notice(s, &mut tx, confirm).await?;
    queue_notice(s, &mut tx, notice).await?;
    commit(s, tx).await?;
    tracing::info!(account_id = account.id, "e-mail change requested");
    Ok(Ok(()))
}

async fn email_change(
    s: &Services<'_>,
    token: &str,
) -> Result<Option<(i64, i64, String)>, ServiceError> {
    if !well_formed(token) {
        return Ok(None);
    }
    Ok(email_changes::open(
        s.pool,
        &token_hash(token),
        s.clock.epoch() - EMAIL_CHANGE_VALID_SECONDS,
    )
    .await?)
}

/// The new address a valid confirmation link is for.
pub async fn pending_email(s: &Services<'_>, token: &str) -> Result<Option<String>, ServiceError> {
    Ok(email_change(s, token).await?.map(|(_, _, email)| email))
}

/// Confirms the new address with the link's token (single use); the old address is told.
pub async fn confirm_email_change(s: &Services<'_>, token: &str, lang: Lang) -> Outcome {
    let Some((change_id, account_id, new_email)) = email_change(s, token).await? else {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    };
    let Some(account) = accounts::by_id(s.pool, account_id).await? else {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    };
    // While the account must reset its password (someone else may know it), no address
    // change goes through.
    if account.must_reset_password == 1 {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    }
    if accounts::email_taken(s.pool, &new_email).await? {
        return Ok(Err(Refusal::EmailTaken));
    }
    let cancel = new_token();
    let not_me = format!("{}/profile/email/not-me?token={cancel}", s.base_url);
    let notice = security_mail(
        s,
        &account.email,
        "mail.email_changed.subject",
        "mail.email_changed.body",
        &[
            ("name", &account.first_name),
            ("email", &new_email),
            ("url", &not_me),
        ],
        lang,
    );
    let mut tx = begin(s).await?;
    if !email_changes::use_once(&mut tx, s.clock.epoch(), change_id).await? {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    }
    email_changes::set_cancel_token(&mut tx, change_id, &token_hash(&cancel)).await?;
    accounts::set_email(&mut tx, s.clock.epoch(), account_id, &new_email).await?;
    queue_notice(s, &mut tx, notice).await?;
    commit(s, tx).await?;
    tracing::info!(account_id, "e-mail address changed");
    Ok(Ok(()))
}

/// The "this was not me" link stays usable this long (the owner may read the notice late).
pub const NOT_ME_VALID_SECONDS: i64 = 7 * 24 * 3600;

/// The change a "this was not me" link reports, if the link is valid: the new address.
pub async fn reported_change(
    s: &Services<'_>,
    token: &str,
) -> Result<Option<String>, ServiceError> {
    if !well_formed(token) {
        return Ok(None);
    }
    let since = s.clock.epoch() - NOT_ME_VALID_SECONDS;
    Ok(
        email_changes::by_cancel_token(s.pool, &token_hash(token), since)
            .await?
            .map(|c| c.new_email),
    )
}

/// "This was not me" from the notice to the old address: the change is cancelled (or, if it
/// was already confirmed, the old address is put back) and the compromise flow starts, with
/// the reset link going to the old address. Single use.
pub async fn not_me(s: &Services<'_>, token: &str, ip: &str, lang: Lang) -> Outcome {
    if !well_formed(token) {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    }
    let since = s.clock.epoch() - NOT_ME_VALID_SECONDS;
    let Some(change) = email_changes::by_cancel_token(s.pool, &token_hash(token), since).await?
    else {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    };
    let Some(mut account) = accounts::by_id(s.pool, change.account_id).await? else {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    };
    let mut tx = begin(s).await?;
    if !email_changes::clear_cancel_token(&mut tx, change.id).await? {
        return Ok(Err(Refusal::EmailChangeLinkInvalid));
    }
    if change.used_at.is_some()
        && let Some(old) = change.old_email.as_deref()
        && account.email == change.new_email
    {
        accounts::set_email(&mut tx, s.clock.epoch(), account.id, old).await?;
        account.email = old.to_string();
    }
    secure_account(s, &mut tx, &account, "email_change_not_me", ip, lang).await?;
    commit(s, tx).await?;
    tracing::warn!(
        account_id = account.id,
        "customer reported an e-mail change as not theirs"
    );
    Ok(Ok(()))
}
