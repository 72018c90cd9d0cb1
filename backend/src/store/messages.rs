//! Storage of secure-messaging threads and their messages (issue 12; the only writer of
//! `message_threads`, `messages` and `message_attachments`). A message, once written, is never
//! changed or deleted (the database refuses it); a thread's status moves by conditional
//! updates on the version staff saw.

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use domain::messages::ThreadStatus;
use sqlx::{AnyConnection, AnyPool};

type Ex<'e> = &'e mut AnyConnection;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Author {
    Customer,
    /// A staff reply the customer reads.
    Staff(i64),
    /// An internal note: staff only.
    Note(i64),
}

impl Author {
    fn code(self) -> &'static str {
        match self {
            Author::Customer => "customer",
            Author::Staff(_) => "staff",
            Author::Note(_) => "note",
        }
    }

    fn staff_id(self) -> Option<i64> {
        match self {
            Author::Customer => None,
            Author::Staff(id) | Author::Note(id) => Some(id),
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct ThreadRow {
    pub id: i64,
    pub customer_id: i64,
    pub subject: String,
    pub category: String,
    pub contract_number: Option<String>,
    pub status: String,
    pub assigned_staff_id: Option<i64>,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub waiting_since: Option<i64>,
    pub last_reply_at: Option<i64>,
    pub customer_read_at: Option<i64>,
    pub version: i64,
    pub customer_number: String,
}

impl ThreadRow {
    /// A staff reply the customer has not read yet.
    pub fn unread(&self) -> bool {
        self.last_reply_at
            .is_some_and(|r| self.customer_read_at.is_none_or(|read| r > read))
    }

    pub fn status(&self) -> ThreadStatus {
        ThreadStatus::from_code(&self.status).unwrap_or(ThreadStatus::Open)
    }
}

const THREAD: &str =
    "SELECT t.id, t.customer_id, t.subject, t.category, k.contract_number, t.status,
        t.assigned_staff_id, t.created_at, t.last_activity_at, t.waiting_since, t.last_reply_at,
        t.customer_read_at, t.version, c.customer_number
     FROM message_threads t
     JOIN customers c ON c.id = t.customer_id
     LEFT JOIN contracts k ON k.id = t.contract_id";

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct MessageRow {
    pub id: i64,
    pub author: String,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub body: String,
    pub created_at: i64,
}

/// What a new thread is.
pub struct NewThread<'a> {
    pub customer_id: i64,
    pub account_id: i64,
    pub subject: &'a str,
    pub category: &'a str,
    pub contract_id: Option<i64>,
}

/// Starts a thread (open, waiting since `now`) in the caller's transaction; its id.
pub async fn create_thread(conn: Ex<'_>, now: i64, t: &NewThread<'_>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO message_threads (customer_id, account_id, subject, category, contract_id, status,
             created_at, last_activity_at, waiting_since)
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $6, $6) RETURNING id",
    )
    .bind(t.customer_id)
    .bind(t.account_id)
    .bind(t.subject)
    .bind(t.category)
    .bind(t.contract_id)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Writes a message in the caller's transaction; its id.
pub async fn add_message(
    conn: Ex<'_>,
    now: i64,
    thread_id: i64,
    author: Author,
    body: &str,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO messages (thread_id, author, staff_id, body, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(thread_id)
    .bind(author.code())
    .bind(author.staff_id())
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Moves a thread to `status` after a message or a staff action, if it still has `version`
/// (None: whatever it is, for a customer's message); `false` when it changed in between.
/// A customer message makes it wait (from now, unless it already waited); a staff reply
/// answers it; closing ends the wait.
pub async fn moved(
    conn: Ex<'_>,
    now: i64,
    thread_id: i64,
    version: Option<i64>,
    from: ThreadStatus,
    to: ThreadStatus,
    reply: bool,
) -> StoreResult<bool> {
    let waiting = match to {
        ThreadStatus::Open => "COALESCE(waiting_since, $3)",
        ThreadStatus::Answered | ThreadStatus::Closed => "NULL",
    };
    let reply_at = if reply { "$3" } else { "last_reply_at" };
    let sql = format!(
        "UPDATE message_threads SET status = $2, last_activity_at = $3, waiting_since = {waiting},
             last_reply_at = {reply_at}, version = version + 1
         WHERE id = $1 AND status = $4 AND ($5 < 0 OR version = $5)"
    );
    let done = sqlx::query(&sql)
        .bind(thread_id)
        .bind(to.code())
        .bind(now)
        .bind(from.code())
        .bind(version.unwrap_or(-1))
        .execute(conn)
        .await?
        .rows_affected();
    Ok(done == 1)
}

/// Assigns a thread to a staff member (or nobody) if it still has `version`.
pub async fn assign(
    conn: Ex<'_>,
    thread_id: i64,
    version: i64,
    to: Option<i64>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE message_threads SET assigned_staff_id = $3, version = version + 1
         WHERE id = $1 AND version = $2",
    )
    .bind(thread_id)
    .bind(version)
    .bind(to)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// The customer read the thread now.
pub async fn mark_read(pool: &AnyPool, now: i64, thread_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE message_threads SET customer_read_at = $2 WHERE id = $1")
        .bind(thread_id)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// The customer's threads, newest activity first: one page and whether more follow.
pub async fn for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<ThreadRow>, bool)> {
    let sql = format!(
        "{THREAD} WHERE t.customer_id = $1 ORDER BY t.last_activity_at DESC, t.id DESC
         LIMIT $2 OFFSET $3"
    );
    let args = [Arg::Int(customer_id), Arg::Int(limit + 1), Arg::Int(offset)];
    let mut rows: Vec<ThreadRow> = reads.into().all(&sql, &args).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// A thread of this customer (None for anyone else's: the same as one that does not exist).
pub async fn of_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
    thread_id: i64,
) -> StoreResult<Option<ThreadRow>> {
    let sql = format!("{THREAD} WHERE t.id = $1 AND t.customer_id = $2");
    reads
        .into()
        .optional(&sql, &[Arg::Int(thread_id), Arg::Int(customer_id)])
        .await
}

/// A thread by id (staff).
pub async fn by_id<'r>(
    reads: impl Into<Reads<'r>>,
    thread_id: i64,
) -> StoreResult<Option<ThreadRow>> {
    let sql = format!("{THREAD} WHERE t.id = $1");
    reads.into().optional(&sql, &[Arg::Int(thread_id)]).await
}

/// The messages of a thread, oldest first; internal notes only when `notes`.
pub async fn messages<'r>(
    reads: impl Into<Reads<'r>>,
    thread_id: i64,
    notes: bool,
) -> StoreResult<Vec<MessageRow>> {
    let filter = if notes { "" } else { "AND m.author <> 'note'" };
    let sql = format!(
        "SELECT m.id, m.author, m.staff_id, s.display_name AS staff_name, m.body, m.created_at
         FROM messages m LEFT JOIN staff_accounts s ON s.id = m.staff_id
         WHERE m.thread_id = $1 {filter} ORDER BY m.id"
    );
    reads.into().all(&sql, &[Arg::Int(thread_id)]).await
}

/// A file attached to a message.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct AttachmentRow {
    pub message_id: i64,
    pub file_id: String,
    pub file_name: String,
    pub size_bytes: i64,
}

/// Records `file_id` as an attachment of `message_id`.
pub async fn attach(conn: Ex<'_>, message_id: i64, file_id: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO message_attachments (message_id, file_id) VALUES ($1, $2)")
        .bind(message_id)
        .bind(file_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The files attached to a thread's messages (with internal notes' or without), in order.
pub async fn attachments<'r>(
    reads: impl Into<Reads<'r>>,
    thread_id: i64,
    notes: bool,
) -> StoreResult<Vec<AttachmentRow>> {
    let filter = if notes { "" } else { "AND m.author <> 'note'" };
    let sql = format!(
        "SELECT a.message_id, f.id AS file_id, f.file_name, f.size_bytes
         FROM message_attachments a
         JOIN messages m ON m.id = a.message_id
         JOIN uploaded_files f ON f.id = a.file_id
         WHERE m.thread_id = $1 {filter} ORDER BY a.message_id, f.created_at, f.file_name"
    );
    reads.into().all(&sql, &[Arg::Int(thread_id)]).await
}

/// The customer a thread belongs to.
pub async fn customer_of(pool: &AnyPool, thread_id: i64) -> StoreResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT customer_id FROM message_threads WHERE id = $1")
            .bind(thread_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The id of the newest message of a thread a customer can see (staff's collision check).
pub async fn last_visible_id(conn: Ex<'_>, thread_id: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) FROM messages WHERE thread_id = $1 AND author <> 'note'",
    )
    .bind(thread_id)
    .fetch_one(conn)
    .await?)
}

/// A thread `t` with a staff reply its customer has not read (also counted by the access
/// gate's statement, `accounts::with_login`).
pub const UNREAD_REPLY: &str = "t.last_reply_at IS NOT NULL
    AND (t.customer_read_at IS NULL OR t.last_reply_at > t.customer_read_at)";

/// Threads of the customer with a staff reply they have not read.
pub async fn unread_count<'r>(reads: impl Into<Reads<'r>>, customer_id: i64) -> StoreResult<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM message_threads t WHERE t.customer_id = $1 AND {UNREAD_REPLY}"
    );
    let (count,): (i64,) = reads.into().one(&sql, &[Arg::Int(customer_id)]).await?;
    Ok(count)
}

/// When the customer sent messages since `since` (the sending limits).
pub async fn customer_sent_since(
    conn: Ex<'_>,
    customer_id: i64,
    since: i64,
) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT m.created_at FROM messages m JOIN message_threads t ON t.id = m.thread_id
         WHERE t.customer_id = $1 AND m.author = 'customer' AND m.created_at > $2",
    )
    .bind(customer_id)
    .bind(since)
    .fetch_all(conn)
    .await?)
}

/// Which threads the CIC's inbox lists.
#[derive(Clone, Debug, Default)]
pub struct InboxFilter {
    /// `None`: every status; else one.
    pub status: Option<ThreadStatus>,
    pub unassigned: bool,
    /// Assigned to this staff member.
    pub assigned_to: Option<i64>,
    pub category: Option<&'static str>,
    /// Part of a customer number, name or subject (folded by the caller), `LIKE`-escaped.
    pub search: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A thread in the inbox, with its customer's name and the assignee's.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct InboxRow {
    pub id: i64,
    pub subject: String,
    pub category: String,
    pub status: String,
    pub customer_number: String,
    pub customer_kind: String,
    pub first_name: String,
    pub last_name: String,
    pub company_name: Option<String>,
    pub waiting_since: Option<i64>,
    pub last_activity_at: i64,
    pub assigned_name: Option<String>,
}

/// The inbox: threads waiting longest first, then the newest activity; one page and whether
/// more follow.
pub async fn inbox<'r>(
    reads: impl Into<Reads<'r>>,
    f: &InboxFilter,
) -> StoreResult<(Vec<InboxRow>, bool)> {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut texts: Vec<String> = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if let Some(status) = f.status {
        conditions.push(format!("t.status = {}", next()));
        texts.push(status.code().to_string());
    }
    if let Some(category) = f.category {
        conditions.push(format!("t.category = {}", next()));
        texts.push(category.to_string());
    }
    if let Some(search) = &f.search {
        let p = next();
        conditions.push(format!(
            "(c.customer_number LIKE {p} ESCAPE '\\' OR LOWER(c.first_name || ' ' || c.last_name) LIKE {p} ESCAPE '\\'
              OR LOWER(COALESCE(c.company_name, '')) LIKE {p} ESCAPE '\\' OR LOWER(t.subject) LIKE {p} ESCAPE '\\')"
        ));
        texts.push(search.clone());
    }
    if f.unassigned {
        conditions.push("t.assigned_staff_id IS NULL".into());
    }
    if f.assigned_to.is_some() {
        conditions.push(format!("t.assigned_staff_id = {}", next()));
    }
    let (limit, offset) = (next(), next());
    // Waiting threads (all open ones wait) straight from their index; other views waiting
    // first, then the latest activity.
    let order = if f.status == Some(ThreadStatus::Open) {
        "t.waiting_since, t.id"
    } else {
        "CASE WHEN t.waiting_since IS NULL THEN 1 ELSE 0 END, t.waiting_since,
         t.last_activity_at DESC, t.id DESC"
    };
    let sql = format!(
        "SELECT t.id, t.subject, t.category, t.status, c.customer_number, c.kind AS customer_kind,
                c.first_name, c.last_name, c.company_name, t.waiting_since, t.last_activity_at,
                s.display_name AS assigned_name
         FROM message_threads t
         JOIN customers c ON c.id = t.customer_id
         LEFT JOIN staff_accounts s ON s.id = t.assigned_staff_id
         WHERE {}
         ORDER BY {order}
         LIMIT {limit} OFFSET {offset}",
        conditions.join(" AND ")
    );
    let mut args: Vec<Arg<'_>> = texts.iter().map(|t| Arg::Text(t)).collect();
    if let Some(id) = f.assigned_to {
        args.push(Arg::Int(id));
    }
    args.extend([Arg::Int(f.limit + 1), Arg::Int(f.offset)]);
    let mut rows: Vec<InboxRow> = reads.into().all(&sql, &args).await?;
    let more = rows.len() as i64 > f.limit;
    rows.truncate(usize::try_from(f.limit).unwrap_or(0));
    Ok((rows, more))
}
