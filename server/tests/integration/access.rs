//! The access gate, per role and per function family, on SQLite and PostgreSQL: customer
//! functions, account functions, staff functions (any role) and admin-only functions, called
//! by a signed-out visitor, a customer, an agent and an admin. A customer calling a staff
//! function gets exactly what a signed-out visitor gets; an agent calling an admin function
//! gets 403; staff reads of customer data are audited.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp, spawn};
use domain::model::StaffRole;
use http::StatusCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    SignedOut,
    Customer,
    Agent,
    Admin,
}

async fn browser(app: &TestApp, who: Who) -> reqwest::Client {
    match who {
        Who::SignedOut => TestApp::new_client(app),
        Who::Customer => app.signed_in_customer("100001", "an@example.be").await,
        Who::Agent => app.staff(StaffRole::Agent).await,
        Who::Admin => app.staff(StaffRole::Admin).await,
    }
}

/// Status and Location of a server function called like a form without JavaScript.
async fn call(app: &TestApp, client: &reqwest::Client, endpoint: &str) -> (StatusCode, String) {
    app.post_form_as(client, endpoint, &[]).await
}

/// Status and body of a server function called with JavaScript (JSON answer).
async fn call_json(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
) -> (StatusCode, String) {
    let res = client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

const CUSTOMER_FUNCTIONS: [&str; 3] = [
    "customer/dashboard",
    "customer/documents",
    "account/security",
];
const STAFF_FUNCTIONS: [&str; 2] = ["cic/home", "cic/audit"];
const ADMIN_FUNCTIONS: [&str; 1] = ["cic/staff"];

both_backends!(
    every_function_family_answers_each_role_as_it_should,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let mut answers = std::collections::HashMap::new();
        for who in [Who::SignedOut, Who::Customer, Who::Agent, Who::Admin] {
            let client = browser(&app, who).await;
            for endpoint in CUSTOMER_FUNCTIONS {
                let (status, location) = call(&app, &client, endpoint).await;
                if who == Who::Customer {
                    let (status, body) = call_json(&app, &client, endpoint).await;
                    assert_eq!(status, StatusCode::OK, "{who:?} {endpoint}");
                    assert!(
                        body.starts_with('{'),
                        "{who:?} {endpoint}: the data, {body}"
                    );
                } else {
                    // Staff are no customers: the customer sign-in, like a signed-out visitor.
                    assert_eq!(status, StatusCode::FOUND, "{who:?} {endpoint}");
                    assert!(
                        location.starts_with("/login?next=/"),
                        "{who:?} {endpoint}: {location}"
                    );
                }
            }
            for endpoint in STAFF_FUNCTIONS.iter().chain(&ADMIN_FUNCTIONS) {
                let (status, location) = call(&app, &client, endpoint).await;
                let (json_status, body) = call_json(&app, &client, endpoint).await;
                answers.insert(
                    (who, *endpoint),
                    (status, location.clone(), json_status, body.clone()),
                );
                match who {
                    Who::SignedOut | Who::Customer => {
                        assert_eq!(
                            (status, location.as_str()),
                            (StatusCode::FOUND, "/cic/login"),
                            "{who:?} {endpoint}"
                        );
                    }
                    Who::Agent if ADMIN_FUNCTIONS.contains(endpoint) => {
                        assert_ne!(location, "/cic/login", "{who:?} {endpoint}: no sign-in");
                        assert_eq!(
                            (json_status, body.as_str()),
                            (StatusCode::FORBIDDEN, "\"Forbidden\"")
                        );
                    }
                    Who::Agent | Who::Admin => {
                        assert_eq!(json_status, StatusCode::OK, "{who:?} {endpoint}: {body}");
                        assert_ne!(body, "null", "{who:?} {endpoint}: the data");
                    }
                }
            }
        }
        // A customer gets exactly the signed-out answer from every staff function.
        for endpoint in STAFF_FUNCTIONS.iter().chain(&ADMIN_FUNCTIONS) {
            assert_eq!(
                answers[&(Who::Customer, *endpoint)],
                answers[&(Who::SignedOut, *endpoint)],
                "{endpoint}"
            );
        }
    }
);

both_backends!(
    staff_reads_are_audited_and_admins_read_the_log,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let agent = app.staff(StaffRole::Agent).await;
        let (status, _) = call_json(&app, &agent, "cic/home").await;
        assert_eq!(status, StatusCode::OK);
        let admin = app.staff(StaffRole::Admin).await;
        let (status, body) = call_json(&app, &admin, "cic/audit").await;
        assert_eq!(status, StatusCode::OK);
        let view: serde_json::Value = serde_json::from_str(&body).unwrap();
        let log = view["entries"].as_array().unwrap();
        // Newest first: nothing of the admin's own read yet (it is written with it), the
        // agent's view of the incidents.
        assert_eq!(log.len(), 1, "{body}");
        assert_eq!(log[0]["staff_name"], "Sam Agent");
        assert_eq!(log[0]["action"], "view_security_incidents");
        assert!(
            log[0]["request_id"].as_str().is_some_and(|r| r.len() >= 32),
            "the entry names its HTTP request: {body}"
        );
        // The admin's read of the log is logged too.
        let (_, body) = call_json(&app, &admin, "cic/audit").await;
        let view: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(view["entries"][0]["staff_name"], "Alex Admin");
        assert_eq!(view["entries"][0]["action"], "view_audit_log");
        // The agent sees only their own entries, whatever staff filter they send.
        let (status, body) = call_json(&app, &agent, "cic/audit").await;
        assert_eq!(status, StatusCode::OK);
        let view: serde_json::Value = serde_json::from_str(&body).unwrap();
        let names: Vec<&str> = view["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["staff_name"].as_str().unwrap())
            .collect();
        assert!(
            !names.is_empty() && names.iter().all(|n| *n == "Sam Agent"),
            "{names:?}"
        );
        assert_eq!(
            view["export"],
            serde_json::Value::Null,
            "no export for agents"
        );
        // An agent's refused admin call wrote nothing and returned nothing.
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let (status, body) = call_json(&app, &agent, "cic/staff").await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::FORBIDDEN, "\"Forbidden\"")
        );
        let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(before, after);
    }
);

// No audit row, no data: if the audit line cannot be written, the read fails as a whole.
both_backends!(
    a_staff_read_whose_audit_fails_returns_nothing,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let reader = backend::services::staff_access::Reader {
            staff_id: 999_999, // no such staff member: the audit row's foreign key refuses it
            ip: "127.0.0.1",
            request_id: "",
        };
        let read = backend::services::staff_access::read_audited(
            &app.state.db,
            app.state.clock.epoch(),
            reader,
            "view_security_incidents",
            |reads| Box::pin(backend::store::incidents::open(reads)),
            |rows| {
                backend::services::staff_access::Note::detail(format!("{} incidents", rows.len()))
            },
        )
        .await;
        assert!(
            read.is_err(),
            "the data is not returned without its audit line"
        );
    }
);
