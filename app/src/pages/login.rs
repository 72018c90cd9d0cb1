//! Sign-in (`/login`): e-mail and password; `?next=` brings the person back to the page they
//! wanted.

use crate::api::auth::sign_in_state;
use crate::components::form::{Field, FormMessage};
use crate::i18n::tr;
use crate::message::Message;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let state = sign_in_state();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text=tr("page.login.title") />
        <section class="form-page">
            <h1>{tr("page.login.title")}</h1>
                {crate::pages::loaded(state, move |result| {
                    let v = result.unwrap_or_else(|_| crate::api::auth::SignInView { message: Some(Message::form_error("error.internal")), email: String::new(), signed_in: false });
                    view! {
                        {v.signed_in.then(|| view! { <p class="notice" role="status">{tr("login.already")}" "<a href="/dashboard">{tr("page.dashboard.title")}</a></p> })}
                        <form method="post" action="/api/auth/sign-in" class="form">
                            <FormMessage key=v.message.clone() />
                            <input type="hidden" name="next" value=next />
                            <Field id="email" label="login.email" value=v.email.clone() kind="email" autocomplete="username" />
                            <Field id="password" label="login.password" kind="password" autocomplete="current-password" />
                            <button type="submit" class="button primary">{tr("login.submit")}</button>
                        </form>
                    }
                })}
            <p><a href="/login/forgot">{tr("login.forgot")}</a></p>
            <p>{tr("login.no_account")}" "<a href="/register">{tr("nav.register")}</a></p>
            <aside class="help">
                <h2>{tr("security.compromised.title")}</h2>
                <p>{tr("login.compromised_help")}</p>
            </aside>
        </section>
    }
}
