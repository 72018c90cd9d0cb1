//! The password rules: 12 to 128 characters of any kind, no composition rules, not one of the
//! 10,000 most common passwords, and not containing the e-mail's local part or the customer
//! number. Each refusal names its reason (a translation key).

use std::collections::HashSet;
use std::sync::OnceLock;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Common,
    ContainsEmail,
    ContainsCustomerNumber,
    Mismatch,
}

impl PasswordProblem {
    pub const ALL: [PasswordProblem; 6] = [
        PasswordProblem::TooShort,
        PasswordProblem::TooLong,
        PasswordProblem::Common,
        PasswordProblem::ContainsEmail,
        PasswordProblem::ContainsCustomerNumber,
        PasswordProblem::Mismatch,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password.too_short",
            PasswordProblem::TooLong => "password.too_long",
            PasswordProblem::Common => "password.common",
            PasswordProblem::ContainsEmail => "password.contains_email",
            PasswordProblem::ContainsCustomerNumber => "password.contains_customer_number",
            PasswordProblem::Mismatch => "password.mismatch",
        }
    }
}

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// Checks a new password. `email_local` is the part of the e-mail before `@`.
pub fn check(
    password: &str,
    confirmation: &str,
    email_local: &str,
    customer_number: &str,
) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    if common().contains(lower.as_str()) {
        return Err(PasswordProblem::Common);
    }
    if email_local.chars().count() >= 3 && lower.contains(&email_local.to_lowercase()) {
        return Err(PasswordProblem::ContainsEmail);
    }
    if !customer_number.is_empty() && password.contains(customer_number) {
        return Err(PasswordProblem::ContainsCustomerNumber);
    }
    if password != confirmation {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_ten_thousand_entries() {
        assert_eq!(common().len(), 10_000);
        assert!(common().contains("1qaz2wsx3edc"));
    }

    #[test]
    fn rules_and_their_reasons() {
        let ok = "paard batterij nietje";
        assert_eq!(check(ok, ok, "an.peeters", "100001"), Ok(()));
        assert_eq!(
            check("kort", "kort", "an", "100001"),
            Err(PasswordProblem::TooShort)
        );
        let long = "x".repeat(129);
        assert_eq!(
            check(&long, &long, "an", "100001"),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(
            check(&"é".repeat(12), &"é".repeat(12), "an", "1"),
            Ok(()),
            "characters, not bytes"
        );
        assert_eq!(
            check("1QAZ2WSX3EDC", "1QAZ2WSX3EDC", "an", "100001"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check(
                "mijn An.Peeters wachtwoord",
                "mijn An.Peeters wachtwoord",
                "an.peeters",
                "100001"
            ),
            Err(PasswordProblem::ContainsEmail)
        );
        assert_eq!(
            check(
                "geheim 100001 geheim",
                "geheim 100001 geheim",
                "an",
                "100001"
            ),
            Err(PasswordProblem::ContainsCustomerNumber)
        );
        assert_eq!(
            check(ok, "iets anders", "an", "100001"),
            Err(PasswordProblem::Mismatch)
        );
    }
}
