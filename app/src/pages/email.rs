//! The page of the link sent to a new e-mail address (`/profile/email?token=…`): one button
//! confirms the change (opening the link alone changes nothing).

use crate::api::account::*;
use crate::components::form::FormMessage;
use crate::i18n::{tr, trf};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn EmailConfirmPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let state = email_confirm_state(token());
    view! {
        <Title text=tr("page.email_confirm.title") />
        <section class="form-page">
            <h1>{tr("page.email_confirm.title")}</h1>
                {crate::pages::loaded(state, move |r| match r {
                    Ok(v) => {
                        let form = v.new_email.clone().map(|email| view! {
                            <ActionForm action attr:class="form">
                                <p>{trf("email_confirm.question", &[("email", &email)])}</p>
                                <input type="hidden" name="token" value=token />
                                <button type="submit" class="button primary">{tr("email_confirm.submit")}</button>
                            </ActionForm>
                        });
                        let invalid = (v.new_email.is_none() && v.message.is_none())
                            .then(|| view! { <div class="form-error" role="alert"><p>{tr("email_change.invalid")}</p></div> });
                        view! { <FormMessage key=v.message.clone() />{invalid}{form} }.into_any()
                    }
                    Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
                })}
        </section>
    }
}

/// The page of the "this was not me" link in the notice to the old address
/// (`/profile/email/not-me?token=…`): one button cancels the change and secures the account.
#[component]
pub fn NotMePage() -> impl IntoView {
    let action = ServerAction::<NotMe>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let state = not_me_state(token());
    view! {
        <Title text=tr("page.not_me.title") />
        <section class="form-page">
            <h1>{tr("page.not_me.title")}</h1>
                {crate::pages::loaded(state, move |r| match r {
                    Ok(v) => {
                        let form = v.new_email.clone().map(|email| view! {
                            <ActionForm action attr:class="form">
                                <p>{trf("not_me.intro", &[("email", &email)])}</p>
                                <input type="hidden" name="token" value=token />
                                <button type="submit" class="button primary">{tr("not_me.submit")}</button>
                            </ActionForm>
                        });
                        let invalid = (v.new_email.is_none() && v.message.is_none())
                            .then(|| view! { <div class="form-error" role="alert"><p>{tr("email_change.invalid")}</p></div> });
                        view! { <FormMessage key=v.message.clone() />{invalid}{form} }.into_any()
                    }
                    Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
                })}
        </section>
    }
}
