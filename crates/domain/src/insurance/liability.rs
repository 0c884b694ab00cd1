//! Liability shares (事故责任比例): the police grade gives the default share, a ruling or agreement overrides it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Reason, check_percent};
use crate::violation::{Violation, Violations};

/// A police responsibility grade (事故责任): 全部 / 主要 / 同等 / 次要 / 无
/// (道路交通事故处理程序规定 Art 60).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// 全部责任.
    Full,
    /// 主要责任.
    Major,
    /// 同等责任.
    Equal,
    /// 次要责任.
    Minor,
    /// 无责任.
    None,
}

impl Responsibility {
    /// The share the 2014 clauses (Art 23, 39) use when nobody fixed a ratio: 主要 70, 同等 50, 次要 30;
    /// 全部 100 and 无 0 are our reading [I].
    pub fn default_share_percent(self) -> Decimal {
        Decimal::from(match self {
            Responsibility::Full => 100,
            Responsibility::Major => 70,
            Responsibility::Equal => 50,
            Responsibility::Minor => 30,
            Responsibility::None => 0,
        })
    }

    /// The grade an explicit ratio corresponds to when no grade was given [I]: 100 full, above 50 major,
    /// 50 equal, above 0 minor, 0 none. Used only to pick the 2014 responsibility deductible rate.
    pub fn from_share(percent: Decimal) -> Responsibility {
        if percent >= Decimal::ONE_HUNDRED {
            Responsibility::Full
        } else if percent > Decimal::from(50) {
            Responsibility::Major
        } else if percent == Decimal::from(50) {
            Responsibility::Equal
        } else if percent > Decimal::ZERO {
            Responsibility::Minor
        } else {
            Responsibility::None
        }
    }
}

/// Where a share came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareSource {
    /// The default for the police grade (2014 Art 23/39).
    Grade,
    /// A ratio fixed by a court, arbitration or the parties' agreement.
    Ratio,
}

/// A party's liability share (事故责任比例).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiabilityShare {
    /// The grade given, or the one the ratio corresponds to.
    pub responsibility: Responsibility,
    pub share_percent: Decimal,
    /// At fault (有责) for the 交强险 limits: a share above zero.
    pub at_fault: bool,
    pub source: ShareSource,
    pub reasons: Vec<Reason>,
}

/// Input of `liability-share`: a grade, a ratio, or both (the ratio prevails).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiabilityInput {
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    #[serde(default)]
    pub ratio_percent: Option<Decimal>,
}

/// The share for a grade and an optional explicit ratio. An explicit ratio (court, arbitration, agreement)
/// overrides the grade's default (2014 Art 23: "法院判决、仲裁裁决 ... 以其为准").
pub fn liability_share(
    responsibility: Option<Responsibility>,
    ratio_percent: Option<Decimal>,
) -> Result<LiabilityShare, Violations> {
    let mut violations = Violations::new();
    if let Some(ratio) = ratio_percent {
        check_percent(&mut violations, "ratio_percent", ratio);
    }
    if responsibility.is_none() && ratio_percent.is_none() {
        violations.push(Violation::new("responsibility", "required"));
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    Ok(match (responsibility, ratio_percent) {
        (grade, Some(ratio)) => {
            let ratio = ratio.normalize();
            let grade = grade.unwrap_or_else(|| Responsibility::from_share(ratio));
            LiabilityShare {
                responsibility: grade,
                share_percent: ratio,
                at_fault: ratio > Decimal::ZERO,
                source: ShareSource::Ratio,
                reasons: vec![
                    Reason::new("liability_share_ratio", "2014 clauses Art 23, 39").with("share_percent", ratio),
                ],
            }
        }
        (Some(grade), None) => {
            let share = grade.default_share_percent();
            LiabilityShare {
                responsibility: grade,
                share_percent: share,
                at_fault: share > Decimal::ZERO,
                source: ShareSource::Grade,
                reasons: vec![
                    Reason::new("liability_share_default", "2014 clauses Art 23, 39; 全部 100 / 无 0 [I]")
                        .with("share_percent", share)
                        .with("responsibility", serde_name(grade)),
                ],
            }
        }
        (None, None) => unreachable_share(),
    })
}

/// Both inputs missing was refused above; this keeps the match total without a panic.
fn unreachable_share() -> LiabilityShare {
    LiabilityShare {
        responsibility: Responsibility::None,
        share_percent: Decimal::ZERO,
        at_fault: false,
        source: ShareSource::Grade,
        reasons: Vec::new(),
    }
}

/// The snake_case name of a grade, as JSON spells it.
pub fn serde_name(grade: Responsibility) -> &'static str {
    match grade {
        Responsibility::Full => "full",
        Responsibility::Major => "major",
        Responsibility::Equal => "equal",
        Responsibility::Minor => "minor",
        Responsibility::None => "none",
    }
}
