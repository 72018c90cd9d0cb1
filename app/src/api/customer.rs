//! The signed-in customer's own data. Every query is scoped to the account in the session:
//! another customer's contract, invoice, document or request answers exactly like one that
//! does not exist ([`AppError::NotFound`]).
//!
//! Each read returns `Ok(None)` for a signed-out visitor after asking for a redirect to the
//! sign-in page (which comes back to the page afterwards).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractCard {
    pub contract_number: String,
    pub kind: String,
    pub status: String,
    pub running: bool,
    pub vehicle: String,
    pub number_plate: Option<String>,
    pub start_date: String,
    pub end_date: String,
    pub monthly_amount: String,
    /// `20.000 km`, if the contract has a mileage limit.
    pub allowed_km_per_year: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub first_name: String,
    pub last_name: String,
    pub contracts: Vec<ContractCard>,
    pub open_invoices: i64,
    pub overdue_invoices: i64,
    pub total_due: String,
    pub pending_requests: i64,
    pub announcements: Vec<String>,
}

/// One invoice in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceItem {
    pub number: String,
    pub contract_number: String,
    pub issue_date: String,
    pub due_date: String,
    pub amount: String,
    /// `open`, `paid`, `overdue` or `cancelled`.
    pub status: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingItem {
    pub date: String,
    pub km: String,
    /// The allowance line's value on that date, if the contract has one.
    pub allowed: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentItem {
    pub id: i64,
    /// `document.<kind>` translation key.
    pub kind: String,
    pub contract_number: Option<String>,
    pub year: Option<i64>,
    pub created: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestItem {
    pub id: i64,
    pub kind: String,
    pub contract_number: Option<String>,
    pub year: Option<i64>,
    pub status: String,
    pub pending: bool,
    pub created: String,
    pub updated: String,
    pub document_id: Option<i64>,
}

/// What the mileage form shows after a refused submission: the message and the typed values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MileageForm {
    pub message: Option<String>,
    pub km: String,
    pub date: String,
    /// The jump was implausible: show the confirmation box.
    pub needs_confirmation: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectionView {
    pub km_at_end: String,
    pub allowed_km: Option<String>,
    pub excess_km: String,
    pub excess_cost: String,
    pub exceeds: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractView {
    pub card: ContractCard,
    pub vin: String,
    pub duration_months: i64,
    pub months_remaining: i64,
    pub allowed_km_total: Option<String>,
    pub excess_km_rate: Option<String>,
    pub latest_reading: Option<ReadingItem>,
    pub readings: Vec<ReadingItem>,
    /// The server-rendered SVG chart (no script needed), if there is anything to draw.
    pub chart_svg: Option<String>,
    pub projection: Option<ProjectionView>,
    pub invoices: Vec<InvoiceItem>,
    pub documents: Vec<DocumentItem>,
    pub requests: Vec<RequestItem>,
    pub mileage_form: MileageForm,
    /// Today as `yyyy-mm-dd`, the default and maximum of the date field.
    pub today: String,
}

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentsView {
    pub documents: Vec<DocumentItem>,
    pub requests: Vec<RequestItem>,
    pub contracts: Vec<String>,
    /// The years a fiscal certificate can be asked for, newest first.
    pub years: Vec<i32>,
    pub message: Option<String>,
    pub kind: String,
    pub contract: String,
    pub year: String,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::session::{self, Flash};
    use domain::model::{ContractStatus, InvoiceStatus, RequestStatus};
    use domain::money::{format_date, format_int, parse_iso_date};
    use tower_sessions::Session;

    pub const MILEAGE_FORM: &str = "mileage";
    pub const DOCUMENTS_FORM: &str = "documents";

    pub fn date(iso: &str) -> String {
        parse_iso_date(iso).map_or_else(|| iso.to_string(), format_date)
    }

    pub fn epoch_date(epoch: i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(epoch)
            .map(|t| format_date(t.date()))
            .unwrap_or_default()
    }

    pub fn km(value: i64) -> String {
        format!("{}\u{a0}km", format_int(value))
    }

    pub fn card(c: &backend::store::contracts::ContractDetail) -> ContractCard {
        ContractCard {
            running: ContractStatus::from_code(&c.status).is_some_and(ContractStatus::is_running),
            contract_number: c.contract_number.clone(),
            kind: c.kind.clone(),
            status: c.status.clone(),
            vehicle: format!("{} {}", c.make, c.model),
            number_plate: c.number_plate.clone(),
            start_date: date(&c.start_date),
            end_date: date(&c.end_date),
            monthly_amount: domain::format_eur(c.monthly_amount_cents),
            allowed_km_per_year: c.allowed_km_per_year.map(km),
        }
    }

    pub fn invoice_item(
        i: &backend::store::invoices::InvoiceRow,
        today: time::Date,
    ) -> InvoiceItem {
        let status = match InvoiceStatus::from_code(&i.status) {
            Some(s) if parse_iso_date(&i.due_date).is_some_and(|d| s.is_overdue(d, today)) => {
                "overdue".to_string()
            }
            _ => i.status.clone(),
        };
        InvoiceItem {
            number: i.invoice_number.clone(),
            contract_number: i.contract_number.clone(),
            issue_date: date(&i.issue_date),
            due_date: date(&i.due_date),
            amount: domain::format_eur(i.amount_incl_vat_cents),
            status,
            description: i.description.clone(),
        }
    }

    pub fn document_item(d: backend::store::documents::DocumentRow) -> DocumentItem {
        DocumentItem {
            id: d.id,
            kind: d.kind,
            contract_number: d.contract_number,
            year: d.year,
            created: epoch_date(d.created_at),
        }
    }

    pub fn request_item(r: backend::store::requests::RequestRow) -> RequestItem {
        RequestItem {
            id: r.id,
            pending: RequestStatus::from_code(&r.status).is_some_and(RequestStatus::is_pending),
            kind: r.kind,
            contract_number: r.contract_number,
            year: r.year,
            status: r.status,
            created: epoch_date(r.created_at),
            updated: epoch_date(r.updated_at),
            document_id: r.document_id,
        }
    }

    pub async fn flash(
        s: &Session,
        form: &str,
        key: &str,
        values: &[(&str, &str)],
    ) -> Result<(), AppError> {
        session::set_flash(
            s,
            Flash {
                form: form.into(),
                error: Some(key.into()),
                values: values
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            },
        )
        .await
    }
}

/// The dashboard: contract cards, open invoices, pending requests and announcements.
#[server(endpoint = "customer/dashboard")]
pub async fn dashboard() -> Result<Option<DashboardView>, AppError> {
    use crate::session;
    use domain::model::ContractStatus;
    let Some(account) = crate::gate::require_customer("/dashboard").await? else {
        return Ok(None);
    };
    let pool = session::db()?.pool;
    let cid = account.customer_id;
    let today = crate::session::clock()?.local_today();
    let mut contracts = backend::store::contracts::details_for_customer(&pool, cid).await?;
    // Running first, then the latest end date first (ISO dates sort as text).
    contracts.sort_by_key(|c| {
        let running = ContractStatus::from_code(&c.status).is_some_and(ContractStatus::is_running);
        (!running, std::cmp::Reverse(c.end_date.clone()))
    });
    let cards: Vec<ContractCard> = contracts.iter().map(server::card).collect();
    let open = backend::store::invoices::open_summary(&pool, cid, today).await?;
    let pending = backend::store::requests::pending_count(&pool, cid).await?;
    let announcements = backend::store::announcements::current(
        &pool,
        crate::session::clock()?.epoch(),
        session::lang(),
    )
    .await?;
    Ok(Some(DashboardView {
        first_name: account.account.first_name,
        last_name: account.account.last_name,
        contracts: cards,
        open_invoices: open.count,
        overdue_invoices: open.overdue,
        total_due: domain::format_eur(open.total_cents),
        pending_requests: pending,
        announcements,
    }))
}

/// One of the customer's contracts with its mileage, invoices, documents and requests.
#[server(endpoint = "customer/contract")]
pub async fn contract_page(number: String) -> Result<Option<ContractView>, AppError> {
    use crate::session;
    use domain::mileage::{ChartLabels, chart_svg, project};
    let s = session::session().await?;
    let number = number.trim().to_ascii_uppercase();
    if number.is_empty() || number.len() > 40 {
        return Err(AppError::NotFound);
    }
    let Some(account) = crate::gate::require_customer(&format!("/contracts/{number}")).await?
    else {
        return Ok(None);
    };
    let pool = session::db()?.pool;
    let today = crate::session::clock()?.local_today();
    let Some(c) =
        backend::store::contracts::detail_for_customer(&pool, account.customer_id, &number).await?
    else {
        return Err(AppError::NotFound);
    };
    let terms = backend::services::self_service::allowance(&c).ok_or_else(|| {
        crate::error::internal(format!(
            "contract {} has unreadable dates",
            c.contract_number
        ))
    })?;
    let readings = backend::store::mileage::for_contract(&pool, c.id).await?;
    let projection = project(&terms, &readings);
    let lang = session::lang();
    let reading_item = |r: &domain::mileage::Reading| ReadingItem {
        date: domain::format_date(r.date),
        km: server::km(r.km),
        allowed: terms.allowed_on(r.date).map(server::km),
    };
    let description = match (&projection, readings.last()) {
        (Some(p), Some(last)) => domain::i18n::tf(
            lang,
            "mileage.chart.desc",
            &[
                ("km", &server::km(last.km)),
                ("date", &domain::format_date(last.date)),
                ("end", &server::km(p.km_at_end)),
            ],
        ),
        _ => domain::t(lang, "mileage.chart.empty").to_string(),
    };
    let chart = (!readings.is_empty() || terms.total_km().is_some()).then(|| {
        chart_svg(
            &terms,
            &readings,
            projection.as_ref(),
            &ChartLabels {
                title: domain::t(lang, "mileage.chart.title"),
                description: &description,
                readings: domain::t(lang, "mileage.chart.readings"),
                allowance: domain::t(lang, "mileage.chart.allowance"),
                projection: domain::t(lang, "mileage.chart.projection"),
            },
        )
    });
    let months_remaining = domain::model::months_remaining(terms.end, today, c.duration_months);
    let invoices = backend::store::invoices::for_contract(&pool, c.id)
        .await?
        .iter()
        .map(|i| server::invoice_item(i, today))
        .collect();
    let documents = backend::store::documents::for_contract(&pool, c.id)
        .await?
        .into_iter()
        .map(server::document_item)
        .collect();
    let requests = backend::store::requests::for_contract(&pool, c.id)
        .await?
        .into_iter()
        .map(server::request_item)
        .collect();
    let flash = session::take_flash(&s, server::MILEAGE_FORM).await?;
    let mileage_form = if flash.values.get("contract") == Some(&c.contract_number) {
        MileageForm {
            message: flash.error,
            km: flash.values.get("km").cloned().unwrap_or_default(),
            date: flash.values.get("date").cloned().unwrap_or_default(),
            needs_confirmation: flash.values.contains_key("confirm"),
        }
    } else {
        MileageForm::default()
    };
    Ok(Some(ContractView {
        card: server::card(&c),
        vin: c.vin.clone(),
        duration_months: c.duration_months,
        months_remaining,
        allowed_km_total: terms.total_km().map(server::km),
        excess_km_rate: c.excess_km_rate_cents.map(domain::format_eur),
        latest_reading: readings.last().map(reading_item),
        readings: readings.iter().map(reading_item).collect(),
        chart_svg: chart,
        projection: projection.map(|p| ProjectionView {
            km_at_end: server::km(p.km_at_end),
            allowed_km: p.allowed_km.map(server::km),
            excess_km: server::km(p.excess_km),
            excess_cost: domain::format_eur(p.excess_cost_cents),
            exceeds: p.exceeds(),
        }),
        invoices,
        documents,
        requests,
        mileage_form,
        today: domain::money::iso_date(today),
    }))
}

/// Reports an odometer reading. A refusal comes back on the contract page with the typed
/// values; an implausible jump (over 1,000 km a day) needs `confirm`.
#[server(endpoint = "customer/report-mileage")]
pub async fn report_mileage(
    contract: String,
    km: String,
    date: String,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    use crate::session;
    use backend::services::self_service::MileageOutcome;
    let s = session::session().await?;
    let contract = contract.trim().to_ascii_uppercase();
    let back = format!("/contracts/{contract}");
    let Some(account) = crate::gate::require_customer(&back).await? else {
        return Ok(());
    };
    let outcome = backend::services::self_service::report_mileage(
        &session::db()?.pool,
        account.customer_id,
        account.account_id,
        &backend::services::self_service::TypedReading {
            contract_number: &contract,
            km: &km,
            date: &date,
            confirmed: confirm.is_some_and(|c| !c.is_empty()),
        },
        &crate::session::clock()?,
    )
    .await?;
    let typed = [
        ("contract", contract.as_str()),
        ("km", km.trim()),
        ("date", date.trim()),
    ];
    match outcome {
        MileageOutcome::NotFound => return Err(AppError::NotFound),
        MileageOutcome::Saved => {
            server::flash(
                &s,
                server::MILEAGE_FORM,
                "notice.mileage_saved",
                &[("contract", contract.as_str())],
            )
            .await?;
        }
        MileageOutcome::Refused(key) => {
            server::flash(&s, server::MILEAGE_FORM, key, &typed).await?;
        }
        MileageOutcome::NeedsConfirmation => {
            let mut values = typed.to_vec();
            values.push(("confirm", "1"));
            server::flash(&s, server::MILEAGE_FORM, "mileage.confirm_jump", &values).await?;
        }
    }
    leptos_axum::redirect(&format!("{back}#mileage"));
    Ok(())
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
    let pool = session::db()?.pool;
    let cid = account.customer_id;
    let contracts: Vec<String> = backend::store::contracts::details_for_customer(&pool, cid)
        .await?
        .into_iter()
        .map(|c| c.contract_number)
        .collect();
    if let Some(c) = &q.contract
        && !contracts.contains(c)
    {
        q.contract = None;
        notice = Some("notice.invoices_filter_unknown");
    }
    let today = crate::session::clock()?.local_today();
    let (rows, total) = backend::store::invoices::page_for_customer(&pool, cid, &q, today).await?;
    let pages = page_count(total);
    if q.page > pages {
        notice = Some("notice.invoices_page_past_end");
    }
    let years = backend::store::invoices::years_for_customer(&pool, cid).await?;
    Ok(Some(InvoiceListView {
        items: rows
            .iter()
            .map(|i| server::invoice_item(i, today))
            .collect(),
        total,
        page: q.page,
        pages,
        contract: q.contract.clone().unwrap_or_default(),
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        status: q.status.map(|s| s.code().to_string()).unwrap_or_default(),
        sort: q.sort.code().to_string(),
        notice: notice.map(str::to_string),
        contracts,
        years,
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
    let pool = &ctx.db.pool;
    let Some(i) =
        backend::store::invoices::for_customer_by_number(pool, account.customer_id, &number)
            .await?
    else {
        return Err(AppError::NotFound);
    };
    let contract = backend::store::contracts::detail_for_customer(
        pool,
        account.customer_id,
        &i.contract_number,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Some(InvoiceView {
        item: server::invoice_item(&i, crate::session::clock()?.local_today()),
        amount_excl_vat: domain::format_eur(i.amount_excl_vat_cents),
        vat: domain::format_eur(i.vat_cents),
        payment_reference: i.payment_reference.clone(),
        vehicle: format!("{} {}", contract.make, contract.model),
        number_plate: contract.number_plate,
        iban: ctx.branding.iban.clone(),
    }))
}

/// The customer's documents and requests, with the request form's state.
#[server(endpoint = "customer/documents")]
pub async fn documents_page() -> Result<Option<DocumentsView>, AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some(account) = crate::gate::require_customer("/documents").await? else {
        return Ok(None);
    };
    let pool = session::db()?.pool;
    let cid = account.customer_id;
    let contracts = backend::store::contracts::details_for_customer(&pool, cid).await?;
    let this_year = crate::session::clock()?.local_today().year();
    let first_year = contracts
        .iter()
        .filter_map(|c| domain::money::parse_iso_date(&c.start_date))
        .map(|d| d.year())
        .min()
        .unwrap_or(this_year);
    let documents = backend::store::documents::for_customer(&pool, cid)
        .await?
        .into_iter()
        .map(server::document_item)
        .collect();
    let requests = backend::store::requests::for_customer(&pool, cid)
        .await?
        .into_iter()
        .map(server::request_item)
        .collect();
    let flash = session::take_flash(&s, server::DOCUMENTS_FORM).await?;
    let value = |k: &str| flash.values.get(k).cloned().unwrap_or_default();
    Ok(Some(DocumentsView {
        documents,
        requests,
        contracts: contracts.into_iter().map(|c| c.contract_number).collect(),
        years: (first_year..this_year).rev().collect(),
        kind: value("kind"),
        contract: value("contract"),
        year: value("year"),
        message: flash.error,
    }))
}

/// Asks for a document (fiscal certificate for a year, contract copy, statement of account).
#[server(endpoint = "customer/request-document")]
pub async fn request_document(
    #[server(default)] kind: String,
    #[server(default)] contract: String,
    #[server(default)] year: String,
) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some(account) = crate::gate::require_customer("/documents").await? else {
        return Ok(());
    };
    let outcome = backend::services::self_service::request_document(
        &session::db()?.pool,
        account.customer_id,
        account.account_id,
        &kind,
        &contract,
        &year,
        &crate::session::clock()?,
    )
    .await?;
    match outcome {
        Ok(_) => {
            server::flash(&s, server::DOCUMENTS_FORM, "notice.document_requested", &[]).await?;
            leptos_axum::redirect("/documents#requests");
        }
        Err(key) => {
            let typed = [
                ("kind", kind.trim()),
                ("contract", contract.trim()),
                ("year", year.trim()),
            ];
            server::flash(&s, server::DOCUMENTS_FORM, key, &typed).await?;
            leptos_axum::redirect("/documents#request-form");
        }
    }
    Ok(())
}

/// Cancels one of the customer's pending requests.
#[server(endpoint = "customer/cancel-request")]
pub async fn cancel_request(id: String) -> Result<(), AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some(account) = crate::gate::require_customer("/documents").await? else {
        return Ok(());
    };
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(AppError::NotFound);
    };
    let done = backend::store::requests::cancel(
        &session::db()?.pool,
        session::clock()?.epoch(),
        account.customer_id,
        id,
    )
    .await?;
    let key = if done {
        "notice.request_cancelled"
    } else {
        "documents.cancel_refused"
    };
    server::flash(&s, server::DOCUMENTS_FORM, key, &[]).await?;
    leptos_axum::redirect("/documents#requests");
    Ok(())
}
