//! The one source of "now" and "today". Nothing else in the portal reads the system clock for
//! a rule: services, stores (through the `now` they are given), jobs and the demo data all ask
//! a [`Clock`], so tests can run on a fixed date (or two years ahead) and stay true every
//! month. Production uses [`Clock::system`].

use std::sync::{Arc, Mutex};
use time::{Date, Duration, OffsetDateTime};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    kind: Kind,
}

#[derive(Clone, Debug, Default)]
enum Kind {
    /// The operating system's clock.
    #[default]
    System,
    /// The system clock moved by a fixed amount (time still passes).
    Shifted(Duration),
    /// A clock that only moves when told to.
    Fixed(Arc<Mutex<OffsetDateTime>>),
}

impl Clock {
    pub fn system() -> Clock {
        Clock { kind: Kind::System }
    }

    /// The system clock moved by `by` (e.g. two years ahead); time still passes.
    pub fn shifted(by: Duration) -> Clock {
        Clock {
            kind: Kind::Shifted(by),
        }
    }

    /// A clock standing still at `at` until [`Clock::advance`] moves it.
    pub fn fixed(at: OffsetDateTime) -> Clock {
        Clock {
            kind: Kind::Fixed(Arc::new(Mutex::new(at))),
        }
    }

    /// Moves a fixed clock forward; the system and shifted clocks are not moved.
    pub fn advance(&self, by: Duration) {
        if let Kind::Fixed(at) = &self.kind
            && let Ok(mut at) = at.lock()
        {
            *at += by;
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.kind {
            Kind::System => OffsetDateTime::now_utc(),
            Kind::Shifted(by) => OffsetDateTime::now_utc() + *by,
            Kind::Fixed(at) => at
                .lock()
                .map(|at| *at)
                .unwrap_or_else(|poisoned| *poisoned.into_inner()),
        }
    }

    /// Seconds since the Unix epoch, the portable timestamp of the schema.
    pub fn epoch(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Today's date in UTC.
    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// Today's date for the customer: in Belgium (UTC+1, UTC+2 in summer). Counted as UTC+2
    /// all year, so a reading dated "today" is never refused as lying in the future; in winter
    /// the day starts one hour early.
    pub fn local_today(&self) -> Date {
        (self.now() + Duration::hours(2)).date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_fixed_clock_stands_still_until_advanced() {
        let clock = Clock::fixed(datetime!(2027-03-31 22:30 UTC));
        assert_eq!(clock.epoch(), clock.epoch());
        assert_eq!(clock.today().to_string(), "2027-03-31");
        // 22:30 UTC is already the next day in Belgium (counted as UTC+2).
        assert_eq!(clock.local_today().to_string(), "2027-04-01");
        clock.advance(Duration::days(1));
        assert_eq!(clock.today().to_string(), "2027-04-01");
        // Clones share the same time.
        let other = clock.clone();
        other.advance(Duration::hours(1));
        assert_eq!(clock.now(), datetime!(2027-04-01 23:30 UTC));
    }

    #[test]
    fn a_shifted_clock_runs_ahead_of_the_system() {
        let ahead = Clock::shifted(Duration::days(730));
        let gap = ahead.epoch() - Clock::system().epoch();
        assert!(
            (730 * 86_400 - 2..=730 * 86_400 + 2).contains(&gap),
            "{gap}"
        );
    }
}
