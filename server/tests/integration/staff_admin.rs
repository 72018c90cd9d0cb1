//! Staff administration on SQLite and PostgreSQL: an admin invites a colleague, who sets a
//! password and enrols an authenticator through the e-mailed link and signs in; deactivate,
//! reactivate, reset a second factor and change a role on the version shown; nobody switches
//! themselves off and the last admin stays; agents get 403; everything is audited.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp};
use domain::model::StaffRole;
use http::StatusCode;
use serde_json::Value;

/// A server whose clock stands still (moved by hand past an authenticator window).
async fn spawn_now(backend: Backend) -> TestApp {
    common::spawn_at(backend, true, common::mid_november_2026()).await
}

/// A server function's JSON answer to a form.
async fn json(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let res = client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The set-up link in the newest e-mail to `to`.
async fn setup_token(app: &TestApp, to: &str) -> String {
    let mails = app.mails().await;
    let (_, mail) = mails
        .iter()
        .rev()
        .find(|(_, m)| m.contains(&format!("To: {to}")))
        .expect("a set-up e-mail");
    let at = mail.find("/cic/setup?token=").expect("a set-up link") + "/cic/setup?token=".len();
    mail[at..at + 64].to_string()
}

fn code(app: &TestApp, secret: &str) -> String {
    let at = u64::try_from(app.state.clock.epoch()).unwrap();
    backend::infra::totp::code_at(secret, at).unwrap()
}

async fn staff_sign_in(app: &TestApp, email: &str, password: &str, secret: &str) -> String {
    let client = TestApp::new_client(app);
    let (_, location) = app
        .post_form_as(
            &client,
            "cic/sign-in",
            &[
                ("email", email),
                ("password", password),
                ("code", &code(app, secret)),
            ],
        )
        .await;
    location
}

/// (id, version, state) of the colleague called `name` on the staff list.
async fn member(app: &TestApp, admin: &reqwest::Client, name: &str) -> (String, String, String) {
    let (status, list) = json(app, admin, "cic/staff", &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let m = list["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("{name} on the list: {list}"))
        .clone();
    (
        m["id"].to_string(),
        m["version"].to_string(),
        m["state"].as_str().unwrap().to_string(),
    )
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

both_backends!(
    an_admin_invites_a_colleague_who_sets_up_and_signs_in,
    |backend: Backend| async move {
        let app = spawn_now(backend).await;
        let admin = app.staff(StaffRole::Admin).await;
        let agent = app.staff(StaffRole::Agent).await;
        let invite = |name: &'static str, email: &'static str, role: &'static str| {
            vec![
                ("name", name),
                ("email", email),
                ("role", role),
                ("lang", "fr"),
            ]
        };

        // Agents may not; bad input is refused next to its field and kept.
        let (status, _) = json(
            &app,
            &agent,
            "cic/invite-staff",
            &invite("Ann Peeters", "ann@lumenlease.example", "agent"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for (form, says) in [
            (
                invite("", "ann@lumenlease.example", "agent"),
                "Vul een naam in",
            ),
            (
                invite("Ann", "agent@lumenlease.example", "agent"),
                "bestaat al een medewerker",
            ),
            (invite("Ann", "not an address", "agent"), "e-mailadres"),
            (
                invite("Ann", "ann@lumenlease.example", "root"),
                "Kies een rol",
            ),
        ] {
            let (_, to) = app.post_form_as(&admin, "cic/invite-staff", &form).await;
            assert_eq!(to, "/cic/staff");
            let page = app.page_as(&admin, "/cic/staff").await;
            assert!(page.contains(says), "{says}");
            assert!(
                page.contains(&format!("value=\"{}\"", form[1].1)),
                "the address is kept"
            );
        }
        assert_eq!(
            audited(&app, "create_staff").await,
            0,
            "nothing refused is audited"
        );

        // Invited: on the list, e-mailed in French, cannot sign in yet.
        app.post_form_as(
            &admin,
            "cic/invite-staff",
            &invite("  Ann   Peeters ", "Ann@LumenLease.example", "agent"),
        )
        .await;
        let (_, _, state) = member(&app, &admin, "Ann Peeters").await;
        assert_eq!(state, "invited");
        let mails = app.mails().await;
        assert!(mails.iter().any(
            |(_, m)| m.contains("To: ann@lumenlease.example") && m.contains("Votre compte CIC")
        ));
        let token = setup_token(&app, "ann@lumenlease.example").await;
        assert_eq!(audited(&app, "create_staff").await, 1);

        // The set-up page, in the colleague's own browser.
        let ann = TestApp::new_client(&app);
        let (_, setup) = json(&app, &ann, "cic/setup-state", &[("token", &token)]).await;
        assert_eq!(setup["valid"], true, "{setup}");
        assert_eq!(setup["needs_password"], true);
        let key = setup["key"].as_str().unwrap().to_string();
        let (_, again) = json(&app, &ann, "cic/setup-state", &[("token", &token)]).await;
        assert_eq!(
            again["key"],
            key.as_str(),
            "the key stays while the page is reloaded"
        );
        let password = "Een lange zin als wachtwoord 2026";
        let form = |password: &'static str, code: String| {
            vec![
                ("token", token.clone()),
                ("password", password.to_string()),
                ("password_confirmation", password.to_string()),
                ("code", code),
            ]
        };
        let post = |form: Vec<(&'static str, String)>| {
            let ann = ann.clone();
            let app = &app;
            async move {
                let res = ann
                    .post(app.url("/api/cic/setup"))
                    .header("accept", "text/html")
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                res.headers()["location"].to_str().unwrap().to_string()
            }
        };
        // A weak password and a wrong code are refused; the link still works.
        let to = post(form("short", code(&app, &key))).await;
        assert!(to.starts_with("/cic/setup?token="), "{to}");
        assert!(app.page_as(&ann, &to).await.contains("minstens 12 tekens"));
        post(form(password, "000000".into())).await;
        assert!(app.page_as(&ann, &to).await.contains("code"));
        // Another browser that never saw the key cannot finish the set-up.
        let stranger = TestApp::new_client(&app);
        let res = stranger
            .post(app.url("/api/cic/setup"))
            .header("accept", "text/html")
            .form(&form(password, code(&app, &key)))
            .send()
            .await
            .unwrap();
        assert!(
            res.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/cic/setup")
        );
        assert_eq!(
            staff_sign_in(&app, "ann@lumenlease.example", password, &key).await,
            "/cic/login",
            "no sign-in before the set-up"
        );

        // Done: to the sign-in with a notice; the link is used up; the colleague signs in.
        let to = post(form(password, code(&app, &key))).await;
        assert_eq!(to, "/cic/login");
        assert!(
            app.page_as(&ann, "/cic/login")
                .await
                .contains("Uw account is ingesteld")
        );
        let (_, used) = json(&app, &ann, "cic/setup-state", &[("token", &token)]).await;
        assert_eq!(used["valid"], false, "single use");
        app.state.clock.advance(time::Duration::seconds(60));
        assert_eq!(
            staff_sign_in(&app, "ann@lumenlease.example", password, &key).await,
            "/cic"
        );
        let (_, _, state) = member(&app, &admin, "Ann Peeters").await;
        assert_eq!(state, "active");
        // A made-up token is simply invalid.
        let (_, bogus) = json(
            &app,
            &ann,
            "cic/setup-state",
            &[("token", &"ab".repeat(32))],
        )
        .await;
        assert_eq!(bogus["valid"], false);
    }
);

both_backends!(
    deactivate_reset_and_roles_keep_one_admin_and_need_the_shown_version,
    |backend: Backend| async move {
        let app = spawn_now(backend).await;
        let admin = app.staff(StaffRole::Admin).await;
        let agent = app.staff(StaffRole::Agent).await;
        let change = |id: &str, version: &str, change: &'static str| {
            vec![
                ("id", id.to_string()),
                ("version", version.to_string()),
                ("change", change.to_string()),
            ]
        };
        let post = async |client: &reqwest::Client, form: Vec<(&str, String)>| {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form_as(client, "cic/change-staff", &form).await
        };
        let (me, my_version, _) = member(&app, &admin, "Alex Admin").await;
        let (sam, version, _) = member(&app, &admin, "Sam Agent").await;

        // Agents may not change anyone.
        let (status, _) = json(
            &app,
            &agent,
            "cic/change-staff",
            &[
                ("id", me.as_str()),
                ("version", my_version.as_str()),
                ("change", "role_agent"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Not oneself, not the last admin; a bad change or a foreign id.
        for (form, says) in [
            (change(&me, &my_version, "deactivate"), "niet deactiveren"),
            (
                change(&me, &my_version, "reset_second_factor"),
                "niet deactiveren",
            ),
            (
                change(&me, &my_version, "role_agent"),
                "laatste actieve beheerder",
            ),
            (change(&sam, &version, "reactivate"), "verandert niets"),
        ] {
            let (_, to) = post(&admin, form).await;
            assert_eq!(to, "/cic/staff");
            assert!(
                app.page_as(&admin, "/cic/staff").await.contains(says),
                "{says}"
            );
        }
        let (status, _) = json(
            &app,
            &admin,
            "cic/change-staff",
            &[
                ("id", sam.as_str()),
                ("version", version.as_str()),
                ("change", "make_god"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = json(
            &app,
            &admin,
            "cic/change-staff",
            &[("id", "999999"), ("version", "1"), ("change", "deactivate")],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A stale version: 409 for an API client, a message on the page for a form.
        let stale = (version.parse::<i64>().unwrap() + 7).to_string();
        let (status, _) = json(
            &app,
            &admin,
            "cic/change-staff",
            &[
                ("id", sam.as_str()),
                ("version", stale.as_str()),
                ("change", "role_admin"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        post(&admin, change(&sam, &stale, "role_admin")).await;
        assert!(
            app.page_as(&admin, "/cic/staff")
                .await
                .contains("Iemand anders")
        );

        // Resetting Sam's authenticator signs Sam out at once and e-mails a new link; his
        // password stays, his old authenticator no longer works.
        post(&admin, change(&sam, &version, "reset_second_factor")).await;
        let res = agent
            .get(app.url("/cic"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/cic/login", "signed out");
        let token = setup_token(&app, "agent@lumenlease.example").await;
        let (_, setup) = json(
            &app,
            &TestApp::new_client(&app),
            "cic/setup-state",
            &[("token", &token)],
        )
        .await;
        assert_eq!(
            (setup["valid"].clone(), setup["needs_password"].clone()),
            (Value::Bool(true), Value::Bool(false))
        );
        let demo = &backend::seed::demo::STAFF[0];
        app.state.clock.advance(time::Duration::seconds(60));
        assert_eq!(
            staff_sign_in(&app, demo.email, demo.password, demo.totp_secret).await,
            "/cic/login"
        );

        // Promoted while not set up: he does not count as an admin yet.
        let (_, version, state) = member(&app, &admin, "Sam Agent").await;
        assert_eq!(state, "invited");
        post(&admin, change(&sam, &version, "role_admin")).await;
        post(&admin, change(&me, &my_version, "role_agent")).await;
        assert!(
            app.page_as(&admin, "/cic/staff")
                .await
                .contains("laatste actieve beheerder")
        );

        // Deactivated: the set-up link dies with it; reactivated.
        let (_, version, _) = member(&app, &admin, "Sam Agent").await;
        post(&admin, change(&sam, &version, "deactivate")).await;
        let (_, version, state) = member(&app, &admin, "Sam Agent").await;
        assert_eq!(state, "inactive");
        let (_, setup) = json(
            &app,
            &TestApp::new_client(&app),
            "cic/setup-state",
            &[("token", &token)],
        )
        .await;
        assert_eq!(setup["valid"], false);
        post(&admin, change(&sam, &version, "reactivate")).await;
        let (_, _, state) = member(&app, &admin, "Sam Agent").await;
        assert_eq!(state, "invited", "active again, still to set up");

        for action in [
            "reset_staff_second_factor",
            "change_staff_role",
            "deactivate_staff",
            "reactivate_staff",
        ] {
            assert_eq!(audited(&app, action).await, 1, "{action}");
        }
        let object: String =
            sqlx::query_scalar("SELECT object FROM staff_audit WHERE action = 'deactivate_staff'")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!(object, format!("staff {sam}"));
    }
);
