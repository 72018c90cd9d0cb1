//! The durable outbox's delivery worker. Services queue messages with [`enqueue_sms`] /
//! [`enqueue_mail`] (rows of `store::outbox`) on the transaction of the change that causes
//! them, so a message exists exactly when its cause was committed. [`deliver_due`] claims due
//! rows (one instance wins each row), sends them through the configured transport, and marks
//! them sent, retried later (`domain::delivery`) or given up.
//!
//! A row claimed by an instance that dies before it marks the row is taken over when its lease
//! runs out and sent again, with the same key ([`key`]): the file outbox keeps one file per
//! key, the HTTP SMS gateway gets it as `Idempotency-Key` and SMTP as the `Message-ID`, so a
//! receiver that honours them shows the message once; one that does not may show it twice
//! after a crash at exactly that moment — never zero times.

use super::{Mail, Outboxes};
use crate::error::StoreResult;
use crate::store::outbox::{self as store, Claimed};
use domain::delivery::{self, AfterFailure};
use domain::values::{Email, PhoneNumber};
use sqlx::AnyPool;

pub use crate::store::outbox::{enqueue_mail, enqueue_sms, waiting};

/// How many rows one pass of the worker claims at most.
const BATCH: i64 = 50;

/// What one pass of the worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: u64,
    pub retried: u64,
    pub given_up: u64,
}

/// Sends every message that is due now. Safe to run on several instances at once.
pub async fn deliver_due(
    pool: &AnyPool,
    outboxes: &Outboxes,
    now: i64,
) -> StoreResult<DeliveryReport> {
    let mut report = DeliveryReport::default();
    for id in store::due(pool, now, BATCH).await? {
        let Some(message) = store::claim(pool, id, now).await? else {
            continue;
        };
        match send(outboxes, &message).await {
            Ok(()) => {
                store::mark_sent(pool, message.id, now).await?;
                report.sent += 1;
            }
            Err(error) => {
                tracing::warn!(message_id = message.id, channel = %message.channel, attempt = message.attempts, %error, "sending a message failed");
                match delivery::after_failure(message.attempts, now) {
                    AfterFailure::RetryAt(at) => {
                        store::retry_at(pool, message.id, at, &error.to_string()).await?;
                        report.retried += 1;
                    }
                    AfterFailure::GiveUp => {
                        tracing::error!(message_id = message.id, channel = %message.channel, "a message could not be sent and was given up");
                        store::give_up(pool, message.id, &error.to_string()).await?;
                        report.given_up += 1;
                    }
                }
            }
        }
    }
    Ok(report)
}

/// The key of an outbox message: the same on every attempt, different for every message (the
/// time it was queued tells apart two databases' message 1).
pub fn key(m: &Claimed) -> String {
    format!("outbox-{:012}-{}", m.id, m.created_at)
}

async fn send(outboxes: &Outboxes, m: &Claimed) -> Result<(), super::SendError> {
    let key = key(m);
    match m.channel.as_str() {
        "sms" => {
            let to = PhoneNumber::parse(&m.recipient)
                .map_err(|_| super::SendError::Invalid("stored SMS recipient".into()))?;
            outboxes.sms.send_keyed(&key, &to, &m.body).await
        }
        _ => {
            let to = Email::parse(&m.recipient)
                .map_err(|_| super::SendError::Invalid("stored mail recipient".into()))?;
            outboxes
                .mail
                .send_keyed(
                    &key,
                    &Mail {
                        to,
                        subject: m.subject.clone().unwrap_or_default(),
                        body: m.body.clone(),
                    },
                )
                .await
        }
    }
}
