//! Repair orders: exact amounts, the odometer rules and the state machine.

use claimdesk_app::AppError;
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_domain::access::Role;
use claimdesk_domain::repair_order::ItemInput;

use crate::helpers::{World, backends, fields, has};

fn visit(vehicle_id: &str, mileage: i64) -> RepairOrderInput {
    RepairOrderInput {
        vehicle_id: vehicle_id.into(),
        kind: "maintenance".into(),
        mileage_in: Some(mileage),
        complaint: "定期保养".into(),
        ..RepairOrderInput::default()
    }
}

#[tokio::test]
async fn amounts_are_exact() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let customer = world.customer(&advisor, "钱多多", 21).await;
        let mut input = visit(&customer.vehicles[0].id, 5_000);
        input.items = vec![
            ItemInput {
                kind: "part".into(),
                part_no: "15400-RTA-003".into(),
                description: "机油滤清器".into(),
                quantity: Some("3".into()),
                unit_price: Some("33.33".into()),
                ..ItemInput::default()
            },
            ItemInput {
                kind: "labor".into(),
                code: "LB-01".into(),
                description: "检查".into(),
                hours: Some("0.5".into()),
                unit_price: Some("180.00".into()),
                ..ItemInput::default()
            },
        ];
        let order = repair_orders::create(&world.app, &advisor, input).await.expect("order");
        let amounts: Vec<String> = order.items.iter().map(|item| item.amount.to_string()).collect();
        assert_eq!(amounts, vec!["99.99", "90.00"], "{which:?}");
        assert_eq!(order.total.to_string(), "189.99", "{which:?}");
        assert_eq!(order.status, "open");
        assert!(order.number.starts_with("RO20240513"), "{}", order.number);
        // Read back from the database, not just echoed.
        let again = repair_orders::get(&world.app, &advisor, &order.id).await.unwrap();
        assert_eq!(again.total.to_string(), "189.99", "{which:?}");
        assert_eq!(serde_json::to_value(&again).unwrap()["items"][0]["amount"], "99.99");
    }
}

#[tokio::test]
async fn mileage_never_goes_backwards_unless_an_admin_records_a_replaced_odometer() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let customer = world.customer(&advisor, "孙悟空", 31).await;
        let vehicle = customer.vehicles[0].id.clone();
        repair_orders::create(&world.app, &advisor, visit(&vehicle, 12_000)).await.expect("first visit");
        world.clock.advance_hours(24);

        let found = fields(repair_orders::create(&world.app, &advisor, visit(&vehicle, 11_999)).await);
        assert!(has(&found, "mileage_in", "mileage_backwards"), "{which:?}: {found:?}");

        let mut replaced = visit(&vehicle, 50);
        replaced.odometer_replaced = true;
        replaced.odometer_note = "仪表总成更换".into();
        let found = fields(repair_orders::create(&world.app, &advisor, replaced.clone()).await);
        assert!(has(&found, "odometer_replaced", "odometer_replace_forbidden"), "{which:?}: {found:?}");

        let mut no_note = replaced.clone();
        no_note.odometer_note = String::new();
        let found = fields(repair_orders::create(&world.app, &admin, no_note).await);
        assert!(has(&found, "odometer_note", "required"), "{which:?}: {found:?}");

        let order = repair_orders::create(&world.app, &admin, replaced).await.expect("replacement by an admin");
        assert!(order.odometer_replaced);
        world.clock.advance_hours(24);
        // The next visit compares with the new odometer: 800 km is fine now, 40 km is not.
        let found = fields(repair_orders::create(&world.app, &advisor, visit(&vehicle, 40)).await);
        assert!(has(&found, "mileage_in", "mileage_backwards"), "{which:?}: {found:?}");
        repair_orders::create(&world.app, &advisor, visit(&vehicle, 800)).await.expect("after the replacement");
        assert_eq!(world.count("repair_orders").await, 3, "{which:?}");
    }
}

#[tokio::test]
async fn a_visit_goes_from_open_to_handed_over_and_refuses_illegal_steps() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let customer = world.customer(&advisor, "唐僧", 41).await;
        let order = repair_orders::create(&world.app, &advisor, visit(&customer.vehicles[0].id, 3_000)).await.unwrap();
        let illegal = repair_orders::transition(&world.app, &advisor, &order.id, "hand_over").await;
        assert!(matches!(illegal, Err(AppError::Conflict("illegal_transition"))), "{which:?}: {illegal:?}");
        let mut statuses = Vec::new();
        for action in ["start", "complete", "hand_over"] {
            let after = repair_orders::transition(&world.app, &advisor, &order.id, action).await.expect(action);
            statuses.push(after.status);
        }
        assert_eq!(statuses, vec!["in_progress", "completed", "handed_over"], "{which:?}");
        let done = repair_orders::get(&world.app, &advisor, &order.id).await.unwrap();
        assert!(done.handed_over_at.as_deref().is_some_and(|at| at.ends_with("+08:00")), "{:?}", done.handed_over_at);
        assert!(done.actions.is_empty());
        let after_end = repair_orders::transition(&world.app, &advisor, &order.id, "cancel").await;
        assert!(matches!(after_end, Err(AppError::Conflict(_))), "{which:?}: {after_end:?}");
        let other = world.person("sh01.advisor", Some(&world.store_b), Role::ServiceAdvisor).await;
        let hidden = repair_orders::transition(&world.app, &other, &order.id, "reopen").await;
        assert!(matches!(hidden, Err(AppError::NotFound)), "{which:?}: {hidden:?}");
    }
}
