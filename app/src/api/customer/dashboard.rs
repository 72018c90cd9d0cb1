//! The dashboard: contract cards, open invoices, pending requests and announcements.

use super::*;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub unread_messages: i64,
}

/// The dashboard: contract cards, open invoices, pending requests and announcements.
#[server(endpoint = "customer/dashboard")]
pub async fn dashboard() -> Result<Option<DashboardView>, AppError> {
    use crate::session;
    let Some(account) = crate::gate::require_customer("/dashboard").await? else {
        return Ok(None);
    };
    let clock = session::clock()?;
    let d = backend::services::overview::dashboard(
        &session::db()?,
        account.customer_id,
        clock.local_today(),
        clock.epoch(),
        session::lang(),
    )
    .await?;
    Ok(Some(DashboardView {
        first_name: account.account.first_name,
        last_name: account.account.last_name,
        contracts: d.contracts.iter().map(server::card).collect(),
        open_invoices: d.open_invoices.count,
        overdue_invoices: d.open_invoices.overdue,
        total_due: domain::format_eur(d.open_invoices.total_cents),
        pending_requests: d.pending_requests,
        announcements: d.announcements,
        unread_messages: account.unread_replies,
    }))
}
