//! Mis-claim checks (误赔) run before a claim is submitted (W11). Each check has a stable rule id and
//! answers findings with a code and parameters; the admin sets per rule whether it blocks, warns or is off.
//! Overriding a warning needs a reason, which the service records.

use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use crate::money::Money;

/// The checks, by rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckRule {
    /// The same VIN, part and failure code claimed within N days.
    DuplicateClaim,
    /// Mileage lower than an earlier visit.
    MileageBackwards,
    /// Labour hours above the catalogue's standard hours.
    HoursAboveStandard,
    /// A part price above the catalogue price.
    PriceAboveCatalogue,
    /// The part was fitted under an earlier claim and is still under that claim's parts warranty.
    PartUnderEarlierClaim,
    /// The repair is outside the warranty periods.
    OutsidePeriods,
    /// An accident repair or insurance claim touched the same part or area in the window.
    AccidentDamage,
    /// A photo or invoice already used on another claim (same content hash).
    AttachmentReused,
    PhotoMissing,
    ChecklistMissing,
}

impl CheckRule {
    pub const ALL: [CheckRule; 10] = [
        CheckRule::DuplicateClaim,
        CheckRule::MileageBackwards,
        CheckRule::HoursAboveStandard,
        CheckRule::PriceAboveCatalogue,
        CheckRule::PartUnderEarlierClaim,
        CheckRule::OutsidePeriods,
        CheckRule::AccidentDamage,
        CheckRule::AttachmentReused,
        CheckRule::PhotoMissing,
        CheckRule::ChecklistMissing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckRule::DuplicateClaim => "duplicate_claim",
            CheckRule::MileageBackwards => "mileage_backwards",
            CheckRule::HoursAboveStandard => "hours_above_standard",
            CheckRule::PriceAboveCatalogue => "price_above_catalogue",
            CheckRule::PartUnderEarlierClaim => "part_under_earlier_claim",
            CheckRule::OutsidePeriods => "outside_periods",
            CheckRule::AccidentDamage => "accident_damage",
            CheckRule::AttachmentReused => "attachment_reused",
            CheckRule::PhotoMissing => "photo_missing",
            CheckRule::ChecklistMissing => "checklist_missing",
        }
    }

    /// The code of the finding's message.
    pub fn code(self) -> &'static str {
        match self {
            CheckRule::DuplicateClaim => "check_duplicate_claim",
            CheckRule::MileageBackwards => "check_mileage_backwards",
            CheckRule::HoursAboveStandard => "check_hours_above_standard",
            CheckRule::PriceAboveCatalogue => "check_price_above_catalogue",
            CheckRule::PartUnderEarlierClaim => "check_part_under_earlier_claim",
            CheckRule::OutsidePeriods => "check_outside_periods",
            CheckRule::AccidentDamage => "check_accident_damage",
            CheckRule::AttachmentReused => "check_attachment_reused",
            CheckRule::PhotoMissing => "check_photo_missing",
            CheckRule::ChecklistMissing => "check_checklist_missing",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Block,
    Warn,
    Off,
}

/// What the admin set. The defaults block what is certainly wrong and warn where judgement is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckSettings {
    pub duplicate_window_days: i64,
    pub accident_window_days: i64,
    pub severity: BTreeMap<CheckRule, Severity>,
}

impl Default for CheckSettings {
    fn default() -> Self {
        use CheckRule as R;
        let severity = [
            (R::DuplicateClaim, Severity::Block),
            (R::MileageBackwards, Severity::Block),
            (R::HoursAboveStandard, Severity::Warn),
            (R::PriceAboveCatalogue, Severity::Warn),
            (R::PartUnderEarlierClaim, Severity::Warn),
            (R::OutsidePeriods, Severity::Block),
            (R::AccidentDamage, Severity::Warn),
            (R::AttachmentReused, Severity::Block),
            (R::PhotoMissing, Severity::Warn),
            (R::ChecklistMissing, Severity::Block),
        ]
        .into_iter()
        .collect();
        CheckSettings { duplicate_window_days: 30, accident_window_days: 90, severity }
    }
}

impl CheckSettings {
    pub fn severity(&self, rule: CheckRule) -> Severity {
        self.severity.get(&rule).copied().unwrap_or(Severity::Warn)
    }
}

/// A labour line as the checks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaborFacts {
    pub code: String,
    pub hours: Decimal,
    /// The catalogue's standard hours, when the operation is in the catalogue.
    pub standard_hours: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFacts {
    pub part_no: String,
    pub unit_price: Money,
    pub catalogue_price: Option<Money>,
    /// The area of the car the part belongs to (e.g. `front_left`, `engine_bay`), for the accident check.
    pub area: Option<String>,
}

/// The claim being checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFacts {
    pub claim_no: String,
    pub vin: String,
    pub repair_date: Date,
    pub mileage: i64,
    pub failure_code: String,
    pub labor: Vec<LaborFacts>,
    pub parts: Vec<PartFacts>,
    pub attachment_hashes: Vec<String>,
    pub photos: usize,
    pub photos_required: bool,
    pub checklist_required: bool,
    pub checklist_done: bool,
    /// The eligibility check's verdict: inside the vehicle's (or the part's) warranty.
    pub inside_periods: bool,
}

/// An earlier claim of the same vehicle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierClaim {
    pub claim_no: String,
    pub repair_date: Date,
    pub failure_code: String,
    pub part_nos: Vec<String>,
    /// Parts warranty (配件三包期) of the parts that claim fitted: until this date and mileage.
    pub parts_warranty_until: Option<(Date, i64)>,
}

/// A visit's odometer reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub date: Date,
    pub mileage: i64,
}

/// An accident repair order or insurance claim of the vehicle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccidentRecord {
    pub reference: String,
    pub date: Date,
    pub part_nos: Vec<String>,
    pub areas: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CheckContext {
    pub earlier_claims: Vec<EarlierClaim>,
    pub readings: Vec<Reading>,
    pub accidents: Vec<AccidentRecord>,
    /// Attachment hashes already used on other claims, with the claim that used them.
    pub used_hashes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: CheckRule,
    pub severity: Severity,
    pub code: &'static str,
    pub field: String,
    pub params: BTreeMap<&'static str, String>,
}

impl Finding {
    fn new(rule: CheckRule, severity: Severity, field: impl Into<String>) -> Finding {
        Finding { rule, severity, code: rule.code(), field: field.into(), params: BTreeMap::new() }
    }

    fn with(mut self, name: &'static str, value: impl std::fmt::Display) -> Finding {
        self.params.insert(name, value.to_string());
        self
    }
}

/// Runs every check that is not off. Findings come in rule order, blocking ones included.
pub fn run(claim: &ClaimFacts, context: &CheckContext, settings: &CheckSettings) -> Vec<Finding> {
    let mut findings = Vec::new();
    let on = |rule: CheckRule| settings.severity(rule) != Severity::Off;
    let finding = |rule: CheckRule, field: &str| Finding::new(rule, settings.severity(rule), field);

    if on(CheckRule::DuplicateClaim) {
        let since = claim.repair_date.checked_sub(settings.duplicate_window_days.days()).unwrap_or(claim.repair_date);
        let claimed: BTreeSet<&str> = claim.parts.iter().map(|part| part.part_no.as_str()).collect();
        for earlier in &context.earlier_claims {
            let same_fault = !claim.failure_code.is_empty() && earlier.failure_code == claim.failure_code;
            let same_part = earlier.part_nos.iter().any(|no| claimed.contains(no.as_str()));
            if earlier.claim_no != claim.claim_no
                && earlier.repair_date >= since
                && same_fault
                && (same_part || claimed.is_empty())
            {
                findings.push(
                    finding(CheckRule::DuplicateClaim, "failure_code")
                        .with("claim_no", &earlier.claim_no)
                        .with("date", earlier.repair_date)
                        .with("days", settings.duplicate_window_days),
                );
            }
        }
    }
    if on(CheckRule::MileageBackwards)
        && let Some(earlier) = context
            .readings
            .iter()
            .filter(|r| r.date < claim.repair_date && r.mileage > claim.mileage)
            .max_by_key(|r| r.mileage)
    {
        findings.push(
            finding(CheckRule::MileageBackwards, "mileage")
                .with("previous", earlier.mileage)
                .with("date", earlier.date)
                .with("found", claim.mileage),
        );
    }
    if on(CheckRule::HoursAboveStandard) {
        for (index, line) in claim.labor.iter().enumerate() {
            if let Some(standard) = line.standard_hours
                && line.hours > standard
            {
                findings.push(
                    finding(CheckRule::HoursAboveStandard, &format!("labor[{index}].hours"))
                        .with("code", &line.code)
                        .with("standard", standard.normalize())
                        .with("found", line.hours.normalize()),
                );
            }
        }
    }
    if on(CheckRule::PriceAboveCatalogue) {
        for (index, part) in claim.parts.iter().enumerate() {
            if let Some(catalogue) = part.catalogue_price
                && part.unit_price > catalogue
            {
                findings.push(
                    finding(CheckRule::PriceAboveCatalogue, &format!("parts[{index}].unit_price"))
                        .with("part_no", &part.part_no)
                        .with("catalogue", catalogue)
                        .with("found", part.unit_price),
                );
            }
        }
    }
    if on(CheckRule::PartUnderEarlierClaim) {
        for (index, part) in claim.parts.iter().enumerate() {
            for earlier in &context.earlier_claims {
                if let Some((until, mileage)) = earlier.parts_warranty_until
                    && earlier.part_nos.contains(&part.part_no)
                    && claim.repair_date <= until
                    && claim.mileage <= mileage
                {
                    findings.push(
                        finding(CheckRule::PartUnderEarlierClaim, &format!("parts[{index}].part_no"))
                            .with("part_no", &part.part_no)
                            .with("claim_no", &earlier.claim_no)
                            .with("until", until)
                            .with("mileage", mileage),
                    );
                }
            }
        }
    }
    if on(CheckRule::OutsidePeriods) && !claim.inside_periods {
        findings.push(finding(CheckRule::OutsidePeriods, "repair_date").with("date", claim.repair_date));
    }
    if on(CheckRule::AccidentDamage) {
        let since = claim.repair_date.checked_sub(settings.accident_window_days.days()).unwrap_or(claim.repair_date);
        let part_nos: BTreeSet<&str> = claim.parts.iter().map(|p| p.part_no.as_str()).collect();
        let areas: BTreeSet<&str> = claim.parts.iter().filter_map(|p| p.area.as_deref()).collect();
        for accident in context.accidents.iter().filter(|a| a.date >= since && a.date <= claim.repair_date) {
            let touches = accident.part_nos.iter().any(|no| part_nos.contains(no.as_str()))
                || accident.areas.iter().any(|area| areas.contains(area.as_str()));
            if touches {
                findings.push(
                    finding(CheckRule::AccidentDamage, "parts")
                        .with("reference", &accident.reference)
                        .with("date", accident.date),
                );
            }
        }
    }
    if on(CheckRule::AttachmentReused) {
        for hash in &claim.attachment_hashes {
            if let Some(other) = context.used_hashes.get(hash).filter(|other| **other != claim.claim_no) {
                findings.push(finding(CheckRule::AttachmentReused, "attachments").with("claim_no", other));
            }
        }
    }
    if on(CheckRule::PhotoMissing) && claim.photos_required && claim.photos == 0 {
        findings.push(finding(CheckRule::PhotoMissing, "attachments"));
    }
    if on(CheckRule::ChecklistMissing) && claim.checklist_required && !claim.checklist_done {
        findings.push(finding(CheckRule::ChecklistMissing, "checklist").with("failure_code", &claim.failure_code));
    }
    findings
}

/// Whether the claim may go on: no blocking finding, and every warning overridden with a reason.
pub fn may_submit(findings: &[Finding], overridden: &BTreeMap<CheckRule, String>) -> bool {
    findings.iter().all(|finding| match finding.severity {
        Severity::Block => false,
        Severity::Warn => overridden.get(&finding.rule).is_some_and(|reason| !reason.trim().is_empty()),
        Severity::Off => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn claim() -> ClaimFacts {
        ClaimFacts {
            claim_no: "C2".into(),
            vin: "LFV3A23C8G3012345".into(),
            repair_date: date(2024, 6, 10),
            mileage: 20_000,
            failure_code: "P0300".into(),
            labor: vec![LaborFacts {
                code: "10-01".into(),
                hours: "2.5".parse().unwrap(),
                standard_hours: Some("2.0".parse().unwrap()),
            }],
            parts: vec![PartFacts {
                part_no: "12345".into(),
                unit_price: Money::parse("p", "120.00").unwrap(),
                catalogue_price: Some(Money::parse("c", "100.00").unwrap()),
                area: Some("front_left".into()),
            }],
            attachment_hashes: vec!["abc".into()],
            photos: 0,
            photos_required: true,
            checklist_required: true,
            checklist_done: false,
            inside_periods: false,
        }
    }

    fn rules(findings: &[Finding]) -> Vec<CheckRule> {
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_clean_claim_passes() {
        let mut clean = claim();
        clean.labor[0].hours = "2.0".parse().unwrap();
        clean.parts[0].unit_price = Money::parse("p", "100.00").unwrap();
        clean.photos = 2;
        clean.checklist_done = true;
        clean.inside_periods = true;
        let findings = run(&clean, &CheckContext::default(), &CheckSettings::default());
        assert!(findings.is_empty(), "{findings:?}");
        assert!(may_submit(&findings, &BTreeMap::new()));
    }

    #[test]
    fn every_check_fires_on_its_facts() {
        let context = CheckContext {
            earlier_claims: vec![EarlierClaim {
                claim_no: "C1".into(),
                repair_date: date(2024, 5, 20),
                failure_code: "P0300".into(),
                part_nos: vec!["12345".into()],
                parts_warranty_until: Some((date(2025, 5, 20), 40_000)),
            }],
            readings: vec![Reading { date: date(2024, 5, 20), mileage: 21_000 }],
            accidents: vec![AccidentRecord {
                reference: "RO1".into(),
                date: date(2024, 4, 1),
                part_nos: vec![],
                areas: vec!["front_left".into()],
            }],
            used_hashes: [("abc".to_string(), "C0".to_string())].into_iter().collect(),
        };
        let findings = run(&claim(), &context, &CheckSettings::default());
        assert_eq!(rules(&findings), CheckRule::ALL.to_vec());
        assert!(!may_submit(&findings, &BTreeMap::new()));
        let mileage = findings.iter().find(|f| f.rule == CheckRule::MileageBackwards).unwrap();
        assert_eq!(mileage.params["previous"], "21000");
    }

    #[test]
    fn warnings_pass_only_with_a_reason_and_off_rules_stay_silent() {
        let mut only_warnings = claim();
        only_warnings.inside_periods = true;
        only_warnings.checklist_done = true;
        only_warnings.attachment_hashes.clear();
        let findings = run(&only_warnings, &CheckContext::default(), &CheckSettings::default());
        assert!(findings.iter().all(|f| f.severity == Severity::Warn));
        let mut reasons: BTreeMap<CheckRule, String> =
            findings.iter().map(|f| (f.rule, "厂家特批".to_string())).collect();
        assert!(may_submit(&findings, &reasons));
        reasons.insert(CheckRule::PhotoMissing, " ".into());
        assert!(!may_submit(&findings, &reasons));
        let mut settings = CheckSettings::default();
        settings.severity.insert(CheckRule::PhotoMissing, Severity::Off);
        assert!(!rules(&run(&only_warnings, &CheckContext::default(), &settings)).contains(&CheckRule::PhotoMissing));
    }

    #[test]
    fn a_claim_outside_the_duplicate_window_is_not_a_duplicate() {
        let context = CheckContext {
            earlier_claims: vec![EarlierClaim {
                claim_no: "C1".into(),
                repair_date: date(2024, 5, 10),
                failure_code: "P0300".into(),
                part_nos: vec!["12345".into()],
                parts_warranty_until: None,
            }],
            ..CheckContext::default()
        };
        // 2024-05-10 is 31 days before 2024-06-10: outside a 30-day window.
        assert!(!rules(&run(&claim(), &context, &CheckSettings::default())).contains(&CheckRule::DuplicateClaim));
    }
}
