//! The error type of the server functions. Each variant maps to an HTTP status and a
//! translation key; internal causes are logged on the server and never sent to the browser.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request could not be read (malformed or missing arguments). Why is logged on the
    /// server; the client gets only the translated text (serde's message is not for people).
    #[error("bad request")]
    BadRequest,
    /// The thing asked for does not exist or is not the caller's.
    #[error("not found")]
    NotFound,
    /// A staff member whose role does not include this function.
    #[error("forbidden")]
    Forbidden,
    /// Something failed on the server; the cause is in the server log with the request id.
    #[error("internal error")]
    Internal,
    /// The server is checking as many secrets as it may; try again in a moment (503 with
    /// `Retry-After`).
    #[error("busy")]
    Busy,
    /// The database (or the file storage) cannot be reached or cannot take the write right
    /// now: nothing was stored; try again in a moment (503 with `Retry-After`).
    #[error("temporarily unavailable")]
    Unavailable,
    /// No answer within the request's time limit (503): the work may still have been done,
    /// so the person checks before sending it again.
    #[error("timed out")]
    TimedOut,
    /// Someone else changed the thing first (a stale version): reload and decide again.
    #[error("conflict")]
    Conflict,
}

impl AppError {
    /// The translation key of the message shown to the person.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::BadRequest => "error.bad_request",
            AppError::NotFound => "error.not_found",
            AppError::Forbidden => "error.forbidden",
            AppError::Internal => "error.internal",
            AppError::Busy => "error.busy",
            AppError::Unavailable => "error.unavailable",
            AppError::TimedOut => "error.timeout",
            AppError::Conflict => "queue.stale",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest => 400,
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Internal => 500,
            AppError::Busy | AppError::Unavailable | AppError::TimedOut => 503,
            AppError::Conflict => 409,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::Deserialization(m)
            | ServerFnErrorErr::MissingArg(m) => {
                tracing::warn!(reason = %m, "unreadable server function arguments");
                AppError::BadRequest
            }
            _ => AppError::Internal,
        }
    }
}

// The error policy: a failure below the server functions (storage, a service, the session
// store) is logged once, here, with the request's span (and so its x-request-id), and becomes
// `Internal`; `?` does the conversion. Nothing of the cause reaches the browser.
// A database that is down or full is not a bug: it becomes `Unavailable` (503).
#[cfg(feature = "ssr")]
impl From<backend::StoreError> for AppError {
    fn from(e: backend::StoreError) -> Self {
        if e.is_unavailable() {
            unavailable(e)
        } else {
            internal(e)
        }
    }
}

#[cfg(feature = "ssr")]
impl From<backend::services::ServiceError> for AppError {
    fn from(e: backend::services::ServiceError) -> Self {
        if e.is_unavailable() {
            unavailable(e)
        } else {
            internal(e)
        }
    }
}

/// Logs an outage and turns it into [`AppError::Unavailable`]; a page being rendered gets the
/// status 503 and `Retry-After` (a plain form post keeps its redirect back to its page).
#[cfg(feature = "ssr")]
pub fn unavailable(err: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %err, "database or storage unavailable");
    crate::session::unavailable_answer();
    AppError::Unavailable
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    /// The session lives in the portal's database: a failing store (not an encoding problem)
    /// is the database being unavailable.
    fn from(e: tower_sessions::session::Error) -> Self {
        use tower_sessions::session::Error;
        use tower_sessions::session_store::Error as StoreError;
        match e {
            Error::Store(StoreError::Backend(_)) => unavailable(e),
            _ => internal(e),
        }
    }
}

/// Logs an internal error and turns it into [`AppError::Internal`] with status 500.
#[cfg(feature = "ssr")]
pub fn internal(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "server function failed");
    AppError::Internal
}
