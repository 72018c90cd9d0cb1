//! The CIC's customer search and customer view over HTTP, on SQLite and PostgreSQL: any field
//! in any form finds the customer, wildcards match themselves, a one-character search is
//! refused with a hint, 25 a page; the view is read-only and every search and opening is one
//! audit entry.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp, spawn};
use domain::model::StaffRole;
use http::StatusCode;

async fn audited(app: &TestApp, action: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT subject FROM staff_audit WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

fn search(q: &str) -> String {
    let q: String = q
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    format!("/cic/customers?q={q}")
}

both_backends!(
    staff_find_customers_by_any_field_in_any_form,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let agent = app.staff(StaffRole::Agent).await;
        for (q, number) in [
            ("lefevre", "100009"),
            ("LEFÈVRE", "100009"),
            ("claire lef", "100009"),
            ("100009", "100009"),
            ("2 xyb 789", "100009"),
            ("2xyb789", "100009"),
            ("fc20250015", "100009"),
            ("0470 00 01 09", "100009"),
            ("+32 470 00 01 09", "100009"),
            ("claire.lefevre@", "100009"),
            ("0403.170.701", "100003"),
            ("bakkerij janssens", "100003"),
            ("Wilrijk", "100014"),
        ] {
            let page = app.page_as(&agent, &search(q)).await;
            assert!(
                page.contains(&format!("/cic/customers/{number}\"")),
                "{q} should find {number}"
            );
        }
        // Each search is audited with its term; a refused one runs nothing and logs nothing.
        let searches = audited(&app, "search_customers").await;
        assert_eq!(searches.len(), 13);
        assert!(searches[0].contains("\"lefevre\""), "{searches:?}");
        for q in ["a", " ", "%"] {
            let page = app.page_as(&agent, &search(q)).await;
            assert!(page.contains("Typ minstens 2 tekens om te zoeken."), "{q}");
            assert!(page.contains("aria-invalid=\"true\""));
        }
        assert_eq!(audited(&app, "search_customers").await.len(), 13);
        // Wildcards and quotes are plain characters.
        for q in ["%%", "__", "a%", "o'brien", "\"; DROP TABLE customers; --"] {
            let page = app.page_as(&agent, &search(q)).await;
            assert!(page.contains("Geen klanten gevonden."), "{q}");
        }
        let page = app.page_as(&agent, &search("peeters")).await;
        assert!(page.contains("100001") && !page.contains("/cic/customers/100002\""));

        // 25 a page, with a link to the next.
        backend::seed::bulk::seed(&app.state.db, app.state.clock.epoch(), 30)
            .await
            .unwrap();
        let page = app.page_as(&agent, &search("seed.example")).await;
        assert_eq!(page.matches("\"><a href=\"/cic/customers/").count(), 25);
        assert!(page.contains("rel=\"next\""));
        let page = app
            .page_as(&agent, &format!("{}&page=2", search("seed.example")))
            .await;
        assert_eq!(page.matches("\"><a href=\"/cic/customers/").count(), 5);
        assert!(!page.contains("rel=\"next\"") && page.contains("rel=\"prev\""));

        // Customers and visitors do not get in.
        let an = app.signed_in_customer("100001", "an@example.be").await;
        for client in [&an, &TestApp::new_client(&app)] {
            let res = client
                .get(app.url(&search("peeters")))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            assert_eq!(res.headers()["location"], "/cic/login");
        }
    }
);

both_backends!(
    the_customer_view_shows_what_the_customer_sees_and_is_audited,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let _an = app.signed_in_customer("100001", "an@example.be").await;
        let admin = app.staff(StaffRole::Admin).await;
        let page = app.page_as(&admin, "/cic/customers/100001").await;
        for expected in [
            "An Peeters (100001)",
            "Kerkstraat 12, 2000 Antwerpen",
            "+32 470 00 01 01",
            "an.peeters@example.be",
            "an@example.be",
            "LC-2023-0001",
            "1-ABC-234",
        ] {
            assert!(page.contains(expected), "{expected}");
        }
        let viewed: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT customer_number FROM staff_audit WHERE action = 'view_customer' ORDER BY id",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            viewed,
            [Some("100001".to_string())],
            "one entry, naming the customer"
        );
        // Nothing secret leaves the server.
        let res = admin
            .post(app.url("/api/cic/customer"))
            .header("accept", "application/json")
            .form(&[("number", "100001")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let json = res.text().await.unwrap();
        assert!(json.contains("\"two_factor\":false") && json.contains("LC-2023-0001"));
        assert!(
            !json.contains("argon2")
                && !json.contains("password_hash")
                && !json.contains("totp_secret")
        );
        // A customer who never registered; an unknown number is a 404.
        let page = app.page_as(&admin, "/cic/customers/100007").await;
        assert!(page.contains("Deze klant heeft zich nog niet geregistreerd"));
        let res = admin
            .get(app.url("/cic/customers/999999"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            audited(&app, "view_customer").await.len(),
            3,
            "the page, the API call, the unregistered one; not the 404"
        );
    }
);
