//! Background work inside the server process: the outbox delivery worker and the periodic
//! jobs. Both are safe with several instances on one database: messages are claimed one by
//! one, and each periodic job runs once a round across all instances (`backend::infra::jobs`).

use crate::AppState;
use std::time::Duration;
use tower_sessions::session_store::ExpiredDeletion;

/// How often the delivery worker looks for due messages when nobody rang (retries, and
/// messages queued by other instances).
const DELIVERY_POLL: Duration = Duration::from_secs(2);

/// How often an instance asks whether a periodic job is due.
const JOB_POLL: Duration = Duration::from_secs(15);

/// Deleting expired sessions: every minute (idle and absolute timeouts are enforced on every
/// request; this only keeps the table small).
pub const PURGE_SESSIONS: &str = "purge_expired_sessions";
const PURGE_SESSIONS_EVERY: i64 = 60;

/// Deleting spent secrets (old sign-in attempts, SMS codes, reset links, e-mail changes):
/// hourly (`backend::services::housekeeping`).
pub const PRUNE_SECRETS: &str = "prune_spent_secrets";
/// Removes uploaded files no request refers to (a crash between the file and its request),
/// hourly.
pub const SWEEP_FILES: &str = "sweep_orphan_files";
const PRUNE_SECRETS_EVERY: i64 = 3600;
/// Verifying the staff audit trail's hash chain: daily.
pub const VERIFY_AUDIT: &str = "verify_audit_chain";
const VERIFY_AUDIT_EVERY: i64 = 24 * 3600;

/// Starts the delivery worker and the periodic jobs for this instance.
pub fn spawn_all(state: &AppState) {
    spawn_delivery(state.clone());
    spawn_periodic(state.clone(), instance_name());
}

/// A name for this instance in the job records: host name and a random suffix.
pub fn instance_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "portal".into());
    format!("{host}-{:08x}", rand::random::<u32>())
}

fn spawn_delivery(state: AppState) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = state.outboxes.queued.notified() => {},
                _ = tokio::time::sleep(DELIVERY_POLL) => {},
            }
            deliver_now(&state).await;
        }
    });
}

/// Sends every due message; logs (never panics) when the database is away.
pub async fn deliver_now(state: &AppState) {
    match backend::infra::outbox::queue::deliver_due(
        &state.db.pool,
        &state.outboxes,
        state.clock.epoch(),
    )
    .await
    {
        Ok(report) if report.sent + report.retried + report.given_up > 0 => {
            tracing::debug!(?report, "outbox delivered");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "outbox delivery failed; will try again"),
    }
}

fn spawn_periodic(state: AppState, holder: String) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(JOB_POLL);
        loop {
            tick.tick().await;
            run_periodic_once(&state, &holder).await;
        }
    });
}

/// One round of the periodic jobs: each runs here if it is due and no other instance holds
/// it.
pub async fn run_periodic_once(state: &AppState, holder: &str) {
    let sessions = state.sessions.clone();
    let result = backend::infra::jobs::run_if_due(
        &state.db.pool,
        &state.clock,
        PURGE_SESSIONS,
        holder,
        PURGE_SESSIONS_EVERY,
        || async move {
            sessions
                .delete_expired()
                .await
                .map(|()| 0)
                .map_err(|e| e.to_string())
        },
    )
    .await;
    if let Err(e) = result {
        tracing::warn!(job = PURGE_SESSIONS, error = %e, "could not run the job");
    }
    let (pool, clock) = (state.db.pool.clone(), state.clock.clone());
    let result = backend::infra::jobs::run_if_due(
        &state.db.pool,
        &state.clock,
        PRUNE_SECRETS,
        holder,
        PRUNE_SECRETS_EVERY,
        || async move {
            backend::services::housekeeping::prune_spent_secrets(&pool, clock.epoch())
                .await
                .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
                .map_err(|e| e.to_string())
        },
    )
    .await;
    if let Err(e) = result {
        tracing::warn!(job = PRUNE_SECRETS, error = %e, "could not run the job");
    }
    let (pool, files) = (state.db.pool.clone(), state.files.clone());
    let result = backend::infra::jobs::run_if_due(
        &state.db.pool,
        &state.clock,
        SWEEP_FILES,
        holder,
        PRUNE_SECRETS_EVERY,
        || async move {
            backend::services::files::sweep_orphans(
                &pool,
                &*files.0,
                backend::services::files::ORPHAN_AGE_SECONDS,
            )
            .await
            .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
            .map_err(|e| e.to_string())
        },
    )
    .await;
    if let Err(e) = result {
        tracing::warn!(job = SWEEP_FILES, error = %e, "could not run the job");
    }
    let (pool, clock) = (state.db.pool.clone(), state.clock.clone());
    let result = backend::infra::jobs::run_if_due(
        &state.db.pool,
        &state.clock,
        VERIFY_AUDIT,
        holder,
        VERIFY_AUDIT_EVERY,
        || async move {
            backend::services::staff_access::verify_audit_chain(&pool, clock.epoch())
                .await
                .map(|r| r.entries)
                .map_err(|e| e.to_string())
        },
    )
    .await;
    if let Err(e) = result {
        tracing::warn!(job = VERIFY_AUDIT, error = %e, "could not run the job");
    }
}
