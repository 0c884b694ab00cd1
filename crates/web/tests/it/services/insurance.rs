//! Motor insurance: insurers and rates (admin), policies with commission and renewal reminders, and what
//! another store cannot see.

use claimdesk_app::AppError;
use claimdesk_app::insurance::claims::{self, AssessmentInput, ClaimInput, DocumentInput, LineInput, StepInput};
use claimdesk_app::insurance::commission::{self, PayRuleInput};
use claimdesk_app::insurance::insurers::{self, ChecklistInput, CoverRateInput, InsurerInput};
use claimdesk_app::insurance::leads::{self, LeadAction, LeadInput, LeadListQuery};
use claimdesk_app::insurance::policies::{self, NewPolicy, PolicyAction, PolicyListQuery};
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::worklist;
use claimdesk_domain::Money;
use claimdesk_domain::access::Role;
use claimdesk_domain::insurance::accident::PayerCover;
use claimdesk_domain::insurance::claim::{OtherParty, Reporter};
use claimdesk_domain::insurance::liability::Responsibility;
use claimdesk_domain::insurance::policy::{CoverInput, PolicyInput};

use crate::helpers::{World, backends, fields, has};

pub async fn insurer_with_rates(world: &World, admin: &claimdesk_app::Actor, code: &str) -> String {
    let insurer = insurers::create(
        &world.app,
        admin,
        InsurerInput {
            code: code.into(), name: format!("{code}财产保险"), active: true, ..InsurerInput::default()
        },
    )
    .await
    .expect("insurer");
    for (cover, rate) in [("compulsory", "4"), ("own_damage", "15"), ("third_party", "15")] {
        insurers::add_cover(
            &world.app,
            admin,
            &insurer.id,
            CoverRateInput {
                cover: cover.into(),
                commission_percent: rate.into(),
                valid_from: "2024-01-01".into(),
                explanation: format!("{cover} 保障说明"),
                claim_method: "出险后 48 小时内报案".into(),
                ..CoverRateInput::default()
            },
        )
        .await
        .expect("cover");
    }
    insurer.id
}

pub fn policy_input(insurer_id: &str, vehicle_id: &str, policy_no: &str) -> PolicyInput {
    PolicyInput {
        insurer_id: insurer_id.into(),
        vehicle_id: vehicle_id.into(),
        invoice_no: "04403221".into(),
        owner_id_no: "11010519491231002X".into(),
        policy_no: policy_no.into(),
        starts_on: "2024-05-14".into(),
        ends_on: "2025-05-13".into(),
        covers: vec![
            CoverInput { cover: "compulsory".into(), premium: "950.00".into(), ..CoverInput::default() },
            CoverInput {
                cover: "own_damage".into(),
                sum_insured: Some("180000".into()),
                premium: "3210.55".into(),
                ..CoverInput::default()
            },
            CoverInput {
                cover: "third_party".into(),
                sum_insured: Some("1000000".into()),
                premium: "1200".into(),
                ..CoverInput::default()
            },
        ],
        premium_collected: false,
        ..PolicyInput::default()
    }
}

#[tokio::test]
async fn a_policy_earns_commission_and_comes_due_for_renewal() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let specialist = world.person("bj01.ins", Some(&world.store_a), Role::InsuranceSpecialist).await;
        let customer = world.customer(&admin, "王保险", 31).await;
        let vehicle_id = customer.vehicles[0].id.clone();

        // Only the admin sets up insurers.
        let refused = insurers::create(
            &world.app,
            &specialist,
            InsurerInput { code: "X".into(), name: "X".into(), ..InsurerInput::default() },
        )
        .await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{which:?}");
        let insurer_id = insurer_with_rates(&world, &admin, "PICC").await;
        insurers::set_checklist(
            &world.app,
            &admin,
            ChecklistInput {
                claim_type: "own_damage".into(),
                documents: vec!["出险通知单".into(), "行驶证".into(), "驾驶证".into(), " ".into()],
                store_id: None,
            },
        )
        .await
        .expect("checklist");
        let lists = insurers::checklists(&world.app, &admin, None).await.unwrap();
        assert_eq!(lists.len(), 3, "{which:?}");

        // A bad ID and a missing invoice are field errors.
        let mut bad = policy_input(&insurer_id, &vehicle_id, "PDAA1");
        bad.owner_id_no = "110105194912310021".into();
        bad.invoice_no = String::new();
        let errors =
            fields(policies::create(&world.app, &specialist, NewPolicy { policy: bad, ..NewPolicy::default() }).await);
        assert!(errors.iter().any(|(f, _)| f == "owner_id_no"), "{errors:?}");
        assert!(has(&errors, "invoice_no", "required"), "{errors:?}");

        let policy = policies::create(
            &world.app,
            &specialist,
            NewPolicy { policy: policy_input(&insurer_id, &vehicle_id, "PDAA2024001"), ..NewPolicy::default() },
        )
        .await
        .expect("policy");
        assert_eq!(policy.premium.to_string(), "5360.55", "{which:?}");
        // 950 × 4 % + 3210.55 × 15 % + 1200 × 15 % = 38.00 + 481.58 + 180.00.
        assert_eq!(policy.commission.to_string(), "699.58", "{which:?}");
        assert_eq!(policy.customer_id.as_deref(), Some(customer.id.as_str()));
        let again = policies::create(
            &world.app,
            &specialist,
            NewPolicy { policy: policy_input(&insurer_id, &vehicle_id, "PDAA2024001"), ..NewPolicy::default() },
        )
        .await;
        assert!(has(&fields(again), "policy_no", "policy_no_taken"), "{which:?}");

        // Renewal reminders 60, 30 and 7 days before 2025-05-13, for the specialist who sold it.
        let items = world.count("due_items WHERE kind = 'insurance_renewal'").await;
        assert_eq!(items, 3, "{which:?}");
        world.clock.set("2025-03-15T02:00:00Z".parse().unwrap());
        let list = worklist::my_worklist(&world.app, &specialist).await.unwrap();
        let due: Vec<_> = list
            .overdue
            .iter()
            .chain(list.due_today.iter())
            .chain(list.this_week.iter())
            .filter(|i| i.kind == "insurance_renewal")
            .collect();
        assert_eq!(due.len(), 1, "{which:?}: {list:?}");

        // Collected, then renewed: the reminders close.
        let collected =
            policies::act(&world.app, &specialist, &policy.id, "collect", PolicyAction::default()).await.unwrap();
        assert!(collected.premium_collected);
        let renewed = policies::act(
            &world.app,
            &specialist,
            &policy.id,
            "renewal",
            PolicyAction { outcome: "renewed_elsewhere".into(), note: "客户转投他司".into(), version: None },
        )
        .await
        .unwrap();
        assert_eq!(renewed.renewal_outcome, "renewed_elsewhere");
        assert_eq!(world.count("due_items WHERE kind = 'insurance_renewal' AND status = 'open'").await, 0, "{which:?}");
        let rates = policies::renewal_rates(&world.app, &admin, "2025-01-01", "2025-12-31").await.unwrap();
        assert_eq!((rates[0].due, rates[0].renewed, rates[0].rate_percent.as_str()), (1, 0, "0"), "{which:?}");

        // The detail carries the cover explanations; the list finds it by number prefix.
        let detail = policies::get(&world.app, &specialist, &policy.id).await.unwrap();
        assert_eq!(detail.explanations.len(), 3, "{which:?}");
        let page = policies::list(
            &world.app,
            &specialist,
            PolicyListQuery { q: Some("pdaa".into()), ..PolicyListQuery::default() },
        )
        .await
        .unwrap();
        assert_eq!(page.total, 1, "{which:?}");

        // Another store sees nothing.
        let other = world.person("sh01.ins", Some(&world.store_b), Role::InsuranceSpecialist).await;
        assert!(matches!(policies::get(&world.app, &other, &policy.id).await, Err(AppError::NotFound)));
        assert!(matches!(insurers::get(&world.app, &other, &insurer_id).await, Err(AppError::NotFound)));
        assert!(insurers::list(&world.app, &other, None).await.unwrap().is_empty());
    }
}

fn line(kind: &str, name: &str, assessed: &str, verified: &str, covered: bool) -> LineInput {
    LineInput {
        kind: kind.into(),
        name: name.into(),
        assessed: assessed.into(),
        verified: verified.into(),
        covered,
        reason: if covered { String::new() } else { "非本次事故损失".into() },
        ..LineInput::default()
    }
}

/// A claim from report to archive: a late report is flagged, the repair waits for the assessment, the
/// two-car 主责/次责 split comes out right, payment waits for the documents, the insurer's deadlines are due items.
#[tokio::test]
async fn a_claim_from_report_to_archive_with_a_two_car_split() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let specialist = world.person("bj01.ins", Some(&world.store_a), Role::InsuranceSpecialist).await;
        let customer = world.customer(&admin, "李理赔", 41).await;
        let vehicle_id = customer.vehicles[0].id.clone();
        let insurer_id = insurer_with_rates(&world, &admin, "PICC").await;
        insurers::set_checklist(
            &world.app,
            &admin,
            ChecklistInput {
                claim_type: "own_damage".into(),
                documents: vec!["出险通知单".into(), "事故认定书".into()],
                store_id: None,
            },
        )
        .await
        .unwrap();
        let policy = policies::create(
            &world.app,
            &specialist,
            NewPolicy { policy: policy_input(&insurer_id, &vehicle_id, "PDAA2024100"), ..NewPolicy::default() },
        )
        .await
        .unwrap();
        let order = repair_orders::create(
            &world.app,
            &specialist,
            RepairOrderInput {
                vehicle_id: vehicle_id.clone(),
                kind: "accident".into(),
                mileage_in: Some(20_000),
                complaint: "追尾事故".into(),
                ..RepairOrderInput::default()
            },
        )
        .await
        .expect("repair order");

        // A report for someone else without ID and authorisation is refused field by field.
        let mut input = ClaimInput {
            claim_type: "own_damage".into(),
            vehicle_id: vehicle_id.clone(),
            policy_id: Some(policy.id.clone()),
            repair_order_id: Some(order.id.clone()),
            accident_at: "2024-05-10T08:00".into(),
            place: "朝阳路".into(),
            reporter: Reporter { name: "张代报".into(), for_insured: true, ..Reporter::default() },
            ..ClaimInput::default()
        };
        let errors = fields(claims::create(&world.app, &specialist, input.clone()).await);
        assert!(has(&errors, "reporter_id_no", "reporter_id_required"), "{errors:?}");
        assert!(has(&errors, "authorisation", "authorisation_required"), "{errors:?}");
        input.reporter.id_no = "11010519491231002X".into();
        input.reporter.authorisation = true;
        // Reported now (2024-05-13 10:00 Beijing), 74 hours after the accident: late, flagged, accepted.
        let claim = claims::create(&world.app, &specialist, input).await.expect("claim");
        assert!(claim.report_late, "{which:?}");
        assert_eq!(claim.status, "reported");
        assert_eq!(claim.insurer_id.as_deref(), Some(insurer_id.as_str()));
        // 交强险条例 Art 28: the insurer's document list is due.
        assert_eq!(world.count("due_items WHERE kind = 'insurer_document_list' AND status = 'open'").await, 1);

        // The repair cannot start before the loss is assessed.
        let early = repair_orders::transition(&world.app, &specialist, &order.id, "start").await;
        assert!(has(&fields(early), "status", "loss_not_assessed"), "{which:?}");

        let step = |action: &'static str, input: StepInput| {
            let (app, actor, id) = (world.app.clone(), specialist.clone(), claim.id.clone());
            async move { claims::step(&app, &actor, &id, action, input).await }
        };
        assert!(matches!(step("pay", StepInput::default()).await, Err(AppError::Conflict(_))));
        step("dispatch", StepInput { surveyor: "人保查勘员刘".into(), ..StepInput::default() }).await.unwrap();
        let two = StepInput { parties_present: vec!["insured".into(), "surveyor".into()], ..StepInput::default() };
        assert!(has(&fields(step("assess", two).await), "parties_present", "assessment_party_missing"));
        let three = StepInput {
            parties_present: vec!["insured".into(), "surveyor".into(), "repairer".into()],
            ..StepInput::default()
        };
        step("assess", three).await.unwrap();
        repair_orders::transition(&world.app, &specialist, &order.id, "start").await.expect("repair starts");

        // 定损: covered lines 10,000 verified, a line not covered 300; ours 主责, theirs 次责.
        let detail = claims::assess(
            &world.app,
            &specialist,
            &claim.id,
            AssessmentInput {
                lines: vec![
                    line("part", "前保险杠", "6200", "6000", true),
                    line("labor", "钣金", "2500", "2500", true),
                    line("paint", "喷漆", "1500", "1500", true),
                    line("part", "旧划痕补漆", "300", "", false),
                ],
                responsibility: "major".into(),
                parties: vec![OtherParty {
                    label: "京B12345".into(),
                    responsibility: Some(Responsibility::Minor),
                    damage: Money::parse("x", "5000").unwrap(),
                    compulsory: true,
                    third_party_limit: Some(Money::parse("x", "1000000").unwrap()),
                }],
                note: "客户同意旧划痕自费".into(),
            },
        )
        .await
        .expect("assessment");
        assert_eq!(detail.claim.assessed_total.to_string(), "10500.00", "{which:?}");
        assert_eq!(detail.claim.verified_total.to_string(), "10300.00", "{which:?}");
        let settlement = detail.settlement.expect("settlement");
        let part = |payer: &str, cover: PayerCover| {
            settlement.parts.iter().find(|p| p.payer == payer && p.cover == cover).map(|p| p.amount.to_string())
        };
        assert_eq!(part("京B12345", PayerCover::Compulsory).as_deref(), Some("2000.00"), "{settlement:?}");
        assert_eq!(part("京B12345", PayerCover::ThirdParty).as_deref(), Some("2400.00"), "{settlement:?}");
        assert_eq!(part("ours", PayerCover::OwnDamage).as_deref(), Some("5600.00"), "{settlement:?}");
        assert_eq!(detail.claim.insurer_pays.to_string(), "10000.00");
        assert_eq!(detail.claim.customer_pays.to_string(), "300.00");
        assert_eq!(detail.notes.len(), 1);

        step("verify_loss", StepInput::default()).await.unwrap();
        step("adjust", StepInput::default()).await.unwrap();
        assert_eq!(world.count("due_items WHERE kind = 'insurer_decision' AND status = 'open'").await, 1);
        step("approve", StepInput::default()).await.unwrap();
        assert_eq!(world.count("due_items WHERE kind = 'insurer_payment' AND status = 'open'").await, 1);
        // Payment waits for the documents.
        assert!(has(&fields(step("pay", StepInput::default()).await), "documents", "documents_missing"));
        for position in [0, 1] {
            let document =
                DocumentInput { position, received: true, signed_by: "李理赔".into(), ..DocumentInput::default() };
            claims::receive_document(&world.app, &specialist, &claim.id, document).await.unwrap();
        }
        let paid = step("pay", StepInput::default()).await.unwrap();
        assert_eq!(paid.paid.to_string(), "10000.00");
        let closed = step("close", StepInput::default()).await.unwrap();
        assert_eq!(closed.status, "closed");
        assert_eq!(world.count("due_items WHERE subject_type = 'insurance_claim' AND status = 'open'").await, 0);
        let detail = claims::get(&world.app, &specialist, &claim.id).await.unwrap();
        let actions: Vec<_> = detail.steps.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(actions, ["report", "dispatch", "assess", "verify_loss", "adjust", "approve", "pay", "close"]);
        assert!(detail.steps.iter().all(|s| s.actor_name == "测试bj01.ins"), "{which:?}");
        let other = world.person("sh01.ins", Some(&world.store_b), Role::InsuranceSpecialist).await;
        assert!(matches!(claims::get(&world.app, &other, &claim.id).await, Err(AppError::NotFound)));
    }
}

/// A lead converts into an accident repair order; the month's statement pays base, the policy share and the
/// repair percentage.
#[tokio::test]
async fn a_lead_converts_and_the_month_pays_commission() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let specialist = world.person("bj01.ins", Some(&world.store_a), Role::InsuranceSpecialist).await;
        let customer = world.customer(&admin, "赵线索", 51).await;
        let vehicle_id = customer.vehicles[0].id.clone();
        let insurer_id = insurer_with_rates(&world, &admin, "CPIC").await;

        let lead = leads::create(
            &world.app,
            &specialist,
            LeadInput {
                source: "insurer".into(),
                place: "三环".into(),
                contact_phone: "13800000000".into(),
                ..LeadInput::default()
            },
        )
        .await
        .expect("lead");
        let lost = leads::create(
            &world.app,
            &specialist,
            LeadInput { source: "police".into(), contact_name: "王".into(), ..LeadInput::default() },
        )
        .await
        .unwrap();
        leads::act(
            &world.app,
            &specialist,
            &lost.id,
            "lose",
            LeadAction { reason: "去了4S外修厂".into(), ..LeadAction::default() },
        )
        .await
        .unwrap();
        let contacted = leads::act(
            &world.app,
            &specialist,
            &lead.id,
            "contact",
            LeadAction {
                insurer_id: Some(insurer_id.clone()), surveyor: "查勘员孙".into(), ..LeadAction::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(contacted.status, "contacted");
        let arrived = leads::act(
            &world.app,
            &specialist,
            &lead.id,
            "arrive",
            LeadAction { vehicle_id: Some(vehicle_id.clone()), mileage_in: Some(30_000), ..LeadAction::default() },
        )
        .await
        .expect("arrive");
        assert_eq!(arrived.status, "arrived", "{which:?}");
        let order =
            repair_orders::get(&world.app, &specialist, arrived.repair_order_id.as_deref().unwrap()).await.unwrap();
        assert_eq!(order.kind, "accident");
        let page = leads::list(&world.app, &specialist, LeadListQuery::default()).await.unwrap();
        assert_eq!((page.received, page.arrived, page.conversion_percent.as_str()), (2, 1, "50"), "{which:?}");

        policies::create(
            &world.app,
            &specialist,
            NewPolicy { policy: policy_input(&insurer_id, &vehicle_id, "CP2024001"), ..NewPolicy::default() },
        )
        .await
        .unwrap();
        commission::set_pay_rule(
            &world.app,
            &admin,
            PayRuleInput {
                user_id: specialist.user_id.clone(),
                valid_from: "2024-01".into(),
                base_pay: "4000".into(),
                policy_share_percent: "50".into(),
                repair_percent: "2".into(),
                store_id: None,
            },
        )
        .await
        .expect("pay rule");
        let lines = commission::statement(&world.app, &admin, "2024-05", None).await.unwrap();
        let line = lines.iter().find(|l| l.user_id == specialist.user_id).expect("the specialist's line");
        // Store commission 699.58 × 50 % = 349.79; no repair lines priced yet.
        assert_eq!(line.policies, 1);
        assert_eq!(line.policy_pay.to_string(), "349.79", "{which:?}");
        assert_eq!(line.repairs, 1);
        assert_eq!(line.total.to_string(), "4349.79", "{which:?}");
        assert!(commission::statement(&world.app, &admin, "2024-13", None).await.is_err());
    }
}

#[tokio::test]
async fn people_name_the_vehicle_policy_and_repair_order_as_they_know_them() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let other = world.person("sh01.admin", Some(&world.store_b), Role::StoreAdmin).await;
        let specialist = world.person("bj01.ins", Some(&world.store_a), Role::InsuranceSpecialist).await;
        let customer = world.customer(&admin, "车主甲", 61).await;
        let stranger = world.customer(&other, "车主乙", 62).await;
        let vehicle = &customer.vehicles[0];
        let insurer_id = insurer_with_rates(&world, &admin, "CPIC").await;
        // A lower-case VIN with a space names the vehicle as well as its id.
        let spaced = format!("{} {}", &vehicle.vin[..8].to_lowercase(), &vehicle.vin[8..]);
        let policy = policies::create(
            &world.app,
            &specialist,
            NewPolicy { policy: policy_input(&insurer_id, &spaced, "PDZA2024061"), ..NewPolicy::default() },
        )
        .await
        .expect("policy by VIN");
        assert_eq!(policy.vehicle_id, vehicle.id, "{which:?}");
        let order = repair_orders::create(
            &world.app,
            &specialist,
            RepairOrderInput {
                vehicle_id: vehicle.id.clone(),
                kind: "accident".into(),
                mileage_in: Some(30_000),
                complaint: "侧面刮擦".into(),
                ..RepairOrderInput::default()
            },
        )
        .await
        .unwrap();
        let input = ClaimInput {
            claim_type: "own_damage".into(),
            vehicle_id: vehicle.plate.to_lowercase(),
            policy_id: Some("PDZA2024061".into()),
            repair_order_id: Some(order.number.clone()),
            accident_at: "2024-05-12T09:30".into(),
            place: "三环路".into(),
            reporter: Reporter { name: "车主甲".into(), ..Reporter::default() },
            ..ClaimInput::default()
        };
        let claim = claims::create(&world.app, &specialist, input.clone()).await.expect("claim by plate and numbers");
        let detail = claims::get(&world.app, &specialist, &claim.id).await.unwrap();
        assert_eq!(detail.claim.vehicle_id, vehicle.id, "{which:?}");
        assert_eq!(detail.claim.policy_id.as_deref(), Some(policy.id.as_str()), "{which:?}");
        assert_eq!(detail.claim.repair_order_id.as_deref(), Some(order.id.as_str()), "{which:?}");

        // Another store's plate, an unknown policy number or repair order number name their field.
        let mut elsewhere = input.clone();
        elsewhere.vehicle_id = stranger.vehicles[0].plate.clone();
        assert!(has(&fields(claims::create(&world.app, &specialist, elsewhere).await), "vehicle_id", "not_found"));
        let mut unknown = input.clone();
        unknown.policy_id = Some("NO-SUCH".into());
        assert!(has(&fields(claims::create(&world.app, &specialist, unknown).await), "policy_id", "not_found"));
        let mut unknown = input;
        unknown.repair_order_id = Some("RO19990101".into());
        assert!(has(&fields(claims::create(&world.app, &specialist, unknown).await), "repair_order_id", "not_found"));
    }
}
