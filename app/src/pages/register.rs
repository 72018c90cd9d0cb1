//! Registration (`/register`): one page that shows the step the session is at. Every step is
//! a plain form; with JavaScript it is sent in the background and the page updates, without
//! it the browser posts and is redirected back here.

use crate::api::registration::*;
use crate::components::form::{Field, FormMessage};
use crate::i18n::{tr, trf};
use crate::message::Message;
use domain::registration::Step;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Copy)]
struct Actions {
    start: ServerAction<RegisterStart>,
    code: ServerAction<RegisterCode>,
    details: ServerAction<RegisterDetails>,
    email_code: ServerAction<RegisterEmailCode>,
    contract: ServerAction<RegisterContract>,
    contract_code: ServerAction<RegisterContractCode>,
    terms_decline: ServerAction<RegisterTerms>,
    resend: ServerAction<RegisterResend>,
    back: ServerAction<RegisterBack>,
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let a = Actions {
        start: ServerAction::new(),
        code: ServerAction::new(),
        details: ServerAction::new(),
        email_code: ServerAction::new(),
        contract: ServerAction::new(),
        contract_code: ServerAction::new(),
        terms_decline: ServerAction::new(),
        resend: ServerAction::new(),
        back: ServerAction::new(),
    };
    let version = move || {
        a.start.version().get()
            + a.code.version().get()
            + a.details.version().get()
            + a.email_code.version().get()
            + a.contract.version().get()
            + a.contract_code.version().get()
            + a.terms_decline.version().get()
            + a.resend.version().get()
            + a.back.version().get()
    };
    let state = Resource::new(version, |_| registration_state());
    view! {
        <Title text=tr("page.register.title") />
        <section class="form-page">
            <h1>{tr("page.register.title")}</h1>
            <Suspense fallback=|| view! { <p>{tr("common.loading")}</p> }>
                {move || {
                    state.get().map(|result| match result {
                        Ok(view) => step_view(view, a).into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

fn step_number(step: Option<Step>) -> usize {
    match step {
        None => 1,
        Some(Step::CustomerNumber | Step::Code) => 2,
        Some(Step::Details) => 3,
        Some(Step::EmailCode) => 4,
        Some(Step::Contract) => 5,
        Some(Step::ContractCode) => 6,
        Some(Step::Terms | Step::Declined) => 7,
    }
}

fn step_view(v: RegistrationView, a: Actions) -> impl IntoView {
    let n = step_number(v.step).to_string();
    let progress = trf("register.progress", &[("step", &n), ("total", "7")]);
    let value = |k: &str| v.values.get(k).cloned().unwrap_or_default();
    let (customer_number, first_name, last_name, email, contract_number) = (
        value("customer_number"),
        value("first_name"),
        value("last_name"),
        value("email"),
        value("contract_number"),
    );
    let error = v.message.clone();
    let wait = v.resend_wait;
    let terms_version = trf("register.terms.version", &[("version", &v.terms_version)]);
    let body = match v.step {
        None | Some(Step::CustomerNumber) => view! {
            <ActionForm action=a.start attr:class="form">
                <FormMessage key=error.clone() />
                <p>{tr("register.intro")}</p>
                <Field id="customer_number" label="register.customer_number" hint="register.customer_number.hint"
                    value=customer_number.clone() inputmode="numeric" autocomplete="off" error=error.clone() />
                <button type="submit" class="button primary">{tr("register.request_code")}</button>
            </ActionForm>
        }
        .into_any(),
        Some(Step::Code) => view! {
            <ActionForm action=a.code attr:class="form">
                {code_fields(error.clone(), "register.code.sent", a.code.pending().into())}
            </ActionForm>
            {resend_and_back(wait, a, "register.restart")}
        }
        .into_any(),
        Some(Step::Details) => view! {
            <ActionForm action=a.details attr:class="form">
                <FormMessage key=error.clone() />
                <h2>{tr("register.details.title")}</h2>
                <Field id="first_name" label="register.first_name" value=first_name.clone() autocomplete="given-name" error=error.clone() />
                <Field id="last_name" label="register.last_name" value=last_name.clone() autocomplete="family-name" error=error.clone() />
                <Field id="email" label="register.email" hint="register.email.hint" value=email.clone() kind="email" autocomplete="email" error=error.clone() />
                <Field id="password" label="register.password" hint="register.password.hint" kind="password" autocomplete="new-password" error=error.clone() />
                <Field id="password_confirmation" label="register.password_confirmation" kind="password" autocomplete="new-password" />
                <button type="submit" class="button primary">{tr("register.next")}</button>
            </ActionForm>
            <BackButton action=a.back label="register.restart" />
        }
        .into_any(),
        Some(Step::EmailCode) => view! {
            <ActionForm action=a.email_code attr:class="form">
                {code_fields(error.clone(), "register.email_code.sent", a.email_code.pending().into())}
            </ActionForm>
            {resend_and_back(wait, a, "register.email_code.back")}
        }
        .into_any(),
        Some(Step::Contract) => view! {
            <ActionForm action=a.contract attr:class="form">
                <FormMessage key=error.clone() />
                <h2>{tr("register.contract.title")}</h2>
                <p>{tr("register.contract.intro")}</p>
                <Field id="contract_number" label="register.contract_number" hint="register.contract_number.hint"
                    value=contract_number.clone() autocomplete="off" error=error.clone() />
                <button type="submit" class="button primary">{tr("register.request_code")}</button>
            </ActionForm>
            <BackButton action=a.back label="register.back" />
        }
        .into_any(),
        Some(Step::ContractCode) => view! {
            <ActionForm action=a.contract_code attr:class="form">
                {code_fields(error.clone(), "register.contract_code.sent", a.contract_code.pending().into())}
            </ActionForm>
            {resend_and_back(wait, a, "register.restart")}
        }
        .into_any(),
        Some(Step::Terms) => view! {
            <FormMessage key=error.clone() />
            <h2>{tr("page.terms.title")}</h2>
            <p>{terms_version.clone()}</p>
            <div class="terms-box" tabindex="0" role="region" aria-label=tr("page.terms.title")>
                <p>{tr("page.terms.p1")}</p>
                <p>{tr("page.terms.p2")}</p>
                <p>{tr("page.terms.p3")}</p>
                <p>{tr("page.terms.p4")}</p>
            </div>
            <p><a href="/terms" target="_blank">{tr("register.terms.print")}</a></p>
            <div class="actions">
                <form method="post" action="/api/register/terms">
                    <input type="hidden" name="decision" value="accept" />
                    <button type="submit" class="button primary">{tr("register.terms.accept")}</button>
                </form>
                <ActionForm action=a.terms_decline>
                    <input type="hidden" name="decision" value="decline" />
                    <button type="submit" class="button">{tr("register.terms.decline")}</button>
                </ActionForm>
            </div>
            <BackButton action=a.back label="register.back" />
        }
        .into_any(),
        Some(Step::Declined) => view! {
            <div class="form-error" role="alert">
                <h2>{tr("register.declined.title")}</h2>
                <p>{tr("register.declined.body")}</p>
            </div>
            <BackButton action=a.back label="register.restart" />
        }
        .into_any(),
    };
    view! {
        <p class="progress">{progress}</p>
        {body}
        <aside class="help">
            <h2>{tr("register.help.title")}</h2>
            <p>{tr("register.help.body")}</p>
        </aside>
    }
}

/// The code step. While a code is being checked the button is disabled: a double click must not
/// spend two of the five attempts.
fn code_fields(
    error: Option<Message>,
    sent_key: &'static str,
    checking: Signal<bool>,
) -> impl IntoView {
    view! {
        <FormMessage key=error.clone() />
        <p>{tr(sent_key)}</p>
        <Field id="code" label="register.code" hint="register.code.hint" inputmode="numeric"
            autocomplete="one-time-code" error=error.clone() />
        <button type="submit" class="button primary" disabled=move || checking.get()>{tr("register.confirm")}</button>
    }
}

/// "Send again" and a way back (`back_label`: start again, or correct the e-mail address).
fn resend_and_back(wait: i64, a: Actions, back_label: &'static str) -> impl IntoView {
    view! {
        <ActionForm action=a.resend attr:class="inline-form">
            {(wait > 0).then(|| view! { <p class="hint">{trf("register.resend_wait", &[("seconds", &wait.to_string())])}</p> })}
            <button type="submit" class="button link">{tr("register.resend")}</button>
        </ActionForm>
        <BackButton action=a.back label=back_label />
    }
}

#[component]
fn BackButton(action: ServerAction<RegisterBack>, label: &'static str) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline-form">
            <button type="submit" class="button link">{tr(label)}</button>
        </ActionForm>
    }
}
