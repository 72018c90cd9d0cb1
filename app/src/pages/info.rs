//! The public information pages: terms of use, privacy policy and cookie policy. Each is a
//! title and paragraphs from the translation files, printable as they are.

use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;

/// `page` is `terms`, `privacy` or `cookies`; its texts are `page.<page>.title` and
/// `page.<page>.p1`… `page.<page>.p4`.
#[component]
pub fn InfoPage(page: &'static str) -> impl IntoView {
    let (title, paragraphs): (&str, [&str; 4]) = match page {
        "terms" => (
            "page.terms.title",
            [
                "page.terms.p1",
                "page.terms.p2",
                "page.terms.p3",
                "page.terms.p4",
            ],
        ),
        "privacy" => (
            "page.privacy.title",
            [
                "page.privacy.p1",
                "page.privacy.p2",
                "page.privacy.p3",
                "page.privacy.p4",
            ],
        ),
        _ => (
            "page.cookies.title",
            [
                "page.cookies.p1",
                "page.cookies.p2",
                "page.cookies.p3",
                "page.cookies.p4",
            ],
        ),
    };
    view! {
        <Title text=tr(title) />
        <article class="info-page">
            <h1>{tr(title)}</h1>
            {paragraphs.into_iter().map(|p| view! { <p>{tr(p)}</p> }).collect_view()}
        </article>
    }
}
