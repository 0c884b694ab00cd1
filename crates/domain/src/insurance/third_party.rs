//! 三者险 (commercial third-party liability): pays the insured's share of what exceeds the 交强险 layer.
//!
//! 2014 三者险 Art 22 and 35: `X = (核定损失 − 交强险分项赔偿限额) × 事故责任比例`; pay `min(X, 限额) ×
//! (1 − 免赔率…)`. The limit is per accident for all victims together. We subtract the 交强险 layer the
//! car actually answers for (its limit shared among the victims), so two victims sharing one medical limit
//! each bring their unpaid part to 三者险 (IN-21) [I].

use jiff::civil::DateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::compulsory::{self, CompulsoryInput, Victim, VictimCompulsory};
use super::deductible::{self, AppliedDeductibles, ClauseVersion, Cover, Deductibles};
use super::liability::{LiabilityShare, Responsibility, liability_share};
use super::{Exclusion, Reason, check_amount, percent_weight, split_fen};
use crate::money::Money;
use crate::rules::run;
use crate::violation::Violations;

/// Input of `third-party`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThirdPartyInput {
    #[serde(default)]
    pub accident_time: Option<DateTime>,
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    #[serde(default)]
    pub ratio_percent: Option<Decimal>,
    pub victims: Vec<Victim>,
    /// 三者险 limit per accident (每次事故赔偿限额).
    pub limit: Money,
    #[serde(default)]
    pub clause: Option<ClauseVersion>,
    #[serde(default)]
    pub deductibles: Deductibles,
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
    /// The car has 交强险 (default true).
    #[serde(default = "compulsory::yes")]
    pub compulsory_insured: bool,
    #[serde(default = "compulsory::yes")]
    pub injury_paid_in_exclusions: bool,
}

/// One victim under 交强险 and 三者险.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VictimThirdParty {
    pub id: String,
    pub loss_total: Money,
    pub compulsory_paid: Money,
    /// The loss above the 交强险 layer.
    pub above_compulsory: Money,
    /// X: the insured's share of the loss above the layer.
    pub liability: Money,
    pub third_party_paid: Money,
    /// What the insured party owes itself: inside the 交强险 layer when excluded or uninsured, and the part of
    /// X that 三者险 does not pay (deductibles, limit, exclusions).
    pub insured_party_owes: Money,
    /// The victim's own part: its share of the loss above the layer, or everything when it acted on purpose.
    pub victim_bears: Money,
    pub reasons: Vec<Reason>,
}

/// The 三者险 figures of one accident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThirdPartyCover {
    pub limit: Money,
    /// Σ X over the victims 三者险 answers for.
    pub liability_total: Money,
    /// min(Σ X, limit).
    pub payable_before_deductibles: Money,
    pub deductibles: AppliedDeductibles,
    pub paid: Money,
}

/// Output of `third-party`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThirdPartyOutput {
    pub share: LiabilityShare,
    pub compulsory: compulsory::CompulsoryOutput,
    pub third_party: ThirdPartyCover,
    pub victims: Vec<VictimThirdParty>,
    pub compulsory_paid: Money,
    pub third_party_paid: Money,
    pub reasons: Vec<Reason>,
}

/// Applies one policy's 三者险 to already-known liabilities: pays `min(Σ X, limit)` after deductibles and
/// splits the payment in proportion to each X, whole fen, never above an X.
pub fn pay_liabilities(
    liabilities: &[Money],
    limit: Money,
    deductibles: &AppliedDeductibles,
) -> (Money, Money, Money, Vec<Money>) {
    let liability_total: Money = liabilities.iter().copied().sum();
    let payable = liability_total.min(limit);
    let paid = Money::round(deductibles.apply(payable.decimal())).min(payable).non_negative();
    let weights: Vec<i128> = liabilities.iter().map(|x| super::money_weight(*x)).collect();
    (liability_total, payable, paid, split_fen(paid, &weights))
}

/// The insured's share of an amount, whole fen (the rest is the other side's).
pub fn share_of(amount: Money, share_percent: Decimal) -> Money {
    let weights = [percent_weight(share_percent), percent_weight(Decimal::ONE_HUNDRED - share_percent)];
    split_fen(amount, &weights)[0]
}

/// The `third-party` rule: 交强险 first, then 三者险 for the insured's share above it.
pub fn third_party(input: &ThirdPartyInput) -> Result<ThirdPartyOutput, Violations> {
    let mut violations = Violations::new();
    check_amount(&mut violations, "limit", input.limit);
    input.deductibles.validate(&mut violations, "deductibles");
    let share = match liability_share(input.responsibility, input.ratio_percent) {
        Ok(share) => Some(share),
        Err(errors) => {
            violations.0.extend(errors.0);
            None
        }
    };
    let compulsory_input = CompulsoryInput {
        accident_time: input.accident_time,
        at_fault: share.as_ref().map(|share| share.at_fault),
        responsibility: None,
        victims: input.victims.clone(),
        insured: input.compulsory_insured,
        exclusions: input.exclusions.clone(),
        injury_paid_in_exclusions: input.injury_paid_in_exclusions,
    };
    let compulsory = match compulsory::compulsory(&compulsory_input) {
        Ok(output) => Some(output),
        Err(errors) => {
            violations.0.extend(errors.0.into_iter().filter(|v| v.field != "at_fault"));
            None
        }
    };
    let (Some(share), Some(compulsory)) = (share, compulsory) else {
        return Err(violations);
    };
    if !violations.is_empty() {
        return Err(violations);
    }

    let applied = deductible::resolve(
        &input.deductibles,
        input.clause,
        Cover::ThirdParty,
        share.responsibility,
        false,
        Vec::new(),
    );
    let excluded = !input.exclusions.is_empty();
    let mut reasons = Vec::new();
    let liabilities: Vec<Money> =
        input
            .victims
            .iter()
            .zip(&compulsory.victims)
            .map(|(victim, layer)| {
                if victim.intentional { Money::ZERO } else { share_of(layer.above_layer.total(), share.share_percent) }
            })
            .collect();
    // 三者险 never answers for the insured or the insured car's occupants (2014 三者险 Art 22), nor when an
    // exclusion applies (2014 三者险 Art 24).
    let covered: Vec<Money> = input
        .victims
        .iter()
        .zip(&liabilities)
        .map(|(victim, x)| if victim.insured_or_occupant || excluded { Money::ZERO } else { *x })
        .collect();
    let (liability_total, payable, paid, parts) = pay_liabilities(&covered, input.limit, &applied);
    if excluded {
        reasons.push(
            Reason::new("third_party_excluded", "2014 三者险 Art 24")
                .with("exclusion", compulsory::exclusion_name(input.exclusions[0])),
        );
    }
    if liability_total > input.limit {
        reasons.push(
            Reason::new("third_party_limit", "2014 三者险 Art 35")
                .with("limit", input.limit)
                .with("liability", liability_total),
        );
    }
    reasons.extend(applied.reasons.iter().cloned());

    let victims = input
        .victims
        .iter()
        .zip(&compulsory.victims)
        .zip(liabilities.iter().zip(parts))
        .map(|((victim, layer), (liability, part))| victim_line(victim, layer, *liability, part, &share))
        .collect::<Vec<_>>();
    Ok(ThirdPartyOutput {
        third_party: ThirdPartyCover {
            limit: input.limit,
            liability_total,
            payable_before_deductibles: payable,
            deductibles: applied,
            paid,
        },
        compulsory_paid: compulsory.paid_total,
        third_party_paid: paid,
        share,
        compulsory,
        victims,
        reasons,
    })
}

fn victim_line(
    victim: &Victim,
    layer: &VictimCompulsory,
    liability: Money,
    paid: Money,
    share: &LiabilityShare,
) -> VictimThirdParty {
    let loss_total = layer.loss.total();
    let above = layer.above_layer.total();
    let owes_in_layer: Money = layer.insured_party_owes.total();
    let mut reasons = Vec::new();
    if victim.intentional {
        reasons.push(Reason::new("third_party_victim_intentional", "民法典 Art 1174; 交强险条例 Art 21 ¶2"));
    } else if victim.insured_or_occupant {
        reasons.push(Reason::new("third_party_not_third_party", "2014 三者险 Art 22"));
    } else if !above.is_zero() {
        reasons.push(
            Reason::new("third_party_share", "2014 三者险 Art 35")
                .with("above_compulsory", above)
                .with("share_percent", share.share_percent)
                .with("liability", liability),
        );
    }
    let insured_party_owes = owes_in_layer + liability - paid;
    VictimThirdParty {
        id: layer.id.clone(),
        loss_total,
        compulsory_paid: layer.paid_total,
        above_compulsory: above,
        liability,
        third_party_paid: paid,
        insured_party_owes,
        victim_bears: loss_total - layer.paid_total - paid - insured_party_owes,
        reasons,
    }
}

pub(crate) fn eval(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: ThirdPartyInput| third_party(&input))
}
