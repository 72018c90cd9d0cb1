//! The dev/test transports: messages are written to files a developer or a test can read.

use super::{Mail, MailSender, SendError, SmsSender};
use async_trait::async_trait;
use domain::values::PhoneNumber;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// One line of `outbox/sms.jsonl`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutboxSms {
    pub to: String,
    pub body: String,
    pub sent_at: String,
}

pub struct FileSmsOutbox {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileSmsOutbox {
    /// Writes to `<outbox_dir>/sms.jsonl`.
    pub fn new(outbox_dir: &Path) -> Self {
        Self {
            path: outbox_dir.join("sms.jsonl"),
            lock: Mutex::new(()),
        }
    }
}

fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

#[async_trait]
impl SmsSender for FileSmsOutbox {
    async fn send(&self, to: &PhoneNumber, body: &str) -> Result<(), SendError> {
        let line = serde_json::to_string(&OutboxSms {
            to: to.as_str().to_string(),
            body: body.to_string(),
            sent_at: now_rfc3339(),
        })
        .map_err(|e| SendError::Invalid(e.to_string()))?;
        let _guard = self.lock.lock().await;
        if let Some(dir) = self.path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await?;
        file.write_all(format!("{line}\n").as_bytes()).await?;
        file.flush().await?;
        Ok(())
    }
}

/// Reads every SMS in an outbox folder (for tests and tools).
pub fn read_sms(outbox_dir: &Path) -> Vec<OutboxSms> {
    std::fs::read_to_string(outbox_dir.join("sms.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

pub struct FileMailOutbox {
    dir: PathBuf,
    from: String,
}

impl FileMailOutbox {
    /// Writes to `<outbox_dir>/mail/`.
    pub fn new(outbox_dir: &Path, from: &str) -> Self {
        Self {
            dir: outbox_dir.join("mail"),
            from: from.to_string(),
        }
    }
}

#[async_trait]
impl MailSender for FileMailOutbox {
    async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        let now = OffsetDateTime::now_utc();
        let name = format!(
            "{}-{:09}-{:08x}",
            now.unix_timestamp(),
            now.nanosecond(),
            rand::random::<u32>()
        );
        self.write(&name, mail).await
    }

    /// One file per key: a message sent again after a crash replaces nothing and is not
    /// written twice.
    async fn send_keyed(&self, key: &str, mail: &Mail) -> Result<(), SendError> {
        if tokio::fs::try_exists(self.dir.join(format!("{key}.eml"))).await? {
            return Ok(());
        }
        self.write(key, mail).await
    }
}

impl FileMailOutbox {
    /// Writes `<name>.eml` whole or not at all (a temporary file renamed into place).
    async fn write(&self, name: &str, mail: &Mail) -> Result<(), SendError> {
        if mail.subject.contains(['\r', '\n']) {
            return Err(SendError::Invalid("subject contains a line break".into()));
        }
        tokio::fs::create_dir_all(&self.dir).await?;
        let text = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            self.from,
            mail.to.as_str(),
            mail.subject,
            now_rfc3339(),
            mail.body
        );
        // Next to the mail folder, so that readers of the folder never see half a mail.
        let partial = self
            .dir
            .parent()
            .unwrap_or(&self.dir)
            .join(format!(".{name}.partial"));
        tokio::fs::write(&partial, text).await?;
        tokio::fs::rename(&partial, self.dir.join(format!("{name}.eml"))).await?;
        Ok(())
    }
}

/// Reads every mail in an outbox folder, oldest first, as (file name, full text).
pub fn read_mails(outbox_dir: &Path) -> Vec<(String, String)> {
    let mut mails: Vec<(String, String)> = std::fs::read_dir(outbox_dir.join("mail"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.ends_with(".eml") {
                return None;
            }
            std::fs::read_to_string(e.path())
                .ok()
                .map(|text| (name, text))
        })
        .collect();
    mails.sort();
    mails
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::values::Email;

    #[tokio::test]
    async fn sms_lines_are_appended_as_json() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = FileSmsOutbox::new(dir.path());
        let to = PhoneNumber::parse("0470123456").unwrap();
        outbox.send(&to, "Uw code: 123456").await.unwrap();
        outbox
            .send(&to, "Tweede \"bericht\"\nmet regel")
            .await
            .unwrap();
        let sent = read_sms(dir.path());
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].to, "+32470123456");
        assert_eq!(sent[1].body, "Tweede \"bericht\"\nmet regel");
        assert!(sent[0].sent_at.ends_with('Z'));
    }

    #[tokio::test]
    async fn mails_are_files_and_header_injection_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = FileMailOutbox::new(dir.path(), "Portal <noreply@example.be>");
        let mail = Mail {
            to: Email::parse("an@example.be").unwrap(),
            subject: "Welkom €".into(),
            body: "Hallo".into(),
        };
        outbox.send(&mail).await.unwrap();
        let bad = Mail {
            subject: "x\r\nBcc: evil@example.com".into(),
            ..mail
        };
        assert!(outbox.send(&bad).await.is_err());
        let mails = read_mails(dir.path());
        assert_eq!(mails.len(), 1);
        assert!(mails[0].1.contains("Subject: Welkom €"));
        assert!(mails[0].1.contains("To: an@example.be"));
    }

    // A message the worker sends again after a crash (same key) is in the outbox once.
    #[tokio::test]
    async fn a_keyed_mail_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = FileMailOutbox::new(dir.path(), "Portal <noreply@example.be>");
        let mail = Mail {
            to: Email::parse("an@example.be").unwrap(),
            subject: "Uw aanvraag".into(),
            body: "Tekst".into(),
        };
        outbox
            .send_keyed("outbox-000000000007-1", &mail)
            .await
            .unwrap();
        outbox
            .send_keyed("outbox-000000000007-1", &mail)
            .await
            .unwrap();
        outbox
            .send_keyed("outbox-000000000008-1", &mail)
            .await
            .unwrap();
        let mails = read_mails(dir.path());
        assert_eq!(mails.len(), 2, "{mails:?}");
        assert_eq!(mails[0].0, "outbox-000000000007-1.eml");
    }
}
