//! The rules of the customer's change requests (issue 10): a new number plate from a date, a
//! new yearly mileage allowance from a month, and the reference every request carries.

use crate::model::RequestKind;
use crate::refusal::Refusal;
use crate::values::{ForeignPlate, NumberPlate, ValueError};
use time::{Date, Month};

/// The lowest and highest yearly allowance a customer may ask for, and its step.
pub const MIN_KM_PER_YEAR: i64 = 5_000;
pub const MAX_KM_PER_YEAR: i64 = 100_000;
pub const KM_STEP: i64 = 1_000;

/// A new plate takes effect from today up to this many months ahead.
pub const PLATE_MONTHS_AHEAD: u8 = 3;

/// Why a change is refused (each maps to a message next to its field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    KmRequired,
    KmNotANumber,
    KmOutOfRange,
    KmNotAStep,
    KmUnchanged,
    DateRequired,
    DateInvalid,
    DateInPast,
    DateTooFar,
    DateAfterContractEnd,
    DateNotFirstOfMonth,
}

impl ChangeRefusal {
    pub fn key(self) -> &'static str {
        use ChangeRefusal::*;
        match self {
            KmRequired => "change.km_required",
            KmNotANumber => "change.km_not_a_number",
            KmOutOfRange => "change.km_out_of_range",
            KmNotAStep => "change.km_not_a_step",
            KmUnchanged => "change.km_unchanged",
            DateRequired => "change.date_required",
            DateInvalid => "change.date_invalid",
            DateInPast => "change.date_in_past",
            DateTooFar => "change.date_too_far",
            DateAfterContractEnd => "change.date_after_end",
            DateNotFirstOfMonth => "change.date_not_first",
        }
    }

    pub fn field(self) -> &'static str {
        use ChangeRefusal::*;
        match self {
            KmRequired | KmNotANumber | KmOutOfRange | KmNotAStep | KmUnchanged => "km_per_year",
            _ => "effective",
        }
    }

    pub const ALL: [ChangeRefusal; 11] = [
        ChangeRefusal::KmRequired,
        ChangeRefusal::KmNotANumber,
        ChangeRefusal::KmOutOfRange,
        ChangeRefusal::KmNotAStep,
        ChangeRefusal::KmUnchanged,
        ChangeRefusal::DateRequired,
        ChangeRefusal::DateInvalid,
        ChangeRefusal::DateInPast,
        ChangeRefusal::DateTooFar,
        ChangeRefusal::DateAfterContractEnd,
        ChangeRefusal::DateNotFirstOfMonth,
    ];
}

/// A yearly allowance as typed (`25000`, `25.000`, `25 000`).
pub fn parse_km_per_year(text: &str, current: i64) -> Result<i64, ChangeRefusal> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if digits.is_empty() {
        return Err(ChangeRefusal::KmRequired);
    }
    let km: i64 = digits.parse().map_err(|_| ChangeRefusal::KmNotANumber)?;
    if !(MIN_KM_PER_YEAR..=MAX_KM_PER_YEAR).contains(&km) {
        return Err(ChangeRefusal::KmOutOfRange);
    }
    if km % KM_STEP != 0 {
        return Err(ChangeRefusal::KmNotAStep);
    }
    if km == current {
        return Err(ChangeRefusal::KmUnchanged);
    }
    Ok(km)
}

fn parse_date(text: &str) -> Result<Date, ChangeRefusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ChangeRefusal::DateRequired);
    }
    crate::money::parse_iso_date(text).ok_or(ChangeRefusal::DateInvalid)
}

/// The first day of the month `months` after the month of `date`.
fn first_of_month_after(date: Date, months: u8) -> Date {
    let mut month = date.month();
    let mut year = date.year();
    for _ in 0..months {
        month = month.next();
        if month == Month::January {
            year += 1;
        }
    }
    Date::from_calendar_date(year, month, 1).unwrap_or(date)
}

/// The last day a plate may take effect: today plus three months (the same day of the month,
/// or the month's last day).
pub fn last_plate_date(today: Date) -> Date {
    let first = first_of_month_after(today, PLATE_MONTHS_AHEAD);
    let last_day = first.month().length(first.year());
    Date::from_calendar_date(first.year(), first.month(), today.day().min(last_day))
        .unwrap_or(first)
}

/// When a new plate takes effect: from today up to three months ahead, not after the
/// contract's end.
pub fn plate_effective(text: &str, today: Date, contract_end: Date) -> Result<Date, ChangeRefusal> {
    let date = parse_date(text)?;
    if date < today {
        return Err(ChangeRefusal::DateInPast);
    }
    if date > last_plate_date(today) {
        return Err(ChangeRefusal::DateTooFar);
    }
    if date > contract_end {
        return Err(ChangeRefusal::DateAfterContractEnd);
    }
    Ok(date)
}

/// The months a new allowance may take effect from: the first of every coming month before
/// the contract's end.
pub fn allowance_months(today: Date, contract_end: Date) -> Vec<Date> {
    let mut months = Vec::new();
    let mut month = first_of_month_after(today, 1);
    while month < contract_end {
        months.push(month);
        month = first_of_month_after(month, 1);
    }
    months
}

/// When a new allowance takes effect: the first of a coming month before the contract's end.
pub fn allowance_effective(
    text: &str,
    today: Date,
    contract_end: Date,
) -> Result<Date, ChangeRefusal> {
    let date = parse_date(text)?;
    if date.day() != 1 {
        return Err(ChangeRefusal::DateNotFirstOfMonth);
    }
    if date <= today {
        return Err(ChangeRefusal::DateInPast);
    }
    if date >= contract_end {
        return Err(ChangeRefusal::DateAfterContractEnd);
    }
    Ok(date)
}

/// The allowance over the whole contract when it changes from `current` to `new` km a year on
/// `from` (pro rata per day), for the "effect on the excess-km estimate" shown beside the form.
pub fn allowance_total_with_change(
    start: Date,
    end: Date,
    current: i64,
    new: i64,
    from: Date,
) -> i64 {
    let days = |a: Date, b: Date| (b - a).whole_days().max(0);
    let before = days(start, from.min(end));
    let after = days(from.max(start), end);
    (current * before + new * after) / 365
}

/// A new plate as the customer typed it: Belgian (no country, or `BE`) or foreign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewPlate {
    Belgian(NumberPlate),
    Foreign(ForeignPlate),
}

impl NewPlate {
    /// The plate as stored on the vehicle and shown: `1-ABC-234`, or `B-AB 1234 (DE)`.
    pub fn shown(&self) -> String {
        match self {
            NewPlate::Belgian(p) => p.as_str().to_string(),
            NewPlate::Foreign(f) => format!("{} ({})", f.plate, f.country),
        }
    }

    /// The plate without its country.
    pub fn plate(&self) -> &str {
        match self {
            NewPlate::Belgian(p) => p.as_str(),
            NewPlate::Foreign(f) => &f.plate,
        }
    }

    /// The country code (`BE` for a Belgian plate).
    pub fn country(&self) -> &str {
        match self {
            NewPlate::Belgian(_) => "BE",
            NewPlate::Foreign(f) => &f.country,
        }
    }

    /// A Belgian plate needs its registration certificate.
    pub fn needs_certificate(&self) -> bool {
        matches!(self, NewPlate::Belgian(_))
    }
}

/// Parses a new plate: with no country (or `BE`) a Belgian plate in any of its formats,
/// otherwise a foreign plate of that country. The refusal names the plate field, or the
/// country field when the country is not a two-letter code.
pub fn parse_plate(country: &str, text: &str) -> Result<NewPlate, Refusal> {
    let country = country.trim().to_ascii_uppercase();
    if country.is_empty() || country == "BE" {
        return NumberPlate::parse(text)
            .map(NewPlate::Belgian)
            .map_err(Refusal::from);
    }
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Refusal::PlateCountry);
    }
    ForeignPlate::parse(&country, text)
        .map(NewPlate::Foreign)
        .map_err(|_| Refusal::Value(ValueError::NumberPlate))
}

/// The longest note staff may write to the customer.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// The note staff give with a decision: required to reject (the customer reads why), optional
/// to approve; trimmed, at most [`MAX_NOTE_CHARS`].
pub fn staff_note(text: &str, rejecting: bool) -> Result<Option<String>, Refusal> {
    let note: String = text.trim().chars().take(MAX_NOTE_CHARS).collect();
    match (note.is_empty(), rejecting) {
        (true, true) => Err(Refusal::RejectNoteRequired),
        (true, false) => Ok(None),
        (false, _) => Ok(Some(note)),
    }
}

/// "One open request of the same kind per contract" (per customer for contact details, which
/// have no contract): the id of the open request a new one of `kind` for `contract_id` would
/// duplicate, among `open` (id, kind, contract).
pub fn open_duplicate(
    kind: RequestKind,
    contract_id: Option<i64>,
    open: &[(i64, RequestKind, Option<i64>)],
) -> Option<i64> {
    open.iter()
        .find(|(_, k, c)| *k == kind && *c == contract_id)
        .map(|(id, _, _)| *id)
}

/// The reference a customer quotes: `WR-<year>-<number>` with the number zero-padded to six.
pub fn reference(year: i32, id: i64) -> String {
    format!("WR-{year}-{id:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 16);
    const END: Date = date!(2027 - 06 - 30);

    #[test]
    fn allowances_are_steps_of_a_thousand_between_five_and_a_hundred_thousand() {
        assert_eq!(parse_km_per_year("25000", 20_000), Ok(25_000));
        assert_eq!(parse_km_per_year(" 25.000 ", 20_000), Ok(25_000));
        assert_eq!(parse_km_per_year("25 000", 20_000), Ok(25_000));
        assert_eq!(parse_km_per_year("5000", 20_000), Ok(5_000));
        assert_eq!(parse_km_per_year("100000", 20_000), Ok(100_000));
        assert_eq!(
            parse_km_per_year("", 20_000),
            Err(ChangeRefusal::KmRequired)
        );
        assert_eq!(
            parse_km_per_year("veel", 20_000),
            Err(ChangeRefusal::KmNotANumber)
        );
        assert_eq!(
            parse_km_per_year("-5000", 20_000),
            Err(ChangeRefusal::KmOutOfRange)
        );
        assert_eq!(
            parse_km_per_year("4000", 20_000),
            Err(ChangeRefusal::KmOutOfRange)
        );
        assert_eq!(
            parse_km_per_year("101000", 20_000),
            Err(ChangeRefusal::KmOutOfRange)
        );
        assert_eq!(
            parse_km_per_year("25500", 20_000),
            Err(ChangeRefusal::KmNotAStep)
        );
        assert_eq!(
            parse_km_per_year("20000", 20_000),
            Err(ChangeRefusal::KmUnchanged)
        );
    }

    #[test]
    fn a_plate_takes_effect_from_today_up_to_three_months_ahead() {
        assert_eq!(plate_effective("2026-11-16", TODAY, END), Ok(TODAY));
        assert_eq!(
            plate_effective("2027-02-16", TODAY, END),
            Ok(date!(2027 - 02 - 16))
        );
        assert_eq!(
            plate_effective("2027-02-17", TODAY, END),
            Err(ChangeRefusal::DateTooFar)
        );
        assert_eq!(
            plate_effective("2026-11-15", TODAY, END),
            Err(ChangeRefusal::DateInPast)
        );
        assert_eq!(
            plate_effective("", TODAY, END),
            Err(ChangeRefusal::DateRequired)
        );
        assert_eq!(
            plate_effective("16/11/2026", TODAY, END),
            Err(ChangeRefusal::DateInvalid)
        );
        assert_eq!(
            plate_effective("2026-12-20", TODAY, date!(2026 - 12 - 15)),
            Err(ChangeRefusal::DateAfterContractEnd)
        );
        // Three months after 30 November is 28 February.
        assert_eq!(
            last_plate_date(date!(2026 - 11 - 30)),
            date!(2027 - 02 - 28)
        );
    }

    #[test]
    fn an_allowance_changes_on_the_first_of_a_coming_month_before_the_end() {
        assert_eq!(
            allowance_effective("2026-12-01", TODAY, END),
            Ok(date!(2026 - 12 - 01))
        );
        assert_eq!(
            allowance_effective("2026-11-01", TODAY, END),
            Err(ChangeRefusal::DateInPast)
        );
        assert_eq!(
            allowance_effective("2026-12-15", TODAY, END),
            Err(ChangeRefusal::DateNotFirstOfMonth)
        );
        assert_eq!(
            allowance_effective("2027-07-01", TODAY, END),
            Err(ChangeRefusal::DateAfterContractEnd)
        );
        let months = allowance_months(TODAY, END);
        assert_eq!(months.first(), Some(&date!(2026 - 12 - 01)));
        assert_eq!(months.last(), Some(&date!(2027 - 06 - 01)));
        assert_eq!(months.len(), 7);
        // On the first of a month, that month is no longer "coming".
        assert_eq!(
            allowance_months(date!(2026 - 12 - 01), END)[0],
            date!(2027 - 01 - 01)
        );
    }

    #[test]
    fn the_total_allowance_follows_the_change_pro_rata() {
        let start = date!(2025 - 01 - 01);
        let end = date!(2026 - 01 - 01);
        assert_eq!(
            allowance_total_with_change(start, end, 20_000, 20_000, start),
            20_000
        );
        // Half a year (182 of 365 days) at 20,000, the rest at 30,000.
        let total = allowance_total_with_change(start, end, 20_000, 30_000, date!(2025 - 07 - 02));
        assert_eq!(total, (20_000 * 182 + 30_000 * 183) / 365);
    }

    #[test]
    fn plates_are_belgian_without_a_country_and_foreign_with_one() {
        let be = parse_plate("", " 1 abc 234 ").unwrap();
        assert_eq!(be.shown(), "1-ABC-234");
        assert!(be.needs_certificate());
        assert_eq!(parse_plate("be", "abc123").unwrap().shown(), "ABC-123");
        let de = parse_plate("de", "b ab 1234").unwrap();
        assert_eq!(de.shown(), "B AB 1234 (DE)");
        assert_eq!(de.country(), "DE");
        assert!(!de.needs_certificate());
        assert_eq!(
            parse_plate("", "1-ABC-23"),
            Err(Refusal::Value(ValueError::NumberPlate))
        );
        assert_eq!(
            parse_plate("", ""),
            Err(Refusal::Value(ValueError::NumberPlate))
        );
        assert_eq!(
            parse_plate("Duitsland", "B AB 1234"),
            Err(Refusal::PlateCountry)
        );
        assert_eq!(parse_plate("D1", "B AB 1234"), Err(Refusal::PlateCountry));
        assert_eq!(
            parse_plate("NL", "<script>"),
            Err(Refusal::Value(ValueError::NumberPlate))
        );
    }

    #[test]
    fn a_rejection_needs_a_note() {
        assert_eq!(staff_note("  ", true), Err(Refusal::RejectNoteRequired));
        assert_eq!(staff_note("", false), Ok(None));
        assert_eq!(staff_note(" Te hoog ", true), Ok(Some("Te hoog".into())));
        let long = "x".repeat(5_000);
        assert_eq!(
            staff_note(&long, true).unwrap().unwrap().len(),
            MAX_NOTE_CHARS
        );
    }

    #[test]
    fn one_open_request_of_a_kind_per_contract() {
        let open = [
            (7, RequestKind::PlateChange, Some(1)),
            (8, RequestKind::MileageChange, Some(2)),
            (9, RequestKind::Statement, None),
            (10, RequestKind::AddressChange, None),
        ];
        let dup = |kind, contract| open_duplicate(kind, contract, &open);
        assert_eq!(dup(RequestKind::PlateChange, Some(1)), Some(7));
        assert_eq!(dup(RequestKind::PlateChange, Some(2)), None);
        assert_eq!(dup(RequestKind::MileageChange, Some(2)), Some(8));
        assert_eq!(dup(RequestKind::MileageChange, Some(1)), None);
        // Contact details have no contract: one open request of a kind per customer.
        assert_eq!(dup(RequestKind::AddressChange, None), Some(10));
        assert_eq!(dup(RequestKind::MobileChange, None), None);
    }

    #[test]
    fn references_are_padded() {
        assert_eq!(reference(2026, 123), "WR-2026-000123");
        assert_eq!(reference(2027, 1_234_567), "WR-2027-1234567");
    }
}
