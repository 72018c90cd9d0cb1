//! The CIC's message inbox (`/cic/inbox`) and a thread as staff see it (`/cic/threads/{id}`):
//! filters (status, unassigned, mine, category, a customer number, name or subject), the age
//! of a waiting thread in working days against the 2-day target, replies with the collision
//! rule, internal notes, close and reopen. Every read is audited by the service.

use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
/// The form name of the flashes of the staff thread page.
pub const THREAD_FORM: &str = "staff-thread";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    pub id: i64,
    pub subject: String,
    pub category: String,
    pub status: String,
    pub customer_number: String,
    pub customer_name: String,
    /// Working days the customer has been waiting (None: not waiting).
    pub waiting_days: Option<i64>,
    pub overdue: bool,
    pub assigned_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxView {
    pub items: Vec<InboxItem>,
    /// The filter as chosen: `show` (`waiting` | `all` | `unassigned` | `mine` | `closed`),
    /// `category`, `q`.
    pub show: String,
    pub category: String,
    pub q: String,
    pub page: i64,
    pub more: bool,
}

/// The inbox page.
#[server(endpoint = "cic/inbox")]
pub async fn inbox_page(
    #[server(default)] show: String,
    #[server(default)] category: String,
    #[server(default)] q: String,
    #[server(default)] page: String,
) -> Result<Option<InboxView>, AppError> {
    use crate::session;
    use backend::services::messages::{self, INBOX_PAGE_SIZE};
    use backend::store::messages::InboxFilter;
    use domain::messages::{Category, ThreadStatus};
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let ctx = session::ctx()?;
    let page = page.trim().parse::<i64>().unwrap_or(1).clamp(1, 10_000);
    let show = match show.trim() {
        s @ ("all" | "unassigned" | "mine" | "closed") => s.to_string(),
        _ => "waiting".to_string(),
    };
    let category = Category::from_code(&category);
    let q: String = q.trim().chars().take(100).collect();
    let search = domain::search::Term::parse(&q).ok().map(|t| t.patterns().0);
    let filter = InboxFilter {
        status: match show.as_str() {
            "waiting" => Some(ThreadStatus::Open),
            "closed" => Some(ThreadStatus::Closed),
            _ => None,
        },
        unassigned: show == "unassigned",
        assigned_to: (show == "mine").then_some(staff.staff_id),
        category: category.map(Category::code),
        search,
        limit: INBOX_PAGE_SIZE,
        offset: (page - 1) * INBOX_PAGE_SIZE,
    };
    let origin = crate::gate::Origin::current();
    let (rows, more) =
        messages::inbox(&ctx.services(), origin.reader(staff.staff_id), &filter).await?;
    let today = ctx.clock.local_today();
    let items = rows
        .into_iter()
        .map(|r| {
            let since = r
                .waiting_since
                .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
                .map(|t| t.date());
            InboxItem {
                customer_name: backend::store::customers::name(
                    &r.customer_kind,
                    &r.first_name,
                    &r.last_name,
                    r.company_name.as_deref(),
                ),
                id: r.id,
                subject: r.subject,
                category: r.category,
                status: r.status,
                customer_number: r.customer_number,
                waiting_days: since.map(|d| domain::working_days::working_days_between(d, today)),
                overdue: since.is_some_and(|d| domain::working_days::overdue(d, today)),
                assigned_to: r.assigned_name,
            }
        })
        .collect();
    Ok(Some(InboxView {
        items,
        show,
        category: category.map(|c| c.code().to_string()).unwrap_or_default(),
        q,
        page,
        more,
    }))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMessageItem {
    /// `customer`, `staff` or `note`.
    pub author: String,
    pub staff_name: Option<String>,
    pub body: String,
    pub at: String,
    pub attachments: Vec<crate::api::customer::FileItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffThreadView {
    pub id: i64,
    pub subject: String,
    pub category: String,
    pub status: String,
    pub contract_number: Option<String>,
    pub customer_number: String,
    pub messages: Vec<StaffMessageItem>,
    pub version: i64,
    /// The newest message the customer can see, as shown (sent back with a reply).
    pub seen: i64,
    pub message: Option<Message>,
    pub values: std::collections::HashMap<String, String>,
    pub assigned_to: Option<String>,
    pub assigned_to_me: bool,
    /// Active colleagues it can be assigned to (id, name), the reader first.
    pub colleagues: Vec<(i64, String)>,
    /// Beside the thread: the customer's contracts (number, vehicle, status) and open
    /// requests (id, reference, kind, status).
    pub contracts: Vec<(String, String, String)>,
    pub open_requests: Vec<(i64, String, String, String)>,
    /// Saved replies (id, language, title), those in the customer's language first.
    pub saved_replies: Vec<(i64, String, String)>,
    /// The saved reply the text was started from.
    pub chosen_reply: Option<i64>,
}

/// A thread for staff (audited); unknown: 404. `reply`: the id of a saved reply to start the
/// answer from (what was typed and refused comes first).
#[server(endpoint = "cic/thread")]
pub async fn staff_thread(
    id: String,
    #[server(default)] reply: String,
) -> Result<Option<StaffThreadView>, AppError> {
    use crate::api::customer::stamp;
    use crate::session;
    use backend::services::messages;
    use domain::model::StaffRole;
    let Some(staff) = crate::gate::require_staff(StaffRole::Agent).await? else {
        return Ok(None);
    };
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(AppError::NotFound);
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let Some(view) =
        messages::staff_thread(&ctx.services(), origin.reader(staff.staff_id), id).await?
    else {
        return Err(AppError::NotFound);
    };
    let flash = session::take_flash(&s, THREAD_FORM).await?;
    let messages::StaffThread {
        opened,
        contracts,
        open_requests: open,
        mut colleagues,
        saved_replies: saved,
    } = view;
    let thread = opened.thread;
    colleagues.sort_by_key(|(id, _)| *id != staff.staff_id);
    let chosen = reply
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| saved.iter().find(|r| r.id == id));
    let mut values = flash.values.clone();
    if let Some(r) = chosen
        && !values.contains_key("body")
    {
        values.insert("body".to_string(), r.body.clone());
    }
    Ok(Some(StaffThreadView {
        id,
        subject: thread.subject,
        category: thread.category,
        status: thread.status,
        contract_number: thread.contract_number,
        customer_number: thread.customer_number,
        messages: opened
            .messages
            .into_iter()
            .map(|m| StaffMessageItem {
                attachments: crate::api::customer::files_of(m.id, &opened.attachments),
                author: m.author,
                staff_name: m.staff_name,
                body: m.body,
                at: stamp(m.created_at),
            })
            .collect(),
        version: thread.version,
        seen: opened.seen,
        message: flash.message(),
        values,
        assigned_to: thread
            .assigned_staff_id
            .and_then(|a| colleagues.iter().find(|(id, _)| *id == a))
            .map(|(_, name)| name.clone()),
        assigned_to_me: thread.assigned_staff_id == Some(staff.staff_id),
        colleagues,
        contracts: contracts
            .into_iter()
            .map(|c| {
                (
                    c.contract_number,
                    format!("{} {}", c.make, c.model),
                    c.status,
                )
            })
            .collect(),
        open_requests: open
            .iter()
            .map(|r| {
                (
                    r.id,
                    backend::services::change_requests::reference(r),
                    r.kind.clone(),
                    r.status.clone(),
                )
            })
            .collect(),
        chosen_reply: chosen.map(|r| r.id),
        saved_replies: saved.into_iter().map(|r| (r.id, r.lang, r.title)).collect(),
    }))
}
