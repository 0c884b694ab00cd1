//! The SQLite group-commit writer: many concurrent writes share commits, each keeps its audit record, and
//! one failing write rolls back alone.

use claimdesk_app::customers::{self, CustomerWithVehicle};
use claimdesk_domain::access::Role;
use claimdesk_testkit::Which;

use crate::helpers::{World, customer_input, with_vehicle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_creates_all_commit_and_one_invalid_write_fails_alone() {
    let world = World::new(Which::Sqlite).await;
    let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
    // Serial 150 below registers this car again.
    customers::create(&world.app, &advisor, with_vehicle("原车", 1)).await.expect("the VIN owner");
    let mut tasks = tokio::task::JoinSet::new();
    for serial in 0..200u32 {
        let (app, actor) = (world.app.clone(), advisor.clone());
        tasks.spawn(async move {
            let input = if serial == 100 {
                // A bad mobile number: refused before it reaches the writer.
                CustomerWithVehicle { customer: customer_input("坏号码", "123"), ..CustomerWithVehicle::default() }
            } else if serial == 150 {
                // The VIN of serial 1: refused by the UNIQUE constraint inside the shared transaction.
                with_vehicle("重复车", 1)
            } else {
                with_vehicle(&format!("并发{serial}"), serial + 1_000)
            };
            (serial, customers::create(&app, &actor, input).await)
        });
    }
    let mut ok = 0;
    let mut failed = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (serial, result) = joined.expect("task");
        match result {
            Ok(_) => ok += 1,
            Err(error) => failed.push((serial, error.to_string())),
        }
    }
    failed.sort();
    assert_eq!(ok, 198, "{failed:?}");
    assert_eq!(failed.iter().map(|(serial, _)| *serial).collect::<Vec<_>>(), vec![100, 150], "{failed:?}");
    assert_eq!(world.count("customers").await, 199, "the first car's owner and 198 new ones");
    assert_eq!(world.count("vehicles").await, 199);
    assert_eq!(world.count("audit_log WHERE entity = 'customer' AND action = 'create'").await, 199);
    let orphans = world
        .count("customers c WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'customer' AND a.entity_id = c.id)")
        .await;
    assert_eq!(orphans, 0, "every customer has its audit record");
    let report = claimdesk_app::audit::verify(&world.app).await.unwrap();
    assert!(report.broken.is_none(), "{:?}", report.broken);
}
