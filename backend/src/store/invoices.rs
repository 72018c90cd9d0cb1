//! Storage of invoices (imported from the back office).

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use crate::store::customers::Upsert;
use domain::import::Invoice;
use domain::invoice_query::{InvoiceQuery, PAGE_SIZE, Sort, StatusFilter};
use domain::money::iso_date;
use sqlx::{Any, AnyPool, Transaction};
use time::Date;

pub async fn count(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM invoices")
        .fetch_one(pool)
        .await?)
}

/// Inserts or updates the invoice with the same number.
pub async fn upsert(
    tx: &mut Transaction<'_, Any>,
    inv: &Invoice,
    contract_id: i64,
) -> StoreResult<Upsert> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM invoices WHERE invoice_number = $1")
            .bind(&inv.number)
            .fetch_optional(&mut **tx)
            .await?;
    let issue = iso_date(inv.issue_date);
    let due = iso_date(inv.due_date);
    let total = inv.amount_excl_vat_cents + inv.vat_cents;
    match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO invoices (invoice_number, contract_id, issue_date, due_date,
                    amount_excl_vat_cents, vat_cents, amount_incl_vat_cents, status, description,
                    payment_reference)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&inv.number)
            .bind(contract_id)
            .bind(&issue)
            .bind(&due)
            .bind(inv.amount_excl_vat_cents)
            .bind(inv.vat_cents)
            .bind(total)
            .bind(inv.status.code())
            .bind(&inv.description)
            .bind(&inv.payment_reference)
            .fetch_one(&mut **tx)
            .await?;
            Ok(Upsert::Inserted(id))
        }
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE invoices SET contract_id = $2, issue_date = $3, due_date = $4,
                    amount_excl_vat_cents = $5, vat_cents = $6, amount_incl_vat_cents = $7,
                    status = $8, description = $9, payment_reference = $10
                 WHERE id = $1 AND (contract_id IS DISTINCT FROM $2 OR issue_date IS DISTINCT FROM $3
                    OR due_date IS DISTINCT FROM $4 OR amount_excl_vat_cents IS DISTINCT FROM $5
                    OR vat_cents IS DISTINCT FROM $6 OR status IS DISTINCT FROM $8
                    OR description IS DISTINCT FROM $9 OR payment_reference IS DISTINCT FROM $10)",
            )
            .bind(id)
            .bind(contract_id)
            .bind(&issue)
            .bind(&due)
            .bind(inv.amount_excl_vat_cents)
            .bind(inv.vat_cents)
            .bind(total)
            .bind(inv.status.code())
            .bind(&inv.description)
            .bind(&inv.payment_reference)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            Ok(if changed > 0 {
                Upsert::Updated(id)
            } else {
                Upsert::Unchanged(id)
            })
        }
    }
}

/// An invoice as the customer sees it in lists.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct InvoiceRow {
    pub id: i64,
    pub invoice_number: String,
    pub contract_number: String,
    pub issue_date: String,
    pub due_date: String,
    pub amount_excl_vat_cents: i64,
    pub vat_cents: i64,
    pub amount_incl_vat_cents: i64,
    pub status: String,
    pub description: String,
    pub payment_reference: String,
}

const ROW: &str = "i.id, i.invoice_number, c.contract_number, i.issue_date, i.due_date,
    i.amount_excl_vat_cents, i.vat_cents, i.amount_incl_vat_cents, i.status, i.description,
    i.payment_reference";

/// The WHERE clause of a customer's invoice query and its values after `$1` (the customer).
/// The invoice's own `customer_id` (its contract's, kept so by the database: migration 0022)
/// lets the list come from the index (customer, issue date) in its order; the contract's is
/// checked as well, so the list is the contract holder's whatever the column says.
fn filter_sql(q: &InvoiceQuery, today: Date) -> (String, Vec<String>) {
    let mut sql = String::from("i.customer_id = $1 AND c.customer_id = $1");
    let mut values = Vec::new();
    let mut next = |sql: &mut String, clause: &str, value: String| {
        values.push(value);
        *sql += &clause.replace('?', &format!("${}", values.len() + 1));
    };
    if let Some(contract) = &q.contract {
        next(&mut sql, " AND c.contract_number = ?", contract.clone());
    }
    if let Some(year) = q.year {
        next(
            &mut sql,
            " AND i.issue_date >= ?",
            format!("{year:04}-01-01"),
        );
        next(
            &mut sql,
            " AND i.issue_date < ?",
            format!("{:04}-01-01", year + 1),
        );
    }
    match q.status {
        Some(StatusFilter::Open) => sql += " AND i.status = 'open'",
        Some(StatusFilter::Paid) => sql += " AND i.status = 'paid'",
        Some(StatusFilter::Overdue) => {
            next(
                &mut sql,
                " AND i.status = 'open' AND i.due_date < ?",
                iso_date(today),
            );
        }
        None => {}
    }
    (sql, values)
}

/// One page of the customer's invoices matching `q`, and how many match in all.
pub async fn page_for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    q: &InvoiceQuery,
    today: Date,
) -> StoreResult<(Vec<InvoiceRow>, i64)> {
    /// A row of the page with the number of rows of the whole list (a window count: the
    /// page and its total in one statement).
    #[derive(sqlx::FromRow, serde::Deserialize)]
    struct Counted {
        #[sqlx(flatten)]
        #[serde(flatten)]
        row: InvoiceRow,
        total: i64,
    }
    let (filter, values) = filter_sql(q, today);
    let from = format!("FROM invoices i JOIN contracts c ON c.id = i.contract_id WHERE {filter}");
    let order = match q.sort {
        Sort::DateDesc => "i.issue_date DESC, i.id DESC",
        Sort::DateAsc => "i.issue_date ASC, i.id ASC",
        Sort::AmountDesc => "i.amount_incl_vat_cents DESC, i.issue_date DESC, i.id DESC",
        Sort::AmountAsc => "i.amount_incl_vat_cents ASC, i.issue_date DESC, i.id DESC",
    };
    let n = values.len();
    let limit = format!("ORDER BY {order} LIMIT ${} OFFSET ${}", n + 2, n + 3);
    let mut args = vec![Arg::Int(customer_id)];
    args.extend(values.iter().map(|v| Arg::Text(v)));
    let page = [Arg::Int(PAGE_SIZE), Arg::Int(q.offset())];
    let page_args: Vec<Arg> = args.iter().chain(&page).copied().collect();
    let mut reads = reads.into();
    let count_sql = format!("SELECT COUNT(*) {from}");
    // SQLite in the request's thread: the window count materialises the whole list (measured
    // 81 µs against 48 + 5 for the page and a count on the demo customer's 36 invoices), and
    // a partly filled page is its own count. Over a round trip (PostgreSQL) one statement is
    // cheaper.
    if reads.is_local() {
        let rows: Vec<InvoiceRow> = Reads::from(&mut reads)
            .all(&format!("SELECT {ROW} {from} {limit}"), &page_args)
            .await?;
        let shown = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let total = if shown > 0 && shown < PAGE_SIZE {
            q.offset() + shown
        } else if shown == 0 && q.offset() == 0 {
            0
        } else {
            let (count,): (i64,) = reads.one(&count_sql, &args).await?;
            count
        };
        return Ok((rows, total));
    }
    let sql = format!("SELECT {ROW}, CAST(COUNT(*) OVER () AS BIGINT) AS total {from} {limit}");
    let rows: Vec<Counted> = Reads::from(&mut reads).all(&sql, &page_args).await?;
    let total = match rows.first() {
        Some(first) => first.total,
        None if q.offset() == 0 => 0,
        // A page past the end: the list's size needs its own count.
        None => {
            let (count,): (i64,) = reads.one(&count_sql, &args).await?;
            count
        }
    };
    Ok((rows.into_iter().map(|c| c.row).collect(), total))
}

/// One of the customer's invoices by number; None for another customer's or an unknown one.
pub async fn for_customer_by_number<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    number: &str,
) -> StoreResult<Option<InvoiceRow>> {
    let sql = format!(
        "SELECT {ROW} FROM invoices i JOIN contracts c ON c.id = i.contract_id
         WHERE c.customer_id = $1 AND i.invoice_number = $2"
    );
    reads
        .into()
        .optional(&sql, &[Arg::Int(customer_id), Arg::Text(number)])
        .await
}

/// A contract's `limit` newest invoices, newest first.
pub async fn latest_for_contract<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    contract_id: i64,
    limit: i64,
) -> StoreResult<Vec<InvoiceRow>> {
    let sql = format!(
        "SELECT {ROW} FROM invoices i JOIN contracts c ON c.id = i.contract_id
         WHERE c.customer_id = $1 AND i.contract_id = $2 ORDER BY i.issue_date DESC, i.id DESC
         LIMIT $3"
    );
    reads
        .into()
        .all(
            &sql,
            &[
                Arg::Int(customer_id),
                Arg::Int(contract_id),
                Arg::Int(limit),
            ],
        )
        .await
}

/// The customer's invoices issued in `year`, oldest first (fiscal certificate).
pub async fn for_customer_year<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    customer_id: i64,
    year: i32,
) -> StoreResult<Vec<InvoiceRow>> {
    let sql = format!(
        "SELECT {ROW} FROM invoices i JOIN contracts c ON c.id = i.contract_id
         WHERE c.customer_id = $1 AND i.issue_date >= $2 AND i.issue_date < $3
         ORDER BY c.contract_number, i.issue_date, i.id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(customer_id)
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{:04}-01-01", year + 1))
        .fetch_all(pool)
        .await?)
}

/// The customer's open invoices, oldest due first (statement of account).
pub async fn open_for_customer<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    pool: E,
    customer_id: i64,
) -> StoreResult<Vec<InvoiceRow>> {
    let sql = format!(
        "SELECT {ROW} FROM invoices i JOIN contracts c ON c.id = i.contract_id
         WHERE c.customer_id = $1 AND i.status = 'open' ORDER BY i.due_date, i.id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(customer_id)
        .fetch_all(pool)
        .await?)
}

/// What the customer still has to pay: open invoices, how many are overdue, and the total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenSummary {
    pub count: i64,
    pub overdue: i64,
    pub total_cents: i64,
}

pub async fn open_summary<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    today: Date,
) -> StoreResult<OpenSummary> {
    let today = iso_date(today);
    let (count, overdue, total): (i64, i64, i64) = reads
        .into()
        .one(
            "SELECT COUNT(*),
                CAST(COALESCE(SUM(CASE WHEN i.due_date < $2 THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(i.amount_incl_vat_cents), 0) AS BIGINT)
         FROM invoices i JOIN contracts c ON c.id = i.contract_id
         WHERE c.customer_id = $1 AND i.status = 'open'",
            &[Arg::Int(customer_id), Arg::Text(&today)],
        )
        .await?;
    Ok(OpenSummary {
        count,
        overdue,
        total_cents: total,
    })
}

/// The invoice list's filter choices: the customer's contract numbers (those without
/// invoices too) in order, and the years they have invoices in, newest first.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FilterChoices {
    pub contracts: Vec<String>,
    pub years: Vec<i32>,
}

/// Both filter choices in one statement: a row per contract (the year empty), then a row per
/// year with invoices (the contract empty). The years come from the index (customer, issue
/// date) a year at a time, newest first: each step seeks the newest invoice before the year
/// found last, so a fleet customer's thousands of invoices cost as much as their few years
/// (measured on 40 contracts with 1,956 invoices, SQLite: 594 µs when every invoice was
/// grouped, 28 µs this way; the same for the demo customer's 36).
pub async fn filter_choices<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
) -> StoreResult<FilterChoices> {
    let pairs: Vec<(Option<String>, Option<String>)> = reads
        .into()
        .all(
            "WITH RECURSIVE years (newest) AS (
                 SELECT MAX(issue_date) FROM invoices WHERE customer_id = $1
                 UNION ALL
                 SELECT (SELECT MAX(i.issue_date) FROM invoices i
                          WHERE i.customer_id = $1
                            AND i.issue_date < SUBSTR(years.newest, 1, 4) || '-01-01')
                 FROM years WHERE years.newest IS NOT NULL
             )
             SELECT c.contract_number, NULL FROM contracts c WHERE c.customer_id = $1
             UNION ALL
             SELECT NULL, SUBSTR(newest, 1, 4) FROM years WHERE newest IS NOT NULL",
            &[Arg::Int(customer_id)],
        )
        .await?;
    let mut choices = FilterChoices::default();
    for (contract, year) in pairs {
        if let Some(contract) = contract
            && !choices.contracts.contains(&contract)
        {
            choices.contracts.push(contract);
        }
        if let Some(y) = year.and_then(|y| y.parse().ok())
            && !choices.years.contains(&y)
        {
            choices.years.push(y);
        }
    }
    choices.contracts.sort_unstable();
    choices.years.sort_unstable_by(|a, b| b.cmp(a));
    Ok(choices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::db::Db;

    /// The in-thread path (a page, then a count only when the page does not tell) and the
    /// sqlx path (a window count) give the same rows and totals: a full first page, a partly
    /// filled last one, one past the end, filters that leave a few rows or none, and a list of
    /// exactly one full page (its count cannot be read off the page).
    #[tokio::test]
    async fn the_page_and_its_total_are_the_same_on_both_read_paths() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/portal.db", dir.path().display()))
            .await
            .unwrap();
        let clock = crate::Clock::system();
        // The demo staff's TOTP keys are sealed: the same key as the audit chain's unit tests
        // (one key per process).
        crate::infra::seal::install(crate::infra::seal::DataKey::from_text(
            "audit chain unit tests",
        ));
        crate::seed::demo::seed_if_empty(&db, &clock).await.unwrap();
        let (customer,): (i64,) =
            sqlx::query_as("SELECT id FROM customers WHERE customer_number = '100001'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        let today = clock.local_today();
        let first = InvoiceQuery {
            page: 1,
            ..Default::default()
        };
        let all: i64 = {
            let q = &first;
            page_for_customer(&db.pool, customer, q, today)
                .await
                .unwrap()
                .1
        };
        assert!(
            all > PAGE_SIZE,
            "the demo customer has more than a page of invoices"
        );
        let mut cases: Vec<(InvoiceQuery, i64)> = Vec::new();
        for page in 1..=3 {
            cases.push((
                InvoiceQuery {
                    page,
                    ..first.clone()
                },
                all,
            ));
        }
        let open = Some(StatusFilter::Open);
        cases.push((
            InvoiceQuery {
                status: open,
                ..first.clone()
            },
            -1,
        ));
        cases.push((
            InvoiceQuery {
                year: Some(1990),
                ..first.clone()
            },
            0,
        ));
        let none_past_end = InvoiceQuery {
            year: Some(1990),
            page: 2,
            ..first.clone()
        };
        cases.push((none_past_end, 0));
        for (q, expected) in &cases {
            let (sqlx_rows, sqlx_total) = page_for_customer(&db.pool, customer, q, today)
                .await
                .unwrap();
            let local = Reads::Local(db.reads_local().unwrap().take().unwrap());
            let (rows, total) = page_for_customer(local, customer, q, today).await.unwrap();
            let ids = |r: &[InvoiceRow]| r.iter().map(|i| i.id).collect::<Vec<_>>();
            assert_eq!(ids(&rows), ids(&sqlx_rows), "{q:?}");
            assert_eq!(total, sqlx_total, "{q:?}");
            if *expected >= 0 {
                assert_eq!(total, *expected, "{q:?}");
            }
        }
        // Exactly one full page.
        sqlx::query(
            "DELETE FROM invoices WHERE id IN (SELECT i.id FROM invoices i
                 JOIN contracts c ON c.id = i.contract_id WHERE c.customer_id = $1
                 ORDER BY i.issue_date DESC, i.id DESC LIMIT -1 OFFSET $2)",
        )
        .bind(customer)
        .bind(PAGE_SIZE)
        .execute(&db.pool)
        .await
        .unwrap();
        for page in 1..=2 {
            let q = InvoiceQuery {
                page,
                ..first.clone()
            };
            let local = Reads::Local(db.reads_local().unwrap().take().unwrap());
            let (rows, total) = page_for_customer(local, customer, &q, today).await.unwrap();
            let expected_rows = if page == 1 { PAGE_SIZE } else { 0 };
            assert_eq!(i64::try_from(rows.len()).unwrap(), expected_rows);
            assert_eq!(total, PAGE_SIZE, "page {page}");
        }
    }
}
