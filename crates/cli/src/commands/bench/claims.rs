//! Warranty claims (issue 4): durable creates of claims with 5 lines through `POST /api/v1/warranty-claims`
//! from 1 and 16 keep-alive clients; then the claims table is filled to N claims (1,000,000 by default, 5
//! lines each) with multi-row inserts, and a claim by id and the archive searches are measured one request
//! at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use claimdesk_app::Actor;
use claimdesk_domain::Money;
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_store::query::{self, Arg};
use claimdesk_store::{job, new_id};

use super::http::Client;
use super::server::{BenchServer, FreshDb, ms, percentile};
use super::writes::{customer_body, setup_as};

pub const DEFAULT_CLAIMS: usize = 1_000_000;
/// Vehicles (each with a warranty repair order) the claims are spread over.
const VEHICLES: u64 = 10_000;
/// Failure codes and causal parts as a brand's catalogue spreads them: 50 codes, 2,000 parts.
const FAILURE_CODES: usize = 50;
const PARTS: usize = 2_000;

pub(super) fn failure_code(i: usize) -> String {
    format!("P{:04}", 300 + i % FAILURE_CODES)
}

/// The `i`th claim's causal part: a skewed spread (a few parts fail often, most rarely).
pub(super) fn part(i: usize) -> String {
    let n = (i * 7_919) % (PARTS * PARTS);
    format!("{:05}-TVA-A01", (n as f64).sqrt() as usize % PARTS)
}

fn claim_body(repair_order_id: &str, n: u64) -> Vec<u8> {
    let i = n as usize;
    let body = serde_json::json!({
        "repair_order_id": repair_order_id,
        "kind": "repair",
        "symptom": "发动机抖动，故障灯亮",
        "cause": "点火线圈击穿",
        "correction": "更换点火线圈及火花塞",
        "failure_code": failure_code(i),
        "lines": [
            {"kind": "labor", "code": "10-01", "description": "更换点火线圈", "hours": "1.5"},
            {"kind": "labor", "code": "00-01", "description": "检查诊断", "hours": "0.5"},
            {"kind": "part", "code": part(i), "description": "点火线圈", "quantity": "1", "unit_price": "320.00", "role": "causal"},
            {"kind": "part", "code": "98079-5614G", "description": "火花塞", "quantity": "4", "unit_price": "45.00", "role": "consequential"},
            {"kind": "sublet", "description": "外出救援", "amount": "200.00"},
        ],
    });
    serde_json::to_vec(&body).expect("json")
}

/// The brand's terms, and `VEHICLES` customers with a vehicle and a warranty repair order each, made
/// through the API by 16 clients. Answers the repair orders as (id, vehicle id, VIN).
async fn prepare(server: &BenchServer, token: &str, store: &str) -> anyhow::Result<Vec<(String, String, String)>> {
    let system = Actor::system(Vec::new());
    let settings = BrandSettings { labor_rate: Money::yuan(150), ..BrandSettings::default() };
    claimdesk_app::warranty::save_brand(&server.app, &system, "广汽本田", settings, None)
        .await
        .map_err(|e| anyhow::anyhow!("brand settings: {e}"))?;
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (addr, token, store, next) = (server.addr, token.to_string(), store.to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await?;
            let mut made = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= VEHICLES {
                    break;
                }
                let answer = client.post_json("/api/v1/customers", &token, &customer_body(9_000_000 + n, &store)).await?;
                let customer: serde_json::Value = serde_json::from_slice(&answer.body)?;
                let vehicle = &customer["vehicles"][0];
                let (vehicle_id, vin) = (vehicle["id"].as_str().unwrap_or("").to_string(), vehicle["vin"].as_str().unwrap_or("").to_string());
                let order = serde_json::json!({
                    "vehicle_id": vehicle_id, "kind": "warranty", "mileage_in": 20_000, "complaint": "发动机抖动",
                    "items": [{"kind": "labor", "code": "10-01", "description": "更换点火线圈", "hours": "1.5", "unit_price": "150.00", "payer": "warranty"}],
                });
                let answer = client.post_json("/api/v1/repair-orders", &token, &serde_json::to_vec(&order)?).await?;
                if answer.status != 201 {
                    anyhow::bail!("repair order: {} {}", answer.status, String::from_utf8_lossy(&answer.body));
                }
                let order: serde_json::Value = serde_json::from_slice(&answer.body)?;
                made.push((order["id"].as_str().unwrap_or("").to_string(), vehicle_id, vin));
            }
            anyhow::Ok(made)
        }));
    }
    let mut orders = Vec::new();
    for task in tasks {
        orders.extend(task.await??);
    }
    Ok(orders)
}

struct Written {
    created: u64,
    errors: u64,
    first_error: Option<String>,
    latencies: Vec<u32>,
}

async fn write(
    server: &BenchServer,
    token: &str,
    orders: &Arc<Vec<(String, String, String)>>,
    clients: usize,
    seconds: f64,
    counter: &Arc<AtomicU64>,
) -> anyhow::Result<(f64, f64, f64, u64)> {
    let start = Instant::now();
    let deadline = Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (addr, token, orders, counter) = (server.addr, token.to_string(), orders.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await?;
            let mut result = Written { created: 0, errors: 0, first_error: None, latencies: Vec::new() };
            while start.elapsed() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let order = &orders[(n as usize) % orders.len()].0;
                let sent = Instant::now();
                let answer = client.post_json("/api/v1/warranty-claims", &token, &claim_body(order, n)).await?;
                result.latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                if answer.status == 201 {
                    result.created += 1;
                } else {
                    result.errors += 1;
                    result
                        .first_error
                        .get_or_insert_with(|| format!("{} {}", answer.status, String::from_utf8_lossy(&answer.body)));
                }
            }
            anyhow::Ok(result)
        }));
    }
    let (mut created, mut errors, mut latencies) = (0, 0, Vec::new());
    for task in tasks {
        let result = task.await??;
        created += result.created;
        errors += result.errors;
        latencies.extend(result.latencies);
        if let Some(error) = result.first_error {
            println!("    error answer: {error}");
        }
    }
    latencies.sort_unstable();
    let elapsed = start.elapsed().as_secs_f64();
    Ok((created as f64 / elapsed, percentile(&latencies, 50.0), percentile(&latencies, 99.0), errors))
}

const CLAIM_COLUMNS: [&str; 26] = [
    "id",
    "store_id",
    "number",
    "repair_order_id",
    "vehicle_id",
    "vin",
    "brand",
    "kind",
    "state",
    "clerk_id",
    "repair_date",
    "mileage",
    "symptom",
    "cause",
    "correction",
    "failure_code",
    "labor_rate_fen",
    "claimed_fen",
    "approved_fen",
    "eligibility",
    "content_version",
    "submitted_at",
    "decided_at",
    "created_at",
    "updated_at",
    "version",
];
const LINE_COLUMNS: [&str; 13] = [
    "id",
    "store_id",
    "claim_id",
    "line_no",
    "kind",
    "code",
    "description",
    "hours_centi",
    "quantity_milli",
    "unit_price_fen",
    "role",
    "amount_fen",
    "verdict_reason",
];
const STATES: [&str; 8] =
    ["settled", "settled", "approved", "partly_approved", "rejected", "submitted", "draft", "returned"];

/// Fills the claims table up to `total` with plausible claims of 5 lines (spread over three years, eight
/// failure codes and parts, every state), 2,000 claims per write job.
async fn fill(
    server: &BenchServer,
    store: &str,
    clerk: &str,
    orders: &[(String, String, String)],
    from: u64,
    total: u64,
) -> anyhow::Result<()> {
    let start_ms: i64 = 1_640_995_200_000; // 2022-01-01
    let span_ms: i64 = 3 * 365 * 86_400_000;
    let mut n = from;
    while n < total {
        let end = (n + 2_000).min(total);
        let mut claims = Vec::new();
        let mut lines = Vec::new();
        for k in n..end {
            let i = k as usize;
            let (order, vehicle, vin) = &orders[i % orders.len()];
            let id = new_id();
            let at = start_ms + ((k as i64 * 7_919) % span_ms.max(1));
            let date = jiff::Timestamp::from_millisecond(at)?.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
            let state = STATES[i % STATES.len()];
            let decided = matches!(state, "settled" | "approved" | "partly_approved" | "rejected");
            let approved = match state {
                "rejected" => Some(0),
                "partly_approved" => Some(90_000),
                _ if decided => Some(110_000),
                _ => None,
            };
            claims.push(vec![
                Arg::from(id.as_str()),
                Arg::from(store),
                Arg::from(format!("WCB{k:09}").as_str()),
                Arg::from(order.as_str()),
                Arg::from(vehicle.as_str()),
                Arg::from(vin.as_str()),
                Arg::from("广汽本田"),
                Arg::from("repair"),
                Arg::from(state),
                Arg::from(clerk),
                Arg::from(date.as_str()),
                Arg::from(20_000 + (k % 50_000) as i64),
                Arg::from("发动机抖动，故障灯亮"),
                Arg::from("点火线圈击穿"),
                Arg::from("更换点火线圈及火花塞"),
                Arg::from(failure_code(i).as_str()),
                Arg::from(15_000_i64),
                Arg::from(110_000_i64),
                approved.into(),
                Arg::from("sanbao_free_repair"),
                Arg::from(1_i64),
                (state != "draft").then_some(at + 3_600_000).into(),
                decided.then_some(at + 86_400_000).into(),
                Arg::from(at),
                Arg::from(at),
                Arg::from(1_i64),
            ]);
            let line = |no: i64,
                        kind: &str,
                        code: &str,
                        description: &str,
                        hours: i64,
                        qty: i64,
                        price: i64,
                        role: &str,
                        amount: i64| {
                vec![
                    Arg::from(new_id().as_str()),
                    Arg::from(store),
                    Arg::from(id.as_str()),
                    Arg::from(no),
                    Arg::from(kind),
                    Arg::from(code),
                    Arg::from(description),
                    Arg::from(hours),
                    Arg::from(qty),
                    Arg::from(price),
                    Arg::from(role),
                    Arg::from(amount),
                    Arg::from(""),
                ]
            };
            lines.push(line(1, "labor", "10-01", "更换点火线圈", 150, 0, 0, "", 22_500));
            lines.push(line(2, "labor", "00-01", "检查诊断", 50, 0, 0, "", 7_500));
            lines.push(line(3, "part", &part(i), "点火线圈", 0, 1_000, 32_000, "causal", 32_000));
            lines.push(line(4, "part", "98079-5614G", "火花塞", 0, 4_000, 4_500, "consequential", 18_000));
            lines.push(line(5, "sublet", "", "外出救援", 0, 0, 0, "", 20_000));
        }
        server
            .app
            .db
            .write(job(move |tx| {
                Box::pin(async move {
                    query::insert_many(tx, "warranty_claims", &CLAIM_COLUMNS, claims).await?;
                    query::insert_many(tx, "warranty_claim_lines", &LINE_COLUMNS, lines).await?;
                    Ok::<_, claimdesk_store::StoreError>(())
                })
            }))
            .await
            .map_err(|e| anyhow::anyhow!("filling claims: {e}"))?;
        n = end;
        if n.is_multiple_of(100_000) {
            println!("    … {n} claims");
        }
    }
    Ok(())
}

async fn read(
    client: &mut Client,
    token: &str,
    paths: &[String],
    seconds: f64,
) -> anyhow::Result<(usize, f64, f64, f64)> {
    for path in paths.iter().take(50) {
        let answer = client.get(path, token).await?;
        if answer.status != 200 {
            anyhow::bail!("{path}: {} {}", answer.status, String::from_utf8_lossy(&answer.body));
        }
    }
    let (start, deadline) = (Instant::now(), Duration::from_secs_f64(seconds));
    let mut latencies = Vec::new();
    let mut index = 0;
    while start.elapsed() < deadline {
        let path = &paths[index % paths.len()];
        index += 1;
        let sent = Instant::now();
        let answer = client.get(path, token).await?;
        latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if answer.status != 200 {
            anyhow::bail!("{path}: {} {}", answer.status, String::from_utf8_lossy(&answer.body));
        }
    }
    latencies.sort_unstable();
    Ok((latencies.len(), percentile(&latencies, 50.0), percentile(&latencies, 99.0), percentile(&latencies, 100.0)))
}

/// What the reads need of a prepared database: the store, the clerk's token and the repair orders.
struct Prepared {
    store: String,
    token: String,
    orders: Arc<Vec<(String, String, String)>>,
}

/// The bench store, its clerk and its repair orders in a database an earlier run of this bench filled and
/// kept (`--loaded`), or `None` when it holds no bench store yet.
async fn reuse(server: &BenchServer) -> anyhow::Result<Option<Prepared>> {
    let store: Option<(String,)> = server
        .app
        .db
        .read(job(|tx| {
            Box::pin(async move {
                let query =
                    query::Query::with("SELECT id FROM stores WHERE code = $1", claimdesk_store::args![STORE_CODE]);
                query::fetch_optional(tx, &query).await
            })
        }))
        .await?;
    let Some((store,)) = store else { return Ok(None) };
    let token = claimdesk_app::auth::token_for_password(&server.app, CLERK, PASSWORD, "127.0.0.1")
        .await
        .map_err(|e| anyhow::anyhow!("token for {CLERK}: {e}"))?;
    let orders: Vec<(String, String, String)> = server
        .app
        .db
        .read(job(|tx| {
            Box::pin(async move {
                let sql = "SELECT o.id, o.vehicle_id, v.vin FROM repair_orders o JOIN vehicles v ON v.id = o.vehicle_id \
                           WHERE o.kind = 'warranty' ORDER BY o.id";
                query::fetch_all(tx, &query::Query::new(sql)).await
            })
        }))
        .await?;
    Ok(Some(Prepared { store, token, orders: Arc::new(orders) }))
}

/// The bench's store code, clerk and password as `setup_as(…, 1, "BC", "clerk", …)` makes them.
const STORE_CODE: &str = "BC1-01";
const CLERK: &str = "bench1.clerk";
const PASSWORD: &str = "bench-password-1";

async fn claim_count(server: &BenchServer) -> anyhow::Result<u64> {
    let count = server
        .app
        .db
        .read(job(|tx| {
            Box::pin(
                async move { query::fetch_count(tx, &query::Query::new("SELECT COUNT(*) FROM warranty_claims")).await },
            )
        }))
        .await?;
    Ok(count.max(0) as u64)
}

/// `loaded`: a database to fill once and keep (and, on later runs, to measure again without filling);
/// `skip_writes`: measure only the reads.
pub async fn run(
    pg: Option<&str>,
    seconds: u64,
    total: usize,
    loaded: Option<&str>,
    skip_writes: bool,
) -> anyhow::Result<()> {
    let fresh = match loaded {
        Some(url) => FreshDb {
            url: url.to_string(),
            label: format!("{url} (kept)"),
            data_dir: std::env::temp_dir(),
            temp_dir: None,
        },
        None => FreshDb::create(pg, "claims").await?,
    };
    let server = BenchServer::start(fresh).await?;
    println!("claims: POST /api/v1/warranty-claims with 5 lines, durable; then reads at {total} claims");
    println!("  database: {}", server.label);
    let prepared = match reuse(&server).await? {
        Some(prepared) => {
            println!("  reusing store {STORE_CODE} with {} repair orders", prepared.orders.len());
            prepared
        }
        None => {
            let (stores, token) = setup_as(&server, 1, "BC", "clerk", "warranty_clerk").await?;
            let began = Instant::now();
            let orders = Arc::new(prepare(&server, &token, &stores[0]).await?);
            println!(
                "  prepared {} vehicles with a warranty repair order each in {:.1} s",
                orders.len(),
                began.elapsed().as_secs_f64()
            );
            Prepared { store: stores[0].clone(), token, orders }
        }
    };
    let Prepared { store, token, orders } = prepared;
    if !skip_writes {
        println!("  target: ≥ 3,000 claims/s with 16 clients (SQLite)");
        println!("  {:>7} {:>12} {:>10} {:>10} {:>7}", "clients", "claims/s", "p50", "p99", "errors");
        let counter = Arc::new(AtomicU64::new(claim_count(&server).await?));
        write(&server, &token, &orders, 4, 0.5, &counter).await?;
        for clients in [1, 16] {
            let (rate, p50, p99, errors) = write(&server, &token, &orders, clients, seconds as f64, &counter).await?;
            println!("  {clients:>7} {rate:>12.0} {:>10} {:>10} {errors:>7}", ms(p50), ms(p99));
        }
    }

    let clerk: (String,) = server
        .app
        .db
        .read(job(|tx| {
            Box::pin(async move {
                let query =
                    query::Query::with("SELECT id FROM users WHERE username = $1", claimdesk_store::args![CLERK]);
                query::fetch_optional(tx, &query).await?.ok_or_else(|| anyhow::anyhow!("no clerk"))
            })
        }))
        .await?;
    let have = claim_count(&server).await?;
    if have < total as u64 {
        let began = Instant::now();
        fill(&server, &store, &clerk.0, &orders, have, total as u64).await?;
        println!("  filled to {total} claims (5 lines each) in {:.0} s", began.elapsed().as_secs_f64());
    } else {
        println!("  {have} claims already (5 lines each)");
    }

    let ids: Vec<(String, String, String)> = server
        .app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let sql = "SELECT id, number, vin FROM warranty_claims WHERE number >= $1 ORDER BY number LIMIT 2000";
                let start = format!("WCB{:09}", (total as u64 / 2).max(1));
                Ok::<_, anyhow::Error>(
                    query::fetch_all(tx, &query::Query::with(sql, claimdesk_store::args![start])).await?,
                )
            })
        }))
        .await?;
    let by_id: Vec<String> = ids.iter().step_by(5).map(|(id, ..)| format!("/api/v1/warranty-claims/{id}")).collect();
    let by_number: Vec<String> =
        ids.iter().step_by(5).map(|(_, number, _)| format!("/api/v1/warranty-claims?q={number}")).collect();
    let by_vin: Vec<String> =
        ids.iter().step_by(5).map(|(.., vin)| format!("/api/v1/warranty-claims?vin={vin}")).collect();
    let by_state: Vec<String> = ["submitted", "returned", "draft", "rejected"]
        .iter()
        .map(|s| format!("/api/v1/warranty-claims?state={s}"))
        .collect();
    let by_code: Vec<String> = (0..48)
        .map(|i| {
            let month = i % 12 + 1;
            format!(
                "/api/v1/warranty-claims?failure_code={}&from=2023-{month:02}-01&to=2023-{month:02}-28",
                failure_code(i)
            )
        })
        .collect();
    let by_part: Vec<String> = (0..200).map(|i| format!("/api/v1/warranty-claims?part_no={}", part(i * 37))).collect();
    let latest = vec!["/api/v1/warranty-claims".to_string()];
    let mut client = Client::connect(server.addr).await?;
    println!("  {:<52} {:>8} {:>10} {:>10} {:>10} {:>8}", "request", "count", "p50", "p99", "max", "target");
    for (label, target, paths) in [
        ("GET /warranty-claims/{id}", 2.0, &by_id),
        ("GET /warranty-claims?q=<claim number>", 5.0, &by_number),
        ("GET /warranty-claims?vin=<VIN>", 5.0, &by_vin),
        ("GET /warranty-claims?state=<state> (first page)", 5.0, &by_state),
        ("GET /warranty-claims?failure_code=&from=&to= (a month)", 5.0, &by_code),
        ("GET /warranty-claims?part_no=<part> (first page)", 5.0, &by_part),
        ("GET /warranty-claims (newest first)", 5.0, &latest),
    ] {
        let (count, p50, p99, max) = read(&mut client, &token, paths, seconds as f64).await?;
        println!(
            "  {label:<52} {count:>8} {:>10} {:>10} {:>10} {:>8}",
            ms(p50),
            ms(p99),
            ms(max),
            format!("< {target} ms")
        );
    }
    server.stop().await;
    Ok(())
}
