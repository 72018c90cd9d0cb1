//! Pages, one module per page or area.
pub mod cic;
pub mod dashboard;
pub mod email;
pub mod error;
pub mod info;
pub mod landing;
pub mod login;
pub mod not_found;
pub mod register;
pub mod reset;
pub mod second_factor;
pub mod security;
