//! Customers' portal accounts (the only writer of `portal_accounts`, including the second
//! factor's secret and last accepted step) and their terms acceptances.

use crate::error::StoreResult;
use crate::infra::reads::{Arg, Reads};
use crate::store::messages::UNREAD_REPLY;
use sqlx::AnyPool;

#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub customer_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: String,
    pub active: i64,
    pub must_reset_password: i64,
    /// Set while an admin has suspended the portal access.
    pub suspended_at: Option<i64>,
}

const COLUMNS: &str = "id, customer_id, email, first_name, last_name, password_hash, active,
    must_reset_password, suspended_at";

pub async fn by_email(pool: &AnyPool, email: &str) -> StoreResult<Option<AccountRow>> {
    let sql = format!("SELECT {COLUMNS} FROM portal_accounts WHERE email = $1");
    Ok(sqlx::query_as(&sql)
        .bind(email.to_lowercase())
        .fetch_optional(pool)
        .await?)
}

pub async fn by_id(pool: &AnyPool, id: i64) -> StoreResult<Option<AccountRow>> {
    let sql = format!("SELECT {COLUMNS} FROM portal_accounts WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?)
}

/// An account with one of its logins, as the access gate reads them on every request. Read
/// locally as the account's columns and two more (a tuple: `#[serde(flatten)]` would buffer
/// every column by name first).
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
#[serde(from = "(AccountRow, Option<i64>, i64)")]
pub struct WithLogin {
    #[sqlx(flatten)]
    pub account: AccountRow,
    /// When the login was last seen; `None` when the login was ended (or is not this
    /// account's).
    pub last_seen: Option<i64>,
    /// The customer's message threads with a reply they have not read (the page header
    /// shows it on every page, so it comes in the same statement).
    pub unread_replies: i64,
}

impl From<(AccountRow, Option<i64>, i64)> for WithLogin {
    fn from((account, last_seen, unread_replies): (AccountRow, Option<i64>, i64)) -> Self {
        WithLogin {
            account,
            last_seen,
            unread_replies,
        }
    }
}

/// The account, whether `login_id` is still one of its logins and the customer's unread
/// replies, in one statement.
pub async fn with_login<'r>(
    reads: impl Into<Reads<'r>>,
    id: i64,
    login_id: &str,
) -> StoreResult<Option<WithLogin>> {
    let sql = format!(
        "SELECT {COLUMNS},
           (SELECT last_seen FROM account_logins WHERE login_id = $2 AND account_id = $1) AS last_seen,
           (SELECT COUNT(*) FROM message_threads t
             WHERE t.customer_id = portal_accounts.customer_id AND {UNREAD_REPLY}) AS unread_replies
         FROM portal_accounts WHERE id = $1"
    );
    reads
        .into()
        .optional(&sql, &[Arg::Int(id), Arg::Text(login_id)])
        .await
}

pub async fn exists_for_customer(pool: &AnyPool, customer_id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM portal_accounts WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

pub async fn email_taken(pool: &AnyPool, email: &str) -> StoreResult<bool> {
    Ok(by_email(pool, email).await?.is_some())
}

/// The new account's data, as checked by the registration.
pub struct NewAccount<'a> {
    pub customer_id: i64,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password_hash: &'a str,
    pub terms_version_id: i64,
    pub ip_address: &'a str,
    pub user_agent: &'a str,
}

/// Why an account could not be created.
#[derive(Debug, PartialEq, Eq)]
pub enum CreateRefusal {
    EmailTaken,
    AlreadyRegistered,
}

/// Creates the account and records the terms acceptance, in one transaction.
pub async fn create(
    pool: &AnyPool,
    now: i64,
    a: &NewAccount<'_>,
) -> StoreResult<Result<i64, CreateRefusal>> {
    let mut tx = crate::infra::db::begin_write(pool).await?;
    let created = create_in(&mut tx, now, a).await?;
    tx.commit().await?;
    Ok(created)
}

/// [`create`] inside the caller's write transaction (which it leaves to the caller to commit;
/// on a refusal nothing was written).
pub async fn create_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: i64,
    a: &NewAccount<'_>,
) -> StoreResult<Result<i64, CreateRefusal>> {
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM portal_accounts WHERE email = $1")
        .bind(a.email.to_lowercase())
        .fetch_one(&mut **tx)
        .await?;
    if taken > 0 {
        return Ok(Err(CreateRefusal::EmailTaken));
    }
    let registered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM portal_accounts WHERE customer_id = $1")
            .bind(a.customer_id)
            .fetch_one(&mut **tx)
            .await?;
    if registered > 0 {
        return Ok(Err(CreateRefusal::AlreadyRegistered));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO portal_accounts (customer_id, email, first_name, last_name, password_hash, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
    )
    .bind(a.customer_id)
    .bind(a.email.to_lowercase())
    .bind(a.first_name)
    .bind(a.last_name)
    .bind(a.password_hash)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO terms_acceptances (account_id, terms_version_id, accepted_at, ip_address, user_agent)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(a.terms_version_id)
    .bind(now)
    .bind(a.ip_address)
    .bind(a.user_agent)
    .execute(&mut **tx)
    .await?;
    Ok(Ok(id))
}

/// The current terms version: (id, version label).
pub async fn current_terms(pool: &AnyPool) -> StoreResult<(i64, String)> {
    Ok(sqlx::query_as(
        "SELECT id, version FROM terms_versions ORDER BY published_at DESC, id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await?)
}

/// The accepted terms of an account: (version, accepted_at, ip, user agent), newest first.
pub async fn acceptances(
    pool: &AnyPool,
    account_id: i64,
) -> StoreResult<Vec<(String, i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT v.version, a.accepted_at, a.ip_address, a.user_agent FROM terms_acceptances a
         JOIN terms_versions v ON v.id = a.terms_version_id WHERE a.account_id = $1 ORDER BY a.accepted_at DESC",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await?)
}

/// The customer number of an account (for the password rules).
pub async fn customer_number(pool: &AnyPool, account_id: i64) -> StoreResult<String> {
    Ok(sqlx::query_scalar(
        "SELECT c.customer_number FROM portal_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await?)
}

/// Stores a new password hash and clears the "must reset" flag.
pub async fn set_password(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    account_id: i64,
    password_hash: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE portal_accounts SET password_hash = $2, must_reset_password = 0, updated_at = $3 WHERE id = $1")
        .bind(account_id)
        .bind(password_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Blocks sign-in until the password is reset.
pub async fn require_reset(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    account_id: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE portal_accounts SET must_reset_password = 1, updated_at = $2 WHERE id = $1",
    )
    .bind(account_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores the new address (inside the transaction that uses up its confirmation).
pub async fn set_email(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    account_id: i64,
    email: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE portal_accounts SET email = $2, updated_at = $3 WHERE id = $1")
        .bind(account_id)
        .bind(email)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets (or with `None` clears) the second factor's secret and its last accepted step.
pub async fn set_totp(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    account_id: i64,
    secret_and_step: Option<(&str, i64)>,
) -> StoreResult<()> {
    sqlx::query("UPDATE portal_accounts SET totp_secret = $2, totp_last_step = $3, updated_at = $4 WHERE id = $1")
        .bind(account_id)
        .bind(secret_and_step.map(|(s, _)| s))
        .bind(secret_and_step.map(|(_, step)| step))
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Accounts whose TOTP secret was stored before sealing existed: id and secret.
pub async fn unsealed_totp(pool: &AnyPool) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, totp_secret FROM portal_accounts WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE 'v1:%'",
    )
    .fetch_all(pool)
    .await?)
}

/// One stored (sealed) TOTP secret, to check the data key against at start-up.
pub async fn any_totp(pool: &AnyPool) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT totp_secret FROM portal_accounts WHERE totp_secret IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?)
}

/// Replaces a stored TOTP secret by its sealed form (same secret, same last step).
pub async fn reseal_totp(pool: &AnyPool, account_id: i64, sealed: &str) -> StoreResult<()> {
    sqlx::query("UPDATE portal_accounts SET totp_secret = $2 WHERE id = $1")
        .bind(account_id)
        .bind(sealed)
        .execute(pool)
        .await?;
    Ok(())
}

/// The account's TOTP secret (sealed) and last accepted step, if the second factor is on.
pub async fn totp(pool: &AnyPool, account_id: i64) -> StoreResult<Option<(String, Option<i64>)>> {
    let row: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT totp_secret, totp_last_step FROM portal_accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|(s, step)| s.map(|s| (s, step))))
}

/// Whether the account has an authenticator app bound: a page's read, so any read path (on
/// SQLite the request's own thread, not a hand-off to sqlx's).
pub async fn has_totp<'r>(reads: impl Into<Reads<'r>>, account_id: i64) -> StoreResult<bool> {
    let row: Option<(i64,)> = reads
        .into()
        .optional(
            "SELECT id FROM portal_accounts WHERE id = $1 AND totp_secret IS NOT NULL",
            &[Arg::Int(account_id)],
        )
        .await?;
    Ok(row.is_some())
}

/// Claims a TOTP time step, so a code is accepted once; `true` only for the request that did.
pub async fn claim_totp_step(pool: &AnyPool, account_id: i64, step: i64) -> StoreResult<bool> {
    let claimed = sqlx::query(
        "UPDATE portal_accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(account_id)
    .bind(step)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Where a customer's portal notices go: the account's e-mail address and the customer's
/// language. None when the customer has no portal account.
pub async fn notice_address<'c>(
    reads: impl Into<Reads<'c>>,
    customer_id: i64,
) -> StoreResult<Option<(String, String)>> {
    reads
        .into()
        .optional(
            "SELECT a.email, c.language FROM portal_accounts a JOIN customers c ON c.id = a.customer_id
             WHERE a.customer_id = $1",
            &[Arg::Int(customer_id)],
        )
        .await
}

/// Notes a completed sign-in (shown to staff as "last sign-in").
pub async fn mark_signed_in(pool: &AnyPool, now: i64, account_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE portal_accounts SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// A portal account as staff see it: never the password or the second-factor secret, only
/// whether there is one.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct AccountState {
    pub email: String,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub two_factor: i64,
    pub must_reset_password: i64,
    pub active: i64,
    pub suspended_at: Option<i64>,
    pub suspended_reason: Option<String>,
    pub suspended_note: Option<String>,
}

pub async fn state_for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
) -> StoreResult<Option<AccountState>> {
    reads
        .into()
        .optional(
            "SELECT email, created_at, last_sign_in_at,
                CAST(CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) AS two_factor,
                must_reset_password, active, suspended_at, suspended_reason, suspended_note
             FROM portal_accounts WHERE customer_id = $1",
            &[Arg::Int(customer_id)],
        )
        .await
}

/// The id of the customer's portal account, if they registered.
pub async fn id_for_customer<'r>(
    reads: impl Into<Reads<'r>>,
    customer_id: i64,
) -> StoreResult<Option<i64>> {
    let row: Option<(i64,)> = reads
        .into()
        .optional(
            "SELECT id FROM portal_accounts WHERE customer_id = $1",
            &[Arg::Int(customer_id)],
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Suspends the account's portal access if it is not suspended yet (conditional: of two
/// admins at once, one suspends).
pub async fn suspend(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    account_id: i64,
    reason: &str,
    note: Option<&str>,
) -> StoreResult<bool> {
    Ok(sqlx::query(
        "UPDATE portal_accounts SET suspended_at = $1, suspended_reason = $2, suspended_note = $3,
            updated_at = $1 WHERE id = $4 AND suspended_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(note)
    .bind(account_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Gives a suspended account its access back.
pub async fn reinstate(
    conn: &mut sqlx::AnyConnection,
    now: i64,
    account_id: i64,
) -> StoreResult<bool> {
    Ok(sqlx::query(
        "UPDATE portal_accounts SET suspended_at = NULL, suspended_reason = NULL,
            suspended_note = NULL, updated_at = $1 WHERE id = $2 AND suspended_at IS NOT NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}
