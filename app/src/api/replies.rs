//! Saved replies (`/cic/replies`, admins only; agents get 403): the texts agents start an
//! answer from, in Dutch, French and English; adding, changing (on the version the page
//! showed) and removing one. Audited.

use crate::error::AppError;
use crate::message::Message;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const REPLIES_FORM: &str = "saved-replies";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReplyItem {
    pub id: i64,
    pub lang: String,
    pub title: String,
    pub body: String,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepliesView {
    pub items: Vec<SavedReplyItem>,
    /// The reply being changed (`?edit=id`), else a new one.
    pub editing: Option<SavedReplyItem>,
    pub message: Option<Message>,
    pub values: std::collections::HashMap<String, String>,
}

/// The saved replies (admins); `edit`: the id of the one to change.
#[server(endpoint = "cic/replies")]
pub async fn replies_page(
    #[server(default)] edit: String,
) -> Result<Option<RepliesView>, AppError> {
    use crate::session;
    use domain::model::StaffRole;
    if crate::gate::require_staff(StaffRole::Admin)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let flash = session::take_flash(&s, REPLIES_FORM).await?;
    let items: Vec<SavedReplyItem> = backend::services::saved_replies::all(&ctx.services())
        .await?
        .into_iter()
        .map(|r| SavedReplyItem {
            id: r.id,
            lang: r.lang,
            title: r.title,
            body: r.body,
            version: r.version,
        })
        .collect();
    let editing = edit
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| items.iter().find(|r| r.id == id).cloned());
    Ok(Some(RepliesView {
        items,
        editing,
        message: flash.message(),
        values: flash.values,
    }))
}

/// Adds a saved reply, or changes the one with `id` at `version` (admins).
#[server(endpoint = "cic/save-reply")]
pub async fn save_reply(
    #[server(default)] id: String,
    #[server(default)] version: String,
    #[server(default)] lang: String,
    #[server(default)] title: String,
    #[server(default)] body: String,
) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use backend::services::saved_replies::{self, ReplyInput};
    use domain::messages::MessageRefusal;
    use domain::model::StaffRole;
    use domain::refusal::Refusal;
    let Some(me) = crate::gate::require_staff(StaffRole::Admin).await? else {
        return Ok(());
    };
    let existing = match (id.trim(), version.trim()) {
        ("", _) => None,
        (id, version) => match (id.parse::<i64>(), version.parse::<i64>()) {
            (Ok(id), Ok(version)) => Some((id, version)),
            _ => return Err(AppError::BadRequest),
        },
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let outcome = saved_replies::save(
        &ctx.services(),
        origin.reader(me.staff_id),
        &ReplyInput {
            id: existing,
            lang: &lang,
            title: &title,
            body: &body,
        },
    )
    .await?;
    let back = match existing {
        Some((id, _)) => format!("/cic/replies?edit={id}#reply-form"),
        None => "/cic/replies#reply-form".to_string(),
    };
    match outcome {
        Ok(_) => {
            session::set_flash(&s, Flash::notice(REPLIES_FORM, "replies.saved_notice")).await?;
            leptos_axum::redirect("/cic/replies");
        }
        Err(MessageRefusal::Changed) if !session::is_form_post() => {
            return Err(AppError::Conflict);
        }
        Err(r) => {
            let typed = [
                ("lang", lang.trim()),
                ("title", title.as_str()),
                ("body", body.as_str()),
            ];
            session::set_flash(
                &s,
                Flash::error(REPLIES_FORM, Refusal::Message(r)).with_values(&typed),
            )
            .await?;
            leptos_axum::redirect(&back);
        }
    }
    Ok(())
}

/// Removes a saved reply shown at `version` (admins).
#[server(endpoint = "cic/delete-reply")]
pub async fn delete_reply(id: String, version: String) -> Result<(), AppError> {
    use crate::session::{self, Flash};
    use domain::messages::MessageRefusal;
    use domain::model::StaffRole;
    use domain::refusal::Refusal;
    let Some(me) = crate::gate::require_staff(StaffRole::Admin).await? else {
        return Ok(());
    };
    let (Ok(id), Ok(version)) = (id.trim().parse::<i64>(), version.trim().parse::<i64>()) else {
        return Err(AppError::BadRequest);
    };
    let s = session::session().await?;
    let ctx = session::ctx()?;
    let origin = crate::gate::Origin::current();
    let outcome = backend::services::saved_replies::delete(
        &ctx.services(),
        origin.reader(me.staff_id),
        id,
        version,
    )
    .await?;
    let flash = match outcome {
        Ok(()) => Flash::notice(REPLIES_FORM, "replies.deleted"),
        Err(MessageRefusal::Changed) if !session::is_form_post() => {
            return Err(AppError::Conflict);
        }
        Err(r) => Flash::error(REPLIES_FORM, Refusal::Message(r)),
    };
    session::set_flash(&s, flash).await?;
    leptos_axum::redirect("/cic/replies");
    Ok(())
}
