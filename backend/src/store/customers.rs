//! Storage of customers (imported from the back office; the portal never edits them directly).

use crate::error::StoreResult;
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
#[derive(Clone, Debug, sqlx::FromRow)]
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

pub async fn by_number(pool: &AnyPool, number: &str) -> StoreResult<Option<CustomerRow>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE customer_number = $1");
    Ok(sqlx::query_as(&sql)
        .bind(number)
        .fetch_optional(pool)
        .await?)
}

pub async fn by_id(pool: &AnyPool, id: i64) -> StoreResult<Option<CustomerRow>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

impl CustomerRow {
    /// The name documents are addressed to: the company's for a company customer.
    pub fn display_name(&self) -> String {
        match &self.company_name {
            Some(company) if self.kind == "company" => company.clone(),
            _ => format!("{} {}", self.first_name, self.last_name)
                .trim()
                .to_string(),
        }
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
    match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO customers (customer_number, kind, first_name, last_name, company_name,
                    company_number, mobile, email, language, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
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
            .fetch_one(&mut **tx)
            .await?;
            Ok(Upsert::Inserted(id))
        }
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE customers SET kind = $2, first_name = $3, last_name = $4, company_name = $5,
                    company_number = $6, mobile = $7, email = $8, language = $9, updated_at = $10
                 WHERE id = $1 AND (kind IS DISTINCT FROM $2 OR first_name IS DISTINCT FROM $3
                    OR last_name IS DISTINCT FROM $4 OR company_name IS DISTINCT FROM $5
                    OR company_number IS DISTINCT FROM $6 OR mobile IS DISTINCT FROM $7
                    OR email IS DISTINCT FROM $8 OR language IS DISTINCT FROM $9)",
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
