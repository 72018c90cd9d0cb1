//! The one throttle service: applies `domain::throttle` to the attempts recorded for a key
//! (customer sign-in by e-mail address, staff sign-in, an account's second-factor step).

use crate::error::StoreResult;
use crate::store::sign_ins;
use domain::throttle::{self, Throttled};
use sqlx::AnyPool;

/// Whether an attempt on `key` may be checked now.
pub async fn may_try(pool: &AnyPool, now: i64, key: &str) -> StoreResult<Result<(), Throttled>> {
    let (failures, last) = sign_ins::recent_failures(pool, now, key).await?;
    Ok(throttle::may_try(failures, last, now))
}

/// Records the outcome of an attempt on `key`.
pub async fn record(pool: &AnyPool, now: i64, key: &str, ip: &str, ok: bool) -> StoreResult<()> {
    sign_ins::record(pool, now, key, ip, ok).await
}
