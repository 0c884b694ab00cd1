//! The warranty part of `claimdesk demo`: the manufacturer settings of the demo brands with small catalogues,
//! and in every store one claim in each state, made through the services the clerk uses (a repair order with
//! warranty lines, handed over, the claim filed, checked, submitted and decided).

use claimdesk_app::actor::{Actor, StoreRef};
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::warranty::{self, ActionInput, CatalogueKind, ClaimInput};
use claimdesk_app::{App, AppError};
use claimdesk_domain::Money;
use claimdesk_domain::access::{Role, RoleGrant};
use claimdesk_domain::repair_order::ItemInput;
use claimdesk_domain::warranty::decision::LineVerdict;
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};
use claimdesk_store::stores::StoreRow;
use claimdesk_store::users::UserRow;

/// Per brand: labour rate, parts `(no, name, price, area)`, labour operations `(code, name, hours)`, failure
/// codes `(code, name, checklist)`.
pub(crate) struct BrandSpec {
    pub(crate) brand: &'static str,
    rate: i64,
    prefix: &'static str,
}

pub(crate) const BRANDS: [BrandSpec; 3] = [
    BrandSpec { brand: "广汽本田", rate: 160, prefix: "GH" },
    BrandSpec { brand: "上汽大众", rate: 150, prefix: "SV" },
    BrandSpec { brand: "广汽丰田", rate: 155, prefix: "GT" },
];

const PARTS: [(&str, &str, &str, &str); 8] = [
    ("12251-0001", "气缸盖垫片", "186.00", "engine"),
    ("31200-0002", "起动机总成", "1280.00", "engine"),
    ("38810-0003", "空调压缩机", "2350.00", "engine"),
    ("45022-0004", "前制动片", "420.00", "front"),
    ("76200-0005", "左后视镜总成", "860.00", "front_left"),
    ("33100-0006", "左前大灯总成", "1580.00", "front_left"),
    ("06430-0007", "变速箱油滤", "96.00", "transmission"),
    ("72110-0008", "车门锁块", "320.00", "body"),
];
const OPERATIONS: [(&str, &str, &str); 6] = [
    ("00-01", "故障诊断", "0.5"),
    ("10-01", "更换气缸盖垫片", "3.0"),
    ("31-02", "更换起动机", "1.2"),
    ("80-03", "更换空调压缩机", "2.5"),
    ("45-04", "更换前制动片", "0.8"),
    ("72-05", "更换车门锁块", "1.0"),
];
const CODES: [(&str, &str, &str); 5] = [
    ("P0300", "发动机随机失火", "否"),
    ("P0615", "起动机电路故障", "否"),
    ("B1A00", "空调不制冷", "否"),
    ("C1201", "制动异响", "否"),
    ("B2501", "门锁失灵", "否"),
];

/// Which repair each demo claim makes: the failure code, the operation, the part.
const REPAIRS: [(usize, usize, usize); 5] = [(0, 1, 0), (1, 2, 1), (2, 3, 2), (3, 4, 3), (4, 5, 7)];

const STATES: [&str; 10] = [
    "draft",
    "checked",
    "submitted",
    "approved",
    "partly_approved",
    "rejected",
    "returned",
    "resubmitted",
    "settled",
    "cancelled",
];

fn rows(lines: impl Iterator<Item = String>) -> Vec<Vec<String>> {
    lines.map(|line| line.split(',').map(str::to_string).collect()).collect()
}

fn part_no(spec: &BrandSpec, index: usize) -> String {
    format!("{}{}", spec.prefix, PARTS[index].0)
}

pub async fn load(app: &App, stores: &[StoreRow], users: &[UserRow]) -> anyhow::Result<()> {
    let refs = store_refs(stores);
    let system = Actor { display_name: "demo".into(), ..Actor::system(refs.clone()) };
    let error = |e: AppError| anyhow::anyhow!("{e}");
    for spec in &BRANDS {
        let settings = crate::demo_claimsflow::settings(spec.rate);
        warranty::save_brand(app, &system, spec.brand, settings, None).await.map_err(error)?;
        let parts = rows(std::iter::once("配件号,名称,价格,易损件,部位".to_string()).chain(
            PARTS.iter().enumerate().map(|(i, (_, name, price, area))| {
                format!("{},{name},{price},{},{area}", part_no(spec, i), if i == 3 { "是" } else { "否" })
            }),
        ));
        warranty::import_catalogue(app, &system, spec.brand, CatalogueKind::Parts, parts).await.map_err(error)?;
        let operations = rows(OPERATIONS.iter().map(|(code, name, hours)| format!("{code},{name},{hours}")));
        warranty::import_catalogue(app, &system, spec.brand, CatalogueKind::LaborOps, operations)
            .await
            .map_err(error)?;
        let codes = rows(CODES.iter().map(|(code, name, checklist)| format!("{code},{name},{checklist},否")));
        warranty::import_catalogue(app, &system, spec.brand, CatalogueKind::FailureCodes, codes)
            .await
            .map_err(error)?;
    }
    let today = claimdesk_app::clock::local_date(app.clock.now(), "Asia/Shanghai");
    let since = today.checked_sub(jiff::Span::new().months(22)).unwrap_or(today).to_string();
    for (store, store_ref) in stores.iter().zip(&refs) {
        let Some(spec) = BRANDS.iter().find(|b| store.brands.contains(b.brand)) else { continue };
        let roles = [Role::WarrantyClerk, Role::ServiceAdvisor];
        let Some(actor) = staff_actor(users, store_ref, "clerk", &roles) else { continue };
        let (store_id, since_date) = (store.id.clone(), since.clone());
        let vehicles: Vec<(String, i64)> = app
            .db
            .read(job(move |tx| {
                Box::pin(async move {
                    let mut query = Query::new("SELECT id, odometer_km FROM vehicles WHERE store_id = ");
                    query.bind(&store_id).push(" AND invoice_on >= ").bind(&since_date);
                    query.push(" AND odometer_km < 40000 ORDER BY id LIMIT 10");
                    query::fetch_all(tx, &query).await
                })
            }))
            .await?;
        for (index, ((vehicle_id, odometer), state)) in vehicles.into_iter().zip(STATES).enumerate() {
            let (code, operation, part) = REPAIRS[index % REPAIRS.len()];
            let (op_code, op_name, hours) = OPERATIONS[operation];
            let order = repair_orders::create(
                app,
                &actor,
                RepairOrderInput {
                    vehicle_id,
                    kind: "warranty".into(),
                    mileage_in: Some(odometer + 300),
                    complaint: CODES[code].1.to_string(),
                    findings: format!("{}损坏", PARTS[part].1),
                    items: vec![
                        ItemInput {
                            kind: "labor".into(),
                            code: op_code.into(),
                            description: op_name.into(),
                            hours: Some(hours.into()),
                            unit_price: Some(format!("{}.00", spec.rate)),
                            payer: "warranty".into(),
                            ..ItemInput::default()
                        },
                        ItemInput {
                            kind: "part".into(),
                            part_no: part_no(spec, part),
                            description: PARTS[part].1.into(),
                            quantity: Some("1".into()),
                            unit_price: Some(PARTS[part].2.into()),
                            payer: "warranty".into(),
                            ..ItemInput::default()
                        },
                    ],
                    ..RepairOrderInput::default()
                },
            )
            .await
            .map_err(error)?;
            for action in ["start", "complete", "hand_over"] {
                repair_orders::transition(app, &actor, &order.id, action).await.map_err(error)?;
            }
            let claim = warranty::create(
                app,
                &actor,
                ClaimInput {
                    repair_order_id: order.id.clone(),
                    kind: "repair".into(),
                    symptom: CODES[code].1.into(),
                    cause: format!("{}质量缺陷", PARTS[part].1),
                    correction: format!("{}，{}", op_name, PARTS[part].1),
                    failure_code: CODES[code].0.into(),
                    ..ClaimInput::default()
                },
            )
            .await
            .map_err(error)?;
            drive(app, &actor, &claim.id, state).await.map_err(error)?;
        }
        crate::demo_claimsflow::load_store(app, &actor, &store.id, spec.rate, &part_no(spec, 0), &since).await?;
    }
    Ok(())
}

pub(crate) fn store_refs(stores: &[StoreRow]) -> Vec<StoreRef> {
    stores
        .iter()
        .map(|s| StoreRef {
            id: s.id.clone(),
            code: s.code.clone(),
            name: s.name.clone(),
            time_zone: s.time_zone.clone(),
        })
        .collect()
}

/// The demo user `<store code>.<suffix>` acting in their store with `roles`, as their login would make them.
pub(crate) fn staff_actor(users: &[UserRow], store: &StoreRef, suffix: &str, roles: &[Role]) -> Option<Actor> {
    let username = format!("{}.{suffix}", store.code.to_lowercase());
    let user = users.iter().find(|u| u.username == username)?;
    Some(Actor {
        user_id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        locale: "zh-CN".into(),
        grants: roles.iter().map(|role| RoleGrant { store_id: Some(store.id.clone()), role: *role }).collect(),
        stores: vec![store.clone()],
        current_store: Some(store.id.clone()),
        session_id: None,
    })
}

/// Moves a fresh draft to `state` the way the clerk and the manufacturer would.
async fn drive(app: &App, actor: &Actor, id: &str, state: &str) -> Result<(), AppError> {
    let act = |action: &'static str, input: ActionInput| warranty::act(app, actor, id, action, input);
    let verdicts = |lines: Vec<LineVerdict>| ActionInput { lines, ..ActionInput::default() };
    if state == "draft" {
        return Ok(());
    }
    if state == "cancelled" {
        act("cancel", ActionInput::default()).await?;
        return Ok(());
    }
    let outcome = warranty::check(app, actor, id, Default::default()).await?;
    if !outcome.passed || state == "checked" {
        return Ok(());
    }
    act("submit", ActionInput::default()).await?;
    let cut = LineVerdict::Cut { amount: Money::yuan(50), reason: "工时按标准核减".into() };
    match state {
        "approved" => drop(act("decide", verdicts(vec![LineVerdict::Approved, LineVerdict::Approved])).await?),
        "partly_approved" => drop(act("decide", verdicts(vec![cut, LineVerdict::Approved])).await?),
        "rejected" => {
            let deducted = || LineVerdict::Deducted { reason: "非质量问题，不予索赔".into() };
            drop(act("decide", verdicts(vec![deducted(), deducted()])).await?)
        }
        "returned" | "resubmitted" => {
            let reason =
                ActionInput { reason: "请补充故障照片与检测数据".into(), ..ActionInput::default() };
            act("return", reason).await?;
            if state == "resubmitted" {
                act("resubmit", ActionInput::default()).await?;
            }
        }
        "settled" => {
            act("decide", verdicts(vec![LineVerdict::Approved, LineVerdict::Approved])).await?;
            act("settle", ActionInput::default()).await?;
        }
        _ => {}
    }
    Ok(())
}
