//! The parts-return part of `claimdesk demo`: each brand's return rules (saved before the demo claims are
//! submitted, so their tags follow them), then the tags weighed and shelved, and one shipment per state
//! worth seeing: BJ01's parts wait on the shelf for the clerk to propose and pack, GZ01's shipment is packed
//! and ready to go, SH01's went out, came back inspected, and one rejected part became a debit.

use claimdesk_app::App;
use claimdesk_app::actor::Actor;
use claimdesk_app::parts_return::{self as returns, ProposeInput, ShipmentActionInput, TagInput, TagListQuery};
use claimdesk_domain::Money;
use claimdesk_domain::parts_return::{InspectionInput, PackLimits, ReturnRules};
use claimdesk_store::stores::StoreRow;

fn system(stores: &[StoreRow]) -> Actor {
    Actor { display_name: "demo".into(), ..Actor::system(crate::demo_claims::store_refs(stores)) }
}

fn error(e: claimdesk_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The manufacturers' rules: Honda wants parts from 300.00 back and counts the A/C compressor (refrigerant)
/// as hazardous; Volkswagen wants everything monthly; Toyota collects quarterly by the 25th.
pub async fn rules(app: &App, stores: &[StoreRow]) -> anyhow::Result<()> {
    let system = system(stores);
    let honda = ReturnRules {
        return_all: false,
        min_unit_price: Money::yuan(300),
        hazardous_prefixes: vec!["GH38810".into()],
        limits: PackLimits { max_parts: 4, max_weight_g: 20_000, ..PackLimits::default() },
        ..ReturnRules::default()
    };
    let vw = ReturnRules { hazardous_prefixes: vec!["SV38810".into()], ..ReturnRules::default() };
    let toyota = ReturnRules {
        cycle_months: 3,
        ship_by_day: 25,
        hazardous_prefixes: vec!["GT38810".into()],
        ..ReturnRules::default()
    };
    for (brand, rules) in [("广汽本田", honda), ("上汽大众", vw), ("广汽丰田", toyota)] {
        returns::save_rules(app, &system, brand, rules, None).await.map_err(error)?;
    }
    Ok(())
}

/// Weight (kg) and size (cm) of the demo catalogue's parts, by part number.
fn measure(part_no: &str) -> (&'static str, i64, i64, i64) {
    match part_no.get(2..7).unwrap_or("") {
        "12251" => ("0.4", 30, 20, 2),
        "31200" => ("4.2", 25, 15, 15),
        "38810" => ("6.8", 30, 25, 20),
        "45022" => ("1.6", 20, 12, 6),
        "72110" => ("0.9", 15, 10, 8),
        _ => ("1.0", 20, 15, 10),
    }
}

pub async fn load(app: &App, stores: &[StoreRow]) -> anyhow::Result<()> {
    let system = system(stores);
    for store in stores {
        let query = TagListQuery {
            state: Some("stored".into()),
            store_id: Some(store.id.clone()),
            per_page: Some(200),
            ..TagListQuery::default()
        };
        let tags = returns::list_tags(app, &system, query).await.map_err(error)?.items;
        for (index, tag) in tags.iter().enumerate() {
            let (kg, length, width, height) = measure(&tag.part_no);
            let input = TagInput {
                location: Some(format!("A-{:02}-{:02}", index / 6 + 1, index % 6 + 1)),
                weight_kg: Some(kg.into()),
                length_cm: Some(length),
                width_cm: Some(width),
                height_cm: Some(height),
                ..TagInput::default()
            };
            returns::update_tag(app, &system, &tag.id, input).await.map_err(error)?;
        }
        let Some(brand) = tags.iter().find(|t| t.return_required).map(|t| t.brand.clone()) else { continue };
        if store.code == "BJ01" {
            continue;
        }
        let input = ProposeInput { brand, store_id: Some(store.id.clone()) };
        let shipment = returns::propose(app, &system, input).await.map_err(error)?;
        let act =
            |action: &'static str, input: ShipmentActionInput| returns::act(app, &system, &shipment.id, action, input);
        let packed = act("pack", ShipmentActionInput::default()).await.map_err(error)?;
        if store.code != "SH01" {
            continue;
        }
        let ship = ShipmentActionInput {
            carrier: "顺丰速运".into(),
            tracking_no: "SF1402877365".into(),
            ..ShipmentActionInput::default()
        };
        act("ship", ship).await.map_err(error)?;
        act("receive", ShipmentActionInput::default()).await.map_err(error)?;
        let items = packed
            .tags
            .iter()
            .enumerate()
            .map(|(index, tag)| InspectionInput {
                tag: tag.number.clone(),
                result: if index == 0 { "rejected" } else { "accepted" }.into(),
                reason: if index == 0 { "旧件无故障痕迹，非故障件".into() } else { String::new() },
            })
            .collect();
        act("inspect", ShipmentActionInput { items, ..ShipmentActionInput::default() }).await.map_err(error)?;
    }
    Ok(())
}
