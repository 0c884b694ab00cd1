//! The motor-insurance part of `claimdesk demo`: in every store two insurers the store is agent for, with
//! their covers, commission rates and document checklists; policies sold over the past year (some coming due
//! for renewal); accident leads in each state; and claims along the workflow, one of them assessed with a
//! two-car liability split and one paid and closed. Everything goes through the specialist's services.

use claimdesk_app::actor::{Actor, StoreRef};
use claimdesk_app::insurance::claims::{self, AssessmentInput, ClaimInput, DocumentInput, LineInput, StepInput};
use claimdesk_app::insurance::insurers::{self, ChecklistInput, CoverRateInput, InsurerInput};
use claimdesk_app::insurance::leads::{self, LeadAction, LeadInput};
use claimdesk_app::insurance::policies::{self, NewPolicy};
use claimdesk_app::{App, AppError};
use claimdesk_domain::Money;
use claimdesk_domain::access::Role;
use claimdesk_domain::insurance::claim::{OtherParty, Reporter};
use claimdesk_domain::insurance::liability::Responsibility;
use claimdesk_domain::insurance::policy::{CoverInput, PolicyInput};
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};
use claimdesk_store::users::UserRow;
use jiff::ToSpan;
use jiff::civil::Date;

use crate::demo_claims::staff_actor;

const INSURERS: [(&str, &str, &str); 2] = [("PICC", "中国人保财险", "95518"), ("PAIC", "平安产险", "95511")];
const RATES: [(&str, &str); 4] =
    [("compulsory", "4"), ("own_damage", "15"), ("third_party", "15"), ("passengers", "10")];
const CHECKLISTS: [(&str, &[&str]); 3] = [
    ("own_damage", &["出险通知单", "驾驶证、行驶证", "事故认定书", "维修发票"]),
    ("third_party", &["出险通知单", "事故认定书", "三者损失清单", "赔偿协议"]),
    ("theft", &["出险通知单", "公安立案证明", "车辆登记证书", "全套钥匙"]),
];

/// An 18-digit resident ID with its check digit (GB 11643), born in 1985 in 朝阳区.
fn resident_id(serial: usize) -> String {
    let body = format!("11010519850{:03}{:03}", 101 + serial % 300, 100 + serial % 900);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn covers(serial: usize) -> Vec<CoverInput> {
    let own = 120_000 + (serial % 8) as i64 * 15_000;
    vec![
        CoverInput { cover: "compulsory".into(), premium: "950.00".into(), ..CoverInput::default() },
        CoverInput {
            cover: "own_damage".into(),
            sum_insured: Some(own.to_string()),
            premium: format!("{}.{:02}", own / 50, serial % 100),
            ..CoverInput::default()
        },
        CoverInput {
            cover: "third_party".into(),
            sum_insured: Some(if serial.is_multiple_of(3) { "2000000" } else { "1000000" }.into()),
            premium: if serial.is_multiple_of(3) { "1480.00" } else { "1160.00" }.into(),
            ..CoverInput::default()
        },
    ]
}

fn line(kind: &str, name: &str, assessed: &str, verified: &str) -> LineInput {
    LineInput {
        kind: kind.into(),
        name: name.into(),
        assessed: assessed.into(),
        verified: verified.into(),
        covered: true,
        ..LineInput::default()
    }
}

pub async fn load(app: &App, stores: &[StoreRef], users: &[UserRow]) -> anyhow::Result<()> {
    let error = |e: AppError| anyhow::anyhow!("insurance demo: {e}");
    let today = claimdesk_app::clock::local_date(app.clock.now(), "Asia/Shanghai");
    for store in stores {
        let Some(admin) = staff_actor(users, store, "admin", &[Role::StoreAdmin]) else { continue };
        let Some(specialist) = staff_actor(users, store, "insurance", &[Role::InsuranceSpecialist]) else {
            continue;
        };
        let mut insurer_ids = Vec::new();
        for (code, name, phone) in INSURERS {
            let input = InsurerInput {
                code: code.into(),
                name: name.into(),
                phone: phone.into(),
                claim_phone: phone.into(),
                active: true,
                store_id: None,
            };
            let insurer = insurers::create(app, &admin, input).await.map_err(error)?;
            for (cover, rate) in RATES {
                let rate_input = CoverRateInput {
                    cover: cover.into(),
                    commission_percent: rate.into(),
                    valid_from: today.checked_sub(2.years()).unwrap_or(today).to_string(),
                    explanation: format!("{name} {cover} 条款说明"),
                    claim_method: format!("出险后 48 小时内拨打 {phone} 报案，保护现场"),
                    documents: "出险通知单\n驾驶证、行驶证\n事故认定书".into(),
                    ..CoverRateInput::default()
                };
                insurers::add_cover(app, &admin, &insurer.id, rate_input).await.map_err(error)?;
            }
            insurer_ids.push(insurer.id);
        }
        for (claim_type, documents) in CHECKLISTS {
            let input = ChecklistInput {
                claim_type: claim_type.into(),
                documents: documents.iter().map(|d| d.to_string()).collect(),
                store_id: None,
            };
            insurers::set_checklist(app, &admin, input).await.map_err(error)?;
        }
        let vehicles = store_vehicles(app, &store.id).await?;
        let mut policy_of = Vec::new();
        // Sold over the past year, one every ~3 weeks: the oldest come due for renewal in the next weeks.
        for (serial, (vehicle_id, _)) in vehicles.iter().take(16).enumerate() {
            let starts = today.checked_sub(((16 - serial) as i64 * 23).days()).unwrap_or(today);
            let ends = starts.checked_add(1.year()).and_then(|d| d.checked_sub(1.day())).unwrap_or(starts);
            let input = NewPolicy {
                policy: PolicyInput {
                    insurer_id: insurer_ids[serial % 2].clone(),
                    vehicle_id: vehicle_id.clone(),
                    invoice_no: format!("{:08}", 4_403_000 + serial),
                    owner_id_no: resident_id(serial),
                    policy_no: format!(
                        "{}{}{:04}",
                        if serial.is_multiple_of(2) { "PDAA" } else { "PDZA" },
                        starts.year(),
                        serial
                    ),
                    starts_on: starts.to_string(),
                    ends_on: ends.to_string(),
                    covers: covers(serial),
                    premium_collected: !serial.is_multiple_of(4),
                    ..PolicyInput::default()
                },
                ..NewPolicy::default()
            };
            policy_of.push(policies::create(app, &specialist, input).await.map_err(error)?.id);
        }
        load_leads(app, &specialist, &vehicles, today).await.map_err(error)?;
        load_claims(app, &specialist, &vehicles, &policy_of, today).await.map_err(error)?;
    }
    Ok(())
}

/// The store's vehicles with their odometer readings, in a stable order.
async fn store_vehicles(app: &App, store_id: &str) -> anyhow::Result<Vec<(String, i64)>> {
    let store_id = store_id.to_string();
    Ok(app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let mut query = Query::new("SELECT id, odometer_km FROM vehicles WHERE store_id = ");
                query.bind(&store_id).push(" ORDER BY id DESC LIMIT 40");
                query::fetch_all(tx, &query).await
            })
        }))
        .await?)
}

async fn load_leads(app: &App, actor: &Actor, vehicles: &[(String, i64)], today: Date) -> Result<(), AppError> {
    let places = ["东三环国贸桥", "京藏高速清河收费站", "望京街与阜通东大街路口", "朝阳路十里堡"];
    for (index, place) in places.iter().enumerate() {
        let lead = leads::create(
            app,
            actor,
            LeadInput {
                source: ["insurer", "tow", "customer", "police"][index].into(),
                place: (*place).into(),
                contact_name: ["刘先生", "陈女士", "赵先生", "孙女士"][index].into(),
                contact_phone: format!("1391000{:04}", 2000 + index),
                plate: String::new(),
                vehicle_desc: "追尾，前部受损".into(),
                note: format!("{today} 来电"),
                store_id: None,
            },
        )
        .await?;
        if index >= 1 {
            leads::act(
                app,
                actor,
                &lead.id,
                "contact",
                LeadAction { surveyor: "查勘员王".into(), ..LeadAction::default() },
            )
            .await?;
        }
        if index == 2 {
            let (vehicle_id, odometer) = &vehicles[20 % vehicles.len()];
            let arrive = LeadAction {
                vehicle_id: Some(vehicle_id.clone()),
                mileage_in: Some(odometer + 500),
                ..LeadAction::default()
            };
            leads::act(app, actor, &lead.id, "arrive", arrive).await?;
        }
        if index == 3 {
            leads::act(
                app,
                actor,
                &lead.id,
                "lose",
                LeadAction { reason: "客户去了别家修理厂".into(), ..LeadAction::default() },
            )
            .await?;
        }
    }
    Ok(())
}

/// Three claims: just reported; assessed with a two-car split; paid and closed.
async fn load_claims(
    app: &App,
    actor: &Actor,
    vehicles: &[(String, i64)],
    policies: &[String],
    today: Date,
) -> Result<(), AppError> {
    let step = |id: String, action: &'static str, input: StepInput| async move {
        claims::step(app, actor, &id, action, input).await
    };
    for (index, policy_id) in policies.iter().take(3).enumerate() {
        let accident = today.checked_sub(((3 - index) as i64 * 5).days()).unwrap_or(today);
        let input = ClaimInput {
            claim_type: "own_damage".into(),
            vehicle_id: vehicles[index].0.clone(),
            policy_id: Some(policy_id.clone()),
            accident_at: format!("{accident}T09:30"),
            reported_at: format!("{accident}T11:00"),
            place: ["东四环四惠桥", "北苑路", "首都机场高速"][index].into(),
            description: "与前车追尾，前保险杠及大灯受损".into(),
            reporter: Reporter { name: "车主本人".into(), ..Reporter::default() },
            ..ClaimInput::default()
        };
        let claim = claims::create(app, actor, input).await?;
        if index == 0 {
            continue;
        }
        step(claim.id.clone(), "dispatch", StepInput { surveyor: "人保查勘员刘".into(), ..StepInput::default() })
            .await?;
        let present = ["insured", "surveyor", "repairer"].map(String::from).to_vec();
        step(claim.id.clone(), "assess", StepInput { parties_present: present, ..StepInput::default() }).await?;
        let assessment = AssessmentInput {
            lines: vec![
                line("part", "前保险杠", "2600.00", "2450.00"),
                line("part", "左前大灯总成", "1580.00", "1580.00"),
                line("labor", "钣金修复", "800.00", "800.00"),
                line("paint", "前部喷漆", "1200.00", "1100.00"),
            ],
            responsibility: "major".into(),
            parties: vec![OtherParty {
                label: "京B·3K721".into(),
                responsibility: Some(Responsibility::Minor),
                damage: Money::yuan(3000),
                compulsory: true,
                third_party_limit: Some(Money::yuan(1_000_000)),
            }],
            note: "与客户确认更换大灯，保险杠按修复价".into(),
        };
        claims::assess(app, actor, &claim.id, assessment).await?;
        if index == 1 {
            continue;
        }
        for action in ["verify_loss", "adjust", "approve"] {
            step(claim.id.clone(), action, StepInput::default()).await?;
        }
        for position in 0..4 {
            let document =
                DocumentInput {
                    position, received: true, signed_by: "车主本人".into(), ..DocumentInput::default()
                };
            claims::receive_document(app, actor, &claim.id, document).await?;
        }
        step(claim.id.clone(), "pay", StepInput::default()).await?;
        step(claim.id.clone(), "close", StepInput::default()).await?;
    }
    Ok(())
}
