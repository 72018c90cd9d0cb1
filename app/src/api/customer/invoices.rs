//! The invoice list (filters, sorting, pages) and one invoice's page.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceListView {
    pub items: Vec<InvoiceItem>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The filters as understood (contract number, year, status code, sort code).
    pub contract: String,
    pub year: String,
    pub status: String,
    pub sort: String,
    /// A notice about an ignored filter value or a page past the end.
    pub notice: Option<String>,
    pub contracts: Vec<String>,
    pub years: Vec<i32>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub first_href: String,
    pub last_href: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub item: InvoiceItem,
    pub amount_excl_vat: String,
    pub vat: String,
    pub payment_reference: String,
    pub vehicle: String,
    pub number_plate: Option<String>,
    pub iban: String,
}

/// The customer's invoices across contracts: filters, sorting and 25 per page. Unknown filter
/// values are ignored with a notice; a page past the end shows an empty page with a notice.
#[server(endpoint = "customer/invoices")]
pub async fn invoice_list(
    #[server(default)] contract: Option<String>,
    #[server(default)] year: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] sort: Option<String>,
    #[server(default)] page: Option<String>,
) -> Result<Option<InvoiceListView>, AppError> {
    use crate::session;
    use domain::invoice_query::{page_count, parse};
    let (mut q, mut notice) = parse(
        contract.as_deref(),
        year.as_deref(),
        status.as_deref(),
        sort.as_deref(),
        page.as_deref(),
    );
    let Some(account) = crate::gate::require_customer(&q.href(q.page)).await? else {
        return Ok(None);
    };
    let today = crate::session::clock()?.local_today();
    let p = backend::services::overview::invoice_page(
        &session::db()?,
        account.customer_id,
        &mut q,
        today,
    )
    .await?;
    if p.unknown_contract {
        notice = Some("notice.invoices_filter_unknown");
    }
    let pages = page_count(p.total);
    if q.page > pages {
        notice = Some("notice.invoices_page_past_end");
    }
    Ok(Some(InvoiceListView {
        items: p
            .rows
            .into_iter()
            .map(|i| server::invoice_item(i, today))
            .collect(),
        total: p.total,
        page: q.page,
        pages,
        contract: q.contract.clone().unwrap_or_default(),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        status: q.status.map(|s| s.code().to_string()).unwrap_or_default(),
        sort: q.sort.code().to_string(),
        notice: notice.map(str::to_string),
        contracts: p.contracts,
        years: p.years,
        prev_href: (q.page > 1).then(|| q.href((q.page - 1).min(pages))),
        next_href: (q.page < pages).then(|| q.href(q.page + 1)),
        first_href: q.href(1),
        last_href: q.href(pages),
    }))
}

/// One of the customer's invoices.
#[server(endpoint = "customer/invoice")]
pub async fn invoice_page(number: String) -> Result<Option<InvoiceView>, AppError> {
    use crate::session;
    let number = number.trim().to_string();
    if number.is_empty() || number.len() > 40 {
        return Err(AppError::NotFound);
    }
    let Some(account) = crate::gate::require_customer(&format!("/invoices/{number}")).await? else {
        return Ok(None);
    };
    let ctx = session::ctx()?;
    let Some((i, contract)) =
        backend::services::overview::invoice(&ctx.db, account.customer_id, &number).await?
    else {
        return Err(AppError::NotFound);
    };
    let amount_excl_vat = domain::format_eur(i.amount_excl_vat_cents);
    let vat = domain::format_eur(i.vat_cents);
    let payment_reference = i.payment_reference.clone();
    Ok(Some(InvoiceView {
        item: server::invoice_item(i, crate::session::clock()?.local_today()),
        amount_excl_vat,
        vat,
        payment_reference,
        vehicle: format!("{} {}", contract.make, contract.model),
        number_plate: contract.number_plate,
        iban: ctx.branding.iban.clone(),
    }))
}
