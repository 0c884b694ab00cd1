//! The insurance claim workflow (理赔流程, README I3/I5): 接报案 → 调度 → 现场查勘/定损 → 核损 → 理算 → 核赔 →
//! 赔付 → 结案归档, as a state machine, plus the intake checks (a report for someone else) and the rule that
//! the accident repair waits for the loss assessment.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::accident::{
    self, AccidentInput, AccidentOutput, AccidentVehicle, LossItem, OwnDamagePolicy, PayerCover, ThirdPartyPolicy,
};
use super::deductible::Deductibles;
use super::liability::Responsibility;
use crate::money::Money;
use crate::violation::{Violation, Violations};

/// The states of a claim, in the order a claim goes through them; `withdrawn` (撤案) ends one early.
pub const STATUSES: [&str; 9] =
    ["reported", "dispatched", "assessed", "loss_verified", "adjusted", "approved", "paid", "closed", "withdrawn"];

/// The step actions, in workflow order; each moves the claim one state on.
pub const ACTIONS: [&str; 8] = ["dispatch", "assess", "verify_loss", "adjust", "approve", "pay", "close", "withdraw"];

/// The claim types a document checklist (单证) is kept for.
pub const CLAIM_TYPES: [&str; 4] = ["own_damage", "third_party", "injury", "theft"];

/// Who must be present when the loss is assessed (定损 with the insured, the insurer's surveyor and the repairer).
pub const ASSESSMENT_PARTIES: [&str; 3] = ["insured", "surveyor", "repairer"];

/// The action a claim allows in a state, and where it leads.
pub fn transition(status: &str, action: &str) -> Result<&'static str, Violation> {
    let next = match (status, action) {
        ("reported", "dispatch") => "dispatched",
        ("dispatched", "assess") => "assessed",
        ("assessed", "verify_loss") => "loss_verified",
        ("loss_verified", "adjust") => "adjusted",
        ("adjusted", "approve") => "approved",
        ("approved", "pay") => "paid",
        ("paid", "close") => "closed",
        ("reported" | "dispatched" | "assessed" | "loss_verified" | "adjusted", "withdraw") => "withdrawn",
        _ => {
            return Err(Violation::new("status", "illegal_transition").with("from", status).with("action", action));
        }
    };
    Ok(next)
}

/// The actions open in a state, in workflow order.
pub fn actions_from(status: &str) -> Vec<&'static str> {
    ACTIONS.into_iter().filter(|action| transition(status, action).is_ok()).collect()
}

/// Whether the loss has been assessed, so that repair work on the damaged items may start.
pub fn loss_assessed(status: &str) -> bool {
    matches!(status, "assessed" | "loss_verified" | "adjusted" | "approved" | "paid" | "closed")
}

/// Checks the step's own conditions: the assessment needs all three parties present; settlement (理算)
/// needs third-party injury and property assessed; payment needs every required document received.
pub fn check_step(action: &str, facts: &StepFacts) -> Result<(), Violations> {
    let mut violations = Violations::new();
    match action {
        "assess" => {
            for party in ASSESSMENT_PARTIES {
                if !facts.parties_present.iter().any(|p| p == party) {
                    violations.push(Violation::new("parties_present", "assessment_party_missing").with("party", party));
                }
            }
        }
        "adjust" if facts.third_party_pending => {
            violations.push(Violation::new("third_party", "third_party_not_assessed"));
        }
        "pay" if facts.documents_missing > 0 => {
            violations.push(Violation::new("documents", "documents_missing").with("count", facts.documents_missing));
        }
        _ => {}
    }
    violations.finish(|| ())
}

/// What a step needs to know about the claim.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepFacts {
    #[serde(default)]
    pub parties_present: Vec<String>,
    #[serde(default)]
    pub third_party_pending: bool,
    #[serde(default)]
    pub documents_missing: i64,
}

/// Who reported: the insured themself, or someone else with their ID and the insured's authorisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Reporter {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub for_insured: bool,
    #[serde(default)]
    pub id_no: String,
    #[serde(default)]
    pub authorisation: bool,
}

/// A report made for someone else needs the reporter's resident ID and the insured's authorisation (I5).
pub fn check_reporter(reporter: &Reporter) -> Result<(), Violations> {
    let mut violations = Violations::new();
    if reporter.for_insured {
        if reporter.id_no.trim().is_empty() {
            violations.push(Violation::new("reporter_id_no", "reporter_id_required"));
        } else {
            violations.check(crate::ids::ResidentId::parse("reporter_id_no", reporter.id_no.trim()));
        }
        if !reporter.authorisation {
            violations.push(Violation::new("authorisation", "authorisation_required"));
        }
    }
    violations.finish(|| ())
}

/// Another vehicle in the accident, as the claim records it: its responsibility, its own damage and its covers.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct OtherParty {
    /// The plate or a label.
    pub label: String,
    pub responsibility: Option<Responsibility>,
    #[serde(default)]
    pub damage: Money,
    #[serde(default = "yes")]
    pub compulsory: bool,
    #[serde(default)]
    pub third_party_limit: Option<Money>,
}

fn yes() -> bool {
    true
}

/// The insured vehicle's covers, from its policy.
#[derive(Debug, Clone, Default)]
pub struct OwnCovers {
    pub compulsory: bool,
    pub own_damage: Option<(Money, Option<Decimal>)>,
    pub third_party: Option<(Money, Option<Decimal>)>,
}

/// One payer's part of the insured vehicle's repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayerPart {
    /// `ours` or the other vehicle's label.
    pub payer: String,
    pub cover: PayerCover,
    pub amount: Money,
}

/// Who pays the insured vehicle's repair: each insurer's part and the customer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub covered: Money,
    pub uncovered: Money,
    pub parts: Vec<PayerPart>,
    pub insurer_pays: Money,
    pub other_party_pays: Money,
    pub customer_pays: Money,
}

/// The id of the insured vehicle in the accident.
pub const OURS: &str = "ours";

fn deductibles(percent: Option<Decimal>) -> Deductibles {
    Deductibles { absolute_rates_percent: percent.into_iter().collect(), ..Deductibles::default() }
}

/// Splits the insured vehicle's repair between the covers of every vehicle in the accident with
/// [`accident::adjust`]: the covered lines go through the adjustment, the lines not covered fall to the customer.
pub fn settle(
    responsibility: Option<Responsibility>,
    covers: &OwnCovers,
    covered: Money,
    uncovered: Money,
    others: &[OtherParty],
) -> Result<(Settlement, AccidentOutput), Violations> {
    let mut vehicles = vec![AccidentVehicle {
        id: OURS.into(),
        responsibility,
        damage: covered,
        compulsory: covers.compulsory,
        own_damage: covers
            .own_damage
            .map(|(sum_insured, percent)| OwnDamagePolicy { sum_insured, deductibles: deductibles(percent) }),
        third_party: covers
            .third_party
            .map(|(limit, percent)| ThirdPartyPolicy { limit, deductibles: deductibles(percent) }),
        ..AccidentVehicle::default()
    }];
    for (index, other) in others.iter().enumerate() {
        let label =
            if other.label.trim().is_empty() { format!("other{}", index + 1) } else { other.label.trim().to_string() };
        vehicles.push(AccidentVehicle {
            id: label,
            responsibility: other.responsibility,
            damage: other.damage,
            compulsory: other.compulsory,
            third_party: other
                .third_party_limit
                .map(|limit| ThirdPartyPolicy { limit, deductibles: Deductibles::default() }),
            ..AccidentVehicle::default()
        });
    }
    let output = accident::adjust(&AccidentInput {
        accident_time: None,
        injury_paid_in_exclusions: true,
        vehicles,
        victims: Vec::new(),
    })?;
    let mut parts = Vec::new();
    let (mut insurer, mut other_party, mut customer) = (Money::default(), Money::default(), uncovered);
    for loss in output.losses.iter().filter(|loss| loss.owner == OURS && loss.item == LossItem::VehicleDamage) {
        for part in &loss.allocations {
            match part.cover {
                PayerCover::Compulsory | PayerCover::ThirdParty | PayerCover::OwnDamage => {
                    insurer = Money::from_fen(insurer.fen() + part.amount.fen());
                }
                PayerCover::Party if part.payer != OURS => {
                    other_party = Money::from_fen(other_party.fen() + part.amount.fen());
                }
                PayerCover::Party | PayerCover::OwnerItself => {
                    customer = Money::from_fen(customer.fen() + part.amount.fen());
                }
            }
            parts.push(PayerPart { payer: part.payer.clone(), cover: part.cover, amount: part.amount });
        }
    }
    let settlement = Settlement {
        covered,
        uncovered,
        parts,
        insurer_pays: insurer,
        other_party_pays: other_party,
        customer_pays: customer,
    };
    Ok((settlement, output))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_walks_every_step_in_order() {
        let mut status = "reported";
        for action in ["dispatch", "assess", "verify_loss", "adjust", "approve", "pay", "close"] {
            assert_eq!(actions_from(status)[0], action);
            status = transition(status, action).unwrap();
        }
        assert_eq!(status, "closed");
        assert!(actions_from("closed").is_empty());
    }

    #[test]
    fn steps_cannot_be_skipped_and_a_paid_claim_cannot_be_withdrawn() {
        assert_eq!(transition("reported", "pay").unwrap_err().code, "illegal_transition");
        assert!(transition("paid", "withdraw").is_err());
        assert_eq!(transition("adjusted", "withdraw").unwrap(), "withdrawn");
    }

    #[test]
    fn repair_waits_for_the_assessment() {
        assert!(!loss_assessed("reported"));
        assert!(!loss_assessed("dispatched"));
        assert!(loss_assessed("assessed"));
        assert!(!loss_assessed("withdrawn"));
    }

    #[test]
    fn the_assessment_needs_three_parties() {
        let facts = StepFacts { parties_present: vec!["insured".into(), "surveyor".into()], ..StepFacts::default() };
        let errors = check_step("assess", &facts).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].code, "assessment_party_missing");
        let all = StepFacts {
            parties_present: ASSESSMENT_PARTIES.iter().map(|p| p.to_string()).collect(),
            ..StepFacts::default()
        };
        assert!(check_step("assess", &all).is_ok());
    }

    #[test]
    fn settlement_waits_for_third_party_and_payment_for_documents() {
        let pending = StepFacts { third_party_pending: true, ..StepFacts::default() };
        assert_eq!(check_step("adjust", &pending).unwrap_err().0[0].code, "third_party_not_assessed");
        let missing = StepFacts { documents_missing: 2, ..StepFacts::default() };
        assert_eq!(check_step("pay", &missing).unwrap_err().0[0].code, "documents_missing");
        assert!(check_step("pay", &StepFacts::default()).is_ok());
    }

    #[test]
    fn a_report_for_someone_else_needs_id_and_authorisation() {
        assert!(check_reporter(&Reporter { name: "车主".into(), ..Reporter::default() }).is_ok());
        let errors = check_reporter(&Reporter { for_insured: true, ..Reporter::default() }).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|v| v.code).collect();
        assert_eq!(codes, ["reporter_id_required", "authorisation_required"]);
        let bad_id = check_reporter(&Reporter {
            for_insured: true,
            id_no: "123".into(),
            authorisation: true,
            ..Reporter::default()
        })
        .unwrap_err();
        assert_eq!(bad_id.0[0].field, "reporter_id_no");
    }

    fn yuan(text: &str) -> Money {
        Money::parse("x", text).unwrap()
    }

    /// Two cars, ours 主责 (70 %) with 10,000 of damage, theirs 次责 (30 %) with 5,000: their 交强险 pays
    /// its property limit 2,000, their 三者险 30 % of the remaining 8,000, our 车损险 the rest.
    #[test]
    fn a_two_car_accident_with_major_and_minor_shares() {
        let covers = OwnCovers {
            compulsory: true,
            own_damage: Some((yuan("150000"), None)),
            third_party: Some((yuan("1000000"), None)),
        };
        let other = OtherParty {
            label: "粤B12345".into(),
            responsibility: Some(Responsibility::Minor),
            damage: yuan("5000"),
            compulsory: true,
            third_party_limit: Some(yuan("1000000")),
        };
        let (settlement, _) =
            settle(Some(Responsibility::Major), &covers, yuan("10000"), yuan("300"), &[other]).unwrap();
        let part = |payer: &str, cover: PayerCover| {
            settlement.parts.iter().filter(|p| p.payer == payer && p.cover == cover).map(|p| p.amount).next()
        };
        assert_eq!(part("粤B12345", PayerCover::Compulsory), Some(yuan("2000")), "{settlement:?}");
        assert_eq!(part("粤B12345", PayerCover::ThirdParty), Some(yuan("2400")), "{settlement:?}");
        assert_eq!(part(OURS, PayerCover::OwnDamage), Some(yuan("5600")), "{settlement:?}");
        assert_eq!(settlement.insurer_pays, yuan("10000"));
        assert_eq!(settlement.customer_pays, yuan("300"));
    }

    /// A 10 % 绝对免赔率 on our 车损险 falls to the customer.
    #[test]
    fn the_deductible_falls_to_the_customer() {
        let covers =
            OwnCovers { compulsory: true, own_damage: Some((yuan("150000"), Some(Decimal::TEN))), third_party: None };
        let other = OtherParty {
            label: "B".into(),
            responsibility: Some(Responsibility::Minor),
            damage: yuan("0"),
            compulsory: true,
            third_party_limit: None,
        };
        let (settlement, _) = settle(Some(Responsibility::Major), &covers, yuan("10000"), yuan("0"), &[other]).unwrap();
        assert_eq!(
            settlement.insurer_pays.fen() + settlement.other_party_pays.fen() + settlement.customer_pays.fen(),
            1_000_000
        );
        assert!(settlement.customer_pays.fen() > 0, "{settlement:?}");
    }
}
