//! Sessions, the password change and "someone else may know my password".

#[cfg(feature = "ssr")]
use super::*;
use crate::error::AppError;
use crate::message::Message;
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
    pub message: Option<Message>,
}

#[server(endpoint = "account/security")]
pub async fn get_security() -> Result<Option<SecurityView>, AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some((account, current)) = server::signed_in(&s, "/profile/security").await? else {
        return Ok(None);
    };
    let message = session::take_flash(&s, server::SECURITY_FORM)
        .await?
        .message();
    let db = session::db()?;
    let rows = backend::store::logins::list(db.reads().await?, account.id).await?;
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
    server::flash(
        &s,
        session::Flash::notice(server::SECURITY_FORM, "notice.session_ended"),
    )
    .await?;
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
    server::flash(
        &s,
        session::Flash::notice("sign-in", "notice.signed_out_everywhere"),
    )
    .await?;
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
        (&new_password, &new_password_confirmation),
        &login_id,
        &session::client_ip(),
        session::lang(),
    )
    .await?;
    if outcome.is_ok() {
        // A privilege-relevant change: the session id is renewed too.
        s.cycle_id().await?;
    }
    server::flash(
        &s,
        session::Flash::outcome(server::SECURITY_FORM, outcome, "notice.password_changed"),
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
    server::flash(&s, session::Flash::notice("sign-in", "notice.compromised")).await?;
    leptos_axum::redirect("/login");
    Ok(())
}
