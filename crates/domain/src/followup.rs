//! After-sales follow-up schedule (跟踪服务), rules.md part D.
//!
//! These are store practice from the seed article, not law, so every day count lives in
//! [`FollowUpSettings`], whose defaults give the documented results (cases FU-01, FU-03). Days are counted
//! as everywhere else (民法典 Art 201): the start day is not counted, so "within 2 days" of a Monday
//! handover ends on Wednesday. Follow-up dates are plain calendar days, not working days: the seed
//! article speaks of days and weeks, and a call on a Saturday is normal at a dealership.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar;
use crate::rules::{RuleDef, run};
use crate::violation::{Violation, Violations};

pub static RULES: &[RuleDef] = &[
    RuleDef {
        name: "follow-up-schedule",
        summary_zh: "跟踪服务日程：交车后2日内建档，第3–7日首次回访，首次回访后第8–14日二次回访",
        summary_en: "Follow-up schedule: customer archive within 2 days of handover, first call on days 3–7, second call on days 8–14 after the first",
        basis: "Store practice (seed article), rules.md D; days counted per 民法典 Art 201",
        example: r#"{"handover": "2024-05-13", "first_call_done": "2024-05-17"}"#,
        eval: follow_up_schedule,
    },
    RuleDef {
        name: "complaint-escalation",
        summary_zh: "回访中未解决的问题2日内报主管；找到解决办法当天告知客户",
        summary_en: "An issue left unresolved on a call goes to the supervisor within 2 days; the customer is told the day a solution is found",
        basis: "Store practice (seed article), rules.md D",
        example: r#"{"opened": "2024-05-17"}"#,
        eval: complaint_escalation,
    },
    RuleDef {
        name: "event-schedule",
        summary_zh: "活动通知：活动前2周电话通知，通知后2日内寄出信函",
        summary_en: "Event notice: phone 2 weeks before the event, then a letter within 2 days of the call",
        basis: "Store practice (seed article), rules.md D",
        example: r#"{"event_date": "2024-06-15"}"#,
        eval: event_schedule,
    },
    RuleDef {
        name: "next-maintenance",
        summary_zh: "下次保养：按间隔月数或按行驶里程速度推算，先到者为准",
        summary_en: "Next maintenance: the earlier of the month interval and the date the mileage pace reaches the km interval",
        basis: "Manufacturer maintenance intervals; months counted per 民法典 Art 202",
        example: r#"{"last_service": "2024-05-13", "last_mileage": 12000, "interval_km": 5000, "interval_months": 6, "km_per_30_days": 1500}"#,
        eval: next_maintenance_rule,
    },
    RuleDef {
        name: "lost-customer",
        summary_zh: "流失客户：最后一次进店后超过设定月数（默认6个月）未再到店",
        summary_en: "Lost customer: no visit for more than the set number of months (6 by default) after the last one",
        basis: "Store practice; months counted per 民法典 Art 202",
        example: r#"{"last_visit": "2023-11-13", "today": "2024-05-14"}"#,
        eval: lost_customer_rule,
    },
    RuleDef {
        name: "follow-up-call",
        summary_zh: "回访记录检查：接通的回访须勾选话题；二次回访的话题不得与首次重复；未接通次日再拨，窗口结束后升级",
        summary_en: "Follow-up call check: a reached call names its topics; the second call repeats none of the first's; an unreachable call is retried the next day until the window ends, then escalated",
        basis: "Store practice (seed article: 第二次回访内容不重复), rules.md D",
        example: r#"{"kind": "second_call", "outcome": "reached", "topics": ["new_needs", "events"], "first_call_topics": ["usage", "service_opinion"]}"#,
        eval: follow_up_call_rule,
    },
    RuleDef {
        name: "summary-period",
        summary_zh: "小结周期：月度小结（YYYY-MM）或年度总结（YYYY）的起止日，期末当天到期",
        summary_en: "Summary period: first and last day of a monthly (YYYY-MM) or yearly (YYYY) summary, due on the last day",
        basis: "Store practice (seed article: 月度小结、年度总结), rules.md D",
        example: r#"{"kind": "month", "period": "2024-02"}"#,
        eval: summary_period_rule,
    },
];

/// Every violation code this module can produce (words in `web/messages/followup.toml` and `common.toml`).
pub const CODES: &[&str] = &[
    "out_of_range",
    "date_out_of_range",
    "date_order",
    "followup_window_order",
    "maintenance_interval_missing",
    "unknown_value",
    "call_topics_required",
    "second_call_repeats_topics",
    "period_format",
];

/// A store's follow-up practice (跟踪服务规范): every day count of rules.md part D, changeable per store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpSettings {
    /// Customer archive (客户档案) within this many days of the visit or handover.
    pub archive_days: u32,
    /// First follow-up call from this day after pickup ...
    pub first_call_from: u32,
    /// ... to this day ("3 days to 1 week").
    pub first_call_to: u32,
    /// Second call from this day after the first call ("the week after the first, within 7 days") ...
    pub second_call_from: u32,
    /// ... to this day.
    pub second_call_to: u32,
    /// An unresolved complaint reaches the supervisor within this many days.
    pub escalation_days: u32,
    /// Customers are phoned this many days before an event.
    pub event_notice_days_before: u32,
    /// The letter follows the notice call within this many days.
    pub event_letter_days: u32,
    /// A customer not seen for more than this many months counts as lost (流失客户).
    pub lost_after_months: u32,
}

impl Default for FollowUpSettings {
    fn default() -> Self {
        FollowUpSettings {
            archive_days: 2,
            first_call_from: 3,
            first_call_to: 7,
            second_call_from: 8,
            second_call_to: 14,
            escalation_days: 2,
            event_notice_days_before: 14,
            event_letter_days: 2,
            lost_after_months: 6,
        }
    }
}

/// The longest day count a setting may hold; anything longer is a typing error, not a practice.
pub const MAX_SETTING_DAYS: u32 = 366;
pub const MAX_SETTING_MONTHS: u32 = 120;

impl FollowUpSettings {
    /// Every problem with a store's settings: counts too large, or a window that ends before it starts.
    pub fn validate(&self, field: &str) -> Result<(), Violations> {
        let mut violations = Violations::new();
        let days = [
            ("archive_days", self.archive_days),
            ("first_call_from", self.first_call_from),
            ("first_call_to", self.first_call_to),
            ("second_call_from", self.second_call_from),
            ("second_call_to", self.second_call_to),
            ("escalation_days", self.escalation_days),
            ("event_notice_days_before", self.event_notice_days_before),
            ("event_letter_days", self.event_letter_days),
        ];
        for (name, value) in days {
            if value > MAX_SETTING_DAYS {
                violations.push(
                    Violation::new(name, "out_of_range")
                        .with("max", MAX_SETTING_DAYS)
                        .with("found", value)
                        .nested(field),
                );
            }
        }
        if self.lost_after_months > MAX_SETTING_MONTHS {
            violations.push(
                Violation::new("lost_after_months", "out_of_range")
                    .with("max", MAX_SETTING_MONTHS)
                    .with("found", self.lost_after_months)
                    .nested(field),
            );
        }
        for (from_name, from, to_name, to) in [
            ("first_call_from", self.first_call_from, "first_call_to", self.first_call_to),
            ("second_call_from", self.second_call_from, "second_call_to", self.second_call_to),
        ] {
            if from > to {
                violations.push(
                    Violation::new(to_name, "followup_window_order")
                        .with("from_field", from_name)
                        .with("from", from)
                        .with("to", to)
                        .nested(field),
                );
            }
        }
        violations.finish(|| ())
    }
}

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: Date,
    pub to: Date,
}

impl Window {
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}

/// `date` moved by `days`, saturating at jiff's date range so a pure function never panics.
fn shift(date: Date, days: i64) -> Date {
    date.checked_add(days.days()).unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The customer archive is due this day (2 days after the visit or handover by default).
pub fn archive_due(visit_or_handover: Date, settings: &FollowUpSettings) -> Date {
    shift(visit_or_handover, settings.archive_days.into())
}

/// The first call falls on days 3–7 after pickup by default: 2024-05-13 gives 2024-05-16 to 2024-05-20.
pub fn first_call_window(handover: Date, settings: &FollowUpSettings) -> (Date, Date) {
    (shift(handover, settings.first_call_from.into()), shift(handover, settings.first_call_to.into()))
}

/// The second call falls on days 8–14 after the first call by default.
pub fn second_call_window(first_call_done: Date, settings: &FollowUpSettings) -> (Date, Date) {
    (shift(first_call_done, settings.second_call_from.into()), shift(first_call_done, settings.second_call_to.into()))
}

/// An issue left open on a call must reach the supervisor by this day (2 days by default, FU-03).
pub fn complaint_escalation_due(opened: Date, settings: &FollowUpSettings) -> Date {
    shift(opened, settings.escalation_days.into())
}

/// Customers are phoned about an event by this day (14 days before it by default).
pub fn event_notice_due(event_date: Date, settings: &FollowUpSettings) -> Date {
    shift(event_date, -i64::from(settings.event_notice_days_before))
}

/// The event letter goes out by this day (2 days after the notice call by default).
pub fn event_letter_due(notice_call: Date, settings: &FollowUpSettings) -> Date {
    shift(notice_call, settings.event_letter_days.into())
}

/// Which limit makes the next maintenance due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueBy {
    Months,
    Mileage,
}

/// The next maintenance (保养): due on the earlier of `last_service` + `interval_months` (Art 202: the
/// matching date or the month's end) and the day the customer's pace reaches `last_mileage` +
/// `interval_km`. The pace is km per 30 days, an integer as the desk records it; `None` or 0 means only
/// the months count. An interval of 0 means no limit of that kind. Returns the due date and the due
/// mileage.
pub fn next_maintenance(
    last_service: Date,
    last_mileage: u32,
    interval_km: u32,
    interval_months: u32,
    km_per_30_days: Option<u32>,
) -> (Date, u32) {
    let (date, _) = next_maintenance_due_by(last_service, interval_km, interval_months, km_per_30_days);
    (date, last_mileage.saturating_add(interval_km))
}

/// As [`next_maintenance`], naming which limit comes first instead of the due mileage.
pub fn next_maintenance_due_by(
    last_service: Date,
    interval_km: u32,
    interval_months: u32,
    km_per_30_days: Option<u32>,
) -> (Date, DueBy) {
    // A zero interval means the manufacturer sets no limit of that kind (some EVs have only a km interval).
    let by_months = (interval_months > 0)
        .then(|| calendar::last_day_after_months(last_service, interval_months.into()))
        .map(|date| (date, DueBy::Months));
    let by_mileage = km_per_30_days.filter(|&pace| pace > 0 && interval_km > 0).map(|pace| {
        // The first whole day on which pace × days / 30 reaches the interval: ceil(interval × 30 / pace).
        let days = (u64::from(interval_km) * 30).div_ceil(u64::from(pace));
        (shift(last_service, i64::try_from(days).unwrap_or(i64::MAX)), DueBy::Mileage)
    });
    match (by_months, by_mileage) {
        // On a tie the months are named: that is the limit the customer's booklet shows.
        (Some(months), Some(mileage)) => {
            if mileage.0 < months.0 {
                mileage
            } else {
                months
            }
        }
        (Some(only), None) | (None, Some(only)) => only,
        (None, None) => (last_service, DueBy::Months),
    }
}

/// Whether a customer whose last visit was `last_visit` counts as lost on `today`: more than `months`
/// months have passed (超过 excludes the limit itself, 民法典 Art 1259), so on the matching date the
/// customer is still current.
pub fn lost_customer(last_visit: Date, today: Date, months: u32) -> bool {
    today > calendar::last_day_after_months(last_visit, months.into())
}

/// The questions of the call script (回访话术), in the order the agent asks them: how the car is used,
/// the opinion of the service, new needs, tips for the customer, new services, events.
pub const TOPICS: &[&str] = &["usage", "service_opinion", "new_needs", "tips", "new_services", "events"];

/// What a call is for: the two follow-up calls, a lost-customer call (流失客户回访), an event notice, a
/// next-service contact, the calls customers make to the desk, and the call that tells a customer the
/// solution to their complaint.
pub const CALL_KINDS: &[&str] = &[
    "first_call",
    "second_call",
    "lost_customer",
    "event_notice",
    "next_service",
    "inbound_consultation",
    "inbound_complaint",
    "complaint_reply",
];

/// Whether the customer was reached.
pub const CALL_OUTCOMES: &[&str] = &["reached", "unreachable"];

/// What the desk records of one call, before the store sees it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    pub kind: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub topics: Vec<String>,
    /// The topics of the customer's first call, when this is the second.
    #[serde(default)]
    pub first_call_topics: Vec<String>,
    /// 1 (very unhappy) to 5 (very happy), when asked.
    #[serde(default)]
    pub satisfaction: Option<i64>,
}

/// A call the rules accept: its kind, outcome and topics in script order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidCall {
    pub kind: String,
    pub outcome: String,
    pub topics: Vec<String>,
    pub satisfaction: Option<i64>,
}

/// Checks a call. An outbound follow-up call that reached the customer names at least one topic of the
/// script; the second call repeats none of the first call's topics (seed article: the second call's
/// content is not repeated), and the field error names the repeated ones. Inbound calls have no script.
pub fn check_call(input: &CallInput) -> Result<ValidCall, Violations> {
    let mut violations = Violations::new();
    let kind = input.kind.trim();
    if !CALL_KINDS.contains(&kind) {
        violations.push(Violation::new("kind", "unknown_value").with("detail", kind));
    }
    let outcome = if input.outcome.trim().is_empty() { "reached" } else { input.outcome.trim() };
    if !CALL_OUTCOMES.contains(&outcome) {
        violations.push(Violation::new("outcome", "unknown_value").with("detail", outcome));
    }
    let mut topics = Vec::new();
    for topic in &input.topics {
        let topic = topic.trim();
        if topic.is_empty() {
            continue;
        }
        if !TOPICS.contains(&topic) {
            violations.push(Violation::new("topics", "unknown_value").with("detail", topic));
        } else if !topics.iter().any(|t| t == topic) {
            topics.push(topic.to_string());
        }
    }
    topics.sort_by_key(|topic| TOPICS.iter().position(|t| t == topic));
    let reached = outcome == "reached";
    let scripted = matches!(kind, "first_call" | "second_call");
    if reached && scripted && topics.is_empty() {
        violations.push(Violation::new("topics", "call_topics_required"));
    }
    if reached && kind == "second_call" {
        let repeated: Vec<&str> = topics
            .iter()
            .filter(|topic| input.first_call_topics.iter().any(|earlier| earlier.trim() == topic.as_str()))
            .map(String::as_str)
            .collect();
        if !repeated.is_empty() {
            violations.push(Violation::new("topics", "second_call_repeats_topics").with("topics", repeated.join(", ")));
        }
    }
    if let Some(score) = input.satisfaction
        && !(1..=5).contains(&score)
    {
        violations.push(Violation::new("satisfaction", "out_of_range").with("max", 5).with("found", score));
    }
    violations.finish(|| ValidCall {
        kind: kind.to_string(),
        outcome: outcome.to_string(),
        topics: if reached { topics } else { Vec::new() },
        satisfaction: if reached { input.satisfaction } else { None },
    })
}

/// After an unreachable attempt on `attempt_on`, the next try is the next day, as long as that is still
/// inside the window ending `window_to`; `None` means the window is spent and the call goes to the
/// supervisor.
pub fn next_attempt(attempt_on: Date, window_to: Date) -> Option<Date> {
    let next = shift(attempt_on, 1);
    (next <= window_to).then_some(next)
}

/// The share of satisfied answers (4 or 5 of 5), in whole percent; `None` when nobody was asked.
pub fn satisfaction_percent(scores: &[i64]) -> Option<u32> {
    if scores.is_empty() {
        return None;
    }
    let happy = scores.iter().filter(|&&score| score >= 4).count();
    u32::try_from((happy * 100 + scores.len() / 2) / scores.len()).ok()
}

/// The first and last day of a summary period: `month` with `YYYY-MM`, `year` with `YYYY`. The summary is
/// due on the last day.
pub fn summary_period(kind: &str, period: &str) -> Result<(Date, Date), Violation> {
    let bad = || Violation::new("period", "period_format").with("found", period);
    match kind {
        "month" => {
            let (year, month) = period.split_once('-').ok_or_else(bad)?;
            let (year, month) = (year.parse::<i16>().map_err(|_| bad())?, month.parse::<i8>().map_err(|_| bad())?);
            if !(1900..=2200).contains(&year) || year.to_string().len() != 4 || period.len() != 7 {
                return Err(bad());
            }
            let first = Date::new(year, month, 1).map_err(|_| bad())?;
            Ok((first, first.last_of_month()))
        }
        "year" => {
            let year = period.parse::<i16>().map_err(|_| bad())?;
            if !(1900..=2200).contains(&year) || period.len() != 4 {
                return Err(bad());
            }
            Ok((jiff::civil::date(year, 1, 1), jiff::civil::date(year, 12, 31)))
        }
        other => Err(Violation::new("period_kind", "unknown_value").with("detail", other)),
    }
}

/// The month (`YYYY-MM`) a date falls in.
pub fn month_of(date: Date) -> String {
    date.strftime("%Y-%m").to_string()
}

/// Dates outside this range are typing errors; keeping them out also keeps every shift inside jiff's range.
fn check_date(field: &str, date: Date, violations: &mut Violations) {
    let earliest = jiff::civil::date(1900, 1, 1);
    let latest = jiff::civil::date(2200, 12, 31);
    if date < earliest || date > latest {
        violations.push(
            Violation::new(field, "date_out_of_range")
                .with("earliest", earliest)
                .with("latest", latest)
                .with("found", date),
        );
    }
}

/// `later` may not come before `earlier`: a call cannot be made before the car was handed over.
fn check_order(field: &str, later: Date, earlier_field: &str, earlier: Date, violations: &mut Violations) {
    if later < earlier {
        violations.push(
            Violation::new(field, "date_order")
                .with("earliest", earlier)
                .with("after_field", earlier_field)
                .with("found", later),
        );
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleInput {
    handover: Date,
    #[serde(default)]
    first_call_done: Option<Date>,
    #[serde(default)]
    settings: FollowUpSettings,
}

#[derive(Serialize)]
struct ScheduleOutput {
    handover: Date,
    archive_due: Date,
    first_call: Window,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_call_done: Option<Date>,
    /// Whether the first call was made inside its window; absent until it is made.
    #[serde(skip_serializing_if = "Option::is_none")]
    first_call_on_time: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    second_call: Option<Window>,
}

fn window((from, to): (Date, Date)) -> Window {
    Window { from, to }
}

fn follow_up_schedule(input: Value) -> Result<Value, Violations> {
    run(input, |input: ScheduleInput| {
        let mut violations = Violations::new();
        if let Err(settings) = input.settings.validate("settings") {
            violations.0.extend(settings.0);
        }
        check_date("handover", input.handover, &mut violations);
        if let Some(done) = input.first_call_done {
            check_date("first_call_done", done, &mut violations);
            check_order("first_call_done", done, "handover", input.handover, &mut violations);
        }
        violations.finish(|| ())?;
        let settings = &input.settings;
        let first_call = window(first_call_window(input.handover, settings));
        Ok(ScheduleOutput {
            handover: input.handover,
            archive_due: archive_due(input.handover, settings),
            first_call,
            first_call_done: input.first_call_done,
            first_call_on_time: input.first_call_done.map(|done| first_call.contains(done)),
            second_call: input.first_call_done.map(|done| window(second_call_window(done, settings))),
        })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EscalationInput {
    opened: Date,
    /// The day a solution was found, if it has been: the customer is told that same day.
    #[serde(default)]
    solution_found: Option<Date>,
    #[serde(default)]
    settings: FollowUpSettings,
}

#[derive(Serialize)]
struct EscalationOutput {
    opened: Date,
    escalate_by: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_customer_by: Option<Date>,
}

fn complaint_escalation(input: Value) -> Result<Value, Violations> {
    run(input, |input: EscalationInput| {
        let mut violations = Violations::new();
        if let Err(settings) = input.settings.validate("settings") {
            violations.0.extend(settings.0);
        }
        check_date("opened", input.opened, &mut violations);
        if let Some(solved) = input.solution_found {
            check_date("solution_found", solved, &mut violations);
            check_order("solution_found", solved, "opened", input.opened, &mut violations);
        }
        violations.finish(|| ())?;
        Ok(EscalationOutput {
            opened: input.opened,
            escalate_by: complaint_escalation_due(input.opened, &input.settings),
            // rules.md D: "the customer is told the same day a solution is found".
            notify_customer_by: input.solution_found,
        })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventInput {
    event_date: Date,
    /// The day the notice call was actually made; the letter counts from it when given.
    #[serde(default)]
    notice_call: Option<Date>,
    #[serde(default)]
    settings: FollowUpSettings,
}

#[derive(Serialize)]
struct EventOutput {
    event_date: Date,
    notice_call_due: Date,
    letter_due: Date,
}

fn event_schedule(input: Value) -> Result<Value, Violations> {
    run(input, |input: EventInput| {
        let mut violations = Violations::new();
        if let Err(settings) = input.settings.validate("settings") {
            violations.0.extend(settings.0);
        }
        check_date("event_date", input.event_date, &mut violations);
        if let Some(call) = input.notice_call {
            check_date("notice_call", call, &mut violations);
        }
        violations.finish(|| ())?;
        let notice_call_due = event_notice_due(input.event_date, &input.settings);
        Ok(EventOutput {
            event_date: input.event_date,
            notice_call_due,
            letter_due: event_letter_due(input.notice_call.unwrap_or(notice_call_due), &input.settings),
        })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaintenanceInput {
    last_service: Date,
    last_mileage: u32,
    interval_km: u32,
    interval_months: u32,
    #[serde(default)]
    km_per_30_days: Option<u32>,
}

#[derive(Serialize)]
struct MaintenanceOutput {
    due_date: Date,
    due_mileage: u32,
    due_by: DueBy,
}

/// No car goes 1,000,000 km between services or waits 10 years; larger values are typing errors.
const MAX_INTERVAL_KM: u32 = 1_000_000;
const MAX_INTERVAL_MONTHS: u32 = 120;

fn next_maintenance_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: MaintenanceInput| {
        let mut violations = Violations::new();
        check_date("last_service", input.last_service, &mut violations);
        if input.interval_km > MAX_INTERVAL_KM {
            violations.push(
                Violation::new("interval_km", "out_of_range")
                    .with("max", MAX_INTERVAL_KM)
                    .with("found", input.interval_km),
            );
        }
        if input.interval_months > MAX_INTERVAL_MONTHS {
            violations.push(
                Violation::new("interval_months", "out_of_range")
                    .with("max", MAX_INTERVAL_MONTHS)
                    .with("found", input.interval_months),
            );
        }
        if input.interval_km == 0 && input.interval_months == 0 {
            violations.push(Violation::new("interval_months", "maintenance_interval_missing"));
        }
        violations.finish(|| ())?;
        let (due_date, due_by) =
            next_maintenance_due_by(input.last_service, input.interval_km, input.interval_months, input.km_per_30_days);
        let (_, due_mileage) = next_maintenance(
            input.last_service,
            input.last_mileage,
            input.interval_km,
            input.interval_months,
            input.km_per_30_days,
        );
        Ok(MaintenanceOutput { due_date, due_mileage, due_by })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LostInput {
    last_visit: Date,
    today: Date,
    #[serde(default)]
    months: Option<u32>,
}

#[derive(Serialize)]
struct LostOutput {
    lost: bool,
    /// The last day the customer still counts as current.
    current_until: Date,
}

fn lost_customer_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: LostInput| {
        let months = input.months.unwrap_or(FollowUpSettings::default().lost_after_months);
        let mut violations = Violations::new();
        check_date("last_visit", input.last_visit, &mut violations);
        check_date("today", input.today, &mut violations);
        if months > MAX_SETTING_MONTHS {
            violations
                .push(Violation::new("months", "out_of_range").with("max", MAX_SETTING_MONTHS).with("found", months));
        }
        violations.finish(|| ())?;
        Ok(LostOutput {
            lost: lost_customer(input.last_visit, input.today, months),
            current_until: calendar::last_day_after_months(input.last_visit, months.into()),
        })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallRuleInput {
    kind: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    first_call_topics: Vec<String>,
    #[serde(default)]
    satisfaction: Option<i64>,
    /// The day of an unreachable attempt and the end of its window: the answer says when to try again.
    #[serde(default)]
    attempt_on: Option<Date>,
    #[serde(default)]
    window_to: Option<Date>,
}

#[derive(Serialize)]
struct CallRuleOutput {
    #[serde(flatten)]
    call: ValidCall,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_attempt: Option<Date>,
    escalate: bool,
}

fn follow_up_call_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: CallRuleInput| {
        let CallRuleInput { kind, outcome, topics, first_call_topics, satisfaction, .. } = input;
        let call = check_call(&CallInput { kind, outcome, topics, first_call_topics, satisfaction })?;
        let unreachable = call.outcome == "unreachable";
        let next = match (unreachable, input.attempt_on, input.window_to) {
            (true, Some(on), Some(to)) => next_attempt(on, to),
            _ => None,
        };
        let escalate = unreachable && input.attempt_on.is_some() && next.is_none();
        Ok(CallRuleOutput { call, next_attempt: next, escalate })
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodInput {
    kind: String,
    period: String,
}

#[derive(Serialize)]
struct PeriodOutput {
    from: Date,
    to: Date,
    due_on: Date,
}

fn summary_period_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: PeriodInput| {
        let (from, to) = summary_period(&input.kind, &input.period).map_err(|v| Violations(vec![v]))?;
        Ok(PeriodOutput { from, to, due_on: to })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde_json::json;

    fn defaults() -> FollowUpSettings {
        FollowUpSettings::default()
    }

    #[test]
    fn fu_01_archive_and_first_call() {
        let handover = date(2024, 5, 13);
        assert_eq!(archive_due(handover, &defaults()), date(2024, 5, 15));
        assert_eq!(first_call_window(handover, &defaults()), (date(2024, 5, 16), date(2024, 5, 20)));
    }

    #[test]
    fn second_call_is_days_8_to_14_after_the_first() {
        assert_eq!(second_call_window(date(2024, 5, 17), &defaults()), (date(2024, 5, 25), date(2024, 5, 31)));
    }

    #[test]
    fn fu_03_escalation() {
        assert_eq!(complaint_escalation_due(date(2024, 5, 17), &defaults()), date(2024, 5, 19));
    }

    #[test]
    fn events() {
        let notice = event_notice_due(date(2024, 6, 15), &defaults());
        assert_eq!(notice, date(2024, 6, 1));
        assert_eq!(event_letter_due(notice, &defaults()), date(2024, 6, 3));
    }

    #[test]
    fn settings_change_the_counts() {
        let settings = FollowUpSettings { archive_days: 1, first_call_from: 2, first_call_to: 5, ..defaults() };
        assert_eq!(archive_due(date(2024, 5, 13), &settings), date(2024, 5, 14));
        assert_eq!(first_call_window(date(2024, 5, 13), &settings), (date(2024, 5, 15), date(2024, 5, 18)));
        let backwards = FollowUpSettings { first_call_from: 8, ..defaults() };
        assert_eq!(backwards.validate("settings").unwrap_err().0[0].code, "followup_window_order");
        assert!(defaults().validate("settings").is_ok());
    }

    #[test]
    fn maintenance_takes_the_earlier_limit() {
        let last = date(2024, 5, 13);
        // 5,000 km at 1,500 km per 30 days: ceil(150,000 / 1,500) = 100 days, before the 6 months.
        assert_eq!(next_maintenance(last, 12_000, 5_000, 6, Some(1_500)), (date(2024, 8, 21), 17_000));
        // A slow driver: the 6 months come first (Art 202 matching date).
        assert_eq!(next_maintenance(last, 12_000, 5_000, 6, Some(500)), (date(2024, 11, 13), 17_000));
        // No pace: only the months count; a zero pace is the same.
        assert_eq!(next_maintenance(last, 12_000, 5_000, 6, None).0, date(2024, 11, 13));
        assert_eq!(next_maintenance(last, 12_000, 5_000, 6, Some(0)).0, date(2024, 11, 13));
        // A month end without a matching date ends on the month's last day.
        assert_eq!(next_maintenance(date(2024, 8, 31), 0, 5_000, 6, None).0, date(2025, 2, 28));
        // A pace that does not divide evenly rounds up to the first day the mileage is reached.
        assert_eq!(next_maintenance(last, 0, 1_000, 12, Some(900)).0, date(2024, 6, 16));
        // No month interval: the mileage alone decides (30,000 km at 1,000 per 30 days is 900 days).
        assert_eq!(next_maintenance(last, 0, 30_000, 0, Some(1_000)).0, date(2026, 10, 30));
    }

    #[test]
    fn lost_after_more_than_six_months() {
        let last = date(2023, 11, 13);
        assert!(!lost_customer(last, date(2024, 5, 13), 6));
        assert!(lost_customer(last, date(2024, 5, 14), 6));
    }

    #[test]
    fn shifting_never_panics_at_the_ends_of_the_calendar() {
        assert_eq!(archive_due(Date::MAX, &defaults()), Date::MAX);
        assert_eq!(event_notice_due(Date::MIN, &defaults()), Date::MIN);
    }

    #[test]
    fn schedule_rule_checks_dates_and_settings() {
        let error = crate::rules::eval(
            "follow-up-schedule",
            json!({"handover": "2024-05-13", "first_call_done": "2024-05-12", "settings": {"second_call_from": 20}}),
        );
        let Err(crate::rules::RuleError::Invalid(violations)) = error else { panic!("{error:?}") };
        let codes: Vec<_> = violations.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert!(codes.contains(&("first_call_done", "date_order")), "{codes:?}");
        assert!(codes.contains(&("settings.second_call_to", "followup_window_order")), "{codes:?}");
    }

    #[test]
    fn the_second_call_repeats_no_topic_of_the_first() {
        let first = vec!["usage".to_string(), "service_opinion".to_string()];
        let call = |topics: &[&str]| CallInput {
            kind: "second_call".into(),
            outcome: "reached".into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            first_call_topics: first.clone(),
            satisfaction: Some(5),
        };
        let ok = check_call(&call(&["events", "new_needs"])).unwrap();
        assert_eq!(ok.topics, vec!["new_needs", "events"], "script order");
        let error = check_call(&call(&["usage", "events"])).unwrap_err();
        assert_eq!(error.0[0].field, "topics");
        assert_eq!(error.0[0].code, "second_call_repeats_topics");
        assert_eq!(check_call(&call(&[])).unwrap_err().0[0].code, "call_topics_required");
    }

    #[test]
    fn unreachable_calls_move_to_the_next_day_until_the_window_ends() {
        assert_eq!(next_attempt(date(2024, 5, 16), date(2024, 5, 20)), Some(date(2024, 5, 17)));
        assert_eq!(next_attempt(date(2024, 5, 20), date(2024, 5, 20)), None);
        let unreachable = check_call(&CallInput {
            kind: "first_call".into(),
            outcome: "unreachable".into(),
            topics: vec!["usage".into()],
            ..CallInput::default()
        })
        .unwrap();
        assert!(unreachable.topics.is_empty(), "nobody answered, so no topic was covered");
    }

    #[test]
    fn summary_periods_and_satisfaction() {
        assert_eq!(summary_period("month", "2024-02"), Ok((date(2024, 2, 1), date(2024, 2, 29))));
        assert_eq!(summary_period("year", "2024"), Ok((date(2024, 1, 1), date(2024, 12, 31))));
        assert_eq!(summary_period("month", "2024-13").unwrap_err().code, "period_format");
        assert_eq!(summary_period("month", "24-1").unwrap_err().code, "period_format");
        assert_eq!(satisfaction_percent(&[5, 4, 2]), Some(67));
        assert_eq!(satisfaction_percent(&[]), None);
        assert_eq!(month_of(date(2024, 5, 13)), "2024-05");
    }
}
