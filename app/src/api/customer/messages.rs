//! Secure messages (`/messages`): the customer's threads, newest activity first (20 a page,
//! unread ones marked), a new thread (`/messages/new`) and a thread with its messages and the
//! reply form (`/messages/{id}`). Another customer's thread is the same 404 as none. Texts are
//! shown as text, never as HTML.

use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form names of the flashes of the messaging pages.
pub const NEW_MESSAGE_FORM: &str = "message-new";
pub const REPLY_FORM: &str = "message-reply";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadItem {
    pub id: i64,
    pub subject: String,
    /// `messages.category.<code>`.
    pub category: String,
    /// `open`, `answered` or `closed`.
    pub status: String,
    pub contract_number: Option<String>,
    pub last_activity: String,
    pub unread: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagesView {
    pub threads: Vec<ThreadItem>,
    pub page: i64,
    pub more: bool,
    pub unread: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageItem {
    /// True: written by the customer; false: by the customer service.
    pub mine: bool,
    pub body: String,
    pub at: String,
    pub attachments: Vec<FileItem>,
}

/// A file attached to a message, as a link shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileItem {
    pub id: String,
    pub name: String,
    /// The size as shown: a number and `kb` or `mb` (`files.size.<unit>`).
    pub size: (String, String),
}

/// The attachments of `message_id` among a thread's.
#[cfg(feature = "ssr")]
pub fn files_of(message_id: i64, all: &[backend::store::messages::AttachmentRow]) -> Vec<FileItem> {
    all.iter()
        .filter(|a| a.message_id == message_id)
        .map(|a| {
            let (n, unit) = domain::uploads::size_shown(u64::try_from(a.size_bytes).unwrap_or(0));
            FileItem {
                id: a.file_id.clone(),
                name: a.file_name.clone(),
                size: (n, unit.to_string()),
            }
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub thread: ThreadItem,
    /// Threads with an unread reply left now that this one is read (the header's count).
    pub unread_left: i64,
    pub messages: Vec<MessageItem>,
    pub message: Option<Message>,
    pub values: std::collections::HashMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessageView {
    /// The customer's contracts: (number, vehicle).
    pub contracts: Vec<(String, String)>,
    pub categories: Vec<String>,
    /// Working days within which a complaint is answered.
    pub complaint_days: u32,
    pub message: Option<Message>,
    pub values: std::collections::HashMap<String, String>,
}

#[cfg(feature = "ssr")]
fn item(t: &backend::store::messages::ThreadRow) -> ThreadItem {
    ThreadItem {
        id: t.id,
        subject: t.subject.clone(),
        category: t.category.clone(),
        status: t.status.clone(),
        contract_number: t.contract_number.clone(),
        last_activity: super::server::stamp(t.last_activity_at),
        unread: t.unread(),
    }
}

/// The customer's threads, one page.
#[server(endpoint = "customer/messages")]
pub async fn messages_page(
    #[server(default)] page: String,
) -> Result<Option<MessagesView>, AppError> {
    use crate::session;
    use backend::services::messages;
    let Some(me) = crate::gate::require_customer("/messages").await? else {
        return Ok(None);
    };
    let ctx = session::ctx()?;
    let page = page.trim().parse::<i64>().unwrap_or(1).max(1);
    let (rows, more) = messages::threads(&ctx.services(), me.customer_id, page).await?;
    Ok(Some(MessagesView {
        threads: rows.iter().map(item).collect(),
        page,
        more,
        unread: me.unread_replies,
    }))
}

/// The new-message form's state.
#[server(endpoint = "customer/new-message")]
pub async fn new_message_page() -> Result<Option<NewMessageView>, AppError> {
    use crate::session;
    let Some(me) = crate::gate::require_customer("/messages/new").await? else {
        return Ok(None);
    };
    let s = session::session().await?;
    let flash = session::take_flash(&s, NEW_MESSAGE_FORM).await?;
    let db = session::db()?;
    let contracts =
        backend::store::contracts::details_for_customer(db.reads().await?, me.customer_id)
            .await?
            .into_iter()
            .map(|c| (c.contract_number, format!("{} {}", c.make, c.model)))
            .collect();
    Ok(Some(NewMessageView {
        contracts,
        categories: domain::messages::Category::ALL
            .iter()
            .map(|c| c.code().to_string())
            .collect(),
        complaint_days: domain::messages::COMPLAINT_ANSWER_WORKING_DAYS,
        message: flash.message(),
        values: flash.values,
    }))
}

/// A thread of the customer with its messages (marks it read); anyone else's: 404.
#[server(endpoint = "customer/thread")]
pub async fn thread_page(id: String) -> Result<Option<ThreadView>, AppError> {
    use crate::session;
    let back = format!("/messages/{}", id.trim());
    let Some(me) = crate::gate::require_customer(&back).await? else {
        return Ok(None);
    };
    let Ok(id) = id.trim().parse::<i64>() else {
        return Err(AppError::NotFound);
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let Some(opened) =
        backend::services::messages::open_own(&ctx.services(), me.customer_id, id).await?
    else {
        return Err(AppError::NotFound);
    };
    let flash = session::take_flash(&s, REPLY_FORM).await?;
    Ok(Some(ThreadView {
        thread: item(&opened.thread),
        unread_left: backend::services::messages::unread(&ctx.services(), me.customer_id).await?,
        messages: opened
            .messages
            .into_iter()
            .map(|m| MessageItem {
                mine: m.author == "customer",
                attachments: files_of(m.id, &opened.attachments),
                body: m.body,
                at: super::server::stamp(m.created_at),
            })
            .collect(),
        message: flash.message(),
        values: flash.values,
    }))
}
