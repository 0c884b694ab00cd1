//! Single repair time (2021 Art 40) and the spare car owed after 5 days (2021 Art 21; 2013 Art 19).
//!
//! A repair runs from the moment the consumer and the repairer agree on it until it is finished, counted in
//! hours: each full 24 h is one day and a remainder counts as one more day, so any repair is at least one
//! day. In 包修期, a single repair longer than 5 days owes a spare car or transport compensation from day 6.

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use crate::sanbao::periods::{self, Vehicle, epoch_minute};
use crate::sanbao::reason::Reason;
use crate::sanbao::version::{Provision, Version, article};
use crate::violation::{Violation, Violations};

const MINUTES_PER_DAY: i64 = 1_440;
/// Art 21: more than 5 days.
pub const SPARE_CAR_AFTER_DAYS: u32 = 5;

/// Minutes from `agreed_at` to `completed_at` (civil local times).
pub fn elapsed_minutes(agreed_at: DateTime, completed_at: DateTime) -> i64 {
    epoch_minute(completed_at) - epoch_minute(agreed_at)
}

/// Art 40: days of a single repair from its minutes; a remainder is a whole day and the minimum is 1.
pub fn repair_days(minutes: i64) -> u32 {
    let days = (minutes.max(0) + MINUTES_PER_DAY - 1) / MINUTES_PER_DAY;
    u32::try_from(days.max(1)).unwrap_or(u32::MAX)
}

/// Input of `sanbao-repair-days`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairDaysInput {
    /// When consumer and repairer agreed on the repair, `YYYY-MM-DDTHH:MM`.
    pub agreed_at: DateTime,
    /// When the repair was finished.
    pub completed_at: DateTime,
}

/// A single repair time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepairTime {
    pub elapsed_minutes: i64,
    /// Whole hours (minutes / 60, rounded down), for display.
    pub hours: i64,
    pub full_days: i64,
    pub remainder_minutes: i64,
    pub days: u32,
    pub reasons: Vec<Reason<'static>>,
}

fn check_interval(agreed_at: DateTime, completed_at: DateTime, field: &str) -> Result<i64, Violation> {
    let minutes = elapsed_minutes(agreed_at, completed_at);
    if minutes < 0 {
        return Err(Violation::new(field, "sanbao_completed_before_agreed").with("agreed_at", agreed_at));
    }
    Ok(minutes)
}

pub fn repair_time(input: &RepairDaysInput) -> Result<RepairTime, Violations> {
    let minutes = check_interval(input.agreed_at, input.completed_at, "completed_at")?;
    let days = repair_days(minutes);
    Ok(RepairTime {
        elapsed_minutes: minutes,
        hours: minutes / 60,
        full_days: minutes / MINUTES_PER_DAY,
        remainder_minutes: minutes % MINUTES_PER_DAY,
        days,
        reasons: vec![Reason::new("art40_single_repair_time", "2021 Art 40").with(|p| {
            p.hours = Some(minutes / 60);
            p.minutes = Some(minutes % 60);
            p.days = Some(days);
        })],
    })
}

/// The repair of `sanbao-spare-car`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpareCarRepair {
    pub agreed_at: DateTime,
    pub completed_at: DateTime,
    /// Odometer when the car came in, for the 包修期 mileage limit.
    pub odometer_km: u32,
}

/// Input of `sanbao-spare-car`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpareCarInput {
    pub vehicle: Vehicle,
    pub repair: SpareCarRepair,
    /// Consumer and business agreed otherwise (2021 Art 21 "另有约定的除外").
    #[serde(default)]
    pub agreed_otherwise: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpareCar {
    pub version: Version,
    pub article: &'static str,
    pub repair_days: u32,
    pub elapsed_minutes: i64,
    pub within_warranty_period: bool,
    pub warranty_last_day: jiff::civil::Date,
    pub warranty_km_limit: u64,
    /// Days of spare car or transport compensation owed: repair days − 5, from day 6.
    pub days_owed: u32,
    pub first_day_owed: Option<u32>,
    pub reasons: Vec<Reason<'static>>,
}

/// Art 21 (2013 Art 19): days owed = repair days − 5 for a repair in 包修期.
pub fn spare_car(input: &SpareCarInput) -> Result<SpareCar, Violations> {
    let mut violations = Violations::new();
    let periods = match periods::periods(&input.vehicle) {
        Ok(periods) => Some(periods),
        Err(errors) => {
            violations.extend_nested("vehicle", errors);
            None
        }
    };
    let minutes =
        violations.check(check_interval(input.repair.agreed_at, input.repair.completed_at, "repair.completed_at"));
    let (Some(periods), Some(minutes)) = (periods, minutes) else { return Err(violations) };
    let agreed_on = input.repair.agreed_at.date();
    if agreed_on < periods.start {
        return Err(Violation::new("repair.agreed_at", "sanbao_before_period_start")
            .with("start", periods.start)
            .into());
    }
    let version = periods.version;
    let art = article(version, Provision::SpareCar);
    let days = repair_days(minutes);
    let within = periods.warranty.contains(agreed_on, input.repair.odometer_km);
    // 2013 Art 19 has no "unless agreed otherwise" [I].
    let agreed_otherwise = input.agreed_otherwise && version == Version::V2021;
    let days_owed = if within && !agreed_otherwise { days.saturating_sub(SPARE_CAR_AFTER_DAYS) } else { 0 };
    let reason = if !within {
        Reason::new("art21_outside_warranty_period", art).with(|p| {
            p.last_day = Some(periods.warranty.last_day);
            p.km_limit = Some(periods.warranty.km_limit);
        })
    } else if agreed_otherwise && days > SPARE_CAR_AFTER_DAYS {
        Reason::new("art21_agreed_otherwise", art).with(|p| p.days = Some(days))
    } else if days_owed > 0 {
        Reason::new("art21_spare_car_from_day_6", art).with(|p| {
            p.days = Some(days);
            p.count = Some(days_owed);
        })
    } else {
        Reason::new("art21_not_over_5_days", art).with(|p| p.days = Some(days))
    };
    Ok(SpareCar {
        version,
        article: art,
        repair_days: days,
        elapsed_minutes: minutes,
        within_warranty_period: within,
        warranty_last_day: periods.warranty.last_day,
        warranty_km_limit: periods.warranty.km_limit,
        days_owed,
        first_day_owed: (days_owed > 0).then_some(SPARE_CAR_AFTER_DAYS + 1),
        reasons: vec![reason],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sb19_day_counting() {
        let at = |text: &str| text.parse::<DateTime>().unwrap();
        assert_eq!(repair_days(elapsed_minutes(at("2024-05-06T09:00"), at("2024-05-08T10:00"))), 3);
        assert_eq!(repair_days(elapsed_minutes(at("2024-05-06T09:00"), at("2024-05-07T09:00"))), 1);
        assert_eq!(repair_days(elapsed_minutes(at("2024-05-06T09:00"), at("2024-05-06T12:00"))), 1);
        assert_eq!(repair_days(0), 1);
        assert_eq!(repair_days(120 * 60 + 1), 6);
    }
}
