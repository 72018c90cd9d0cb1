//! The CIC's customer search and read-only customer view (issue 11). Staff see what the
//! customer sees (profile and contact details, contracts with vehicles, invoices, documents,
//! requests) plus the portal account's state and security incidents, never a password or a
//! second-factor secret. Every search and every opening is one audit entry, committed before
//! the data is handed out (no entry, no data).

use crate::services::{ServiceError, Services};
use crate::store::accounts::{self, AccountState};
use crate::store::contracts::{self, ContractDetail};
use crate::store::customers::{self, ContactRow, CustomerRow, FoundRow};
use crate::store::documents::{self, DocumentRow};
use crate::store::invoices::{self, InvoiceRow};
use crate::store::requests::{self, RequestRow};
use crate::store::{audit, incidents};
use domain::invoice_query::InvoiceQuery;
use domain::search::{PAGE_SIZE, SearchRefusal, Term};

pub use crate::services::staff_access::Reader;

/// One page of search results.
pub struct Found {
    pub customers: Vec<FoundRow>,
    /// 1-based.
    pub page: i64,
    pub more: bool,
}

/// Searches customers by any of their numbers, names, addresses or plates (audited with the
/// term and the number of results).
pub async fn search(
    s: &Services<'_>,
    who: Reader<'_>,
    text: &str,
    page: i64,
) -> Result<Result<Found, SearchRefusal>, ServiceError> {
    let term = match Term::parse(text) {
        Ok(t) => t,
        Err(r) => return Ok(Err(r)),
    };
    let page = page.clamp(1, 10_000);
    let (rows, more) = customers::search(
        s.db.reads().await?,
        &term,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    let detail = format!("\"{}\" page {page}: {} found", term.folded, rows.len());
    audit::record_alone(
        s.db,
        s.clock.epoch(),
        &who.entry("search_customers", None, None, &detail),
    )
    .await?;
    Ok(Ok(Found {
        customers: rows,
        page,
        more,
    }))
}

/// What the customer view shows.
pub struct CustomerView {
    pub customer: CustomerRow,
    pub contact: ContactRow,
    pub account: Option<AccountState>,
    pub contracts: Vec<ContractDetail>,
    /// The newest invoices (one page).
    pub invoices: Vec<InvoiceRow>,
    pub invoice_count: i64,
    pub documents: Vec<DocumentRow>,
    pub requests: Vec<RequestRow>,
    /// Security incidents of the account: (kind, when).
    pub incidents: Vec<(String, i64)>,
}

/// Opens a customer by number (audited); None for an unknown number.
pub async fn open(
    s: &Services<'_>,
    who: Reader<'_>,
    number: &str,
) -> Result<Option<CustomerView>, ServiceError> {
    // The page's reads (in the request's thread on SQLite), then the audit entry.
    let mut reads = s.db.reads().await?;
    let Some(customer) = customers::by_number(&mut reads, number.trim()).await? else {
        return Ok(None);
    };
    let Some(contact) = customers::contact(&mut reads, customer.id).await? else {
        return Ok(None);
    };
    let account = accounts::state_for_customer(&mut reads, customer.id).await?;
    let incidents = match accounts::id_for_customer(&mut reads, customer.id).await? {
        Some(account_id) => incidents::of_account(&mut reads, account_id).await?,
        None => Vec::new(),
    };
    let contracts = contracts::details_for_customer(&mut reads, customer.id).await?;
    let (invoices, invoice_count) = invoices::page_for_customer(
        &mut reads,
        customer.id,
        &InvoiceQuery {
            page: 1,
            ..InvoiceQuery::default()
        },
        s.clock.local_today(),
    )
    .await?;
    let documents = documents::for_customer(&mut reads, customer.id).await?;
    let requests = requests::for_customer(&mut reads, customer.id).await?;
    drop(reads);
    audit::record_alone(
        s.db,
        s.clock.epoch(),
        &who.entry("view_customer", Some(&customer.customer_number), None, ""),
    )
    .await?;
    Ok(Some(CustomerView {
        customer,
        contact,
        account,
        contracts,
        invoices,
        invoice_count,
        documents,
        requests,
        incidents,
    }))
}

/// What an admin's suspension or reinstatement did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suspended {
    Done,
    Refused(domain::refusal::Refusal),
    NotFound,
}

/// Suspends a customer's portal access (admins; the caller checks the role): the account
/// cannot sign in, every session ends at once, the customer is e-mailed and the action is
/// audited, all in one transaction.
pub async fn suspend(
    s: &Services<'_>,
    who: Reader<'_>,
    number: &str,
    reason: &str,
    note: &str,
) -> Result<Suspended, ServiceError> {
    let suspension = match domain::suspension::parse(reason, note) {
        Ok(x) => x,
        Err(r) => return Ok(Suspended::Refused(r)),
    };
    change_access(s, who, number, Some(&suspension)).await
}

/// Gives a suspended customer their access back (e-mailed and audited).
pub async fn reinstate(
    s: &Services<'_>,
    who: Reader<'_>,
    number: &str,
) -> Result<Suspended, ServiceError> {
    change_access(s, who, number, None).await
}

async fn change_access(
    s: &Services<'_>,
    who: Reader<'_>,
    number: &str,
    suspension: Option<&domain::suspension::Suspension>,
) -> Result<Suspended, ServiceError> {
    use crate::infra::outbox::{Mail, queue};
    use domain::Lang;
    use domain::i18n::tf;
    let Some(customer) = customers::by_number(s.pool, number.trim()).await? else {
        return Ok(Suspended::NotFound);
    };
    let Some(account) = accounts::id_for_customer(s.pool, customer.id).await? else {
        return Ok(Suspended::Refused(
            domain::refusal::Refusal::SuspensionNotPossible,
        ));
    };
    let now = s.clock.epoch();
    let mut tx = crate::infra::db::begin_write(s.pool).await?;
    let changed = match suspension {
        Some(x) => accounts::suspend(&mut tx, now, account, x.reason, x.note.as_deref()).await?,
        None => accounts::reinstate(&mut tx, now, account).await?,
    };
    if !changed {
        tx.rollback().await?;
        return Ok(Suspended::Refused(
            domain::refusal::Refusal::SuspensionNotPossible,
        ));
    }
    if suspension.is_some() {
        crate::store::logins::end_all(&mut *tx, account, None).await?;
    }
    let (action, detail) = match suspension {
        Some(x) => (
            "suspend_customer",
            format!(
                "reason {}{}",
                x.reason,
                x.note
                    .as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default()
            ),
        ),
        None => ("reinstate_customer", String::new()),
    };
    let entry = who.entry(action, Some(&customer.customer_number), None, &detail);
    audit::record(&mut tx, now, &entry).await?;
    if let Some((email, lang)) = accounts::notice_address(&mut *tx, customer.id).await?
        && let Ok(to) = domain::values::Email::parse(&email)
    {
        let lang = Lang::from_code(&lang).unwrap_or_default();
        let args = [
            ("company", s.branding.company_name.as_str()),
            ("phone", s.branding.contact_phone.as_str()),
            ("email", s.branding.contact_email.as_str()),
        ];
        let key = if suspension.is_some() {
            "mail.suspended"
        } else {
            "mail.reinstated"
        };
        let mail = Mail {
            to,
            subject: tf(lang, &format!("{key}.subject"), &args),
            body: tf(lang, &format!("{key}.body"), &args),
        };
        queue::enqueue_mail(&mut tx, now, &mail).await?;
    }
    crate::services::commit(s, tx).await?;
    Ok(Suspended::Done)
}

/// Sends the customer a password-reset link (any staff role; staff never see or set a
/// password): the link goes to the sign-in address in the customer's language, like a
/// "forgot password" the customer asked for; audited in the same transaction. Refused when
/// the customer has no active portal account or it is suspended.
pub async fn send_password_reset(
    s: &Services<'_>,
    who: Reader<'_>,
    number: &str,
) -> Result<Suspended, ServiceError> {
    use domain::Lang;
    use domain::refusal::Refusal;
    let Some(customer) = customers::by_number(s.pool, number.trim()).await? else {
        return Ok(Suspended::NotFound);
    };
    let account = match accounts::id_for_customer(s.pool, customer.id).await? {
        Some(id) => accounts::by_id(s.pool, id).await?,
        None => None,
    };
    let Some(account) = account.filter(|a| a.active == 1 && a.suspended_at.is_none()) else {
        return Ok(Suspended::Refused(Refusal::ResetNotPossible));
    };
    let lang = Lang::from_code(&customer.language).unwrap_or_default();
    let now = s.clock.epoch();
    let _turn = audit::APPENDS.lock().await;
    let mut tx = crate::infra::db::begin_write(s.pool).await?;
    audit::record(
        &mut tx,
        now,
        &who.entry(
            "send_password_reset",
            Some(&customer.customer_number),
            None,
            "",
        ),
    )
    .await?;
    crate::services::security::send_reset_link(s, &mut tx, &account, lang).await?;
    crate::services::commit(s, tx).await?;
    Ok(Suspended::Done)
}
