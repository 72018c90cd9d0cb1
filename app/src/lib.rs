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
use leptos_router::{SsrMode, path};

/// The root component, rendered on the server: `site` carries the branding, the language and
/// who is signed in.
#[component]
pub fn App(site: SiteInfo) -> impl IntoView {
    provide_meta_context();
    let title = site.branding.company_name.clone();
    provide_context(site);
    view! {
        <Stylesheet id="leptos" href="/pkg/portal.css" />
        <Link rel="stylesheet" href="/brand.css" />
        <Link rel="icon" href="/logo.svg" />
        <Meta name="description" content=i18n::tr("site.description") />
        // The root title text "" shows the company name alone on a page without its own title.
        <Title text="" formatter=move |page: String| if page.is_empty() { title.clone() } else { format!("{page} · {title}") } />
        <Router>
            <a class="skip-link" href="#main">{i18n::tr("nav.skip")}</a>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <pages::not_found::NotFound /> }>
                    <Route path=path!("/") view=pages::landing::Landing />
                    // Pages with server data render completely before they are sent, so they
                    // work without JavaScript (no streamed placeholders to swap in).
                    <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=pages::register::RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view=pages::dashboard::DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:number") view=pages::contract::ContractPage ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:number/plate") view=pages::changes::PlatePage ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:number/allowance") view=pages::changes::AllowancePage ssr=SsrMode::Async />
                    <Route path=path!("/messages") view=pages::messages::MessagesPage ssr=SsrMode::Async />
                    <Route path=path!("/messages/new") view=pages::messages::NewMessagePage ssr=SsrMode::Async />
                    <Route path=path!("/messages/:id") view=pages::messages::ThreadPage ssr=SsrMode::Async />
                    <Route path=path!("/requests") view=pages::requests::RequestsPage ssr=SsrMode::Async />
                    <Route path=path!("/requests/:id") view=pages::requests::RequestPage ssr=SsrMode::Async />
                    <Route path=path!("/invoices") view=pages::invoices::InvoicesPage ssr=SsrMode::Async />
                    <Route path=path!("/invoices/:number") view=pages::invoices::InvoicePage ssr=SsrMode::Async />
                    <Route path=path!("/documents") view=pages::documents::DocumentsPage ssr=SsrMode::Async />
                    <Route path=path!("/profile/security") view=pages::security::SecurityPage ssr=SsrMode::Async />
                    <Route path=path!("/profile/contact") view=pages::contact::ContactPage ssr=SsrMode::Async />
                    <Route path=path!("/login/forgot") view=pages::reset::ForgotPage ssr=SsrMode::Async />
                    <Route path=path!("/login/reset") view=pages::reset::ResetPage ssr=SsrMode::Async />
                    <Route path=path!("/login/code") view=pages::second_factor::SecondFactorPage ssr=SsrMode::Async />
                    <Route path=path!("/profile/email") view=pages::email::EmailConfirmPage ssr=SsrMode::Async />
                    <Route path=path!("/profile/email/not-me") view=pages::email::NotMePage ssr=SsrMode::Async />
                    <Route path=path!("/cic/login") view=pages::cic::CicLoginPage ssr=SsrMode::Async />
                    <Route path=path!("/cic") view=pages::cic::CicHomePage ssr=SsrMode::Async />
                    <Route path=path!("/cic/queue") view=pages::queue::QueuePage ssr=SsrMode::Async />
                    <Route path=path!("/cic/requests/:id") view=pages::queue::StaffRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/staff") view=pages::staff::StaffPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/replies") view=pages::replies::RepliesPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/setup") view=pages::staff::SetupPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/inbox") view=pages::inbox::InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/threads/:id") view=pages::inbox::StaffThreadPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/audit") view=pages::audit::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/customers") view=pages::customers::CustomerSearchPage ssr=SsrMode::Async />
                    <Route path=path!("/cic/customers/:number") view=pages::customers::StaffCustomerPage ssr=SsrMode::Async />
                    <Route path=path!("/terms") view=|| view! { <pages::info::InfoPage page="terms" /> } />
                    <Route path=path!("/privacy") view=|| view! { <pages::info::InfoPage page="privacy" /> } />
                    <Route path=path!("/cookies") view=|| view! { <pages::info::InfoPage page="cookies" /> } />
                    <Route path=path!("/error") view=pages::error::ErrorPage />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// The browser's entry point. The pages are rendered on the server only (islands mode): the
/// browser gets plain HTML and forms that work without JavaScript, and wasm only for the few
/// interactive parts marked `#[island]` (the idle-timeout warning and upload progress).
/// Leptos's island script hydrates those right after this returns.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Marked once the islands are live (the island script hydrates them in the same task), so
    // tests and people debugging can tell a live page from plain server-rendered HTML.
    set_timeout(
        || {
            if let Some(body) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body())
            {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
