//! Property tests of the insurance rules: no payout above its loss or its limit, the parts of every
//! allocated loss add up to the loss, no JSON makes a rule panic, and every code has a message.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::accident::{AccidentInput, AccidentVehicle, AccidentVictim, OwnDamagePolicy, PayerCover, ThirdPartyPolicy};
use super::deductible::{ClauseVersion, DeductibleOrder, Deductibles};
use super::liability::Responsibility;
use super::own_damage::{OwnDamageInput, own_damage};
use super::third_party::{ThirdPartyInput, third_party};
use super::{CODES, Exclusion, RULES, accident, compulsory, split_fen};
use crate::money::Money;

fn money(max_fen: i64) -> impl Strategy<Value = Money> {
    prop_oneof![Just(0), 0..max_fen, Just(100_000), Just(200_000), Just(1_800_000)].prop_map(Money::from_fen)
}

fn percent() -> impl Strategy<Value = Decimal> {
    prop_oneof![Just(Decimal::ZERO), (0u32..=10_000).prop_map(|basis| Decimal::new(i64::from(basis), 2))]
}

fn deductibles() -> impl Strategy<Value = Deductibles> {
    (
        prop::option::of(prop_oneof![Just(ClauseVersion::Clauses2014), Just(ClauseVersion::Clauses2020)]),
        prop::option::of(percent()),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(percent(), 0..3),
        money(500_000),
        prop_oneof![Just(DeductibleOrder::RatesFirst), Just(DeductibleOrder::AmountFirst)],
        any::<bool>(),
    )
        .prop_map(|(clause, rate, no_third_party, unsafe_loading, rates, amount, order, waiver)| Deductibles {
            clause,
            responsibility_rate_percent: rate,
            no_third_party,
            no_third_party_rate_percent: None,
            unsafe_loading,
            unsafe_loading_rate_percent: None,
            absolute_rates_percent: rates,
            absolute_amount: amount,
            order,
            waiver,
        })
}

fn exclusions() -> impl Strategy<Value = Vec<Exclusion>> {
    prop_oneof![
        4 => Just(Vec::new()),
        1 => Just(vec![Exclusion::DrunkDriver]),
        1 => Just(vec![Exclusion::StolenVehicle]),
    ]
}

/// Grades whose default shares add up to at most 100.
fn grades(count: usize) -> impl Strategy<Value = Vec<Responsibility>> {
    use Responsibility::*;
    let patterns: Vec<Vec<Responsibility>> = vec![
        vec![Full, None, None, None],
        vec![Major, Minor, None, None],
        vec![Equal, Equal, None, None],
        vec![None, Full, None, None],
        vec![Minor, Major, None, None],
        vec![None, None, Full, None],
        vec![None, None, None, None],
    ];
    prop::sample::select(patterns).prop_map(move |pattern| pattern[..count].to_vec())
}

fn accident_input() -> impl Strategy<Value = AccidentInput> {
    (1usize..=4)
        .prop_flat_map(|count| {
            (
                grades(count),
                prop::collection::vec(
                    (
                        money(20_000_000),
                        any::<bool>(),
                        prop::option::of((money(30_000_000), deductibles())),
                        prop::option::of((money(50_000_000), deductibles())),
                        exclusions(),
                    ),
                    count,
                ),
                prop::collection::vec(
                    (money(30_000_000), money(50_000_000), money(1_000_000), prop::option::of(0..count), any::<bool>()),
                    0..4,
                ),
                any::<bool>(),
                any::<bool>(),
            )
        })
        .prop_map(|(grades, vehicles, victims, new_limits, injury_paid)| AccidentInput {
            accident_time: Some(if new_limits {
                jiff::civil::datetime(2024, 6, 1, 20, 30, 0, 0)
            } else {
                jiff::civil::datetime(2019, 6, 1, 20, 30, 0, 0)
            }),
            injury_paid_in_exclusions: injury_paid,
            vehicles: vehicles
                .into_iter()
                .zip(grades)
                .enumerate()
                .map(|(index, ((damage, compulsory, own, third, exclusions), grade))| AccidentVehicle {
                    id: format!("V{index}"),
                    responsibility: Some(grade),
                    ratio_percent: None,
                    damage,
                    compulsory,
                    clause: None,
                    own_damage: own.map(|(sum_insured, deductibles)| OwnDamagePolicy { sum_insured, deductibles }),
                    third_party: third.map(|(limit, deductibles)| ThirdPartyPolicy { limit, deductibles }),
                    exclusions,
                })
                .collect(),
            victims: victims
                .into_iter()
                .enumerate()
                .map(|(index, (medical, death_disability, property, occupant, intentional))| AccidentVictim {
                    id: format!("P{index}"),
                    rescue: Money::from_fen(medical.fen() / 2),
                    medical,
                    death_disability,
                    property,
                    occupant_of: occupant.map(|car| format!("V{car}")),
                    intentional: intentional && index == 0,
                })
                .collect(),
        })
}

/// Every `"code"` in an output, so the catalogue test can see them.
fn codes_in(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "code"
                    && let Value::String(code) = inner
                {
                    found.push(code.clone());
                }
                codes_in(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| codes_in(item, found)),
        _ => {}
    }
}

proptest! {
    #[test]
    fn split_parts_add_up_and_stay_within_their_weights(
        total in 0i64..10_000_000,
        weights in prop::collection::vec(0i64..10_000_000, 1..6),
    ) {
        let weight_sum: i64 = weights.iter().sum();
        let total = total.min(weight_sum);
        let parts = split_fen(Money::from_fen(total), &weights.iter().map(|w| i128::from(*w)).collect::<Vec<_>>());
        if weight_sum > 0 {
            prop_assert_eq!(parts.iter().map(|p| p.fen()).sum::<i64>(), total);
        }
        for (part, weight) in parts.iter().zip(&weights) {
            prop_assert!(part.fen() >= 0 && part.fen() <= *weight);
        }
    }

    #[test]
    fn accident_parts_add_up_and_stay_within_limits(input in accident_input()) {
        let output = accident::adjust(&input).expect("generated inputs are valid");
        for loss in &output.losses {
            let sum: Money = loss.allocations.iter().map(|a| a.amount).sum();
            prop_assert_eq!(sum, loss.amount, "parts of {} {:?}", loss.owner, loss.item);
            for allocation in &loss.allocations {
                prop_assert!(allocation.amount > Money::ZERO && allocation.amount <= loss.amount);
                prop_assert!(allocation.recoverable <= allocation.amount);
            }
            let self_part: Money =
                loss.allocations.iter().filter(|a| a.cover == PayerCover::OwnerItself).map(|a| a.amount).sum();
            prop_assert_eq!(self_part, loss.self_bears);
        }
        for vehicle in &output.vehicles {
            for item in compulsory::Item::ALL {
                prop_assert!(vehicle.compulsory.paid.get(item) <= vehicle.compulsory.limits.get(item));
            }
            if let Some(limit) = vehicle.third_party.limit {
                prop_assert!(vehicle.third_party.paid <= limit);
            }
            prop_assert!(vehicle.third_party.paid <= vehicle.third_party.liability_total);
            if let Some(sum_insured) = vehicle.own_damage.sum_insured {
                prop_assert!(vehicle.own_damage.paid <= sum_insured);
            }
            prop_assert!(vehicle.own_damage.paid <= vehicle.own_damage.base);
            prop_assert!(!vehicle.party_pays.is_negative() && !vehicle.self_bears.is_negative());
        }
        let totals = &output.totals;
        prop_assert_eq!(
            totals.loss,
            totals.compulsory + totals.third_party + totals.own_damage + totals.party + totals.owner_itself
        );
        let mut codes = Vec::new();
        codes_in(&crate::rules::to_output(&output), &mut codes);
        for code in codes {
            prop_assert!(CODES.contains(&code.as_str()), "code {} missing from CODES", code);
        }
    }

    #[test]
    fn own_damage_never_exceeds_the_loss_or_the_sum_insured(
        sum_insured in money(50_000_000),
        repair in money(80_000_000),
        received in money(10_000_000),
        salvage in money(1_000_000),
        rescue in money(1_000_000),
        deductibles in deductibles(),
        single_vehicle in any::<bool>(),
    ) {
        let input = OwnDamageInput {
            sum_insured,
            repair: Some(repair),
            received_from_third_parties: received,
            salvage,
            rescue_costs: rescue,
            responsibility: Some(Responsibility::Major),
            single_vehicle,
            deductibles,
            ..OwnDamageInput::default()
        };
        let output = own_damage(&input).expect("valid");
        prop_assert!(!output.indemnity.is_negative());
        prop_assert!(output.indemnity <= output.net_loss && output.indemnity <= sum_insured);
        prop_assert!(output.rescue_costs_paid <= rescue && output.rescue_costs_paid <= sum_insured);
        prop_assert_eq!(output.indemnity + output.insured_bears, output.net_loss);
    }

    #[test]
    fn third_party_never_exceeds_the_loss_or_the_limit(
        limit in money(100_000_000),
        losses in prop::collection::vec((money(30_000_000), money(50_000_000), money(1_000_000)), 0..4),
        grade in prop::sample::select(vec![
            Responsibility::Full, Responsibility::Major, Responsibility::Equal, Responsibility::Minor, Responsibility::None,
        ]),
        deductibles in deductibles(),
        exclusions in exclusions(),
    ) {
        let input = ThirdPartyInput {
            responsibility: Some(grade),
            limit,
            deductibles,
            exclusions,
            victims: losses
                .into_iter()
                .map(|(medical, death_disability, property)| compulsory::Victim {
                    medical,
                    death_disability,
                    property,
                    ..compulsory::Victim::default()
                })
                .collect(),
            compulsory_insured: true,
            injury_paid_in_exclusions: true,
            ..ThirdPartyInput::default()
        };
        let output = third_party(&input).expect("valid");
        prop_assert!(output.third_party_paid <= limit);
        for victim in &output.victims {
            prop_assert!(victim.third_party_paid <= victim.liability);
            prop_assert!(!victim.victim_bears.is_negative() && !victim.insured_party_owes.is_negative());
            prop_assert_eq!(
                victim.compulsory_paid + victim.third_party_paid + victim.insured_party_owes + victim.victim_bears,
                victim.loss_total
            );
        }
        let limits = output.compulsory.limits;
        for item in compulsory::Item::ALL {
            prop_assert!(output.compulsory.paid.get(item) <= limits.get(item));
        }
    }
}

#[test]
fn huge_amounts_are_refused_not_overflowed() {
    let input = json!({
        "responsibility": "full",
        "limit": "79228162514264337593543950.33",
        "victims": [{"property": "79228162514264337593543950.33"}],
    });
    assert!(crate::rules::eval("third-party", input).is_err());
    let input = json!({"new_car_price": "9999999999.99", "vehicle_class": "taxi", "months_used": 1200});
    assert!(crate::rules::eval("depreciation", input).is_ok());
}

#[test]
fn example_outputs_use_known_codes() {
    for rule in RULES {
        let example: Value = serde_json::from_str(rule.example).expect("example JSON");
        let output = crate::rules::eval(rule.name, example).unwrap_or_else(|_| panic!("{} example", rule.name));
        let mut codes = Vec::new();
        codes_in(&output, &mut codes);
        for code in codes {
            assert!(CODES.contains(&code.as_str()), "{}: code {code} missing from CODES", rule.name);
        }
    }
}

/// Prints each rule's example output, for the docs page: `cargo test -p claimdesk-domain print_examples
/// -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_examples() {
    for rule in RULES {
        let example: Value = serde_json::from_str(rule.example).expect("example JSON");
        let output = crate::rules::eval(rule.name, example).unwrap_or(Value::Null);
        println!("=== {}\n{}\n", rule.name, serde_json::to_string_pretty(&output).unwrap_or_default());
    }
}
