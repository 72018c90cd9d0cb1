//! Storage of CIC staff accounts.

use crate::error::StoreResult;
use domain::model::StaffRole;
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: i64,
}

/// Creates a staff account; `password_hash` is an argon2id PHC string and `totp_secret` the
/// base32 TOTP key (a second factor is mandatory for staff).
pub async fn create(
    pool: &AnyPool,
    now: i64,
    email: &str,
    display_name: &str,
    role: StaffRole,
    password_hash: &str,
    totp_secret: &str,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO staff_accounts (email, display_name, role, password_hash, totp_secret, active, created_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(email.to_lowercase())
    .bind(display_name)
    .bind(role.code())
    .bind(password_hash)
    .bind(totp_secret)
    .bind(now)
    .fetch_one(pool)
    .await?)
}

pub async fn list(pool: &AnyPool) -> StoreResult<Vec<StaffRow>> {
    Ok(sqlx::query_as(
        "SELECT id, email, display_name, role, active FROM staff_accounts ORDER BY id",
    )
    .fetch_all(pool)
    .await?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffLogin {
    pub id: i64,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub totp_secret: String,
    pub totp_last_step: Option<i64>,
    pub active: i64,
}

pub async fn by_id(pool: &AnyPool, id: i64) -> StoreResult<Option<StaffRow>> {
    Ok(sqlx::query_as(
        "SELECT id, email, display_name, role, active FROM staff_accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Checks e-mail, password and TOTP code (all three; one generic answer). The accepted TOTP
/// step is stored so the same code cannot be used again.
pub async fn sign_in(
    pool: &AnyPool,
    now: i64,
    email: &str,
    password_text: &str,
    code: &str,
    ip: &str,
) -> Result<Result<i64, &'static str>, crate::StoreError> {
    let email = email.trim().to_lowercase();
    let throttle_key = format!("staff:{email}");
    if let Err(throttled) = crate::services::throttle::may_try(pool, now, &throttle_key).await? {
        return Ok(Err(throttled.key()));
    }
    let staff: Option<StaffLogin> = sqlx::query_as(
        "SELECT id, display_name, role, password_hash, totp_secret, totp_last_step, active FROM staff_accounts WHERE email = $1",
    )
    .bind(&email)
    .fetch_optional(pool)
    .await?;
    let stored = staff
        .as_ref()
        .filter(|s| s.active == 1)
        .map(|s| s.password_hash.clone());
    let password_ok = crate::infra::password::verify(
        &crate::infra::password::Password::new(password_text),
        stored,
    )
    .await;
    let step = match (&staff, password_ok) {
        (Some(s), true) => {
            let at = u64::try_from(now).unwrap_or_default();
            crate::infra::totp::check(&s.totp_secret, code, at, s.totp_last_step)
        }
        _ => None,
    };
    crate::services::throttle::record(pool, now, &throttle_key, ip, step.is_some()).await?;
    tracing::info!(succeeded = step.is_some(), "staff sign-in attempt");
    match (staff, step) {
        (Some(s), Some(step)) => {
            // Only one sign-in can claim a step, even when two arrive at once.
            let claimed = sqlx::query(
                "UPDATE staff_accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
            )
            .bind(s.id)
            .bind(step)
            .execute(pool)
            .await?
            .rows_affected();
            Ok(if claimed == 1 {
                Ok(s.id)
            } else {
                Err("cic.invalid")
            })
        }
        _ => Ok(Err("cic.invalid")),
    }
}
