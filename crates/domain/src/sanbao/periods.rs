//! The vehicle, its manufacturer terms, and the 三包 periods that run from the period start.
//!
//! 三包有效期 is at least 2 years or 50,000 km and 包修期 at least 3 years or 60,000 km, whichever comes first
//! (2021 Art 18; 2013 Art 17). The periods start on the invoice date; under 2021, on the delivery date when
//! the two differ (Art 18 ¶2). After a replacement under the rules both restart on the handover date, and the
//! odometer reading at handover is the new zero (2021 Art 29; 2013 Art 27) [I]. "Within" includes the last
//! day and the kilometre limit itself (民法典 Art 1259); year and month periods end per 民法典 Art 202.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar;
use crate::money::Money;
use crate::sanbao::compensation::Rate;
use crate::sanbao::version::Version;
use crate::violation::{Violation, Violations};

/// The legal minimum of 三包有效期 in months (2 years).
pub const SANBAO_MIN_MONTHS: u32 = 24;
/// The legal minimum of 三包有效期 in km.
pub const SANBAO_MIN_KM: u32 = 50_000;
/// The legal minimum of 包修期 in months (3 years).
pub const WARRANTY_MIN_MONTHS: u32 = 36;
/// The legal minimum of 包修期 in km.
pub const WARRANTY_MIN_KM: u32 = 60_000;
/// The free replacement windows of Art 20 and Art 23: 60 days or 3,000 km.
pub const SIXTY_DAYS: i64 = 60;
pub const SIXTY_DAY_KM: u32 = 3_000;
/// The 2021 Art 22 window: 7 days, no mileage limit.
pub const SEVEN_DAYS: i64 = 7;

const MAX_MONTHS: u32 = 1_200;
const MAX_KM: u32 = 10_000_000;

/// A vehicle under 三包 (家用汽车产品) as the claim desk knows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vehicle {
    /// The day the seller issued the purchase invoice (购车发票).
    pub invoice_date: Date,
    /// The day the car was handed over; defaults to the invoice date.
    #[serde(default)]
    pub delivery_date: Option<Date>,
    #[serde(default)]
    pub kind: VehicleKind,
    /// Use nature (使用性质) as registered.
    #[serde(default, rename = "use")]
    pub use_nature: UseNature,
    /// Bought and used by a consumer for living needs (生活消费); false puts the car out of scope.
    #[serde(default = "yes")]
    pub for_living_needs: bool,
    /// A valid purchase invoice exists (2013 Art 31 exempts when both documents are missing).
    #[serde(default = "yes")]
    pub has_invoice: bool,
    /// A 三包凭证 exists.
    #[serde(default = "yes")]
    pub has_sanbao_certificate: bool,
    /// Set on a car handed over as a 三包 replacement: the periods restart (Art 29).
    #[serde(default)]
    pub replacement: Option<Handover>,
    /// The day the car changed owner, if it did; rights stay the same (Art 30).
    #[serde(default)]
    pub ownership_changed_on: Option<Date>,
    /// The price on the invoice (车价款), for Art 27 use compensation.
    #[serde(default)]
    pub price: Option<Money>,
    /// The car had routine services at an independent workshop: never a ground for refusal (Art 32).
    #[serde(default)]
    pub serviced_at_independent_workshop: bool,
    #[serde(default)]
    pub terms: Terms,
}

fn yes() -> bool {
    true
}

/// The handover of a replacement car (换车): the new period start and its odometer reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    pub date: Date,
    pub odometer_km: u32,
}

/// Kind of vehicle; only passenger cars and pickups are 家用汽车产品 (2021 Art 40).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleKind {
    /// 乘用车.
    #[default]
    PassengerCar,
    /// 皮卡车.
    Pickup,
    /// 专用乘用车 (special-purpose passenger car): excluded.
    SpecialPurposePassengerCar,
    /// Buses, trucks and anything else: excluded.
    Other,
}

/// Registered use nature (使用性质).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseNature {
    /// 非营运 (private or other non-commercial use).
    #[default]
    NonCommercial,
    /// 出租客运.
    Taxi,
    /// 网约车 (预约出租客运).
    RideHailing,
    /// 租赁.
    Rental,
    /// 货运.
    Freight,
    /// 公路客运、旅游客运 and the like.
    PassengerTransport,
    /// Any other 营运 use.
    OtherCommercial,
}

impl UseNature {
    /// 营运: any business use.
    pub fn is_commercial(self) -> bool {
        self != UseNature::NonCommercial
    }
}

/// The manufacturer's terms printed on the 三包凭证 (2021 Art 9); never below the legal minimum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Terms {
    pub sanbao_months: u32,
    pub sanbao_km: u32,
    pub warranty_months: u32,
    pub warranty_km: u32,
    /// Art 27 n as a percent: `"0.5"` (or `"0.5%"`) means 0.5 %.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<Rate>,
    /// Power battery capacity-fade limit in percent (Art 9(7)); shown, not judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub battery_capacity_fade_limit_percent: Option<Decimal>,
}

impl Default for Terms {
    fn default() -> Self {
        Terms {
            sanbao_months: SANBAO_MIN_MONTHS,
            sanbao_km: SANBAO_MIN_KM,
            warranty_months: WARRANTY_MIN_MONTHS,
            warranty_km: WARRANTY_MIN_KM,
            n: None,
            battery_capacity_fade_limit_percent: None,
        }
    }
}

/// Where the period start comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StartBasis {
    InvoiceDate,
    /// 2021 Art 18 ¶2: delivery differs from the invoice date.
    DeliveryDate,
    /// Art 29: a replacement car restarts the periods.
    Replacement,
}

/// One period: last day (inclusive) and odometer limit (inclusive), whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub last_day: Date,
    /// The odometer reading at which the period ends (start reading + the km of the period).
    pub km_limit: u64,
}

/// What ended a period first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    Time,
    Mileage,
}

impl Limit {
    pub fn contains(&self, date: Date, odometer_km: u32) -> bool {
        date <= self.last_day && u64::from(odometer_km) <= self.km_limit
    }

    pub fn ended_by(&self, date: Date, odometer_km: u32) -> Option<EndedBy> {
        if date > self.last_day {
            Some(EndedBy::Time)
        } else if u64::from(odometer_km) > self.km_limit {
            Some(EndedBy::Mileage)
        } else {
            None
        }
    }
}

/// The periods of one vehicle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Periods {
    pub version: Version,
    pub start: Date,
    pub start_basis: StartBasis,
    pub start_odometer_km: u32,
    /// 三包有效期.
    pub sanbao: Limit,
    /// 包修期.
    pub warranty: Limit,
    /// The Art 20 / Art 23 window (60 days or 3,000 km).
    pub sixty_day: Limit,
    /// The last day of the 2021 Art 22 window; absent under 2013.
    pub seven_day_last_day: Option<Date>,
}

impl Periods {
    /// Day number of `date` in the period: the day after the start is day 1 (民法典 Art 201).
    pub fn day_number(&self, date: Date) -> i64 {
        epoch_day(date) - epoch_day(self.start)
    }

    pub fn km_since_start(&self, odometer_km: u32) -> u32 {
        odometer_km.saturating_sub(self.start_odometer_km)
    }

    pub fn within_seven_days(&self, date: Date) -> Option<bool> {
        self.seven_day_last_day.map(|last| date <= last)
    }

    /// A period of `months` / `km` that starts with the 三包 periods (wear parts).
    pub fn own_period(&self, months: u32, km: u32) -> Limit {
        limit(self.start, self.start_odometer_km, months, km)
    }
}

pub(crate) fn limit(start: Date, start_odometer_km: u32, months: u32, km: u32) -> Limit {
    Limit { last_day: add_months(start, months), km_limit: u64::from(start_odometer_km) + u64::from(km) }
}

/// Checks a manufacturer term: never below the legal minimum, never absurdly long.
pub(crate) fn check_term(field: &str, value: u32, minimum: u32, maximum: u32, violations: &mut Violations) {
    if value < minimum {
        violations.push(Violation::new(field, "sanbao_below_legal_minimum").with("min", minimum).with("found", value));
    } else if value > maximum {
        violations.push(Violation::new(field, "sanbao_term_too_long").with("max", maximum).with("found", value));
    }
}

/// Checks an own period (wear part, fitted part): at least one day's worth, not absurd.
pub(crate) fn check_own_period(field: &str, months: u32, km: u32, violations: &mut Violations) {
    if months > MAX_MONTHS {
        violations.push(
            Violation::new(format!("{field}.period_months"), "sanbao_term_too_long")
                .with("max", MAX_MONTHS)
                .with("found", months),
        );
    }
    if km > MAX_KM {
        violations.push(
            Violation::new(format!("{field}.period_km"), "sanbao_term_too_long").with("max", MAX_KM).with("found", km),
        );
    }
}

/// The periods of a vehicle; field violations when its terms fall below the legal minimum.
pub fn periods(vehicle: &Vehicle) -> Result<Periods, Violations> {
    let mut violations = Violations::new();
    let terms = &vehicle.terms;
    check_term("terms.sanbao_months", terms.sanbao_months, SANBAO_MIN_MONTHS, MAX_MONTHS, &mut violations);
    check_term("terms.sanbao_km", terms.sanbao_km, SANBAO_MIN_KM, MAX_KM, &mut violations);
    check_term("terms.warranty_months", terms.warranty_months, WARRANTY_MIN_MONTHS, MAX_MONTHS, &mut violations);
    check_term("terms.warranty_km", terms.warranty_km, WARRANTY_MIN_KM, MAX_KM, &mut violations);
    if let Some(limit) = terms.battery_capacity_fade_limit_percent
        && (limit.is_sign_negative() || limit > Decimal::ONE_HUNDRED)
    {
        violations.push(
            Violation::new("terms.battery_capacity_fade_limit_percent", "sanbao_percent_out_of_range")
                .with("found", limit),
        );
    }
    if let Some(replacement) = &vehicle.replacement
        && replacement.date < vehicle.invoice_date
    {
        violations.push(
            Violation::new("replacement.date", "sanbao_before_invoice_date").with("invoice_date", vehicle.invoice_date),
        );
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    Ok(periods_unchecked(vehicle))
}

/// The periods, for terms already checked.
pub(crate) fn periods_unchecked(vehicle: &Vehicle) -> Periods {
    let terms = &vehicle.terms;
    let (start, start_basis, start_odometer_km) = match vehicle.replacement {
        Some(handover) => (handover.date, StartBasis::Replacement, handover.odometer_km),
        None => {
            let invoice = vehicle.invoice_date;
            match vehicle.delivery_date {
                // 2021 Art 18 ¶2 moves the start to delivery; the version is chosen on that start. Under 2013
                // the invoice date always governs, so a delivery before 2022 keeps the invoice date.
                Some(delivery) if delivery != invoice && Version::for_period_start(delivery) == Version::V2021 => {
                    (delivery, StartBasis::DeliveryDate, 0)
                }
                _ => (invoice, StartBasis::InvoiceDate, 0),
            }
        }
    };
    let version = Version::for_period_start(start);
    let sixty_day = Limit {
        last_day: add_days(start, SIXTY_DAYS),
        km_limit: u64::from(start_odometer_km) + u64::from(SIXTY_DAY_KM),
    };
    Periods {
        version,
        start,
        start_basis,
        start_odometer_km,
        sanbao: limit(start, start_odometer_km, terms.sanbao_months, terms.sanbao_km),
        warranty: limit(start, start_odometer_km, terms.warranty_months, terms.warranty_km),
        sixty_day,
        seven_day_last_day: match version {
            Version::V2021 => Some(add_days(start, SEVEN_DAYS)),
            Version::V2013 => None,
        },
    }
}

/// 民法典 Art 202 for `months` months, as `calendar::last_day_after_months` but without span arithmetic
/// (the assessment computes four period ends per call). Falls back to the calendar module at the edges.
pub(crate) fn add_months(start: Date, months: u32) -> Date {
    let index = i64::from(start.year()) * 12 + i64::from(start.month()) - 1 + i64::from(months);
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let fast = i16::try_from(year).ok().and_then(|year| {
        let month = month as i8;
        let last = Date::new(year, month, 1).ok()?.days_in_month();
        Date::new(year, month, start.day().min(last)).ok()
    });
    fast.unwrap_or_else(|| calendar::last_day_after_months(start, i64::from(months)))
}

/// The last day of a period of `days` days (the start day not counted).
pub(crate) fn add_days(start: Date, days: i64) -> Date {
    let target = epoch_day(start) + days;
    civil_from_epoch_day(target).unwrap_or_else(|| calendar::last_day_after_days(start, days))
}

/// The inverse of [`epoch_day`] (H. Hinnant's `civil_from_days`).
fn civil_from_epoch_day(days: i64) -> Option<Date> {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Date::new(i16::try_from(year).ok()?, month as i8, day as i8).ok()
}

/// Days since 1970-01-01 for a civil date (H. Hinnant's `days_from_civil`): cheap day arithmetic for the
/// hot assessment path.
pub(crate) fn epoch_day(date: Date) -> i64 {
    let (year, month, day) = (i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Minutes since 1970-01-01T00:00 for a civil date-time.
pub(crate) fn epoch_minute(instant: jiff::civil::DateTime) -> i64 {
    epoch_day(instant.date()) * 1_440 + i64::from(instant.hour()) * 60 + i64::from(instant.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn vehicle(invoice: Date) -> Vehicle {
        serde_json::from_value(serde_json::json!({ "invoice_date": invoice.to_string() })).unwrap()
    }

    #[test]
    fn epoch_day_agrees_with_jiff() {
        for (from, to) in [(date(2024, 3, 1), date(2024, 4, 20)), (date(1999, 12, 31), date(2030, 2, 28))] {
            assert_eq!(epoch_day(to) - epoch_day(from), calendar::days_between(from, to));
        }
        assert_eq!(epoch_day(date(1970, 1, 1)), 0);
    }

    #[test]
    fn fast_period_ends_agree_with_the_calendar() {
        for start in [date(2024, 1, 31), date(2024, 2, 29), date(2023, 12, 31), date(2021, 6, 1)] {
            for months in [1, 2, 13, 24, 36, 1200] {
                assert_eq!(add_months(start, months), calendar::last_day_after_months(start, i64::from(months)));
            }
            for days in [0, 7, 60, 365, 10_000] {
                assert_eq!(add_days(start, days), calendar::last_day_after_days(start, days));
            }
        }
        assert_eq!(add_months(date(9999, 6, 1), 12), calendar::last_day_after_months(date(9999, 6, 1), 12));
    }

    #[test]
    fn sb10_periods_end_on_the_matching_date() {
        let periods = periods(&vehicle(date(2022, 6, 15))).unwrap();
        assert_eq!(periods.sanbao.last_day, date(2024, 6, 15));
        assert_eq!(periods.warranty.last_day, date(2025, 6, 15));
        assert_eq!(periods.seven_day_last_day, Some(date(2022, 6, 22)));
    }

    #[test]
    fn terms_below_the_minimum_are_refused() {
        let mut car = vehicle(date(2024, 1, 1));
        car.terms.sanbao_km = 40_000;
        let errors = periods(&car).unwrap_err();
        assert_eq!(errors.0[0].field, "terms.sanbao_km");
        assert_eq!(errors.0[0].code, "sanbao_below_legal_minimum");
    }
}
