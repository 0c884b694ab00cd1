//! The assessment of one 三包 request: scope, exemptions, the free windows (2021 Art 20, 22, 23), the
//! replacement or return inside 三包有效期 (Art 24), free repair (Art 19) and the use compensation (Art 27).
//!
//! The request is the current fault; the history holds the earlier repairs. The current request counts as
//! the next occurrence: two earlier brake-failure repairs and a third brake failure give Art 24(1), and the
//! fifth repair of the same problem gives Art 24(4). Every figure that led to the decision is in the answer.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::sanbao::compensation::compensation_exact;
use crate::sanbao::history::{self, CurrentFault, HistorySummary, RepairRecord};
use crate::sanbao::periods::{self, EndedBy, Limit, Periods, StartBasis, Terms, Vehicle, VehicleKind};
use crate::sanbao::reason::Reason;
use crate::sanbao::system::{SafetyFailure, System};
use crate::sanbao::version::{ExemptionArticle, Provision, Version, article};
use crate::violation::{Violation, Violations};

/// Input of `sanbao-assess`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessInput {
    pub vehicle: Vehicle,
    pub request: Request,
    /// Earlier repairs of this car (of the replacement car only, after a replacement).
    #[serde(default)]
    pub history: Vec<RepairRecord>,
}

/// The consumer's request (三包申请): when, at what odometer reading, and for which fault.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub date: Date,
    pub odometer_km: u32,
    /// The fault now reported; absent for a request that rests on the history alone (Art 24(4)).
    #[serde(default)]
    pub fault: Option<Fault>,
}

/// The fault now reported (故障).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub system: System,
    #[serde(default)]
    pub part: Option<String>,
    /// Names the problem for "the same quality problem" (defaults to the part).
    #[serde(default)]
    pub problem: Option<String>,
    /// 产品质量问题; false for wear and tear or anything else that is not a defect.
    #[serde(default = "yes")]
    pub quality_problem: bool,
    /// The faulty part is a main part (主要零件) of its system, per the 三包凭证.
    #[serde(default)]
    pub main_part: bool,
    /// The repair needs the assembly or one of its main parts replaced (Art 22).
    #[serde(default)]
    pub needs_replacement: bool,
    /// A serious safety fault (严重安全性能故障, Art 40). Every Art 23 failure is one.
    #[serde(default)]
    pub serious_safety: bool,
    /// A failure on the Art 23 list.
    #[serde(default)]
    pub safety_failure: Option<SafetyFailure>,
    /// Accident damage: not a quality problem; an insurance matter [I].
    #[serde(default)]
    pub accident_damage: bool,
    /// An Art 32 ground the business has established.
    #[serde(default)]
    pub exemption: Option<Exemption>,
    /// The part is a wear part (易损耗零部件) with the manufacturer's own period.
    #[serde(default)]
    pub wear_part: Option<OwnPeriod>,
    /// The part was fitted under an earlier claim and has its own parts warranty.
    #[serde(default)]
    pub fitted_part: Option<FittedPart>,
}

fn yes() -> bool {
    true
}

/// The exemption grounds of 2021 Art 32 (2013 Art 30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// Told in writing at purchase of a defect that breaks no law or standard (32(1)).
    WrittenDefectNotice,
    /// Use, maintenance or care contrary to the manual or the 三包凭证 (32(2)).
    Misuse,
    /// Modification, adjustment or disassembly the manual forbids (32(3)).
    ProhibitedModification,
    /// The consumer's improper handling after the problem appeared (32(4)).
    ImproperHandling,
    /// Force majeure (32(5)).
    ForceMajeure,
}

impl Exemption {
    fn code(self) -> &'static str {
        match self {
            Exemption::WrittenDefectNotice => "art32_written_defect_notice",
            Exemption::Misuse => "art32_misuse",
            Exemption::ProhibitedModification => "art32_prohibited_modification",
            Exemption::ImproperHandling => "art32_improper_handling",
            Exemption::ForceMajeure => "art32_force_majeure",
        }
    }

    fn article(self) -> ExemptionArticle {
        match self {
            Exemption::WrittenDefectNotice => ExemptionArticle::WrittenDefectNotice,
            Exemption::Misuse => ExemptionArticle::Misuse,
            Exemption::ProhibitedModification => ExemptionArticle::ProhibitedModification,
            Exemption::ImproperHandling => ExemptionArticle::ImproperHandling,
            Exemption::ForceMajeure => ExemptionArticle::ForceMajeure,
        }
    }
}

/// A wear part's own period, counted from the 三包 period start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnPeriod {
    pub period_months: u32,
    pub period_km: u32,
}

/// A part fitted under an earlier claim, with its own parts warranty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedPart {
    pub fitted_on: Date,
    pub fitted_odometer_km: u32,
    pub period_months: u32,
    pub period_km: u32,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum DecisionKind {
    /// Not a 家用汽车产品: the 三包 rules do not apply (the manufacturer's warranty may).
    #[serde(rename = "sanbao_out_of_scope")]
    OutOfScope,
    #[serde(rename = "sanbao_exempt")]
    Exempt,
    /// Not a quality problem; accident damage goes to insurance.
    #[serde(rename = "sanbao_not_quality_problem")]
    NotQualityProblem,
    #[serde(rename = "sanbao_replacement_or_return")]
    ReplacementOrReturn,
    /// 2013 Art 21: replacement only.
    #[serde(rename = "sanbao_replacement_only")]
    ReplacementOnly,
    #[serde(rename = "sanbao_free_assembly_replacement")]
    FreeAssemblyReplacement,
    #[serde(rename = "sanbao_free_repair")]
    FreeRepair,
    /// Outside every period: a paid repair unless the manufacturer promised more.
    #[serde(rename = "sanbao_not_covered")]
    NotCovered,
    /// No fault reported and no Art 24 ground in the history.
    #[serde(rename = "sanbao_no_entitlement")]
    NoEntitlement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub code: DecisionKind,
    pub article: &'static str,
}

/// What the consumer may choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RemedyKind {
    #[serde(rename = "remedy_replacement_car")]
    ReplacementCar,
    #[serde(rename = "remedy_return")]
    Return,
    #[serde(rename = "remedy_free_assembly_replacement")]
    FreeAssemblyReplacement,
    #[serde(rename = "remedy_free_repair")]
    FreeRepair,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remedy {
    pub code: RemedyKind,
    pub article: &'static str,
    /// Art 27 use compensation is charged (Art 24 only).
    pub use_compensation: bool,
    /// The assembly for a free assembly replacement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<System>,
}

/// A document the consumer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Document {
    pub code: &'static str,
}

const PURCHASE_INVOICE: Document = Document { code: "document_purchase_invoice" };
const SANBAO_CERTIFICATE: Document = Document { code: "document_sanbao_certificate" };
static DOCUMENTS_REPLACEMENT: [Document; 2] = [PURCHASE_INVOICE, SANBAO_CERTIFICATE];
static DOCUMENTS_REPAIR: [Document; 1] = [SANBAO_CERTIFICATE];

/// Where the request stands in the periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequestFigures {
    pub date: Date,
    pub odometer_km: u32,
    /// The day after the period start is day 1.
    pub day: i64,
    pub km_since_start: u32,
    /// 2021 Art 22; absent under 2013.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_7_days: Option<bool>,
    pub within_60_days_3000_km: bool,
    pub within_sanbao_period: bool,
    pub within_warranty_period: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sanbao_period_ended_by: Option<EndedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warranty_period_ended_by: Option<EndedBy>,
}

/// A part's own period and whether the request falls inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PartPeriod {
    pub last_day: Date,
    pub km_limit: u64,
    pub within: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UseCompensationFigures {
    /// A replacement or return is open to the consumer.
    pub replacement_or_return: bool,
    /// Charged: only when every replacement or return ground is Art 24.
    pub applies: bool,
    pub article: &'static str,
    pub km: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    /// 0.00 for the free grounds; absent when charged but price or n is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment<'a> {
    pub version: Version,
    pub decision: Decision,
    pub remedies: Vec<Remedy>,
    pub documents: &'static [Document],
    pub use_compensation: UseCompensationFigures,
    pub route_to_insurance: bool,
    pub periods: Periods,
    pub terms: &'a Terms,
    pub request: RequestFigures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wear_part: Option<PartPeriod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fitted_part: Option<PartPeriod>,
    pub history: HistorySummary<'a>,
    pub reasons: Vec<Reason<'a>>,
}

impl Assessment<'_> {
    /// The remedy kinds, for comparing rights.
    pub fn remedy_kinds(&self) -> impl Iterator<Item = RemedyKind> + '_ {
        self.remedies.iter().map(|remedy| remedy.code)
    }
}

fn validate(input: &AssessInput) -> Result<Periods, Violations> {
    let mut violations = Violations::new();
    let periods = match periods::periods(&input.vehicle) {
        Ok(periods) => Some(periods),
        Err(errors) => {
            violations.extend_nested("vehicle", errors);
            None
        }
    };
    for (index, record) in input.history.iter().enumerate() {
        if record.completed_at < record.agreed_at {
            violations.push(
                Violation::new(format!("history[{index}].completed_at"), "sanbao_completed_before_agreed")
                    .with("agreed_at", record.agreed_at),
            );
        }
        if record.action == history::RepairAction::MainPartReplaced
            && history::part_key(record.part.as_deref()).is_none()
        {
            violations.push(Violation::new(format!("history[{index}].part"), "required"));
        }
    }
    if let Some(fault) = &input.request.fault {
        if let Some(wear) = fault.wear_part {
            periods::check_own_period("request.fault.wear_part", wear.period_months, wear.period_km, &mut violations);
        }
        if let Some(fitted) = fault.fitted_part {
            periods::check_own_period(
                "request.fault.fitted_part",
                fitted.period_months,
                fitted.period_km,
                &mut violations,
            );
            if fitted.fitted_on > input.request.date {
                violations.push(
                    Violation::new("request.fault.fitted_part.fitted_on", "sanbao_after_request_date")
                        .with("date", input.request.date),
                );
            }
        }
    }
    let Some(periods) = periods else { return Err(violations) };
    if let Some(n) = input.vehicle.terms.n {
        violations.check(n.check("vehicle.terms.n", periods.version));
    }
    if input.request.date < periods.start {
        violations.push(Violation::new("request.date", "sanbao_before_period_start").with("start", periods.start));
    }
    if input.request.odometer_km < periods.start_odometer_km {
        violations.push(
            Violation::new("request.odometer_km", "sanbao_odometer_below_start")
                .with("start_odometer_km", periods.start_odometer_km),
        );
    }
    violations.finish(|| periods)
}

/// Collects remedies; the first ground named for a remedy wins, and free grounds are added first.
struct Remedies(Vec<Remedy>);

impl Remedies {
    fn add(&mut self, code: RemedyKind, article: &'static str, use_compensation: bool, system: Option<System>) {
        if !self.0.iter().any(|remedy| remedy.code == code) {
            self.0.push(Remedy { code, article, use_compensation, system });
        }
    }

    fn has(&self, code: RemedyKind) -> bool {
        self.0.iter().any(|remedy| remedy.code == code)
    }
}

/// Assesses one request. Field violations for invalid input; otherwise a decision with its figures.
pub fn assess(input: &AssessInput) -> Result<Assessment<'_>, Violations> {
    let periods = validate(input)?;
    let version = periods.version;
    let vehicle = &input.vehicle;
    let request = &input.request;
    let fault = request.fault.as_ref();
    let art = |provision| article(version, provision);

    let figures = position(&periods, request.date, request.odometer_km);
    let km = figures.km_since_start;

    let mut reasons: Vec<Reason<'_>> = Vec::with_capacity(8);
    let mut remedies = Remedies(Vec::with_capacity(4));
    reasons.push(Reason::new("sanbao_version_by_period_start", art(Provision::VersionChoice)).with(|p| {
        p.version = Some(version);
        p.start = Some(periods.start);
    }));
    if periods.start_basis == StartBasis::Replacement {
        reasons.push(Reason::new("art29_periods_restart_after_replacement", art(Provision::Restart)).with(|p| {
            p.start = Some(periods.start);
            p.km_limit = Some(periods.sanbao.km_limit);
        }));
    }
    if let Some(changed_on) = vehicle.ownership_changed_on {
        reasons.push(
            Reason::new("art30_ownership_change_keeps_rights", art(Provision::OwnershipChange))
                .with(|p| p.date = Some(changed_on)),
        );
    }
    if vehicle.serviced_at_independent_workshop {
        // Art 32 last paragraph; under 2013 the exemption list is closed and has no such ground [I].
        reasons.push(Reason::new(
            "art32_independent_workshop_not_a_ground",
            art(Provision::Exemption(ExemptionArticle::IndependentWorkshop)),
        ));
    }

    // Gates: scope, the 2013 exemptions, no quality problem, Art 32.
    let mut gate: Option<Decision> = None;
    let mut route_to_insurance = false;
    if matches!(vehicle.kind, VehicleKind::SpecialPurposePassengerCar | VehicleKind::Other) {
        let kind = vehicle.kind;
        stop(
            &mut gate,
            DecisionKind::OutOfScope,
            Reason::new("sanbao_out_of_scope_vehicle_kind", art(Provision::Scope))
                .with(|p| p.vehicle_kind = Some(kind)),
            &mut reasons,
        );
    }
    if !vehicle.for_living_needs {
        stop(
            &mut gate,
            DecisionKind::OutOfScope,
            Reason::new("sanbao_out_of_scope_not_living_needs", art(Provision::Scope)),
            &mut reasons,
        );
    }
    if vehicle.use_nature.is_commercial() {
        let use_nature = vehicle.use_nature;
        match version {
            Version::V2021 => stop(
                &mut gate,
                DecisionKind::OutOfScope,
                Reason::new("sanbao_out_of_scope_commercial_use", art(Provision::Scope))
                    .with(|p| p.use_nature = Some(use_nature)),
                &mut reasons,
            ),
            Version::V2013 => stop(
                &mut gate,
                DecisionKind::Exempt,
                Reason::new(
                    "sanbao_2013_exempt_commercial_use",
                    art(Provision::Exemption(ExemptionArticle::CommercialUse)),
                )
                .with(|p| p.use_nature = Some(use_nature)),
                &mut reasons,
            ),
        }
    }
    if version == Version::V2013 && !vehicle.has_invoice && !vehicle.has_sanbao_certificate {
        stop(
            &mut gate,
            DecisionKind::Exempt,
            Reason::new("sanbao_2013_exempt_no_invoice_and_certificate", art(Provision::NoDocuments2013)),
            &mut reasons,
        );
    }
    if let Some(fault) = fault {
        if fault.accident_damage {
            route_to_insurance = true;
            stop(
                &mut gate,
                DecisionKind::NotQualityProblem,
                Reason::new("sanbao_accident_not_quality_problem", art(Provision::Definitions)),
                &mut reasons,
            );
        } else if !fault.quality_problem {
            stop(
                &mut gate,
                DecisionKind::NotQualityProblem,
                Reason::new("sanbao_not_quality_problem", art(Provision::Definitions)),
                &mut reasons,
            );
        }
        if let Some(exemption) = fault.exemption {
            stop(
                &mut gate,
                DecisionKind::Exempt,
                Reason::new(exemption.code(), art(Provision::Exemption(exemption.article()))),
                &mut reasons,
            );
        }
    }

    let wear_part = fault.and_then(|fault| fault.wear_part).map(|wear| {
        let limit = periods.own_period(wear.period_months, wear.period_km);
        part_period(limit, request.date, request.odometer_km)
    });
    let fitted_part = fault.and_then(|fault| fault.fitted_part).map(|fitted| {
        let limit = periods::limit(fitted.fitted_on, fitted.fitted_odometer_km, fitted.period_months, fitted.period_km);
        part_period(limit, request.date, request.odometer_km)
    });
    let serious = fault.is_some_and(|fault| fault.serious_safety || fault.safety_failure.is_some());
    let current = fault.map(|fault| CurrentFault {
        system: fault.system,
        part: fault.part.as_deref(),
        problem: fault.problem.as_deref(),
        serious_safety: serious,
        counts: gate.is_none() && figures.within_sanbao_period && wear_part.is_none_or(|wear| wear.within),
    });
    let history = history::summarize(&input.history, &periods, current);

    // Wear parts are covered only in their own period (Art 19; not covered after it).
    if let (Some(wear), Some(fault)) = (wear_part, fault)
        && !wear.within
    {
        let system = fault.system;
        stop(
            &mut gate,
            DecisionKind::NotCovered,
            Reason::new("sanbao_wear_part_outside_period", art(Provision::FreeRepair)).with(|p| {
                p.system = Some(system);
                p.last_day = Some(wear.last_day);
                p.km_limit = Some(wear.km_limit);
            }),
            &mut reasons,
        );
    }

    if gate.is_none() {
        if let Some(fault) = fault {
            free_windows(fault, &periods, &figures, &mut remedies, &mut reasons);
        }
        sanbao_period_grounds(&periods, &figures, &history, serious, fault.is_some(), &mut remedies, &mut reasons);
        if let Some(fault) = fault {
            free_repair(fault, &periods, &figures, wear_part, fitted_part, &mut remedies, &mut reasons);
        }
    }

    remedies.0.sort_by_key(|remedy| remedy.code);
    let decision = gate.unwrap_or_else(|| {
        let top = remedies.0.first();
        let code = match top.map(|remedy| remedy.code) {
            Some(RemedyKind::ReplacementCar) if remedies.has(RemedyKind::Return) => DecisionKind::ReplacementOrReturn,
            Some(RemedyKind::ReplacementCar | RemedyKind::Return) => DecisionKind::ReplacementOnly,
            Some(RemedyKind::FreeAssemblyReplacement) => DecisionKind::FreeAssemblyReplacement,
            Some(RemedyKind::FreeRepair) => DecisionKind::FreeRepair,
            None if fault.is_some() => DecisionKind::NotCovered,
            None => DecisionKind::NoEntitlement,
        };
        let article = match top {
            Some(remedy) => remedy.article,
            None => reasons.last().map_or(art(Provision::Periods), |reason| reason.article),
        };
        Decision { code, article }
    });

    let replacement = remedies.0.iter().find(|remedy| remedy.code == RemedyKind::ReplacementCar);
    let applies = replacement.is_some_and(|remedy| remedy.use_compensation);
    let amount = match replacement {
        None => None,
        Some(_) if !applies => Some(Money::ZERO),
        Some(_) => match (vehicle.price, vehicle.terms.n) {
            (Some(price), Some(n)) => compensation_exact(price, km, n).map(Money::round),
            _ => None,
        },
    };
    let use_compensation = UseCompensationFigures {
        replacement_or_return: replacement.is_some(),
        applies,
        article: art(Provision::UseCompensation),
        km,
        price: vehicle.price,
        amount,
    };
    let documents: &'static [Document] = if replacement.is_some() || remedies.has(RemedyKind::Return) {
        &DOCUMENTS_REPLACEMENT
    } else if remedies.0.is_empty() {
        &[]
    } else {
        &DOCUMENTS_REPAIR
    };

    Ok(Assessment {
        version,
        decision,
        remedies: remedies.0,
        documents,
        use_compensation,
        route_to_insurance,
        periods,
        terms: &vehicle.terms,
        request: figures,
        wear_part,
        fitted_part,
        history,
        reasons,
    })
}

/// Where a date and odometer reading stand in a vehicle's periods.
pub fn position(periods: &Periods, date: Date, odometer_km: u32) -> RequestFigures {
    RequestFigures {
        date,
        odometer_km,
        day: periods.day_number(date),
        km_since_start: periods.km_since_start(odometer_km),
        within_7_days: periods.within_seven_days(date),
        within_60_days_3000_km: periods.sixty_day.contains(date, odometer_km),
        within_sanbao_period: periods.sanbao.contains(date, odometer_km),
        within_warranty_period: periods.warranty.contains(date, odometer_km),
        sanbao_period_ended_by: periods.sanbao.ended_by(date, odometer_km),
        warranty_period_ended_by: periods.warranty.ended_by(date, odometer_km),
    }
}

/// Records the first gate that closes the request; later ones are not reported.
fn stop<'a>(gate: &mut Option<Decision>, code: DecisionKind, reason: Reason<'a>, reasons: &mut Vec<Reason<'a>>) {
    if gate.is_none() {
        *gate = Some(Decision { code, article: reason.article });
        reasons.push(reason);
    }
}

fn part_period(limit: Limit, date: Date, odometer_km: u32) -> PartPeriod {
    PartPeriod { last_day: limit.last_day, km_limit: limit.km_limit, within: limit.contains(date, odometer_km) }
}

/// 2021 Art 22, Art 23 and Art 20 (2013 Art 20 and 18): the windows from the period start.
fn free_windows<'a>(
    fault: &'a Fault,
    periods: &Periods,
    figures: &RequestFigures,
    remedies: &mut Remedies,
    reasons: &mut Vec<Reason<'a>>,
) {
    let version = periods.version;
    let art = |provision| article(version, provision);
    let (day, km, system) = (figures.day, figures.km_since_start, fault.system);
    let sixty = figures.within_60_days_3000_km;

    // Art 22: 7 days, engine/transmission/battery/motor or a main part needing replacement (2021 only).
    if let Some(within_7_days) = figures.within_7_days
        && fault.needs_replacement
        && system.is_assembly(version)
    {
        let article = art(Provision::SevenDay);
        if within_7_days {
            remedies.add(RemedyKind::ReplacementCar, article, false, None);
            remedies.add(RemedyKind::Return, article, false, None);
            reasons.push(Reason::new("art22_within_7_days", article).with(|p| {
                p.day = Some(day);
                p.limit_days = Some(periods::SEVEN_DAYS);
                p.system = Some(system);
            }));
        } else {
            reasons.push(Reason::new("art22_outside_7_days", article).with(|p| {
                p.day = Some(day);
                p.limit_days = Some(periods::SEVEN_DAYS);
            }));
        }
    }

    // Art 23: the safety list within 60 days or 3,000 km.
    if let Some(failure) = fault.safety_failure {
        let article = art(Provision::SixtyDaySafety);
        if !failure.is_listed(version) {
            reasons
                .push(Reason::new("art23_battery_fire_not_on_2013_list", article).with(|p| p.failure = Some(failure)));
        } else if sixty {
            remedies.add(RemedyKind::ReplacementCar, article, false, None);
            remedies.add(RemedyKind::Return, article, false, None);
            reasons.push(Reason::new("art23_safety_failure_within_60_days", article).with(|p| {
                p.failure = Some(failure);
                p.day = Some(day);
                p.km = Some(km);
                p.limit_days = Some(periods::SIXTY_DAYS);
                p.limit_km = Some(periods::SIXTY_DAY_KM);
            }));
        } else {
            reasons.push(Reason::new("art23_outside_60_days_3000_km", article).with(|p| {
                p.failure = Some(failure);
                p.day = Some(day);
                p.km = Some(km);
                p.limit_days = Some(periods::SIXTY_DAYS);
                p.limit_km = Some(periods::SIXTY_DAY_KM);
            }));
        }
    }

    // Art 20: a main-part quality problem of an assembly within 60 days or 3,000 km.
    if (fault.main_part || fault.needs_replacement) && system.is_assembly(version) {
        let article = art(Provision::AssemblyReplacement);
        let code = if sixty {
            remedies.add(RemedyKind::FreeAssemblyReplacement, article, false, Some(system));
            "art20_free_assembly_replacement_within_60_days"
        } else {
            "art20_outside_60_days_3000_km"
        };
        reasons.push(Reason::new(code, article).with(|p| {
            p.system = Some(system);
            p.day = Some(day);
            p.km = Some(km);
            p.limit_days = Some(periods::SIXTY_DAYS);
            p.limit_km = Some(periods::SIXTY_DAY_KM);
        }));
    }
}

/// Art 24 (2013 Art 20–21): replacement or return inside 三包有效期, from the counts.
fn sanbao_period_grounds<'a>(
    periods: &Periods,
    figures: &RequestFigures,
    history: &HistorySummary<'a>,
    serious: bool,
    has_fault: bool,
    remedies: &mut Remedies,
    reasons: &mut Vec<Reason<'a>>,
) {
    let version = periods.version;
    let art = |provision| article(version, provision);
    if !figures.within_sanbao_period {
        let sanbao = periods.sanbao;
        let ended_by = figures.sanbao_period_ended_by;
        reasons.push(Reason::new("sanbao_outside_sanbao_period", art(Provision::Periods)).with(|p| {
            p.last_day = Some(sanbao.last_day);
            p.km_limit = Some(sanbao.km_limit);
            p.ended_by = ended_by;
        }));
        return;
    }
    let entitled = |article: &'static str, return_too: bool, remedies: &mut Remedies| {
        remedies.add(RemedyKind::ReplacementCar, article, true, None);
        if return_too {
            remedies.add(RemedyKind::Return, article, true, None);
        }
    };
    let mut any = false;
    if history.serious_safety_met() {
        let article = art(Provision::SeriousSafetyRepeated);
        entitled(article, true, remedies);
        any = true;
        reasons.push(Reason::new("art24_serious_safety_fault_after_2_repairs", article).with(|p| {
            p.count = Some(history.serious_safety_repairs);
            p.threshold = Some(history::REPEAT_THRESHOLD);
        }));
    } else if serious {
        reasons.push(
            Reason::new("sanbao_serious_safety_repair_counted", art(Provision::SeriousSafetyRepeated))
                .with(|p| p.count = Some(history.serious_safety_occurrences)),
        );
    }
    for assembly in history.assembly_replacements.iter().filter(|assembly| assembly.still_abnormal) {
        let article = art(Provision::AssemblyReplacedTwice);
        entitled(article, true, remedies);
        any = true;
        reasons.push(Reason::new("art24_assembly_replaced_twice", article).with(|p| {
            p.system = Some(assembly.system);
            p.count = Some(assembly.replacements);
            p.threshold = Some(history::REPEAT_THRESHOLD);
        }));
    }
    for part in history.main_part_replacements.iter().filter(|part| part.still_abnormal) {
        let article = if version == Version::V2013 && part.system.is_assembly(version) {
            art(Provision::PowertrainMainPartReplacedTwice)
        } else {
            art(Provision::MainPartReplacedTwice)
        };
        entitled(article, true, remedies);
        any = true;
        reasons.push(Reason::new("art24_main_part_replaced_twice", article).with(|p| {
            p.system = Some(part.system);
            p.part = Some(part.part);
            p.count = Some(part.replacements);
            p.threshold = Some(history::REPEAT_THRESHOLD);
        }));
    }
    // Art 24(4); under 2013 (Art 21) these give a replacement only.
    let return_too = version == Version::V2021;
    let article = art(Provision::RepeatedRepairs);
    if history.cumulative_days_met() {
        entitled(article, return_too, remedies);
        any = true;
        let code =
            if return_too { "art24_cumulative_repair_days" } else { "art24_cumulative_repair_days_replacement_only" };
        reasons.push(Reason::new(code, article).with(|p| {
            p.days = Some(history.cumulative_repair_days);
            p.threshold = Some(history.cumulative_days_threshold);
        }));
    }
    if history.same_problem_met()
        && let Some(problem) = &history.same_problem
    {
        entitled(article, return_too, remedies);
        any = true;
        let code =
            if return_too { "art24_same_problem_repairs" } else { "art24_same_problem_repairs_replacement_only" };
        reasons.push(Reason::new(code, article).with(|p| {
            p.system = Some(problem.system);
            p.problem = Some(problem.problem);
            p.count = Some(problem.repairs);
            p.threshold = Some(history.same_problem_threshold);
        }));
    }
    if !any && !has_fault {
        reasons.push(Reason::new("art24_conditions_not_met", art(Provision::RepeatedRepairs)).with(|p| {
            p.days = Some(history.cumulative_repair_days);
            p.threshold = Some(history.cumulative_days_threshold);
        }));
    }
}

/// Art 19 (2013 Art 18): free repair in 包修期, a wear part in its own period, or a fitted part in its
/// parts warranty.
fn free_repair<'a>(
    fault: &'a Fault,
    periods: &Periods,
    figures: &RequestFigures,
    wear_part: Option<PartPeriod>,
    fitted_part: Option<PartPeriod>,
    remedies: &mut Remedies,
    reasons: &mut Vec<Reason<'a>>,
) {
    let article = article(periods.version, Provision::FreeRepair);
    let system = fault.system;
    if let Some(wear) = wear_part.filter(|wear| wear.within) {
        remedies.add(RemedyKind::FreeRepair, article, false, None);
        reasons.push(Reason::new("art19_wear_part_within_period", article).with(|p| {
            p.system = Some(system);
            p.last_day = Some(wear.last_day);
            p.km_limit = Some(wear.km_limit);
        }));
        return;
    }
    let warranty = periods.warranty;
    if figures.within_warranty_period {
        remedies.add(RemedyKind::FreeRepair, article, false, None);
        reasons.push(Reason::new("art19_free_repair_within_warranty_period", article).with(|p| {
            p.last_day = Some(warranty.last_day);
            p.km_limit = Some(warranty.km_limit);
        }));
        return;
    }
    if let Some(fitted) = fitted_part.filter(|fitted| fitted.within) {
        remedies.add(RemedyKind::FreeRepair, article, false, None);
        reasons.push(Reason::new("sanbao_fitted_part_within_period", article).with(|p| {
            p.system = Some(system);
            p.last_day = Some(fitted.last_day);
            p.km_limit = Some(fitted.km_limit);
        }));
        return;
    }
    let ended_by = figures.warranty_period_ended_by;
    reasons.push(Reason::new("sanbao_warranty_period_ended", article).with(|p| {
        p.last_day = Some(warranty.last_day);
        p.km_limit = Some(warranty.km_limit);
        p.ended_by = ended_by;
    }));
    if let Some(fitted) = fitted_part {
        reasons.push(Reason::new("sanbao_fitted_part_outside_period", article).with(|p| {
            p.last_day = Some(fitted.last_day);
            p.km_limit = Some(fitted.km_limit);
        }));
    }
}
