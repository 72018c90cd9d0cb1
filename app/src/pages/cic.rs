//! CIC pages: staff sign-in (`/cic/login`) and the staff start page (`/cic`).

use crate::api::cic::*;
use crate::components::form::{Field, FormMessage};
use crate::i18n::tr;
use crate::message::Message;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CicLoginPage() -> impl IntoView {
    let state = cic_login_state();
    view! {
        <Title text=tr("page.cic_login.title") />
        <section class="form-page">
            <h1>{tr("page.cic_login.title")}</h1>
            <p>{tr("cic.login.intro")}</p>
                {crate::pages::loaded(state, move |result| {
                    let v = result.unwrap_or_else(|_| CicLoginView { message: Some(Message::form_error("error.internal")), email: String::new() });
                    view! {
                        <form method="post" action="/api/cic/sign-in" class="form">
                            <FormMessage key=v.message.clone() />
                            <Field id="email" label="login.email" value=v.email.clone() kind="email" autocomplete="username" />
                            <Field id="password" label="login.password" kind="password" autocomplete="current-password" />
                            <Field id="code" label="cic.code" hint="cic.code.hint" inputmode="numeric" autocomplete="one-time-code" />
                            <button type="submit" class="button primary">{tr("login.submit")}</button>
                        </form>
                    }
                })}
        </section>
    }
}

#[component]
pub fn CicHomePage() -> impl IntoView {
    let data = cic_home();
    view! {
        <Title text=tr("page.cic.title") />
            {crate::pages::loaded(data, move |result| match result {
                Ok(Some(home)) => {
                    let role = tr(&format!("staffrole.{}", home.role));
                    view! {
                        <div class="page-head">
                            <h1>{tr("page.cic.title")}</h1>
                            <form method="post" action="/api/cic/sign-out" class="inline-form">
                                <button type="submit" class="button">{tr("dashboard.sign_out")}</button>
                            </form>
                        </div>
                        <p>{home.name.clone()}" · "{role}</p>
                        {home.chain_broken.clone().map(|at| view! {
                            <div class="alert" role="alert">
                                <p><strong>{tr("audit.chain_broken")}</strong></p>
                                <p>{crate::i18n::trf("audit.chain_broken_at", &[("at", &at)])}" "<a href="/cic/audit">{tr("page.audit.title")}</a></p>
                            </div>
                        })}
                        <p class="actions">
                            <a class="button primary" href="/cic/queue">{tr("cic.queue_link")}</a>
                            <a class="button" href="/cic/inbox">{tr("cic.inbox_link")}</a>
                            <a class="button" href="/cic/customers">{tr("cic.customers_link")}</a>
                            <a class="button" href="/cic/audit">{tr("cic.audit_link")}</a>
                            {(home.role == "admin").then(|| view! {
                                <a class="button" href="/cic/staff">{tr("cic.staff_link")}</a>
                                <a class="button" href="/cic/replies">{tr("cic.replies_link")}</a>
                            })}
                        </p>
                        <section aria-labelledby="incidents-title">
                            <h2 id="incidents-title">{tr("cic.incidents")}</h2>
                            {if home.incidents.is_empty() {
                                view! { <p>{tr("cic.incidents.none")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table">
                                        <thead><tr>
                                            <th scope="col">{tr("register.customer_number")}</th>
                                            <th scope="col">{tr("cic.customer")}</th>
                                            <th scope="col">{tr("cic.incident")}</th>
                                            <th scope="col">{tr("cic.reported_at")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {home.incidents.into_iter().map(|i| view! {
                                                <tr>
                                                    <td data-label=tr("register.customer_number")><a href=format!("/cic/customers/{}", i.customer_number)>{i.customer_number.clone()}</a></td>
                                                    <td data-label=tr("cic.customer")>{i.customer_name.clone()}</td>
                                                    <td data-label=tr("cic.incident")>{tr(&format!("incident.{}", i.kind))}</td>
                                                    <td data-label=tr("cic.reported_at")>{i.reported_at.clone()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
                Ok(None) => view! { <p><a href="/cic/login">{tr("page.cic_login.title")}</a></p> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
            })}
    }
}
