//! Suspending a customer's portal access (terms art. 6.4), on SQLite and PostgreSQL: admins
//! only, with a reason; the customer's sessions end at once, the sign-in explains it plainly
//! once the password is right, the customer is e-mailed, both actions are audited; reinstating
//! gives access back.

use testkit as common;
use testkit::both_backends;

use common::{Backend, CUSTOMER_PASSWORD, TestApp, spawn};
use domain::model::StaffRole;
use http::StatusCode;

async fn sign_in(app: &TestApp, password: &str) -> String {
    let client = TestApp::new_client(app);
    let (_, location) = app
        .post_form_as(
            &client,
            "auth/sign-in",
            &[
                ("email", "an@example.be"),
                ("password", password),
                ("next", "/dashboard"),
            ],
        )
        .await;
    let page = app.page_as(&client, "/login").await;
    format!("{location} {page}")
}

both_backends!(
    an_admin_suspends_and_reinstates_a_customers_access,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let admin = app.staff(StaffRole::Admin).await;
        let agent = app.staff(StaffRole::Agent).await;
        let form = |reason: &'static str, note: &'static str| {
            vec![("number", "100001"), ("reason", reason), ("note", note)]
        };

        // Agents may not; a missing reason or "other" without a note is refused and kept.
        let res = agent
            .post(app.url("/api/cic/suspend-customer"))
            .header("accept", "application/json")
            .form(&form("misuse", ""))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let page = app.page_as(&agent, "/cic/customers/100001").await;
        assert!(!page.contains("suspend-customer"), "no form for agents");
        let (_, to) = app
            .post_form_as(&admin, "cic/suspend-customer", &form("", ""))
            .await;
        assert_eq!(to, "/cic/customers/100001#access");
        assert!(
            app.page_as(&admin, "/cic/customers/100001")
                .await
                .contains("Kies een reden uit de lijst.")
        );
        app.post_form_as(&admin, "cic/suspend-customer", &form("other", ""))
            .await;
        let page = app.page_as(&admin, "/cic/customers/100001").await;
        assert!(page.contains("Schrijf bij") && page.contains("<option value=\"other\" selected"));
        let res = an
            .get(app.url("/dashboard"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "still signed in while nothing was suspended"
        );

        // Suspended: the session ends at once, the sign-in explains, the e-mail goes out.
        app.post_form_as(
            &admin,
            "cic/suspend-customer",
            &form("misuse", "Geautomatiseerde aanvragen"),
        )
        .await;
        let page = app.page_as(&admin, "/cic/customers/100001").await;
        assert!(
            page.contains("Misbruik van het portaal")
                && page.contains("Geautomatiseerde aanvragen")
        );
        let res = an
            .get(app.url("/dashboard"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(
            res.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login"),
            "signed out"
        );
        let answer = sign_in(&app, CUSTOMER_PASSWORD).await;
        assert!(
            answer.contains("Uw toegang tot het portaal is opgeschort"),
            "{answer}"
        );
        // A wrong password says only that the sign-in failed (the suspension is not revealed).
        let answer = sign_in(&app, "not the password at all").await;
        assert!(!answer.contains("opgeschort"));
        let mails = app.mails().await;
        assert!(
            mails
                .iter()
                .any(|(_, m)| m.contains("To: an@example.be") && m.contains("is opgeschort"))
        );
        // Twice is refused.
        app.post_form_as(&admin, "cic/suspend-customer", &form("misuse", ""))
            .await;
        assert!(
            app.page_as(&admin, "/cic/customers/100001")
                .await
                .contains("Dit kan niet")
        );

        // Reinstated: signing in works again; both actions are in the audit trail.
        app.post_form_as(&admin, "cic/reinstate-customer", &[("number", "100001")])
            .await;
        let answer = sign_in(&app, CUSTOMER_PASSWORD).await;
        assert!(answer.starts_with("/dashboard"), "{answer}");
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM staff_audit WHERE action IN ('suspend_customer', 'reinstate_customer') ORDER BY id",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(actions, ["suspend_customer", "reinstate_customer"]);
        // A customer without a portal account cannot be suspended.
        app.post_form_as(
            &admin,
            "cic/suspend-customer",
            &[("number", "100007"), ("reason", "misuse"), ("note", "")],
        )
        .await;
        assert!(
            app.page_as(&admin, "/cic/customers/100007")
                .await
                .contains("Dit kan niet")
        );
    }
);
