//! The staff audit trail (`/cic/audit`): a plain GET filter form (staff member, customer,
//! action, period), 50 entries a page newest first, the CSV export of the filter, and the
//! result of the last chain verification (a broken chain as an alert) for admins. Agents see
//! their own entries only.

use crate::api::audit::{AuditView, audit_trail};
use crate::components::form::{Field, described_by};
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.get_untracked();
    let get = |k: &str| q.get(k).unwrap_or_default();
    let data = audit_trail(
        get("staff"),
        get("customer"),
        get("action"),
        get("from"),
        get("until"),
        get("before"),
    );
    view! {
        <Title text=tr("page.audit.title") />
        <p class="breadcrumb"><a href="/cic">{tr("page.cic.title")}</a></p>
        <h1>{tr("page.audit.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => trail_view(v).into_any(),
            Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

/// A select with "all" first; `error` is the message key shown next to it.
fn select(
    id: &'static str,
    label: &'static str,
    current: &str,
    choices: Vec<(String, String)>,
    error: Option<String>,
) -> impl IntoView + use<> {
    let current = current.to_string();
    let described = described_by(id, false, error.is_some());
    view! {
        <div class="field" class:invalid=error.is_some()>
            <label for=id>{tr(label)}</label>
            {error.as_ref().map(|e| view! { <p class="field-error" id=format!("{id}-error")>{tr(e)}</p> })}
            <select id=id name=id aria-invalid=error.is_some().then_some("true") aria-describedby=described>
                <option value="">{tr("invoices.all")}</option>
                {choices.into_iter().map(|(value, label)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn trail_view(v: AuditView) -> impl IntoView {
    let error_for = |field: &str| v.error.as_ref().and_then(|m| m.error_for(field));
    let chain = v.chain.clone().map(|c| {
        if c.ok {
            view! { <p class="notice">{trf("audit.chain_ok", &[("at", &c.at)])}</p> }.into_any()
        } else {
            view! {
                <div class="alert" role="alert">
                    <p><strong>{tr("audit.chain_broken")}</strong></p>
                    <p>{trf("audit.chain_broken_at", &[("at", &c.at)])}</p>
                </div>
            }
            .into_any()
        }
    });
    let staff_select = v.is_admin.then(|| {
        let choices = v
            .staff_options
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect();
        select(
            "staff",
            "audit.staff",
            &v.staff,
            choices,
            error_for("staff"),
        )
    });
    let actions = v
        .actions
        .iter()
        .map(|a| (a.clone(), tr(&format!("audit.action.{a}")).to_string()))
        .collect();
    let entries = if v.entries.is_empty() {
        view! { <p class="empty" role="status">{tr("audit.none")}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">{tr("page.audit.title")}</caption>
                    <thead><tr>
                        <th scope="col">{tr("audit.at")}</th>
                        <th scope="col">{tr("audit.staff")}</th>
                        <th scope="col">{tr("audit.action")}</th>
                        <th scope="col">{tr("cic.customer")}</th>
                        <th scope="col">{tr("audit.object")}</th>
                        <th scope="col">{tr("audit.detail")}</th>
                        <th scope="col">{tr("audit.ip")}</th>
                        <th scope="col">{tr("audit.request_id")}</th>
                    </tr></thead>
                    <tbody>
                        {v.entries.iter().map(|e| view! {
                            <tr>
                                <td data-label=tr("audit.at")>{e.at.clone()}</td>
                                <td data-label=tr("audit.staff")>{e.staff_name.clone()}</td>
                                <td data-label=tr("audit.action")>{tr(&format!("audit.action.{}", e.action))}</td>
                                <td data-label=tr("cic.customer")>{e.customer.clone().map(|c| view! { <a href=format!("/cic/customers/{c}")>{c.clone()}</a> })}</td>
                                <td data-label=tr("audit.object")>{e.object.clone().unwrap_or_default()}</td>
                                <td data-label=tr("audit.detail")>{e.detail.clone()}</td>
                                <td data-label=tr("audit.ip")>{e.ip_address.clone()}</td>
                                <td data-label=tr("audit.request_id")><code>{e.request_id.clone().unwrap_or_default()}</code></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        {chain}
        {(!v.is_admin).then(|| view! { <p>{tr("audit.own_only")}</p> })}
        <form method="get" action="/cic/audit" class="filters" aria-label=tr("audit.filters")>
            {staff_select}
            <Field id="customer" label="register.customer_number" value=v.customer.clone() required=false error=v.error.clone() />
            {select("action", "audit.action", &v.action, actions, error_for("action"))}
            <Field id="from" label="audit.from" kind="date" value=v.from.clone() required=false error=v.error.clone() />
            <Field id="until" label="audit.until" kind="date" value=v.until.clone() required=false error=v.error.clone() />
            <button type="submit" class="button">{tr("invoices.apply")}</button>
        </form>
        {v.export.clone().map(|href| view! {
            <p><a class="button" href=href download="">{tr("audit.export")}</a></p>
        })}
        {entries}
        {v.next.clone().map(|h| view! {
            <nav class="pagination" aria-label=tr("invoices.pages")>
                <a href=h rel="next">{tr("audit.older")}</a>
            </nav>
        })}
    }
}
