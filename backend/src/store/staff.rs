//! Storage of CIC staff accounts.

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use domain::model::StaffRole;
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: i64,
    pub version: i64,
    /// 1 while the password or authenticator still has to be set up (set-up link).
    pub setup_pending: i64,
    pub lang: String,
}

const COLUMNS: &str = "id, email, display_name, role, active, version, setup_pending, lang";

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

pub async fn list<'r>(reads: impl Into<Reads<'r>>) -> StoreResult<Vec<StaffRow>> {
    let sql = format!("SELECT {COLUMNS} FROM staff_accounts ORDER BY display_name, id");
    reads.into().all(&sql, &[]).await
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
    pub setup_pending: i64,
}

/// A staff account by id (the access gate reads it on every staff request: in the request's
/// thread on SQLite when given `db.reads()`).
pub async fn by_id<'r>(reads: impl Into<Reads<'r>>, id: i64) -> StoreResult<Option<StaffRow>> {
    reads
        .into()
        .optional(
            &format!("SELECT {COLUMNS} FROM staff_accounts WHERE id = $1"),
            &[Arg::Int(id)],
        )
        .await
}

/// The same, on a transaction's connection.
pub async fn by_id_in(conn: Ex<'_>, id: i64) -> StoreResult<Option<StaffRow>> {
    let sql = format!("SELECT {COLUMNS} FROM staff_accounts WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

type Ex<'e> = &'e mut sqlx::AnyConnection;

/// Creates an invited staff account (no password, no authenticator yet: it cannot sign in until
/// its set-up link is used). None when the address is taken.
pub async fn create_invited(
    conn: Ex<'_>,
    now: i64,
    email: &str,
    display_name: &str,
    role: StaffRole,
    lang: &str,
) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO staff_accounts (email, display_name, role, password_hash, totp_secret, active, created_at, setup_pending, lang)
         VALUES ($1, $2, $3, '', '', 1, $4, 1, $5)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email.to_lowercase())
    .bind(display_name)
    .bind(role.code())
    .bind(now)
    .bind(lang)
    .fetch_optional(conn)
    .await?)
}

/// Active admins other than `id` who can sign in (for the last-admin rule: an invited admin
/// who has not set up yet does not count).
pub async fn other_active_admins(conn: Ex<'_>, id: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_accounts
         WHERE role = 'admin' AND active = 1 AND setup_pending = 0 AND id <> $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}

/// Applies an admin's change if the account still has `version`; `false` when it changed
/// since. A reset second factor empties the authenticator and marks the account for set-up.
pub async fn apply_change(
    conn: Ex<'_>,
    id: i64,
    version: i64,
    change: domain::staff_admin::StaffChange,
) -> StoreResult<bool> {
    use domain::staff_admin::StaffChange;
    let set = match change {
        StaffChange::Deactivate => "active = 0".to_string(),
        StaffChange::Reactivate => "active = 1".to_string(),
        StaffChange::ResetSecondFactor => {
            "totp_secret = '', totp_last_step = NULL, setup_pending = 1".to_string()
        }
        StaffChange::Role(role) => format!("role = '{}'", role.code()),
    };
    let sql = format!(
        "UPDATE staff_accounts SET {set}, version = version + 1 WHERE id = $1 AND version = $2"
    );
    let done = sqlx::query(&sql)
        .bind(id)
        .bind(version)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(done == 1)
}

/// Stores a set-up link (its token's hash) and voids the account's earlier unused ones.
pub async fn create_setup_link(
    conn: Ex<'_>,
    now: i64,
    staff_id: i64,
    token_hash: &str,
    expires_at: i64,
) -> StoreResult<()> {
    void_setup_links(&mut *conn, now, staff_id).await?;
    sqlx::query(
        "INSERT INTO staff_setup_links (staff_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(staff_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Voids the account's unused set-up links (when it is deactivated or gets a new one).
pub async fn void_setup_links(conn: Ex<'_>, now: i64, staff_id: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE staff_setup_links SET used_at = $2 WHERE staff_id = $1 AND used_at IS NULL",
    )
    .bind(staff_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The open set-up link with this hash: (link id, staff id), if unused, unexpired and its
/// account active and waiting for set-up.
pub async fn open_setup_link(
    pool: &AnyPool,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.staff_id FROM staff_setup_links l
         JOIN staff_accounts s ON s.id = l.staff_id
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2
           AND s.active = 1 AND s.setup_pending = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await?)
}

/// Uses up the link and stores the new password (when one is given) and authenticator; `false`
/// when another request used the link first.
pub async fn complete_setup(
    conn: Ex<'_>,
    now: i64,
    link_id: i64,
    staff_id: i64,
    password_hash: Option<&str>,
    sealed_totp: &str,
    step: i64,
) -> StoreResult<bool> {
    let claimed = sqlx::query(
        "UPDATE staff_setup_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(link_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE staff_accounts SET password_hash = COALESCE($2, password_hash), totp_secret = $3,
            totp_last_step = $4, setup_pending = 0, version = version + 1
         WHERE id = $1 AND setup_pending = 1 AND active = 1",
    )
    .bind(staff_id)
    .bind(password_hash)
    .bind(sealed_totp)
    .bind(step)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Whether the account has a password (an invited colleague has none yet).
pub async fn has_password(pool: &AnyPool, staff_id: i64) -> StoreResult<bool> {
    let hash: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM staff_accounts WHERE id = $1")
            .bind(staff_id)
            .fetch_optional(pool)
            .await?;
    Ok(hash.is_some_and(|h| !h.is_empty()))
}

/// Staff whose TOTP secret was stored before sealing existed: id and secret.
pub async fn unsealed_totp(pool: &AnyPool) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, totp_secret FROM staff_accounts WHERE totp_secret NOT LIKE 'v1:%' AND totp_secret <> ''",
    )
    .fetch_all(pool)
    .await?)
}

/// One stored (sealed) TOTP secret, to check the data key against at start-up.
pub async fn any_totp(pool: &AnyPool) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT totp_secret FROM staff_accounts WHERE totp_secret <> '' ORDER BY id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?)
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
        "SELECT id, display_name, role, password_hash, totp_secret, totp_last_step, active, setup_pending FROM staff_accounts WHERE email = $1",
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
