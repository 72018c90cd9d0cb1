//! Pages, one module per page or area.
pub mod error;
pub mod info;
pub mod landing;
pub mod not_found;
pub mod soon;
