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

/// Only local paths are followed after sign-in.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local { next } else { "/dashboard" }
}

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
    use crate::error::internal;
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let db = session::db()?;
    let next = next.unwrap_or_default();
    match backend::auth::sign_in(&db.pool, &email, &password, &session::client_ip())
        .await
        .map_err(internal)?
    {
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
                    crate::components::layout::encode_component(safe_next(&next))
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
    session::signed_in(&s, &session::db()?.pool).await
}

/// "Stay signed in": counts as activity, so the idle timeout starts again. `false` when the
/// session already ended.
#[server(endpoint = "auth/keep-alive")]
pub async fn keep_alive() -> Result<bool, AppError> {
    use crate::session;
    let s = session::session().await?;
    if session::account_id(&s).await?.is_some() {
        session::mark_active(&s, true).await?;
        Ok(true)
    } else {
        Ok(false)
    }
}

/// Ends the session on the server (not only the cookie).
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    let s = crate::session::session().await?;
    crate::session::sign_out(&s).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_next_paths() {
        assert_eq!(super::safe_next("/contracts/1"), "/contracts/1");
        assert_eq!(super::safe_next("//evil.example"), "/dashboard");
        assert_eq!(super::safe_next("https://evil.example"), "/dashboard");
        assert_eq!(super::safe_next(""), "/dashboard");
    }
}
