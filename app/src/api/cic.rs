//! The CIC (customer-service) side: staff sign-in with a mandatory TOTP code, and the staff
//! start page. Staff sessions and customer sessions never mix.

use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const FORM: &str = "cic-sign-in";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CicLoginView {
    pub message: Option<Message>,
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
    /// Admins: when the last verification found the audit chain broken, when that was.
    pub chain_broken: Option<String>,
}

#[server(endpoint = "cic/state")]
pub async fn cic_login_state() -> Result<CicLoginView, AppError> {
    let s = crate::session::session().await?;
    let flash = crate::session::take_flash(&s, FORM).await?;
    Ok(CicLoginView {
        message: flash.message(),
        email: flash.values.get("email").cloned().unwrap_or_default(),
    })
}

#[server(endpoint = "cic/sign-in")]
pub async fn cic_sign_in(email: String, password: String, code: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    let s = session::session().await?;
    let pool = session::db()?.pool;
    match backend::services::auth::staff_sign_in(
        &pool,
        session::clock()?.epoch(),
        &email,
        &password,
        &code,
        &session::client_ip(),
    )
    .await?
    {
        Ok(staff_id) => {
            session::staff_sign_in(&s, staff_id).await?;
            leptos_axum::redirect("/cic");
        }
        Err(refusal) => {
            session::set_flash(
                &s,
                Flash::error(FORM, refusal).with_values(&[("email", email.trim())]),
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
    s.flush().await?;
    leptos_axum::redirect("/cic/login");
    Ok(())
}

/// A time as `dd/mm/yyyy hh:mm UTC`.
#[cfg(feature = "ssr")]
fn stamp(epoch: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .map(|t| {
            format!(
                "{} {:02}:{:02} UTC",
                domain::format_date(t.date()),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// The staff start page: open security incidents (any staff role). Reading them is written to
/// the audit log in the same transaction.
#[server(endpoint = "cic/home")]
pub async fn cic_home() -> Result<Option<CicHomeView>, AppError> {
    use crate::session;
    use backend::services::staff_access::{Note, read_audited};
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let origin = crate::gate::Origin::current();
    let rows = read_audited(
        &session::db()?,
        session::clock()?.epoch(),
        origin.reader(staff.staff_id),
        "view_security_incidents",
        |reads| Box::pin(backend::store::incidents::open(reads)),
        |rows| Note::detail(format!("{} incidents", rows.len())),
    )
    .await?;
    let incidents = rows
        .into_iter()
        .map(|r| IncidentItem {
            customer_number: r.customer_number,
            customer_name: format!("{} {}", r.first_name, r.last_name),
            kind: r.kind,
            reported_at: stamp(r.created_at),
        })
        .collect();
    let chain_broken = if staff.role == StaffRole::Admin {
        backend::services::audit_trail::chain_state(&session::db()?.pool)
            .await?
            .filter(|(_, ok, _)| !ok)
            .map(|(at, _, _)| stamp(at))
    } else {
        None
    };
    Ok(Some(CicHomeView {
        chain_broken,
        name: staff.name,
        role: staff.role.code().to_string(),
        incidents,
    }))
}
