//! The portal's user interface: pages by area, shared components, and server functions (the
//! portal's API, listed in `docs/API.md`). Server-only code sits behind the `ssr` feature; the
//! `hydrate` feature builds the same components to wasm for the browser.

pub mod api;
pub mod components;
pub mod error;
#[cfg(feature = "ssr")]
pub mod gate;
pub mod i18n;
pub mod message;
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod shell;

use components::layout::{Footer, Header};
use domain::SiteInfo;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};
use pages::lazy::*;
use pages::{info::InfoPage, landing::Landing, login::LoginPage, not_found::NotFound};

/// The root component. `site` is rendered into the page by the server and read back by the
/// browser, so both render the same language and branding.
#[component]
pub fn App(site: SiteInfo) -> impl IntoView {
    provide_meta_context();
    let title = site.branding.company_name.clone();
    provide_context(components::layout::UnreadReplies(RwSignal::new(
        site.signed_in.unread,
    )));
    provide_context(site);
    // On the server a lazily loaded page announces its chunks so that Leptos can add preload
    // links, but Leptos 0.8 reads those announcements outside the request's reactive owner:
    // under concurrent requests it picked up contexts that were not this request's (a flood of
    // "without ServerMetaContext" warnings). This context, nearer to the pages, takes the
    // announcements and nothing reads it; the browser fetches a page's chunks when it hydrates.
    #[cfg(feature = "ssr")]
    provide_context(leptos::PrefetchLazyFn::default());
    view! {
        <Stylesheet id="leptos" href="/pkg/portal.css" />
        <Link rel="stylesheet" href="/brand.css" />
        <Link rel="icon" href="/logo.svg" />
        <Meta name="description" content=i18n::tr("site.description") />
        // The root title text "" (shown as the company name) holds the title while a page is
        // still on its way: a lazily loaded page hydrates a moment after the shell, and an empty
        // text stack would blank the document's title in between.
        <Title text="" formatter=move |page: String| if page.is_empty() { title.clone() } else { format!("{page} · {title}") } />
        <Router>
            <a class="skip-link" href="#main">{i18n::tr("nav.skip")}</a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=Landing />
                    // Pages with server data render completely before they are sent, so they
                    // work without JavaScript (no streamed placeholders to swap in).
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:number") view={Lazy::<ContractRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:number/plate") view={Lazy::<PlateRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:number/allowance") view={Lazy::<AllowanceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/messages") view={Lazy::<MessagesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/messages/new") view={Lazy::<NewMessageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/messages/:id") view={Lazy::<ThreadRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/requests") view={Lazy::<RequestsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/requests/:id") view={Lazy::<RequestRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/invoices") view={Lazy::<InvoicesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/invoices/:number") view={Lazy::<InvoiceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/documents") view={Lazy::<DocumentsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/profile/security") view={Lazy::<SecurityRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/profile/contact") view={Lazy::<ContactRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login/forgot") view={Lazy::<ForgotRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login/reset") view={Lazy::<ResetRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login/code") view={Lazy::<SecondFactorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/profile/email") view={Lazy::<EmailConfirmRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/profile/email/not-me") view={Lazy::<NotMeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/login") view={Lazy::<CicLoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic") view={Lazy::<CicHomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/queue") view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/requests/:id") view={Lazy::<StaffRequestRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/staff") view={Lazy::<StaffRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/replies") view={Lazy::<RepliesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/setup") view={Lazy::<SetupRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/threads/:id") view={Lazy::<StaffThreadRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/customers") view={Lazy::<CustomerSearchRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cic/customers/:number") view={Lazy::<StaffCustomerRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/terms") view=|| view! { <InfoPage page="terms" /> } />
                    <Route path=path!("/privacy") view=|| view! { <InfoPage page="privacy" /> } />
                    <Route path=path!("/cookies") view=|| view! { <InfoPage page="cookies" /> } />
                    <Route path=path!("/error") view=pages::error::ErrorPage />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// The browser's entry point: reads the site info the server embedded and hydrates the body.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let site = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("site-info"))
        .and_then(|e| e.text_content())
        .and_then(|json| serde_json::from_str::<SiteInfo>(&json).ok());
    let Some(site) = site else { return };
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    // Hydration waits until the chunk of the page's lazily loaded route is there.
    wasm_bindgen_futures::spawn_local(async move {
        let app =
            leptos::mount::hydrate_from_async(body.clone(), move || view! { <App site=site /> })
                .await;
        app.forget();
        // Only reached when hydration succeeded (a mismatch panics above), so tests and people
        // debugging can tell a live page from server-rendered HTML.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
