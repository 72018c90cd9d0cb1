//! Saved replies (`/cic/replies`, admins): the texts agents start an answer from, by language,
//! with a form to add one or change the one chosen (`?edit=id`) and a button to remove one.
//! Plain posts carrying the version the page showed.

use crate::api::replies::{RepliesView, replies_page};
use crate::components::form::{Field, FormMessage, described_by};
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RepliesPage() -> impl IntoView {
    let query = use_query_map();
    let data = replies_page(query.read_untracked().get("edit").unwrap_or_default());
    view! {
        <Title text=tr("page.replies.title") />
        <p class="breadcrumb"><a href="/cic">{tr("page.cic.title")}</a></p>
        <h1>{tr("page.replies.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => replies_view(v).into_any(),
            Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

fn replies_view(v: RepliesView) -> impl IntoView {
    let editing = v.editing.clone();
    let typed = |k: &str| v.values.get(k).cloned();
    let lang = typed("lang")
        .or_else(|| editing.as_ref().map(|e| e.lang.clone()))
        .unwrap_or_else(|| "nl".to_string());
    let title = typed("title")
        .or_else(|| editing.as_ref().map(|e| e.title.clone()))
        .unwrap_or_default();
    let body = typed("body")
        .or_else(|| editing.as_ref().map(|e| e.body.clone()))
        .unwrap_or_default();
    let error = |f: &str| v.message.as_ref().and_then(|m| m.error_for(f));
    let (lang_error, body_error) = (error("lang"), error("body"));
    let form_title = if editing.is_some() {
        "replies.edit"
    } else {
        "replies.new"
    };
    view! {
        <p>{tr("replies.intro")}</p>
        <FormMessage key=v.message.clone() />
        {if v.items.is_empty() {
            view! { <p class="empty">{tr("replies.none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="table">
                        <caption class="visually-hidden">{tr("page.replies.title")}</caption>
                        <thead><tr>
                            <th scope="col">{tr("replies.lang")}</th>
                            <th scope="col">{tr("replies.title")}</th>
                            <th scope="col">{tr("replies.text")}</th>
                            <th scope="col">{tr("staff.actions")}</th>
                        </tr></thead>
                        <tbody>
                            {v.items.iter().map(|r| {
                                let excerpt: String = r.body.chars().take(120).collect();
                                let name_id = format!("reply-{}-title", r.id);
                                view! {
                                    <tr>
                                        <td data-label=tr("replies.lang")>{r.lang.to_uppercase()}</td>
                                        <td data-label=tr("replies.title") id=name_id.clone()>{r.title.clone()}</td>
                                        <td data-label=tr("replies.text") class="message-body">{excerpt}</td>
                                        <td data-label=tr("staff.actions") class="row-actions">
                                            <a class="button small" href=format!("/cic/replies?edit={}#reply-form", r.id) aria-describedby=name_id.clone()>{tr("replies.change")}</a>
                                            <form method="post" action="/api/cic/delete-reply" class="inline-form">
                                                <input type="hidden" name="id" value=r.id.to_string() />
                                                <input type="hidden" name="version" value=r.version.to_string() />
                                                <button type="submit" class="button small" aria-describedby=name_id>{tr("replies.delete")}</button>
                                            </form>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <section id="reply-form" aria-labelledby="reply-form-title">
            <h2 id="reply-form-title">{tr(form_title)}</h2>
            <form method="post" action="/api/cic/save-reply" class="form">
                {editing.as_ref().map(|e| view! {
                    <input type="hidden" name="id" value=e.id.to_string() />
                    <input type="hidden" name="version" value=e.version.to_string() />
                })}
                <div class="field" class:invalid=lang_error.is_some()>
                    <label for="lang">{tr("replies.lang")}</label>
                    {lang_error.as_ref().map(|e| view! { <p class="field-error" id="lang-error">{tr(e)}</p> })}
                    <select id="lang" name="lang" aria-invalid=lang_error.is_some().then_some("true")
                        aria-describedby=lang_error.is_some().then_some("lang-error")>
                        {domain::Lang::ALL.iter().map(|l| {
                            let selected = l.code() == lang;
                            view! { <option value=l.code() selected=selected>{l.native_name()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Field id="title" label="replies.title" value=title autocomplete="off" error=v.message.clone() />
                <div class="field" class:invalid=body_error.is_some()>
                    <label for="body">{tr("replies.text")}</label>
                    {body_error.as_ref().map(|e| view! { <p class="field-error" id="body-error">{tr(e)}</p> })}
                    <textarea id="body" name="body" rows="8" maxlength="10000" required
                        aria-invalid=body_error.is_some().then_some("true")
                        aria-describedby=described_by("body", false, body_error.is_some())>{body}</textarea>
                </div>
                <p class="actions">
                    <button type="submit" class="button primary">{tr("replies.save")}</button>
                    {editing.is_some().then(|| view! { <a class="button" href="/cic/replies">{tr("replies.cancel")}</a> })}
                </p>
            </form>
        </section>
    }
}
