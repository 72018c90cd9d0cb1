//! The CIC's customer search (`/cic/customers`: one field, a plain GET form, 25 results a
//! page) and the read-only customer view (`/cic/customers/{number}`): profile and contact
//! details, the portal account's state, contracts, the newest invoices, documents, requests
//! (linked into the work queue) and security incidents.

use crate::api::customers::{SearchView, StaffCustomerView, customer_search, staff_customer};
use crate::components::form::described_by;
use crate::i18n::{tr, trf};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CustomerSearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.get_untracked();
    let data = customer_search(q.get("q"), q.get("page").unwrap_or_default());
    view! {
        <Title text=tr("page.customers.title") />
        <p class="breadcrumb"><a href="/cic">{tr("page.cic.title")}</a></p>
        <h1>{tr("page.customers.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => search_view(v).into_any(),
            Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn page_href(q: &str, page: i64) -> String {
    format!(
        "/cic/customers?q={}&page={page}",
        crate::paths::encode_component(q)
    )
}

fn search_view(v: SearchView) -> impl IntoView {
    let error = v.error.clone();
    let described = described_by("q", true, error.is_some());
    let prev = (v.page > 1).then(|| page_href(&v.q, v.page - 1));
    let next = v.more.then(|| page_href(&v.q, v.page + 1));
    let results = v.found.clone().map(|found| {
        if found.is_empty() {
            return view! { <p class="empty" role="status">{tr("customers.none")}</p> }.into_any();
        }
        view! {
            <p role="status">{trf("customers.page", &[("page", &v.page.to_string())])}</p>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">{tr("customers.results")}</caption>
                    <thead><tr>
                        <th scope="col">{tr("register.customer_number")}</th>
                        <th scope="col">{tr("cic.customer")}</th>
                        <th scope="col">{tr("contact.email")}</th>
                        <th scope="col">{tr("contact.city")}</th>
                    </tr></thead>
                    <tbody>
                        {found.into_iter().map(|c| view! {
                            <tr>
                                <td data-label=tr("register.customer_number")><a href=format!("/cic/customers/{}", c.number)>{c.number.clone()}</a></td>
                                <td data-label=tr("cic.customer")>{c.name.clone()}</td>
                                <td data-label=tr("contact.email")>{c.email.clone().unwrap_or_default()}</td>
                                <td data-label=tr("contact.city")>{c.city.clone().unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <nav class="pagination" aria-label=tr("invoices.pages")>
                {prev.clone().map(|h| view! { <a href=h rel="prev">{tr("invoices.prev")}</a> })}
                {next.clone().map(|h| view! { <a href=h rel="next">{tr("invoices.next")}</a> })}
            </nav>
        }
        .into_any()
    });
    view! {
        <form method="get" action="/cic/customers" class="form" role="search">
            <div class="field" class:invalid=error.is_some()>
                <label for="q">{tr("customers.q")}</label>
                <p class="hint" id="q-hint">{tr("customers.q.hint")}</p>
                {error.as_ref().map(|e| view! { <p class="field-error" id="q-error">{tr(e)}</p> })}
                <input id="q" name="q" type="search" value=v.q.clone() autocomplete="off"
                    aria-invalid=error.is_some().then_some("true") aria-describedby=described />
            </div>
            <button type="submit" class="button primary">{tr("customers.search")}</button>
        </form>
        {results}
    }
}

#[component]
pub fn StaffCustomerPage() -> impl IntoView {
    let params = use_params_map();
    let data = staff_customer(params.read_untracked().get("number").unwrap_or_default());
    view! {
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => customer_view(v).into_any(),
            Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { tr("common.yes") } else { tr("common.no") }
}

fn customer_view(v: StaffCustomerView) -> impl IntoView {
    let dash = || "—".to_string();
    let title = format!("{} ({})", v.name, v.number);
    let account = match v.account.clone() {
        None => view! { <p>{tr("customers.not_registered")}</p> }.into_any(),
        Some(a) => view! {
            <dl class="facts">
                <dt>{tr("customers.sign_in_email")}</dt><dd>{a.email.clone()}</dd>
                <dt>{tr("customers.registered")}</dt><dd>{a.registered.clone()}</dd>
                <dt>{tr("customers.last_sign_in")}</dt><dd>{a.last_sign_in.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr("customers.two_factor")}</dt><dd>{yes_no(a.two_factor)}</dd>
                <dt>{tr("customers.must_reset")}</dt><dd>{yes_no(a.must_reset)}</dd>
                <dt>{tr("customers.active")}</dt><dd>{yes_no(a.active)}</dd>
                <dt>{tr("suspension.state")}</dt>
                <dd>{match a.suspended.clone() {
                    None => tr("suspension.not_suspended").to_string(),
                    Some(at) => format!(
                        "{} · {}{}",
                        at,
                        tr(&format!("suspension.reason.{}", a.suspended_reason.clone().unwrap_or_default())),
                        a.suspended_note.clone().map(|n| format!(" · {n}")).unwrap_or_default()
                    ),
                }}</dd>
            </dl>
        }
        .into_any(),
    };
    // The outcome of the last action (reset link, suspension), then the actions: a reset link
    // for an account that can sign in (any staff), suspend or reinstate (admins).
    let reset = v
        .account
        .as_ref()
        .filter(|a| a.active && a.suspended.is_none())
        .map(|_| {
            view! {
                <form method="post" action="/api/cic/send-password-reset" class="form">
                    <input type="hidden" name="number" value=v.number.clone() />
                    <p class="hint" id="reset-hint">{tr("customers.reset_hint")}</p>
                    <button type="submit" class="button" aria-describedby="reset-hint">{tr("customers.send_reset")}</button>
                </form>
            }
        });
    let suspension = match &v.account {
        Some(a) if v.can_suspend => Some(access_forms(&v, a.suspended.is_some())),
        _ => None,
    };
    let access = view! {
        <div id="access">
            <crate::components::form::FormMessage key=v.message.clone() />
            {reset}
            {suspension}
        </div>
    };
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb"><a href="/cic/customers">{tr("page.customers.title")}</a></p>
        <h1>{title}</h1>
        <p class="hint">{tr("customers.read_only")}</p>
        <section aria-labelledby="profile-title">
            <h2 id="profile-title">{tr("customers.profile")}</h2>
            <dl class="facts">
                <dt>{tr("register.customer_number")}</dt><dd>{v.number.clone()}</dd>
                <dt>{tr("customers.kind")}</dt><dd>{tr(&format!("customerkind.{}", v.kind))}</dd>
                {v.company_number.clone().map(|n| view! { <dt>{tr("customers.company_number")}</dt><dd>{n}</dd> })}
                <dt>{tr("customers.language")}</dt><dd>{v.language.to_uppercase()}</dd>
                <dt>{tr("contact.address")}</dt><dd>{v.address.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr("contact.mobile")}</dt><dd>{v.mobile.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr("contact.email")}</dt><dd>{v.email.clone().unwrap_or_else(dash)}</dd>
            </dl>
        </section>
        <section aria-labelledby="account-title">
            <h2 id="account-title">{tr("customers.account")}</h2>
            {account}
            {access}
            {(!v.incidents.is_empty()).then(|| view! {
                <h3>{tr("cic.incidents")}</h3>
                <ul>
                    {v.incidents.iter().map(|(kind, at)| view! {
                        <li>{tr(&format!("incident.{kind}"))}" · "{at.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
        <section aria-labelledby="contracts-title">
            <h2 id="contracts-title">{tr("customers.contracts")}</h2>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">{tr("customers.contracts")}</caption>
                    <thead><tr>
                        <th scope="col">{tr("invoices.contract")}</th>
                        <th scope="col">{tr("contract.vehicle")}</th>
                        <th scope="col">{tr("dashboard.plate")}</th>
                        <th scope="col">{tr("invoices.status")}</th>
                        <th scope="col">{tr("dashboard.end_date")}</th>
                        <th scope="col" class="num">{tr("contract.km_per_year")}</th>
                        <th scope="col" class="num">{tr("customers.monthly")}</th>
                    </tr></thead>
                    <tbody>
                        {v.contracts.iter().map(|c| view! {
                            <tr>
                                <td data-label=tr("invoices.contract")>{c.contract_number.clone()}</td>
                                <td data-label=tr("contract.vehicle")>{c.vehicle.clone()}</td>
                                <td data-label=tr("dashboard.plate")>{c.number_plate.clone().unwrap_or_else(dash)}</td>
                                <td data-label=tr("invoices.status")>{tr(&format!("contractstatus.{}", c.status))}</td>
                                <td data-label=tr("dashboard.end_date")>{c.end_date.clone()}</td>
                                <td data-label=tr("contract.km_per_year") class="num">{c.allowed_km_per_year.clone().unwrap_or_else(dash)}</td>
                                <td data-label=tr("customers.monthly") class="num">{c.monthly_amount.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="requests-title">
            <h2 id="requests-title">{tr("nav.requests")}</h2>
            {if v.requests.is_empty() {
                view! { <p>{tr("requests.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="doc-list">
                        {v.requests.iter().map(|r| view! {
                            <li>
                                <a href=format!("/cic/requests/{}", r.id)>{r.reference.clone()}</a>
                                " · "{tr(&format!("requestkind.{}", r.kind))}
                                " · "<span class=format!("status status-{}", r.status)>{tr(&format!("requeststatus.{}", r.status))}</span>
                                " · "{r.created.clone()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="invoices-title">
            <h2 id="invoices-title">{tr("page.invoices.title")}</h2>
            <p>{trf("customers.invoices_shown", &[("shown", &v.invoices.len().to_string()), ("total", &v.invoice_count.to_string())])}</p>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">{tr("page.invoices.title")}</caption>
                    <thead><tr>
                        <th scope="col">{tr("invoices.number")}</th>
                        <th scope="col">{tr("invoices.contract")}</th>
                        <th scope="col">{tr("invoices.due_date")}</th>
                        <th scope="col" class="num">{tr("invoices.amount")}</th>
                        <th scope="col">{tr("invoices.status")}</th>
                    </tr></thead>
                    <tbody>
                        {v.invoices.iter().map(|i| view! {
                            <tr>
                                <td data-label=tr("invoices.number")>{i.number.clone()}</td>
                                <td data-label=tr("invoices.contract")>{i.contract_number.clone()}</td>
                                <td data-label=tr("invoices.due_date")>{i.due_date.clone()}</td>
                                <td data-label=tr("invoices.amount") class="num">{i.amount.clone()}</td>
                                <td data-label=tr("invoices.status")><span class=format!("status status-{}", i.status)>{tr(&format!("invoicestatus.{}", i.status))}</span></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="documents-title">
            <h2 id="documents-title">{tr("page.documents.title")}</h2>
            {if v.documents.is_empty() {
                view! { <p>{tr("documents.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="doc-list">
                        {v.documents.iter().map(|d| view! {
                            <li>
                                {tr(&format!("document.{}", d.kind))}
                                {d.contract_number.clone().map(|n| format!(" · {n}"))}
                                {d.year.map(|y| format!(" · {y}"))}
                                " · "{d.created.clone()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Admins: suspend (reason from the list, a note) or reinstate; plain posts. The outcome is
/// shown above them.
fn access_forms(v: &StaffCustomerView, suspended: bool) -> AnyView {
    let message = v.message.clone();
    let number = v.number.clone();
    if suspended {
        return view! {
            <form method="post" action="/api/cic/reinstate-customer" class="form">
                <input type="hidden" name="number" value=number />
                <button type="submit" class="button">{tr("suspension.reinstate")}</button>
            </form>
        }
        .into_any();
    }
    let reason_error = message.as_ref().and_then(|m| m.error_for("reason"));
    let note_error = message.as_ref().and_then(|m| m.error_for("note"));
    let chosen = v.values.get("reason").cloned().unwrap_or_default();
    let note = v.values.get("note").cloned().unwrap_or_default();
    view! {
        <form method="post" action="/api/cic/suspend-customer" class="form">
            <h3>{tr("suspension.title")}</h3>
            <input type="hidden" name="number" value=number />
            <div class="field" class:invalid=reason_error.is_some()>
                <label for="reason">{tr("suspension.reason")}</label>
                {reason_error.as_ref().map(|e| view! { <p class="field-error" id="reason-error">{tr(e)}</p> })}
                <select id="reason" name="reason" aria-invalid=reason_error.is_some().then_some("true")
                    aria-describedby=reason_error.is_some().then_some("reason-error")>
                    <option value="">{tr("suspension.choose")}</option>
                    {domain::suspension::REASONS.iter().map(|r| {
                        let selected = *r == chosen;
                        view! { <option value=*r selected=selected>{tr(&format!("suspension.reason.{r}"))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field" class:invalid=note_error.is_some()>
                <label for="note">{tr("suspension.note")}</label>
                <p class="hint" id="note-hint">{tr("suspension.note.hint")}</p>
                {note_error.as_ref().map(|e| view! { <p class="field-error" id="note-error">{tr(e)}</p> })}
                <textarea id="note" name="note" rows="3" maxlength="500"
                    aria-invalid=note_error.is_some().then_some("true")
                    aria-describedby=described_by("note", true, note_error.is_some())>{note}</textarea>
            </div>
            <button type="submit" class="button primary">{tr("suspension.submit")}</button>
        </form>
    }
    .into_any()
}
