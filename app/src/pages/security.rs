//! Profile → security (`/profile/security`): active sessions with "sign out this session" and
//! "sign out everywhere", password change, and "someone else may know my password".

use crate::api::account::*;
use crate::components::form::{Field, FormMessage};
use crate::i18n::tr;
use crate::message::{FieldError, Message};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let change = ServerAction::<ChangePassword>::new();
    let tf_start = ServerAction::<TwoFactorStart>::new();
    let tf_confirm = ServerAction::<TwoFactorConfirm>::new();
    let tf_disable = ServerAction::<TwoFactorDisable>::new();
    let email_action = ServerAction::<ChangeEmail>::new();
    // One after the other: each takes its own form's one-shot message from the session.
    let data = async move {
        let security = get_security().await;
        let email = email_state().await;
        let two_factor = get_two_factor().await;
        (security, email, two_factor)
    };
    view! {
        <Title text=tr("page.security.title") />
        <section class="form-page">
            <h1>{tr("page.security.title")}</h1>
            <p><a href="/dashboard">{tr("page.dashboard.title")}</a></p>
            {crate::pages::loaded(data, move |(result, email, two_factor)| match result {
                    Ok(Some(v)) => {
                        let message = v.message.clone();
                        view! {
                            <FormMessage key=message.clone() />
                            <section aria-labelledby="sessions-title">
                                <h2 id="sessions-title">{tr("security.sessions")}</h2>
                                <ul class="sessions">
                                    {v.logins.into_iter().map(|l| view! {
                                        <li>
                                            <strong>{l.device.clone()}</strong>
                                            {l.current.then(|| view! { " "<span class="badge">{tr("security.this_device")}</span> })}
                                            <br />
                                            {tr("security.ip")}": "{l.ip_address.clone()}" · "{tr("security.last_seen")}": "{l.last_seen.clone()}
                                            {(!l.current).then(|| view! {
                                                <ActionForm action=end_one attr:class="inline-form">
                                                    <input type="hidden" name="login_id" value=l.login_id.clone() />
                                                    <button type="submit" class="button link">{tr("security.end_session")}</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <form method="post" action="/api/account/end-all-sessions" class="inline-form">
                                    <button type="submit" class="button">{tr("security.end_all")}</button>
                                </form>
                            </section>
                            <section aria-labelledby="password-title">
                                <h2 id="password-title">{tr("security.change_password")}</h2>
                                <ActionForm action=change attr:class="form">
                                    <Field id="current_password" label="security.current_password" kind="password" autocomplete="current-password" error=message.clone() />
                                    <Field id="new_password" label="security.new_password" hint="register.password.hint" kind="password" autocomplete="new-password" error=message.clone() />
                                    <Field id="new_password_confirmation" label="register.password_confirmation" kind="password" autocomplete="new-password" />
                                    <button type="submit" class="button primary">{tr("security.change_password")}</button>
                                </ActionForm>
                            </section>
                            <section id="email" aria-labelledby="email-title">
                                <h2 id="email-title">{tr("security.email")}</h2>
                                <p>{tr("security.email.current")}" "<strong>{v.email.clone()}</strong></p>
                                    {{
                                        let (message, typed) = email.unwrap_or_else(|_| (Some(Message::form_error("error.internal")), String::new()));
                                        // The e-mail form's password field is `email_password`: the same refusal, its own text.
                                        let field_error = message.clone().map(|m| match m {
                                            Message::Error(e) if e.field == "current_password" => Message::Error(FieldError { key: "security.email_password_wrong".into(), field: "email_password".into() }),
                                            Message::Error(e) if e.field == "email" => Message::Error(FieldError { field: "new_email".into(), ..e }),
                                            other => other,
                                        });
                                        view! {
                                            <ActionForm action=email_action attr:class="form">
                                                <FormMessage key=message.clone() />
                                                <Field id="new_email" label="security.email.new" hint="security.email.hint" kind="email" autocomplete="email" value=typed error=field_error.clone() />
                                                <Field id="email_password" label="security.email.password" kind="password" autocomplete="current-password" error=field_error />
                                                <button type="submit" class="button">{tr("security.email.submit")}</button>
                                            </ActionForm>
                                        }
                                    }}
                            </section>
                            <section id="two-factor" aria-labelledby="two-factor-title">
                                <h2 id="two-factor-title">{tr("security.two_factor")}</h2>
                                    {match two_factor {
                                        Ok(Some(t)) => two_factor_view(t, tf_start, tf_confirm, tf_disable).into_any(),
                                        _ => ().into_any(),
                                    }}
                            </section>
                            <section aria-labelledby="compromised-title">
                                <h2 id="compromised-title">{tr("security.compromised.title")}</h2>
                                <p>{tr("security.compromised.body")}</p>
                                <form method="post" action="/api/account/report-compromised" class="inline-form">
                                    <button type="submit" class="button">{tr("security.compromised.button")}</button>
                                </form>
                            </section>
                        }.into_any()
                    }
                    Ok(None) => view! { <p><a href="/login?next=/profile/security">{tr("nav.login")}</a></p> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
                })}
        </section>
    }
}

fn two_factor_view(
    t: TwoFactorView,
    start: ServerAction<TwoFactorStart>,
    confirm: ServerAction<TwoFactorConfirm>,
    disable: ServerAction<TwoFactorDisable>,
) -> impl IntoView {
    let message = t.message.clone();
    let codes = (!t.recovery_codes.is_empty()).then(|| {
        view! {
            <div class="notice" role="status">
                <h3>{tr("security.recovery_codes")}</h3>
                <p>{tr("security.recovery_codes.help")}</p>
                <ul class="recovery-codes">{t.recovery_codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}</ul>
            </div>
        }
    });
    let body = if t.enabled {
        view! {
            <p>{tr("security.two_factor.on")}</p>
            <ActionForm action=disable attr:class="form">
                <Field id="disable_password" label="security.two_factor.password" kind="password" autocomplete="current-password" />
                <Field id="code" label="second_factor.code" hint="second_factor.hint" autocomplete="one-time-code" />
                <button type="submit" class="button">{tr("security.two_factor.disable")}</button>
            </ActionForm>
        }
        .into_any()
    } else if let (Some(key), Some(qr)) = (t.pending_key.clone(), t.pending_qr.clone()) {
        view! {
            <p>{tr("security.two_factor.scan")}</p>
            <img class="qr" src=qr alt=tr("security.two_factor.qr_alt") width="200" height="200" />
            <p>{tr("security.two_factor.key")}" "<code class="key">{key}</code></p>
            <ActionForm action=confirm attr:class="form">
                <Field id="two_factor_password" label="security.two_factor.password" kind="password" autocomplete="current-password" error=message.clone() />
                <Field id="code" label="cic.code" hint="cic.code.hint" inputmode="numeric" autocomplete="one-time-code" error=message.clone() />
                <button type="submit" class="button primary">{tr("security.two_factor.confirm")}</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p>{tr("security.two_factor.off")}</p>
            <ActionForm action=start attr:class="form">
                <Field id="two_factor_password" label="security.two_factor.password" kind="password" autocomplete="current-password" error=message.clone() />
                <button type="submit" class="button">{tr("security.two_factor.enable")}</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <FormMessage key=t.message.clone() />
        {codes}
        {body}
    }
}
