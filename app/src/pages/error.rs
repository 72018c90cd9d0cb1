//! The translated error page: shown when something failed on the server. It never shows the
//! cause (that is in the server log); it tells the person what they can do.

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ErrorPage() -> impl IntoView {
    view! {
        <Title text=tr("page.error.title") />
        <section class="message-page">
            <h1>{tr("page.error.title")}</h1>
            <p>{tr("page.error.body")}</p>
            <p><a href="/">{tr("nav.home")}</a></p>
        </section>
    }
}
