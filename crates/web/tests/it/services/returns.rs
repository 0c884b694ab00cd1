//! Parts return on both databases: parts tagged when their claim is submitted, a shipment proposed from the
//! waiting tags, packed by the brand's limits with the battery alone, shipped with a tracking number (the
//! period's due item done), inspected with a rejected and a missing part charged back on their claims; parts
//! not wanted back scrapped after the hold period; another store's shipment answers 404.

use std::collections::BTreeMap;

use claimdesk_app::AppError;
use claimdesk_app::actor::Actor;
use claimdesk_app::parts_return::{
    self as returns, ProposeInput, ShipmentActionInput, ShipmentListQuery, TagInput, TagListQuery,
};
use claimdesk_app::warranty::{self, ActionInput, ClaimView};
use claimdesk_domain::Money;
use claimdesk_domain::access::Role;
use claimdesk_domain::parts_return::{InspectionInput, PackLimits, ReturnRules};
use claimdesk_domain::warranty::lines::LineInput;

use super::claims::{claim_input, set_up_brand, warranty_order};
use crate::helpers::{World, backends, fields, has};

const BRAND: &str = "广汽本田";

/// A claim for one part (the catalogue's 100.00 cylinder-head gasket), checked and submitted.
pub async fn submitted_claim(world: &World, clerk: &Actor, serial: u32) -> ClaimView {
    let order = warranty_order(world, clerk, serial).await;
    let mut input = claim_input(&order);
    let mut lines: Vec<LineInput> =
        warranty::draft_from_order(&world.app, clerk, &order.id).await.unwrap().lines.unwrap();
    lines[0].hours = Some("2".into());
    lines[1].unit_price = None;
    input.lines = Some(lines);
    let claim = warranty::create(&world.app, clerk, input).await.expect("claim");
    assert!(warranty::check(&world.app, clerk, &claim.id, BTreeMap::new()).await.unwrap().passed);
    warranty::act(&world.app, clerk, &claim.id, "submit", ActionInput::default()).await.expect("submit")
}

/// The id of a claim's first tag.
pub async fn first_tag(world: &World, clerk: &Actor, claim_id: &str) -> String {
    returns::tags_of_claim(&world.app, clerk, claim_id).await.unwrap().remove(0).id
}

fn weigh(kg: &str, hazardous: bool) -> TagInput {
    TagInput {
        location: Some("A-01-03".into()),
        weight_kg: Some(kg.into()),
        length_cm: Some(30),
        width_cm: Some(20),
        height_cm: Some(10),
        hazardous: Some(hazardous),
        ..TagInput::default()
    }
}

fn result(tag: &str, result: &str, reason: &str) -> InspectionInput {
    InspectionInput { tag: tag.into(), result: result.into(), reason: reason.into() }
}

#[tokio::test]
async fn tagged_parts_are_proposed_packed_shipped_and_inspected_with_debits() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        let rules = ReturnRules {
            limits: PackLimits { max_parts: 2, max_weight_g: 10_000, hazardous_per_box: 1, ..PackLimits::default() },
            ..ReturnRules::default()
        };
        returns::save_rules(&world.app, &admin, BRAND, rules, None).await.expect("rules");
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let mut claims = Vec::new();
        for serial in [601, 602, 603] {
            claims.push(submitted_claim(&world, &clerk, serial).await);
        }

        // One tag per part line, made on submission, printed with claim, VIN, part and failure code.
        let tags = returns::tags_of_claim(&world.app, &clerk, &claims[0].id).await.unwrap();
        assert_eq!(tags.len(), 1, "{which:?}");
        let tag = &tags[0];
        assert_eq!(tag.number, format!("{}-02", claims[0].number));
        assert_eq!((tag.part_no.as_str(), tag.failure_code.as_str()), ("12251-RNA-A01", "P0300"));
        assert_eq!((tag.state.as_str(), tag.return_required, tag.tagged_on.as_str()), ("stored", true, "2024-05-13"));
        assert!(tag.qr_text.contains(&claims[0].vin), "{}", tag.qr_text);
        let again = returns::tag_claim(&world.app, &clerk, &claims[0].id).await.unwrap();
        assert_eq!(again.len(), 1, "{which:?}: tagging twice makes no second tag");
        let open = "due_items WHERE kind = 'parts_return' AND status = 'open'";
        assert_eq!(world.count(open).await, 1, "{which:?}: one due item for the month, not one per claim");
        assert_eq!(world.count("due_items WHERE kind = 'parts_return' AND due_on = '2024-05-31'").await, 1);

        let waiting = TagListQuery { state: Some("waiting".into()), ..TagListQuery::default() };
        assert_eq!(returns::list_tags(&world.app, &clerk, waiting.clone()).await.unwrap().total, 3, "{which:?}");

        let propose = || ProposeInput { brand: BRAND.into(), ..ProposeInput::default() };
        let shipment = returns::propose(&world.app, &clerk, propose()).await.expect("proposed");
        assert_eq!((shipment.state.as_str(), shipment.part_count), ("proposed", 3), "{which:?}");
        assert_eq!((shipment.period.as_str(), shipment.due_on.as_str()), ("2024-05", "2024-05-31"));
        assert!(shipment.number.starts_with("RS202405-"), "{}", shipment.number);
        assert_eq!(returns::list_tags(&world.app, &clerk, waiting).await.unwrap().total, 0);
        let nothing = returns::propose(&world.app, &clerk, propose()).await;
        assert!(has(&fields(nothing), "brand", "nothing_to_return"), "{which:?}");

        // Unweighed parts cannot be packed; each is named.
        let unweighed = returns::act(&world.app, &clerk, &shipment.id, "pack", ShipmentActionInput::default()).await;
        let problems = fields(unweighed);
        assert_eq!(problems.len(), 3, "{which:?}: {problems:?}");
        assert!(problems.iter().all(|(_, code)| code == "weight_required"));

        let by_number: Vec<String> = shipment.tags.iter().map(|t| t.number.clone()).collect();
        for (tag, (kg, hazardous)) in shipment.tags.iter().zip([("4", false), ("5.5", false), ("3", true)]) {
            let weighed = returns::update_tag(&world.app, &clerk, &tag.id, weigh(kg, hazardous)).await.unwrap();
            assert_eq!(weighed.location, "A-01-03");
        }
        let bad = returns::update_tag(
            &world.app,
            &clerk,
            &shipment.tags[0].id,
            TagInput { weight_kg: Some("heavy".into()), ..TagInput::default() },
        )
        .await;
        assert!(has(&fields(bad), "weight_kg", "number_format"), "{which:?}");

        let packed = returns::act(&world.app, &clerk, &shipment.id, "pack", ShipmentActionInput::default())
            .await
            .expect("packed");
        assert_eq!(packed.state, "packed");
        assert_eq!((packed.box_count, packed.weight_kg.as_str()), (2, "12.5"), "{which:?}: {:?}", packed.boxes);
        assert_eq!(packed.boxes[0].tags, vec![by_number[1].clone(), by_number[0].clone()], "5.5 + 4 kg");
        assert_eq!((packed.boxes[1].hazardous, packed.boxes[1].tags.clone()), (true, vec![by_number[2].clone()]));
        assert!(packed.tags.iter().all(|t| t.box_no.is_some()));
        let locked = returns::update_tag(&world.app, &clerk, &packed.tags[0].id, weigh("1", false)).await;
        assert!(matches!(locked, Err(AppError::Conflict("tag_locked"))), "{which:?}: {locked:?}");

        let untracked = returns::act(&world.app, &clerk, &shipment.id, "ship", ShipmentActionInput::default()).await;
        let problems = fields(untracked);
        assert!(has(&problems, "carrier", "required") && has(&problems, "tracking_no", "required"), "{which:?}");
        let ship = ShipmentActionInput {
            carrier: "顺丰速运".into(),
            tracking_no: "SF1234567890".into(),
            ..ShipmentActionInput::default()
        };
        let shipped = returns::act(&world.app, &clerk, &shipment.id, "ship", ship).await.expect("shipped");
        assert_eq!((shipped.state.as_str(), shipped.tracking_no.as_str()), ("shipped", "SF1234567890"));
        assert!(shipped.tags.iter().all(|t| t.state == "shipped"), "{which:?}");
        assert_eq!(world.count(open).await, 0, "{which:?}: shipped, the month's item is done");
        let late = returns::act(&world.app, &clerk, &shipment.id, "cancel", ShipmentActionInput::default()).await;
        assert!(matches!(late, Err(AppError::Conflict("illegal_transition"))), "{which:?}");

        // Another store's clerk does not see it at all.
        let other = world.person("sh01.clerk", Some(&world.store_b), Role::WarrantyClerk).await;
        let hidden = returns::get_shipment(&world.app, &other, &shipment.id).await;
        assert!(matches!(hidden, Err(AppError::NotFound)), "{which:?}");

        let received = ShipmentActionInput { received_on: Some("2024-05-20".into()), ..ShipmentActionInput::default() };
        let received = returns::act(&world.app, &clerk, &shipment.id, "receive", received).await.unwrap();
        assert_eq!(received.received_on.as_deref(), Some("2024-05-20"));

        let missing_reason = ShipmentActionInput {
            items: vec![
                result(&by_number[0], "accepted", ""),
                result(&by_number[1], "rejected", ""),
                result(&by_number[2], "missing", ""),
            ],
            ..ShipmentActionInput::default()
        };
        let refused = returns::act(&world.app, &clerk, &shipment.id, "inspect", missing_reason).await;
        assert!(has(&fields(refused), "items[1].reason", "required"), "{which:?}");
        let inspection = ShipmentActionInput {
            items: vec![
                result(&by_number[0], "accepted", ""),
                result(&by_number[1], "rejected", "非故障件"),
                result(&by_number[2], "missing", ""),
            ],
            ..ShipmentActionInput::default()
        };
        let inspected = returns::act(&world.app, &clerk, &shipment.id, "inspect", inspection).await.expect("inspected");
        assert_eq!(inspected.state, "inspected");
        assert_eq!(inspected.debit, Money::yuan(200), "{which:?}: two parts at the claimed 100.00");
        assert_eq!(inspected.debits.len(), 2);
        assert_eq!(inspected.debits[0].note, "非故障件");
        for tag in &inspected.tags {
            let position = by_number.iter().position(|n| *n == tag.number).unwrap();
            assert_eq!(tag.state, ["accepted", "rejected", "missing"][position], "{which:?}: {}", tag.number);
        }
        assert_eq!(world.count("parts_return_debits").await, 2, "{which:?}");
        assert_eq!(world.count("audit_log WHERE action = 'parts_debit' AND entity = 'warranty_claim'").await, 2);
    }
}

#[tokio::test]
async fn the_scheduler_proposes_each_cycles_shipment_once_on_its_day() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        for serial in [621, 622] {
            submitted_claim(&world, &clerk, serial).await;
        }
        let shipments = "return_shipments";
        let open_due = "due_items WHERE kind = 'parts_return' AND status = 'open'";
        // Monthly, due on the 31st, proposed seven days before: nothing on the 13th.
        assert_eq!(returns::propose_due_shipments(&world.app).await.unwrap(), 0, "{which:?}");
        assert_eq!(world.count(shipments).await, 0, "{which:?}");

        world.clock.set("2024-05-24T02:00:00Z".parse().unwrap());
        // Two app servers on the same pass propose one shipment between them.
        let (first, second) =
            tokio::join!(returns::propose_due_shipments(&world.app), returns::propose_due_shipments(&world.app));
        assert_eq!(first.unwrap() + second.unwrap(), 1, "{which:?}");
        let list = returns::list_shipments(&world.app, &clerk, ShipmentListQuery::default()).await.unwrap();
        assert_eq!(list.total, 1, "{which:?}");
        let proposed = returns::get_shipment(&world.app, &clerk, &list.items[0].id).await.unwrap();
        assert_eq!((proposed.state.as_str(), proposed.part_count), ("proposed", 2), "{which:?}");
        assert_eq!((proposed.period.as_str(), proposed.due_on.as_str()), ("2024-05", "2024-05-31"));
        assert_eq!(world.count(open_due).await, 1, "{which:?}: the month's item, due on the ship-by day");
        assert_eq!(world.count("due_items WHERE kind = 'parts_return' AND due_on = '2024-05-31'").await, 1);
        assert_eq!(world.count("audit_log WHERE entity = 'return_shipment' AND action = 'create'").await, 1);

        // Once per cycle: a part tagged later in May waits, and the button still proposes it.
        submitted_claim(&world, &clerk, 623).await;
        assert_eq!(returns::propose_due_shipments(&world.app).await.unwrap(), 0, "{which:?}");
        let by_hand = ProposeInput { brand: BRAND.into(), ..ProposeInput::default() };
        let button = returns::propose(&world.app, &clerk, by_hand).await.expect("the button");
        assert_eq!(button.part_count, 1, "{which:?}");
        // A proposal the clerk cancels is not made again behind their back.
        returns::act(&world.app, &clerk, &proposed.id, "cancel", ShipmentActionInput::default()).await.unwrap();
        assert_eq!(returns::propose_due_shipments(&world.app).await.unwrap(), 0, "{which:?}");

        // June's day: the parts still waiting (May's two, back from the cancelled shipment) go in June's
        // shipment, with June's due item; shipping it closes May's item too.
        world.clock.set("2024-06-23T02:00:00Z".parse().unwrap());
        assert_eq!(returns::propose_due_shipments(&world.app).await.unwrap(), 1, "{which:?}");
        let june = ShipmentListQuery { state: Some("proposed".into()), ..ShipmentListQuery::default() };
        let june = returns::list_shipments(&world.app, &clerk, june).await.unwrap();
        let june = june.items.iter().find(|s| s.period == "2024-06").expect("June's shipment");
        assert_eq!((june.part_count, june.due_on.as_str()), (2, "2024-06-30"), "{which:?}");
        assert_eq!(world.count("due_items WHERE kind = 'parts_return' AND due_on = '2024-06-30'").await, 1);
        let june = returns::get_shipment(&world.app, &clerk, &june.id).await.unwrap();
        for tag in &june.tags {
            returns::update_tag(&world.app, &clerk, &tag.id, weigh("2", false)).await.unwrap();
        }
        returns::act(&world.app, &clerk, &june.id, "pack", ShipmentActionInput::default()).await.expect("packed");
        let ship = ShipmentActionInput {
            carrier: "顺丰速运".into(),
            tracking_no: "SF2024062301".into(),
            ..ShipmentActionInput::default()
        };
        returns::act(&world.app, &clerk, &june.id, "ship", ship).await.expect("shipped");
        assert_eq!(world.count(open_due).await, 0, "{which:?}: June's and May's items are done");
        assert_eq!(returns::propose_due_shipments(&world.app).await.unwrap(), 0, "{which:?}: nothing waits");
    }
}

#[tokio::test]
async fn parts_not_wanted_back_are_scrapped_after_the_hold_period_with_a_record() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        let rules = ReturnRules {
            return_all: false,
            min_unit_price: Money::yuan(500),
            hold_days: 30,
            ..ReturnRules::default()
        };
        returns::save_rules(&world.app, &admin, BRAND, rules, None).await.expect("rules");
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let claim = submitted_claim(&world, &clerk, 611).await;
        let tag = returns::tags_of_claim(&world.app, &clerk, &claim.id).await.unwrap().remove(0);
        assert!(!tag.return_required, "{which:?}: a 100.00 part is below the 500.00 the manufacturer wants back");
        assert_eq!(tag.scrap_from.as_deref(), Some("2024-06-12"));
        assert_eq!(world.count("due_items WHERE kind = 'parts_return'").await, 0, "{which:?}: nothing to send");
        let early = returns::propose(&world.app, &clerk, ProposeInput { brand: BRAND.into(), ..Default::default() });
        assert!(has(&fields(early.await), "brand", "nothing_to_return"));

        let held = returns::scrap_due(&world.app, &clerk, None, "").await;
        assert!(has(&fields(held), "store_id", "nothing_to_scrap"), "{which:?}: still in its hold period");
        world.clock.advance_hours(30 * 24);
        let record = returns::scrap_due(&world.app, &clerk, None, "厂家不回收").await.expect("scrapped");
        assert_eq!((record.part_count, record.tags.clone()), (1, vec![tag.number.clone()]), "{which:?}");
        assert!(record.number.starts_with("SC2024-"));
        let scrapped = returns::get_tag(&world.app, &clerk, &tag.id).await.unwrap();
        assert_eq!(scrapped.state, "scrapped");
        assert_eq!(returns::list_scraps(&world.app, &clerk).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn only_the_group_admin_sets_return_rules_and_bad_figures_are_named() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let denied = returns::save_rules(&world.app, &clerk, BRAND, ReturnRules::default(), None).await;
        assert!(matches!(denied, Err(AppError::Forbidden)), "{which:?}");
        let bad = ReturnRules { cycle_months: 5, ..ReturnRules::default() };
        let refused = returns::save_rules(&world.app, &admin, BRAND, bad, None).await;
        assert!(has(&fields(refused), "cycle_months", "unknown_value"), "{which:?}");
        let quarterly =
            ReturnRules { cycle_months: 3, part_prefixes: vec![" 31500- ".into()], ..ReturnRules::default() };
        let saved = returns::save_rules(&world.app, &admin, BRAND, quarterly, None).await.unwrap();
        assert_eq!((saved.version, saved.rules.part_prefixes.clone()), (1, vec!["31500-".to_string()]));
        let stale = returns::save_rules(&world.app, &admin, BRAND, ReturnRules::default(), Some(7)).await;
        assert!(matches!(stale, Err(AppError::Conflict("stale_version"))), "{which:?}");
        let read = returns::return_rules(&world.app, &clerk, BRAND).await.unwrap();
        assert!(read.configured && read.rules.cycle_months == 3, "{which:?}");
    }
}
