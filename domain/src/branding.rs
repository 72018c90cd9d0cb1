//! The operator's identity (white-label): name, address, contact channels, colour and logo.

use crate::Lang;
use serde::{Deserialize, Serialize};

/// What the operator configures about itself; shown in the header, footer, e-mails and PDFs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    pub company_name: String,
    pub address: String,
    /// The operator's VAT (enterprise) number, printed on invoices.
    #[serde(default)]
    pub vat_number: String,
    /// The account customers pay into, printed on invoices with the payment reference.
    #[serde(default)]
    pub iban: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// Opening hours on working days, e.g. `8:30–18:00`.
    pub opening_hours: String,
    /// The accent colour as `#rrggbb`.
    pub primary_color: String,
    /// A path or URL of the logo image; empty for none.
    pub logo_url: String,
}

impl Default for Branding {
    /// The fictional demo operator.
    fn default() -> Self {
        Self {
            company_name: "Lumen Lease".into(),
            address: "Voorbeeldlaan 1, 1000 Brussel".into(),
            vat_number: "BE 0123.456.749".into(),
            iban: "BE71 0961 2345 6769".into(),
            contact_email: "klantendienst@lumenlease.example".into(),
            contact_phone: "+32 2 555 01 00".into(),
            opening_hours: "8:30–18:00".into(),
            primary_color: "#0b5cad".into(),
            logo_url: "/logo.svg".into(),
        }
    }
}

/// What every page needs before it can render: the branding and the chosen language.
/// The server renders it into the page; the browser reads it back when it hydrates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub branding: Branding,
    pub lang: Lang,
    /// Who is signed in in this browser (for the header); nobody by default.
    #[serde(default)]
    pub signed_in: SignedIn,
}

/// Who is signed in, as far as the page frame needs to know.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The signed-in customer's first name.
    pub customer: Option<String>,
    /// Whether a staff member is signed in.
    pub staff: bool,
    /// The customer's message threads with a reply they have not read (the header's badge).
    #[serde(default)]
    pub unread: i64,
}

impl SiteInfo {
    pub fn new(branding: Branding, lang: Lang) -> Self {
        SiteInfo {
            branding,
            lang,
            signed_in: SignedIn::default(),
        }
    }
}

/// Checks a `#rrggbb` colour.
pub fn is_hex_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_colours() {
        assert!(super::is_hex_color("#0b5cad"));
        assert!(!super::is_hex_color("0b5cad"));
        assert!(!super::is_hex_color("#0b5cag"));
        assert!(!super::is_hex_color("red"));
    }
}
