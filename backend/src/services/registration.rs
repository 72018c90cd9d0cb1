//! The registration service: each function performs one step of the journey on the state the
//! caller keeps in the session, and answers with the next state or the translation key of a
//! message for the person. Nothing here reveals whether a customer number exists: unknown
//! numbers, customers without a mobile number or a running contract, and registered
//! customers all get the same answers as a valid request.

pub use super::{ServiceError, Services};
use crate::error::StoreError;
use crate::infra::outbox::{Mail, queue};
use crate::infra::password;
use crate::store::accounts::{self, CreateRefusal, NewAccount};
use crate::store::codes::{self, Purpose};
use crate::store::{contracts, customers};
use domain::codes::CheckOutcome;
use domain::i18n::{t, tf};
use domain::refusal::Refusal;
use domain::registration::{Registration, Step};
use domain::values::ValueError;
use domain::values::{ContractNumber, CustomerNumber, Email, PhoneNumber};
use domain::{Lang, password_policy};
use sqlx::AnyPool;

/// A step's answer: the new state, or a message key (the state stays as it was).
pub type StepResult<T = Registration> = Result<Result<T, Refusal>, ServiceError>;

/// Who a customer number belongs to, as far as registration is concerned.
struct Target {
    customer_id: i64,
    mobile: PhoneNumber,
    lang: Lang,
    registered: bool,
    running: bool,
}

async fn target(pool: &AnyPool, number: &CustomerNumber) -> Result<Option<Target>, StoreError> {
    let Some(c) = customers::by_number(pool, number.as_str()).await? else {
        return Ok(None);
    };
    let Some(mobile) = c.mobile.as_deref().and_then(|m| PhoneNumber::parse(m).ok()) else {
        return Ok(None);
    };
    Ok(Some(Target {
        customer_id: c.id,
        mobile,
        lang: Lang::from_code(&c.language).unwrap_or_default(),
        registered: accounts::exists_for_customer(pool, c.id).await?,
        running: contracts::has_running(pool, c.id).await?,
    }))
}

/// Sends (or pretends to send) a registration code for the number's current target. The code
/// row and its SMS are written in one transaction; the SMS is sent by the outbox worker, so
/// the answer takes the same time whether or not an SMS goes out, and a failed send is tried
/// again instead of lost.
async fn send_registration_code(
    s: &Services<'_>,
    number: &CustomerNumber,
) -> StepResult<Option<i64>> {
    let target = target(s.pool, number).await?;
    let eligible = target.as_ref().filter(|t| !t.registered && t.running);
    let now = s.clock.epoch();
    let mut tx = crate::infra::db::begin_write(s.pool)
        .await
        .map_err(StoreError::from)?;
    let issued = codes::issue(
        &mut tx,
        now,
        number.as_str(),
        Purpose::Registration,
        eligible.is_some(),
    )
    .await?;
    let code = match issued {
        Ok(code) => code,
        Err(refusal) => {
            tx.rollback().await.map_err(StoreError::from)?;
            return Ok(Err(refusal.into()));
        }
    };
    let sms = match (&target, code) {
        (Some(t), Some(code)) => Some((
            t,
            tf(
                t.lang,
                "sms.registration_code",
                &[("code", &code), ("company", &s.branding.company_name)],
            ),
        )),
        (Some(t), None) if t.registered => Some((
            t,
            tf(
                t.lang,
                "sms.already_registered",
                &[("company", &s.branding.company_name)],
            ),
        )),
        _ => None,
    };
    if let Some((t, body)) = &sms {
        queue::enqueue_sms(&mut tx, now, &t.mobile, body).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    if sms.is_some() {
        s.outboxes.wake();
    }
    tracing::info!(eligible = eligible.is_some(), "registration code requested");
    Ok(Ok(eligible.map(|t| t.customer_id)))
}

/// Step 1: the customer number.
pub async fn start(s: &Services<'_>, customer_number: &str) -> StepResult {
    let Ok(number) = CustomerNumber::parse(customer_number) else {
        return Ok(Err(Refusal::Value(ValueError::CustomerNumber)));
    };
    Ok(send_registration_code(s, &number)
        .await?
        .map(|customer_id| {
            Registration::start(number.as_str().to_string(), customer_id, s.clock.epoch())
        }))
}

/// "Send again" on a code step.
pub async fn resend(s: &Services<'_>, reg: &Registration, lang: Lang) -> StepResult {
    let Ok(number) = CustomerNumber::parse(&reg.customer_number) else {
        return Ok(Err(Refusal::Value(ValueError::CustomerNumber)));
    };
    match reg.step {
        Step::Code => Ok(send_registration_code(s, &number)
            .await?
            .map(|_| reg.clone())),
        Step::EmailCode => send_email_code(s, reg, lang).await,
        Step::ContractCode => send_contract_code(s, reg).await,
        _ => Ok(Err(Refusal::WrongStep)),
    }
}

async fn check_code(
    s: &Services<'_>,
    reg: &Registration,
    purpose: Purpose,
    typed: &str,
) -> StepResult<()> {
    let Some(code) = domain::codes::normalise(typed) else {
        return Ok(Err(Refusal::CodeFormat));
    };
    let outcome = codes::verify(
        s.pool,
        s.clock.epoch(),
        &reg.customer_number,
        purpose,
        &code,
    )
    .await?;
    Ok(match (outcome, reg.customer_id) {
        (CheckOutcome::Accepted, Some(_)) => Ok(()),
        (CheckOutcome::Void, _) => Err(Refusal::CodeVoid),
        _ => Err(Refusal::CodeWrong),
    })
}

/// Step 2: the first code.
pub async fn enter_code(s: &Services<'_>, reg: &Registration, typed: &str) -> StepResult {
    Ok(check_code(s, reg, Purpose::Registration, typed)
        .await?
        .map(|()| Registration {
            step: Step::Details,
            ..reg.clone()
        }))
}

/// The typed personal details, kept to show the form again after a refusal.
pub struct Details<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub password_confirmation: &'a str,
}

fn clean_name(text: &str) -> Option<String> {
    let name = text.trim();
    (!name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control))
        .then(|| name.to_string())
}

/// Step 3: names, e-mail address and password; a code goes to that address (step 4).
pub async fn enter_details(
    s: &Services<'_>,
    reg: &Registration,
    d: &Details<'_>,
    lang: Lang,
) -> StepResult {
    let Some(first_name) = clean_name(d.first_name) else {
        return Ok(Err(Refusal::FirstNameRequired));
    };
    let Some(last_name) = clean_name(d.last_name) else {
        return Ok(Err(Refusal::LastNameRequired));
    };
    let Ok(email) = Email::parse(d.email) else {
        return Ok(Err(Refusal::Value(ValueError::Email)));
    };
    if let Err(problem) = password_policy::check(
        d.password,
        d.password_confirmation,
        email.local_part(),
        &reg.customer_number,
    ) {
        return Ok(Err(problem.into()));
    }
    let password_hash = password::hash(&password::Password::new(d.password)).await?;
    let reg = Registration {
        first_name,
        last_name,
        email: email.as_str().to_string(),
        password_hash,
        ..reg.clone()
    };
    send_email_code(s, &reg, lang).await
}

/// Sends a code to the typed e-mail address, or — when the address already has an account —
/// a mail to its owner saying so, with the same answer and the same limits: who typed the
/// address learns nothing about it; its owner, reading the mail, does.
async fn send_email_code(s: &Services<'_>, reg: &Registration, lang: Lang) -> StepResult {
    let Ok(to) = Email::parse(&reg.email) else {
        return Ok(Err(Refusal::WrongStep));
    };
    let taken = accounts::email_taken(s.pool, to.as_str()).await?;
    let now = s.clock.epoch();
    let company = s.branding.company_name.as_str();
    let mut tx = crate::infra::db::begin_write(s.pool)
        .await
        .map_err(StoreError::from)?;
    let code =
        match codes::issue(&mut tx, now, &reg.customer_number, Purpose::Email, !taken).await? {
            Ok(code) => code,
            Err(refusal) => {
                tx.rollback().await.map_err(StoreError::from)?;
                return Ok(Err(refusal.into()));
            }
        };
    let mail = match code {
        Some(code) => Mail {
            to,
            subject: tf(
                lang,
                "mail.registration_code.subject",
                &[("company", company)],
            ),
            body: tf(
                lang,
                "mail.registration_code.body",
                &[("code", &code), ("company", company)],
            ),
        },
        None => Mail {
            to,
            subject: tf(lang, "mail.email_in_use.subject", &[("company", company)]),
            body: tf(
                lang,
                "mail.email_in_use.body",
                &[
                    ("company", company),
                    ("login", &format!("{}/login", s.base_url)),
                ],
            ),
        },
    };
    queue::enqueue_mail(&mut tx, now, &mail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    s.outboxes.wake();
    tracing::info!(address_in_use = taken, "registration e-mail code requested");
    Ok(Ok(Registration {
        step: Step::EmailCode,
        ..reg.clone()
    }))
}

/// Step 4: the code from the e-mail.
pub async fn enter_email_code(s: &Services<'_>, reg: &Registration, typed: &str) -> StepResult {
    Ok(check_code(s, reg, Purpose::Email, typed)
        .await?
        .map(|()| Registration {
            step: Step::Contract,
            ..reg.clone()
        }))
}

async fn send_contract_code(s: &Services<'_>, reg: &Registration) -> StepResult {
    let belongs = match reg.customer_id {
        Some(id) => contracts::belongs_to(s.pool, id, &reg.contract_number).await?,
        None => false,
    };
    let target = match CustomerNumber::parse(&reg.customer_number) {
        Ok(number) if belongs => target(s.pool, &number).await?,
        _ => None,
    };
    let now = s.clock.epoch();
    let mut tx = crate::infra::db::begin_write(s.pool)
        .await
        .map_err(StoreError::from)?;
    let code = match codes::issue(
        &mut tx,
        now,
        &reg.customer_number,
        Purpose::Contract,
        belongs,
    )
    .await?
    {
        Ok(code) => code,
        Err(refusal) => {
            tx.rollback().await.map_err(StoreError::from)?;
            return Ok(Err(refusal.into()));
        }
    };
    if let (Some(code), Some(t)) = (code, target) {
        let body = tf(
            t.lang,
            "sms.contract_code",
            &[("code", &code), ("company", &s.branding.company_name)],
        );
        queue::enqueue_sms(&mut tx, now, &t.mobile, &body).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    s.outboxes.wake();
    Ok(Ok(Registration {
        step: Step::ContractCode,
        ..reg.clone()
    }))
}

/// Step 4: a contract number; a second code is sent if it is one of the customer's.
pub async fn enter_contract(
    s: &Services<'_>,
    reg: &Registration,
    contract_number: &str,
) -> StepResult {
    let Ok(number) = ContractNumber::parse(contract_number) else {
        return Ok(Err(Refusal::Value(ValueError::ContractNumber)));
    };
    let reg = Registration {
        contract_number: number.as_str().to_string(),
        ..reg.clone()
    };
    send_contract_code(s, &reg).await
}

/// Step 5: the second code.
pub async fn enter_contract_code(s: &Services<'_>, reg: &Registration, typed: &str) -> StepResult {
    Ok(check_code(s, reg, Purpose::Contract, typed)
        .await?
        .map(|()| Registration {
            step: Step::Terms,
            ..reg.clone()
        }))
}

/// Step 6, accepted: creates the account, records the acceptance and sends the confirmation
/// e-mail. Returns the new account's id.
pub async fn accept_terms(
    s: &Services<'_>,
    reg: &Registration,
    ip_address: &str,
    user_agent: &str,
    lang: Lang,
) -> StepResult<i64> {
    let Some(customer_id) = reg.customer_id else {
        return Ok(Err(Refusal::WrongStep));
    };
    let (terms_version_id, version) = accounts::current_terms(s.pool).await?;
    let now = s.clock.epoch();
    // The account, the acceptance and the welcome e-mail are committed together.
    let mut tx = crate::infra::db::begin_write(s.pool)
        .await
        .map_err(StoreError::from)?;
    let created = accounts::create_in(
        &mut tx,
        now,
        &NewAccount {
            customer_id,
            email: &reg.email,
            first_name: &reg.first_name,
            last_name: &reg.last_name,
            password_hash: &reg.password_hash,
            terms_version_id,
            ip_address,
            user_agent: &user_agent.chars().take(300).collect::<String>(),
        },
    )
    .await?;
    let id = match created {
        Ok(id) => id,
        Err(CreateRefusal::EmailTaken) => return Ok(Err(Refusal::EmailTaken)),
        Err(CreateRefusal::AlreadyRegistered) => return Ok(Err(Refusal::WrongStep)),
    };
    if let Ok(to) = Email::parse(&reg.email) {
        let mail = Mail {
            to,
            subject: tf(
                lang,
                "mail.welcome.subject",
                &[("company", &s.branding.company_name)],
            ),
            body: tf(
                lang,
                "mail.welcome.body",
                &[
                    ("name", &reg.first_name),
                    ("company", &s.branding.company_name),
                    ("version", &version),
                    ("url", &format!("{}/login", s.base_url)),
                    ("phone", &s.branding.contact_phone),
                ],
            ),
        };
        queue::enqueue_mail(&mut tx, now, &mail).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    s.outboxes.wake();
    tracing::info!(account_id = id, terms = %version, "registration completed");
    Ok(Ok(id))
}

/// The terms' title in a language (the text itself is in the translation files).
pub fn terms_title(lang: Lang) -> &'static str {
    t(lang, "page.terms.title")
}
