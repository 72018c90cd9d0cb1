//! Reading the staff audit trail on SQLite and PostgreSQL: every staff read is one entry with
//! its customer and request id; admins filter (bad filters refused next to their field) and
//! export as CSV (streamed, formula cells neutralised, with the hashes); agents see their own
//! entries only and cannot export; a broken chain is shown to admins. And the password-reset
//! link staff send from the customer view.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp, spawn};
use domain::model::StaffRole;
use http::StatusCode;
use serde_json::Value;

async fn trail(app: &TestApp, client: &reqwest::Client, filter: &[(&str, &str)]) -> Value {
    let res = client
        .post(app.url("/api/cic/audit"))
        .header("accept", "application/json")
        .form(filter)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    serde_json::from_str(&res.text().await.unwrap()).unwrap()
}

fn entries(view: &Value) -> Vec<Value> {
    view["entries"].as_array().cloned().unwrap_or_default()
}

async fn count(app: &TestApp, action: &str, customer: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_audit WHERE action = $1 AND customer_number = $2",
    )
    .bind(action)
    .bind(customer)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

both_backends!(
    admins_filter_the_trail_and_agents_see_their_own,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let agent = app.staff(StaffRole::Agent).await;
        let admin = app.staff(StaffRole::Admin).await;
        // One opening of a customer is exactly one entry, naming the customer and the request.
        app.page_as(&agent, "/cic/customers/100001").await;
        assert_eq!(count(&app, "view_customer", "100001").await, 1);
        app.page_as(&agent, "/cic/customers?q=lefevre").await;
        app.page_as(&admin, "/cic/customers/100002").await;

        let view = trail(&app, &admin, &[("customer", "100001")]).await;
        let found = entries(&view);
        assert_eq!(found.len(), 1, "{view}");
        assert_eq!(found[0]["action"], "view_customer");
        assert_eq!(found[0]["staff_name"], "Sam Agent");
        assert!(found[0]["request_id"].as_str().unwrap().len() >= 32);
        let view = trail(&app, &admin, &[("action", "search_customers")]).await;
        assert!(
            entries(&view)
                .iter()
                .all(|e| e["action"] == "search_customers")
        );
        assert_eq!(entries(&view).len(), 1);
        assert!(
            entries(&view)[0]["detail"]
                .as_str()
                .unwrap()
                .contains("lefevre")
        );
        let today = app.state.clock.today();
        let iso = format!(
            "{}-{:02}-{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        );
        let view = trail(
            &app,
            &admin,
            &[("from", &iso), ("until", &iso), ("customer", "100002")],
        )
        .await;
        assert_eq!(entries(&view).len(), 1, "today's view of 100002");
        let view = trail(&app, &admin, &[("until", "2020-01-01")]).await;
        assert!(entries(&view).is_empty(), "nothing before 2020");

        // Bad filters: refused next to their field, nothing listed, what was typed kept.
        for (filter, field) in [
            (vec![("from", "31/02/2026")], "from"),
            (
                vec![("from", "2026-12-02"), ("until", "2026-12-01")],
                "until",
            ),
            (vec![("staff", "999999")], "staff"),
            (vec![("action", "drop table")], "action"),
        ] {
            let view = trail(&app, &admin, &filter).await;
            assert_eq!(view["error"]["Error"]["field"], field, "{view}");
            assert!(entries(&view).is_empty());
            assert_eq!(view[filter[0].0], filter[0].1, "kept");
        }

        // Agents: their own entries only, whatever they ask for; no export link.
        let admin_id = backend::store::staff::list(&app.state.db.pool)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.role == "admin")
            .unwrap()
            .id
            .to_string();
        let view = trail(&app, &agent, &[("staff", &admin_id)]).await;
        assert!(view["error"].is_null(), "{view}");
        assert!(!entries(&view).is_empty());
        assert!(
            entries(&view)
                .iter()
                .all(|e| e["staff_name"] == "Sam Agent"),
            "{view}"
        );
        assert!(view["export"].is_null() && view["staff_options"].as_array().unwrap().is_empty());
        let view = trail(&app, &agent, &[("customer", "100002")]).await;
        assert!(
            entries(&view).is_empty(),
            "the admin's view of 100002 is not the agent's"
        );

        // The page with and without a filter.
        let page = app.page_as(&admin, "/cic/audit?customer=100001").await;
        assert!(page.contains("Klant geopend") && page.contains("Download als CSV"));
    }
);

both_backends!(
    the_csv_export_is_complete_neutralised_and_admin_only,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let agent = app.staff(StaffRole::Agent).await;
        let admin = app.staff(StaffRole::Admin).await;
        app.page_as(&agent, "/cic/customers/100001").await;
        app.page_as(&agent, "/cic/customers?q=%3Dcmd").await;

        let get = async |client: &reqwest::Client, query: &str| {
            client
                .get(app.url(&format!("/cic/audit.csv{query}")))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap()
        };
        assert_eq!(get(&agent, "").await.status(), StatusCode::FORBIDDEN);
        let stranger = TestApp::new_client(&app);
        let res = get(&stranger, "").await;
        assert_eq!(res.status(), StatusCode::FOUND, "the staff area's guard");
        assert_eq!(res.headers()["location"], "/cic/login");
        assert_eq!(
            get(&admin, "?from=yesterday").await.status(),
            StatusCode::BAD_REQUEST
        );

        let res = get(&admin, "").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"audit-trail-")
        );
        let body = res.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            backend::services::audit_trail::CSV_HEADER.to_vec()
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(
            rows.len() as i64,
            stored,
            "every entry, the export's own included"
        );
        assert_eq!(&rows.last().unwrap()[4], "export_audit_log");
        for row in &rows {
            assert_eq!(row[11].len(), 64, "the hash: {row:?}");
            assert_eq!(row[10].len(), 64, "the previous hash: {row:?}");
        }
        // Oldest first, each row's previous hash the hash of the row before it.
        for pair in rows.windows(2) {
            assert_eq!(pair[1][10], pair[0][11]);
        }
        // A customer filter that looks like a formula is neutralised where it shows up.
        let res = get(&admin, "?customer=%3D1%2B1").await;
        let body = res.text().await.unwrap();
        assert!(body.contains(",'=1+1,"), "{body}");
        assert!(!body.contains(",=1+1,"));
        // The search for "=cmd" is written as text, never as a formula.
        let all = get(&admin, "?action=search_customers")
            .await
            .text()
            .await
            .unwrap();
        assert!(all.contains("\"\"=cmd\"\""), "{all}");
    }
);

both_backends!(
    staff_send_a_reset_link_and_admins_see_a_broken_chain,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let _an = app.signed_in_customer("100001", "an@example.be").await;
        let agent = app.staff(StaffRole::Agent).await;
        let admin = app.staff(StaffRole::Admin).await;

        // The reset link goes to the customer's sign-in address; audited.
        let (_, to) = app
            .post_form_as(&agent, "cic/send-password-reset", &[("number", "100001")])
            .await;
        assert_eq!(to, "/cic/customers/100001#access");
        assert!(
            app.page_as(&agent, "/cic/customers/100001")
                .await
                .contains("De link is verstuurd")
        );
        let mails = app.mails().await;
        assert!(
            mails
                .iter()
                .any(|(_, m)| m.contains("To: an@example.be") && m.contains("/login/reset?token="))
        );
        assert_eq!(count(&app, "send_password_reset", "100001").await, 1);
        // Not for a customer without a portal account; an unknown number is 404.
        app.post_form_as(&agent, "cic/send-password-reset", &[("number", "100002")])
            .await;
        assert!(
            app.page_as(&agent, "/cic/customers/100002")
                .await
                .contains("geen actieve")
        );
        let res = agent
            .post(app.url("/api/cic/send-password-reset"))
            .header("accept", "application/json")
            .form(&[("number", "999999")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // An entry forged around the portal: the next check finds it and admins see it.
        assert!(app.page_as(&admin, "/cic").await.contains("Audittrail"));
        assert!(!app.page_as(&admin, "/cic").await.contains("beschadigd"));
        sqlx::query(
            "INSERT INTO staff_audit (staff_id, action, subject, at, ip_address, prev_hash, hash)
             SELECT staff_id, action, 'forged', at, ip_address, hash, hash FROM staff_audit
             ORDER BY id DESC LIMIT 1",
        )
        .execute(&app.state.db.pool)
        .await
        .unwrap();
        backend::services::staff_access::verify_audit_chain(
            &app.state.db.pool,
            app.state.clock.epoch(),
        )
        .await
        .unwrap();
        assert!(
            app.page_as(&admin, "/cic")
                .await
                .contains("De audittrail is beschadigd")
        );
        assert!(
            app.page_as(&admin, "/cic/audit")
                .await
                .contains("De audittrail is beschadigd")
        );
        assert!(
            !app.page_as(&agent, "/cic").await.contains("beschadigd"),
            "admins only"
        );
    }
);
