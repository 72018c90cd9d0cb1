//! Belgian formatting of amounts and dates: `1.234,56 €` and `dd/mm/yyyy` in every language.

use time::Date;

/// Formats integer euro cents as `1.234,56 €` (a non-breaking space before the sign keeps it
/// on the same line). Negative amounts get a leading minus.
///
/// The formats here are written by hand, not with `format!`: a list page writes a few dozen
/// amounts and dates, and the formatting machinery costs several times as much (issue 13).
pub fn format_eur(cents: i64) -> String {
    let mut out = String::with_capacity(32);
    if cents < 0 {
        out.push('-');
    }
    let abs = cents.unsigned_abs();
    push_grouped(&mut out, abs / 100);
    let rest = (abs % 100) as u8;
    out.push(',');
    out.push(char::from(b'0' + rest / 10));
    out.push(char::from(b'0' + rest % 10));
    out.push_str("\u{a0}€");
    out
}

/// Formats a whole number with `.` between thousands: `12.500`.
pub fn format_int(value: i64) -> String {
    let mut out = String::with_capacity(28);
    push_int(&mut out, value);
    out
}

/// Appends [`format_int`]'s text to `out`.
pub fn push_int(out: &mut String, value: i64) {
    if value < 0 {
        out.push('-');
    }
    push_grouped(out, value.unsigned_abs());
}

/// Appends `value`'s digits with `.` between thousands.
fn push_grouped(out: &mut String, value: u64) {
    // u64::MAX has 20 digits.
    let mut digits = [0u8; 20];
    let mut n = value;
    let mut len = 0;
    loop {
        digits[19 - len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for (i, d) in digits[20 - len..].iter().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(char::from(*d));
    }
}

/// Formats a date as `dd/mm/yyyy`.
pub fn format_date(date: Date) -> String {
    let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
    let Some(year) = u16::try_from(year).ok().filter(|y| *y <= 9_999) else {
        return format!("{day:02}/{month:02}/{year:04}");
    };
    let mut out = String::with_capacity(10);
    let two = |out: &mut String, v: u8| {
        out.push(char::from(b'0' + v / 10));
        out.push(char::from(b'0' + v % 10));
    };
    two(&mut out, day);
    out.push('/');
    two(&mut out, month);
    out.push('/');
    two(&mut out, (year / 100) as u8);
    two(&mut out, (year % 100) as u8);
    out
}

/// Parses an ISO `yyyy-mm-dd` date (the storage and import format): four-digit year, two-digit
/// month and day, surrounding blanks ignored. By hand: pages parse every invoice's dates, and
/// `time`'s format-description parser costs about ten times as much.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let b = text.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u16, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u16::from(d - b'0'))
        })
    };
    let year = number(&b[0..4])?;
    let month = time::Month::try_from(u8::try_from(number(&b[5..7])?).ok()?).ok()?;
    let day = u8::try_from(number(&b[8..10])?).ok()?;
    Date::from_calendar_date(i32::from(year), month, day).ok()
}

/// Formats a date as ISO `yyyy-mm-dd` (the storage format).
pub fn iso_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn euro_amounts_use_belgian_separators() {
        assert_eq!(format_eur(123_456), "1.234,56\u{a0}€");
        assert_eq!(format_eur(5), "0,05\u{a0}€");
        assert_eq!(format_eur(0), "0,00\u{a0}€");
        assert_eq!(format_eur(100_000_000), "1.000.000,00\u{a0}€");
        assert_eq!(format_eur(-4_999), "-49,99\u{a0}€");
        assert_eq!(format_eur(i64::MIN), "-92.233.720.368.547.758,08\u{a0}€");
    }

    // The hand-written formats give what `format!` gave.
    #[test]
    fn formats_are_those_format_gave() {
        fn grouped(value: u64) -> String {
            let digits = value.to_string();
            let mut out = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push('.');
                }
                out.push(ch);
            }
            out
        }
        let mut values = vec![i64::MIN, i64::MIN + 1, i64::MAX, -1, 0, 1];
        let mut p: i64 = 1;
        while let Some(next) = p.checked_mul(10) {
            values.extend([p - 1, p, p + 1, -p, -p + 1, 2 * p + 7, -(3 * p) - 1]);
            p = next;
        }
        for v in values {
            let sign = if v < 0 { "-" } else { "" };
            let abs = v.unsigned_abs();
            assert_eq!(format_int(v), format!("{sign}{}", grouped(abs)), "{v}");
            assert_eq!(
                format_eur(v),
                format!("{sign}{},{:02}\u{a0}€", grouped(abs / 100), abs % 100),
                "{v}"
            );
        }
        let mut day = date!(1999 - 12 - 25);
        for _ in 0..800 {
            assert_eq!(
                format_date(day),
                format!(
                    "{:02}/{:02}/{:04}",
                    day.day(),
                    u8::from(day.month()),
                    day.year()
                )
            );
            day = day.next_day().unwrap();
        }
        for d in [
            date!(0000 - 01 - 01),
            date!(0009 - 02 - 03),
            date!(9999 - 12 - 31),
        ] {
            assert_eq!(
                format_date(d),
                format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
            );
        }
    }

    #[test]
    fn integers_group_thousands() {
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_int(25_000), "25.000");
        assert_eq!(format_int(-1_234_567), "-1.234.567");
    }

    #[test]
    fn iso_dates_parse_as_the_format_description_does() {
        let described = |t: &str| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(t.trim(), &format).ok()
        };
        for t in [
            "2026-12-06",
            " 2026-01-31 ",
            "0000-01-01",
            "9999-12-31",
            "2024-02-29",
            "2025-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-01",
            "2026-01-1",
            "26-01-01",
            "2026/01/01",
            "2026-01-01x",
            "abcd-01-01",
            "2026-0a-01",
            "",
            "2026-01-01T00:00",
            "２０２６-01-01",
        ] {
            assert_eq!(parse_iso_date(t), described(t), "{t:?}");
        }
        assert_eq!(
            parse_iso_date("2026-12-06"),
            Some(time::macros::date!(2026 - 12 - 06))
        );
        // Stricter than the format description: a signed year is not yyyy-mm-dd.
        assert_eq!(parse_iso_date("+2026-01-01"), None);
        assert_eq!(parse_iso_date("-2026-01-01"), None);
    }

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(format_date(date!(2026 - 03 - 07)), "07/03/2026");
        assert_eq!(iso_date(date!(2026 - 12 - 31)), "2026-12-31");
        assert_eq!(parse_iso_date("2026-02-28"), Some(date!(2026 - 02 - 28)));
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_date("28/02/2026"), None);
    }

    #[test]
    fn every_language_shows_the_same_belgian_formats() {
        for lang in crate::Lang::ALL {
            let amount = format_eur(123_456);
            let due = format_date(date!(2026 - 11 - 28));
            let text = crate::i18n::tf(lang, "pdf.pay", &[("amount", &amount), ("date", &due)]);
            assert!(text.contains("1.234,56\u{a0}€"), "{text}");
            assert!(text.contains("28/11/2026"), "{text}");
        }
    }
}
