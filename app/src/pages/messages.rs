//! Secure messages: the customer's threads (`/messages`), a new thread (`/messages/new`) and a
//! thread (`/messages/{id}`). Plain posts, the same with and without JavaScript; message texts
//! are text (line breaks kept by CSS), never HTML.

use crate::api::customer::{
    MessagesView, NewMessageView, ThreadView, messages_page, new_message_page, thread_page,
};
use crate::components::form::{Field, FormMessage, described_by};
use crate::components::upload::{AttachmentList, AttachmentsField, UploadProgress};
use crate::i18n::{tr, trf};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_query_map();
    let data = messages_page(query.read_untracked().get("page").unwrap_or_default());
    view! {
        <Title text=tr("page.messages.title") />
        <h1>{tr("page.messages.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => list_view(v).into_any(),
            Ok(None) => view! { <p><a href="/login?next=/messages">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn list_view(v: MessagesView) -> impl IntoView {
    let prev = (v.page > 1).then(|| format!("/messages?page={}", v.page - 1));
    let next = v.more.then(|| format!("/messages?page={}", v.page + 1));
    // The column names, looked up once (each cell repeats its own for phones).
    let subject = tr("messages.subject");
    let category = tr("messages.category");
    let contract = tr("invoices.contract");
    let status = tr("invoices.status");
    let last_activity = tr("messages.last_activity");
    let unread = tr("messages.unread");
    view! {
        <p>{tr("messages.intro")}</p>
        <p><a class="button primary" href="/messages/new">{tr("messages.new")}</a></p>
        {if v.threads.is_empty() {
            view! { <p class="empty">{tr("messages.none")}</p> }.into_any()
        } else {
            view! {
                <p role="status">{trf("messages.unread_count", &[("n", &v.unread.to_string())])}</p>
                <div class="table-wrap">
                    <table class="table">
                        <caption class="visually-hidden">{tr("page.messages.title")}</caption>
                        <thead><tr>
                            <th scope="col">{subject}</th>
                            <th scope="col">{category}</th>
                            <th scope="col">{contract}</th>
                            <th scope="col">{status}</th>
                            <th scope="col">{last_activity}</th>
                        </tr></thead>
                        <tbody>
                            {v.threads.iter().map(|t| view! {
                                <tr class:unread=t.unread>
                                    <td data-label=subject>
                                        <a href=format!("/messages/{}", t.id)>{t.subject.clone()}</a>
                                        {t.unread.then(|| view! { " "<span class="tag">{unread}</span> })}
                                    </td>
                                    <td data-label=category>{tr(&format!("messages.category.{}", t.category))}</td>
                                    <td data-label=contract>{t.contract_number.clone().unwrap_or_default()}</td>
                                    <td data-label=status>{tr(&format!("messages.status.{}", t.status))}</td>
                                    <td data-label=last_activity>{t.last_activity.clone()}</td>
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
pub fn NewMessagePage() -> impl IntoView {
    let data = new_message_page();
    view! {
        <Title text=tr("page.new_message.title") />
        <p class="breadcrumb"><a href="/messages">{tr("page.messages.title")}</a></p>
        <h1>{tr("page.new_message.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => new_view(v).into_any(),
            Ok(None) => view! { <p><a href="/login?next=/messages/new">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

/// The message text area with its error next to it.
fn body_field(label: &'static str, value: String, error: Option<String>) -> impl IntoView {
    view! {
        <div class="field" class:invalid=error.is_some()>
            <label for="body">{tr(label)}</label>
            <p class="hint" id="body-hint">{tr("messages.body.hint")}</p>
            {error.as_ref().map(|e| view! { <p class="field-error" id="body-error">{tr(e)}</p> })}
            <textarea id="body" name="body" rows="8" maxlength="10000" required
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described_by("body", true, error.is_some())>{value}</textarea>
        </div>
    }
}

fn new_view(v: NewMessageView) -> impl IntoView {
    let value = |k: &str| v.values.get(k).cloned().unwrap_or_default();
    let error = |f: &str| v.message.as_ref().and_then(|m| m.error_for(f));
    let category = value("category");
    let contract = value("contract");
    let category_error = error("category");
    let contract_error = error("contract");
    view! {
        <p>{tr("messages.new.intro")}</p>
        <p class="hint">{trf("messages.complaint_promise", &[("n", &v.complaint_days.to_string())])}</p>
        <form id="message-form" method="post" action="/api/customer/start-thread" enctype="multipart/form-data" class="form">
            <FormMessage key=v.message.clone() />
            <Field id="subject" label="messages.subject" value=value("subject") autocomplete="off" error=v.message.clone() />
            <div class="field" class:invalid=category_error.is_some()>
                <label for="category">{tr("messages.category")}</label>
                {category_error.as_ref().map(|e| view! { <p class="field-error" id="category-error">{tr(e)}</p> })}
                <select id="category" name="category" required aria-invalid=category_error.is_some().then_some("true")
                    aria-describedby=described_by("category", false, category_error.is_some())>
                    <option value="">{tr("messages.choose")}</option>
                    {v.categories.iter().map(|c| {
                        let selected = *c == category;
                        view! { <option value=c.clone() selected=selected>{tr(&format!("messages.category.{c}"))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field" class:invalid=contract_error.is_some()>
                <label for="contract">{tr("messages.contract")}</label>
                {contract_error.as_ref().map(|e| view! { <p class="field-error" id="contract-error">{tr(e)}</p> })}
                <select id="contract" name="contract" aria-invalid=contract_error.is_some().then_some("true")
                    aria-describedby=described_by("contract", false, contract_error.is_some())>
                    <option value="">{tr("messages.no_contract")}</option>
                    {v.contracts.iter().map(|(number, vehicle)| {
                        let selected = *number == contract;
                        view! { <option value=number.clone() selected=selected>{format!("{number} · {vehicle}")}</option> }
                    }).collect_view()}
                </select>
            </div>
            {body_field("messages.body", value("body"), error("body"))}
            <AttachmentsField error=error("attachments") />
            <UploadProgress />
            <button type="submit" class="button primary">{tr("messages.send")}</button>
        </form>
    }
}

#[component]
pub fn ThreadPage() -> impl IntoView {
    let params = use_params_map();
    let data = thread_page(params.read_untracked().get("id").unwrap_or_default());
    view! {
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => thread_view(v).into_any(),
            Ok(None) => view! { <p><a href="/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn thread_view(v: ThreadView) -> impl IntoView {
    let t = v.thread.clone();
    let closed = t.status == "closed";
    let body = v.values.get("body").cloned().unwrap_or_default();
    let body_error = v.message.as_ref().and_then(|m| m.error_for("body"));
    let files_error = v.message.as_ref().and_then(|m| m.error_for("attachments"));
    view! {
        <Title text=t.subject.clone() />
        <p class="breadcrumb"><a href="/messages">{tr("page.messages.title")}</a></p>
        <h1>{t.subject.clone()}</h1>
        <p>
            {tr(&format!("messages.category.{}", t.category))}
            {t.contract_number.clone().map(|c| format!(" · {c}"))}
            " · "{tr(&format!("messages.status.{}", t.status))}
        </p>
        <ol class="messages">
            {v.messages.iter().map(|m| view! {
                <li class="message" class:mine=m.mine>
                    <p class="message-meta">
                        <strong>{if m.mine { tr("messages.from_you") } else { tr("messages.from_service") }}</strong>
                        " · "{m.at.clone()}
                    </p>
                    <p class="message-body">{m.body.clone()}</p>
                    <AttachmentList files=m.attachments.clone() base="/files" />
                </li>
            }).collect_view()}
        </ol>
        <section id="reply" aria-labelledby="reply-title">
            <h2 id="reply-title">{tr("messages.reply")}</h2>
            <FormMessage key=v.message.clone() />
            {if closed {
                view! {
                    <p>{tr("messages.closed")}</p>
                    <p><a class="button" href="/messages/new">{tr("messages.new")}</a></p>
                }.into_any()
            } else {
                view! {
                    <form id="message-form" method="post" action="/api/customer/reply-thread" enctype="multipart/form-data" class="form">
                        <input type="hidden" name="id" value=t.id.to_string() />
                        {body_field("messages.your_reply", body, body_error)}
                        <AttachmentsField error=files_error />
                        <UploadProgress />
                        <button type="submit" class="button primary">{tr("messages.send")}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
