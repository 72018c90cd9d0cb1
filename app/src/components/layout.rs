//! The page frame: header with the operator's logo and name, the main navigation and the
//! language switcher; footer with the contact channels and the legal pages.

use crate::i18n::{lang, tr, trf};
use domain::{Lang, SiteInfo};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The header's count of message threads with an unread reply. It starts from what the server
/// knew when the page was requested; pages that know better (the message list, a thread just
/// read, the dashboard) set it, so it stays right while the browser moves between pages.
#[derive(Clone, Copy)]
pub struct UnreadReplies(pub RwSignal<i64>);

/// Sets the header's count (where there is a header).
pub fn set_unread_replies(n: i64) {
    if let Some(UnreadReplies(count)) = use_context::<UnreadReplies>() {
        count.set(n);
    }
}

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
    // A link followed inside the open menu closes it (with JavaScript the page changes
    // without a reload, so the browser would leave it open).
    let menu = NodeRef::<leptos::html::Details>::new();
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        if let Some(details) = menu.get_untracked() {
            let _ = details.remove_attribute("open");
        }
    });
    let unread_at_start = info.signed_in.unread;
    let customer = info.signed_in.customer.is_some();
    // Erased (here and the whole header): the app's view type is otherwise deeper than the
    // compiler's recursion limit.
    let menu_view = view! {
        <details class="menu" node_ref=menu>
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
            {customer.then(|| view! { <IdleWarning /> })}
        </header>
    }
    .into_any()
}

/// The count of threads with an unread reply, after a space, while there is one: on the
/// **Berichten** link and, on a phone, on the menu button. Starts from what the server knew
/// (`at_start`) and follows [`UnreadReplies`].
#[component]
fn UnreadBadge(at_start: i64) -> impl IntoView {
    move || {
        let n = use_context::<UnreadReplies>().map_or(at_start, |u| u.0.get());
        (n > 0).then(|| view! {
            " "<span class="badge"><span class="visually-hidden">{tr("nav.unread")}" "</span>{n}</span>
        })
    }
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

/// Warns at least a minute before the idle timeout and offers "stay signed in". Any page
/// change restarts the count. Without JavaScript there is no warning; the timeout still holds.
#[component]
fn IdleWarning() -> impl IntoView {
    use crate::api::auth::KeepAlive;
    use std::time::Duration;
    let location = use_location();
    let keep = ServerAction::<KeepAlive>::new();
    let (show, set_show) = signal(false);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        location.pathname.track();
        keep.version().track();
        set_show.set(false);
        let warn = set_timeout_with_handle(
            move || set_show.set(true),
            Duration::from_secs(IDLE_WARNING_AFTER_SECONDS),
        )
        .ok();
        let navigate = navigate.clone();
        let expire = set_timeout_with_handle(
            move || navigate("/login?next=/dashboard", Default::default()),
            Duration::from_secs(15 * 60),
        )
        .ok();
        on_cleanup(move || {
            warn.into_iter().chain(expire).for_each(|h| h.clear());
        });
    });
    view! {
        <Show when=move || show.get()>
            <div class="idle-warning" role="alertdialog" aria-labelledby="idle-title" aria-describedby="idle-text">
                <h2 id="idle-title">{tr("idle.title")}</h2>
                <p id="idle-text">{tr("idle.body")}</p>
                <leptos::form::ActionForm action=keep>
                    <button type="submit" class="button primary">{tr("idle.stay")}</button>
                </leptos::form::ActionForm>
            </div>
        </Show>
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
