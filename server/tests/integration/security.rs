//! Account security: limits and single use hold under parallel requests (issue 9), on both
//! databases. Each test sends its requests at once, so a check-then-act limit would let them
//! all through.

use backend::store::codes::{self, Purpose};
use domain::codes::CheckOutcome;
use testkit::both_backends;
use testkit::{Backend, TestApp, spawn};

const NUMBER: &str = "100002";

/// Issues a real code for the demo customer and returns it.
async fn issue_code(app: &TestApp) -> String {
    let pool = &app.state.db.pool;
    let mut tx = backend::infra::db::begin_write(pool).await.unwrap();
    let code = codes::issue(
        &mut tx,
        app.state.clock.epoch(),
        NUMBER,
        Purpose::Registration,
        true,
    )
    .await
    .unwrap()
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    code
}

async fn guess_all(app: &TestApp, guesses: Vec<String>) -> Vec<CheckOutcome> {
    let pool = &app.state.db.pool;
    let now = app.state.clock.epoch();
    let tries = guesses
        .iter()
        .map(|g| Box::pin(codes::verify(pool, now, NUMBER, Purpose::Registration, g)))
        .collect();
    join_all(tries)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

/// Polls the futures together on this task, so their database calls interleave.
async fn join_all<F: std::future::Future + Unpin>(mut futures: Vec<F>) -> Vec<F::Output> {
    let mut results: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futures.iter_mut().enumerate() {
            if results[i].is_none() {
                match std::pin::Pin::new(f).poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(Option::unwrap).collect()
}

both_backends!(
    twenty_parallel_wrong_guesses_spend_at_most_five_attempts,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let right = issue_code(&app).await;
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        let outcomes = guess_all(&app, vec![wrong.to_string(); 20]).await;
        let counted = outcomes
            .iter()
            .filter(|o| **o == CheckOutcome::Wrong)
            .count();
        assert!(
            counted <= 5,
            "{counted} wrong guesses were counted: {outcomes:?}"
        );
        let attempts: i64 =
            sqlx::query_scalar("SELECT MAX(attempts) FROM sms_codes WHERE customer_number = $1")
                .bind(NUMBER)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert!(attempts <= 5, "the code was tried {attempts} times");
        // After the guesses the right code no longer works.
        assert_eq!(guess_all(&app, vec![right]).await, vec![CheckOutcome::Void]);
    }
);

both_backends!(
    a_code_sent_ten_times_at_once_is_accepted_once,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let right = issue_code(&app).await;
        let outcomes = guess_all(&app, vec![right; 10]).await;
        let accepted = outcomes
            .iter()
            .filter(|o| **o == CheckOutcome::Accepted)
            .count();
        assert_eq!(accepted, 1, "{outcomes:?}");
    }
);

both_backends!(
    ten_parallel_code_requests_issue_at_most_three_codes,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let pool = app.state.db.pool.clone();
        let now = app.state.clock.epoch();
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = backend::infra::db::begin_write(&pool).await.unwrap();
                let issued = codes::issue(&mut tx, now, NUMBER, Purpose::Registration, true)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                issued.is_ok()
            }));
        }
        let mut issued = 0;
        for t in tasks {
            issued += usize::from(t.await.unwrap());
        }
        let rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sms_codes WHERE customer_number = $1")
                .bind(NUMBER)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!(
            issued <= 3 && rows <= 3,
            "{issued} codes issued, {rows} stored"
        );
        // "Send again" waits a minute for the same purpose: of ten at once, one is sent.
        assert_eq!(issued, 1);
    }
);

const OWNER: &str = "an@example.be";
const STRANGER: &str = "boef@example.be";
const NEW_PASSWORD: &str = "een heel ander lang wachtwoord";

/// The 64-hex token after `marker` in the newest mail to `to`.
async fn token_in_mail(app: &TestApp, to: &str, marker: &str) -> String {
    let mails = app.mails().await;
    let mail = mails
        .iter()
        .rev()
        .find(|(_, m)| m.contains(&format!("To: {to}")) && m.contains(marker))
        .unwrap_or_else(|| panic!("a mail to {to} with {marker}"))
        .1
        .clone();
    let start = mail.find(marker).unwrap() + marker.len();
    mail[start..start + 64].to_string()
}

async fn account(app: &TestApp, customer_number: &str) -> backend::store::accounts::AccountRow {
    let c = backend::store::customers::by_number(&app.state.db.pool, customer_number)
        .await
        .unwrap()
        .unwrap();
    let pool = &app.state.db.pool;
    let id: i64 = sqlx::query_scalar("SELECT id FROM portal_accounts WHERE customer_id = $1")
        .bind(c.id)
        .fetch_one(pool)
        .await
        .unwrap();
    backend::store::accounts::by_id(pool, id)
        .await
        .unwrap()
        .unwrap()
}

/// Someone who knows the password asks to move the account to their own address.
async fn stranger_asks_for_email_change(app: &TestApp, browser: &reqwest::Client) -> String {
    app.post_form_as(
        browser,
        "account/change-email",
        &[
            ("new_email", STRANGER),
            ("email_password", testkit::CUSTOMER_PASSWORD),
        ],
    )
    .await;
    token_in_mail(app, STRANGER, "email?token=").await
}

both_backends!(
    a_compromise_report_voids_a_pending_email_change_and_older_reset_links,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        let confirm = stranger_asks_for_email_change(&app, &owner).await;
        app.post_form("auth/forgot", &[("email", OWNER)]).await;
        let older_reset = token_in_mail(&app, OWNER, "reset?token=").await;
        app.post_form_as(&owner, "account/report-compromised", &[])
            .await;
        // The stranger's link no longer moves the account.
        app.post_form("account/confirm-email", &[("token", &confirm)])
            .await;
        assert_eq!(account(&app, "100001").await.email, OWNER);
        // A reset link from before the report no longer works; the new one does.
        app.post_form(
            "auth/reset",
            &[
                ("token", &older_reset),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
        assert_eq!(account(&app, "100001").await.must_reset_password, 1);
        let fresh = token_in_mail(&app, OWNER, "reset?token=").await;
        assert_ne!(fresh, older_reset);
        app.post_form(
            "auth/reset",
            &[
                ("token", &fresh),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
        assert_eq!(account(&app, "100001").await.must_reset_password, 0);
    }
);

both_backends!(
    a_password_change_voids_open_email_changes_and_reset_links,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        let confirm = stranger_asks_for_email_change(&app, &owner).await;
        app.post_form("auth/forgot", &[("email", OWNER)]).await;
        let reset = token_in_mail(&app, OWNER, "reset?token=").await;
        app.post_form_as(
            &owner,
            "account/change-password",
            &[
                ("current_password", testkit::CUSTOMER_PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
        app.post_form("account/confirm-email", &[("token", &confirm)])
            .await;
        assert_eq!(
            account(&app, "100001").await.email,
            OWNER,
            "the change was voided"
        );
        let third = "nog een ander lang wachtwoord";
        app.post_form(
            "auth/reset",
            &[
                ("token", &reset),
                ("new_password", third),
                ("new_password_confirmation", third),
            ],
        )
        .await;
        let pool = &app.state.db.pool;
        let now = app.state.clock.epoch();
        let third_ok = backend::services::auth::sign_in(pool, now, OWNER, third, "127.0.0.1")
            .await
            .unwrap()
            .is_ok();
        assert!(!third_ok, "the older reset link was voided");
        let new_ok = backend::services::auth::sign_in(pool, now, OWNER, NEW_PASSWORD, "127.0.0.1")
            .await
            .unwrap()
            .is_ok();
        assert!(new_ok);
    }
);

both_backends!(
    this_was_not_me_undoes_a_confirmed_change_and_secures_the_account,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        let confirm = stranger_asks_for_email_change(&app, &owner).await;
        // The notice to the old address carries the link; opening it changes nothing.
        let first_link = token_in_mail(&app, OWNER, "not-me?token=").await;
        let html = app
            .browse(&format!("/profile/email/not-me?token={first_link}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Dit was ik niet") && html.contains(STRANGER),
            "{html}"
        );
        // The stranger is faster: the address is changed, the owner is told again.
        app.post_form("account/confirm-email", &[("token", &confirm)])
            .await;
        assert_eq!(account(&app, "100001").await.email, STRANGER);
        let not_me = token_in_mail(&app, OWNER, "not-me?token=").await;
        let (_, location) = app.post_form("account/not-me", &[("token", &not_me)]).await;
        assert_eq!(location, "/login");
        let a = account(&app, "100001").await;
        assert_eq!(a.email, OWNER, "the old address is back");
        assert_eq!(a.must_reset_password, 1, "sign-in is blocked until a reset");
        let dashboard = app.post_form_as(&owner, "customer/dashboard", &[]).await;
        assert!(
            dashboard.1.starts_with("/login"),
            "every session ended: {dashboard:?}"
        );
        let reset = token_in_mail(&app, OWNER, "reset?token=").await;
        assert_eq!(reset.len(), 64, "a reset link went to the old address");
        let incidents = backend::store::incidents::of_account(&app.state.db.pool, a.id)
            .await
            .unwrap();
        assert!(
            incidents
                .iter()
                .any(|(kind, _)| kind == "email_change_not_me")
        );
        // Single use.
        app.post_form("account/not-me", &[("token", &not_me)]).await;
        let html = app
            .browse(&format!("/profile/email/not-me?token={not_me}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("niet (meer) geldig"), "{html}");
    }
);

both_backends!(
    personal_answers_are_never_stored_by_a_browser_or_proxy,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        let cache = |res: &reqwest::Response| {
            res.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        for path in ["/dashboard", "/profile/security", "/invoices", "/login"] {
            let res = owner
                .get(app.url(path))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{path}");
            assert!(
                cache(&res).contains("no-store"),
                "{path}: {:?}",
                cache(&res)
            );
        }
        let res = owner
            .post(app.url("/api/customer/dashboard"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            cache(&res).contains("no-store"),
            "server function: {:?}",
            cache(&res)
        );
        let number: String = sqlx::query_scalar(
            "SELECT i.invoice_number FROM invoices i JOIN contracts c ON c.id = i.contract_id
             JOIN customers u ON u.id = c.customer_id WHERE u.customer_number = '100001' LIMIT 1",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let res = owner
            .get(app.url(&format!("/invoices/{number}/pdf")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            cache(&res).contains("no-store"),
            "download: {:?}",
            cache(&res)
        );
    }
);

/// A sign-in from `client` behind the test's proxy (127.0.0.1) for the address `from`;
/// returns where the portal sends the browser (`/dashboard` when signed in).
async fn sign_in_from(app: &TestApp, from: &str, email: &str, password: &str) -> String {
    let res = TestApp::new_client(app)
        .post(app.url("/api/auth/sign-in"))
        .header("accept", "text/html")
        .header("x-forwarded-for", from)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The failed attempts on a throttle key: client address and 0.
async fn failures(app: &TestApp, key: &str) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT ip_address, succeeded FROM sign_in_attempts WHERE email = $1 AND succeeded = 0 ORDER BY id",
    )
        .bind(key)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

both_backends!(
    twenty_parallel_wrong_guesses_at_a_secret_are_checked_at_most_five_times,
    |backend: Backend| async move {
        use backend::services::throttle::{self, Denied, Key};
        let app = testkit::spawn_at(backend, true, testkit::mid_november_2026()).await;
        let pool = &app.state.db.pool;
        let now = app.state.clock.epoch();
        let checks = std::sync::atomic::AtomicUsize::new(0);
        let key = Key::SignIn(OWNER.into());
        let tries = (0..20)
            .map(|_| {
                Box::pin(throttle::attempt(pool, now, &key, "192.0.2.1", async {
                    checks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    Ok::<Result<(), Denied>, backend::StoreError>(Err(Denied::Wrong))
                }))
            })
            .collect();
        let outcomes = join_all(tries).await;
        // The clock stands still: five free failures, then every attempt must wait.
        let checked = checks.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(checked, 5, "{outcomes:?}");
        assert_eq!(failures(&app, OWNER).await.len(), 5);
    }
);

both_backends!(
    a_strangers_wrong_passwords_do_not_keep_the_owner_out,
    |backend: Backend| async move {
        let app = testkit::spawn_full(
            backend,
            true,
            &[("PORTAL_TRUSTED_PROXIES", "127.0.0.1/32")],
            testkit::mid_november_2026(),
            true,
        )
        .await;
        app.signed_in_customer("100001", OWNER).await;
        let stranger = "203.0.113.66";
        for _ in 0..8 {
            assert_eq!(
                sign_in_from(&app, stranger, OWNER, "wrong guess").await,
                "/login"
            );
        }
        // The stranger waits; the owner, from home, signs in at once.
        let rows = failures(&app, OWNER).await;
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert!(rows.iter().all(|(ip, _)| ip == stranger), "{rows:?}");
        assert_eq!(
            sign_in_from(&app, "198.51.100.7", OWNER, testkit::CUSTOMER_PASSWORD).await,
            "/dashboard"
        );
        // A successful reset forgets the stranger's failures.
        app.post_form("auth/forgot", &[("email", OWNER)]).await;
        app.outbox_settled().await;
        let token = token_in_mail(&app, OWNER, "reset?token=").await;
        app.post_form(
            "auth/reset",
            &[
                ("token", &token),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
        assert_eq!(failures(&app, OWNER).await, vec![]);
    }
);

both_backends!(
    client_addresses_come_from_trusted_proxies_only,
    |backend: Backend| async move {
        // Without trusted proxies a forged X-Forwarded-For is ignored.
        let app = testkit::spawn_at(backend, true, testkit::mid_november_2026()).await;
        sign_in_from(&app, "6.6.6.6", "nobody@example.be", "x").await;
        let rows = failures(&app, "nobody@example.be").await;
        assert_eq!(rows, vec![("127.0.0.1".to_string(), 0)]);
        // Behind a trusted proxy the right-most untrusted hop is the client, and a signed-in
        // session stores that address.
        let app = testkit::spawn_full(
            backend,
            true,
            &[("PORTAL_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")],
            testkit::mid_november_2026(),
            true,
        )
        .await;
        sign_in_from(
            &app,
            "6.6.6.6, 198.51.100.7, 10.1.2.3",
            "nobody@example.be",
            "x",
        )
        .await;
        let rows = failures(&app, "nobody@example.be").await;
        assert_eq!(rows, vec![("198.51.100.7".to_string(), 0)]);
        app.signed_in_customer("100001", OWNER).await;
        assert_eq!(
            sign_in_from(&app, "198.51.100.7", OWNER, testkit::CUSTOMER_PASSWORD).await,
            "/dashboard"
        );
        let ips: Vec<String> = sqlx::query_scalar("SELECT ip_address FROM account_logins")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        assert!(ips.contains(&"198.51.100.7".to_string()), "{ips:?}");
    }
);

both_backends!(
    ipv6_clients_share_one_budget_per_64,
    |backend: Backend| async move {
        let app = testkit::spawn_full(
            backend,
            true,
            &[
                ("PORTAL_TRUSTED_PROXIES", "127.0.0.1"),
                ("PORTAL_AUTH_RATE_PER_MINUTE", "3"),
            ],
            testkit::mid_november_2026(),
            true,
        )
        .await;
        let status = |from: String| {
            let client = TestApp::new_client(&app);
            let url = app.url("/api/auth/forgot");
            async move {
                client
                    .post(url)
                    .header("accept", "text/html")
                    .header("x-forwarded-for", from)
                    .form(&[("email", "x@example.be")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        for i in 1..=3 {
            assert_eq!(status(format!("2001:db8:1:2::{i}")).await, 302);
        }
        // Another address of the same /64: the same subscriber.
        assert_eq!(status("2001:db8:1:2:ffff::9".into()).await, 429);
        // Another /64 and an IPv4 client have their own budget.
        assert_eq!(status("2001:db8:1:3::1".into()).await, 302);
        assert_eq!(status("198.51.100.7".into()).await, 302);
    }
);

both_backends!(
    every_secret_check_is_throttled,
    |backend: Backend| async move {
        let app = testkit::spawn_at(backend, true, testkit::mid_november_2026()).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        let account_id = account(&app, "100001").await.id;
        // Wrong current passwords on the security page count like wrong sign-ins.
        for (endpoint, form) in [
            (
                "account/change-password",
                vec![
                    ("current_password", "wrong one"),
                    ("new_password", NEW_PASSWORD),
                    ("new_password_confirmation", NEW_PASSWORD),
                ],
            ),
            (
                "account/change-email",
                vec![("new_email", STRANGER), ("email_password", "wrong one")],
            ),
            (
                "account/two-factor-start",
                vec![("two_factor_password", "wrong one")],
            ),
            (
                "account/two-factor-disable",
                vec![("disable_password", "wrong one"), ("code", "123456")],
            ),
        ] {
            app.post_form_as(&owner, endpoint, &form).await;
        }
        let rows = failures(&app, &format!("account:{account_id}")).await;
        assert_eq!(rows.len(), 4, "{rows:?}");
        for _ in 0..3 {
            app.post_form_as(
                &owner,
                "account/change-password",
                &[
                    ("current_password", "wrong again"),
                    ("new_password", NEW_PASSWORD),
                    ("new_password_confirmation", NEW_PASSWORD),
                ],
            )
            .await;
        }
        // Past five failures even the right password waits.
        app.post_form_as(
            &owner,
            "account/change-email",
            &[
                ("new_email", STRANGER),
                ("email_password", testkit::CUSTOMER_PASSWORD),
            ],
        )
        .await;
        let res = app.json_as(&owner, "account/email-state").await;
        assert!(res.contains("auth.wait"), "{res}");
        assert_eq!(
            failures(&app, &format!("account:{account_id}")).await.len(),
            5
        );
    }
);

both_backends!(
    forms_posted_from_another_site_are_refused,
    |backend: Backend| async move {
        let app = testkit::spawn_at(backend, true, testkit::mid_november_2026()).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        let post = |client: &reqwest::Client, endpoint: &str, headers: &[(&str, String)]| {
            let mut req = client
                .post(app.url(&format!("/api/{endpoint}")))
                .header("accept", "text/html")
                .form(&[
                    ("email", OWNER),
                    ("password", "forged"),
                    ("new_email", STRANGER),
                    ("email_password", testkit::CUSTOMER_PASSWORD),
                ]);
            for (k, v) in headers {
                req = req.header(*k, v);
            }
            async move { req.send().await.unwrap() }
        };
        let evil = [("origin", "https://evil.example".to_string())];
        let res = post(&owner, "account/change-email", &evil).await;
        assert_eq!(res.status(), 403);
        assert!(res.text().await.unwrap().contains("andere website"));
        let cross = [("sec-fetch-site", "cross-site".to_string())];
        assert_eq!(
            post(&owner, "account/change-email", &cross).await.status(),
            403
        );
        // Login CSRF: a forged sign-in is not even tried.
        assert_eq!(post(&app.client, "auth/sign-in", &evil).await.status(), 403);
        assert_eq!(failures(&app, OWNER).await, vec![]);
        app.outbox_settled().await;
        assert!(!app.mails().await.iter().any(|(_, m)| m.contains(STRANGER)));
        // The portal's own pages pass.
        let own = [
            ("origin", format!("http://{}", app.addr)),
            ("sec-fetch-site", "same-origin".to_string()),
        ];
        assert_eq!(
            post(&owner, "account/change-email", &own).await.status(),
            302
        );
        app.outbox_settled().await;
        assert!(app.mails().await.iter().any(|(_, m)| m.contains(STRANGER)));
    }
);

both_backends!(
    a_staff_session_lives_while_used_and_ends_fifteen_minutes_after_the_last_request,
    |backend: Backend| async move {
        let clock = testkit::mid_november_2026();
        let app = testkit::spawn_at(backend, true, clock.clone()).await;
        let staff = app.staff(domain::model::StaffRole::Agent).await;
        let status = || {
            let req = staff
                .get(app.url("/cic"))
                .header("accept", "text/html")
                .send();
            async move { req.await.unwrap().status() }
        };
        assert_eq!(status().await, 200);
        // Busy for an hour, a request every 14 minutes: still signed in.
        for _ in 0..4 {
            clock.advance(time::Duration::minutes(14));
            assert_eq!(status().await, 200);
        }
        // Then 15 minutes without a request: signed out.
        clock.advance(time::Duration::minutes(15));
        assert_eq!(status().await, 302);
        assert_eq!(status().await, 302);
    }
);

both_backends!(
    a_customer_session_ends_fifteen_minutes_after_the_last_request,
    |backend: Backend| async move {
        let clock = testkit::mid_november_2026();
        let app = testkit::spawn_at(backend, true, clock.clone()).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        let status = || {
            let req = owner
                .get(app.url("/dashboard"))
                .header("accept", "text/html")
                .send();
            async move { req.await.unwrap().status() }
        };
        clock.advance(time::Duration::minutes(14));
        assert_eq!(status().await, 200);
        clock.advance(time::Duration::minutes(14));
        assert_eq!(status().await, 200);
        clock.advance(time::Duration::minutes(15));
        assert_eq!(status().await, 302);
    }
);

both_backends!(
    an_email_change_does_not_reveal_that_an_address_has_an_account,
    |backend: Backend| async move {
        let app = testkit::spawn_at(backend, true, testkit::mid_november_2026()).await;
        let owner = app.signed_in_customer("100001", OWNER).await;
        app.signed_in_customer("100002", STRANGER).await;
        let answer = |new_email: &'static str| {
            let owner = owner.clone();
            let app = &app;
            async move {
                app.post_form_as(
                    &owner,
                    "account/change-email",
                    &[
                        ("new_email", new_email),
                        ("email_password", testkit::CUSTOMER_PASSWORD),
                    ],
                )
                .await;
                owner
                    .post(app.url("/api/account/email-state"))
                    .header("accept", "application/json")
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            }
        };
        let taken = answer(STRANGER).await;
        let free = answer("nieuw@example.be").await;
        assert!(taken.contains("notice.email_change_sent"), "{taken}");
        assert_eq!(
            taken.replace(STRANGER, "X"),
            free.replace("nieuw@example.be", "X")
        );
        // The owner of the taken address is told instead; nothing can move to it.
        app.outbox_settled().await;
        let mails = app.mails().await;
        assert!(
            mails
                .iter()
                .any(|(_, m)| m.contains(&format!("To: {STRANGER}")) && m.contains("/login")),
            "no mail to the owner of the address"
        );
        let changes: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM email_changes WHERE new_email = $1")
                .bind(STRANGER)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!(changes, 0);
    }
);
