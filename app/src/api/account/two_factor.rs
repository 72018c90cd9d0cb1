//! Switching the second factor on and off.

#[cfg(feature = "ssr")]
use super::*;
use crate::error::AppError;
use crate::message::Message;
#[cfg(feature = "ssr")]
use domain::refusal::Refusal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The second-factor part of the security page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorView {
    pub enabled: bool,
    /// During enrolment: the key as text and the QR code as an image URL.
    pub pending_key: Option<String>,
    pub pending_qr: Option<String>,
    /// Shown once, right after enabling.
    pub recovery_codes: Vec<String>,
    pub message: Option<Message>,
}

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
        message: flash.message(),
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
            Flash::notice(TWO_FACTOR_FORM, "notice.two_factor_on")
                .with_values(&[("recovery_codes", &codes.join(" "))])
        }
        None => Flash::error(TWO_FACTOR_FORM, Refusal::SecondFactorWrong),
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
    let flash = if ok {
        s.cycle_id().await?;
        session::Flash::notice(TWO_FACTOR_FORM, "notice.two_factor_off")
    } else {
        session::Flash::error(TWO_FACTOR_FORM, Refusal::TwoFactorDisableWrong)
    };
    server::flash(&s, flash).await?;
    leptos_axum::redirect("/profile/security#two-factor");
    Ok(())
}
