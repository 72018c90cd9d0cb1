//! Security incidents (the only writer of `security_incidents`): reports that an account may be compromised, for the CIC.

use crate::error::StoreResult;

/// Records a security incident for the CIC.
pub async fn record<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    ex: E,
    now: i64,
    account_id: i64,
    kind: &str,
    ip: &str,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO security_incidents (account_id, kind, created_at, ip_address) VALUES ($1, $2, $3, $4)")
        .bind(account_id)
        .bind(kind)
        .bind(now)
        .bind(ip)
        .execute(ex)
        .await?;
    Ok(())
}

/// Open incidents of an account (kind, time), newest first.
pub async fn of_account<'r>(
    reads: impl Into<crate::infra::reads::Reads<'r>>,
    account_id: i64,
) -> StoreResult<Vec<(String, i64)>> {
    reads
        .into()
        .all(
            "SELECT kind, created_at FROM security_incidents WHERE account_id = $1 ORDER BY created_at DESC",
            &[crate::infra::reads::Arg::Int(account_id)],
        )
        .await
}

/// An open security incident as the CIC sees it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
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
pub async fn open<'r>(
    reads: impl Into<crate::infra::reads::Reads<'r>>,
) -> StoreResult<Vec<IncidentRow>> {
    reads
        .into()
        .all(
            "SELECT i.id, c.customer_number, a.first_name, a.last_name, i.kind, i.created_at
             FROM security_incidents i
             JOIN portal_accounts a ON a.id = i.account_id
             JOIN customers c ON c.id = a.customer_id
             WHERE i.handled_at IS NULL ORDER BY i.created_at DESC LIMIT 100",
            &[],
        )
        .await
}
