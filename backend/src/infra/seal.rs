//! Secrets at rest: the TOTP secrets of customers and staff (and secrets waiting in a session)
//! are stored sealed with
//! XChaCha20-Poly1305 under the data key (`PORTAL_DATA_KEY`, never in the database), so a copy
//! of the database alone does not let anyone compute sign-in codes. A sealed value is
//! `v1:` + hex(24-byte random nonce ‖ ciphertext and tag); the table and column it belongs to
//! are bound in as associated data, so a value cannot be moved to another column.
//!
//! The key is process-wide: [`install`] sets it once at start-up, before any request.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::sync::RwLock;

const PREFIX: &str = "v1:";

/// The 256-bit key that seals secrets at rest, derived from the configured text.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// Derives the key from `PORTAL_DATA_KEY` (at least 32 characters of random text).
    pub fn from_text(text: &str) -> DataKey {
        let mut hasher = Sha256::new();
        hasher.update(b"portal data key v1\0");
        hasher.update(text.as_bytes());
        DataKey(hasher.finalize().into())
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// Where a sealed value lives (bound into its seal).
#[derive(Clone, Copy, Debug)]
pub enum Column {
    CustomerTotp,
    StaffTotp,
    /// Secrets waiting in a session: an authenticator key being bound, recovery codes to show.
    Session,
}

impl Column {
    fn label(self) -> &'static [u8] {
        match self {
            Column::CustomerTotp => b"portal_accounts.totp_secret",
            Column::StaffTotp => b"staff_accounts.totp_secret",
            Column::Session => b"sessions",
        }
    }
}

type HmacSha256 = hmac::Hmac<Sha256>;

/// The installed key and the audit MAC keyed with the audit key derived from it (derived and
/// keyed once: a staff page writes an audit entry on every request).
struct Installed {
    data: DataKey,
    audit: HmacSha256,
}

static KEY: RwLock<Option<Installed>> = RwLock::new(None);

/// Sets the process's data key (at start-up).
pub fn install(key: DataKey) {
    // HMAC takes a key of any length: `audit_hmac` is never `None`.
    let Some(audit) = audit_hmac(&key) else {
        return;
    };
    if let Ok(mut slot) = KEY.write() {
        *slot = Some(Installed { data: key, audit });
    }
}

/// HMAC-SHA256 keyed with the audit key: HMAC-SHA256(data key, "portal audit chain v1").
fn audit_hmac(key: &DataKey) -> Option<HmacSha256> {
    use hmac::Mac;
    let mut derive = <HmacSha256 as Mac>::new_from_slice(&key.0).ok()?;
    derive.update(b"portal audit chain v1");
    let audit_key = derive.finalize().into_bytes();
    <HmacSha256 as Mac>::new_from_slice(&audit_key).ok()
}

fn key() -> Result<DataKey, SealError> {
    KEY.read()
        .ok()
        .and_then(|k| k.as_ref().map(|k| k.data.clone()))
        .ok_or(SealError::NoKey)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("no data key was installed")]
    NoKey,
    #[error("a sealed value does not open with this data key (wrong PORTAL_DATA_KEY?)")]
    Unreadable,
}

/// HMAC-SHA256 of `message` under the audit key, which is derived from the data key: it comes
/// from the configuration and never from the database, so rows written straight into the
/// database cannot carry a valid hash (`store::audit`).
pub fn audit_mac(message: &[u8]) -> Result<[u8; 32], SealError> {
    use hmac::Mac;
    let mut mac = KEY
        .read()
        .ok()
        .and_then(|k| k.as_ref().map(|k| k.audit.clone()))
        .ok_or(SealError::NoKey)?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().into())
}

/// Seals `secret` for `column`.
pub fn seal(column: Column, secret: &str) -> Result<String, SealError> {
    seal_with(&key()?, column, secret)
}

/// Opens a value sealed for `column`. A value without the `v1:` prefix was stored before
/// sealing existed and is returned as it is ([`is_sealed`] finds those for sealing).
pub fn open(column: Column, stored: &str) -> Result<String, SealError> {
    if !is_sealed(stored) {
        return Ok(stored.to_string());
    }
    open_with(&key()?, column, stored)
}

pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

fn seal_with(key: &DataKey, column: Column, secret: &str) -> Result<String, SealError> {
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let nonce: [u8; 24] = rand::random();
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret.as_bytes(),
                aad: column.label(),
            },
        )
        .map_err(|_| SealError::Unreadable)?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{}", hex::encode(bytes)))
}

fn open_with(key: &DataKey, column: Column, stored: &str) -> Result<String, SealError> {
    let bytes = hex::decode(&stored[PREFIX.len()..]).map_err(|_| SealError::Unreadable)?;
    if bytes.len() < 24 + 16 {
        return Err(SealError::Unreadable);
    }
    let (nonce, sealed) = bytes.split_at(24);
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let plain = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: column.label(),
            },
        )
        .map_err(|_| SealError::Unreadable)?;
    String::from_utf8(plain).map_err(|_| SealError::Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_column() {
        let key = DataKey::from_text("a data key of at least thirty-two characters");
        let sealed = seal_with(&key, Column::CustomerTotp, "JBSWY3DPEHPK3PXP").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed,
            seal_with(&key, Column::CustomerTotp, "JBSWY3DPEHPK3PXP").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(
            open_with(&key, Column::CustomerTotp, &sealed).unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        let other = DataKey::from_text("another data key of at least thirty-two chars");
        assert_eq!(
            open_with(&other, Column::CustomerTotp, &sealed),
            Err(SealError::Unreadable)
        );
        assert_eq!(
            open_with(&key, Column::StaffTotp, &sealed),
            Err(SealError::Unreadable)
        );
        assert_eq!(
            open_with(&key, Column::CustomerTotp, "v1:zz"),
            Err(SealError::Unreadable)
        );
        assert_eq!(format!("{key:?}"), "DataKey(<redacted>)");
    }

    // The audit key is derived as it always was (kept keyed since, not derived per entry):
    // the chains already stored must still verify. The value was computed apart (Python's
    // hmac) from the data key and the derivation.
    #[test]
    fn the_audit_mac_is_the_one_stored_chains_were_written_with() {
        use hmac::Mac;
        let mut mac = audit_hmac(&DataKey::from_text("audit chain unit tests")).unwrap();
        mac.update(b"prev\x1f1\x1fview_customer");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "11930cebee8ce96b2a3a7f777799433ac8b06b7a8d5c34a0e40d43fb4ff628df"
        );
    }

    #[test]
    fn values_from_before_sealing_are_read_as_they_are() {
        assert!(!is_sealed("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            open(Column::StaffTotp, "JBSWY3DPEHPK3PXP").unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
    }
}
