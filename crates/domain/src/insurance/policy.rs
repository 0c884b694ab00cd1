//! Policies the store sells as agent (承保签单, README I1): the covers, the checks on the invoice and the owner's
//! ID, the commission a cover earns, and the renewal reminders before expiry.

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::customer::optional_date;
use crate::ids::ResidentId;
use crate::money::Money;
use crate::violation::{Violation, Violations};

/// The covers a store sells: 交强险, 车损险, 三者险, 车上人员险 (driver and passengers) and add-ons.
pub const COVERS: [&str; 6] = ["compulsory", "own_damage", "third_party", "driver", "passengers", "addon"];

/// Days before expiry a renewal (续保) reminder comes due, unless the store sets its own.
pub const RENEWAL_DAYS: [i64; 3] = [60, 30, 7];

/// The outcomes of a renewal follow-up.
pub const RENEWAL_OUTCOMES: [&str; 4] = ["renewed", "renewed_elsewhere", "declined", "unreachable"];

/// One cover of a policy as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CoverInput {
    pub cover: String,
    #[serde(default)]
    pub name: String,
    /// The sum insured (车损险) or the limit (三者险, 车上人员).
    #[serde(default)]
    pub sum_insured: Option<String>,
    pub premium: String,
    /// 绝对免赔率 in percent, when the policy has one.
    #[serde(default)]
    pub deductible_percent: Option<String>,
}

/// A policy as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PolicyInput {
    pub insurer_id: String,
    pub vehicle_id: String,
    #[serde(default)]
    pub customer_id: Option<String>,
    pub invoice_no: String,
    pub owner_id_no: String,
    pub policy_no: String,
    pub starts_on: String,
    pub ends_on: String,
    pub covers: Vec<CoverInput>,
    #[serde(default)]
    pub premium_collected: bool,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCover {
    pub cover: String,
    pub name: String,
    pub sum_insured: Option<Money>,
    pub premium: Money,
    pub deductible_percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPolicy {
    pub owner_id_no: ResidentId,
    pub invoice_no: String,
    pub policy_no: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub covers: Vec<ValidCover>,
    pub premium_total: Money,
}

fn required(violations: &mut Violations, field: &str, text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        violations.push(Violation::new(field, "required"));
    }
    text.to_string()
}

fn money(violations: &mut Violations, field: &str, text: &str) -> Option<Money> {
    match Money::parse(field, text.trim()) {
        Ok(value) if value.is_negative() => {
            violations.push(Violation::new(field, "out_of_range").with("min", 0));
            None
        }
        Ok(value) => Some(value),
        Err(violation) => {
            violations.push(violation);
            None
        }
    }
}

/// Checks a policy: the owner's resident ID, the invoice number, the dates in order, known covers with
/// premiums (and a sum insured where the cover has one), each cover at most once.
pub fn validate(input: &PolicyInput) -> Result<ValidPolicy, Violations> {
    let mut violations = Violations::new();
    let owner_id_no = if input.owner_id_no.trim().is_empty() {
        violations.push(Violation::new("owner_id_no", "required"));
        None
    } else {
        violations.check(ResidentId::parse("owner_id_no", input.owner_id_no.trim()))
    };
    let invoice_no = required(&mut violations, "invoice_no", &input.invoice_no);
    let policy_no = required(&mut violations, "policy_no", &input.policy_no);
    if input.starts_on.trim().is_empty() {
        violations.push(Violation::new("starts_on", "required"));
    }
    if input.ends_on.trim().is_empty() {
        violations.push(Violation::new("ends_on", "required"));
    }
    let starts_on = optional_date(&mut violations, "starts_on", Some(&input.starts_on));
    let ends_on = optional_date(&mut violations, "ends_on", Some(&input.ends_on));
    if let (Some(starts), Some(ends)) = (starts_on, ends_on)
        && ends <= starts
    {
        violations.push(Violation::new("ends_on", "date_before_start"));
    }
    if input.covers.is_empty() {
        violations.push(Violation::new("covers", "required"));
    }
    let mut covers = Vec::new();
    for (index, cover) in input.covers.iter().enumerate() {
        let field = |name: &str| format!("covers[{index}].{name}");
        let code = cover.cover.trim();
        if !COVERS.contains(&code) {
            violations.push(Violation::new(field("cover"), "unknown_value").with("detail", code));
        } else if code != "addon" && input.covers[..index].iter().any(|other| other.cover.trim() == code) {
            violations.push(Violation::new(field("cover"), "duplicate_value"));
        }
        let premium = money(&mut violations, &field("premium"), &cover.premium);
        let sum_insured = match cover.sum_insured.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => money(&mut violations, &field("sum_insured"), text),
            None if matches!(code, "own_damage" | "third_party") => {
                violations.push(Violation::new(field("sum_insured"), "required"));
                None
            }
            None => None,
        };
        let deductible_percent = match cover.deductible_percent.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => match text.parse::<Decimal>() {
                Ok(value) if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&value) => Some(value),
                _ => {
                    violations.push(
                        Violation::new(field("deductible_percent"), "out_of_range").with("min", 0).with("max", 100),
                    );
                    None
                }
            },
        };
        if let Some(premium) = premium {
            covers.push(ValidCover {
                cover: code.to_string(),
                name: cover.name.trim().to_string(),
                sum_insured,
                premium,
                deductible_percent,
            });
        }
    }
    let premium_total = Money::from_fen(covers.iter().map(|c| c.premium.fen()).sum());
    violations.finish(|| ValidPolicy {
        owner_id_no: owner_id_no.expect("checked"),
        invoice_no,
        policy_no,
        starts_on: starts_on.expect("checked"),
        ends_on: ends_on.expect("checked"),
        covers,
        premium_total,
    })
}

/// The commission a premium earns at a rate in percent, rounded half-up to the fen.
pub fn commission(premium: Money, rate_percent: Decimal) -> Money {
    Money::round(premium.decimal() * rate_percent / Decimal::ONE_HUNDRED)
}

/// The days renewal reminders come due: `days` before the policy ends, latest first dropped when already past.
pub fn renewal_due_dates(ends_on: Date, days: &[i64], today: Date) -> Vec<(i64, Date)> {
    let mut dates: Vec<(i64, Date)> = days
        .iter()
        .filter_map(|&before| ends_on.checked_sub(before.days()).ok().map(|date| (before, date)))
        .filter(|(_, date)| *date >= today)
        .collect();
    dates.sort_by_key(|(_, date)| *date);
    dates
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn input() -> PolicyInput {
        PolicyInput {
            insurer_id: "i".into(),
            vehicle_id: "v".into(),
            customer_id: None,
            invoice_no: "04403221".into(),
            owner_id_no: "11010519491231002X".into(),
            policy_no: "PDAA2026110000001".into(),
            starts_on: "2026-12-01".into(),
            ends_on: "2027-11-30".into(),
            covers: vec![
                CoverInput { cover: "compulsory".into(), premium: "950.00".into(), ..CoverInput::default() },
                CoverInput {
                    cover: "own_damage".into(),
                    sum_insured: Some("180000".into()),
                    premium: "3210.55".into(),
                    ..CoverInput::default()
                },
            ],
            premium_collected: true,
            note: String::new(),
        }
    }

    #[test]
    fn a_good_policy_adds_up_its_premiums() {
        let valid = validate(&input()).unwrap();
        assert_eq!(valid.premium_total, Money::parse("x", "4160.55").unwrap());
        assert_eq!(valid.covers.len(), 2);
    }

    #[test]
    fn the_owner_id_the_dates_and_the_covers_are_checked() {
        let mut bad = input();
        bad.owner_id_no = "110105194912310021".into();
        bad.ends_on = "2026-11-01".into();
        bad.covers.push(CoverInput { cover: "compulsory".into(), premium: "1".into(), ..CoverInput::default() });
        bad.covers.push(CoverInput { cover: "third_party".into(), premium: "-1".into(), ..CoverInput::default() });
        let errors = validate(&bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert!(fields.iter().any(|(f, _)| *f == "owner_id_no"), "{fields:?}");
        assert!(fields.contains(&("ends_on", "date_before_start")));
        assert!(fields.contains(&("covers[2].cover", "duplicate_value")));
        assert!(fields.contains(&("covers[3].premium", "out_of_range")));
        assert!(fields.contains(&("covers[3].sum_insured", "required")));
    }

    #[test]
    fn commission_rounds_half_up() {
        assert_eq!(commission(Money::parse("x", "3210.55").unwrap(), Decimal::new(15, 0)).fen(), 48158);
    }

    #[test]
    fn renewal_reminders_come_60_30_and_7_days_before_expiry() {
        let due = renewal_due_dates(date(2027, 11, 30), &RENEWAL_DAYS, date(2026, 12, 1));
        assert_eq!(due, vec![(60, date(2027, 10, 1)), (30, date(2027, 10, 31)), (7, date(2027, 11, 23))]);
        let late = renewal_due_dates(date(2027, 11, 30), &RENEWAL_DAYS, date(2027, 11, 1));
        assert_eq!(late, vec![(7, date(2027, 11, 23))]);
    }
}
