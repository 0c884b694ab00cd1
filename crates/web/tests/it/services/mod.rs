//! The services on real databases: every test runs on SQLite and, when configured, on PostgreSQL, each
//! on a fresh database.

mod attachments;
mod audit;
pub mod campaigns;
pub mod claims;
mod customers;
mod group_commit;
mod insurance;
mod org;
mod repair_orders;
mod vehicles;
mod worklist;
