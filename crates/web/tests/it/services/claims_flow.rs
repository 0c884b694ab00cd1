//! The rest of the claim workflow on both databases: pre-authorisation holds the repair order's warranty work
//! until the manufacturer approves; a goodwill claim waits for its approval chain; the archive finds claims
//! by part and clerk, lists a month with its documents and packs it into one zip; the board and the
//! mis-claim rates count what the manufacturer rejected or cut.

use std::collections::BTreeMap;
use std::io::Read;

use claimdesk_app::repair_orders;
use claimdesk_app::warranty::goodwill::GoodwillDecision;
use claimdesk_app::warranty::preauth::{PreauthDecision, PreauthInput};
use claimdesk_app::warranty::{self, ActionInput, CatalogueKind, ClaimListQuery, archive, board, goodwill, preauth};
use claimdesk_app::{AppError, attachments};
use claimdesk_domain::Money;
use claimdesk_domain::access::Role;
use claimdesk_domain::attachment::OwnerKind;
use claimdesk_domain::warranty::checks::{CheckRule, Severity};
use claimdesk_domain::warranty::decision::LineVerdict;
use claimdesk_domain::warranty::goodwill::{ApprovalLimit, GoodwillSplit};
use claimdesk_domain::warranty::settings::BrandSettings;

use super::claims::{claim_input, set_up_brand, warranty_order};
use crate::helpers::{World, backends, fields, has};

async fn brand_with(world: &World, admin: &claimdesk_app::actor::Actor, change: impl FnOnce(&mut BrandSettings)) {
    let mut settings = warranty::brand_settings(&world.app, admin, "广汽本田", "").await.unwrap().settings;
    change(&mut settings);
    warranty::save_brand(&world.app, admin, "广汽本田", settings, None).await.expect("settings");
}

#[tokio::test]
async fn warranty_work_above_the_threshold_or_with_a_named_operation_waits_for_the_manufacturer() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        brand_with(&world, &admin, |s| {
            s.preauth_threshold = Money::yuan(1_000);
            s.preauth_operations = vec!["10-01".into()];
        })
        .await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let order = warranty_order(&world, &clerk, 601).await;

        let status = preauth::of_order(&world.app, &clerk, &order.id).await.unwrap();
        assert_eq!(status.amount.to_string(), "495.00", "{which:?}: the warranty lines only");
        let reasons: Vec<&str> = status.reasons.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(reasons, vec!["preauth_named_operation"], "{which:?}: 495 is below 1,000 but 10-01 is named");
        assert_eq!(status.blocked_by.as_deref(), Some("preauth_required"));
        let refused = repair_orders::transition(&world.app, &clerk, &order.id, "start").await;
        assert!(has(&fields(refused), "preauth", "preauth_required"), "{which:?}");

        let request =
            PreauthInput { repair_order_id: order.id.clone(), note: "更换气缸盖垫片需厂家授权".into() };
        let asked = preauth::request(&world.app, &clerk, request.clone()).await.unwrap();
        assert_eq!((asked.state.as_str(), asked.amount.to_string().as_str()), ("requested", "495.00"));
        assert!(asked.number.starts_with("PA20240513"), "{}", asked.number);
        assert_eq!(asked.actions, vec!["approve", "refuse", "cancel"]);
        let twice = preauth::request(&world.app, &clerk, request.clone()).await;
        assert!(matches!(twice, Err(AppError::Conflict("preauth_pending"))), "{which:?}: {twice:?}");
        let waiting = repair_orders::transition(&world.app, &clerk, &order.id, "start").await;
        assert!(has(&fields(waiting), "preauth", "preauth_pending"), "{which:?}");

        let no_reason = preauth::decide(&world.app, &clerk, &asked.id, "refuse", PreauthDecision::default()).await;
        assert!(has(&fields(no_reason), "reason", "required"), "{which:?}");
        let refusal = PreauthDecision { reason: "请先做缸压测试".into(), ..PreauthDecision::default() };
        let refused = preauth::decide(&world.app, &clerk, &asked.id, "refuse", refusal).await.unwrap();
        assert_eq!(refused.state, "refused");
        assert!(refused.actions.is_empty());
        let again = preauth::decide(&world.app, &clerk, &asked.id, "approve", PreauthDecision::default()).await;
        assert!(matches!(again, Err(AppError::Conflict("illegal_transition"))), "{which:?}");
        let still = repair_orders::transition(&world.app, &clerk, &order.id, "start").await;
        assert!(has(&fields(still), "preauth", "preauth_required"), "{which:?}: a refusal does not let work start");

        let second = preauth::request(&world.app, &clerk, request).await.unwrap();
        let approval = PreauthDecision { approval_no: "GH-2024-0513-77".into(), ..PreauthDecision::default() };
        let approved = preauth::decide(&world.app, &clerk, &second.id, "approve", approval).await.unwrap();
        assert_eq!((approved.state.as_str(), approved.approval_no.as_str()), ("approved", "GH-2024-0513-77"));
        let started = repair_orders::transition(&world.app, &clerk, &order.id, "start").await.expect("starts");
        assert_eq!(started.status, "in_progress", "{which:?}");
        let status = preauth::of_order(&world.app, &clerk, &order.id).await.unwrap();
        assert_eq!((status.blocked_by, status.requests.len()), (None, 2));

        let other = world.person("sh01.clerk", Some(&world.store_b), Role::WarrantyClerk).await;
        let hidden = preauth::get_preauth(&world.app, &other, &second.id).await;
        assert!(matches!(hidden, Err(AppError::NotFound)), "{which:?}");
        let listed = preauth::list_preauths(&world.app, &clerk, Default::default()).await.unwrap();
        assert_eq!(listed.total, 2);
        assert_eq!(
            world.count("audit_log WHERE entity = 'warranty_preauth'").await,
            4,
            "{which:?}: two requests, a refusal, an approval"
        );
    }
}

#[tokio::test]
async fn a_repair_without_a_named_operation_below_the_threshold_starts_at_once() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let order = warranty_order(&world, &clerk, 602).await;
        let status = preauth::of_order(&world.app, &clerk, &order.id).await.unwrap();
        assert!(status.reasons.is_empty() && status.blocked_by.is_none(), "{which:?}: {status:?}");
        repair_orders::transition(&world.app, &clerk, &order.id, "start").await.expect("starts");
    }
}

fn corrected_lines(claim: &warranty::ClaimView, hours: &str) -> claimdesk_app::warranty::ClaimInput {
    let mut input = claim.to_input();
    input.lines.as_mut().unwrap()[0].hours = Some(hours.into());
    input.lines.as_mut().unwrap()[1].unit_price = Some("100.00".into());
    input.version = None;
    input
}

#[tokio::test]
async fn a_goodwill_claim_is_submitted_only_after_every_step_of_its_chain_approved_its_amount() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        brand_with(&world, &admin, |s| {
            s.goodwill_chain = vec![
                ApprovalLimit { role: "supervisor".into(), up_to: Money::yuan(200) },
                ApprovalLimit { role: "group_admin".into(), up_to: Money::yuan(100_000) },
            ];
        })
        .await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let manager = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        let order = warranty_order(&world, &clerk, 603).await;
        let mut input = claim_input(&order);
        input.kind = "goodwill".into();
        input.goodwill = Some(GoodwillSplit {
            manufacturer_percent: "50".parse().unwrap(),
            dealer_percent: "30".parse().unwrap(),
            customer_percent: "20".parse().unwrap(),
        });
        let draft = warranty::create(&world.app, &clerk, input).await.expect("goodwill claim");
        let claim = warranty::update(&world.app, &clerk, &draft.id, corrected_lines(&draft, "2")).await.unwrap();
        assert_eq!(claim.amounts.total.to_string(), "400.00");
        let chain = claim.goodwill_chain.clone().expect("a chain");
        assert_eq!(chain.amount.to_string(), "320.00", "{which:?}: 80 % carried by manufacturer and dealer");
        let roles: Vec<&str> = chain.steps.iter().map(|s| s.role.as_str()).collect();
        assert_eq!(roles, vec!["supervisor", "group_admin"], "{which:?}: 320 is above the manager's 200");
        assert_eq!(chain.waiting_for.as_deref(), Some("supervisor"));

        let checked = warranty::check(&world.app, &clerk, &claim.id, BTreeMap::new()).await.unwrap();
        assert!(checked.passed, "{which:?}: {:?}", checked.claim.findings);
        let early = warranty::act(&world.app, &clerk, &claim.id, "submit", ActionInput::default()).await;
        assert!(has(&fields(early), "goodwill", "goodwill_approval_missing"), "{which:?}");

        let by_clerk =
            goodwill::decide_goodwill(&world.app, &clerk, &claim.id, true, GoodwillDecision::default()).await;
        assert!(matches!(by_clerk, Err(AppError::Forbidden)), "{which:?}: {by_clerk:?}");
        let approved = goodwill::decide_goodwill(&world.app, &manager, &claim.id, true, GoodwillDecision::default())
            .await
            .unwrap();
        assert_eq!(approved.goodwill_chain.unwrap().waiting_for.as_deref(), Some("group_admin"));
        let still = warranty::act(&world.app, &clerk, &claim.id, "submit", ActionInput::default()).await;
        assert!(has(&fields(still), "goodwill", "goodwill_approval_missing"), "{which:?}");

        // A change of the amount needs the chain again.
        let changed = warranty::update(&world.app, &clerk, &claim.id, corrected_lines(&claim, "1.5")).await.unwrap();
        assert_eq!(changed.goodwill_chain.unwrap().waiting_for.as_deref(), Some("supervisor"), "{which:?}");
        goodwill::decide_goodwill(&world.app, &manager, &claim.id, true, GoodwillDecision::default()).await.unwrap();
        let no_note =
            goodwill::decide_goodwill(&world.app, &admin, &claim.id, false, GoodwillDecision::default()).await;
        assert!(has(&fields(no_note), "note", "required"), "{which:?}");
        let done = goodwill::decide_goodwill(
            &world.app,
            &admin,
            &claim.id,
            true,
            GoodwillDecision { note: "老客户，集团同意".into() },
        )
        .await
        .unwrap();
        let chain = done.goodwill_chain.unwrap();
        assert_eq!(chain.state, "approved", "{which:?}");
        assert_eq!(chain.steps[1].note, "老客户，集团同意");
        assert!(warranty::check(&world.app, &clerk, &claim.id, BTreeMap::new()).await.unwrap().passed);
        let submitted = warranty::act(&world.app, &clerk, &claim.id, "submit", ActionInput::default()).await.unwrap();
        assert_eq!(submitted.state, "submitted", "{which:?}");
        let closed =
            goodwill::decide_goodwill(&world.app, &manager, &claim.id, true, GoodwillDecision::default()).await;
        assert!(matches!(closed, Err(AppError::Conflict(_))), "{which:?}: the chain ends at submission");
    }
}

/// Files a claim for a fresh order and lets the manufacturer decide it with `verdicts`.
async fn decided_claim(
    world: &World,
    clerk: &claimdesk_app::actor::Actor,
    serial: u32,
    verdicts: Vec<LineVerdict>,
) -> warranty::ClaimView {
    let order = warranty_order(world, clerk, serial).await;
    let draft = warranty::create(&world.app, clerk, claim_input(&order)).await.unwrap();
    let claim = warranty::update(&world.app, clerk, &draft.id, corrected_lines(&draft, "2")).await.unwrap();
    assert!(warranty::check(&world.app, clerk, &claim.id, BTreeMap::new()).await.unwrap().passed);
    warranty::act(&world.app, clerk, &claim.id, "submit", ActionInput::default()).await.unwrap();
    let decision = ActionInput { lines: verdicts, ..ActionInput::default() };
    warranty::act(&world.app, clerk, &claim.id, "decide", decision).await.unwrap()
}

#[tokio::test]
async fn the_archive_finds_claims_by_part_and_clerk_and_packs_the_month_and_the_board_counts_the_cuts() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        brand_with(&world, &admin, |s| {
            s.checks.severity.insert(CheckRule::DuplicateClaim, Severity::Off);
        })
        .await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let second_clerk = world.person("bj01.clerk2", Some(&world.store_a), Role::WarrantyClerk).await;
        let manager = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        let cut = LineVerdict::Cut { amount: Money::yuan(50), reason: "按目录价".into() };
        let partly = decided_claim(&world, &clerk, 611, vec![LineVerdict::Approved, cut]).await;
        assert_eq!(partly.state, "partly_approved");
        let full = decided_claim(&world, &clerk, 612, vec![LineVerdict::Approved, LineVerdict::Approved]).await;
        let deducted = LineVerdict::Deducted { reason: "非质量问题".into() };
        let rejected = decided_claim(&world, &second_clerk, 613, vec![deducted.clone(), deducted]).await;
        assert_eq!(rejected.state, "rejected", "{which:?}");
        let order = warranty_order(&world, &clerk, 614).await;
        let open = warranty::create(&world.app, &clerk, claim_input(&order)).await.unwrap();

        let search = |query: ClaimListQuery| warranty::list(&world.app, &manager, query);
        let by_part = search(ClaimListQuery { part_no: Some("12251-rna-a01".into()), ..Default::default() }).await;
        assert_eq!(by_part.unwrap().total, 4, "{which:?}: every claim names the gasket");
        let by_other_part = search(ClaimListQuery { part_no: Some("08798-9008".into()), ..Default::default() }).await;
        assert_eq!(by_other_part.unwrap().total, 0, "{which:?}: the customer-paid wiper is not claimed");
        let clerk_id = second_clerk.actor_id().unwrap().to_string();
        let by_clerk = search(ClaimListQuery { clerk_id: Some(clerk_id), ..Default::default() }).await.unwrap();
        assert_eq!(
            by_clerk.items.iter().map(|c| c.number.as_str()).collect::<Vec<_>>(),
            vec![rejected.number.as_str()]
        );
        let may = search(ClaimListQuery {
            from: Some("2024-05-01".into()),
            to: Some("2024-05-31".into()),
            state: Some("partly_approved".into()),
            ..Default::default()
        })
        .await
        .unwrap();
        assert_eq!(may.total, 1, "{which:?}");

        let month = archive::month(&world.app, &manager, "2024-05", None).await.unwrap();
        assert_eq!(month.claims.len(), 4, "{which:?}");
        let partly_entry = month.claims.iter().find(|c| c.claim.id == partly.id).unwrap();
        let paths: Vec<&str> = partly_entry.documents.iter().map(|d| d.path.as_str()).collect();
        let folder = format!("BJ01/{}", partly.number);
        assert_eq!(
            paths,
            vec![format!("{folder}/claim.json"), format!("{folder}/version-1.json"), format!("{folder}/history.json")]
        );
        assert!(archive::month(&world.app, &manager, "2024-13", None).await.is_err());
        assert_eq!(archive::month(&world.app, &manager, "2024-04", None).await.unwrap().claims.len(), 0);

        let bytes = archive::month_zip(&world.app, &manager, "2024-05", None).await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut index = String::new();
        zip.by_name("index.csv").unwrap().read_to_string(&mut index).unwrap();
        assert_eq!(index.lines().count(), 5, "{which:?}: header and four claims");
        assert!(index.contains(&format!("BJ01,{},partly_approved,repair", partly.number)), "{index}");
        let mut history = String::new();
        zip.by_name(&format!("{folder}/history.json")).unwrap().read_to_string(&mut history).unwrap();
        let history: serde_json::Value = serde_json::from_str(&history).unwrap();
        let actions: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec!["create", "update", "check", "submit", "decide"], "{which:?}");
        let mut sent = String::new();
        zip.by_name(&format!("{folder}/version-1.json")).unwrap().read_to_string(&mut sent).unwrap();
        assert!(sent.contains("\"total\": \"400.00\""), "{sent}");
        assert!(zip.by_name(&format!("BJ01/{}/claim.json", open.number)).is_ok());

        let board = board::board(&world.app, &manager, None).await.unwrap();
        assert_eq!(board.month, "2024-05");
        assert_eq!((board.open, board.pending), (1, 0), "{which:?}: one draft, nothing with the manufacturer");
        assert_eq!(board.states[0].state, "draft");
        assert_eq!((board.states[0].count, board.states[0].ages[0]), (1, 1));
        assert_eq!((board.decided_this_month, board.rejected_this_month, board.cut_this_month), (3, 1, 1));
        assert_eq!(board.missed_amount_this_month.to_string(), "450.00", "{which:?}: 50 cut, 400 rejected");
        assert_eq!(board.rate_percent.to_string(), "66.7");
        let first = board.clerks.iter().find(|c| c.clerk_id == clerk.actor_id().unwrap()).unwrap();
        assert_eq!((first.open, first.decided_this_month, first.rejected_or_cut_this_month), (1, 2, 1));
        assert_eq!(first.rate_percent.to_string(), "50.0");
        assert_eq!(full.state, "approved");

        let rates = board::mis_claim_rates(&world.app, &manager, board::RatesQuery::default()).await.unwrap();
        assert_eq!((rates.from.as_str(), rates.to.as_str()), ("2023-12", "2024-05"));
        let rows: Vec<(&str, u64, u64)> = rates.rows.iter().map(|r| (r.key.as_str(), r.decided, r.missed)).collect();
        assert_eq!(rows.len(), 2, "{which:?}: two clerks: {rows:?}");
        assert_eq!(
            rates.rows[0].rate_percent.to_string(),
            "100.0",
            "{which:?}: the second clerk's one claim was rejected"
        );
        let by_part = board::mis_claim_rates(
            &world.app,
            &manager,
            board::RatesQuery { by: Some("part".into()), ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(
            by_part.rows.iter().map(|r| (r.key.as_str(), r.decided, r.missed)).collect::<Vec<_>>(),
            vec![("12251-RNA-A01", 3, 2)]
        );
        // Every dimension tallies the same decided and missed claims, each grouped by its own key.
        let total = |rows: &[claimdesk_domain::warranty::rates::RateRow]| {
            (rows.iter().map(|r| r.decided).sum::<u64>(), rows.iter().map(|r| r.missed).sum::<u64>())
        };
        for by in ["model", "failure_code"] {
            let query = board::RatesQuery { by: Some(by.into()), ..Default::default() };
            let other = board::mis_claim_rates(&world.app, &manager, query).await.unwrap();
            assert_eq!(total(&other.rows), total(&rates.rows), "{which:?}: by {by}");
            assert!(
                other.rows.iter().all(|r| !r.key.is_empty() && r.month == "2024-05"),
                "{which:?}: {:?}",
                other.rows
            );
        }
        let wrong = board::mis_claim_rates(
            &world.app,
            &manager,
            board::RatesQuery { by: Some("colour".into()), from: Some("2024-5".into()), ..Default::default() },
        )
        .await;
        let wrong = fields(wrong);
        assert!(has(&wrong, "by", "unknown_value") && has(&wrong, "from", "month_format"), "{wrong:?}");
    }
}

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 2, 3];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

async fn attach(
    world: &World,
    actor: &claimdesk_app::actor::Actor,
    claim_id: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
) {
    let owner = attachments::Owner::new(OwnerKind::WarrantyClaim, claim_id);
    let upload =
        attachments::Upload { kind: kind.into(), file_name: name.into(), bytes: bytes.to_vec(), note: String::new() };
    attachments::upload(&world.app, actor, owner, upload).await.expect("upload");
}

#[tokio::test]
async fn photos_and_checklists_come_from_the_attachments_and_a_photo_used_twice_stops_the_second_claim() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        let codes = "code,description,checklist,photos\nP0300,发动机失火,是,是".lines();
        let rows: Vec<Vec<String>> = codes.map(|l| l.split(',').map(str::to_string).collect()).collect();
        warranty::import_catalogue(&world.app, &admin, "广汽本田", CatalogueKind::FailureCodes, rows).await.unwrap();
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let manager = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;

        let order = warranty_order(&world, &clerk, 621).await;
        let draft = warranty::create(&world.app, &clerk, claim_input(&order)).await.unwrap();
        let first = warranty::update(&world.app, &clerk, &draft.id, corrected_lines(&draft, "2")).await.unwrap();
        let bare = warranty::check(&world.app, &clerk, &first.id, BTreeMap::new()).await.unwrap();
        let rules: Vec<&str> = bare.claim.findings.iter().map(|f| f.rule.as_str()).collect();
        assert!(!bare.passed, "{which:?}");
        assert!(rules.contains(&"photo_missing") && rules.contains(&"checklist_missing"), "{which:?}: {rules:?}");

        attach(&world, &clerk, &first.id, "photo", "故障照片.jpg", JPEG).await;
        attach(&world, &clerk, &first.id, "checklist", "检点表.pdf", PDF).await;
        let passed = warranty::check(&world.app, &clerk, &first.id, BTreeMap::new()).await.unwrap();
        assert!(passed.passed, "{which:?}: {:?}", passed.claim.findings);
        warranty::act(&world.app, &clerk, &first.id, "submit", ActionInput::default()).await.unwrap();

        let order = warranty_order(&world, &clerk, 622).await;
        let draft = warranty::create(&world.app, &clerk, claim_input(&order)).await.unwrap();
        let second = warranty::update(&world.app, &clerk, &draft.id, corrected_lines(&draft, "2")).await.unwrap();
        attach(&world, &clerk, &second.id, "photo", "photo.jpg", JPEG).await;
        attach(&world, &clerk, &second.id, "checklist", "checklist.pdf", b"%PDF-1.4\nanother checklist\n%%EOF\n").await;
        let stopped = warranty::check(&world.app, &clerk, &second.id, BTreeMap::new()).await.unwrap();
        assert!(!stopped.passed, "{which:?}");
        let reused = stopped.claim.findings.iter().find(|f| f.rule == "attachment_reused").expect("reused photo");
        assert_eq!(reused.params.get("claim_no"), Some(&first.number), "{which:?}: {reused:?}");

        let bytes = archive::month_zip(&world.app, &manager, "2024-05", None).await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut photo = Vec::new();
        zip.by_name(&format!("BJ01/{}/files/01-故障照片.jpg", first.number)).unwrap().read_to_end(&mut photo).unwrap();
        assert_eq!(photo, JPEG, "{which:?}: the photo's bytes as uploaded");
        assert!(zip.by_name(&format!("BJ01/{}/files/02-检点表.pdf", first.number)).is_ok());
    }
}
