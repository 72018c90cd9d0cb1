//! Storage of customers (imported from the back office; the portal never edits them directly).

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use domain::contact::PostalAddress;
use domain::import::Customer;
use sqlx::{Any, AnyPool, Transaction};
use std::collections::HashSet;

/// What an upsert did to a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upsert {
    Inserted(i64),
    Updated(i64),
    Unchanged(i64),
}

impl Upsert {
    pub fn id(self) -> i64 {
        match self {
            Upsert::Inserted(id) | Upsert::Updated(id) | Upsert::Unchanged(id) => id,
        }
    }
}

/// A customer as the portal shows it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub customer_number: String,
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub company_number: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub language: String,
}

const COLUMNS: &str = "id, customer_number, kind, first_name, last_name, company_name, company_number, mobile, email, language";

pub async fn by_number<'r>(
    reads: impl Into<Reads<'r>>,
    number: &str,
) -> StoreResult<Option<CustomerRow>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE customer_number = $1");
    reads.into().optional(&sql, &[Arg::Text(number)]).await
}

pub async fn by_id(pool: &AnyPool, id: i64) -> StoreResult<Option<CustomerRow>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

/// The name a customer goes by: the company's for a company customer, else first and last
/// name.
pub fn name(kind: &str, first: &str, last: &str, company: Option<&str>) -> String {
    match company {
        Some(company) if kind == "company" => company.to_string(),
        _ => format!("{first} {last}").trim().to_string(),
    }
}

impl CustomerRow {
    /// The name documents are addressed to: the company's for a company customer.
    pub fn display_name(&self) -> String {
        name(
            &self.kind,
            &self.first_name,
            &self.last_name,
            self.company_name.as_deref(),
        )
    }
}

pub async fn count(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(pool)
        .await?)
}

/// The customer numbers in `candidates` that are already stored.
pub async fn existing_numbers(
    tx: &mut Transaction<'_, Any>,
    candidates: &[String],
) -> StoreResult<HashSet<String>> {
    let mut found = HashSet::new();
    for number in candidates {
        let hit: Option<String> =
            sqlx::query_scalar("SELECT customer_number FROM customers WHERE customer_number = $1")
                .bind(number)
                .fetch_optional(&mut **tx)
                .await?;
        found.extend(hit);
    }
    Ok(found)
}

/// Inserts the customer or updates the stored one with the same number, if anything differs.
pub async fn upsert(tx: &mut Transaction<'_, Any>, now: i64, c: &Customer) -> StoreResult<Upsert> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM customers WHERE customer_number = $1")
            .bind(c.number.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let mobile = c.mobile.as_ref().map(|m| m.as_str().to_string());
    let email = c.email.as_ref().map(|e| e.as_str().to_string());
    let a = c.address.as_ref();
    let (street, postal_code, city, country) = (
        a.map(|a| a.street.as_str()),
        a.map(|a| a.postal_code.as_str()),
        a.map(|a| a.city.as_str()),
        a.map(|a| a.country.as_str()),
    );
    match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO customers (customer_number, kind, first_name, last_name, company_name,
                    company_number, mobile, email, language, created_at, updated_at,
                    street, postal_code, city, country)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14)
                 RETURNING id",
            )
            .bind(c.number.as_str())
            .bind(c.kind.code())
            .bind(&c.first_name)
            .bind(&c.last_name)
            .bind(&c.company_name)
            .bind(&c.company_number)
            .bind(mobile)
            .bind(email)
            .bind(c.language.code())
            .bind(now)
            .bind(street)
            .bind(postal_code)
            .bind(city)
            .bind(country)
            .fetch_one(&mut **tx)
            .await?;
            Ok(Upsert::Inserted(id))
        }
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE customers SET kind = $2, first_name = $3, last_name = $4, company_name = $5,
                    company_number = $6, mobile = $7, email = $8, language = $9, updated_at = $10,
                    street = $11, postal_code = $12, city = $13, country = $14
                 WHERE id = $1 AND (kind IS DISTINCT FROM $2 OR first_name IS DISTINCT FROM $3
                    OR last_name IS DISTINCT FROM $4 OR company_name IS DISTINCT FROM $5
                    OR company_number IS DISTINCT FROM $6 OR mobile IS DISTINCT FROM $7
                    OR email IS DISTINCT FROM $8 OR language IS DISTINCT FROM $9
                    OR street IS DISTINCT FROM $11 OR postal_code IS DISTINCT FROM $12
                    OR city IS DISTINCT FROM $13 OR country IS DISTINCT FROM $14)",
            )
            .bind(id)
            .bind(c.kind.code())
            .bind(&c.first_name)
            .bind(&c.last_name)
            .bind(&c.company_name)
            .bind(&c.company_number)
            .bind(mobile)
            .bind(email)
            .bind(c.language.code())
            .bind(now)
            .bind(street)
            .bind(postal_code)
            .bind(city)
            .bind(country)
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

/// The id of the row with this number, inside the import's transaction.
pub async fn id_by_number(tx: &mut Transaction<'_, Any>, number: &str) -> StoreResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM customers WHERE customer_number = $1")
            .bind(number)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// The contact details the back office keeps for a customer (what the contact page shows and
/// a contact change replaces).
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct ContactRow {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// E.164.
    pub mobile: Option<String>,
    /// For correspondence (not the portal sign-in address).
    pub email: Option<String>,
}

impl ContactRow {
    /// The postal address, when the back office has a complete one.
    pub fn address(&self) -> Option<PostalAddress> {
        match (&self.street, &self.postal_code, &self.city) {
            (Some(street), Some(postal_code), Some(city)) => Some(PostalAddress {
                street: street.clone(),
                postal_code: postal_code.clone(),
                city: city.clone(),
                country: self.country.clone().unwrap_or_else(|| "BE".to_string()),
            }),
            _ => None,
        }
    }
}

pub async fn contact<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
) -> StoreResult<Option<ContactRow>> {
    let sql =
        "SELECT street, postal_code, city, country, mobile, email FROM customers WHERE id = $1";
    reads.into().optional(sql, &[Arg::Int(customer_id)]).await
}

/// An approved address change.
pub async fn set_address(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    customer_id: i64,
    a: &PostalAddress,
) -> StoreResult<bool> {
    Ok(sqlx::query(
        "UPDATE customers SET street = $1, postal_code = $2, city = $3, country = $4,
            updated_at = $5 WHERE id = $6",
    )
    .bind(&a.street)
    .bind(&a.postal_code)
    .bind(&a.city)
    .bind(&a.country)
    .bind(now)
    .bind(customer_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// An approved mobile number (E.164) or e-mail address change.
pub async fn set_contact(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    customer_id: i64,
    mobile: Option<&str>,
    email: Option<&str>,
) -> StoreResult<bool> {
    Ok(sqlx::query(
        "UPDATE customers SET mobile = COALESCE($1, mobile), email = COALESCE($2, email),
            updated_at = $3 WHERE id = $4",
    )
    .bind(mobile)
    .bind(email)
    .bind(now)
    .bind(customer_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// What a customer's search document is made of (besides contracts and plates).
#[derive(sqlx::FromRow)]
struct SearchFields {
    customer_number: String,
    first_name: String,
    last_name: String,
    company_name: Option<String>,
    company_number: Option<String>,
    email: Option<String>,
    mobile: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
}

/// Rewrites the search documents of these customers from their current fields, address,
/// contracts and plates (`domain::search::document`), inside the caller's transaction.
pub async fn refresh_search(conn: &mut sqlx::AnyConnection, ids: &[i64]) -> StoreResult<()> {
    for id in ids {
        let row: Option<SearchFields> = sqlx::query_as(
            "SELECT customer_number, first_name, last_name, company_name, company_number,
                email, mobile, street, postal_code, city FROM customers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(f) = row else {
            continue;
        };
        let contracts: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT c.contract_number, v.number_plate FROM contracts c
             LEFT JOIN vehicles v ON v.contract_id = c.id WHERE c.customer_id = $1 ORDER BY c.id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let name = format!("{} {}", f.first_name, f.last_name);
        let mut fields: Vec<&str> = vec![&f.customer_number, &name];
        fields.extend(
            [
                &f.company_name,
                &f.company_number,
                &f.email,
                &f.mobile,
                &f.street,
                &f.postal_code,
                &f.city,
            ]
            .into_iter()
            .filter_map(|f| f.as_deref()),
        );
        for (contract, plate) in &contracts {
            fields.push(contract);
            fields.extend(plate.as_deref());
        }
        sqlx::query("UPDATE customers SET search_text = $1 WHERE id = $2")
            .bind(domain::search::document(fields))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Fills the search documents still missing (rows from before search existed), in batches;
/// returns how many.
pub async fn fill_missing_search(pool: &AnyPool) -> StoreResult<usize> {
    let mut done = 0;
    loop {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM customers WHERE search_text IS NULL ORDER BY id LIMIT 500",
        )
        .fetch_all(pool)
        .await?;
        if ids.is_empty() {
            return Ok(done);
        }
        let mut tx = crate::infra::db::begin_write(pool).await?;
        refresh_search(&mut tx, &ids).await?;
        tx.commit().await?;
        done += ids.len();
    }
}

/// One customer in the staff's search results.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct FoundRow {
    pub customer_number: String,
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
}

impl FoundRow {
    pub fn name(&self) -> String {
        name(
            &self.kind,
            &self.first_name,
            &self.last_name,
            self.company_name.as_deref(),
        )
    }
}

/// Customers whose search document contains the term or its compact form, by customer number;
/// one page of `limit` and whether more follow. On SQLite a term of 3 characters or more is
/// looked up in the trigram index (`customer_search`, migration 0017) rather than by reading
/// every document; PostgreSQL's planner uses its trigram index for the `LIKE` by itself.
pub async fn search<'c>(
    reads: impl Into<Reads<'c>>,
    term: &domain::search::Term,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<FoundRow>, bool)> {
    const INDEXED: &str =
        "SELECT customer_number, kind, first_name, last_name, company_name, email, city
         FROM customers
         WHERE id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH $1)
         ORDER BY customer_number LIMIT $2 OFFSET $3";
    const SCANNED: &str =
        "SELECT customer_number, kind, first_name, last_name, company_name, email, city
         FROM customers
         WHERE search_text LIKE $1 ESCAPE '\\' OR search_text LIKE $2 ESCAPE '\\'
         ORDER BY customer_number LIMIT $3 OFFSET $4";
    let reads = reads.into();
    let mut rows: Vec<FoundRow> = match term.fts_query().filter(|_| reads.is_sqlite()) {
        Some(query) => {
            let args = [Arg::Text(&query), Arg::Int(limit + 1), Arg::Int(offset)];
            reads.all(INDEXED, &args).await?
        }
        None => {
            let (folded, compact) = term.patterns();
            let args = [
                Arg::Text(&folded),
                Arg::Text(&compact),
                Arg::Int(limit + 1),
                Arg::Int(offset),
            ];
            reads.all(SCANNED, &args).await?
        }
    };
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}
