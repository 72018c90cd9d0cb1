//! What a signed-in customer does with their own data: reporting a mileage reading, asking for
//! a document, cancelling a request, and downloading invoices and documents as PDF. Every
//! function takes the customer id from the session and finds nothing of anybody else's.

use crate::error::StoreResult;
use crate::infra::db;
use crate::infra::pdf::{self, Party};
use crate::store::contracts::{self, ContractDetail};
use crate::store::{customers, documents, invoices, mileage, requests};
use domain::mileage::{Allowance, Reading, Verdict};
use domain::model::{DocumentKind, RequestKind, RequestStatus};
use domain::money::parse_iso_date;
use domain::refusal::Refusal;
use domain::{Branding, Lang};
use sqlx::AnyPool;
use time::Date;

/// The mileage terms of a stored contract.
pub fn allowance(c: &ContractDetail) -> Option<Allowance> {
    Some(Allowance {
        start: parse_iso_date(&c.start_date)?,
        end: parse_iso_date(&c.end_date)?,
        duration_months: c.duration_months,
        km_per_year: c.allowed_km_per_year,
        excess_rate_cents: c.excess_km_rate_cents,
    })
}

/// The outcome of a reported reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MileageOutcome {
    Saved,
    /// Not stored: the jump is implausible and was not confirmed.
    NeedsConfirmation,
    /// Not stored, with the message key of the reason.
    Refused(Refusal),
    /// Not the customer's contract (or no such contract).
    NotFound,
}

/// A reading as the customer typed it.
pub struct TypedReading<'a> {
    pub contract_number: &'a str,
    pub km: &'a str,
    pub date: &'a str,
    /// The customer confirmed an implausible jump.
    pub confirmed: bool,
}

/// Validates and stores a reading the customer typed.
pub async fn report_mileage(
    pool: &AnyPool,
    customer_id: i64,
    account_id: i64,
    typed: &TypedReading<'_>,
    clock: &crate::Clock,
) -> StoreResult<MileageOutcome> {
    let today = clock.local_today();
    let TypedReading {
        contract_number,
        km,
        date,
        confirmed,
    } = *typed;
    let Some(contract) = contracts::detail_for_customer(pool, customer_id, contract_number).await?
    else {
        return Ok(MileageOutcome::NotFound);
    };
    let Some(terms) = allowance(&contract) else {
        return Err(crate::StoreError::Corrupt(format!(
            "contract {} has unreadable dates",
            contract.contract_number
        )));
    };
    let km = match domain::mileage::parse_km(km) {
        Ok(km) => km,
        Err(key) => return Ok(MileageOutcome::Refused(key)),
    };
    let date = match domain::mileage::parse_date(date) {
        Ok(d) => d,
        Err(key) => return Ok(MileageOutcome::Refused(key)),
    };
    let reading = Reading { date, km };
    // The readings are checked and the new one stored as one step: two reports at once cannot
    // both pass the "never less than before" rule against the same old readings.
    let mut tx = db::begin_write(pool).await?;
    db::serialise(&mut tx, &format!("mileage_readings:{}", contract.id)).await?;
    let existing = mileage::for_contract(&mut *tx, customer_id, contract.id).await?;
    match domain::mileage::check(reading, &terms, &existing, today) {
        Err(key) => Ok(MileageOutcome::Refused(key)),
        Ok(Verdict::Confirm) if !confirmed => Ok(MileageOutcome::NeedsConfirmation),
        Ok(_) => {
            mileage::add(
                &mut *tx,
                clock.epoch(),
                contract.id,
                reading,
                mileage::Source::Customer(account_id),
            )
            .await?;
            tx.commit().await?;
            Ok(MileageOutcome::Saved)
        }
    }
}

/// Files a document request. Returns the request id or the message key of the refusal.
pub async fn request_document(
    s: &crate::services::Services<'_>,
    customer_id: i64,
    account_id: i64,
    kind: &str,
    contract_number: &str,
    year: &str,
) -> StoreResult<Result<i64, Refusal>> {
    let (pool, clock) = (s.pool, s.clock);
    let today = clock.local_today();
    let Some(kind) = RequestKind::from_code(kind.trim()) else {
        return Ok(Err(Refusal::DocumentKindRequired));
    };
    let contract_number = contract_number.trim();
    let contract = if contract_number.is_empty() {
        None
    } else {
        Some(contracts::detail_for_customer(pool, customer_id, contract_number).await?)
    };
    let year = match year.trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => return Ok(Err(Refusal::DocumentYearInvalid)),
        },
    };
    let all = contracts::details_for_customer(pool, customer_id).await?;
    let first_year = all
        .iter()
        .filter_map(|c| parse_iso_date(&c.start_date))
        .map(|d| d.year())
        .min();
    let contract_id = contract.as_ref().and_then(|c| c.as_ref().map(|c| c.id));
    // "One open request of a kind" is checked and the request filed as one step.
    let mut tx = db::begin_write(pool).await?;
    db::serialise(&mut tx, &format!("service_requests:{customer_id}")).await?;
    let pending: Vec<_> = requests::for_customer(&mut *tx, customer_id)
        .await?
        .into_iter()
        .filter(|r| RequestStatus::from_code(&r.status).is_some_and(RequestStatus::is_pending))
        .filter_map(|r| {
            Some((
                RequestKind::from_code(&r.kind)?,
                r.contract_id,
                r.year.and_then(|y| i32::try_from(y).ok()),
            ))
        })
        .collect();
    let request = domain::requests::DocumentRequest {
        kind,
        contract_is_theirs: contract.as_ref().map(Option::is_some),
        year,
    };
    if let Err(key) =
        domain::requests::check(request, contract_id, first_year, today.year(), &pending)
    {
        return Ok(Err(key));
    }
    let year = (kind == RequestKind::FiscalCertificate)
        .then_some(year)
        .flatten();
    let id = requests::create(
        &mut tx,
        clock.epoch(),
        customer_id,
        Some(account_id),
        contract_id,
        kind,
        year,
    )
    .await?;
    crate::services::change_requests::notify(s, &mut tx, id).await?;
    tx.commit().await?;
    s.outboxes.wake();
    Ok(Ok(id))
}

/// Grants a pending document request: the document becomes available to the customer (its PDF
/// is rendered from the data, e.g. the fiscal certificate from that year's invoices) and the
/// request is completed. Called when the CIC approves it. None if the request is unknown or no
/// longer pending.
pub async fn grant_document_request(
    pool: &AnyPool,
    now: i64,
    request_id: i64,
) -> StoreResult<Option<i64>> {
    let Some(request) = requests::by_id(pool, request_id).await? else {
        return Ok(None);
    };
    let pending = RequestStatus::from_code(&request.status).is_some_and(RequestStatus::is_pending);
    let Some(document) = RequestKind::from_code(&request.kind)
        .filter(|_| pending)
        .and_then(RequestKind::document)
    else {
        return Ok(None);
    };
    let year = request.year.and_then(|y| i32::try_from(y).ok());
    // The document and the request's completion are one step: either the customer has the
    // document and the request is done, or neither (a lost race or a failure rolls both back).
    let mut tx = db::begin_write(pool).await?;
    let document = documents::create(
        &mut *tx,
        now,
        request.customer_id,
        request.contract_id,
        document,
        year,
    )
    .await?;
    if !requests::complete(&mut tx, now, request_id, document, None, None).await? {
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(document))
}

async fn party(pool: &AnyPool, customer_id: i64) -> StoreResult<Option<Party>> {
    Ok(customers::by_id(pool, customer_id).await?.map(|c| Party {
        name: c.display_name(),
        company_number: c.company_number.clone().filter(|_| c.kind == "company"),
        customer_number: c.customer_number,
    }))
}

/// A rendered PDF with the file name it is downloaded as.
pub struct PdfFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The PDF of one of the customer's invoices; None if it is not theirs or does not exist.
pub async fn invoice_pdf(
    pool: &AnyPool,
    branding: &Branding,
    customer_id: i64,
    number: &str,
    lang: Lang,
    today: Date,
) -> StoreResult<Option<PdfFile>> {
    let Some(invoice) = invoices::for_customer_by_number(pool, customer_id, number).await? else {
        return Ok(None);
    };
    let (Some(contract), Some(customer)) = (
        contracts::detail_for_customer(pool, customer_id, &invoice.contract_number).await?,
        party(pool, customer_id).await?,
    ) else {
        return Ok(None);
    };
    let data = pdf::InvoicePdf {
        invoice: &invoice,
        contract: &contract,
        customer: &customer,
        today,
    };
    Ok(Some(PdfFile {
        file_name: format!("invoice-{}.pdf", invoice.invoice_number),
        bytes: pdf::invoice(&data, branding, lang),
    }))
}

/// The PDF of one of the customer's documents; None if it is not theirs or does not exist.
pub async fn document_pdf(
    pool: &AnyPool,
    branding: &Branding,
    customer_id: i64,
    id: i64,
    lang: Lang,
    today: Date,
) -> StoreResult<Option<PdfFile>> {
    let Some(doc) = documents::for_customer_by_id(pool, customer_id, id).await? else {
        return Ok(None);
    };
    let Some(customer) = party(pool, customer_id).await? else {
        return Ok(None);
    };
    let Some(kind) = DocumentKind::from_code(&doc.kind) else {
        return Ok(None);
    };
    let (name, bytes) = match kind {
        DocumentKind::ContractCopy => {
            let Some(contract) = (match doc.contract_id {
                Some(cid) => contracts::detail_by_id_for_customer(pool, customer_id, cid).await?,
                None => None,
            }) else {
                return Ok(None);
            };
            let data = pdf::ContractCopy {
                contract: &contract,
                customer: &customer,
            };
            (
                format!("contract-{}.pdf", contract.contract_number),
                pdf::contract_copy(&data, branding, lang),
            )
        }
        DocumentKind::FiscalCertificate => {
            let year = doc
                .year
                .and_then(|y| i32::try_from(y).ok())
                .unwrap_or(today.year() - 1);
            let invoices = invoices::for_customer_year(pool, customer_id, year).await?;
            let contracts = contracts::details_for_customer(pool, customer_id).await?;
            let data = pdf::FiscalCertificate {
                year,
                invoices: &invoices,
                contracts: &contracts,
                customer: &customer,
            };
            (
                format!("fiscal-certificate-{year}.pdf"),
                pdf::fiscal_certificate(&data, branding, lang),
            )
        }
        DocumentKind::Statement => {
            let open = invoices::open_for_customer(pool, customer_id).await?;
            let data = pdf::Statement {
                open: &open,
                customer: &customer,
                today,
            };
            (
                format!("statement-{}.pdf", doc.id),
                pdf::statement(&data, branding, lang),
            )
        }
    };
    Ok(Some(PdfFile {
        file_name: name,
        bytes,
    }))
}
