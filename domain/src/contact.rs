//! The rules of a customer's contact details (issue 10): the back office owns the postal
//! address, the mobile number and the e-mail address for correspondence, so a customer asks
//! for a change and the CIC approves it. A new mobile number is confirmed with an SMS code sent
//! to that number before the request is filed.

use crate::refusal::Refusal;
use crate::values::{Email, PhoneNumber, ValueError};
use serde::{Deserialize, Serialize};

/// The countries a postal address may be in (where the operator delivers letters), with the
/// form their postal codes take.
pub const COUNTRIES: [&str; 5] = ["BE", "NL", "LU", "FR", "DE"];

/// The longest street line and city name kept.
pub const MAX_STREET_CHARS: usize = 100;
pub const MAX_CITY_CHARS: usize = 60;

/// Why a postal address or a contact change is refused (each maps to a message next to its
/// field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactRefusal {
    StreetRequired,
    /// The street line has no house number.
    HouseNumberMissing,
    StreetTooLong,
    PostalCodeInvalid,
    CityRequired,
    CityTooLong,
    CountryUnknown,
    /// The new address is the one on file.
    AddressUnchanged,
    /// The new mobile number is the one on file.
    MobileUnchanged,
    /// The new e-mail address is the one on file.
    EmailUnchanged,
    /// Confirming a mobile number without a code having been sent to it.
    MobileNotPending,
}

impl ContactRefusal {
    pub fn key(self) -> &'static str {
        use ContactRefusal::*;
        match self {
            StreetRequired => "contact.street_required",
            HouseNumberMissing => "contact.house_number_missing",
            StreetTooLong => "contact.street_too_long",
            PostalCodeInvalid => "contact.postal_code_invalid",
            CityRequired => "contact.city_required",
            CityTooLong => "contact.city_too_long",
            CountryUnknown => "contact.country_unknown",
            AddressUnchanged => "contact.address_unchanged",
            MobileUnchanged => "contact.mobile_unchanged",
            EmailUnchanged => "contact.email_unchanged",
            MobileNotPending => "contact.mobile_not_pending",
        }
    }

    pub fn field(self) -> &'static str {
        use ContactRefusal::*;
        match self {
            StreetRequired | HouseNumberMissing | StreetTooLong | AddressUnchanged => "street",
            PostalCodeInvalid => "postal_code",
            CityRequired | CityTooLong => "city",
            CountryUnknown => "country",
            MobileUnchanged => "phone",
            EmailUnchanged => "email",
            MobileNotPending => "code",
        }
    }

    pub const ALL: [ContactRefusal; 11] = [
        ContactRefusal::StreetRequired,
        ContactRefusal::HouseNumberMissing,
        ContactRefusal::StreetTooLong,
        ContactRefusal::PostalCodeInvalid,
        ContactRefusal::CityRequired,
        ContactRefusal::CityTooLong,
        ContactRefusal::CountryUnknown,
        ContactRefusal::AddressUnchanged,
        ContactRefusal::MobileUnchanged,
        ContactRefusal::EmailUnchanged,
        ContactRefusal::MobileNotPending,
    ];
}

impl From<ContactRefusal> for Refusal {
    fn from(r: ContactRefusal) -> Self {
        Refusal::Contact(r)
    }
}

/// A postal address as the back office keeps it: one street line (street, number, box), the
/// postal code in its country's form, the city and the ISO country code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

/// Runs of white space become one space; the ends are trimmed.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The postal code in its country's form: Belgium, Luxembourg 4 digits (1000–9999; `L-` and
/// `B-` prefixes dropped), France and Germany 5 digits, the Netherlands `1234 AB`.
fn postal_code(country: &str, text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let compact = compact
        .strip_prefix(&format!("{}-", &country[..1]))
        .unwrap_or(&compact)
        .to_string();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match country {
        "BE" | "LU" => (digits(&compact, 4) && !compact.starts_with('0')).then_some(compact),
        "FR" | "DE" => digits(&compact, 5).then_some(compact),
        "NL" => {
            let ok = compact.len() == 6
                && digits(&compact[..4], 4)
                && !compact.starts_with('0')
                && compact[4..].bytes().all(|b| b.is_ascii_uppercase());
            ok.then(|| format!("{} {}", &compact[..4], &compact[4..]))
        }
        _ => None,
    }
}

impl PostalAddress {
    /// Checks and tidies an address as typed. The first problem found is returned, street
    /// first, in the order of the form.
    pub fn parse(
        street: &str,
        postal: &str,
        city: &str,
        country: &str,
    ) -> Result<Self, ContactRefusal> {
        let street = tidy(street);
        if street.is_empty() {
            return Err(ContactRefusal::StreetRequired);
        }
        if street.chars().count() > MAX_STREET_CHARS {
            return Err(ContactRefusal::StreetTooLong);
        }
        if !street.chars().any(|c| c.is_ascii_digit()) {
            return Err(ContactRefusal::HouseNumberMissing);
        }
        let country = country.trim().to_ascii_uppercase();
        let country = match COUNTRIES.iter().find(|c| **c == country) {
            Some(c) => *c,
            None => return Err(ContactRefusal::CountryUnknown),
        };
        let Some(postal_code) = postal_code(country, postal) else {
            return Err(ContactRefusal::PostalCodeInvalid);
        };
        let city = tidy(city);
        if city.is_empty() {
            return Err(ContactRefusal::CityRequired);
        }
        if city.chars().count() > MAX_CITY_CHARS {
            return Err(ContactRefusal::CityTooLong);
        }
        Ok(Self {
            street,
            postal_code,
            city,
            country: country.to_string(),
        })
    }

    /// One line: `Kerkstraat 12 bus 3, 2000 Antwerpen` (the country added outside Belgium).
    pub fn one_line(&self) -> String {
        let country = if self.country == "BE" {
            String::new()
        } else {
            format!(", {}", self.country)
        };
        format!(
            "{}, {} {}{country}",
            self.street, self.postal_code, self.city
        )
    }

    /// The same address, ignoring case (a request that only changes capitals is no change).
    pub fn same_as(&self, other: &PostalAddress) -> bool {
        self.street.to_lowercase() == other.street.to_lowercase()
            && self.postal_code == other.postal_code
            && self.city.to_lowercase() == other.city.to_lowercase()
            && self.country == other.country
    }
}

/// A new mobile number as typed, refused when it is the one on file (`current`, E.164).
pub fn new_mobile(text: &str, current: Option<&str>) -> Result<PhoneNumber, Refusal> {
    let phone = PhoneNumber::parse(text).map_err(Refusal::Value)?;
    if current == Some(phone.as_str()) {
        return Err(ContactRefusal::MobileUnchanged.into());
    }
    Ok(phone)
}

/// A new e-mail address for correspondence, refused when it is the one on file.
pub fn new_email(text: &str, current: Option<&str>) -> Result<Email, Refusal> {
    let email = Email::parse(text).map_err(|_| Refusal::Value(ValueError::Email))?;
    if current.is_some_and(|c| c.eq_ignore_ascii_case(email.as_str())) {
        return Err(ContactRefusal::EmailUnchanged.into());
    }
    Ok(email)
}

/// A new address, refused when it is the one on file.
pub fn new_address(
    street: &str,
    postal: &str,
    city: &str,
    country: &str,
    current: Option<&PostalAddress>,
) -> Result<PostalAddress, Refusal> {
    let address = PostalAddress::parse(street, postal, city, country)?;
    if current.is_some_and(|c| c.same_as(&address)) {
        return Err(ContactRefusal::AddressUnchanged.into());
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_tidied_and_checked_per_country() {
        let ok = [
            (
                ("Kerkstraat 12", "2000", "Antwerpen", "BE"),
                ("Kerkstraat 12", "2000", "Antwerpen", "BE"),
            ),
            (
                ("  rue  Royale 4 bte 2 ", " 1000 ", " Bruxelles ", "be"),
                ("rue Royale 4 bte 2", "1000", "Bruxelles", "BE"),
            ),
            (
                ("Avenue X 1", "B-4000", "Liège", "BE"),
                ("Avenue X 1", "4000", "Liège", "BE"),
            ),
            (
                ("Damrak 1", "1012lg", "Amsterdam", "NL"),
                ("Damrak 1", "1012 LG", "Amsterdam", "NL"),
            ),
            (
                ("Damrak 1", "1012 LG", "Amsterdam", "NL"),
                ("Damrak 1", "1012 LG", "Amsterdam", "NL"),
            ),
            (
                ("Rue 5", "L-1111", "Luxembourg", "LU"),
                ("Rue 5", "1111", "Luxembourg", "LU"),
            ),
            (
                ("Rue de Lille 3", "59000", "Lille", "FR"),
                ("Rue de Lille 3", "59000", "Lille", "FR"),
            ),
            (
                ("Hauptstr. 7", "52062", "Aachen", "DE"),
                ("Hauptstr. 7", "52062", "Aachen", "DE"),
            ),
        ];
        for ((street, postal, city, country), (s, p, c, k)) in ok {
            let a = PostalAddress::parse(street, postal, city, country)
                .unwrap_or_else(|e| panic!("{street} {postal} {city} {country}: {e:?}"));
            assert_eq!(
                (
                    a.street.as_str(),
                    a.postal_code.as_str(),
                    a.city.as_str(),
                    a.country.as_str()
                ),
                (s, p, c, k)
            );
        }
        let long = "x".repeat(MAX_STREET_CHARS) + " 1";
        let bad = [
            (
                ("", "2000", "Antwerpen", "BE"),
                ContactRefusal::StreetRequired,
            ),
            (
                ("   ", "2000", "Antwerpen", "BE"),
                ContactRefusal::StreetRequired,
            ),
            (
                ("Kerkstraat", "2000", "Antwerpen", "BE"),
                ContactRefusal::HouseNumberMissing,
            ),
            (
                (long.as_str(), "2000", "Antwerpen", "BE"),
                ContactRefusal::StreetTooLong,
            ),
            (
                ("Kerkstraat 1", "200", "Antwerpen", "BE"),
                ContactRefusal::PostalCodeInvalid,
            ),
            (
                ("Kerkstraat 1", "0999", "Antwerpen", "BE"),
                ContactRefusal::PostalCodeInvalid,
            ),
            (
                ("Kerkstraat 1", "20000", "Antwerpen", "BE"),
                ContactRefusal::PostalCodeInvalid,
            ),
            (
                ("Kerkstraat 1", "ABCD", "Antwerpen", "BE"),
                ContactRefusal::PostalCodeInvalid,
            ),
            (
                ("Damrak 1", "1012", "Amsterdam", "NL"),
                ContactRefusal::PostalCodeInvalid,
            ),
            (
                ("Rue 1", "5900", "Lille", "FR"),
                ContactRefusal::PostalCodeInvalid,
            ),
            (
                ("Kerkstraat 1", "2000", "", "BE"),
                ContactRefusal::CityRequired,
            ),
            (
                ("Kerkstraat 1", "2000", &"y".repeat(61), "BE"),
                ContactRefusal::CityTooLong,
            ),
            (
                ("Kerkstraat 1", "2000", "Antwerpen", "US"),
                ContactRefusal::CountryUnknown,
            ),
            (
                ("Kerkstraat 1", "2000", "Antwerpen", ""),
                ContactRefusal::CountryUnknown,
            ),
        ];
        for ((street, postal, city, country), want) in bad {
            assert_eq!(
                PostalAddress::parse(street, postal, city, country),
                Err(want),
                "{street:?} {postal:?} {city:?} {country:?}"
            );
        }
    }

    #[test]
    fn an_address_reads_as_one_line() {
        let be = PostalAddress::parse("Kerkstraat 12", "2000", "Antwerpen", "BE").unwrap();
        assert_eq!(be.one_line(), "Kerkstraat 12, 2000 Antwerpen");
        let nl = PostalAddress::parse("Damrak 1", "1012LG", "Amsterdam", "NL").unwrap();
        assert_eq!(nl.one_line(), "Damrak 1, 1012 LG Amsterdam, NL");
    }

    #[test]
    fn a_change_to_what_is_on_file_is_refused() {
        let now = PostalAddress::parse("Kerkstraat 12", "2000", "Antwerpen", "BE").unwrap();
        assert_eq!(
            new_address("kerkstraat  12", "2000", "ANTWERPEN", "be", Some(&now)),
            Err(ContactRefusal::AddressUnchanged.into())
        );
        assert!(new_address("Kerkstraat 14", "2000", "Antwerpen", "BE", Some(&now)).is_ok());
        assert!(new_address("Kerkstraat 14", "2000", "Antwerpen", "BE", None).is_ok());

        assert_eq!(
            new_mobile("0470 12 34 56", Some("+32470123456")),
            Err(ContactRefusal::MobileUnchanged.into())
        );
        assert_eq!(
            new_mobile("0470 12", Some("+32470123456")),
            Err(Refusal::Value(ValueError::Phone))
        );
        assert_eq!(
            new_mobile("+32 471 00 00 00", Some("+32470123456")).map(|p| p.display()),
            Ok("+32 471 00 00 00".to_string())
        );

        assert_eq!(
            new_email("An@Example.be", Some("an@example.be")),
            Err(ContactRefusal::EmailUnchanged.into())
        );
        assert_eq!(
            new_email("not-an-address", None),
            Err(Refusal::Value(ValueError::Email))
        );
        assert!(new_email("post@example.be", Some("an@example.be")).is_ok());
    }

    #[test]
    fn every_refusal_points_at_a_field_of_its_form() {
        for r in ContactRefusal::ALL {
            assert!(
                [
                    "street",
                    "postal_code",
                    "city",
                    "country",
                    "phone",
                    "email",
                    "code"
                ]
                .contains(&r.field()),
                "{r:?}"
            );
            assert!(r.key().starts_with("contact."));
        }
    }
}
