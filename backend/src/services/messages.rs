//! Secure messaging (issue 12): customers start threads and reply; the CIC answers, writes
//! internal notes, closes and reopens. A message acknowledged to its sender is committed first,
//! with the customer's e-mail notice (never the text) as an outbox row in the same
//! transaction. Staff reads are audited; a staff reply stops when the customer or a colleague
//! wrote since the page was shown (the collision rule).

use crate::infra::files::Received;
use crate::infra::outbox::{Mail, queue};
use crate::services::files as stored_files;
use crate::services::staff_access::Reader;
use crate::services::{ServiceError, Services, commit};
use crate::store::files::FileRow;
use crate::store::messages::{self, AttachmentRow, Author, MessageRow, NewThread, ThreadRow};
use crate::store::{accounts, audit, contracts};
use domain::Lang;
use domain::i18n::tf;
use domain::messages::{self as rules, Category, MessageRefusal, ThreadEvent};

/// Threads a page shows.
pub const PAGE_SIZE: i64 = 20;

pub type Outcome<T> = Result<Result<T, MessageRefusal>, ServiceError>;

/// The signed-in customer writing.
#[derive(Clone, Copy, Debug)]
pub struct Writer {
    pub customer_id: i64,
    pub account_id: i64,
}

/// What a customer typed to start a thread.
pub struct NewThreadInput<'a> {
    pub subject: &'a str,
    pub category: &'a str,
    /// A contract number of the customer's, or empty.
    pub contract: &'a str,
    pub body: &'a str,
    /// Up to 5 files as they arrived.
    pub attachments: &'a [Received],
}

/// Judges a message's attachments and moves them into the file store (before the write
/// transaction, so no lock is held while 50 MB reach the disk); the rows to record.
async fn keep_files(
    s: &Services<'_>,
    customer_id: i64,
    files: &[Received],
) -> Outcome<Vec<FileRow>> {
    let seen: Vec<_> = files
        .iter()
        .map(|f| (f.size, f.head.as_slice(), f.too_large))
        .collect();
    let kinds = match rules::attachments(&seen) {
        Ok(k) => k,
        Err(r) => return Ok(Err(r)),
    };
    let mut rows = Vec::with_capacity(files.len());
    for (file, kind) in files.iter().zip(kinds) {
        match stored_files::keep(s, customer_id, file, kind).await {
            Ok(row) => rows.push(row),
            Err(e) => {
                stored_files::discard(s, &rows).await;
                return Err(e);
            }
        }
    }
    Ok(Ok(rows))
}

/// Records kept files as the attachments of `message_id` (in its transaction).
async fn attach(
    tx: &mut sqlx::AnyConnection,
    now: i64,
    message_id: i64,
    files: &[FileRow],
) -> Result<(), ServiceError> {
    for row in files {
        crate::store::files::create(&mut *tx, now, row).await?;
        messages::attach(&mut *tx, message_id, &row.id).await?;
    }
    Ok(())
}

/// Runs `write` with the kept `files`; removes them again unless it stored the message.
async fn with_files<T>(
    s: &Services<'_>,
    files: Vec<FileRow>,
    write: impl std::future::Future<Output = Outcome<T>>,
) -> Outcome<T> {
    let outcome = write.await;
    if !matches!(outcome, Ok(Ok(_))) {
        stored_files::discard(s, &files).await;
    }
    outcome
}

/// Refuses when the customer sent 20 messages in the last hour or 100 in the last day.
async fn within_limits(
    tx: &mut sqlx::AnyConnection,
    customer_id: i64,
    now: i64,
) -> Result<bool, ServiceError> {
    let sent = messages::customer_sent_since(tx, customer_id, now - 86_400).await?;
    Ok(rules::may_send(&sent, now))
}

/// Starts a thread with its first message; the thread's id.
pub async fn start(s: &Services<'_>, me: Writer, input: &NewThreadInput<'_>) -> Outcome<i64> {
    let subject = match rules::subject(input.subject) {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let Some(category) = Category::from_code(input.category) else {
        return Ok(Err(MessageRefusal::CategoryUnknown));
    };
    let body = match rules::message_text(input.body) {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let contract_id = match input.contract.trim() {
        "" => None,
        number => match contracts::id_of_customer(s.pool, me.customer_id, number).await? {
            Some(id) => Some(id),
            None => return Ok(Err(MessageRefusal::ContractUnknown)),
        },
    };
    let files = match keep_files(s, me.customer_id, input.attachments).await? {
        Ok(f) => f,
        Err(r) => return Ok(Err(r)),
    };
    with_files(s, files.clone(), async {
        let now = s.clock.epoch();
        let mut tx = crate::infra::db::begin_write(s.pool).await?;
        if !within_limits(&mut tx, me.customer_id, now).await? {
            tx.rollback().await?;
            return Ok(Err(MessageRefusal::Limit));
        }
        let id = messages::create_thread(
            &mut tx,
            now,
            &NewThread {
                customer_id: me.customer_id,
                account_id: me.account_id,
                subject: &subject,
                category: category.code(),
                contract_id,
            },
        )
        .await?;
        let message = messages::add_message(&mut tx, now, id, Author::Customer, &body).await?;
        attach(&mut tx, now, message, &files).await?;
        commit(s, tx).await?;
        Ok(Ok(id))
    })
    .await
}

/// The customer's reply in their own thread (None: not theirs, or unknown).
pub async fn reply(
    s: &Services<'_>,
    me: Writer,
    thread_id: i64,
    body: &str,
    attachments: &[Received],
) -> Outcome<Option<()>> {
    let Some(thread) = messages::of_customer(s.pool, me.customer_id, thread_id).await? else {
        return Ok(Ok(None));
    };
    let body = match rules::message_text(body) {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let to = match rules::next(thread.status(), ThreadEvent::CustomerMessage) {
        Ok(to) => to,
        Err(r) => return Ok(Err(r)),
    };
    let files = match keep_files(s, me.customer_id, attachments).await? {
        Ok(f) => f,
        Err(r) => return Ok(Err(r)),
    };
    with_files(s, files.clone(), async {
        let now = s.clock.epoch();
        let mut tx = crate::infra::db::begin_write(s.pool).await?;
        if !within_limits(&mut tx, me.customer_id, now).await? {
            tx.rollback().await?;
            return Ok(Err(MessageRefusal::Limit));
        }
        if !messages::moved(&mut tx, now, thread_id, None, thread.status(), to, false).await? {
            // Closed (or changed) in between: nothing written.
            tx.rollback().await?;
            return Ok(Err(MessageRefusal::Closed));
        }
        let message =
            messages::add_message(&mut tx, now, thread_id, Author::Customer, &body).await?;
        attach(&mut tx, now, message, &files).await?;
        commit(s, tx).await?;
        Ok(Ok(Some(())))
    })
    .await
}

/// One page of the customer's threads and whether more follow.
pub async fn threads(
    s: &Services<'_>,
    customer_id: i64,
    page: i64,
) -> Result<(Vec<ThreadRow>, bool), ServiceError> {
    let page = page.clamp(1, 10_000);
    let offset = (page - 1) * PAGE_SIZE;
    Ok(messages::for_customer(s.db.reads().await?, customer_id, PAGE_SIZE, offset).await?)
}

/// A thread of the customer with its messages (no internal notes); marks it read.
pub async fn open_own(
    s: &Services<'_>,
    customer_id: i64,
    thread_id: i64,
) -> Result<Option<Opened>, ServiceError> {
    let mut reads = s.db.reads().await?;
    let Some(thread) = messages::of_customer(&mut reads, customer_id, thread_id).await? else {
        return Ok(None);
    };
    let list = messages::messages(&mut reads, thread_id, false).await?;
    let files = messages::attachments(&mut reads, thread_id, false).await?;
    // On PostgreSQL the reads hold a pooled connection: back before the write takes one.
    drop(reads);
    if thread.unread() {
        messages::mark_read(s.pool, s.clock.epoch(), thread_id).await?;
    }
    Ok(Some(Opened {
        thread,
        messages: list,
        attachments: files,
        seen: 0,
    }))
}

/// A thread as a page shows it.
#[derive(Debug)]
pub struct Opened {
    pub thread: ThreadRow,
    pub messages: Vec<MessageRow>,
    /// The files of those messages, by message id.
    pub attachments: Vec<AttachmentRow>,
    /// Staff: the newest message the customer can see (sent back with a reply for the
    /// collision check); 0 for customers.
    pub seen: i64,
}

/// Threads with a reply the customer has not read (the header and the dashboard).
pub async fn unread(s: &Services<'_>, customer_id: i64) -> Result<i64, ServiceError> {
    Ok(messages::unread_count(s.db.reads().await?, customer_id).await?)
}

// ---- Staff ----

/// A thread as staff see it (audited), with what the thread page shows beside it.
#[derive(Debug)]
pub struct StaffThread {
    /// With internal notes, and the id of the newest message the customer can see (sent back
    /// with a reply for the collision check).
    pub opened: Opened,
    /// The customer's contracts and open requests.
    pub contracts: Vec<contracts::ContractDetail>,
    pub open_requests: Vec<crate::store::requests::RequestRow>,
    /// Active staff members who finished their set-up (id, name), by name: whom the thread
    /// can be assigned to.
    pub colleagues: Vec<(i64, String)>,
    /// Every saved reply, those in the language of the customer's notices first.
    pub saved_replies: Vec<crate::store::saved_replies::SavedReplyRow>,
}

/// The thread and what is shown beside it, all read through one handle (one snapshot), then
/// the view audited; the data is handed out only once the audit line is committed.
pub async fn staff_thread(
    s: &Services<'_>,
    who: Reader<'_>,
    thread_id: i64,
) -> Result<Option<StaffThread>, ServiceError> {
    let mut reads = s.db.reads().await?;
    let Some(opened) = thread_for_staff(&mut reads, thread_id).await? else {
        return Ok(None);
    };
    let customer_id = opened.thread.customer_id;
    let (contracts, open_requests) = beside_in(&mut reads, customer_id).await?;
    let colleagues = crate::store::staff::list(&mut reads)
        .await?
        .into_iter()
        .filter(|m| m.active == 1 && m.setup_pending == 0)
        .map(|m| (m.id, m.display_name))
        .collect();
    let customer_lang = accounts::notice_address(&mut reads, customer_id)
        .await?
        .and_then(|(_, lang)| Lang::from_code(&lang))
        .unwrap_or_default();
    let mut saved_replies = crate::store::saved_replies::all(&mut reads).await?;
    saved_replies.sort_by_key(|r| r.lang != customer_lang.code());
    drop(reads);
    record_thread_view(s, who, &opened).await?;
    Ok(Some(StaffThread {
        opened,
        contracts,
        open_requests,
        colleagues,
        saved_replies,
    }))
}

/// A thread with its messages and files, internal notes included, and `seen`.
async fn thread_for_staff(
    reads: &mut crate::infra::reads::Reads<'_>,
    thread_id: i64,
) -> Result<Option<Opened>, ServiceError> {
    let Some(thread) = messages::by_id(&mut *reads, thread_id).await? else {
        return Ok(None);
    };
    let list = messages::messages(&mut *reads, thread_id, true).await?;
    let files = messages::attachments(&mut *reads, thread_id, true).await?;
    // The newest message the customer can see among those shown (a reply sent with it is
    // refused if a newer one came in since).
    let seen = list
        .iter()
        .filter(|m| m.author != "note")
        .map(|m| m.id)
        .max()
        .unwrap_or(0);
    Ok(Some(Opened {
        thread,
        messages: list,
        attachments: files,
        seen,
    }))
}

/// The audit line of a staff view of a thread; the view is shown only once it is committed.
async fn record_thread_view(
    s: &Services<'_>,
    who: Reader<'_>,
    opened: &Opened,
) -> Result<(), ServiceError> {
    let object = format!("thread {}", opened.thread.id);
    audit::record_alone(
        s.db,
        s.clock.epoch(),
        &who.entry(
            "view_thread",
            Some(&opened.thread.customer_number),
            Some(&object),
            "",
        ),
    )
    .await?;
    Ok(())
}

/// What a staff member does to a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffAction {
    /// A reply the customer reads; `seen` is the newest visible message the page showed.
    Reply {
        seen: i64,
    },
    Note,
    Close,
    Reopen,
    /// To an active colleague, or to nobody.
    Assign {
        to: Option<i64>,
    },
}

/// Does `action` on a thread at `version` (None: unknown thread). A reply stops with
/// [`MessageRefusal::Changed`] when a customer message or a colleague's reply arrived after
/// `seen`; the page shows what arrived and the agent sends again. A reply e-mails the customer
/// a notice (in their language, with a link; never the text).
pub async fn act(
    s: &Services<'_>,
    who: Reader<'_>,
    thread_id: i64,
    version: i64,
    action: StaffAction,
    body: &str,
    attachments: &[Received],
) -> Outcome<Option<()>> {
    let body = match action {
        StaffAction::Reply { .. } | StaffAction::Note => match rules::message_text(body) {
            Ok(x) => Some(x),
            Err(r) => return Ok(Err(r)),
        },
        StaffAction::Close | StaffAction::Reopen | StaffAction::Assign { .. } => None,
    };
    if let StaffAction::Assign { to: Some(to) } = action {
        let active = crate::store::staff::by_id(s.pool, to)
            .await?
            .is_some_and(|m| m.active == 1 && m.setup_pending == 0);
        if !active {
            return Ok(Err(MessageRefusal::AssigneeUnknown));
        }
    }
    // The files are the thread's customer's (served to them, unless on a note).
    let Some(customer_id) = messages::customer_of(s.pool, thread_id).await? else {
        return Ok(Ok(None));
    };
    let attachments = if body.is_some() { attachments } else { &[] };
    let files = match keep_files(s, customer_id, attachments).await? {
        Ok(f) => f,
        Err(r) => return Ok(Err(r)),
    };
    with_files(s, files.clone(), async {
        let now = s.clock.epoch();
        let _turn = audit::APPENDS.lock().await;
        let mut tx = crate::infra::db::begin_write(s.pool).await?;
        let Some(thread) = messages::by_id(&mut *tx, thread_id).await? else {
            tx.rollback().await?;
            return Ok(Ok(None));
        };
        if let StaffAction::Reply { seen } = action
            && messages::last_visible_id(&mut tx, thread_id).await? != seen
        {
            tx.rollback().await?;
            return Ok(Err(MessageRefusal::Changed));
        }
        let (event, action_code) = match action {
            StaffAction::Reply { .. } => (Some(ThreadEvent::StaffReply), "reply_thread"),
            StaffAction::Note => (None, "note_thread"),
            StaffAction::Close => (Some(ThreadEvent::Close), "close_thread"),
            StaffAction::Reopen => (Some(ThreadEvent::Reopen), "reopen_thread"),
            StaffAction::Assign { to: Some(_) } => (None, "assign_thread"),
            StaffAction::Assign { to: None } => (None, "release_thread"),
        };
        if let StaffAction::Assign { to } = action
            && !messages::assign(&mut tx, thread_id, version, to).await?
        {
            tx.rollback().await?;
            return Ok(Err(MessageRefusal::Changed));
        }
        if let Some(event) = event {
            let to = match rules::next(thread.status(), event) {
                Ok(to) => to,
                Err(r) => {
                    tx.rollback().await?;
                    return Ok(Err(r));
                }
            };
            let reply = matches!(action, StaffAction::Reply { .. });
            if !messages::moved(
                &mut tx,
                now,
                thread_id,
                Some(version),
                thread.status(),
                to,
                reply,
            )
            .await?
            {
                tx.rollback().await?;
                return Ok(Err(MessageRefusal::Changed));
            }
        }
        if let Some(body) = &body {
            let author = match action {
                StaffAction::Note => Author::Note(who.staff_id),
                _ => Author::Staff(who.staff_id),
            };
            let message = messages::add_message(&mut tx, now, thread_id, author, body).await?;
            attach(&mut tx, now, message, &files).await?;
        }
        let object = format!("thread {thread_id}");
        audit::record(
            &mut tx,
            now,
            &who.entry(
                action_code,
                Some(&thread.customer_number),
                Some(&object),
                "",
            ),
        )
        .await?;
        if matches!(action, StaffAction::Reply { .. }) {
            notify(s, &mut tx, &thread).await?;
        }
        commit(s, tx).await?;
        Ok(Ok(Some(())))
    })
    .await
}

/// Queues the "a reply is waiting" e-mail in the transaction of the reply.
async fn notify(
    s: &Services<'_>,
    tx: &mut sqlx::AnyConnection,
    thread: &ThreadRow,
) -> Result<(), ServiceError> {
    let Some((email, lang)) = accounts::notice_address(&mut *tx, thread.customer_id).await? else {
        return Ok(());
    };
    let Ok(to) = domain::values::Email::parse(&email) else {
        return Ok(());
    };
    let lang = Lang::from_code(&lang).unwrap_or_default();
    let url = format!("{}/messages/{}", s.base_url, thread.id);
    let args = [
        ("url", url.as_str()),
        ("company", s.branding.company_name.as_str()),
    ];
    let mail = Mail {
        to,
        subject: tf(lang, "mail.message_reply.subject", &args),
        body: tf(lang, "mail.message_reply.body", &args),
    };
    queue::enqueue_mail(tx, s.clock.epoch(), &mail).await?;
    Ok(())
}

/// Threads the inbox shows a page.
pub const INBOX_PAGE_SIZE: i64 = 50;

/// The CIC's inbox under `filter` (audited, like the work queue).
pub async fn inbox(
    s: &Services<'_>,
    who: Reader<'_>,
    filter: &messages::InboxFilter,
) -> Result<(Vec<messages::InboxRow>, bool), ServiceError> {
    let page = messages::inbox(s.db.reads().await?, filter).await?;
    let detail = format!("{} threads", page.0.len());
    audit::record_alone(
        s.db,
        s.clock.epoch(),
        &who.entry("view_inbox", None, None, &detail),
    )
    .await?;
    Ok(page)
}

/// What staff see beside a thread: the customer's contracts and open requests.
async fn beside_in(
    reads: &mut crate::infra::reads::Reads<'_>,
    customer_id: i64,
) -> Result<
    (
        Vec<contracts::ContractDetail>,
        Vec<crate::store::requests::RequestRow>,
    ),
    ServiceError,
> {
    let list = contracts::details_for_customer(&mut *reads, customer_id).await?;
    let open = crate::store::requests::for_customer(&mut *reads, customer_id)
        .await?
        .into_iter()
        .filter(|r| {
            r.status()
                .is_some_and(domain::model::RequestStatus::is_pending)
        })
        .collect();
    Ok((list, open))
}
