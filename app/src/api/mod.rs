//! Server functions: the portal's API. Each has a stable endpoint under `/api/` (see
//! `docs/API.md`); each checks who asks, calls one service function and maps the result.

pub mod account;
pub mod audit;
pub mod auth;
pub mod cic;
pub mod customer;
pub mod customers;
pub mod inbox;
pub mod queue;
pub mod registration;
pub mod replies;
pub mod staff;

use crate::error::AppError;
use domain::SiteInfo;
use leptos::prelude::*;

/// What every page needs: the operator's branding and the language chosen for this request.
#[server(endpoint = "site-info")]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    crate::shell::site_info_for_request().ok_or(AppError::Internal)
}
