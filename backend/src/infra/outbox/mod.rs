//! Sending SMS and e-mail. The rest of the portal only sees the [`SmsSender`] and
//! [`MailSender`] traits; configuration picks the transport:
//!
//! - dev and tests: files under the data directory — `outbox/sms.jsonl` (one JSON object a
//!   line: `to`, `body`, `sent_at`) and `outbox/mail/` (one UTF-8 `.eml` file per mail);
//! - production: an HTTP SMS gateway ([`HttpSmsGateway`]) and SMTP ([`SmtpMailer`]).
//!
//! Services never call a transport themselves: they queue messages in the durable outbox
//! ([`queue`]) inside their transaction, and the delivery worker sends them.

mod file;
mod http_sms;
pub mod queue;
mod smtp;

pub use file::{FileMailOutbox, FileSmsOutbox, OutboxSms, read_mails, read_sms};
pub use http_sms::HttpSmsGateway;
pub use smtp::SmtpMailer;

use async_trait::async_trait;
use domain::values::{Email, PhoneNumber};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("could not write to the outbox: {0}")]
    Io(#[from] std::io::Error),
    #[error("the SMS gateway refused the message: {0}")]
    Gateway(String),
    #[error("the mail server refused the message: {0}")]
    Smtp(String),
    #[error("invalid message: {0}")]
    Invalid(String),
}

/// An e-mail in plain text.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub body: String,
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send(&self, to: &PhoneNumber, body: &str) -> Result<(), SendError>;
    /// Sends the outbox message `key` (unique to the message, the same on every attempt): a
    /// transport that can recognise a repeat delivers it once even when the worker sends it
    /// again after a crash between sending and marking it sent.
    async fn send_keyed(&self, key: &str, to: &PhoneNumber, body: &str) -> Result<(), SendError> {
        let _ = key;
        self.send(to, body).await
    }
}

#[async_trait]
pub trait MailSender: Send + Sync {
    async fn send(&self, mail: &Mail) -> Result<(), SendError>;
    /// [`SmsSender::send_keyed`] for e-mail.
    async fn send_keyed(&self, key: &str, mail: &Mail) -> Result<(), SendError> {
        let _ = key;
        self.send(mail).await
    }
}

/// The senders the application uses, chosen at start-up, and the bell that tells this
/// instance's delivery worker that something was queued (other instances find it on their
/// next poll).
#[derive(Clone)]
pub struct Outboxes {
    pub sms: Arc<dyn SmsSender>,
    pub mail: Arc<dyn MailSender>,
    pub queued: Arc<tokio::sync::Notify>,
}

impl Outboxes {
    pub fn new(sms: Arc<dyn SmsSender>, mail: Arc<dyn MailSender>) -> Outboxes {
        Outboxes {
            sms,
            mail,
            queued: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Rings the delivery worker after a message was committed to the outbox.
    pub fn wake(&self) {
        self.queued.notify_one();
    }
}
