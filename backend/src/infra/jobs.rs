//! The periodic job runner: runs a job once across every server instance sharing the
//! database, on the lease and run records of `store::jobs`.

use crate::error::StoreResult;
pub use crate::store::jobs::Outcome;
use crate::store::jobs::{claim, finish, start_run};
use sqlx::AnyPool;
use std::future::Future;

/// Runs `job` once if this holder wins the claim; `None` when the job was not due or another
/// instance holds it. The next round is due `every_seconds` after this one ended.
pub async fn run_if_due<F, Fut>(
    pool: &AnyPool,
    clock: &crate::Clock,
    name: &str,
    holder: &str,
    every_seconds: i64,
    job: F,
) -> StoreResult<Option<Outcome>>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<i64, String>>,
{
    if !claim(pool, name, holder, clock.epoch()).await? {
        return Ok(None);
    }
    let run = start_run(pool, name, holder, clock.epoch()).await?;
    let outcome = match job().await {
        Ok(items) => Outcome::Ok(items),
        Err(why) => {
            tracing::warn!(job = name, error = %why, "job failed");
            Outcome::Failed(why)
        }
    };
    let now = clock.epoch();
    finish(pool, name, holder, run, now, now + every_seconds, &outcome).await?;
    Ok(Some(outcome))
}
