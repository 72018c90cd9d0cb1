//! Lists shared by the customer's pages: invoices, documents and requests.

use crate::api::customer::{DocumentItem, HistoryItem, InvoiceItem, RequestItem};
use crate::i18n::{lang, tr, trf};
use domain::{Lang, i18n};
use leptos::prelude::*;

/// An invoice status as a badge (overdue stands out), in `lang` (a table's rows look the
/// page's language up once, not once per row).
pub fn status_badge(lang: Lang, status: &str) -> impl IntoView + use<> {
    let class = ["status status-", status].concat();
    let text = i18n::t(lang, &["invoicestatus.", status].concat());
    view! { <span class=class>{text}</span> }
}

/// A table of invoices; `show_contract` adds the contract column (the list across contracts).
#[component]
pub fn InvoiceTable(
    items: Vec<InvoiceItem>,
    #[prop(optional)] show_contract: bool,
) -> impl IntoView {
    // Each cell repeats its column's name for the stacked phone layout: looked up once, as is
    // the page's language for the rows' texts.
    let lang = lang();
    let number = i18n::t(lang, "invoices.number");
    let contract = i18n::t(lang, "invoices.contract");
    let issued = i18n::t(lang, "invoices.issue_date");
    let due = i18n::t(lang, "invoices.due_date");
    let amount = i18n::t(lang, "invoices.amount");
    let status_label = i18n::t(lang, "invoices.status");
    let pdf_column = i18n::t(lang, "invoices.pdf");
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">{i18n::t(lang, "invoices.caption")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{number}</th>
                        {show_contract.then(|| view! { <th scope="col">{contract}</th> })}
                        <th scope="col">{issued}</th>
                        <th scope="col">{due}</th>
                        <th scope="col" class="num">{amount}</th>
                        <th scope="col">{status_label}</th>
                        <th scope="col">{pdf_column}</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(move |i| {
                        let href = ["/invoices/", &i.number].concat();
                        let pdf = [&href, "/pdf"].concat();
                        let pdf_label = i18n::tf(lang, "invoices.download_label", &[("number", &i.number)]);
                        let status = status_badge(lang, &i.status);
                        view! {
                            <tr>
                                <td data-label=number><a href=href>{i.number}</a></td>
                                {show_contract.then(|| view! { <td data-label=contract>{i.contract_number}</td> })}
                                <td data-label=issued>{i.issue_date}</td>
                                <td data-label=due>{i.due_date}</td>
                                <td data-label=amount class="num">{i.amount}</td>
                                <td data-label=status_label>{status}</td>
                                <td data-label=pdf_column><a href=pdf download aria-label=pdf_label>"PDF"</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The name of a document or request: its kind, with the contract or year it is about.
pub fn describe(kind: &str, contract: Option<&str>, year: Option<i64>) -> String {
    let mut text = tr(&format!("document.{kind}")).to_string();
    if let Some(y) = year {
        text = format!("{text} {y}");
    }
    if let Some(c) = contract {
        text = format!("{text} · {c}");
    }
    text
}

#[component]
pub fn DocumentList(items: Vec<DocumentItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p>{tr("documents.none")}</p> }.into_any();
    }
    view! {
        <ul class="doc-list">
            {items.into_iter().map(|d| {
                let name = describe(&d.kind, d.contract_number.as_deref(), d.year);
                let href = format!("/documents/{}/pdf", d.id);
                view! {
                    <li>
                        <a href=href download>{name}" (PDF)"</a>
                        <span class="muted">" · "{d.created.clone()}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// What a request asks for: its kind, with the contract or year it is about.
pub fn request_name(r: &RequestItem) -> String {
    let mut text = tr(&format!("requestkind.{}", r.kind)).to_string();
    if let Some(y) = r.year {
        text = format!("{text} {y}");
    }
    if let Some(c) = &r.contract_number {
        text = format!("{text} · {c}");
    }
    text
}

/// The customer's requests with their reference and status; pending ones can be cancelled (a
/// plain form posting to the server function, so it works without JavaScript) and come back
/// to `back`.
#[component]
pub fn RequestList(
    items: Vec<RequestItem>,
    #[prop(optional)] cancellable: bool,
    #[prop(default = "/documents#requests")] back: &'static str,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <p>{tr("requests.none")}</p> }.into_any();
    }
    view! {
        <ul class="doc-list">
            {items.into_iter().map(|r| {
                let name = request_name(&r);
                let status = tr(&format!("requeststatus.{}", r.status));
                let document = r.document_id.map(|id| view! {
                    " · "<a href=format!("/documents/{id}/pdf") download>{tr("requests.download")}</a>
                });
                let change = r.new_value.clone().map(|n| {
                    let text = match &r.effective {
                        Some(e) => trf("requests.change_from", &[("value", &n), ("date", e)]),
                        None => n,
                    };
                    view! { <span>" · "{text}</span> }
                });
                let cancel = (cancellable && r.cancellable).then(|| view! {
                    <form method="post" action="/api/customer/cancel-request" class="inline-form">
                        <input type="hidden" name="id" value=r.id.to_string() />
                        <input type="hidden" name="back" value=back />
                        <button type="submit" class="button link">{tr("requests.cancel")}<span class="visually-hidden">": "{name.clone()}</span></button>
                    </form>
                });
                view! {
                    <li>
                        <a href=format!("/requests/{}", r.id)><strong>{name.clone()}</strong></a>
                        " · "<span class="mono">{r.reference.clone()}</span>" · "
                        <span class=format!("status status-{}", r.status)>{status}</span>
                        {change}
                        <span class="muted">" · "{trf("requests.submitted_on", &[("date", &r.created)])}</span>
                        {document}
                        {cancel}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A request's history, oldest first: when, the status, who (staff pages only) and the note.
#[component]
pub fn RequestHistory(items: Vec<HistoryItem>) -> impl IntoView {
    view! {
        <section aria-labelledby="history-title">
            <h2 id="history-title">{tr("requests.history")}</h2>
            <ol class="history">
                {items.into_iter().map(|h| view! {
                    <li>
                        <span class="muted">{h.at}</span>" · "
                        <strong>{tr(&format!("requeststatus.{}", h.status))}</strong>
                        {h.staff.map(|s| view! { " · "{s} })}
                        {h.note.map(|n| view! { <span class="pre-line">" — "{n}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
