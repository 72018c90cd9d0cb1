//! The customer's contact details (`/contact`): the postal address, mobile number and e-mail
//! address for correspondence on file, the open requests to change them, and the three forms
//! that file such a request. A new mobile number takes two steps: a code is sent to it, then
//! the code typed files the request (the number the code went to is kept in the session).

use super::*;
use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form names of the flashes of the contact page.
pub const ADDRESS_FORM: &str = "contact-address";
pub const MOBILE_FORM: &str = "contact-mobile";
pub const CONTACT_EMAIL_FORM: &str = "contact-email";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    /// The postal address on one line, if the back office has one.
    pub address: Option<String>,
    /// `+32 470 12 34 56`.
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// The address on file, to start the form from.
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    /// Open contact-details requests, newest first.
    pub open: Vec<RequestItem>,
    /// The number a confirmation code was sent to and not yet used (`+32 470 12 34 56`).
    pub pending_mobile: Option<String>,
    /// The form the message and values belong to (one of the form names above).
    pub form: String,
    pub message: Option<Message>,
    pub values: std::collections::HashMap<String, String>,
}

#[cfg(feature = "ssr")]
mod server {
    use crate::error::AppError;
    use tower_sessions::Session;

    /// The session key of the number a confirmation code was last sent to (E.164).
    const PENDING_MOBILE_KEY: &str = "contact.pending_mobile";

    pub async fn pending_mobile(s: &Session) -> Result<Option<String>, AppError> {
        Ok(s.get::<String>(PENDING_MOBILE_KEY).await?)
    }

    pub async fn set_pending_mobile(s: &Session, number: Option<&str>) -> Result<(), AppError> {
        match number {
            Some(n) => {
                s.insert(PENDING_MOBILE_KEY, n.to_string()).await?;
            }
            None => {
                s.remove::<String>(PENDING_MOBILE_KEY).await?;
            }
        }
        Ok(())
    }

    pub fn me(c: &crate::gate::SignedInCustomer) -> backend::services::change_requests::Customer {
        backend::services::change_requests::Customer {
            customer_id: c.customer_id,
            account_id: c.account_id,
        }
    }
}

/// The contact page: what is on file, the open requests and the forms' state.
#[server(endpoint = "customer/contact")]
pub async fn contact_page() -> Result<Option<ContactView>, AppError> {
    use crate::session;
    use domain::values::PhoneNumber;
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer("/profile/contact").await? else {
        return Ok(None);
    };
    let ctx = session::ctx()?;
    let Some(v) = backend::services::contact::view(&ctx.services(), me.customer_id).await? else {
        return Err(AppError::NotFound);
    };
    let mut flash = session::Flash::default();
    for form in [ADDRESS_FORM, MOBILE_FORM, CONTACT_EMAIL_FORM] {
        let f = session::take_flash(&s, form).await?;
        if !f.form.is_empty() {
            flash = f;
        }
    }
    let display = PhoneNumber::shown;
    let address = v.contact.address();
    let open_mobile = v
        .open
        .iter()
        .any(|r| r.kind() == Some(domain::model::RequestKind::MobileChange));
    let pending = match server::pending_mobile(&s).await? {
        // A code for a number already filed is of no more use.
        Some(_) if open_mobile => {
            server::set_pending_mobile(&s, None).await?;
            None
        }
        p => p,
    };
    Ok(Some(ContactView {
        address: address.as_ref().map(|a| a.one_line()),
        mobile: v.contact.mobile.as_deref().map(display),
        email: v.contact.email.clone(),
        street: address
            .as_ref()
            .map(|a| a.street.clone())
            .unwrap_or_default(),
        postal_code: address
            .as_ref()
            .map(|a| a.postal_code.clone())
            .unwrap_or_default(),
        city: address.as_ref().map(|a| a.city.clone()).unwrap_or_default(),
        country: address.map_or_else(|| "BE".to_string(), |a| a.country),
        open: v
            .open
            .into_iter()
            .map(super::server::request_item)
            .collect(),
        pending_mobile: pending.as_deref().map(display),
        message: flash.message(),
        form: flash.form,
        values: flash.values,
    }))
}

/// What a filing's outcome does: to the new request, or back to the form with the message and
/// what was typed.
#[cfg(feature = "ssr")]
async fn answer(
    s: &tower_sessions::Session,
    form: &str,
    filed: backend::services::change_requests::Filed,
    typed: &[(&str, &str)],
) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::change_requests::Filed;
    use domain::refusal::Refusal;
    let refused = |r: Refusal| Flash::error(form, r).with_values(typed);
    match filed {
        Filed::NotFound => return Err(AppError::NotFound),
        Filed::Filed(id) => {
            session::set_flash(s, Flash::notice(REQUESTS_FORM, "notice.change_requested")).await?;
            leptos_axum::redirect(&format!("/requests/{id}"));
            return Ok(());
        }
        Filed::Refused(r) => session::set_flash(s, refused(r)).await?,
        Filed::Duplicate(_) => session::set_flash(s, refused(Refusal::ChangeAlreadyOpen)).await?,
    }
    leptos_axum::redirect(&format!("/profile/contact#{form}"));
    Ok(())
}

/// Asks for a new postal address.
#[server(endpoint = "customer/contact/address")]
pub async fn request_address(
    #[server(default)] street: String,
    #[server(default)] postal_code: String,
    #[server(default)] city: String,
    #[server(default)] country: String,
) -> Result<(), AppError> {
    use crate::session;
    use backend::services::contact::{self, AddressForm};
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer("/profile/contact").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let filed = contact::request_address(
        &ctx.services(),
        server::me(&me),
        &AddressForm {
            street: &street,
            postal_code: &postal_code,
            city: &city,
            country: &country,
        },
    )
    .await?;
    let typed = [
        ("street", street.trim()),
        ("postal_code", postal_code.trim()),
        ("city", city.trim()),
        ("country", country.trim()),
    ];
    answer(&s, ADDRESS_FORM, filed, &typed).await
}

/// Asks for a new e-mail address for correspondence.
#[server(endpoint = "customer/contact/email")]
pub async fn request_contact_email(#[server(default)] email: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer("/profile/contact").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let filed =
        backend::services::contact::request_email(&ctx.services(), server::me(&me), &email).await?;
    answer(&s, CONTACT_EMAIL_FORM, filed, &[("email", email.trim())]).await
}

/// Step 1 of a new mobile number: sends a confirmation code to it (also "send again").
#[server(endpoint = "customer/contact/mobile-code")]
pub async fn send_mobile_code(#[server(default)] phone: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::contact::{self, MobileCode};
    use domain::refusal::Refusal;
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer("/profile/contact").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let sent = contact::send_mobile_code(&ctx.services(), server::me(&me), &phone).await?;
    let typed = [("phone", phone.trim())];
    let flash = match sent {
        MobileCode::Sent(number) => {
            server::set_pending_mobile(&s, Some(number.as_str())).await?;
            Flash::notice(MOBILE_FORM, "contact.code_sent")
        }
        MobileCode::Refused(r) => Flash::error(MOBILE_FORM, r).with_values(&typed),
        MobileCode::Duplicate(_) => {
            Flash::error(MOBILE_FORM, Refusal::ChangeAlreadyOpen).with_values(&typed)
        }
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect(&format!("/profile/contact#{MOBILE_FORM}"));
    Ok(())
}

/// Step 2 of a new mobile number: the code sent to it files the request.
#[server(endpoint = "customer/contact/mobile")]
pub async fn confirm_mobile(#[server(default)] code: String) -> Result<(), AppError> {
    use crate::session;
    use backend::services::change_requests::Filed;
    let s = session::session().await?;
    let Some(me) = crate::gate::require_customer("/profile/contact").await? else {
        return Ok(());
    };
    let ctx = session::ctx()?;
    let pending = server::pending_mobile(&s).await?;
    let filed = backend::services::contact::confirm_mobile(
        &ctx.services(),
        server::me(&me),
        pending.as_deref(),
        &code,
    )
    .await?;
    if matches!(filed, Filed::Filed(_) | Filed::Duplicate(_)) {
        server::set_pending_mobile(&s, None).await?;
    }
    answer(&s, MOBILE_FORM, filed, &[]).await
}

/// Drops the number a code was sent to, to type another one.
#[server(endpoint = "customer/contact/mobile-other")]
pub async fn other_mobile() -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    if crate::gate::require_customer("/profile/contact")
        .await?
        .is_none()
    {
        return Ok(());
    }
    server::set_pending_mobile(&s, None).await?;
    leptos_axum::redirect(&format!("/profile/contact#{MOBILE_FORM}"));
    Ok(())
}
