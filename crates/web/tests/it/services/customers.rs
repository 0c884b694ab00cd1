//! Customers: one transaction with the vehicle, field errors that name the nested field, search, store
//! scoping, optimistic locking and the audit trail.

use claimdesk_app::customers::{self, CustomerListQuery, CustomerWithVehicle};
use claimdesk_app::{AppError, audit};
use claimdesk_domain::access::Role;

use crate::helpers::{World, backends, bad_vin, customer_input, fields, has, vehicle_input, with_vehicle};

#[tokio::test]
async fn a_customer_and_their_vehicle_are_created_together() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let customer = world.customer(&advisor, "王小明", 101).await;
        assert_eq!(customer.store_id, world.store_a, "{which:?}: created in the advisor's store");
        assert_eq!(customer.vehicles.len(), 1);
        let vehicle = &customer.vehicles[0];
        assert_eq!(vehicle.owner_id.as_deref(), Some(customer.id.as_str()));
        assert_eq!(vehicle.sale_price.map(|m| m.to_string()).as_deref(), Some("200000.00"));
        assert_eq!((world.count("customers").await, world.count("vehicles").await), (1, 1));
        assert_eq!(world.count("vehicle_owners").await, 1, "{which:?}: the first ownership period");
        let detail = customers::get(&world.app, &advisor, &customer.id).await.expect("get");
        assert_eq!(detail.customer.vehicles.len(), 1);
    }
}

#[tokio::test]
async fn an_invalid_vin_saves_nothing_and_names_the_nested_field() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let (vin, _) = bad_vin(7);
        let input = CustomerWithVehicle {
            customer: customer_input("", "12345"),
            vehicle: Some(vehicle_input(&vin, "京N12345")),
            store_id: None,
        };
        let found = fields(customers::create(&world.app, &advisor, input).await);
        assert!(has(&found, "vehicle.vin", "vin_check_digit"), "{which:?}: {found:?}");
        // Every problem at once: the customer's own fields too.
        assert!(found.iter().any(|(f, _)| f == "name"), "{found:?}");
        assert!(found.iter().any(|(f, _)| f == "mobile"), "{found:?}");
        assert_eq!(world.count("customers").await, 0, "{which:?}: nothing saved");
        assert_eq!(world.count("vehicles").await, 0);
        assert_eq!(world.count("audit_log WHERE entity = 'customer'").await, 0);
    }
}

#[tokio::test]
async fn a_vin_already_in_the_store_lands_on_the_nested_vin_field_and_rolls_back_the_customer() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        world.customer(&advisor, "第一位", 55).await;
        let found = fields(customers::create(&world.app, &advisor, with_vehicle("第二位", 55)).await);
        assert_eq!(found, vec![("vehicle.vin".to_string(), "vin_taken".to_string())], "{which:?}");
        assert_eq!(world.count("customers").await, 1, "{which:?}: the second customer was rolled back");
        // Another store may register the same car (it may have been sold there first).
        let other = world.person("sh01.advisor", Some(&world.store_b), Role::ServiceAdvisor).await;
        world.customer(&other, "第三位", 55).await;
        assert_eq!(world.count("vehicles").await, 2);
    }
}

#[tokio::test]
async fn the_list_finds_a_customer_by_name_mobile_plate_and_vin_prefix() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let target = world.customer(&advisor, "欧阳娜娜", 123_456).await;
        let other = world.customer(&advisor, "李雷", 654_321).await;
        let vin = target.vehicles[0].vin.clone();
        for q in ["欧阳", "1390012", "京N23", "京n23", &vin[..14], &vin.to_lowercase()[..12]] {
            let page = customers::list(
                &world.app,
                &advisor,
                CustomerListQuery { q: Some(q.to_string()), ..CustomerListQuery::default() },
            )
            .await
            .expect("list");
            let ids: Vec<&str> = page.items.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids, vec![target.id.as_str()], "{which:?}: search {q:?}");
            assert_eq!(page.total, 1, "{which:?}: search {q:?}");
        }
        let all = customers::list(&world.app, &advisor, CustomerListQuery::default()).await.unwrap();
        assert_eq!(all.total, 2);
        assert!(all.items.iter().any(|c| c.id == other.id));
    }
}

#[tokio::test]
async fn a_search_lists_its_matches_in_the_order_of_the_matched_value_page_by_page() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        for (serial, name) in [(11, "王五"), (12, "王二"), (13, "李四"), (14, "王三"), (15, "王二小")] {
            world.customer(&advisor, name, serial).await;
        }
        let search = |page: i64| CustomerListQuery {
            q: Some("王".into()),
            page: Some(page),
            per_page: Some(2),
            ..CustomerListQuery::default()
        };
        let mut names = Vec::new();
        for page in 1..=3 {
            let found = customers::list(&world.app, &advisor, search(page)).await.unwrap();
            assert_eq!(found.total, 4, "{which:?}");
            names.extend(found.items.iter().map(|c| c.name.clone()));
        }
        let mut expected = vec!["王五", "王二", "王三", "王二小"];
        expected.sort();
        assert_eq!(names, expected, "{which:?}: every match once, in name order, across pages");
    }
}

#[tokio::test]
async fn another_stores_customer_is_not_found_and_not_listed() {
    for which in backends() {
        let world = World::new(which).await;
        let bj = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let sh = world.person("sh01.advisor", Some(&world.store_b), Role::ServiceAdvisor).await;
        let customer = world.customer(&bj, "北京客户", 301).await;
        let result = customers::get(&world.app, &sh, &customer.id).await;
        assert!(matches!(result, Err(AppError::NotFound)), "{which:?}: {result:?}");
        let page = customers::list(&world.app, &sh, CustomerListQuery::default()).await.unwrap();
        assert!(page.items.is_empty() && page.total == 0, "{which:?}");
        // Not even by searching its VIN.
        let q = Some(customer.vehicles[0].vin.clone());
        let page = customers::list(&world.app, &sh, CustomerListQuery { q, ..CustomerListQuery::default() }).await;
        assert_eq!(page.unwrap().total, 0);
        // Nor can they change it.
        let result = customers::update(&world.app, &sh, &customer.id, None, customer_input("改名", "")).await;
        assert!(matches!(result, Err(AppError::NotFound)), "{which:?}: {result:?}");
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_every_change_is_audited() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let customer = world.customer(&advisor, "赵敏", 401).await;
        assert_eq!(customer.version, 1);
        let updated =
            customers::update(&world.app, &advisor, &customer.id, Some(1), customer_input("赵敏", "13800138000"))
                .await
                .expect("update");
        assert_eq!((updated.version, updated.mobile.as_str()), (2, "13800138000"), "{which:?}");
        let stale =
            customers::update(&world.app, &advisor, &customer.id, Some(1), customer_input("赵敏敏", "13800138000"))
                .await;
        assert!(matches!(stale, Err(AppError::Conflict("stale_version"))), "{which:?}: {stale:?}");
        let now = customers::get(&world.app, &advisor, &customer.id).await.unwrap().customer;
        assert_eq!((now.name.as_str(), now.version), ("赵敏", 2), "the stale write changed nothing");

        let history = audit::history(&world.app, "customer", customer.id.clone()).await.expect("history");
        let actions: Vec<&str> = history.iter().map(|row| row.action.as_str()).collect();
        assert_eq!(actions, vec!["create", "update"], "{which:?}");
        assert!(history.iter().all(|row| row.actor_id.as_deref() == Some(advisor.user_id.as_str())));
        assert!(history[1].after_json.as_deref().unwrap_or("").contains("13800138000"));
        let vehicle = audit::history(&world.app, "vehicle", customer.vehicles[0].id.clone()).await.unwrap();
        assert_eq!(vehicle.len(), 1, "{which:?}: the nested vehicle has its own create record");
    }
}
