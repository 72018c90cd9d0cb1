//! Translation helpers for components: the page's language comes from the [`SiteInfo`] context
//! (fixed for one page load; switching language reloads the page through `/lang/{code}`).

use domain::{Lang, SiteInfo, i18n};
use leptos::prelude::*;

/// The language of the page being rendered.
pub fn lang() -> Lang {
    // Borrowed, not cloned: this runs for every text on a page.
    with_context::<SiteInfo, _>(|s| s.lang).unwrap_or_default()
}

/// The text for `key` in the page's language.
pub fn tr(key: &str) -> &'static str {
    i18n::t(lang(), key)
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn trf(key: &str, args: &[(&str, &str)]) -> String {
    i18n::tf(lang(), key, args)
}

/// A count's text in the plural form `n` takes (`{key}.one`, `{key}.other`, …), with `{n}`
/// and `args` filled in.
pub fn trp(key: &str, n: i64, args: &[(&str, &str)]) -> String {
    i18n::tp(lang(), key, n, args)
}
