//! CIC staff sign-in (password + mandatory TOTP) and the separation of staff and customer
//! sessions, on SQLite and PostgreSQL.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp, spawn};
use http::StatusCode;

const AGENT: &str = "agent@lumenlease.example";
const AGENT_PASSWORD: &str = "demo-agent-password";
const AGENT_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

fn now_code() -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    backend::infra::totp::code_at(AGENT_TOTP, now).unwrap()
}

async fn post(app: &TestApp, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    app.post_form(endpoint, form).await
}

async fn browse(app: &TestApp, path: &str) -> reqwest::Response {
    app.browse(path).await
}

both_backends!(
    staff_sign_in_needs_the_totp_code_and_each_code_works_once,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let (_, location) = post(
            &app,
            "cic/sign-in",
            &[
                ("email", AGENT),
                ("password", AGENT_PASSWORD),
                ("code", "000000"),
            ],
        )
        .await;
        assert_eq!(location, "/cic/login");
        assert!(
            browse(&app, "/cic/login")
                .await
                .text()
                .await
                .unwrap()
                .contains("E-mailadres, wachtwoord of code onjuist")
        );
        let code = now_code();
        let (_, location) = post(
            &app,
            "cic/sign-in",
            &[("email", AGENT), ("password", "wrong"), ("code", &code)],
        )
        .await;
        assert_eq!(
            location, "/cic/login",
            "a right code with a wrong password fails"
        );
        let (_, location) = post(
            &app,
            "cic/sign-in",
            &[
                ("email", AGENT),
                ("password", AGENT_PASSWORD),
                ("code", &code),
            ],
        )
        .await;
        assert_eq!(location, "/cic");
        let home = browse(&app, "/cic").await;
        assert_eq!(home.status(), StatusCode::OK);
        let html = home.text().await.unwrap();
        assert!(
            html.contains("Sam Agent") && html.contains("Er zijn geen open beveiligingsmeldingen")
        );
        // Viewing is audited.
        let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(audited, 1);
        // A staff session is no customer session.
        assert_eq!(
            browse(&app, "/dashboard").await.headers()["location"],
            "/login?next=/dashboard"
        );
        // The same code cannot sign in again (replay).
        post(&app, "cic/sign-out", &[]).await;
        let (_, location) = post(
            &app,
            "cic/sign-in",
            &[
                ("email", AGENT),
                ("password", AGENT_PASSWORD),
                ("code", &code),
            ],
        )
        .await;
        assert_eq!(location, "/cic/login");
    }
);

both_backends!(
    a_customer_session_never_reaches_staff_pages,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let res = browse(&app, "/cic").await;
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()["location"], "/cic/login");
        // A customer who signs in still cannot see /cic.
        backend::store::accounts::create(
            &app.state.db.pool,
            app.state.clock.epoch(),
            &backend::store::accounts::NewAccount {
                customer_id: backend::store::customers::by_number(&app.state.db.pool, "100002")
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                email: "luc@example.be",
                first_name: "Luc",
                last_name: "Dubois",
                password_hash: &backend::infra::password::hash(
                    &backend::infra::password::Password::new("een lange zin als wachtwoord"),
                )
                .await
                .unwrap(),
                terms_version_id: 1,
                ip_address: "127.0.0.1",
                user_agent: "test",
            },
        )
        .await
        .unwrap()
        .unwrap();
        let (_, location) = post(
            &app,
            "auth/sign-in",
            &[
                ("email", "luc@example.be"),
                ("password", "een lange zin als wachtwoord"),
            ],
        )
        .await;
        assert_eq!(location, "/dashboard");
        assert_eq!(browse(&app, "/dashboard").await.status(), StatusCode::OK);
        assert_eq!(
            browse(&app, "/cic").await.headers()["location"],
            "/cic/login"
        );
    }
);
