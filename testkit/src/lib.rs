//! Test harness: starts the real server on a random port against a fresh database — a temp
//! SQLite file, or a new PostgreSQL database on `TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432`) — with its outboxes in a temp folder.

use server::config::Settings;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The password of the accounts made by [`TestApp::signed_in_customer`].
pub const CUSTOMER_PASSWORD: &str = "een lange zin als wachtwoord";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub state: server::AppState,
    /// The settings it was started with (for [`TestApp::restart`]).
    vars: HashMap<String, String>,
    site_root: String,
    clock: backend::Clock,
    server: tokio::task::JoinHandle<()>,
    _tmp: tempfile::TempDir,
}

/// The boundary of [`multipart`] bodies.
pub const BOUNDARY: &str = "----portal-test-boundary";

/// A multipart form body: text fields, then files as (field, file name, bytes).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The content type of [`multipart`] bodies.
pub fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

impl TestApp {
    /// Stops this server (its connections, its pool) and starts a new one on the same
    /// database and data folder, as after a restart. Sessions live in the database, so the
    /// clients stay signed in.
    pub async fn restart(self) -> TestApp {
        let TestApp {
            vars,
            site_root,
            clock,
            server,
            state,
            _tmp,
            ..
        } = self;
        server.abort();
        let _ = server.await;
        state.db.pool.close().await;
        drop(state);
        start(vars, site_root, clock, false, _tmp, None).await
    }

    /// A second server instance on the same database and data folder, beside this one (as
    /// behind a load balancer), without background workers. Same settings, so the same
    /// session key when this one was started with a `PORTAL_SESSION_SECRET` ([`spawn_with`]):
    /// a browser signed in on one is then signed in on the other.
    pub async fn another_instance(&self) -> TestApp {
        let tmp = tempfile::tempdir().unwrap();
        start(
            self.vars.clone(),
            self.site_root.clone(),
            self.clock.clone(),
            false,
            tmp,
            None,
        )
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits until the outbox worker has sent everything that was queued (SMS and e-mail
    /// leave through the durable outbox, a moment after the answer).
    pub async fn outbox_settled(&self) {
        for _ in 0..500 {
            if backend::infra::outbox::queue::waiting(&self.state.db.pool)
                .await
                .unwrap()
                == 0
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the outbox was not delivered within 5 seconds");
    }

    /// A browser signed in as a demo customer with a portal account made directly in the
    /// database (password [`CUSTOMER_PASSWORD`]; registration itself is tested elsewhere).
    pub async fn signed_in_customer(&self, customer_number: &str, email: &str) -> reqwest::Client {
        let pool = &self.state.db.pool;
        let c = backend::store::customers::by_number(pool, customer_number)
            .await
            .unwrap()
            .expect("demo customer");
        let hash = backend::infra::password::hash(&backend::infra::password::Password::new(
            CUSTOMER_PASSWORD,
        ))
        .await
        .unwrap();
        let (terms, _) = backend::store::accounts::current_terms(pool).await.unwrap();
        backend::store::accounts::create(
            pool,
            self.state.clock.epoch(),
            &backend::store::accounts::NewAccount {
                customer_id: c.id,
                email,
                first_name: &c.first_name,
                last_name: &c.last_name,
                password_hash: &hash,
                terms_version_id: terms,
                ip_address: "127.0.0.1",
                user_agent: "test",
            },
        )
        .await
        .unwrap()
        .unwrap();
        let client = TestApp::new_client(self);
        let (_, location) = self
            .post_form_as(
                &client,
                "auth/sign-in",
                &[
                    ("email", email),
                    ("password", CUSTOMER_PASSWORD),
                    ("next", "/dashboard"),
                ],
            )
            .await;
        assert_eq!(location, "/dashboard", "signed in");
        client
    }

    /// A browser signed in as the demo staff member with `role` (password and TOTP code).
    pub async fn staff(&self, role: domain::model::StaffRole) -> reqwest::Client {
        let member = backend::seed::demo::STAFF
            .iter()
            .find(|s| s.role == role)
            .expect("a demo staff member per role");
        let at = u64::try_from(self.state.clock.epoch()).unwrap();
        let code = backend::infra::totp::code_at(member.totp_secret, at).unwrap();
        let client = TestApp::new_client(self);
        let (_, location) = self
            .post_form_as(
                &client,
                "cic/sign-in",
                &[
                    ("email", member.email),
                    ("password", member.password),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(location, "/cic", "staff signed in");
        client
    }

    /// Every SMS sent so far (after the outbox settled).
    pub async fn sms(&self) -> Vec<backend::infra::outbox::OutboxSms> {
        self.outbox_settled().await;
        backend::infra::outbox::read_sms(&self.data_dir.join("outbox"))
    }

    /// Every e-mail sent so far, oldest first (after the outbox settled).
    pub async fn mails(&self) -> Vec<(String, String)> {
        self.outbox_settled().await;
        backend::infra::outbox::read_mails(&self.data_dir.join("outbox"))
    }

    /// A second browser: its own cookies, no redirects followed.
    pub fn new_client(_app: &TestApp) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Posts a form like a browser without JavaScript; returns status and Location.
    pub async fn post_form(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (http::StatusCode, String) {
        self.post_form_as(&self.client, endpoint, form).await
    }

    /// [`TestApp::post_form`] from another browser (client).
    pub async fn post_form_as(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (http::StatusCode, String) {
        let res = client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "text/html")
            .form(form)
            .send()
            .await
            .expect("request failed");
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (res.status(), location)
    }

    /// The HTML of a page as `client` sees it.
    pub async fn page_as(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request failed")
            .text()
            .await
            .unwrap()
    }

    /// The JSON answer of a server function without arguments, as `client` gets it.
    pub async fn json_as(&self, client: &reqwest::Client, endpoint: &str) -> String {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .send()
            .await
            .expect("request failed")
            .text()
            .await
            .unwrap()
    }

    /// GETs a page like a browser (which asks for HTML, so server-side redirects are real).
    pub async fn browse(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request failed")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }
}

pub fn postgres_base() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Creates an empty PostgreSQL database and returns its URL.
pub async fn fresh_postgres() -> String {
    use sqlx::Connection;
    let base = postgres_base();
    let name = format!("portal_test_{:016x}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .expect("PostgreSQL must run for the integration tests (the test command starts it)");
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    format!("{base}/{name}")
}

pub async fn database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/portal.db", dir.display()),
        Backend::Postgres => fresh_postgres().await,
    }
}

pub async fn spawn(backend: Backend, demo: bool) -> TestApp {
    spawn_with(backend, demo, &[]).await
}

pub async fn spawn_with(backend: Backend, demo: bool, extra: &[(&str, &str)]) -> TestApp {
    spawn_full(backend, demo, extra, backend::Clock::system(), true).await
}

/// A server whose clock is `clock` (for tests that depend on the date: the demo data is then
/// anchored to the clock's month, and every "now" and "today" is the clock's).
pub async fn spawn_at(backend: Backend, demo: bool, clock: backend::Clock) -> TestApp {
    spawn_full(backend, demo, &[], clock, true).await
}

/// [`spawn_at`] without the background workers (outbox delivery, periodic jobs), for tests
/// that drive them by hand.
pub async fn spawn_without_jobs(backend: Backend, clock: backend::Clock) -> TestApp {
    spawn_full(backend, false, &[], clock, false).await
}

/// A fixed moment in the middle of a month (the demo data's reference month).
pub fn mid_november_2026() -> backend::Clock {
    backend::Clock::fixed(time::macros::datetime!(2026-11-16 09:00 UTC))
}

pub async fn spawn_full(
    backend: Backend,
    demo: bool,
    extra: &[(&str, &str)],
    clock: backend::Clock,
    jobs: bool,
) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let database_url = database_url(backend, tmp.path()).await;
    let mut vars: HashMap<String, String> = HashMap::from([
        ("PORTAL_DATA_DIR".into(), data_dir.display().to_string()),
        ("DATABASE_URL".into(), database_url.clone()),
        ("PORTAL_SECURE_COOKIES".into(), "false".into()),
        ("PORTAL_DEMO".into(), demo.to_string()),
        ("PORTAL_BIND".into(), "127.0.0.1:0".into()),
    ]);
    // LEPTOS_SITE_ROOT (the static files) is read here, not by the portal's settings.
    let mut site_root = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").to_string();
    for (k, v) in extra {
        if *k == "LEPTOS_SITE_ROOT" {
            site_root = v.to_string();
        } else {
            vars.insert(k.to_string(), v.to_string());
        }
    }
    start(vars, site_root, clock, jobs, tmp, None).await
}

/// A server whose uploaded files go to `files` (made from its data folder) instead of the
/// local folder: for tests of a storage that fails.
pub async fn spawn_with_files(
    backend: Backend,
    files: impl FnOnce(&std::path::Path) -> backend::infra::files::Files,
) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let database_url = database_url(backend, tmp.path()).await;
    let vars: HashMap<String, String> = HashMap::from([
        ("PORTAL_DATA_DIR".into(), data_dir.display().to_string()),
        ("DATABASE_URL".into(), database_url),
        ("PORTAL_SECURE_COOKIES".into(), "false".into()),
        ("PORTAL_DEMO".into(), "true".into()),
        ("PORTAL_BIND".into(), "127.0.0.1:0".into()),
    ]);
    let site_root = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").to_string();
    let files = files(&data_dir);
    start(
        vars,
        site_root,
        backend::Clock::system(),
        true,
        tmp,
        Some(files),
    )
    .await
}

async fn start(
    vars: HashMap<String, String>,
    site_root: String,
    clock: backend::Clock,
    jobs: bool,
    tmp: tempfile::TempDir,
    files: Option<backend::infra::files::Files>,
) -> TestApp {
    let lookup = vars.clone();
    let settings = Settings::from_lookup(&move |k| lookup.get(k).cloned()).unwrap();
    let data_dir = settings.data_dir.clone();
    let database_url = vars["DATABASE_URL"].clone();
    let leptos = leptos::config::LeptosOptions::builder()
        .output_name("portal")
        .site_root(site_root.clone())
        .build();
    let mut state = server::prepare(settings, leptos, clock.clone())
        .await
        .expect("server starts");
    if let Some(files) = files {
        state = state.with_files(files);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    if jobs {
        server::jobs::spawn_all(&state);
    }
    let router = server::app(state.clone());
    let header_timeout = state.settings.header_timeout;
    let server = tokio::spawn(async move {
        let _ = server::serve(listener, router, header_timeout).await;
    });
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        addr,
        client,
        data_dir,
        database_url,
        state,
        vars,
        site_root,
        clock,
        server,
        _tmp: tmp,
    }
}

/// A TCP relay in front of PostgreSQL that can cut the database off and bring it back, as a
/// database restart or a network outage would: cut, it drops every relayed connection and
/// closes new ones at once. It can also stall the open connections, as a firewall that
/// forgets a connection does: they stay open but nothing passes any more, while new
/// connections work.
pub struct DbProxy {
    pub port: u16,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
    stall: tokio::sync::watch::Sender<u64>,
    stalled: std::sync::Arc<std::sync::Mutex<Vec<(tokio::net::TcpStream, tokio::net::TcpStream)>>>,
    listener: tokio::task::JoinHandle<()>,
}

impl DbProxy {
    /// Relays a local port to `target` (host:port).
    pub async fn start(target: &str) -> DbProxy {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>> =
            Default::default();
        let target = target.to_string();
        let (stall, _) = tokio::sync::watch::channel(0u64);
        let stalled: std::sync::Arc<std::sync::Mutex<Vec<_>>> = Default::default();
        let (is_down, open, stalls, held) = (
            down.clone(),
            connections.clone(),
            stall.clone(),
            stalled.clone(),
        );
        let listener = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if is_down.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let mut stall = stalls.subscribe();
                stall.mark_unchanged();
                let held = held.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut db) = tokio::net::TcpStream::connect(&target).await {
                        let stalled = tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut db) => false,
                            _ = stall.changed() => true,
                        };
                        if stalled {
                            held.lock().unwrap().push((client, db));
                        }
                    }
                });
                open.lock().unwrap().push(relay.abort_handle());
            }
        });
        DbProxy {
            port,
            down,
            connections,
            stall,
            stalled,
            listener,
        }
    }

    /// The open connections stay open but pass nothing any more; new ones work.
    pub fn stall(&self) {
        self.stall.send_modify(|n| *n += 1);
    }

    /// The database is gone: open connections break, new ones are closed at once.
    pub fn cut(&self) {
        self.down.store(true, std::sync::atomic::Ordering::SeqCst);
        for relay in self.connections.lock().unwrap().drain(..) {
            relay.abort();
        }
        self.stalled.lock().unwrap().clear();
    }

    /// The database is back.
    pub fn restore(&self) {
        self.down.store(false, std::sync::atomic::Ordering::SeqCst);
    }

    /// `url` (a postgres:// URL on 127.0.0.1:5432) through this relay.
    pub fn url(&self, url: &str) -> String {
        url.replacen("127.0.0.1:5432", &format!("127.0.0.1:{}", self.port), 1)
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.listener.abort();
        self.cut();
    }
}

/// Runs an async test body once per backend.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                ($body)($crate::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                ($body)($crate::Backend::Postgres).await
            }
        }
    };
}
