//! The signed-in customer's own data. Every query is scoped to the account in the session.

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
    pub end_date: String,
    pub monthly_amount: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub first_name: String,
    pub last_name: String,
    pub contracts: Vec<ContractCard>,
}

/// The dashboard. Signed-out visitors are sent to sign-in and back here afterwards.
#[server(endpoint = "customer/dashboard")]
pub async fn dashboard() -> Result<Option<DashboardView>, AppError> {
    use crate::error::internal;
    use crate::session;
    use domain::model::ContractStatus;
    let s = session::session().await?;
    let Some(account_id) = session::account_id(&s).await? else {
        leptos_axum::redirect("/login?next=/dashboard");
        return Ok(None);
    };
    let db = session::db()?;
    let Some(account) = backend::accounts::by_id(&db.pool, account_id)
        .await
        .map_err(internal)?
    else {
        s.flush().await.map_err(internal)?;
        leptos_axum::redirect("/login");
        return Ok(None);
    };
    let contracts = backend::contracts::for_customer(&db.pool, account.customer_id)
        .await
        .map_err(internal)?;
    let contracts = contracts
        .into_iter()
        .map(|c| ContractCard {
            running: ContractStatus::from_code(&c.status).is_some_and(ContractStatus::is_running),
            contract_number: c.contract_number,
            kind: c.kind,
            status: c.status,
            vehicle: format!("{} {}", c.make, c.model),
            number_plate: c.number_plate,
            end_date: domain::money::parse_iso_date(&c.end_date)
                .map(domain::format_date)
                .unwrap_or(c.end_date),
            monthly_amount: domain::format_eur(c.monthly_amount_cents),
        })
        .collect();
    Ok(Some(DashboardView {
        first_name: account.first_name,
        last_name: account.last_name,
        contracts,
    }))
}
