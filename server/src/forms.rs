//! Forms that may carry files, read in front of Leptos: its multipart server functions panic on
//! a malformed boundary and read the body without a limit, so the forms that send files (a new
//! number plate with its certificate, a message with attachments) post to plain routes that
//! read them here:
//!
//! - a URL-encoded body (an API client, a form without files) is read as usual;
//! - a multipart body's boundary is parsed before anything is read (a malformed one is
//!   refused, never a panic); an announced body over the route's cap is refused after it was
//!   read and thrown away (so the browser sees the answer instead of a reset connection);
//! - files stream to the file store's incoming folder as they arrive (never held in memory),
//!   at most the per-file limit kept, what came beyond only counted;
//! - a text field over [`MAX_TEXT_FIELD`] (or all of them over [`MAX_TEXT_TOTAL`]) makes the
//!   body unreadable rather than cut short.
//!
//! A browser (`Accept: text/html`) gets a 303 to the page that shows the outcome; the upload
//! progress script (`X-Upload-Progress`) gets `{"location"}`; an API client gets a status and
//! JSON.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use backend::infra::files::{FileStore, Received, Receiving};
use futures_util::StreamExt;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, REFERER};
use http::{HeaderMap, HeaderValue, StatusCode};
use std::collections::HashMap;

/// Past this an oversized body is not even read to its end (the connection is closed).
pub const DRAIN_CAP: usize = 64 * 1024 * 1024;

/// The longest text field taken (a 10,000-character message is at most 40,000 bytes).
pub const MAX_TEXT_FIELD: usize = 64 * 1024;

/// All text fields of a form together (many small fields hold no more than this).
pub const MAX_TEXT_TOTAL: usize = 256 * 1024;

/// A posted form: its text fields (trimmed at neither end; the last of repeated ones) and the
/// files of its file field, in order (empty file inputs left out).
#[derive(Default)]
pub struct Posted {
    pub fields: HashMap<String, String>,
    pub files: Vec<Received>,
}

impl Posted {
    /// A text field, empty when absent.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// Why a form could not be read.
#[derive(Debug)]
pub enum Unread {
    /// Not a form, a malformed multipart body, a text field too long, cut off by the cap.
    Unreadable,
    /// The announced body is over the route's cap.
    TooLarge,
    /// The incoming folder could not be written.
    Files(backend::infra::files::FileError),
}

/// What a route reads: the name of its file field, how many bytes a file may have, and the
/// largest body it takes.
#[derive(Clone, Copy)]
pub struct Limits {
    pub file_field: &'static str,
    pub file_bytes: u64,
    pub body_cap: usize,
}

/// Reads a posted form (see the module's description).
pub async fn read(req: Request, files: &dyn FileStore, limits: Limits) -> Result<Posted, Unread> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, &())
            .await
            .map_err(|_| Unread::Unreadable)?;
        return Ok(Posted {
            fields: pairs.into_iter().collect(),
            files: Vec::new(),
        });
    }
    let boundary = multer::parse_boundary(&content_type)
        .ok()
        // RFC 2046: 1 to 70 characters.
        .filter(|b| (1..=70).contains(&b.len()));
    let Some(boundary) = boundary else {
        drain(req.into_body()).await;
        return Err(Unread::Unreadable);
    };
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > limits.body_cap) {
        drain(req.into_body()).await;
        return Err(Unread::TooLarge);
    }
    let mut form = multer::Multipart::new(req.into_body().into_data_stream(), boundary);
    let mut posted = Posted::default();
    let mut text_total = 0;
    let unreadable = |e: multer::Error| {
        tracing::info!(error = %e, "unreadable form");
        Unread::Unreadable
    };
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == limits.file_field {
            let sent_name = field.file_name().unwrap_or_default().to_string();
            let mut receiving = Receiving::start(&files.incoming(), &sent_name, limits.file_bytes)
                .await
                .map_err(Unread::Files)?;
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                receiving.push(&chunk).await.map_err(Unread::Files)?;
            }
            let received = receiving.finish().await.map_err(Unread::Files)?;
            // An empty file input sends an empty part without a name.
            if received.size > 0 || !received.name.is_empty() {
                posted.files.push(received);
            }
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            text_total += chunk.len();
            if bytes.len() + chunk.len() > MAX_TEXT_FIELD || text_total > MAX_TEXT_TOTAL {
                return Err(Unread::Unreadable);
            }
            bytes.extend_from_slice(&chunk);
        }
        // Text holds no NUL (nobody types one; PostgreSQL cannot store one).
        if bytes.contains(&0) {
            return Err(Unread::Unreadable);
        }
        posted
            .fields
            .insert(name, String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok(posted)
}

/// Reads (and throws away) what is left of a body, up to [`DRAIN_CAP`] in all.
pub async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let mut seen = 0usize;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len();
        if seen > DRAIN_CAP {
            break;
        }
    }
}

/// Who posted the form, and so how the answer is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// A browser without JavaScript: a 303 to the page that shows the outcome.
    Page,
    /// The page's upload-progress script: the same outcome kept for that page, and
    /// `{"location"}` to go to.
    Live,
    /// An API client: a status and JSON.
    Api,
}

pub fn reply_for(headers: &HeaderMap) -> Reply {
    let accept = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if headers.contains_key(app::components::upload::UPLOAD_PROGRESS_HEADER) {
        Reply::Live
    } else if accept.contains("text/html") {
        Reply::Page
    } else {
        Reply::Api
    }
}

/// Goes to `page`: a redirect for a plain form post, `{"location"}` for the live page.
pub fn go_to(reply: Reply, page: &str) -> Response {
    match reply {
        Reply::Live => json(StatusCode::OK, serde_json::json!({ "location": page })),
        _ => see_other(page),
    }
}

/// The local page the browser came from (the form), else `fallback`.
pub fn back_from_referer(headers: &HeaderMap, fallback: &str) -> String {
    headers
        .get(REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| app::paths::is_local(p))
        .unwrap_or_else(|| fallback.to_string())
}

/// A refusal: a browser goes back to `page` with the message next to its field (the flash of
/// `form`) and the typed values; an API client gets `status` and `{"error": {"key", "field"}}`.
pub async fn refused(
    session: &tower_sessions::Session,
    reply: Reply,
    (form, page): (&str, &str),
    typed: &[(&str, &str)],
    status: StatusCode,
    refusal: domain::refusal::Refusal,
) -> Response {
    if reply == Reply::Api {
        return json(
            status,
            serde_json::json!({ "error": { "key": refusal.key(), "field": refusal.field() } }),
        );
    }
    let flash = app::session::Flash::error(form, refusal).with_values(typed);
    if let Err(e) = app::session::set_flash(session, flash).await {
        tracing::error!(error = %e, "could not keep the form's message");
    }
    go_to(reply, page)
}

/// A notice for `form`, then to `page` (an API client gets `status` and `body`).
pub async fn done(
    session: &tower_sessions::Session,
    reply: Reply,
    (form, notice): (&str, &str),
    page: &str,
    (status, body): (StatusCode, serde_json::Value),
) -> Response {
    if reply == Reply::Api {
        return json(status, body);
    }
    let flash = app::session::Flash::notice(form, notice);
    if let Err(e) = app::session::set_flash(session, flash).await {
        tracing::error!(error = %e, "could not keep the form's notice");
    }
    go_to(reply, page)
}

pub fn see_other(path: &str) -> Response {
    match HeaderValue::from_str(path) {
        Ok(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

pub fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// The translated page of a failure, logged as `what`: "temporarily unavailable" (503) when
/// the database or the file storage could not take it (down, disk full), otherwise the
/// internal error page.
pub fn failed(
    lang: domain::Lang,
    what: &str,
    err: &(impl std::fmt::Display + ?Sized),
    unavailable: bool,
) -> Response {
    if unavailable {
        tracing::warn!(error = %err, "{what}: database or storage unavailable");
        crate::middleware::unavailable(lang, false)
    } else {
        tracing::error!(error = %err, "{what}");
        internal(lang)
    }
}

/// The answer when the access gate could not tell who is signed in (never "signed out": the
/// person would be sent to sign in again and lose what they sent).
pub fn gate_failed(lang: domain::Lang, e: app::error::AppError) -> Response {
    if e == app::error::AppError::Unavailable {
        crate::middleware::unavailable(lang, false)
    } else {
        internal(lang)
    }
}

/// The translated error page of an unexpected failure.
pub fn internal(lang: domain::Lang) -> Response {
    crate::downloads::message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        "page.error.title",
        "error.internal",
    )
}
