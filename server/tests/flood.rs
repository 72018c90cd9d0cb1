//! A flood of sign-ins (issue 9): the wait for an argon2 permit is bounded, and past it the
//! answer is a translated "busy" with 503 and `Retry-After`. A test binary of its own: the
//! hashing permits are shared by the whole process, and while the flood holds them every
//! other test's sign-in would be answered "busy" too (it was in `integration` for a while,
//! and sign-ins in the tests running beside it failed at random).

use testkit::both_backends;
use testkit::{Backend, TestApp};

both_backends!(
    a_flood_of_sign_ins_gets_busy_answers_instead_of_an_endless_queue,
    |backend: Backend| async move {
        let app = testkit::spawn_full(
            backend,
            true,
            // A debug build checks 400 passwords slowly, with the other tests running: the
            // flood is about busy answers, not the request time limit.
            &[
                ("PORTAL_AUTH_RATE_PER_MINUTE", "60000"),
                ("PORTAL_REQUEST_TIMEOUT_SECS", "600"),
            ],
            testkit::mid_november_2026(),
            true,
        )
        .await;
        let mut tasks = Vec::new();
        for i in 0..200 {
            let client = TestApp::new_client(&app);
            let url = app.url("/api/auth/sign-in");
            tasks.push(tokio::spawn(async move {
                let res = client
                    .post(url)
                    .header("accept", "application/json")
                    .form(&[
                        ("email", format!("bogus{i}@example.be")),
                        ("password", "a bogus password".to_string()),
                    ])
                    .send()
                    .await
                    .unwrap();
                let retry = res.headers().get("retry-after").cloned();
                (res.status(), retry, res.text().await.unwrap())
            }));
        }
        let (mut busy, mut checked) = (0, 0);
        for t in tasks {
            let (status, retry, body) = t.await.unwrap();
            if status == 503 {
                busy += 1;
                assert!(retry.is_some(), "503 without Retry-After");
                assert_eq!(body, "\"Busy\"");
            } else {
                checked += 1;
            }
        }
        assert!(busy > 0, "200 sign-ins at once all queued for argon2");
        // The server still checks sign-ins. The other backend's flood runs beside this one on
        // the same permits, so the whole flood may have been answered "busy": then a sign-in
        // tried again after the flood, as the answer asks (up to ten times, a second apart),
        // is checked.
        let mut tries = 0;
        while checked == 0 && tries < 10 {
            tries += 1;
            let res = TestApp::new_client(&app)
                .post(app.url("/api/auth/sign-in"))
                .header("accept", "application/json")
                .form(&[
                    ("email", "after@example.be"),
                    ("password", "a bogus password"),
                ])
                .send()
                .await
                .unwrap();
            if res.status() == 503 {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            } else {
                checked += 1;
            }
        }
        assert!(checked > 0, "no sign-in was checked at all");
        // A busy answer to a form post goes back to the page with the translated message.
        let mut tasks = Vec::new();
        for i in 0..200 {
            let client = TestApp::new_client(&app);
            let url = app.url("/api/auth/sign-in");
            tasks.push(tokio::spawn(async move {
                let res = client
                    .post(url.clone())
                    .header("accept", "text/html")
                    .form(&[
                        ("email", format!("flood{i}@example.be")),
                        ("password", "a bogus password".to_string()),
                    ])
                    .send()
                    .await
                    .unwrap();
                let retry = res.headers().get("retry-after").is_some();
                let state = client
                    .post(url.replace("sign-in", "state"))
                    .header("accept", "application/json")
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                (res.status(), retry, state)
            }));
        }
        let mut busy_pages = 0;
        for t in tasks {
            let (status, retry, state) = t.await.unwrap();
            assert_eq!(status, 302);
            if state.contains("error.busy") {
                busy_pages += 1;
                assert!(retry);
                assert!(
                    state.contains("flood"),
                    "the typed address is kept: {state}"
                );
            }
        }
        assert!(busy_pages > 0);
    }
);
