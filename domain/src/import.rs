//! The back-office import format and its row rules.
//!
//! The back office exports three flat lists (customers, contracts with their vehicle, invoices)
//! in one JSON file (format documented in `docs/IMPORT.md`). [`validate`] turns the raw rows into
//! valid records or into a list of every problem, each naming its list, record number (1-based)
//! and field, so an operator can fix the file in one go.

use crate::Lang;
use crate::contact::{ContactRefusal, PostalAddress};
use crate::model::{ContractKind, ContractStatus, CustomerKind, InvoiceStatus};
use crate::money::parse_iso_date;
use crate::values::{ContractNumber, CustomerNumber, Email, NumberPlate, PhoneNumber, Vin};
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use time::Date;

/// The file as the back office writes it. Fields are loose on purpose: a wrong value is a
/// reported row error, not a refused file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    #[serde(default)]
    pub customers: Vec<RawCustomer>,
    #[serde(default)]
    pub contracts: Vec<RawContract>,
    #[serde(default)]
    pub invoices: Vec<RawInvoice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomer {
    pub customer_number: String,
    pub kind: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub company_number: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub language: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVehicle {
    pub make: String,
    pub model: String,
    pub vin: String,
    pub number_plate: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    pub contract_number: String,
    pub customer_number: String,
    pub kind: String,
    pub status: String,
    pub start_date: String,
    pub end_date: String,
    pub duration_months: i64,
    pub monthly_amount_cents: i64,
    pub allowed_km_per_year: Option<i64>,
    pub excess_km_rate_cents: Option<i64>,
    pub vehicle: RawVehicle,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInvoice {
    pub invoice_number: String,
    pub contract_number: String,
    pub issue_date: String,
    pub due_date: String,
    pub amount_excl_vat_cents: i64,
    pub vat_cents: i64,
    pub status: String,
    pub description: Option<String>,
    pub payment_reference: Option<String>,
}

/// A valid customer record.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub number: CustomerNumber,
    pub kind: CustomerKind,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub company_number: Option<String>,
    pub mobile: Option<PhoneNumber>,
    pub email: Option<Email>,
    pub language: Lang,
    /// The postal address, when the back office has one.
    pub address: Option<PostalAddress>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Vehicle {
    pub make: String,
    pub model: String,
    pub vin: Vin,
    pub number_plate: Option<NumberPlate>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Contract {
    pub number: ContractNumber,
    pub customer_number: CustomerNumber,
    pub kind: ContractKind,
    pub status: ContractStatus,
    pub start_date: Date,
    pub end_date: Date,
    pub duration_months: i64,
    pub monthly_amount_cents: i64,
    pub allowed_km_per_year: Option<i64>,
    pub excess_km_rate_cents: Option<i64>,
    pub vehicle: Vehicle,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Invoice {
    pub number: String,
    pub contract_number: ContractNumber,
    pub issue_date: Date,
    pub due_date: Date,
    pub amount_excl_vat_cents: i64,
    pub vat_cents: i64,
    pub status: InvoiceStatus,
    pub description: String,
    pub payment_reference: String,
}

/// Valid records, ready to store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportBatch {
    pub customers: Vec<Customer>,
    pub contracts: Vec<Contract>,
    pub invoices: Vec<Invoice>,
}

/// One problem in one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub list: &'static str,
    /// 1-based position in its list.
    pub record: usize,
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} record {}: {}: {}",
            self.list, self.record, self.field, self.message
        )
    }
}

const MAX_TEXT: usize = 200;

struct Collector {
    errors: Vec<RowError>,
    list: &'static str,
    record: usize,
}

impl Collector {
    fn fail(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push(RowError {
            list: self.list,
            record: self.record,
            field,
            message: message.into(),
        });
    }

    fn check<T, E>(
        &mut self,
        field: &'static str,
        result: Result<T, E>,
        message: &str,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(_) => {
                self.fail(field, message);
                None
            }
        }
    }

    fn date(&mut self, field: &'static str, text: &str) -> Option<Date> {
        let date = parse_iso_date(text);
        if date.is_none() {
            self.fail(
                field,
                format!("`{text}` is not a date in the form yyyy-mm-dd"),
            );
        }
        date
    }

    fn text(&mut self, field: &'static str, value: Option<&str>, required: bool) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        match value {
            None if required => {
                self.fail(field, "is required");
                None
            }
            None => Some(String::new()),
            Some(v) if v.chars().count() > MAX_TEXT || v.chars().any(char::is_control) => {
                self.fail(
                    field,
                    format!("must be at most {MAX_TEXT} characters of plain text"),
                );
                None
            }
            Some(v) => Some(v.to_string()),
        }
    }

    fn range(&mut self, field: &'static str, value: i64, min: i64, max: i64) -> Option<i64> {
        if (min..=max).contains(&value) {
            Some(value)
        } else {
            self.fail(field, format!("{value} is outside {min}..={max}"));
            None
        }
    }
}

/// A Belgian enterprise number: 10 digits starting with 0 or 1 (`0123.456.789`), with the
/// modulo-97 check of its last two digits.
pub fn parse_company_number(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let only_allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ' ' | '-'))
        || text.trim().to_ascii_uppercase().starts_with("BE");
    if !only_allowed || digits.len() != 10 || !matches!(&digits[..1], "0" | "1") {
        return None;
    }
    let base: u64 = digits[..8].parse().ok()?;
    let check: u64 = digits[8..].parse().ok()?;
    (97 - base % 97 == check)
        .then(|| format!("{}.{}.{}", &digits[..4], &digits[4..7], &digits[7..]))
}

/// Checks every row and every cross-reference inside the file. `known_customers` and
/// `known_contracts` are those already stored, which rows may also refer to.
pub fn validate(
    file: ImportFile,
    known_customers: &HashSet<String>,
    known_contracts: &HashSet<String>,
) -> Result<ImportBatch, Vec<RowError>> {
    let mut c = Collector {
        errors: Vec::new(),
        list: "customers",
        record: 0,
    };
    let mut batch = ImportBatch::default();
    let mut customer_numbers = HashSet::new();

    for (i, raw) in file.customers.into_iter().enumerate() {
        c.list = "customers";
        c.record = i + 1;
        let number = c.check(
            "customer_number",
            CustomerNumber::parse(&raw.customer_number),
            "must be 6 to 10 digits",
        );
        if let Some(n) = &number
            && !customer_numbers.insert(n.as_str().to_string())
        {
            c.fail("customer_number", format!("{n} appears more than once"));
        }
        let kind = CustomerKind::from_code(&raw.kind);
        if kind.is_none() {
            c.fail("kind", "must be `private` or `company`");
        }
        let is_company = kind == Some(CustomerKind::Company);
        let first_name = c.text("first_name", raw.first_name.as_deref(), !is_company);
        let last_name = c.text("last_name", raw.last_name.as_deref(), !is_company);
        let company_name = c.text("company_name", raw.company_name.as_deref(), is_company);
        let company_number = match raw
            .company_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(text) => {
                let parsed = parse_company_number(text);
                if parsed.is_none() {
                    c.fail(
                        "company_number",
                        "must be a Belgian enterprise number like 0123.456.749",
                    );
                }
                parsed.map(Some)
            }
            None if is_company => {
                c.fail("company_number", "is required for a company");
                None
            }
            None => Some(None),
        };
        let mobile = match raw
            .mobile
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(text) => c
                .check(
                    "mobile",
                    PhoneNumber::parse(text),
                    "must be a mobile number like +32 470 12 34 56",
                )
                .map(Some),
            None => Some(None),
        };
        let email = match raw
            .email
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(text) => c
                .check("email", Email::parse(text), "is not a valid e-mail address")
                .map(Some),
            None => Some(None),
        };
        let language = match raw.language.as_deref() {
            None => Some(Lang::Nl),
            Some(code) => {
                let lang = Lang::from_code(code).filter(|_| code.len() == 2);
                if lang.is_none() {
                    c.fail("language", "must be `nl`, `fr` or `en`");
                }
                lang
            }
        };
        fn given(f: &Option<String>) -> Option<&str> {
            f.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let address = match (
            given(&raw.street),
            given(&raw.postal_code),
            given(&raw.city),
            given(&raw.country),
        ) {
            (None, None, None, None) => Some(None),
            (street, postal, city, country) => {
                match PostalAddress::parse(
                    street.unwrap_or(""),
                    postal.unwrap_or(""),
                    city.unwrap_or(""),
                    country.unwrap_or("BE"),
                ) {
                    Ok(a) => Some(Some(a)),
                    Err(r) => {
                        c.fail(r.field(), address_problem(r));
                        None
                    }
                }
            }
        };
        if let (
            Some(number),
            Some(kind),
            Some(first_name),
            Some(last_name),
            Some(company_name),
            Some(company_number),
            Some(mobile),
            Some(email),
            Some(language),
            Some(address),
        ) = (
            number,
            kind,
            first_name,
            last_name,
            company_name,
            company_number,
            mobile,
            email,
            language,
            address,
        ) {
            batch.customers.push(Customer {
                number,
                kind,
                first_name,
                last_name,
                company_name: (!company_name.is_empty()).then_some(company_name),
                company_number,
                mobile,
                email,
                language,
                address,
            });
        }
    }

    let mut contract_numbers = HashSet::new();
    let mut vins = HashSet::new();
    for (i, raw) in file.contracts.into_iter().enumerate() {
        c.list = "contracts";
        c.record = i + 1;
        let number = c.check(
            "contract_number",
            ContractNumber::parse(&raw.contract_number),
            "must be 4 to 20 letters, digits and dashes",
        );
        if let Some(n) = &number
            && !contract_numbers.insert(n.as_str().to_string())
        {
            c.fail("contract_number", format!("{n} appears more than once"));
        }
        let customer_number = c.check(
            "customer_number",
            CustomerNumber::parse(&raw.customer_number),
            "must be 6 to 10 digits",
        );
        if let Some(n) = &customer_number
            && !customer_numbers.contains(n.as_str())
            && !known_customers.contains(n.as_str())
        {
            c.fail(
                "customer_number",
                format!("customer {n} is neither in this file nor stored"),
            );
        }
        let kind = ContractKind::from_code(&raw.kind);
        if kind.is_none() {
            c.fail("kind", "must be `lease` or `financing`");
        }
        let status = ContractStatus::from_code(&raw.status);
        if status.is_none() {
            c.fail(
                "status",
                "must be `pending`, `active`, `ended` or `terminated`",
            );
        }
        let start_date = c.date("start_date", &raw.start_date);
        let end_date = c.date("end_date", &raw.end_date);
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e <= s
        {
            c.fail("end_date", "must be after start_date");
        }
        let duration = c.range("duration_months", raw.duration_months, 1, 120);
        let monthly = c.range(
            "monthly_amount_cents",
            raw.monthly_amount_cents,
            0,
            100_000_000,
        );
        let allowed_km = match raw.allowed_km_per_year {
            Some(km) => c.range("allowed_km_per_year", km, 1_000, 200_000).map(Some),
            None if kind == Some(ContractKind::Lease) => {
                c.fail("allowed_km_per_year", "is required for a lease");
                None
            }
            None => Some(None),
        };
        let excess_rate = match raw.excess_km_rate_cents {
            Some(rate) => c.range("excess_km_rate_cents", rate, 0, 1_000).map(Some),
            None => Some(None),
        };
        let make = c.text("vehicle.make", Some(&raw.vehicle.make), true);
        let model = c.text("vehicle.model", Some(&raw.vehicle.model), true);
        let vin = c.check(
            "vehicle.vin",
            Vin::parse(&raw.vehicle.vin),
            "must be 17 letters and digits without I, O, Q",
        );
        if let Some(v) = &vin
            && !vins.insert(v.as_str().to_string())
        {
            c.fail("vehicle.vin", format!("{v} appears more than once"));
        }
        let plate = match raw
            .vehicle
            .number_plate
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(text) => c
                .check(
                    "vehicle.number_plate",
                    NumberPlate::parse(text),
                    "must be a Belgian plate like 1-ABC-234",
                )
                .map(Some),
            None => Some(None),
        };
        if let (
            Some(number),
            Some(customer_number),
            Some(kind),
            Some(status),
            Some(start_date),
            Some(end_date),
            Some(duration_months),
            Some(monthly_amount_cents),
            Some(allowed_km_per_year),
            Some(excess_km_rate_cents),
            Some(make),
            Some(model),
            Some(vin),
            Some(number_plate),
        ) = (
            number,
            customer_number,
            kind,
            status,
            start_date,
            end_date,
            duration,
            monthly,
            allowed_km,
            excess_rate,
            make,
            model,
            vin,
            plate,
        ) {
            batch.contracts.push(Contract {
                number,
                customer_number,
                kind,
                status,
                start_date,
                end_date,
                duration_months,
                monthly_amount_cents,
                allowed_km_per_year,
                excess_km_rate_cents,
                vehicle: Vehicle {
                    make,
                    model,
                    vin,
                    number_plate,
                },
            });
        }
    }

    let mut invoice_numbers = HashSet::new();
    for (i, raw) in file.invoices.into_iter().enumerate() {
        c.list = "invoices";
        c.record = i + 1;
        let number = raw.invoice_number.trim().to_string();
        let number_ok = (1..=30).contains(&number.len())
            && number
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/');
        if !number_ok {
            c.fail(
                "invoice_number",
                "must be 1 to 30 letters, digits, dashes or slashes",
            );
        } else if !invoice_numbers.insert(number.clone()) {
            c.fail("invoice_number", format!("{number} appears more than once"));
        }
        let contract_number = c.check(
            "contract_number",
            ContractNumber::parse(&raw.contract_number),
            "must be 4 to 20 letters, digits and dashes",
        );
        if let Some(n) = &contract_number
            && !contract_numbers.contains(n.as_str())
            && !known_contracts.contains(n.as_str())
        {
            c.fail(
                "contract_number",
                format!("contract {n} is neither in this file nor stored"),
            );
        }
        let issue_date = c.date("issue_date", &raw.issue_date);
        let due_date = c.date("due_date", &raw.due_date);
        if let (Some(issue), Some(due)) = (issue_date, due_date)
            && due < issue
        {
            c.fail("due_date", "must not be before issue_date");
        }
        let excl = c.range(
            "amount_excl_vat_cents",
            raw.amount_excl_vat_cents,
            -100_000_000,
            100_000_000,
        );
        let vat = c.range("vat_cents", raw.vat_cents, -100_000_000, 100_000_000);
        let status = InvoiceStatus::from_code(&raw.status);
        if status.is_none() {
            c.fail("status", "must be `open`, `paid` or `cancelled`");
        }
        let description = c.text("description", raw.description.as_deref(), false);
        let reference = c.text("payment_reference", raw.payment_reference.as_deref(), false);
        if let (
            true,
            Some(contract_number),
            Some(issue_date),
            Some(due_date),
            Some(amount_excl_vat_cents),
            Some(vat_cents),
            Some(status),
            Some(description),
            Some(payment_reference),
        ) = (
            number_ok,
            contract_number,
            issue_date,
            due_date,
            excl,
            vat,
            status,
            description,
            reference,
        ) {
            let payment_reference = if payment_reference.is_empty() {
                structured_reference(&number)
            } else {
                payment_reference
            };
            batch.invoices.push(Invoice {
                number,
                contract_number,
                issue_date,
                due_date,
                amount_excl_vat_cents,
                vat_cents,
                status,
                description,
                payment_reference,
            });
        }
    }

    if c.errors.is_empty() {
        Ok(batch)
    } else {
        Err(c.errors)
    }
}

/// A Belgian structured payment reference (`+++123/4567/89012+++`) derived from the digits of
/// an invoice number: ten digits plus their modulo-97 check (97 when the rest is 0).
pub fn structured_reference(invoice_number: &str) -> String {
    let digits: String = invoice_number
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let tail = if digits.len() > 10 {
        &digits[digits.len() - 10..]
    } else {
        &digits
    };
    let base: u64 = tail.parse().unwrap_or(0);
    let check = match base % 97 {
        0 => 97,
        rest => rest,
    };
    let s = format!("{base:010}{check:02}");
    format!("+++{}/{}/{}+++", &s[..3], &s[3..7], &s[7..])
}

/// What is wrong with an imported address, for the import report.
fn address_problem(r: ContactRefusal) -> &'static str {
    use ContactRefusal::*;
    match r {
        StreetRequired => "is required with an address (street and house number)",
        HouseNumberMissing => "needs a house number",
        StreetTooLong => "is longer than 100 characters",
        PostalCodeInvalid => "is not a postal code of the address's country",
        CityRequired => "is required with an address",
        CityTooLong => "is longer than 60 characters",
        CountryUnknown => "must be BE, NL, LU, FR or DE",
        AddressUnchanged | MobileUnchanged | EmailUnchanged | MobileNotPending => "is invalid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ImportFile {
        serde_json::from_str(
            r#"{
            "customers": [
              {"customer_number": "100001", "kind": "private", "first_name": "An", "last_name": "Peeters",
               "mobile": "0470 12 34 56", "email": "an@example.be", "language": "nl",
               "street": "Kerkstraat 12", "postal_code": "2000", "city": "Antwerpen"},
              {"customer_number": "100002", "kind": "company", "company_name": "Bakkerij Jansens BV",
               "company_number": "0403.170.701", "language": "fr"}
            ],
            "contracts": [
              {"contract_number": "LC-2024-0001", "customer_number": "100001", "kind": "lease", "status": "active",
               "start_date": "2024-01-01", "end_date": "2027-12-31", "duration_months": 48,
               "monthly_amount_cents": 54900, "allowed_km_per_year": 20000, "excess_km_rate_cents": 12,
               "vehicle": {"make": "Volkswagen", "model": "ID.4", "vin": "WVWZZZE2ZPE000001", "number_plate": "1-ABC-234"}}
            ],
            "invoices": [
              {"invoice_number": "2024-000001", "contract_number": "LC-2024-0001", "issue_date": "2024-01-01",
               "due_date": "2024-01-31", "amount_excl_vat_cents": 45372, "vat_cents": 9528, "status": "paid"}
            ]
        }"#,
        )
        .unwrap()
    }

    #[test]
    fn a_valid_file_validates() {
        let batch = validate(sample(), &HashSet::new(), &HashSet::new()).unwrap();
        assert_eq!(batch.customers.len(), 2);
        assert_eq!(
            batch.customers[0].mobile.as_ref().unwrap().as_str(),
            "+32470123456"
        );
        assert_eq!(
            batch.customers[1].company_number.as_deref(),
            Some("0403.170.701")
        );
        assert_eq!(
            batch.contracts[0]
                .vehicle
                .number_plate
                .as_ref()
                .unwrap()
                .as_str(),
            "1-ABC-234"
        );
        assert_eq!(batch.invoices[0].payment_reference, "+++202/4000/00138+++");
        // The country defaults to Belgium; a customer without an address has none.
        let address = batch.customers[0].address.as_ref().unwrap();
        assert_eq!(address.one_line(), "Kerkstraat 12, 2000 Antwerpen");
        assert_eq!(address.country, "BE");
        assert_eq!(batch.customers[1].address, None);
    }

    #[test]
    fn an_incomplete_or_foreign_form_address_is_reported() {
        let mut file = sample();
        file.customers[0].postal_code = Some("20000".into());
        file.customers[1].street = Some("Marktplein 3".into());
        let errors = validate(file, &HashSet::new(), &HashSet::new()).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "customers record 1: postal_code: is not a postal code of the address's country",
                "customers record 2: postal_code: is not a postal code of the address's country",
            ],
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_record_number() {
        let mut file = sample();
        file.customers[1].company_number = Some("0403.170.702".into());
        file.customers[0].email = Some("not-an-email".into());
        file.contracts[0].end_date = "2023-01-01".into();
        file.contracts[0].vehicle.number_plate = Some("ABC".into());
        file.invoices[0].contract_number = "LC-9999-0001".into();
        let errors = validate(file, &HashSet::new(), &HashSet::new()).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.contains(&"customers record 1: email: is not a valid e-mail address".to_string()),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.starts_with("customers record 2: company_number")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.starts_with("contracts record 1: end_date")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.starts_with("contracts record 1: vehicle.number_plate")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.starts_with("invoices record 1: contract_number")),
            "{text:?}"
        );
        assert_eq!(errors.len(), 5);
    }

    #[test]
    fn references_may_point_to_stored_records() {
        let mut file = sample();
        file.customers.clear();
        let known: HashSet<String> = ["100001".to_string()].into();
        assert!(validate(file, &known, &HashSet::new()).is_ok());
    }

    #[test]
    fn duplicates_inside_a_file_are_refused() {
        let mut file = sample();
        file.customers[1].customer_number = "100001".into();
        let errors = validate(file, &HashSet::new(), &HashSet::new()).unwrap_err();
        assert!(errors[0].message.contains("more than once"));
    }

    #[test]
    fn company_numbers_need_a_valid_check() {
        assert_eq!(
            parse_company_number("0403170701").as_deref(),
            Some("0403.170.701")
        );
        assert_eq!(
            parse_company_number("BE 0403.170.701").as_deref(),
            Some("0403.170.701")
        );
        assert_eq!(parse_company_number("0403.170.702"), None);
        assert_eq!(parse_company_number("2403.170.701"), None);
    }

    #[test]
    fn structured_references_carry_a_mod97_check() {
        assert_eq!(structured_reference("0"), "+++000/0000/00097+++");
        assert_eq!(structured_reference("INV-1"), "+++000/0000/00101+++");
    }
}
