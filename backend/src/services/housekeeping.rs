//! Housekeeping (a periodic job): spent secrets are deleted once no rule looks at them any
//! more — sign-in attempts older than the throttle's hour, SMS codes older than the sending
//! limits' 24 hours, reset links and e-mail changes older than their longest-lived link (with a
//! day's margin). Only hashes are stored, but what is not kept cannot leak.

use crate::error::StoreResult;
use crate::services::security::{NOT_ME_VALID_SECONDS, RESET_VALID_SECONDS};
use crate::services::throttle;
use crate::store::{codes, email_changes, resets};
use sqlx::AnyPool;

const DAY: i64 = 24 * 3600;

/// Deletes what no rule needs any more; returns how many rows went.
pub async fn prune_spent_secrets(pool: &AnyPool, now: i64) -> StoreResult<u64> {
    let attempts = throttle::prune(pool, now).await?;
    let sms = codes::prune(pool, now - DAY).await?;
    let links = resets::prune(pool, now - RESET_VALID_SECONDS - DAY).await?;
    let changes = email_changes::prune(pool, now - NOT_ME_VALID_SECONDS - DAY).await?;
    tracing::info!(attempts, sms, links, changes, "spent secrets pruned");
    Ok(attempts + sms + links + changes)
}
