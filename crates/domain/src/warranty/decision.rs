//! The manufacturer's decision, line by line: approved, cut to an amount, or deducted (扣件/扣款) with a reason.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::violation::{Violation, Violations};
use crate::warranty::claim::ClaimState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum LineVerdict {
    Approved,
    /// Paid, but less than claimed.
    Cut {
        amount: Money,
        reason: String,
    },
    /// Not paid.
    Deducted {
        reason: String,
    },
}

/// One line's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineOutcome {
    pub claimed: Money,
    pub approved: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionOutcome {
    pub state: ClaimState,
    pub claimed: Money,
    pub approved: Money,
    /// Claimed minus approved: what the mis-claim rate counts in money.
    pub cut: Money,
    pub lines: Vec<LineOutcome>,
}

/// Applies the verdicts to the claimed line amounts. Every line needs a verdict; a cut stays within the
/// claimed amount; cuts and deductions give a reason.
pub fn decide(claimed: &[Money], verdicts: &[LineVerdict]) -> Result<DecisionOutcome, Violations> {
    let mut violations = Violations::new();
    if claimed.len() != verdicts.len() {
        violations.push(
            Violation::new("lines", "decision_line_count")
                .with("expected", claimed.len())
                .with("found", verdicts.len()),
        );
        return Err(violations);
    }
    let mut lines = Vec::with_capacity(claimed.len());
    for (index, (claimed, verdict)) in claimed.iter().zip(verdicts).enumerate() {
        let at = |name: &str| format!("lines[{index}].{name}");
        let approved = match verdict {
            LineVerdict::Approved => *claimed,
            LineVerdict::Cut { amount, reason } => {
                if reason.trim().is_empty() {
                    violations.push(Violation::new(at("reason"), "required"));
                }
                if amount.is_negative() || *amount > *claimed {
                    violations.push(Violation::new(at("amount"), "decision_cut_range").with("claimed", claimed));
                }
                *amount
            }
            LineVerdict::Deducted { reason } => {
                if reason.trim().is_empty() {
                    violations.push(Violation::new(at("reason"), "required"));
                }
                Money::ZERO
            }
        };
        lines.push(LineOutcome { claimed: *claimed, approved });
    }
    violations.finish(|| {
        let claimed: Money = lines.iter().map(|line| line.claimed).sum();
        let approved: Money = lines.iter().map(|line| line.approved).sum();
        let state = if approved == claimed {
            ClaimState::Approved
        } else if approved.is_zero() {
            ClaimState::Rejected
        } else {
            ClaimState::PartlyApproved
        };
        DecisionOutcome { state, claimed, approved, cut: claimed - approved, lines }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(text: &str) -> Money {
        Money::parse("x", text).unwrap()
    }

    #[test]
    fn line_verdicts_make_the_claim_outcome() {
        let claimed = [yuan("240.50"), yuan("246.90"), yuan("10.00")];
        let partly = decide(
            &claimed,
            &[
                LineVerdict::Approved,
                LineVerdict::Cut { amount: yuan("200.00"), reason: "价格高于目录".into() },
                LineVerdict::Deducted { reason: "次因件不予索赔".into() },
            ],
        )
        .unwrap();
        assert_eq!(partly.state, ClaimState::PartlyApproved);
        assert_eq!(partly.approved.to_string(), "440.50");
        assert_eq!(partly.cut.to_string(), "56.90");
        let all = decide(&claimed, &[LineVerdict::Approved, LineVerdict::Approved, LineVerdict::Approved]).unwrap();
        assert_eq!(all.state, ClaimState::Approved);
        let none = decide(&claimed[..1], &[LineVerdict::Deducted { reason: "非质量问题".into() }]).unwrap();
        assert_eq!(none.state, ClaimState::Rejected);
    }

    #[test]
    fn a_cut_needs_a_reason_and_stays_within_the_claim() {
        let errors =
            decide(&[yuan("100")], &[LineVerdict::Cut { amount: yuan("120"), reason: " ".into() }]).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(codes, vec![("lines[0].reason", "required"), ("lines[0].amount", "decision_cut_range")]);
        assert_eq!(decide(&[yuan("1")], &[]).unwrap_err().0[0].code, "decision_line_count");
    }
}
