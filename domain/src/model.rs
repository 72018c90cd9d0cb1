//! The kinds and statuses of the core model, with their storage codes and translation keys.

use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and used in the import format and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The translation key of the name shown to people.
            pub fn label_key(self) -> String {
                format!("{}.{}", stringify!($name).to_ascii_lowercase(), self.code())
            }
        }
    };
}

coded_enum!(
    /// A private person or a company.
    CustomerKind { Private => "private", Company => "company" }
);

coded_enum!(
    /// An operational lease or a car financing (loan / hire purchase).
    ContractKind { Lease => "lease", Financing => "financing" }
);

coded_enum!(
    /// Where a contract stands in the back office.
    ContractStatus { Pending => "pending", Active => "active", Ended => "ended", Terminated => "terminated" }
);

coded_enum!(
    /// An invoice's payment state as the back office reports it. "Overdue" is not stored: it is
    /// an open invoice whose due date has passed (see [`InvoiceStatus::is_overdue`]).
    InvoiceStatus { Open => "open", Paid => "paid", Cancelled => "cancelled" }
);

coded_enum!(
    /// A staff member's role in the CIC.
    StaffRole { Agent => "agent", Admin => "admin" }
);

impl StaffRole {
    /// Whether someone with this role may do what `needed` may: an admin may do everything an
    /// agent may, and also manage staff, terms, announcements and read the audit log.
    pub fn includes(self, needed: StaffRole) -> bool {
        match needed {
            StaffRole::Agent => true,
            StaffRole::Admin => self == StaffRole::Admin,
        }
    }
}

coded_enum!(
    /// A document the customer can download. Its PDF is rendered from the stored data.
    DocumentKind {
        ContractCopy => "contract_copy",
        FiscalCertificate => "fiscal_certificate",
        Statement => "statement_of_account",
    }
);

coded_enum!(
    /// What a customer can ask for. Document requests produce a [`DocumentKind`]; change
    /// requests change a contract when the CIC approves them.
    RequestKind {
        ContractCopy => "contract_copy",
        FiscalCertificate => "fiscal_certificate",
        Statement => "statement_of_account",
        PlateChange => "plate_change",
        MileageChange => "mileage_change",
        AddressChange => "address_change",
        MobileChange => "mobile_change",
        EmailChange => "contact_email_change",
    }
);

coded_enum!(
    /// Where a request stands. Pending requests can still be cancelled by the customer.
    RequestStatus {
        Submitted => "submitted",
        InTreatment => "in_treatment",
        Approved => "approved",
        Rejected => "rejected",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

impl RequestStatus {
    /// Still waiting for an answer from the CIC (`request_flow::pending`).
    pub fn is_pending(self) -> bool {
        crate::request_flow::after(self, crate::request_flow::RequestEvent::Approve).is_some()
    }

    /// The customer may still cancel it (`request_flow::cancellable`).
    pub fn is_cancellable(self) -> bool {
        crate::request_flow::after(self, crate::request_flow::RequestEvent::Cancel).is_some()
    }
}

impl RequestKind {
    /// The document a granted request produces (None for a change request).
    pub fn document(self) -> Option<DocumentKind> {
        match self {
            RequestKind::ContractCopy => Some(DocumentKind::ContractCopy),
            RequestKind::FiscalCertificate => Some(DocumentKind::FiscalCertificate),
            RequestKind::Statement => Some(DocumentKind::Statement),
            RequestKind::PlateChange
            | RequestKind::MileageChange
            | RequestKind::AddressChange
            | RequestKind::MobileChange
            | RequestKind::EmailChange => None,
        }
    }

    /// A change of the customer's contact details (about the customer, not a contract).
    pub fn is_contact(self) -> bool {
        matches!(
            self,
            RequestKind::AddressChange | RequestKind::MobileChange | RequestKind::EmailChange
        )
    }

    /// A change of the contract (approved by the CIC), not a document.
    pub fn is_change(self) -> bool {
        self.document().is_none()
    }
}

impl ContractStatus {
    /// Whether the contract still runs (or is about to), which is what gives portal access.
    pub fn is_running(self) -> bool {
        matches!(self, ContractStatus::Pending | ContractStatus::Active)
    }
}

impl InvoiceStatus {
    pub fn is_overdue(self, due_date: time::Date, today: time::Date) -> bool {
        self == InvoiceStatus::Open && due_date < today
    }
}

/// Whole calendar months from `today` to a contract's `end` (0 once it has ended), never more
/// than its duration.
pub fn months_remaining(end: time::Date, today: time::Date, duration_months: i64) -> i64 {
    if today >= end {
        return 0;
    }
    let months = (end.year() - today.year()) * 12 + i32::from(u8::from(end.month()))
        - i32::from(u8::from(today.month()));
    i64::from(months.max(0)).min(duration_months)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_admin_may_do_what_an_agent_may_but_not_the_reverse() {
        use super::StaffRole::*;
        assert!(Admin.includes(Agent) && Admin.includes(Admin) && Agent.includes(Agent));
        assert!(!Agent.includes(Admin));
    }

    use super::*;
    use time::macros::date;

    #[test]
    fn codes_round_trip() {
        for kind in ContractKind::ALL {
            assert_eq!(ContractKind::from_code(kind.code()), Some(*kind));
        }
        assert_eq!(ContractStatus::from_code("bogus"), None);
        assert_eq!(ContractKind::Lease.label_key(), "contractkind.lease");
    }

    #[test]
    fn overdue_is_open_past_due() {
        let today = date!(2026 - 11 - 22);
        assert!(InvoiceStatus::Open.is_overdue(date!(2026 - 11 - 21), today));
        assert!(!InvoiceStatus::Open.is_overdue(today, today));
        assert!(!InvoiceStatus::Paid.is_overdue(date!(2026 - 01 - 01), today));
    }

    #[test]
    fn months_remaining_counts_calendar_months() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(months_remaining(date!(2027 - 02 - 28), today, 48), 3);
        assert_eq!(months_remaining(date!(2026 - 11 - 30), today, 48), 0);
        assert_eq!(months_remaining(date!(2026 - 11 - 21), today, 48), 0);
        assert_eq!(months_remaining(date!(2040 - 01 - 01), today, 12), 12);
    }
}
