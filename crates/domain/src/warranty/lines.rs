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

/// A claim line as a form or a JSON body sends it: text fields, checked by [`parse_lines`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LineInput {
    /// `labor`, `part` or `sublet`.
    pub kind: String,
    /// The labour operation code, or the part number of a part line.
    pub code: String,
    /// The part number (an alternative to `code` for part lines).
    pub part_no: String,
    pub description: String,
    pub hours: Option<String>,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
    /// `causal` (主因件) or `consequential` (次因件).
    pub role: String,
    pub supplier_code: String,
    /// The sublet amount.
    pub amount: Option<String>,
}

impl LineInput {
    /// The part number or operation code this line names, upper-cased without spaces.
    pub fn key(&self) -> String {
        let key =
            if self.kind.trim() == "part" && !self.part_no.trim().is_empty() { &self.part_no } else { &self.code };
        key.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
    }
}

fn decimal(violations: &mut Violations, field: String, text: Option<&str>) -> Option<Decimal> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => {
            violations.push(Violation::new(field, "required"));
            None
        }
        Some(text) => match text.parse::<Decimal>() {
            Ok(value) => Some(value),
            Err(_) => {
                violations.push(Violation::new(field, "number_format").with("found", text));
                None
            }
        },
    }
}

fn money(violations: &mut Violations, field: String, text: Option<&str>) -> Option<Money> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => {
            violations.push(Violation::new(field, "required"));
            None
        }
        Some(text) => violations.check(Money::parse(&field, text)),
    }
}

/// Turns the typed lines into claim lines; every problem names its line (`lines[2].hours`). A part's role
/// defaults to causal. The amounts and the one-causal-part rule are then checked by [`validate`].
pub fn parse_lines(inputs: &[LineInput]) -> Result<Vec<ClaimLine>, Violations> {
    let mut violations = Violations::new();
    let mut lines = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        let at = |name: &str| format!("lines[{index}].{name}");
        let description = input.description.trim().to_string();
        match input.kind.trim() {
            "labor" => {
                let hours = decimal(&mut violations, at("hours"), input.hours.as_deref());
                if let Some(hours) = hours {
                    lines.push(ClaimLine::Labor { code: input.key(), description, hours });
                }
            }
            "part" => {
                let quantity = match input.quantity.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    None => Some(Decimal::ONE),
                    Some(_) => decimal(&mut violations, at("quantity"), input.quantity.as_deref()),
                };
                let unit_price = money(&mut violations, at("unit_price"), input.unit_price.as_deref());
                let role = match input.role.trim() {
                    "" | "causal" => Some(PartRole::Causal),
                    "consequential" => Some(PartRole::Consequential),
                    other => {
                        violations.push(Violation::new(at("role"), "unknown_value").with("detail", other));
                        None
                    }
                };
                if let (Some(quantity), Some(unit_price), Some(role)) = (quantity, unit_price, role) {
                    lines.push(ClaimLine::Part {
                        part_no: input.key(),
                        description,
                        quantity,
                        unit_price,
                        role,
                        supplier_code: input.supplier_code.trim().to_uppercase(),
                    });
                }
            }
            "sublet" => {
                if let Some(amount) = money(&mut violations, at("amount"), input.amount.as_deref()) {
                    lines.push(ClaimLine::Sublet { description, amount });
                }
            }
            "" => violations.push(Violation::new(at("kind"), "required")),
            other => violations.push(Violation::new(at("kind"), "unknown_value").with("detail", other)),
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    Ok(lines)
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
    fn typed_lines_become_claim_lines_and_errors_name_the_line() {
        let inputs = vec![
            LineInput {
                kind: "labor".into(),
                code: "10-01 a".into(),
                hours: Some("1.5".into()),
                ..LineInput::default()
            },
            LineInput {
                kind: "part".into(),
                part_no: "15400-rta".into(),
                unit_price: Some("45.50".into()),
                role: "consequential".into(),
                ..LineInput::default()
            },
            LineInput {
                kind: "sublet".into(),
                description: "外协".into(),
                amount: Some("80".into()),
                ..LineInput::default()
            },
        ];
        let lines = parse_lines(&inputs).unwrap();
        assert!(matches!(&lines[0], ClaimLine::Labor { code, .. } if code == "10-01A"));
        assert!(matches!(&lines[1], ClaimLine::Part { part_no, quantity, role: PartRole::Consequential, .. }
            if part_no == "15400-RTA" && *quantity == Decimal::ONE));
        let bad = vec![
            LineInput { kind: "labor".into(), hours: Some("x".into()), ..LineInput::default() },
            LineInput { kind: "part".into(), role: "main".into(), ..LineInput::default() },
            LineInput { kind: "paint".into(), ..LineInput::default() },
        ];
        let fields: Vec<String> = parse_lines(&bad).unwrap_err().0.into_iter().map(|v| v.field).collect();
        assert_eq!(fields, vec!["lines[0].hours", "lines[1].unit_price", "lines[1].role", "lines[2].kind"]);
    }

    #[test]
    fn bad_lines_name_their_index() {
        let lines =
            vec![ClaimLine::Labor { code: String::new(), description: String::new(), hours: "0.125".parse().unwrap() }];
        let fields: Vec<String> = validate(&lines, true).unwrap_err().0.into_iter().map(|v| v.field).collect();
        assert_eq!(fields, vec!["lines[0].code", "lines[0].hours"]);
    }
}
