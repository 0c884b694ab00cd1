//! Parts return (旧件回运, W3): every part replaced under a claim is tagged (旧件标签) and stored; the
//! manufacturer's return rules per brand say which parts go back and how they are packed; a shipment is
//! proposed from the waiting tags, packed, shipped, received and inspected; a rejected or missing part
//! becomes a debit on its claim; parts not wanted back are scrapped after their hold period.

mod rules;
mod scrap;
mod shipments;
mod tags;

pub use rules::{RulesView, list_rules, return_rules, save_rules};
pub use scrap::{ScrapInput, ScrapView, list_scraps, scrap_due};
pub use shipments::{
    BoxView, DebitView, ProposeInput, ShipmentActionInput, ShipmentListQuery, ShipmentView, act, debits_of_claim,
    get_shipment, list_shipments, propose, propose_due_shipments,
};
pub use tags::{
    TagInput, TagListQuery, TagView, get_tag, list_tags, tag_claim, tag_claim_parts, tags_of_claim, update_tag,
};

use claimdesk_domain::parts_return::ReturnRules;
use claimdesk_store::parts_return::RulesRow;
use rust_decimal::Decimal;

/// The due item of a return period (the worklist words it as "旧件回运").
pub const DUE_KIND: &str = "parts_return";
/// Its subject: `{brand}:{period}` of a store.
pub const DUE_SUBJECT: &str = "parts_return";

/// A brand's rules from its row; the defaults (every part back, monthly) when none are stored.
pub(crate) fn rules_of(row: Option<&RulesRow>) -> ReturnRules {
    row.and_then(|row| serde_json::from_str(&row.rules_json).ok()).unwrap_or_default()
}

/// Grams as kilograms for people: `1.25`.
pub fn kg_text(grams: i64) -> String {
    Decimal::new(grams, 3).normalize().to_string()
}

/// Kilograms as typed (`1.25`, `0,8`) to grams; None when not a non-negative number.
pub fn grams_of(text: &str) -> Option<i64> {
    let value: Decimal = text.trim().replace(',', ".").parse().ok()?;
    if value.is_sign_negative() {
        return None;
    }
    (value * Decimal::new(1000, 0)).round().try_into().ok()
}

pub(crate) fn due_subject(brand: &str, period: &str) -> String {
    format!("{brand}:{period}")
}
