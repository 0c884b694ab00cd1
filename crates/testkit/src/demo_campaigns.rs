//! The campaign and quality part of `claimdesk demo`: per demo brand a recall whose VIN list holds some of
//! each store's cars and some the group has never seen, with vehicles in every state; a service campaign;
//! a technical bulletin for every store's managers; a quality report per store; and a repeated-failure
//! threshold of 2 so the demo claims propose reports. All through the services the users call.

use claimdesk_app::actor::{Actor, StoreRef};
use claimdesk_app::campaigns::{self, ContactInput, VehicleAction};
use claimdesk_app::quality::{self, BulletinInput};
use claimdesk_app::{App, AppError};
use claimdesk_domain::access::{Role, RoleGrant};
use claimdesk_domain::campaign::{CampaignInput, CampaignOp, CampaignPart};
use claimdesk_domain::quality::ReportInput;
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};
use claimdesk_store::stores::StoreRow;
use claimdesk_store::users::UserRow;

use crate::names::vin_numbered;

/// Cars of each store put on each recall, and VINs no store has.
const STORE_VINS: i64 = 24;
const UNKNOWN_VINS: u64 = 40;

fn clerk_actor(store: &StoreRow, store_ref: &StoreRef, clerk: &UserRow) -> Actor {
    Actor {
        user_id: clerk.id.clone(),
        username: clerk.username.clone(),
        display_name: clerk.display_name.clone(),
        locale: "zh-CN".into(),
        grants: vec![RoleGrant { store_id: Some(store.id.clone()), role: Role::WarrantyClerk }],
        stores: vec![store_ref.clone()],
        current_store: Some(store.id.clone()),
        session_id: None,
    }
}

pub async fn load(app: &App, stores: &[StoreRow], users: &[UserRow]) -> anyhow::Result<()> {
    let refs: Vec<StoreRef> = stores
        .iter()
        .map(|s| StoreRef {
            id: s.id.clone(),
            code: s.code.clone(),
            name: s.name.clone(),
            time_zone: s.time_zone.clone(),
        })
        .collect();
    let system = Actor { display_name: "demo".into(), ..Actor::system(refs.clone()) };
    let error = |e: AppError| anyhow::anyhow!("{e}");
    let today = claimdesk_app::clock::local_date(app.clock.now(), "Asia/Shanghai");
    let day = |days: i64| today.checked_add(jiff::Span::new().days(days)).unwrap_or(today).to_string();
    for (index, (store, store_ref)) in stores.iter().zip(&refs).enumerate() {
        let brand =
            store.brands.split([',', '，', '、', ' ']).find(|b| !b.trim().is_empty()).unwrap_or("").trim().to_string();
        if brand.is_empty() {
            continue;
        }
        let code = format!("R{}-{:03}", today.year(), 17 + index);
        let campaign = campaigns::create(
            app,
            &system,
            CampaignInput {
                code: code.clone(),
                brand: brand.clone(),
                kind: "public_recall".into(),
                title: "燃油泵叶轮可能变形，更换燃油泵".into(),
                description: "部分车辆燃油泵叶轮在高温下可能变形，导致发动机熄火。免费更换改进型燃油泵。".into(),
                failure_code: "P0300".into(),
                starts_on: day(-45),
                ends_on: day(75),
                labor_ops: vec![CampaignOp {
                    code: "10-01".into(),
                    description: "更换燃油泵".into(),
                    hours: "1.5".into(),
                }],
                parts: vec![CampaignPart {
                    part_no: "GH12251-0001".into(),
                    name: "改进型燃油泵".into(),
                    quantity: "1".into(),
                }],
            },
        )
        .await
        .map_err(error)?;
        let store_id = store.id.clone();
        let brand_name = brand.clone();
        let mut vins: Vec<String> = app
            .db
            .read(job(move |tx| {
                Box::pin(async move {
                    let mut query = Query::new("SELECT vin FROM vehicles WHERE store_id = ");
                    query.bind(&store_id).push(" AND brand = ").bind(&brand_name);
                    query.push(" ORDER BY id LIMIT ").bind(STORE_VINS);
                    let rows: Vec<(String,)> = query::fetch_all(tx, &query).await?;
                    Ok::<_, claimdesk_store::StoreError>(rows.into_iter().map(|(vin,)| vin).collect())
                })
            }))
            .await?;
        let known = vins.clone();
        vins.extend((0..UNKNOWN_VINS).map(|n| vin_numbered("LVH", 900_000 + index as u64 * 1_000 + n)));
        let mut csv = String::from("车架号(VIN),备注\n");
        for vin in &vins {
            csv.push_str(vin);
            csv.push_str(",\n");
        }
        campaigns::import::import(app, &system, &campaign.id, csv.into_bytes()).await.map_err(error)?;

        let Some(clerk) = users.iter().find(|u| u.username == format!("{}.clerk", store.code.to_lowercase())) else {
            continue;
        };
        let actor = clerk_actor(store, store_ref, clerk);
        let flags = campaigns::flags(app, &actor, known.iter().take(6).cloned().collect()).await.map_err(error)?;
        let contact =
            |outcome: &str| ContactInput { channel: "phone".into(), outcome: outcome.into(), note: String::new() };
        for (n, flag) in flags.iter().enumerate() {
            let id = &flag.campaign_vehicle_id;
            match n {
                0 => {
                    for _ in 0..3 {
                        campaigns::contact(app, &actor, id, contact("no_answer")).await.map_err(error)?;
                    }
                    campaigns::act(app, &actor, id, "unreachable", VehicleAction::default()).await.map_err(error)?;
                }
                1 => {
                    let done = VehicleAction {
                        done_on: Some(day(-10)),
                        note: "厂家系统显示已在外地完成".into(),
                        ..VehicleAction::default()
                    };
                    campaigns::act(app, &actor, id, "done_elsewhere", done).await.map_err(error)?;
                }
                2 => {
                    campaigns::contact(app, &actor, id, contact("booked")).await.map_err(error)?;
                }
                _ => {}
            }
        }
        quality::set_threshold(app, &system, Some(&store.id), 2).await.map_err(error)?;
        if let Some(vehicle_id) = first_vehicle(app, &store.id).await? {
            quality::create(
                app,
                &actor,
                ReportInput {
                    vehicle_id,
                    part_no: "GH12251-0001".into(),
                    part_name: "燃油泵".into(),
                    failure_code: "P0300".into(),
                    symptom: "高温天气行驶中偶发熄火，重启后正常".into(),
                    frequency: "intermittent".into(),
                    departments: vec!["technical".into(), "quality".into()],
                    ..ReportInput::default()
                },
            )
            .await
            .map_err(error)?;
        }
        if index == 0 {
            campaigns::create(
                app,
                &system,
                CampaignInput {
                    code: format!("S{}-005", today.year()),
                    brand: brand.clone(),
                    kind: "service_campaign".into(),
                    title: "夏季空调免费检测".into(),
                    starts_on: day(-5),
                    ends_on: day(40),
                    labor_ops: vec![CampaignOp {
                        code: "00-01".into(),
                        description: "空调系统检测".into(),
                        hours: "0.5".into(),
                    }],
                    ..CampaignInput::default()
                },
            )
            .await
            .map_err(error)?;
        }
    }
    let first_brand = stores
        .first()
        .and_then(|s| {
            s.brands.split([',', '，', '、', ' ']).find(|b| !b.trim().is_empty()).map(|b| b.trim().to_string())
        })
        .unwrap_or_default();
    quality::publish(
        app,
        &system,
        BulletinInput {
            number: format!("TB-{}-031", today.year()),
            brand: first_brand,
            title: "冷车启动怠速抖动的诊断与处理".into(),
            body: "现象：环境温度低于 5℃ 冷车启动后怠速抖动，故障灯可能点亮（P0300）。\n处理：1. 读取故障码；2. 刷新发动机控制单元软件至最新版本；3. 清除故障码并路试。\n索赔：按工时代码 00-01 申报诊断工时。".into(),
            models: "雅阁、思域".into(),
            ..BulletinInput::default()
        },
    )
    .await
    .map_err(error)?;
    Ok(())
}

async fn first_vehicle(app: &App, store_id: &str) -> anyhow::Result<Option<String>> {
    let store_id = store_id.to_string();
    Ok(app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let mut query = Query::new("SELECT id FROM vehicles WHERE store_id = ");
                query.bind(&store_id).push(" ORDER BY id LIMIT 1");
                let row: Option<(String,)> = query::fetch_optional(tx, &query).await?;
                Ok::<_, claimdesk_store::StoreError>(row.map(|(id,)| id))
            })
        }))
        .await?)
}
