//! Faults (issue 14): slow clients cannot hold connections or requests open; a database that
//! goes away gets the translated "temporarily unavailable" answer (503) — never a 500 or a
//! hang — and the portal recovers by itself when it is back; a full file storage refuses the
//! upload clearly, stores nothing half and keeps serving.

use testkit as common;
use testkit::both_backends;

use common::{Backend, DbProxy, spawn_with};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Reads from `stream` until the server closes it (or `limit` passes); what it sent.
async fn read_until_closed(stream: &mut tokio::net::TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut got)).await;
    read.ok().map(|_| String::from_utf8_lossy(&got).to_string())
}

// A client that starts a request and never finishes its headers is disconnected after the
// header timeout; fifty of them at once do not keep others from being served.
both_backends!(
    slow_clients_are_disconnected_and_others_still_served,
    |backend: Backend| async move {
        let app = spawn_with(backend, false, &[("PORTAL_HEADER_TIMEOUT_SECS", "1")]).await;
        let mut slow = Vec::new();
        for _ in 0..50 {
            let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
            s.write_all(b"GET /terms HTTP/1.1\r\nHost: portal\r\nX-Slow: ")
                .await
                .unwrap();
            slow.push(s);
        }
        let started = Instant::now();
        let res = app.get("/healthz").await;
        assert_eq!(res.status(), 200, "served while slow clients wait");
        for s in &mut slow {
            let answer = read_until_closed(s, Duration::from_secs(5)).await;
            let answer = answer.expect("the slow connection was closed");
            assert!(
                answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
                "{answer}"
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "closed after about the header timeout, not {:?}",
            started.elapsed()
        );
        // An idle kept-alive connection is closed the same way.
        let mut idle = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n")
            .await
            .unwrap();
        let answer = read_until_closed(&mut idle, Duration::from_secs(5))
            .await
            .expect("the idle connection was closed");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
);

// A request whose body never arrives in full gets its answer when its time is up, and the
// server goes on serving.
both_backends!(
    a_request_body_that_never_arrives_is_answered_in_time,
    |backend: Backend| async move {
        let app = spawn_with(backend, false, &[("PORTAL_REQUEST_TIMEOUT_SECS", "1")]).await;
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        s.write_all(
            b"POST /api/login HTTP/1.1\r\nHost: portal\r\nAccept: text/html\r\nAccept-Language: en\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nemail=a%40b",
        )
        .await
        .unwrap();
        let started = Instant::now();
        let answer = read_until_closed(&mut s, Duration::from_secs(10))
            .await
            .expect("answered and closed");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        assert!(
            answer.starts_with("HTTP/1.1 503") || answer.starts_with("HTTP/1.1 400"),
            "{answer}"
        );
        assert!(!answer.starts_with("HTTP/1.1 500"));
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
);

/// A demo customer's page, as a browser asks for it: status and text.
async fn page(client: &reqwest::Client, url: String) -> (u16, String, Duration) {
    let started = Instant::now();
    let res = client
        .get(url)
        .header("accept", "text/html")
        .header("accept-language", "en")
        .send()
        .await
        .expect("answered");
    let status = res.status().as_u16();
    (status, res.text().await.unwrap(), started.elapsed())
}

/// The portal (with the demo data if `demo`) on a fresh PostgreSQL database that it reaches
/// through a proxy the test can cut.
async fn behind_proxy(demo: bool) -> (DbProxy, common::TestApp) {
    let proxy = DbProxy::start("127.0.0.1:5432").await;
    let url = proxy.url(&common::fresh_postgres().await);
    let mut vars = vec![("DATABASE_URL", url.as_str())];
    if demo {
        vars.push(("PORTAL_DEMO", "true"));
    }
    let app = spawn_with(Backend::Sqlite, demo, &vars).await;
    (proxy, app)
}

// PostgreSQL goes away under a signed-in customer: pages, server functions and /readyz say
// "temporarily unavailable" (503, translated, within the request time limit); when it is
// back the portal serves again by itself, the customer still signed in.
#[tokio::test]
async fn a_database_outage_is_503_and_the_portal_recovers_by_itself() {
    let (proxy, app) = behind_proxy(true).await;
    let an = app.signed_in_customer("100001", "an@example.be").await;
    let (status, html, _) = page(&an, app.url("/dashboard")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Peeters"), "signed in");

    proxy.cut();
    let started = Instant::now();
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(5));

    let (status, html, took) = page(&an, app.url("/dashboard")).await;
    assert_eq!(status, 503, "{html}");
    assert!(
        html.contains("temporarily unavailable") || html.contains("did not answer in time"),
        "{html}"
    );
    assert!(!html.contains("Something went wrong"));
    assert!(took < Duration::from_secs(31), "{took:?}");

    let res = an
        .post(app.url("/api/customer/dashboard"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(res.text().await.unwrap(), "\"Unavailable\"");

    // A form post during the outage: not stored, not a 500.
    let res = an
        .post(app.url("/api/customer/start-thread"))
        .header("accept", "text/html")
        .header("accept-language", "en")
        .form(&[
            ("subject", "Tijdens de storing"),
            ("category", "other"),
            ("contract", ""),
            ("body", "Komt dit aan?"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.text().await.unwrap().contains("Nothing was saved"));

    proxy.restore();
    let back = Instant::now();
    loop {
        if app.get("/readyz").await.status() == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "the portal did not recover"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, html, _) = page(&an, app.url("/messages")).await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("Tijdens de storing"), "nothing half stored");
}

/// Waits up to `limit` for the instance to serve sessions from memory (`on`) or not.
async fn sessions_in_memory(app: &common::TestApp, on: bool, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    while app.state.sessions.uses_memory() != on {
        if Instant::now() > until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}

// The connection that hears other instances' session changes is dropped without a word (a
// firewall forgets it): nothing arrives any more, and nothing says so. Within seconds the
// instance stops serving sessions from memory (it could miss a sign-out on another
// instance), and serves from memory again once it listens on a new connection.
#[tokio::test]
async fn a_silently_dropped_session_listener_is_noticed_and_replaced() {
    let (proxy, app) = behind_proxy(false).await;
    assert!(
        sessions_in_memory(&app, true, Duration::from_secs(5)).await,
        "listening"
    );

    proxy.stall();
    let started = Instant::now();
    assert!(
        sessions_in_memory(&app, false, Duration::from_secs(15)).await,
        "the silent connection was not noticed"
    );
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );

    // The stalled connections of the requests' pool are cut; a new listening connection
    // goes through.
    proxy.cut();
    proxy.restore();
    assert!(
        sessions_in_memory(&app, true, Duration::from_secs(10)).await,
        "listening again"
    );
    let back = Instant::now();
    while app.get("/readyz").await.status() != 200 {
        assert!(back.elapsed() < Duration::from_secs(10), "not ready again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A file storage that says "disk full" while `full` is set.
struct FullDisk {
    inner: backend::infra::files::LocalFiles,
    full: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl FullDisk {
    fn check(&self) -> Result<(), backend::infra::files::FileError> {
        if self.full.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(std::io::Error::from(std::io::ErrorKind::StorageFull).into());
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl backend::infra::files::FileStore for FullDisk {
    async fn put(&self, id: &str, bytes: &[u8]) -> Result<(), backend::infra::files::FileError> {
        self.check()?;
        self.inner.put(id, bytes).await
    }
    async fn get(&self, id: &str) -> Result<Option<Vec<u8>>, backend::infra::files::FileError> {
        self.inner.get(id).await
    }
    async fn delete(&self, id: &str) -> Result<(), backend::infra::files::FileError> {
        self.inner.delete(id).await
    }
    async fn list(&self) -> Result<Vec<(String, u64)>, backend::infra::files::FileError> {
        self.inner.list().await
    }
    fn incoming(&self) -> std::path::PathBuf {
        self.inner.incoming()
    }
    async fn put_received(
        &self,
        id: &str,
        file: &backend::infra::files::Received,
    ) -> Result<(), backend::infra::files::FileError> {
        self.check()?;
        self.inner.put_received(id, file).await
    }
}

// The file storage is full: a message with an attachment is refused with the translated
// "temporarily unavailable" page (503), no message and no file is stored, a message without
// an attachment still goes through, and once there is room the same upload works.
both_backends!(
    a_full_file_storage_refuses_uploads_and_stores_nothing_half,
    |backend: Backend| async move {
        let full = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let flag = full.clone();
        let app = common::spawn_with_files(backend, move |data_dir| {
            backend::infra::files::Files(std::sync::Arc::new(FullDisk {
                inner: backend::infra::files::LocalFiles::new(&data_dir.join("files")),
                full: flag,
            }))
        })
        .await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
        let post = |with_file: bool| {
            let files: Vec<(&str, &str, &[u8])> = if with_file {
                vec![("attachments", "offerte.pdf", pdf)]
            } else {
                vec![]
            };
            an.post(app.url("/api/customer/start-thread"))
                .header("accept", "text/html")
                .header("accept-language", "en")
                .header("content-type", common::multipart_type())
                .body(common::multipart(
                    &[
                        ("subject", "Offerte"),
                        ("category", "contract"),
                        ("contract", ""),
                        ("body", "Zie bijlage"),
                    ],
                    &files,
                ))
                .send()
        };
        let res = post(true).await.unwrap();
        assert_eq!(res.status(), 503);
        let text = res.text().await.unwrap();
        assert!(text.contains("temporarily unavailable"), "{text}");
        let threads = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM message_threads")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap()
        };
        assert_eq!(threads().await, 0, "no message without its attachment");
        let stored = std::fs::read_dir(app.data_dir.join("files"))
            .map(|d| d.flatten().filter(|e| e.path().is_file()).count())
            .unwrap_or(0);
        assert_eq!(stored, 0, "no file stored");

        let res = post(false).await.unwrap();
        assert_eq!(res.status(), 303, "the server is still up");
        assert_eq!(threads().await, 1);

        full.store(false, std::sync::atomic::Ordering::SeqCst);
        let res = post(true).await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(threads().await, 2);
    }
);

// The NUL guard reads form-encoded bodies into memory: on the message routes, whose limit is
// for five 10 MB files, it must not take more than a form reader would (2 MB), or a few
// clients could make the server hold hundreds of megabytes.
both_backends!(
    a_huge_form_encoded_body_is_refused_before_it_is_held_in_memory,
    |backend: Backend| async move {
        let app = spawn_with(backend, true, &[]).await;
        let body = format!("subject=x&body={}", "a".repeat(3 * 1024 * 1024));
        let res = reqwest::Client::new()
            .post(app.url("/api/customer/start-thread"))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::BAD_REQUEST);
        // The server still answers.
        let res = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(res.status(), http::StatusCode::OK);
    }
);

// Staff page views waiting for the same audit commit when PostgreSQL goes away all get
// "temporarily unavailable" at once: the group is not retried entry by entry (which would wait
// for the database once per entry, past the request time limit).
#[tokio::test]
async fn an_outage_fails_a_whole_audit_group_at_once_as_unavailable() {
    use crate::audit_chain::{a_staff_id, queued_views};
    use backend::store::audit::APPENDS;
    let (proxy, app) = behind_proxy(true).await;
    let db = &app.state.db;
    let now = app.state.clock.epoch();
    let staff_id = a_staff_id(&db.pool).await;
    let turn = APPENDS.lock().await;
    let tasks = queued_views(db, now, 8, |_| staff_id);
    while db.audit_waiting().len() < 8 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    proxy.cut();
    let started = Instant::now();
    drop(turn);
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(
            outcome
                .as_ref()
                .is_err_and(backend::StoreError::is_unavailable),
            "{outcome:?}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the group failed at once, not entry by entry: {:?}",
        started.elapsed()
    );
    proxy.restore();
}
