//! Working days in Belgium: Monday to Friday except the ten legal public holidays (New Year,
//! Easter Monday, Labour Day, Ascension, Whit Monday, the National Day, Assumption, All Saints,
//! Armistice, Christmas). The CIC's target for a request is two working days; a request's age
//! is counted in working days so a Friday-evening request is not overdue on Monday morning.

use time::{Date, Duration, Month, Weekday};

/// The CIC handles a request within this many working days.
pub const TARGET_WORKING_DAYS: i64 = 2;

/// Easter Sunday of `year` (the anonymous Gregorian algorithm).
pub fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = if month == 3 {
        Month::March
    } else {
        Month::April
    };
    // The algorithm only yields 22 March to 25 April.
    Date::from_calendar_date(year, month, u8::try_from(day).unwrap_or(1)).unwrap_or(Date::MIN)
}

/// The Belgian legal public holidays of `year`, in date order.
pub fn public_holidays(year: i32) -> Vec<Date> {
    let on = |month: Month, day: u8| Date::from_calendar_date(year, month, day).ok();
    let easter = easter(year);
    let mut days: Vec<Date> = [
        on(Month::January, 1),
        Some(easter + Duration::days(1)),
        on(Month::May, 1),
        Some(easter + Duration::days(39)),
        Some(easter + Duration::days(50)),
        on(Month::July, 21),
        on(Month::August, 15),
        on(Month::November, 1),
        on(Month::November, 11),
        on(Month::December, 25),
    ]
    .into_iter()
    .flatten()
    .collect();
    days.sort();
    days
}

pub fn is_public_holiday(date: Date) -> bool {
    public_holidays(date.year()).contains(&date)
}

pub fn is_working_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_public_holiday(date)
}

/// Working days from `from` to `to`: the working days after `from` up to and including `to`
/// (0 when `to` is not later). A request submitted on Monday is 1 working day old on Tuesday.
pub fn working_days_between(from: Date, to: Date) -> i64 {
    let mut days = 0;
    let mut day = from;
    while day < to {
        day = day.next_day().unwrap_or(Date::MAX);
        if is_working_day(day) {
            days += 1;
        }
    }
    days
}

/// Whether a request submitted on `submitted` and still open on `today` is past the target.
pub fn overdue(submitted: Date, today: Date) -> bool {
    working_days_between(submitted, today) > TARGET_WORKING_DAYS
}

/// The latest submission date that is overdue on `today` (requests submitted on or before it
/// are past the target), for the work queue's "overdue" filter.
pub fn latest_overdue_submission(today: Date) -> Date {
    let mut day = today;
    while !overdue(day, today) {
        day = day.previous_day().unwrap_or(Date::MIN);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn easter_is_right_for_known_years() {
        assert_eq!(easter(2024), date!(2024 - 03 - 31));
        assert_eq!(easter(2025), date!(2025 - 04 - 20));
        assert_eq!(easter(2026), date!(2026 - 04 - 05));
        assert_eq!(easter(2027), date!(2027 - 03 - 28));
        assert_eq!(easter(2038), date!(2038 - 04 - 25));
    }

    #[test]
    fn the_ten_belgian_holidays_of_2026() {
        assert_eq!(
            public_holidays(2026),
            vec![
                date!(2026 - 01 - 01),
                date!(2026 - 04 - 06),
                date!(2026 - 05 - 01),
                date!(2026 - 05 - 14),
                date!(2026 - 05 - 25),
                date!(2026 - 07 - 21),
                date!(2026 - 08 - 15),
                date!(2026 - 11 - 01),
                date!(2026 - 11 - 11),
                date!(2026 - 12 - 25),
            ]
        );
    }

    #[test]
    fn weekends_and_holidays_do_not_count() {
        // Friday 20 November 2026 to Monday 23: one working day.
        assert_eq!(
            working_days_between(date!(2026 - 11 - 20), date!(2026 - 11 - 23)),
            1
        );
        // Tuesday 10 November to Thursday 12: Armistice on Wednesday 11 does not count.
        assert_eq!(
            working_days_between(date!(2026 - 11 - 10), date!(2026 - 11 - 12)),
            1
        );
        // Thursday 24 December to Monday 28: Christmas and the weekend do not count.
        assert_eq!(
            working_days_between(date!(2026 - 12 - 24), date!(2026 - 12 - 28)),
            1
        );
        assert_eq!(
            working_days_between(date!(2026 - 11 - 23), date!(2026 - 11 - 23)),
            0
        );
        assert_eq!(
            working_days_between(date!(2026 - 11 - 23), date!(2026 - 11 - 20)),
            0
        );
        assert!(!is_working_day(date!(2026 - 04 - 06)));
        assert!(is_working_day(date!(2026 - 04 - 07)));
    }

    #[test]
    fn a_request_is_overdue_after_two_working_days() {
        // Submitted on Thursday 19 November 2026.
        let submitted = date!(2026 - 11 - 19);
        assert!(!overdue(submitted, date!(2026 - 11 - 20)));
        assert!(!overdue(submitted, date!(2026 - 11 - 23)));
        assert!(overdue(submitted, date!(2026 - 11 - 24)));
        // Submitted on Tuesday 10 November: Armistice (Wednesday) does not count.
        assert!(!overdue(date!(2026 - 11 - 10), date!(2026 - 11 - 13)));
        assert!(overdue(date!(2026 - 11 - 10), date!(2026 - 11 - 16)));
    }

    #[test]
    fn the_overdue_cut_off_is_three_working_days_back() {
        // Wednesday 18 November 2026: a request of the weekend before is 3 working days old
        // (Mon, Tue, Wed), one of Monday 2.
        let today = date!(2026 - 11 - 18);
        assert_eq!(latest_overdue_submission(today), date!(2026 - 11 - 15));
        assert!(overdue(date!(2026 - 11 - 13), today));
        assert!(!overdue(date!(2026 - 11 - 16), today));
        // Armistice (Wednesday 11 November) does not count: on Thursday 12 a Monday-9 request
        // is 2 working days old (Tue, Thu).
        assert_eq!(
            latest_overdue_submission(date!(2026 - 11 - 12)),
            date!(2026 - 11 - 08)
        );
    }
}
