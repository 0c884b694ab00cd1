//! The 三包 duties around a vehicle on both databases: the Art 24 watch (one repair short, five days
//! short, nothing further away), the Art 21 spare car from day 6, replacement and return cases (entitled
//! and refused, the Art 28 deadlines over the Dragon Boat holiday, the certificate amounts, the restart of a
//! replacement car's periods) and the vehicle's printable terms.

use claimdesk_app::actor::Actor;
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::sanbao::cases::{self, CaseFault, CaseInput, CompleteInput, DecideInput};
use claimdesk_app::sanbao::repairs::{self, RepairRecordInput, SpareInput};
use claimdesk_app::sanbao::terms::{self, BrandTermsInput, WearPart};
use claimdesk_app::{AppError, customers, warranty};
use claimdesk_domain::access::Role;
use claimdesk_domain::warranty::settings::BrandSettings;
use jiff::Timestamp;

use crate::helpers::{World, backends, fields, has, with_vehicle};

/// The store's people: a service manager (who gets the alerts) and a warranty clerk.
pub(crate) async fn people(world: &World) -> (Actor, Actor) {
    let manager = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
    let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
    (manager, clerk)
}

/// A customer's car invoiced on `invoice_on`; answers the vehicle id.
pub(crate) async fn car(world: &World, clerk: &Actor, serial: u32, invoice_on: &str) -> String {
    let mut input = with_vehicle("王三包", serial);
    if let Some(vehicle) = input.vehicle.as_mut() {
        vehicle.invoice_on = Some(invoice_on.into());
    }
    customers::create(&world.app, clerk, input).await.expect("customer").vehicles[0].id.clone()
}

pub(crate) fn at(text: &str) -> Timestamp {
    text.parse().expect("instant")
}

/// One finished quality repair: checked in at `start` (UTC), lasting `hours`, recorded as 三包 repair.
pub(crate) async fn repair(
    world: &World,
    clerk: &Actor,
    vehicle_id: &str,
    start: &str,
    hours: i64,
    km: i64,
    record: RepairRecordInput,
) -> String {
    world.clock.set(at(start));
    let order = repair_orders::create(
        &world.app,
        clerk,
        RepairOrderInput {
            vehicle_id: vehicle_id.into(),
            kind: "warranty".into(),
            mileage_in: Some(km),
            complaint: "故障".into(),
            ..RepairOrderInput::default()
        },
    )
    .await
    .expect("repair order");
    repairs::save_record(&world.app, clerk, &order.id, record).await.expect("三包 record");
    repair_orders::transition(&world.app, clerk, &order.id, "start").await.expect("start");
    world.clock.advance_hours(hours);
    repair_orders::transition(&world.app, clerk, &order.id, "complete").await.expect("complete");
    order.id
}

fn problem(system: &str, problem: &str) -> RepairRecordInput {
    RepairRecordInput {
        system: system.into(),
        problem: problem.into(),
        quality_problem: true,
        ..RepairRecordInput::default()
    }
}

fn brake_failure() -> RepairRecordInput {
    RepairRecordInput { serious_safety: true, ..problem("brakes", "制动失效") }
}

async fn open_watch(world: &World) -> i64 {
    world.count("due_items WHERE kind = 'sanbao_art24_watch' AND status = 'open'").await
}

#[tokio::test]
async fn the_watch_alerts_one_repair_short_of_the_same_problem_and_not_before() {
    for which in backends() {
        let world = World::new(which).await;
        let (manager, clerk) = people(&world).await;
        let vehicle = car(&world, &clerk, 701, "2024-01-05").await;
        let noise = || problem("air_conditioning", "压缩机异响");
        for (index, day) in ["2024-02-01", "2024-02-20", "2024-03-10"].iter().enumerate() {
            repair(&world, &clerk, &vehicle, &format!("{day}T01:00:00Z"), 3, 2_000 + index as i64 * 1_000, noise())
                .await;
        }
        assert_eq!(open_watch(&world).await, 0, "{which:?}: three repairs are two short of the fifth");
        let watch = repairs::vehicle_watch(&world.app, &clerk, &vehicle).await.unwrap();
        assert!(watch.approaches.is_empty(), "{which:?}: {watch:?}");

        repair(&world, &clerk, &vehicle, "2024-04-01T01:00:00Z", 3, 6_000, noise()).await;
        assert_eq!(open_watch(&world).await, 1, "{which:?}: four repairs: the next is the fifth (Art 24(4))");
        let watch = repairs::vehicle_watch(&world.app, &clerk, &vehicle).await.unwrap();
        assert_eq!(watch.approaches.len(), 1);
        let ground = &watch.approaches[0];
        assert_eq!((ground.count, ground.threshold, ground.short_by), (4, 4, 1), "{which:?}");
        assert_eq!(ground.article, "2021 Art 24(4)");
        let list = claimdesk_app::worklist::my_worklist(&world.app, &manager).await.unwrap();
        let item = list.due_today.iter().find(|item| item.kind == "sanbao_art24_watch").expect("the manager's item");
        assert_eq!(item.subject_id, vehicle);
        assert_eq!(item.params["grounds"][0]["ground"], "same_problem");

        // A change of an unrelated visit leaves the one alert as it is.
        repair(&world, &clerk, &vehicle, "2024-04-20T01:00:00Z", 2, 7_000, problem("body", "车门异响")).await;
        assert_eq!(open_watch(&world).await, 1, "{which:?}");
    }
}

#[tokio::test]
async fn the_watch_alerts_five_days_short_of_more_than_thirty_days_and_not_six() {
    for which in backends() {
        let world = World::new(which).await;
        let (_, clerk) = people(&world).await;
        let vehicle = car(&world, &clerk, 702, "2024-01-05").await;
        repair(&world, &clerk, &vehicle, "2024-02-01T01:00:00Z", 240, 2_000, problem("engine", "怠速抖动")).await;
        repair(&world, &clerk, &vehicle, "2024-03-01T01:00:00Z", 240, 3_000, problem("transmission", "换挡冲击")).await;
        repair(&world, &clerk, &vehicle, "2024-04-01T01:00:00Z", 120, 4_000, problem("steering", "转向异响")).await;
        let watch = repairs::vehicle_watch(&world.app, &clerk, &vehicle).await.unwrap();
        assert!(watch.approaches.is_empty(), "{which:?}: 25 days are six short of 31: {watch:?}");
        assert_eq!(open_watch(&world).await, 0, "{which:?}");

        repair(&world, &clerk, &vehicle, "2024-04-20T01:00:00Z", 5, 5_000, problem("electrical", "仪表黑屏")).await;
        let watch = repairs::vehicle_watch(&world.app, &clerk, &vehicle).await.unwrap();
        assert_eq!(watch.approaches.len(), 1, "{which:?}: {watch:?}");
        let ground = &watch.approaches[0];
        assert_eq!(
            (ground.ground.as_str(), ground.count, ground.short_by),
            ("cumulative_days", 26, 5),
            "{which:?}: 10 + 10 + 5 + 1 days"
        );
        assert_eq!(open_watch(&world).await, 1, "{which:?}");
    }
}

#[tokio::test]
async fn a_quality_repair_open_after_five_days_prompts_the_spare_car_from_day_six() {
    for which in backends() {
        let world = World::new(which).await;
        let (_, clerk) = people(&world).await;
        let inside = car(&world, &clerk, 703, "2024-01-05").await;
        let outside = car(&world, &clerk, 704, "2020-01-05").await;
        let mut orders = Vec::new();
        for vehicle in [&inside, &outside] {
            let order = repair_orders::create(
                &world.app,
                &clerk,
                RepairOrderInput {
                    vehicle_id: vehicle.to_string(),
                    kind: "warranty".into(),
                    mileage_in: Some(8_000),
                    ..RepairOrderInput::default()
                },
            )
            .await
            .unwrap();
            repairs::save_record(&world.app, &clerk, &order.id, problem("transmission", "变速箱漏油")).await.unwrap();
            orders.push(order);
        }
        let prompts = "due_items WHERE kind = 'sanbao_spare_car' AND status = 'open'";
        world.clock.advance_hours(120);
        assert_eq!(repairs::spare_car_pass(&world.app).await.unwrap(), 0, "{which:?}: exactly 5 days owe nothing");
        world.clock.set(at("2024-05-18T02:01:00Z"));
        assert_eq!(repairs::spare_car_pass(&world.app).await.unwrap(), 1, "{which:?}: day 6 begins");
        assert_eq!(world.count(prompts).await, 1, "{which:?}: the car outside 包修期 owes nothing (Art 21)");
        let list = claimdesk_app::worklist::my_worklist(&world.app, &clerk).await.unwrap();
        let item = list.due_today.iter().find(|item| item.kind == "sanbao_spare_car").expect("the advisor's item");
        assert_eq!(item.subject_id, orders[0].id);
        assert_eq!(item.params["days_owed"], 1);
        assert_eq!(repairs::spare_car_pass(&world.app).await.unwrap(), 0, "{which:?}: once per repair");

        let missing = repairs::record_spare(
            &world.app,
            &clerk,
            &orders[0].id,
            SpareInput { provision: "transport_compensation".into(), days: Some(2), ..SpareInput::default() },
        )
        .await;
        assert!(has(&fields(missing), "amount", "required"), "{which:?}");
        let recorded = repairs::record_spare(
            &world.app,
            &clerk,
            &orders[0].id,
            SpareInput {
                provision: "transport_compensation".into(),
                days: Some(2),
                amount: Some("300.00".into()),
                note: "打车费用".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(recorded.spare_amount.to_string(), "300.00");
        assert_eq!(world.count(prompts).await, 0, "{which:?}: recorded with the visit");

        // Completed on day 7 (6 days 23 h): 7 days, 2 owed.
        world.clock.set(at("2024-05-20T01:00:00Z"));
        repair_orders::transition(&world.app, &clerk, &orders[0].id, "complete").await.unwrap();
        let record = repairs::record_of_order(&world.app, &clerk, &orders[0].id).await.unwrap().unwrap();
        assert_eq!(record.spare_days_owed, 2, "{which:?}");
    }
}

/// Two brake-failure repairs (serious safety faults) before the request, as SB-13.
pub(crate) async fn two_brake_repairs(world: &World, clerk: &Actor, vehicle: &str) {
    repair(world, clerk, vehicle, "2024-02-02T01:00:00Z", 5, 3_000, brake_failure()).await;
    repair(world, clerk, vehicle, "2024-04-10T01:00:00Z", 5, 6_000, brake_failure()).await;
}

pub(crate) fn request(vehicle: &str, kind: &str) -> CaseInput {
    CaseInput {
        vehicle_id: vehicle.into(),
        kind: kind.into(),
        received_on: "2024-05-13".into(),
        odometer_km: Some(10_000),
        request_text: "制动再次失效，书面要求退车".into(),
        fault: Some(CaseFault { system: "brakes".into(), serious_safety: true, ..CaseFault::default() }),
    }
}

pub(crate) async fn brand_with_n(world: &World) {
    let admin = world.person("group.admin", None, Role::GroupAdmin).await;
    warranty::save_brand(&world.app, &admin, "广汽本田", BrandSettings::default(), None).await.expect("settings");
    terms::save_brand_terms(
        &world.app,
        &admin,
        "广汽本田",
        BrandTermsInput { use_compensation_percent: "0.5".into(), ..BrandTermsInput::default() },
    )
    .await
    .expect("terms");
}

#[tokio::test]
async fn an_entitled_return_is_due_over_the_holiday_and_prints_its_amounts() {
    for which in backends() {
        let world = World::new(which).await;
        brand_with_n(&world).await;
        let (manager, clerk) = people(&world).await;
        let vehicle = car(&world, &clerk, 705, "2024-01-05").await;
        two_brake_repairs(&world, &clerk, &vehicle).await;
        world.clock.set(at("2024-05-13T02:00:00Z"));
        let case = cases::register(&world.app, &clerk, request(&vehicle, "return")).await.expect("case");
        assert!(case.entitled, "{which:?}: {}", case.assessment["reasons"]);
        assert_eq!(case.ground_article, "2021 Art 24(1)");
        assert_eq!(case.reply_due_on, "2024-05-27", "{which:?}: 10 working days");
        assert_eq!(case.completion_due_on, "2024-06-11", "{which:?}: 20 working days, 06-10 is Dragon Boat");
        assert_eq!(case.actions, vec!["accept", "refuse"]);
        let list = claimdesk_app::worklist::my_worklist(&world.app, &manager).await.unwrap();
        let reply = list.this_week.iter().chain(&list.due_today).find(|item| item.kind == "sanbao_case_reply");
        assert!(reply.is_none(), "{which:?}: the reply is due in two weeks");
        assert_eq!(world.count("due_items WHERE kind = 'sanbao_case_reply' AND status = 'open'").await, 1);

        let accepted =
            cases::decide(&world.app, &clerk, &case.id, DecideInput { action: "accept".into(), ..Default::default() })
                .await
                .unwrap();
        assert_eq!(accepted.status, "accepted");
        assert_eq!(world.count("due_items WHERE kind = 'sanbao_case_reply' AND status = 'done'").await, 1);
        assert_eq!(
            world
                .count("due_items WHERE kind = 'sanbao_case_completion' AND status = 'open' AND due_on = '2024-06-11'")
                .await,
            1,
            "{which:?}"
        );

        let done = cases::complete(
            &world.app,
            &clerk,
            &case.id,
            CompleteInput {
                registration_fee: Some("500.00".into()),
                service_fee: Some("1000.00".into()),
                add_on_charged: Some("3000.00".into()),
                add_on_depreciation: Some("600.00".into()),
                ..CompleteInput::default()
            },
        )
        .await
        .expect("completed");
        assert_eq!(done.status, "completed");
        assert_eq!(done.use_compensation.to_string(), "10000.00", "{which:?}: 200,000 × 10,000 / 1,000 × 0.5%");
        assert_eq!(done.losses_total.to_string(), "3900.00", "{which:?}: 500 + 1,000 + (3,000 − 600)");
        assert_eq!(done.refund.to_string(), "193900.00", "{which:?}: 200,000 − 10,000 + 3,900");
        assert!(done.certificate_no.starts_with("TC2024"), "{}", done.certificate_no);
        assert_eq!(world.count("outbox WHERE subject = 'sanbao_case_recovery'").await, 1, "{which:?}");
        assert_eq!(world.count("due_items WHERE kind = 'sanbao_case_completion' AND status = 'done'").await, 1);
        let watch = repairs::vehicle_watch(&world.app, &clerk, &vehicle).await.unwrap();
        assert_eq!(watch.marks[0].mark, "returned", "{which:?}");

        // Another store's people see nothing of it.
        let other = world.person("sh01.clerk", Some(&world.store_b), Role::WarrantyClerk).await;
        assert!(matches!(cases::get(&world.app, &other, &case.id).await, Err(AppError::NotFound)));
    }
}

#[tokio::test]
async fn a_request_without_a_ground_is_refused_with_reasons() {
    for which in backends() {
        let world = World::new(which).await;
        let (_, clerk) = people(&world).await;
        let vehicle = car(&world, &clerk, 706, "2024-01-05").await;
        repair(&world, &clerk, &vehicle, "2024-02-02T01:00:00Z", 5, 3_000, brake_failure()).await;
        world.clock.set(at("2024-05-13T02:00:00Z"));
        let case = cases::register(&world.app, &clerk, request(&vehicle, "replacement")).await.unwrap();
        assert!(!case.entitled, "{which:?}: one earlier repair only (SB-13 variant)");
        assert_eq!(case.assessment["decision"]["code"], "sanbao_free_repair");
        let accept =
            cases::decide(&world.app, &clerk, &case.id, DecideInput { action: "accept".into(), ..Default::default() })
                .await;
        assert!(has(&fields(accept), "action", "sanbao_case_not_entitled"), "{which:?}");
        let bare =
            cases::decide(&world.app, &clerk, &case.id, DecideInput { action: "refuse".into(), ..Default::default() })
                .await;
        assert!(has(&fields(bare), "reasons", "required"), "{which:?}");
        let refused = cases::decide(
            &world.app,
            &clerk,
            &case.id,
            DecideInput {
                action: "refuse".into(), reasons: "仅一次严重安全性能故障修理".into(), ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(refused.status, "refused");
        assert_eq!(refused.replied_on.as_deref(), Some("2024-05-13"));
        assert_eq!(world.count("due_items WHERE kind = 'sanbao_case_reply' AND status = 'done'").await, 1);
        let bad = cases::register(&world.app, &clerk, CaseInput { kind: "swap".into(), ..request(&vehicle, "") }).await;
        assert!(has(&fields(bad), "kind", "unknown_value"), "{which:?}");
    }
}

#[tokio::test]
async fn a_replacement_car_restarts_its_periods_at_the_handover() {
    for which in backends() {
        let world = World::new(which).await;
        brand_with_n(&world).await;
        let (_, clerk) = people(&world).await;
        let vehicle = car(&world, &clerk, 707, "2024-01-05").await;
        two_brake_repairs(&world, &clerk, &vehicle).await;
        world.clock.set(at("2024-05-13T02:00:00Z"));
        let case = cases::register(&world.app, &clerk, request(&vehicle, "replacement")).await.unwrap();
        cases::decide(&world.app, &clerk, &case.id, DecideInput { action: "accept".into(), ..Default::default() })
            .await
            .unwrap();
        world.clock.set(at("2024-07-01T02:00:00Z"));
        let new_car = car(&world, &clerk, 708, "2024-06-28").await;
        let new_vin = crate::helpers::vin(708);
        let missing = cases::complete(&world.app, &clerk, &case.id, CompleteInput::default()).await;
        assert!(has(&fields(missing), "new_vehicle_vin", "required"), "{which:?}");
        let done = cases::complete(
            &world.app,
            &clerk,
            &case.id,
            CompleteInput {
                completed_on: Some("2024-07-01".into()),
                new_vehicle_vin: new_vin,
                handover_km: Some(12),
                ..CompleteInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(done.use_compensation.to_string(), "10000.00", "{which:?}: the consumer's Art 27 charge");
        assert_eq!(done.refund.to_string(), "0.00", "{which:?}: no losses entered");
        assert!(done.certificate_no.starts_with("HC"));
        let sheet = terms::vehicle_terms(&world.app, &clerk, &new_car).await.unwrap();
        assert_eq!(sheet.start_basis, "replacement", "{which:?}");
        assert_eq!((sheet.sanbao.last_day.as_str(), sheet.sanbao.km_limit), ("2026-07-01", 50_012), "SB-30");
        assert_eq!((sheet.warranty.last_day.as_str(), sheet.warranty.km_limit), ("2027-07-01", 60_012));
        assert_eq!(sheet.marks[0].mark, "replacement_car");
        let old = repairs::vehicle_watch(&world.app, &clerk, &vehicle).await.unwrap();
        assert_eq!(old.marks[0].mark, "replaced", "{which:?}");
    }
}

#[tokio::test]
async fn the_terms_sheet_follows_the_brand_and_never_falls_below_the_law() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("group.admin", None, Role::GroupAdmin).await;
        let generous = BrandSettings { warranty_months: 48, warranty_km: 100_000, ..BrandSettings::default() };
        warranty::save_brand(&world.app, &admin, "广汽本田", generous, None).await.unwrap();
        let bad = terms::save_brand_terms(
            &world.app,
            &admin,
            "广汽本田",
            BrandTermsInput { battery_fade_warranty_percent: "120".into(), ..BrandTermsInput::default() },
        )
        .await;
        assert!(has(&fields(bad), "battery_fade_warranty_percent", "out_of_range"), "{which:?}");
        terms::save_brand_terms(
            &world.app,
            &admin,
            "广汽本田",
            BrandTermsInput {
                wear_parts: vec![WearPart { name: "制动摩擦片".into(), months: 6, km: 10_000 }],
                battery_fade_sanbao_percent: "20".into(),
                battery_fade_warranty_percent: "30".into(),
                core_months: Some(96),
                core_km: Some(120_000),
                use_compensation_percent: "0.5".into(),
                ..BrandTermsInput::default()
            },
        )
        .await
        .unwrap();
        let (_, clerk) = people(&world).await;
        let mut input = with_vehicle("赵电车", 709);
        if let Some(vehicle) = input.vehicle.as_mut() {
            vehicle.invoice_on = Some("2024-03-01".into());
            vehicle.powertrain = "bev".into();
            vehicle.plate = "京AD12345".into();
        }
        let vehicle = customers::create(&world.app, &clerk, input).await.unwrap().vehicles[0].id.clone();
        let sheet = terms::vehicle_terms(&world.app, &clerk, &vehicle).await.unwrap();
        assert_eq!((sheet.sanbao.last_day.as_str(), sheet.sanbao.km_limit), ("2026-03-01", 50_000), "{which:?}");
        assert_eq!((sheet.warranty.last_day.as_str(), sheet.warranty.km_limit), ("2028-03-01", 100_000));
        assert_eq!(sheet.seven_day_last_day.as_deref(), Some("2024-03-08"));
        assert_eq!(sheet.wear_parts[0].period.last_day, "2024-09-01");
        let battery = sheet.battery.expect("a BEV shows its battery terms");
        assert_eq!(battery.fade_warranty_percent, "30");
        assert_eq!(battery.core.expect("core warranty").last_day, "2032-03-01");
        let short = BrandSettings { sanbao_km: 40_000, ..BrandSettings::default() };
        assert!(warranty::save_brand(&world.app, &admin, "广汽本田", short, None).await.is_err());
    }
}
