//! claimdesk's rules, with no I/O, no clock and no async: callers pass "today" in.
//!
//! Identifiers and money, the 三包 engine, motor-insurance adjustment, deadlines and follow-up schedules,
//! workflow states and access rules. Every answer is a value or a list of [`violation::Violations`].

pub mod access;
pub mod attachment;
pub mod audit;
pub mod calendar;
pub mod calendar_rules;
pub mod campaign;
pub mod customer;
pub mod followup;
pub mod ids;
pub mod import;
pub mod insurance;
pub mod money;
pub mod org;
pub mod parts_return;
pub mod quality;
pub mod repair_order;
pub mod rules;
pub mod sanbao;
pub mod statement;
#[cfg(test)]
pub(crate) mod testing;
pub mod vehicle;
pub mod violation;
pub mod warranty;

pub use money::Money;
pub use violation::{Violation, Violations};
