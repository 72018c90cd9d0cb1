//! File uploads and uploaded files. Leptos 0.8's multipart server functions panic on a
//! malformed boundary and read the body without a limit, so the one form that sends a file (a
//! new number plate with its registration certificate) posts to this plain route instead:
//!
//! - the boundary is parsed before anything is read (a malformed one is a 400, never a panic);
//! - the route has its own body limit (the global one is 64 KiB): an announced body over
//!   [`UPLOAD_BODY_CAP`] is a 413, read and discarded first so the browser sees the answer
//!   instead of a reset connection; the file is counted while it arrives and kept only up to
//!   10 MB;
//! - the type is sniffed from the bytes and the name cleaned (`domain::uploads`), and the
//!   bytes go to the file store under a random id, outside the web root.
//!
//! A browser (`Accept: text/html`) gets a 303 to the page that shows the outcome (the form with
//! its message and the typed values, or the new request); an API client gets JSON.
//!
//! Uploaded files are served to their owner (`GET /files/{id}`) and to staff
//! (`GET /cic/files/{id}`, audited), inline for PDF and images, with the sniffed type, a
//! `Content-Disposition` with the cleaned name and `nosniff`.

use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use backend::services::change_requests::{self as changes, Customer, Filed, PlateForm, Upload};
use domain::Lang;
use domain::refusal::Refusal;
use domain::uploads::MAX_UPLOAD_BYTES;
use futures_util::StreamExt;
use http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, REFERER};
use http::{HeaderMap, HeaderValue, StatusCode};
use tower_sessions::Session;

/// Where the new-plate form posts.
pub const PLATE_CHANGE_PATH: &str = "/api/customer/plate-change";

/// The largest upload body taken in: the 10 MB file plus room for the form's other fields.
pub const UPLOAD_BODY_CAP: usize = MAX_UPLOAD_BYTES + 256 * 1024;

/// Past this an oversized body is not even read to its end (the connection is closed).
pub const DRAIN_CAP: usize = 64 * 1024 * 1024;

/// The longest text field of the form kept.
const MAX_TEXT_FIELD: usize = 4 * 1024;

/// What the multipart body held.
#[derive(Default)]
struct Fields {
    contract: String,
    country: String,
    plate: String,
    effective: String,
    file_name: String,
    file: Vec<u8>,
    file_too_large: bool,
}

/// Who posted the form, and so how the answer is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    /// A browser without JavaScript: a 303 to the page that shows the outcome.
    Page,
    /// The page's upload-progress script: the same outcome kept for that page, and
    /// `{"location"}` to go to.
    Live,
    /// An API client: a status and JSON.
    Api,
}

fn reply_for(headers: &HeaderMap) -> Reply {
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
fn go_to(reply: Reply, page: &str) -> Response {
    match reply {
        Reply::Live => json(StatusCode::OK, serde_json::json!({ "location": page })),
        _ => see_other(page),
    }
}

/// Reads (and throws away) what is left of a body, up to [`DRAIN_CAP`] in all.
async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let mut seen = 0usize;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len();
        if seen > DRAIN_CAP {
            break;
        }
    }
}

/// Reads the form. Err: the body is not a readable multipart body.
async fn read_fields(body: Body, boundary: String) -> Result<Fields, multer::Error> {
    let mut form = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut fields = Fields::default();
    while let Some(mut field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "certificate" {
            fields.file_name = field.file_name().unwrap_or_default().to_string();
        }
        let mut bytes = Vec::new();
        let limit = if name == "certificate" {
            MAX_UPLOAD_BYTES
        } else {
            MAX_TEXT_FIELD
        };
        let mut over = false;
        // Every chunk is read (so the browser finishes sending), only the first `limit`
        // bytes are kept.
        while let Some(chunk) = field.chunk().await? {
            if bytes.len() + chunk.len() > limit {
                over = true;
            } else {
                bytes.extend_from_slice(&chunk);
            }
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "contract" => fields.contract = text(),
            "country" => fields.country = text(),
            "plate" => fields.plate = text(),
            "effective" => fields.effective = text(),
            "certificate" => {
                fields.file_too_large = over;
                if !over {
                    fields.file = bytes;
                }
            }
            _ => {}
        }
    }
    Ok(fields)
}

/// `POST /api/customer/plate-change` (multipart/form-data): `contract`, `country` (empty or
/// `BE` for a Belgian plate), `plate`, `effective` (`yyyy-mm-dd`), `certificate` (the file).
pub async fn plate_change(
    State(state): State<AppState>,
    session: Session,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let lang = app::shell::lang_from_headers(&headers);
    let reply = reply_for(&headers);
    let me = app::gate::customer_in(&session, &state.db.pool, &state.clock, lang)
        .await
        .ok()
        .flatten();
    let Some(me) = me else {
        drain(req.into_body()).await;
        return crate::downloads::to_sign_in(&back_from_referer(&headers));
    };
    let boundary = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok())
        // RFC 2046: 1 to 70 characters.
        .filter(|b| (1..=70).contains(&b.len()));
    let Some(boundary) = boundary else {
        drain(req.into_body()).await;
        return refused_early(
            &session,
            &headers,
            StatusCode::BAD_REQUEST,
            Refusal::UploadUnreadable,
        )
        .await;
    };
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > UPLOAD_BODY_CAP) {
        drain(req.into_body()).await;
        return refused_early(
            &session,
            &headers,
            StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::FileTooLarge,
        )
        .await;
    }
    let fields = match read_fields(req.into_body(), boundary).await {
        Ok(f) => f,
        Err(e) => {
            tracing::info!(error = %e, "unreadable upload");
            return refused_early(
                &session,
                &headers,
                StatusCode::BAD_REQUEST,
                Refusal::UploadUnreadable,
            )
            .await;
        }
    };
    let contract = fields.contract.trim().to_ascii_uppercase();
    let form_page = format!("/contracts/{contract}/plate");
    let typed = [
        ("contract", contract.as_str()),
        ("country", fields.country.as_str()),
        ("plate", fields.plate.as_str()),
        ("effective", fields.effective.as_str()),
    ];
    if fields.file_too_large {
        return refused(
            &session,
            reply,
            &form_page,
            &typed,
            StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::FileTooLarge,
        )
        .await;
    }
    let services = state.services();
    let form = PlateForm {
        contract_number: &contract,
        country: &fields.country,
        plate: &fields.plate,
        effective: &fields.effective,
        certificate: Some(Upload {
            name: &fields.file_name,
            bytes: &fields.file,
        }),
    };
    let me = Customer {
        customer_id: me.customer_id,
        account_id: me.account_id,
    };
    match changes::request_plate(&services, me, &form).await {
        Ok(Filed::Filed(id)) => {
            if reply == Reply::Api {
                return json(StatusCode::CREATED, serde_json::json!({ "id": id }));
            }
            let flash = app::session::Flash::notice(
                app::api::customer::REQUESTS_FORM,
                "notice.change_requested",
            );
            if app::session::set_flash(&session, flash).await.is_err() {
                return internal(lang);
            }
            go_to(reply, &format!("/requests/{id}"))
        }
        Ok(Filed::Refused(r)) => {
            refused(
                &session,
                reply,
                &form_page,
                &typed,
                StatusCode::UNPROCESSABLE_ENTITY,
                r,
            )
            .await
        }
        Ok(Filed::Duplicate(_)) => {
            refused(
                &session,
                reply,
                &form_page,
                &typed,
                StatusCode::CONFLICT,
                Refusal::ChangeAlreadyOpen,
            )
            .await
        }
        Ok(Filed::NotFound) => crate::downloads::not_found(lang),
        Err(e) => {
            tracing::error!(error = %e, "plate change failed");
            internal(lang)
        }
    }
}

/// The local page the browser came from (the form), else the dashboard.
fn back_from_referer(headers: &HeaderMap) -> String {
    headers
        .get(REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| app::paths::is_local(p))
        .unwrap_or_else(|| "/dashboard".to_string())
}

/// A refusal before the form could be read: the browser goes back to the page it came from
/// with the message; an API client gets `status`.
async fn refused_early(
    session: &Session,
    headers: &HeaderMap,
    status: StatusCode,
    refusal: Refusal,
) -> Response {
    let back = back_from_referer(headers);
    refused(session, reply_for(headers), &back, &[], status, refusal).await
}

/// A refusal: a browser goes back to `page` with the message next to its field and the typed
/// values; an API client gets `status` and `{"error": {"key", "field"}}`.
async fn refused(
    session: &Session,
    reply: Reply,
    page: &str,
    typed: &[(&str, &str)],
    status: StatusCode,
    refusal: Refusal,
) -> Response {
    if reply == Reply::Api {
        return json(
            status,
            serde_json::json!({ "error": { "key": refusal.key(), "field": refusal.field() } }),
        );
    }
    let flash =
        app::session::Flash::error(app::api::customer::PLATE_FORM, refusal).with_values(typed);
    if let Err(e) = app::session::set_flash(session, flash).await {
        tracing::error!(error = %e, "could not keep the form's message");
    }
    go_to(reply, page)
}

fn see_other(path: &str) -> Response {
    match HeaderValue::from_str(path) {
        Ok(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (status, axum::Json(value)).into_response()
}

fn internal(lang: Lang) -> Response {
    crate::downloads::message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        "page.error.title",
        "error.internal",
    )
}

/// An uploaded file as an answer: the sniffed type, inline for viewing, its cleaned name,
/// never cached or sniffed by the browser.
fn file_answer(row: &backend::store::files::FileRow, bytes: Vec<u8>) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    let content_type = domain::uploads::FileType::from_content_type(&row.content_type)
        .map_or("application/octet-stream", |t| t.content_type());
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The name is cleaned of quotes and control characters when stored; non-ASCII goes in
    // the RFC 5987 form.
    let ascii: String = row
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
        app::paths::encode_component(&row.file_name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    // The file is shown on its own and can load or run nothing (no `sandbox`: Chromium then
    // refuses to show a PDF at all).
    h.insert(
        http::header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'",
        ),
    );
    res
}

/// `GET /files/{id}`: a file the signed-in customer uploaded; anyone else's or unknown: 404.
pub async fn customer_file(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let lang = app::shell::lang_from_headers(&headers);
    let me = app::gate::customer_in(&session, &state.db.pool, &state.clock, lang)
        .await
        .ok()
        .flatten();
    let Some(me) = me else {
        return crate::downloads::to_sign_in(&format!("/files/{id}"));
    };
    let found = backend::services::change_requests::file(
        &state.db.pool,
        &*state.files.0,
        id.trim(),
        me.customer_id,
    )
    .await;
    match found {
        Ok(Some((row, bytes))) => file_answer(&row, bytes),
        Ok(None) => crate::downloads::not_found(lang),
        Err(e) => {
            tracing::error!(error = %e, "file download failed");
            internal(lang)
        }
    }
}

/// `GET /cic/files/{id}`: an uploaded file for staff (any role), written to the audit log
/// before it is sent.
pub async fn staff_file(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    client: Option<axum::Extension<app::session::ClientIp>>,
    Path(id): Path<String>,
) -> Response {
    let lang = app::shell::lang_from_headers(&headers);
    let staff = app::gate::staff_in(&session, &state.db.pool, &state.clock)
        .await
        .ok()
        .flatten();
    let Some(staff) = staff else {
        return see_other(app::paths::STAFF_SIGN_IN);
    };
    let origin = app::gate::Origin::of_request(&headers, client.as_ref().map(|c| &c.0));
    let found = backend::services::change_requests::staff_file(
        &state.db.pool,
        &*state.files.0,
        state.clock.epoch(),
        origin.reader(staff.staff_id),
        id.trim(),
    )
    .await;
    match found {
        Ok(Some((row, bytes))) => file_answer(&row, bytes),
        Ok(None) => crate::downloads::not_found(lang),
        Err(e) => {
            tracing::error!(error = %e, "file download failed");
            internal(lang)
        }
    }
}
