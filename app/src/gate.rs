//! The one access gate: who is asking. Server functions, pages (through the page guard in the
//! server) and file downloads all ask here, so the rules are written once:
//!
//! - a customer is signed in when the session holds a login younger than 12 hours that was
//!   not ended, and its account exists and is active ([`SignedInCustomer`]);
//! - a staff member is signed in when the session holds an active staff account's sign-in
//!   younger than 12 hours ([`SignedInStaff`]); a customer's session never holds one;
//! - [`require_customer`] sends everyone else to the customer sign-in with the full return
//!   address; [`require_staff`] sends everyone who is not staff (customers included, with the
//!   same answer as a signed-out visitor) to the staff sign-in, and answers
//!   [`AppError::Forbidden`] to staff whose role is not enough.
//!
//! Staff reads of customer data go through `backend::services::staff_access::read_audited`, which writes
//! the audit row in the read's transaction.

use crate::error::AppError;
use crate::paths;
use crate::session;
use backend::store::accounts::AccountRow;
use backend::{Clock, Db};
use domain::Lang;
use domain::model::StaffRole;
use leptos::prelude::with_context;
use tower_sessions::Session;

/// The signed-in customer, as every customer function sees it.
#[derive(Clone, Debug)]
pub struct SignedInCustomer {
    pub customer_id: i64,
    pub account_id: i64,
    /// The login (device) this browser signed in with.
    pub login_id: String,
    /// The language of this request.
    pub lang: Lang,
    pub account: AccountRow,
    /// Message threads with a reply not yet read, when the request came in (the header's
    /// badge, the dashboard and the message list).
    pub unread_replies: i64,
}

/// The signed-in staff member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedInStaff {
    pub staff_id: i64,
    pub role: StaffRole,
    pub name: String,
}

/// Where a staff member's request comes from, for its audit entries.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: String,
    pub request_id: String,
}

impl Origin {
    /// The origin of the request being served (in a server function or page).
    pub fn current() -> Origin {
        Origin {
            ip: session::client_ip(),
            request_id: session::request_id(),
        }
    }

    /// The origin of a plain axum request (downloads): its client address and request id.
    pub fn of_request(headers: &http::HeaderMap, client: Option<&session::ClientIp>) -> Origin {
        Origin {
            ip: client.map_or_else(|| "unknown".to_string(), |c| c.0.to_string()),
            request_id: headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(session::clean_request_id)
                .unwrap_or_default(),
        }
    }

    /// The audit identity of `staff_id` acting from here.
    pub fn reader(&self, staff_id: i64) -> backend::services::staff_access::Reader<'_> {
        backend::services::staff_access::Reader {
            staff_id,
            ip: &self.ip,
            request_id: &self.request_id,
        }
    }
}

/// The signed-in customer of a session (for code outside the Leptos context: downloads).
pub async fn customer_in(
    s: &Session,
    db: &Db,
    clock: &Clock,
    lang: Lang,
) -> Result<Option<SignedInCustomer>, AppError> {
    let Some((found, login_id)) = session::login_with(s, db, clock).await? else {
        return Ok(None);
    };
    let account = found.account;
    // A suspended account loses its session at once.
    if account.active != 1 || account.suspended_at.is_some() {
        return Ok(None);
    }
    Ok(Some(SignedInCustomer {
        customer_id: account.customer_id,
        account_id: account.id,
        login_id,
        lang,
        account,
        unread_replies: found.unread_replies,
    }))
}

/// The signed-in, active staff member of a session. A staff account that was switched off
/// loses its session at once.
pub async fn staff_in(
    s: &Session,
    db: &Db,
    clock: &Clock,
) -> Result<Option<SignedInStaff>, AppError> {
    let Some(staff_id) = session::staff_id_at(s, clock.epoch()).await? else {
        return Ok(None);
    };
    let staff = backend::store::staff::by_id(db.reads().await?, staff_id)
        .await?
        .filter(|row| row.active == 1 && row.setup_pending == 0);
    let Some(row) = staff else {
        s.flush().await?;
        return Ok(None);
    };
    let Some(role) = StaffRole::from_code(&row.role) else {
        tracing::error!(staff_id, role = %row.role, "stored staff role is unknown");
        return Ok(None);
    };
    Ok(Some(SignedInStaff {
        staff_id,
        role,
        name: row.display_name,
    }))
}

/// Who sent a request: worked out once per request. The server's page middleware resolves it
/// before the page renders ([`resolve`]) and keeps it in the request ([`Resolved`]); the
/// page's own functions ([`require_customer`], [`require_staff`]) take it from there instead
/// of reading the session's login, the account and the staff row a second time.
#[derive(Clone, Debug, Default)]
pub enum Principal {
    #[default]
    Visitor,
    Customer(SignedInCustomer),
    Staff(SignedInStaff),
}

impl Principal {
    /// What the page frame shows: the customer's first name, or that staff is signed in.
    pub fn frame(&self) -> domain::SignedIn {
        match self {
            Principal::Visitor => domain::SignedIn::default(),
            Principal::Customer(me) => domain::SignedIn {
                customer: Some(me.account.first_name.clone()),
                staff: false,
                unread: me.unread_replies,
            },
            Principal::Staff(_) => domain::SignedIn {
                customer: None,
                staff: true,
                unread: 0,
            },
        }
    }
}

/// The request's [`Principal`], in the request's extensions.
#[derive(Clone, Debug)]
pub struct Resolved(pub std::sync::Arc<Principal>);

/// Who is signed in in this browser (a staff sign-in first: a browser is never both), for a
/// request in `lang`.
pub async fn resolve(
    s: &Session,
    db: &Db,
    clock: &Clock,
    lang: Lang,
) -> Result<Principal, AppError> {
    if let Some(staff) = staff_in(s, db, clock).await? {
        return Ok(Principal::Staff(staff));
    }
    Ok(match customer_in(s, db, clock, lang).await? {
        Some(me) => Principal::Customer(me),
        None => Principal::Visitor,
    })
}

/// The principal the middleware resolved for this request, if it did (pages; server
/// functions called by the browser resolve their own).
fn resolved() -> Option<std::sync::Arc<Principal>> {
    with_context::<http::request::Parts, _>(|p| p.extensions.get::<Resolved>().map(|r| r.0.clone()))
        .flatten()
}

/// The signed-in customer; otherwise a redirect to the sign-in page that comes back to
/// `back_to` (the full address) and `None`.
pub async fn require_customer(back_to: &str) -> Result<Option<SignedInCustomer>, AppError> {
    let me = match resolved() {
        Some(principal) => match &*principal {
            Principal::Customer(me) => Some(me.clone()),
            _ => None,
        },
        None => {
            let s = session::session().await?;
            customer_in(&s, &session::db()?, &session::clock()?, session::lang()).await?
        }
    };
    if me.is_none() {
        leptos_axum::redirect(&paths::sign_in_url(back_to));
    }
    Ok(me)
}

/// The signed-in staff member if their role includes `needed`. Not staff (signed out or a
/// customer): a redirect to the staff sign-in and `None`. Staff without the role:
/// [`AppError::Forbidden`].
pub async fn require_staff(needed: StaffRole) -> Result<Option<SignedInStaff>, AppError> {
    let staff = match resolved() {
        Some(principal) => match &*principal {
            Principal::Staff(staff) => Some(staff.clone()),
            _ => None,
        },
        None => {
            let s = session::session().await?;
            staff_in(&s, &session::db()?, &session::clock()?).await?
        }
    };
    let Some(staff) = staff else {
        leptos_axum::redirect(paths::STAFF_SIGN_IN);
        return Ok(None);
    };
    if !staff.role.includes(needed) {
        tracing::warn!(
            staff_id = staff.staff_id,
            role = staff.role.code(),
            needed = needed.code(),
            "staff function refused: role"
        );
        return Err(AppError::Forbidden);
    }
    Ok(Some(staff))
}

/// Who is signed in in this browser, for the page frame.
pub async fn frame(s: &Session, db: &Db, clock: &Clock) -> Result<domain::SignedIn, AppError> {
    Ok(resolve(s, db, clock, Lang::default()).await?.frame())
}
