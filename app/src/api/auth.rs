//! Signing in and out. The same message for a wrong password and an unknown address.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const FORM: &str = "sign-in";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    pub error: Option<String>,
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
        error: flash.error,
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
        Err(key) => {
            let values = [("email".to_string(), email.trim().to_string())].into();
            session::set_flash(
                &s,
                Flash {
                    form: FORM.into(),
                    error: Some(key.into()),
                    values,
                },
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
    crate::gate::frame(&s, &session::db()?.pool, &session::clock()?).await
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
pub async fn second_factor_state() -> Result<Option<String>, AppError> {
    let s = crate::session::session().await?;
    Ok(crate::session::take_flash(&s, "second-factor").await?.error)
}

/// Step two of signing in when the second factor is on: an app code or a recovery code.
#[server(endpoint = "auth/second-factor")]
pub async fn second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let pool = session::db()?.pool;
    let next = next.unwrap_or_default();
    let Some(account_id) = session::pending_second_factor(&s).await? else {
        session::set_flash(
            &s,
            Flash {
                form: FORM.into(),
                error: Some("auth.second_factor_expired".into()),
                values: Default::default(),
            },
        )
        .await?;
        leptos_axum::redirect("/login");
        return Ok(());
    };
    let key = format!("2fa:{account_id}");
    let now = session::clock()?.epoch();
    let throttled = backend::services::throttle::may_try(&pool, now, &key)
        .await?
        .err();
    let ok = throttled.is_none()
        && backend::services::two_factor::verify(&pool, now, account_id, &code).await?;
    let waiting = throttled == Some(domain::throttle::Throttled::Wait);
    backend::services::throttle::record(&pool, now, &key, &session::client_ip(), ok).await?;
    if ok {
        session::sign_in(&s, account_id).await?;
        leptos_axum::redirect(safe_next(&next));
    } else {
        let message = if waiting {
            "auth.wait"
        } else {
            "auth.code_wrong"
        };
        session::set_flash(
            &s,
            Flash {
                form: "second-factor".into(),
                error: Some(message.into()),
                values: Default::default(),
            },
        )
        .await?;
        let encoded = crate::paths::encode_component(safe_next(&next));
        leptos_axum::redirect(&format!("/login/code?next={encoded}"));
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
