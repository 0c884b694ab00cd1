//! The claim workflow's part of `claimdesk demo`: the brands name an operation that needs the manufacturer's
//! pre-authorisation and set a goodwill approval chain; every store has an engine replacement waiting for the
//! manufacturer's pre-authorisation and a goodwill claim waiting for the service manager.

use claimdesk_app::AppError;
use claimdesk_app::actor::Actor;
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::warranty::preauth::{self, PreauthInput};
use claimdesk_app::warranty::{self, ClaimInput};
use claimdesk_domain::Money;
use claimdesk_domain::repair_order::ItemInput;
use claimdesk_domain::warranty::goodwill::{ApprovalLimit, GoodwillSplit};
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};

/// The operation the demo brands name for pre-authorisation: an engine replacement.
pub const ENGINE_OPERATION: &str = "11-09";

/// The demo brands' terms with the pre-authorisation operation and the approval chain (service manager up
/// to ¥2,000, the store admin up to ¥10,000, the group above).
pub fn settings(rate: i64) -> BrandSettings {
    BrandSettings {
        labor_rate: Money::yuan(rate),
        preauth_operations: vec![ENGINE_OPERATION.into()],
        goodwill_chain: vec![
            ApprovalLimit { role: "supervisor".into(), up_to: Money::yuan(2_000) },
            ApprovalLimit { role: "store_admin".into(), up_to: Money::yuan(10_000) },
            ApprovalLimit { role: "group_admin".into(), up_to: Money::yuan(1_000_000) },
        ],
        ..BrandSettings::default()
    }
}

fn item(kind: &str, code: &str, description: &str, amount: &str, price: &str) -> ItemInput {
    let labor = kind == "labor";
    ItemInput {
        kind: kind.into(),
        code: if labor { code.into() } else { String::new() },
        part_no: if labor { String::new() } else { code.into() },
        description: description.into(),
        hours: labor.then(|| amount.into()),
        quantity: (!labor).then(|| amount.into()),
        unit_price: Some(price.into()),
        payer: "warranty".into(),
    }
}

/// One store's pre-authorisation request and goodwill claim, by its clerk.
pub async fn load_store(
    app: &claimdesk_app::App,
    clerk: &Actor,
    store_id: &str,
    rate: i64,
    part_no: &str,
    since: &str,
) -> anyhow::Result<()> {
    let error = |e: AppError| anyhow::anyhow!("{e}");
    let (store, since) = (store_id.to_string(), since.to_string());
    let vehicles: Vec<(String, i64)> = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let mut query = Query::new("SELECT id, odometer_km FROM vehicles WHERE store_id = ");
                query.bind(&store).push(" AND invoice_on >= ").bind(&since);
                query.push(" AND odometer_km < 40000 ORDER BY id LIMIT 2 OFFSET 10");
                query::fetch_all(tx, &query).await
            })
        }))
        .await?;
    let [(engine_vehicle, engine_km), (goodwill_vehicle, goodwill_km)] = vehicles.as_slice() else { return Ok(()) };
    let price = format!("{rate}.00");
    let engine = repair_orders::create(
        app,
        clerk,
        RepairOrderInput {
            vehicle_id: engine_vehicle.clone(),
            kind: "warranty".into(),
            mileage_in: Some(engine_km + 200),
            complaint: "发动机异响，机油压力报警".into(),
            findings: "曲轴轴瓦磨损，需更换发动机总成".into(),
            items: vec![
                item("labor", ENGINE_OPERATION, "更换发动机总成", "12", &price),
                item("part", "ENG-0001", "发动机总成", "1", "38600.00"),
            ],
            ..RepairOrderInput::default()
        },
    )
    .await
    .map_err(error)?;
    let note = "发动机总成更换，请厂家技术代表确认".to_string();
    preauth::request(app, clerk, PreauthInput { repair_order_id: engine.id, note }).await.map_err(error)?;

    let order = repair_orders::create(
        app,
        clerk,
        RepairOrderInput {
            vehicle_id: goodwill_vehicle.clone(),
            kind: "warranty".into(),
            mileage_in: Some(goodwill_km + 300),
            complaint: "空调异味".into(),
            findings: "蒸发箱霉变".into(),
            items: vec![
                item("labor", "80-03", "更换蒸发箱", "2.5", &price),
                item("part", part_no, "蒸发箱", "1", "186.00"),
            ],
            ..RepairOrderInput::default()
        },
    )
    .await
    .map_err(error)?;
    let split = GoodwillSplit {
        manufacturer_percent: "60".parse()?,
        dealer_percent: "30".parse()?,
        customer_percent: "10".parse()?,
    };
    warranty::create(
        app,
        clerk,
        ClaimInput {
            repair_order_id: order.id,
            kind: "goodwill".into(),
            symptom: "空调异味".into(),
            cause: "蒸发箱霉变（超出包修期，老客户）".into(),
            correction: "更换蒸发箱".into(),
            failure_code: "B1A00".into(),
            goodwill: Some(split),
            ..ClaimInput::default()
        },
    )
    .await
    .map_err(error)?;
    Ok(())
}
