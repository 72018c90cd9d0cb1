//! When a failed SMS or e-mail is tried again, and when a periodic job is due: the rules of
//! the durable outbox and of the job runner, with no I/O.

/// A message is tried this many times in all, spread over about an hour, then given up.
pub const MAX_ATTEMPTS: i64 = 5;

/// A claimed message (or job) that was not finished in this time is taken over: the
/// instance that claimed it is presumed dead.
pub const LEASE_SECONDS: i64 = 60;

/// Seconds to wait before the next try after `attempts` failed tries, or `None` when the
/// message is given up. 30 s, 2 min, 10 min, 30 min: the fifth try comes 42 minutes after
/// the first.
pub fn retry_after(attempts: i64) -> Option<i64> {
    match attempts {
        ..=0 => Some(0),
        1 => Some(30),
        2 => Some(120),
        3 => Some(600),
        4 => Some(1800),
        _ => None,
    }
}

/// What becomes of a message whose try failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(i64),
    GiveUp,
}

pub fn after_failure(attempts: i64, now: i64) -> AfterFailure {
    match retry_after(attempts) {
        Some(wait) if attempts < MAX_ATTEMPTS => AfterFailure::RetryAt(now + wait),
        _ => AfterFailure::GiveUp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_tries_within_an_hour_then_given_up() {
        let now = 1_000;
        let mut at = now;
        let mut tries = 1;
        while let AfterFailure::RetryAt(next) = after_failure(tries, at) {
            assert!(next > at, "each retry waits");
            at = next;
            tries += 1;
        }
        assert_eq!(tries, MAX_ATTEMPTS);
        assert!(at - now <= 3600, "{} s", at - now);
        assert_eq!(after_failure(MAX_ATTEMPTS, now), AfterFailure::GiveUp);
        assert_eq!(after_failure(99, now), AfterFailure::GiveUp);
    }

    #[test]
    fn waits_grow() {
        let waits: Vec<_> = (1..MAX_ATTEMPTS).filter_map(retry_after).collect();
        assert!(waits.windows(2).all(|w| w[0] < w[1]), "{waits:?}");
    }
}
