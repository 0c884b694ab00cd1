//! Vehicles: a change of owner keeps the ownership history (三包 rights follow the car).

use claimdesk_app::customers::{self, CustomerWithVehicle};
use claimdesk_app::vehicles;
use claimdesk_domain::access::Role;

use crate::helpers::{World, backends, customer_input, fields, has, with_vehicle};

#[tokio::test]
async fn a_change_of_owner_closes_the_first_period_and_opens_a_second() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let mut input = with_vehicle("原车主", 11);
        input.vehicle.as_mut().unwrap().delivered_on = Some("2023-03-01".into());
        let seller = customers::create(&world.app, &advisor, input).await.expect("seller");
        let buyer = customers::create(
            &world.app,
            &advisor,
            CustomerWithVehicle {
                customer: customer_input("新车主", "13911112222"), ..CustomerWithVehicle::default()
            },
        )
        .await
        .expect("buyer");
        let vehicle_id = seller.vehicles[0].id.clone();
        // Not before the current owner's period began, and not in the future.
        let early = vehicles::change_owner(&world.app, &advisor, &vehicle_id, &buyer.id, Some("2023-02-28")).await;
        assert!(has(&fields(early), "on", "date_before"), "{which:?}");
        let later = vehicles::change_owner(&world.app, &advisor, &vehicle_id, &buyer.id, Some("2024-05-14")).await;
        assert!(has(&fields(later), "on", "date_in_future"), "{which:?}");
        let after = vehicles::change_owner(&world.app, &advisor, &vehicle_id, &buyer.id, Some("2024-05-01"))
            .await
            .expect("change owner");
        assert_eq!(after.owner_id.as_deref(), Some(buyer.id.as_str()), "{which:?}");

        let detail = vehicles::get(&world.app, &advisor, &vehicle_id).await.expect("vehicle");
        let owners: Vec<(&str, Option<&str>)> =
            detail.owners.iter().map(|o| (o.customer_id.as_str(), o.to_on.as_deref())).collect();
        assert_eq!(owners, vec![(seller.id.as_str(), Some("2024-05-01")), (buyer.id.as_str(), None)], "{which:?}");
        assert_eq!(detail.owners[1].from_on, "2024-05-01");
        // The car now shows under the buyer, no longer under the seller.
        let seller_now = customers::get(&world.app, &advisor, &seller.id).await.unwrap().customer;
        let buyer_now = customers::get(&world.app, &advisor, &buyer.id).await.unwrap().customer;
        assert!(seller_now.vehicles.is_empty(), "{which:?}");
        assert_eq!(buyer_now.vehicles.len(), 1);
    }
}
