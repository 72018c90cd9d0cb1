//! The portal's server: configuration ([`config`]), start-up ([`start`]), the router and its
//! middleware ([`routes`], [`middleware`]) and background jobs ([`jobs`]). `main.rs` is only
//! the command line around these.

pub mod audit_export;
pub mod client;
pub mod config;
pub mod downloads;
pub mod forms;
pub mod jobs;
pub mod message_posts;
pub mod middleware;
pub mod routes;
pub mod telemetry;
pub mod uploads;

use backend::infra::outbox::{FileMailOutbox, FileSmsOutbox, HttpSmsGateway, Outboxes, SmtpMailer};
use backend::infra::sessions::PortalSessionStore;
use backend::{Clock, Db};
use config::{MailTransport, Settings, SmsTransport, redact_url};
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a request handler or server function may need: one shared value (handlers get
/// it per request, so a clone is one reference count, not one per part).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    pub settings: Arc<Settings>,
    pub db: Db,
    /// The only source of "now" (fixed in tests).
    pub clock: Clock,
    pub outboxes: Outboxes,
    /// Uploaded files' bytes (`<data dir>/files`).
    pub files: backend::infra::files::Files,
    pub sessions: PortalSessionStore,
    pub leptos: LeptosOptions,
    /// What pages and server functions read from context (the same handles as above).
    pub ctx: Arc<app::session::Ctx>,
}

impl AppState {
    fn new(
        settings: Arc<Settings>,
        db: Db,
        clock: Clock,
        outboxes: Outboxes,
        files: backend::infra::files::Files,
        sessions: PortalSessionStore,
        leptos: LeptosOptions,
    ) -> AppState {
        let ctx = Arc::new(app::session::Ctx {
            db: db.clone(),
            clock: clock.clone(),
            outboxes: outboxes.clone(),
            branding: settings.branding.clone(),
            base_url: settings.base_url.clone(),
            files: files.clone(),
        });
        AppState(Arc::new(Shared {
            settings,
            db,
            clock,
            outboxes,
            files,
            sessions,
            leptos,
            ctx,
        }))
    }

    /// The same state with another store for uploaded files, for handlers and server
    /// functions alike (tests use one that fails).
    pub fn with_files(&self, files: backend::infra::files::Files) -> AppState {
        AppState::new(
            self.settings.clone(),
            self.db.clone(),
            self.clock.clone(),
            self.outboxes.clone(),
            files,
            self.sessions.clone(),
            self.leptos.clone(),
        )
    }

    /// What the services need, from this state.
    pub fn services(&self) -> backend::services::Services<'_> {
        self.ctx.services()
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Why the server could not start; each says what and where.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot open the database {url}: {cause}")]
    Database { url: String, cause: String },
    #[error("cannot prepare the data folder {path}: {cause}")]
    DataDir { path: String, cause: String },
    #[error("cannot set up {what}: {cause}")]
    Setup { what: &'static str, cause: String },
}

/// The data key of development set-ups without `PORTAL_DATA_KEY` (plain HTTP only: the
/// configuration refuses to start without a key of its own in production). Public, so it
/// protects nothing; it only keeps development and production on one code path.
const DEVELOPMENT_DATA_KEY: &str = "development only: this key is public and protects nothing";

/// Connects to the database (running migrations), seeds demo data if asked, and builds the
/// outboxes and the session store. `clock` is [`Clock::system`] except in tests.
/// Installs the data key of the settings (the development key when none is set): it seals
/// secrets at rest and keys the audit chain.
pub fn install_data_key(settings: &Settings) {
    backend::infra::seal::install(backend::infra::seal::DataKey::from_text(
        settings
            .data_key
            .as_ref()
            .map_or(DEVELOPMENT_DATA_KEY, |k| k.expose()),
    ));
}

pub async fn prepare(
    settings: Settings,
    leptos: LeptosOptions,
    clock: Clock,
) -> Result<AppState, StartError> {
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| StartError::DataDir {
        path: settings.data_dir.display().to_string(),
        cause: e.to_string(),
    })?;
    let url = settings.database_url.expose().to_string();
    let db_error = |cause: String| StartError::Database {
        url: redact_url(&url),
        cause,
    };
    install_data_key(&settings);
    let db = Db::connect_with(&url, settings.db_connections)
        .await
        .map_err(|e| db_error(e.to_string()))?;
    if settings.demo
        && let Some(report) = backend::seed::demo::seed_if_empty(&db, &clock)
            .await
            .map_err(|e| db_error(e.to_string()))?
    {
        tracing::info!(customers = %report.customers, contracts = %report.contracts, invoices = %report.invoices, "demo data seeded");
    }
    let sealed = async {
        backend::services::secrets::seal_stored(&db.pool).await?;
        backend::services::secrets::key_opens_stored(&db.pool).await
    }
    .await;
    match sealed {
        Ok(()) => {}
        Err(backend::StoreError::Seal(e)) => {
            return Err(StartError::Setup {
                what: "PORTAL_DATA_KEY",
                cause: e.to_string(),
            });
        }
        Err(e) => return Err(db_error(e.to_string())),
    }
    // Customers stored before search existed get their search document now (once).
    let filled = backend::store::customers::fill_missing_search(&db.pool)
        .await
        .map_err(|e| db_error(e.to_string()))?;
    if filled > 0 {
        tracing::info!(customers = filled, "search documents filled");
    }
    let outboxes = outboxes(&settings)?;
    let sessions = PortalSessionStore::new(&db, clock.clone())
        .await
        .map_err(|e| db_error(e.to_string()))?;
    let files = backend::infra::files::Files::local(&settings.data_dir);
    Ok(AppState::new(
        Arc::new(settings),
        db,
        clock,
        outboxes,
        files,
        sessions,
        leptos,
    ))
}

fn outboxes(settings: &Settings) -> Result<Outboxes, StartError> {
    let sms: Arc<dyn backend::infra::outbox::SmsSender> = match &settings.sms {
        SmsTransport::Outbox => Arc::new(FileSmsOutbox::new(&settings.outbox_dir())),
        SmsTransport::Http { url, token, sender } => Arc::new(
            HttpSmsGateway::new(url, token.expose(), sender).map_err(|e| StartError::Setup {
                what: "the SMS gateway",
                cause: e.to_string(),
            })?,
        ),
    };
    let mail: Arc<dyn backend::infra::outbox::MailSender> = match &settings.mail {
        MailTransport::Outbox => Arc::new(FileMailOutbox::new(
            &settings.outbox_dir(),
            &settings.mail_from,
        )),
        MailTransport::Smtp { url } => Arc::new(
            SmtpMailer::new(url.expose(), &settings.mail_from).map_err(|e| StartError::Setup {
                what: "SMTP",
                cause: e.to_string(),
            })?,
        ),
    };
    Ok(Outboxes::new(sms, mail))
}

/// Builds the router for a prepared state.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves until SIGINT or SIGTERM, then finishes running requests (for at most 30 seconds).
///
/// HTTP/1.1 only (TLS and HTTP/2 end at the proxy in front). A client must send a request's
/// headers within `header_timeout` of starting it — or of the previous answer on a kept-alive
/// connection — or its connection is closed, so slow clients cannot hold connections open
/// (keep a load balancer's idle keep-alive below it). Each request's own time limit is the
/// router's ([`middleware::request_deadline`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    header_timeout: std::time::Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without TCP_NODELAY, small SSR responses stall ~40 ms on delayed ACKs.
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                router.clone().oneshot(req.map(axum::body::Body::new))
            });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(30)) => {
            tracing::warn!("requests still running after 30 s of shutdown: stopping anyway");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing running requests");
}
