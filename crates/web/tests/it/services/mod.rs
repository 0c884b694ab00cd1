//! The services on real databases: every test runs on SQLite and, when configured, on PostgreSQL, each
//! on a fresh database.

mod attachments;
mod audit;
pub mod claims;
mod claims_flow;
mod customers;
mod group_commit;
mod insurance;
mod org;
mod repair_orders;
mod vehicles;
mod worklist;
