//! Storage of CIC staff accounts.

use crate::error::StoreResult;
use crate::now_epoch;
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
    .bind(now_epoch())
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
