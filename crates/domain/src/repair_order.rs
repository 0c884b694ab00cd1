//! Repair orders (维修工单): kinds, states, items and the mileage rule.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::violation::{Violation, Violations};

pub const KINDS: [&str; 8] =
    ["maintenance", "repair", "warranty", "accident", "campaign", "first_maintenance", "consultation", "other"];

pub const ITEM_KINDS: [&str; 3] = ["labor", "part", "sublet"];

pub const PAYERS: [&str; 5] = ["customer", "warranty", "insurance", "campaign", "internal"];

/// The states of a repair order, in the order a visit goes through them.
pub const STATUSES: [&str; 5] = ["open", "in_progress", "completed", "handed_over", "cancelled"];

/// The actions a repair order allows in a state, and where each leads.
pub fn transition(status: &str, action: &str) -> Result<&'static str, Violation> {
    let next = match (status, action) {
        ("open", "start") => "in_progress",
        ("open" | "in_progress", "complete") => "completed",
        ("completed", "hand_over") => "handed_over",
        ("open" | "in_progress", "cancel") => "cancelled",
        ("completed", "reopen") => "in_progress",
        _ => {
            return Err(Violation::new("status", "illegal_transition").with("from", status).with("action", action));
        }
    };
    Ok(next)
}

pub fn actions_from(status: &str) -> Vec<&'static str> {
    ["start", "complete", "hand_over", "cancel", "reopen"]
        .into_iter()
        .filter(|action| transition(status, action).is_ok())
        .collect()
}

/// The mileage at check-in may not fall below an earlier visit's, unless an authorised person records
/// that the odometer was replaced.
pub fn check_mileage(
    previous_max: Option<i64>,
    mileage: i64,
    odometer_replaced: bool,
    may_record_replacement: bool,
) -> Result<(), Violation> {
    if !(0..=crate::vehicle::ODOMETER_MAX).contains(&mileage) {
        return Err(Violation::new("mileage_in", "out_of_range")
            .with("min", 0)
            .with("max", crate::vehicle::ODOMETER_MAX));
    }
    if odometer_replaced {
        if !may_record_replacement {
            return Err(Violation::new("odometer_replaced", "odometer_replace_forbidden"));
        }
        return Ok(());
    }
    match previous_max {
        Some(previous) if mileage < previous => {
            Err(Violation::new("mileage_in", "mileage_backwards").with("previous", previous).with("found", mileage))
        }
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ItemInput {
    pub kind: String,
    pub code: String,
    pub description: String,
    pub hours: Option<String>,
    pub part_no: String,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
    pub payer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidItem {
    pub kind: &'static str,
    pub code: String,
    pub description: String,
    /// Labour hours in hundredths.
    pub hours_centi: i64,
    pub part_no: String,
    /// Quantity in thousandths.
    pub quantity_milli: i64,
    pub unit_price: Money,
    pub amount: Money,
    pub payer: &'static str,
}

fn decimal_field(
    violations: &mut Violations,
    field: String,
    text: Option<&str>,
    places: u32,
    max: i64,
) -> Option<Decimal> {
    let text = text.map(str::trim).filter(|text| !text.is_empty())?;
    match text.parse::<Decimal>() {
        Ok(value) if value.normalize().scale() > places => {
            violations.push(Violation::new(field, "decimal_places").with("max", places).with("found", text));
            None
        }
        Ok(value) if value.is_sign_negative() || value > Decimal::from(max) => {
            violations.push(Violation::new(field, "out_of_range").with("min", 0).with("max", max));
            None
        }
        Ok(value) => Some(value),
        Err(_) => {
            violations.push(Violation::new(field, "number_format").with("found", text));
            None
        }
    }
}

/// Validates the lines of a repair order; the amount of a labour line is left to the labour rate (0 here),
/// a part line's amount is quantity × unit price, rounded to the fen.
pub fn validate_items(items: &[ItemInput]) -> Result<Vec<ValidItem>, Violations> {
    let mut violations = Violations::new();
    let mut valid = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let at = |name: &str| format!("items[{index}].{name}");
        let kind = ITEM_KINDS.iter().find(|kind| **kind == item.kind.trim()).copied();
        if kind.is_none() {
            violations.push(Violation::new(at("kind"), "unknown_value").with("detail", &item.kind));
        }
        let payer = if item.payer.trim().is_empty() {
            Some("customer")
        } else {
            PAYERS.iter().find(|payer| **payer == item.payer.trim()).copied()
        };
        if payer.is_none() {
            violations.push(Violation::new(at("payer"), "unknown_value").with("detail", &item.payer));
        }
        if item.description.trim().is_empty() {
            violations.push(Violation::new(at("description"), "required"));
        }
        let hours = decimal_field(&mut violations, at("hours"), item.hours.as_deref(), 2, 1_000);
        let quantity = decimal_field(&mut violations, at("quantity"), item.quantity.as_deref(), 3, 100_000);
        let unit_price = match item.unit_price.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
            None => Some(Money::ZERO),
            Some(text) => violations.check(Money::parse(&at("unit_price"), text)),
        };
        if kind == Some("part") && item.part_no.trim().is_empty() {
            violations.push(Violation::new(at("part_no"), "required"));
        }
        if let (Some(kind), Some(payer), Some(unit_price)) = (kind, payer, unit_price) {
            let quantity = quantity.unwrap_or(if kind == "labor" { Decimal::ZERO } else { Decimal::ONE });
            let hours = hours.unwrap_or(Decimal::ZERO);
            let amount = match kind {
                "labor" => Money::round(hours * unit_price.decimal()),
                _ => Money::round(quantity * unit_price.decimal()),
            };
            valid.push(ValidItem {
                kind,
                code: item.code.trim().to_uppercase(),
                description: item.description.trim().to_string(),
                hours_centi: (hours * Decimal::ONE_HUNDRED).trunc().try_into().unwrap_or(0),
                part_no: item.part_no.trim().to_uppercase(),
                quantity_milli: (quantity * Decimal::ONE_THOUSAND).trunc().try_into().unwrap_or(0),
                unit_price,
                amount,
                payer,
            });
        }
    }
    violations.finish(|| valid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mileage_may_not_go_backwards_without_a_recorded_replacement() {
        assert!(check_mileage(Some(12_000), 12_000, false, false).is_ok());
        let error = check_mileage(Some(12_000), 11_999, false, false).unwrap_err();
        assert_eq!((error.code, error.params["previous"].as_str()), ("mileage_backwards", "12000"));
        assert!(check_mileage(Some(12_000), 10, true, true).is_ok());
        assert_eq!(check_mileage(Some(12_000), 10, true, false).unwrap_err().code, "odometer_replace_forbidden");
    }

    #[test]
    fn states_allow_only_their_actions() {
        assert_eq!(transition("open", "start").unwrap(), "in_progress");
        assert_eq!(transition("completed", "hand_over").unwrap(), "handed_over");
        assert!(transition("handed_over", "cancel").is_err());
        assert_eq!(actions_from("handed_over"), Vec::<&str>::new());
        assert_eq!(actions_from("open"), vec!["start", "complete", "cancel"]);
    }

    #[test]
    fn item_amounts_are_exact() {
        let items = vec![
            ItemInput {
                kind: "part".into(),
                description: "机油滤清器".into(),
                part_no: "15400-rta-003".into(),
                quantity: Some("3".into()),
                unit_price: Some("33.33".into()),
                ..ItemInput::default()
            },
            ItemInput {
                kind: "labor".into(),
                description: "更换机油".into(),
                hours: Some("0.5".into()),
                unit_price: Some("180".into()),
                ..ItemInput::default()
            },
        ];
        let valid = validate_items(&items).unwrap();
        assert_eq!(valid[0].amount.to_string(), "99.99");
        assert_eq!(valid[0].part_no, "15400-RTA-003");
        assert_eq!(valid[1].amount.to_string(), "90.00");
        assert_eq!(valid[1].hours_centi, 50);
    }

    #[test]
    fn item_errors_name_the_line() {
        let items = vec![ItemInput { kind: "part".into(), quantity: Some("1.2345".into()), ..ItemInput::default() }];
        let violations = validate_items(&items).unwrap_err();
        let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
        assert!(fields.contains(&"items[0].quantity"));
        assert!(fields.contains(&"items[0].description"));
        assert!(fields.contains(&"items[0].part_no"));
    }
}
