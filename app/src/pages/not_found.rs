//! The translated 404 page (also sets the HTTP status on the server).

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=tr("page.not_found.title") />
        <section class="message-page">
            <h1>{tr("page.not_found.title")}</h1>
            <p>{tr("page.not_found.body")}</p>
            <p><a href="/">{tr("nav.home")}</a></p>
        </section>
    }
}
