//! The portal's domain: value types that can only hold valid data ("parse, don't validate"),
//! Belgian formatting of money and dates, the supported languages and their translations,
//! the operator's branding, and the validation rules of the back-office import.
//!
//! Nothing here does I/O; everything is compiled for the browser too and unit-tested directly.

pub mod audit;
pub mod branding;
pub mod change_requests;
pub mod codes;
pub mod contact;
pub mod delivery;
pub mod i18n;
pub mod import;
pub mod invoice_query;
pub mod messages;
pub mod mileage;
pub mod model;
pub mod money;
pub mod password_policy;
pub mod refusal;
pub mod registration;
pub mod request_flow;
pub mod requests;
pub mod search;
pub mod staff_admin;
pub mod suspension;
pub mod throttle;
pub mod uploads;
pub mod values;
pub mod working_days;

pub use branding::{Branding, SignedIn, SiteInfo};
pub use i18n::{Lang, t};
pub use money::{format_date, format_eur};
