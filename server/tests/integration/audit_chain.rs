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
