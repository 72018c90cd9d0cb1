//! The life of a customer's request (documents now; number plate, mileage and privacy requests
//! later): which event may move a request from which status, and to where. Stores ask this
//! module which statuses allow an event and apply it with a conditional update, so the rule is
//! written once and a lost race is simply "no longer possible".
//!
//! ```text
//! submitted ──start treatment──▶ in treatment
//!     │ cancel (by the customer)     │
//!     ▼                              │
//! cancelled    submitted or in treatment ──approve / reject / complete──▶
//! approved ──complete──▶ completed        rejected, cancelled, completed: final
//! ```
//!
//! A customer may cancel a request only while it is submitted: once an agent has taken it
//! up, it is answered (the agent may already have acted on it).

use crate::model::RequestStatus;

/// What can happen to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestEvent {
    /// A CIC agent takes it up.
    StartTreatment,
    Approve,
    Reject,
    /// The customer withdraws it while it is submitted.
    Cancel,
    /// What was asked for was done (a document request is completed when its document exists).
    Complete,
}

impl RequestEvent {
    pub const ALL: [RequestEvent; 5] = [
        RequestEvent::StartTreatment,
        RequestEvent::Approve,
        RequestEvent::Reject,
        RequestEvent::Cancel,
        RequestEvent::Complete,
    ];
}

/// The status after `event`, or `None` if the event is not possible in `from`.
pub fn after(from: RequestStatus, event: RequestEvent) -> Option<RequestStatus> {
    use RequestEvent as E;
    use RequestStatus as S;
    match (from, event) {
        (S::Submitted, E::StartTreatment) => Some(S::InTreatment),
        (S::Submitted | S::InTreatment, E::Approve) => Some(S::Approved),
        (S::Submitted | S::InTreatment, E::Reject) => Some(S::Rejected),
        (S::Submitted, E::Cancel) => Some(S::Cancelled),
        (S::Submitted | S::InTreatment | S::Approved, E::Complete) => Some(S::Completed),
        _ => None,
    }
}

/// The statuses in which `event` is possible (for the store's conditional update).
pub fn allowed_from(event: RequestEvent) -> Vec<RequestStatus> {
    RequestStatus::ALL
        .iter()
        .copied()
        .filter(|s| after(*s, event).is_some())
        .collect()
}

/// The statuses of a request still waiting for an answer (open: in the CIC's work queue).
pub fn pending() -> Vec<RequestStatus> {
    allowed_from(RequestEvent::Approve)
}

/// The statuses in which the customer may still cancel a request.
pub fn cancellable() -> Vec<RequestStatus> {
    allowed_from(RequestEvent::Cancel)
}

/// Whether no event can change the status any more.
pub fn is_final(status: RequestStatus) -> bool {
    RequestEvent::ALL
        .iter()
        .all(|e| after(status, *e).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestEvent as E;
    use RequestStatus as S;

    #[test]
    fn every_status_and_event() {
        // The whole table, so a change to the rules is a deliberate change to this test.
        let expected = [
            (
                S::Submitted,
                [
                    Some(S::InTreatment),
                    Some(S::Approved),
                    Some(S::Rejected),
                    Some(S::Cancelled),
                    Some(S::Completed),
                ],
            ),
            (
                S::InTreatment,
                [
                    None,
                    Some(S::Approved),
                    Some(S::Rejected),
                    None,
                    Some(S::Completed),
                ],
            ),
            (S::Approved, [None, None, None, None, Some(S::Completed)]),
            (S::Rejected, [None; 5]),
            (S::Completed, [None; 5]),
            (S::Cancelled, [None; 5]),
        ];
        for (from, outcomes) in expected {
            for (event, outcome) in E::ALL.iter().zip(outcomes) {
                assert_eq!(after(from, *event), outcome, "{from:?} {event:?}");
            }
        }
        assert_eq!(expected.len(), S::ALL.len());
    }

    #[test]
    fn pending_is_what_the_cic_still_answers_and_only_a_submitted_request_is_cancelled() {
        assert_eq!(pending(), vec![S::Submitted, S::InTreatment]);
        for s in S::ALL {
            assert_eq!(pending().contains(s), s.is_pending(), "{s:?}");
        }
        assert_eq!(cancellable(), vec![S::Submitted]);
        assert_eq!(after(S::InTreatment, E::Cancel), None);
    }

    #[test]
    fn final_statuses_stay_final() {
        let finals: Vec<_> = S::ALL.iter().copied().filter(|s| is_final(*s)).collect();
        assert_eq!(finals, vec![S::Rejected, S::Completed, S::Cancelled]);
        assert_eq!(
            allowed_from(E::Complete),
            vec![S::Submitted, S::InTreatment, S::Approved]
        );
    }
}
