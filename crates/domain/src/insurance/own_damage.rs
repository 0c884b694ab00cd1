//! 车损险 (own-damage cover): partial loss, total and presumed total loss, rescue costs.
//!
//! 2014 车损险 Art 19: `赔款 = (实际修复费用 − 已从第三方获得的赔偿金额) × (1 − 事故责任免赔率) ×
//! (1 − Σ绝对免赔率) − 绝对免赔额`, capped at the sum insured; salvage kept by the insured is deducted
//! (Art 17), so is what was recovered from third parties (Ins. Law Art 60). A total loss starts from the
//! sum insured, or the actual value when lower [I]. Rescue costs are paid on top, up to the sum insured
//! (Ins. Law Art 57).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::deductible::{self, AppliedDeductibles, ClauseVersion, Cover, Deductibles};
use super::liability::{Responsibility, liability_share};
use super::{Exclusion, Reason, check_amount};
use crate::money::Money;
use crate::rules::run;
use crate::violation::{Violation, Violations};

/// Input of `own-damage`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnDamageInput {
    /// 保险金额.
    pub sum_insured: Money,
    /// 实际价值 at the accident, when known (see `depreciation`).
    #[serde(default)]
    pub actual_value: Option<Money>,
    /// Assessed repair cost (核定修复费用); required unless `total_loss`.
    #[serde(default)]
    pub repair: Option<Money>,
    /// An actual total loss (实际全损).
    #[serde(default)]
    pub total_loss: bool,
    /// Already received from third parties (their 交强险, 三者险 or themselves).
    #[serde(default)]
    pub received_from_third_parties: Money,
    /// Salvage kept by the insured (残值), valued by agreement.
    #[serde(default)]
    pub salvage: Money,
    /// Necessary, reasonable rescue costs (施救费用).
    #[serde(default)]
    pub rescue_costs: Money,
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    #[serde(default)]
    pub ratio_percent: Option<Decimal>,
    /// A single-vehicle accident (单方事故): 20 % under the 2014 clauses.
    #[serde(default)]
    pub single_vehicle: bool,
    #[serde(default)]
    pub clause: Option<ClauseVersion>,
    #[serde(default)]
    pub deductibles: Deductibles,
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
}

/// How the loss is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// 部分损失: repair.
    Partial,
    /// 实际全损.
    Total,
    /// 推定全损: repair would cost more than the actual value.
    PresumedTotal,
}

/// Output of `own-damage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnDamageOutput {
    pub settlement: Settlement,
    /// Repair cost, or for a total loss the sum insured (or the lower actual value).
    pub loss_base: Money,
    pub received_from_third_parties: Money,
    pub salvage: Money,
    /// loss_base − received − salvage, not below zero.
    pub net_loss: Money,
    pub deductibles: AppliedDeductibles,
    /// After deductibles, before the cap.
    pub after_deductibles: Money,
    pub sum_insured: Money,
    pub capped_at_sum_insured: bool,
    pub indemnity: Money,
    pub rescue_costs_paid: Money,
    /// indemnity + rescue costs paid.
    pub payout: Money,
    /// What the insured keeps of the net loss (deductibles, cap, exclusions).
    pub insured_bears: Money,
    pub reasons: Vec<Reason>,
}

/// The `own-damage` rule.
pub fn own_damage(input: &OwnDamageInput) -> Result<OwnDamageOutput, Violations> {
    let mut violations = Violations::new();
    check_amount(&mut violations, "sum_insured", input.sum_insured);
    for (field, amount) in [
        ("received_from_third_parties", input.received_from_third_parties),
        ("salvage", input.salvage),
        ("rescue_costs", input.rescue_costs),
    ] {
        check_amount(&mut violations, field, amount);
    }
    if let Some(value) = input.actual_value {
        check_amount(&mut violations, "actual_value", value);
    }
    match input.repair {
        Some(repair) => check_amount(&mut violations, "repair", repair),
        None if !input.total_loss => violations.push(Violation::new("repair", "required")),
        None => {}
    }
    input.deductibles.validate(&mut violations, "deductibles");
    let clause = input.deductibles.clause_or(input.clause);
    let grade = match (input.responsibility, input.ratio_percent) {
        (None, None) if input.single_vehicle => Some(Responsibility::Full),
        (None, None) => {
            let rate_needed = clause == ClauseVersion::Clauses2014
                && input.deductibles.responsibility_rate_percent.is_none()
                && !input.deductibles.waiver;
            if rate_needed {
                violations.push(Violation::new("responsibility", "required"));
            }
            None
        }
        (grade, ratio) => match liability_share(grade, ratio) {
            Ok(share) => Some(share.responsibility),
            Err(errors) => {
                violations.0.extend(errors.0);
                None
            }
        },
    };
    if !violations.is_empty() {
        return Err(violations);
    }

    let mut reasons = Vec::new();
    let actual_value = input.actual_value;
    let settlement = match (input.total_loss, input.repair, actual_value) {
        (true, _, _) => Settlement::Total,
        (false, Some(repair), Some(value)) if repair > value => Settlement::PresumedTotal,
        _ => Settlement::Partial,
    };
    let loss_base = match settlement {
        Settlement::Partial => input.repair.unwrap_or_default(),
        Settlement::Total | Settlement::PresumedTotal => {
            let base = actual_value.map_or(input.sum_insured, |value| value.min(input.sum_insured));
            reasons.push(
                Reason::new(
                    if settlement == Settlement::Total {
                        "own_damage_total_loss"
                    } else {
                        "own_damage_presumed_total_loss"
                    },
                    "2014 车损险 Art 19 and definitions (推定全损)",
                )
                .with("base", base)
                .with("repair", input.repair.unwrap_or_default())
                .with("actual_value", actual_value.map_or_else(|| "-".to_string(), |v| v.to_string())),
            );
            base
        }
    };
    let net_loss = (loss_base - input.received_from_third_parties - input.salvage).non_negative();
    if !input.received_from_third_parties.is_zero() {
        reasons.push(
            Reason::new("own_damage_received_deducted", "Ins. Law Art 60; 2014 车损险 Art 19")
                .with("amount", input.received_from_third_parties),
        );
    }
    if !input.salvage.is_zero() {
        reasons.push(Reason::new("own_damage_salvage_deducted", "2014 车损险 Art 17").with("amount", input.salvage));
    }

    let applied = deductible::resolve(
        &input.deductibles,
        input.clause,
        Cover::OwnDamage,
        grade.unwrap_or(Responsibility::None),
        input.single_vehicle,
        Vec::new(),
    );
    reasons.extend(applied.reasons.iter().cloned());
    let after_deductibles = Money::round(applied.apply(net_loss.decimal())).min(net_loss);
    let capped = after_deductibles > input.sum_insured;
    let mut indemnity = after_deductibles.min(input.sum_insured);
    if capped {
        reasons.push(
            Reason::new("own_damage_sum_insured_cap", "2014 车损险 Art 19").with("sum_insured", input.sum_insured),
        );
    }
    let mut rescue_costs_paid = input.rescue_costs.min(input.sum_insured);
    if !input.rescue_costs.is_zero() && input.exclusions.is_empty() {
        reasons.push(
            Reason::new("own_damage_rescue_costs", "Ins. Law Art 57")
                .with("rescue_costs", input.rescue_costs)
                .with("paid", rescue_costs_paid),
        );
    }
    if let Some(exclusion) = input.exclusions.first() {
        indemnity = Money::ZERO;
        rescue_costs_paid = Money::ZERO;
        reasons.push(
            Reason::new("own_damage_excluded", "2014 车损险 exclusions")
                .with("exclusion", super::compulsory::exclusion_name(*exclusion)),
        );
    }
    Ok(OwnDamageOutput {
        settlement,
        loss_base,
        received_from_third_parties: input.received_from_third_parties,
        salvage: input.salvage,
        net_loss,
        deductibles: applied,
        after_deductibles,
        sum_insured: input.sum_insured,
        capped_at_sum_insured: capped,
        indemnity,
        rescue_costs_paid,
        payout: indemnity + rescue_costs_paid,
        insured_bears: net_loss - indemnity,
        reasons,
    })
}

pub(crate) fn eval(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: OwnDamageInput| own_damage(&input))
}
