//! The documents page: the customer's documents and requests, asking for a document and
//! cancelling a request.

use super::*;
use crate::error::AppError;
use crate::message::Message;
#[cfg(feature = "ssr")]
use crate::session::Flash;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentsView {
    pub documents: Vec<DocumentItem>,
    pub requests: Vec<RequestItem>,
    pub contracts: Vec<String>,
    /// The years a fiscal certificate can be asked for, newest first.
    pub years: Vec<i32>,
    pub message: Option<Message>,
    pub kind: String,
    pub contract: String,
    pub year: String,
}

/// The customer's documents and requests, with the request form's state.
#[server(endpoint = "customer/documents")]
pub async fn documents_page() -> Result<Option<DocumentsView>, AppError> {
    use crate::session;
    let s = session::session().await?;
    let Some(account) = crate::gate::require_customer("/documents").await? else {
        return Ok(None);
    };
    let o = backend::services::overview::documents(&session::db()?, account.customer_id).await?;
    let contracts = o.contracts;
    let this_year = crate::session::clock()?.local_today().year();
    let first_year = contracts
        .iter()
        .filter_map(|c| domain::money::parse_iso_date(&c.start_date))
        .map(|d| d.year())
        .min()
        .unwrap_or(this_year);
    let documents = o.documents.into_iter().map(server::document_item).collect();
    let requests = o.requests.into_iter().map(server::request_item).collect();
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
        message: flash.message(),
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
    let ctx = session::ctx()?;
    let outcome = backend::services::self_service::request_document(
        &ctx.services(),
        account.customer_id,
        account.account_id,
        &kind,
        &contract,
        &year,
    )
    .await?;
    match outcome {
        Ok(_) => {
            server::flash(
                &s,
                Flash::notice(server::DOCUMENTS_FORM, "notice.document_requested"),
            )
            .await?;
            leptos_axum::redirect("/documents#requests");
        }
        Err(refusal) => {
            let typed = [
                ("kind", kind.trim()),
                ("contract", contract.trim()),
                ("year", year.trim()),
            ];
            server::flash(
                &s,
                Flash::error(server::DOCUMENTS_FORM, refusal).with_values(&typed),
            )
            .await?;
            leptos_axum::redirect("/documents#request-form");
        }
    }
    Ok(())
}
