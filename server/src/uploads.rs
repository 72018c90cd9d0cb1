//! The new-plate form (it carries the registration certificate, so it is read by [`crate::forms`]
//! rather than by a Leptos server function) and uploaded files: served to their owner
//! (`GET /files/{id}`; an attachment of an internal note is staff's alone) and to staff
//! (`GET /cic/files/{id}`, audited), inline for PDF and images, with the sniffed type, a
//! `Content-Disposition` with the cleaned name and `nosniff`.

use crate::AppState;
use crate::forms::{self, Limits, Reply, Unread};
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use backend::services::change_requests::{self as changes, Customer, Filed, PlateForm};
use domain::refusal::Refusal;
use domain::uploads::MAX_UPLOAD_BYTES;
use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};
use tower_sessions::Session;

/// Where the new-plate form posts.
pub const PLATE_CHANGE_PATH: &str = "/api/customer/plate-change";

/// The largest upload body taken in: the 10 MB file plus room for the form's other fields.
pub const UPLOAD_BODY_CAP: usize = MAX_UPLOAD_BYTES + 256 * 1024;

const PLATE_LIMITS: Limits = Limits {
    file_field: "certificate",
    file_bytes: MAX_UPLOAD_BYTES as u64,
    body_cap: UPLOAD_BODY_CAP,
};

/// `POST /api/customer/plate-change` (multipart/form-data): `contract`, `country` (empty or
/// `BE` for a Belgian plate), `plate`, `effective` (`yyyy-mm-dd`), `certificate` (the file).
pub async fn plate_change(
    State(state): State<AppState>,
    session: Session,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let lang = app::shell::lang_from_headers(&headers);
    let reply = forms::reply_for(&headers);
    let me = match app::gate::customer_in(&session, &state.db, &state.clock, lang).await {
        Ok(found) => found,
        Err(e) => return forms::gate_failed(lang, e),
    };
    let Some(me) = me else {
        forms::drain(req.into_body()).await;
        return crate::downloads::to_sign_in(&forms::back_from_referer(&headers, "/dashboard"));
    };
    let form_of = |page: &str| (app::api::customer::PLATE_FORM, page.to_string());
    let posted = match forms::read(req, &*state.files.0, PLATE_LIMITS).await {
        Ok(p) => p,
        Err(unread) => {
            let back = forms::back_from_referer(&headers, "/dashboard");
            let (status, refusal) = match unread {
                Unread::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, Refusal::FileTooLarge),
                Unread::Unreadable => (StatusCode::BAD_REQUEST, Refusal::UploadUnreadable),
                Unread::Files(e) => {
                    return forms::failed(lang, "upload not received", &e, e.is_unavailable());
                }
            };
            let (form, page) = form_of(&back);
            return forms::refused(&session, reply, (form, &page), &[], status, refusal).await;
        }
    };
    let contract = posted.text("contract").trim().to_ascii_uppercase();
    let (form, form_page) = form_of(&format!("/contracts/{contract}/plate"));
    let typed = [
        ("contract", contract.as_str()),
        ("country", posted.text("country").trim()),
        ("plate", posted.text("plate").trim()),
        ("effective", posted.text("effective").trim()),
    ];
    let refused = |status, refusal| {
        forms::refused(&session, reply, (form, &form_page), &typed, status, refusal)
    };
    if posted.files.len() > 1 {
        return refused(StatusCode::UNPROCESSABLE_ENTITY, Refusal::UploadUnreadable).await;
    }
    let services = state.services();
    let plate_form = PlateForm {
        contract_number: &contract,
        country: posted.text("country").trim(),
        plate: posted.text("plate").trim(),
        effective: posted.text("effective").trim(),
        certificate: posted.files.first(),
    };
    let me = Customer {
        customer_id: me.customer_id,
        account_id: me.account_id,
    };
    match changes::request_plate(&services, me, &plate_form).await {
        Ok(Filed::Filed(id)) => {
            if reply == Reply::Api {
                return forms::json(StatusCode::CREATED, serde_json::json!({ "id": id }));
            }
            forms::done(
                &session,
                reply,
                (app::api::customer::REQUESTS_FORM, "notice.change_requested"),
                &format!("/requests/{id}"),
                (StatusCode::CREATED, serde_json::json!({ "id": id })),
            )
            .await
        }
        Ok(Filed::Refused(r)) => {
            let status = if r == Refusal::FileTooLarge {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            refused(status, r).await
        }
        Ok(Filed::Duplicate(_)) => refused(StatusCode::CONFLICT, Refusal::ChangeAlreadyOpen).await,
        Ok(Filed::NotFound) => crate::downloads::not_found(lang),
        Err(e) => forms::failed(lang, "plate change failed", &e, e.is_unavailable()),
    }
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
    let me = match app::gate::customer_in(&session, &state.db, &state.clock, lang).await {
        Ok(found) => found,
        Err(e) => return forms::gate_failed(lang, e),
    };
    let Some(me) = me else {
        return crate::downloads::to_sign_in(&format!("/files/{id}"));
    };
    let found = backend::services::files::for_customer(
        &state.db.pool,
        &*state.files.0,
        id.trim(),
        me.customer_id,
    )
    .await;
    match found {
        Ok(Some((row, bytes))) => file_answer(&row, bytes),
        Ok(None) => crate::downloads::not_found(lang),
        Err(e) => forms::failed(lang, "file download failed", &e, e.is_unavailable()),
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
    let staff = match app::gate::staff_in(&session, &state.db, &state.clock).await {
        Ok(found) => found,
        Err(e) => return forms::gate_failed(lang, e),
    };
    let Some(staff) = staff else {
        return forms::see_other(app::paths::STAFF_SIGN_IN);
    };
    let origin = app::gate::Origin::of_request(&headers, client.as_ref().map(|c| &c.0));
    let found = backend::services::files::for_staff(
        &state.db,
        &*state.files.0,
        state.clock.epoch(),
        origin.reader(staff.staff_id),
        id.trim(),
    )
    .await;
    match found {
        Ok(Some((row, bytes))) => file_answer(&row, bytes),
        Ok(None) => crate::downloads::not_found(lang),
        Err(e) => forms::failed(lang, "file download failed", &e, e.is_unavailable()),
    }
}
