//! The CIC's work queue (`/cic/queue`: open requests oldest first, filters in a plain GET
//! form, overdue ones marked) and a request (`/cic/requests/{id}`: what is asked, the
//! customer's contract and vehicle, the uploaded file, the history; assign, approve, reject).
//! Every form is a plain post, the same with and without JavaScript.

use crate::api::queue::{QueueView, StaffRequestView, queue_page, staff_request_page};
use crate::components::form::FormMessage;
use crate::components::lists::RequestHistory;
use crate::i18n::{tr, trf, trp};
use crate::pages::not_found::NotFound;
use crate::pages::requests::{KINDS, options};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let q = query.get_untracked();
    let data = queue_page(
        q.get("kind").unwrap_or_default(),
        q.get("status").unwrap_or_default(),
        q.get("assigned").unwrap_or_default(),
        q.get("overdue").unwrap_or_default(),
        q.get("page").unwrap_or_default(),
    );
    view! {
        <Title text=tr("page.queue.title") />
        <p class="breadcrumb"><a href="/cic">{tr("page.cic.title")}</a></p>
        <h1>{tr("page.queue.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => queue_view(v).into_any(),
            Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn page_href(v: &QueueView, page: i64) -> String {
    let mut q = vec![format!("page={page}")];
    for (k, val) in [
        ("kind", &v.kind),
        ("status", &v.status),
        ("assigned", &v.assigned),
    ] {
        if !val.is_empty() {
            q.push(format!("{k}={val}"));
        }
    }
    if v.overdue_only {
        q.push("overdue=1".into());
    }
    format!("/cic/queue?{}", q.join("&"))
}

fn queue_view(v: QueueView) -> impl IntoView {
    let assigned: Vec<(String, String)> = [
        ("anyone", "queue.assigned.anyone"),
        ("unassigned", "queue.assigned.unassigned"),
        ("mine", "queue.assigned.mine"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), tr(k).to_string()))
    .collect();
    let current = v.assigned.clone();
    let count = trp(
        "queue.count",
        v.total,
        &[
            ("n", &v.total_shown),
            ("page", &v.page.to_string()),
            ("pages", &v.pages.to_string()),
        ],
    );
    let prev = (v.page > 1).then(|| page_href(&v, v.page - 1));
    let next = (v.page < v.pages).then(|| page_href(&v, v.page + 1));
    view! {
        <form method="get" action="/cic/queue" class="filters" aria-label=tr("queue.filters")>
            <div class="field">
                <label for="f-kind">{tr("requests.kind")}</label>
                <select id="f-kind" name="kind">{options(&v.kind, "requestkind", &KINDS)}</select>
            </div>
            <div class="field">
                <label for="f-status">{tr("invoices.status")}</label>
                <select id="f-status" name="status">{options(&v.status, "requeststatus", &["submitted", "in_treatment"])}</select>
            </div>
            <div class="field">
                <label for="f-assigned">{tr("queue.assigned")}</label>
                <select id="f-assigned" name="assigned">
                    {assigned.into_iter().map(|(value, label)| {
                        let selected = value == current;
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field checkbox">
                <input type="checkbox" id="f-overdue" name="overdue" value="1" checked=v.overdue_only />
                <label for="f-overdue">{tr("queue.overdue_only")}</label>
            </div>
            <button type="submit" class="button">{tr("invoices.apply")}</button>
        </form>
        <p role="status">{count}</p>
        {if v.items.is_empty() {
            view! { <p class="empty">{tr("queue.empty")}</p> }.into_any()
        } else {
            // The column names, looked up once (each cell repeats its own for phones).
            let reference = tr("requests.reference");
            let kind = tr("requests.kind");
            let customer = tr("cic.customer");
            let contract = tr("invoices.contract");
            let submitted = tr("requests.submitted");
            let age_label = tr("queue.age");
            let status = tr("invoices.status");
            let assigned_to = tr("queue.assigned_to");
            let overdue = tr("queue.overdue");
            let nobody = tr("queue.nobody");
            view! {
                <div class="table-wrap">
                    <table class="table">
                        <caption class="visually-hidden">{tr("page.queue.title")}</caption>
                        <thead><tr>
                            <th scope="col">{reference}</th>
                            <th scope="col">{kind}</th>
                            <th scope="col">{customer}</th>
                            <th scope="col">{contract}</th>
                            <th scope="col">{submitted}</th>
                            <th scope="col">{age_label}</th>
                            <th scope="col">{status}</th>
                            <th scope="col">{assigned_to}</th>
                        </tr></thead>
                        <tbody>
                            {v.items.iter().map(|i| {
                                let age = trp("queue.age_days", i.age_days, &[]);
                                view! {
                                    <tr class:overdue=i.overdue>
                                        <td data-label=reference><a href=format!("/cic/requests/{}", i.id)>{i.reference.clone()}</a></td>
                                        <td data-label=kind>{tr(&format!("requestkind.{}", i.kind))}</td>
                                        <td data-label=customer>{i.customer_name.clone()}" ("{i.customer_number.clone()}")"</td>
                                        <td data-label=contract>{i.contract_number.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td data-label=submitted>{i.submitted.clone()}</td>
                                        <td data-label=age_label>
                                            {age}
                                            {i.overdue.then(|| view! { " " <span class="status status-overdue">{overdue}</span> })}
                                        </td>
                                        <td data-label=status><span class=format!("status status-{}", i.status)>{tr(&format!("requeststatus.{}", i.status))}</span></td>
                                        <td data-label=assigned_to>{i.assigned_to.clone().unwrap_or_else(|| nobody.to_string())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="pagination" aria-label=tr("invoices.pages")>
            {prev.map(|h| view! { <a href=h rel="prev">{tr("invoices.prev")}</a> })}
            <span aria-current="page">{trf("invoices.page_of", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())])}</span>
            {next.map(|h| view! { <a href=h rel="next">{tr("invoices.next")}</a> })}
        </nav>
    }
}

#[component]
pub fn StaffRequestPage() -> impl IntoView {
    let params = use_params_map();
    let data = staff_request_page(params.read_untracked().get("id").unwrap_or_default());
    view! {
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => request_view(v).into_any(),
            Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn request_view(v: StaffRequestView) -> impl IntoView {
    let title = format!(
        "{} · {}",
        tr(&format!("requestkind.{}", v.kind)),
        v.reference
    );
    let dash = || "—".to_string();
    let id = v.id.to_string();
    let version = v.version.to_string();
    let note_error = v.message.as_ref().and_then(|m| m.error_for("note"));
    let assignee_error = v.message.as_ref().and_then(|m| m.error_for("assignee"));
    let age = trp("queue.age_days", v.age_days, &[]);
    let file = v.file.clone().map(|(fid, name, content_type)| {
        let href = format!("/cic/files/{fid}");
        view! {
            <section aria-labelledby="file-title">
                <h2 id="file-title">{tr("change.certificate")}</h2>
                <p><a href=href.clone() target="_blank" rel="noopener">{name.clone()}</a>" · "{content_type.clone()}</p>
                {content_type.starts_with("image/").then(|| view! {
                    <img class="upload-preview" src=href.clone() alt=trf("queue.file_preview", &[("name", &name)]) />
                })}
            </section>
        }
    });
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb"><a href="/cic/queue">{tr("page.queue.title")}</a></p>
        <h1>{title}</h1>
        <FormMessage key=v.message.clone() />
        {v.opened_by_other.clone().map(|name| view! {
            <p class="notice" role="status">{trf("queue.opened_by_other", &[("name", &name)])}</p>
        })}
        <dl class="facts">
            <dt>{tr("invoices.status")}</dt><dd><span class=format!("status status-{}", v.status)>{tr(&format!("requeststatus.{}", v.status))}</span></dd>
            <dt>{tr("queue.assigned_to")}</dt><dd>{v.assigned_to.clone().unwrap_or_else(|| tr("queue.nobody").to_string())}</dd>
            <dt>{tr("requests.submitted")}</dt><dd>{v.submitted.clone()}" · "{age}
                {v.overdue.then(|| view! { " " <span class="status status-overdue">{tr("queue.overdue")}</span> })}</dd>
            <dt>{tr("cic.customer")}</dt><dd>{v.customer_name.clone()}" ("{v.customer_number.clone()}")"</dd>
            // Contact details are about the customer, not a contract.
            {v.contract_number.clone().map(|number| view! {
                <dt>{tr("invoices.contract")}</dt><dd>{number}</dd>
                {v.vehicle.clone().map(|veh| view! { <dt>{tr("contract.vehicle")}</dt><dd>{veh}</dd> })}
                {v.vin.clone().map(|vin| view! { <dt>{tr("contract.vin")}</dt><dd class="mono">{vin}</dd> })}
                <dt>{tr("dashboard.plate")}</dt><dd>{v.current_plate.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr("contract.km_per_year")}</dt><dd>{v.current_allowance.clone().unwrap_or_else(dash)}</dd>
                {v.contract_end.clone().map(|e| view! { <dt>{tr("dashboard.end_date")}</dt><dd>{e}</dd> })}
            })}
            {v.new_value.clone().map(|n| view! {
                <dt>{tr("requests.new_value")}</dt><dd><strong>{n}</strong></dd>
                <dt>{tr("requests.old_value")}</dt><dd>{v.old_value.clone().unwrap_or_else(dash)}</dd>
            })}
            {v.effective.clone().map(|e| view! { <dt>{tr("requests.effective")}</dt><dd>{e}</dd> })}
            {v.year.map(|y| view! { <dt>{tr("documents.year")}</dt><dd>{y}</dd> })}
        </dl>
        {file}
        {v.pending.then(|| {
            let colleagues = v.colleagues.clone();
            view! {
                <section aria-labelledby="assign-title">
                    <h2 id="assign-title">{tr("queue.assign")}</h2>
                    <div class="actions">
                        {(!v.assigned_to_me).then(|| view! {
                            <form method="post" action="/api/cic/assign-request" class="inline-form">
                                <input type="hidden" name="id" value=id.clone() />
                                <input type="hidden" name="version" value=version.clone() />
                                <input type="hidden" name="to" value="me" />
                                <button type="submit" class="button">{tr("queue.assign_me")}</button>
                            </form>
                        })}
                        {v.assigned_to.is_some().then(|| view! {
                            <form method="post" action="/api/cic/assign-request" class="inline-form">
                                <input type="hidden" name="id" value=id.clone() />
                                <input type="hidden" name="version" value=version.clone() />
                                <input type="hidden" name="to" value="" />
                                <button type="submit" class="button">{tr("queue.release")}</button>
                            </form>
                        })}
                    </div>
                    <form method="post" action="/api/cic/assign-request" class="form">
                        <input type="hidden" name="id" value=id.clone() />
                        <input type="hidden" name="version" value=version.clone() />
                        <div class="field" class:invalid=assignee_error.is_some()>
                            <label for="to">{tr("queue.colleague")}</label>
                            {assignee_error.as_ref().map(|e| view! { <p class="field-error" id="to-error">{tr(e)}</p> })}
                            <select id="to" name="to">
                                {colleagues.into_iter().map(|(cid, name)| view! { <option value=cid.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">{tr("queue.assign_colleague")}</button>
                    </form>
                </section>
                <section aria-labelledby="decide-title">
                    <h2 id="decide-title">{tr("queue.decide")}</h2>
                    <form method="post" class="form">
                        <input type="hidden" name="id" value=id.clone() />
                        <input type="hidden" name="version" value=version.clone() />
                        <div class="field" class:invalid=note_error.is_some()>
                            <label for="note">{tr("queue.note")}</label>
                            <p class="hint" id="note-hint">{tr("queue.note.hint")}</p>
                            {note_error.as_ref().map(|e| view! { <p class="field-error" id="note-error">{tr(e)}</p> })}
                            <textarea id="note" name="note" rows="4" maxlength="2000"
                                aria-invalid=note_error.is_some().then_some("true")
                                aria-describedby=if note_error.is_some() { "note-hint note-error" } else { "note-hint" }>{v.note.clone()}</textarea>
                        </div>
                        <div class="actions">
                            <button type="submit" class="button primary" formaction="/api/cic/approve-request">{tr("queue.approve")}</button>
                            <button type="submit" class="button" formaction="/api/cic/reject-request">{tr("queue.reject")}</button>
                        </div>
                    </form>
                </section>
            }
        })}
        {v.staff_note.clone().map(|n| view! {
            <section aria-labelledby="note-title">
                <h2 id="note-title">{tr("requests.staff_note")}</h2>
                <p class="pre-line">{n}</p>
            </section>
        })}
        <RequestHistory items=v.history.clone() />
    }
}
