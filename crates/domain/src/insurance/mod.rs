//! Motor-insurance adjustment (车险理算): 交强险 limits and their sharing, liability shares, deductibles,
//! 车损险, 三者险 and theft payouts, depreciation and presumed total loss, the whole-accident allocation,
//! and the claim deadlines of the Insurance Law and the 交强险条例.
//!
//! Every function takes plain values and answers figures plus [`Reason`]s: a stable code, the article it
//! rests on and the parameters a message needs. Money is exact until the end and rounded half-up to the
//! fen once; where a total is split, the parts are whole fen and add up to the total exactly
//! ([`split_fen`]). The sources are rules.md §B; the interpretations chosen are marked `[I]` in the docs
//! page `docs/rules/insurance.md`.

pub mod accident;
pub mod claim;
pub mod compulsory;
pub mod deadlines;
pub mod deductible;
pub mod depreciation;
pub mod liability;
pub mod own_damage;
pub mod policy;
pub mod theft;
pub mod third_party;

mod rules;
#[cfg(test)]
mod tests;

pub use rules::{CODES, RULES};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::money::Money;
use crate::violation::{Violation, Violations};

/// One reason behind a figure: a stable snake_case code, the article it rests on, and message parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub article: &'static str,
    pub params: BTreeMap<&'static str, String>,
}

impl Reason {
    pub fn new(code: &'static str, article: &'static str) -> Reason {
        Reason { code, article, params: BTreeMap::new() }
    }

    /// Adds a parameter the message template refers to as `{name}`.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Reason {
        self.params.insert(name, value.to_string());
        self
    }
}

/// What takes a cover away: 条例 Art 22 for 交强险 property, the 2014 clauses' exclusions for commercial cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// 驾驶人未取得驾驶资格 (unlicensed driver).
    UnlicensedDriver,
    /// 醉酒驾驶 (drunk driver).
    DrunkDriver,
    /// 被盗抢期间肇事 (the car was stolen).
    StolenVehicle,
    /// 被保险人故意制造交通事故 (the insured's intentional act).
    IntentionalAct,
}

/// The largest amount any single money input may carry: ten billion yuan. It keeps every product inside
/// the exact decimal range, so no input can make the arithmetic overflow.
pub const MAX_AMOUNT_YUAN: i64 = 10_000_000_000;

/// Refuses negative and absurdly large amounts.
pub(crate) fn check_amount(violations: &mut Violations, field: &str, amount: Money) {
    if amount.is_negative() {
        violations.push(Violation::new(field, "amount_negative").with("found", amount));
    } else if amount > Money::yuan(MAX_AMOUNT_YUAN) {
        violations.push(Violation::new(field, "amount_too_large").with("found", amount).with("max", MAX_AMOUNT_YUAN));
    }
}

/// A percentage must lie in 0..=100 with at most four decimal places.
pub(crate) fn check_percent(violations: &mut Violations, field: &str, percent: Decimal) {
    if percent.is_sign_negative() && !percent.is_zero() || percent > Decimal::ONE_HUNDRED {
        violations.push(Violation::new(field, "percent_range").with("found", percent));
    } else if percent.normalize().scale() > 4 {
        violations.push(Violation::new(field, "percent_precision").with("found", percent));
    }
}

/// A list may not be longer than `max` entries (keeps the work per request bounded).
pub(crate) fn check_len(violations: &mut Violations, field: &str, len: usize, max: usize) {
    if len > max {
        violations.push(Violation::new(field, "too_many").with("max", max).with("found", len));
    }
}

/// `value × percent / 100`, exact.
pub(crate) fn percent_of(value: Decimal, percent: Decimal) -> Decimal {
    value * percent / Decimal::ONE_HUNDRED
}

/// A percentage as whole millionths of a percent, for exact integer splitting (percents carry at most
/// four decimal places, see [`check_percent`]).
pub(crate) fn percent_weight(percent: Decimal) -> i128 {
    let scaled = (percent * Decimal::from(1_000_000)).trunc();
    scaled.mantissa() / 10_i128.pow(scaled.scale())
}

/// Splits `total` into parts proportional to `weights`, in whole fen, so that the parts add up to `total`
/// exactly (largest remainder; ties go to the earlier entry). When `total` does not exceed the sum of the
/// weights and the weights are amounts, no part exceeds its weight. All weights zero: all parts zero.
pub fn split_fen(total: Money, weights: &[i128]) -> Vec<Money> {
    let total_fen = i128::from(total.fen());
    let weight_sum: i128 = weights.iter().map(|w| (*w).max(0)).sum();
    if weight_sum == 0 || total_fen <= 0 {
        return vec![Money::ZERO; weights.len()];
    }
    let mut parts: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let product = total_fen * (*weight).max(0);
        parts.push(product / weight_sum);
        remainders.push((product % weight_sum, index));
    }
    let mut left = total_fen - parts.iter().sum::<i128>();
    // Largest remainder first; among equals the earlier entry.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (remainder, index) in remainders {
        if left == 0 {
            break;
        }
        if remainder > 0 {
            parts[index] += 1;
            left -= 1;
        }
    }
    parts.into_iter().map(|fen| Money::from_fen(fen as i64)).collect()
}

/// An amount's weight for [`split_fen`].
pub(crate) fn money_weight(amount: Money) -> i128 {
    i128::from(amount.fen())
}
