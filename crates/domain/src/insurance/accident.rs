//! The whole accident at once (事故整体理算): every party's loss allocated to covers.
//!
//! Order of payment (民法典 Art 1213; 道路交通安全法 Art 76): first the 交强险 layer of every other car,
//! then each car's liability share of the rest, paid by that car's 三者险 within its limit and deductibles
//! and otherwise by its party; a vehicle's own share of its own damage goes to its 车损险 (2014 车损险
//! Art 19: the loss minus what third parties answer for). What no cover pays, the owner of the loss bears.
//! Every part is whole fen and the parts of a loss add up to the loss exactly.
//!
//! Sharing rules: each car's 交强险 limit is one per accident for all its victims; several cars share a
//! victim in proportion to their limits (SPC 2020 Art 18); a no-fault car's 交强险 answers only for the
//! at-fault cars' damage and for people outside itself, its property limit (100) pooled with the other
//! no-fault cars' (claims practice [S]).

use jiff::civil::DateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::compulsory::{
    self, ByItem, CompulsoryPolicy, Item, LimitRow, dispose_layer, limit_row_at, limit_row_reason, share_item,
};
use super::deductible::{self, AppliedDeductibles, ClauseVersion, Cover, Deductibles};
use super::liability::{LiabilityShare, Responsibility, liability_share};
use super::third_party::pay_liabilities;
use super::{Exclusion, Reason, check_amount, check_len, percent_weight, split_fen};
use crate::money::Money;
use crate::rules::run;
use crate::violation::{Violation, Violations};

/// A vehicle's 车损险 terms.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnDamagePolicy {
    pub sum_insured: Money,
    #[serde(default)]
    pub deductibles: Deductibles,
}

/// A vehicle's 三者险 terms.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThirdPartyPolicy {
    pub limit: Money,
    #[serde(default)]
    pub deductibles: Deductibles,
}

/// One vehicle in the accident (事故车辆), with its responsibility, policies and own damage.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccidentVehicle {
    pub id: String,
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    #[serde(default)]
    pub ratio_percent: Option<Decimal>,
    /// The vehicle's own damage (核定损失).
    #[serde(default)]
    pub damage: Money,
    /// Has 交强险 (default true).
    #[serde(default = "compulsory::yes")]
    pub compulsory: bool,
    /// Clause version of its commercial covers unless a cover says otherwise.
    #[serde(default)]
    pub clause: Option<ClauseVersion>,
    #[serde(default)]
    pub own_damage: Option<OwnDamagePolicy>,
    #[serde(default)]
    pub third_party: Option<ThirdPartyPolicy>,
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
}

/// A person or property owner hurt in the accident who is not a vehicle's own damage (受害人).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccidentVictim {
    pub id: String,
    #[serde(default)]
    pub medical: Money,
    #[serde(default)]
    pub death_disability: Money,
    #[serde(default)]
    pub property: Money,
    /// Of `medical`, rescue costs (抢救费用).
    #[serde(default)]
    pub rescue: Money,
    /// The vehicle the victim sat in (or whose load the property was): not a third party for it.
    #[serde(default)]
    pub occupant_of: Option<String>,
    /// The victim caused the accident on purpose: nothing is owed to it.
    #[serde(default)]
    pub intentional: bool,
}

/// Input of `accident-adjust`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccidentInput {
    #[serde(default)]
    pub accident_time: Option<DateTime>,
    /// Setting: 交强险 pays personal injury in the exclusion cases and recovers it (SPC 2020 Art 15).
    #[serde(default = "compulsory::yes")]
    pub injury_paid_in_exclusions: bool,
    pub vehicles: Vec<AccidentVehicle>,
    #[serde(default)]
    pub victims: Vec<AccidentVictim>,
}

/// The kind of a loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossItem {
    VehicleDamage,
    Medical,
    DeathDisability,
    Property,
}

/// The cover (or person) that pays a part of a loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayerCover {
    /// The payer vehicle's 交强险.
    Compulsory,
    /// The payer vehicle's 三者险.
    ThirdParty,
    /// The payer vehicle's party itself: uninsured or excluded layer, deductibles, above the limit.
    Party,
    /// The payer vehicle's 车损险.
    OwnDamage,
    /// The owner of the loss.
    #[serde(rename = "self")]
    OwnerItself,
}

/// One part of a loss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// A vehicle id, or for `self` the owner's id.
    pub payer: String,
    pub cover: PayerCover,
    pub amount: Money,
    /// Of `amount`, what the 交强险 insurer may recover from the driver.
    #[serde(skip_serializing_if = "is_zero")]
    pub recoverable: Money,
    pub reasons: Vec<Reason>,
}

/// One loss and how it is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LossAllocation {
    pub owner: String,
    pub item: LossItem,
    pub amount: Money,
    /// Non-zero parts, adding up to `amount`.
    pub allocations: Vec<Allocation>,
    pub self_bears: Money,
}

/// A vehicle's 交强险 in the accident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VehicleCompulsory {
    pub insured: bool,
    pub limits: ByItem,
    pub paid: ByItem,
    pub paid_total: Money,
    pub recoverable: Money,
    /// Within the limits but owed by the party itself (uninsured, excluded items).
    pub party_owes: Money,
}

/// A vehicle's 三者险 in the accident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VehicleThirdParty {
    pub insured: bool,
    pub limit: Option<Money>,
    /// Σ X: the vehicle's share of every third party's loss above the 交强险 layers.
    pub liability_total: Money,
    pub payable_before_deductibles: Money,
    pub deductibles: Option<AppliedDeductibles>,
    pub paid: Money,
}

/// A vehicle's 车损险 in the accident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VehicleOwnDamage {
    pub insured: bool,
    pub sum_insured: Option<Money>,
    /// Own damage minus what the other vehicles answer for (their 交强险 layers and shares).
    pub base: Money,
    pub deductibles: Option<AppliedDeductibles>,
    pub paid: Money,
}

/// One vehicle's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VehicleResult {
    pub id: String,
    pub share: LiabilityShare,
    pub compulsory: VehicleCompulsory,
    pub third_party: VehicleThirdParty,
    pub own_damage: VehicleOwnDamage,
    /// What the party pays others itself.
    pub party_pays: Money,
    /// What it bears of its own damage.
    pub self_bears: Money,
    pub reasons: Vec<Reason>,
}

/// Totals over the accident.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AccidentTotals {
    pub loss: Money,
    pub compulsory: Money,
    pub third_party: Money,
    pub own_damage: Money,
    pub party: Money,
    #[serde(rename = "self")]
    pub owner_itself: Money,
}

/// Output of `accident-adjust`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccidentOutput {
    pub limit_row: LimitRow,
    pub vehicles: Vec<VehicleResult>,
    pub losses: Vec<LossAllocation>,
    pub totals: AccidentTotals,
    pub reasons: Vec<Reason>,
}

/// Whose loss a loss is.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Vehicle(usize),
    Victim(usize),
}

struct Loss {
    owner: Owner,
    item: LossItem,
    compulsory_item: Item,
    amount: Money,
    rescue: Money,
}

fn validate(input: &AccidentInput) -> Result<Vec<LiabilityShare>, Violations> {
    let mut violations = Violations::new();
    check_len(&mut violations, "vehicles", input.vehicles.len(), 20);
    check_len(&mut violations, "victims", input.victims.len(), 100);
    if input.vehicles.is_empty() {
        violations.push(Violation::new("vehicles", "required"));
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut ids = BTreeSet::new();
    let mut shares = Vec::new();
    for (index, vehicle) in input.vehicles.iter().enumerate() {
        let field = format!("vehicles[{index}]");
        if vehicle.id.is_empty() || !ids.insert(vehicle.id.as_str()) {
            violations.push(Violation::new(format!("{field}.id"), "duplicate_id").with("id", &vehicle.id));
        }
        match liability_share(vehicle.responsibility, vehicle.ratio_percent) {
            Ok(share) => shares.push(share),
            Err(errors) => violations.extend_nested(&field, errors),
        }
        check_amount(&mut violations, &format!("{field}.damage"), vehicle.damage);
        if let Some(policy) = &vehicle.own_damage {
            check_amount(&mut violations, &format!("{field}.own_damage.sum_insured"), policy.sum_insured);
            policy.deductibles.validate(&mut violations, &format!("{field}.own_damage.deductibles"));
        }
        if let Some(policy) = &vehicle.third_party {
            check_amount(&mut violations, &format!("{field}.third_party.limit"), policy.limit);
            policy.deductibles.validate(&mut violations, &format!("{field}.third_party.deductibles"));
        }
    }
    for (index, victim) in input.victims.iter().enumerate() {
        let field = format!("victims[{index}]");
        if victim.id.is_empty() || !ids.insert(victim.id.as_str()) {
            violations.push(Violation::new(format!("{field}.id"), "duplicate_id").with("id", &victim.id));
        }
        for (name, amount) in [
            ("medical", victim.medical),
            ("death_disability", victim.death_disability),
            ("property", victim.property),
            ("rescue", victim.rescue),
        ] {
            check_amount(&mut violations, &format!("{field}.{name}"), amount);
        }
        if victim.rescue > victim.medical {
            violations.push(Violation::new(format!("{field}.rescue"), "rescue_exceeds_medical"));
        }
        if let Some(vehicle) = &victim.occupant_of
            && !input.vehicles.iter().any(|v| &v.id == vehicle)
        {
            violations.push(Violation::new(format!("{field}.occupant_of"), "unknown_vehicle").with("id", vehicle));
        }
    }
    let total: Decimal = shares.iter().map(|share| share.share_percent).sum();
    if total > Decimal::ONE_HUNDRED {
        violations.push(Violation::new("vehicles", "shares_exceed_100").with("total_percent", total));
    }
    violations.finish(|| shares)
}

/// The `accident-adjust` rule.
pub fn adjust(input: &AccidentInput) -> Result<AccidentOutput, Violations> {
    let shares = validate(input)?;
    let vehicles = &input.vehicles;
    let count = vehicles.len();
    let single_vehicle = count == 1;
    let row = limit_row_at(input.accident_time);
    let limits: Vec<ByItem> = shares.iter().map(|share| row.limits(share.at_fault)).collect();
    let policies: Vec<CompulsoryPolicy> = vehicles
        .iter()
        .map(|vehicle| CompulsoryPolicy {
            insured: vehicle.compulsory,
            exclusions: vehicle.exclusions.clone(),
            injury_paid_in_exclusions: input.injury_paid_in_exclusions,
        })
        .collect();
    let occupant_index = |victim: &AccidentVictim| {
        victim.occupant_of.as_ref().and_then(|id| vehicles.iter().position(|vehicle| &vehicle.id == id))
    };

    // Every loss, vehicles first, then victims item by item.
    let mut losses = Vec::new();
    for (index, vehicle) in vehicles.iter().enumerate() {
        if !vehicle.damage.is_zero() {
            losses.push(Loss {
                owner: Owner::Vehicle(index),
                item: LossItem::VehicleDamage,
                compulsory_item: Item::Property,
                amount: vehicle.damage,
                rescue: Money::ZERO,
            });
        }
    }
    for (index, victim) in input.victims.iter().enumerate() {
        for (item, compulsory_item, amount) in [
            (LossItem::Medical, Item::Medical, victim.medical),
            (LossItem::DeathDisability, Item::DeathDisability, victim.death_disability),
            (LossItem::Property, Item::Property, victim.property),
        ] {
            if !amount.is_zero() {
                let rescue = if item == LossItem::Medical { victim.rescue } else { Money::ZERO };
                losses.push(Loss { owner: Owner::Victim(index), item, compulsory_item, amount, rescue });
            }
        }
    }

    // Which cars' 交强险 answer for which loss (条例 Art 3, 21; claims practice for no-fault cars).
    let eligible: Vec<Vec<bool>> = losses
        .iter()
        .map(|loss| {
            (0..count)
                .map(|car| match loss.owner {
                    Owner::Vehicle(owner) => owner != car && (shares[car].at_fault || shares[owner].at_fault),
                    Owner::Victim(victim_index) => {
                        let victim = &input.victims[victim_index];
                        !victim.intentional
                            && occupant_index(victim) != Some(car)
                            && (loss.compulsory_item.is_injury() || shares[car].at_fault)
                    }
                })
                .collect()
        })
        .collect();

    // layers[loss][car]
    let mut layers = vec![vec![Money::ZERO; count]; losses.len()];
    for item in Item::ALL {
        let indices: Vec<usize> = (0..losses.len()).filter(|&l| losses[l].compulsory_item == item).collect();
        let amounts: Vec<Money> = indices.iter().map(|&l| losses[l].amount).collect();
        let item_eligible: Vec<Vec<bool>> = indices.iter().map(|&l| eligible[l].clone()).collect();
        let item_limits: Vec<Money> = limits.iter().map(|limits| limits.get(item)).collect();
        for (&l, row_layers) in indices.iter().zip(share_item(&amounts, &item_eligible, &item_limits)) {
            layers[l] = row_layers;
        }
    }

    // Liability shares of what is left above the layers: x[loss][car], and the owner's own part.
    let mut shares_of_rest = vec![vec![Money::ZERO; count]; losses.len()];
    let mut owner_part = vec![Money::ZERO; losses.len()];
    for (l, loss) in losses.iter().enumerate() {
        let rest = loss.amount - layers[l].iter().copied().sum();
        let intentional = matches!(loss.owner, Owner::Victim(v) if input.victims[v].intentional);
        if intentional {
            owner_part[l] = rest;
            continue;
        }
        let mut weights: Vec<i128> = (0..count)
            .map(|car| match loss.owner {
                Owner::Vehicle(owner) if owner == car => 0,
                _ => percent_weight(shares[car].share_percent),
            })
            .collect();
        let others: i128 = weights.iter().sum();
        weights.push(percent_weight(Decimal::ONE_HUNDRED) - others);
        let parts = split_fen(rest, &weights);
        shares_of_rest[l] = parts[..count].to_vec();
        owner_part[l] = parts[count];
    }

    // 三者险 per car over all its third parties' shares.
    let mut third_party_parts = vec![vec![Money::ZERO; count]; losses.len()];
    let mut vehicle_third_party = Vec::new();
    let mut vehicle_reasons: Vec<Vec<Reason>> = vec![Vec::new(); count];
    for car in 0..count {
        let vehicle = &vehicles[car];
        let covered: Vec<Money> = losses
            .iter()
            .enumerate()
            .map(|(l, loss)| {
                let own_occupant =
                    matches!(loss.owner, Owner::Victim(v) if occupant_index(&input.victims[v]) == Some(car));
                if own_occupant || !vehicle.exclusions.is_empty() { Money::ZERO } else { shares_of_rest[l][car] }
            })
            .collect();
        let liability_total: Money = (0..losses.len()).map(|l| shares_of_rest[l][car]).sum();
        match &vehicle.third_party {
            Some(policy) => {
                let applied = deductible::resolve(
                    &policy.deductibles,
                    vehicle.clause,
                    Cover::ThirdParty,
                    shares[car].responsibility,
                    false,
                    Vec::new(),
                );
                let (covered_total, payable, paid, parts) = pay_liabilities(&covered, policy.limit, &applied);
                for (l, part) in parts.into_iter().enumerate() {
                    third_party_parts[l][car] = part;
                }
                if covered_total > policy.limit {
                    vehicle_reasons[car].push(
                        Reason::new("third_party_limit", "2014 三者险 Art 35")
                            .with("limit", policy.limit)
                            .with("liability", covered_total),
                    );
                }
                if let Some(exclusion) = vehicle.exclusions.first() {
                    vehicle_reasons[car].push(
                        Reason::new("third_party_excluded", "2014 三者险 Art 24")
                            .with("exclusion", compulsory::exclusion_name(*exclusion)),
                    );
                }
                vehicle_reasons[car].extend(applied.reasons.iter().cloned());
                vehicle_third_party.push(VehicleThirdParty {
                    insured: true,
                    limit: Some(policy.limit),
                    liability_total,
                    payable_before_deductibles: payable,
                    deductibles: Some(applied),
                    paid,
                });
            }
            None => vehicle_third_party.push(VehicleThirdParty {
                insured: false,
                limit: None,
                liability_total,
                payable_before_deductibles: Money::ZERO,
                deductibles: None,
                paid: Money::ZERO,
            }),
        }
    }

    // Allocate every loss.
    let mut compulsory_paid = vec![ByItem::default(); count];
    let mut compulsory_recoverable = vec![Money::ZERO; count];
    let mut compulsory_party = vec![Money::ZERO; count];
    let mut party_pays = vec![Money::ZERO; count];
    let mut vehicle_own_damage: Vec<Option<VehicleOwnDamage>> = vec![None; count];
    let mut totals = AccidentTotals::default();
    let mut allocations_out = Vec::new();
    for (l, loss) in losses.iter().enumerate() {
        let mut allocations = Vec::new();
        let mut party_lines: Vec<(Money, Vec<Reason>)> = vec![(Money::ZERO, Vec::new()); count];
        for car in 0..count {
            let layer = layers[l][car];
            let (payment, reasons) = dispose_layer(&policies[car], loss.compulsory_item, layer, loss.rescue);
            let (party_reasons, insurer_reasons): (Vec<Reason>, Vec<Reason>) = reasons.into_iter().partition(|r| {
                matches!(r.code, "compulsory_uninsured" | "compulsory_excluded_property" | "compulsory_excluded_injury")
            });
            if !payment.insurer.is_zero() {
                let mut item_paid = compulsory_paid[car];
                item_paid.set(loss.compulsory_item, item_paid.get(loss.compulsory_item) + payment.insurer);
                compulsory_paid[car] = item_paid;
                compulsory_recoverable[car] += payment.recoverable;
                let mut compulsory_reasons = vec![
                    Reason::new(compulsory::limit_code(loss.compulsory_item), row.source)
                        .with("limit", limits[car].get(loss.compulsory_item))
                        .with("layer", layer),
                ];
                compulsory_reasons.extend(insurer_reasons);
                allocations.push(Allocation {
                    payer: vehicles[car].id.clone(),
                    cover: PayerCover::Compulsory,
                    amount: payment.insurer,
                    recoverable: payment.recoverable,
                    reasons: compulsory_reasons,
                });
            }
            if !payment.party.is_zero() {
                compulsory_party[car] += payment.party;
                party_lines[car].0 += payment.party;
                party_lines[car].1.extend(party_reasons);
            }
        }
        for car in 0..count {
            let share_part = shares_of_rest[l][car];
            let paid = third_party_parts[l][car];
            if !paid.is_zero() {
                allocations.push(Allocation {
                    payer: vehicles[car].id.clone(),
                    cover: PayerCover::ThirdParty,
                    amount: paid,
                    recoverable: Money::ZERO,
                    reasons: vec![
                        Reason::new("third_party_share", "2014 三者险 Art 35")
                            .with("share_percent", shares[car].share_percent)
                            .with("liability", share_part),
                    ],
                });
            }
            let uncovered = share_part - paid;
            if !uncovered.is_zero() {
                party_lines[car].0 += uncovered;
                let own_occupant =
                    matches!(loss.owner, Owner::Victim(v) if occupant_index(&input.victims[v]) == Some(car));
                let code = if own_occupant {
                    "party_own_occupant"
                } else if !vehicles[car].exclusions.is_empty() {
                    "party_excluded"
                } else if vehicles[car].third_party.is_none() {
                    "party_no_third_party_cover"
                } else {
                    "party_deductible_or_limit"
                };
                party_lines[car].1.push(
                    Reason::new(code, "民法典 Art 1213; 2014 三者险 Art 22, 35")
                        .with("share_percent", shares[car].share_percent)
                        .with("amount", uncovered),
                );
            }
        }
        for (car, (amount, reasons)) in party_lines.into_iter().enumerate() {
            if !amount.is_zero() {
                party_pays[car] += amount;
                allocations.push(Allocation {
                    payer: vehicles[car].id.clone(),
                    cover: PayerCover::Party,
                    amount,
                    recoverable: Money::ZERO,
                    reasons,
                });
            }
        }
        let owner_id = match loss.owner {
            Owner::Vehicle(v) => vehicles[v].id.clone(),
            Owner::Victim(v) => input.victims[v].id.clone(),
        };
        let base = owner_part[l];
        let mut self_bears = base;
        if let Owner::Vehicle(v) = loss.owner {
            let result = own_damage_for(&vehicles[v], &shares[v], base, single_vehicle);
            if !result.paid.is_zero() {
                allocations.push(Allocation {
                    payer: owner_id.clone(),
                    cover: PayerCover::OwnDamage,
                    amount: result.paid,
                    recoverable: Money::ZERO,
                    reasons: vec![
                        Reason::new("own_damage_own_share", "2014 车损险 Art 19; Ins. Law Art 60").with("base", base),
                    ],
                });
            }
            self_bears = base - result.paid;
            if let Some(exclusion) = vehicles[v].exclusions.first()
                && vehicles[v].own_damage.is_some()
            {
                vehicle_reasons[v].push(
                    Reason::new("own_damage_excluded", "2014 车损险 exclusions")
                        .with("exclusion", compulsory::exclusion_name(*exclusion)),
                );
            }
            vehicle_own_damage[v] = Some(result);
        }
        if !self_bears.is_zero() {
            let reason = match loss.owner {
                Owner::Victim(v) if input.victims[v].intentional => {
                    Reason::new("victim_intentional", "交强险条例 Art 21 ¶2; 民法典 Art 1174")
                }
                Owner::Victim(_) => Reason::new("victim_own_share", "民法典 Art 1173; 道路交通安全法 Art 76"),
                Owner::Vehicle(_) => Reason::new("own_share_not_covered", "2014 车损险 Art 19").with("base", base),
            };
            allocations.push(Allocation {
                payer: owner_id.clone(),
                cover: PayerCover::OwnerItself,
                amount: self_bears,
                recoverable: Money::ZERO,
                reasons: vec![reason],
            });
        }
        for allocation in &allocations {
            match allocation.cover {
                PayerCover::Compulsory => totals.compulsory += allocation.amount,
                PayerCover::ThirdParty => totals.third_party += allocation.amount,
                PayerCover::Party => totals.party += allocation.amount,
                PayerCover::OwnDamage => totals.own_damage += allocation.amount,
                PayerCover::OwnerItself => totals.owner_itself += allocation.amount,
            }
        }
        totals.loss += loss.amount;
        allocations_out.push(LossAllocation {
            owner: owner_id,
            item: loss.item,
            amount: loss.amount,
            allocations,
            self_bears,
        });
    }

    let no_fault_cars = shares.iter().filter(|share| !share.at_fault).count();
    let results = vehicles
        .iter()
        .enumerate()
        .zip(shares)
        .zip(vehicle_third_party)
        .map(|(((car, vehicle), share), third_party)| {
            let own_damage = vehicle_own_damage[car]
                .clone()
                .unwrap_or_else(|| own_damage_for(vehicle, &share, Money::ZERO, single_vehicle));
            let self_bears = own_damage.base - own_damage.paid;
            let mut reasons = vec![limit_row_reason(&row, share.at_fault, input.accident_time)];
            reasons.append(&mut vehicle_reasons[car]);
            VehicleResult {
                id: vehicle.id.clone(),
                compulsory: VehicleCompulsory {
                    insured: vehicle.compulsory,
                    limits: limits[car],
                    paid: compulsory_paid[car],
                    paid_total: compulsory_paid[car].total(),
                    recoverable: compulsory_recoverable[car],
                    party_owes: compulsory_party[car],
                },
                share,
                third_party,
                own_damage,
                party_pays: party_pays[car],
                self_bears,
                reasons,
            }
        })
        .collect();
    let has_property = losses.iter().any(|loss| loss.compulsory_item == Item::Property);
    let mut reasons = Vec::new();
    if has_property && no_fault_cars > 1 {
        reasons.push(Reason::new("compulsory_no_fault_pooled", "claims practice [S]: no-fault property limits pooled"));
    }
    Ok(AccidentOutput { limit_row: row, vehicles: results, losses: allocations_out, totals, reasons })
}

fn is_zero(amount: &Money) -> bool {
    amount.is_zero()
}

/// A vehicle's 车损险 on the part of its damage nobody else answers for.
fn own_damage_for(
    vehicle: &AccidentVehicle,
    share: &LiabilityShare,
    base: Money,
    single_vehicle: bool,
) -> VehicleOwnDamage {
    let Some(policy) = &vehicle.own_damage else {
        return VehicleOwnDamage { insured: false, sum_insured: None, base, deductibles: None, paid: Money::ZERO };
    };
    let applied = deductible::resolve(
        &policy.deductibles,
        vehicle.clause,
        Cover::OwnDamage,
        share.responsibility,
        single_vehicle,
        Vec::new(),
    );
    let paid = if vehicle.exclusions.is_empty() {
        Money::round(applied.apply(base.decimal())).min(base).min(policy.sum_insured).non_negative()
    } else {
        Money::ZERO
    };
    VehicleOwnDamage { insured: true, sum_insured: Some(policy.sum_insured), base, deductibles: Some(applied), paid }
}

pub(crate) fn eval(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: AccidentInput| adjust(&input))
}
