//! The durable outbox: the only module that reads or writes `outbox_messages`.
//!
//! Services call [`enqueue_sms`] / [`enqueue_mail`] on the transaction of the change that
//! causes the message, so a message exists exactly when its cause was committed. A worker
//! ([`deliver_due`]) claims due rows with a conditional update (one instance wins each row),
//! sends them through the configured transport, and marks them sent, retried later
//! (`domain::delivery`) or given up. The body, which may hold a one-time code, is erased once
//! the message is sent or given up.
//!
//! A row claimed by an instance that dies before it marks the row is taken over when its lease
//! runs out and sent again: after a crash at exactly that moment a message can arrive twice,
//! never zero times.

use super::{Mail, Outboxes};
use crate::error::StoreResult;
use domain::delivery::{self, AfterFailure};
use domain::values::{Email, PhoneNumber};
use sqlx::{Any, AnyConnection, AnyPool};

/// How many rows one pass of the worker claims at most.
const BATCH: i64 = 50;

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
struct Claimed {
    id: i64,
    channel: String,
    recipient: String,
    subject: Option<String>,
    body: String,
    attempts: i64,
}

/// What one pass of the worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: u64,
    pub retried: u64,
    pub given_up: u64,
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
async fn claim(pool: &AnyPool, id: i64, now: i64) -> StoreResult<Option<Claimed>> {
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
        "SELECT id, channel, recipient, subject, body, attempts FROM outbox_messages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Sends every message that is due now. Safe to run on several instances at once.
pub async fn deliver_due(
    pool: &AnyPool,
    outboxes: &Outboxes,
    now: i64,
) -> StoreResult<DeliveryReport> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox_messages
         WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1)
         ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(pool)
    .await?;
    let mut report = DeliveryReport::default();
    for id in due {
        let Some(message) = claim(pool, id, now).await? else {
            continue;
        };
        match send(outboxes, &message).await {
            Ok(()) => {
                sqlx::query(
                    "UPDATE outbox_messages SET status = 'sent', sent_at = $2, body = '', lease_until = NULL, last_error = NULL
                     WHERE id = $1 AND status = 'sending'",
                )
                .bind(message.id)
                .bind(now)
                .execute(pool)
                .await?;
                report.sent += 1;
            }
            Err(error) => {
                tracing::warn!(message_id = message.id, channel = %message.channel, attempt = message.attempts, %error, "sending a message failed");
                match delivery::after_failure(message.attempts, now) {
                    AfterFailure::RetryAt(at) => {
                        sqlx::query(
                            "UPDATE outbox_messages SET status = 'pending', next_attempt_at = $2, lease_until = NULL, last_error = $3
                             WHERE id = $1 AND status = 'sending'",
                        )
                        .bind(message.id)
                        .bind(at)
                        .bind(error.to_string())
                        .execute(pool)
                        .await?;
                        report.retried += 1;
                    }
                    AfterFailure::GiveUp => {
                        tracing::error!(message_id = message.id, channel = %message.channel, "a message could not be sent and was given up");
                        sqlx::query(
                            "UPDATE outbox_messages SET status = 'failed', body = '', lease_until = NULL, last_error = $2
                             WHERE id = $1 AND status = 'sending'",
                        )
                        .bind(message.id)
                        .bind(error.to_string())
                        .execute(pool)
                        .await?;
                        report.given_up += 1;
                    }
                }
            }
        }
    }
    Ok(report)
}

async fn send(outboxes: &Outboxes, m: &Claimed) -> Result<(), super::SendError> {
    match m.channel.as_str() {
        "sms" => {
            let to = PhoneNumber::parse(&m.recipient)
                .map_err(|_| super::SendError::Invalid("stored SMS recipient".into()))?;
            outboxes.sms.send(&to, &m.body).await
        }
        _ => {
            let to = Email::parse(&m.recipient)
                .map_err(|_| super::SendError::Invalid("stored mail recipient".into()))?;
            outboxes
                .mail
                .send(&Mail {
                    to,
                    subject: m.subject.clone().unwrap_or_default(),
                    body: m.body.clone(),
                })
                .await
        }
    }
}
