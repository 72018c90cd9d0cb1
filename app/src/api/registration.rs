//! Registration server functions. Each step posts a plain form, stores its outcome in the
//! session (the next state, or an error and the typed values) and redirects to `/register`,
//! which renders whatever step the session is at — the same with and without JavaScript.

use crate::error::AppError;
use crate::message::Message;
use domain::registration::Step;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the registration page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationView {
    /// `None` before step 1 was submitted.
    pub step: Option<Step>,
    /// The message for the last submission: its refusal, or a notice ("code sent again").
    pub message: Option<Message>,
    /// Values typed in the refused form (never passwords).
    pub values: HashMap<String, String>,
    /// Seconds until "send again" is possible.
    pub resend_wait: i64,
    /// The terms version to accept.
    pub terms_version: String,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::session::{self, Flash};
    use backend::services::registration::StepResult;
    use domain::refusal::Refusal;
    use domain::registration::Registration;
    use tower_sessions::Session;

    pub const STATE_KEY: &str = "registration";
    pub const FORM: &str = "register";

    /// The registration in the session, dropped when it expired (the flash then says so).
    pub async fn current(session: &Session) -> Result<Option<Registration>, AppError> {
        let reg: Option<Registration> = session.get(STATE_KEY).await?;
        match reg {
            Some(r) if r.is_expired(crate::session::clock()?.epoch()) => {
                session.remove::<Registration>(STATE_KEY).await?;
                session::set_flash(session, Flash::error(FORM, Refusal::RegistrationExpired))
                    .await?;
                Ok(None)
            }
            other => Ok(other),
        }
    }

    /// Stores a step's outcome and sends the person back to the registration page.
    pub async fn finish(
        session: &Session,
        result: StepResult,
        values: &[(&str, &str)],
    ) -> Result<(), AppError> {
        match result? {
            Ok(next) => {
                session.insert(STATE_KEY, next).await?;
            }
            Err(refusal) => {
                session::set_flash(session, Flash::error(FORM, refusal).with_values(values))
                    .await?;
            }
        }
        leptos_axum::redirect("/register");
        Ok(())
    }

    /// The registration if it is at `step`; otherwise a flash that says the step is over.
    pub async fn at(session: &Session, step: Step) -> Result<Option<Registration>, AppError> {
        match current(session).await? {
            Some(r) if r.expects(step) => Ok(Some(r)),
            _ => {
                session::set_flash(session, Flash::error(FORM, Refusal::WrongStep)).await?;
                leptos_axum::redirect("/register");
                Ok(None)
            }
        }
    }
}

#[server(endpoint = "register/state")]
pub async fn registration_state() -> Result<RegistrationView, AppError> {
    use crate::session;
    let s = session::session().await?;
    let reg = server::current(&s).await?;
    let flash = session::take_flash(&s, server::FORM).await?;
    let resend_wait = match &reg {
        Some(r) => {
            let purpose = match r.step {
                Step::ContractCode => backend::store::codes::Purpose::Contract,
                Step::EmailCode => backend::store::codes::Purpose::Email,
                _ => backend::store::codes::Purpose::Registration,
            };
            backend::store::codes::resend_wait(
                &session::db()?.pool,
                session::clock()?.epoch(),
                &r.customer_number,
                purpose,
            )
            .await?
        }
        None => 0,
    };
    let terms_version = backend::store::accounts::current_terms(&session::db()?.pool)
        .await?
        .1;
    Ok(RegistrationView {
        step: reg.map(|r| r.step),
        message: flash.message(),
        values: flash.values,
        resend_wait,
        terms_version,
    })
}

#[server(endpoint = "register/start")]
pub async fn register_start(customer_number: String) -> Result<(), AppError> {
    let s = crate::session::session().await?;
    let ctx = crate::session::ctx()?;
    let result = backend::services::registration::start(&ctx.services(), &customer_number).await;
    if let Ok(Ok(_)) = &result {
        // A new registration starts from a clean slate.
        s.remove::<domain::registration::Registration>(server::STATE_KEY)
            .await?;
    }
    server::finish(&s, result, &[("customer_number", &customer_number)]).await
}

#[server(endpoint = "register/code")]
pub async fn register_code(code: String) -> Result<(), AppError> {
    let s = crate::session::session().await?;
    let Some(reg) = server::at(&s, Step::Code).await? else {
        return Ok(());
    };
    let ctx = crate::session::ctx()?;
    let result = backend::services::registration::enter_code(&ctx.services(), &reg, &code).await;
    server::finish(&s, result, &[("code", &code)]).await
}

#[server(endpoint = "register/details")]
pub async fn register_details(
    first_name: String,
    last_name: String,
    email: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    let s = crate::session::session().await?;
    let Some(reg) = server::at(&s, Step::Details).await? else {
        return Ok(());
    };
    let ctx = crate::session::ctx()?;
    let details = backend::services::registration::Details {
        first_name: &first_name,
        last_name: &last_name,
        email: &email,
        password: &password,
        password_confirmation: &password_confirmation,
    };
    let result = backend::services::registration::enter_details(
        &ctx.services(),
        &reg,
        &details,
        crate::session::lang(),
    )
    .await;
    server::finish(
        &s,
        result,
        &[
            ("first_name", &first_name),
            ("last_name", &last_name),
            ("email", &email),
        ],
    )
    .await
}

/// Step 4: the code e-mailed to the address of step 3.
#[server(endpoint = "register/email-code")]
pub async fn register_email_code(code: String) -> Result<(), AppError> {
    let s = crate::session::session().await?;
    let Some(reg) = server::at(&s, Step::EmailCode).await? else {
        return Ok(());
    };
    let ctx = crate::session::ctx()?;
    let result =
        backend::services::registration::enter_email_code(&ctx.services(), &reg, &code).await;
    server::finish(&s, result, &[("code", &code)]).await
}

#[server(endpoint = "register/contract")]
pub async fn register_contract(contract_number: String) -> Result<(), AppError> {
    let s = crate::session::session().await?;
    let Some(reg) = server::at(&s, Step::Contract).await? else {
        return Ok(());
    };
    let ctx = crate::session::ctx()?;
    let result =
        backend::services::registration::enter_contract(&ctx.services(), &reg, &contract_number)
            .await;
    server::finish(&s, result, &[("contract_number", &contract_number)]).await
}

#[server(endpoint = "register/contract-code")]
pub async fn register_contract_code(code: String) -> Result<(), AppError> {
    let s = crate::session::session().await?;
    let Some(reg) = server::at(&s, Step::ContractCode).await? else {
        return Ok(());
    };
    let ctx = crate::session::ctx()?;
    let result =
        backend::services::registration::enter_contract_code(&ctx.services(), &reg, &code).await;
    server::finish(&s, result, &[("code", &code)]).await
}

/// Sends the current step's code again (after 60 s; limits apply).
#[server(endpoint = "register/resend")]
pub async fn register_resend() -> Result<(), AppError> {
    let s = crate::session::session().await?;
    let Some(reg) = server::current(&s).await? else {
        leptos_axum::redirect("/register");
        return Ok(());
    };
    let ctx = crate::session::ctx()?;
    let result =
        backend::services::registration::resend(&ctx.services(), &reg, crate::session::lang())
            .await;
    let sent = matches!(result, Ok(Ok(_)));
    server::finish(&s, result, &[]).await?;
    if sent {
        crate::session::set_flash(
            &s,
            crate::session::Flash::notice(server::FORM, "code.sent_again"),
        )
        .await?;
    }
    Ok(())
}

/// One step back (kept values stay); before the details are stored it starts again.
#[server(endpoint = "register/back")]
pub async fn register_back() -> Result<(), AppError> {
    let s = crate::session::session().await?;
    if let Some(reg) = server::current(&s).await? {
        match reg.back() {
            Some(step) => {
                s.insert(
                    server::STATE_KEY,
                    domain::registration::Registration { step, ..reg },
                )
                .await?
            }
            None => {
                s.remove::<domain::registration::Registration>(server::STATE_KEY)
                    .await?;
            }
        }
    }
    leptos_axum::redirect("/register");
    Ok(())
}

/// Step 6: `decision` is `accept` or `decline`.
#[server(endpoint = "register/terms")]
pub async fn register_terms(decision: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some(reg) = server::at(&s, Step::Terms).await? else {
        return Ok(());
    };
    match decision.as_str() {
        "accept" => {
            let ctx = session::ctx()?;
            let result = backend::services::registration::accept_terms(
                &ctx.services(),
                &reg,
                &session::client_ip(),
                &session::user_agent(),
                session::lang(),
            )
            .await?;
            match result {
                Ok(account_id) => {
                    s.remove::<domain::registration::Registration>(server::STATE_KEY)
                        .await?;
                    session::sign_in(&s, account_id).await?;
                    leptos_axum::redirect("/dashboard");
                    Ok(())
                }
                Err(key) => server::finish(&s, Ok(Err(key)), &[]).await,
            }
        }
        "decline" => {
            // Nothing is activated; the chosen password (hash) is forgotten at once.
            let declined = domain::registration::Registration {
                step: Step::Declined,
                password_hash: String::new(),
                ..reg
            };
            server::finish(&s, Ok(Ok(declined)), &[]).await
        }
        _ => Err(AppError::BadRequest),
    }
}
