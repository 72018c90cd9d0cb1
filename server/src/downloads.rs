//! PDF downloads of the signed-in customer's invoices and documents. Plain GET routes (a file
//! is not a server function): signed-out visitors go to sign-in and come back; another
//! customer's invoice or document is the same 404 as one that does not exist.

use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use backend::services::self_service::{self, PdfFile};
use domain::{Lang, t};
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, StatusCode};
use tower_sessions::Session;

/// `GET /invoices/{number}/pdf`
pub async fn invoice_pdf(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let back = format!("/invoices/{number}/pdf");
    let lang = app::shell::lang_from_headers(&headers);
    let customer_id = match signed_in_customer(&state, &session, lang).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let Some(customer_id) = customer_id else {
        return to_sign_in(&back);
    };
    let file = self_service::invoice_pdf(
        &state.db.pool,
        &state.settings.branding,
        customer_id,
        number.trim(),
        lang,
        state.clock.local_today(),
    )
    .await;
    answer(file, lang)
}

/// `GET /documents/{id}/pdf`
pub async fn document_pdf(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let back = format!("/documents/{id}/pdf");
    let lang = app::shell::lang_from_headers(&headers);
    let customer_id = match signed_in_customer(&state, &session, lang).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let Some(customer_id) = customer_id else {
        return to_sign_in(&back);
    };
    // A malformed id is simply not found.
    let Ok(id) = id.trim().parse::<i64>() else {
        return not_found(lang);
    };
    let file = self_service::document_pdf(
        &state.db.pool,
        &state.settings.branding,
        customer_id,
        id,
        lang,
        state.clock.local_today(),
    )
    .await;
    answer(file, lang)
}

/// The customer signed in in this browser, through the access gate.
/// Err: the answer when the gate failed (the database is down, say).
async fn signed_in_customer(
    state: &AppState,
    session: &Session,
    lang: Lang,
) -> Result<Option<i64>, Response> {
    app::gate::customer_in(session, &state.db, &state.clock, lang)
        .await
        .map(|me| me.map(|me| me.customer_id))
        .map_err(|e| crate::forms::gate_failed(lang, e))
}

fn answer(file: Result<Option<PdfFile>, backend::StoreError>, lang: Lang) -> Response {
    match file {
        Ok(Some(file)) => {
            let disposition = format!("attachment; filename=\"{}\"", file.file_name);
            let mut res = (StatusCode::OK, file.bytes).into_response();
            let headers = res.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(CONTENT_DISPOSITION, value);
            }
            res
        }
        Ok(None) => not_found(lang),
        Err(e) => crate::forms::failed(lang, "PDF download failed", &e, e.is_unavailable()),
    }
}

pub(crate) fn to_sign_in(back: &str) -> Response {
    match HeaderValue::from_str(&app::paths::sign_in_url(back)) {
        Ok(location) => (StatusCode::FOUND, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

pub(crate) fn not_found(lang: Lang) -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        lang,
        "page.not_found.title",
        "page.not_found.body",
    )
}

/// A minimal translated page (the download routes have no Leptos page around them).
pub(crate) fn message_page(status: StatusCode, lang: Lang, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/pkg/portal.css\"><title>{}</title></head><body><main id=\"main\"><section class=\"message-page\"><h1>{}</h1><p>{}</p><p><a href=\"/dashboard\">{}</a></p></section></main></body></html>",
        lang.code(),
        t(lang, title),
        t(lang, title),
        t(lang, body),
        t(lang, "page.dashboard.title"),
    );
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        html,
    )
        .into_response()
}
