//! "Forgot password" and the reset link.

#[cfg(feature = "ssr")]
use super::*;
use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetView {
    pub valid: bool,
    pub message: Option<Message>,
}

#[server(endpoint = "auth/forgot-state")]
pub async fn forgot_state() -> Result<Option<Message>, AppError> {
    let s = crate::session::session().await?;
    Ok(crate::session::take_flash(&s, server::FORGOT_FORM)
        .await?
        .message())
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
        session::Flash::outcome(server::FORGOT_FORM, outcome, "notice.reset_sent"),
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
    let message = session::take_flash(&s, server::RESET_FORM).await?.message();
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
            server::flash(
                &s,
                session::Flash::notice("sign-in", "notice.password_reset"),
            )
            .await?;
            leptos_axum::redirect("/login");
        }
        Err(refusal) => {
            server::flash(&s, session::Flash::error(server::RESET_FORM, refusal)).await?;
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
