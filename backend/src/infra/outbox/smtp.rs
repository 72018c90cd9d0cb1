//! Production e-mail over SMTP with lettre (rustls, no OpenSSL). The URL follows lettre:
//! `smtps://user:pass@host:465`, `smtp://user:pass@host:587?tls=required`, or plain
//! `smtp://host:25` for a local relay.

use super::{Mail, MailSender, SendError};
use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(url: &str, from: &str) -> Result<Self, SendError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SendError::Smtp(e.to_string()))?
            .build();
        let from = from
            .parse()
            .map_err(|e: lettre::address::AddressError| SendError::Invalid(e.to_string()))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl MailSender for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), SendError> {
        self.deliver(mail, None).await
    }

    /// The key becomes the `Message-ID`, by which receivers recognise a repeat.
    async fn send_keyed(&self, key: &str, mail: &Mail) -> Result<(), SendError> {
        self.deliver(mail, Some(key)).await
    }
}

impl SmtpMailer {
    async fn deliver(&self, mail: &Mail, key: Option<&str>) -> Result<(), SendError> {
        let to: Mailbox = mail
            .to
            .as_str()
            .parse()
            .map_err(|e: lettre::address::AddressError| SendError::Invalid(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(key.map(|k| format!("<{k}@{}>", self.from.email.domain())))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| SendError::Invalid(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| SendError::Smtp(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::values::Email;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    /// A minimal SMTP server that accepts one message and returns what it received.
    async fn stub_smtp() -> (u16, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            let mut received = String::new();
            write.write_all(b"220 stub ESMTP\r\n").await.unwrap();
            let mut in_data = false;
            while let Some(line) = lines.next_line().await.unwrap() {
                received.push_str(&line);
                received.push('\n');
                if in_data {
                    if line == "." {
                        in_data = false;
                        write.write_all(b"250 queued\r\n").await.unwrap();
                    }
                    continue;
                }
                let upper = line.to_ascii_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") {
                    b"250-stub\r\n250 8BITMIME\r\n"
                } else if upper.starts_with("DATA") {
                    in_data = true;
                    b"354 go on\r\n"
                } else if upper.starts_with("QUIT") {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                } else {
                    b"250 ok\r\n"
                };
                write.write_all(reply).await.unwrap();
            }
            received
        });
        (port, handle)
    }

    #[tokio::test]
    async fn sends_through_an_smtp_server() {
        let (port, handle) = stub_smtp().await;
        let mailer = SmtpMailer::new(
            &format!("smtp://127.0.0.1:{port}"),
            "Lumen Lease <noreply@lumenlease.example>",
        )
        .unwrap();
        let mail = Mail {
            to: Email::parse("an@example.be").unwrap(),
            subject: "Welkom".into(),
            body: "Uw account is actief.".into(),
        };
        mailer.send(&mail).await.unwrap();
        drop(mailer);
        let received = tokio::time::timeout(std::time::Duration::from_secs(10), handle)
            .await
            .unwrap()
            .unwrap();
        assert!(received.contains("RCPT TO:<an@example.be>"), "{received}");
        assert!(received.contains("Subject: Welkom"), "{received}");
        assert!(received.contains("Uw account is actief."), "{received}");
    }
}
