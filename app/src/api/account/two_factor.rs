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
    let db = session::db()?;
    let enabled = backend::services::two_factor::is_enabled(db.reads().await?, account.id).await?;
    let flash = session::take_flash(&s, TWO_FACTOR_FORM).await?;
    let pending: Option<String> = if enabled {
        None
    } else {
        s.get::<String>(PENDING_TOTP_KEY)
            .await?
            .map(|sealed| open_from_session(&sealed))
            .transpose()?
    };
    let issuer = session::ctx()?.branding.company_name.clone();
    let pending_qr = pending.as_ref().and_then(|secret| {
        let url = backend::services::two_factor::otpauth_url(&issuer, &account.email, secret);
        backend::services::two_factor::qr_svg(&url).map(|svg| {
            format!(
                "data:image/svg+xml;utf8,{}",
                crate::paths::encode_component(&svg)
            )
        })
    });
    let recovery_codes = match flash.values.get("recovery_codes") {
        Some(sealed) => open_from_session(sealed)?
            .split(' ')
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    Ok(Some(TwoFactorView {
        enabled,
        pending_key: pending,
        pending_qr,
        recovery_codes,
        message: flash.message(),
    }))
}

/// Starts enrolment (needs the current password): a new secret waits in the session until a
/// first code confirms it.
#[server(endpoint = "account/two-factor-start")]
pub async fn two_factor_start(two_factor_password: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    match backend::services::security::start_two_factor(
        &ctx.services(),
        &account,
        &two_factor_password,
        &session::client_ip(),
    )
    .await?
    {
        Ok(secret) => {
            s.insert(PENDING_TOTP_KEY, seal_for_session(&secret)?)
                .await?
        }
        Err(refusal) => session::set_flash(&s, Flash::error(TWO_FACTOR_FORM, refusal)).await?,
    }
    leptos_axum::redirect("/profile/security#two-factor");
    Ok(())
}

/// Confirms enrolment with the current password and a first code; the recovery codes are
/// shown once and the customer is e-mailed.
#[server(endpoint = "account/two-factor-confirm")]
pub async fn two_factor_confirm(two_factor_password: String, code: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let Some((account, _)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(());
    };
    let pending: Option<String> = s
        .get::<String>(PENDING_TOTP_KEY)
        .await?
        .map(|sealed| open_from_session(&sealed))
        .transpose()?;
    let ctx = session::ctx()?;
    let outcome = match pending.as_deref() {
        Some(secret) => {
            backend::services::security::enable_two_factor(
                &ctx.services(),
                &account,
                &two_factor_password,
                secret,
                &code,
                &session::client_ip(),
                session::lang(),
            )
            .await?
        }
        None => Err(Refusal::SecondFactorWrong),
    };
    let flash = match outcome {
        Ok(codes) => {
            s.remove::<String>(PENDING_TOTP_KEY).await?;
            s.cycle_id().await?;
            Flash::notice(TWO_FACTOR_FORM, "notice.two_factor_on")
                .with_values(&[("recovery_codes", &seal_for_session(&codes.join(" "))?)])
        }
        Err(refusal) => Flash::error(TWO_FACTOR_FORM, refusal),
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
    let outcome = backend::services::security::disable_two_factor(
        &ctx.services(),
        &account,
        &disable_password,
        &code,
        &session::client_ip(),
        session::lang(),
    )
    .await?;
    if outcome.is_ok() {
        s.cycle_id().await?;
    }
    let flash = session::Flash::outcome(TWO_FACTOR_FORM, outcome, "notice.two_factor_off");
    server::flash(&s, flash).await?;
    leptos_axum::redirect("/profile/security#two-factor");
    Ok(())
}
