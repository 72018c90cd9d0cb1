//! Mileage readings against a lease's allowance: validation of a reported reading, the linear
//! projection to the contract end with its estimated excess cost, and the chart of both.

use crate::money::{format_date, format_int};
use crate::refusal::Refusal;
use std::fmt::Write as _;
use time::Date;

/// The highest odometer value the portal accepts; anything above is a typing error.
pub const MAX_KM: i64 = 2_000_000;
/// More kilometres a day than this since the previous reading asks for a confirmation.
pub const PLAUSIBLE_KM_PER_DAY: i64 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub date: Date,
    pub km: i64,
}

/// A contract's terms as far as mileage is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    pub start: Date,
    pub end: Date,
    pub duration_months: i64,
    /// None for contracts without a mileage limit (most financing).
    pub km_per_year: Option<i64>,
    pub excess_rate_cents: Option<i64>,
}

impl Allowance {
    /// The kilometres allowed over the whole contract.
    pub fn total_km(&self) -> Option<i64> {
        self.km_per_year.map(|y| y * self.duration_months / 12)
    }

    /// The allowance line's value on `date` (0 at the start, the total at the end).
    pub fn allowed_on(&self, date: Date) -> Option<i64> {
        let total = self.total_km()?;
        let span = days(self.start, self.end).max(1);
        let elapsed = days(self.start, date).clamp(0, span);
        Some(total * elapsed / span)
    }
}

fn days(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

/// Parses the typed kilometres: digits with optional thousands separators (`.`, space).
pub fn parse_km(text: &str) -> Result<i64, Refusal> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if cleaned.is_empty() {
        return Err(Refusal::KmRequired);
    }
    if cleaned.starts_with('-') && cleaned[1..].chars().all(|c| c.is_ascii_digit()) {
        return Err(Refusal::KmNegative);
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err(Refusal::KmInvalid);
    }
    match cleaned.parse::<i64>() {
        Ok(km) if km <= MAX_KM => Ok(km),
        _ => Err(Refusal::KmAbsurd),
    }
}

/// Parses a date typed as `yyyy-mm-dd` (the date picker) or `dd/mm/yyyy`.
pub fn parse_date(text: &str) -> Result<Date, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::DateRequired);
    }
    if let Some(d) = crate::money::parse_iso_date(text) {
        return Ok(d);
    }
    let parts: Vec<&str> = text.split('/').collect();
    if let [d, m, y] = parts.as_slice()
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<i32>())
        && let Ok(month) = time::Month::try_from(m)
        && let Ok(date) = Date::from_calendar_date(y, month, d)
    {
        return Ok(date);
    }
    Err(Refusal::DateInvalid)
}

/// What to do with a new reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    /// Plausible only if the customer confirms (a jump of more than 1,000 km a day).
    Confirm,
}

/// Checks a new reading against the contract and the readings so far (any order). Returns the
/// message key of the refusal.
pub fn check(
    new: Reading,
    allowance: &Allowance,
    existing: &[Reading],
    today: Date,
) -> Result<Verdict, Refusal> {
    if new.date > today {
        return Err(Refusal::DateFuture);
    }
    if new.date < allowance.start {
        return Err(Refusal::DateBeforeStart);
    }
    let before = existing
        .iter()
        .filter(|r| r.date <= new.date)
        .max_by_key(|r| (r.date, r.km));
    let after = existing
        .iter()
        .filter(|r| r.date > new.date)
        .min_by_key(|r| (r.date, r.km));
    if before.is_some_and(|b| new.km < b.km) || after.is_some_and(|a| new.km > a.km) {
        return Err(Refusal::KmDecreasing);
    }
    let previous = before.copied().unwrap_or(Reading {
        date: allowance.start,
        km: 0,
    });
    let elapsed = days(previous.date, new.date).max(1);
    if new.km - previous.km > PLAUSIBLE_KM_PER_DAY * elapsed {
        return Ok(Verdict::Confirm);
    }
    Ok(Verdict::Accept)
}

/// The linear projection of the readings to the contract end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Projection {
    /// The expected odometer value at the contract end.
    pub km_at_end: i64,
    /// The allowance over the whole contract, if there is one.
    pub allowed_km: Option<i64>,
    /// Expected kilometres over the allowance (0 when within it).
    pub excess_km: i64,
    pub excess_cost_cents: i64,
}

impl Projection {
    pub fn exceeds(&self) -> bool {
        self.excess_km > 0
    }
}

/// Projects the average daily distance since the start (from 0 km, or from a reading on the
/// start date) to the contract end. None without a reading after the start date.
pub fn project(allowance: &Allowance, readings: &[Reading]) -> Option<Projection> {
    let latest = readings.iter().max_by_key(|r| (r.date, r.km))?;
    let base = readings
        .iter()
        .filter(|r| r.date == allowance.start)
        .min_by_key(|r| r.km)
        .copied()
        .unwrap_or(Reading {
            date: allowance.start,
            km: 0,
        });
    let observed = days(base.date, latest.date);
    if observed <= 0 {
        return None;
    }
    let remaining = days(latest.date, allowance.end).max(0);
    let driven = latest.km - base.km;
    // Rounded to the nearest kilometre.
    let km_at_end = latest.km + (driven * remaining * 2 + observed) / (observed * 2);
    let allowed_km = allowance.total_km();
    let excess_km = allowed_km.map_or(0, |a| (km_at_end - base.km - a).max(0));
    Some(Projection {
        km_at_end,
        allowed_km,
        excess_km,
        excess_cost_cents: excess_km * allowance.excess_rate_cents.unwrap_or(0),
    })
}

/// The texts the chart carries, already translated.
pub struct ChartLabels<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub readings: &'a str,
    pub allowance: &'a str,
    pub projection: &'a str,
}

const W: f64 = 640.0;
const H: f64 = 300.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 56.0;

/// The chart as an SVG element: the readings, the allowance line from 0 to the total and the
/// projection from the latest reading to the end. Server-rendered; needs no script or styles
/// (presentation attributes only), with a title and description for assistive technology.
pub fn chart_svg(
    allowance: &Allowance,
    readings: &[Reading],
    projection: Option<&Projection>,
    labels: &ChartLabels,
) -> String {
    let mut sorted = readings.to_vec();
    sorted.sort_by_key(|r| (r.date, r.km));
    let top_km = [
        allowance.total_km().unwrap_or(0),
        projection.map_or(0, |p| p.km_at_end),
        sorted.last().map_or(0, |r| r.km),
        1_000,
    ]
    .into_iter()
    .max()
    .unwrap_or(1_000);
    let top_km = nice_ceiling(top_km);
    let span = days(allowance.start, allowance.end).max(1) as f64;
    let x = |d: Date| {
        Tenths(LEFT + (days(allowance.start, d) as f64 / span).clamp(0.0, 1.0) * (W - LEFT - RIGHT))
    };
    let y = |km: i64| Tenths(TOP + (1.0 - km as f64 / top_km as f64) * (H - TOP - BOTTOM));
    let mut svg = format!(
        r##"<svg class="mileage-chart" viewBox="0 0 {W} {H}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title><desc id="chart-desc">{}</desc>"##,
        escape(labels.title),
        escape(labels.description)
    );
    // Horizontal grid with km labels.
    for i in 0..=4 {
        let km = top_km * i / 4;
        let gy = y(km);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{gy}" x2="{}" y2="{gy}" stroke="#d0d4da" stroke-width="1"/><text x="{}" y="{}" font-size="12" text-anchor="end" fill="#333">{}</text>"##,
            Tenths(W - RIGHT),
            Tenths(LEFT - 6.0),
            Tenths(gy.0 + 4.0),
            format_int(km)
        );
    }
    // Start and end dates under the axis.
    let base = H - BOTTOM;
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{base}" x2="{}" y2="{base}" stroke="#333" stroke-width="1"/><text x="{LEFT}" y="{}" font-size="12" fill="#333">{}</text><text x="{}" y="{}" font-size="12" text-anchor="end" fill="#333">{}</text>"##,
        Tenths(W - RIGHT),
        Tenths(base + 16.0),
        format_date(allowance.start),
        Tenths(W - RIGHT),
        Tenths(base + 16.0),
        format_date(allowance.end)
    );
    let legend_y = H - 12.0;
    if let Some(total) = allowance.total_km() {
        let _ = write!(
            svg,
            r##"<line class="allowance" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1f6f3f" stroke-width="2" stroke-dasharray="6 4"/>"##,
            x(allowance.start),
            y(0),
            x(allowance.end),
            y(total)
        );
        legend(
            &mut svg,
            LEFT + 200.0,
            legend_y,
            "#1f6f3f",
            "6 4",
            labels.allowance,
        );
    }
    if let (Some(p), Some(last)) = (projection, sorted.last()) {
        let _ = write!(
            svg,
            r##"<line class="projection" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="2 4"/>"##,
            x(last.date),
            y(last.km),
            x(allowance.end),
            y(p.km_at_end),
            if p.exceeds() { "#b00020" } else { "#555" }
        );
        legend(
            &mut svg,
            LEFT + 400.0,
            legend_y,
            "#555",
            "2 4",
            labels.projection,
        );
    }
    if !sorted.is_empty() {
        svg += r##"<polyline class="readings" points=""##;
        for (i, r) in sorted.iter().enumerate() {
            let gap = if i == 0 { "" } else { " " };
            let _ = write!(svg, "{gap}{},{}", x(r.date), y(r.km));
        }
        svg += r##"" fill="none" stroke="#0b4f9c" stroke-width="2"/>"##;
        for r in &sorted {
            let _ = write!(
                svg,
                r##"<circle cx="{}" cy="{}" r="4" fill="#0b4f9c"><title>{} · {} km</title></circle>"##,
                x(r.date),
                y(r.km),
                format_date(r.date),
                format_int(r.km)
            );
        }
        legend(&mut svg, LEFT, legend_y, "#0b4f9c", "none", labels.readings);
    }
    svg += "</svg>";
    svg
}

fn legend(svg: &mut String, x: f64, y: f64, color: &str, dash: &str, text: &str) {
    let _ = write!(
        svg,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{}" y="{}" font-size="12" fill="#333">{}</text>"##,
        Tenths(x),
        Tenths(y - 4.0),
        Tenths(x + 24.0),
        Tenths(y - 4.0),
        Tenths(x + 30.0),
        Tenths(y),
        escape(text)
    );
}

/// A chart coordinate with one decimal, as `{:.1}` writes it, but through integer formatting
/// (the chart writes about a hundred of them per page; float formatting costs several times
/// more). Halves round away from zero; coordinates are never that close to a half.
#[derive(Clone, Copy)]
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        // Digits from the right into a small buffer: no formatting machinery per number.
        let mut buf = [0u8; 24];
        let mut at = buf.len() - 2;
        let mut rest = tenths.unsigned_abs();
        buf[at + 1] = b'0' + (rest % 10) as u8;
        buf[at] = b'.';
        rest /= 10;
        loop {
            at -= 1;
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if tenths < 0 {
            at -= 1;
            buf[at] = b'-';
        }
        f.write_str(std::str::from_utf8(&buf[at..]).map_err(|_| std::fmt::Error)?)
    }
}

/// The smallest of 1, 2 or 5 × 10ⁿ that is at least `value` (a round axis maximum).
fn nice_ceiling(value: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= value {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn lease() -> Allowance {
        Allowance {
            start: date!(2025 - 01 - 01),
            end: date!(2029 - 01 - 01),
            duration_months: 48,
            km_per_year: Some(20_000),
            excess_rate_cents: Some(12),
        }
    }

    fn r(date: Date, km: i64) -> Reading {
        Reading { date, km }
    }

    #[test]
    fn km_input_rules() {
        assert_eq!(parse_km("12.345"), Ok(12_345));
        assert_eq!(parse_km(" 45 000 "), Ok(45_000));
        assert_eq!(parse_km(""), Err(Refusal::KmRequired));
        assert_eq!(parse_km("-5"), Err(Refusal::KmNegative));
        assert_eq!(parse_km("twelve"), Err(Refusal::KmInvalid));
        assert_eq!(parse_km("12,5"), Err(Refusal::KmInvalid));
        assert_eq!(parse_km("2000001"), Err(Refusal::KmAbsurd));
        assert_eq!(parse_km("99999999999999999999999"), Err(Refusal::KmAbsurd));
    }

    #[test]
    fn date_input_accepts_both_formats() {
        assert_eq!(parse_date("2026-03-01"), Ok(date!(2026 - 03 - 01)));
        assert_eq!(parse_date("01/03/2026"), Ok(date!(2026 - 03 - 01)));
        assert_eq!(parse_date("31/02/2026"), Err(Refusal::DateInvalid));
        assert_eq!(parse_date(""), Err(Refusal::DateRequired));
    }

    #[test]
    fn readings_may_not_go_down_or_be_dated_wrongly() {
        let today = date!(2026 - 11 - 22);
        let existing = [
            r(date!(2025 - 06 - 01), 10_000),
            r(date!(2026 - 06 - 01), 30_000),
        ];
        let l = lease();
        assert_eq!(
            check(r(date!(2026 - 11 - 23), 40_000), &l, &existing, today),
            Err(Refusal::DateFuture)
        );
        assert_eq!(
            check(r(date!(2024 - 12 - 31), 0), &l, &existing, today),
            Err(Refusal::DateBeforeStart)
        );
        assert_eq!(
            check(r(date!(2026 - 11 - 01), 29_999), &l, &existing, today),
            Err(Refusal::KmDecreasing)
        );
        // Between two readings it must lie between their values.
        assert_eq!(
            check(r(date!(2026 - 01 - 01), 31_000), &l, &existing, today),
            Err(Refusal::KmDecreasing)
        );
        assert_eq!(
            check(r(date!(2026 - 01 - 01), 20_000), &l, &existing, today),
            Ok(Verdict::Accept)
        );
        // The same value as the last reading is fine (the car stood still).
        assert_eq!(
            check(r(today, 30_000), &l, &existing, today),
            Ok(Verdict::Accept)
        );
    }

    #[test]
    fn implausible_jump_asks_for_confirmation() {
        let today = date!(2026 - 11 - 22);
        let existing = [r(date!(2026 - 11 - 12), 30_000)];
        // 10 days: up to 10,000 km is plausible.
        assert_eq!(
            check(r(today, 40_000), &lease(), &existing, today),
            Ok(Verdict::Accept)
        );
        assert_eq!(
            check(r(today, 40_001), &lease(), &existing, today),
            Ok(Verdict::Confirm)
        );
        // A first reading on the start date counts from 0 km over one day.
        let start = lease().start;
        assert_eq!(
            check(r(start, 15), &lease(), &[], today),
            Ok(Verdict::Accept)
        );
        assert_eq!(
            check(r(start, 5_000), &lease(), &[], today),
            Ok(Verdict::Confirm)
        );
    }

    #[test]
    fn no_reading_gives_no_projection() {
        assert_eq!(project(&lease(), &[]), None);
    }

    #[test]
    fn one_reading_on_the_start_date_gives_no_projection() {
        assert_eq!(project(&lease(), &[r(date!(2025 - 01 - 01), 12)]), None);
    }

    #[test]
    fn one_reading_projects_from_zero_at_the_start() {
        // 2 years in (730 days), 50,000 km: over 1,461 days that is 100,068 km; allowed 80,000.
        let p = project(&lease(), &[r(date!(2027 - 01 - 01), 50_000)]).expect("projection");
        assert_eq!(p.km_at_end, 100_068);
        assert_eq!(p.allowed_km, Some(80_000));
        assert_eq!(p.excess_km, 20_068);
        assert_eq!(p.excess_cost_cents, 20_068 * 12);
        assert!(p.exceeds());
    }

    #[test]
    fn a_start_reading_is_the_base_of_the_projection() {
        // A used car delivered with 10,000 km that drives 10,000 km a year stays within.
        let readings = [
            r(date!(2025 - 01 - 01), 10_000),
            r(date!(2026 - 01 - 01), 20_000),
        ];
        let p = project(&lease(), &readings).expect("projection");
        assert_eq!(p.km_at_end, 50_027);
        assert_eq!(p.excess_km, 0);
        assert_eq!(p.excess_cost_cents, 0);
        assert!(!p.exceeds());
    }

    #[test]
    fn an_ended_contract_projects_no_further_than_its_last_reading_after_the_end() {
        let readings = [r(date!(2029 - 02 - 01), 90_000)];
        let p = project(&lease(), &readings).expect("projection");
        assert_eq!(p.km_at_end, 90_000);
        assert_eq!(p.excess_km, 10_000);
    }

    #[test]
    fn without_an_allowance_there_is_no_excess() {
        let l = Allowance {
            km_per_year: None,
            excess_rate_cents: None,
            ..lease()
        };
        let p = project(&l, &[r(date!(2026 - 01 - 01), 60_000)]).expect("projection");
        assert_eq!(p.allowed_km, None);
        assert_eq!(p.excess_km, 0);
        assert_eq!(l.allowed_on(date!(2026 - 01 - 01)), None);
    }

    #[test]
    fn the_allowance_line_grows_from_zero_to_the_total() {
        let l = lease();
        assert_eq!(l.total_km(), Some(80_000));
        assert_eq!(l.allowed_on(l.start), Some(0));
        assert_eq!(l.allowed_on(l.end), Some(80_000));
        assert_eq!(l.allowed_on(date!(2030 - 01 - 01)), Some(80_000));
    }

    #[test]
    fn chart_has_its_lines_and_a_text_alternative() {
        let readings = [r(date!(2026 - 01 - 01), 30_000)];
        let p = project(&lease(), &readings);
        let labels = ChartLabels {
            title: "Kilometers",
            description: "A <summary>",
            readings: "Readings",
            allowance: "Allowance",
            projection: "Projection",
        };
        let svg = chart_svg(&lease(), &readings, p.as_ref(), &labels);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<desc id=\"chart-desc\">A &lt;summary&gt;</desc>"));
        assert!(svg.contains("class=\"allowance\""));
        assert!(svg.contains("class=\"projection\""));
        assert!(svg.contains("01/01/2026 · 30.000 km"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn coordinates_have_one_decimal_as_before() {
        for v in [
            0.0,
            0.04,
            72.0,
            784.0,
            16.04,
            16.06,
            123.44,
            123.46,
            299.95001,
            1.0 / 3.0,
            -2.26,
            12_345_678.9,
        ] {
            assert_eq!(Tenths(v).to_string(), format!("{v:.1}"), "{v}");
        }
        let readings = [
            r(date!(2025 - 06 - 01), 10_000),
            r(date!(2026 - 01 - 01), 30_000),
        ];
        let labels = ChartLabels {
            title: "t",
            description: "d",
            readings: "r",
            allowance: "a",
            projection: "p",
        };
        let svg = chart_svg(
            &lease(),
            &readings,
            project(&lease(), &readings).as_ref(),
            &labels,
        );
        // Two points, one space apart, each coordinate with one decimal.
        let points = svg
            .split("points=\"")
            .nth(1)
            .and_then(|p| p.split('"').next())
            .unwrap();
        let pairs: Vec<&str> = points.split(' ').collect();
        assert_eq!(pairs.len(), 2, "{points}");
        for pair in pairs {
            let (x, y) = pair.split_once(',').unwrap();
            for c in [x, y] {
                assert_eq!(c.split_once('.').map(|(_, d)| d.len()), Some(1), "{pair}");
            }
        }
    }

    #[test]
    fn axis_maximum_is_round() {
        assert_eq!(nice_ceiling(80_000), 100_000);
        assert_eq!(nice_ceiling(120_001), 200_000);
        assert_eq!(nice_ceiling(1_000), 1_000);
    }
}
