//! HTTP middleware: security headers, the request-size guard, request ids in the logs.

use app::paths::Area;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderValue, StatusCode};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

/// The largest request body the portal accepts (forms and server-function arguments).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Adds the security headers to every response. HTML pages carry their own nonce-based CSP
/// (set by the shell); everything else gets a strict default. Nothing but the build's static
/// files may be stored by a browser or proxy: pages (with their per-response nonce and, when
/// signed in, personal data such as recovery codes), server-function answers and downloads
/// are `no-store` unless their handler says otherwise.
pub async fn security_headers(State(secure): State<bool>, req: Request, next: Next) -> Response {
    let cacheable = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !cacheable {
        h.entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    h.entry(CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // same-origin keeps the Referer that no-JavaScript form posts use to return to their page.
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if secure {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

/// How long a request may take: [`crate::config::Settings::request_timeout`], or
/// [`crate::config::Settings::upload_timeout`] on the upload routes.
#[derive(Clone, Copy, Debug)]
pub struct Deadlines {
    pub request: std::time::Duration,
    pub upload: std::time::Duration,
}

/// Gives every request a deadline and runs it to its end in a task of its own.
///
/// The deadline: reading the request's body fails once it passes (a client sending its body
/// slowly cannot hold the request open), and if no answer is ready by then the client gets
/// "temporarily unavailable, try again" (503, translated) instead of waiting on.
///
/// The task: even when the deadline passes or the client hangs up, the request's work goes
/// on to its end. Dropping the handler in the middle of a write transaction returned its
/// SQLite connection to the pool still inside it, holding the write lock, so every later write
/// waited and failed with "database is locked"; half-done work is also worse than work whose
/// answer nobody reads. A panic in the task becomes the usual error page.
pub async fn request_deadline(State(d): State<Deadlines>, req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let limit = if UPLOAD_PATHS.contains(&req.uri().path()) {
        d.upload
    } else {
        d.request
    };
    let deadline = tokio::time::Instant::now() + limit;
    let lang = app::shell::lang_from_headers(req.headers());
    let json = wants_json(&req);
    let req = req.map(|body| Body::new(DeadlineBody::new(body, deadline)));
    let task = tokio::spawn(next.run(req).instrument(tracing::Span::current()));
    match tokio::time::timeout_at(deadline, task).await {
        Ok(Ok(res)) => res,
        Ok(Err(e)) if e.is_panic() => panic_response(e.into_panic()),
        Ok(Err(_)) => unavailable(lang, json),
        Err(_) => {
            tracing::warn!(
                limit_s = limit.as_secs(),
                "request answered 503: no answer within its time limit (its work goes on)"
            );
            retry_later(lang, json, app::error::AppError::TimedOut)
        }
    }
}

/// Whether the client wants JSON rather than a page (an API client or the live app).
fn wants_json(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        && crate::forms::reply_for(req.headers()) != crate::forms::Reply::Page
}

/// "Temporarily unavailable, try again in a moment": 503 with `Retry-After`, as a translated
/// page or, for API clients, the [`app::error::AppError::Unavailable`] error.
pub fn unavailable(lang: domain::Lang, json: bool) -> Response {
    retry_later(lang, json, app::error::AppError::Unavailable)
}

/// A 503 with `Retry-After` for `error` (unavailable or timed out), as a page or as JSON.
fn retry_later(lang: domain::Lang, json: bool, error: app::error::AppError) -> Response {
    let mut res = if json {
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(error)).into_response()
    } else {
        let title = if error == app::error::AppError::TimedOut {
            "page.timeout.title"
        } else {
            "page.unavailable.title"
        };
        crate::downloads::message_page(
            StatusCode::SERVICE_UNAVAILABLE,
            lang,
            title,
            error.message_key(),
        )
    };
    res.headers_mut().insert(
        http::header::RETRY_AFTER,
        HeaderValue::from_static(app::session::BUSY_RETRY_AFTER),
    );
    res
}

/// A request body that fails once `deadline` has passed.
struct DeadlineBody {
    body: Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl DeadlineBody {
    fn new(body: Body, deadline: tokio::time::Instant) -> DeadlineBody {
        DeadlineBody {
            body,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within the request's time limit")]
struct BodyTooSlow;

impl http_body::Body for DeadlineBody {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, axum::Error>>> {
        use std::future::Future;
        use std::task::Poll;
        if let Poll::Ready(frame) = std::pin::Pin::new(&mut self.body).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Turns an unexplained failure (500) into "temporarily unavailable" (503): the session
/// store's failure to save a session (the database full or gone; tower-sessions answers an
/// empty 500 then — the portal's own error answers always say something), or any failure while
/// the database does not answer.
pub async fn outage(State(db): State<backend::Db>, req: Request, next: Next) -> Response {
    use http_body::Body as _;
    let lang = app::shell::lang_from_headers(req.headers());
    let json = wants_json(&req);
    let res = next.run(req).await;
    if res.status() == StatusCode::INTERNAL_SERVER_ERROR
        && (res.body().size_hint().exact() == Some(0) || !db.ping().await)
    {
        return unavailable(lang, json);
    }
    res
}

/// The routes that take a file upload, with their own (larger) body limit.
pub const UPLOAD_PATHS: [&str; 4] = [
    crate::uploads::PLATE_CHANGE_PATH,
    crate::message_posts::START_PATH,
    crate::message_posts::REPLY_PATH,
    crate::message_posts::STAFF_PATH,
];

/// The body limit of a path: [`MAX_BODY_BYTES`], or for an upload route
/// [`crate::uploads::UPLOAD_BODY_CAP`] (the upload handler applies the 10 MB file rule itself,
/// so that a too-large file goes back to its form with a message).
pub fn body_limit(path: &str) -> usize {
    if path == crate::uploads::PLATE_CHANGE_PATH {
        crate::uploads::UPLOAD_BODY_CAP
    } else if UPLOAD_PATHS.contains(&path) {
        crate::message_posts::MESSAGE_BODY_CAP
    } else {
        MAX_BODY_BYTES
    }
}

/// Refuses bodies announced as larger than their path's limit ([`body_limit`]) with a 400 and
/// a clear message; a body that grows past it without announcing it is cut off there (its
/// reader gets an error). Upload routes check what is announced themselves.
pub async fn body_size_guard(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let limit = body_limit(&path);
    let too_large = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit);
    if too_large && !UPLOAD_PATHS.contains(&path.as_str()) {
        return (
            StatusCode::BAD_REQUEST,
            format!(
                "The request is too large: at most {} KiB are accepted.",
                limit / 1024
            ),
        )
            .into_response();
    }
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

/// Refuses text input with a NUL character (`%00`) in the address or in a form-encoded body
/// with 400 "your request could not be read": nobody types one, PostgreSQL cannot store one
/// (it failed such requests with 500 — found by `scripts/fuzz.sh`), and SQLite's full-text
/// search read it as the end of the term. Multipart text fields are checked where they are
/// read (`forms::read`); file contents may hold any byte.
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let lang = app::shell::lang_from_headers(req.headers());
    let json = wants_json(&req);
    let refused = || {
        tracing::warn!("request with a NUL character refused");
        if json {
            (
                StatusCode::BAD_REQUEST,
                axum::Json(app::error::AppError::BadRequest),
            )
                .into_response()
        } else {
            crate::downloads::message_page(
                StatusCode::BAD_REQUEST,
                lang,
                "page.error.title",
                "error.bad_request",
            )
        }
    };
    if req
        .uri()
        .path_and_query()
        .is_some_and(|p| has_nul(p.as_str().as_bytes()))
    {
        return refused();
    }
    let form_encoded = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_encoded {
        return next.run(req).await;
    }
    // Never more than a form reader takes anyway: the upload routes' limit is for files.
    let limit = body_limit(req.uri().path()).min(FORM_BODY_CAP);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return (
            StatusCode::BAD_REQUEST,
            in_all_languages("error.bad_request"),
        )
            .into_response();
    };
    if has_nul(&bytes) {
        return refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The most a form-encoded body is read into memory (axum's `Form` reads no more either); the
/// upload routes' larger limits are for multipart files, which stream to disk.
pub const FORM_BODY_CAP: usize = 2 * 1024 * 1024;

/// A NUL byte, raw or percent-encoded.
fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00")
}

/// Leptos answers 500 for every failed server function; the status is the error's own
/// ([`app::error::AppError::status`]): unreadable arguments are the client's fault (400), "not
/// found or not yours" is a 404 — the same for both, so nothing leaks.
/// A 503 set by a server function (the server is busy, see `app::session::set_flash`) carries
/// the `Busy` error, so API callers read the same answer as from any other error.
pub async fn server_fn_status(res: Response) -> Response {
    let status = res.status();
    if status != StatusCode::INTERNAL_SERVER_ERROR && status != StatusCode::SERVICE_UNAVAILABLE {
        return res;
    }
    // A page (the translated "temporarily unavailable" one, say) is already an answer.
    let html = res
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let mut bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    match serde_json::from_slice::<app::error::AppError>(&bytes) {
        Ok(error) => {
            parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
        }
        Err(_) if status == StatusCode::SERVICE_UNAVAILABLE => {
            bytes = serde_json::to_vec(&app::error::AppError::Busy)
                .unwrap_or_default()
                .into();
            parts.headers.remove(CONTENT_LENGTH);
        }
        Err(_) => {}
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The answer when a handler panics (a bug): the translated error page in the three languages
/// (the request's language is not known here), status 500, and the panic in the log only.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "request handler panicked");
    let mut body = String::from(
        "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/pkg/portal.css\"><title>",
    );
    body.push_str(domain::t(domain::Lang::Nl, "page.error.title"));
    body.push_str("</title></head><body><main id=\"main\">");
    for lang in domain::Lang::ALL {
        let l = lang;
        body.push_str(&format!(
            "<section lang=\"{}\" class=\"message-page\"><h1>{}</h1><p>{}</p><p><a href=\"/\">{}</a></p></section>",
            l.code(),
            domain::t(l, "page.error.title"),
            domain::t(l, "page.error.body"),
            domain::t(l, "nav.home"),
        ));
    }
    body.push_str("</main></body></html>");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Works out who is signed in, once per page request: the page frame shows it and the page's
/// own functions take it from the request (pages only; server functions and assets skip it).
pub async fn signed_in_context(
    State((db, clock)): State<(backend::Db, backend::Clock)>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_page = req.method() == http::Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !matches!(path, "/healthz" | "/readyz" | "/brand.css" | "/logo.svg")
        && !path.starts_with("/lang/");
    if is_page && let Some(session) = req.extensions().get::<tower_sessions::Session>().cloned() {
        // The database is down: the translated "temporarily unavailable" page (503) rather
        // than a signed-out page. Another error shows the signed-out frame; the page's own
        // data still checks.
        let lang = app::shell::lang_from_headers(req.headers());
        let resolved = app::gate::resolve(&session, &db, &clock, lang).await;
        if matches!(resolved, Err(app::error::AppError::Unavailable)) {
            return unavailable(lang, false);
        }
        if let Ok(principal) = resolved {
            let signed_in = principal.frame();
            // Pages for one kind of user send everybody else to that kind's sign-in first.
            let path = req.uri().path();
            match app::paths::area(path) {
                Area::Customer if signed_in.customer.is_none() => {
                    let wanted = req.uri().path_and_query().map_or(path, |p| p.as_str());
                    return see_other(&app::paths::sign_in_url(wanted));
                }
                Area::Staff if !signed_in.staff => {
                    return see_other(app::paths::STAFF_SIGN_IN);
                }
                _ => {}
            }
            req.extensions_mut().insert(signed_in);
            // The page's own functions take the signed-in person from here.
            req.extensions_mut()
                .insert(app::gate::Resolved(std::sync::Arc::new(principal)));
        }
    }
    next.run(req).await
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::FOUND, [(http::header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// Whether the per-IP limit applies to a server function: every one that checks a secret (a
/// password, an SMS code, an app code, a reset or confirmation token), sends an SMS or an
/// e-mail, or creates something for a visitor. All of `/api/account/` is covered (each checks
/// the password, a token or ends sessions). `shape.rs` lists the router's server functions and
/// fails when one whose arguments carry a secret is not covered.
pub fn rate_limited(path: &str) -> bool {
    path.starts_with("/api/account/")
        || path.starts_with("/api/register/")
        || matches!(
            path,
            "/api/auth/sign-in"
                | "/api/auth/second-factor"
                | "/api/auth/forgot"
                | "/api/auth/reset"
                | "/api/auth/reset-state"
                | "/api/cic/sign-in"
                | "/api/cic/setup"
                | "/api/cic/setup-state"
                | "/api/cic/invite-staff"
                | "/api/cic/change-staff"
                | "/api/cic/send-password-reset"
                | "/api/customer/contact/mobile-code"
                | "/api/customer/contact/mobile"
        )
}

/// Per-client request budget for the [`rate_limited`] endpoints, keyed by
/// [`crate::client::limit_key`] (IPv4 address or IPv6 /64).
pub type IpLimiter = Arc<governor::DefaultKeyedRateLimiter<IpAddr>>;

/// A limiter of `per_minute` requests a minute per client, with the same burst.
pub fn ip_limiter(per_minute: u32) -> IpLimiter {
    let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    Arc::new(governor::RateLimiter::keyed(governor::Quota::per_minute(n)))
}

/// Forgets the clients whose budget is whole again, so the limiter's memory follows the
/// clients of the last minute, not every address ever seen. Runs every `every` until the
/// limiter is dropped.
pub fn prune_periodically(limiter: &IpLimiter, every: std::time::Duration) {
    let weak = Arc::downgrade(limiter);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(limiter) = weak.upgrade() else {
                return;
            };
            prune(&limiter);
        }
    });
}

/// One pruning pass (see [`prune_periodically`]).
pub fn prune(limiter: &IpLimiter) {
    limiter.retain_recent();
    limiter.shrink_to_fit();
}

/// Whether a request comes from a page of another site (CSRF defence in depth, on top of the
/// `SameSite=Lax` session cookie): the browser says so in `Sec-Fetch-Site` (only `same-origin`
/// and `none`, typed by the person, pass; `same-site` is a sibling subdomain, not us), or, for
/// browsers without it, in `Origin` (it must name the host the request was sent to). A client
/// that sends neither is not a browser acting for someone else and passes.
pub fn cross_site(headers: &http::HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (header("origin"), header("host")) {
        (None, _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_none_or(|(_, authority)| !authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => true,
    }
}

/// A message in the three languages (the request's language is not known yet).
fn in_all_languages(key: &str) -> String {
    domain::Lang::ALL
        .iter()
        .map(|l| domain::t(*l, key))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Guards the server functions: state-changing calls from another site are refused (403),
/// the per-client limit on the [`rate_limited`] endpoints (a 429), and [`server_fn_status`]
/// on every answer.
pub async fn api_guard(State(limiter): State<IpLimiter>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    if req.method() != http::Method::GET && cross_site(req.headers()) {
        tracing::warn!(%path, "cross-site request refused");
        return (StatusCode::FORBIDDEN, in_all_languages("error.cross_site")).into_response();
    }
    if rate_limited(&path) {
        let ip = req
            .extensions()
            .get::<app::session::ClientIp>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0);
        if limiter.check_key(&crate::client::limit_key(ip)).is_err() {
            tracing::warn!(%ip, %path, "rate limit reached");
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(http::header::RETRY_AFTER, "60")],
                in_all_languages("error.rate_limited"),
            )
                .into_response();
        }
    }
    server_fn_status(next.run(req).await).await
}

/// The name of the cookie that tells every instance which version of the session this browser
/// last saw written (see `backend::infra::sessions`): `__Host-` with secure cookies, as the
/// session cookie.
pub fn session_version_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-portal_session_version"
    } else {
        "portal_session_version"
    }
}

/// Read-your-writes for sessions kept in memory on several instances: the request's session
/// is looked up for the version its browser last saw written, and a write (anything that
/// changes the session: a sign-in, a form's message for the next page) leaves a new version
/// in the session and in the browser's cookie. Sits inside the session layer, which saves the
/// session after this returns.
pub async fn session_version(State(secure): State<bool>, req: Request, next: Next) -> Response {
    use backend::infra::sessions::{EXPECTED_VERSION, VERSION_KEY, new_version};
    let name = session_version_cookie(secure);
    let seen = app::shell::cookie(req.headers(), name)
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map(str::to_string);
    let session = req.extensions().get::<tower_sessions::Session>().cloned();
    let mut res = EXPECTED_VERSION.scope(seen, next.run(req)).await;
    let Some(session) = session else { return res };
    if !session.is_modified() || session.is_empty().await || res.status().is_server_error() {
        return res;
    }
    let version = new_version();
    if session.insert(VERSION_KEY, &version).await.is_ok() {
        let cookie = format!(
            "{name}={version}; Path=/; HttpOnly; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(http::header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_a_translated_page_without_detail() {
        let res = panic_response(Box::new("secret internal detail"));
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            text.contains("Er ging iets mis")
                && text.contains("Une erreur s'est produite")
                && text.contains("Something went wrong")
        );
        assert!(!text.contains("secret internal detail"));
    }

    #[test]
    fn requests_from_other_sites_are_told_apart() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = http::HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(!cross_site(&headers(&[])));
        assert!(!cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        let host = ("host", "portal.example:8443");
        assert!(!cross_site(&headers(&[
            host,
            ("origin", "https://portal.example:8443")
        ])));
        assert!(cross_site(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(cross_site(&headers(&[host, ("origin", "null")])));
    }

    #[tokio::test]
    async fn bad_request_errors_of_server_functions_become_400() {
        let res = Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::from(r#""BadRequest""#))
            .unwrap();
        assert_eq!(
            server_fn_status(res).await.status(),
            StatusCode::BAD_REQUEST
        );
        let res = Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::from(r#""Internal""#))
            .unwrap();
        assert_eq!(
            server_fn_status(res).await.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
