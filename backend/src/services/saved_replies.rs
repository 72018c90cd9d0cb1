//! Saved replies: admins write and keep texts in Dutch, French and English (audited); agents
//! start a reply from one (the thread page offers those in the customer's language first:
//! `services::messages::staff_thread`).

use crate::services::staff_access::Reader;
use crate::services::{ServiceError, Services};
use crate::store::audit;
use crate::store::saved_replies::{self as store, SavedReplyRow};
use domain::messages::{self as rules, MessageRefusal};

pub type Outcome<T> = Result<Result<T, MessageRefusal>, ServiceError>;

/// Every saved reply, by language and title.
pub async fn all(s: &Services<'_>) -> Result<Vec<SavedReplyRow>, ServiceError> {
    Ok(store::all(s.db.reads().await?).await?)
}

pub async fn by_id(s: &Services<'_>, id: i64) -> Result<Option<SavedReplyRow>, ServiceError> {
    Ok(store::by_id(s.pool, id).await?)
}

/// What an admin typed; `id` and `version` when changing one.
pub struct ReplyInput<'a> {
    pub id: Option<(i64, i64)>,
    pub lang: &'a str,
    pub title: &'a str,
    pub body: &'a str,
}

/// Adds or changes a saved reply (audited); its id. A reply changed or removed by a colleague
/// since the page was shown: [`MessageRefusal::Changed`]; unknown: None.
pub async fn save(s: &Services<'_>, admin: Reader<'_>, input: &ReplyInput<'_>) -> Outcome<i64> {
    let (lang, title, body) = match rules::saved_reply(input.lang, input.title, input.body) {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let fields = (lang.code(), title.as_str(), body.as_str());
    let now = s.clock.epoch();
    let _turn = audit::APPENDS.lock().await;
    let mut tx = crate::infra::db::begin_write(s.pool).await?;
    let id = match input.id {
        None => store::create(&mut tx, now, admin.staff_id, fields).await?,
        Some((id, version)) => {
            if !store::update(&mut tx, now, admin.staff_id, (id, version), fields).await? {
                tx.rollback().await?;
                return Ok(Err(MessageRefusal::Changed));
            }
            id
        }
    };
    let object = format!("saved reply {id}");
    audit::record(
        &mut tx,
        now,
        &admin.entry("save_reply", None, Some(&object), &title),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Removes a saved reply shown at `version` (audited).
pub async fn delete(s: &Services<'_>, admin: Reader<'_>, id: i64, version: i64) -> Outcome<()> {
    let now = s.clock.epoch();
    let _turn = audit::APPENDS.lock().await;
    let mut tx = crate::infra::db::begin_write(s.pool).await?;
    if !store::delete(&mut tx, id, version).await? {
        tx.rollback().await?;
        return Ok(Err(MessageRefusal::Changed));
    }
    let object = format!("saved reply {id}");
    audit::record(
        &mut tx,
        now,
        &admin.entry("delete_reply", None, Some(&object), ""),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}
