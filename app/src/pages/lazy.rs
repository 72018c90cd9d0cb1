//! Code splitting: the pages a visitor does not need on the first page they open are built into
//! their own wasm chunks and loaded when such a page is opened (`cargo leptos build --split`).
//! The server renders them as usual; the landing, sign-in, info and 404 pages stay in the main
//! bundle.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `lazy_page!(Route, Page)` declares `Route`, a lazily loaded route whose view is `<Page />`.
/// The page loads its own data (the resources inside it), so it renders the same on the server
/// and in the browser.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(RegisterRoute, super::register::RegisterPage);
lazy_page!(DashboardRoute, super::dashboard::DashboardPage);
lazy_page!(ContractRoute, super::contract::ContractPage);
lazy_page!(InvoicesRoute, super::invoices::InvoicesPage);
lazy_page!(InvoiceRoute, super::invoices::InvoicePage);
lazy_page!(DocumentsRoute, super::documents::DocumentsPage);
lazy_page!(SecurityRoute, super::security::SecurityPage);
lazy_page!(ContactRoute, super::contact::ContactPage);
lazy_page!(ForgotRoute, super::reset::ForgotPage);
lazy_page!(ResetRoute, super::reset::ResetPage);
lazy_page!(SecondFactorRoute, super::second_factor::SecondFactorPage);
lazy_page!(EmailConfirmRoute, super::email::EmailConfirmPage);
lazy_page!(NotMeRoute, super::email::NotMePage);
lazy_page!(CicLoginRoute, super::cic::CicLoginPage);
lazy_page!(CicHomeRoute, super::cic::CicHomePage);
lazy_page!(RequestsRoute, super::requests::RequestsPage);
lazy_page!(RequestRoute, super::requests::RequestPage);
lazy_page!(PlateRoute, super::changes::PlatePage);
lazy_page!(AllowanceRoute, super::changes::AllowancePage);
lazy_page!(QueueRoute, super::queue::QueuePage);
lazy_page!(StaffRequestRoute, super::queue::StaffRequestPage);
lazy_page!(CustomerSearchRoute, super::customers::CustomerSearchPage);
lazy_page!(StaffCustomerRoute, super::customers::StaffCustomerPage);
lazy_page!(AuditRoute, super::audit::AuditPage);
lazy_page!(StaffRoute, super::staff::StaffPage);
lazy_page!(SetupRoute, super::staff::SetupPage);
lazy_page!(MessagesRoute, super::messages::MessagesPage);
lazy_page!(NewMessageRoute, super::messages::NewMessagePage);
lazy_page!(ThreadRoute, super::messages::ThreadPage);
lazy_page!(InboxRoute, super::inbox::InboxPage);
lazy_page!(StaffThreadRoute, super::inbox::StaffThreadPage);
lazy_page!(RepliesRoute, super::replies::RepliesPage);
