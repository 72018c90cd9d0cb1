//! What the signed-in customer's pages show: each function gathers one page's rows, scoped to
//! the customer id from the session (another customer's contract or invoice is `None`, exactly
//! like one that does not exist). The app maps the rows to its views. The reads go through
//! [`Db::reads`]: in the request's thread on SQLite, on one held connection on PostgreSQL.

use crate::error::StoreResult;
use crate::infra::db::Db;
use crate::infra::reads::Reads;
use crate::services::self_service::allowance;
use crate::store::contracts::{self, ContractDetail};
use crate::store::documents::{self, DocumentRow};
use crate::store::invoices::{self, InvoiceRow, OpenSummary};
use crate::store::requests::{self, RequestRow};
use crate::store::{announcements, mileage};
use domain::Lang;
use domain::invoice_query::{InvoiceQuery, LATEST_ON_CONTRACT};
use domain::mileage::{Allowance, Reading};
use domain::model::ContractStatus;
use sqlx::AnyPool;
use time::Date;

/// The dashboard's rows (its unread-replies card takes the access gate's count).
pub struct Dashboard {
    /// Running contracts first, then the latest end date first.
    pub contracts: Vec<ContractDetail>,
    pub open_invoices: OpenSummary,
    pub pending_requests: i64,
    pub announcements: Vec<String>,
}

pub async fn dashboard(
    db: &Db,
    customer_id: i64,
    today: Date,
    now: i64,
    lang: Lang,
) -> StoreResult<Dashboard> {
    let mut reads = db.reads().await?;
    let mut contracts = contracts::details_for_customer(&mut reads, customer_id).await?;
    // ISO dates sort as text.
    contracts.sort_by_key(|c| {
        let running = ContractStatus::from_code(&c.status).is_some_and(ContractStatus::is_running);
        (!running, std::cmp::Reverse(c.end_date.clone()))
    });
    Ok(Dashboard {
        contracts,
        open_invoices: invoices::open_summary(&mut reads, customer_id, today).await?,
        pending_requests: requests::pending_count(&mut reads, customer_id).await?,
        announcements: announcements::current(&mut reads, now, lang).await?,
    })
}

/// One contract with its mileage terms, readings and requests, its latest invoices and its
/// documents.
pub struct ContractOverview {
    pub with_terms: ContractTerms,
    /// The newest [`LATEST_ON_CONTRACT`] invoices, newest first.
    pub invoices: Vec<InvoiceRow>,
    /// The contract has more invoices than these.
    pub more_invoices: bool,
    pub documents: Vec<DocumentRow>,
}

/// `None` when the customer has no contract with this number.
pub async fn contract(
    db: &Db,
    customer_id: i64,
    number: &str,
) -> StoreResult<Option<ContractOverview>> {
    let mut reads = db.reads().await?;
    let Some(with_terms) = terms_in(&mut reads, customer_id, number).await? else {
        return Ok(None);
    };
    let id = with_terms.contract.id;
    // One more than shown tells whether there are more.
    let mut latest =
        invoices::latest_for_contract(&mut reads, customer_id, id, LATEST_ON_CONTRACT + 1).await?;
    let more_invoices = latest.len() as i64 > LATEST_ON_CONTRACT;
    latest.truncate(LATEST_ON_CONTRACT as usize);
    Ok(Some(ContractOverview {
        invoices: latest,
        more_invoices,
        documents: documents::for_contract(&mut reads, customer_id, id).await?,
        with_terms,
    }))
}

/// One contract with what its change forms (number plate, allowance) show: its mileage terms,
/// readings and requests, not its invoices or documents.
pub struct ContractTerms {
    pub contract: ContractDetail,
    pub terms: Allowance,
    pub readings: Vec<Reading>,
    pub requests: Vec<RequestRow>,
}

/// `None` when the customer has no contract with this number.
pub async fn contract_terms(
    db: &Db,
    customer_id: i64,
    number: &str,
) -> StoreResult<Option<ContractTerms>> {
    terms_in(&mut db.reads().await?, customer_id, number).await
}

async fn terms_in(
    reads: &mut Reads<'_>,
    customer_id: i64,
    number: &str,
) -> StoreResult<Option<ContractTerms>> {
    let Some(c) = contracts::detail_for_customer(&mut *reads, customer_id, number).await? else {
        return Ok(None);
    };
    let terms = allowance(&c).ok_or_else(|| {
        crate::StoreError::Corrupt(format!(
            "contract {} has unreadable dates",
            c.contract_number
        ))
    })?;
    Ok(Some(ContractTerms {
        terms,
        readings: mileage::for_contract(&mut *reads, customer_id, c.id).await?,
        requests: requests::for_contract(&mut *reads, customer_id, c.id).await?,
        contract: c,
    }))
}

/// One page of the customer's invoice list.
pub struct InvoicePage {
    /// The customer's contract numbers (for the filter).
    pub contracts: Vec<String>,
    /// The years with invoices (for the filter).
    pub years: Vec<i32>,
    pub rows: Vec<InvoiceRow>,
    pub total: i64,
    /// The query did name a contract the customer does not have: the filter was dropped.
    pub unknown_contract: bool,
}

pub async fn invoice_page(
    db: &Db,
    customer_id: i64,
    q: &mut InvoiceQuery,
    today: Date,
) -> StoreResult<InvoicePage> {
    let mut reads = db.reads().await?;
    let choices = invoices::filter_choices(&mut reads, customer_id).await?;
    let unknown_contract = q
        .contract
        .as_ref()
        .is_some_and(|c| !choices.contracts.contains(c));
    if unknown_contract {
        q.contract = None;
    }
    let (rows, total) = invoices::page_for_customer(&mut reads, customer_id, q, today).await?;
    Ok(InvoicePage {
        contracts: choices.contracts,
        years: choices.years,
        rows,
        total,
        unknown_contract,
    })
}

/// One of the customer's invoices with the contract it belongs to.
pub async fn invoice(
    db: &Db,
    customer_id: i64,
    number: &str,
) -> StoreResult<Option<(InvoiceRow, ContractDetail)>> {
    let mut reads = db.reads().await?;
    let Some(i) = invoices::for_customer_by_number(&mut reads, customer_id, number).await? else {
        return Ok(None);
    };
    let contract =
        contracts::detail_for_customer(&mut reads, customer_id, &i.contract_number).await?;
    Ok(contract.map(|c| (i, c)))
}

/// The documents page's rows.
pub struct DocumentsOverview {
    pub contracts: Vec<ContractDetail>,
    pub documents: Vec<DocumentRow>,
    pub requests: Vec<RequestRow>,
}

pub async fn documents(db: &Db, customer_id: i64) -> StoreResult<DocumentsOverview> {
    let mut reads = db.reads().await?;
    Ok(DocumentsOverview {
        contracts: contracts::details_for_customer(&mut reads, customer_id).await?,
        documents: documents::for_customer(&mut reads, customer_id).await?,
        requests: requests::for_customer(&mut reads, customer_id).await?,
    })
}

/// "My requests": the customer's requests filtered by status and kind codes (empty: all).
pub async fn requests(
    db: &Db,
    customer_id: i64,
    status: &str,
    kind: &str,
) -> StoreResult<Vec<crate::store::requests::RequestRow>> {
    crate::store::requests::filtered_for_customer(db.reads().await?, customer_id, status, kind)
        .await
}

/// One of the customer's requests with its history and its uploaded file's record; None if it
/// is not theirs or does not exist.
pub struct RequestDetail {
    pub request: crate::store::requests::RequestRow,
    pub history: Vec<crate::store::requests::EventRow>,
    pub file: Option<crate::store::files::FileRow>,
}

pub async fn request(
    pool: &AnyPool,
    customer_id: i64,
    id: i64,
) -> StoreResult<Option<RequestDetail>> {
    let Some(request) = crate::store::requests::for_customer_by_id(pool, customer_id, id).await?
    else {
        return Ok(None);
    };
    let history = crate::store::requests::history(pool, id).await?;
    let file = match &request.file_id {
        Some(fid) => crate::store::files::by_id(pool, fid).await?,
        None => None,
    };
    Ok(Some(RequestDetail {
        request,
        history,
        file,
    }))
}
