//! What a form shows after a submission: a refusal next to its field, or a notice. Built from
//! the typed refusals of the services (`domain::refusal::Refusal`), never guessed from a key.

use domain::refusal::Refusal;
use serde::{Deserialize, Serialize};

/// A refusal as a page receives it: the translation key and the field it is about (empty for
/// the form as a whole).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub key: String,
    pub field: String,
}

impl FieldError {
    /// An error about the whole form (an expired step, a server fault).
    pub fn form(key: &str) -> FieldError {
        FieldError {
            key: key.into(),
            field: String::new(),
        }
    }
}

impl From<Refusal> for FieldError {
    fn from(r: Refusal) -> Self {
        FieldError {
            key: r.key().into(),
            field: r.field().into(),
        }
    }
}

/// The message a form shows: an error (announced as an alert) or a notice (a status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    Error(FieldError),
    Notice(String),
}

impl Message {
    pub fn notice(key: &str) -> Message {
        Message::Notice(key.into())
    }

    /// An error about the whole form.
    pub fn form_error(key: &str) -> Message {
        Message::Error(FieldError::form(key))
    }

    pub fn key(&self) -> &str {
        match self {
            Message::Error(e) => &e.key,
            Message::Notice(k) => k,
        }
    }

    pub fn is_notice(&self) -> bool {
        matches!(self, Message::Notice(_))
    }

    /// The error's key when it is about `field`.
    pub fn error_for(&self, field: &str) -> Option<String> {
        match self {
            Message::Error(e) if e.field == field => Some(e.key.clone()),
            _ => None,
        }
    }
}

impl From<Refusal> for Message {
    fn from(r: Refusal) -> Self {
        Message::Error(r.into())
    }
}

impl From<FieldError> for Message {
    fn from(e: FieldError) -> Self {
        Message::Error(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::values::ValueError;

    #[test]
    fn errors_point_to_their_field_and_notices_to_none() {
        let m = Message::from(Refusal::from(ValueError::Email));
        assert_eq!(m.error_for("email").as_deref(), Some("error.email"));
        assert_eq!(m.error_for("password"), None);
        assert!(!m.is_notice());
        let n = Message::notice("notice.password_changed");
        assert!(n.is_notice());
        assert_eq!(n.error_for(""), None);
        assert_eq!(
            Message::form_error("registration.expired").error_for(""),
            Some("registration.expired".into())
        );
    }
}
