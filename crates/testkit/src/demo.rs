//! `claimdesk demo`: a realistic group with several stores, staff of every role, customers with valid VINs,
//! plates and phones, their vehicles and visits, and the due items those visits imply.

use claimdesk_app::actor::Actor;
use claimdesk_app::auth::hash_password;
use claimdesk_app::worklist::{DueSpec, create_due};
use claimdesk_app::{App, audit, clock, follow_up};
use claimdesk_domain::access::Role;
use claimdesk_store::customers::CustomerRow;
use claimdesk_store::repair_orders::{ItemRow, RepairOrderRow};
use claimdesk_store::stores::StoreRow;
use claimdesk_store::users::{GrantRow, UserRow};
use claimdesk_store::vehicles::{OdometerRow, OwnerRow, VehicleRow};
use claimdesk_store::{Tx, counters, customers, job, new_id, repair_orders, stores, users, vehicles};
use jiff::ToSpan;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::names;

pub const DEFAULT_PASSWORD: &str = "claimdesk-demo";
pub const DEFAULT_SIZE: usize = 3_000;

/// A user the demo made, as `claimdesk demo --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub username: String,
    pub role: String,
    pub store: Option<String>,
}

struct StoreSpec {
    code: &'static str,
    name: &'static str,
    brand: &'static str,
    province: &'static str,
    authority: char,
    wmi: &'static str,
    models: &'static [&'static str],
}

const STORES: &[StoreSpec] = &[
    StoreSpec {
        code: "BJ01",
        name: "北京朝阳广本4S店",
        brand: "广汽本田",
        province: "京",
        authority: 'N',
        wmi: "LHG",
        models: &["雅阁", "凌派", "皓影", "型格", "e:NP1"],
    },
    StoreSpec {
        code: "SH01",
        name: "上海浦东上汽大众4S店",
        brand: "上汽大众",
        province: "沪",
        authority: 'B',
        wmi: "LSV",
        models: &["帕萨特", "朗逸", "途观L", "ID.4 X", "途岳"],
    },
    StoreSpec {
        code: "GZ01",
        name: "广州天河广汽丰田4S店",
        brand: "广汽丰田",
        province: "粤",
        authority: 'A',
        wmi: "LVG",
        models: &["凯美瑞", "雷凌", "汉兰达", "bZ4X", "威兰达"],
    },
];

const STORE_ROLES: &[(Role, &str, &str)] = &[
    (Role::StoreAdmin, "admin", "店长"),
    (Role::Supervisor, "manager", "服务经理"),
    (Role::WarrantyClerk, "clerk", "索赔员"),
    (Role::InsuranceSpecialist, "insurance", "保险专员"),
    (Role::ServiceAdvisor, "advisor", "服务顾问"),
    (Role::FollowUpAgent, "followup", "回访专员"),
    (Role::Finance, "finance", "财务"),
    (Role::Auditor, "auditor", "审计"),
];

/// Loads the demo into an empty database. `size` is the number of customers across all stores.
pub async fn load(app: &App, size: usize, password: &str) -> anyhow::Result<Vec<DemoUser>> {
    let existing = app.db.read(job(|tx| Box::pin(async move { stores::list(tx).await }))).await?;
    if !existing.is_empty() {
        anyhow::bail!("the database already holds stores; `claimdesk demo` loads into an empty database");
    }
    let now = app.now_ms();
    let system = Actor { display_name: "demo".into(), ..Actor::system(Vec::new()) };
    let mut made = Vec::new();
    let mut store_rows = Vec::new();
    let mut user_rows = Vec::new();
    let mut grant_rows = Vec::new();
    let hash = hash_password(password.to_string()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // `serve` on an empty database creates an `admin` with a random password; the demo takes it over.
    let bootstrap_admin = app.db.read(job(|tx| Box::pin(async move { users::by_username(tx, "admin").await }))).await?;
    let mut admin = user_row("admin", "集团管理员", &hash, now);
    if let Some(existing) = &bootstrap_admin {
        admin.id = existing.id.clone();
    } else {
        grant_rows.push(GrantRow {
            id: new_id(),
            user_id: admin.id.clone(),
            store_id: None,
            role: Role::GroupAdmin.as_str().into(),
            created_at: now,
        });
    }
    made.push(DemoUser { username: "admin".into(), role: Role::GroupAdmin.as_str().into(), store: None });
    user_rows.push(admin);
    for spec in STORES {
        let store = StoreRow {
            id: new_id(),
            code: spec.code.into(),
            name: spec.name.into(),
            brands: spec.brand.into(),
            time_zone: "Asia/Shanghai".into(),
            address: String::new(),
            phone: String::new(),
            active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        for (role, suffix, title) in STORE_ROLES {
            let username = format!("{}.{suffix}", spec.code.to_lowercase());
            // Each person has their own salt; hashing runs off the async threads.
            let own_hash = hash_password(password.to_string()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let user = user_row(&username, &format!("{}{title}", &spec.name[..6]), &own_hash, now);
            grant_rows.push(GrantRow {
                id: new_id(),
                user_id: user.id.clone(),
                store_id: Some(store.id.clone()),
                role: role.as_str().into(),
                created_at: now,
            });
            made.push(DemoUser { username, role: role.as_str().into(), store: Some(spec.code.into()) });
            user_rows.push(user);
        }
        store_rows.push(store);
    }
    {
        let (stores_copy, users_copy, grants_copy, system) =
            (store_rows.clone(), user_rows.clone(), grant_rows.clone(), system.clone());
        let bootstrap_exists = bootstrap_admin.is_some();
        app.db
            .write(job(move |tx| {
                Box::pin(async move {
                    for store in &stores_copy {
                        stores::insert(tx, store).await?;
                        audit::record(
                            tx,
                            &system,
                            now,
                            audit::Entry {
                                store_id: Some(&store.id),
                                entity: "store",
                                entity_id: &store.id,
                                action: "create",
                                before: None::<&()>,
                                after: Some(store),
                            },
                        )
                        .await?;
                    }
                    for user in &users_copy {
                        if bootstrap_exists && user.username == "admin" {
                            users::update(tx, user).await?;
                            continue;
                        }
                        users::insert(tx, user).await?;
                        let shown = serde_json::json!({"username": user.username, "display_name": user.display_name});
                        audit::record(
                            tx,
                            &system,
                            now,
                            audit::Entry {
                                store_id: None,
                                entity: "user",
                                entity_id: &user.id,
                                action: "create",
                                before: None::<&()>,
                                after: Some(&shown),
                            },
                        )
                        .await?;
                    }
                    for grant in &grants_copy {
                        users::insert_grant(tx, grant).await?;
                    }
                    Ok::<_, claimdesk_app::AppError>(())
                })
            }))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let per_store = size.div_ceil(STORES.len()).max(1);
    let mut rng = StdRng::seed_from_u64(20_261_125);
    for (index, spec) in STORES.iter().enumerate() {
        let store = &store_rows[index];
        let staff = |suffix: &str| {
            let username = format!("{}.{suffix}", spec.code.to_lowercase());
            user_rows.iter().find(|u| u.username == username).map(|u| u.id.clone())
        };
        let people = Staff { advisor: staff("advisor"), follow_up: staff("followup"), clerk: staff("clerk") };
        let mut remaining = per_store.min(size.saturating_sub(index * per_store));
        while remaining > 0 {
            let batch = remaining.min(2_000);
            remaining -= batch;
            let records: Vec<CustomerRecords> =
                (0..batch).map(|_| generate(&mut rng, spec, store, &people, now)).collect();
            let (system, store_id) = (system.clone(), store.id.clone());
            let people = people.clone();
            app.db
                .write(job(move |tx| {
                    Box::pin(async move { write_batch(tx, &system, &store_id, records, &people, now).await })
                }))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    crate::demo_returns::rules(app, &store_rows).await?;
    crate::demo_claims::load(app, &store_rows, &user_rows).await?;
    crate::demo_insurance::load(app, &crate::demo_claims::store_refs(&store_rows), &user_rows).await?;
    crate::demo_followup::load(app, &store_rows, &user_rows).await?;
    crate::demo_returns::load(app, &store_rows).await?;
    crate::demo_statements::load(app, &store_rows).await?;
    crate::demo_sanbao::load(app, &store_rows, &user_rows).await?;
    crate::demo_campaigns::load(app, &store_rows, &user_rows).await?;
    Ok(made)
}

fn user_row(username: &str, display_name: &str, hash: &str, now: i64) -> UserRow {
    UserRow {
        id: new_id(),
        username: username.into(),
        display_name: display_name.into(),
        password_hash: hash.into(),
        locale: "zh-CN".into(),
        phone: String::new(),
        active: true,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

#[derive(Clone)]
struct Staff {
    advisor: Option<String>,
    follow_up: Option<String>,
    clerk: Option<String>,
}

struct CustomerRecords {
    customer: CustomerRow,
    vehicle: VehicleRow,
    visits: Vec<(RepairOrderRow, Vec<ItemRow>)>,
}

const DAY_MS: i64 = 86_400_000;

fn generate(rng: &mut StdRng, spec: &StoreSpec, store: &StoreRow, staff: &Staff, now: i64) -> CustomerRecords {
    let today = clock::local_date(clock::from_ms(now), &store.time_zone);
    let customer_id = new_id();
    let owned_days = rng.random_range(30..1_500i64);
    let delivered = today.checked_sub(owned_days.days()).unwrap_or(today);
    let model_index = rng.random_range(0..spec.models.len());
    let model = spec.models[model_index];
    let electric = model.starts_with("e:") || model.starts_with("ID.") || model.starts_with("bZ");
    let visits_count = rng.random_range(0..=3usize);
    let mut mileage = rng.random_range(500..8_000i64);
    // Visits fall after delivery, within the last year.
    let mut visit_days: Vec<i64> = (0..visits_count).map(|_| rng.random_range(0..owned_days.min(360))).collect();
    visit_days.sort_unstable_by(|a, b| b.cmp(a));
    let last_visit = visit_days.last().map(|days| today.checked_sub(days.days()).unwrap_or(today));
    let customer = CustomerRow {
        id: customer_id.clone(),
        store_id: store.id.clone(),
        name: names::person_name(rng),
        kind: "person".into(),
        mobile: names::mobile(rng),
        address: format!("{}市某区某路{}号", &spec.name[..6], rng.random_range(1..300)),
        area: String::new(),
        first_visit_on: Some(delivered.to_string()),
        last_visit_on: last_visit.map(|d| d.to_string()),
        maintenance_interval_km: Some(5_000),
        maintenance_interval_months: Some(6),
        next_maintenance_on: last_visit.and_then(|d| d.checked_add(6.months()).ok()).map(|d| d.to_string()),
        follow_up_user_id: staff.follow_up.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        ..CustomerRow::default()
    };
    let vehicle_id = new_id();
    let mut visits = Vec::new();
    for (number, days_ago) in visit_days.iter().enumerate() {
        mileage += rng.random_range(2_000..9_000);
        let checked_in = now - days_ago * DAY_MS - rng.random_range(0..8) * 3_600_000;
        let kind = ["maintenance", "repair", "warranty", "maintenance", "accident"][rng.random_range(0..5)];
        let handed = *days_ago > 0 || number + 1 < visit_days.len();
        let order = RepairOrderRow {
            id: new_id(),
            store_id: store.id.clone(),
            number: String::new(),
            vehicle_id: vehicle_id.clone(),
            customer_id: Some(customer_id.clone()),
            kind: kind.into(),
            status: if handed { "handed_over".into() } else { "in_progress".into() },
            checked_in_at: checked_in,
            handed_over_at: handed.then_some(checked_in + rng.random_range(2..30) * 3_600_000),
            mileage_in: mileage,
            complaint: ["定期保养", "发动机异响", "空调不制冷", "刹车有异响", "左前门凹陷", "仪表故障灯亮"]
                [rng.random_range(0..6)]
            .into(),
            findings: String::new(),
            advisor_id: staff.advisor.clone(),
            odometer_replaced: false,
            created_at: checked_in,
            updated_at: checked_in,
            version: 1,
        };
        let items = vec![
            ItemRow {
                id: new_id(),
                store_id: store.id.clone(),
                repair_order_id: order.id.clone(),
                line_no: 1,
                kind: "labor".into(),
                code: "LB-01".into(),
                description: "检查与工时".into(),
                hours_centi: 100,
                unit_price_fen: 18_000,
                amount_fen: 18_000,
                payer: if kind == "warranty" { "warranty".into() } else { "customer".into() },
                ..ItemRow::default()
            },
            ItemRow {
                id: new_id(),
                store_id: store.id.clone(),
                repair_order_id: order.id.clone(),
                line_no: 2,
                kind: "part".into(),
                part_no: format!("{}-{:05}", spec.wmi, rng.random_range(0..99_999)),
                description: "机油滤清器".into(),
                quantity_milli: 1_000,
                unit_price_fen: 6_800,
                amount_fen: 6_800,
                payer: "customer".into(),
                ..ItemRow::default()
            },
        ];
        visits.push((order, items));
    }
    let vehicle = VehicleRow {
        id: vehicle_id,
        store_id: store.id.clone(),
        vin: names::vin(rng, spec.wmi),
        plate: names::plate(rng, spec.province, spec.authority, electric),
        plate_kind: if electric { "new_energy".into() } else { "ordinary".into() },
        brand: spec.brand.into(),
        model: model.into(),
        vehicle_type: if model_index % 2 == 0 { "轿车".into() } else { "SUV".into() },
        color: ["白色", "黑色", "银色", "蓝色", "红色"][rng.random_range(0..5)].into(),
        powertrain: if electric { "bev".into() } else { "ice".into() },
        use_nature: if rng.random_bool(0.95) { "private".into() } else { "ride_hailing".into() },
        invoice_on: Some(delivered.to_string()),
        delivered_on: Some(delivered.to_string()),
        sale_price_fen: Some(rng.random_range(120_000..320_000) * 100),
        owner_id: Some(customer_id),
        odometer_km: mileage,
        odometer_on: Some(last_visit.unwrap_or(delivered).to_string()),
        created_at: now,
        updated_at: now,
        version: 1,
        ..VehicleRow::default()
    };
    CustomerRecords { customer, vehicle, visits }
}

async fn write_batch(
    tx: &mut Tx,
    system: &Actor,
    store_id: &str,
    records: Vec<CustomerRecords>,
    staff: &Staff,
    now: i64,
) -> Result<(), claimdesk_app::AppError> {
    let today = clock::local_date(clock::from_ms(now), "Asia/Shanghai");
    // The batch's rows go in as multi-row INSERTs at the end (nothing here reads them back).
    tx.bulk_inserts();
    for CustomerRecords { customer, vehicle, visits } in records {
        customers::insert(tx, &customer).await?;
        audit::record(
            tx,
            system,
            now,
            audit::Entry {
                store_id: Some(store_id),
                entity: "customer",
                entity_id: &customer.id,
                action: "create",
                before: None::<&()>,
                after: Some(&serde_json::json!({"name": customer.name, "mobile": customer.mobile})),
            },
        )
        .await?;
        vehicles::insert(tx, &vehicle).await?;
        vehicles::insert_owner(
            tx,
            &OwnerRow {
                id: new_id(),
                store_id: store_id.into(),
                vehicle_id: vehicle.id.clone(),
                customer_id: customer.id.clone(),
                from_on: vehicle.delivered_on.clone().unwrap_or_default(),
                to_on: None,
                created_at: now,
            },
        )
        .await?;
        audit::record(
            tx,
            system,
            now,
            audit::Entry {
                store_id: Some(store_id),
                entity: "vehicle",
                entity_id: &vehicle.id,
                action: "create",
                before: None::<&()>,
                after: Some(&serde_json::json!({"vin": vehicle.vin, "plate": vehicle.plate})),
            },
        )
        .await?;
        for (mut order, items) in visits {
            let day = clock::local_date(clock::from_ms(order.checked_in_at), "Asia/Shanghai");
            let sequence = counters::next(tx, store_id, &format!("RO-{}", day.strftime("%Y%m%d"))).await?;
            order.number = format!("RO{}{:04}", day.strftime("%Y%m%d"), sequence);
            repair_orders::insert(tx, &order).await?;
            for item in &items {
                repair_orders::insert_item(tx, item).await?;
            }
            vehicles::insert_reading(
                tx,
                &OdometerRow {
                    id: new_id(),
                    store_id: store_id.into(),
                    vehicle_id: vehicle.id.clone(),
                    read_on: day.to_string(),
                    km: order.mileage_in,
                    source: "repair_order".into(),
                    source_id: Some(order.id.clone()),
                    replaced: false,
                    note: String::new(),
                    created_by: None,
                    created_at: order.created_at,
                },
            )
            .await?;
            audit::record(
                tx,
                system,
                now,
                audit::Entry {
                    store_id: Some(store_id),
                    entity: "repair_order",
                    entity_id: &order.id,
                    action: "create",
                    before: None::<&()>,
                    after: Some(&serde_json::json!({"number": order.number, "mileage_in": order.mileage_in})),
                },
            )
            .await?;
            // Recent handovers carry the follow-up deadlines of rules.md part D.
            if let Some(handed) = order.handed_over_at {
                let handover = clock::local_date(clock::from_ms(handed), "Asia/Shanghai");
                if (today - handover).get_days() <= 10 {
                    // The same service the handover calls, so demo data has the deadlines real use makes.
                    follow_up::schedule_visit(tx, &customer, Some((&order.id, &order.number)), handover, now).await?;
                }
                if order.kind == "warranty" && (today - handover).get_days() <= 20 {
                    create_due(
                        tx,
                        DueSpec {
                            store_id: store_id.into(),
                            assignee_id: staff.clerk.clone(),
                            kind: "claim_filing".into(),
                            rule: "W2".into(),
                            subject_type: "repair_order".into(),
                            subject_id: order.id.clone(),
                            subject_label: format!("{} {}", order.number, vehicle.plate),
                            params: serde_json::json!({}),
                            window_from: None,
                            due_on: handover.checked_add(30.days()).unwrap_or(handover),
                            escalate_after_days: None,
                            escalate_to_role: None,
                        },
                        now,
                    )
                    .await?;
                }
            }
        }
    }
    tx.flush_inserts().await?;
    Ok(())
}
