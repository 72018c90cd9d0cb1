//! The back-office import: one JSON file, validated row by row, stored in one transaction.
//! A file with any bad row stores nothing; importing the same file twice changes nothing.

use crate::error::StoreError;
use crate::store::customers::{self, Upsert};
use crate::store::{contracts, invoices};
use domain::import::{ImportBatch, ImportFile, RowError, validate};
use sqlx::AnyPool;
use std::collections::HashMap;
use std::fmt;

/// Counts per list of what the import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Counts {
    fn add(&mut self, upsert: Upsert) {
        match upsert {
            Upsert::Inserted(_) => self.inserted += 1,
            Upsert::Updated(_) => self.updated += 1,
            Upsert::Unchanged(_) => self.unchanged += 1,
        }
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} new, {} updated, {} unchanged",
            self.inserted, self.updated, self.unchanged
        )
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub customers: Counts,
    pub contracts: Counts,
    pub invoices: Counts,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not JSON of the documented shape; names line and column.
    #[error("the file is not valid import JSON: {0}")]
    Syntax(String),
    /// Rows with bad values; every one of them is listed.
    #[error("{} record(s) have errors", .0.len())]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Store(StoreError::Database(e))
    }
}

/// Parses, validates and stores an import file given as JSON text.
pub async fn import_json(
    pool: &AnyPool,
    now: i64,
    json: &str,
) -> Result<ImportReport, ImportError> {
    let file: ImportFile =
        serde_json::from_str(json).map_err(|e| ImportError::Syntax(e.to_string()))?;
    import_file(pool, now, file).await
}

pub async fn import_file(
    pool: &AnyPool,
    now: i64,
    file: ImportFile,
) -> Result<ImportReport, ImportError> {
    let mut tx = crate::infra::db::begin_write(pool).await?;
    let customer_refs: Vec<String> = file
        .contracts
        .iter()
        .map(|c| c.customer_number.trim().to_string())
        .collect();
    let contract_refs: Vec<String> = file
        .invoices
        .iter()
        .map(|i| i.contract_number.trim().to_ascii_uppercase())
        .collect();
    let known_customers = customers::existing_numbers(&mut tx, &customer_refs).await?;
    let known_contracts = contracts::existing_numbers(&mut tx, &contract_refs).await?;
    let batch = validate(file, &known_customers, &known_contracts).map_err(ImportError::Rows)?;
    let report = apply(&mut tx, now, &batch).await?;
    tx.commit().await?;
    Ok(report)
}

/// Stores a validated batch inside the caller's transaction.
pub async fn apply(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
    batch: &ImportBatch,
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut customer_ids: HashMap<String, i64> = HashMap::new();
    for customer in &batch.customers {
        let result = customers::upsert(tx, now, customer).await?;
        customer_ids.insert(customer.number.as_str().to_string(), result.id());
        report.customers.add(result);
    }
    let mut touched: Vec<i64> = customer_ids.values().copied().collect();
    let mut contract_ids: HashMap<String, i64> = HashMap::new();
    for contract in &batch.contracts {
        let number = contract.customer_number.as_str();
        let customer_id = match customer_ids.get(number) {
            Some(id) => *id,
            None => found(customers::id_by_number(tx, number).await?, number)?,
        };
        touched.push(customer_id);
        let result = contracts::upsert(tx, now, contract, customer_id).await?;
        contract_ids.insert(contract.number.as_str().to_string(), result.id());
        report.contracts.add(result);
    }
    // The search documents name the customer's contracts and plates too.
    touched.sort_unstable();
    touched.dedup();
    customers::refresh_search(tx, &touched).await?;
    for invoice in &batch.invoices {
        let number = invoice.contract_number.as_str();
        let contract_id = match contract_ids.get(number) {
            Some(id) => *id,
            None => found(contracts::id_by_number(tx, number).await?, number)?,
        };
        report
            .invoices
            .add(invoices::upsert(tx, invoice, contract_id).await?);
    }
    Ok(report)
}

fn found(id: Option<i64>, key: &str) -> Result<i64, ImportError> {
    id.ok_or_else(|| {
        ImportError::Store(StoreError::Corrupt(format!(
            "{key} vanished during the import"
        )))
    })
}
