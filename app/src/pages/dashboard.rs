//! The signed-in customer's start page (`/dashboard`): announcements, what is due, pending
//! requests, and one card per contract (running first; ended ones in a collapsed section).

use crate::api::customer::{ContractCard, dashboard};
use crate::i18n::{tr, trf, trp};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = dashboard();
    view! {
        <Title text=tr("page.dashboard.title") />
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(d)) => {
                let name = format!("{} {}", d.first_name, d.last_name);
                let (running, ended): (Vec<ContractCard>, Vec<ContractCard>) = d.contracts.into_iter().partition(|c| c.running);
                let due = if d.open_invoices == 0 {
                    tr("dashboard.nothing_due").to_string()
                } else {
                    trp("dashboard.due", d.open_invoices, &[("total", &d.total_due)])
                };
                view! {
                    <div class="page-head">
                        <h1>{trf("dashboard.welcome", &[("name", &name)])}</h1>
                    </div>
                    <section class="announcements" aria-label=tr("dashboard.announcements")>
                        {d.announcements.into_iter().map(|a| view! { <p class="announcement" role="note">{a}</p> }).collect_view()}
                    </section>
                    <ul class="summary">
                        <li class="summary-item">
                            <h2>{tr("dashboard.open_invoices")}</h2>
                            <p class="big">{due}</p>
                            {(d.overdue_invoices > 0).then(|| view! {
                                <p class="status status-overdue">{trp("dashboard.overdue", d.overdue_invoices, &[])}</p>
                            })}
                            <a href="/invoices?status=open">{tr("dashboard.see_invoices")}</a>
                        </li>
                        <li class="summary-item">
                            <h2>{tr("dashboard.pending_requests")}</h2>
                            <p class="big">{d.pending_requests}</p>
                            <a href="/documents#requests">{tr("dashboard.see_requests")}</a>
                        </li>
                        <li class="summary-item">
                            <h2>{tr("dashboard.unread_messages")}</h2>
                            <p class="big">{d.unread_messages}</p>
                            <a href="/messages">{tr("dashboard.see_messages")}</a>
                        </li>
                    </ul>
                    <section aria-labelledby="running-title">
                        <h2 id="running-title">{tr("dashboard.running")}</h2>
                        {if running.is_empty() {
                            view! { <p>{tr("dashboard.none")}</p> }.into_any()
                        } else {
                            view! { <ul class="cards">{running.into_iter().map(card).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    {(!ended.is_empty()).then(|| view! {
                        <details class="ended">
                            <summary>{trf("dashboard.ended_count", &[("n", &ended.len().to_string())])}</summary>
                            <ul class="cards">{ended.into_iter().map(card).collect_view()}</ul>
                        </details>
                    })}
                }.into_any()
            }
            Ok(None) => view! { <p><a href="/login?next=/dashboard">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn card(c: ContractCard) -> impl IntoView {
    let kind = tr(&format!("contractkind.{}", c.kind));
    let status = tr(&format!("contractstatus.{}", c.status));
    let href = format!("/contracts/{}", c.contract_number);
    view! {
        <li class="card">
            <h3><a href=href>{c.vehicle.clone()}</a></h3>
            <dl>
                <dt>{tr("dashboard.contract")}</dt><dd>{c.contract_number.clone()}" · "{kind}</dd>
                <dt>{tr("dashboard.plate")}</dt><dd>{c.number_plate.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{tr("dashboard.status")}</dt><dd>{status}</dd>
                <dt>{tr("dashboard.end_date")}</dt><dd>{c.end_date.clone()}</dd>
                <dt>{tr("dashboard.monthly")}</dt><dd>{c.monthly_amount.clone()}</dd>
                {c.allowed_km_per_year.clone().map(|km| view! { <dt>{tr("contract.km_per_year")}</dt><dd>{km}</dd> })}
            </dl>
        </li>
    }
}
