//! JSON glue between the rule registry and the typed 三包 functions.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::WorkCalendar;
use crate::rules::{parse_input, run, to_output};
use crate::sanbao::assess::{self, AssessInput, RequestFigures};
use crate::sanbao::periods::{self, Periods, Terms, Vehicle};
use crate::sanbao::reason::Reason;
use crate::sanbao::version::{Provision, Version, article};
use crate::sanbao::{compensation, deadlines, repair_time};
use crate::violation::{Violation, Violations};

/// Input of `sanbao-periods`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodsInput {
    pub vehicle: Vehicle,
    /// Optionally, a date and odometer reading to place in the periods.
    #[serde(default)]
    pub at: Option<At>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct At {
    pub date: Date,
    pub odometer_km: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodsOutput<'a> {
    pub version: Version,
    pub periods: Periods,
    pub terms: &'a Terms,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<RequestFigures>,
    pub reasons: Vec<Reason<'static>>,
}

pub(super) fn periods_rule(input: Value) -> Result<Value, Violations> {
    let input: PeriodsInput = parse_input(input)?;
    let periods = periods::periods(&input.vehicle).map_err(|errors| {
        let mut nested = Violations::new();
        nested.extend_nested("vehicle", errors);
        nested
    })?;
    let at = match input.at {
        Some(at) if at.date < periods.start => {
            return Err(Violation::new("at.date", "sanbao_before_period_start").with("start", periods.start).into());
        }
        Some(at) if at.odometer_km < periods.start_odometer_km => {
            return Err(Violation::new("at.odometer_km", "sanbao_odometer_below_start")
                .with("start_odometer_km", periods.start_odometer_km)
                .into());
        }
        Some(at) => Some(assess::position(&periods, at.date, at.odometer_km)),
        None => None,
    };
    let version = periods.version;
    let mut reasons = vec![
        Reason::new("sanbao_version_by_period_start", article(version, Provision::VersionChoice)).with(|p| {
            p.version = Some(version);
            p.start = Some(periods.start);
        }),
        Reason::new("sanbao_periods", article(version, Provision::Periods)).with(|p| {
            p.start = Some(periods.start);
            p.last_day = Some(periods.sanbao.last_day);
            p.km_limit = Some(periods.sanbao.km_limit);
        }),
    ];
    if input.vehicle.replacement.is_some() {
        reasons.push(
            Reason::new("art29_periods_restart_after_replacement", article(version, Provision::Restart)).with(|p| {
                p.start = Some(periods.start);
                p.km_limit = Some(periods.sanbao.km_limit);
            }),
        );
    }
    Ok(to_output(&PeriodsOutput { version, periods, terms: &input.vehicle.terms, at, reasons }))
}

pub(super) fn assess_rule(input: Value) -> Result<Value, Violations> {
    let input: AssessInput = parse_input(input)?;
    let assessment = assess::assess(&input)?;
    Ok(to_output(&assessment))
}

pub(super) fn repair_days_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: repair_time::RepairDaysInput| repair_time::repair_time(&input))
}

pub(super) fn spare_car_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: repair_time::SpareCarInput| repair_time::spare_car(&input))
}

pub(super) fn use_compensation_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: compensation::UseCompensationInput| compensation::use_compensation(&input))
}

pub(super) fn seller_refund_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: compensation::SellerRefundInput| compensation::seller_refund(&input))
}

pub(super) fn deadlines_rule(input: Value) -> Result<Value, Violations> {
    run(input, |input: deadlines::DeadlinesInput| deadlines::deadlines(&input, &WorkCalendar::current()))
}
