//! Value types that can only hold valid data. Each parses user or back-office text once, at the
//! edge, and normalises it; code behind the edge never re-checks. Errors name a translation key.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused; `key()` is the translation key of the message shown to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("invalid customer number")]
    CustomerNumber,
    #[error("invalid contract number")]
    ContractNumber,
    #[error("invalid number plate")]
    NumberPlate,
    #[error("invalid e-mail address")]
    Email,
    #[error("invalid mobile number")]
    Phone,
    #[error("invalid VIN")]
    Vin,
}

impl ValueError {
    pub fn key(self) -> &'static str {
        match self {
            ValueError::CustomerNumber => "error.customer_number",
            ValueError::ContractNumber => "error.contract_number",
            ValueError::NumberPlate => "error.number_plate",
            ValueError::Email => "error.email",
            ValueError::Phone => "error.phone",
            ValueError::Vin => "error.vin",
        }
    }
}

macro_rules! text_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(&value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

/// A customer number (klantnummer): 6 to 10 digits; spaces and dots are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerNumber(String);
text_newtype!(CustomerNumber);

impl CustomerNumber {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if (6..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(ValueError::CustomerNumber)
        }
    }
}

/// A contract number such as `LC-2023-000123`: 4 to 20 letters, digits and dashes, upper-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContractNumber(String);
text_newtype!(ContractNumber);

impl ContractNumber {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let value = text.trim().to_ascii_uppercase();
        let ok = (4..=20).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && value.bytes().any(|b| b.is_ascii_digit())
            && !value.starts_with('-')
            && !value.ends_with('-');
        if ok {
            Ok(Self(value))
        } else {
            Err(ValueError::ContractNumber)
        }
    }
}

/// A Belgian number plate in the current format `1-ABC-234`. Input may be lower case and
/// without dashes or with spaces (`1abc234`, `1 ABC 234`); it is stored as `1-ABC-234`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NumberPlate(String);
text_newtype!(NumberPlate);

impl NumberPlate {
    /// A Belgian plate in any form people type it (spaces, dashes, dots, lower case) in one
    /// of its three formats, shown as written on the plate: `1-ABC-234` (since 2010),
    /// `ABC-123` (1973–2008) and `123-ABC` (2008–2010).
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let compact: Vec<u8> = text
            .trim()
            .bytes()
            .filter(|b| !matches!(b, b'-' | b' ' | b'.'))
            .map(|b| b.to_ascii_uppercase())
            .collect();
        let letters = |r: std::ops::Range<usize>| compact[r].iter().all(u8::is_ascii_uppercase);
        let digits = |r: std::ops::Range<usize>| compact[r].iter().all(u8::is_ascii_digit);
        let s = String::from_utf8_lossy(&compact).to_string();
        let plate = match compact.len() {
            7 if matches!(compact[0], b'1'..=b'9') && letters(1..4) && digits(4..7) => {
                format!("{}-{}-{}", &s[0..1], &s[1..4], &s[4..7])
            }
            6 if letters(0..3) && digits(3..6) => format!("{}-{}", &s[0..3], &s[3..6]),
            6 if digits(0..3) && letters(3..6) => format!("{}-{}", &s[0..3], &s[3..6]),
            _ => return Err(ValueError::NumberPlate),
        };
        Ok(Self(plate))
    }
}

/// A foreign number plate: its country (ISO 3166 alpha-2, not BE) and the plate as typed,
/// upper-cased, 2 to 12 letters, digits, spaces or dashes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForeignPlate {
    pub country: String,
    pub plate: String,
}

impl ForeignPlate {
    pub fn parse(country: &str, text: &str) -> Result<Self, ValueError> {
        let country = country.trim().to_ascii_uppercase();
        let plate = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        let country_ok = country.len() == 2
            && country.bytes().all(|b| b.is_ascii_uppercase())
            && country != "BE";
        let significant = plate.chars().filter(char::is_ascii_alphanumeric).count();
        let plate_ok = (2..=12).contains(&plate.chars().count())
            && significant >= 2
            && plate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if country_ok && plate_ok {
            Ok(Self { country, plate })
        } else {
            Err(ValueError::NumberPlate)
        }
    }
}

/// An e-mail address, trimmed and lower-cased (addresses are unique case-insensitively).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
text_newtype!(Email);

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Personal data stays out of logs: keep only the domain.
        let domain = self.0.rsplit('@').next().unwrap_or("");
        write!(f, "Email(…@{domain})")
    }
}

impl Email {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let value = text.trim().to_lowercase();
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(ValueError::Email);
        };
        let ok = value.len() <= 254
            && !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(value))
        } else {
            Err(ValueError::Email)
        }
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }
}

/// A mobile number in E.164 form (`+32470123456`). Belgian national input (`0470 12 34 56`)
/// and the `0032` prefix are accepted.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);
text_newtype!(PhoneNumber);

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail: String = self
            .0
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        write!(f, "PhoneNumber(…{tail})")
    }
}

impl PhoneNumber {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '/' | '-' | '(' | ')'))
            .collect();
        let international = if let Some(rest) = cleaned.strip_prefix("00") {
            format!("+{rest}")
        } else if let Some(rest) = cleaned.strip_prefix('0') {
            format!("+32{rest}")
        } else {
            cleaned
        };
        let Some(digits) = international.strip_prefix('+') else {
            return Err(ValueError::Phone);
        };
        let ok = digits.bytes().all(|b| b.is_ascii_digit())
            && (8..=15).contains(&digits.len())
            && !digits.starts_with('0');
        // A Belgian mobile number is +32 4xx xx xx xx.
        // (Bytes, not a slice of the text: it may hold anything, '32\u{a0}…' included.)
        let belgian_ok = !digits.starts_with("32")
            || (digits.len() == 11 && digits.as_bytes().get(2) == Some(&b'4'));
        if ok && belgian_ok {
            Ok(Self(international))
        } else {
            Err(ValueError::Phone)
        }
    }

    /// A stored number (E.164) as people read it; text that is not a number stays as it is.
    pub fn shown(stored: &str) -> String {
        PhoneNumber::parse(stored).map_or_else(|_| stored.to_string(), |p| p.display())
    }

    /// Readable form: `+32 470 12 34 56` for Belgian numbers, E.164 otherwise.
    pub fn display(&self) -> String {
        let d = &self.0;
        if d.starts_with("+32") && d.len() == 12 {
            format!("+32 {} {} {} {}", &d[3..6], &d[6..8], &d[8..10], &d[10..12])
        } else {
            d.clone()
        }
    }
}

/// A vehicle identification number: 17 letters and digits, without I, O and Q.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vin(String);
text_newtype!(Vin);

impl Vin {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let value = text.trim().to_ascii_uppercase();
        let ok = value.len() == 17
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() && !matches!(b, b'I' | b'O' | b'Q'));
        if ok {
            Ok(Self(value))
        } else {
            Err(ValueError::Vin)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_numbers() {
        assert_eq!(
            CustomerNumber::parse(" 100 001 ").unwrap().as_str(),
            "100001"
        );
        assert!(CustomerNumber::parse("12345").is_err());
        assert!(CustomerNumber::parse("12345678901").is_err());
        assert!(CustomerNumber::parse("12a456").is_err());
        assert!(CustomerNumber::parse("").is_err());
    }

    #[test]
    fn contract_numbers() {
        assert_eq!(
            ContractNumber::parse("lc-2023-000123").unwrap().as_str(),
            "LC-2023-000123"
        );
        assert!(ContractNumber::parse("ABC").is_err());
        assert!(ContractNumber::parse("LC 2023").is_err());
        assert!(ContractNumber::parse("-LC-1").is_err());
        assert!(ContractNumber::parse("LEASE-CONTRACT").is_err());
    }

    #[test]
    fn number_plates_are_normalised() {
        let belgian = [
            ("1-ABC-234", "1-ABC-234"),
            ("1ABC234", "1-ABC-234"),
            ("1 abc 234", "1-ABC-234"),
            ("1abc234", "1-ABC-234"),
            (" 1-abc-234 ", "1-ABC-234"),
            ("1.ABC.234", "1-ABC-234"),
            ("2 XYZ 999", "2-XYZ-999"),
            ("9-zzz-000", "9-ZZZ-000"),
            ("1 - ABC - 234", "1-ABC-234"),
            ("ABC-123", "ABC-123"),
            ("abc123", "ABC-123"),
            ("abc 123", "ABC-123"),
            ("123-ABC", "123-ABC"),
            ("123abc", "123-ABC"),
            ("123 abc", "123-ABC"),
        ];
        for (typed, shown) in belgian {
            assert_eq!(
                NumberPlate::parse(typed).unwrap().as_str(),
                shown,
                "{typed}"
            );
        }
        for wrong in [
            "0-ABC-234",
            "1-AB1-234",
            "1-ABC-23",
            "1-ÄBC-234",
            "",
            "1",
            "ABCD-123",
            "12-ABC",
            "1-ABC-2345",
            "A1B-2C3",
            "1_ABC_234",
        ] {
            assert!(NumberPlate::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn foreign_plates_keep_their_form_with_a_country() {
        let p = ForeignPlate::parse("nl", "  ab-123-c ").unwrap();
        assert_eq!((p.country.as_str(), p.plate.as_str()), ("NL", "AB-123-C"));
        assert_eq!(
            ForeignPlate::parse("DE", "b  mw 1234").unwrap().plate,
            "B MW 1234"
        );
        assert!(
            ForeignPlate::parse("BE", "1-ABC-234").is_err(),
            "Belgian plates are Belgian"
        );
        assert!(ForeignPlate::parse("N", "AB-123").is_err());
        assert!(ForeignPlate::parse("NL", "-").is_err());
        assert!(ForeignPlate::parse("NL", "AB<script>").is_err());
        assert!(ForeignPlate::parse("FR", "AA-123-AAAAAAA").is_err());
    }

    #[test]
    fn emails() {
        let e = Email::parse("  An.Peeters@Example.BE ").unwrap();
        assert_eq!(e.as_str(), "an.peeters@example.be");
        assert_eq!(e.local_part(), "an.peeters");
        assert_eq!(format!("{e:?}"), "Email(…@example.be)");
        for bad in [
            "",
            "no-at",
            "@example.be",
            "a@b",
            "a b@example.be",
            "a@example..be",
            "a@.be",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn phone_numbers() {
        let p = PhoneNumber::parse("0470 12 34 56").unwrap();
        assert_eq!(p.as_str(), "+32470123456");
        assert_eq!(p.display(), "+32 470 12 34 56");
        assert_eq!(PhoneNumber::parse("0032470123456").unwrap(), p);
        assert_eq!(PhoneNumber::parse("+32 470/12.34.56").unwrap(), p);
        assert!(
            PhoneNumber::parse("+3225551234").is_err(),
            "Belgian landline is no mobile"
        );
        assert_eq!(
            PhoneNumber::parse("+33612345678").unwrap().display(),
            "+33612345678"
        );
        assert!(PhoneNumber::parse("12345").is_err());
        assert!(PhoneNumber::parse("+32abc").is_err());
        // Eleven bytes after "+32" with a character of two bytes where the 4 belongs: an
        // error, not a panic (found by the fuzz test).
        assert_eq!(
            PhoneNumber::parse("+32\u{a0}4567890"),
            Err(ValueError::Phone)
        );
    }

    #[test]
    fn vins() {
        assert_eq!(
            Vin::parse("wvwzzz1kzaw000001").unwrap().as_str(),
            "WVWZZZ1KZAW000001"
        );
        assert!(Vin::parse("WVWZZZ1KZAW00000").is_err());
        assert!(Vin::parse("WVWZZZ1KZAW00000O").is_err());
    }
}
