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

/// Staff whose TOTP secret was stored before sealing existed: id and secret.
pub async fn unsealed_totp(pool: &AnyPool) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, totp_secret FROM staff_accounts WHERE totp_secret NOT LIKE 'v1:%'",
    )
    .fetch_all(pool)
    .await?)
}

/// One stored (sealed) TOTP secret, to check the data key against at start-up.
pub async fn any_totp(pool: &AnyPool) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT totp_secret FROM staff_accounts ORDER BY id LIMIT 1")
            .fetch_optional(pool)
            .await?,
    )
}

/// Replaces a stored TOTP secret by its sealed form.
pub async fn reseal_totp(pool: &AnyPool, staff_id: i64, sealed: &str) -> StoreResult<()> {
    sqlx::query("UPDATE staff_accounts SET totp_secret = $2 WHERE id = $1")
        .bind(staff_id)
        .bind(sealed)
        .execute(pool)
        .await?;
    Ok(())
}

/// The sign-in data of the staff member with this address (the TOTP secret sealed).
pub async fn login_by_email(pool: &AnyPool, email: &str) -> StoreResult<Option<StaffLogin>> {
    Ok(sqlx::query_as(
        "SELECT id, display_name, role, password_hash, totp_secret, totp_last_step, active FROM staff_accounts WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?)
}

/// Claims a TOTP time step, so a code signs in once even when two sign-ins arrive at once.
pub async fn claim_totp_step(pool: &AnyPool, staff_id: i64, step: i64) -> StoreResult<bool> {
    let claimed = sqlx::query(
        "UPDATE staff_accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(staff_id)
    .bind(step)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}
