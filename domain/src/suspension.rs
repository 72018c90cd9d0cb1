//! Suspending a customer's portal access (terms art. 6.4: the operator may act against
//! misuse): an admin picks a reason from a short list and may add a note (required for
//! "other"); the customer is told by e-mail and, at sign-in, sees a plain explanation and the
//! contact channels.

use crate::refusal::Refusal;

/// The longest note kept.
pub const MAX_NOTE_CHARS: usize = 500;

/// Why access is suspended.
pub const REASONS: [&str; 5] = [
    "misuse",
    "fraud_suspected",
    "security",
    "customer_request",
    "other",
];

/// A checked suspension: the reason code and the note, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspension {
    pub reason: &'static str,
    pub note: Option<String>,
}

/// Checks a suspension as an admin typed it.
pub fn parse(reason: &str, note: &str) -> Result<Suspension, Refusal> {
    let Some(reason) = REASONS.iter().find(|r| **r == reason.trim()) else {
        return Err(Refusal::SuspensionReasonRequired);
    };
    let note: String = note.trim().chars().take(MAX_NOTE_CHARS).collect();
    if note.is_empty() && *reason == "other" {
        return Err(Refusal::SuspensionNoteRequired);
    }
    Ok(Suspension {
        reason,
        note: (!note.is_empty()).then_some(note),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_from_the_list_is_needed_and_other_needs_a_note() {
        assert_eq!(parse("", "x"), Err(Refusal::SuspensionReasonRequired));
        assert_eq!(parse("bored", ""), Err(Refusal::SuspensionReasonRequired));
        assert_eq!(parse("other", "  "), Err(Refusal::SuspensionNoteRequired));
        assert_eq!(
            parse(" misuse ", ""),
            Ok(Suspension {
                reason: "misuse",
                note: None
            })
        );
        let long = parse("other", &"n".repeat(900)).unwrap();
        assert_eq!(long.note.unwrap().len(), MAX_NOTE_CHARS);
        assert_eq!(Refusal::SuspensionNoteRequired.field(), "note");
        assert_eq!(Refusal::SuspensionReasonRequired.field(), "reason");
    }
}
