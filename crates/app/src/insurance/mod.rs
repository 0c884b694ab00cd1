//! Motor insurance as agent and the claims desk (保险理赔/兼业代理, README I1–I6, rules.md part B): the
//! insurers and their covers, policy sales with renewals, accident leads, the claim workflow with its
//! documents, deadlines and loss assessment, and the specialists' commission.
//!
//! Deadlines (renewals, the insurer's own deadlines) are due items created in the same write job as the
//! change that implies them; figures come from `claimdesk_domain::insurance`.

pub mod claims;
pub mod commission;
pub mod insurers;
pub mod leads;
pub mod policies;

pub use claimdesk_store::insurance::LeadRow;

use claimdesk_domain::Violation;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// A percentage typed as text (`15`, `12.5`), 0–100.
pub(crate) fn percent(field: &str, text: &str) -> Result<Decimal, Violation> {
    let text = text.trim();
    let text = if text.is_empty() { "0" } else { text };
    match text.parse::<Decimal>() {
        Ok(value) if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&value) => Ok(value.normalize()),
        _ => Err(Violation::new(field, "out_of_range").with("min", 0).with("max", 100)),
    }
}

/// An optional date typed as text.
pub(crate) fn date_field(field: &str, text: &str) -> Result<Option<Date>, Violation> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<Date>().map(Some).map_err(|_| Violation::new(field, "date_format").with("found", text))
}
