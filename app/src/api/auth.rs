//! Signing in and out. The same message for a wrong password and an unknown address.

use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const FORM: &str = "sign-in";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    pub message: Option<Message>,
    pub email: String,
    pub signed_in: bool,
}

#[cfg(feature = "ssr")]
use crate::paths::safe_next;

#[server(endpoint = "auth/state")]
pub async fn sign_in_state() -> Result<SignInView, AppError> {
    use crate::session;
    let s = session::session().await?;
    let flash = session::take_flash(&s, FORM).await?;
    let signed_in = session::account_id(&s).await?.is_some();
    Ok(SignInView {
        message: flash.message(),
        email: flash.values.get("email").cloned().unwrap_or_default(),
        signed_in,
    })
}

#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let db = session::db()?;
    let next = next.unwrap_or_default();
    match backend::services::auth::sign_in(
        &db.pool,
        session::clock()?.epoch(),
        &email,
        &password,
        &session::client_ip(),
    )
    .await?
    {
        Ok(account) if backend::services::two_factor::is_enabled(&db.pool, account.id).await? => {
            // The password was right; the second factor decides.
            session::start_second_factor(&s, account.id).await?;
            let encoded = crate::paths::encode_component(safe_next(&next));
            leptos_axum::redirect(&format!("/login/code?next={encoded}"));
        }
        Ok(account) => {
            session::sign_in(&s, account.id).await?;
            leptos_axum::redirect(safe_next(&next));
        }
        Err(refusal) => {
            session::set_flash(
                &s,
                Flash::error(FORM, refusal).with_values(&[("email", email.trim())]),
            )
            .await?;
            let back = if next.is_empty() {
                "/login".to_string()
            } else {
                format!(
                    "/login?next={}",
                    crate::paths::encode_component(safe_next(&next))
                )
            };
            leptos_axum::redirect(&back);
        }
    }
    Ok(())
}

/// Who is signed in in this browser: `{"customer": first name or null, "staff": bool}`.
#[server(endpoint = "auth/status")]
pub async fn get_auth_status() -> Result<domain::SignedIn, AppError> {
    use crate::session;
    let s = session::session().await?;
    crate::gate::frame(&s, &session::db()?, &session::clock()?).await
}

/// "Stay signed in": counts as activity, so the idle timeout starts again. `false` when the
/// session already ended.
#[server(endpoint = "auth/keep-alive")]
pub async fn keep_alive() -> Result<bool, AppError> {
    use crate::session;
    let s = session::session().await?;
    if session::account_id(&s).await?.is_some() {
        session::mark_active(&s, session::clock()?.epoch(), true).await?;
        Ok(true)
    } else {
        Ok(false)
    }
}

/// The message of the second-factor form.
#[server(endpoint = "auth/second-factor-state")]
pub async fn second_factor_state() -> Result<Option<Message>, AppError> {
    let s = crate::session::session().await?;
    Ok(crate::session::take_flash(&s, "second-factor")
        .await?
        .message())
}

/// Step two of signing in when the second factor is on: an app code or a recovery code.
#[server(endpoint = "auth/second-factor")]
pub async fn second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let next = next.unwrap_or_default();
    let Some(account_id) = session::pending_second_factor(&s).await? else {
        session::set_flash(
            &s,
            Flash::error(FORM, domain::refusal::Refusal::SecondFactorExpired),
        )
        .await?;
        leptos_axum::redirect("/login");
        return Ok(());
    };
    let ctx = session::ctx()?;
    let outcome = backend::services::auth::second_factor(
        &ctx.services(),
        account_id,
        &code,
        &session::client_ip(),
        session::lang(),
    )
    .await?;
    if let Err(refusal) = outcome {
        session::set_flash(&s, Flash::error("second-factor", refusal)).await?;
        let encoded = crate::paths::encode_component(safe_next(&next));
        leptos_axum::redirect(&format!("/login/code?next={encoded}"));
    } else {
        session::sign_in(&s, account_id).await?;
        leptos_axum::redirect(safe_next(&next));
    }
    Ok(())
}

/// Ends the session on the server (not only the cookie).
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    let s = crate::session::session().await?;
    crate::session::sign_out(&s).await?;
    leptos_axum::redirect("/");
    Ok(())
}
