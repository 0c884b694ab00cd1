//! The group's stores and staff (admin work).

pub mod stores;
pub mod users;
