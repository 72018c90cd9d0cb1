//! The page frame: header with the operator's logo and name, the main navigation and the
//! language switcher; footer with the contact channels and the legal pages.

use crate::i18n::{lang, tr, trf};
use domain::{Lang, SiteInfo};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

fn site() -> SiteInfo {
    use_context::<SiteInfo>().unwrap_or_else(|| SiteInfo::new(Default::default(), Lang::default()))
}

/// The header: the operator's logo and name, and a menu with the navigation and the language
/// choice. On a phone the menu is one button (a `<details>` disclosure, so it opens without
/// JavaScript too); on a wide screen the style sheet shows its content in the header row.
#[component]
pub fn Header() -> impl IntoView {
    let info = site();
    let branding = info.branding;
    let logo = (!branding.logo_url.is_empty()).then(|| {
        view! { <img class="logo" src=branding.logo_url.clone() alt="" width="40" height="40" /> }
    });
    let unread_at_start = info.signed_in.unread;
    let customer = info.signed_in.customer.is_some();
    // Erased (here and the whole header): the app's view type is otherwise deeper than the
    // compiler's recursion limit.
    let menu_view = view! {
        <details class="menu">
            <summary class="menu-button">
                <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 20 20">
                    <path d="M2 4h16M2 10h16M2 16h16" stroke="currentColor" stroke-width="2.5" />
                </svg>
                {tr("nav.menu")}
                {customer.then(|| view! { <UnreadBadge at_start=unread_at_start /> })}
            </summary>
            <div class="menu-body">
                <MainNav />
                <LanguageSwitcher />
            </div>
        </details>
    }
    .into_any();
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                {logo}
                <span class="brand-name">{branding.company_name.clone()}</span>
            </a>
            {menu_view}
            // Outside the menu: the warning must show while the menu is closed.
            {customer.then(|| view! {
                <IdleWarning>
                    <h2 id="idle-title">{tr("idle.title")}</h2>
                    <p id="idle-text">{tr("idle.body")}</p>
                    <button type="button" class="button primary">{tr("idle.stay")}</button>
                </IdleWarning>
            })}
        </header>
    }
    .into_any()
}

/// The count of threads with an unread reply, after a space, while there is one: on the
/// **Berichten** link and, on a phone, on the menu button. It is the count when the page was
/// requested (the gate reads it with the signed-in person).
#[component]
fn UnreadBadge(at_start: i64) -> impl IntoView {
    (at_start > 0).then(|| view! {
        " "<span class="badge"><span class="visually-hidden">{tr("nav.unread")}" "</span>{at_start}</span>
    })
}

/// The main navigation: sign-in and registration for visitors; the customer's pages and
/// "log out" once signed in.
#[component]
fn MainNav() -> impl IntoView {
    let signed_in = with_context::<SiteInfo, _>(|s| s.signed_in.clone()).unwrap_or_default();
    let unread_at_start = signed_in.unread;
    let links = if signed_in.customer.is_some() {
        view! {
            <a href="/dashboard">{tr("page.dashboard.title")}</a>
            <a href="/invoices">{tr("page.invoices.title")}</a>
            <a href="/documents">{tr("page.documents.title")}</a>
            <a href="/requests">{tr("nav.requests")}</a>
            <a href="/messages">
                {tr("page.messages.title")}
                <UnreadBadge at_start=unread_at_start />
            </a>
            <a href="/profile/contact">{tr("page.contact.title")}</a>
            <a href="/profile/security">{tr("page.security.title")}</a>
            // A plain form: signing out reloads the whole page (and its frame), also with JS.
            <form method="post" action="/api/auth/sign-out" class="inline-form">
                <button type="submit" class="button link">{tr("dashboard.sign_out")}</button>
            </form>
        }
        .into_any()
    } else if signed_in.staff {
        view! {
            <a href="/cic">{tr("page.cic.title")}</a>
            <a href="/cic/queue">{tr("page.queue.title")}</a>
            <a href="/cic/inbox">{tr("page.inbox.title")}</a>
            <a href="/cic/customers">{tr("page.customers.title")}</a>
            <a href="/cic/audit">{tr("page.audit.title")}</a>
            <form method="post" action="/api/cic/sign-out" class="inline-form">
                <button type="submit" class="button link">{tr("dashboard.sign_out")}</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <a href="/login">{tr("nav.login")}</a>
            <a href="/register">{tr("nav.register")}</a>
        }
        .into_any()
    };
    view! { <nav class="main-nav" aria-label=tr("nav.main")>{links}</nav> }
}

/// Seconds of inactivity after which the warning shows (the session ends after 900).
pub const IDLE_WARNING_AFTER_SECONDS: u64 = 15 * 60 - 75;

/// Warns at least a minute before the idle timeout and offers "stay signed in" (the button
/// in `children`); when the session has ended, goes to the sign-in with this page to come back
/// to. Every page load starts the count again. An island: the only part of the frame hydrated
/// in the browser. Its texts are rendered by the server (it is hidden until it is needed), so
/// the browser needs no translations. Without JavaScript there is no warning; the timeout still
/// holds.
#[island]
fn IdleWarning(children: Children) -> impl IntoView {
    use std::time::Duration;
    let (show, set_show) = signal(false);
    // Counts "stay signed in" answers: each one starts the count again.
    let (kept, set_kept) = signal(0u32);
    Effect::new(move |_| {
        kept.track();
        set_show.set(false);
        let warn = set_timeout_with_handle(
            move || set_show.set(true),
            Duration::from_secs(IDLE_WARNING_AFTER_SECONDS),
        )
        .ok();
        let expire = set_timeout_with_handle(go_to_sign_in, Duration::from_secs(15 * 60)).ok();
        on_cleanup(move || {
            warn.into_iter().chain(expire).for_each(|h| h.clear());
        });
    });
    // The one button inside: ask the server to keep the session.
    let on_click = move |_ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let on_button = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| el.closest("button").ok().flatten().is_some());
            if on_button {
                keep_alive::send(move |kept| match kept {
                    Some(true) => set_kept.update(|n| *n += 1),
                    Some(false) => go_to_sign_in(),
                    // No answer: the warning stays, so the person can try again.
                    None => {}
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = set_kept;
    };
    view! {
        <div class="idle-warning" role="alertdialog" aria-labelledby="idle-title" aria-describedby="idle-text"
            hidden=move || !show.get() on:click=on_click>
            {children()}
        </div>
    }
}

/// Loads the sign-in page with this page as the one to come back to.
fn go_to_sign_in() {
    #[cfg(feature = "hydrate")]
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let _ = location.assign(&crate::paths::sign_in_url(&here));
    }
}

/// "Stay signed in" as a plain `fetch` of the server function `auth/keep-alive` (no server
/// function client in the browser: a smaller wasm).
#[cfg(feature = "hydrate")]
mod keep_alive {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    /// Posts the request and calls `then` with whether the session is still there, or `None`
    /// when the server gave no answer (offline, an outage).
    pub fn send(then: impl FnOnce(Option<bool>) + 'static) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        if let Ok(headers) = web_sys::Headers::new() {
            let _ = headers.set("content-type", "application/x-www-form-urlencoded");
            let _ = headers.set("accept", "application/json");
            init.set_headers(&headers);
        }
        let request = window.fetch_with_str_and_init("/api/auth/keep-alive", &init);
        wasm_bindgen_futures::spawn_local(async move {
            let response = JsFuture::from(request)
                .await
                .ok()
                .and_then(|r| r.dyn_into::<web_sys::Response>().ok());
            let kept = match response {
                Some(r) if r.ok() => match r.text() {
                    Ok(text) => JsFuture::from(text)
                        .await
                        .ok()
                        .and_then(|t| t.as_string())
                        .map(|t| t.trim() == "true"),
                    Err(_) => None,
                },
                _ => None,
            };
            then(kept);
        });
    }
}

/// Links to `/lang/{code}?next=<this page>`: the server sets the cookie and sends the person
/// back, so switching works the same with and without JavaScript.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let current = lang();
    let location = use_location();
    let items = Lang::ALL
        .into_iter()
        .map(|l| {
            let href = move || {
                let path = location.pathname.get();
                let query = location.search.get();
                let next = if query.is_empty() {
                    path
                } else {
                    format!("{path}?{query}")
                };
                format!(
                    "/lang/{}?next={}",
                    l.code(),
                    crate::paths::encode_component(&next)
                )
            };
            let is_current = l == current;
            view! {
                <li>
                    <a
                        href=href
                        rel="external"
                        hreflang=l.code()
                        lang=l.code()
                        aria-current=is_current.then_some("true")
                    >
                        {l.native_name()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="lang-switch" aria-label=tr("nav.language")>
            <ul>{items}</ul>
        </nav>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let b = site().branding;
    let mailto = format!("mailto:{}", b.contact_email);
    let tel = format!("tel:{}", b.contact_phone.replace(' ', ""));
    let hours = trf("footer.hours", &[("hours", &b.opening_hours)]);
    view! {
        <footer class="site-footer">
            <section aria-labelledby="footer-contact">
                <h2 id="footer-contact">{tr("footer.contact")}</h2>
                <p>{b.company_name.clone()}<br />{b.address.clone()}</p>
                <ul class="contact">
                    <li>{tr("footer.email")}": "<a href=mailto>{b.contact_email.clone()}</a></li>
                    <li>{tr("footer.phone")}": "<a href=tel>{b.contact_phone.clone()}</a></li>
                    <li>{hours}</li>
                </ul>
            </section>
            <nav aria-label=tr("footer.legal")>
                <ul class="legal">
                    <li><a href="/terms">{tr("page.terms.title")}</a></li>
                    <li><a href="/privacy">{tr("page.privacy.title")}</a></li>
                    <li><a href="/cookies">{tr("page.cookies.title")}</a></li>
                </ul>
            </nav>
        </footer>
    }
}
