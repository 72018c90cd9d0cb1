//! The customer's own account security: sessions, password change, "someone else may know my
//! password", and the forgotten-password link.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginItem {
    pub login_id: String,
    pub current: bool,
    pub device: String,
    pub ip_address: String,
    pub last_seen: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityView {
    pub email: String,
    pub logins: Vec<LoginItem>,
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetView {
    pub valid: bool,
    pub message: Option<String>,
}

/// A readable device name from a user agent ("Firefox on Android").
pub fn device_name(user_agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|b| user_agent.contains(*b))
        .map(|b| match *b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .iter()
        .find(|s| user_agent.contains(*s))
        .copied();
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {}", if s == "Mac OS" { "macOS" } else { s }),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[cfg(feature = "ssr")]
mod server {
    use crate::error::AppError;
    use crate::session::{self, Flash};
    use backend::store::accounts::AccountRow;
    use tower_sessions::Session;

    pub const SECURITY_FORM: &str = "security";
    pub const FORGOT_FORM: &str = "forgot";
    pub const RESET_FORM: &str = "reset";

    /// The signed-in account with its login id (through the access gate); otherwise a
    /// redirect to sign-in.
    pub async fn signed_in(
        _s: &Session,
        back_to: &str,
    ) -> Result<Option<(AccountRow, String)>, AppError> {
        Ok(crate::gate::require_customer(back_to)
            .await?
            .map(|me| (me.account, me.login_id)))
    }

    pub async fn flash(s: &Session, form: &str, key: &str) -> Result<(), AppError> {
        session::set_flash(
            s,
            Flash {
                form: form.into(),
                error: Some(key.into()),
                values: Default::default(),
            },
        )
        .await
    }
}

#[server(endpoint = "account/security")]
pub async fn get_security() -> Result<Option<SecurityView>, AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, current)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(None);
    };
    let message = session::take_flash(&s, server::SECURITY_FORM).await?.error;
    let rows = backend::store::logins::list(&session::db()?.pool, account.id).await?;
    let logins = rows
        .into_iter()
        .map(|r| LoginItem {
            current: r.login_id == current,
            device: device_name(&r.user_agent),
            ip_address: r.ip_address,
            last_seen: time::OffsetDateTime::from_unix_timestamp(r.last_seen)
                .map(|t| {
                    format!(
                        "{} {:02}:{:02} UTC",
                        domain::format_date(t.date()),
                        t.hour(),
                        t.minute()
                    )
                })
                .unwrap_or_default(),
            login_id: r.login_id,
        })
        .collect();
    Ok(Some(SecurityView {
        email: account.email,
        logins,
        message,
    }))
}

/// Ends one of the account's other sessions.
#[server(endpoint = "account/end-session")]
pub async fn end_session(login_id: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    backend::store::logins::end(&session::db()?.pool, account.id, &login_id).await?;
    server::flash(&s, server::SECURITY_FORM, "notice.session_ended").await?;
    leptos_axum::redirect("/profile/security");
    Ok(())
}

/// Ends every session of the account, this one included.
#[server(endpoint = "account/end-all-sessions")]
pub async fn end_all_sessions() -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    backend::store::logins::end_all(&session::db()?.pool, account.id, None).await?;
    s.flush().await?;
    server::flash(&s, "sign-in", "notice.signed_out_everywhere").await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "account/change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirmation: String,
) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, login_id)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let outcome = backend::services::security::change_password(
        &ctx.services(),
        &account,
        &current_password,
        &new_password,
        &new_password_confirmation,
        &login_id,
        session::lang(),
    )
    .await?;
    if outcome.is_ok() {
        // A privilege-relevant change: the session id is renewed too.
        s.cycle_id().await?;
    }
    server::flash(
        &s,
        server::SECURITY_FORM,
        outcome.err().unwrap_or("notice.password_changed"),
    )
    .await?;
    leptos_axum::redirect("/profile/security");
    Ok(())
}

/// "Someone else may know my password".
#[server(endpoint = "account/report-compromised")]
pub async fn report_compromised() -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    backend::services::security::report_compromised(
        &ctx.services(),
        &account,
        &session::client_ip(),
        session::lang(),
    )
    .await?;
    s.flush().await?;
    server::flash(&s, "sign-in", "notice.compromised").await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "auth/forgot-state")]
pub async fn forgot_state() -> Result<Option<String>, AppError> {
    let s = crate::session::session().await?;
    Ok(crate::session::take_flash(&s, server::FORGOT_FORM)
        .await?
        .error)
}

/// Sends a reset link if the address has an account; the same answer either way.
#[server(endpoint = "auth/forgot")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let outcome =
        backend::services::security::request_reset(&ctx.services(), &email, session::lang())
            .await?;
    server::flash(
        &s,
        server::FORGOT_FORM,
        outcome.err().unwrap_or("notice.reset_sent"),
    )
    .await?;
    leptos_axum::redirect("/login/forgot");
    Ok(())
}

#[server(endpoint = "auth/reset-state")]
pub async fn reset_state(token: String) -> Result<ResetView, AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let valid = backend::services::security::reset_token_valid(&ctx.services(), &token).await?;
    let message = session::take_flash(&s, server::RESET_FORM).await?.error;
    Ok(ResetView { valid, message })
}

/// Sets a new password with the token from the e-mailed link.
#[server(endpoint = "auth/reset")]
pub async fn reset_password(
    token: String,
    new_password: String,
    new_password_confirmation: String,
) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let outcome = backend::services::security::reset_password(
        &ctx.services(),
        &token,
        &new_password,
        &new_password_confirmation,
        session::lang(),
    )
    .await?;
    match outcome {
        Ok(()) => {
            session::sign_out(&s).await?;
            server::flash(&s, "sign-in", "notice.password_reset").await?;
            leptos_axum::redirect("/login");
        }
        Err(key) => {
            server::flash(&s, server::RESET_FORM, key).await?;
            let token: String = token
                .chars()
                .filter(char::is_ascii_hexdigit)
                .take(64)
                .collect();
            leptos_axum::redirect(&format!("/login/reset?token={token}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn devices_are_named() {
        let ua =
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(super::device_name(ua), "Chrome · Android");
        assert_eq!(
            super::device_name("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko Firefox/128.0"),
            "Firefox · Linux"
        );
        assert_eq!(super::device_name("curl/8.0"), "curl/8.0");
    }
}

/// The second-factor part of the security page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorView {
    pub enabled: bool,
    /// During enrolment: the key as text and the QR code as an image URL.
    pub pending_key: Option<String>,
    pub pending_qr: Option<String>,
    /// Shown once, right after enabling.
    pub recovery_codes: Vec<String>,
    pub message: Option<String>,
}

#[cfg(feature = "ssr")]
const PENDING_TOTP_KEY: &str = "totp_pending";
#[cfg(feature = "ssr")]
const TWO_FACTOR_FORM: &str = "two-factor";

#[server(endpoint = "account/two-factor")]
pub async fn get_two_factor() -> Result<Option<TwoFactorView>, AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(None);
    };
    let pool = session::db()?.pool;
    let enabled = backend::services::two_factor::is_enabled(&pool, account.id).await?;
    let flash = session::take_flash(&s, TWO_FACTOR_FORM).await?;
    let pending: Option<String> = if enabled {
        None
    } else {
        s.get(PENDING_TOTP_KEY).await?
    };
    let issuer = session::ctx()?.branding.company_name;
    let pending_qr = pending.as_ref().and_then(|secret| {
        let url = backend::services::two_factor::otpauth_url(&issuer, &account.email, secret);
        backend::services::two_factor::qr_svg(&url).map(|svg| {
            format!(
                "data:image/svg+xml;utf8,{}",
                crate::paths::encode_component(&svg)
            )
        })
    });
    let recovery_codes = flash
        .values
        .get("recovery_codes")
        .map(|c| c.split(' ').map(str::to_string).collect())
        .unwrap_or_default();
    Ok(Some(TwoFactorView {
        enabled,
        pending_key: pending,
        pending_qr,
        recovery_codes,
        message: flash.error,
    }))
}

/// Starts enrolment: a new secret waits in the session until a first code confirms it.
#[server(endpoint = "account/two-factor-start")]
pub async fn two_factor_start() -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    if server::signed_in(&s, "/profile/security").await?.is_some() {
        s.insert(PENDING_TOTP_KEY, backend::infra::totp::new_secret())
            .await?;
        leptos_axum::redirect("/profile/security#two-factor");
    }
    Ok(())
}

/// Confirms enrolment with a first code; the recovery codes are shown once.
#[server(endpoint = "account/two-factor-confirm")]
pub async fn two_factor_confirm(code: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    let pending: Option<String> = s.get(PENDING_TOTP_KEY).await?;
    let now = crate::session::clock()?.epoch();
    let at = u64::try_from(now).unwrap_or_default();
    let flash = match pending.as_deref().and_then(|secret| {
        backend::infra::totp::check(secret, &code, at, None).map(|step| (secret, step))
    }) {
        Some((secret, step)) => {
            let codes = backend::services::two_factor::enable(
                &session::db()?.pool,
                now,
                account.id,
                secret,
                step,
            )
            .await?;
            s.remove::<String>(PENDING_TOTP_KEY).await?;
            s.cycle_id().await?;
            Flash {
                form: TWO_FACTOR_FORM.into(),
                error: Some("notice.two_factor_on".into()),
                values: [("recovery_codes".to_string(), codes.join(" "))].into(),
            }
        }
        None => Flash {
            form: TWO_FACTOR_FORM.into(),
            error: Some("auth.code_wrong".into()),
            values: Default::default(),
        },
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect("/profile/security#two-factor");
    Ok(())
}

/// Turns the second factor off; needs the password and a code.
#[server(endpoint = "account/two-factor-disable")]
pub async fn two_factor_disable(disable_password: String, code: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let ok = backend::services::security::disable_two_factor(
        &ctx.services(),
        &account,
        &disable_password,
        &code,
    )
    .await?;
    let message = if ok {
        s.cycle_id().await?;
        "notice.two_factor_off"
    } else {
        "security.two_factor_disable_wrong"
    };
    server::flash(&s, TWO_FACTOR_FORM, message).await?;
    leptos_axum::redirect("/profile/security#two-factor");
    Ok(())
}

/// Asks to change the e-mail address; needs the password.
#[server(endpoint = "account/change-email")]
pub async fn change_email(new_email: String, email_password: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let outcome = backend::services::security::request_email_change(
        &ctx.services(),
        &account,
        &new_email,
        &email_password,
        session::lang(),
    )
    .await?;
    let flash = session::Flash {
        form: "email".into(),
        error: Some(outcome.err().unwrap_or("notice.email_change_sent").into()),
        values: [("new_email".to_string(), new_email.trim().to_string())].into(),
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect("/profile/security#email");
    Ok(())
}

/// The e-mail part of the security page: the message and the typed address.
#[server(endpoint = "account/email-state")]
pub async fn email_state() -> Result<(Option<String>, String), AppError> {
    let s = crate::session::session().await?;
    let flash = crate::session::take_flash(&s, "email").await?;
    Ok((
        flash.error,
        flash.values.get("new_email").cloned().unwrap_or_default(),
    ))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailConfirmView {
    /// The new address, if the link is valid.
    pub new_email: Option<String>,
    pub message: Option<String>,
}

#[server(endpoint = "account/email-confirm-state")]
pub async fn email_confirm_state(token: String) -> Result<EmailConfirmView, AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let new_email = backend::services::security::pending_email(&ctx.services(), &token).await?;
    let message = session::take_flash(&s, "email-confirm").await?.error;
    Ok(EmailConfirmView { new_email, message })
}

/// Confirms a new e-mail address (a button on the linked page: opening a link changes nothing).
#[server(endpoint = "account/confirm-email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let outcome =
        backend::services::security::confirm_email_change(&ctx.services(), &token, session::lang())
            .await?;
    let key = outcome.err().unwrap_or("notice.email_changed");
    session::set_flash(
        &s,
        session::Flash {
            form: "email-confirm".into(),
            error: Some(key.into()),
            values: Default::default(),
        },
    )
    .await?;
    let token: String = token
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    leptos_axum::redirect(&format!("/profile/email?token={token}"));
    Ok(())
}
