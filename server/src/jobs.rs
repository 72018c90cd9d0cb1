//! Background jobs that run inside the server process.

use backend::sessions::PortalSessionStore;
use std::time::Duration;
use tower_sessions::session_store::ExpiredDeletion;

/// Deletes expired sessions every minute (idle and absolute timeouts are enforced on every
/// request; this only keeps the table small).
pub fn spawn_session_cleanup(store: PortalSessionStore) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "deleting expired sessions failed");
            }
        }
    });
}
