//! The durable outbox and the job runner on SQLite and PostgreSQL: a queued message is sent
//! once, a failing transport is retried with backoff and then given up, two instances never
//! both send a message or both run a job's round, and a job whose instance died is taken over
//! once its lease runs out.

use testkit as common;
use testkit::both_backends;

use async_trait::async_trait;
use backend::Clock;
use backend::infra::outbox::queue::{self, DeliveryReport};
use backend::infra::outbox::{Mail, MailSender, Outboxes, SendError, SmsSender};
use common::{Backend, spawn_at, spawn_without_jobs};
use domain::values::PhoneNumber;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use time::Duration;

/// A transport that counts what it is given and fails the first `failures` times.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
    failures: usize,
}

#[async_trait]
impl SmsSender for Counting {
    async fn send(&self, _to: &PhoneNumber, _body: &str) -> Result<(), SendError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        // Long enough for a second worker to try the same row meanwhile.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if n < self.failures {
            Err(SendError::Gateway("503".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl MailSender for Counting {
    async fn send(&self, _mail: &Mail) -> Result<(), SendError> {
        SmsSender::send(self, &PhoneNumber::parse("+32470000101").unwrap(), "").await
    }
}

fn outboxes(transport: Arc<Counting>) -> Outboxes {
    Outboxes::new(transport.clone(), transport)
}

fn clock() -> Clock {
    Clock::fixed(time::macros::datetime!(2026-11-16 09:00 UTC))
}

async fn queue_sms(pool: &backend::AnyPool, now: i64, body: &str) -> i64 {
    let mut conn = pool.acquire().await.unwrap();
    queue::enqueue_sms(
        &mut conn,
        now,
        &PhoneNumber::parse("+32470000101").unwrap(),
        body,
    )
    .await
    .unwrap()
}

async fn status(pool: &backend::AnyPool, id: i64) -> (String, i64, String) {
    sqlx::query_as("SELECT status, attempts, body FROM outbox_messages WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

both_backends!(
    a_queued_message_is_sent_once_by_one_of_two_workers,
    |backend: Backend| async move {
        let clock = clock();
        let app = spawn_without_jobs(backend, clock.clone()).await;
        let pool = &app.state.db.pool;
        let transport = Arc::new(Counting::default());
        let boxes = outboxes(transport.clone());
        let mut ids = Vec::new();
        for i in 0..10 {
            ids.push(queue_sms(pool, clock.epoch(), &format!("code {i}")).await);
        }
        // Two instances deliver at the same moment.
        let now = clock.epoch();
        let (a, b) = tokio::join!(
            queue::deliver_due(pool, &boxes, now),
            queue::deliver_due(pool, &boxes, now)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.sent + b.sent, 10, "{a:?} {b:?}");
        assert_eq!(transport.calls.load(Ordering::SeqCst), 10, "none twice");
        for id in ids {
            let (status, attempts, body) = status(pool, id).await;
            assert_eq!((status.as_str(), attempts), ("sent", 1));
            assert_eq!(body, "", "the text (with its code) is erased once sent");
        }
        // Nothing is left to send.
        let again = queue::deliver_due(pool, &boxes, clock.epoch())
            .await
            .unwrap();
        assert_eq!(again, DeliveryReport::default());
        assert_eq!(transport.calls.load(Ordering::SeqCst), 10);
    }
);

both_backends!(
    a_failing_transport_is_retried_with_backoff_then_given_up,
    |backend: Backend| async move {
        let clock = clock();
        let app = spawn_without_jobs(backend, clock.clone()).await;
        let pool = &app.state.db.pool;
        // Fails twice, then works: sent on the third try, after the backoff.
        let flaky = Arc::new(Counting {
            failures: 2,
            ..Counting::default()
        });
        let boxes = outboxes(flaky.clone());
        let id = queue_sms(pool, clock.epoch(), "code").await;
        let first = queue::deliver_due(pool, &boxes, clock.epoch())
            .await
            .unwrap();
        assert_eq!(first.retried, 1);
        assert_eq!(status(pool, id).await.0, "pending");
        // Not tried again before its time.
        clock.advance(Duration::seconds(10));
        let early = queue::deliver_due(pool, &boxes, clock.epoch())
            .await
            .unwrap();
        assert_eq!(early, DeliveryReport::default());
        clock.advance(Duration::seconds(25));
        assert_eq!(
            queue::deliver_due(pool, &boxes, clock.epoch())
                .await
                .unwrap()
                .retried,
            1
        );
        clock.advance(Duration::minutes(3));
        assert_eq!(
            queue::deliver_due(pool, &boxes, clock.epoch())
                .await
                .unwrap()
                .sent,
            1
        );
        assert_eq!(status(pool, id).await.0, "sent");
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);

        // A transport that never works: five tries within the hour, then given up.
        let down = Arc::new(Counting {
            failures: usize::MAX,
            ..Counting::default()
        });
        let boxes = outboxes(down.clone());
        let id = queue_sms(pool, clock.epoch(), "code").await;
        let started = clock.epoch();
        let mut given_up = 0;
        for _ in 0..120 {
            given_up += queue::deliver_due(pool, &boxes, clock.epoch())
                .await
                .unwrap()
                .given_up;
            clock.advance(Duration::seconds(30));
        }
        assert_eq!(given_up, 1);
        assert_eq!(down.calls.load(Ordering::SeqCst), 5);
        let (status, attempts, body) = status(pool, id).await;
        assert_eq!(
            (status.as_str(), attempts, body.as_str()),
            ("failed", 5, "")
        );
        assert!(clock.epoch() - started <= 3600);
    }
);

both_backends!(
    a_message_claimed_by_a_dead_instance_is_sent_after_its_lease,
    |backend: Backend| async move {
        let clock = clock();
        let app = spawn_without_jobs(backend, clock.clone()).await;
        let pool = &app.state.db.pool;
        let id = queue_sms(pool, clock.epoch(), "code").await;
        // An instance claimed it and died before sending.
        sqlx::query(
            "UPDATE outbox_messages SET status = 'sending', attempts = 1, lease_until = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(clock.epoch() + 60)
        .execute(pool)
        .await
        .unwrap();
        let transport = Arc::new(Counting::default());
        let boxes = outboxes(transport.clone());
        assert_eq!(
            queue::deliver_due(pool, &boxes, clock.epoch())
                .await
                .unwrap(),
            DeliveryReport::default(),
            "not while the lease runs"
        );
        clock.advance(Duration::seconds(61));
        assert_eq!(
            queue::deliver_due(pool, &boxes, clock.epoch())
                .await
                .unwrap()
                .sent,
            1
        );
        assert_eq!(status(pool, id).await.0, "sent");
    }
);

both_backends!(
    two_runners_do_a_round_once_and_a_dead_runner_is_taken_over,
    |backend: Backend| async move {
        let clock = clock();
        let app = spawn_without_jobs(backend, clock.clone()).await;
        let pool = &app.state.db.pool;
        let work = Arc::new(AtomicUsize::new(0));
        let job = |work: Arc<AtomicUsize>| {
            move || async move {
                work.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Ok::<i64, String>(7)
            }
        };
        let (a, b) = tokio::join!(
            backend::infra::jobs::run_if_due(
                pool,
                &clock,
                "test_job",
                "instance-a",
                300,
                job(work.clone())
            ),
            backend::infra::jobs::run_if_due(
                pool,
                &clock,
                "test_job",
                "instance-b",
                300,
                job(work.clone())
            )
        );
        let ran: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
        assert_eq!(
            ran,
            vec![backend::infra::jobs::Outcome::Ok(7)],
            "exactly one ran"
        );
        assert_eq!(work.load(Ordering::SeqCst), 1);
        // Not due again before its interval.
        clock.advance(Duration::seconds(299));
        let early = backend::infra::jobs::run_if_due(
            pool,
            &clock,
            "test_job",
            "instance-a",
            300,
            job(work.clone()),
        )
        .await
        .unwrap();
        assert_eq!(early, None);
        clock.advance(Duration::seconds(1));

        // instance-a claims the next round and dies during it (no finish).
        assert!(
            backend::store::jobs::claim(pool, "test_job", "instance-a", clock.epoch())
                .await
                .unwrap()
        );
        backend::store::jobs::start_run(pool, "test_job", "instance-a", clock.epoch())
            .await
            .unwrap();
        let while_held = backend::infra::jobs::run_if_due(
            pool,
            &clock,
            "test_job",
            "instance-b",
            300,
            job(work.clone()),
        )
        .await
        .unwrap();
        assert_eq!(while_held, None, "the lease is held");
        clock.advance(Duration::seconds(61));
        let taken_over = backend::infra::jobs::run_if_due(
            pool,
            &clock,
            "test_job",
            "instance-b",
            300,
            job(work.clone()),
        )
        .await
        .unwrap();
        assert_eq!(taken_over, Some(backend::infra::jobs::Outcome::Ok(7)));
        assert_eq!(work.load(Ordering::SeqCst), 2);
        // Every run is recorded: the dead one as failed.
        let runs = backend::store::jobs::runs(pool, "test_job").await.unwrap();
        let summary: Vec<_> = runs
            .iter()
            .map(|r| (r.holder.as_str(), r.outcome.as_str(), r.items))
            .collect();
        assert_eq!(
            summary,
            vec![
                (runs[0].holder.as_str(), "ok", 7),
                ("instance-a", "failed", 0),
                ("instance-b", "ok", 7)
            ]
        );
        assert!(runs.iter().all(|r| r.finished_at.is_some()));
    }
);

both_backends!(
    the_session_purge_runs_as_a_recorded_job,
    |backend: Backend| async move {
        let clock = clock();
        let app = spawn_without_jobs(backend, clock.clone()).await;
        server::jobs::run_periodic_once(&app.state, "instance-a").await;
        server::jobs::run_periodic_once(&app.state, "instance-b").await;
        let runs = backend::store::jobs::runs(&app.state.db.pool, server::jobs::PURGE_SESSIONS)
            .await
            .unwrap();
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(runs[0].outcome, "ok");
    }
);

// A code request queues its SMS in the same transaction as the code: refused requests queue
// nothing, and what was queued is what the customer receives.
both_backends!(
    a_refused_code_request_queues_no_sms,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, clock()).await;
        for _ in 0..4 {
            app.post_form("register/start", &[("customer_number", "100001")])
                .await;
        }
        let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_messages")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let codes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sms_codes")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(queued, codes, "one SMS per stored code");
        assert!(codes < 4, "the later requests were refused (resend waits)");
        assert_eq!(app.sms().await.len() as i64, codes);
    }
);

both_backends!(
    spent_secrets_are_pruned_and_live_ones_kept,
    |backend: Backend| async move {
        let clock = clock();
        let app = spawn_without_jobs(backend, clock.clone()).await;
        let pool = &app.state.db.pool;
        let now = clock.epoch();
        let count = |table: &'static str| async move {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(pool)
                .await
                .unwrap();
            n
        };
        for (at, ip) in [(now - 2 * 3600, "old"), (now - 60, "new")] {
            sqlx::query(
                "INSERT INTO sign_in_attempts (email, ip_address, succeeded, at) VALUES ('a@example.be', $1, 0, $2)",
            )
            .bind(ip)
            .bind(at)
            .execute(pool)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO sms_codes (customer_number, purpose, code_hash, created_at) VALUES ('100001', 'registration', NULL, $1)",
            )
            .bind(at - 24 * 3600)
            .execute(pool)
            .await
            .unwrap();
        }
        sqlx::query(
            "INSERT INTO sms_codes (customer_number, purpose, code_hash, created_at) VALUES ('100001', 'registration', NULL, $1)",
        )
        .bind(now - 3600)
        .execute(pool)
        .await
        .unwrap();
        assert_eq!(
            (count("sign_in_attempts").await, count("sms_codes").await),
            (2, 3)
        );
        server::jobs::run_periodic_once(&app.state, "test").await;
        // The attempt of two hours ago and the codes older than a day are gone.
        assert_eq!(
            (count("sign_in_attempts").await, count("sms_codes").await),
            (1, 1)
        );
        let kept: String = sqlx::query_scalar("SELECT ip_address FROM sign_in_attempts")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(kept, "new");
    }
);
