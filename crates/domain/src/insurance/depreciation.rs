//! Depreciation (折旧) and presumed total loss (推定全损).
//!
//! 2014 reference depreciation table: `折旧 = 新车购置价 × 已使用月数 × 月折旧系数`, whole months only,
//! at most 80 % of the new-car price; actual value = price − depreciation. A car is a presumed total loss
//! when the cost to avoid a total loss (the repair estimate) exceeds its actual value (clause definition).

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Reason, check_amount, check_percent, percent_of};
use crate::calendar;
use crate::money::Money;
use crate::rules::run;
use crate::violation::{Violation, Violations};

/// Use and type of the vehicle, as the depreciation table distinguishes them (使用性质).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleClass {
    /// 家庭自用客车.
    FamilyPassenger,
    /// 非营业客车.
    NonCommercialPassenger,
    /// 营业出租租赁客车.
    Taxi,
    /// 营业其他客车.
    CommercialOther,
    /// 货车: the rate (0.90–1.40 %) is an input.
    Truck,
}

/// Input of `depreciation`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepreciationInput {
    /// 新车购置价.
    pub new_car_price: Money,
    pub vehicle_class: VehicleClass,
    /// Seats; passenger cars of 10 or more seats use the higher rate.
    #[serde(default)]
    pub seats: Option<u32>,
    /// Overrides the table rate; required for trucks.
    #[serde(default)]
    pub monthly_rate_percent: Option<Decimal>,
    /// Months used, when counted already; otherwise `from` and `to`.
    #[serde(default)]
    pub months_used: Option<u32>,
    /// Extra days of a part month: shown, never counted.
    #[serde(default)]
    pub days_used: Option<u32>,
    /// Registration (or purchase) date.
    #[serde(default)]
    pub from: Option<Date>,
    /// Accident (or policy start) date.
    #[serde(default)]
    pub to: Option<Date>,
}

/// Output of `depreciation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepreciationOutput {
    pub months_counted: u32,
    pub monthly_rate_percent: Decimal,
    pub depreciation: Money,
    pub capped_at_80_percent: bool,
    pub actual_value: Money,
    pub reasons: Vec<Reason>,
}

/// The table's monthly rate (2014 reference table): family and non-commercial passenger cars up to 9 seats
/// 0.60 %, 10 seats or more 0.90 %; taxis 1.10 %; other commercial 0.90 %; trucks need an input.
pub fn monthly_rate(class: VehicleClass, seats: Option<u32>) -> Option<Decimal> {
    let large = seats.is_some_and(|seats| seats >= 10);
    match class {
        VehicleClass::FamilyPassenger | VehicleClass::NonCommercialPassenger if large => Some(Decimal::new(90, 2)),
        VehicleClass::FamilyPassenger | VehicleClass::NonCommercialPassenger => Some(Decimal::new(60, 2)),
        VehicleClass::Taxi => Some(Decimal::new(110, 2)),
        VehicleClass::CommercialOther => Some(Decimal::new(90, 2)),
        VehicleClass::Truck => None,
    }
}

/// The `depreciation` rule.
pub fn depreciation(input: &DepreciationInput) -> Result<DepreciationOutput, Violations> {
    let mut violations = Violations::new();
    check_amount(&mut violations, "new_car_price", input.new_car_price);
    let rate = match input.monthly_rate_percent {
        Some(rate) => {
            check_percent(&mut violations, "monthly_rate_percent", rate);
            Some(rate)
        }
        None => monthly_rate(input.vehicle_class, input.seats),
    };
    if rate.is_none() {
        violations.push(Violation::new("monthly_rate_percent", "required"));
    }
    let months = match (input.months_used, input.from, input.to) {
        (Some(months), None, None) if months <= 1_200 => Some(months),
        (Some(months), None, None) => {
            violations.push(Violation::new("months_used", "out_of_range").with("max", 1_200).with("found", months));
            None
        }
        (None, Some(from), Some(to)) if from <= to => {
            Some(u32::try_from(calendar::whole_months_between(from, to)).unwrap_or(0).min(1_200))
        }
        (None, Some(_), Some(_)) => {
            violations.push(Violation::new("to", "date_before_start"));
            None
        }
        _ => {
            violations.push(Violation::new("months_used", "months_or_dates"));
            None
        }
    };
    let (Some(rate), Some(months)) = (rate, months) else {
        return Err(violations);
    };
    if !violations.is_empty() {
        return Err(violations);
    }
    let price = input.new_car_price.decimal();
    let raw = percent_of(price * Decimal::from(months), rate);
    let cap = percent_of(price, Decimal::from(80));
    let capped = raw > cap;
    let depreciation = Money::round(raw.min(cap));
    let mut reasons = vec![
        Reason::new("depreciation_whole_months", "2014 reference depreciation table")
            .with("months", months)
            .with("rate_percent", rate.normalize())
            .with("days_ignored", input.days_used.unwrap_or(0)),
    ];
    if capped {
        reasons
            .push(Reason::new("depreciation_cap", "2014 reference depreciation table").with("cap", Money::round(cap)));
    }
    Ok(DepreciationOutput {
        months_counted: months,
        monthly_rate_percent: rate.normalize(),
        depreciation,
        capped_at_80_percent: capped,
        actual_value: input.new_car_price - depreciation,
        reasons,
    })
}

/// Input of `total-loss`: the actual value directly, or the depreciation inputs to compute it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalLossInput {
    #[serde(default)]
    pub actual_value: Option<Money>,
    #[serde(default)]
    pub depreciation: Option<DepreciationInput>,
    /// The cost to avoid a total loss (repair estimate, 施救 and repair).
    pub repair_estimate: Money,
    /// When given, the settlement base is capped at it.
    #[serde(default)]
    pub sum_insured: Option<Money>,
}

/// Repair or total loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossClass {
    Repairable,
    PresumedTotalLoss,
}

/// Output of `total-loss`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalLossOutput {
    pub classification: LossClass,
    pub actual_value: Money,
    pub repair_estimate: Money,
    /// For a presumed total loss: the actual value, capped at the sum insured; else the repair estimate.
    pub settlement_base: Money,
    pub depreciation: Option<DepreciationOutput>,
    pub reasons: Vec<Reason>,
}

/// The `total-loss` rule: 推定全损 when the repair estimate exceeds the actual value ("超过", not equal).
pub fn total_loss(input: &TotalLossInput) -> Result<TotalLossOutput, Violations> {
    let mut violations = Violations::new();
    check_amount(&mut violations, "repair_estimate", input.repair_estimate);
    if let Some(sum) = input.sum_insured {
        check_amount(&mut violations, "sum_insured", sum);
    }
    let (actual_value, depreciation) = match (input.actual_value, &input.depreciation) {
        (Some(value), None) => {
            check_amount(&mut violations, "actual_value", value);
            (Some(value), None)
        }
        (None, Some(depreciation_input)) => match depreciation(depreciation_input) {
            Ok(output) => (Some(output.actual_value), Some(output)),
            Err(errors) => {
                violations.extend_nested("depreciation", errors);
                (None, None)
            }
        },
        _ => {
            violations.push(Violation::new("actual_value", "required"));
            (None, None)
        }
    };
    let Some(actual_value) = actual_value else {
        return Err(violations);
    };
    if !violations.is_empty() {
        return Err(violations);
    }
    let presumed = input.repair_estimate > actual_value;
    let settlement_base = if presumed {
        input.sum_insured.map_or(actual_value, |sum| sum.min(actual_value))
    } else {
        input.repair_estimate
    };
    let reason =
        Reason::new(if presumed { "presumed_total_loss" } else { "repairable" }, "2014 clauses definitions (推定全损)")
            .with("repair_estimate", input.repair_estimate)
            .with("actual_value", actual_value);
    Ok(TotalLossOutput {
        classification: if presumed { LossClass::PresumedTotalLoss } else { LossClass::Repairable },
        actual_value,
        repair_estimate: input.repair_estimate,
        settlement_base,
        depreciation,
        reasons: vec![reason],
    })
}

pub(crate) fn eval_depreciation(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: DepreciationInput| depreciation(&input))
}

pub(crate) fn eval_total_loss(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: TotalLossInput| total_loss(&input))
}
