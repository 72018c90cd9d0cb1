//! Changing the e-mail address and confirming the new one.

#[cfg(feature = "ssr")]
use super::*;
use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
        &session::client_ip(),
        session::lang(),
    )
    .await?;
    let flash = session::Flash::outcome("email", outcome, "notice.email_change_sent")
        .with_values(&[("new_email", new_email.trim())]);
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect("/profile/security#email");
    Ok(())
}

/// The e-mail part of the security page: the message and the typed address.
#[server(endpoint = "account/email-state")]
pub async fn email_state() -> Result<(Option<Message>, String), AppError> {
    let s = crate::session::session().await?;
    let flash = crate::session::take_flash(&s, "email").await?;
    Ok((
        flash.message(),
        flash.values.get("new_email").cloned().unwrap_or_default(),
    ))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailConfirmView {
    /// The new address, if the link is valid.
    pub new_email: Option<String>,
    pub message: Option<Message>,
}

#[server(endpoint = "account/email-confirm-state")]
pub async fn email_confirm_state(token: String) -> Result<EmailConfirmView, AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let new_email = backend::services::security::pending_email(&ctx.services(), &token).await?;
    let message = session::take_flash(&s, "email-confirm").await?.message();
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
    session::set_flash(
        &s,
        session::Flash::outcome("email-confirm", outcome, "notice.email_changed"),
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

/// What the "this was not me" page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotMeView {
    /// The address the reported change is for, if the link is valid.
    pub new_email: Option<String>,
    pub message: Option<Message>,
}

#[server(endpoint = "account/not-me-state")]
pub async fn not_me_state(token: String) -> Result<NotMeView, AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let new_email = backend::services::security::reported_change(&ctx.services(), &token).await?;
    let message = session::take_flash(&s, "not-me").await?.message();
    Ok(NotMeView { new_email, message })
}

/// "This was not me" (a button on the page of the link in the notice to the old address):
/// cancels or undoes the change and secures the account. Needs no sign-in.
#[server(endpoint = "account/not-me")]
pub async fn not_me(token: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let outcome = backend::services::security::not_me(
        &ctx.services(),
        &token,
        &session::client_ip(),
        session::lang(),
    )
    .await?;
    match outcome {
        Ok(()) => {
            // Whoever is signed in here is signed out too.
            session::sign_out(&s).await?;
            session::set_flash(&s, session::Flash::notice("sign-in", "notice.not_me_done")).await?;
            leptos_axum::redirect("/login");
        }
        Err(refusal) => {
            session::set_flash(&s, session::Flash::error("not-me", refusal)).await?;
            let token: String = token
                .chars()
                .filter(char::is_ascii_hexdigit)
                .take(64)
                .collect();
            leptos_axum::redirect(&format!("/profile/email/not-me?token={token}"));
        }
    }
    Ok(())
}
