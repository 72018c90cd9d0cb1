//! The customer's requests: "My requests" (`/requests`, filters by status and kind in a plain
//! GET form) and one request with its history (`/requests/{id}`), where a pending one can be
//! cancelled.

use crate::api::customer::{RequestDetailView, RequestsView, request_page, requests_page};
use crate::components::form::FormMessage;
use crate::components::lists::{RequestHistory, RequestList, request_name};
use crate::i18n::{tr, trp};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The kinds a customer can filter on, with their label keys.
pub const KINDS: [&str; 8] = [
    "plate_change",
    "mileage_change",
    "address_change",
    "mobile_change",
    "contact_email_change",
    "fiscal_certificate",
    "contract_copy",
    "statement_of_account",
];
const STATUSES: [&str; 6] = [
    "submitted",
    "in_treatment",
    "approved",
    "rejected",
    "completed",
    "cancelled",
];

/// `<option>`s with `current` selected; the first is "all".
pub fn options(current: &str, prefix: &str, values: &[&str]) -> impl IntoView + use<> {
    let current = current.to_string();
    let all = (String::new(), tr("invoices.all").to_string());
    std::iter::once(all)
        .chain(
            values
                .iter()
                .map(|v| (v.to_string(), tr(&format!("{prefix}.{v}")).to_string())),
        )
        .map(|(value, label)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view()
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.get_untracked();
    let data = requests_page(
        q.get("status").unwrap_or_default(),
        q.get("kind").unwrap_or_default(),
    );
    view! {
        <Title text=tr("page.requests.title") />
        <h1>{tr("page.requests.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => list_view(v).into_any(),
            Ok(None) => view! { <p><a href="/login?next=/requests">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn list_view(v: RequestsView) -> impl IntoView {
    let count = trp("requests.count", v.requests.len() as i64, &[]);
    view! {
        <p>{tr("requests.intro")}</p>
        <form method="get" action="/requests" class="filters" aria-label=tr("requests.filters")>
            <div class="field">
                <label for="f-status">{tr("invoices.status")}</label>
                <select id="f-status" name="status">{options(&v.status, "requeststatus", &STATUSES)}</select>
            </div>
            <div class="field">
                <label for="f-kind">{tr("requests.kind")}</label>
                <select id="f-kind" name="kind">{options(&v.kind, "requestkind", &KINDS)}</select>
            </div>
            <button type="submit" class="button">{tr("invoices.apply")}</button>
        </form>
        <FormMessage key=v.message.clone() />
        <p role="status">{count}</p>
        <RequestList items=v.requests.clone() cancellable=true back="/requests" />
    }
}

#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let data = request_page(params.read_untracked().get("id").unwrap_or_default());
    view! {
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => detail_view(v).into_any(),
            Ok(None) => view! { <p><a href="/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn detail_view(v: RequestDetailView) -> impl IntoView {
    let r = v.item.clone();
    let title = format!("{} · {}", request_name(&r), r.reference);
    let status = tr(&format!("requeststatus.{}", r.status));
    let back = format!("/requests/{}", r.id);
    let dash = || "—".to_string();
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb"><a href="/requests">{tr("page.requests.title")}</a></p>
        <h1>{title}</h1>
        <FormMessage key=v.message.clone() />
        <dl class="facts">
            <dt>{tr("requests.reference")}</dt><dd class="mono">{r.reference.clone()}</dd>
            <dt>{tr("invoices.status")}</dt><dd><span class=format!("status status-{}", r.status)>{status}</span></dd>
            {r.contract_number.clone().map(|c| view! {
                <dt>{tr("invoices.contract")}</dt><dd><a href=format!("/contracts/{c}")>{c.clone()}</a></dd>
            })}
            {r.new_value.clone().map(|n| view! {
                <dt>{tr("requests.new_value")}</dt><dd>{n}</dd>
                <dt>{tr("requests.old_value")}</dt><dd>{r.old_value.clone().unwrap_or_else(dash)}</dd>
            })}
            {r.effective.clone().map(|e| view! { <dt>{tr("requests.effective")}</dt><dd>{e}</dd> })}
            <dt>{tr("requests.submitted")}</dt><dd>{r.created.clone()}</dd>
            {v.file.clone().map(|(id, name)| view! {
                <dt>{tr("change.certificate")}</dt>
                <dd><a href=format!("/files/{id}") target="_blank" rel="noopener">{name}</a></dd>
            })}
        </dl>
        {v.staff_note.clone().map(|n| view! {
            <section class="notice" aria-labelledby="note-title">
                <h2 id="note-title">{tr("requests.staff_note")}</h2>
                <p class="pre-line">{n}</p>
            </section>
        })}
        {r.document_id.map(|id| view! {
            <p><a class="button primary" href=format!("/documents/{id}/pdf") download>{tr("requests.download")}</a></p>
        })}
        <RequestHistory items=v.history.clone() />
        {r.cancellable.then(|| view! {
            <form method="post" action="/api/customer/cancel-request" class="form">
                <input type="hidden" name="id" value=r.id.to_string() />
                <input type="hidden" name="back" value=back.clone() />
                <button type="submit" class="button">{tr("requests.cancel")}</button>
            </form>
        })}
    }
}
