//! Staff administration (`/cic/staff`, admins only; agents get 403): the list of colleagues,
//! inviting one, deactivating, reactivating, resetting a second factor and changing a role on
//! the version the page showed. And the colleague's side: the set-up page a link leads to
//! (`/cic/setup?token=…`), where they choose a password and enrol an authenticator.

use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const STAFF_FORM: &str = "staff";
#[cfg(feature = "ssr")]
const SETUP_FORM: &str = "staff-setup";
/// The session key of the authenticator secret shown on the set-up page (sealed), with the
/// token it belongs to.
#[cfg(feature = "ssr")]
const SETUP_SECRET_KEY: &str = "staff_setup_secret";

/// One colleague as the list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffItem {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    /// `active`, `inactive` or `invited` (set-up link not used yet).
    pub state: String,
    pub version: i64,
    pub is_me: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffListView {
    pub members: Vec<StaffItem>,
    pub message: Option<Message>,
    pub values: std::collections::HashMap<String, String>,
}

/// The staff list (admins).
#[server(endpoint = "cic/staff")]
pub async fn staff_list() -> Result<Option<StaffListView>, AppError> {
    use crate::session;
    use domain::model::StaffRole;
    let Some(me) = crate::gate::require_staff(StaffRole::Admin).await? else {
        return Ok(None);
    };
    let s = session::session().await?;
    let flash = session::take_flash(&s, STAFF_FORM).await?;
    let rows = backend::store::staff::list(&session::db()?.pool).await?;
    let members = rows
        .into_iter()
        .map(|r| StaffItem {
            is_me: r.id == me.staff_id,
            state: if r.active == 0 {
                "inactive"
            } else if r.setup_pending == 1 {
                "invited"
            } else {
                "active"
            }
            .into(),
            id: r.id,
            name: r.display_name,
            email: r.email,
            role: r.role,
            version: r.version,
        })
        .collect();
    Ok(Some(StaffListView {
        members,
        message: flash.message(),
        values: flash.values,
    }))
}

/// Invites a colleague (admins): the set-up link goes to their address.
#[server(endpoint = "cic/invite-staff")]
pub async fn invite_staff(
    #[server(default)] name: String,
    #[server(default)] email: String,
    #[server(default)] role: String,
    #[server(default)] lang: String,
) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use domain::model::StaffRole;
    let Some(me) = crate::gate::require_staff(StaffRole::Admin).await? else {
        return Ok(());
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let outcome = backend::services::staff_admin::invite(
        &ctx.services(),
        origin.reader(me.staff_id),
        &name,
        &email,
        &role,
        &lang,
    )
    .await?;
    let flash = match outcome {
        Ok(_) => Flash::notice(STAFF_FORM, "staff.invited"),
        Err(r) => Flash::error(STAFF_FORM, r).with_values(&[
            ("name", name.trim()),
            ("email", email.trim()),
            ("role", role.trim()),
            ("lang", lang.trim()),
        ]),
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect("/cic/staff");
    Ok(())
}

/// Changes a colleague (admins): `change` is `deactivate`, `reactivate`,
/// `reset_second_factor`, `role_agent` or `role_admin`; `version` is the one the page showed
/// (a changed account: the page says so, an API client gets 409).
#[server(endpoint = "cic/change-staff")]
pub async fn change_staff(id: String, version: String, change: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::staff_admin::{self, Outcome};
    use domain::model::StaffRole;
    use domain::refusal::Refusal;
    use domain::staff_admin::StaffChange;
    let Some(me) = crate::gate::require_staff(StaffRole::Admin).await? else {
        return Ok(());
    };
    let (Ok(id), Ok(version)) = (id.trim().parse::<i64>(), version.trim().parse::<i64>()) else {
        return Err(AppError::BadRequest);
    };
    let change = match change.trim() {
        "deactivate" => StaffChange::Deactivate,
        "reactivate" => StaffChange::Reactivate,
        "reset_second_factor" => StaffChange::ResetSecondFactor,
        "role_agent" => StaffChange::Role(StaffRole::Agent),
        "role_admin" => StaffChange::Role(StaffRole::Admin),
        _ => return Err(AppError::BadRequest),
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let outcome = staff_admin::change(
        &ctx.services(),
        origin.reader(me.staff_id),
        id,
        version,
        change,
    )
    .await?;
    let flash = match outcome {
        Outcome::NotFound => return Err(AppError::NotFound),
        Outcome::Refused(Refusal::StaffStale) if !session::is_form_post() => {
            return Err(AppError::Conflict);
        }
        Outcome::Refused(r) => Flash::error(STAFF_FORM, r),
        Outcome::Done => Flash::notice(
            STAFF_FORM,
            match change {
                StaffChange::Deactivate => "staff.done.deactivate_staff",
                StaffChange::Reactivate => "staff.done.reactivate_staff",
                StaffChange::ResetSecondFactor => "staff.done.reset_staff_second_factor",
                StaffChange::Role(_) => "staff.done.change_staff_role",
            },
        ),
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect("/cic/staff");
    Ok(())
}

/// The set-up page of a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    /// False: the link is unknown, used or expired (the page says so and nothing else).
    pub valid: bool,
    pub name: String,
    pub email: String,
    pub needs_password: bool,
    /// The authenticator key as text and as a QR image URL.
    pub key: String,
    pub qr: Option<String>,
    pub message: Option<Message>,
}

/// Shows the set-up page: a new authenticator key is made for it and kept (sealed) in the
/// session until a first code confirms it.
#[server(endpoint = "cic/setup-state")]
pub async fn setup_state(#[server(default)] token: String) -> Result<SetupView, AppError> {
    use crate::api::account::{open_from_session, seal_for_session};
    use crate::session;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let flash = session::take_flash(&s, SETUP_FORM).await?;
    let mut view = SetupView {
        valid: false,
        name: String::new(),
        email: String::new(),
        needs_password: false,
        key: String::new(),
        qr: None,
        message: flash.message(),
    };
    let Some(account) =
        backend::services::staff_admin::setup_account(&ctx.services(), &token).await?
    else {
        return Ok(view);
    };
    let token = token.trim().to_string();
    let kept = match s.get::<(String, String)>(SETUP_SECRET_KEY).await? {
        Some((for_token, sealed)) if for_token == token => Some(open_from_session(&sealed)?),
        _ => None,
    };
    let secret = match kept {
        Some(secret) => secret,
        None => {
            let secret = backend::infra::totp::new_secret();
            s.insert(
                SETUP_SECRET_KEY,
                (token.clone(), seal_for_session(&secret)?),
            )
            .await?;
            secret
        }
    };
    let url = backend::services::two_factor::otpauth_url(
        &format!("{} CIC", ctx.branding.company_name),
        &account.email,
        &secret,
    );
    view.qr = backend::services::two_factor::qr_svg(&url).map(|svg| {
        format!(
            "data:image/svg+xml;utf8,{}",
            crate::paths::encode_component(&svg)
        )
    });
    view.valid = true;
    view.name = account.name;
    view.email = account.email;
    view.needs_password = account.needs_password;
    view.key = secret;
    Ok(view)
}

/// Completes the set-up: the password (for a new colleague), the authenticator's first code;
/// then to the staff sign-in with a notice.
#[server(endpoint = "cic/setup")]
pub async fn complete_setup(
    #[server(default)] token: String,
    #[server(default)] password: String,
    #[server(default)] password_confirmation: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    use crate::api::account::open_from_session;
    use crate::session::{self, Flash};
    use backend::services::staff_admin::{self, SetupInput};
    use domain::refusal::Refusal;
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let token = token.trim().to_string();
    let secret = match s.get::<(String, String)>(SETUP_SECRET_KEY).await? {
        Some((for_token, sealed)) if for_token == token => Some(open_from_session(&sealed)?),
        _ => None,
    };
    let back = format!(
        "/cic/setup?token={}",
        crate::paths::encode_component(&token)
    );
    let Some(secret) = secret else {
        // The page was not shown in this browser (or the session ran out): show it again.
        session::set_flash(&s, Flash::error(SETUP_FORM, Refusal::CodeWrong)).await?;
        leptos_axum::redirect(&back);
        return Ok(());
    };
    let outcome = staff_admin::complete_setup(
        &ctx.services(),
        &SetupInput {
            token: &token,
            password: &password,
            confirmation: &password_confirmation,
            secret: &secret,
            code: &code,
            ip: &session::client_ip(),
        },
    )
    .await?;
    match outcome {
        Ok(()) => {
            s.remove::<(String, String)>(SETUP_SECRET_KEY).await?;
            session::set_flash(&s, Flash::notice("cic-sign-in", "staff.setup_done")).await?;
            leptos_axum::redirect(crate::paths::STAFF_SIGN_IN);
        }
        Err(r) => {
            session::set_flash(&s, Flash::error(SETUP_FORM, r)).await?;
            leptos_axum::redirect(&back);
        }
    }
    Ok(())
}
