//! Contact details: the customer sees the postal address, mobile number and e-mail address
//! for correspondence the back office keeps, and asks for a change through the request model
//! (the CIC approves; `change_requests::approve` writes the new value to the customer). A new
//! mobile number is confirmed first with an SMS code sent to that number: only the confirmed
//! number is filed.

use crate::infra::db;
use crate::infra::outbox::queue;
use crate::services::change_requests::{Customer, Filed, notify, open_duplicate};
use crate::services::{ServiceError, Services, commit};
use crate::store::codes::{self, Purpose};
use crate::store::customers::{self, ContactRow};
use crate::store::requests::{self, NewChange, RequestRow};
use domain::Lang;
use domain::codes::CheckOutcome;
use domain::contact::{self as rules, ContactRefusal};
use domain::i18n::tf;
use domain::model::{RequestKind, RequestStatus};
use domain::refusal::Refusal;
use domain::values::PhoneNumber;

/// What the contact page shows.
pub struct ContactView {
    pub contact: ContactRow,
    /// The customer's open contact-details requests, newest first.
    pub open: Vec<RequestRow>,
}

/// The customer's contact details and their open requests to change them.
pub async fn view(s: &Services<'_>, customer_id: i64) -> Result<Option<ContactView>, ServiceError> {
    let mut reads = s.db.reads().await?;
    let Some(contact) = customers::contact(&mut reads, customer_id).await? else {
        return Ok(None);
    };
    let open = requests::for_customer(&mut reads, customer_id)
        .await?
        .into_iter()
        .filter(|r| r.kind().is_some_and(RequestKind::is_contact))
        .filter(|r| r.status().is_some_and(RequestStatus::is_pending))
        .collect();
    Ok(Some(ContactView { contact, open }))
}

/// A new postal address as typed.
pub struct AddressForm<'a> {
    pub street: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub country: &'a str,
}

async fn current(s: &Services<'_>, me: Customer) -> Result<ContactRow, ServiceError> {
    customers::contact(s.pool, me.customer_id)
        .await?
        .ok_or_else(|| {
            crate::StoreError::Corrupt(format!("customer {} has no row", me.customer_id)).into()
        })
}

/// Files a contact change: one open request of a kind per customer, the request, its history
/// and the customer's e-mail in one transaction.
async fn file(
    s: &Services<'_>,
    me: Customer,
    kind: RequestKind,
    change: NewChange<'_>,
) -> Result<Filed, ServiceError> {
    let mut tx = db::begin_write(s.pool).await?;
    db::serialise(&mut tx, &format!("service_requests:{}", me.customer_id)).await?;
    if let Some(open) = open_duplicate(&mut tx, me.customer_id, kind, None).await? {
        tx.rollback().await?;
        return Ok(Filed::Duplicate(open));
    }
    let id = requests::create_change(&mut tx, s.clock.epoch(), kind, &change).await?;
    notify(s, &mut tx, id).await?;
    commit(s, tx).await?;
    Ok(Filed::Filed(id))
}

/// Asks for a new postal address.
pub async fn request_address(
    s: &Services<'_>,
    me: Customer,
    form: &AddressForm<'_>,
) -> Result<Filed, ServiceError> {
    let now = current(s, me).await?;
    let on_file = now.address();
    let address = match rules::new_address(
        form.street,
        form.postal_code,
        form.city,
        form.country,
        on_file.as_ref(),
    ) {
        Ok(a) => a,
        Err(r) => return Ok(Filed::Refused(r)),
    };
    let old = on_file.map(|a| a.one_line());
    file(
        s,
        me,
        RequestKind::AddressChange,
        NewChange {
            customer_id: me.customer_id,
            account_id: Some(me.account_id),
            old_value: old.as_deref(),
            new_address: Some(&address),
            ..NewChange::default()
        },
    )
    .await
}

/// Asks for a new e-mail address for correspondence (letters and notices from the back
/// office; the portal sign-in address is changed on the security page).
pub async fn request_email(
    s: &Services<'_>,
    me: Customer,
    email: &str,
) -> Result<Filed, ServiceError> {
    let now = current(s, me).await?;
    let email = match rules::new_email(email, now.email.as_deref()) {
        Ok(e) => e,
        Err(r) => return Ok(Filed::Refused(r)),
    };
    file(
        s,
        me,
        RequestKind::EmailChange,
        NewChange {
            customer_id: me.customer_id,
            account_id: Some(me.account_id),
            old_value: now.email.as_deref(),
            new_email: Some(email.as_str()),
            ..NewChange::default()
        },
    )
    .await
}

/// The outcome of asking for a code for a new mobile number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MobileCode {
    /// A code is on its way to this number (E.164).
    Sent(PhoneNumber),
    Refused(Refusal),
    /// A mobile number change is still open (its id).
    Duplicate(i64),
}

/// Sends a code to a new mobile number, within the SMS limits of the customer (3 in 15
/// minutes, 10 a day, one a minute): the code row and the SMS are one transaction.
pub async fn send_mobile_code(
    s: &Services<'_>,
    me: Customer,
    number: &str,
) -> Result<MobileCode, ServiceError> {
    let now_on_file = current(s, me).await?;
    let phone = match rules::new_mobile(number, now_on_file.mobile.as_deref()) {
        Ok(p) => p,
        Err(r) => return Ok(MobileCode::Refused(r)),
    };
    let Some(customer) = customers::by_id(s.pool, me.customer_id).await? else {
        return Ok(MobileCode::Refused(Refusal::WrongStep));
    };
    let now = s.clock.epoch();
    let mut tx = db::begin_write(s.pool).await?;
    if let Some(open) =
        open_duplicate(&mut tx, me.customer_id, RequestKind::MobileChange, None).await?
    {
        tx.rollback().await?;
        return Ok(MobileCode::Duplicate(open));
    }
    let code = match codes::issue(
        &mut tx,
        now,
        &customer.customer_number,
        Purpose::Mobile,
        true,
    )
    .await?
    {
        Ok(Some(code)) => code,
        Ok(None) => return Ok(MobileCode::Refused(Refusal::CodeVoid)),
        Err(refusal) => {
            tx.rollback().await?;
            return Ok(MobileCode::Refused(Refusal::CodeNotSent(refusal)));
        }
    };
    let lang = Lang::from_code(&customer.language).unwrap_or_default();
    let body = tf(
        lang,
        "sms.mobile_code",
        &[("code", &code), ("company", &s.branding.company_name)],
    );
    queue::enqueue_sms(&mut tx, now, &phone, &body).await?;
    commit(s, tx).await?;
    tracing::info!("mobile number confirmation code sent");
    Ok(MobileCode::Sent(phone))
}

/// Files the mobile number change once the code sent to `pending` (the number the last code
/// went to, kept by the caller) is typed right.
pub async fn confirm_mobile(
    s: &Services<'_>,
    me: Customer,
    pending: Option<&str>,
    typed: &str,
) -> Result<Filed, ServiceError> {
    let Some(phone) = pending.and_then(|p| PhoneNumber::parse(p).ok()) else {
        return Ok(Filed::Refused(ContactRefusal::MobileNotPending.into()));
    };
    let Some(code) = domain::codes::normalise(typed) else {
        return Ok(Filed::Refused(Refusal::CodeFormat));
    };
    let Some(customer) = customers::by_id(s.pool, me.customer_id).await? else {
        return Ok(Filed::NotFound);
    };
    let outcome = codes::verify(
        s.pool,
        s.clock.epoch(),
        &customer.customer_number,
        Purpose::Mobile,
        &code,
    )
    .await?;
    match outcome {
        CheckOutcome::Accepted => {}
        CheckOutcome::Wrong => return Ok(Filed::Refused(Refusal::CodeWrong)),
        CheckOutcome::Void => return Ok(Filed::Refused(Refusal::CodeVoid)),
    }
    let old = customer.mobile.as_deref().map(PhoneNumber::shown);
    file(
        s,
        me,
        RequestKind::MobileChange,
        NewChange {
            customer_id: me.customer_id,
            account_id: Some(me.account_id),
            old_value: old.as_deref(),
            new_mobile: Some(phone.as_str()),
            ..NewChange::default()
        },
    )
    .await
}
