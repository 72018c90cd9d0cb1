//! The CIC (customer-service) side: staff sign-in with a mandatory TOTP code, and the staff
//! start page. Staff sessions and customer sessions never mix.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const FORM: &str = "cic-sign-in";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CicLoginView {
    pub error: Option<String>,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentItem {
    pub customer_number: String,
    pub customer_name: String,
    pub kind: String,
    pub reported_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CicHomeView {
    pub name: String,
    pub role: String,
    pub incidents: Vec<IncidentItem>,
}

#[server(endpoint = "cic/state")]
pub async fn cic_login_state() -> Result<CicLoginView, AppError> {
    let s = crate::session::session().await?;
    let flash = crate::session::take_flash(&s, FORM).await?;
    Ok(CicLoginView {
        error: flash.error,
        email: flash.values.get("email").cloned().unwrap_or_default(),
    })
}

#[server(endpoint = "cic/sign-in")]
pub async fn cic_sign_in(email: String, password: String, code: String) -> Result<(), AppError> {
    use crate::error::internal;
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let pool = session::db()?.pool;
    match backend::staff::sign_in(
        &pool,
        session::clock()?.epoch(),
        &email,
        &password,
        &code,
        &session::client_ip(),
    )
    .await
    .map_err(internal)?
    {
        Ok(staff_id) => {
            session::staff_sign_in(&s, staff_id).await?;
            leptos_axum::redirect("/cic");
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
            leptos_axum::redirect("/cic/login");
        }
    }
    Ok(())
}

#[server(endpoint = "cic/sign-out")]
pub async fn cic_sign_out() -> Result<(), AppError> {
    let s = crate::session::session().await?;
    s.flush().await.map_err(crate::error::internal)?;
    leptos_axum::redirect("/cic/login");
    Ok(())
}

/// The staff start page: open security incidents. Viewing them is written to the audit log.
#[server(endpoint = "cic/home")]
pub async fn cic_home() -> Result<Option<CicHomeView>, AppError> {
    use crate::error::internal;
    use crate::session;
    let s = session::session().await?;
    let Some(staff_id) = session::staff_id(&s).await? else {
        leptos_axum::redirect("/cic/login");
        return Ok(None);
    };
    let pool = session::db()?.pool;
    let Some(staff) = backend::staff::by_id(&pool, staff_id)
        .await
        .map_err(internal)?
        .filter(|s| s.active == 1)
    else {
        s.flush().await.map_err(internal)?;
        leptos_axum::redirect("/cic/login");
        return Ok(None);
    };
    let rows = backend::staff::open_incidents(&pool)
        .await
        .map_err(internal)?;
    backend::staff::audit(
        &pool,
        session::clock()?.epoch(),
        staff_id,
        "view_security_incidents",
        &format!("{} incidents", rows.len()),
        &session::client_ip(),
    )
    .await
    .map_err(internal)?;
    let incidents = rows
        .into_iter()
        .map(|r| IncidentItem {
            customer_number: r.customer_number,
            customer_name: format!("{} {}", r.first_name, r.last_name),
            kind: r.kind,
            reported_at: time::OffsetDateTime::from_unix_timestamp(r.created_at)
                .map(|t| {
                    format!(
                        "{} {:02}:{:02} UTC",
                        domain::format_date(t.date()),
                        t.hour(),
                        t.minute()
                    )
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok(Some(CicHomeView {
        name: staff.display_name,
        role: staff.role,
        incidents,
    }))
}
