//! The benchmark data set: `server seed --customers N` adds N generated customers, each with
//! one contract, its vehicle and ten monthly invoices (100,000 customers → 1,000,000 invoices),
//! with multi-row inserts in large transactions. Numbers start at 5,000,000 so they never
//! collide with demo or imported customers.

use crate::error::StoreResult;
use crate::infra::db::{Backend, Db};
use domain::import::structured_reference;
use domain::model::{RequestKind, RequestStatus};
use sqlx::Any;

const INVOICES_PER_CUSTOMER: i64 = 10;
const CHUNK: i64 = 1_000;
const FIRST_NUMBER: i64 = 5_000_000;

async fn next_id(tx: &mut sqlx::Transaction<'_, Any>, table: &str) -> StoreResult<i64> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

/// Builds `INSERT INTO table (cols) VALUES ($1, …), (…)` for `rows` rows.
fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    sql
}

/// Adds `count` generated customers; returns how many invoices were written.
pub async fn seed(db: &Db, now: i64, count: i64) -> StoreResult<i64> {
    let mut tx = crate::infra::db::begin_write(&db.pool).await?;
    let first_customer_number: i64 = sqlx::query_scalar::<_, Option<String>>(
        "SELECT MAX(customer_number) FROM customers WHERE customer_number >= '5000000'",
    )
    .fetch_one(&mut *tx)
    .await?
    .and_then(|n| n.parse::<i64>().ok())
    .map_or(FIRST_NUMBER, |n| n + 1);
    let customer_id0 = next_id(&mut tx, "customers").await?;
    let contract_id0 = next_id(&mut tx, "contracts").await?;
    let vehicle_id0 = next_id(&mut tx, "vehicles").await?;
    let invoice_id0 = next_id(&mut tx, "invoices").await?;
    let request_id0 = next_id(&mut tx, "service_requests").await?;
    let event_id0 = next_id(&mut tx, "request_events").await?;
    let mut invoices = 0;
    let mut done = 0;
    while done < count {
        let rows = CHUNK.min(count - done);
        let cols = [
            "id",
            "customer_number",
            "kind",
            "first_name",
            "last_name",
            "mobile",
            "email",
            "language",
            "created_at",
            "updated_at",
            "search_text",
        ];
        let sql = insert_sql("customers", &cols, rows as usize);
        let mut q = sqlx::query(&sql);
        for r in done..done + rows {
            let number = first_customer_number + r;
            let (first, last) = (format!("Klant{r}"), format!("Test{}", r % 997));
            let mobile = format!("+32479{:06}", r % 1_000_000);
            let email = format!("customer{number}@seed.example");
            let search = domain::search::document([
                number.to_string().as_str(),
                &format!("{first} {last}"),
                &email,
                &mobile,
                &format!("SC-{number}"),
            ]);
            q = q
                .bind(customer_id0 + r)
                .bind(number.to_string())
                .bind("private")
                .bind(first)
                .bind(last)
                .bind(mobile)
                .bind(email)
                .bind(["nl", "fr", "en"][(r % 3) as usize])
                .bind(now)
                .bind(now)
                .bind(search);
        }
        q.execute(&mut *tx).await?;

        let cols = [
            "id",
            "contract_number",
            "customer_id",
            "kind",
            "status",
            "start_date",
            "end_date",
            "duration_months",
            "monthly_amount_cents",
            "allowed_km_per_year",
            "excess_km_rate_cents",
            "created_at",
            "updated_at",
        ];
        let sql = insert_sql("contracts", &cols, rows as usize);
        let mut q = sqlx::query(&sql);
        for r in done..done + rows {
            let year = 2022 + (r % 4);
            q = q
                .bind(contract_id0 + r)
                .bind(format!("SC-{}", first_customer_number + r))
                .bind(customer_id0 + r)
                .bind("lease")
                .bind("active")
                .bind(format!("{year}-01-01"))
                .bind(format!("{}-12-31", year + 3))
                .bind(48_i64)
                .bind(40_000 + (r % 300) * 100)
                .bind(20_000_i64)
                .bind(10_i64)
                .bind(now)
                .bind(now);
        }
        q.execute(&mut *tx).await?;

        let cols = ["id", "contract_id", "make", "model", "vin", "number_plate"];
        let sql = insert_sql("vehicles", &cols, rows as usize);
        let mut q = sqlx::query(&sql);
        for r in done..done + rows {
            q = q
                .bind(vehicle_id0 + r)
                .bind(contract_id0 + r)
                .bind("Volkswagen")
                .bind("Golf")
                .bind(format!("SEEDV{:012}", first_customer_number + r))
                .bind(Option::<String>::None);
        }
        q.execute(&mut *tx).await?;

        let cols = [
            "id",
            "invoice_number",
            "contract_id",
            "issue_date",
            "due_date",
            "amount_excl_vat_cents",
            "vat_cents",
            "amount_incl_vat_cents",
            "status",
            "description",
            "payment_reference",
            // Set here so that the database's trigger (migration 0022) has nothing to correct.
            "customer_id",
        ];
        for part in 0..INVOICES_PER_CUSTOMER {
            // One statement per invoice month keeps each statement under the parameter limits.
            let sql = insert_sql("invoices", &cols, rows as usize);
            let mut q = sqlx::query(&sql);
            for r in done..done + rows {
                let seq = r * INVOICES_PER_CUSTOMER + part;
                let number = format!("S{}", first_customer_number * INVOICES_PER_CUSTOMER + seq);
                let month = part + 1;
                q = q
                    .bind(invoice_id0 + seq)
                    .bind(number.clone())
                    .bind(contract_id0 + r)
                    .bind(format!("2026-{month:02}-01"))
                    .bind(format!("2026-{month:02}-28"))
                    .bind(41_322_i64)
                    .bind(8_678_i64)
                    .bind(50_000_i64)
                    .bind(if part == INVOICES_PER_CUSTOMER - 1 {
                        "open"
                    } else {
                        "paid"
                    })
                    .bind(format!("{month:02}/2026"))
                    .bind(structured_reference(&number))
                    .bind(customer_id0 + r);
            }
            q.execute(&mut *tx).await?;
            invoices += rows;
        }
        // One open allowance change per contract, filed over the last 30 days (the CIC's work
        // queue with as many open requests as customers), each with its history row.
        let cols = [
            "id",
            "customer_id",
            "contract_id",
            "kind",
            "status",
            "effective_date",
            "new_km_per_year",
            "old_value",
            "created_at",
            "updated_at",
            "open_since",
        ];
        let sql = insert_sql("service_requests", &cols, rows as usize);
        let mut q = sqlx::query(&sql);
        for r in done..done + rows {
            let filed = now - (r % 30) * 86_400 - r % 86_400;
            q = q
                .bind(request_id0 + r)
                .bind(customer_id0 + r)
                .bind(contract_id0 + r)
                .bind(RequestKind::MileageChange.code())
                .bind(RequestStatus::Submitted.code())
                .bind("2027-01-01")
                .bind(25_000_i64)
                .bind("20000")
                .bind(filed)
                .bind(filed)
                .bind(filed);
        }
        q.execute(&mut *tx).await?;
        let cols = ["id", "request_id", "status", "at"];
        let sql = insert_sql("request_events", &cols, rows as usize);
        let mut q = sqlx::query(&sql);
        for r in done..done + rows {
            q = q
                .bind(event_id0 + r)
                .bind(request_id0 + r)
                .bind(RequestStatus::Submitted.code())
                .bind(now - (r % 30) * 86_400 - r % 86_400);
        }
        q.execute(&mut *tx).await?;
        done += rows;
    }
    if db.backend == Backend::Postgres {
        for table in [
            "customers",
            "contracts",
            "vehicles",
            "invoices",
            "service_requests",
            "request_events",
        ] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(invoices)
}

/// Appends `count` generated entries to the staff audit trail (the CSV export benchmark): the
/// first staff member viewing seed customers, in a valid chain; 10,000 a transaction.
pub async fn audit_entries(db: &Db, now: i64, count: i64) -> StoreResult<()> {
    let staff: Option<i64> = sqlx::query_scalar("SELECT MIN(id) FROM staff_accounts")
        .fetch_one(&db.pool)
        .await?;
    let Some(staff) = staff else {
        return Ok(());
    };
    let mut done = 0;
    while done < count {
        let n = (count - done).min(10_000);
        let customers: Vec<String> = (done..done + n)
            .map(|i| (FIRST_NUMBER + i % 100_000).to_string())
            .collect();
        let entries: Vec<crate::store::audit::Entry<'_>> = customers
            .iter()
            .map(|c| crate::store::audit::Entry {
                staff_id: staff,
                action: "view_customer",
                customer: Some(c),
                object: None,
                detail: "",
                ip: "127.0.0.1",
                request_id: None,
            })
            .collect();
        let mut tx = crate::infra::db::begin_write(&db.pool).await?;
        crate::store::audit::record_many(&mut tx, now, &entries).await?;
        tx.commit().await?;
        done += n;
    }
    Ok(())
}

/// Messages a generated thread has (alternately the customer's and a staff reply).
const MESSAGES_PER_THREAD: i64 = 10;

/// Adds `count` generated messages (the messaging benchmark): threads of ten messages, open,
/// answered or closed in turn, the last minute before `now` the newest. The threads go to the
/// generated customers of [`seed`] in turn when there are any (filed under the first portal
/// account: a benchmark's shortcut, as generated customers have none), else to every portal
/// account's customer. Returns how many threads were written.
pub async fn messages(db: &Db, now: i64, count: i64) -> StoreResult<i64> {
    let mut accounts: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, customer_id FROM portal_accounts ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    let generated: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM customers WHERE customer_number >= '5000000' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    if let Some(&(first, _)) = accounts.first()
        && !generated.is_empty()
    {
        accounts = generated.into_iter().map(|c| (first, c)).collect();
    }
    let staff: Option<i64> = sqlx::query_scalar("SELECT MIN(id) FROM staff_accounts")
        .fetch_one(&db.pool)
        .await?;
    if accounts.is_empty() {
        return Ok(0);
    }
    let threads = (count + MESSAGES_PER_THREAD - 1) / MESSAGES_PER_THREAD;
    let categories = domain::messages::Category::ALL;
    let body = "Goedendag, ik heb een vraag over mijn contract en de facturen van de voorbije maanden. \
                Kunt u nakijken of alles klopt? Met vriendelijke groeten.";
    let mut done = 0;
    while done < threads {
        let rows = 500.min(threads - done);
        let mut tx = crate::infra::db::begin_write(&db.pool).await?;
        let thread_id0 = next_id(&mut tx, "message_threads").await?;
        let message_id0 = next_id(&mut tx, "messages").await?;
        let cols = [
            "id",
            "customer_id",
            "account_id",
            "subject",
            "category",
            "status",
            "created_at",
            "last_activity_at",
            "waiting_since",
            "last_reply_at",
            "customer_read_at",
            "version",
        ];
        let sql = insert_sql("message_threads", &cols, rows as usize);
        let mut q = sqlx::query(&sql);
        for r in 0..rows {
            let n = done + r;
            let (account, customer) = accounts[(n % accounts.len() as i64) as usize];
            // The newest thread a minute ago, each older one a minute before it.
            let at = now - 60 * (threads - n);
            let status = ["open", "answered", "closed"][(n % 3) as usize];
            q = q
                .bind(thread_id0 + r)
                .bind(customer)
                .bind(account)
                .bind(format!("Vraag {n}"))
                .bind(categories[(n % categories.len() as i64) as usize].code())
                .bind(status)
                .bind(at - 3_600)
                .bind(at)
                .bind((status == "open").then_some(at))
                .bind((status != "open").then_some(at))
                // Every other thread of an account read.
                .bind(((n / accounts.len() as i64) % 2 == 0).then_some(at))
                .bind(1_i64);
        }
        q.execute(&mut *tx).await?;
        let cols = [
            "id",
            "thread_id",
            "author",
            "staff_id",
            "body",
            "created_at",
        ];
        // 5,000 rows a statement (SQLite takes at most 32,766 parameters).
        let per_statement = 500;
        for first in (0..rows).step_by(per_statement as usize) {
            let chunk = per_statement.min(rows - first);
            let sql = insert_sql("messages", &cols, (chunk * MESSAGES_PER_THREAD) as usize);
            let mut q = sqlx::query(&sql);
            for r in first..first + chunk {
                let at = now - 60 * (threads - (done + r));
                for m in 0..MESSAGES_PER_THREAD {
                    let customer = m % 2 == 0;
                    q = q
                        .bind(message_id0 + r * MESSAGES_PER_THREAD + m)
                        .bind(thread_id0 + r)
                        .bind(if customer { "customer" } else { "staff" })
                        .bind(if customer { None } else { staff })
                        .bind(body)
                        .bind(at - 3_600 + 360 * m);
                }
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        done += rows;
    }
    Ok(threads)
}

/// The load test's users: a portal account (terms accepted) for each generated customer that
/// has none yet, up to `customers` of them, with the e-mail address `load<customer number>@example.test`,
/// and `agents` agents `load-agent-<n>@example.test` with the demo agent's TOTP key. Every
/// account gets `password_hash`. Returns how many accounts and agents were added.
pub async fn load_users(
    db: &Db,
    now: i64,
    customers: i64,
    agents: i64,
    password_hash: &str,
    totp_key: &str,
) -> StoreResult<(i64, i64)> {
    let (terms, _) = crate::store::accounts::current_terms(&db.pool).await?;
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT c.id, c.customer_number, c.first_name, c.last_name FROM customers c
         WHERE c.customer_number >= '5000000'
           AND NOT EXISTS (SELECT 1 FROM portal_accounts a WHERE a.customer_id = c.id)
         ORDER BY c.customer_number LIMIT $1",
    )
    .bind(customers)
    .fetch_all(&db.pool)
    .await?;
    let mut tx = crate::infra::db::begin_write(&db.pool).await?;
    let mut added = 0;
    for (id, number, first, last) in &rows {
        let email = format!("load{number}@example.test");
        let account = crate::store::accounts::NewAccount {
            customer_id: *id,
            email: &email,
            first_name: first,
            last_name: last,
            password_hash,
            terms_version_id: terms,
            ip_address: "127.0.0.1",
            user_agent: "load test seed",
        };
        if crate::store::accounts::create_in(&mut tx, now, &account)
            .await?
            .is_ok()
        {
            added += 1;
        }
    }
    tx.commit().await?;
    let sealed = crate::infra::seal::seal(crate::infra::seal::Column::StaffTotp, totp_key)?;
    let mut staff = 0;
    for n in 1..=agents {
        let email = format!("load-agent-{n}@example.test");
        if crate::store::staff::login_by_email(&db.pool, &email)
            .await?
            .is_none()
        {
            crate::store::staff::create(
                &db.pool,
                now,
                &email,
                &format!("Load Agent {n}"),
                domain::model::StaffRole::Agent,
                password_hash,
                &sealed,
            )
            .await?;
            staff += 1;
        }
    }
    Ok((added, staff))
}

#[cfg(test)]
mod tests {
    #[test]
    fn insert_sql_numbers_placeholders() {
        assert_eq!(
            super::insert_sql("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
