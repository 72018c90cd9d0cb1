//! Storage of invoices (imported from the back office).

use crate::customers::Upsert;
use crate::error::StoreResult;
use domain::import::Invoice;
use domain::money::iso_date;
use sqlx::{Any, AnyPool, Transaction};

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
