//! The durable outbox's rows (the only writer of `outbox_messages`). Services queue a message
//! on the transaction of the change that causes it; the delivery worker
//! (`infra::outbox::queue`) claims due rows with a conditional update, so one instance wins
//! each row, and marks them sent, retried later or given up. The body, which may hold a
//! one-time code, is erased once the message is sent or given up.

use crate::error::StoreResult;
use crate::infra::outbox::Mail;
use domain::delivery;
use domain::values::PhoneNumber;
use sqlx::{Any, AnyConnection, AnyPool};

async fn enqueue(
    conn: &mut AnyConnection,
    now: i64,
    channel: &str,
    recipient: &str,
    subject: Option<&str>,
    body: &str,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox_messages (channel, recipient, subject, body, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) RETURNING id",
    )
    .bind(channel)
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Queues an SMS (inside the caller's transaction).
pub async fn enqueue_sms(
    conn: &mut AnyConnection,
    now: i64,
    to: &PhoneNumber,
    body: &str,
) -> StoreResult<i64> {
    enqueue(conn, now, "sms", to.as_str(), None, body).await
}

/// Queues an e-mail (inside the caller's transaction).
pub async fn enqueue_mail(conn: &mut AnyConnection, now: i64, mail: &Mail) -> StoreResult<i64> {
    enqueue(
        conn,
        now,
        "mail",
        mail.to.as_str(),
        Some(&mail.subject),
        &mail.body,
    )
    .await
}

#[derive(sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub attempts: i64,
    pub created_at: i64,
}

/// Counts of messages by status, for tests and the operator.
pub async fn waiting(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox_messages WHERE status IN ('pending', 'sending')",
    )
    .fetch_one(pool)
    .await?)
}

/// Claims one due row for this pass; `None` if another instance was faster.
pub async fn claim(pool: &AnyPool, id: i64, now: i64) -> StoreResult<Option<Claimed>> {
    let claimed = sqlx::query(
        "UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1, lease_until = $2
         WHERE id = $1 AND ((status = 'pending' AND next_attempt_at <= $3) OR (status = 'sending' AND lease_until < $3))",
    )
    .bind(id)
    .bind(now + delivery::LEASE_SECONDS)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(None);
    }
    Ok(sqlx::query_as::<Any, Claimed>(
        "SELECT id, channel, recipient, subject, body, attempts, created_at FROM outbox_messages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Ids of the messages due now (pending and due, or claimed by an instance whose lease ran out).
pub async fn due(pool: &AnyPool, now: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM outbox_messages
         WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1)
         ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Marks a claimed message sent and erases its body.
pub async fn mark_sent(pool: &AnyPool, id: i64, now: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE outbox_messages SET status = 'sent', sent_at = $2, body = '', lease_until = NULL, last_error = NULL
         WHERE id = $1 AND status = 'sending'",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts a claimed message back, to be tried again at `at`.
pub async fn retry_at(pool: &AnyPool, id: i64, at: i64, error: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE outbox_messages SET status = 'pending', next_attempt_at = $2, lease_until = NULL, last_error = $3
         WHERE id = $1 AND status = 'sending'",
    )
    .bind(id)
    .bind(at)
    .bind(error)
    .execute(pool)
    .await?;
    Ok(())
}

/// Gives a claimed message up and erases its body.
pub async fn give_up(pool: &AnyPool, id: i64, error: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE outbox_messages SET status = 'failed', body = '', lease_until = NULL, last_error = $2
         WHERE id = $1 AND status = 'sending'",
    )
    .bind(id)
    .bind(error)
    .execute(pool)
    .await?;
    Ok(())
}
