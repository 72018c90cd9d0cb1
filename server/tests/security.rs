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
