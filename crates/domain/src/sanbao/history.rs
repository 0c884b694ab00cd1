//! The repair history and the Art 24 counts it yields (2021 Art 24; 2013 Art 20–21).
//!
//! Only repairs of quality problems inside 三包有效期 count. Assembly replacements and replacements of an
//! assembly's main parts are counted apart and never added (Art 24 ¶2). Cumulative repair time is the sum of
//! single repair times (Art 40), each after taking out the transport time of VIN-customised special parts,
//! of the power battery (2021 only) and the travel time of roadside rescue (Art 24 ¶3; 2013 Art 21 ¶2).

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};

use crate::sanbao::periods::{Periods, epoch_minute};
use crate::sanbao::repair_time::repair_days;
use crate::sanbao::system::System;
use crate::sanbao::version::Version;

/// 2021 Art 24(4): more than 30 days; 2013 Art 21: more than 35 days.
pub fn cumulative_days_threshold(version: Version) -> u32 {
    match version {
        Version::V2021 => 30,
        Version::V2013 => 35,
    }
}

/// 2021 Art 24(4): more than 4 repairs of the same problem; 2013 Art 21: more than 5.
pub fn same_problem_threshold(version: Version) -> u32 {
    match version {
        Version::V2021 => 4,
        Version::V2013 => 5,
    }
}

/// Art 24(1)–(3): 2 repairs or replacements, then the fault again.
pub const REPEAT_THRESHOLD: u32 = 2;

/// One earlier repair visit (维修记录, 2021 Art 17).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairRecord {
    /// When consumer and repairer agreed on the repair (`YYYY-MM-DDTHH:MM`, local civil time).
    pub agreed_at: DateTime,
    /// When the repair was finished.
    pub completed_at: DateTime,
    /// Odometer when the car came in.
    pub odometer_km: u32,
    pub system: System,
    /// The part worked on; names the "same main part" (compared exactly, after trimming).
    #[serde(default)]
    pub part: Option<String>,
    /// The problem repaired; names the "same quality problem" (defaults to the part).
    #[serde(default)]
    pub problem: Option<String>,
    /// A quality problem (产品质量问题); accident damage and exempt damage are not.
    #[serde(default = "yes")]
    pub quality_problem: bool,
    /// The repair was for a serious safety fault (严重安全性能故障, Art 40).
    #[serde(default)]
    pub serious_safety: bool,
    #[serde(default)]
    pub action: RepairAction,
    /// Time not counted in cumulative repair time, in hours.
    #[serde(default)]
    pub excluded_hours: ExcludedHours,
}

fn yes() -> bool {
    true
}

/// What a repair did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepairAction {
    #[default]
    Repair,
    /// A main part (主要零件) of the system was replaced; `part` names it.
    MainPartReplaced,
    /// The whole assembly (总成) was replaced: engine, transmission, power battery or drive motor.
    AssemblyReplaced,
}

/// Hours excluded from cumulative repair time (Art 24 ¶3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExcludedHours {
    /// Transport of special parts customised by VIN (anti-theft system, main wiring harness, ...).
    pub special_part_transport: u32,
    /// Transport of the power battery (2021 only; under 2013 these hours count).
    pub battery_transport: u32,
    /// Travel time of roadside rescue.
    pub rescue_travel: u32,
}

impl ExcludedHours {
    pub fn minutes(&self, version: Version) -> i64 {
        let battery = if version == Version::V2021 { self.battery_transport } else { 0 };
        (i64::from(self.special_part_transport) + i64::from(battery) + i64::from(self.rescue_travel)) * 60
    }
}

impl RepairRecord {
    pub fn agreed_on(&self) -> Date {
        self.agreed_at.date()
    }

    /// The name that identifies "the same quality problem": the problem, else the part.
    pub fn problem_key(&self) -> Option<&str> {
        problem_key(self.problem.as_deref(), self.part.as_deref())
    }
}

pub(crate) fn problem_key<'a>(problem: Option<&'a str>, part: Option<&'a str>) -> Option<&'a str> {
    problem.or(part).map(str::trim).filter(|key| !key.is_empty())
}

pub(crate) fn part_key(part: Option<&str>) -> Option<&str> {
    part.map(str::trim).filter(|key| !key.is_empty())
}

/// Why a repair does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCounted {
    NotQualityProblem,
    BeforePeriodStart,
    OutsideSanbaoPeriod,
}

/// The figures of one earlier repair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepairFigures<'a> {
    pub agreed_on: Date,
    pub odometer_km: u32,
    pub elapsed_minutes: i64,
    pub excluded_minutes: i64,
    /// Single repair days after the exclusions (Art 40).
    pub days: u32,
    pub counted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_counted: Option<NotCounted>,
    /// Precomputed for the counting loops, not shown.
    #[serde(skip)]
    agreed_minute: i64,
    #[serde(skip)]
    system: System,
    #[serde(skip)]
    action: RepairAction,
    #[serde(skip)]
    part: Option<&'a str>,
    #[serde(skip)]
    problem: Option<&'a str>,
}

/// Replacements of one assembly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssemblyCount {
    pub system: System,
    pub replacements: u32,
    /// After the second replacement it failed again (a later repair or the current fault).
    pub still_abnormal: bool,
}

/// Replacements of one main part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MainPartCount<'a> {
    pub system: System,
    pub part: &'a str,
    pub replacements: u32,
    pub still_abnormal: bool,
}

/// Repairs of the most repaired problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemCount<'a> {
    pub system: System,
    pub problem: &'a str,
    /// Counted repairs, the current request included when it is the same problem.
    pub repairs: u32,
    pub includes_current: bool,
}

/// The current request, as far as the counts need it.
#[derive(Debug, Clone, Copy)]
pub struct CurrentFault<'a> {
    pub system: System,
    pub part: Option<&'a str>,
    pub problem: Option<&'a str>,
    pub serious_safety: bool,
    /// A quality problem inside 三包有效期: only then does it count.
    pub counts: bool,
}

/// Every Art 24 figure computed from the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistorySummary<'a> {
    pub repairs: Vec<RepairFigures<'a>>,
    pub counted_repairs: u32,
    pub cumulative_repair_days: u32,
    pub cumulative_days_threshold: u32,
    /// Counted earlier repairs for serious safety faults.
    pub serious_safety_repairs: u32,
    /// Serious safety faults including the current one (the current one is occurrence repairs + 1).
    pub serious_safety_occurrences: u32,
    pub assembly_replacements: Vec<AssemblyCount>,
    pub main_part_replacements: Vec<MainPartCount<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_problem: Option<ProblemCount<'a>>,
    pub same_problem_threshold: u32,
}

impl HistorySummary<'_> {
    pub fn serious_safety_met(&self) -> bool {
        self.serious_safety_repairs >= REPEAT_THRESHOLD && self.serious_safety_occurrences > REPEAT_THRESHOLD
    }

    pub fn cumulative_days_met(&self) -> bool {
        self.cumulative_repair_days > self.cumulative_days_threshold
    }

    pub fn same_problem_met(&self) -> bool {
        self.same_problem.as_ref().is_some_and(|problem| problem.repairs > self.same_problem_threshold)
    }
}

/// Counts the history for Art 24. `history` must hold valid intervals (completed ≥ agreed).
pub fn summarize<'a>(
    history: &'a [RepairRecord],
    periods: &Periods,
    current: Option<CurrentFault<'a>>,
) -> HistorySummary<'a> {
    let version = periods.version;
    let current = current.filter(|fault| fault.counts);
    let mut repairs = Vec::with_capacity(history.len());
    let mut counted_repairs = 0;
    let mut cumulative_repair_days: u32 = 0;
    let mut serious_safety_repairs = 0;
    // Per assembly: replacements and the two earliest replacement times.
    let mut assemblies = [(0u32, i64::MAX, i64::MAX); 4];
    for record in history {
        let agreed_on = record.agreed_on();
        let not_counted = if !record.quality_problem {
            Some(NotCounted::NotQualityProblem)
        } else if agreed_on < periods.start {
            Some(NotCounted::BeforePeriodStart)
        } else if !periods.sanbao.contains(agreed_on, record.odometer_km) {
            Some(NotCounted::OutsideSanbaoPeriod)
        } else {
            None
        };
        let agreed_minute = epoch_minute(record.agreed_at);
        let elapsed = epoch_minute(record.completed_at) - agreed_minute;
        let excluded = record.excluded_hours.minutes(version).min(elapsed);
        let days = repair_days(elapsed - excluded);
        let counted = not_counted.is_none();
        if counted {
            counted_repairs += 1;
            cumulative_repair_days = cumulative_repair_days.saturating_add(days);
            if record.serious_safety {
                serious_safety_repairs += 1;
            }
            if record.action == RepairAction::AssemblyReplaced
                && record.system.is_assembly(version)
                && let Some(index) = record.system.assembly_index()
            {
                let entry = &mut assemblies[index];
                let at = agreed_minute;
                entry.0 += 1;
                if at < entry.1 {
                    entry.2 = entry.1;
                    entry.1 = at;
                } else if at < entry.2 {
                    entry.2 = at;
                }
            }
        }
        repairs.push(RepairFigures {
            agreed_on,
            odometer_km: record.odometer_km,
            elapsed_minutes: elapsed,
            excluded_minutes: excluded,
            days,
            counted,
            not_counted,
            agreed_minute,
            system: record.system,
            action: record.action,
            part: part_key(record.part.as_deref()),
            problem: record.problem_key(),
        });
    }

    let mut assembly_replacements = Vec::new();
    for (index, (replacements, _, second)) in assemblies.into_iter().enumerate() {
        if replacements == 0 {
            continue;
        }
        let system = System::ASSEMBLIES[index];
        let still_abnormal = replacements >= REPEAT_THRESHOLD
            && (current.is_some_and(|fault| fault.system == system)
                || repairs
                    .iter()
                    .any(|repair| repair.counted && repair.system == system && repair.agreed_minute > second));
        assembly_replacements.push(AssemblyCount { system, replacements, still_abnormal });
    }

    let mut main_part_replacements: Vec<MainPartCount<'a>> = Vec::new();
    for repair in &repairs {
        if !repair.counted
            || repair.action != RepairAction::MainPartReplaced
            || !repair.system.has_listed_main_parts(version)
        {
            continue;
        }
        let Some(part) = repair.part else { continue };
        if main_part_replacements.iter().any(|group| group.system == repair.system && group.part == part) {
            continue;
        }
        let same =
            |other: &RepairFigures<'_>| other.counted && other.system == repair.system && other.part == Some(part);
        let mut replacements = 0;
        let (mut first, mut second) = (i64::MAX, i64::MAX);
        for other in repairs.iter().filter(|other| other.action == RepairAction::MainPartReplaced && same(other)) {
            replacements += 1;
            if other.agreed_minute < first {
                second = first;
                first = other.agreed_minute;
            } else if other.agreed_minute < second {
                second = other.agreed_minute;
            }
        }
        let still_abnormal = replacements >= REPEAT_THRESHOLD
            && (current.is_some_and(|fault| fault.system == repair.system && part_key(fault.part) == Some(part))
                || repairs.iter().any(|other| same(other) && other.agreed_minute > second));
        main_part_replacements.push(MainPartCount { system: repair.system, part, replacements, still_abnormal });
    }

    // The most repaired problem; the current fault's problem wins ties so the request's own count shows.
    let count_problem = |system: System, key: &str| {
        repairs.iter().filter(|repair| repair.counted && repair.system == system && repair.problem == Some(key)).count()
            as u32
    };
    let mut same_problem: Option<ProblemCount<'a>> = None;
    if let Some(fault) = current
        && let Some(key) = problem_key(fault.problem, fault.part)
    {
        let repairs = count_problem(fault.system, key) + 1;
        same_problem = Some(ProblemCount { system: fault.system, problem: key, repairs, includes_current: true });
    }
    for (index, repair) in repairs.iter().enumerate() {
        let Some(key) = repair.problem.filter(|_| repair.counted) else { continue };
        // Count each problem once: at its first counted record.
        if repairs[..index]
            .iter()
            .any(|earlier| earlier.counted && earlier.system == repair.system && earlier.problem == Some(key))
        {
            continue;
        }
        if same_problem.as_ref().is_some_and(|best| best.system == repair.system && best.problem == key) {
            continue;
        }
        let count = count_problem(repair.system, key);
        if same_problem.as_ref().is_none_or(|best| count > best.repairs) {
            same_problem =
                Some(ProblemCount { system: repair.system, problem: key, repairs: count, includes_current: false });
        }
    }

    HistorySummary {
        repairs,
        counted_repairs,
        cumulative_repair_days,
        cumulative_days_threshold: cumulative_days_threshold(version),
        serious_safety_repairs,
        serious_safety_occurrences: serious_safety_repairs
            + u32::from(current.is_some_and(|fault| fault.serious_safety)),
        assembly_replacements,
        main_part_replacements,
        same_problem,
        same_problem_threshold: same_problem_threshold(version),
    }
}
