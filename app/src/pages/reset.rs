//! Forgotten password (`/login/forgot`) and the page of the e-mailed link (`/login/reset`).

use crate::api::account::*;
use crate::components::form::{Field, FormMessage};
use crate::i18n::tr;
use crate::message::Message;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let state = forgot_state();
    view! {
        <Title text=tr("page.forgot.title") />
        <section class="form-page">
            <h1>{tr("page.forgot.title")}</h1>
            <p>{tr("forgot.intro")}</p>
                {crate::pages::loaded(state, move |message| {
                    let message = message.unwrap_or_else(|_| Some(Message::form_error("error.internal")));
                    view! {
                        <ActionForm action attr:class="form">
                            <FormMessage key=message.clone() />
                            <Field id="email" label="login.email" kind="email" autocomplete="username" error=message.clone() />
                            <button type="submit" class="button primary">{tr("forgot.submit")}</button>
                        </ActionForm>
                    }
                })}
            <p><a href="/login">{tr("nav.login")}</a></p>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let state = reset_state(token());
    view! {
        <Title text=tr("page.reset.title") />
        <section class="form-page">
            <h1>{tr("page.reset.title")}</h1>
                {crate::pages::loaded(state, move |result| match result {
                    Ok(v) if v.valid => view! {
                        <ActionForm action attr:class="form">
                            <FormMessage key=v.message.clone() />
                            <input type="hidden" name="token" value=token />
                            <Field id="new_password" label="security.new_password" hint="register.password.hint" kind="password" autocomplete="new-password" error=v.message.clone() />
                            <Field id="new_password_confirmation" label="register.password_confirmation" kind="password" autocomplete="new-password" />
                            <button type="submit" class="button primary">{tr("reset.submit")}</button>
                        </ActionForm>
                    }.into_any(),
                    _ => view! {
                        <div class="form-error" role="alert"><p>{tr("reset.invalid")}</p></div>
                        <p><a href="/login/forgot">{tr("page.forgot.title")}</a></p>
                    }.into_any(),
                })}
        </section>
    }
}
