//! Documents and requests (`/documents`): the customer's documents to download, the form to
//! ask for one (fiscal certificate for a year, contract copy, statement of account), and the
//! requests with their status (pending ones can be cancelled).

use crate::api::customer::{DocumentsView, RequestDocument, documents_page};
use crate::components::form::{FormMessage, described_by};
use crate::components::lists::{DocumentList, RequestList};
use crate::i18n::tr;
use crate::message::Message;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DocumentsPage() -> impl IntoView {
    let request = ServerAction::<RequestDocument>::new();
    let data = documents_page();
    view! {
        <Title text=tr("page.documents.title") />
        <h1>{tr("page.documents.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => documents_view(v, request).into_any(),
            Ok(None) => view! { <p><a href="/login?next=/documents">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

/// A labelled select whose refusal message (if about it) shows next to it.
pub fn select(
    id: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    current: &str,
    options: Vec<(String, String)>,
    message: &Option<Message>,
) -> impl IntoView + use<> {
    let error = message.as_ref().and_then(|m| m.error_for(id));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = described_by(id, hint.is_some(), error.is_some());
    let current = current.to_string();
    view! {
        <div class="field" class:invalid=error.is_some()>
            <label for=id>{tr(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{tr(h)}</p> })}
            {error.as_ref().map(|e| view! { <p class="field-error" id=error_id.clone()>{tr(e)}</p> })}
            <select id=id name=id aria-invalid=error.is_some().then_some("true") aria-describedby=described>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn documents_view(v: DocumentsView, request: ServerAction<RequestDocument>) -> impl IntoView {
    let message = v.message.clone();
    let none = || (String::new(), tr("documents.choose").to_string());
    let kinds: Vec<(String, String)> = std::iter::once(none())
        .chain(
            [
                "fiscal_certificate",
                "contract_copy",
                "statement_of_account",
            ]
            .iter()
            .map(|k| (k.to_string(), tr(&format!("document.{k}")).to_string())),
        )
        .collect();
    let contracts: Vec<(String, String)> =
        std::iter::once((String::new(), tr("documents.no_contract").to_string()))
            .chain(v.contracts.iter().map(|c| (c.clone(), c.clone())))
            .collect();
    let years: Vec<(String, String)> =
        std::iter::once((String::new(), tr("documents.no_year").to_string()))
            .chain(v.years.iter().map(|y| (y.to_string(), y.to_string())))
            .collect();
    view! {
        <section aria-labelledby="docs-title">
            <h2 id="docs-title">{tr("documents.available")}</h2>
            <DocumentList items=v.documents.clone() />
        </section>
        <section id="request-form" aria-labelledby="request-title" class="form-page">
            <h2 id="request-title">{tr("documents.request")}</h2>
            <p>{tr("documents.request.intro")}</p>
            <ActionForm action=request attr:class="form">
                <FormMessage key=message.clone() />
                {select("kind", "documents.kind", None, &v.kind, kinds, &message)}
                {select("year", "documents.year", Some("documents.year.hint"), &v.year, years, &message)}
                {select("contract", "documents.contract", Some("documents.contract.hint"), &v.contract, contracts, &message)}
                <button type="submit" class="button primary">{tr("documents.submit")}</button>
            </ActionForm>
        </section>
        <section id="requests" aria-labelledby="requests-title">
            <h2 id="requests-title">{tr("requests.title")}</h2>
            <RequestList items=v.requests.clone() cancellable=true />
        </section>
    }
}
