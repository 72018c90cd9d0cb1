//! The router: operational endpoints, the language switch, the branding stylesheet, server
//! functions under `/api/`, the Leptos pages, static files, and the layers around them.

use crate::AppState;
use crate::middleware;
use app::App;
use app::shell::shell;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::i18n::LANG_COOKIE;
use domain::{Branding, Lang, SiteInfo};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use http::{HeaderName, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::collections::HashMap;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

/// Provides what server functions and pages read from context.
fn context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let ctx = state.ctx.clone();
    move || provide_context(ctx.clone())
}

/// The app's page routes, worked out once per process. Working them out renders the app with
/// every resource's loading switched off, process-wide (Leptos's `SuppressResourceLoad`, a
/// global flag): done again by a second server in the same process (the integration tests run
/// dozens side by side) while another one rendered a page, that page's data never loaded and
/// the request hung until its time limit (a 503 after 30 s).
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| {
            generate_route_list(|| {
                view! { <App site=SiteInfo::new(Branding::default(), Lang::default()) /> }
            })
        })
        .clone()
}

pub fn router(state: AppState) -> Router {
    let secure = state.settings.secure_cookies;
    let routes = page_routes();
    let ctx = context(&state);
    let page_shell = {
        let options = state.leptos.clone();
        move || shell(options.clone())
    };

    let key = match &state.settings.session_secret {
        Some(secret) => {
            Key::try_from(secret.expose().as_bytes()).unwrap_or_else(|_| Key::generate())
        }
        None => Key::generate(),
    };
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(if secure {
            "__Host-portal_session"
        } else {
            "portal_session"
        })
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(15)))
        .with_signed(key);

    let request_id = HeaderName::from_static("x-request-id");
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(axum::middleware::from_fn_with_state(secure, middleware::security_headers))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(middleware::body_size_guard));

    // Endpoints that check a secret (password, SMS code, reset token) or send an SMS/e-mail get
    // a per-IP limit on top of the per-account and per-number limits of the services.
    let limiter = middleware::ip_limiter(state.settings.auth_rate_per_minute);
    middleware::prune_periodically(&limiter, std::time::Duration::from_secs(60));
    let trusted = std::sync::Arc::new(state.settings.trusted_proxies.clone());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/lang/{code}", get(set_language))
        .route("/brand.css", get(brand_css))
        .route("/invoices/{number}/pdf", get(crate::downloads::invoice_pdf))
        .route("/documents/{id}/pdf", get(crate::downloads::document_pdf))
        .route(
            crate::uploads::PLATE_CHANGE_PATH,
            axum::routing::post(crate::uploads::plate_change),
        )
        .route(
            crate::message_posts::START_PATH,
            axum::routing::post(crate::message_posts::start_thread),
        )
        .route(
            crate::message_posts::REPLY_PATH,
            axum::routing::post(crate::message_posts::reply_thread),
        )
        .route(
            crate::message_posts::STAFF_PATH,
            axum::routing::post(crate::message_posts::thread_act),
        )
        .route("/files/{id}", get(crate::uploads::customer_file))
        .route("/cic/files/{id}", get(crate::uploads::staff_file))
        .route("/cic/audit.csv", get(crate::audit_export::audit_csv))
        .route("/api/{*fn_name}", get(server_fn).post(server_fn))
        .leptos_routes_with_context(&state, routes, ctx.clone(), page_shell)
        // Static files (wasm, JS, CSS, images) are served here rather than by Leptos's
        // file-and-error handler: for a file it found, that handler extended the file's response
        // with the ResponseOptions of whatever page was rendering on the same thread, so under
        // concurrent requests a page lost its headers (its CSP, so the browser refused its
        // scripts) to a wasm download. Only what is not a file reaches the Leptos 404 page.
        .fallback_service(
            ServeDir::new(state.leptos.site_root.as_ref()).not_found_service(
                leptos_axum::file_and_error_handler_with_context::<AppState, _>(ctx, shell)
                    .with_state(state.clone()),
            ),
        )
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            middleware::api_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            trusted,
            crate::client::client_address,
        ))
        .layer(axum::middleware::from_fn_with_state(
            (state.db.clone(), state.clock.clone()),
            middleware::signed_in_context,
        ))
        .layer(axum::middleware::from_fn_with_state(
            secure,
            middleware::session_version,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            middleware::outage,
        ))
        // Inside the deadline: it reads form bodies, which must not wait forever.
        .layer(axum::middleware::from_fn(middleware::refuse_nul))
        // A request's work (its transactions, its session) ends even when its client has
        // gone or its time is up.
        .layer(axum::middleware::from_fn_with_state(
            middleware::Deadlines {
                request: state.settings.request_timeout,
                upload: state.settings.upload_timeout,
            },
            middleware::request_deadline,
        ))
        .layer(layers)
        .with_state(state)
}

async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> Response {
    let res = leptos_axum::handle_server_fns_with_context(context(&state), req)
        .await
        .into_response();
    middleware::server_fn_status(res).await
}

/// Alive: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers too.
async fn readyz(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// `GET /lang/{code}?next=/path`: remembers the language for a year and returns to `next`
/// (only a local path, so the link cannot send people elsewhere).
async fn set_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let next = query
        .get("next")
        .filter(|n| app::paths::is_local(n))
        .and_then(|n| HeaderValue::from_str(n).ok())
        .unwrap_or(HeaderValue::from_static("/"));
    let mut res = (StatusCode::SEE_OTHER, [(LOCATION, next)]).into_response();
    if let Some(lang) = Lang::from_code(&code).filter(|l| l.code() == code) {
        let secure = if state.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(SET_COOKIE, value);
        }
    }
    res
}

/// The operator's colour as a CSS variable (a stylesheet, so the CSP needs no inline styles).
async fn brand_css(State(state): State<AppState>) -> Response {
    let css = format!(
        ":root {{ --brand: {}; }}\n",
        state.settings.branding.primary_color
    );
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        css,
    )
        .into_response()
}
