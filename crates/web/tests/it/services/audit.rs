//! The audit chain: `audit verify` passes on untouched data and names the record that was edited or cut.

use claimdesk_app::audit;
use claimdesk_domain::access::Role;
use claimdesk_domain::audit::ChainBreak;
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};

use crate::helpers::{World, backends, customer_input};

/// A world with some history in store A's chain: a customer created and changed twice.
async fn world_with_history(which: claimdesk_testkit::Which) -> World {
    let world = World::new(which).await;
    let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
    let customer = world.customer(&advisor, "审计甲", 61).await;
    for (version, mobile) in [(1, "13800000001"), (2, "13800000002")] {
        claimdesk_app::customers::update(
            &world.app,
            &advisor,
            &customer.id,
            Some(version),
            customer_input("审计甲", mobile),
        )
        .await
        .expect("update");
    }
    world
}

async fn record_at(world: &World, seq: i64) -> String {
    let sql = format!("SELECT id FROM audit_log WHERE chain = '{}' AND seq = {seq}", world.store_a);
    let rows: Vec<(String,)> = world
        .app
        .db
        .read(job(move |tx| Box::pin(async move { query::fetch_all(tx, &Query::new(&sql)).await })))
        .await
        .map_err(|e: claimdesk_store::StoreError| e)
        .unwrap();
    rows[0].0.clone()
}

#[tokio::test]
async fn untouched_chains_verify() {
    for which in backends() {
        let world = world_with_history(which).await;
        let report = audit::verify(&world.app).await.expect("verify");
        assert!(report.broken.is_none(), "{which:?}: {:?}", report.broken);
        // Store A's chain, store B's (its creation) and the group chain (users).
        assert_eq!(report.chains, 3, "{which:?}");
        assert_eq!(report.records as i64, world.count("audit_log").await);
        assert!(report.records >= 6);
    }
}

#[tokio::test]
async fn an_edited_record_is_named() {
    for which in backends() {
        let world = world_with_history(which).await;
        let edited = record_at(&world, 2).await;
        let changed = world.execute(&format!("UPDATE audit_log SET actor_name = '别人' WHERE id = '{edited}'")).await;
        assert_eq!(changed, 1);
        let broken = audit::verify(&world.app).await.expect("verify").broken.expect("a break");
        assert_eq!(broken.chain, world.store_a, "{which:?}");
        assert_eq!(broken.record_id.as_deref(), Some(edited.as_str()), "{which:?}");
        assert_eq!(broken.problem, ChainBreak::Content { seq: 2 }, "{which:?}");
    }
}

#[tokio::test]
async fn a_record_cut_off_the_end_breaks_the_head() {
    for which in backends() {
        let world = world_with_history(which).await;
        let last: i64 = world.count(&format!("audit_log WHERE chain = '{}'", world.store_a)).await;
        let removed =
            world.execute(&format!("DELETE FROM audit_log WHERE chain = '{}' AND seq = {last}", world.store_a)).await;
        assert_eq!(removed, 1);
        let broken = audit::verify(&world.app).await.expect("verify").broken.expect("a break");
        assert_eq!(broken.chain, world.store_a, "{which:?}");
        assert!(matches!(broken.problem, ChainBreak::Head { .. }), "{which:?}: {:?}", broken.problem);
        assert_eq!(broken.record_id, Some(record_at(&world, last - 1).await), "the last intact record is named");
    }
}

#[tokio::test]
async fn a_record_deleted_from_the_middle_is_a_gap() {
    for which in backends() {
        let world = world_with_history(which).await;
        world.execute(&format!("DELETE FROM audit_log WHERE chain = '{}' AND seq = 2", world.store_a)).await;
        let broken = audit::verify(&world.app).await.expect("verify").broken.expect("a break");
        assert!(
            matches!(broken.problem, ChainBreak::Gap { expected_seq: 2, found_seq: 3 }),
            "{which:?}: {:?}",
            broken.problem
        );
    }
}
