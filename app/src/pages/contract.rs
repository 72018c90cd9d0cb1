//! A contract (`/contracts/{number}`): vehicle and terms, the mileage chart with its projection
//! and the form to report a reading, then the contract's invoices, documents and requests.

use crate::api::customer::{ContractView, ReportMileage, contract_page};
use crate::components::form::{Field, FormMessage};
use crate::components::lists::{DocumentList, InvoiceTable, RequestList};
use crate::i18n::{tr, trf, trp};
use crate::pages::not_found::NotFound;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ContractPage() -> impl IntoView {
    let number = use_params_map()
        .read_untracked()
        .get("number")
        .unwrap_or_default();
    let report = ServerAction::<ReportMileage>::new();
    crate::pages::loaded(contract_page(number), move |result| match result {
        Ok(Some(c)) => contract_view(c, report).into_any(),
        Ok(None) => view! { <p><a href="/login">{tr("nav.login")}</a></p> }.into_any(),
        Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
        Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
    })
}

fn contract_view(mut c: ContractView, report: ServerAction<ReportMileage>) -> impl IntoView {
    // The lists move into their components (a page renders once per load on the server).
    let invoices = std::mem::take(&mut c.invoices);
    let documents = std::mem::take(&mut c.documents);
    let requests = std::mem::take(&mut c.requests);
    let card = c.card.clone();
    let title = format!("{} · {}", card.vehicle, card.contract_number);
    let kind = tr(&format!("contractkind.{}", card.kind));
    let status = tr(&format!("contractstatus.{}", card.status));
    let dash = || "—".to_string();
    let form = c.mileage_form.clone();
    let message = form.message.clone();
    let km_value = form.km.clone();
    let date_value = if form.date.is_empty() {
        c.today.clone()
    } else {
        form.date.clone()
    };
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb"><a href="/dashboard">{tr("page.dashboard.title")}</a></p>
        <h1>{title}</h1>
        <section aria-labelledby="details-title">
            <h2 id="details-title">{tr("contract.details")}</h2>
            <dl class="facts">
                <dt>{tr("contract.kind")}</dt><dd>{kind}</dd>
                <dt>{tr("contract.status")}</dt><dd>{status}</dd>
                <dt>{tr("contract.vehicle")}</dt><dd>{card.vehicle.clone()}</dd>
                <dt>{tr("dashboard.plate")}</dt><dd>{card.number_plate.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr("contract.vin")}</dt><dd class="mono">{c.vin.clone()}</dd>
                <dt>{tr("contract.start_date")}</dt><dd>{card.start_date.clone()}</dd>
                <dt>{tr("dashboard.end_date")}</dt><dd>{card.end_date.clone()}</dd>
                <dt>{tr("contract.duration")}</dt><dd>{trp("contract.months", c.duration_months, &[])}</dd>
                <dt>{tr("contract.remaining")}</dt><dd>{trp("contract.months", c.months_remaining, &[])}</dd>
                <dt>{tr("dashboard.monthly")}</dt><dd>{card.monthly_amount.clone()}</dd>
                <dt>{tr("contract.km_per_year")}</dt><dd>{card.allowed_km_per_year.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr("contract.km_total")}</dt><dd>{c.allowed_km_total.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr("contract.excess_rate")}</dt><dd>{c.excess_km_rate.clone().map(|r| trf("contract.per_km", &[("rate", &r)])).unwrap_or_else(dash)}</dd>
                <dt>{tr("contract.latest_reading")}</dt>
                <dd>{c.latest_reading.clone().map(|r| format!("{} ({})", r.km, r.date)).unwrap_or_else(|| tr("contract.no_reading").to_string())}</dd>
            </dl>
        </section>

        {card.running.then(|| {
            let plate = format!("/contracts/{}/plate", card.contract_number);
            let allowance = format!("/contracts/{}/allowance", card.contract_number);
            let has_allowance = card.allowed_km_per_year.is_some();
            view! {
                <section aria-labelledby="changes-title">
                    <h2 id="changes-title">{tr("contract.changes")}</h2>
                    <ul class="link-list">
                        <li><a href=plate>{tr("contract.request_plate")}</a></li>
                        {has_allowance.then(|| view! { <li><a href=allowance>{tr("contract.request_allowance")}</a></li> })}
                    </ul>
                </section>
            }
        })}

        <section id="mileage" aria-labelledby="mileage-title">
            <h2 id="mileage-title">{tr("mileage.title")}</h2>
            {c.chart_svg.clone().map(|svg| view! { <figure class="chart" inner_html=svg></figure> })}
            {c.projection.clone().map(|p| {
                let text = trf("mileage.projection", &[("km", &p.km_at_end)]);
                view! {
                    <div class=if p.exceeds { "form-error" } else { "notice" } role="status">
                        <p>{text}</p>
                        {p.allowed_km.clone().map(|a| if p.exceeds {
                            view! { <p><strong>{trf("mileage.exceeds", &[("allowed", &a), ("excess", &p.excess_km), ("cost", &p.excess_cost)])}</strong></p> }.into_any()
                        } else {
                            view! { <p>{trf("mileage.within", &[("allowed", &a)])}</p> }.into_any()
                        })}
                    </div>
                }
            })}
            {(!c.readings.is_empty()).then(|| {
                // The column names, looked up once (each cell repeats its own for phones).
                let date = tr("mileage.date");
                let km = tr("mileage.km");
                let allowed = tr("mileage.allowed");
                view! {
                    <details class="readings">
                        <summary>{tr("mileage.table")}</summary>
                        <table class="table">
                            <caption class="visually-hidden">{tr("mileage.table")}</caption>
                            <thead><tr>
                                <th scope="col">{date}</th>
                                <th scope="col" class="num">{km}</th>
                                <th scope="col" class="num">{allowed}</th>
                            </tr></thead>
                            <tbody>
                                {c.readings.iter().rev().map(|r| view! {
                                    <tr>
                                        <td data-label=date>{r.date.clone()}</td>
                                        <td data-label=km class="num">{r.km.clone()}</td>
                                        <td data-label=allowed class="num">{r.allowed.clone().unwrap_or_else(|| "—".into())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </details>
                }
            })}
            <h3>{tr("mileage.report")}</h3>
            <ActionForm action=report attr:class="form">
                <FormMessage key=message.clone() />
                <input type="hidden" name="contract" value=card.contract_number.clone() />
                <Field id="km" label="mileage.km" hint="mileage.km.hint" inputmode="numeric" value=km_value error=message.clone() />
                <Field id="date" label="mileage.date" kind="date" value=date_value max=c.today.clone() error=message.clone() />
                {form.needs_confirmation.then(|| view! {
                    <div class="field checkbox">
                        <input type="checkbox" id="confirm" name="confirm" value="1" />
                        <label for="confirm">{tr("mileage.confirm")}</label>
                    </div>
                })}
                <button type="submit" class="button primary">{tr("mileage.submit")}</button>
            </ActionForm>
        </section>

        <section aria-labelledby="invoices-title">
            <h2 id="invoices-title">{tr("page.invoices.title")}</h2>
            {if invoices.is_empty() {
                view! { <p>{tr("invoices.none")}</p> }.into_any()
            } else {
                view! { <InvoiceTable items=invoices /> }.into_any()
            }}
            {c.all_invoices.clone().map(|href| view! {
                <p><a href=href>{tr("contract.all_invoices")}</a></p>
            })}
        </section>
        <section aria-labelledby="documents-title">
            <h2 id="documents-title">{tr("page.documents.title")}</h2>
            <DocumentList items=documents />
        </section>
        <section aria-labelledby="requests-title">
            <h2 id="requests-title">{tr("requests.title")}</h2>
            <RequestList items=requests />
            <p><a href="/requests">{tr("page.requests.title")}</a>" · "<a href="/documents#request-form">{tr("documents.request")}</a></p>
        </section>
    }
}
