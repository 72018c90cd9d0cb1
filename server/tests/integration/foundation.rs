//! The foundation over HTTP, on SQLite and PostgreSQL: pages, language, errors, headers,
//! health, sessions table, demo data, and the back-office import.

use testkit as common;
use testkit::both_backends;

use common::{Backend, spawn};
use http::StatusCode;

both_backends!(
    landing_page_is_dutch_by_default_with_security_headers,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let res = app.get("/").await;
        assert_eq!(res.status(), StatusCode::OK);
        let h = res.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
        assert!(
            csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS on plain HTTP"
        );
        assert!(h.get("x-request-id").is_some());
        let body = res.text().await.unwrap();
        assert!(body.contains(r#"<html lang="nl""#));
        assert!(body.contains("Aanmelden") && body.contains("Registreren"));
        assert!(body.contains("klantendienst@lumenlease.example"));
        assert!(body.contains("Werkdagen 8:30–18:00"));
        // The hydration script carries the nonce of the CSP.
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap();
        assert!(body.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)));
    }
);

both_backends!(
    language_switch_sets_a_cookie_and_returns,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let res = app.get("/lang/fr?next=/privacy").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], "/privacy");
        let cookie = res.headers()["set-cookie"].to_str().unwrap();
        assert!(
            cookie.starts_with("lang=fr;") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let body = app.get("/privacy").await.text().await.unwrap();
        assert!(body.contains(r#"<html lang="fr""#));
        assert!(body.contains("Politique de confidentialité"));
        // An open redirect is not possible; an unknown language changes nothing.
        let res = app.get("/lang/fr?next=//evil.example").await;
        assert_eq!(res.headers()["location"], "/");
        let res = app.get("/lang/de?next=/").await;
        assert!(res.headers().get("set-cookie").is_none());
        assert!(
            app.get("/")
                .await
                .text()
                .await
                .unwrap()
                .contains(r#"<html lang="fr""#)
        );
    }
);

both_backends!(
    accept_language_is_used_without_a_cookie,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let res = app
            .client
            .get(app.url("/"))
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap();
        assert!(res.text().await.unwrap().contains(r#"<html lang="en""#));
    }
);

both_backends!(
    unknown_urls_get_a_translated_404,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let res = app.get("/does/not/exist").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(res.text().await.unwrap().contains("Pagina niet gevonden"));
        let res = app
            .client
            .get(app.url("/nope"))
            .header("cookie", "lang=en")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(res.text().await.unwrap().contains("Page not found"));
    }
);

both_backends!(health_and_readiness, |backend: Backend| async move {
    let app = spawn(backend, false).await;
    assert_eq!(app.get("/healthz").await.text().await.unwrap(), "ok");
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ready");
});

both_backends!(
    server_functions_answer_and_refuse_bad_requests,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let res = app
            .client
            .post(app.url("/api/site-info"))
            .header("cookie", "lang=fr")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let info: serde_json::Value = res.json().await.unwrap();
        assert_eq!(info["lang"], "fr");
        assert_eq!(info["branding"]["company_name"], "Lumen Lease");
        // Oversized body: 400 with a clear message.
        let res = app
            .client
            .post(app.url("/api/site-info"))
            .body(vec![b'a'; 200 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.text().await.unwrap().contains("too large"));
        // Missing or malformed arguments of a known server function: 400, without serde's
        // message (it is logged, not shown).
        let res = app
            .client
            .post(app.url("/api/register/start"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("nonsense=1")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(res.text().await.unwrap(), r#""BadRequest""#);
        // Unknown server function: 400, not 500.
        let res = app
            .client
            .post(app.url("/api/no-such-function"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }
);

both_backends!(
    branding_stylesheet_and_static_files,
    |backend: Backend| async move {
        let app = spawn_with_color(backend).await;
        let res = app.get("/brand.css").await;
        assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
        assert_eq!(res.text().await.unwrap(), ":root { --brand: #aa3300; }\n");
        let body = app
            .client
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(body.contains("Acme Lease"));
    }
);

async fn spawn_with_color(backend: Backend) -> common::TestApp {
    common::spawn_with(
        backend,
        false,
        &[
            ("PORTAL_PRIMARY_COLOR", "#aa3300"),
            ("PORTAL_COMPANY_NAME", "Acme Lease"),
        ],
    )
    .await
}

both_backends!(demo_data_is_seeded_once, |backend: Backend| async move {
    let app = spawn(backend, true).await;
    let pool = &app.state.db.pool;
    assert_eq!(backend::store::customers::count(pool).await.unwrap(), 21);
    assert_eq!(backend::store::contracts::count(pool).await.unwrap(), 31);
    assert_eq!(backend::store::invoices::count(pool).await.unwrap(), 372);
    assert_eq!(backend::store::staff::list(pool).await.unwrap().len(), 2);
    let an = backend::store::customers::by_number(pool, "100001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(an.mobile.as_deref(), Some("+32470000101"));
    // A second start on the same database seeds nothing more.
    assert!(
        backend::seed::demo::seed_if_empty(&app.state.db, &app.state.clock)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(backend::store::customers::count(pool).await.unwrap(), 21);
});

both_backends!(
    sessions_live_in_the_database,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let table = match backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM tower_sessions",
            Backend::Postgres => "SELECT COUNT(*) FROM tower_sessions.session",
        };
        let count: i64 = sqlx::query_scalar(table)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(count, 0, "no session is created for anonymous visitors");
    }
);

/// Asks `probe` every 20 ms until `done` holds of its answer (at most 5 s); returns the answer.
async fn eventually<T, F, Fut>(mut probe: F, done: impl Fn(&T) -> bool) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let answer = probe().await;
        if done(&answer) || std::time::Instant::now() > until {
            return answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

// Several server instances share one PostgreSQL, and each keeps sessions in memory: what one
// instance writes into a session (a message for the next page, a sign-out) must reach the
// others. A browser goes back and forth between two instances, as behind a load balancer.
#[tokio::test]
async fn instances_sharing_postgresql_see_each_others_session_changes() {
    let secret = "s".repeat(64);
    let a = common::spawn_with(
        Backend::Postgres,
        true,
        &[("PORTAL_SESSION_SECRET", secret.as_str())],
    )
    .await;
    let b = a.another_instance().await;
    let listening = eventually(|| async { b.state.sessions.uses_memory() }, |on| *on).await;
    assert!(listening, "the second instance hears session changes");

    // A customer signed in on A; B serves the contract page (and keeps the session).
    let an = a.signed_in_customer("100001", "an@example.be").await;
    let contract = "/contracts/LC-2024-0002";
    let refused = "Geef de kilometers in als een geheel getal";
    for _ in 0..2 {
        let page = b.page_as(&an, contract).await;
        assert!(page.contains("LC-2024-0002") && !page.contains(refused));
    }
    // A refuses a reading and keeps the message for the next page in the session: B shows it.
    let today = domain::money::iso_date(a.state.clock.local_today());
    let (status, _) = a
        .post_form_as(
            &an,
            "customer/report-mileage",
            &[
                ("contract", "LC-2024-0002"),
                ("km", "veel"),
                ("date", today.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    // At once: a load balancer sends the redirect straight to B, which must not wait for the
    // announcement (the browser names the session version it saw written).
    let page = b.page_as(&an, contract).await;
    assert!(page.contains(refused), "B shows what A kept in the session");
    assert!(page.contains("value=\"veel\""), "with the typed value");

    // A staff member signed in on A works on B; signed out on A, B lets them in no more.
    let sam = a.staff(domain::model::StaffRole::Agent).await;
    for _ in 0..2 {
        assert!(b.page_as(&sam, "/cic").await.contains("Sam Agent"));
    }
    a.post_form_as(&sam, "cic/sign-out", &[]).await;
    let res = eventually(
        || sam.get(b.url("/cic")).header("accept", "text/html").send(),
        |r| r.as_ref().is_ok_and(|r| r.status() == StatusCode::FOUND),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "signed out on B too");
    assert_eq!(res.headers()["location"], "/cic/login");
}

const IMPORT: &str = r#"{
  "customers": [
    {"customer_number": "200001", "kind": "private", "first_name": "Lies", "last_name": "Maes",
     "mobile": "0470 99 88 77", "email": "lies@example.be", "language": "nl"}
  ],
  "contracts": [
    {"contract_number": "LC-2026-0100", "customer_number": "200001", "kind": "lease", "status": "active",
     "start_date": "2026-01-01", "end_date": "2029-12-31", "duration_months": 48,
     "monthly_amount_cents": 51000, "allowed_km_per_year": 15000, "excess_km_rate_cents": 9,
     "vehicle": {"make": "Hyundai", "model": "Kona Electric", "vin": "KMHK381GFPU000001", "number_plate": "2abc999"}}
  ],
  "invoices": [
    {"invoice_number": "2026-100001", "contract_number": "LC-2026-0100", "issue_date": "2026-01-01",
     "due_date": "2026-01-31", "amount_excl_vat_cents": 42149, "vat_cents": 8851, "status": "paid"}
  ]
}"#;

both_backends!(
    import_is_idempotent_and_updates_changed_rows,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let pool = &app.state.db.pool;
        let first = backend::services::import::import_json(pool, app.state.clock.epoch(), IMPORT)
            .await
            .unwrap();
        assert_eq!(first.customers.inserted, 1);
        assert_eq!(first.invoices.inserted, 1);
        let again = backend::services::import::import_json(pool, app.state.clock.epoch(), IMPORT)
            .await
            .unwrap();
        assert_eq!(
            (
                again.customers.unchanged,
                again.contracts.unchanged,
                again.invoices.unchanged
            ),
            (1, 1, 1)
        );
        assert_eq!(again.customers.inserted + again.customers.updated, 0);
        let changed = IMPORT
            .replace("Kona Electric", "Kona EV")
            .replace("\"paid\"", "\"open\"");
        let third = backend::services::import::import_json(pool, app.state.clock.epoch(), &changed)
            .await
            .unwrap();
        assert_eq!(third.contracts.updated, 1);
        assert_eq!(third.invoices.updated, 1);
        assert_eq!(third.customers.unchanged, 1);
    }
);

both_backends!(
    an_invoice_is_listed_for_whoever_holds_its_contract,
    |backend: Backend| async move {
        // The invoice list reads invoices by their own customer column (migration 0022): it
        // must follow the contract when an import (or any other writer) moves the contract.
        let app = spawn(backend, false).await;
        let pool = &app.state.db.pool;
        let now = app.state.clock.epoch();
        let today = app.state.clock.local_today();
        let listed = |customer_number: &'static str| async move {
            let (id,): (i64,) =
                sqlx::query_as("SELECT id FROM customers WHERE customer_number = $1")
                    .bind(customer_number)
                    .fetch_one(pool)
                    .await
                    .unwrap();
            let q = domain::invoice_query::InvoiceQuery {
                page: 1,
                ..Default::default()
            };
            let (rows, total) = backend::store::invoices::page_for_customer(pool, id, &q, today)
                .await
                .unwrap();
            let mut numbers: Vec<String> = rows.into_iter().map(|r| r.invoice_number).collect();
            numbers.sort();
            assert_eq!(total, numbers.len() as i64);
            numbers
        };
        backend::services::import::import_json(pool, now, IMPORT)
            .await
            .unwrap();
        assert_eq!(listed("200001").await, ["2026-100001"]);
        // A second import moves the contract to a new customer and adds an invoice to it.
        let moved = IMPORT
            .replace(
                r#"{"customer_number": "200001", "kind": "private", "first_name": "Lies", "last_name": "Maes",
     "mobile": "0470 99 88 77", "email": "lies@example.be", "language": "nl"}"#,
                r#"{"customer_number": "200001", "kind": "private", "first_name": "Lies", "last_name": "Maes",
     "mobile": "0470 99 88 77", "email": "lies@example.be", "language": "nl"},
    {"customer_number": "200002", "kind": "private", "first_name": "Tom", "last_name": "Maes",
     "mobile": "0470 99 88 66", "email": "tom@example.be", "language": "nl"}"#,
            )
            .replace(
                r#""contract_number": "LC-2026-0100", "customer_number": "200001""#,
                r#""contract_number": "LC-2026-0100", "customer_number": "200002""#,
            )
            .replace(
                r#"
  ]
}"#,
                r#",
    {"invoice_number": "2026-100002", "contract_number": "LC-2026-0100", "issue_date": "2026-02-01",
     "due_date": "2026-02-28", "amount_excl_vat_cents": 42149, "vat_cents": 8851, "status": "open"}
  ]
}"#,
            );
        let report = backend::services::import::import_json(pool, now, &moved)
            .await
            .unwrap();
        assert_eq!((report.contracts.updated, report.invoices.inserted), (1, 1));
        assert!(listed("200001").await.is_empty(), "the old holder's list");
        assert_eq!(listed("200002").await, ["2026-100001", "2026-100002"]);
        // Another writer than the import moves it back.
        sqlx::query(
            "UPDATE contracts SET customer_id = (SELECT id FROM customers WHERE customer_number = '200001')
             WHERE contract_number = 'LC-2026-0100'",
        )
        .execute(pool)
        .await
        .unwrap();
        assert_eq!(listed("200001").await, ["2026-100001", "2026-100002"]);
        assert!(listed("200002").await.is_empty());
    }
);

both_backends!(
    the_invoice_filter_offers_every_contract_and_each_year_with_invoices,
    |backend: Backend| async move {
        // The years are found a year at a time from the newest invoice back (a gap year is
        // skipped, a year with several invoices shows once); a contract without invoices is
        // still a choice.
        let app = spawn(backend, false).await;
        let pool = &app.state.db.pool;
        let invoice = |number: &str, contract: &str, issued: &str| {
            format!(
                r#"{{"invoice_number": "{number}", "contract_number": "{contract}", "issue_date": "{issued}",
                   "due_date": "{issued}", "amount_excl_vat_cents": 1000, "vat_cents": 210, "status": "paid"}}"#
            )
        };
        let invoices = [
            invoice("F-1", "LC-2020-0200", "2020-12-31"),
            invoice("F-2", "LC-2020-0200", "2023-01-01"),
            invoice("F-3", "LC-2020-0200", "2023-12-31"),
            invoice("F-4", "FC-2020-0201", "2026-03-01"),
            invoice("F-5", "FC-2020-0201", "2023-06-01"),
        ]
        .join(",");
        let contract = |number: &str, kind: &str, plate: &str, vin: &str| {
            format!(
                r#"{{"contract_number": "{number}", "customer_number": "200010", "kind": "{kind}", "status": "active",
                   "start_date": "2020-01-01", "end_date": "2027-12-31", "duration_months": 96,
                   "monthly_amount_cents": 51000, "allowed_km_per_year": 15000, "excess_km_rate_cents": 9,
                   "vehicle": {{"make": "Kia", "model": "EV6", "vin": "{vin}", "number_plate": "{plate}"}}}}"#
            )
        };
        let contracts = [
            contract("LC-2020-0200", "lease", "1abc200", "KNAC381GFPU000200"),
            contract("FC-2020-0201", "financing", "1abc201", "KNAC381GFPU000201"),
            contract("LC-2020-0202", "lease", "1abc202", "KNAC381GFPU000202"),
        ]
        .join(",");
        let json = format!(
            r#"{{"customers": [{{"customer_number": "200010", "kind": "private", "first_name": "Eva", "last_name": "Peeters",
                 "mobile": "0470 99 88 55", "email": "eva@example.be", "language": "nl"}}],
               "contracts": [{contracts}], "invoices": [{invoices}]}}"#
        );
        backend::services::import::import_json(pool, app.state.clock.epoch(), &json)
            .await
            .unwrap();
        let (id,): (i64,) =
            sqlx::query_as("SELECT id FROM customers WHERE customer_number = '200010'")
                .fetch_one(pool)
                .await
                .unwrap();
        let choices = backend::store::invoices::filter_choices(pool, id)
            .await
            .unwrap();
        assert_eq!(
            choices,
            backend::store::invoices::FilterChoices {
                contracts: vec![
                    "FC-2020-0201".into(),
                    "LC-2020-0200".into(),
                    "LC-2020-0202".into()
                ],
                years: vec![2026, 2023, 2020],
            }
        );
        // No contracts, no choices (an id no customer has).
        let none = backend::store::invoices::filter_choices(pool, -1)
            .await
            .unwrap();
        assert_eq!(none, backend::store::invoices::FilterChoices::default());
    }
);

both_backends!(
    an_import_with_bad_rows_stores_nothing,
    |backend: Backend| async move {
        let app = spawn(backend, false).await;
        let pool = &app.state.db.pool;
        let bad = IMPORT
            .replace("\"2026-01-31\"", "\"2025-12-31\"")
            .replace("lies@example.be", "lies@");
        match backend::services::import::import_json(pool, app.state.clock.epoch(), &bad).await {
            Err(backend::services::import::ImportError::Rows(errors)) => {
                let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
                assert!(
                    text.iter()
                        .any(|e| e.starts_with("customers record 1: email")),
                    "{text:?}"
                );
                assert!(
                    text.iter()
                        .any(|e| e.starts_with("invoices record 1: due_date")),
                    "{text:?}"
                );
            }
            other => panic!("expected row errors, got {other:?}"),
        }
        assert_eq!(backend::store::customers::count(pool).await.unwrap(), 0);
        let syntax = backend::services::import::import_json(
            pool,
            app.state.clock.epoch(),
            "{\"customers\": [ {\"customer_number\": 1} ]}",
        )
        .await;
        assert!(
            matches!(syntax, Err(backend::services::import::ImportError::Syntax(ref m)) if m.contains("line 1")),
            "{syntax:?}"
        );
    }
);

#[tokio::test]
async fn an_unreachable_database_is_a_clear_start_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().display().to_string();
    let vars = [
        ("PORTAL_DATA_DIR", dir.as_str()),
        (
            "DATABASE_URL",
            "postgres://nobody:secret@127.0.0.1:1/portal",
        ),
        (
            "PORTAL_DATA_KEY",
            "a test data key of at least thirty-two characters",
        ),
    ];
    let settings = server::config::Settings::from_lookup(&|k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let leptos = leptos::config::LeptosOptions::builder()
        .output_name("portal")
        .build();
    let err = server::prepare(settings, leptos, backend::Clock::system())
        .await
        .err()
        .expect("start must fail");
    let text = err.to_string();
    assert!(
        text.starts_with("cannot open the database postgres://nobody:***@127.0.0.1:1/portal"),
        "{text}"
    );
    assert!(!text.contains("secret"));
}

#[tokio::test]
async fn an_unreadable_sqlite_file_is_a_clear_start_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("portal.db");
    std::fs::write(
        &file,
        b"this is not a database, just text that is long enough to look like a header",
    )
    .unwrap();
    let url = format!("sqlite://{}", file.display());
    let dir = tmp.path().display().to_string();
    let vars = [
        ("PORTAL_DATA_DIR", dir.as_str()),
        ("DATABASE_URL", url.as_str()),
        (
            "PORTAL_DATA_KEY",
            "a test data key of at least thirty-two characters",
        ),
    ];
    let settings = server::config::Settings::from_lookup(&|k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let leptos = leptos::config::LeptosOptions::builder()
        .output_name("portal")
        .build();
    let err = server::prepare(settings, leptos, backend::Clock::system())
        .await
        .err()
        .expect("start must fail");
    assert!(
        err.to_string()
            .contains(&format!("cannot open the database {url}")),
        "{err}"
    );
}

both_backends!(
    seed_adds_generated_customers_and_leaves_ids_usable,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let db = &app.state.db;
        let before = backend::store::invoices::count(&db.pool).await.unwrap();
        assert_eq!(
            backend::seed::bulk::seed(db, app.state.clock.epoch(), 30)
                .await
                .unwrap(),
            300
        );
        assert_eq!(
            backend::seed::bulk::seed(db, app.state.clock.epoch(), 20)
                .await
                .unwrap(),
            200,
            "a second run adds more"
        );
        assert_eq!(
            backend::store::customers::count(&db.pool).await.unwrap(),
            21 + 50
        );
        assert_eq!(
            backend::store::invoices::count(&db.pool).await.unwrap(),
            before + 500
        );
        assert!(
            backend::store::customers::by_number(&db.pool, "5000049")
                .await
                .unwrap()
                .is_some()
        );
        // Ordinary inserts still get fresh ids afterwards (PostgreSQL sequences were moved on).
        let report =
            backend::services::import::import_json(&db.pool, app.state.clock.epoch(), IMPORT)
                .await
                .unwrap();
        assert_eq!(report.customers.inserted, 1);
    }
);

both_backends!(
    sign_in_endpoints_are_rate_limited_per_ip,
    |backend: Backend| async move {
        let app = common::spawn_with(backend, false, &[("PORTAL_AUTH_RATE_PER_MINUTE", "3")]).await;
        let attempt = || {
            app.client
                .post(app.url("/api/auth/sign-in"))
                .form(&[("email", "x@example.be"), ("password", "whatever")])
                .send()
        };
        for _ in 0..3 {
            assert_ne!(
                attempt().await.unwrap().status(),
                StatusCode::TOO_MANY_REQUESTS
            );
        }
        let res = attempt().await.unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()["retry-after"], "60");
        let text = res.text().await.unwrap();
        assert!(
            text.contains("Te veel aanvragen") && text.contains("Too many requests"),
            "{text}"
        );
        // Other endpoints are not affected.
        assert_eq!(
            app.client
                .post(app.url("/api/site-info"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
    }
);

// A page's headers are its own even while static files are served at the same time: the page
// keeps its nonce CSP (without it the browser refuses the page's scripts) and a file never
// carries a page's. Leptos's file handler used to hand a page's headers to a file.
both_backends!(
    pages_keep_their_headers_under_concurrent_static_downloads,
    |backend: Backend| async move {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join("pkg/portal.css"), "body { margin: 0 }").unwrap();
        let root = site.path().display().to_string();
        let app = common::spawn_with(backend, false, &[("LEPTOS_SITE_ROOT", &root)]).await;
        let csp = |res: &reqwest::Response| {
            res.headers()
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        for round in 0..5 {
            let mut pages = Vec::new();
            let mut files = Vec::new();
            for _ in 0..20 {
                let (client, url) = (app.client.clone(), app.url("/register"));
                pages.push(tokio::spawn(async move { client.get(url).send().await }));
                let (client, url) = (app.client.clone(), app.url("/pkg/portal.css"));
                files.push(tokio::spawn(async move { client.get(url).send().await }));
            }
            for page in pages {
                // "About one run in five" a page here never answered: another test's server
                // starting in the same process switched Leptos's resource loading off while
                // it worked out its routes (now done once per process, see
                // `pages_load_their_data_while_another_server_starts_in_the_same_process`).
                let res = tokio::time::timeout(std::time::Duration::from_secs(15), page)
                    .await
                    .unwrap_or_else(|_| panic!("a page did not answer within 15 s (round {round})"))
                    .unwrap()
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                assert!(
                    csp(&res).contains("script-src 'self' 'nonce-"),
                    "page CSP: {}",
                    csp(&res)
                );
            }
            for file in files {
                let res = tokio::time::timeout(std::time::Duration::from_secs(15), file)
                    .await
                    .unwrap_or_else(|_| panic!("a file did not answer within 15 s (round {round})"))
                    .unwrap()
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                assert!(!csp(&res).contains("nonce-"), "file CSP: {}", csp(&res));
                assert_eq!(res.text().await.unwrap(), "body { margin: 0 }");
            }
        }
        // Not a file: the translated 404 page.
        assert_eq!(
            app.get("/pkg/nothing.js").await.status(),
            StatusCode::NOT_FOUND
        );
    }
);

// PORTAL_DB_CONNECTIONS sizes the page pool (several instances share one PostgreSQL within
// its max_connections). One connection must still serve a signed-in customer's pages, loaded
// at the same time: a page never holds one connection while waiting for a second.
both_backends!(
    one_database_connection_serves_pages_loaded_at_once,
    |backend: Backend| async move {
        let app = common::spawn_with(backend, true, &[("PORTAL_DB_CONNECTIONS", "1")]).await;
        assert_eq!(app.state.db.pool.options().get_max_connections(), 1);
        let an = app.signed_in_customer("100001", "an@example.be").await;
        // Each page with something only it shows.
        let pages = [
            ("/dashboard", "LC-2024-0002"),
            ("/contracts/LC-2023-0001", "1-ABC-234"),
            ("/invoices", "36 facturen"),
            ("/documents", "<h1>Documenten</h1>"),
            ("/messages", "<h1>Berichten</h1>"),
            ("/profile/security", "<h1>Beveiliging</h1>"),
        ];
        let loads = pages.iter().map(|(path, _)| {
            let an = an.clone();
            let url = app.url(path);
            async move {
                let res = an
                    .get(url)
                    .header("accept", "text/html")
                    .send()
                    .await
                    .unwrap();
                (res.status(), res.text().await.unwrap())
            }
        });
        let answers = futures_util::future::join_all(loads).await;
        for ((status, body), (path, shows)) in answers.into_iter().zip(pages) {
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(body.contains(shows), "{path} shows {shows}");
        }
    }
);

both_backends!(
    pages_load_their_data_while_another_server_starts_in_the_same_process,
    |backend: Backend| async move {
        // Building a server's router works out the page routes by rendering the app with
        // Leptos's resource loading switched off process-wide. It used to happen for every
        // server, so a page rendered meanwhile by another server in the process never got its
        // data and hung until its time limit (seen as random 503s in this test binary, which
        // runs dozens of servers side by side).
        let app = common::spawn_with(backend, false, &[("PORTAL_REQUEST_TIMEOUT_SECS", "5")]).await;
        let state = app.state.clone();
        let builder = tokio::task::spawn_blocking(move || {
            for _ in 0..40 {
                drop(server::routes::router(state.clone()));
            }
        });
        let mut pages = 0;
        while !builder.is_finished() || pages < 5 {
            let res = app.browse("/register").await;
            let status = res.status();
            let html = res.text().await.unwrap();
            assert_eq!(status, StatusCode::OK, "page {pages}");
            assert!(html.contains("Stap 1 van 7"), "page {pages}");
            pages += 1;
        }
        builder.await.unwrap();
    }
);
