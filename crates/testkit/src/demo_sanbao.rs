//! Demo data for the 三包 duties around a vehicle: each brand's 三包凭证 terms, and in every store a car one
//! repair short of Art 24(4) (the service manager's alert), a quality repair open for a week (the Art 21
//! spare car prompt), and a car with two brake-failure repairs whose written return request waits for its
//! reply.

use claimdesk_app::actor::Actor;
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::sanbao::cases::{self, CaseFault, CaseInput};
use claimdesk_app::sanbao::repairs::{self, RepairRecordInput};
use claimdesk_app::sanbao::terms::{self, BrandTermsInput, WearPart};
use claimdesk_app::{App, AppError, clock};
use claimdesk_domain::access::Role;
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};
use claimdesk_store::stores::StoreRow;
use claimdesk_store::users::UserRow;

use crate::demo_claims::{BRANDS, staff_actor};

fn record(system: &str, problem: &str, serious: bool) -> RepairRecordInput {
    RepairRecordInput {
        system: system.into(),
        problem: problem.into(),
        quality_problem: true,
        serious_safety: serious,
        ..RepairRecordInput::default()
    }
}

/// A visit with its 三包 record; finished at once unless `open`.
async fn visit(
    app: &App,
    actor: &Actor,
    vehicle_id: &str,
    km: i64,
    checked_in: Option<String>,
    facts: RepairRecordInput,
    open: bool,
) -> Result<(), AppError> {
    let order = repair_orders::create(
        app,
        actor,
        RepairOrderInput {
            vehicle_id: vehicle_id.into(),
            kind: "warranty".into(),
            checked_in_at: checked_in,
            mileage_in: Some(km),
            complaint: facts.problem.clone(),
            ..RepairOrderInput::default()
        },
    )
    .await?;
    repairs::save_record(app, actor, &order.id, facts).await?;
    repair_orders::transition(app, actor, &order.id, "start").await?;
    if !open {
        repair_orders::transition(app, actor, &order.id, "complete").await?;
        repair_orders::transition(app, actor, &order.id, "hand_over").await?;
    }
    Ok(())
}

pub async fn load(app: &App, stores: &[StoreRow], users: &[UserRow]) -> anyhow::Result<()> {
    let refs = crate::demo_claims::store_refs(stores);
    let system = Actor { display_name: "demo".into(), ..Actor::system(refs.clone()) };
    let error = |e: AppError| anyhow::anyhow!("{e}");
    for spec in &BRANDS {
        let input = BrandTermsInput {
            wear_parts: vec![
                WearPart { name: "制动摩擦片".into(), months: 6, km: 10_000 },
                WearPart { name: "雨刮片".into(), months: 3, km: 5_000 },
                WearPart { name: "蓄电池（12V）".into(), months: 12, km: 20_000 },
            ],
            battery_fade_sanbao_percent: "20".into(),
            battery_fade_warranty_percent: "30".into(),
            core_months: Some(96),
            core_km: Some(150_000),
            use_compensation_percent: "0.5".into(),
            ..BrandTermsInput::default()
        };
        terms::save_brand_terms(app, &system, spec.brand, input).await.map_err(error)?;
    }
    let today = clock::local_date(app.clock.now(), "Asia/Shanghai");
    let since = today.checked_sub(jiff::Span::new().months(20)).unwrap_or(today).to_string();
    let week_ago = clock::display_local(app.now_ms() - 7 * 86_400_000, "Asia/Shanghai").replace(' ', "T");
    for (store, store_ref) in stores.iter().zip(&refs) {
        let roles = [Role::WarrantyClerk, Role::ServiceAdvisor];
        let Some(actor) = staff_actor(users, store_ref, "clerk", &roles) else { continue };
        let (store_id, since) = (store.id.clone(), since.clone());
        // Past the ten cars the claims demo uses.
        let cars: Vec<(String, i64)> = app
            .db
            .read(job(move |tx| {
                Box::pin(async move {
                    let mut query = Query::new("SELECT id, odometer_km FROM vehicles WHERE store_id = ");
                    query.bind(&store_id).push(" AND invoice_on >= ").bind(&since);
                    query.push(" AND odometer_km < 30000 ORDER BY id LIMIT 3 OFFSET 20");
                    query::fetch_all(tx, &query).await
                })
            }))
            .await?;
        let [(watched, km_a), (waiting, km_b), (returning, km_c)] = cars.as_slice() else { continue };
        for repair in 0..4 {
            let facts = record("air_conditioning", "空调压缩机异响", false);
            visit(app, &actor, watched, km_a + 100 * (repair + 1), None, facts, false).await.map_err(error)?;
        }
        let facts = record("transmission", "变速箱漏油，等待配件", false);
        visit(app, &actor, waiting, km_b + 100, Some(week_ago.clone()), facts, true).await.map_err(error)?;
        for repair in 0..2 {
            let facts = record("brakes", "制动失效", true);
            visit(app, &actor, returning, km_c + 100 * (repair + 1), None, facts, false).await.map_err(error)?;
        }
        let request = CaseInput {
            vehicle_id: returning.clone(),
            kind: "return".into(),
            received_on: today.to_string(),
            odometer_km: Some(km_c + 300),
            request_text: "制动系统第三次失效，依三包规定书面要求退车。".into(),
            fault: Some(CaseFault { system: "brakes".into(), serious_safety: true, ..CaseFault::default() }),
        };
        cases::register(app, &actor, request).await.map_err(error)?;
    }
    repairs::spare_car_pass(app).await.map_err(error)?;
    Ok(())
}
