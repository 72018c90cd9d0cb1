//! Translation helpers for components: the page's language comes from the [`SiteInfo`] context
//! (fixed for one page load; switching language reloads the page through `/lang/{code}`).

use domain::{Lang, SiteInfo, i18n};
use leptos::prelude::*;
use std::cell::Cell;

thread_local! {
    /// The language of the page [`in_page_language`] is writing in this thread, if any.
    static WRITING: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// The language of the page being rendered.
pub fn lang() -> Lang {
    WRITING.get().unwrap_or_else(page_language)
}

/// The language of the page in context. Borrowed, not cloned; a context lookup walks up the
/// tree of owners (a few hundred instructions), so a page's body reads it once, through
/// [`in_page_language`].
fn page_language() -> Lang {
    with_context::<SiteInfo, _>(|s| s.lang).unwrap_or_default()
}

/// Runs `write` (which must not wait: a page body built and written in one go, see
/// [`crate::pages::loaded`]) with the page's language read once for all its texts. Nothing
/// else runs in this thread meanwhile, so no other page can see it; it is put back as it was
/// afterwards, a panic included.
pub fn in_page_language<R>(write: impl FnOnce() -> R) -> R {
    struct Restore(Option<Lang>);
    impl Drop for Restore {
        fn drop(&mut self) {
            WRITING.set(self.0);
        }
    }
    let _restore = Restore(WRITING.replace(Some(page_language())));
    write()
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

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Branding;

    fn page_in(lang: Lang) -> Owner {
        let owner = Owner::new_root(None);
        owner.with(|| {
            provide_context(SiteInfo {
                branding: Branding::default(),
                lang,
                signed_in: Default::default(),
            })
        });
        owner
    }

    // A page body is written in its page's language, read once; outside it (and after a
    // panic inside it) the language comes from the page's context again, so a page in
    // another language written next in the same thread is not written in the first one's.
    #[test]
    fn a_page_body_is_written_in_its_own_language() {
        let french = page_in(Lang::Fr);
        let english = page_in(Lang::En);
        let text = french.with(|| in_page_language(|| (lang(), tr("nav.login"))));
        assert_eq!(text, (Lang::Fr, "Se connecter"));
        assert_eq!(english.with(|| tr("nav.login")), "Log in");
        let nested = french
            .with(|| in_page_language(|| english.with(|| in_page_language(|| tr("nav.login")))));
        assert_eq!(nested, "Log in");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            french.with(|| in_page_language(|| panic!("while writing")))
        }));
        assert!(panicked.is_err());
        assert_eq!(english.with(lang), Lang::En);
        assert_eq!(Owner::new_root(None).with(lang), Lang::Nl);
    }
}
