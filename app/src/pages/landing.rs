//! The public landing page: what the portal is for, "Log in" and "Register".

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Landing() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero">
            <h1>{tr("landing.title")}</h1>
            <p class="lead">{tr("landing.lead")}</p>
            <div class="actions">
                <a class="button primary" href="/login">{tr("nav.login")}</a>
                <a class="button" href="/register">{tr("nav.register")}</a>
            </div>
        </section>
        <section class="features" aria-labelledby="features-title">
            <h2 id="features-title">{tr("landing.features")}</h2>
            <ul>
                <li>{tr("landing.feature.contracts")}</li>
                <li>{tr("landing.feature.invoices")}</li>
                <li>{tr("landing.feature.requests")}</li>
                <li>{tr("landing.feature.messages")}</li>
            </ul>
            <p>{tr("landing.who")}</p>
        </section>
    }
}
