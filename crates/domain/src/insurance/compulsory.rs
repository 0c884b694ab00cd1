//! 交强险 (compulsory third-party cover): dated limits, sharing among victims and among cars, exclusions.
//!
//! Limits are per accident for all victims together (交强险条例 Art 23; the 2020 figures from the CBIRC
//! reform, rules.md §B.3 [S]). Several victims share a sub-limit in proportion to their losses [I, IN-21];
//! several cars share one victim's loss in proportion to their limits (SPC road-accident interpretation
//! 2020 Art 18). The insured and the occupants of the insured car are never victims of its own 交强险
//! (条例 Art 3, 21).

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use super::liability::{Responsibility, liability_share};
use super::{Exclusion, Reason, check_amount, check_len, money_weight, split_fen};
use crate::money::Money;
use crate::rules::run;
use crate::violation::{Violation, Violations};

/// The three 交强险 sub-limits (分项赔偿限额).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByItem {
    /// 死亡伤残.
    pub death_disability: Money,
    /// 医疗费用.
    pub medical: Money,
    /// 财产损失.
    pub property: Money,
}

/// One 交强险 item (分项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    DeathDisability,
    Medical,
    Property,
}

impl Item {
    pub const ALL: [Item; 3] = [Item::DeathDisability, Item::Medical, Item::Property];

    pub fn name(self) -> &'static str {
        match self {
            Item::DeathDisability => "death_disability",
            Item::Medical => "medical",
            Item::Property => "property",
        }
    }

    pub fn is_injury(self) -> bool {
        self != Item::Property
    }
}

impl ByItem {
    pub fn get(&self, item: Item) -> Money {
        match item {
            Item::DeathDisability => self.death_disability,
            Item::Medical => self.medical,
            Item::Property => self.property,
        }
    }

    pub fn set(&mut self, item: Item, amount: Money) {
        match item {
            Item::DeathDisability => self.death_disability = amount,
            Item::Medical => self.medical = amount,
            Item::Property => self.property = amount,
        }
    }

    pub fn total(&self) -> Money {
        self.death_disability + self.medical + self.property
    }

    fn add(&mut self, item: Item, amount: Money) {
        self.set(item, self.get(item) + amount);
    }
}

/// One dated row of 交强险 limits (交强险责任限额), in force from `from` (the accident time decides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitRow {
    /// First accident time the row applies to; `None` for the oldest row.
    #[serde(serialize_with = "serialize_minute_opt")]
    pub from: Option<DateTime>,
    pub at_fault: ByItem,
    pub not_at_fault: ByItem,
    pub source: &'static str,
}

impl LimitRow {
    pub fn limits(&self, at_fault: bool) -> ByItem {
        if at_fault { self.at_fault } else { self.not_at_fault }
    }
}

fn limits(death_disability: i64, medical: i64, property: i64) -> ByItem {
    ByItem {
        death_disability: Money::yuan(death_disability),
        medical: Money::yuan(medical),
        property: Money::yuan(property),
    }
}

/// The limit rows, oldest first. Accidents before 2020-09-19 00:00 use the 2008 limits even on unexpired
/// policies (rules.md §B.3 [S]).
pub fn limit_rows() -> Vec<LimitRow> {
    vec![
        LimitRow {
            from: None,
            at_fault: limits(110_000, 10_000, 2_000),
            not_at_fault: limits(11_000, 1_000, 100),
            source: "交强险条例 Art 23; 2008 limits",
        },
        LimitRow {
            from: Some(jiff::civil::datetime(2020, 9, 19, 0, 0, 0, 0)),
            at_fault: limits(180_000, 18_000, 2_000),
            not_at_fault: limits(18_000, 1_800, 100),
            source: "交强险条例 Art 23; 2020 limits",
        },
    ]
}

/// The row in force at `accident_time`; without a time, the newest row.
pub fn limit_row_at(accident_time: Option<DateTime>) -> LimitRow {
    let rows = limit_rows();
    let index = match accident_time {
        Some(time) => rows.iter().rposition(|row| row.from.is_none_or(|from| from <= time)).unwrap_or(0),
        None => rows.len() - 1,
    };
    rows[index].clone()
}

/// Formats a civil time the way inputs spell it: `YYYY-MM-DDTHH:MM`.
pub fn minute_text(time: DateTime) -> String {
    time.strftime("%Y-%m-%dT%H:%M").to_string()
}

fn serialize_minute_opt<S: serde::Serializer>(time: &Option<DateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.serialize_str(&minute_text(*time)),
        None => serializer.serialize_none(),
    }
}

/// The reason naming the limit row used.
pub fn limit_row_reason(row: &LimitRow, at_fault: bool, accident_time: Option<DateTime>) -> Reason {
    let limits = row.limits(at_fault);
    let reason =
        Reason::new(if at_fault { "compulsory_limits_at_fault" } else { "compulsory_limits_not_at_fault" }, row.source)
            .with("death_disability", limits.death_disability)
            .with("medical", limits.medical)
            .with("property", limits.property);
    match accident_time {
        Some(time) => reason.with("accident_time", minute_text(time)),
        None => reason.with("accident_time", "-"),
    }
}

/// Shares the losses of one item among the cars' 交强险 layers.
///
/// `losses[l]` is claim `l`'s loss, `eligible[l][c]` whether car `c`'s 交强险 answers for it, `limits[c]`
/// car `c`'s sub-limit. Each loss is first split among its eligible cars in proportion to their limits
/// (SPC 2020 Art 18); then each car whose claims exceed its limit pays its limit split in proportion to the
/// claims, so one victim alone gets at most the limit and several victims share it in proportion to their
/// losses (one limit per accident for all victims [I, IN-21]). What a capped car does not pay is not
/// shifted to the other cars [I]. Answers `layers[l][c]`, whole fen.
pub fn share_item(losses: &[Money], eligible: &[Vec<bool>], limits: &[Money]) -> Vec<Vec<Money>> {
    let mut layers: Vec<Vec<Money>> = losses
        .iter()
        .zip(eligible)
        .map(|(loss, eligible)| {
            let weights: Vec<i128> =
                limits.iter().zip(eligible).map(|(limit, ok)| if *ok { money_weight(*limit) } else { 0 }).collect();
            split_fen(*loss, &weights)
        })
        .collect();
    for (car, limit) in limits.iter().enumerate() {
        let claims: Vec<Money> = layers.iter().map(|row| row[car]).collect();
        let claimed: Money = claims.iter().copied().sum();
        if claimed > *limit {
            let weights: Vec<i128> = claims.iter().map(|claim| money_weight(*claim)).collect();
            for (row, part) in layers.iter_mut().zip(split_fen(*limit, &weights)) {
                row[car] = part;
            }
        }
    }
    layers
}

/// Who carries one car's 交强险 layer for one item of one victim.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LayerPayment {
    /// Paid (or advanced) by the 交强险 insurer.
    pub insurer: Money,
    /// Of `insurer`, what the insurer may recover from the driver (条例 Art 22; SPC 2020 Art 15).
    pub recoverable: Money,
    /// Owed by the car's own party: no 交强险, or the item excluded.
    pub party: Money,
}

/// The status of one car's 交强险 policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompulsoryPolicy {
    /// The car has 交强险 at all.
    pub insured: bool,
    pub exclusions: Vec<Exclusion>,
    /// Courts pay personal injury in the exclusion cases and let the insurer recover (SPC 2020 Art 15);
    /// when false only rescue costs are advanced (条例 Art 22).
    pub injury_paid_in_exclusions: bool,
}

/// Splits a layer between insurer and party. `rescue` is the victim's rescue cost (抢救费用) within the
/// medical item. A car without 交强险 answers within the limits itself (SPC 2020 Art 16).
pub fn dispose_layer(
    policy: &CompulsoryPolicy,
    item: Item,
    layer: Money,
    rescue: Money,
) -> (LayerPayment, Vec<Reason>) {
    let mut reasons = Vec::new();
    if layer.is_zero() {
        return (LayerPayment::default(), reasons);
    }
    if !policy.insured {
        reasons.push(
            Reason::new("compulsory_uninsured", "SPC 2020 road-accident interpretation Art 16").with("amount", layer),
        );
        return (LayerPayment { insurer: Money::ZERO, recoverable: Money::ZERO, party: layer }, reasons);
    }
    let Some(exclusion) = policy.exclusions.first() else {
        return (LayerPayment { insurer: layer, recoverable: Money::ZERO, party: Money::ZERO }, reasons);
    };
    let exclusion = exclusion_name(*exclusion);
    if !item.is_injury() {
        reasons.push(
            Reason::new("compulsory_excluded_property", "交强险条例 Art 22")
                .with("exclusion", exclusion)
                .with("amount", layer),
        );
        return (LayerPayment { insurer: Money::ZERO, recoverable: Money::ZERO, party: layer }, reasons);
    }
    if policy.injury_paid_in_exclusions {
        reasons.push(
            Reason::new(
                "compulsory_injury_paid_recoverable",
                "SPC 2020 road-accident interpretation Art 15; 交强险条例 Art 22",
            )
            .with("exclusion", exclusion)
            .with("amount", layer),
        );
        return (LayerPayment { insurer: layer, recoverable: layer, party: Money::ZERO }, reasons);
    }
    let advanced = if item == Item::Medical { layer.min(rescue) } else { Money::ZERO };
    if !advanced.is_zero() {
        reasons.push(
            Reason::new("compulsory_rescue_advanced", "交强险条例 Art 22")
                .with("exclusion", exclusion)
                .with("amount", advanced),
        );
    }
    if advanced < layer {
        reasons.push(
            Reason::new("compulsory_excluded_injury", "交强险条例 Art 22")
                .with("exclusion", exclusion)
                .with("amount", layer - advanced),
        );
    }
    (LayerPayment { insurer: advanced, recoverable: advanced, party: layer - advanced }, reasons)
}

pub fn exclusion_name(exclusion: Exclusion) -> &'static str {
    match exclusion {
        Exclusion::UnlicensedDriver => "unlicensed_driver",
        Exclusion::DrunkDriver => "drunk_driver",
        Exclusion::StolenVehicle => "stolen_vehicle",
        Exclusion::IntentionalAct => "intentional_act",
    }
}

// ---------------------------------------------------------------------------------------------------------
// The `compulsory-limits` rule: one car, its victims.

/// One victim of the insured car (受害人): a person or the owner of damaged property.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Victim {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub medical: Money,
    #[serde(default)]
    pub death_disability: Money,
    #[serde(default)]
    pub property: Money,
    /// Of `medical`, the emergency rescue costs (抢救费用), advanced even in the exclusion cases.
    #[serde(default)]
    pub rescue: Money,
    /// The insured or an occupant of the insured car: not a victim of its 交强险 (条例 Art 3, 21).
    #[serde(default)]
    pub insured_or_occupant: bool,
    /// The victim caused the accident on purpose: nothing is paid (条例 Art 21 ¶2).
    #[serde(default)]
    pub intentional: bool,
}

impl Victim {
    pub fn losses(&self) -> ByItem {
        ByItem { death_disability: self.death_disability, medical: self.medical, property: self.property }
    }

    pub fn validate(&self, violations: &mut Violations, field: &str) {
        check_amount(violations, &format!("{field}.medical"), self.medical);
        check_amount(violations, &format!("{field}.death_disability"), self.death_disability);
        check_amount(violations, &format!("{field}.property"), self.property);
        check_amount(violations, &format!("{field}.rescue"), self.rescue);
        if self.rescue > self.medical {
            violations.push(
                Violation::new(format!("{field}.rescue"), "rescue_exceeds_medical")
                    .with("rescue", self.rescue)
                    .with("medical", self.medical),
            );
        }
    }
}

/// Input of `compulsory-limits`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompulsoryInput {
    /// Civil time of the accident in the store's zone; picks the limit row. Absent: the newest row.
    #[serde(default)]
    pub accident_time: Option<DateTime>,
    /// 有责 / 无责; or give `responsibility` instead.
    #[serde(default)]
    pub at_fault: Option<bool>,
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    #[serde(default)]
    pub victims: Vec<Victim>,
    /// The car has 交强险 (default true).
    #[serde(default = "yes")]
    pub insured: bool,
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
    /// Setting: personal injury paid (and recovered) in the exclusion cases (default true, SPC 2020 Art 15).
    #[serde(default = "yes")]
    pub injury_paid_in_exclusions: bool,
}

pub(crate) fn yes() -> bool {
    true
}

/// What one car's 交强险 does for one victim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VictimCompulsory {
    pub id: String,
    pub loss: ByItem,
    /// Paid or advanced by the insurer, per item.
    pub paid: ByItem,
    pub paid_total: Money,
    /// Of `paid`, recoverable from the driver.
    pub recoverable: Money,
    /// Within the limits but owed by the insured party itself (no 交强险, excluded item).
    pub insured_party_owes: ByItem,
    /// The loss above what the 交强险 layer covers: for commercial cover and the liable party.
    pub above_layer: ByItem,
    pub reasons: Vec<Reason>,
}

/// Output of `compulsory-limits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompulsoryOutput {
    pub limit_row: LimitRow,
    pub at_fault: bool,
    pub limits: ByItem,
    pub limits_total: Money,
    pub victims: Vec<VictimCompulsory>,
    pub paid: ByItem,
    pub paid_total: Money,
    pub recoverable: Money,
    pub reasons: Vec<Reason>,
}

/// One car's 交强险 for its victims: the `compulsory-limits` rule.
pub fn compulsory(input: &CompulsoryInput) -> Result<CompulsoryOutput, Violations> {
    let mut violations = Violations::new();
    check_len(&mut violations, "victims", input.victims.len(), 200);
    for (index, victim) in input.victims.iter().enumerate() {
        victim.validate(&mut violations, &format!("victims[{index}]"));
    }
    let at_fault = match (input.at_fault, input.responsibility) {
        (Some(at_fault), _) => Some(at_fault),
        (None, Some(grade)) => liability_share(Some(grade), None).ok().map(|share| share.at_fault),
        (None, None) => {
            violations.push(Violation::new("at_fault", "required"));
            None
        }
    };
    if !violations.is_empty() {
        return Err(violations);
    }
    let at_fault = at_fault.unwrap_or(true);
    let row = limit_row_at(input.accident_time);
    let limits = row.limits(at_fault);
    let policy = CompulsoryPolicy {
        insured: input.insured,
        exclusions: input.exclusions.clone(),
        injury_paid_in_exclusions: input.injury_paid_in_exclusions,
    };
    let mut reasons = vec![limit_row_reason(&row, at_fault, input.accident_time)];
    let eligible: Vec<Vec<bool>> =
        input.victims.iter().map(|victim| vec![!victim.insured_or_occupant && !victim.intentional]).collect();

    let mut victims: Vec<VictimCompulsory> = input
        .victims
        .iter()
        .enumerate()
        .map(|(index, victim)| {
            let mut victim_reasons = Vec::new();
            if victim.insured_or_occupant {
                victim_reasons.push(Reason::new("compulsory_not_third_party", "交强险条例 Art 3, 21"));
            } else if victim.intentional {
                victim_reasons.push(Reason::new("compulsory_victim_intentional", "交强险条例 Art 21 ¶2"));
            }
            VictimCompulsory {
                id: victim.id.clone().unwrap_or_else(|| format!("victim-{}", index + 1)),
                loss: victim.losses(),
                paid: ByItem::default(),
                paid_total: Money::ZERO,
                recoverable: Money::ZERO,
                insured_party_owes: ByItem::default(),
                above_layer: victim.losses(),
                reasons: victim_reasons,
            }
        })
        .collect();

    let mut paid = ByItem::default();
    let mut recoverable = Money::ZERO;
    for item in Item::ALL {
        let losses: Vec<Money> = input.victims.iter().map(|victim| victim.losses().get(item)).collect();
        let layers = share_item(&losses, &eligible, &[limits.get(item)]);
        let claimed: Money = losses.iter().zip(&eligible).filter(|(_, ok)| ok[0]).map(|(loss, _)| *loss).sum();
        if claimed > limits.get(item) && input.victims.len() > 1 {
            reasons.push(
                Reason::new("compulsory_limit_shared", "交强险条例 Art 23; proportional to the losses [I]")
                    .with("item", item.name())
                    .with("limit", limits.get(item))
                    .with("claimed", claimed),
            );
        }
        for ((victim, source), layer) in victims.iter_mut().zip(&input.victims).zip(layers) {
            let layer = layer[0];
            let (payment, layer_reasons) = dispose_layer(&policy, item, layer, source.rescue);
            victim.paid.set(item, payment.insurer);
            victim.recoverable += payment.recoverable;
            victim.insured_party_owes.set(item, payment.party);
            victim.above_layer.set(item, victim.loss.get(item) - layer);
            if layer < victim.loss.get(item) && !layer.is_zero() {
                victim.reasons.push(
                    Reason::new(limit_code(item), row.source)
                        .with("limit", limits.get(item))
                        .with("loss", victim.loss.get(item))
                        .with("layer", layer),
                );
            }
            victim.reasons.extend(layer_reasons);
            paid.add(item, payment.insurer);
            recoverable += payment.recoverable;
        }
    }
    for victim in &mut victims {
        victim.paid_total = victim.paid.total();
    }
    Ok(CompulsoryOutput {
        limit_row: row,
        at_fault,
        limits,
        limits_total: limits.total(),
        victims,
        paid,
        paid_total: paid.total(),
        recoverable,
        reasons,
    })
}

/// The reason code for a loss cut at an item's limit.
pub fn limit_code(item: Item) -> &'static str {
    match item {
        Item::DeathDisability => "compulsory_death_disability_limit",
        Item::Medical => "compulsory_medical_limit",
        Item::Property => "compulsory_property_limit",
    }
}

pub(crate) fn eval(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: CompulsoryInput| compulsory(&input))
}
