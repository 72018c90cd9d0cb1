//! `GET /cic/audit.csv`: the staff audit trail under the filter of the audit page, as CSV, for
//! admins. The export is an audit entry itself (written before the first byte); the rows are
//! streamed from the database in batches, so a million entries take no more memory than ten.

use crate::AppState;
use crate::downloads::message_page;
use crate::forms;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::audit::{AuditFilter, FilterInput};
use domain::model::StaffRole;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, StatusCode};
use std::collections::HashMap;
use tower_sessions::Session;

pub async fn audit_csv(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    client: Option<axum::Extension<app::session::ClientIp>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = app::shell::lang_from_headers(&headers);
    let staff = match app::gate::staff_in(&session, &state.db, &state.clock).await {
        Ok(found) => found,
        Err(e) => return forms::gate_failed(lang, e),
    };
    let Some(staff) = staff else {
        return (
            StatusCode::SEE_OTHER,
            [(
                LOCATION,
                HeaderValue::from_static(app::paths::STAFF_SIGN_IN),
            )],
        )
            .into_response();
    };
    if staff.role != StaffRole::Admin {
        return message_page(
            StatusCode::FORBIDDEN,
            lang,
            "page.error.title",
            "error.forbidden",
        );
    }
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "audit export failed");
        message_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            lang,
            "page.error.title",
            "error.internal",
        )
    };
    let ids: Vec<i64> = match backend::store::staff::list(&state.db.pool).await {
        Ok(rows) => rows.iter().map(|r| r.id).collect(),
        Err(e) => return failed(&e),
    };
    let field = |name: &str| query.get(name).map(String::as_str).unwrap_or("");
    let input = FilterInput {
        staff: field("staff"),
        customer: field("customer"),
        action: field("action"),
        from: field("from"),
        until: field("until"),
    };
    let filter = match AuditFilter::parse(&input, &ids) {
        Ok(f) => f,
        Err(r) => return message_page(StatusCode::BAD_REQUEST, lang, "page.audit.title", r.key()),
    };
    let origin = app::gate::Origin::of_request(&headers, client.as_ref().map(|c| &c.0));
    let now = state.clock.epoch();
    let rx = match backend::services::audit_trail::export(
        state.db.clone(),
        now,
        origin.reader(staff.staff_id),
        filter,
    )
    .await
    {
        Ok(rx) => rx,
        Err(e) => return failed(&e),
    };
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let day = state.clock.today();
    let disposition = format!(
        "attachment; filename=\"audit-trail-{}{:02}{:02}.csv\"",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
    let mut res = Body::from_stream(chunks).into_response();
    let h = res.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    res
}
