//! "My contact details" (`/profile/contact`): what the back office has on file, the open
//! requests to change it, and one form per detail. The back office owns these details, so
//! each form files a request the CIC approves; a new mobile number is first confirmed with a
//! code sent to it.

use crate::api::customer::{
    ADDRESS_FORM, CONTACT_EMAIL_FORM, ConfirmMobile, ContactView, MOBILE_FORM, OtherMobile,
    RequestAddress, RequestContactEmail, RequestItem, SendMobileCode, contact_page,
};
use crate::components::form::{Field, FormMessage};
use crate::components::lists::RequestList;
use crate::i18n::{tr, trf};
use crate::message::Message;
use crate::pages::documents::select;
use crate::pages::not_found::NotFound;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Copy)]
struct Actions {
    address: ServerAction<RequestAddress>,
    email: ServerAction<RequestContactEmail>,
    code: ServerAction<SendMobileCode>,
    confirm: ServerAction<ConfirmMobile>,
    other: ServerAction<OtherMobile>,
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let a = Actions {
        address: ServerAction::new(),
        email: ServerAction::new(),
        code: ServerAction::new(),
        confirm: ServerAction::new(),
        other: ServerAction::new(),
    };
    let data = contact_page();
    view! {
        <Title text=tr("page.contact.title") />
        <h1>{tr("page.contact.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => contact_view(v, a).into_any(),
            Ok(None) => view! { <p><a href="/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

/// The message and typed values of `form`, if the last answer was about it.
fn for_form(
    v: &ContactView,
    form: &str,
) -> (Option<Message>, std::collections::HashMap<String, String>) {
    if v.form == form {
        (v.message.clone(), v.values.clone())
    } else {
        (None, Default::default())
    }
}

/// The open request of `kind`, instead of its form: one at a time.
fn open_of(open: &[RequestItem], kind: &str) -> Option<AnyView> {
    let r = open.iter().find(|r| r.kind == kind)?;
    Some(crate::pages::changes::open_request_notice(
        r.id,
        &r.reference,
    ))
}

fn contact_view(v: ContactView, a: Actions) -> impl IntoView {
    let none = || "—".to_string();
    let (address, mobile, email) = (
        address_section(&v, a.address),
        mobile_section(&v, a),
        email_section(&v, a.email),
    );
    view! {
        <p>{tr("contact.intro")}</p>
        <dl class="facts">
            <dt>{tr("contact.address")}</dt><dd>{v.address.clone().unwrap_or_else(none)}</dd>
            <dt>{tr("contact.mobile")}</dt><dd>{v.mobile.clone().unwrap_or_else(none)}</dd>
            <dt>{tr("contact.email")}</dt><dd>{v.email.clone().unwrap_or_else(none)}</dd>
        </dl>
        <p class="hint">{tr("contact.sign_in_email")}" "<a href="/profile/security">{tr("page.security.title")}</a></p>
        {(!v.open.is_empty()).then(|| view! {
            <section aria-labelledby="contact-open">
                <h2 id="contact-open">{tr("contact.open")}</h2>
                <RequestList items=v.open.clone() cancellable=true back="/profile/contact" />
            </section>
        })}
        {address}
        {mobile}
        {email}
    }
}

fn address_section(v: &ContactView, action: ServerAction<RequestAddress>) -> AnyView {
    let (message, values) = for_form(v, ADDRESS_FORM);
    let typed = |k: &str, on_file: &str| {
        values
            .get(k)
            .cloned()
            .unwrap_or_else(|| on_file.to_string())
    };
    let street = typed("street", &v.street);
    let postal_code = typed("postal_code", &v.postal_code);
    let city = typed("city", &v.city);
    let country = typed("country", &v.country);
    let countries: Vec<(String, String)> = domain::contact::COUNTRIES
        .iter()
        .map(|c| (c.to_string(), tr(&format!("country.{c}")).to_string()))
        .collect();
    let body = match open_of(&v.open, "address_change") {
        Some(open) => open,
        None => view! {
            <ActionForm action=action attr:class="form">
                <FormMessage key=message.clone() />
                <Field id="street" label="contact.street" hint="contact.street.hint" autocomplete="street-address" value=street error=message.clone() />
                <Field id="postal_code" label="contact.postal_code" autocomplete="postal-code" value=postal_code error=message.clone() />
                <Field id="city" label="contact.city" autocomplete="address-level2" value=city error=message.clone() />
                {select("country", "contact.country", None, &country, countries, &message)}
                <button type="submit" class="button primary">{tr("contact.address.submit")}</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <section id=ADDRESS_FORM aria-labelledby="contact-address">
            <h2 id="contact-address">{tr("contact.address.title")}</h2>
            {body}
        </section>
    }
    .into_any()
}

fn mobile_section(v: &ContactView, a: Actions) -> AnyView {
    let (message, values) = for_form(v, MOBILE_FORM);
    let phone = values.get("phone").cloned().unwrap_or_default();
    let body = open_of(&v.open, "mobile_change").unwrap_or_else(|| match v.pending_mobile.clone() {
        Some(number) => {
            let again = number.clone();
            view! {
            <ActionForm action=a.confirm attr:class="form">
                <FormMessage key=message.clone() />
                <p>{trf("contact.code_sent_to", &[("number", &number)])}</p>
                <Field id="code" label="contact.code" hint="contact.code.hint" inputmode="numeric" autocomplete="one-time-code" error=message.clone() />
                <button type="submit" class="button primary">{tr("contact.mobile.submit")}</button>
            </ActionForm>
            <div class="actions">
                <ActionForm action=a.code attr:class="inline-form">
                    <input type="hidden" name="phone" value=again />
                    <button type="submit" class="button">{tr("contact.code_again")}</button>
                </ActionForm>
                <ActionForm action=a.other attr:class="inline-form">
                    <button type="submit" class="button">{tr("contact.other_number")}</button>
                </ActionForm>
            </div>
            }
            .into_any()
        }
        None => view! {
            <ActionForm action=a.code attr:class="form">
                <FormMessage key=message.clone() />
                <p>{tr("contact.mobile.intro")}</p>
                <Field id="phone" label="contact.new_mobile" hint="contact.new_mobile.hint" kind="tel" autocomplete="tel" value=phone error=message.clone() />
                <button type="submit" class="button primary">{tr("contact.send_code")}</button>
            </ActionForm>
        }
        .into_any(),
    });
    view! {
        <section id=MOBILE_FORM aria-labelledby="contact-mobile">
            <h2 id="contact-mobile">{tr("contact.mobile.title")}</h2>
            {body}
        </section>
    }
    .into_any()
}

fn email_section(v: &ContactView, action: ServerAction<RequestContactEmail>) -> AnyView {
    let (message, values) = for_form(v, CONTACT_EMAIL_FORM);
    let email = values.get("email").cloned().unwrap_or_default();
    let body = open_of(&v.open, "contact_email_change").unwrap_or_else(|| {
        view! {
            <ActionForm action=action attr:class="form">
                <FormMessage key=message.clone() />
                <Field id="email" label="contact.new_email" hint="contact.new_email.hint" kind="email" autocomplete="email" value=email error=message.clone() />
                <button type="submit" class="button primary">{tr("contact.email.submit")}</button>
            </ActionForm>
        }
        .into_any()
    });
    view! {
        <section id=CONTACT_EMAIL_FORM aria-labelledby="contact-email">
            <h2 id="contact-email">{tr("contact.email.title")}</h2>
            {body}
        </section>
    }
    .into_any()
}
