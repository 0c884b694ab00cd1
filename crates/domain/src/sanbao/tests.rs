//! Property tests of the 三包 engine: rights never grow with time or kilometres, every decision names an
//! article, compensation is never negative, and no JSON makes a rule panic.

use jiff::civil::{Date, date};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

use crate::money::Money;
use crate::sanbao::assess::{AssessInput, RemedyKind, assess};
use crate::sanbao::compensation::{Rate, ReplacementGround, UseCompensationInput, use_compensation};
use crate::sanbao::version::Version;

const SYSTEMS: &[&str] = &[
    "engine",
    "transmission",
    "power_battery",
    "drive_motor",
    "steering",
    "brakes",
    "suspension",
    "body",
    "axle",
    "air_conditioning",
];
const FAILURES: &[&str] = &["steering_failure", "brake_failure", "body_cracking", "fuel_leakage", "power_battery_fire"];
const ACTIONS: &[&str] = &["repair", "main_part_replaced", "assembly_replaced"];

fn start_date() -> impl Strategy<Value = Date> {
    (0i64..2_600).prop_map(|offset| date(2019, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap())
}

fn plus_days(start: Date, days: i64) -> Date {
    start.checked_add(jiff::Span::new().days(days)).unwrap()
}

fn fault() -> impl Strategy<Value = Value> {
    (
        0..SYSTEMS.len(),
        0..3usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0..FAILURES.len()),
        proptest::option::of((1u32..48, 1_000u32..80_000)),
    )
        .prop_map(|(system, part, main_part, needs_replacement, serious, failure, wear)| {
            let mut fault = json!({
                "system": SYSTEMS[system],
                "part": format!("part {part}"),
                "main_part": main_part,
                "needs_replacement": needs_replacement,
                "serious_safety": serious,
            });
            if let Some(failure) = failure {
                fault["safety_failure"] = json!(FAILURES[failure]);
            }
            if let Some((months, km)) = wear {
                fault["wear_part"] = json!({ "period_months": months, "period_km": km });
            }
            fault
        })
}

fn history(start: Date) -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(
        (0i64..1_000, 0u32..2_000, 0..SYSTEMS.len(), 0..3usize, 0..ACTIONS.len(), any::<bool>(), 0u32..70_000),
        0..8,
    )
    .prop_map(move |records| {
        records
            .into_iter()
            .map(|(day, minutes, system, part, action, serious, odometer)| {
                let agreed = jiff::civil::DateTime::from(plus_days(start, day));
                let completed = agreed.checked_add(jiff::Span::new().minutes(i64::from(minutes) * 10)).unwrap();
                json!({
                    "agreed_at": agreed.strftime("%Y-%m-%dT%H:%M").to_string(),
                    "completed_at": completed.strftime("%Y-%m-%dT%H:%M").to_string(),
                    "odometer_km": odometer,
                    "system": SYSTEMS[system],
                    "part": format!("part {part}"),
                    "action": ACTIONS[action],
                    "serious_safety": serious,
                })
            })
            .collect()
    })
}

/// A valid assessment input and two request positions, the second no earlier and no shorter than the first.
fn scenario() -> impl Strategy<Value = (Value, (i64, u32), (i64, u32))> {
    start_date().prop_flat_map(|start| {
        (
            Just(start),
            proptest::option::of(fault()),
            history(start),
            (0i64..1_500, 0u32..90_000),
            (0i64..300, 0u32..20_000),
            any::<bool>(),
        )
            .prop_map(|(start, fault, history, (day, km), (more_days, more_km), priced)| {
                let mut vehicle = json!({ "invoice_date": start.to_string() });
                if priced {
                    vehicle["price"] = json!("150000.00");
                    let n = if Version::for_period_start(start) == Version::V2021 { "0.5" } else { "0.6" };
                    vehicle["terms"] = json!({ "n": n });
                }
                let mut input = json!({ "vehicle": vehicle, "history": history, "request": {} });
                if let Some(fault) = fault {
                    input["request"]["fault"] = fault;
                }
                let _ = start;
                (input, (day, km), (day + more_days, km + more_km))
            })
    })
}

fn at(mut input: Value, (day, km): (i64, u32)) -> AssessInput {
    let start: Date = input["vehicle"]["invoice_date"].as_str().unwrap().parse().unwrap();
    input["request"]["date"] = json!(plus_days(start, day).to_string());
    input["request"]["odometer_km"] = json!(km);
    serde_json::from_value(input).unwrap()
}

fn remedy_set(input: &AssessInput) -> BTreeSet<RemedyKind> {
    assess(input).unwrap().remedy_kinds().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn more_days_or_km_never_give_more_rights((input, earlier, later) in scenario()) {
        let before = remedy_set(&at(input.clone(), earlier));
        let after = remedy_set(&at(input.clone(), later));
        prop_assert!(after.is_subset(&before), "{before:?} then {after:?}");
        let more_days = remedy_set(&at(input.clone(), (later.0, earlier.1)));
        prop_assert!(more_days.is_subset(&before));
        let more_km = remedy_set(&at(input, (earlier.0, later.1)));
        prop_assert!(more_km.is_subset(&before));
    }

    #[test]
    fn every_decision_names_an_article((input, earlier, _later) in scenario()) {
        let input = at(input, earlier);
        let assessment = assess(&input).unwrap();
        prop_assert!(!assessment.decision.article.is_empty());
        prop_assert!(!assessment.reasons.is_empty());
        prop_assert!(assessment.reasons.iter().all(|reason| reason.article.contains("Art")));
        prop_assert!(assessment.remedies.iter().all(|remedy| remedy.article.contains("Art")));
        if let Some(amount) = assessment.use_compensation.amount {
            prop_assert!(!amount.is_negative());
        }
    }

    #[test]
    fn compensation_is_never_negative(
        fen in 0i64..100_000_000_000,
        km in any::<u32>(),
        thousandths in 0i64..=5,
        ground in prop_oneof![Just(ReplacementGround::SanbaoPeriod), Just(ReplacementGround::SixtyDaySafety)],
    ) {
        let input = UseCompensationInput {
            version: Some(Version::V2021),
            period_start: None,
            ground,
            price: Money::from_fen(fen),
            mileage_km: km,
            n: Rate::parse(&format!("0.{thousandths}")).unwrap(),
        };
        let output = use_compensation(&input).unwrap();
        prop_assert!(!output.use_compensation.is_negative());
        if ground.is_free() {
            prop_assert!(output.use_compensation.is_zero());
        }
    }
}
