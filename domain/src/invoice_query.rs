//! The invoice list's filters, sorting and pages, read from the URL's query string. Unknown
//! values are not errors the customer caused by typing: the filter is dropped and a notice
//! says so, so the list still shows.

use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 25;
/// The invoices a contract's page shows, newest first; the rest are one link away, in the
/// invoice list filtered on the contract (a page that stays the same size as a contract ages).
pub const LATEST_ON_CONTRACT: i64 = 6;

/// The status filter: "open" includes overdue invoices; "overdue" is open and past due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusFilter {
    Open,
    Paid,
    Overdue,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 3] = [
        StatusFilter::Open,
        StatusFilter::Paid,
        StatusFilter::Overdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::Open => "open",
            StatusFilter::Paid => "paid",
            StatusFilter::Overdue => "overdue",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    /// Newest first (the default).
    #[default]
    DateDesc,
    DateAsc,
    AmountDesc,
    AmountAsc,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::DateDesc,
        Sort::DateAsc,
        Sort::AmountDesc,
        Sort::AmountAsc,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Sort::DateDesc => "date-desc",
            Sort::DateAsc => "date-asc",
            Sort::AmountDesc => "amount-desc",
            Sort::AmountAsc => "amount-asc",
        }
    }
}

/// A valid invoice query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceQuery {
    /// A contract number (checked against the customer's contracts by the caller).
    pub contract: Option<String>,
    pub year: Option<i32>,
    pub status: Option<StatusFilter>,
    pub sort: Sort,
    /// 1-based.
    pub page: i64,
}

impl InvoiceQuery {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }

    /// The invoice list filtered on one contract.
    pub fn of_contract(number: &str) -> InvoiceQuery {
        InvoiceQuery {
            contract: Some(number.to_string()),
            page: 1,
            ..InvoiceQuery::default()
        }
    }

    /// The query string of this query on another page (for pagination links).
    pub fn href(&self, page: i64) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.contract {
            parts.push(format!("contract={}", url_escape(c)));
        }
        if let Some(y) = self.year {
            parts.push(format!("year={y}"));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.code()));
        }
        if self.sort != Sort::DateDesc {
            parts.push(format!("sort={}", self.sort.code()));
        }
        if page != 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/invoices".into()
        } else {
            format!("/invoices?{}", parts.join("&"))
        }
    }
}

/// Reads the raw query values. Returns the query and, when a value was not understood, the
/// message key of the notice to show (the value is then ignored).
pub fn parse(
    contract: Option<&str>,
    year: Option<&str>,
    status: Option<&str>,
    sort: Option<&str>,
    page: Option<&str>,
) -> (InvoiceQuery, Option<&'static str>) {
    let mut notice = None;
    let mut q = InvoiceQuery {
        page: 1,
        ..InvoiceQuery::default()
    };
    if let Some(c) = present(contract) {
        if c.len() <= 40 && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
            q.contract = Some(c.to_ascii_uppercase());
        } else {
            notice = Some("notice.invoices_filter_unknown");
        }
    }
    if let Some(y) = present(year) {
        match y.parse::<i32>() {
            Ok(y) if (1990..=2100).contains(&y) => q.year = Some(y),
            _ => notice = Some("notice.invoices_filter_unknown"),
        }
    }
    if let Some(s) = present(status) {
        match StatusFilter::ALL.iter().find(|f| f.code() == s) {
            Some(f) => q.status = Some(*f),
            None => notice = Some("notice.invoices_filter_unknown"),
        }
    }
    if let Some(s) = present(sort) {
        match Sort::ALL.iter().find(|f| f.code() == s) {
            Some(f) => q.sort = *f,
            None => notice = Some("notice.invoices_filter_unknown"),
        }
    }
    if let Some(p) = present(page) {
        match p.parse::<i64>() {
            Ok(p) if (1..=100_000).contains(&p) => q.page = p,
            _ => notice = Some("notice.invoices_page_unknown"),
        }
    }
    (q, notice)
}

fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// The number of pages for `total` invoices (at least 1, so an empty list has one page).
pub fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_query_is_all_invoices_newest_first() {
        let (q, notice) = parse(None, Some(""), None, None, None);
        assert_eq!(q.page, 1);
        assert_eq!(q.sort, Sort::DateDesc);
        assert_eq!(q.year, None);
        assert_eq!(notice, None);
        assert_eq!(q.href(1), "/invoices");
    }

    #[test]
    fn filters_are_read_and_written_back() {
        let (q, notice) = parse(
            Some("ls-2024-0001"),
            Some("2025"),
            Some("overdue"),
            Some("amount-asc"),
            Some("3"),
        );
        assert_eq!(notice, None);
        assert_eq!(q.contract.as_deref(), Some("LS-2024-0001"));
        assert_eq!(q.status, Some(StatusFilter::Overdue));
        assert_eq!(q.offset(), 50);
        assert_eq!(
            q.href(2),
            "/invoices?contract=LS-2024-0001&year=2025&status=overdue&sort=amount-asc&page=2"
        );
    }

    #[test]
    fn unknown_values_are_dropped_with_a_notice() {
        let (q, notice) = parse(None, Some("20x5"), Some("unpaid"), None, None);
        assert_eq!((q.year, q.status), (None, None));
        assert_eq!(notice, Some("notice.invoices_filter_unknown"));
        let (q, notice) = parse(Some("<script>"), None, None, Some("random"), None);
        assert_eq!(q.contract, None);
        assert_eq!(q.sort, Sort::DateDesc);
        assert_eq!(notice, Some("notice.invoices_filter_unknown"));
    }

    #[test]
    fn bad_page_numbers_go_to_the_first_page() {
        for bad in ["0", "-1", "abc", "99999999999"] {
            let (q, notice) = parse(None, None, None, None, Some(bad));
            assert_eq!(q.page, 1, "{bad}");
            assert_eq!(notice, Some("notice.invoices_page_unknown"));
        }
    }

    #[test]
    fn pages_hold_25() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(25), 1);
        assert_eq!(page_count(26), 2);
    }

    #[test]
    fn the_list_of_one_contract() {
        assert_eq!(
            InvoiceQuery::of_contract("LC-2023-0001").href(1),
            "/invoices?contract=LC-2023-0001"
        );
        assert_eq!(
            InvoiceQuery::of_contract("A&B 1").href(1),
            "/invoices?contract=A%26B%201"
        );
    }
}
