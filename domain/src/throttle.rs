//! Slowing down guessing: after a few failed attempts on one key (an e-mail address, a staff
//! address, an account's second factor) each attempt must wait longer, and there is a ceiling
//! an hour. One rule for customer sign-in, staff sign-in and the second-factor step.

/// After this many failures in an hour, each attempt must wait.
pub const FREE_FAILURES: i64 = 5;
/// At most this many failures an hour.
pub const MAX_FAILURES_PER_HOUR: i64 = 100;

/// Seconds to wait after `failures` failures in the last hour (0 for the first five): 1 s,
/// 2 s, 4 s … capped at 5 minutes.
pub fn wait_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        0
    } else {
        1_i64 << (failures - FREE_FAILURES).min(8)
    }
    .min(300)
}

/// Why an attempt is not even checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttled {
    /// Too many failures this hour.
    Locked,
    /// Too soon after the last failure.
    Wait,
}

impl Throttled {
    /// The translation key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Throttled::Locked => "auth.locked",
            Throttled::Wait => "auth.wait",
        }
    }
}

/// Whether an attempt may be checked now, given the failures of the last hour and the time of
/// the last one.
pub fn may_try(failures: i64, last_failure: Option<i64>, now: i64) -> Result<(), Throttled> {
    if failures >= MAX_FAILURES_PER_HOUR {
        return Err(Throttled::Locked);
    }
    match last_failure {
        Some(last) if now - last < wait_after(failures) => Err(Throttled::Wait),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_five_failures() {
        assert_eq!(wait_after(0), 0);
        assert_eq!(wait_after(4), 0);
        assert_eq!(wait_after(5), 1);
        assert_eq!(wait_after(7), 4);
        assert_eq!(wait_after(50), 256);
        assert_eq!(wait_after(99), 256);
    }

    #[test]
    fn attempts_wait_then_lock() {
        assert_eq!(may_try(0, None, 100), Ok(()));
        assert_eq!(may_try(4, Some(100), 100), Ok(()));
        assert_eq!(may_try(7, Some(100), 103), Err(Throttled::Wait));
        assert_eq!(may_try(7, Some(100), 104), Ok(()));
        assert_eq!(may_try(100, Some(0), 10_000), Err(Throttled::Locked));
    }
}
