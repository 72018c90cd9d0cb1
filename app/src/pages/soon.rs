//! Sign-in and registration are delivered by the registration issue; until then their links
//! lead here and say honestly what to do meanwhile.

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ComingSoon(title_key: &'static str) -> impl IntoView {
    view! {
        <Title text=tr(title_key) />
        <section class="message-page">
            <h1>{tr(title_key)}</h1>
            <p>{tr("page.soon.body")}</p>
            <p><a href="/">{tr("nav.home")}</a></p>
        </section>
    }
}
