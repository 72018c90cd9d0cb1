//! Rules of the staff audit trail that need no database: the actions it knows, the filter an
//! admin types (staff member, customer, action, period) and how a CSV cell is written so that
//! a spreadsheet never runs it as a formula.

use std::borrow::Cow;
use time::{Date, Month};

/// Every action the portal writes to the audit trail (the filter offers these; the page and
/// the CSV show `audit.action.<code>`).
pub const ACTIONS: &[&str] = &[
    "view_customer",
    "search_customers",
    "view_request",
    "view_work_queue",
    "view_uploaded_file",
    "view_security_incidents",
    "assign_request",
    "release_request",
    "approve_request",
    "reject_request",
    "suspend_customer",
    "reinstate_customer",
    "send_password_reset",
    "view_audit_log",
    "export_audit_log",
    "view_staff",
    "create_staff",
    "deactivate_staff",
    "reactivate_staff",
    "reset_staff_second_factor",
    "change_staff_role",
    "view_inbox",
    "view_thread",
    "reply_thread",
    "note_thread",
    "close_thread",
    "reopen_thread",
    "assign_thread",
    "release_thread",
    "save_reply",
    "delete_reply",
];

/// Entries a page shows.
pub const PAGE_SIZE: i64 = 50;

/// Why a filter was refused, with the field it belongs next to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterRefusal {
    /// Not a date (`yyyy-mm-dd` from the date picker, or `dd/mm/yyyy` typed).
    BadDate(&'static str),
    /// The period ends before it starts.
    EndsBeforeStart,
    UnknownAction,
    UnknownStaff,
}

impl FilterRefusal {
    pub fn key(self) -> &'static str {
        match self {
            FilterRefusal::BadDate(_) => "audit.bad_date",
            FilterRefusal::EndsBeforeStart => "audit.ends_before_start",
            FilterRefusal::UnknownAction => "audit.unknown_action",
            FilterRefusal::UnknownStaff => "audit.unknown_staff",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            FilterRefusal::BadDate(field) => field,
            FilterRefusal::EndsBeforeStart => "until",
            FilterRefusal::UnknownAction => "action",
            FilterRefusal::UnknownStaff => "staff",
        }
    }
}

/// A filter on the audit trail; every part optional. The period is whole days in UTC (the
/// times on the page are UTC too): `from` 00:00 up to the end of `until`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub staff_id: Option<i64>,
    /// A customer number as typed (compared exactly, after trimming).
    pub customer: Option<String>,
    pub action: Option<&'static str>,
    /// Epoch seconds, inclusive.
    pub from: Option<i64>,
    /// Epoch seconds, exclusive.
    pub until: Option<i64>,
}

/// What a filter form sent, as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterInput<'a> {
    pub staff: &'a str,
    pub customer: &'a str,
    pub action: &'a str,
    pub from: &'a str,
    pub until: &'a str,
}

/// A date as the date picker sends it (`2026-12-02`) or as typed in Belgium (`2/12/2026`).
pub fn parse_day(text: &str) -> Option<Date> {
    let t = text.trim();
    let (y, m, d) = if let Some((y, rest)) = t.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (y, m, d)
    } else {
        let mut parts = t.split(['/', '.']);
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let year: i32 = y.parse().ok()?;
    if !(1970..=9999).contains(&year) {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year, month, d.parse().ok()?).ok()
}

fn day_start(d: Date) -> i64 {
    d.midnight().assume_utc().unix_timestamp()
}

impl AuditFilter {
    /// Reads a filter form; `staff_ids` are the staff members that exist (a foreign id is
    /// refused next to its field rather than silently showing nothing).
    pub fn parse(input: &FilterInput<'_>, staff_ids: &[i64]) -> Result<AuditFilter, FilterRefusal> {
        let staff_id = match input.staff.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(id) if staff_ids.contains(&id) => Some(id),
                _ => return Err(FilterRefusal::UnknownStaff),
            },
        };
        let action = match input.action.trim() {
            "" => None,
            a => Some(
                *ACTIONS
                    .iter()
                    .find(|x| **x == a)
                    .ok_or(FilterRefusal::UnknownAction)?,
            ),
        };
        let customer = Some(input.customer.trim())
            .filter(|c| !c.is_empty())
            .map(|c| c.chars().take(40).collect());
        let day = |text: &str, field: &'static str| match text.trim() {
            "" => Ok(None),
            t => parse_day(t).map(Some).ok_or(FilterRefusal::BadDate(field)),
        };
        let from = day(input.from, "from")?;
        let until = day(input.until, "until")?;
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            return Err(FilterRefusal::EndsBeforeStart);
        }
        Ok(AuditFilter {
            staff_id,
            customer,
            action,
            from: from.map(day_start),
            until: until.and_then(|u| u.next_day()).map(day_start),
        })
    }
}

/// A CSV cell's text, neutralised against formula injection: a cell a spreadsheet would read
/// as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// apostrophe, which spreadsheets show as text. Quoting is the CSV writer's job.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(from: &'a str, until: &'a str) -> FilterInput<'a> {
        FilterInput {
            from,
            until,
            ..FilterInput::default()
        }
    }

    #[test]
    fn an_empty_form_filters_nothing() {
        assert_eq!(
            AuditFilter::parse(&FilterInput::default(), &[1, 2]),
            Ok(AuditFilter::default())
        );
    }

    #[test]
    fn a_period_is_whole_utc_days() {
        let f = AuditFilter::parse(&input("2026-12-01", "2/12/2026"), &[]).unwrap();
        assert_eq!(f.from, Some(1_796_083_200)); // 2026-12-01T00:00Z
        assert_eq!(f.until, Some(1_796_256_000)); // 2026-12-03T00:00Z (end of the 2nd)
        let one_day = AuditFilter::parse(&input("2026-12-01", "2026-12-01"), &[]).unwrap();
        assert_eq!(one_day.until.unwrap() - one_day.from.unwrap(), 86_400);
    }

    #[test]
    fn bad_dates_and_reversed_periods_are_refused_next_to_their_field() {
        for bad in [
            "31/02/2026",
            "2026-13-01",
            "yesterday",
            "1/1/20261",
            "1/2/3/4",
        ] {
            let r = AuditFilter::parse(&input(bad, ""), &[]).unwrap_err();
            assert_eq!(
                (r, r.field()),
                (FilterRefusal::BadDate("from"), "from"),
                "{bad}"
            );
        }
        let r = AuditFilter::parse(&input("", "0/1/2026"), &[]).unwrap_err();
        assert_eq!(r.field(), "until");
        let r = AuditFilter::parse(&input("2026-12-02", "2026-12-01"), &[]).unwrap_err();
        assert_eq!((r, r.field()), (FilterRefusal::EndsBeforeStart, "until"));
    }

    #[test]
    fn only_known_actions_and_existing_staff() {
        let ok = FilterInput {
            staff: " 2 ",
            action: "view_customer",
            customer: " 100001 ",
            ..FilterInput::default()
        };
        let f = AuditFilter::parse(&ok, &[1, 2]).unwrap();
        assert_eq!(f.staff_id, Some(2));
        assert_eq!(f.action, Some("view_customer"));
        assert_eq!(f.customer.as_deref(), Some("100001"));
        for (staff, action, refusal) in [
            ("9", "", FilterRefusal::UnknownStaff),
            ("x", "", FilterRefusal::UnknownStaff),
            ("", "drop_table", FilterRefusal::UnknownAction),
        ] {
            let i = FilterInput {
                staff,
                action,
                ..FilterInput::default()
            };
            assert_eq!(AuditFilter::parse(&i, &[1, 2]), Err(refusal));
        }
    }

    #[test]
    fn formula_cells_are_neutralised_and_others_left_alone() {
        for (cell, shown) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+32 470", "'+32 470"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("view_customer", "view_customer"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(csv_cell(cell), shown);
        }
    }

    #[test]
    fn every_action_is_unique() {
        let mut seen = std::collections::HashSet::new();
        assert!(ACTIONS.iter().all(|a| seen.insert(a)));
    }
}
