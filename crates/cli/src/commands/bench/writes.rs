//! Durable creates through the API: `POST /api/v1/customers` with a `vehicle`, from 1, 8 and 16 concurrent
//! keep-alive clients, each create answered only once its commit is on disk.

use claimdesk_app::Actor;
use claimdesk_app::actor::StoreRef;
use claimdesk_app::{auth, org};
use claimdesk_domain::org::{GrantInput, StoreInput, UserInput};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::http::Client;
use super::server::{BenchServer, FreshDb, fsync_rate, ms, percentile};

pub const CLIENT_COUNTS: [usize; 3] = [1, 8, 16];

/// One row of the report.
pub struct WriteFigure {
    pub stores: usize,
    pub clients: usize,
    pub per_second: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub errors: u64,
}

/// `stores` stores and one service advisor working in all of them, with an API token, made through the
/// services as an admin would.
pub async fn setup(server: &BenchServer, stores: usize) -> anyhow::Result<(Vec<String>, String)> {
    setup_as(server, stores, "BN", "advisor", "service_advisor").await
}

/// [`setup`] with the store code prefix, the user name's suffix and the role of the bench user.
pub async fn setup_as(
    server: &BenchServer,
    stores: usize,
    prefix: &str,
    who: &str,
    role: &str,
) -> anyhow::Result<(Vec<String>, String)> {
    let app = &server.app;
    let mut refs = Vec::new();
    for n in 1..=stores {
        let system = Actor::system(Vec::new());
        let store = org::stores::create(
            app,
            &system,
            StoreInput {
                code: format!("{prefix}{stores}-{n:02}"),
                name: format!("基准测试广本4S店{stores}-{n:02}"),
                brands: "广汽本田".into(),
                time_zone: "Asia/Shanghai".into(),
                address: String::new(),
                phone: String::new(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating a bench store: {e}"))?;
        refs.push(StoreRef { id: store.id, code: store.code, name: store.name, time_zone: store.time_zone });
    }
    let ids: Vec<String> = refs.iter().map(|store| store.id.clone()).collect();
    let system = Actor::system(refs);
    let password = "bench-password-1";
    let username = format!("bench{stores}.{who}");
    org::users::create(
        app,
        &system,
        UserInput {
            username: username.clone(),
            display_name: "基准服务顾问".into(),
            password: password.into(),
            locale: "zh-CN".into(),
            phone: String::new(),
            grants: ids.iter().map(|id| GrantInput { store_id: Some(id.clone()), role: role.into() }).collect(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the bench user: {e}"))?;
    let token = auth::token_for_password(app, &username, password, "127.0.0.1")
        .await
        .map_err(|e| anyhow::anyhow!("getting a token: {e}"))?;
    Ok((ids, token))
}

const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
const GIVEN: [&str; 8] = ["伟", "芳", "秀英", "建华", "晓东", "雪梅", "志强", "子涵"];
const MODELS: [&str; 4] = ["雅阁", "凌派", "皓影", "型格"];

/// The body of the `n`th create: a unique mobile and VIN, a plausible plate, name and car.
pub fn customer_body(n: u64, store_id: &str) -> Vec<u8> {
    let i = n as usize;
    let body = serde_json::json!({
        "store_id": store_id,
        "name": format!("{}{}", SURNAMES[i % 8], GIVEN[(i / 8) % 8]),
        "mobile": format!("139{:08}", n % 100_000_000),
        "address": "北京市朝阳区东四环北路88号",
        "vehicle": {
            "vin": claimdesk_testkit::names::vin_numbered("LHG", n),
            "plate": format!("京N{:05}", n % 100_000),
            "brand": "广汽本田",
            "model": MODELS[i % 4],
            "color": "白色",
            "invoice_on": "2024-03-18",
            "delivered_on": "2024-03-20",
            "sale_price": "189800.00",
            "odometer_km": 12 + (n % 5_000) as i64,
        }
    });
    serde_json::to_vec(&body).expect("json")
}

struct ClientResult {
    created: u64,
    errors: u64,
    first_error: Option<String>,
    latencies: Vec<u32>,
}

/// Runs `clients` concurrent clients for `seconds`, each posting creates back to back.
pub async fn measure(
    server: &BenchServer,
    token: &str,
    clients: usize,
    seconds: f64,
    counter: &Arc<AtomicU64>,
    stores: &[String],
) -> anyhow::Result<WriteFigure> {
    let deadline = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for index in 0..clients {
        let (addr, token, counter) = (server.addr, token.to_string(), counter.clone());
        let store = stores[index % stores.len()].clone();
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await?;
            let mut result = ClientResult { created: 0, errors: 0, first_error: None, latencies: Vec::new() };
            while start.elapsed() < deadline {
                let body = customer_body(counter.fetch_add(1, Ordering::Relaxed), &store);
                let sent = Instant::now();
                let response = client.post_json("/api/v1/customers", &token, &body).await?;
                result.latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                if response.status == 201 {
                    result.created += 1;
                } else {
                    result.errors += 1;
                    if result.first_error.is_none() {
                        result.first_error =
                            Some(format!("{} {}", response.status, String::from_utf8_lossy(&response.body)));
                    }
                }
            }
            anyhow::Ok(result)
        }));
    }
    let mut created = 0;
    let mut errors = 0;
    let mut latencies = Vec::new();
    for task in tasks {
        let result = task.await??;
        created += result.created;
        errors += result.errors;
        latencies.extend(result.latencies);
        if let Some(error) = result.first_error {
            println!("    error answer: {error}");
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    Ok(WriteFigure {
        stores: stores.len(),
        clients,
        per_second: created as f64 / elapsed,
        p50_us: percentile(&latencies, 50.0),
        p99_us: percentile(&latencies, 99.0),
        errors,
    })
}

/// The whole part on one backend: a fresh database, the fsync rate of its disk, then each client count.
///
/// `store_counts`: the clients write to one store, or are spread over several (client i writes to store
/// i mod n), as a dealer group's stores share one PostgreSQL. Each store is its own audit chain.
pub async fn run(pg: Option<&str>, seconds: u64, store_counts: &[usize]) -> anyhow::Result<Vec<WriteFigure>> {
    let server = BenchServer::start(FreshDb::create(pg, "writes").await?).await?;
    println!("writes: POST /api/v1/customers with a vehicle, durable, HTTP/1.1 keep-alive clients");
    println!("  database: {}", server.label);
    let fsync = fsync_rate(&server.data_dir)?;
    println!("  disk: {fsync:.0} fsyncs/s (512-byte write + fsync, one at a time, in {})", server.data_dir.display());
    let counter = Arc::new(AtomicU64::new(1));
    let target = if pg.is_some() { "≥ 3,000/s (PostgreSQL)" } else { "≥ 5,000/s with 16 clients (SQLite)" };
    println!("  target: {target}");
    println!("  {:>6} {:>7} {:>12} {:>10} {:>10} {:>7}", "stores", "clients", "creates/s", "p50", "p99", "errors");
    let mut figures = Vec::new();
    for stores in store_counts {
        let (store_ids, token) = setup(&server, *stores).await?;
        // Warm the caches and the connection pools before measuring.
        measure(&server, &token, 4, 0.5, &counter, &store_ids).await?;
        for clients in CLIENT_COUNTS {
            let figure = measure(&server, &token, clients, seconds as f64, &counter, &store_ids).await?;
            println!(
                "  {:>6} {:>7} {:>12.0} {:>10} {:>10} {:>7}",
                figure.stores,
                figure.clients,
                figure.per_second,
                ms(figure.p50_us),
                ms(figure.p99_us),
                figure.errors
            );
            figures.push(figure);
        }
    }
    server.stop().await;
    Ok(figures)
}
