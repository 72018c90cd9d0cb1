//! The staff audit trail (`/cic/audit`): admins browse and filter every entry and download the
//! filtered list as CSV (`/cic/audit.csv`, served by the server); agents see their own entries.
//! Reading the trail is itself audited (by `backend::services::audit_trail`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One entry as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditItem {
    pub id: i64,
    pub at: String,
    pub staff_name: String,
    pub action: String,
    pub customer: Option<String>,
    pub object: Option<String>,
    pub detail: String,
    pub ip_address: String,
    pub request_id: Option<String>,
}

/// The last verification of the chain, as admins see it (the technical detail stays in the
/// log and in `server audit verify`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainItem {
    pub ok: bool,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub is_admin: bool,
    /// The filter as typed: staff, customer, action, from, until.
    pub staff: String,
    pub customer: String,
    pub action: String,
    pub from: String,
    pub until: String,
    /// Staff members to filter by (admins): (id, name).
    pub staff_options: Vec<(i64, String)>,
    pub actions: Vec<String>,
    /// A refused filter, next to its field.
    pub error: Option<crate::message::Message>,
    pub entries: Vec<AuditItem>,
    /// The address of the next (older) page.
    pub next: Option<String>,
    /// The address of the CSV export of this filter (admins).
    pub export: Option<String>,
    pub chain: Option<ChainItem>,
}

/// The query string of a filter (without `before`).
#[cfg(feature = "ssr")]
fn filter_query(v: &AuditView) -> String {
    use crate::paths::encode_component as e;
    format!(
        "staff={}&customer={}&action={}&from={}&until={}",
        e(&v.staff),
        e(&v.customer),
        e(&v.action),
        e(&v.from),
        e(&v.until)
    )
}

/// One page of the audit trail (50 entries, newest first) under the filter; a refused filter
/// comes back next to its field with nothing listed.
#[server(endpoint = "cic/audit")]
pub async fn audit_trail(
    #[server(default)] staff: String,
    #[server(default)] customer: String,
    #[server(default)] action: String,
    #[server(default)] from: String,
    #[server(default)] until: String,
    #[server(default)] before: String,
) -> Result<Option<AuditView>, AppError> {
    use crate::api::customer::stamp;
    use crate::session;
    use backend::services::audit_trail;
    use domain::audit::{ACTIONS, AuditFilter, FilterInput};
    use domain::model::StaffRole;
    let Some(me) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let ctx = session::ctx()?;
    let is_admin = me.role == StaffRole::Admin;
    let staff_rows = backend::store::staff::list(ctx.db.reads().await?).await?;
    let clip = |s: &str| s.chars().take(60).collect::<String>();
    let mut view = AuditView {
        is_admin,
        staff: clip(&staff),
        customer: clip(&customer),
        action: clip(&action),
        from: clip(&from),
        until: clip(&until),
        staff_options: if is_admin {
            staff_rows
                .iter()
                .map(|r| (r.id, r.display_name.clone()))
                .collect()
        } else {
            Vec::new()
        },
        actions: ACTIONS.iter().map(|a| a.to_string()).collect(),
        error: None,
        entries: Vec::new(),
        next: None,
        export: None,
        chain: None,
    };
    if is_admin {
        view.chain = audit_trail::chain_state(&ctx.db.pool)
            .await?
            .map(|(at, ok, _)| ChainItem { ok, at: stamp(at) });
    }
    let ids: Vec<i64> = staff_rows.iter().map(|r| r.id).collect();
    let input = FilterInput {
        staff: if is_admin { &staff } else { "" },
        customer: &customer,
        action: &action,
        from: &from,
        until: &until,
    };
    let filter = match AuditFilter::parse(&input, &ids) {
        Ok(f) => f,
        Err(r) => {
            view.error = Some(crate::message::Message::Error(crate::message::FieldError {
                key: r.key().into(),
                field: r.field().into(),
            }));
            return Ok(Some(view));
        }
    };
    let origin = crate::gate::Origin::current();
    let before = before.trim().parse::<i64>().ok().filter(|b| *b > 0);
    let page = audit_trail::browse(
        &ctx.db,
        ctx.clock.epoch(),
        origin.reader(me.staff_id),
        me.role,
        filter,
        before,
    )
    .await?;
    view.entries = page
        .rows
        .into_iter()
        .map(|r| AuditItem {
            id: r.id,
            at: stamp(r.at),
            staff_name: r.staff_name,
            action: r.action,
            customer: r.customer_number,
            object: r.object,
            detail: r.subject,
            ip_address: r.ip_address,
            request_id: r.request_id,
        })
        .collect();
    let query = filter_query(&view);
    view.next = page
        .next_before
        .map(|b| format!("/cic/audit?{query}&before={b}"));
    if is_admin {
        view.export = Some(format!("/cic/audit.csv?{query}"));
    }
    Ok(Some(view))
}
