//! Quality feedback (质量信息反馈, W7): what a quality report must say, and when repeated failures make one.
//!
//! A repeated failure is the same causal part, or the same failure code, on N different vehicles of one
//! model within a window (30 days): the manufacturer's quality department wants to hear of it before the
//! claims pile up. N is a store setting ([`DEFAULT_THRESHOLD`] until someone changes it).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use crate::violation::{Violation, Violations};

/// How often the fault shows (the manufacturer's form asks for one of these).
pub const FREQUENCIES: [&str; 4] = ["once", "intermittent", "frequent", "constant"];

/// The departments a report goes to besides the manufacturer.
pub const DEPARTMENTS: [&str; 5] = ["technical", "service", "parts", "quality", "sales"];

/// Vehicles of one model with the same failure within the window before a report is proposed.
pub const DEFAULT_THRESHOLD: i64 = 3;
pub const WINDOW_DAYS: i64 = 30;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    pub vehicle_id: String,
    pub repair_order_id: Option<String>,
    pub claim_id: Option<String>,
    pub part_no: String,
    pub part_name: String,
    pub failure_code: String,
    pub symptom: String,
    pub frequency: String,
    /// Vehicles seen with this fault (1 for a single report; a proposal counts its vehicles).
    pub affected: Option<i64>,
    pub departments: Vec<String>,
    pub store_id: Option<String>,
}

/// A report's checked content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReport {
    pub part_no: String,
    pub part_name: String,
    pub failure_code: String,
    pub symptom: String,
    pub frequency: &'static str,
    pub affected: i64,
    pub departments: Vec<&'static str>,
}

pub fn validate(input: &ReportInput) -> Result<ValidReport, Violations> {
    let mut violations = Violations::new();
    if input.vehicle_id.trim().is_empty() {
        violations.push(Violation::new("vehicle_id", "required"));
    }
    let (part_no, part_name) = (input.part_no.trim().to_uppercase(), input.part_name.trim().to_string());
    if part_no.is_empty() && part_name.is_empty() {
        violations.push(Violation::new("part_no", "required"));
    }
    let symptom = input.symptom.trim().to_string();
    if symptom.is_empty() {
        violations.push(Violation::new("symptom", "required"));
    }
    let frequency = FREQUENCIES.iter().copied().find(|f| *f == input.frequency.trim());
    if frequency.is_none() {
        violations.push(Violation::new("frequency", "unknown_value").with("detail", input.frequency.trim()));
    }
    let affected = input.affected.unwrap_or(1);
    if !(1..=100_000).contains(&affected) {
        violations.push(Violation::new("affected", "out_of_range").with("min", 1).with("max", 100_000));
    }
    let mut departments = Vec::new();
    for name in input.departments.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        match DEPARTMENTS.iter().copied().find(|d| *d == name) {
            Some(d) if !departments.contains(&d) => departments.push(d),
            Some(_) => {}
            None => violations.push(Violation::new("departments", "unknown_value").with("detail", name)),
        }
    }
    violations.finish(|| ValidReport {
        part_no,
        part_name,
        failure_code: input.failure_code.trim().to_uppercase(),
        symptom,
        frequency: frequency.unwrap_or("once"),
        affected,
        departments,
    })
}

/// One repair seen by the rule: a claim's vehicle, model, causal part and failure code, and its date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub vin: String,
    pub vehicle_id: String,
    pub model: String,
    pub part_no: String,
    pub part_name: String,
    pub failure_code: String,
    pub on: Date,
    pub claim_id: String,
}

/// A repeated failure: what repeats (`part` or `failure_code`), on which model, and the repairs behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepeatedFailure {
    pub model: String,
    pub by: &'static str,
    pub code: String,
    pub part_name: String,
    pub vins: Vec<String>,
    pub vehicle_ids: Vec<String>,
    pub claim_ids: Vec<String>,
    pub first_on: Date,
    pub last_on: Date,
}

impl RepeatedFailure {
    /// What identifies the proposal, so one adopted (or dismissed) is not proposed again in its window.
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.model, self.by, self.code)
    }
}

/// The repeated failures among `seen`: groups of one model and one part (or failure code) with at least
/// `threshold` distinct vehicles repaired within the last `WINDOW_DAYS` days up to `today`. A part and a
/// failure code both repeating on the same repairs make two proposals: they tell the manufacturer
/// different things (a bad batch of a part, a design fault across parts).
pub fn repeated_failures(seen: &[Observation], threshold: i64, today: Date) -> Vec<RepeatedFailure> {
    let from = today.checked_sub((WINDOW_DAYS - 1).days()).unwrap_or(today);
    let threshold = threshold.max(2) as usize;
    let mut groups: BTreeMap<(String, &'static str, String), Vec<&Observation>> = BTreeMap::new();
    for observation in seen.iter().filter(|o| o.on >= from && o.on <= today && !o.model.is_empty()) {
        if !observation.part_no.is_empty() {
            groups
                .entry((observation.model.clone(), "part", observation.part_no.clone()))
                .or_default()
                .push(observation);
        }
        if !observation.failure_code.is_empty() {
            groups
                .entry((observation.model.clone(), "failure_code", observation.failure_code.clone()))
                .or_default()
                .push(observation);
        }
    }
    groups
        .into_iter()
        .filter_map(|((model, by, code), mut observations)| {
            let vins: BTreeSet<&str> = observations.iter().map(|o| o.vin.as_str()).collect();
            if vins.len() < threshold {
                return None;
            }
            observations.sort_by_key(|o| o.on);
            let mut vehicle_ids: Vec<String> = Vec::new();
            for o in &observations {
                if !vehicle_ids.contains(&o.vehicle_id) {
                    vehicle_ids.push(o.vehicle_id.clone());
                }
            }
            Some(RepeatedFailure {
                part_name: observations.iter().map(|o| o.part_name.clone()).find(|n| !n.is_empty()).unwrap_or_default(),
                vins: vins.into_iter().map(str::to_string).collect(),
                vehicle_ids,
                claim_ids: observations.iter().map(|o| o.claim_id.clone()).collect(),
                first_on: observations[0].on,
                last_on: observations[observations.len() - 1].on,
                model,
                by,
                code,
            })
        })
        .collect()
}

/// A technical bulletin must be confirmed read within this many days unless it says otherwise.
pub const DEFAULT_READ_DAYS: i64 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn seen(vin: &str, model: &str, part: &str, code: &str, on: Date) -> Observation {
        Observation {
            vin: vin.into(),
            vehicle_id: format!("v-{vin}"),
            model: model.into(),
            part_no: part.into(),
            part_name: "燃油泵".into(),
            failure_code: code.into(),
            on,
            claim_id: format!("c-{vin}-{on}"),
        }
    }

    const TODAY: Date = date(2024, 5, 13);

    #[test]
    fn three_vehicles_of_one_model_with_one_part_in_thirty_days_repeat() {
        let observations = vec![
            seen("A", "雅阁", "P1", "", date(2024, 4, 14)),
            seen("B", "雅阁", "P1", "", date(2024, 5, 1)),
            seen("B", "雅阁", "P1", "", date(2024, 5, 2)),
            seen("C", "雅阁", "P1", "", TODAY),
            seen("D", "思域", "P1", "", TODAY),
        ];
        let found = repeated_failures(&observations, 3, TODAY);
        assert_eq!(found.len(), 1);
        let failure = &found[0];
        assert_eq!((failure.model.as_str(), failure.by, failure.code.as_str()), ("雅阁", "part", "P1"));
        assert_eq!(failure.vins, vec!["A", "B", "C"]);
        assert_eq!(failure.claim_ids.len(), 4);
        assert_eq!((failure.first_on, failure.last_on), (date(2024, 4, 14), TODAY));
        assert_eq!(failure.key(), "雅阁|part|P1");
    }

    #[test]
    fn the_window_is_thirty_days_including_today_and_the_threshold_counts_vehicles() {
        let observations = vec![
            seen("A", "雅阁", "", "P0300", date(2024, 4, 13)),
            seen("B", "雅阁", "", "P0300", date(2024, 5, 1)),
            seen("C", "雅阁", "", "P0300", TODAY),
        ];
        assert!(repeated_failures(&observations, 3, TODAY).is_empty(), "day 31 is outside");
        let found = repeated_failures(&observations, 2, TODAY);
        assert_eq!((found[0].by, found[0].vins.len()), ("failure_code", 2));
        let same_car = vec![seen("A", "雅阁", "P1", "", TODAY), seen("A", "雅阁", "P1", "", TODAY)];
        assert!(repeated_failures(&same_car, 1, TODAY).is_empty(), "the threshold is at least two vehicles");
    }

    #[test]
    fn a_report_needs_a_part_a_symptom_and_a_known_frequency() {
        let errors = validate(&ReportInput { frequency: "sometimes".into(), ..ReportInput::default() }).unwrap_err();
        let codes: Vec<(&str, &str)> = errors.iter().map(|v| (v.field.as_str(), v.code)).collect();
        for expected in [
            ("vehicle_id", "required"),
            ("part_no", "required"),
            ("symptom", "required"),
            ("frequency", "unknown_value"),
        ] {
            assert!(codes.contains(&expected), "{codes:?}");
        }
        let valid = validate(&ReportInput {
            vehicle_id: "v".into(),
            part_no: " 1k0919051 ".into(),
            symptom: "冷车启动困难".into(),
            frequency: "intermittent".into(),
            departments: vec!["technical".into(), "technical".into(), "service".into()],
            ..ReportInput::default()
        })
        .expect("valid");
        assert_eq!(valid.part_no, "1K0919051");
        assert_eq!(valid.departments, vec!["technical", "service"]);
        assert_eq!(valid.affected, 1);
    }
}
