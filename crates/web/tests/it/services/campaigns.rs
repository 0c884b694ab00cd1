//! Recalls and campaigns, quality reports and technical bulletins on both databases: a VIN list with bad
//! rows refused whole and a good one matched to the stores' vehicles; the flag at reception; the vehicle
//! states with their contact attempts and the end-date due item; the completion report; campaign work
//! claimed; a repeated failure proposed and adopted; a bulletin assigned, confirmed and reminded.

use claimdesk_app::AppError;
use claimdesk_app::actor::Actor;
use claimdesk_app::attachments::{self, Owner, Upload};
use claimdesk_app::campaigns::import::{self as vin_import, VinImportResult};
use claimdesk_app::campaigns::{self, ContactInput, VehicleAction, VehicleListQuery};
use claimdesk_app::quality::{self, AdoptInput, BulletinInput, ReportListQuery, SendInput};
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::{warranty, worklist};
use claimdesk_domain::access::Role;
use claimdesk_domain::attachment::OwnerKind;
use claimdesk_domain::campaign::{CampaignInput, CampaignOp, CampaignPart};
use claimdesk_domain::quality::ReportInput;

use super::claims::{claim_input, set_up_brand, warranty_order};
use crate::helpers::{World, backends, fields, has, vin, with_vehicle};

pub fn campaign_input(code: &str) -> CampaignInput {
    CampaignInput {
        code: code.into(),
        brand: "广汽本田".into(),
        kind: "public_recall".into(),
        title: "更换气缸盖垫片".into(),
        description: "部分车辆气缸盖垫片可能漏气".into(),
        failure_code: "P0300".into(),
        starts_on: "2024-05-01".into(),
        ends_on: "2024-06-30".into(),
        labor_ops: vec![CampaignOp {
            code: "10-01".into(), description: "更换气缸盖垫片".into(), hours: "2.0".into()
        }],
        parts: vec![CampaignPart {
            part_no: "12251-RNA-A01".into(), name: "气缸盖垫片".into(), quantity: "1".into()
        }],
    }
}

fn csv(vins: &[String]) -> Vec<u8> {
    let mut text = String::from("车架号(VIN),备注\n");
    for vin in vins {
        text.push_str(vin);
        text.push_str(",\n");
    }
    text.into_bytes()
}

async fn imported(world: &World, admin: &Actor, campaign_id: &str, vins: &[String]) -> VinImportResult {
    vin_import::import(&world.app, admin, campaign_id, csv(vins)).await.expect("import")
}

#[tokio::test]
async fn a_vin_list_with_bad_rows_is_refused_whole_and_a_good_one_finds_the_stores_vehicles() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("group.admin", None, Role::GroupAdmin).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let sh_clerk = world.person("sh01.clerk", Some(&world.store_b), Role::WarrantyClerk).await;
        world.customer(&clerk, "王召回", 1).await;
        world.customer(&sh_clerk, "李召回", 2).await;

        let refused = campaigns::create(&world.app, &clerk, campaign_input("R2024-017")).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{which:?}: a store clerk does not enter campaigns");
        let campaign = campaigns::create(&world.app, &admin, campaign_input("r2024-017")).await.expect("campaign");
        assert_eq!(campaign.code, "R2024-017");
        let twice = campaigns::create(&world.app, &admin, campaign_input("R2024-017")).await;
        assert!(has(&fields(twice), "code", "campaign_code_taken"), "{which:?}");

        let (bad, _) = crate::helpers::bad_vin(9);
        let mut rows = vec![vin(1), vin(2), bad, vin(3), vin(1)];
        let preview = vin_import::preview(&world.app, &admin, &campaign.id, csv(&rows)).await.unwrap();
        let found: Vec<(u32, &str)> = preview.errors.iter().map(|e| (e.row, e.violation.code)).collect();
        assert_eq!(found, vec![(4, "vin_check_digit"), (6, "import_duplicate_vin")], "{which:?}");
        assert_eq!((preview.rows, preview.valid, preview.known), (5, 3, 2));
        match imported(&world, &admin, &campaign.id, &rows).await {
            VinImportResult::Rejected { errors, .. } => assert_eq!(errors.len(), 2),
            other => panic!("{which:?}: {other:?}"),
        }
        assert_eq!(world.count("campaign_vehicles").await, 0, "{which:?}: nothing written");

        rows.truncate(2);
        rows.push(vin(3));
        match imported(&world, &admin, &campaign.id, &rows).await {
            VinImportResult::Imported { vehicles, known, stores, .. } => {
                assert_eq!((vehicles, known, stores), (3, 2, 2))
            }
            other => panic!("{which:?}: {other:?}"),
        }
        let again = vin_import::preview(&world.app, &admin, &campaign.id, csv(&[vin(3), vin(4)])).await.unwrap();
        assert_eq!(again.errors[0].violation.code, "campaign_vin_listed", "{which:?}");
        assert_eq!(again.valid, 1);

        // Each store sees its own vehicle; the group admin also sees the VIN no store has.
        let mine = campaigns::vehicles(&world.app, &clerk, &campaign.id, VehicleListQuery::default()).await.unwrap();
        assert_eq!(mine.items.iter().map(|v| v.vin.clone()).collect::<Vec<_>>(), vec![vin(1)], "{which:?}");
        let all = campaigns::vehicles(&world.app, &admin, &campaign.id, VehicleListQuery::default()).await.unwrap();
        assert_eq!(all.total, 3);
        let view = campaigns::get(&world.app, &admin, &campaign.id).await.unwrap();
        assert_eq!((view.vehicle_count, view.completion.due), (3, 3));
        // Each store with vehicles on the list has the end-date item on its clerk's worklist.
        assert_eq!(world.count("due_items WHERE kind = 'campaign_deadline' AND status = 'open'").await, 2);
    }
}

#[tokio::test]
async fn an_open_campaign_flags_the_vehicle_until_it_is_done_and_states_follow_the_rules() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let admin = world.login("group.admin").await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let sh_clerk = world.person("sh01.clerk", Some(&world.store_b), Role::WarrantyClerk).await;
        let order = warranty_order(&world, &clerk, 11).await;
        let other = world.customer(&clerk, "赵其他", 12).await;
        let campaign = campaigns::create(&world.app, &admin, campaign_input("R2024-018")).await.unwrap();
        imported(&world, &admin, &campaign.id, &[vin(11), vin(12), vin(13)]).await;

        let flags = campaigns::flags(&world.app, &clerk, vec![vin(11), vin(14)]).await.unwrap();
        assert_eq!(flags.len(), 1, "{which:?}");
        assert_eq!((flags[0].code.as_str(), flags[0].state.as_str()), ("R2024-018", "due"));
        let id = flags[0].campaign_vehicle_id.clone();
        let twelve = campaigns::flags(&world.app, &clerk, vec![vin(12)]).await.unwrap()[0].campaign_vehicle_id.clone();

        // Another store's vehicle answers 404, like a missing one.
        let hidden = campaigns::vehicle(&world.app, &sh_clerk, &id).await;
        assert!(matches!(hidden, Err(AppError::NotFound)), "{which:?}");

        // Unreachable needs three recorded attempts.
        let contact = || ContactInput { channel: "phone".into(), outcome: "no_answer".into(), note: String::new() };
        for _ in 0..2 {
            campaigns::contact(&world.app, &clerk, &twelve, contact()).await.expect("contact");
        }
        let early = campaigns::act(&world.app, &clerk, &twelve, "unreachable", VehicleAction::default()).await;
        assert!(has(&fields(early), "action", "campaign_contacts_needed"), "{which:?}");
        campaigns::contact(&world.app, &clerk, &twelve, contact()).await.unwrap();
        let lost = campaigns::act(&world.app, &clerk, &twelve, "unreachable", VehicleAction::default()).await.unwrap();
        assert_eq!((lost.vehicle.state.as_str(), lost.contacts.len()), ("unreachable", 3), "{which:?}");
        assert_eq!(campaigns::flags(&world.app, &clerk, vec![vin(12)]).await.unwrap().len(), 1, "still flagged");
        let elsewhere = VehicleAction { done_on: Some("2024-05-10".into()), ..VehicleAction::default() };
        let elsewhere = campaigns::act(&world.app, &clerk, &twelve, "done_elsewhere", elsewhere).await.unwrap();
        assert_eq!(elsewhere.vehicle.done_on.as_deref(), Some("2024-05-10"));

        // Done needs the repair order of this VIN.
        let missing = campaigns::act(&world.app, &clerk, &id, "done", VehicleAction::default()).await;
        assert!(has(&fields(missing), "repair_order_id", "required"), "{which:?}");
        let other_order = repair_orders::create(
            &world.app,
            &clerk,
            RepairOrderInput {
                vehicle_id: other.vehicles[0].id.clone(),
                kind: "repair".into(),
                mileage_in: Some(2_000),
                ..RepairOrderInput::default()
            },
        )
        .await
        .unwrap();
        let wrong = VehicleAction { repair_order_id: Some(other_order.id.clone()), ..VehicleAction::default() };
        let wrong = campaigns::act(&world.app, &clerk, &id, "done", wrong).await;
        assert!(has(&fields(wrong), "repair_order_id", "campaign_order_other_vin"), "{which:?}");
        let done = VehicleAction { repair_order_id: Some(order.id.clone()), ..VehicleAction::default() };
        let done = campaigns::act(&world.app, &clerk, &id, "done", done).await.unwrap();
        assert_eq!((done.vehicle.state.as_str(), done.vehicle.done_on.as_deref()), ("done", Some("2024-05-13")));
        assert!(campaigns::flags(&world.app, &clerk, vec![vin(11)]).await.unwrap().is_empty(), "{which:?}");
        assert_eq!(
            world.count("due_items WHERE kind = 'campaign_deadline' AND status = 'done'").await,
            1,
            "{which:?}: the store's last open vehicle closes its end-date item"
        );

        // The work is claimed like any other claim: kind campaign, linked to the campaign vehicle.
        let claim = campaigns::claim(&world.app, &clerk, &id).await.expect("campaign claim");
        assert_eq!((claim.kind.as_str(), claim.failure_code.as_str()), ("campaign", "P0300"), "{which:?}");
        assert_eq!(claim.lines.len(), 2);
        assert_eq!(claim.amounts.total.to_string(), "400.00", "{which:?}: 2 h × 150.00 + 100.00");
        let linked = campaigns::vehicle(&world.app, &clerk, &id).await.unwrap();
        assert_eq!(linked.vehicle.claim_id.as_deref(), Some(claim.id.as_str()));
        let twice = campaigns::claim(&world.app, &clerk, &id).await;
        assert!(matches!(twice, Err(AppError::Conflict("campaign_already_claimed"))), "{which:?}");

        // The completion report counts every state and names the repair order and claim.
        let report = campaigns::report(&world.app, &admin, &campaign.id).await.unwrap();
        let c = report.campaign.completion;
        assert_eq!((c.total, c.done, c.done_elsewhere, c.due, c.unreachable), (3, 1, 1, 1, 0), "{which:?}");
        assert_eq!(report.campaign.completion_percent, "66.7");
        let line = report.vehicles.iter().find(|l| l.vin == vin(11)).unwrap();
        assert_eq!(line.repair_order.as_deref(), Some(order.number.as_str()));
        assert_eq!(line.claim.as_deref(), Some(claim.number.as_str()));
        assert_eq!(report.stores.iter().map(|s| s.store_code.as_str()).collect::<Vec<_>>(), vec!["", "BJ01"]);

        // Reopened by mistake, then the campaign closed: no flag, no open item.
        campaigns::act(&world.app, &clerk, &twelve, "reopen", VehicleAction::default()).await.unwrap();
        assert_eq!(world.count("due_items WHERE kind = 'campaign_deadline' AND status = 'open'").await, 1);
        campaigns::set_state(&world.app, &admin, &campaign.id, "close").await.unwrap();
        assert!(campaigns::flags(&world.app, &clerk, vec![vin(12)]).await.unwrap().is_empty(), "{which:?}");
        assert_eq!(world.count("due_items WHERE kind = 'campaign_deadline' AND status = 'open'").await, 0);
        let closed = campaigns::contact(&world.app, &clerk, &twelve, contact()).await;
        assert!(matches!(closed, Err(AppError::Conflict("campaign_closed"))), "{which:?}");
    }
}

#[tokio::test]
async fn a_vin_registered_after_the_import_is_flagged_and_becomes_the_stores_on_its_first_change() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("group.admin", None, Role::GroupAdmin).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let campaign = campaigns::create(&world.app, &admin, campaign_input("R2024-019")).await.unwrap();
        imported(&world, &admin, &campaign.id, &[vin(21)]).await;
        assert_eq!(world.count("due_items WHERE kind = 'campaign_deadline'").await, 0, "{which:?}: no store yet");
        claimdesk_app::customers::create(&world.app, &clerk, with_vehicle("钱新车", 21)).await.unwrap();
        let flag = campaigns::flags(&world.app, &clerk, vec![vin(21)]).await.unwrap();
        assert_eq!(flag.len(), 1, "{which:?}: the flag follows the VIN");
        let id = flag[0].campaign_vehicle_id.clone();
        let contact = ContactInput { channel: "sms".into(), outcome: "booked".into(), note: "周六到店".into() };
        let detail = campaigns::contact(&world.app, &clerk, &id, contact).await.expect("contact");
        assert_eq!(detail.vehicle.store_id.as_deref(), Some(world.store_a.as_str()), "{which:?}");
        assert!(detail.vehicle.vehicle_id.is_some());
        assert_eq!(world.count("due_items WHERE kind = 'campaign_deadline' AND status = 'open'").await, 1);
    }
}

#[tokio::test]
async fn a_repeated_failure_is_proposed_adopted_once_and_sent_to_the_manufacturer() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let manager = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        for serial in [31, 32] {
            let order = warranty_order(&world, &clerk, serial).await;
            warranty::create(&world.app, &clerk, claim_input(&order)).await.expect("claim");
        }
        assert!(quality::proposals(&world.app, &clerk, None).await.unwrap().is_empty(), "{which:?}: two cars");
        let set = quality::set_threshold(&world.app, &clerk, None, 2).await;
        assert!(matches!(set, Err(AppError::Forbidden)), "{which:?}: the manager sets N");
        quality::set_threshold(&world.app, &manager, None, 2).await.expect("threshold");
        let proposals = quality::proposals(&world.app, &clerk, None).await.unwrap();
        let keys: Vec<String> = proposals.iter().map(|p| p.key()).collect();
        assert_eq!(keys, vec!["雅阁|failure_code|P0300", "雅阁|part|12251-RNA-A01"], "{which:?}");
        assert_eq!(proposals[1].vins, vec![vin(31), vin(32)]);

        let report = quality::adopt(
            &world.app,
            &clerk,
            AdoptInput { key: keys[1].clone(), departments: vec!["technical".into()], ..AdoptInput::default() },
        )
        .await
        .expect("adopted");
        assert_eq!((report.part_no.as_str(), report.affected, report.state.as_str()), ("12251-RNA-A01", 2, "draft"));
        assert_eq!(report.basis["claim_ids"].as_array().map(Vec::len), Some(2), "{which:?}");
        let left = quality::proposals(&world.app, &clerk, None).await.unwrap();
        assert_eq!(left.len(), 1, "{which:?}: an adopted failure is not proposed again");
        let gone =
            quality::adopt(&world.app, &clerk, AdoptInput { key: keys[1].clone(), ..AdoptInput::default() }).await;
        assert!(has(&fields(gone), "key", "quality_proposal_gone"), "{which:?}");

        // A report by hand, then both sent; the manufacturer's export lists what was sent.
        let bad =
            quality::create(&world.app, &clerk, ReportInput { frequency: "often".into(), ..ReportInput::default() })
                .await;
        assert!(has(&fields(bad), "frequency", "unknown_value"), "{which:?}");
        let manual = quality::create(
            &world.app,
            &clerk,
            ReportInput {
                vehicle_id: report.vehicle_id.clone(),
                part_name: "仪表台".into(),
                symptom: "低温时仪表台异响".into(),
                frequency: "intermittent".into(),
                ..ReportInput::default()
            },
        )
        .await
        .expect("manual report");
        assert!(manual.number.starts_with("ZL20240513"), "{}", manual.number);
        let sent = quality::send(
            &world.app,
            &clerk,
            &report.id,
            SendInput { departments: vec!["technical".into(), "parts".into()] },
        )
        .await
        .unwrap();
        assert_eq!((sent.state.as_str(), sent.departments.len()), ("sent", 2));
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 2, 3];
        let photo = Upload { kind: "photo".into(), file_name: "垫片.jpg".into(), bytes: jpeg, note: String::new() };
        attachments::upload(&world.app, &clerk, Owner::new(OwnerKind::QualityReport, report.id.clone()), photo)
            .await
            .expect("photo on the report");
        let again = quality::send(&world.app, &clerk, &report.id, SendInput::default()).await;
        assert!(matches!(again, Err(AppError::Conflict("illegal_transition"))), "{which:?}");
        let export = quality::export(&world.app, &clerk, None).await.unwrap();
        let reports = export["reports"].as_array().unwrap();
        assert_eq!(reports.len(), 1, "{which:?}: drafts are not sent");
        assert_eq!(reports[0]["store_code"], "BJ01");
        assert_eq!(reports[0]["photos"][0]["file_name"], "垫片.jpg", "{which:?}");
        let drafts =
            quality::list(&world.app, &clerk, ReportListQuery { state: Some("draft".into()), ..Default::default() })
                .await
                .unwrap();
        assert_eq!(drafts.total, 1);
    }
}

#[tokio::test]
async fn a_bulletin_goes_to_each_stores_managers_until_they_confirm_reading_it() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("group.admin", None, Role::GroupAdmin).await;
        let bj = world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        let bj2 = world.person("bj01.manager2", Some(&world.store_a), Role::Supervisor).await;
        let sh_admin = world.person("sh01.admin", Some(&world.store_b), Role::StoreAdmin).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let input = BulletinInput {
            number: "tb-2024-031".into(),
            brand: "广汽本田".into(),
            title: "雅阁冷启动异响处理".into(),
            body: "更新发动机控制单元软件".into(),
            ..BulletinInput::default()
        };
        let refused = quality::publish(&world.app, &bj, input.clone()).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{which:?}");
        let bulletin = quality::publish(&world.app, &admin, input).await.expect("bulletin");
        assert_eq!(bulletin.bulletin.number, "TB-2024-031");
        assert_eq!(bulletin.readers.len(), 3, "{which:?}: two managers, and SH01's admin for want of one");
        assert_eq!(world.count("due_items WHERE kind = 'bulletin_read' AND status = 'open'").await, 3);
        let mine = worklist::my_worklist(&world.app, &bj).await.unwrap();
        let item = mine.this_week.iter().find(|i| i.kind == "bulletin_read").expect("on the worklist");
        assert_eq!(item.due_on, "2024-05-16", "{which:?}: three days to read");

        let read = quality::confirm_read(&world.app, &bj, &bulletin.bulletin.id).await.unwrap();
        assert!(!read.mine_unread, "{which:?}");
        assert_eq!(read.unread, 1, "{which:?}: BJ01 sees its own two readers");
        assert_eq!(world.count("due_items WHERE kind = 'bulletin_read' AND status = 'open'").await, 2);
        let twice = quality::confirm_read(&world.app, &bj, &bulletin.bulletin.id).await;
        assert!(matches!(twice, Err(AppError::Conflict("bulletin_already_read"))), "{which:?}");
        let not_mine = quality::confirm_read(&world.app, &clerk, &bulletin.bulletin.id).await;
        assert!(matches!(not_mine, Err(AppError::NotFound)), "{which:?}");
        quality::confirm_read(&world.app, &bj2, &bulletin.bulletin.id).await.unwrap();
        quality::confirm_read(&world.app, &sh_admin, &bulletin.bulletin.id).await.unwrap();
        assert_eq!(world.count("due_items WHERE kind = 'bulletin_read' AND status = 'open'").await, 0);
        let listed = quality::bulletins(&world.app, &admin, Default::default()).await.unwrap();
        assert_eq!((listed.total, listed.items[0].unread), (1, 0), "{which:?}");
    }
}
