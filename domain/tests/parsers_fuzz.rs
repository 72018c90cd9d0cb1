//! Generated input for every parser of what people and the back office type (issue 14's
//! "bad input at scale"): arbitrary text — unicode, NUL and control characters, huge and empty
//! strings — never panics, and what a parser accepts is in its canonical form (parsing it again
//! gives the same value), inside its documented bounds. proptest runs on stable Rust; each
//! property runs `CASES` generated inputs (a bounded run) and shrinks a failure to its
//! smallest input.

use domain::change_requests::{parse_km_per_year, parse_plate};
use domain::import::{ImportFile, validate};
use domain::mileage::{parse_date, parse_km};
use domain::search::{Term, fold};
use domain::uploads::{clean_name, sniff};
use domain::values::{ContractNumber, CustomerNumber, Email, NumberPlate, PhoneNumber, Vin};
use proptest::prelude::*;
use std::collections::HashSet;

const CASES: u32 = 3_000;

/// Any text, weighted towards what breaks parsers: the characters of their formats, digits,
/// separators, unicode look-alikes, control characters and NUL, and very long strings.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 .\\-/]{0,14}",
        "[A-Za-z0-9\\-]{0,12}",
        "[0-9A-Z\\- ._@+]{0,40}",
        "[\\x00-\\x1f\\u{202e}\\u{feff}\\u{a0}\\u{202f}é€0-9a-z]{0,20}",
        proptest::collection::vec(any::<char>(), 0..5_000).prop_map(|v| v.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn customer_and_contract_numbers(t in text()) {
        if let Ok(n) = CustomerNumber::parse(&t) {
            prop_assert!((6..=10).contains(&n.as_str().len()));
            prop_assert!(n.as_str().bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(CustomerNumber::parse(n.as_str()), Ok(n.clone()));
        }
        if let Ok(n) = ContractNumber::parse(&t) {
            prop_assert!(n.as_str().is_ascii() && !n.as_str().contains(char::is_whitespace));
            prop_assert_eq!(ContractNumber::parse(n.as_str()), Ok(n.clone()));
        }
    }

    #[test]
    fn number_plates(t in text(), country in "[A-Z]{0,3}|BE|NL|FR|DE|LU") {
        if let Ok(p) = NumberPlate::parse(&t) {
            prop_assert!(p.as_str().is_ascii());
            prop_assert_eq!(NumberPlate::parse(p.as_str()), Ok(p.clone()));
        }
        // The form's parser (Belgian or foreign) never panics and keeps no control characters.
        if let Ok(plate) = parse_plate(&country, &t) {
            let shown = format!("{plate:?}");
            prop_assert!(!shown.chars().any(|c| c.is_control()));
        }
    }

    #[test]
    fn contact_values(t in text()) {
        if let Ok(e) = Email::parse(&t) {
            prop_assert!(e.as_str().contains('@') && !e.as_str().chars().any(char::is_control));
            prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
        }
        if let Ok(p) = PhoneNumber::parse(&t) {
            prop_assert!(p.as_str().starts_with('+'));
            prop_assert_eq!(PhoneNumber::parse(p.as_str()), Ok(p.clone()));
        }
        if let Ok(v) = Vin::parse(&t) {
            prop_assert_eq!(v.as_str().len(), 17);
        }
    }

    #[test]
    fn mileage_and_allowance(t in text(), current in 0i64..200_000) {
        if let Ok(km) = parse_km(&t) {
            prop_assert!((0..=2_000_000).contains(&km));
            prop_assert_eq!(parse_km(&km.to_string()), Ok(km));
        }
        let _ = parse_date(&t);
        if let Ok(km) = parse_km_per_year(&t, current) {
            prop_assert!((5_000..=100_000).contains(&km) && km % 1_000 == 0);
        }
    }

    #[test]
    fn search_terms(t in text()) {
        let folded = fold(&t);
        prop_assert_eq!(fold(&folded), folded.clone(), "folding is idempotent");
        if let Ok(term) = Term::parse(&t) {
            prop_assert!(term.folded.chars().count() >= 2);
            prop_assert!(!term.folded.contains(char::is_control), "{:?}", term.folded);
            let (like, compact) = term.patterns();
            prop_assert!(like.starts_with('%') && like.ends_with('%'));
            prop_assert!(compact.starts_with('%') && compact.ends_with('%'));
            let _ = term.fts_query();
        }
    }

    #[test]
    fn uploaded_file_names(name in text(), head in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend_from_slice(&head);
        let kind = sniff(&bytes).expect("a PDF");
        let clean = clean_name(&name, kind);
        prop_assert!(!clean.is_empty() && clean.chars().count() <= 120, "{clean:?}");
        prop_assert!(!clean.contains(['/', '\\']) && !clean.chars().any(char::is_control), "{clean:?}");
        prop_assert!(!clean.contains(['\u{202e}', '\u{202d}', '\u{2066}', '\u{2067}', '\u{2068}']), "{clean:?}");
        prop_assert!(clean.ends_with(".pdf"), "{clean:?}");
        let _ = sniff(&head);
    }
}

proptest! {
    // Whole import files are larger: fewer of them.
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn import_rows(json in import_json()) {
        // Whatever the back office sends, the import either reads it or names the problems.
        if let Ok(file) = serde_json::from_str::<ImportFile>(&json) {
            let _ = validate(file, &HashSet::new(), &HashSet::new());
        }
    }
}

/// [`text`] without the very long strings (import files hold many fields).
fn short_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9 .\\-/]{0,14}",
        "[A-Za-z0-9\\-]{0,12}",
        "[\\x00-\\x1f\\u{202e}é€0-9a-z@.+]{0,20}",
        any::<String>(),
    ]
}

/// A JSON object with a generated value for each of `fields` (now and then left out).
fn record(fields: &'static [&'static str]) -> impl Strategy<Value = serde_json::Value> + Clone {
    let value = prop_oneof![
        4 => short_text().prop_map(serde_json::Value::String),
        2 => any::<i64>().prop_map(serde_json::Value::from),
        1 => "20[0-9]{2}-[01][0-9]-[0-3][0-9]".prop_map(serde_json::Value::String),
        1 => Just(serde_json::Value::Null),
        1 => Just(serde_json::Value::Bool(true)),
    ];
    proptest::collection::vec(proptest::option::weighted(0.9, value), fields.len()).prop_map(
        move |values| {
            serde_json::Value::Object(
                fields
                    .iter()
                    .zip(values)
                    .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
                    .collect(),
            )
        },
    )
}

/// Import files with generated values in every field (some left out, some of the wrong type).
fn import_json() -> impl Strategy<Value = String> {
    const CUSTOMER: &[&str] = &[
        "customer_number",
        "kind",
        "first_name",
        "last_name",
        "company_name",
        "company_number",
        "mobile",
        "email",
        "language",
        "street",
        "postal_code",
        "city",
        "country",
    ];
    const CONTRACT: &[&str] = &[
        "contract_number",
        "customer_number",
        "kind",
        "status",
        "start_date",
        "end_date",
        "duration_months",
        "monthly_amount_cents",
        "allowed_km_per_year",
        "excess_km_rate_cents",
    ];
    const VEHICLE: &[&str] = &["make", "model", "vin", "number_plate"];
    const INVOICE: &[&str] = &[
        "invoice_number",
        "contract_number",
        "issue_date",
        "due_date",
        "amount_excl_vat_cents",
        "vat_cents",
        "status",
        "description",
        "payment_reference",
    ];
    let contract = (record(CONTRACT), record(VEHICLE)).prop_map(|(mut c, v)| {
        c["vehicle"] = v;
        c
    });
    (
        proptest::collection::vec(record(CUSTOMER), 0..4),
        proptest::collection::vec(contract, 0..4),
        proptest::collection::vec(record(INVOICE), 0..4),
    )
        .prop_map(|(customers, contracts, invoices)| {
            serde_json::json!({ "customers": customers, "contracts": contracts, "invoices": invoices })
                .to_string()
        })
}
