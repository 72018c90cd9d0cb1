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
