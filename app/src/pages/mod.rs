//! Pages, one module per page or area.
pub mod cic;
pub mod contract;
pub mod dashboard;
pub mod documents;
pub mod email;
pub mod error;
pub mod info;
pub mod invoices;
pub mod landing;
pub mod lazy;
pub mod login;
pub mod not_found;
pub mod register;
pub mod reset;
pub mod second_factor;
pub mod security;
