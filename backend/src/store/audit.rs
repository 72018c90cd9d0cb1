//! The staff audit trail (the only writer of `staff_audit`): one row per staff action or read of customer data.

use crate::error::StoreResult;

/// Writes a line of the staff audit log (inside the caller's transaction when given one; staff
/// reads of customer data write it through `staff_access::read_audited`).
pub async fn record<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
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
pub async fn recent(conn: &mut sqlx::AnyConnection, limit: i64) -> StoreResult<Vec<AuditRow>> {
    Ok(sqlx::query_as(
        "SELECT l.id, s.display_name AS staff_name, l.action, l.subject, l.at, l.ip_address
         FROM staff_audit l JOIN staff_accounts s ON s.id = l.staff_id
         ORDER BY l.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?)
}
