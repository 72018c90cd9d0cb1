//! Registration and sign-in over HTTP, through the same server functions the pages post to,
//! on SQLite and PostgreSQL. Codes are read from the SMS outbox.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp, spawn};
use http::StatusCode;

const PASSWORD: &str = "een lange zin als wachtwoord";

/// Posts a form like a browser without JavaScript; returns status and Location.
async fn post(app: &TestApp, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    app.post_form(endpoint, form).await
}

/// GETs a page like a browser (which asks for HTML, so server-side redirects are real 302s).
async fn page(app: &TestApp, path: &str) -> String {
    browse(app, path).await.text().await.unwrap()
}

async fn browse(app: &TestApp, path: &str) -> reqwest::Response {
    app.browse(path).await
}

async fn sms(app: &TestApp) -> Vec<backend::infra::outbox::OutboxSms> {
    app.sms().await
}

async fn last_code(app: &TestApp) -> String {
    let body = sms(app).await.last().expect("an SMS was sent").body.clone();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code")
        .to_string()
}

/// The 6-digit code in the newest mail to `email`.
async fn mailed_code(app: &TestApp, email: &str) -> String {
    let to = format!("to: {}", email.to_lowercase());
    let mails = app.mails().await;
    let mail = &mails
        .iter()
        .rev()
        .find(|(_, m)| m.to_lowercase().contains(&to))
        .expect("a mail to the address")
        .1;
    let body = mail.split_once("\r\n\r\n").expect("headers and body").1;
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code in the mail")
        .to_string()
}

/// The message a page shows in its form-error or field-error boxes (for failure reports).
fn shown_errors(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["class=\"form-error\"", "class=\"field-error\""] {
        for part in html.split(marker).skip(1) {
            let text = part.split_once('>').map_or(part, |(_, rest)| rest);
            let end = text.find("</p>").or_else(|| text.find("</div>"));
            found.push(match end {
                Some(end) => text[..end].to_string(),
                None => text.chars().take(200).collect(),
            });
        }
    }
    found
}

/// Posts a registration step and asserts that the page then shows step `next` of 7; a failure
/// says what the post answered and which message the page showed instead.
async fn step(app: &TestApp, endpoint: &str, form: &[(&str, &str)], next: u8) {
    let answer = post(app, endpoint, form).await;
    let res = browse(app, "/register").await;
    let status = res.status();
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("Stap {next} van 7")),
        "after {endpoint} (answered {answer:?}) the page ({status}) is not at step {next}; it shows {:?} and {:?} in {:?}",
        html.find("Stap ")
            .map(|at| html[at..].chars().take(12).collect::<String>()),
        shown_errors(&html),
        html.find("<title>")
            .map(|at| html[at..].chars().take(120).collect::<String>())
    );
}

/// Runs the whole journey for a demo customer and returns the app signed in.
async fn register(app: &TestApp, customer: &str, contract: &str, email: &str) {
    assert_eq!(
        post(app, "register/start", &[("customer_number", customer)]).await,
        (StatusCode::FOUND, "/register".into())
    );
    assert!(page(app, "/register").await.contains("Stap 2 van 7"));
    let code = last_code(app).await;
    step(app, "register/code", &[("code", &code)], 3).await;
    let details = [
        ("first_name", "An"),
        ("last_name", "Peeters"),
        ("email", email),
        ("password", PASSWORD),
        ("password_confirmation", PASSWORD),
    ];
    step(app, "register/details", &details, 4).await;
    let code = mailed_code(app, email).await;
    step(app, "register/email-code", &[("code", &code)], 5).await;
    post(app, "register/contract", &[("contract_number", contract)]).await;
    let code = last_code(app).await;
    step(app, "register/contract-code", &[("code", &code)], 7).await;
    let (status, location) = post(app, "register/terms", &[("decision", "accept")]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::FOUND, "/dashboard")
    );
}

both_backends!(
    the_full_registration_ends_signed_in_on_the_dashboard,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "An.Peeters@Example.be").await;
        let dashboard = page(&app, "/dashboard").await;
        assert!(dashboard.contains("Welkom, An Peeters"), "{dashboard}");
        assert!(
            dashboard.contains("LC-2023-0001")
                && dashboard.contains("1-ABC-234")
                && dashboard.contains("549,00")
        );
        assert!(
            !dashboard.contains("FC-2024-0004"),
            "another customer's contract"
        );
        // SMS texts carry the code, its purpose and validity, in the customer's language.
        let texts = sms(&app).await;
        assert_eq!(texts.len(), 2);
        assert!(texts[0].body.contains("registreren") && texts[0].body.contains("5 minuten"));
        assert_eq!(texts[0].to, "+32470000101");
        // Acceptance stored with version, IP and user agent; a welcome mail went out.
        let account =
            backend::store::accounts::by_email(&app.state.db.pool, "an.peeters@example.be")
                .await
                .unwrap()
                .unwrap();
        let acceptances = backend::store::accounts::acceptances(&app.state.db.pool, account.id)
            .await
            .unwrap();
        assert_eq!(acceptances.len(), 1);
        assert_eq!(acceptances[0].0, "2026-11-01");
        assert_eq!(acceptances[0].2, "127.0.0.1");
        // First the code that confirmed the address, last the welcome mail.
        let mails = app.mails().await;
        assert_eq!(mails.len(), 2);
        assert!(mails[0].1.contains("To: an.peeters@example.be") && mails[0].1.contains("code"));
        assert!(
            mails[1].1.contains("To: an.peeters@example.be")
                && mails[1].1.contains("versie 2026-11-01")
        );
        // Sign out ends the session on the server; the dashboard then asks to sign in.
        post(&app, "auth/sign-out", &[]).await;
        let res = browse(&app, "/dashboard").await;
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()["location"], "/login?next=/dashboard");
        // Signing in again works with the new password, with any case in the e-mail address.
        let (_, location) = post(
            &app,
            "auth/sign-in",
            &[
                ("email", "AN.peeters@example.be"),
                ("password", PASSWORD),
                ("next", "/dashboard"),
            ],
        )
        .await;
        assert_eq!(location, "/dashboard");
        assert!(
            page(&app, "/dashboard")
                .await
                .contains("Welkom, An Peeters")
        );
    }
);

both_backends!(
    unknown_and_known_numbers_get_the_same_answer,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        // 100001 is valid, 999999 unknown, 100007 has no mobile, 100005 has only ended contracts.
        let mut pages = Vec::new();
        for number in ["100001", "999999", "100007", "100005"] {
            let fresh = TestApp::new_client(&app);
            let res = fresh
                .post(app.url("/api/register/start"))
                .header("accept", "text/html")
                .form(&[("customer_number", number)])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FOUND);
            let html = fresh
                .get(app.url("/register"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            // Only the nonce and the seconds of "send again" may differ.
            pages.push(strip_nonce(&html).replace(|c: char| c.is_ascii_digit(), "#"));
        }
        for p in &pages {
            if p != &pages[0] {
                let i = p
                    .chars()
                    .zip(pages[0].chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                panic!(
                    "the pages differ at {i}: {:?} vs {:?}",
                    &p[i.saturating_sub(80)..(i + 80).min(p.len())],
                    &pages[0][i.saturating_sub(80)..(i + 80).min(pages[0].len())]
                );
            }
        }
        assert_eq!(
            sms(&app).await.len(),
            1,
            "only the eligible customer got an SMS"
        );
        // A wrong code gives the same message as for the unknown number.
        let fresh = TestApp::new_client(&app);
        fresh
            .post(app.url("/api/register/start"))
            .header("accept", "text/html")
            .form(&[("customer_number", "999998")])
            .send()
            .await
            .unwrap();
        fresh
            .post(app.url("/api/register/code"))
            .header("accept", "text/html")
            .form(&[("code", "123456")])
            .send()
            .await
            .unwrap();
        let html = fresh
            .get(app.url("/register"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Deze code klopt niet"));
    }
);

/// Removes the per-response CSP nonce (also echoed in `crossorigin` attributes).
fn strip_nonce(html: &str) -> String {
    let mut out = String::new();
    for (n, part) in html.split('"').enumerate() {
        let previous_is_marker =
            out.ends_with("nonce=") || out.ends_with("crossorigin=") || out.ends_with("'nonce-");
        if n % 2 == 1 && previous_is_marker {
            out.push_str("\"N\"");
        } else if n % 2 == 1 {
            out.push('"');
            out.push_str(part);
            out.push('"');
        } else {
            out.push_str(part);
        }
    }
    out
}

both_backends!(
    an_already_registered_customer_gets_a_notice_instead_of_a_code,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100004", "LC-2024-0008", "sophie@example.com").await;
        // An hour later (the minute between two codes has passed) someone tries the number again.
        sqlx::query("UPDATE sms_codes SET created_at = created_at - 3600")
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let other = TestApp::new_client(&app);
        other
            .post(app.url("/api/register/start"))
            .header("accept", "text/html")
            .form(&[("customer_number", "100004")])
            .send()
            .await
            .unwrap();
        let last = sms(&app).await.last().unwrap().body.clone();
        assert!(last.contains("already have an account"), "{last}");
        assert!(!last.contains("code is"));
    }
);

both_backends!(steps_cannot_be_skipped, |backend: Backend| async move {
    let app = spawn(backend, true).await;
    let details = [
        ("first_name", "X"),
        ("last_name", "Y"),
        ("email", "x@example.be"),
        ("password", PASSWORD),
        ("password_confirmation", PASSWORD),
    ];
    post(&app, "register/details", &details).await;
    post(&app, "register/terms", &[("decision", "accept")]).await;
    let html = page(&app, "/register").await;
    assert!(html.contains("Stap 1 van 7") && html.contains("niet (meer) aan de beurt"));
    assert!(
        backend::store::accounts::by_email(&app.state.db.pool, "x@example.be")
            .await
            .unwrap()
            .is_none()
    );
    // After the first code, the contract step is still out of reach.
    post(&app, "register/start", &[("customer_number", "100002")]).await;
    post(
        &app,
        "register/contract",
        &[("contract_number", "FC-2024-0004")],
    )
    .await;
    assert!(page(&app, "/register").await.contains("Stap 2 van 7"));
});

both_backends!(
    five_wrong_codes_void_the_code,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        post(&app, "register/start", &[("customer_number", "100002")]).await;
        let right = last_code(&app).await;
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        for _ in 0..5 {
            post(&app, "register/code", &[("code", wrong)]).await;
            assert!(
                page(&app, "/register")
                    .await
                    .contains("Deze code klopt niet")
            );
        }
        post(&app, "register/code", &[("code", &right)]).await;
        let html = page(&app, "/register").await;
        assert!(
            html.contains("niet meer geldig"),
            "the right code no longer works after five wrong ones"
        );
        assert!(html.contains("Stap 2 van 7"));
    }
);

both_backends!(
    declining_the_terms_activates_nothing,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        post(&app, "register/start", &[("customer_number", "100006")]).await;
        post(&app, "register/code", &[("code", &last_code(&app).await)]).await;
        let details = [
            ("first_name", "Julie"),
            ("last_name", "Lambert"),
            ("email", "julie@example.be"),
            ("password", PASSWORD),
            ("password_confirmation", PASSWORD),
        ];
        post(&app, "register/details", &details).await;
        let code = mailed_code(&app, "julie@example.be").await;
        post(&app, "register/email-code", &[("code", &code)]).await;
        post(
            &app,
            "register/contract",
            &[("contract_number", "LC-2025-0011")],
        )
        .await;
        post(
            &app,
            "register/contract-code",
            &[("code", &last_code(&app).await)],
        )
        .await;
        post(&app, "register/terms", &[("decision", "decline")]).await;
        let html = page(&app, "/register").await;
        assert!(html.contains("U hebt de gebruiksvoorwaarden geweigerd"));
        assert!(
            backend::store::accounts::by_email(&app.state.db.pool, "julie@example.be")
                .await
                .unwrap()
                .is_none()
        );
    }
);

both_backends!(
    bad_details_keep_what_was_typed_and_say_why,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        post(&app, "register/start", &[("customer_number", "100002")]).await;
        post(&app, "register/code", &[("code", &last_code(&app).await)]).await;
        let details = [
            ("first_name", "Luc"),
            ("last_name", "Dubois"),
            ("email", "luc@example.be"),
            ("password", "1qaz2wsx3edc"),
            ("password_confirmation", "1qaz2wsx3edc"),
        ];
        post(&app, "register/details", &details).await;
        let html = page(&app, "/register").await;
        assert!(
            html.contains("lijst van veelgebruikte wachtwoorden"),
            "common password refused"
        );
        assert!(html.contains(r#"value="luc@example.be""#) && html.contains(r#"value="Dubois""#));
        assert!(
            !html.contains("1qaz2wsx3edc"),
            "passwords are never sent back"
        );
    }
);

both_backends!(
    sign_in_is_generic_and_renews_the_session,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        post(&app, "auth/sign-out", &[]).await;
        let before = app.client.get(app.url("/login")).send().await.unwrap();
        let _ = before.text().await;
        // Wrong password and unknown address: the same message.
        post(
            &app,
            "auth/sign-in",
            &[
                ("email", "an@example.be"),
                ("password", "wrong password here"),
            ],
        )
        .await;
        let wrong = page(&app, "/login").await;
        post(
            &app,
            "auth/sign-in",
            &[
                ("email", "nobody@example.be"),
                ("password", "wrong password here"),
            ],
        )
        .await;
        let unknown = page(&app, "/login").await;
        assert!(
            wrong.contains("E-mailadres of wachtwoord onjuist")
                && unknown.contains("E-mailadres of wachtwoord onjuist")
        );
        // The session id changes at sign-in.
        let res = app
            .client
            .post(app.url("/api/auth/sign-in"))
            .header("accept", "text/html")
            .form(&[("email", "an@example.be"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        let set_cookie: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        assert!(
            set_cookie.iter().any(|c| c.starts_with("portal_session=")
                && c.contains("HttpOnly")
                && c.contains("SameSite=Lax")),
            "{set_cookie:?}"
        );
        assert_eq!(res.headers()["location"], "/dashboard");
        // Open redirects after sign-in are not followed.
        post(&app, "auth/sign-out", &[]).await;
        let (_, location) = post(
            &app,
            "auth/sign-in",
            &[
                ("email", "an@example.be"),
                ("password", PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await;
        assert_eq!(location, "/dashboard");
    }
);

/// Signs in on a new client (another browser); returns it.
async fn second_browser(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    let other = TestApp::new_client(app);
    let res = other
        .post(app.url("/api/auth/sign-in"))
        .header("accept", "text/html")
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/dashboard");
    other
}

async fn browse_with(client: &reqwest::Client, app: &TestApp, path: &str) -> reqwest::Response {
    client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
}

async fn last_mail(app: &TestApp) -> String {
    app.mails().await.last().unwrap().1.clone()
}

fn link_token(mail: &str) -> String {
    let start = mail.find("token=").expect("a reset link") + 6;
    mail[start..start + 64].to_string()
}

both_backends!(
    sessions_can_be_listed_and_ended_one_by_one_or_everywhere,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        let other = second_browser(&app, "an@example.be", PASSWORD).await;
        let html = page(&app, "/profile/security").await;
        assert_eq!(
            html.matches("Deze sessie afmelden").count(),
            1,
            "the other browser can be signed out"
        );
        assert!(html.contains("dit toestel"));
        let account = backend::store::accounts::by_email(&app.state.db.pool, "an@example.be")
            .await
            .unwrap()
            .unwrap();
        let logins = backend::store::logins::list(&app.state.db.pool, account.id)
            .await
            .unwrap();
        assert_eq!(logins.len(), 2);
        // Another customer's login id cannot be ended from here.
        assert!(
            !backend::store::logins::end(
                &app.state.db.pool,
                account.id + 1000,
                &logins[0].login_id
            )
            .await
            .unwrap()
        );
        // The newest login is the other browser's; end it.
        let other_id = logins
            .iter()
            .find(|l| html.contains(&format!(r#"value="{}""#, l.login_id)))
            .unwrap()
            .login_id
            .clone();
        post(&app, "account/end-session", &[("login_id", &other_id)]).await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("De sessie is beëindigd")
        );
        assert_eq!(
            browse_with(&other, &app, "/dashboard").await.status(),
            StatusCode::FOUND,
            "the other browser is signed out"
        );
        assert_eq!(
            browse(&app, "/dashboard").await.status(),
            StatusCode::OK,
            "this one is not"
        );
        // Everywhere: this browser too.
        post(&app, "account/end-all-sessions", &[]).await;
        assert_eq!(browse(&app, "/dashboard").await.status(), StatusCode::FOUND);
        assert!(
            page(&app, "/login")
                .await
                .contains("U bent overal afgemeld")
        );
    }
);

both_backends!(
    changing_the_password_needs_the_current_one_and_ends_other_sessions,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        let other = second_browser(&app, "an@example.be", PASSWORD).await;
        let new = "een heel ander lang wachtwoord";
        post(
            &app,
            "account/change-password",
            &[
                ("current_password", "fout fout fout"),
                ("new_password", new),
                ("new_password_confirmation", new),
            ],
        )
        .await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("Uw huidige wachtwoord klopt niet")
        );
        post(
            &app,
            "account/change-password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("new_password_confirmation", new),
            ],
        )
        .await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("Uw wachtwoord is gewijzigd")
        );
        assert_eq!(
            browse_with(&other, &app, "/dashboard").await.status(),
            StatusCode::FOUND,
            "other sessions ended"
        );
        assert_eq!(
            browse(&app, "/dashboard").await.status(),
            StatusCode::OK,
            "this session goes on"
        );
        assert!(
            last_mail(&app)
                .await
                .contains("Subject: Uw wachtwoord bij Lumen Lease is gewijzigd")
        );
        let pool = &app.state.db.pool;
        assert!(
            backend::services::auth::sign_in(
                pool,
                app.state.clock.epoch(),
                "an@example.be",
                PASSWORD,
                "127.0.0.1"
            )
            .await
            .unwrap()
            .is_err()
        );
        assert!(
            backend::services::auth::sign_in(
                pool,
                app.state.clock.epoch(),
                "an@example.be",
                new,
                "127.0.0.1"
            )
            .await
            .unwrap()
            .is_ok()
        );
    }
);

both_backends!(
    a_reset_link_works_once_and_the_answer_is_the_same_for_unknown_addresses,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        let mails_before = app.mails().await.len();
        post(&app, "auth/forgot", &[("email", "nobody@example.be")]).await;
        let unknown = page(&app, "/login/forgot").await;
        post(&app, "auth/forgot", &[("email", "AN@example.be")]).await;
        let known = page(&app, "/login/forgot").await;
        assert!(
            unknown.contains("Als dit e-mailadres bij een account hoort")
                && known.contains("Als dit e-mailadres bij een account hoort")
        );
        assert_eq!(
            app.mails().await.len(),
            mails_before + 1,
            "only the real account got a mail"
        );
        let token = link_token(&last_mail(&app).await);
        assert!(
            page(&app, &format!("/login/reset?token={token}"))
                .await
                .contains("Wachtwoord opslaan")
        );
        let new = "een heel ander lang wachtwoord";
        let (_, location) = post(
            &app,
            "auth/reset",
            &[
                ("token", &token),
                ("new_password", new),
                ("new_password_confirmation", new),
            ],
        )
        .await;
        assert_eq!(location, "/login");
        assert!(
            page(&app, "/login")
                .await
                .contains("Uw wachtwoord is gewijzigd en al uw sessies zijn beëindigd")
        );
        // Single use.
        assert!(
            page(&app, &format!("/login/reset?token={token}"))
                .await
                .contains("niet (meer) geldig")
        );
        post(
            &app,
            "auth/reset",
            &[
                ("token", &token),
                ("new_password", "nog een ander wachtwoord"),
                ("new_password_confirmation", "nog een ander wachtwoord"),
            ],
        )
        .await;
        assert!(
            backend::services::auth::sign_in(
                &app.state.db.pool,
                app.state.clock.epoch(),
                "an@example.be",
                new,
                "127.0.0.1"
            )
            .await
            .unwrap()
            .is_ok()
        );
        assert!(
            page(&app, "/login/reset?token=abc")
                .await
                .contains("niet (meer) geldig")
        );
    }
);

both_backends!(
    reporting_a_known_password_ends_everything_and_alerts_the_cic,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        let other = second_browser(&app, "an@example.be", PASSWORD).await;
        let (_, location) = post(&app, "account/report-compromised", &[]).await;
        assert_eq!(location, "/login");
        assert!(
            page(&app, "/login")
                .await
                .contains("onze klantendienst is verwittigd")
        );
        assert_eq!(
            browse_with(&other, &app, "/dashboard").await.status(),
            StatusCode::FOUND
        );
        let pool = &app.state.db.pool;
        let account = backend::store::accounts::by_email(pool, "an@example.be")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            backend::store::incidents::of_account(pool, account.id)
                .await
                .unwrap()[0]
                .0,
            "password_may_be_known"
        );
        assert_eq!(
            backend::services::auth::sign_in(
                pool,
                app.state.clock.epoch(),
                "an@example.be",
                PASSWORD,
                "127.0.0.1"
            )
            .await
            .unwrap()
            .err(),
            Some(domain::refusal::Refusal::MustResetPassword)
        );
        let token = link_token(&last_mail(&app).await);
        let new = "een heel ander lang wachtwoord";
        post(
            &app,
            "auth/reset",
            &[
                ("token", &token),
                ("new_password", new),
                ("new_password_confirmation", new),
            ],
        )
        .await;
        assert!(
            backend::services::auth::sign_in(
                pool,
                app.state.clock.epoch(),
                "an@example.be",
                new,
                "127.0.0.1"
            )
            .await
            .unwrap()
            .is_ok()
        );
    }
);

both_backends!(
    an_idle_session_no_longer_signs_in,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        assert_eq!(browse(&app, "/dashboard").await.status(), StatusCode::OK);
        // Fifteen minutes without activity: the stored session has expired (written through
        // the session store, which on SQLite also keeps it in memory).
        use tower_sessions::SessionStore;
        let table = match backend {
            Backend::Sqlite => "SELECT id FROM tower_sessions",
            Backend::Postgres => "SELECT id FROM tower_sessions.session",
        };
        let ids: Vec<String> = sqlx::query_scalar(table)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        assert!(!ids.is_empty());
        for id in ids {
            let id: tower_sessions::session::Id = id.parse().unwrap();
            if let Some(mut record) = app.state.sessions.load(&id).await.unwrap() {
                record.expiry_date = time::OffsetDateTime::UNIX_EPOCH;
                app.state.sessions.save(&record).await.unwrap();
            }
        }
        let res = browse(&app, "/dashboard").await;
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()["location"], "/login?next=/dashboard");
    }
);

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).expect("start marker") + start.len();
    let j = html[i..].find(end).expect("end marker") + i;
    &html[i..j]
}

both_backends!(
    the_optional_second_factor_protects_sign_in,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("Tweestapsverificatie inschakelen")
        );
        // Binding an authenticator needs the current password.
        post(
            &app,
            "account/two-factor-start",
            &[("two_factor_password", "niet het wachtwoord")],
        )
        .await;
        let html = page(&app, "/profile/security").await;
        assert!(html.contains("Uw huidige wachtwoord klopt niet"), "{html}");
        assert!(!html.contains("data:image/svg+xml"));
        post(
            &app,
            "account/two-factor-start",
            &[("two_factor_password", PASSWORD)],
        )
        .await;
        let html = page(&app, "/profile/security").await;
        assert!(html.contains("data:image/svg+xml"), "a QR code is shown");
        let secret = between(&html, r#"<code class="key">"#, "</code>").to_string();
        let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
        post(
            &app,
            "account/two-factor-confirm",
            &[("two_factor_password", PASSWORD), ("code", "000000")],
        )
        .await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("Deze code klopt niet")
        );
        post(
            &app,
            "account/two-factor-confirm",
            &[
                ("two_factor_password", PASSWORD),
                (
                    "code",
                    &backend::infra::totp::code_at(&secret, now).unwrap(),
                ),
            ],
        )
        .await;
        let html = page(&app, "/profile/security").await;
        assert!(html.contains("Tweestapsverificatie staat aan"));
        // At rest the secret is sealed with the data key, and the session never held the
        // key being bound or the recovery codes in clear.
        let stored: String = sqlx::query_scalar(
            "SELECT totp_secret FROM portal_accounts WHERE email = 'an@example.be'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert!(
            stored.starts_with("v1:") && !stored.contains(&secret),
            "{stored}"
        );
        let table = match backend {
            Backend::Sqlite => "tower_sessions",
            Backend::Postgres => "tower_sessions.session",
        };
        let sessions: Vec<Vec<u8>> = sqlx::query_scalar(&format!("SELECT data FROM {table}"))
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        assert!(!sessions.is_empty());
        assert!(
            sessions
                .iter()
                .all(|d| !String::from_utf8_lossy(d).contains(&secret)),
            "the authenticator key in a session in clear"
        );
        assert!(
            last_mail(&app)
                .await
                .contains("Tweestapsverificatie ingeschakeld"),
            "the customer is told"
        );
        let codes: Vec<String> = html
            .split("<li><code>")
            .skip(1)
            .map(|c| c.split('<').next().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
        assert!(
            !page(&app, "/profile/security").await.contains(&codes[0]),
            "not shown again"
        );
        // A second authenticator cannot be bound while the first is on.
        post(
            &app,
            "account/two-factor-start",
            &[("two_factor_password", PASSWORD)],
        )
        .await;
        let html = page(&app, "/profile/security").await;
        assert!(html.contains("staat al aan") && !html.contains("data:image/svg+xml"));

        // Sign-in now asks for the second factor after the password.
        post(&app, "auth/sign-out", &[]).await;
        let (_, location) = post(
            &app,
            "auth/sign-in",
            &[
                ("email", "an@example.be"),
                ("password", PASSWORD),
                ("next", "/dashboard"),
            ],
        )
        .await;
        assert_eq!(location, "/login/code?next=/dashboard");
        assert_eq!(
            browse(&app, "/dashboard").await.status(),
            StatusCode::FOUND,
            "not signed in yet"
        );
        let (_, location) = post(
            &app,
            "auth/second-factor",
            &[("code", "123456"), ("next", "/dashboard")],
        )
        .await;
        assert_eq!(location, "/login/code?next=/dashboard");
        let (_, location) = post(
            &app,
            "auth/second-factor",
            &[("code", &codes[0].to_uppercase()), ("next", "/dashboard")],
        )
        .await;
        assert_eq!(location, "/dashboard", "a recovery code works");
        assert!(
            last_mail(&app).await.contains("herstelcode gebruikt"),
            "using a recovery code is e-mailed"
        );
        // A recovery code works once; an app code of the next step works.
        post(&app, "auth/sign-out", &[]).await;
        post(
            &app,
            "auth/sign-in",
            &[("email", "an@example.be"), ("password", PASSWORD)],
        )
        .await;
        let (_, location) = post(&app, "auth/second-factor", &[("code", &codes[0])]).await;
        assert!(location.starts_with("/login/code"));
        let next_step = backend::infra::totp::code_at(&secret, now + 30).unwrap();
        let (_, location) = post(&app, "auth/second-factor", &[("code", &next_step)]).await;
        assert_eq!(location, "/dashboard");
        // Disabling needs the password and a code.
        post(
            &app,
            "account/two-factor-disable",
            &[("disable_password", "wrong"), ("code", &codes[1])],
        )
        .await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("tweestapsverificatie blijft aan")
        );
        post(
            &app,
            "account/two-factor-disable",
            &[("disable_password", PASSWORD), ("code", &codes[1])],
        )
        .await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("Tweestapsverificatie staat uit")
        );
        assert!(
            last_mail(&app)
                .await
                .contains("Tweestapsverificatie uitgeschakeld")
        );
    }
);

both_backends!(
    the_e_mail_address_changes_only_through_the_link_to_the_new_address,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        post(
            &app,
            "account/change-email",
            &[
                ("new_email", "an.nieuw@example.be"),
                ("email_password", "fout"),
            ],
        )
        .await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("Uw huidige wachtwoord klopt niet")
        );
        post(
            &app,
            "account/change-email",
            &[
                ("new_email", "An.Nieuw@example.be"),
                ("email_password", PASSWORD),
            ],
        )
        .await;
        assert!(
            page(&app, "/profile/security")
                .await
                .contains("We stuurden een bevestigingslink")
        );
        let mails = app.mails().await;
        let confirm = mails
            .iter()
            .rev()
            .find(|(_, m)| m.contains("To: an.nieuw@example.be"))
            .unwrap()
            .1
            .clone();
        assert!(
            mails
                .iter()
                .any(|(_, m)| m.contains("To: an@example.be") && m.contains("an.nieuw@example.be")),
            "the old address is told"
        );
        let token = {
            let start = confirm.find("token=").unwrap() + 6;
            confirm[start..start + 64].to_string()
        };
        // Opening the link changes nothing yet.
        let html = page(&app, &format!("/profile/email?token={token}")).await;
        assert!(html.contains("Wilt u an.nieuw@example.be"));
        let pool = &app.state.db.pool;
        assert!(
            backend::store::accounts::by_email(pool, "an@example.be")
                .await
                .unwrap()
                .is_some()
        );
        post(&app, "account/confirm-email", &[("token", &token)]).await;
        assert!(
            page(&app, &format!("/profile/email?token={token}"))
                .await
                .contains("Uw e-mailadres is gewijzigd")
        );
        assert!(
            backend::store::accounts::by_email(pool, "an@example.be")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            backend::services::auth::sign_in(
                pool,
                app.state.clock.epoch(),
                "an.nieuw@example.be",
                PASSWORD,
                "127.0.0.1"
            )
            .await
            .unwrap()
            .is_ok()
        );
        // Single use.
        post(&app, "account/confirm-email", &[("token", &token)]).await;
        assert!(
            page(&app, &format!("/profile/email?token={token}"))
                .await
                .contains("niet (meer) geldig")
        );
    }
);

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("portal_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

both_backends!(
    the_session_id_changes_at_sign_in,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        // A browser that manages its cookie by hand: a failed attempt gives it a session…
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let sign_in = |password: &'static str, cookie: Option<String>| {
            let mut req = bare
                .post(app.url("/api/auth/sign-in"))
                .header("accept", "text/html")
                .form(&[("email", "an@example.be"), ("password", password)]);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            req.send()
        };
        let before = session_cookie(&sign_in("niet het wachtwoord", None).await.unwrap())
            .expect("a session for the message");
        // …and signing in with it hands out another session id.
        let after = session_cookie(&sign_in(PASSWORD, Some(before.clone())).await.unwrap())
            .expect("a new session cookie");
        assert_ne!(before, after);
        let old = bare
            .get(app.url("/dashboard"))
            .header("accept", "text/html")
            .header("cookie", &before)
            .send()
            .await
            .unwrap();
        assert_eq!(
            old.status(),
            StatusCode::FOUND,
            "the old session id is not signed in"
        );
        let new = bare
            .get(app.url("/dashboard"))
            .header("accept", "text/html")
            .header("cookie", &after)
            .send()
            .await
            .unwrap();
        assert_eq!(new.status(), StatusCode::OK);
    }
);

both_backends!(
    a_sign_in_older_than_twelve_hours_no_longer_counts,
    |backend: Backend| async move {
        use tower_sessions::SessionStore;
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        assert_eq!(browse(&app, "/dashboard").await.status(), StatusCode::OK);
        // The browser stayed active (no idle timeout), but it signed in 12 hours and 1 minute
        // ago: move the sign-in time stored in its session back.
        let table = match backend {
            Backend::Sqlite => "SELECT id FROM tower_sessions",
            Backend::Postgres => "SELECT id FROM tower_sessions.session",
        };
        let ids: Vec<String> = sqlx::query_scalar(table)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        let mut moved = 0;
        for id in ids {
            let id: tower_sessions::session::Id = id.parse().unwrap();
            let Some(mut record) = app.state.sessions.load(&id).await.unwrap() else {
                continue;
            };
            if let Some(at) = record.data.get("signed_in_at").and_then(|v| v.as_i64()) {
                record.data.insert(
                    "signed_in_at".into(),
                    serde_json::json!(at - 12 * 3600 - 60),
                );
                app.state.sessions.save(&record).await.unwrap();
                moved += 1;
            }
        }
        assert_eq!(moved, 1, "one signed-in session");
        let res = browse(&app, "/dashboard").await;
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()["location"], "/login?next=/dashboard");
    }
);

both_backends!(
    the_details_step_does_not_reveal_that_an_address_has_an_account,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        register(&app, "100001", "LC-2023-0001", "an@example.be").await;
        post(&app, "auth/sign-out", &[]).await;
        let details_with = |email: &'static str| {
            [
                ("first_name", "Luc"),
                ("last_name", "Dubois"),
                ("email", email),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
            ]
        };
        // Someone who proved a customer number types an address that has an account, someone
        // else one that has none: the same step, the same text.
        let answer = |customer: &'static str, email: &'static str| {
            let app = &app;
            async move {
                let fresh = TestApp::new_client(app);
                let form = |endpoint: &'static str, f: Vec<(&'static str, String)>| {
                    let fresh = fresh.clone();
                    async move {
                        fresh
                            .post(app.url(&format!("/api/{endpoint}")))
                            .header("accept", "text/html")
                            .form(&f)
                            .send()
                            .await
                            .unwrap();
                    }
                };
                form("register/start", vec![("customer_number", customer.into())]).await;
                form("register/code", vec![("code", last_code(app).await)]).await;
                let d = details_with(email)
                    .iter()
                    .map(|(k, v)| (*k, v.to_string()))
                    .collect();
                form("register/details", d).await;
                let html = app.page_as(&fresh, "/register").await;
                (fresh, html)
            }
        };
        let (taken_browser, taken) = answer("100002", "an@example.be").await;
        assert!(taken.contains("Stap 4 van 7"), "{taken}");
        assert!(!taken.contains("al gebruikt"));
        // The owner of the address is told; no code can be right.
        let mail = &app
            .mails()
            .await
            .into_iter()
            .rev()
            .find(|(_, m)| m.contains("To: an@example.be"))
            .unwrap()
            .1;
        assert!(
            mail.contains("/login") && !mail.contains("Uw code"),
            "{mail}"
        );
        taken_browser
            .post(app.url("/api/register/email-code"))
            .header("accept", "text/html")
            .form(&[("code", "123456")])
            .send()
            .await
            .unwrap();
        let html = app.page_as(&taken_browser, "/register").await;
        assert!(html.contains("Stap 4 van 7") && html.contains("Deze code klopt niet"));
        // A free address: the same page, and its code arrives.
        let (_, free) = answer("100006", "luc@example.be").await;
        // The same page (numbers aside: "send again" counts seconds down).
        let shape = |html: &str| {
            strip_nonce(html)
                .split(|c: char| c.is_ascii_digit())
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join("#")
        };
        assert_eq!(shape(&taken), shape(&free));
        assert_eq!(mailed_code(&app, "luc@example.be").await.len(), 6);
    }
);
