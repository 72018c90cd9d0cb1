//! The CIC's message inbox (`/cic/inbox`: a plain GET filter form, threads waiting longest
//! first, overdue ones marked) and a thread (`/cic/threads/{id}`: the messages with internal
//! notes marked, a reply or note form, close and reopen). Plain posts.

use crate::api::inbox::{InboxView, StaffThreadView, inbox_page, staff_thread};
use crate::components::form::{FormMessage, described_by};
use crate::components::upload::{AttachmentList, AttachmentsField, UploadProgress};
use crate::i18n::{tr, trp};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn InboxPage() -> impl IntoView {
    let query = use_query_map();
    let q = query.get_untracked();
    let get = |k: &str| q.get(k).unwrap_or_default();
    let data = inbox_page(get("show"), get("category"), get("q"), get("page"));
    view! {
        <Title text=tr("page.inbox.title") />
        <p class="breadcrumb"><a href="/cic">{tr("page.cic.title")}</a></p>
        <h1>{tr("page.inbox.title")}</h1>
            {crate::pages::loaded(data, move |result| match result {
                Ok(Some(v)) => inbox_view(v).into_any(),
                Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
            })}
    }
}

fn inbox_view(v: InboxView) -> impl IntoView {
    let query = |page: i64| {
        format!(
            "/cic/inbox?show={}&category={}&q={}&page={page}",
            v.show,
            v.category,
            crate::paths::encode_component(&v.q)
        )
    };
    let prev = (v.page > 1).then(|| query(v.page - 1));
    let next = v.more.then(|| query(v.page + 1));
    let show = v.show.clone();
    let category = v.category.clone();
    view! {
        <form method="get" action="/cic/inbox" class="filters" aria-label=tr("inbox.filters")>
            <div class="field">
                <label for="f-show">{tr("inbox.show")}</label>
                <select id="f-show" name="show">
                    {["waiting", "all", "unassigned", "mine", "closed"].into_iter().map(|s| {
                        let selected = s == show;
                        view! { <option value=s selected=selected>{tr(&format!("inbox.show.{s}"))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-category">{tr("messages.category")}</label>
                <select id="f-category" name="category">
                    <option value="">{tr("invoices.all")}</option>
                    {domain::messages::Category::ALL.into_iter().map(|c| {
                        let selected = c.code() == category;
                        view! { <option value=c.code() selected=selected>{tr(&format!("messages.category.{}", c.code()))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-q">{tr("inbox.q")}</label>
                <input id="f-q" name="q" type="search" value=v.q.clone() autocomplete="off" />
            </div>
            <button type="submit" class="button">{tr("invoices.apply")}</button>
        </form>
        {if v.items.is_empty() {
            view! { <p class="empty" role="status">{tr("inbox.empty")}</p> }.into_any()
        } else {
            // The column names, looked up once (each cell repeats its own for phones).
            let subject = tr("messages.subject");
            let customer = tr("cic.customer");
            let category = tr("messages.category");
            let status = tr("invoices.status");
            let waiting = tr("inbox.waiting");
            let assigned_to = tr("queue.assigned_to");
            let overdue = tr("queue.overdue");
            view! {
                <div class="table-wrap">
                    <table class="table">
                        <caption class="visually-hidden">{tr("page.inbox.title")}</caption>
                        <thead><tr>
                            <th scope="col">{subject}</th>
                            <th scope="col">{customer}</th>
                            <th scope="col">{category}</th>
                            <th scope="col">{status}</th>
                            <th scope="col">{waiting}</th>
                            <th scope="col">{assigned_to}</th>
                        </tr></thead>
                        <tbody>
                            {v.items.iter().map(|i| view! {
                                <tr class:overdue=i.overdue>
                                    <td data-label=subject><a href=format!("/cic/threads/{}", i.id)>{i.subject.clone()}</a></td>
                                    <td data-label=customer>{i.customer_name.clone()}" ("{i.customer_number.clone()}")"</td>
                                    <td data-label=category>{tr(&format!("messages.category.{}", i.category))}</td>
                                    <td data-label=status>{tr(&format!("messages.status.{}", i.status))}</td>
                                    <td data-label=waiting>{i.waiting_days.map(|d| trp("queue.age_days", d, &[]))}
                                        {i.overdue.then(|| view! { " "<span class="tag">{overdue}</span> })}</td>
                                    <td data-label=assigned_to>{i.assigned_to.clone().unwrap_or_default()}</td>
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
        }}
    }
}

#[component]
pub fn StaffThreadPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = staff_thread(
        params.read_untracked().get("id").unwrap_or_default(),
        query.read_untracked().get("reply").unwrap_or_default(),
    );
    view! {
            {crate::pages::loaded(data, move |result| match result {
                Ok(Some(v)) => thread_view(v).into_any(),
                Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
                Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
            })}
    }
}

/// A plain post of a thread action with the version and the newest message shown.
fn action_form(
    v: &StaffThreadView,
    action: &'static str,
    label: &'static str,
) -> impl IntoView + use<> {
    view! {
        <form method="post" action="/api/cic/thread-act" class="inline-form">
            <input type="hidden" name="id" value=v.id.to_string() />
            <input type="hidden" name="version" value=v.version.to_string() />
            <input type="hidden" name="seen" value=v.seen.to_string() />
            <input type="hidden" name="action" value=action />
            <button type="submit" class="button">{tr(label)}</button>
        </form>
    }
}

/// Assigning the thread: to me, to nobody, to a colleague.
fn assign_section(v: &StaffThreadView) -> impl IntoView + use<> {
    let hidden = |v: &StaffThreadView| {
        view! {
            <input type="hidden" name="id" value=v.id.to_string() />
            <input type="hidden" name="version" value=v.version.to_string() />
            <input type="hidden" name="seen" value=v.seen.to_string() />
            <input type="hidden" name="action" value="assign" />
        }
    };
    let error = v.message.as_ref().and_then(|m| m.error_for("assignee"));
    view! {
        <section aria-labelledby="assign-title">
            <h2 id="assign-title">{tr("queue.assign")}</h2>
            <p>{tr("queue.assigned_to")}": "{v.assigned_to.clone().unwrap_or_else(|| tr("queue.nobody").to_string())}</p>
            <div class="actions">
                {(!v.assigned_to_me).then(|| view! {
                    <form method="post" action="/api/cic/thread-act" class="inline-form">
                        {hidden(v)}
                        <input type="hidden" name="to" value="me" />
                        <button type="submit" class="button">{tr("queue.assign_me")}</button>
                    </form>
                })}
                {v.assigned_to.is_some().then(|| view! {
                    <form method="post" action="/api/cic/thread-act" class="inline-form">
                        {hidden(v)}
                        <input type="hidden" name="to" value="" />
                        <button type="submit" class="button">{tr("queue.release")}</button>
                    </form>
                })}
            </div>
            <form method="post" action="/api/cic/thread-act" class="form">
                {hidden(v)}
                <div class="field" class:invalid=error.is_some()>
                    <label for="to">{tr("queue.colleague")}</label>
                    {error.as_ref().map(|e| view! { <p class="field-error" id="to-error">{tr(e)}</p> })}
                    <select id="to" name="to" aria-invalid=error.is_some().then_some("true")
                        aria-describedby=error.is_some().then_some("to-error")>
                        {v.colleagues.iter().map(|(cid, name)| view! { <option value=cid.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">{tr("queue.assign_colleague")}</button>
            </form>
        </section>
    }
}

/// Beside the thread: the customer's contracts and open requests.
fn beside(v: &StaffThreadView) -> impl IntoView + use<> {
    view! {
        <aside class="beside" aria-labelledby="beside-title">
            <h2 id="beside-title">{tr("inbox.beside")}</h2>
            <h3>{tr("customers.contracts")}</h3>
            {if v.contracts.is_empty() {
                view! { <p>{tr("dashboard.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="doc-list">
                        {v.contracts.iter().map(|(number, vehicle, status)| view! {
                            <li>{number.clone()}" · "{vehicle.clone()}" · "{tr(&format!("contractstatus.{status}"))}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>{tr("inbox.open_requests")}</h3>
            {if v.open_requests.is_empty() {
                view! { <p>{tr("requests.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="doc-list">
                        {v.open_requests.iter().map(|(id, reference, kind, status)| view! {
                            <li>
                                <a href=format!("/cic/requests/{id}")>{reference.clone()}</a>
                                " · "{tr(&format!("requestkind.{kind}"))}
                                " · "{tr(&format!("requeststatus.{status}"))}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </aside>
    }
}

/// Starting the answer from a saved reply: a plain GET back to this page with `reply`.
fn saved_reply_chooser(v: &StaffThreadView) -> impl IntoView + use<> {
    let chosen = v.chosen_reply;
    (!v.saved_replies.is_empty()).then(|| view! {
        <form method="get" action=format!("/cic/threads/{}", v.id) class="filters" aria-label=tr("replies.use")>
            <div class="field">
                <label for="reply">{tr("replies.saved")}</label>
                <select id="reply" name="reply">
                    {v.saved_replies.iter().map(|(id, lang, title)| {
                        let selected = chosen == Some(*id);
                        view! { <option value=id.to_string() selected=selected>{format!("{} · {title}", lang.to_uppercase())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{tr("replies.use")}</button>
        </form>
    })
}

fn thread_view(v: StaffThreadView) -> impl IntoView {
    let closed = v.status == "closed";
    let body = v.values.get("body").cloned().unwrap_or_default();
    let body_error = v.message.as_ref().and_then(|m| m.error_for("body"));
    let described = described_by("body", false, body_error.is_some());
    let files_error = v.message.as_ref().and_then(|m| m.error_for("attachments"));
    view! {
        <Title text=v.subject.clone() />
        <p class="breadcrumb"><a href="/cic/inbox">{tr("page.inbox.title")}</a></p>
        <h1>{v.subject.clone()}</h1>
        <p>
            <a href=format!("/cic/customers/{}", v.customer_number)>{v.customer_number.clone()}</a>
            " · "{tr(&format!("messages.category.{}", v.category))}
            {v.contract_number.clone().map(|c| format!(" · {c}"))}
            " · "{tr(&format!("messages.status.{}", v.status))}
        </p>
        {beside(&v)}
        <ol class="messages">
            {v.messages.iter().map(|m| {
                let who = match m.author.as_str() {
                    "customer" => tr("inbox.from_customer").to_string(),
                    "note" => format!("{} · {}", tr("inbox.internal_note"), m.staff_name.clone().unwrap_or_default()),
                    _ => m.staff_name.clone().unwrap_or_default(),
                };
                view! {
                    <li class="message" class:mine=m.author != "customer" class:note=m.author == "note">
                        <p class="message-meta"><strong>{who}</strong>" · "{m.at.clone()}</p>
                        <p class="message-body">{m.body.clone()}</p>
                        <AttachmentList files=m.attachments.clone() base="/cic/files" />
                    </li>
                }
            }).collect_view()}
        </ol>
        <section id="answer" aria-labelledby="answer-title">
            <h2 id="answer-title">{tr("inbox.answer")}</h2>
            <FormMessage key=v.message.clone() />
            {if closed {
                action_form(&v, "reopen", "inbox.reopen").into_any()
            } else {
                view! {
                    {saved_reply_chooser(&v)}
                    <form id="answer-form" method="post" action="/api/cic/thread-act" enctype="multipart/form-data" class="form">
                        <input type="hidden" name="id" value=v.id.to_string() />
                        <input type="hidden" name="version" value=v.version.to_string() />
                        <input type="hidden" name="seen" value=v.seen.to_string() />
                        <div class="field" class:invalid=body_error.is_some()>
                            <label for="body">{tr("inbox.text")}</label>
                            {body_error.as_ref().map(|e| view! { <p class="field-error" id="body-error">{tr(e)}</p> })}
                            <textarea id="body" name="body" rows="8" maxlength="10000"
                                aria-invalid=body_error.is_some().then_some("true") aria-describedby=described>{body}</textarea>
                        </div>
                        <AttachmentsField error=files_error />
                        <UploadProgress />
                        <p class="actions">
                            <button type="submit" name="action" value="reply" class="button primary">{tr("inbox.send_reply")}</button>
                            <button type="submit" name="action" value="note" class="button">{tr("inbox.add_note")}</button>
                        </p>
                    </form>
                    {action_form(&v, "close", "inbox.close")}
                }.into_any()
            }}
        </section>
        {assign_section(&v)}
    }
}
