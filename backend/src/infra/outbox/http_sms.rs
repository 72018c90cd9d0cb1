//! Production SMS: a JSON POST to the operator's SMS gateway with a bearer token:
//! `{"from": sender, "to": "+32470123456", "text": "..."}`. Any non-2xx answer is an error.

use super::{SendError, SmsSender};
use async_trait::async_trait;
use domain::values::PhoneNumber;
use std::time::Duration;

pub struct HttpSmsGateway {
    client: reqwest::Client,
    url: String,
    token: String,
    sender: String,
}

impl HttpSmsGateway {
    pub fn new(url: &str, token: &str, sender: &str) -> Result<Self, SendError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| SendError::Gateway(e.to_string()))?;
        Ok(Self {
            client,
            url: url.to_string(),
            token: token.to_string(),
            sender: sender.to_string(),
        })
    }
}

#[async_trait]
impl SmsSender for HttpSmsGateway {
    async fn send(&self, to: &PhoneNumber, body: &str) -> Result<(), SendError> {
        self.deliver(None, to, body).await
    }

    /// The key goes along as `Idempotency-Key`, by which the gateway recognises a repeat.
    async fn send_keyed(&self, key: &str, to: &PhoneNumber, body: &str) -> Result<(), SendError> {
        self.deliver(Some(key), to, body).await
    }
}

impl HttpSmsGateway {
    async fn deliver(
        &self,
        key: Option<&str>,
        to: &PhoneNumber,
        body: &str,
    ) -> Result<(), SendError> {
        let mut request = self.client.post(&self.url);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request
            .bearer_auth(&self.token)
            .json(&serde_json::json!({ "from": self.sender, "to": to.as_str(), "text": body }))
            .send()
            .await
            .map_err(|e| SendError::Gateway(e.without_url().to_string()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(SendError::Gateway(format!(
                "HTTP {}",
                response.status().as_u16()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{Json, Router, extract::State, http::HeaderMap, routing::post};
    use std::sync::{Arc, Mutex};

    type Seen = Arc<Mutex<Vec<(String, serde_json::Value)>>>;

    async fn stub(status: u16) -> (String, Seen) {
        let seen: Seen = Arc::default();
        let app = Router::new()
            .route(
                "/send",
                post(
                    move |State(seen): State<Seen>,
                          headers: HeaderMap,
                          Json(body): Json<serde_json::Value>| async move {
                        let auth = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string();
                        seen.lock().unwrap().push((auth, body));
                        axum::http::StatusCode::from_u16(status).unwrap()
                    },
                ),
            )
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}/send"), seen)
    }

    #[tokio::test]
    async fn posts_json_with_the_token() {
        let (url, seen) = stub(202).await;
        let gateway = HttpSmsGateway::new(&url, "s3cret", "LumenLease").unwrap();
        gateway
            .send(&PhoneNumber::parse("0470123456").unwrap(), "Code 123456")
            .await
            .unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].0, "Bearer s3cret");
        assert_eq!(seen[0].1["to"], "+32470123456");
        assert_eq!(seen[0].1["text"], "Code 123456");
        assert_eq!(seen[0].1["from"], "LumenLease");
    }

    #[tokio::test]
    async fn a_refusal_is_an_error() {
        let (url, _) = stub(500).await;
        let gateway = HttpSmsGateway::new(&url, "t", "s").unwrap();
        let err = gateway
            .send(&PhoneNumber::parse("0470123456").unwrap(), "x")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("500"));
    }
}
