//! The services on real databases: every test runs on SQLite and, when configured, on PostgreSQL, each
//! on a fresh database.

mod attachments;
mod audit;
pub mod campaigns;
pub mod claims;
mod claims_flow;
mod claims_search;
mod customers;
mod followup;
mod group_commit;
pub mod insurance;
mod org;
mod repair_orders;
pub mod returns;
pub mod sanbao_cases;
mod statements;
mod vehicles;
mod worklist;
