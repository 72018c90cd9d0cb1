//! The forms that send a message (they may carry up to 5 attachments, so they are read by
//! [`crate::forms`] rather than by Leptos server functions):
//!
//! - `POST /api/customer/start-thread`: `subject`, `category`, `contract`, `body`,
//!   `attachments` (files);
//! - `POST /api/customer/reply-thread`: `id`, `body`, `attachments`;
//! - `POST /api/cic/thread-act`: `id`, `version`, `seen`, `action` (`reply`, `note`, `close`,
//!   `reopen`, `assign` with `to`: a staff id, `me` or empty), `body`, `attachments`.
//!
//! Multipart (the pages) or URL-encoded (API clients without files). A browser goes to the page
//! that shows the outcome (a refusal keeps what was typed next to the reason); an API client
//! gets 201/200 with JSON, 422 with `{"error": {"key", "field"}}`, 409 when a staff reply
//! collided, 429 at the customer's message limit, 404 for someone else's thread.

use crate::AppState;
use crate::forms::{self, Limits, Posted, Unread};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use backend::services::messages::{self, NewThreadInput, StaffAction, Writer};
use domain::Lang;
use domain::messages::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MessageRefusal};
use domain::model::StaffRole;
use domain::refusal::Refusal;
use http::StatusCode;
use tower_sessions::Session;

pub const START_PATH: &str = "/api/customer/start-thread";
pub const REPLY_PATH: &str = "/api/customer/reply-thread";
pub const STAFF_PATH: &str = "/api/cic/thread-act";

/// The largest message body taken in: five 10 MB files and the text.
pub const MESSAGE_BODY_CAP: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES as usize + 512 * 1024;

const LIMITS: Limits = Limits {
    file_field: "attachments",
    file_bytes: MAX_ATTACHMENT_BYTES,
    body_cap: MESSAGE_BODY_CAP,
};

/// The status an API client gets for a refusal.
fn status_of(r: MessageRefusal) -> StatusCode {
    match r {
        MessageRefusal::Changed | MessageRefusal::Closed | MessageRefusal::NoChange => {
            StatusCode::CONFLICT
        }
        MessageRefusal::Limit => StatusCode::TOO_MANY_REQUESTS,
        MessageRefusal::AttachmentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        MessageRefusal::Unreadable => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Reads the form; Err: the answer for a body that could not be read (back to `page`, the
/// text lost with it).
async fn read(
    state: &AppState,
    session: &Session,
    req: Request,
    (form, page): (&str, &str),
) -> Result<Posted, Response> {
    let reply = forms::reply_for(req.headers());
    let lang = app::shell::lang_from_headers(req.headers());
    match forms::read(req, &*state.files.0, LIMITS).await {
        Ok(p) => Ok(p),
        Err(Unread::Files(e)) => Err(forms::failed(
            lang,
            "attachments not received",
            &e,
            e.is_unavailable(),
        )),
        Err(unread) => {
            let r = match unread {
                Unread::TooLarge => MessageRefusal::AttachmentTooLarge,
                _ => MessageRefusal::Unreadable,
            };
            Err(forms::refused(
                session,
                reply,
                (form, page),
                &[],
                status_of(r),
                Refusal::Message(r),
            )
            .await)
        }
    }
}

/// The signed-in customer, with the request handed back; otherwise the answer — to the
/// sign-in and back to `back`, or the gate's failure (the database is down, say) — after the
/// body was read to its end.
async fn customer(
    state: &AppState,
    session: &Session,
    lang: Lang,
    req: Request,
    back: &str,
) -> Result<(app::gate::SignedInCustomer, Request), Response> {
    let answer = match app::gate::customer_in(session, &state.db, &state.clock, lang).await {
        Ok(Some(me)) => return Ok((me, req)),
        Ok(None) => crate::downloads::to_sign_in(back),
        Err(e) => forms::gate_failed(lang, e),
    };
    forms::drain(req.into_body()).await;
    Err(answer)
}

/// `POST /api/customer/start-thread`
pub async fn start_thread(
    State(state): State<AppState>,
    session: Session,
    req: Request,
) -> Response {
    use app::api::customer::{NEW_MESSAGE_FORM, REPLY_FORM};
    let headers = req.headers().clone();
    let lang = app::shell::lang_from_headers(&headers);
    let reply = forms::reply_for(&headers);
    let (me, req) = match customer(&state, &session, lang, req, "/messages/new").await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let form = (NEW_MESSAGE_FORM, "/messages/new");
    let posted = match read(&state, &session, req, form).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let outcome = messages::start(
        &state.services(),
        Writer {
            customer_id: me.customer_id,
            account_id: me.account_id,
        },
        &NewThreadInput {
            subject: posted.text("subject"),
            category: posted.text("category"),
            contract: posted.text("contract"),
            body: posted.text("body"),
            attachments: &posted.files,
        },
    )
    .await;
    match outcome {
        Ok(Ok(id)) => {
            forms::done(
                &session,
                reply,
                (REPLY_FORM, "messages.sent"),
                &format!("/messages/{id}"),
                (StatusCode::CREATED, serde_json::json!({ "id": id })),
            )
            .await
        }
        Ok(Err(r)) => {
            let typed = ["subject", "category", "contract", "body"].map(|k| (k, posted.text(k)));
            forms::refused(
                &session,
                reply,
                form,
                &typed,
                status_of(r),
                Refusal::Message(r),
            )
            .await
        }
        Err(e) => forms::failed(lang, "message not stored", &e, e.is_unavailable()),
    }
}

/// `POST /api/customer/reply-thread`
pub async fn reply_thread(
    State(state): State<AppState>,
    session: Session,
    req: Request,
) -> Response {
    use app::api::customer::REPLY_FORM;
    let headers = req.headers().clone();
    let lang = app::shell::lang_from_headers(&headers);
    let reply = forms::reply_for(&headers);
    let back = forms::back_from_referer(&headers, "/messages");
    let (me, req) = match customer(&state, &session, lang, req, &back).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let posted = match read(&state, &session, req, (REPLY_FORM, &back)).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let Ok(id) = posted.text("id").trim().parse::<i64>() else {
        return crate::downloads::not_found(lang);
    };
    let page = format!("/messages/{id}#reply");
    let outcome = messages::reply(
        &state.services(),
        Writer {
            customer_id: me.customer_id,
            account_id: me.account_id,
        },
        id,
        posted.text("body"),
        &posted.files,
    )
    .await;
    match outcome {
        Ok(Ok(Some(()))) => {
            forms::done(
                &session,
                reply,
                (REPLY_FORM, "messages.sent"),
                &page,
                (StatusCode::CREATED, serde_json::json!({ "id": id })),
            )
            .await
        }
        Ok(Ok(None)) => crate::downloads::not_found(lang),
        Ok(Err(r)) => {
            forms::refused(
                &session,
                reply,
                (REPLY_FORM, &page),
                &[("body", posted.text("body"))],
                status_of(r),
                Refusal::Message(r),
            )
            .await
        }
        Err(e) => forms::failed(lang, "reply not stored", &e, e.is_unavailable()),
    }
}

/// `POST /api/cic/thread-act`
pub async fn thread_act(
    State(state): State<AppState>,
    session: Session,
    client: Option<axum::Extension<app::session::ClientIp>>,
    req: Request,
) -> Response {
    use app::api::inbox::THREAD_FORM;
    let headers = req.headers().clone();
    let lang = app::shell::lang_from_headers(&headers);
    let reply = forms::reply_for(&headers);
    let staff = match app::gate::staff_in(&session, &state.db, &state.clock).await {
        Ok(found) => found,
        Err(e) => return forms::gate_failed(lang, e),
    };
    let Some(staff) = staff else {
        forms::drain(req.into_body()).await;
        return forms::see_other(app::paths::STAFF_SIGN_IN);
    };
    if !staff.role.includes(StaffRole::Agent) {
        forms::drain(req.into_body()).await;
        return StatusCode::FORBIDDEN.into_response();
    }
    let back = forms::back_from_referer(&headers, "/cic/inbox");
    let posted = match read(&state, &session, req, (THREAD_FORM, &back)).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let (Ok(id), Ok(version)) = (
        posted.text("id").trim().parse::<i64>(),
        posted.text("version").trim().parse::<i64>(),
    ) else {
        return forms::json(
            StatusCode::BAD_REQUEST,
            serde_json::json!({ "error": { "key": "error.bad_request", "field": "" } }),
        );
    };
    let seen = posted.text("seen").trim().parse::<i64>().unwrap_or(0);
    let action = posted.text("action").trim();
    let (act, notice) = match action {
        "reply" => (StaffAction::Reply { seen }, "inbox.replied"),
        "note" => (StaffAction::Note, "inbox.noted"),
        "close" => (StaffAction::Close, "inbox.closed"),
        "reopen" => (StaffAction::Reopen, "inbox.reopened"),
        "assign" => {
            let to = match posted.text("to").trim() {
                "" => None,
                "me" => Some(staff.staff_id),
                other => match other.parse::<i64>() {
                    Ok(id) => Some(id),
                    Err(_) => Some(0),
                },
            };
            let notice = if to.is_some() {
                "inbox.assigned"
            } else {
                "inbox.released"
            };
            (StaffAction::Assign { to }, notice)
        }
        _ => {
            return forms::json(
                StatusCode::BAD_REQUEST,
                serde_json::json!({ "error": { "key": "error.bad_request", "field": "action" } }),
            );
        }
    };
    let origin = app::gate::Origin::of_request(&headers, client.as_ref().map(|c| &c.0));
    let page = format!("/cic/threads/{id}");
    let outcome = messages::act(
        &state.services(),
        origin.reader(staff.staff_id),
        id,
        version,
        act,
        posted.text("body"),
        &posted.files,
    )
    .await;
    match outcome {
        Ok(Ok(Some(()))) => {
            forms::done(
                &session,
                reply,
                (THREAD_FORM, notice),
                &page,
                (StatusCode::OK, serde_json::json!({ "id": id })),
            )
            .await
        }
        Ok(Ok(None)) => crate::downloads::not_found(lang),
        Ok(Err(r)) => {
            forms::refused(
                &session,
                reply,
                (THREAD_FORM, &page),
                &[("body", posted.text("body")), ("action", action)],
                status_of(r),
                Refusal::Message(r),
            )
            .await
        }
        Err(e) => forms::failed(lang, "thread action not stored", &e, e.is_unavailable()),
    }
}
