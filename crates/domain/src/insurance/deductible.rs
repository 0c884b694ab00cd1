//! Deductibles (免赔率 and 免赔额) as policy inputs.
//!
//! The 2014 model clauses fix the rates (车损险 Art 11, 三者险 免赔率条款 and the theft clause): a
//! responsibility rate of 5 / 10 / 15 / 20 % for 次要 / 同等 / 主要 / 全部 (20 % for a single-vehicle
//! accident), 30 % when no third party can be found, +10 % for unsafe loading, theft 20 % + 1 % per missing
//! document, plus an agreed absolute amount per accident. The 2020 reform is read only second-hand
//! (rules.md §B.5), so post-2020 policies default every rate to 0 and take rates and the amount as inputs.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::liability::Responsibility;
use super::{Reason, check_amount, check_len, check_percent, percent_of};
use crate::money::Money;
use crate::violation::Violations;

/// Which model clauses a commercial policy follows (条款版本).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ClauseVersion {
    /// The 2014 industry model clauses, with their fixed deductible rates.
    #[serde(rename = "2014")]
    Clauses2014,
    /// The 2020 reform clauses: no rate unless the policy says so.
    #[default]
    #[serde(rename = "2020")]
    Clauses2020,
}

/// The cover a deductible applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// 车损险.
    OwnDamage,
    /// 三者险.
    ThirdParty,
    /// 全车盗抢险.
    Theft,
}

/// Whether the percentage rates or the fixed absolute amount come first (a per-policy setting: insurers'
/// systems do both; the 2014 formula takes the rates first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeductibleOrder {
    #[default]
    RatesFirst,
    AmountFirst,
}

/// A policy's deductible terms (免赔约定) for one cover.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deductibles {
    /// The clause version; absent means the vehicle's `clause`, else 2020.
    #[serde(default)]
    pub clause: Option<ClauseVersion>,
    /// 事故责任免赔率, overriding the clause default.
    #[serde(default)]
    pub responsibility_rate_percent: Option<Decimal>,
    /// 无法找到第三方 (车损险 only): 30 % under the 2014 clauses.
    #[serde(default)]
    pub no_third_party: bool,
    #[serde(default)]
    pub no_third_party_rate_percent: Option<Decimal>,
    /// 违反安全装载规定: +10 % under the 2014 clauses.
    #[serde(default)]
    pub unsafe_loading: bool,
    #[serde(default)]
    pub unsafe_loading_rate_percent: Option<Decimal>,
    /// Agreed absolute deductible rates (绝对免赔率, e.g. the 附加绝对免赔率特约条款).
    #[serde(default)]
    pub absolute_rates_percent: Vec<Decimal>,
    /// The agreed absolute deductible per accident (每次事故绝对免赔额).
    #[serde(default)]
    pub absolute_amount: Money,
    #[serde(default)]
    pub order: DeductibleOrder,
    /// 不计免赔率险: buys back the responsibility rate and the theft base rate, not the 30 %, the
    /// loading rate, the missing-document rates or the absolute amount.
    #[serde(default)]
    pub waiver: bool,
}

impl Deductibles {
    pub fn validate(&self, violations: &mut Violations, field: &str) {
        let at = |name: &str| if field.is_empty() { name.to_string() } else { format!("{field}.{name}") };
        for (name, rate) in [
            ("responsibility_rate_percent", self.responsibility_rate_percent),
            ("no_third_party_rate_percent", self.no_third_party_rate_percent),
            ("unsafe_loading_rate_percent", self.unsafe_loading_rate_percent),
        ] {
            if let Some(rate) = rate {
                check_percent(violations, &at(name), rate);
            }
        }
        check_len(violations, &at("absolute_rates_percent"), self.absolute_rates_percent.len(), 20);
        for (index, rate) in self.absolute_rates_percent.iter().enumerate() {
            check_percent(violations, &at(&format!("absolute_rates_percent[{index}]")), *rate);
        }
        check_amount(violations, &at("absolute_amount"), self.absolute_amount);
    }

    /// The clause in force: this cover's own setting, else the vehicle's, else 2020.
    pub fn clause_or(&self, fallback: Option<ClauseVersion>) -> ClauseVersion {
        self.clause.or(fallback).unwrap_or_default()
    }
}

/// One absolute deductible rate that applies, with its origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedRate {
    /// What the rate is for (`no_third_party`, `unsafe_loading`, `theft_base_rate`, ...); the matching reason
    /// carries the code and article.
    pub kind: &'static str,
    pub rate_percent: Decimal,
}

/// The deductible terms resolved for one claim under one cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedDeductibles {
    pub clause: ClauseVersion,
    pub responsibility_rate_percent: Decimal,
    pub absolute_rates: Vec<AppliedRate>,
    /// Σ absolute rates, capped at 100.
    pub absolute_rate_sum_percent: Decimal,
    pub absolute_amount: Money,
    pub order: DeductibleOrder,
    #[serde(skip)]
    pub reasons: Vec<Reason>,
}

/// The 2014 responsibility rate (事故责任免赔率) for 车损险 and 三者险: 次要 5, 同等 10, 主要 15, 全部 20;
/// a single-vehicle accident is 20 for 车损险 (2014 车损险 Art 11, 三者险 免赔率条款).
pub fn clause_2014_responsibility_rate(cover: Cover, responsibility: Responsibility, single_vehicle: bool) -> Decimal {
    if cover == Cover::Theft {
        return Decimal::ZERO;
    }
    if single_vehicle && cover == Cover::OwnDamage {
        return Decimal::from(20);
    }
    Decimal::from(match responsibility {
        Responsibility::Full => 20,
        Responsibility::Major => 15,
        Responsibility::Equal => 10,
        Responsibility::Minor => 5,
        Responsibility::None => 0,
    })
}

/// Resolves the rates for one claim. `extra` are rates the cover adds by itself (theft: base rate and the
/// missing-document rates), each with the code and article it rests on.
pub fn resolve(
    deductibles: &Deductibles,
    clause_fallback: Option<ClauseVersion>,
    cover: Cover,
    responsibility: Responsibility,
    single_vehicle: bool,
    extra: Vec<(AppliedRate, Reason)>,
) -> AppliedDeductibles {
    let clause = deductibles.clause_or(clause_fallback);
    let is_2014 = clause == ClauseVersion::Clauses2014;
    let mut reasons = Vec::new();
    let responsibility_rate = if deductibles.waiver {
        reasons.push(Reason::new("deductible_waiver", "2014 不计免赔率险 clause"));
        Decimal::ZERO
    } else if let Some(rate) = deductibles.responsibility_rate_percent {
        rate
    } else if is_2014 {
        let rate = clause_2014_responsibility_rate(cover, responsibility, single_vehicle);
        if !rate.is_zero() {
            let reason =
                Reason::new("deductible_responsibility_rate", "2014 clauses 车损险 Art 11 / 三者险 免赔率条款")
                    .with("rate_percent", rate)
                    .with("responsibility", super::liability::serde_name(responsibility));
            reasons.push(if single_vehicle && cover == Cover::OwnDamage {
                reason.with("single_vehicle", true)
            } else {
                reason
            });
        }
        rate
    } else {
        Decimal::ZERO
    };

    let mut absolute_rates = Vec::new();
    if deductibles.no_third_party && cover == Cover::OwnDamage {
        let rate = deductibles.no_third_party_rate_percent.unwrap_or(if is_2014 { 30.into() } else { 0.into() });
        if !rate.is_zero() {
            absolute_rates.push(AppliedRate { kind: "no_third_party", rate_percent: rate });
            reasons.push(
                Reason::new("deductible_no_third_party", "2014 clauses 车损险 Art 11(二)").with("rate_percent", rate),
            );
        }
    }
    if deductibles.unsafe_loading && cover != Cover::Theft {
        let rate = deductibles.unsafe_loading_rate_percent.unwrap_or(if is_2014 { 10.into() } else { 0.into() });
        if !rate.is_zero() {
            absolute_rates.push(AppliedRate { kind: "unsafe_loading", rate_percent: rate });
            reasons.push(
                Reason::new("deductible_unsafe_loading", "2014 clauses 车损险 Art 11(三), 三者险 免赔率条款")
                    .with("rate_percent", rate),
            );
        }
    }
    for (rate, reason) in extra {
        if !rate.rate_percent.is_zero() {
            absolute_rates.push(rate);
            reasons.push(reason);
        }
    }
    for rate in &deductibles.absolute_rates_percent {
        if !rate.is_zero() {
            absolute_rates.push(AppliedRate { kind: "agreed_absolute_rate", rate_percent: *rate });
            reasons.push(
                Reason::new("deductible_agreed_rate", "policy (附加绝对免赔率特约条款)").with("rate_percent", rate),
            );
        }
    }
    let sum: Decimal = absolute_rates.iter().map(|rate| rate.rate_percent).sum();
    let absolute_rate_sum_percent = sum.min(Decimal::ONE_HUNDRED).normalize();
    if !deductibles.absolute_amount.is_zero() {
        reasons.push(
            Reason::new("deductible_absolute_amount", "2014 clauses 车损险 Art 11(四); 2020 车损险 Art 12")
                .with("amount", deductibles.absolute_amount),
        );
    }
    AppliedDeductibles {
        clause,
        responsibility_rate_percent: responsibility_rate.normalize(),
        absolute_rates,
        absolute_rate_sum_percent,
        absolute_amount: deductibles.absolute_amount,
        order: deductibles.order,
        reasons,
    }
}

impl AppliedDeductibles {
    /// No rate and no amount.
    pub fn none() -> AppliedDeductibles {
        AppliedDeductibles {
            clause: ClauseVersion::Clauses2020,
            responsibility_rate_percent: Decimal::ZERO,
            absolute_rates: Vec::new(),
            absolute_rate_sum_percent: Decimal::ZERO,
            absolute_amount: Money::ZERO,
            order: DeductibleOrder::RatesFirst,
            reasons: Vec::new(),
        }
    }

    /// The factor the rates leave: (1 − responsibility rate) × (1 − Σ absolute rates).
    pub fn factor(&self) -> Decimal {
        let keep = |percent: Decimal| Decimal::ONE - percent_of(Decimal::ONE, percent);
        keep(self.responsibility_rate_percent) * keep(self.absolute_rate_sum_percent)
    }

    /// Applies rates and amount to an exact base, in the policy's order; never below zero.
    /// Rates first (2014 Art 19): `base × factor − amount`; amount first: `(base − amount) × factor`.
    pub fn apply(&self, base: Decimal) -> Decimal {
        let amount = self.absolute_amount.decimal();
        let result = match self.order {
            DeductibleOrder::RatesFirst => base * self.factor() - amount,
            DeductibleOrder::AmountFirst => (base - amount) * self.factor(),
        };
        result.max(Decimal::ZERO)
    }
}
