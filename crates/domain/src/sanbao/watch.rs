//! Before it is too late: how close a vehicle's repair history stands to an Art 24 replacement-or-return
//! ground (2021 Art 24; 2013 Art 20–21), and the case's entitlement read from an assessment.
//!
//! The counts come from [`history::summarize`] without a current fault, so they are the earlier repairs
//! only. A ground is *one repair short* when the next qualifying visit would meet it: two serious-safety
//! repairs done (the next serious fault meets 24(1)), an assembly or the same main part replaced twice and
//! working (the next failure meets 24(2)/(3)), the same problem repaired exactly the threshold number of
//! times (the next repair is "more than"). Cumulative repair days are *close* when at most
//! [`DAYS_MARGIN`] days separate them from "more than" the threshold (30 → 26..=30 days). A ground already
//! met is reported as reached. Outside 三包有效期 Art 24 no longer applies and nothing is reported.

use jiff::civil::Date;
use serde::Serialize;

use crate::sanbao::assess::{Assessment, RemedyKind};
use crate::sanbao::history::{HistorySummary, REPEAT_THRESHOLD};
use crate::sanbao::periods::Periods;
use crate::sanbao::system::System;
use crate::sanbao::version::{Provision, article};

/// Days short of the cumulative threshold that raise the alert.
pub const DAYS_MARGIN: u32 = 5;

/// The Art 24 ground a vehicle approaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// 24(1): serious safety faults repaired twice.
    SeriousSafety,
    /// 24(2): an assembly replaced twice.
    AssemblyReplaced,
    /// 24(3): the same main part replaced twice.
    MainPartReplaced,
    /// 24(4): the same problem repaired more than the threshold.
    SameProblem,
    /// 24(4): cumulative repair days more than the threshold.
    CumulativeDays,
}

impl Ground {
    pub fn as_str(self) -> &'static str {
        match self {
            Ground::SeriousSafety => "serious_safety",
            Ground::AssemblyReplaced => "assembly_replaced",
            Ground::MainPartReplaced => "main_part_replaced",
            Ground::SameProblem => "same_problem",
            Ground::CumulativeDays => "cumulative_days",
        }
    }

    fn provision(self) -> Provision {
        match self {
            Ground::SeriousSafety => Provision::SeriousSafetyRepeated,
            Ground::AssemblyReplaced => Provision::AssemblyReplacedTwice,
            Ground::MainPartReplaced => Provision::MainPartReplacedTwice,
            Ground::SameProblem | Ground::CumulativeDays => Provision::RepeatedRepairs,
        }
    }
}

/// One ground the vehicle is close to (or has reached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approach {
    pub ground: Ground,
    pub article: &'static str,
    /// Repairs, replacements or days counted so far.
    pub count: u32,
    /// The figure the article names (2 replacements, 4 repairs, 30 days, …).
    pub threshold: u32,
    /// Repairs (or days, for cumulative days) still missing; 0 when reached.
    pub short_by: u32,
    pub reached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<System>,
    /// The part or the problem concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// The grounds a vehicle approaches on `date` at `odometer_km`, most urgent (fewest missing) first.
pub fn approaching(summary: &HistorySummary<'_>, periods: &Periods, date: Date, odometer_km: u32) -> Vec<Approach> {
    if !periods.sanbao.contains(date, odometer_km) {
        return Vec::new();
    }
    let version = periods.version;
    let make = |ground: Ground, count, threshold, short_by, system, subject: Option<&str>| Approach {
        ground,
        article: article(version, ground.provision()),
        count,
        threshold,
        short_by,
        reached: short_by == 0,
        system,
        subject: subject.map(str::to_string),
    };
    let mut found = Vec::new();
    if summary.serious_safety_repairs >= REPEAT_THRESHOLD {
        // The ground needs a further serious fault after the two repairs: always one occurrence short.
        found.push(make(Ground::SeriousSafety, summary.serious_safety_repairs, REPEAT_THRESHOLD, 1, None, None));
    }
    for assembly in &summary.assembly_replacements {
        if assembly.replacements >= REPEAT_THRESHOLD {
            let short = u32::from(!assembly.still_abnormal);
            found.push(make(
                Ground::AssemblyReplaced,
                assembly.replacements,
                REPEAT_THRESHOLD,
                short,
                Some(assembly.system),
                None,
            ));
        }
    }
    for part in &summary.main_part_replacements {
        if part.replacements >= REPEAT_THRESHOLD {
            let short = u32::from(!part.still_abnormal);
            found.push(make(
                Ground::MainPartReplaced,
                part.replacements,
                REPEAT_THRESHOLD,
                short,
                Some(part.system),
                Some(part.part),
            ));
        }
    }
    if let Some(problem) = &summary.same_problem {
        let threshold = summary.same_problem_threshold;
        if problem.repairs >= threshold {
            let short = (threshold + 1).saturating_sub(problem.repairs);
            found.push(make(
                Ground::SameProblem,
                problem.repairs,
                threshold,
                short,
                Some(problem.system),
                Some(problem.problem),
            ));
        }
    }
    let days = summary.cumulative_repair_days;
    let threshold = summary.cumulative_days_threshold;
    let short = (threshold + 1).saturating_sub(days);
    if short <= DAYS_MARGIN {
        found.push(make(Ground::CumulativeDays, days, threshold, short, None, None));
    }
    found.sort_by_key(|approach| (approach.short_by, approach.ground));
    found
}

/// What a consumer's written request for a replacement car or a return is entitled to, per the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Replacement,
    Return,
}

impl RequestKind {
    pub fn parse(text: &str) -> Option<RequestKind> {
        match text {
            "replacement" => Some(RequestKind::Replacement),
            "return" => Some(RequestKind::Return),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Replacement => "replacement",
            RequestKind::Return => "return",
        }
    }

    fn remedy(self) -> RemedyKind {
        match self {
            RequestKind::Replacement => RemedyKind::ReplacementCar,
            RequestKind::Return => RemedyKind::Return,
        }
    }
}

/// The entitlement of a request: the remedy asked for is among the assessment's remedies. Answers the
/// article of the ground and whether use compensation is charged (Art 24 grounds only, Art 27).
pub fn entitlement(assessment: &Assessment<'_>, kind: RequestKind) -> Option<(&'static str, bool)> {
    assessment
        .remedies
        .iter()
        .find(|remedy| remedy.code == kind.remedy())
        .map(|remedy| (remedy.article, remedy.use_compensation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanbao::history::{RepairRecord, summarize};
    use crate::sanbao::periods::{Vehicle, periods};
    use jiff::civil::date;

    fn car() -> Vehicle {
        serde_json::from_value(serde_json::json!({"invoice_date": "2024-01-05"})).unwrap()
    }

    fn repair(day: &str, hours: i64, system: &str, problem: &str, extra: serde_json::Value) -> RepairRecord {
        let agreed: jiff::civil::DateTime = format!("{day}T09:00").parse().unwrap();
        let done = agreed.checked_add(jiff::SignedDuration::from_hours(hours)).unwrap();
        let mut value = serde_json::json!({
            "agreed_at": agreed.strftime("%Y-%m-%dT%H:%M").to_string(),
            "completed_at": done.strftime("%Y-%m-%dT%H:%M").to_string(),
            "odometer_km": 5000, "system": system, "problem": problem,
        });
        for (key, item) in extra.as_object().unwrap() {
            value[key] = item.clone();
        }
        serde_json::from_value(value).unwrap()
    }

    fn watch(history: &[RepairRecord], on: Date) -> Vec<Approach> {
        let periods = periods(&car()).unwrap();
        let summary = summarize(history, &periods, None);
        approaching(&summary, &periods, on, 10_000)
    }

    #[test]
    fn the_same_problem_alerts_one_repair_short_and_not_before() {
        let noise = |day| repair(day, 3, "air_conditioning", "压缩机异响", serde_json::json!({}));
        let three = [noise("2024-02-01"), noise("2024-03-01"), noise("2024-04-01")];
        assert!(watch(&three, date(2024, 5, 1)).is_empty());
        let four = [noise("2024-02-01"), noise("2024-03-01"), noise("2024-04-01"), noise("2024-04-20")];
        let found = watch(&four, date(2024, 5, 1));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].ground, found[0].count, found[0].short_by), (Ground::SameProblem, 4, 1));
        assert_eq!(found[0].article, "2021 Art 24(4)");
        assert_eq!(found[0].subject.as_deref(), Some("压缩机异响"));
    }

    #[test]
    fn cumulative_days_alert_within_five_days_of_more_than_thirty() {
        // 10 + 10 + 6 = 26 days: five short of 31.
        let history = |last: i64| {
            [
                repair("2024-02-01", 240, "engine", "a", serde_json::json!({})),
                repair("2024-03-01", 240, "brakes", "b", serde_json::json!({})),
                repair("2024-04-01", last * 24, "body", "c", serde_json::json!({})),
            ]
        };
        let found = watch(&history(6), date(2024, 5, 1));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].ground, found[0].count, found[0].short_by), (Ground::CumulativeDays, 26, 5));
        assert!(watch(&history(5), date(2024, 5, 1)).is_empty(), "25 days: six short");
        let reached = watch(&history(11), date(2024, 5, 1));
        assert!(reached[0].reached && reached[0].count == 31);
    }

    #[test]
    fn two_serious_safety_repairs_leave_the_next_fault_entitled() {
        let brake = |day| repair(day, 5, "brakes", "制动失效", serde_json::json!({"serious_safety": true}));
        assert!(watch(&[brake("2024-05-02")], date(2024, 8, 1)).is_empty());
        let found = watch(&[brake("2024-05-02"), brake("2024-07-10")], date(2024, 8, 1));
        assert_eq!(found[0].ground, Ground::SeriousSafety);
        assert_eq!(found[0].short_by, 1);
    }

    #[test]
    fn an_assembly_replaced_twice_is_one_failure_short() {
        let motor = |day| {
            repair(day, 20, "drive_motor", "电机", serde_json::json!({"action": "assembly_replaced", "part": "电机"}))
        };
        let found = watch(&[motor("2024-04-01"), motor("2024-06-01")], date(2024, 7, 1));
        assert_eq!((found[0].ground, found[0].short_by), (Ground::AssemblyReplaced, 1));
    }

    #[test]
    fn nothing_is_reported_outside_the_sanbao_period() {
        let noise = |day| repair(day, 3, "air_conditioning", "压缩机异响", serde_json::json!({}));
        let four = [noise("2024-02-01"), noise("2024-03-01"), noise("2024-04-01"), noise("2024-04-20")];
        assert!(watch(&four, date(2026, 1, 6)).is_empty());
    }
}
