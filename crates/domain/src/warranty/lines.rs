//! Claim lines: labour operations with standard hours, parts with prices, sublet work; and their amounts.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::violation::{Violation, Violations};

/// 主因件 / 次因件: the part that caused the failure, and parts damaged as a consequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartRole {
    #[default]
    Causal,
    Consequential,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClaimLine {
    /// A labour operation (工时项目): hours claimed against the catalogue's standard hours.
    Labor { code: String, description: String, hours: Decimal },
    /// A part (配件) at its price, causal or consequential, with the supplier's code.
    Part {
        part_no: String,
        description: String,
        quantity: Decimal,
        unit_price: Money,
        #[serde(default)]
        role: PartRole,
        #[serde(default)]
        supplier_code: String,
    },
    /// Work done outside (外协), at cost.
    Sublet { description: String, amount: Money },
}

/// Amounts of a claim, exact to the fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ClaimAmounts {
    pub labor: Money,
    pub parts: Money,
    pub sublet: Money,
    pub total: Money,
}

impl ClaimLine {
    /// The line's amount: hours × the labour rate, quantity × unit price, or the sublet amount.
    pub fn amount(&self, labor_rate: Money) -> Money {
        match self {
            ClaimLine::Labor { hours, .. } => Money::round(*hours * labor_rate.decimal()),
            ClaimLine::Part { quantity, unit_price, .. } => Money::round(*quantity * unit_price.decimal()),
            ClaimLine::Sublet { amount, .. } => *amount,
        }
    }
}

pub fn amounts(lines: &[ClaimLine], labor_rate: Money) -> ClaimAmounts {
    let mut amounts = ClaimAmounts::default();
    for line in lines {
        let amount = line.amount(labor_rate);
        match line {
            ClaimLine::Labor { .. } => amounts.labor += amount,
            ClaimLine::Part { .. } => amounts.parts += amount,
            ClaimLine::Sublet { .. } => amounts.sublet += amount,
        }
    }
    amounts.total = amounts.labor + amounts.parts + amounts.sublet;
    amounts
}

fn places(value: Decimal) -> u32 {
    value.normalize().scale()
}

/// Checks the lines of a claim. A repair claim with parts has exactly one causal part (主因件).
pub fn validate(lines: &[ClaimLine], needs_causal_part: bool) -> Result<(), Violations> {
    let mut violations = Violations::new();
    if lines.is_empty() {
        violations.push(Violation::new("lines", "required"));
    }
    let mut causal = 0;
    let mut parts = 0;
    for (index, line) in lines.iter().enumerate() {
        let at = |name: &str| format!("lines[{index}].{name}");
        match line {
            ClaimLine::Labor { code, hours, .. } => {
                if code.trim().is_empty() {
                    violations.push(Violation::new(at("code"), "required"));
                }
                if hours.is_sign_negative() || hours.is_zero() || *hours > Decimal::from(200) {
                    violations.push(Violation::new(at("hours"), "out_of_range").with("min", "0.01").with("max", 200));
                } else if places(*hours) > 2 {
                    violations.push(Violation::new(at("hours"), "decimal_places").with("max", 2).with("found", hours));
                }
            }
            ClaimLine::Part { part_no, quantity, unit_price, role, .. } => {
                parts += 1;
                if *role == PartRole::Causal {
                    causal += 1;
                }
                if part_no.trim().is_empty() {
                    violations.push(Violation::new(at("part_no"), "required"));
                }
                if quantity.is_sign_negative() || quantity.is_zero() || *quantity > Decimal::from(10_000) {
                    violations
                        .push(Violation::new(at("quantity"), "out_of_range").with("min", "0.001").with("max", 10_000));
                } else if places(*quantity) > 3 {
                    violations
                        .push(Violation::new(at("quantity"), "decimal_places").with("max", 3).with("found", quantity));
                }
                if unit_price.is_negative() {
                    violations.push(Violation::new(at("unit_price"), "out_of_range").with("min", 0).with("max", "—"));
                }
            }
            ClaimLine::Sublet { description, amount } => {
                if description.trim().is_empty() {
                    violations.push(Violation::new(at("description"), "required"));
                }
                if amount.is_negative() {
                    violations.push(Violation::new(at("amount"), "out_of_range").with("min", 0).with("max", "—"));
                }
            }
        }
    }
    if needs_causal_part && parts > 0 && causal != 1 {
        violations.push(Violation::new("lines", "causal_part_count").with("found", causal));
    }
    violations.finish(|| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(no: &str, quantity: &str, price: &str, role: PartRole) -> ClaimLine {
        ClaimLine::Part {
            part_no: no.into(),
            description: String::new(),
            quantity: quantity.parse().unwrap(),
            unit_price: Money::parse("p", price).unwrap(),
            role,
            supplier_code: String::new(),
        }
    }

    #[test]
    fn amounts_are_rate_times_hours_and_quantity_times_price() {
        let lines = vec![
            ClaimLine::Labor { code: "15-001".into(), description: String::new(), hours: "1.3".parse().unwrap() },
            part("A1", "2", "123.45", PartRole::Causal),
            part("A2", "1", "10.00", PartRole::Consequential),
            ClaimLine::Sublet { description: "钣金外协".into(), amount: Money::parse("s", "300").unwrap() },
        ];
        let amounts = amounts(&lines, Money::parse("r", "185.00").unwrap());
        assert_eq!(amounts.labor.to_string(), "240.50");
        assert_eq!(amounts.parts.to_string(), "256.90");
        assert_eq!(amounts.sublet.to_string(), "300.00");
        assert_eq!(amounts.total.to_string(), "797.40");
        assert!(validate(&lines, true).is_ok());
    }

    #[test]
    fn exactly_one_causal_part() {
        let two = vec![part("A1", "1", "1", PartRole::Causal), part("A2", "1", "1", PartRole::Causal)];
        assert_eq!(validate(&two, true).unwrap_err().0[0].code, "causal_part_count");
        let none = vec![part("A1", "1", "1", PartRole::Consequential)];
        assert_eq!(validate(&none, true).unwrap_err().0[0].code, "causal_part_count");
        assert!(validate(&none, false).is_ok());
    }

    #[test]
    fn bad_lines_name_their_index() {
        let lines =
            vec![ClaimLine::Labor { code: String::new(), description: String::new(), hours: "0.125".parse().unwrap() }];
        let fields: Vec<String> = validate(&lines, true).unwrap_err().0.into_iter().map(|v| v.field).collect();
        assert_eq!(fields, vec!["lines[0].code", "lines[0].hours"]);
    }
}
