//! 误赔率 (W11): of the claims the manufacturer decided, how many it rejected or cut, and by how much — per
//! clerk, model, causal part and failure code, per month.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::Money;

/// One decided claim as the rates read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedClaim {
    /// `YYYY-MM` of the decision.
    pub month: String,
    pub clerk: String,
    pub model: String,
    /// The causal part (主因件), empty when the claim has none.
    pub part: String,
    pub failure_code: String,
    pub claimed: Money,
    pub approved: Money,
}

impl DecidedClaim {
    /// Rejected or cut: the manufacturer paid less than was claimed.
    pub fn missed(&self) -> bool {
        self.approved < self.claimed
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Clerk,
    Model,
    Part,
    FailureCode,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [Dimension::Clerk, Dimension::Model, Dimension::Part, Dimension::FailureCode];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Clerk => "clerk",
            Dimension::Model => "model",
            Dimension::Part => "part",
            Dimension::FailureCode => "failure_code",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == text)
    }

    fn key(self, claim: &DecidedClaim) -> &str {
        match self {
            Dimension::Clerk => &claim.clerk,
            Dimension::Model => &claim.model,
            Dimension::Part => &claim.part,
            Dimension::FailureCode => &claim.failure_code,
        }
    }
}

/// One row of the rates: a month and a key of the dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateRow {
    pub month: String,
    pub key: String,
    pub decided: u64,
    /// Rejected or cut.
    pub missed: u64,
    /// missed ÷ decided in percent, one decimal place (half-up).
    pub rate_percent: Decimal,
    pub claimed: Money,
    /// What the manufacturer did not pay.
    pub missed_amount: Money,
}

/// The rates by month (newest first), then by the highest rate, then by key.
pub fn tally(claims: &[DecidedClaim], dimension: Dimension) -> Vec<RateRow> {
    let mut groups: BTreeMap<(String, String), RateRow> = BTreeMap::new();
    for claim in claims {
        let key = (claim.month.clone(), dimension.key(claim).to_string());
        let row = groups.entry(key.clone()).or_insert_with(|| RateRow {
            month: key.0,
            key: key.1,
            decided: 0,
            missed: 0,
            rate_percent: Decimal::ZERO,
            claimed: Money::ZERO,
            missed_amount: Money::ZERO,
        });
        row.decided += 1;
        row.claimed += claim.claimed;
        if claim.missed() {
            row.missed += 1;
            row.missed_amount += (claim.claimed - claim.approved).non_negative();
        }
    }
    rank(groups.into_values().collect())
}

/// Rows already summed per month and key (by [`tally`], or by the database over a million claims with the
/// same rule as [`DecidedClaim::missed`]) get their rates and the order of [`tally`].
pub fn rank(mut rows: Vec<RateRow>) -> Vec<RateRow> {
    for row in &mut rows {
        row.rate_percent = rate(row.missed, row.decided);
    }
    rows.sort_by(|a, b| b.month.cmp(&a.month).then(b.rate_percent.cmp(&a.rate_percent)).then(a.key.cmp(&b.key)));
    rows
}

/// `part` of `whole` in percent, one decimal place, half-up; zero of nothing.
pub fn rate(part: u64, whole: u64) -> Decimal {
    if whole == 0 {
        return Decimal::new(0, 1);
    }
    let mut percent = (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    // Always one place, so a column of rates lines up (50.0, 66.7).
    percent.rescale(1);
    percent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(month: &str, clerk: &str, claimed: i64, approved: i64) -> DecidedClaim {
        DecidedClaim {
            month: month.into(),
            clerk: clerk.into(),
            model: "雅阁".into(),
            part: "12251-RNA-A01".into(),
            failure_code: "P0300".into(),
            claimed: Money::yuan(claimed),
            approved: Money::yuan(approved),
        }
    }

    #[test]
    fn rejected_and_cut_claims_count_as_missed_per_clerk_and_month() {
        let claims = vec![
            claim("2024-05", "王", 500, 500),
            claim("2024-05", "王", 500, 300),
            claim("2024-05", "王", 400, 0),
            claim("2024-05", "李", 100, 100),
            claim("2024-06", "王", 100, 100),
        ];
        let rows = tally(&claims, Dimension::Clerk);
        let view: Vec<_> = rows.iter().map(|r| (r.month.as_str(), r.key.as_str(), r.decided, r.missed)).collect();
        assert_eq!(view, vec![("2024-06", "王", 1, 0), ("2024-05", "王", 3, 2), ("2024-05", "李", 1, 0)]);
        assert_eq!(rows[1].rate_percent.to_string(), "66.7");
        assert_eq!(rows[1].missed_amount.to_string(), "600.00");
        assert_eq!(rows[1].claimed.to_string(), "1400.00");
        let by_model = tally(&claims, Dimension::Model);
        assert_eq!(by_model.len(), 2, "one model, two months");
    }

    #[test]
    fn rates_round_half_up_and_nothing_decided_is_zero() {
        assert_eq!(rate(1, 8).to_string(), "12.5");
        assert_eq!(rate(1, 3).to_string(), "33.3");
        assert_eq!(rate(0, 0).to_string(), "0.0");
        assert_eq!(rate(1, 2).to_string(), "50.0");
        assert_eq!(Dimension::parse("failure_code"), Some(Dimension::FailureCode));
    }
}
