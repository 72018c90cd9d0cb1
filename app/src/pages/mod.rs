//! Pages, one module per page or area.
pub mod audit;
pub mod changes;
pub mod cic;
pub mod contact;
pub mod contract;
pub mod customers;
pub mod dashboard;
pub mod documents;
pub mod email;
pub mod error;
pub mod inbox;
pub mod info;
pub mod invoices;
pub mod landing;
pub mod login;
pub mod messages;
pub mod not_found;
pub mod queue;
pub mod register;
pub mod replies;
pub mod requests;
pub mod reset;
pub mod second_factor;
pub mod security;
pub mod staff;

use leptos::prelude::*;

/// A page's server data, rendered by `view` once it is there.
///
/// Pages render on the server only (islands mode; `SsrMode::Async` sends them complete), so
/// their data needs no `Resource` to be serialised for hydration, and no `<Suspense>`: a
/// `Suspense` runs its children's closure three times on the server (two dry runs to find its
/// resources, then the rendering), building the whole page and cloning its data each time. A
/// `Suspend` built once runs the fetch once and builds the page once (measured: about a third
/// fewer instructions for the contract page, README "Every page under load").
///
/// The page is then written in one go into one string (Leptos's synchronous renderer, which
/// sizes its buffer first), not element by element through the streaming renderer, which
/// gives every element a string of its own that grows attribute by attribute and is then
/// copied into the page. So `view` must not wait for anything itself (no `Resource` or
/// `Suspense` inside: the synchronous renderer would write their fallback); islands inside it
/// are written the same way as before and hydrate as before.
pub fn loaded<T, V>(
    data: impl std::future::Future<Output = T> + Send + 'static,
    view: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    Suspend::new(async move {
        let data = data.await;
        leptos::tachys::html::InertElement::new(crate::i18n::in_page_language(|| {
            view(data).into_view().to_html()
        }))
    })
}
