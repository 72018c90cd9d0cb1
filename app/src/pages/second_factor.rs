//! Step two of signing in (`/login/code`) when the customer turned the second factor on.

use crate::api::auth::second_factor_state;
use crate::components::form::{Field, FormMessage};
use crate::i18n::tr;
use crate::message::Message;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let state = second_factor_state();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text=tr("page.second_factor.title") />
        <section class="form-page">
            <h1>{tr("page.second_factor.title")}</h1>
                {crate::pages::loaded(state, move |message| {
                    let message = message.unwrap_or_else(|_| Some(Message::form_error("error.internal")));
                    view! {
                        <form method="post" action="/api/auth/second-factor" class="form">
                            <FormMessage key=message.clone() />
                            <input type="hidden" name="next" value=next />
                            <Field id="code" label="second_factor.code" hint="second_factor.hint" autocomplete="one-time-code" />
                            <button type="submit" class="button primary">{tr("register.confirm")}</button>
                        </form>
                    }
                })}
            <p><a href="/login">{tr("register.back")}</a></p>
        </section>
    }
}
