//! The claim search (the archive) on both databases: newest first by the claim's time-ordered id, a part
//! search counting each claim once however many of its lines name the part, the part with every other
//! filter, pages that neither repeat nor skip a claim, another store's claims unseen, and counts that stop
//! at the cap.

use claimdesk_app::actor::Actor;
use claimdesk_app::warranty::{self, ClaimInput, ClaimListQuery, ClaimView};
use claimdesk_domain::access::Role;
use claimdesk_domain::warranty::lines::LineInput;
use claimdesk_store::job;
use claimdesk_store::warranty::{self as store, ClaimFilter};

use super::claims::{claim_input, set_up_brand, warranty_order};
use crate::helpers::{World, backends};

const GASKET: &str = "12251-RNA-A01";
const FILTER: &str = "15400-PLM-A02";

fn part(part_no: &str, price: &str, role: &str) -> LineInput {
    LineInput {
        kind: "part".into(),
        role: role.into(),
        part_no: part_no.into(),
        description: "配件".into(),
        quantity: Some("1".into()),
        unit_price: Some(price.into()),
        ..LineInput::default()
    }
}

fn labour() -> LineInput {
    LineInput { kind: "labor".into(), code: "10-01".into(), hours: Some("2".into()), ..LineInput::default() }
}

/// Seven claims on three cars, made in this order: every claim names the gasket (the fourth twice), the
/// odd ones the oil filter too; the first four were repaired in April, the rest in May; the fifth and
/// seventh have failure code B1000.
async fn seven_claims(world: &World, clerk: &Actor) -> Vec<ClaimView> {
    let mut orders = Vec::new();
    for serial in [701, 702, 703] {
        orders.push(warranty_order(world, clerk, serial).await);
    }
    let mut claims = Vec::new();
    for n in 0..7 {
        let mut lines = vec![labour(), part(GASKET, "100.00", "causal")];
        if n % 2 == 1 {
            lines.push(part(FILTER, "45.50", "consequential"));
        }
        if n == 3 {
            lines.push(part(GASKET, "100.00", "consequential"));
        }
        let input = ClaimInput {
            repair_date: Some(if n < 4 { format!("2024-04-{:02}", 10 + n) } else { format!("2024-05-{:02}", n) }),
            failure_code: if n == 4 || n == 6 { "B1000".into() } else { "P0300".into() },
            lines: Some(lines),
            ..claim_input(&orders[n % 3])
        };
        claims.push(warranty::create(&world.app, clerk, input).await.expect("claim"));
    }
    claims
}

fn numbers(page: &[ClaimView]) -> Vec<String> {
    page.iter().map(|claim| claim.number.clone()).collect()
}

/// The numbers of `claims` picked by index, newest first.
fn newest_first(claims: &[ClaimView], picked: &[usize]) -> Vec<String> {
    let mut picked: Vec<&ClaimView> = picked.iter().map(|&n| &claims[n]).collect();
    picked.sort_by(|a, b| b.id.cmp(&a.id));
    picked.iter().map(|claim| claim.number.clone()).collect()
}

#[tokio::test]
async fn a_part_search_finds_each_claim_once_newest_first_with_every_other_filter() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let claims = seven_claims(&world, &clerk).await;
        for n in [1, 2, 5] {
            world
                .execute(&format!("UPDATE warranty_claims SET state = 'submitted' WHERE id = '{}'", claims[n].id))
                .await;
        }
        let search = |query: ClaimListQuery| warranty::list(&world.app, &clerk, query);

        let all = search(ClaimListQuery::default()).await.unwrap();
        assert_eq!(numbers(&all.items), newest_first(&claims, &[0, 1, 2, 3, 4, 5, 6]), "{which:?}: newest first");
        assert_eq!(all.total, 7, "{which:?}");

        let gasket = search(ClaimListQuery { part_no: Some(GASKET.to_lowercase()), ..Default::default() }).await;
        let gasket = gasket.unwrap();
        assert_eq!(gasket.total, 7, "{which:?}: the fourth claim names the gasket twice and counts once");
        assert_eq!(numbers(&gasket.items), numbers(&all.items), "{which:?}");

        // Pages of three walk the seven claims once each.
        let mut paged = Vec::new();
        for page in 1..=3 {
            let query = ClaimListQuery {
                part_no: Some(GASKET.into()),
                page: Some(page),
                per_page: Some(3),
                ..Default::default()
            };
            let found = search(query).await.unwrap();
            assert_eq!(found.total, 7, "{which:?}: page {page}");
            paged.extend(numbers(&found.items));
        }
        assert_eq!(paged, numbers(&all.items), "{which:?}: pages neither repeat nor skip a claim");

        let filter = search(ClaimListQuery { part_no: Some(FILTER.into()), ..Default::default() }).await.unwrap();
        assert_eq!(numbers(&filter.items), newest_first(&claims, &[1, 3, 5]), "{which:?}");
        assert_eq!(filter.total, 3, "{which:?}");

        let with_state =
            ClaimListQuery { part_no: Some(FILTER.into()), state: Some("submitted".into()), ..Default::default() };
        let submitted = search(with_state).await.unwrap();
        assert_eq!(numbers(&submitted.items), newest_first(&claims, &[1, 5]), "{which:?}: part and state");
        assert_eq!(submitted.total, 2, "{which:?}");

        let vin = claims[0].vin.clone();
        let of_car = search(ClaimListQuery { part_no: Some(GASKET.into()), vin: Some(vin), ..Default::default() });
        assert_eq!(numbers(&of_car.await.unwrap().items), newest_first(&claims, &[0, 3, 6]), "{which:?}: part and VIN");

        let in_may = ClaimListQuery {
            part_no: Some(FILTER.into()),
            from: Some("2024-05-01".into()),
            to: Some("2024-05-31".into()),
            ..Default::default()
        };
        let may = search(in_may).await.unwrap();
        assert_eq!(numbers(&may.items), newest_first(&claims, &[5]), "{which:?}: part and repair dates");
        assert_eq!(may.total, 1, "{which:?}");

        let code =
            ClaimListQuery { part_no: Some(GASKET.into()), failure_code: Some("b1000".into()), ..Default::default() };
        assert_eq!(numbers(&search(code).await.unwrap().items), newest_first(&claims, &[4, 6]), "{which:?}");

        let number =
            ClaimListQuery { part_no: Some(FILTER.into()), q: Some(claims[3].number.clone()), ..Default::default() };
        assert_eq!(numbers(&search(number).await.unwrap().items), vec![claims[3].number.clone()], "{which:?}");

        let clerk_id = clerk.actor_id().unwrap().to_string();
        let by_clerk = ClaimListQuery { part_no: Some(FILTER.into()), clerk_id: Some(clerk_id), ..Default::default() };
        assert_eq!(search(by_clerk).await.unwrap().total, 3, "{which:?}: part and clerk");

        let other = world.person("sh01.clerk", Some(&world.store_b), Role::WarrantyClerk).await;
        let elsewhere =
            warranty::list(&world.app, &other, ClaimListQuery { part_no: Some(GASKET.into()), ..Default::default() });
        let elsewhere = elsewhere.await.unwrap();
        assert!(elsewhere.items.is_empty() && elsewhere.total == 0, "{which:?}: another store's claims are not found");
    }
}

/// The total stops at the cap, from the claims and from the part's lines alike, while the page is whole.
#[tokio::test]
async fn a_claim_search_counts_up_to_the_cap() {
    for which in backends() {
        let world = World::new(which).await;
        set_up_brand(&world).await;
        let clerk = world.person("bj01.clerk", Some(&world.store_a), Role::WarrantyClerk).await;
        let claims = seven_claims(&world, &clerk).await;
        let stores = vec![world.store_a.clone()];
        let every: &[usize] = &[0, 1, 2, 3, 4, 5, 6];
        for (part_no, expected) in [(None, every), (Some(GASKET), every), (Some(FILTER), &[1, 3, 5][..])] {
            let filter = ClaimFilter {
                stores: stores.clone(),
                part_no: part_no.map(str::to_string),
                limit: 2,
                offset: 1,
                ..ClaimFilter::default()
            };
            let listed = world
                .app
                .db
                .read(job(move |tx| Box::pin(async move { store::list_claims(tx, &filter, 2).await })))
                .await
                .unwrap();
            let (rows, total) = listed;
            let wanted = newest_first(&claims, expected);
            assert_eq!(
                rows.iter().map(|row| row.number.clone()).collect::<Vec<_>>(),
                wanted[1..3],
                "{which:?} {part_no:?}"
            );
            assert_eq!(total, 2, "{which:?} {part_no:?}: counted up to the cap");
        }
    }
}
