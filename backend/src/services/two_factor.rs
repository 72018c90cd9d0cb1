//! The customers' optional second factor: a TOTP app (RFC 6238, ±1 step, a used step is never
//! accepted again) plus ten single-use recovery codes, stored as SHA-256 hashes.

use crate::error::StoreResult;
use crate::infra::seal::{self, Column};
use crate::infra::totp;
use crate::store::{accounts, recovery_codes};
use qrcode::QrCode;
use qrcode::render::svg;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;

pub const RECOVERY_CODES: usize = 10;

fn hash(code: &str) -> String {
    hex::encode(Sha256::digest(normalise_recovery(code).as_bytes()))
}

/// Recovery codes are shown as `xxxxx-xxxxx`; case, spaces and dashes do not matter.
fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A new recovery code: 10 characters from an alphabet without look-alikes (50 bits).
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let chars: String = (0..10)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// The `otpauth://` URL an authenticator app reads from the QR code.
pub fn otpauth_url(issuer: &str, account: &str, secret: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The QR code of `url` as an SVG document (shown as an image; no script, no network).
pub fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// Turns the second factor on with a confirmed secret; returns the new recovery codes (shown
/// once). Old recovery codes are replaced.
pub async fn enable(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    account_id: i64,
    secret: &str,
    confirmed_step: i64,
) -> StoreResult<Vec<String>> {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let hashes: Vec<String> = codes.iter().map(|c| hash(c)).collect();
    let sealed = seal::seal(Column::CustomerTotp, secret)?;
    accounts::set_totp(conn, now, account_id, Some((&sealed, confirmed_step))).await?;
    recovery_codes::replace(conn, account_id, &hashes).await?;
    Ok(codes)
}

/// Turns the second factor off (inside the caller's transaction).
pub async fn disable(conn: &mut sqlx::AnyConnection, now: i64, account_id: i64) -> StoreResult<()> {
    accounts::set_totp(conn, now, account_id, None).await?;
    recovery_codes::delete_all(conn, account_id).await?;
    Ok(())
}

/// Which factor a code was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Factor {
    App,
    Recovery,
}

/// Whether the account signs in with a second factor.
pub async fn is_enabled<'r>(
    reads: impl Into<crate::infra::reads::Reads<'r>>,
    account_id: i64,
) -> StoreResult<bool> {
    accounts::has_totp(reads, account_id).await
}

/// Checks an app code (claiming its step) or, failing that, a recovery code (using it up).
pub async fn verify(pool: &AnyPool, now: i64, account_id: i64, code: &str) -> StoreResult<bool> {
    Ok(verify_factor(pool, now, account_id, code).await?.is_some())
}

/// [`verify`], saying which factor the code was (a used recovery code is e-mailed about).
pub async fn verify_factor(
    pool: &AnyPool,
    now: i64,
    account_id: i64,
    code: &str,
) -> StoreResult<Option<Factor>> {
    let Some((sealed, last_step)) = accounts::totp(pool, account_id).await? else {
        return Ok(None);
    };
    let secret = seal::open(Column::CustomerTotp, &sealed)?;
    let at = u64::try_from(now).unwrap_or_default();
    if let Some(step) = totp::check(&secret, code, at, last_step) {
        return Ok(accounts::claim_totp_step(pool, account_id, step)
            .await?
            .then_some(Factor::App));
    }
    Ok(recovery_codes::use_once(pool, now, account_id, &hash(code))
        .await?
        .then_some(Factor::Recovery))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_normalised_and_distinct() {
        let a = new_recovery_code();
        assert_eq!(a.len(), 11);
        assert_eq!(hash(&a), hash(&a.to_uppercase().replace('-', " ")));
        assert_ne!(a, new_recovery_code());
    }

    #[test]
    fn otpauth_urls_and_qr_codes() {
        let url = otpauth_url("Lumen Lease", "an@example.be", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            url,
            "otpauth://totp/Lumen%20Lease:an@example.be?secret=JBSWY3DPEHPK3PXP&issuer=Lumen%20Lease&algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"));
    }
}
