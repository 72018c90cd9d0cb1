//! Staff administration (`/cic/staff`, admins): the colleagues with their role and state, a
//! form to invite one, and per colleague the changes an admin may make (each a plain post
//! carrying the version the page showed). The set-up page (`/cic/setup?token=…`) where an
//! invited colleague chooses a password and enrols an authenticator.

use crate::api::staff::{SetupView, StaffItem, StaffListView, setup_state, staff_list};
use crate::components::form::{Field, FormMessage, described_by};
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffPage() -> impl IntoView {
    let data = staff_list();
    view! {
        <Title text=tr("page.staff.title") />
        <p class="breadcrumb"><a href="/cic">{tr("page.cic.title")}</a></p>
        <h1>{tr("page.staff.title")}</h1>
        {crate::pages::loaded(data, move |result| match result {
            Ok(Some(v)) => staff_view(v).into_any(),
            Ok(None) => view! { <p><a href="/cic/login">{tr("nav.login")}</a></p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
        })}
    }
}

/// One action button on a colleague's row: a plain post with the id and the version shown.
fn action(m: &StaffItem, change: &'static str, label: &'static str) -> impl IntoView + use<> {
    let described = format!("staff-{}-name", m.id);
    view! {
        <form method="post" action="/api/cic/change-staff" class="inline-form">
            <input type="hidden" name="id" value=m.id.to_string() />
            <input type="hidden" name="version" value=m.version.to_string() />
            <input type="hidden" name="change" value=change />
            <button type="submit" class="button small" aria-describedby=described>{tr(label)}</button>
        </form>
    }
}

fn staff_view(v: StaffListView) -> impl IntoView {
    let value = |k: &str| v.values.get(k).cloned().unwrap_or_default();
    let role_error = v.message.as_ref().and_then(|m| m.error_for("role"));
    let chosen_role = value("role");
    let chosen_lang = value("lang");
    view! {
        <FormMessage key=v.message.clone() />
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">{tr("page.staff.title")}</caption>
                <thead><tr>
                    <th scope="col">{tr("staff.name")}</th>
                    <th scope="col">{tr("staff.email")}</th>
                    <th scope="col">{tr("staff.role")}</th>
                    <th scope="col">{tr("staff.state")}</th>
                    <th scope="col">{tr("staff.actions")}</th>
                </tr></thead>
                <tbody>
                    {v.members.iter().map(|m| {
                        let active = m.state != "inactive";
                        view! {
                            <tr>
                                <td data-label=tr("staff.name") id=format!("staff-{}-name", m.id)>{m.name.clone()}{m.is_me.then(|| view! { " "<span class="tag">{tr("staff.you")}</span> })}</td>
                                <td data-label=tr("staff.email")>{m.email.clone()}</td>
                                <td data-label=tr("staff.role")>{tr(&format!("staffrole.{}", m.role))}</td>
                                <td data-label=tr("staff.state")>{tr(&format!("staff.state.{}", m.state))}</td>
                                <td data-label=tr("staff.actions") class="row-actions">
                                    {if m.role == "admin" {
                                        action(m, "role_agent", "staff.make_agent").into_any()
                                    } else {
                                        action(m, "role_admin", "staff.make_admin").into_any()
                                    }}
                                    {(!m.is_me && active).then(|| action(m, "reset_second_factor", "staff.reset_second_factor"))}
                                    {if !active {
                                        Some(action(m, "reactivate", "staff.reactivate").into_any())
                                    } else if !m.is_me {
                                        Some(action(m, "deactivate", "staff.deactivate").into_any())
                                    } else {
                                        None
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section aria-labelledby="invite-title">
            <h2 id="invite-title">{tr("staff.invite")}</h2>
            <p>{tr("staff.invite.intro")}</p>
            <form method="post" action="/api/cic/invite-staff" class="form">
                <Field id="name" label="staff.name" value=value("name") autocomplete="off" error=v.message.clone() />
                <Field id="email" label="staff.email" kind="email" value=value("email") autocomplete="off" error=v.message.clone() />
                <div class="field" class:invalid=role_error.is_some()>
                    <label for="role">{tr("staff.role")}</label>
                    {role_error.as_ref().map(|e| view! { <p class="field-error" id="role-error">{tr(e)}</p> })}
                    <select id="role" name="role" aria-invalid=role_error.is_some().then_some("true")
                        aria-describedby=described_by("role", false, role_error.is_some())>
                        {["agent", "admin"].into_iter().map(|r| {
                            let selected = r == chosen_role;
                            view! { <option value=r selected=selected>{tr(&format!("staffrole.{r}"))}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="lang">{tr("staff.lang")}</label>
                    <select id="lang" name="lang">
                        {[("nl", "Nederlands"), ("fr", "Français"), ("en", "English")].into_iter().map(|(code, name)| {
                            let selected = code == chosen_lang;
                            view! { <option value=code selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button primary">{tr("staff.invite.submit")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let data = setup_state(query.read_untracked().get("token").unwrap_or_default());
    view! {
        <Title text=tr("page.setup.title") />
        <section class="form-page">
            <h1>{tr("page.setup.title")}</h1>
            {crate::pages::loaded(data, move |result| match result {
                Ok(v) if v.valid => setup_form(v, query.read_untracked().get("token").unwrap_or_default()).into_any(),
                Ok(_) => view! { <p class="form-error" role="alert">{tr("staff.setup_invalid")}</p> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
            })}
        </section>
    }
}

fn setup_form(v: SetupView, token: String) -> impl IntoView {
    view! {
        <p>{tr("staff.setup.intro")}</p>
        <dl class="facts">
            <dt>{tr("staff.name")}</dt><dd>{v.name.clone()}</dd>
            <dt>{tr("staff.email")}</dt><dd>{v.email.clone()}</dd>
        </dl>
        <form method="post" action="/api/cic/setup" class="form">
            <FormMessage key=v.message.clone() />
            <input type="hidden" name="token" value=token />
            {v.needs_password.then(|| view! {
                <Field id="password" label="staff.setup.password" hint="register.password.hint" kind="password" autocomplete="new-password" error=v.message.clone() />
                <Field id="password_confirmation" label="register.password_confirmation" kind="password" autocomplete="new-password" />
            })}
            <h2>{tr("staff.setup.authenticator")}</h2>
            <p>{tr("staff.setup.scan")}</p>
            {v.qr.clone().map(|src| view! { <img class="qr" src=src alt=tr("security.two_factor.qr_alt") width="200" height="200" /> })}
            <p>{tr("staff.setup.key")}" "<code class="totp-key">{v.key.clone()}</code></p>
            <Field id="code" label="cic.code" hint="cic.code.hint" inputmode="numeric" autocomplete="one-time-code" error=v.message.clone() />
            <button type="submit" class="button primary">{tr("staff.setup.submit")}</button>
        </form>
    }
}
