//! The registration journey as a state machine. The state lives server-side in the session;
//! each step may only follow the one before, going back is allowed, and an abandoned
//! registration expires after 30 minutes.

use serde::{Deserialize, Serialize};

pub const EXPIRES_AFTER_SECONDS: i64 = 30 * 60;

/// A sign-in is valid at most this long, whatever the activity (absolute session timeout).
pub const SIGN_IN_VALID_SECONDS: i64 = 12 * 3600;

/// Whether a sign-in made at `signed_in_at` still counts at `now`.
pub fn sign_in_still_valid(signed_in_at: i64, now: i64) -> bool {
    (0..SIGN_IN_VALID_SECONDS).contains(&(now - signed_in_at))
}

/// A signed-in session ends this long after its last request (customers and staff).
pub const IDLE_SECONDS: i64 = 15 * 60;

/// Whether a session whose last request was at `last_active` is still alive at `now` (both
/// limits: the absolute one from the sign-in and the idle one).
pub fn session_alive(signed_in_at: i64, last_active: Option<i64>, now: i64) -> bool {
    sign_in_still_valid(signed_in_at, now)
        && last_active.is_none_or(|last| now - last < IDLE_SECONDS)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 1. Customer number.
    CustomerNumber,
    /// 2. The first SMS code.
    Code,
    /// 3. Names, e-mail address, password.
    Details,
    /// 4. A code e-mailed to that address (proves it is the person's; see the service).
    EmailCode,
    /// 5. A contract number (security data).
    Contract,
    /// 6. The second SMS code.
    ContractCode,
    /// 7. Terms of use.
    Terms,
    /// The person declined the terms: nothing was activated.
    Declined,
}

/// The registration in progress. `customer_id` is `None` when the number does not lead to an
/// account (unknown, no mobile, no running contract, already registered): the journey then
/// looks the same but no code can ever be right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub step: Step,
    pub customer_number: String,
    pub customer_id: Option<i64>,
    pub started_at: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// argon2id hash of the chosen password (never the password itself).
    pub password_hash: String,
    pub contract_number: String,
}

impl Registration {
    pub fn start(customer_number: String, customer_id: Option<i64>, now: i64) -> Self {
        Registration {
            step: Step::Code,
            customer_number,
            customer_id,
            started_at: now,
            first_name: String::new(),
            last_name: String::new(),
            email: String::new(),
            password_hash: String::new(),
            contract_number: String::new(),
        }
    }

    pub fn is_expired(&self, now: i64) -> bool {
        now - self.started_at >= EXPIRES_AFTER_SECONDS
    }

    /// Whether a form of step `at` may be submitted now.
    pub fn expects(&self, at: Step) -> bool {
        self.step == at
    }

    /// The step "back" leads to. Before the details are stored, back means starting again.
    pub fn back(&self) -> Option<Step> {
        match self.step {
            Step::Code | Step::Details => None,
            Step::EmailCode | Step::Contract => Some(Step::Details),
            Step::ContractCode | Step::Terms => Some(Step::Contract),
            Step::CustomerNumber | Step::Declined => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_expires_after_thirty_minutes() {
        let r = Registration::start("100001".into(), Some(1), 1000);
        assert_eq!(r.step, Step::Code);
        assert!(!r.is_expired(1000 + EXPIRES_AFTER_SECONDS - 1));
        assert!(r.is_expired(1000 + EXPIRES_AFTER_SECONDS));
    }

    #[test]
    fn a_session_ends_fifteen_minutes_after_its_last_request() {
        assert!(session_alive(1000, Some(1000), 1000 + IDLE_SECONDS - 1));
        assert!(!session_alive(1000, Some(1000), 1000 + IDLE_SECONDS));
        // Activity keeps it alive, up to the absolute limit.
        assert!(session_alive(1000, Some(5000), 5000 + IDLE_SECONDS - 1));
        assert!(!session_alive(
            1000,
            Some(1000 + SIGN_IN_VALID_SECONDS - 10),
            1000 + SIGN_IN_VALID_SECONDS
        ));
    }

    #[test]
    fn a_sign_in_lasts_twelve_hours_at_most() {
        assert!(sign_in_still_valid(1000, 1000));
        assert!(sign_in_still_valid(1000, 1000 + SIGN_IN_VALID_SECONDS - 1));
        assert!(!sign_in_still_valid(1000, 1000 + SIGN_IN_VALID_SECONDS));
        assert!(
            !sign_in_still_valid(1000, 999),
            "a sign-in from the future is refused"
        );
    }

    #[test]
    fn steps_cannot_be_skipped_and_back_is_bounded() {
        let mut r = Registration::start("100001".into(), Some(1), 0);
        assert!(r.expects(Step::Code));
        assert!(!r.expects(Step::Terms));
        assert_eq!(r.back(), None);
        r.step = Step::Terms;
        assert_eq!(r.back(), Some(Step::Contract));
        r.step = Step::Contract;
        assert_eq!(r.back(), Some(Step::Details));
    }
}
