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
    if let Err(throttled) = crate::throttle::may_try(pool, now, &throttle_key).await? {
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
    let password_ok =
        crate::password::verify(&crate::password::Password::new(password_text), stored).await;
    let step = match (&staff, password_ok) {
        (Some(s), true) => {
            let at = u64::try_from(now).unwrap_or_default();
            crate::totp::check(&s.totp_secret, code, at, s.totp_last_step)
        }
        _ => None,
    };
    crate::throttle::record(pool, now, &throttle_key, ip, step.is_some()).await?;
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

/// Writes a line of the staff audit log (inside the caller's transaction when given one; staff
/// reads of customer data write it through `staff_access::read_audited`).
pub async fn audit<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    ex: E,
    now: i64,
    staff_id: i64,
    action: &str,
    subject: &str,
    ip: &str,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO staff_audit (staff_id, action, subject, at, ip_address) VALUES ($1, $2, $3, $4, $5)")
        .bind(staff_id)
        .bind(action)
        .bind(subject)
        .bind(now)
        .bind(ip)
        .execute(ex)
        .await?;
    Ok(())
}

/// An open security incident as the CIC sees it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IncidentRow {
    pub id: i64,
    pub customer_number: String,
    pub first_name: String,
    pub last_name: String,
    pub kind: String,
    pub created_at: i64,
}

/// Security incidents not yet handled, newest first (staff read them through
/// `staff_access::read_audited`).
pub async fn open_incidents(conn: &mut sqlx::AnyConnection) -> StoreResult<Vec<IncidentRow>> {
    Ok(sqlx::query_as(
        "SELECT i.id, c.customer_number, a.first_name, a.last_name, i.kind, i.created_at
         FROM security_incidents i
         JOIN portal_accounts a ON a.id = i.account_id
         JOIN customers c ON c.id = a.customer_id
         WHERE i.handled_at IS NULL ORDER BY i.created_at DESC LIMIT 100",
    )
    .fetch_all(conn)
    .await?)
}

/// One line of the staff audit log.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub staff_name: String,
    pub action: String,
    pub subject: String,
    pub at: i64,
    pub ip_address: String,
}

/// The newest lines of the staff audit log (admins only; reading it is audited too).
pub async fn audit_log(conn: &mut sqlx::AnyConnection, limit: i64) -> StoreResult<Vec<AuditRow>> {
    Ok(sqlx::query_as(
        "SELECT l.id, s.display_name AS staff_name, l.action, l.subject, l.at, l.ip_address
         FROM staff_audit l JOIN staff_accounts s ON s.id = l.staff_id
         ORDER BY l.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?)
}
