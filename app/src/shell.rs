//! The HTML document around the app (server only): language attribute, the islands' hydration
//! script with a per-response CSP nonce, and the Content-Security-Policy header.

use crate::App;
use domain::i18n::{LANG_COOKIE, negotiate};
use domain::{Branding, Lang, SiteInfo};
use http::HeaderMap;
use http::header::{ACCEPT_LANGUAGE, CONTENT_SECURITY_POLICY, COOKIE, HeaderValue};
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;
use leptos_meta::MetaTags;

/// The value of cookie `name` in the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language for a request: the `lang` cookie, then `Accept-Language`, then Dutch.
pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    negotiate(
        cookie(headers, LANG_COOKIE),
        headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    )
}

/// The site info of the request being handled (branding from context, language from headers).
pub fn site_info_for_request() -> Option<SiteInfo> {
    let branding = with_context::<std::sync::Arc<crate::session::Ctx>, _>(|c| c.branding.clone())?;
    // Borrowed, not cloned: the request's parts hold all its headers.
    let (lang, signed_in) = with_context::<http::request::Parts, _>(|parts| {
        (
            lang_from_headers(&parts.headers),
            parts
                .extensions
                .get::<domain::SignedIn>()
                .cloned()
                .unwrap_or_default(),
        )
    })
    .unwrap_or_default();
    Some(SiteInfo {
        branding,
        lang,
        signed_in,
    })
}

/// The Content-Security-Policy of an HTML page: only the portal's own scripts (the hydration
/// script carries the nonce), its own wasm, styles, images and API.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = site_info_for_request()
        .unwrap_or_else(|| SiteInfo::new(Branding::default(), Lang::default()));
    provide_nonce();
    if let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
        && let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce))
    {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
    let lang = site.lang.code();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App site />
            </body>
        </html>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_cookie_wins_over_the_browser_language() {
        let h = headers(&[("cookie", "a=1; lang=fr; b=2"), ("accept-language", "en")]);
        assert_eq!(cookie(&h, "lang"), Some("fr"));
        assert_eq!(lang_from_headers(&h), Lang::Fr);
        assert_eq!(
            lang_from_headers(&headers(&[("accept-language", "en-US,en;q=0.9")])),
            Lang::En
        );
        assert_eq!(
            lang_from_headers(&headers(&[("cookie", "lang=xx")])),
            Lang::Nl
        );
        assert_eq!(lang_from_headers(&HeaderMap::new()), Lang::Nl);
    }

    #[test]
    fn the_policy_allows_only_own_scripts_with_the_nonce() {
        let csp = content_security_policy("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
