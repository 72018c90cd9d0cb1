//! Server-side session helpers for server functions: the signed-in customer (with the
//! absolute 12-hour limit), one-shot form feedback ("flash") for pages that also work without
//! JavaScript, and request facts (client IP, user agent, language).

use crate::error::AppError;
use crate::message::{FieldError, Message};
use backend::infra::outbox::Outboxes;
use backend::{Clock, Db, services::Services};
use domain::{Branding, Lang};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use tower_sessions::Session;

const ACCOUNT_KEY: &str = "account_id";
const LOGIN_KEY: &str = "login_id";
const SIGNED_IN_AT_KEY: &str = "signed_in_at";
const FLASH_KEY: &str = "flash";

/// Feedback for the next rendering of a form: a refusal (with its field) or a notice, and the
/// values to show again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub form: String,
    pub error: Option<FieldError>,
    pub notice: Option<String>,
    pub values: HashMap<String, String>,
}

impl Flash {
    /// A refusal for `form`.
    pub fn error(form: &str, error: impl Into<FieldError>) -> Flash {
        Flash {
            form: form.into(),
            error: Some(error.into()),
            ..Flash::default()
        }
    }

    /// A notice for `form`.
    pub fn notice(form: &str, key: &str) -> Flash {
        Flash {
            form: form.into(),
            notice: Some(key.into()),
            ..Flash::default()
        }
    }

    /// The notice when the service did it, else its refusal.
    pub fn outcome<T>(
        form: &str,
        result: Result<T, domain::refusal::Refusal>,
        notice: &str,
    ) -> Flash {
        match result {
            Ok(_) => Flash::notice(form, notice),
            Err(r) => Flash::error(form, r),
        }
    }

    /// The values to show again in the form.
    pub fn with_values(mut self, values: &[(&str, &str)]) -> Flash {
        self.values = values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
    }

    /// What the form shows: the error if there is one, else the notice.
    pub fn message(&self) -> Option<Message> {
        self.error
            .clone()
            .map(Message::Error)
            .or_else(|| self.notice.clone().map(Message::Notice))
    }
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(crate::error::internal)
}

pub fn db() -> Result<Db, AppError> {
    with_context::<Arc<Ctx>, _>(|c| c.db.clone()).ok_or(AppError::Internal)
}

/// The portal's clock (the only source of "now"; fixed in tests).
pub fn clock() -> Result<Clock, AppError> {
    with_context::<Arc<Ctx>, _>(|c| c.clock.clone()).ok_or(AppError::Internal)
}

/// The services a server function may use: provided by the server as one context,
/// `Arc<Ctx>`, for every request (one shared value, not six clones a request).
pub struct Ctx {
    pub db: Db,
    pub clock: Clock,
    pub outboxes: Outboxes,
    pub branding: Branding,
    pub base_url: String,
    pub files: backend::infra::files::Files,
}

impl Ctx {
    pub fn services(&self) -> Services<'_> {
        Services {
            pool: &self.db.pool,
            db: &self.db,
            clock: &self.clock,
            outboxes: &self.outboxes,
            branding: &self.branding,
            base_url: &self.base_url,
            files: &*self.files.0,
        }
    }
}

pub fn ctx() -> Result<Arc<Ctx>, AppError> {
    use_context::<Arc<Ctx>>().ok_or(AppError::Internal)
}

pub fn lang() -> Lang {
    // Borrowed, not cloned (the parts hold all the request's headers), here and below.
    with_context::<http::request::Parts, _>(|parts| crate::shell::lang_from_headers(&parts.headers))
        .unwrap_or_default()
}

/// The client's address as the server's middleware worked it out (the TCP peer, or behind a
/// trusted proxy the right-most untrusted `X-Forwarded-For` hop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

pub fn client_ip() -> String {
    with_context::<http::request::Parts, _>(|p| {
        p.extensions.get::<ClientIp>().map(|c| c.0.to_string())
    })
    .flatten()
    .unwrap_or_else(|| "unknown".into())
}

/// The request's `x-request-id` (set by the server for every request; a client's own is kept
/// when it is short and printable), for the audit trail.
pub fn request_id() -> String {
    with_context::<http::request::Parts, _>(|p| {
        p.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(clean_request_id)
    })
    .flatten()
    .unwrap_or_default()
}

/// A request id as it may be stored: at most 64 printable ASCII characters.
pub fn clean_request_id(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

pub fn user_agent() -> String {
    with_context::<http::request::Parts, _>(|p| {
        p.headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
    .flatten()
    .unwrap_or_default()
}

/// Stores the flash for the form's next rendering. A "busy" refusal also says so in the
/// answer: `Retry-After`, and for API callers (not a plain form post, which goes back to its
/// page to show the message) the status 503.
pub async fn set_flash(session: &Session, flash: Flash) -> Result<(), AppError> {
    if flash
        .error
        .as_ref()
        .is_some_and(|e| e.key == domain::refusal::Refusal::Busy.key())
    {
        busy_answer();
    }
    Ok(session.insert(FLASH_KEY, flash).await?)
}

/// Seconds a client is asked to wait when the server is busy.
pub const BUSY_RETRY_AFTER: &str = "5";

fn busy_answer() {
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    res.insert_header(
        http::header::RETRY_AFTER,
        http::HeaderValue::from_static(BUSY_RETRY_AFTER),
    );
    if !is_form_post() {
        res.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
    }
}

/// The answer's status when the database is unavailable: 503 with `Retry-After`, except for a
/// plain form post (it goes back to its page, which then says so).
pub fn unavailable_answer() {
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let form_post = with_context::<http::request::Parts, _>(|p| p.method == http::Method::POST)
        .unwrap_or(false)
        && is_form_post();
    if !form_post {
        res.insert_header(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static(BUSY_RETRY_AFTER),
        );
        res.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
    }
}

/// Whether this call is a plain HTML form post (a browser that wants a page back), not an API
/// client or the live app asking for JSON.
pub fn is_form_post() -> bool {
    with_context::<http::request::Parts, _>(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
    .unwrap_or(false)
}

/// Takes the flash for `form` (other forms' flashes stay).
pub async fn take_flash(session: &Session, form: &str) -> Result<Flash, AppError> {
    let flash: Option<Flash> = session.get(FLASH_KEY).await?;
    match flash {
        Some(f) if f.form == form => {
            session.remove::<Flash>(FLASH_KEY).await?;
            Ok(f)
        }
        _ => Ok(Flash::default()),
    }
}

/// Signs the account in: a new session id (against fixation), a login row (so the customer
/// can see and end it), then the account and time.
pub async fn sign_in(session: &Session, account_id: i64) -> Result<(), AppError> {
    // A browser is either a customer's or a staff member's, never both.
    session.clear().await;
    session.cycle_id().await?;
    let now = clock()?.epoch();
    let login_id =
        backend::store::logins::create(&db()?.pool, now, account_id, &client_ip(), &user_agent())
            .await?;
    backend::store::accounts::mark_signed_in(&db()?.pool, now, account_id).await?;
    session.insert(ACCOUNT_KEY, account_id).await?;
    session.insert(LOGIN_KEY, login_id).await?;
    session.insert(SIGNED_IN_AT_KEY, now).await?;
    mark_active(session, now, true).await?;
    Ok(())
}

/// The signed-in account id and its login id, if the sign-in is younger than 12 hours and its
/// login was not ended (from another device, by a password change, ...).
pub async fn login(session: &Session) -> Result<Option<(i64, String)>, AppError> {
    Ok(login_with(session, &db()?, &clock()?)
        .await?
        .map(|(found, login_id)| (found.account.id, login_id)))
}

/// [`login`] with an explicit database (for middleware outside the Leptos context), with the
/// account row and its unread replies: one statement reads them (the gate asks on every
/// request).
pub async fn login_with(
    session: &Session,
    db: &Db,
    clock: &Clock,
) -> Result<Option<(backend::store::accounts::WithLogin, String)>, AppError> {
    let now = clock.epoch();
    let id: Option<i64> = session.get(ACCOUNT_KEY).await?;
    let login_id: Option<String> = session.get(LOGIN_KEY).await?;
    let at: Option<i64> = session.get(SIGNED_IN_AT_KEY).await?;
    let (Some(id), Some(login_id), Some(at)) = (id, login_id, at) else {
        return Ok(None);
    };
    let last: Option<i64> = session.get(ACTIVE_KEY).await?;
    if domain::registration::session_alive(at, last, now)
        && let Some(found) =
            backend::store::accounts::with_login(db.reads().await?, id, &login_id).await?
        && let Some(last_seen) = found.last_seen
    {
        backend::store::logins::seen(&db.pool, now, &login_id, last_seen).await?;
        mark_active(session, now, false).await?;
        return Ok(Some((found, login_id)));
    }
    backend::store::logins::end(&db.pool, id, &login_id).await?;
    session.flush().await?;
    Ok(None)
}

const ACTIVE_KEY: &str = "last_active";

/// Records activity so the idle timeout (15 minutes, on the portal's clock) counts from now.
/// Writing the session is also what moves the session store's own expiry; it is written at
/// most once a minute unless `force`.
pub async fn mark_active(session: &Session, now: i64, force: bool) -> Result<(), AppError> {
    let last: Option<i64> = session.get(ACTIVE_KEY).await?;
    if force || last.is_none_or(|t| now - t >= 60) {
        session.insert(ACTIVE_KEY, now).await?;
    }
    Ok(())
}

/// The signed-in account id (see [`login`]).
pub async fn account_id(session: &Session) -> Result<Option<i64>, AppError> {
    Ok(login(session).await?.map(|(id, _)| id))
}

/// Signs out: ends the login row and destroys the server-side session.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    if let Some((id, login_id)) = login(session).await? {
        backend::store::logins::end(&db()?.pool, id, &login_id).await?;
    }
    Ok(session.flush().await?)
}

const PENDING_KEY: &str = "second_factor_pending";

/// The password was right and the account has a second factor: remember that for 5 minutes.
pub async fn start_second_factor(session: &Session, account_id: i64) -> Result<(), AppError> {
    session.clear().await;
    session.cycle_id().await?;
    Ok(session
        .insert(PENDING_KEY, (account_id, clock()?.epoch()))
        .await?)
}

/// The account waiting for its second factor, if the password step is younger than 5 minutes.
pub async fn pending_second_factor(session: &Session) -> Result<Option<i64>, AppError> {
    let pending: Option<(i64, i64)> = session.get(PENDING_KEY).await?;
    let now = clock()?.epoch();
    Ok(pending.filter(|(_, at)| now - at < 300).map(|(id, _)| id))
}

const STAFF_KEY: &str = "staff_id";
const STAFF_SIGNED_IN_AT_KEY: &str = "staff_signed_in_at";

/// Signs a staff member in: whatever the browser held before (a customer's sign-in
/// included) is dropped, and the session id is renewed.
pub async fn staff_sign_in(session: &Session, staff_id: i64) -> Result<(), AppError> {
    sign_out(session).await?;
    session.cycle_id().await?;
    let now = clock()?.epoch();
    session.insert(STAFF_KEY, staff_id).await?;
    session.insert(STAFF_SIGNED_IN_AT_KEY, now).await?;
    mark_active(session, now, true).await?;
    Ok(())
}

/// The signed-in staff member, if the sign-in is younger than 12 hours and the last request
/// younger than 15 minutes (each request counts as activity). A customer's session never has
/// one.
pub async fn staff_id(session: &Session) -> Result<Option<i64>, AppError> {
    staff_id_at(session, clock()?.epoch()).await
}

/// [`staff_id`] at a given time (for middleware outside the Leptos context).
pub async fn staff_id_at(session: &Session, now: i64) -> Result<Option<i64>, AppError> {
    let id: Option<i64> = session.get(STAFF_KEY).await?;
    let at: Option<i64> = session.get(STAFF_SIGNED_IN_AT_KEY).await?;
    let last: Option<i64> = session.get(ACTIVE_KEY).await?;
    match (id, at) {
        (Some(id), Some(at)) if domain::registration::session_alive(at, last, now) => {
            mark_active(session, now, false).await?;
            Ok(Some(id))
        }
        (Some(_), _) => {
            session.flush().await?;
            Ok(None)
        }
        _ => Ok(None),
    }
}
