//! Claim deadlines: the 48-hour report, theft reports and waiting period, the insurer's duties under
//! Insurance Law Art 23–25 and 交强险条例 Art 28–29, and the 2-year limitation (Art 26).
//!
//! Times are civil date-times in the store's zone (`YYYY-MM-DDTHH:MM`); Asia/Shanghai has no daylight
//! saving since 1991, so adding hours to the civil time is exact. Day, month and year periods follow
//! 民法典 Art 201–202 (`calendar.rs`): the start day is not counted, "within" includes the last day.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize, Serializer};

use super::Reason;
use super::compulsory::minute_text;
use super::theft::THEFT_WAIT_DAYS;
use crate::calendar::{self, WorkCalendar};
use crate::rules::run;
use crate::violation::{Violation, Violations};

fn minute<S: Serializer>(time: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&minute_text(*time))
}

fn add_hours(field: &str, time: DateTime, hours: i64) -> Result<DateTime, Violation> {
    time.checked_add(hours.hours()).map_err(|_| Violation::new(field, "date_out_of_range"))
}

fn add_days(field: &str, date: Date, days: i64) -> Result<Date, Violation> {
    date.checked_add(days.days()).map_err(|_| Violation::new(field, "date_out_of_range"))
}

// ---------------------------------------------------------------------------------------------------------

/// Input of `report-deadline`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub accident_time: DateTime,
    #[serde(default)]
    pub reported_at: Option<DateTime>,
}

/// Whether a report came in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    OnTime,
    /// Flagged for review, never refused (Ins. Law Art 21).
    Late,
    /// Not reported yet.
    Open,
}

/// Output of `report-deadline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportOutput {
    #[serde(serialize_with = "minute")]
    pub deadline: DateTime,
    pub status: ReportStatus,
    /// Review flags (codes); a flag never rejects the claim.
    pub flags: Vec<Reason>,
    pub reasons: Vec<Reason>,
}

/// Hours the insured has to report an accident (2014 clauses Art 13, 30, 45).
pub const REPORT_HOURS: i64 = 48;

/// The `report-deadline` rule: "within 48 hours" includes the 48th hour (民法典 Art 1259).
pub fn report_deadline(input: &ReportInput) -> Result<ReportOutput, Violations> {
    let deadline = add_hours("accident_time", input.accident_time, REPORT_HOURS)?;
    let mut flags = Vec::new();
    let status = match input.reported_at {
        None => ReportStatus::Open,
        Some(reported) if reported <= deadline => ReportStatus::OnTime,
        Some(_) => {
            flags.push(
                Reason::new("late_report", "Insurance Law Art 21; 2014 clauses Art 13")
                    .with("deadline", minute_text(deadline)),
            );
            ReportStatus::Late
        }
    };
    let reasons = vec![
        Reason::new("report_within_48_hours", "2014 clauses Art 13, 30, 45")
            .with("deadline", minute_text(deadline))
            .with("hours", REPORT_HOURS),
    ];
    Ok(ReportOutput { deadline, status, flags, reasons })
}

// ---------------------------------------------------------------------------------------------------------

/// Input of `theft-deadlines`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TheftDeadlinesInput {
    /// When the insured learned of the theft.
    pub learned_at: DateTime,
    #[serde(default)]
    pub police_reported_at: Option<DateTime>,
    /// When the insured came to the insurer with the 出险通知单.
    #[serde(default)]
    pub insurer_notified_at: Option<DateTime>,
    #[serde(default)]
    pub police_case_filed_on: Option<Date>,
}

/// Output of `theft-deadlines`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TheftDeadlinesOutput {
    #[serde(serialize_with = "minute")]
    pub police_deadline: DateTime,
    #[serde(serialize_with = "minute")]
    pub insurer_deadline: DateTime,
    pub police_status: ReportStatus,
    pub insurer_status: ReportStatus,
    /// The 60th day after the police case: the car must stay unfound through it.
    pub waiting_ends: Option<Date>,
    pub payable_from: Option<Date>,
    pub flags: Vec<Reason>,
    pub reasons: Vec<Reason>,
}

/// The `theft-deadlines` rule: police within 24 h (2014 Art 56), insurer within 48 h with the 出险通知单
/// (practice [S]), total loss payable after 60 days unfound (Art 51).
pub fn theft_deadlines(input: &TheftDeadlinesInput) -> Result<TheftDeadlinesOutput, Violations> {
    let mut violations = Violations::new();
    let police_deadline = violations.check(add_hours("learned_at", input.learned_at, 24));
    let insurer_deadline = violations.check(add_hours("learned_at", input.learned_at, 48));
    let waiting_ends = match input.police_case_filed_on {
        Some(filed) => violations.check(add_days("police_case_filed_on", filed, THEFT_WAIT_DAYS)),
        None => None,
    };
    let payable_from = match waiting_ends {
        Some(day) => violations.check(add_days("police_case_filed_on", day, 1)),
        None => None,
    };
    let (Some(police_deadline), Some(insurer_deadline)) = (police_deadline, insurer_deadline) else {
        return Err(violations);
    };
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut flags = Vec::new();
    let police_status = match input.police_reported_at {
        None => ReportStatus::Open,
        Some(at) if at <= police_deadline => ReportStatus::OnTime,
        Some(_) => {
            flags.push(
                Reason::new("late_theft_police_report", "2014 全车盗抢险 Art 56; Insurance Law Art 21")
                    .with("deadline", minute_text(police_deadline)),
            );
            ReportStatus::Late
        }
    };
    let insurer_status = match input.insurer_notified_at {
        None => ReportStatus::Open,
        Some(at) if at <= insurer_deadline => ReportStatus::OnTime,
        Some(_) => {
            flags.push(
                Reason::new("late_theft_insurer_report", "claims practice [S]; Insurance Law Art 21")
                    .with("deadline", minute_text(insurer_deadline)),
            );
            ReportStatus::Late
        }
    };
    let mut reasons = vec![
        Reason::new("theft_police_within_24_hours", "2014 全车盗抢险 Art 56")
            .with("deadline", minute_text(police_deadline)),
        Reason::new("theft_insurer_within_48_hours", "claims practice [S] (出险通知单)")
            .with("deadline", minute_text(insurer_deadline)),
    ];
    if let Some(payable_from) = payable_from {
        reasons.push(
            Reason::new("theft_waiting_period", "2014 全车盗抢险 Art 51")
                .with("days", THEFT_WAIT_DAYS)
                .with("payable_from", payable_from),
        );
    }
    Ok(TheftDeadlinesOutput {
        police_deadline,
        insurer_deadline,
        police_status,
        insurer_status,
        waiting_ends,
        payable_from,
        flags,
        reasons,
    })
}

// ---------------------------------------------------------------------------------------------------------

/// Input of `insurer-deadlines`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsurerDeadlinesInput {
    /// The day the claim and its documents were complete (收到赔偿请求和有关证明、资料).
    pub documents_complete_on: Date,
    /// A complex case (情形复杂): decision within 30 days.
    #[serde(default)]
    pub complex: bool,
    /// A decision period the contract sets instead of 30 days.
    #[serde(default)]
    pub contract_decision_days: Option<u16>,
    #[serde(default)]
    pub decided_on: Option<Date>,
    /// The decision: covered or not. `false` starts the 3-day refusal notice.
    #[serde(default)]
    pub covered: Option<bool>,
    /// The day the amount was agreed (达成赔偿协议).
    #[serde(default)]
    pub agreed_on: Option<Date>,
    /// A payment period the contract sets instead of 10 days.
    #[serde(default)]
    pub contract_payment_days: Option<u16>,
}

/// Output of `insurer-deadlines`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InsurerDeadlinesOutput {
    /// Only for complex cases (or a contract period); otherwise "promptly" (及时), no fixed day.
    pub decision_due: Option<Date>,
    /// Pay the determinable part if the amount is still open (Art 25).
    pub determinable_part_due: Date,
    pub refusal_notice_due: Option<Date>,
    pub payment_due: Option<Date>,
    pub reasons: Vec<Reason>,
}

/// The `insurer-deadlines` rule (Insurance Law Art 23–25).
pub fn insurer_deadlines(input: &InsurerDeadlinesInput) -> Result<InsurerDeadlinesOutput, Violations> {
    let mut violations = Violations::new();
    let mut reasons = Vec::new();
    let decision_days = match (input.contract_decision_days, input.complex) {
        (Some(days), _) => Some(i64::from(days)),
        (None, true) => Some(30),
        (None, false) => None,
    };
    let decision_due = match decision_days {
        Some(days) => {
            let due = violations.check(add_days("documents_complete_on", input.documents_complete_on, days));
            if let Some(due) = due {
                reasons.push(
                    Reason::new("insurer_decision_due", "Insurance Law Art 23 ¶1").with("days", days).with("due", due),
                );
            }
            due
        }
        None => {
            reasons.push(Reason::new("insurer_decide_promptly", "Insurance Law Art 23 ¶1"));
            None
        }
    };
    let determinable_part_due = violations.check(add_days("documents_complete_on", input.documents_complete_on, 60));
    if let Some(due) = determinable_part_due {
        reasons.push(Reason::new("insurer_pay_determinable_part", "Insurance Law Art 25").with("due", due));
    }
    let refusal_notice_due = match (input.decided_on, input.covered) {
        (Some(decided), Some(false)) => {
            let due = violations.check(add_days("decided_on", decided, 3));
            if let Some(due) = due {
                reasons.push(Reason::new("insurer_refusal_notice_due", "Insurance Law Art 24").with("due", due));
            }
            due
        }
        (None, Some(false)) => {
            violations.push(Violation::new("decided_on", "required"));
            None
        }
        _ => None,
    };
    let payment_due = match input.agreed_on {
        Some(agreed) => {
            let days = input.contract_payment_days.map_or(10, i64::from);
            let due = violations.check(add_days("agreed_on", agreed, days));
            if let Some(due) = due {
                reasons.push(
                    Reason::new("insurer_payment_due", "Insurance Law Art 23 ¶1").with("days", days).with("due", due),
                );
            }
            due
        }
        None => None,
    };
    let Some(determinable_part_due) = determinable_part_due else {
        return Err(violations);
    };
    if !violations.is_empty() {
        return Err(violations);
    }
    Ok(InsurerDeadlinesOutput { decision_due, determinable_part_due, refusal_notice_due, payment_due, reasons })
}

// ---------------------------------------------------------------------------------------------------------

/// Input of `compulsory-deadlines`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompulsoryDeadlinesInput {
    /// The day the claim was made (被保险人申请赔偿).
    pub claim_on: Date,
    #[serde(default)]
    pub documents_received_on: Option<Date>,
    #[serde(default)]
    pub agreed_on: Option<Date>,
}

/// Output of `compulsory-deadlines`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompulsoryDeadlinesOutput {
    pub document_list_due: Date,
    pub decision_due: Option<Date>,
    pub payment_due: Option<Date>,
    pub reasons: Vec<Reason>,
}

/// The `compulsory-deadlines` rule (交强险条例 Art 28–29): the document list within 1 day, the decision
/// within 5 days of the documents, payment within 10 days of agreement.
pub fn compulsory_deadlines(input: &CompulsoryDeadlinesInput) -> Result<CompulsoryDeadlinesOutput, Violations> {
    let mut violations = Violations::new();
    let mut reasons = Vec::new();
    let document_list_due = violations.check(add_days("claim_on", input.claim_on, 1));
    if let Some(due) = document_list_due {
        reasons.push(Reason::new("compulsory_document_list_due", "交强险条例 Art 28").with("due", due));
    }
    if input.documents_received_on.is_some_and(|received| received < input.claim_on) {
        violations.push(Violation::new("documents_received_on", "date_before_start"));
    }
    let decision_due = match input.documents_received_on {
        Some(received) => {
            let due = violations.check(add_days("documents_received_on", received, 5));
            if let Some(due) = due {
                reasons.push(Reason::new("compulsory_decision_due", "交强险条例 Art 29").with("due", due));
            }
            due
        }
        None => None,
    };
    let payment_due = match input.agreed_on {
        Some(agreed) => {
            let due = violations.check(add_days("agreed_on", agreed, 10));
            if let Some(due) = due {
                reasons.push(Reason::new("compulsory_payment_due", "交强险条例 Art 29").with("due", due));
            }
            due
        }
        None => None,
    };
    let Some(document_list_due) = document_list_due else {
        return Err(violations);
    };
    if !violations.is_empty() {
        return Err(violations);
    }
    Ok(CompulsoryDeadlinesOutput { document_list_due, decision_due, payment_due, reasons })
}

// ---------------------------------------------------------------------------------------------------------

/// Input of `claim-limitation`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitationInput {
    /// The day the insured knew or should have known of the accident.
    pub knew_on: Date,
    #[serde(default)]
    pub as_of: Option<Date>,
    /// Setting: move a last day on a non-working day to the next working day (民法典 Art 203). Off by
    /// default, as the worked cases count plain years [I].
    #[serde(default)]
    pub holiday_extension: bool,
}

/// Whether the claim right still stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitationStatus {
    Open,
    Expired,
    /// No `as_of` given.
    Unknown,
}

/// Output of `claim-limitation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitationOutput {
    /// The last day the claim can be made; the right expires after it.
    pub last_day: Date,
    pub status: LimitationStatus,
    pub reasons: Vec<Reason>,
}

/// Years of the limitation for non-life claims (Insurance Law Art 26).
pub const LIMITATION_YEARS: i64 = 2;

/// The `claim-limitation` rule: 2 years from the day the insured knew (Art 26), ending on the matching
/// date (民法典 Art 202).
pub fn claim_limitation(input: &LimitationInput) -> Result<LimitationOutput, Violations> {
    let mut last_day = calendar::last_day_after_years(input.knew_on, LIMITATION_YEARS);
    let mut reasons = vec![
        Reason::new("claim_limitation", "Insurance Law Art 26; 民法典 Art 201–202").with("knew_on", input.knew_on),
    ];
    if input.holiday_extension {
        let calendar = WorkCalendar::current();
        let original = last_day;
        let mut steps = 0;
        while !calendar.is_working_day(last_day).map_err(|v| Violations::from(v.nested("holiday_extension")))? {
            last_day = add_days("knew_on", last_day, 1)?;
            steps += 1;
            if steps > 30 {
                break;
            }
        }
        if original != last_day {
            reasons.push(
                Reason::new("claim_limitation_holiday_extension", "民法典 Art 203")
                    .with("from", original)
                    .with("to", last_day),
            );
        }
    }
    let status = match input.as_of {
        Some(today) if today > last_day => LimitationStatus::Expired,
        Some(_) => LimitationStatus::Open,
        None => LimitationStatus::Unknown,
    };
    reasons[0].params.insert("last_day", last_day.to_string());
    Ok(LimitationOutput { last_day, status, reasons })
}

pub(crate) fn eval_report(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: ReportInput| report_deadline(&input))
}

pub(crate) fn eval_theft(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: TheftDeadlinesInput| theft_deadlines(&input))
}

pub(crate) fn eval_insurer(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: InsurerDeadlinesInput| insurer_deadlines(&input))
}

pub(crate) fn eval_compulsory(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: CompulsoryDeadlinesInput| compulsory_deadlines(&input))
}

pub(crate) fn eval_limitation(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: LimitationInput| claim_limitation(&input))
}
