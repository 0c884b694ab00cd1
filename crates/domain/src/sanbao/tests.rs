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

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json(), rule in 0..crate::sanbao::RULES.len()) {
        let _ = crate::rules::eval(crate::sanbao::RULES[rule].name, value);
    }

    #[test]
    fn mutated_examples_never_panic(
        rule in 0..crate::sanbao::RULES.len(),
        path in proptest::collection::vec("[a-z_]{1,20}", 1..3),
        replacement in arbitrary_json(),
    ) {
        let definition = &crate::sanbao::RULES[rule];
        let mut example: Value = serde_json::from_str(definition.example).unwrap();
        let mut target = &mut example;
        for key in &path[..path.len() - 1] {
            if !target.is_object() {
                break;
            }
            target = target.as_object_mut().unwrap().entry(key.clone()).or_insert(json!({}));
        }
        if let Some(object) = target.as_object_mut() {
            object.insert(path[path.len() - 1].clone(), replacement);
        }
        let _ = crate::rules::eval(definition.name, example);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u32>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}".prop_map(Value::from),
        "-?[0-9]{1,30}(\\.[0-9]{0,4})?%?".prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("vehicle".to_string()),
                    Just("request".to_string()),
                    Just("history".to_string()),
                    Just("invoice_date".to_string()),
                    Just("date".to_string()),
                    Just("odometer_km".to_string()),
                    Just("fault".to_string()),
                    Just("price".to_string()),
                    Just("n".to_string()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..6,
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Extremes that must answer violations, not panic: the far end of the calendar and huge amounts.
#[test]
fn extremes_answer_without_panicking() {
    let inputs = [
        ("sanbao-periods", json!({ "vehicle": { "invoice_date": "9999-12-31", "terms": { "sanbao_months": 1200 } } })),
        ("sanbao-periods", json!({ "vehicle": { "invoice_date": "-009999-01-01" } })),
        (
            "sanbao-assess",
            json!({ "vehicle": { "invoice_date": "9999-12-01", "price": "79228162514264337593543950.33", "terms": { "n": "0.5" } },
                    "request": { "date": "9999-12-31", "odometer_km": 4294967295u32 },
                    "history": [{ "agreed_at": "9999-12-30T00:00", "completed_at": "9999-12-31T23:59", "odometer_km": 4294967295u32, "system": "engine", "excluded_hours": { "rescue_travel": 4294967295u32 } }] }),
        ),
        (
            "sanbao-use-compensation",
            json!({ "version": "2021", "ground": "sanbao_period", "price": "79228162514264337593543950.33", "mileage_km": 4294967295u32, "n": "0.5" }),
        ),
        (
            "sanbao-seller-refund",
            json!({ "registration_fee": "79228162514264337593543950.33", "service_fees": ["79228162514264337593543950.33"] }),
        ),
        ("sanbao-deadlines", json!({ "received_on": "9999-12-31" })),
        (
            "sanbao-spare-car",
            json!({ "vehicle": { "invoice_date": "9999-12-31" }, "repair": { "agreed_at": "9999-12-31T00:00", "completed_at": "9999-12-31T23:59", "odometer_km": 1 } }),
        ),
    ];
    for (rule, input) in inputs {
        let _ = crate::rules::eval(rule, input);
    }
}

/// Throughput of the typed assessment for a car with a 10-visit history. Run with
/// `cargo test --release -p claimdesk-domain sanbao::tests::assessment_throughput -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release by hand"]
fn assessment_throughput() {
    let mut history = Vec::new();
    for visit in 0..10 {
        history.push(json!({
            "agreed_at": format!("2024-{:02}-05T09:00", visit + 2),
            "completed_at": format!("2024-{:02}-07T10:00", visit + 2),
            "odometer_km": 2_000 * (visit + 1),
            "system": SYSTEMS[visit as usize % SYSTEMS.len()],
            "part": format!("part {}", visit % 3),
            "problem": format!("problem {}", visit % 4),
            "action": ACTIONS[visit as usize % 3],
            "serious_safety": visit % 4 == 0,
        }));
    }
    let input: AssessInput = serde_json::from_value(json!({
        "vehicle": { "invoice_date": "2024-01-05", "price": "200000.00", "terms": { "n": "0.5" } },
        "request": { "date": "2024-12-20", "odometer_km": 24_000, "fault": { "system": "brakes", "part": "part 1", "serious_safety": true } },
        "history": history,
    }))
    .unwrap();
    let rounds = 2_000_000;
    let started = std::time::Instant::now();
    let mut remedies = 0;
    for _ in 0..rounds {
        remedies += std::hint::black_box(assess(std::hint::black_box(&input))).unwrap().remedies.len();
    }
    let elapsed = started.elapsed();
    eprintln!("{rounds} assessments in {elapsed:?}: {:.0}/s ({remedies})", rounds as f64 / elapsed.as_secs_f64());
}
