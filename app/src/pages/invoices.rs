//! Invoices: the list across contracts (`/invoices`) with filters, sorting and pages in the
//! URL (a plain GET form, so it works without JavaScript), and one invoice (`/invoices/{n}`).

use crate::api::customer::{InvoiceListView, InvoiceView, invoice_list, invoice_page};
use crate::components::form::FormMessage;
use crate::components::lists::{InvoiceTable, status_badge};
use crate::i18n::{tr, trf, trp};
use crate::message::Message;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.get_untracked();
    let data = invoice_list(
        q.get("contract"),
        q.get("year"),
        q.get("status"),
        q.get("sort"),
        q.get("page"),
    );
    view! {
        <Title text=tr("page.invoices.title") />
        <h1>{tr("page.invoices.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => list_view(v).into_any(),
            Ok(None) => view! { <p><a href="/login?next=/invoices">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn select_options(current: &str, options: Vec<(String, String)>) -> impl IntoView + use<> {
    let current = current.to_string();
    options
        .into_iter()
        .map(|(value, label)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view()
}

fn list_view(mut v: InvoiceListView) -> impl IntoView {
    let items = std::mem::take(&mut v.items);
    let contracts: Vec<(String, String)> =
        std::iter::once((String::new(), tr("invoices.all").to_string()))
            .chain(v.contracts.iter().map(|c| (c.clone(), c.clone())))
            .collect();
    let years: Vec<(String, String)> =
        std::iter::once((String::new(), tr("invoices.all").to_string()))
            .chain(v.years.iter().map(|y| (y.to_string(), y.to_string())))
            .collect();
    let statuses: Vec<(String, String)> = [
        ("", "invoices.all"),
        ("open", "invoicestatus.open"),
        ("paid", "invoicestatus.paid"),
        ("overdue", "invoicestatus.overdue"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), tr(k).to_string()))
    .collect();
    let sorts: Vec<(String, String)> = [
        ("date-desc", "invoices.sort.date_desc"),
        ("date-asc", "invoices.sort.date_asc"),
        ("amount-desc", "invoices.sort.amount_desc"),
        ("amount-asc", "invoices.sort.amount_asc"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), tr(k).to_string()))
    .collect();
    let count = trp(
        "invoices.count",
        v.total,
        &[
            ("page", &v.page.to_string()),
            ("pages", &v.pages.to_string()),
        ],
    );
    view! {
        <form method="get" action="/invoices" class="filters" aria-label=tr("invoices.filters")>
            <div class="field">
                <label for="f-contract">{tr("invoices.contract")}</label>
                <select id="f-contract" name="contract">{select_options(&v.contract, contracts)}</select>
            </div>
            <div class="field">
                <label for="f-year">{tr("invoices.year")}</label>
                <select id="f-year" name="year">{select_options(&v.year, years)}</select>
            </div>
            <div class="field">
                <label for="f-status">{tr("invoices.status")}</label>
                <select id="f-status" name="status">{select_options(&v.status, statuses)}</select>
            </div>
            <div class="field">
                <label for="f-sort">{tr("invoices.sort")}</label>
                <select id="f-sort" name="sort">{select_options(&v.sort, sorts)}</select>
            </div>
            <button type="submit" class="button">{tr("invoices.apply")}</button>
        </form>
        <FormMessage key=v.notice.as_deref().map(Message::notice) />
        <p role="status">{count}</p>
        {if items.is_empty() {
            view! { <p class="empty">{tr("invoices.none_found")}</p> }.into_any()
        } else {
            view! { <InvoiceTable items=items show_contract=true /> }.into_any()
        }}
        <nav class="pagination" aria-label=tr("invoices.pages")>
            {(v.page > 1).then(|| view! { <a href=v.first_href.clone()>{tr("invoices.first")}</a> })}
            {v.prev_href.clone().map(|h| view! { <a href=h rel="prev">{tr("invoices.prev")}</a> })}
            <span aria-current="page">{trf("invoices.page_of", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())])}</span>
            {v.next_href.clone().map(|h| view! { <a href=h rel="next">{tr("invoices.next")}</a> })}
            {(v.page < v.pages).then(|| view! { <a href=v.last_href.clone()>{tr("invoices.last")}</a> })}
        </nav>
    }
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    let params = use_params_map();
    let data = invoice_page(params.read_untracked().get("number").unwrap_or_default());
    view! {
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => invoice_view(v).into_any(),
            Ok(None) => view! { <p><a href="/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn invoice_view(v: InvoiceView) -> impl IntoView {
    let i = v.item.clone();
    let title = trf("invoice.title", &[("number", &i.number)]);
    let pdf = format!("/invoices/{}/pdf", i.number);
    let contract_href = format!("/contracts/{}", i.contract_number);
    let open = i.status == "open" || i.status == "overdue";
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb"><a href="/invoices">{tr("page.invoices.title")}</a></p>
        <h1>{title}</h1>
        <p>{status_badge(crate::i18n::lang(), &i.status)}</p>
        <dl class="facts">
            <dt>{tr("invoices.contract")}</dt><dd><a href=contract_href>{i.contract_number.clone()}</a></dd>
            <dt>{tr("contract.vehicle")}</dt><dd>{v.vehicle.clone()}" · "{v.number_plate.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{tr("invoice.period")}</dt><dd>{i.description.clone()}</dd>
            <dt>{tr("invoices.issue_date")}</dt><dd>{i.issue_date.clone()}</dd>
            <dt>{tr("invoices.due_date")}</dt><dd>{i.due_date.clone()}</dd>
            <dt>{tr("invoice.excl_vat")}</dt><dd>{v.amount_excl_vat.clone()}</dd>
            <dt>{tr("invoice.vat")}</dt><dd>{v.vat.clone()}</dd>
            <dt>{tr("invoice.total")}</dt><dd><strong>{i.amount.clone()}</strong></dd>
            <dt>{tr("invoice.reference")}</dt><dd class="mono">{v.payment_reference.clone()}</dd>
        </dl>
        {open.then(|| view! { <p class="notice">{trf("invoice.pay", &[("amount", &i.amount), ("iban", &v.iban), ("reference", &v.payment_reference)])}</p> })}
        <p><a class="button primary" href=pdf download>{tr("invoice.download")}</a></p>
    }
}
