//! Storage of one-time SMS codes: generated from the OS's CSPRNG, stored as a salted SHA-256
//! hash, compared in constant time. The rules (validity, attempts, rate limits) are
//! `domain::codes`; this module applies them to stored rows.

use crate::error::StoreResult;
use domain::codes::{self, CheckOutcome, CodeRecord, SendRefusal};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use subtle::ConstantTimeEq;

/// What a code is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Registration,
    Contract,
    /// Registration: the code e-mailed to the address typed.
    Email,
    /// A contact change: the code sent to the new mobile number before the request is filed.
    Mobile,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Purpose::Registration => "registration",
            Purpose::Contract => "contract",
            Purpose::Email => "email",
            Purpose::Mobile => "mobile",
        }
    }

    /// E-mailed codes and SMS codes are limited apart (the SMS limits are about the phone).
    fn by_mail(code: &str) -> bool {
        code == Purpose::Email.code()
    }
}

fn hash(salt: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{salt}:{code}").as_bytes());
    format!("{salt}${}", hex::encode(digest))
}

fn matches(stored: &str, typed: &str) -> bool {
    let Some((salt, _)) = stored.split_once('$') else {
        return false;
    };
    hash(salt, typed).as_bytes().ct_eq(stored.as_bytes()).into()
}

/// Records a code request for `customer_number`, inside the caller's write transaction (so
/// the limits are checked and the row written as one, and the SMS is queued with it). With
/// `real = true` a code is generated and returned (to be sent); otherwise a row without a code
/// is stored, so that limits and answers are the same whether or not anything was sent.
pub async fn issue(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    customer_number: &str,
    purpose: Purpose,
    real: bool,
) -> StoreResult<Result<Option<String>, SendRefusal>> {
    // Parallel requests for one number are serialised here, so the limits below are counted
    // and the new row written as one step.
    crate::infra::db::serialise(conn, &format!("sms_codes:{customer_number}")).await?;
    let sent: Vec<(i64, String)> = sqlx::query_as(
        "SELECT created_at, purpose FROM sms_codes WHERE customer_number = $1 AND created_at > $2",
    )
    .bind(customer_number)
    .bind(now - 24 * 3600)
    .fetch_all(&mut *conn)
    .await?;
    let channel = Purpose::by_mail(purpose.code());
    let all: Vec<i64> = sent
        .iter()
        .filter(|(_, p)| Purpose::by_mail(p) == channel)
        .map(|(t, _)| *t)
        .collect();
    let last_same = sent
        .iter()
        .filter(|(_, p)| p == purpose.code())
        .map(|(t, _)| *t)
        .max();
    if let Err(refusal) = codes::may_send(&all, last_same, now) {
        return Ok(Err(refusal));
    }
    let code = real.then(|| format!("{:06}", rand::rng().random_range(0..1_000_000u32)));
    let salt = hex::encode(rand::random::<[u8; 16]>());
    let stored = code.as_ref().map(|c| hash(&salt, c));
    sqlx::query(
        "INSERT INTO sms_codes (customer_number, purpose, code_hash, created_at, attempts) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(customer_number)
    .bind(purpose.code())
    .bind(stored)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(code))
}

/// Seconds until another code of this purpose may be requested (0 if now).
pub async fn resend_wait(
    pool: &AnyPool,
    now: i64,
    customer_number: &str,
    purpose: Purpose,
) -> StoreResult<i64> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(created_at) FROM sms_codes WHERE customer_number = $1 AND purpose = $2",
    )
    .bind(customer_number)
    .bind(purpose.code())
    .fetch_one(pool)
    .await?;
    Ok(last.map_or(0, |t| (codes::RESEND_AFTER_SECONDS - (now - t)).max(0)))
}

#[derive(sqlx::FromRow)]
struct StoredCode {
    id: i64,
    code_hash: Option<String>,
    created_at: i64,
    attempts: i64,
    used_at: Option<i64>,
}

/// Checks a typed code against the newest code of that purpose, counting the attempt.
pub async fn verify(
    pool: &AnyPool,
    now: i64,
    customer_number: &str,
    purpose: Purpose,
    typed: &str,
) -> StoreResult<CheckOutcome> {
    let row: Option<StoredCode> = sqlx::query_as(
        "SELECT id, code_hash, created_at, attempts, used_at FROM sms_codes
         WHERE customer_number = $1 AND purpose = $2 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(customer_number)
    .bind(purpose.code())
    .fetch_optional(pool)
    .await?;
    let Some(StoredCode {
        id,
        code_hash: stored,
        created_at,
        attempts,
        used_at,
    }) = row
    else {
        return Ok(CheckOutcome::Void);
    };
    let record = CodeRecord {
        created_at,
        attempts,
        used: used_at.is_some(),
    };
    let is_match = stored.as_deref().is_some_and(|s| matches(s, typed));
    // The rule decides on what was read; the update applies it only if the row still allows
    // it, so parallel guesses cannot spend more than the allowed attempts or use a code twice.
    let applied = match codes::check(record, is_match, now) {
        CheckOutcome::Accepted => {
            sqlx::query(
                "UPDATE sms_codes SET used_at = $2
                 WHERE id = $1 AND used_at IS NULL AND attempts < $3 AND created_at > $4",
            )
            .bind(id)
            .bind(now)
            .bind(codes::MAX_ATTEMPTS)
            .bind(now - codes::VALID_SECONDS)
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }
        CheckOutcome::Wrong => {
            sqlx::query(
                "UPDATE sms_codes SET attempts = attempts + 1
                 WHERE id = $1 AND used_at IS NULL AND attempts < $2",
            )
            .bind(id)
            .bind(codes::MAX_ATTEMPTS)
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }
        CheckOutcome::Void => false,
    };
    Ok(match codes::check(record, is_match, now) {
        outcome @ (CheckOutcome::Accepted | CheckOutcome::Wrong) if applied => outcome,
        _ => CheckOutcome::Void,
    })
}

/// Deletes SMS codes issued before `before` (expired, and older than the 24 hours the sending
/// limits look back); returns how many.
pub async fn prune(pool: &AnyPool, before: i64) -> StoreResult<u64> {
    Ok(sqlx::query("DELETE FROM sms_codes WHERE created_at < $1")
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_and_compared_whole() {
        let a = hash("s1", "123456");
        assert_ne!(a, hash("s2", "123456"));
        assert!(matches(&a, "123456"));
        assert!(!matches(&a, "123457"));
        assert!(!matches("garbage", "123456"));
    }
}
