//! One-time SMS codes: 6 digits, valid 5 minutes, single use, void after 5 wrong entries; at
//! most 3 per customer per 15 minutes and 10 per day, "send again" after 60 seconds.
//! Pure rules over timestamps (epoch seconds); storage and hashing live in `backend`.

pub const CODE_DIGITS: usize = 6;
pub const VALID_SECONDS: i64 = 5 * 60;
pub const MAX_ATTEMPTS: i64 = 5;
pub const RESEND_AFTER_SECONDS: i64 = 60;
pub const MAX_PER_15_MINUTES: usize = 3;
pub const MAX_PER_DAY: usize = 10;

/// Why a code may not be sent now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendRefusal {
    /// The previous code is younger than a minute; the number says how many seconds to wait.
    TooSoon(i64),
    /// Three codes in 15 minutes or ten in a day.
    TooMany,
}

/// Decides whether another code may be sent, given when earlier codes (of any purpose) were
/// sent and when the last code of the same purpose was ("send again" waits 60 s for that one).
pub fn may_send(
    sent_at: &[i64],
    last_same_purpose: Option<i64>,
    now: i64,
) -> Result<(), SendRefusal> {
    if let Some(last) = last_same_purpose {
        let age = now - last;
        if age < RESEND_AFTER_SECONDS {
            return Err(SendRefusal::TooSoon(RESEND_AFTER_SECONDS - age));
        }
    }
    let in_15 = sent_at.iter().filter(|t| now - **t < 15 * 60).count();
    let in_day = sent_at.iter().filter(|t| now - **t < 24 * 3600).count();
    if in_15 >= MAX_PER_15_MINUTES || in_day >= MAX_PER_DAY {
        return Err(SendRefusal::TooMany);
    }
    Ok(())
}

/// A stored code as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeRecord {
    pub created_at: i64,
    pub attempts: i64,
    pub used: bool,
}

/// What a code entry does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Right code, in time, first use: the code is now used.
    Accepted,
    /// Wrong code: one attempt more.
    Wrong,
    /// Expired, used, or too many wrong entries: a new code is needed.
    Void,
}

/// Applies the rules to an entry. `matches` says whether the typed code equals the stored
/// hash (compared in constant time by the caller).
pub fn check(record: CodeRecord, matches: bool, now: i64) -> CheckOutcome {
    if record.used || record.attempts >= MAX_ATTEMPTS || now - record.created_at >= VALID_SECONDS {
        return CheckOutcome::Void;
    }
    if matches {
        CheckOutcome::Accepted
    } else {
        CheckOutcome::Wrong
    }
}

/// Normalises what a person typed or pasted: spaces and dashes removed; `None` if it is not
/// six digits.
pub fn normalise(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn sending_is_limited() {
        assert_eq!(may_send(&[], None, NOW), Ok(()));
        assert_eq!(
            may_send(&[NOW - 30], Some(NOW - 30), NOW),
            Err(SendRefusal::TooSoon(30))
        );
        assert_eq!(
            may_send(&[NOW - 30], None, NOW),
            Ok(()),
            "another purpose need not wait"
        );
        assert_eq!(may_send(&[NOW - 60], Some(NOW - 60), NOW), Ok(()));
        assert_eq!(
            may_send(&[NOW - 600, NOW - 300, NOW - 120], None, NOW),
            Err(SendRefusal::TooMany)
        );
        assert_eq!(
            may_send(&[NOW - 1000, NOW - 300, NOW - 120], None, NOW),
            Ok(()),
            "the oldest is past 15 minutes"
        );
        let ten: Vec<i64> = (1..=10).map(|h| NOW - h * 3000).collect();
        assert_eq!(may_send(&ten, None, NOW), Err(SendRefusal::TooMany));
        let old: Vec<i64> = (1..=10).map(|h| NOW - 86_400 - h).collect();
        assert_eq!(
            may_send(&old, None, NOW),
            Ok(()),
            "yesterday's codes no longer count"
        );
    }

    #[test]
    fn codes_expire_are_single_use_and_void_after_five_wrong_entries() {
        let fresh = CodeRecord {
            created_at: NOW,
            attempts: 0,
            used: false,
        };
        assert_eq!(check(fresh, true, NOW + 10), CheckOutcome::Accepted);
        assert_eq!(check(fresh, false, NOW + 10), CheckOutcome::Wrong);
        assert_eq!(
            check(fresh, true, NOW + VALID_SECONDS - 1),
            CheckOutcome::Accepted
        );
        assert_eq!(check(fresh, true, NOW + VALID_SECONDS), CheckOutcome::Void);
        assert_eq!(
            check(
                CodeRecord {
                    used: true,
                    ..fresh
                },
                true,
                NOW
            ),
            CheckOutcome::Void
        );
        assert_eq!(
            check(
                CodeRecord {
                    attempts: 4,
                    ..fresh
                },
                true,
                NOW
            ),
            CheckOutcome::Accepted
        );
        assert_eq!(
            check(
                CodeRecord {
                    attempts: 5,
                    ..fresh
                },
                true,
                NOW
            ),
            CheckOutcome::Void
        );
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(normalise(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalise("123-456").as_deref(), Some("123456"));
        assert_eq!(normalise("12345"), None);
        assert_eq!(normalise("12345a"), None);
        assert_eq!(normalise("١٢٣٤٥٦"), None, "only ASCII digits");
    }
}
