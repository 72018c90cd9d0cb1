//! Leases and run records of the periodic jobs (the only writer of `job_leases` and
//! `job_runs`); the runner is `infra::jobs`.
//!
//! Each job has one lease row. An instance runs a job only after claiming that row with a
//! conditional update (the job is due, and nobody holds an unexpired lease), so of several
//! instances exactly one runs each due round. A lease held by an instance that died expires
//! after `domain::delivery::LEASE_SECONDS` and another instance takes the job over (its
//! unfinished run is recorded as failed). Only plain statements are used: no session-level
//! advisory locks, which break behind connection poolers such as PgBouncer.

use crate::error::StoreResult;
use domain::delivery::LEASE_SECONDS;
use sqlx::AnyPool;

/// How a run ended, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Finished; how many items it handled.
    Ok(i64),
    Failed(String),
}

/// Claims `name` for `holder` if it is due and not held; `true` if this holder may run it.
pub async fn claim(pool: &AnyPool, name: &str, holder: &str, now: i64) -> StoreResult<bool> {
    sqlx::query(
        "INSERT INTO job_leases (name, holder, lease_until, next_run_at) VALUES ($1, NULL, 0, 0)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .execute(pool)
    .await?;
    let claimed = sqlx::query(
        "UPDATE job_leases SET holder = $2, lease_until = $3
         WHERE name = $1 AND next_run_at <= $4 AND lease_until <= $4",
    )
    .bind(name)
    .bind(holder)
    .bind(now + LEASE_SECONDS)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    if claimed == 1 {
        // A run left unfinished by a holder whose lease ran out.
        sqlx::query(
            "UPDATE job_runs SET outcome = 'failed', finished_at = $2, detail = 'lease expired: the instance stopped during the run'
             WHERE name = $1 AND outcome = 'running'",
        )
        .bind(name)
        .bind(now)
        .execute(pool)
        .await?;
    }
    Ok(claimed == 1)
}

/// Records the start of a run; returns its id.
pub async fn start_run(pool: &AnyPool, name: &str, holder: &str, now: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO job_runs (name, holder, started_at, outcome, items) VALUES ($1, $2, $3, 'running', 0) RETURNING id",
    )
    .bind(name)
    .bind(holder)
    .bind(now)
    .fetch_one(pool)
    .await?)
}

/// Records how a run ended and releases the lease until `next_run_at`. Does nothing to the
/// lease if another holder took it over meanwhile.
pub async fn finish(
    pool: &AnyPool,
    name: &str,
    holder: &str,
    run_id: i64,
    now: i64,
    next_run_at: i64,
    outcome: &Outcome,
) -> StoreResult<()> {
    let (code, items, detail) = match outcome {
        Outcome::Ok(items) => ("ok", *items, None),
        Outcome::Failed(why) => ("failed", 0, Some(why.as_str())),
    };
    let mut tx = crate::infra::db::begin_write(pool).await?;
    sqlx::query(
        "UPDATE job_runs SET outcome = $2, finished_at = $3, items = $4, detail = $5 WHERE id = $1 AND outcome = 'running'",
    )
    .bind(run_id)
    .bind(code)
    .bind(now)
    .bind(items)
    .bind(detail)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE job_leases SET holder = NULL, lease_until = 0, next_run_at = $3 WHERE name = $1 AND holder = $2",
    )
    .bind(name)
    .bind(holder)
    .bind(next_run_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One recorded run.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RunRow {
    pub id: i64,
    pub name: String,
    pub holder: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub outcome: String,
    pub items: i64,
    pub detail: Option<String>,
}

/// The runs of a job, oldest first.
pub async fn runs(pool: &AnyPool, name: &str) -> StoreResult<Vec<RunRow>> {
    Ok(sqlx::query_as(
        "SELECT id, name, holder, started_at, finished_at, outcome, items, detail FROM job_runs WHERE name = $1 ORDER BY id",
    )
    .bind(name)
    .fetch_all(pool)
    .await?)
}
