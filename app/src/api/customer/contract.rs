//! A contract's page (mileage, chart, projection, invoices, documents, requests) and the
//! mileage form.

use super::*;
use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingItem {
    pub date: String,
    pub km: String,
    /// The allowance line's value on that date, if the contract has one.
    pub allowed: Option<String>,
}

/// What the mileage form shows after a refused submission: the message and the typed values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MileageForm {
    pub message: Option<Message>,
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
    /// The newest invoices of the contract.
    pub invoices: Vec<InvoiceItem>,
    /// The invoice list filtered on this contract, when it has more invoices than shown.
    pub all_invoices: Option<String>,
    pub documents: Vec<DocumentItem>,
    pub requests: Vec<RequestItem>,
    pub mileage_form: MileageForm,
    /// Today as `yyyy-mm-dd`, the default and maximum of the date field.
    pub today: String,
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
    let today = crate::session::clock()?.local_today();
    let Some(o) =
        backend::services::overview::contract(&session::db()?, account.customer_id, &number)
            .await?
    else {
        return Err(AppError::NotFound);
    };
    let backend::services::overview::ContractTerms {
        contract: c,
        terms,
        readings,
        requests,
    } = o.with_terms;
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
    let invoices = o
        .invoices
        .into_iter()
        .map(|i| server::invoice_item(i, today))
        .collect();
    let documents = o.documents.into_iter().map(server::document_item).collect();
    let requests = requests.into_iter().map(server::request_item).collect();
    let flash = session::take_flash(&s, server::MILEAGE_FORM).await?;
    let mileage_form = if flash.values.get("contract") == Some(&c.contract_number) {
        MileageForm {
            message: flash.message(),
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
        all_invoices: o
            .more_invoices
            .then(|| domain::invoice_query::InvoiceQuery::of_contract(&c.contract_number).href(1)),
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
    use crate::session::Flash;
    use backend::services::self_service::MileageOutcome;
    use domain::refusal::Refusal;
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
            let flash = Flash::notice(server::MILEAGE_FORM, "notice.mileage_saved")
                .with_values(&[("contract", contract.as_str())]);
            server::flash(&s, flash).await?;
        }
        MileageOutcome::Refused(refusal) => {
            server::flash(
                &s,
                Flash::error(server::MILEAGE_FORM, refusal).with_values(&typed),
            )
            .await?;
        }
        MileageOutcome::NeedsConfirmation => {
            let mut values = typed.to_vec();
            values.push(("confirm", "1"));
            let flash = Flash::error(server::MILEAGE_FORM, Refusal::MileageJumpUnconfirmed)
                .with_values(&values);
            server::flash(&s, flash).await?;
        }
    }
    leptos_axum::redirect(&format!("{back}#mileage"));
    Ok(())
}
