//! Components shared by several pages.
pub mod form;
pub mod layout;
pub mod lists;
pub mod upload;
