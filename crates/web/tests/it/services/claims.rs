//! Warranty claims on both databases: created from a repair order with its eligibility, stopped by a
//! mis-claim rule, corrected, submitted, partly approved line by line and settled; versions after a return;
//! another store's claim answers 404; the manufacturer's settings keep the legal minimum.

use std::collections::BTreeMap;

use claimdesk_app::actor::Actor;
use claimdesk_app::customers;
use claimdesk_app::repair_orders::{self, RepairOrderInput, RepairOrderView};
use claimdesk_app::warranty::{self, ActionInput, CatalogueKind, ClaimInput, ClaimListQuery};
use claimdesk_app::{AppError, worklist};
use claimdesk_domain::Money;
use claimdesk_domain::access::Role;
use claimdesk_domain::repair_order::ItemInput;
use claimdesk_domain::warranty::checks::{CheckRule, Severity};
use claimdesk_domain::warranty::decision::LineVerdict;
use claimdesk_domain::warranty::lines::LineInput;
use claimdesk_domain::warranty::settings::BrandSettings;

use crate::helpers::{World, backends, fields, has, with_vehicle};

fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines().map(|line| line.split(',').map(str::to_string).collect()).collect()
}

/// The brand set up as a group admin would: hours above standard block, a small catalogue.
pub async fn set_up_brand(world: &World) -> Actor {
    let admin = world.person("group.admin", None, Role::GroupAdmin).await;
    let mut settings = BrandSettings { labor_rate: Money::yuan(150), ..BrandSettings::default() };
    settings.checks.severity.insert(CheckRule::HoursAboveStandard, Severity::Block);
    warranty::save_brand(&world.app, &admin, "广汽本田", settings, None).await.expect("settings");
    let import = |kind, text: &str| warranty::import_catalogue(&world.app, &admin, "广汽本田", kind, rows(text));
    import(CatalogueKind::Parts, "part_no,name,price\n12251-RNA-A01,气缸盖垫片,100.00\n15400-PLM-A02,机油滤清器,45.50")
        .await
        .expect("parts");
    import(CatalogueKind::LaborOps, "code,description,hours\n10-01,更换气缸盖垫片,2.00\n00-01,检查诊断,0.50")
        .await
        .expect("labour operations");
    import(CatalogueKind::FailureCodes, "code,description\nP0300,发动机失火,否,否\nB1000,车身异响,否,否")
        .await
        .expect("failure codes");
    admin
}

/// A customer whose car was invoiced on 2023-06-01 and a warranty repair order on 2024-05-13 at 20,000 km.
pub async fn warranty_order(world: &World, clerk: &Actor, serial: u32) -> RepairOrderView {
    let mut input = with_vehicle("李索赔", serial);
    if let Some(vehicle) = input.vehicle.as_mut() {
        vehicle.invoice_on = Some("2023-06-01".into());
    }
    let customer = customers::create(&world.app, clerk, input).await.expect("customer");
    let order = RepairOrderInput {
        vehicle_id: customer.vehicles[0].id.clone(),
        kind: "warranty".into(),
        mileage_in: Some(20_000),
        complaint: "发动机抖动，故障灯亮".into(),
        findings: "气缸盖垫片漏气".into(),
        items: vec![
            ItemInput {
                kind: "labor".into(),
                code: "10-01".into(),
                description: "更换气缸盖垫片".into(),
                hours: Some("2.5".into()),
                unit_price: Some("150.00".into()),
                payer: "warranty".into(),
                ..ItemInput::default()
            },
            ItemInput {
                kind: "part".into(),
                part_no: "12251-RNA-A01".into(),
                description: "气缸盖垫片".into(),
                quantity: Some("1".into()),
                unit_price: Some("120.00".into()),
                payer: "warranty".into(),
                ..ItemInput::default()
            },
            ItemInput {
                kind: "part".into(),
                part_no: "08798-9008".into(),
                description: "雨刮片".into(),
                quantity: Some("1".into()),
                unit_price: Some("80.00".into()),
                payer: "customer".into(),
                ..ItemInput::default()
            },
        ],
        ..RepairOrderInput::default()
    };
    repair_orders::create(&world.app, clerk, order).await.expect("repair order")
}

pub fn claim_input(order: &RepairOrderView) -> ClaimInput {
    ClaimInput {
        repair_order_id: order.id.clone(),
        kind: "repair".into(),
        symptom: "发动机抖动，故障灯亮".into(),
        cause: "气缸盖垫片漏气".into(),
        correction: "更换气缸盖垫片".into(),
        failure_code: "p0300".into(),
        ..ClaimInput::default()
    }
}

fn reasons(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn a_claim_goes_from_the_repair_order_through_a_stopping_check_to_partly_approved_and_settled() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let order = warranty_order(&world, &clerk, 501).await;
        for action in ["start", "complete", "hand_over"] {
            repair_orders::transition(&world.app, &clerk, &order.id, action).await.expect(action);
        }
        let due = worklist::my_worklist(&world.app, &clerk).await.unwrap();
        let filing: Vec<_> = due.this_week.iter().chain(&due.due_today).chain(&due.overdue).collect();
        assert!(filing.is_empty(), "{which:?}: the 30-day window is not this week");

        let claim = warranty::create(&world.app, &clerk, claim_input(&order)).await.expect("claim");
        assert_eq!(claim.state, "draft");
        assert!(claim.number.starts_with("WC20240513"), "{}", claim.number);
        assert_eq!(claim.lines.len(), 2, "{which:?}: only the warranty lines are copied");
        assert_eq!(claim.lines[0].standard_hours.as_deref(), Some("2"));
        assert_eq!(claim.lines[1].role, "causal");
        assert_eq!(claim.amounts.labor.to_string(), "375.00", "{which:?}: 2.5 h × 150.00");
        assert_eq!(claim.amounts.total.to_string(), "495.00");
        assert_eq!(claim.eligibility, "sanbao_free_repair", "{which:?}: {}", claim.eligibility_basis);
        assert!(claim.inside_periods);
        assert_eq!(claim.failure_code, "P0300");

        // Hours above the standard are set to block: the check stops the claim and says why.
        let stopped = warranty::check(&world.app, &clerk, &claim.id, BTreeMap::new()).await.unwrap();
        assert!(!stopped.passed, "{which:?}");
        assert_eq!(stopped.claim.state, "draft");
        let rules: Vec<&str> = stopped.claim.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, vec!["hours_above_standard", "price_above_catalogue"], "{which:?}");
        assert_eq!(stopped.claim.findings[0].severity, "block");
        let early = warranty::act(&world.app, &clerk, &claim.id, "submit", ActionInput::default()).await;
        assert!(matches!(early, Err(AppError::Conflict("illegal_transition"))), "{which:?}: {early:?}");

        // Corrected to the standard hours; the price warning passes with a reason.
        let mut corrected = stopped.claim.to_input();
        corrected.lines.as_mut().unwrap()[0].hours = Some("2.0".into());
        let claim = warranty::update(&world.app, &clerk, &claim.id, corrected).await.expect("corrected");
        assert_eq!(claim.amounts.total.to_string(), "420.00");
        let without_reason = warranty::check(&world.app, &clerk, &claim.id, BTreeMap::new()).await.unwrap();
        assert!(!without_reason.passed, "{which:?}: a warning needs a reason");
        let checked =
            warranty::check(&world.app, &clerk, &claim.id, reasons(&[("price_above_catalogue", "厂家特批价")]))
                .await
                .unwrap();
        assert!(checked.passed, "{which:?}: {:?}", checked.claim.findings);
        assert_eq!(checked.claim.state, "checked");
        assert_eq!(checked.claim.overrides["price_above_catalogue"], "厂家特批价");

        let submitted = warranty::act(&world.app, &clerk, &claim.id, "submit", ActionInput::default()).await.unwrap();
        assert_eq!(submitted.state, "submitted");
        assert_eq!(submitted.versions.len(), 1);
        assert_eq!(submitted.versions[0].content["amounts"]["total"], "420.00");
        assert_eq!(world.count("due_items WHERE kind = 'claim_filing' AND status = 'open'").await, 0, "{which:?}");
        assert_eq!(world.count("due_items WHERE kind = 'claim_filing' AND status = 'done'").await, 1, "{which:?}");

        let bad = warranty::act(
            &world.app,
            &clerk,
            &claim.id,
            "decide",
            ActionInput { lines: vec![LineVerdict::Approved], ..ActionInput::default() },
        )
        .await;
        assert!(has(&fields(bad), "lines", "decision_line_count"), "{which:?}");
        let decision = ActionInput {
            lines: vec![
                LineVerdict::Approved,
                LineVerdict::Cut { amount: Money::yuan(100), reason: "按目录价".into() },
            ],
            ..ActionInput::default()
        };
        let decided = warranty::act(&world.app, &clerk, &claim.id, "decide", decision).await.unwrap();
        assert_eq!(decided.state, "partly_approved", "{which:?}");
        assert_eq!(decided.approved.map(|m| m.to_string()).as_deref(), Some("400.00"));
        assert_eq!(decided.lines[1].verdict.as_deref(), Some("cut"));
        assert_eq!(decided.lines[1].verdict_reason, "按目录价");

        let settled = warranty::act(&world.app, &clerk, &claim.id, "settle", ActionInput::default()).await.unwrap();
        assert_eq!(settled.state, "settled");
        assert!(settled.actions.is_empty());

        let found = warranty::list(
            &world.app,
            &clerk,
            ClaimListQuery { failure_code: Some("P0300".into()), state: Some("settled".into()), ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(found.total, 1, "{which:?}");
        assert_eq!(found.items[0].amounts.total.to_string(), "420.00");
    }
}

#[tokio::test]
async fn a_submitted_claim_stays_and_a_change_after_a_return_makes_a_new_version() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let order = warranty_order(&world, &clerk, 502).await;
        let mut input = claim_input(&order);
        let mut lines: Vec<LineInput> =
            warranty::draft_from_order(&world.app, &clerk, &order.id).await.unwrap().lines.unwrap();
        lines[0].hours = Some("2".into());
        lines[1].unit_price = None;
        input.lines = Some(lines);
        let claim = warranty::create(&world.app, &clerk, input).await.unwrap();
        assert_eq!(claim.lines[1].unit_price.map(|p| p.to_string()).as_deref(), Some("100.00"), "catalogue price");
        assert!(warranty::check(&world.app, &clerk, &claim.id, BTreeMap::new()).await.unwrap().passed, "{which:?}");
        warranty::act(&world.app, &clerk, &claim.id, "submit", ActionInput::default()).await.unwrap();

        for action in ["cancel", "edit"] {
            let refused = warranty::act(&world.app, &clerk, &claim.id, action, ActionInput::default()).await;
            assert!(matches!(refused, Err(AppError::Conflict(_))), "{which:?}: {action} {refused:?}");
        }
        let mut change = warranty::get(&world.app, &clerk, &claim.id).await.unwrap().to_input();
        change.symptom = "怠速抖动".into();
        let waiting = warranty::update(&world.app, &clerk, &claim.id, change.clone()).await;
        assert!(matches!(waiting, Err(AppError::Conflict(_))), "{which:?}: no change while the manufacturer decides");

        let no_reason = warranty::act(&world.app, &clerk, &claim.id, "return", ActionInput::default()).await;
        assert!(has(&fields(no_reason), "reason", "required"), "{which:?}");
        let returned = warranty::act(
            &world.app,
            &clerk,
            &claim.id,
            "return",
            ActionInput { reason: "缺少故障照片".into(), ..ActionInput::default() },
        )
        .await
        .unwrap();
        assert_eq!((returned.state.as_str(), returned.returns), ("returned", 1));

        change.version = None;
        let changed = warranty::update(&world.app, &clerk, &claim.id, change).await.unwrap();
        assert_eq!(changed.state, "returned");
        assert_eq!(changed.content_version, 2, "{which:?}");
        assert_eq!(changed.versions.len(), 1);
        assert_eq!(changed.versions[0].content["symptom"], "发动机抖动，故障灯亮", "{which:?}: v1 is kept as sent");

        let resubmitted =
            warranty::act(&world.app, &clerk, &claim.id, "resubmit", ActionInput::default()).await.unwrap();
        assert_eq!(resubmitted.state, "resubmitted");
        assert_eq!(resubmitted.resubmissions, 1);
        let versions: Vec<i64> = resubmitted.versions.iter().map(|v| v.version_no).collect();
        assert_eq!(versions, vec![1, 2], "{which:?}");
        assert_eq!(resubmitted.return_reasons[0].reason, "缺少故障照片");
        assert!(resubmitted.return_reasons[0].resubmitted_at.is_some());
        assert_eq!(world.count("warranty_claims").await, 1, "{which:?}: nothing deleted");
    }
}

#[tokio::test]
async fn mileage_below_an_earlier_visit_and_a_duplicate_claim_are_stopped() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let order = warranty_order(&world, &clerk, 503).await;
        let mut input = claim_input(&order);
        // Typed as 15,000 km on the next day, below the 20,000 km the repair order recorded.
        input.mileage = Some(15_000);
        input.repair_date = Some("2024-05-14".into());
        let claim = warranty::create(&world.app, &clerk, input).await.unwrap();
        let outcome = warranty::check(&world.app, &clerk, &claim.id, BTreeMap::new()).await.unwrap();
        let mileage = outcome.claim.findings.iter().find(|f| f.rule == "mileage_backwards").expect("mileage");
        assert_eq!((mileage.severity.as_str(), mileage.params["previous"].as_str()), ("block", "20000"), "{which:?}");
        assert!(!outcome.passed);

        // A second claim for the same fault and part within 30 days is a duplicate, which blocks.
        let second = warranty::create(&world.app, &clerk, claim_input(&order)).await.unwrap();
        let outcome = warranty::check(&world.app, &clerk, &second.id, BTreeMap::new()).await.unwrap();
        let duplicate = outcome.claim.findings.iter().find(|f| f.rule == "duplicate_claim").expect("duplicate");
        assert_eq!(duplicate.params["claim_no"], claim.number, "{which:?}");
        assert!(!outcome.passed);
    }
}

#[tokio::test]
async fn another_store_sees_no_claim_and_only_the_group_admin_sets_the_manufacturer_terms() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let order = warranty_order(&world, &clerk, 504).await;
        let claim = warranty::create(&world.app, &clerk, claim_input(&order)).await.unwrap();
        let other = world.person("sh01.clerk", Some(&world.store_b), Role::WarrantyClerk).await;
        let read = warranty::get(&world.app, &other, &claim.id).await;
        assert!(matches!(read, Err(AppError::NotFound)), "{which:?}: {read:?}");
        let act = warranty::act(&world.app, &other, &claim.id, "cancel", ActionInput::default()).await;
        assert!(matches!(act, Err(AppError::NotFound)), "{which:?}");
        let list = warranty::list(&world.app, &other, ClaimListQuery::default()).await.unwrap();
        assert_eq!(list.total, 0);

        let short = BrandSettings { warranty_months: 24, ..BrandSettings::default() };
        let refused = warranty::save_brand(&world.app, &admin, "广汽本田", short.clone(), None).await;
        assert!(has(&fields(refused), "warranty_months", "warranty_below_legal_minimum"), "{which:?}");
        let forbidden = warranty::save_brand(&world.app, &clerk, "广汽本田", BrandSettings::default(), None).await;
        assert!(matches!(forbidden, Err(AppError::Forbidden)), "{which:?}");

        // A claim for a brand without settings is refused with a clear reason.
        let mut input = with_vehicle("王无品牌", 505);
        input.vehicle.as_mut().unwrap().brand = "未设置品牌".into();
        let customer = customers::create(&world.app, &clerk, input).await.unwrap();
        let bare = repair_orders::create(
            &world.app,
            &clerk,
            RepairOrderInput {
                vehicle_id: customer.vehicles[0].id.clone(),
                mileage_in: Some(5_000),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let refused = warranty::create(&world.app, &clerk, claim_input(&bare)).await;
        assert!(has(&fields(refused), "brand", "warranty_brand_not_configured"), "{which:?}");
    }
}

#[tokio::test]
async fn a_parts_catalogue_of_twenty_thousand_rows_imports_in_chunks() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        let mut rows = vec![vec!["配件号".to_string(), "名称".into(), "价格".into()]];
        rows.extend(
            (0..20_000).map(|i| vec![format!("P{i:06}"), format!("配件{i}"), format!("{}.{:02}", i % 997, i % 100)]),
        );
        let done =
            warranty::import_catalogue(&world.app, &admin, "上汽大众", CatalogueKind::Parts, rows).await.unwrap();
        assert_eq!(done.imported, 20_000);
        let view = warranty::brand_settings(&world.app, &admin, "上汽大众", "P01999").await.unwrap();
        assert_eq!(view.parts_count, 20_000, "{which:?}");
        assert_eq!(view.parts[0].part_no, "P019990");
        let bad =
            vec![vec!["配件号".to_string(), "名称".into(), "价格".into()], vec!["A1".into(), "x".into(), "abc".into()]];
        let refused = warranty::import_catalogue(&world.app, &admin, "上汽大众", CatalogueKind::Parts, bad).await;
        assert!(has(&fields(refused), "rows[2].price", "money_format"), "{which:?}");
        let empty = warranty::import_catalogue(&world.app, &admin, "上汽大众", CatalogueKind::Parts, Vec::new()).await;
        assert!(has(&fields(empty), "rows", "required"), "{which:?}: an empty file never wipes the catalogue");
        assert_eq!(warranty::brand_settings(&world.app, &admin, "上汽大众", "").await.unwrap().parts_count, 20_000);
    }
}

#[tokio::test]
async fn the_demo_has_claims_in_every_state_in_every_store() {
    let (app, _clock, _db) =
        claimdesk_testkit::test_app(claimdesk_testkit::Which::Sqlite, "2024-05-13T02:00:00Z").await;
    claimdesk_testkit::demo::load(&app, 90, "demo-pass-2024").await.expect("demo");
    let counts: Vec<(String, String, i64)> = app
        .db
        .read(claimdesk_store::job(|tx| {
            Box::pin(async move {
                let sql = "SELECT store_id, state, COUNT(*) FROM warranty_claims GROUP BY store_id, state";
                claimdesk_store::query::fetch_all(tx, &claimdesk_store::query::Query::new(sql)).await
            })
        }))
        .await
        .map_err(|e: claimdesk_store::StoreError| e)
        .unwrap();
    let stores: std::collections::BTreeSet<&str> = counts.iter().map(|(store, _, _)| store.as_str()).collect();
    assert_eq!(stores.len(), 3, "{counts:?}");
    for store in stores {
        let states: Vec<&str> =
            counts.iter().filter(|(s, _, _)| s == store).map(|(_, state, _)| state.as_str()).collect();
        assert_eq!(states.len(), 10, "{store}: {states:?}");
    }
}
