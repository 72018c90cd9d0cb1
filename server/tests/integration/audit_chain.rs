//! The staff audit trail is a hash chain on SQLite and PostgreSQL: every staff read and action
//! appends an entry linked to the one before; the database refuses to change or delete an
//! entry; a row written around the portal (without the key) breaks the verification, which
//! records its result.

use testkit as common;
use testkit::both_backends;

use common::{Backend, mid_november_2026, spawn_at};
use domain::model::StaffRole;

both_backends!(
    every_staff_read_extends_a_chain_that_verifies_and_cannot_be_edited,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let pool = &app.state.db.pool;
        let now = app.state.clock.epoch();
        let agent = app.staff(StaffRole::Agent).await;
        app.page_as(&agent, "/cic/queue").await;
        let id: i64 =
            sqlx::query_scalar("SELECT MIN(id) FROM service_requests WHERE open_since IS NOT NULL")
                .fetch_one(pool)
                .await
                .unwrap();
        app.page_as(&agent, &format!("/cic/requests/{id}")).await;

        let report = backend::services::staff_access::verify_audit_chain(pool, now)
            .await
            .unwrap();
        assert!(report.ok(), "{}", report.describe());
        assert!(report.entries >= 2, "{}", report.describe());
        let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(report.entries, entries, "every entry is in the chain");
        // Each entry names the hash of the one before it.
        let links: Vec<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT prev_hash, hash FROM staff_audit ORDER BY id")
                .fetch_all(pool)
                .await
                .unwrap();
        assert_eq!(links[0].0.as_deref(), Some(backend::store::audit::GENESIS));
        for pair in links.windows(2) {
            assert_eq!(pair[1].0, pair[0].1);
        }

        // Nobody edits or deletes an entry, not even through the portal's own connection.
        for sql in [
            "UPDATE staff_audit SET subject = 'nothing to see'",
            "DELETE FROM staff_audit",
            "DELETE FROM audit_head",
        ] {
            let refused = sqlx::query(sql).execute(pool).await;
            assert!(refused.is_err(), "{sql} was allowed");
            assert!(
                refused.unwrap_err().to_string().contains("append-only")
                    || sql.contains("audit_head"),
                "{sql}"
            );
        }
        if matches!(backend, Backend::Postgres) {
            assert!(
                sqlx::query("TRUNCATE staff_audit")
                    .execute(pool)
                    .await
                    .is_err()
            );
        }
        assert_eq!(
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM staff_audit")
                .fetch_one(pool)
                .await
                .unwrap(),
            entries
        );
        let (_, ok, _) = backend::store::audit::last_check(pool)
            .await
            .unwrap()
            .unwrap();
        assert!(ok);

        // A row slipped in without the key (even one that copies the last hash as its link)
        // breaks the chain at that row, and the check records it.
        let (last,): (String,) = sqlx::query_as("SELECT last_hash FROM audit_head")
            .fetch_one(pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO staff_audit (staff_id, action, subject, at, ip_address, prev_hash, hash)
             SELECT id, 'view_customer', 'customer 100001', $1, '10.0.0.1', $2, $3 FROM staff_accounts LIMIT 1",
        )
        .bind(now)
        .bind(&last)
        .bind("f".repeat(64))
        .execute(pool)
        .await
        .unwrap();
        let forged: i64 = sqlx::query_scalar("SELECT MAX(id) FROM staff_audit")
            .fetch_one(pool)
            .await
            .unwrap();
        let report = backend::services::staff_access::verify_audit_chain(pool, now + 60)
            .await
            .unwrap();
        assert_eq!(
            report.broken.map(|(id, _)| id),
            Some(forged),
            "{}",
            report.describe()
        );
        assert_eq!(report.entries, entries);
        let (_, ok, detail) = backend::store::audit::last_check(pool)
            .await
            .unwrap()
            .unwrap();
        assert!(!ok && detail.contains("BROKEN"), "{detail}");
    }
);

// The export benchmark's bulk entries (`server seed --audit-entries N`) continue the chain the
// portal wrote, and what the portal writes after them continues theirs.
both_backends!(
    bulk_entries_continue_the_chain,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let pool = &app.state.db.pool;
        let now = app.state.clock.epoch();
        let agent = app.staff(StaffRole::Agent).await;
        app.page_as(&agent, "/cic/customers/100001").await;
        backend::seed::bulk::audit_entries(&app.state.db, now, 1_234)
            .await
            .unwrap();
        app.page_as(&agent, "/cic/customers/100002").await;
        let report = backend::services::staff_access::verify_audit_chain(pool, now)
            .await
            .unwrap();
        assert!(report.ok(), "{}", report.describe());
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(report.entries, stored);
        assert!(stored >= 1_236, "{stored}");
    }
);

/// How many entries the audit trail holds.
async fn stored(pool: &sqlx::AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM staff_audit")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A staff member of the demo data.
pub(crate) async fn a_staff_id(pool: &sqlx::AnyPool) -> i64 {
    sqlx::query_scalar("SELECT MIN(id) FROM staff_accounts")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// `n` staff page views, each waiting for the audit group commit with its line ("read {i}",
/// by `staff(i)`).
pub(crate) fn queued_views(
    db: &backend::Db,
    now: i64,
    n: usize,
    staff: impl Fn(usize) -> i64,
) -> Vec<tokio::task::JoinHandle<Result<(), backend::StoreError>>> {
    use backend::store::audit::{Entry, record_alone};
    (0..n)
        .map(|i| {
            let db = db.clone();
            let staff_id = staff(i);
            tokio::spawn(async move {
                let detail = format!("read {i}");
                let entry = Entry {
                    staff_id,
                    action: "view_work_queue",
                    customer: None,
                    object: None,
                    detail: &detail,
                    ip: "10.0.0.1",
                    request_id: None,
                };
                record_alone(&db, now, &entry).await
            })
        })
        .collect()
}

// Staff page views that arrive together are audited in one write (a group commit, issue 13):
// every view still answers only once its own entry is stored, none is lost or written twice,
// and the chain stays whole.
both_backends!(
    page_views_at_once_each_get_their_entry_in_an_intact_chain,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let pool = &app.state.db.pool;
        let agent = app.staff(StaffRole::Agent).await;
        let before = stored(pool).await;
        let views = (0..24).map(|i| {
            let path = if i % 2 == 0 {
                "/cic/queue"
            } else {
                "/cic/inbox"
            };
            app.page_as(&agent, path)
        });
        for body in futures_util::future::join_all(views).await {
            assert!(body.contains("<h1"), "a page answered: {body:.200}");
        }
        assert_eq!(stored(pool).await, before + 24, "one entry per view");
        let actions: Vec<String> =
            sqlx::query_scalar("SELECT action FROM staff_audit ORDER BY id DESC LIMIT 24")
                .fetch_all(pool)
                .await
                .unwrap();
        assert_eq!(
            actions.iter().filter(|a| *a == "view_work_queue").count(),
            12
        );
        assert_eq!(actions.iter().filter(|a| *a == "view_inbox").count(), 12);
        let report =
            backend::services::staff_access::verify_audit_chain(pool, app.state.clock.epoch())
                .await
                .unwrap();
        assert!(report.ok(), "{}", report.describe());
    }
);

// In a group, each entry keeps its own outcome: one the database refuses (a staff member who
// does not exist) fails alone, and a request that goes away while its group is being written
// does not take the others' entries with it.
both_backends!(
    a_refused_entry_or_a_request_gone_fails_nobody_else_in_its_group,
    |backend: Backend| async move {
        use backend::store::audit::APPENDS;
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let db = &app.state.db;
        let now = app.state.clock.epoch();
        let staff_id = a_staff_id(&db.pool).await;
        let before = stored(&db.pool).await;
        // Another append is being written: the next ones wait, and are written as one group.
        let turn = APPENDS.lock().await;
        let tasks = queued_views(db, now, 12, |i| if i == 5 { 999_999 } else { staff_id });
        for _ in 0..500 {
            if db.audit_waiting().len() == 12 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(
            db.audit_waiting().len(),
            12,
            "the entries wait for their turn"
        );
        drop(turn);
        // The first in line takes the group and starts writing it; then its request goes away.
        tokio::task::yield_now().await;
        tasks[0].abort();
        let mut outcomes = Vec::new();
        for (i, task) in tasks.into_iter().enumerate().skip(1) {
            outcomes.push((i, task.await.unwrap()));
        }
        for (i, outcome) in &outcomes {
            if *i == 5 {
                assert!(
                    outcome.is_err(),
                    "the unknown staff member's entry is refused"
                );
            } else {
                assert!(outcome.is_ok(), "entry {i}: {outcome:?}");
            }
        }
        let details: Vec<String> =
            sqlx::query_scalar("SELECT subject FROM staff_audit ORDER BY id DESC LIMIT 11")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        // The entry of the request that went away was taken into the group and is stored too.
        assert_eq!(stored(&db.pool).await, before + 11, "{details:?}");
        assert!(!details.contains(&"read 5".to_string()), "{details:?}");
        assert!(details.contains(&"read 0".to_string()), "{details:?}");
        let report = backend::services::staff_access::verify_audit_chain(&db.pool, now)
            .await
            .unwrap();
        assert!(report.ok(), "{}", report.describe());
    }
);
