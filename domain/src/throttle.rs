//! Slowing down guessing. Every check of a secret (a password, an app code, a recovery code)
//! is an attempt on a key: an e-mail address at sign-in, an account when a signed-in customer
//! confirms their password, an account's second factor, a staff address. Failures are counted
//! twice:
//!
//! - per key **and client address**: after five failures in an hour each attempt must wait
//!   longer (1 s, 2 s, 4 s … up to 5 minutes) and after 100 the pair is locked for the hour;
//! - per key from **every** address: a ceiling of 1,000 failures an hour, far above what one
//!   guesser may do.
//!
//! So a stranger who types wrong passwords for someone else's address slows only themself
//! down: the owner, from their own address, is only kept out when a crowd of addresses is
//! guessing at once (and a successful password reset clears the count).

/// After this many failures in an hour from one address, each attempt must wait.
pub const FREE_FAILURES: i64 = 5;
/// At most this many failures an hour on a key from one address.
pub const MAX_FAILURES_PER_HOUR: i64 = 100;
/// At most this many failures an hour on a key from all addresses together.
pub const MAX_FAILURES_PER_HOUR_ALL: i64 = 1_000;
/// The window the counts cover (and how long attempts are kept for them).
pub const WINDOW_SECONDS: i64 = 3600;

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

/// The failures of the last hour on one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    /// From this client address.
    pub here: i64,
    /// The newest failure from this client address.
    pub last_here: Option<i64>,
    /// From every address.
    pub everywhere: i64,
}

/// Whether an attempt may be checked now.
pub fn may_try(f: Failures, now: i64) -> Result<(), Throttled> {
    if f.here >= MAX_FAILURES_PER_HOUR || f.everywhere >= MAX_FAILURES_PER_HOUR_ALL {
        return Err(Throttled::Locked);
    }
    match f.last_here {
        Some(last) if now - last < wait_after(f.here) => Err(Throttled::Wait),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn here(n: i64, last: i64) -> Failures {
        Failures {
            here: n,
            last_here: Some(last),
            everywhere: n,
        }
    }

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
        assert_eq!(may_try(Failures::default(), 100), Ok(()));
        assert_eq!(may_try(here(4, 100), 100), Ok(()));
        assert_eq!(may_try(here(7, 100), 103), Err(Throttled::Wait));
        assert_eq!(may_try(here(7, 100), 104), Ok(()));
        assert_eq!(may_try(here(100, 0), 10_000), Err(Throttled::Locked));
    }

    #[test]
    fn a_strangers_failures_do_not_keep_the_owner_out() {
        // 99 failures from a stranger's address; none from the owner's.
        let owner = Failures {
            here: 0,
            last_here: None,
            everywhere: 99,
        };
        assert_eq!(may_try(owner, 100), Ok(()));
        // Only a crowd of addresses together reaches the ceiling.
        let crowd = Failures {
            everywhere: MAX_FAILURES_PER_HOUR_ALL,
            ..owner
        };
        assert_eq!(may_try(crowd, 100), Err(Throttled::Locked));
    }
}
