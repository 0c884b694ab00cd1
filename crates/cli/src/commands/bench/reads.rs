//! Read latency at size: the demo data set of N customers (with vehicles, visits and due items) is loaded by
//! a child `claimdesk demo` process, then this process serves it and measures, one request at a time, a
//! record by id, searches by plate, phone and name prefix, and the follow-up person's worklist. Loading in a
//! child keeps the loader's memory out of the resident figure of the serving process.

use claimdesk_store::query::{self, Query};
use claimdesk_store::{args, job};
use std::time::{Duration, Instant};

use super::http::Client;
use super::server::{BenchServer, FreshDb, ms, percentile, resident_memory};

pub const DEFAULT_SIZE: usize = 100_000;

/// A sampled customer: id, name, mobile, plate.
type Sampled = (String, String, String, String);

/// One row of the report.
pub struct ReadFigure {
    pub label: &'static str,
    pub target_ms: f64,
    pub requests: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

/// Loads `size` customers into `url` by running `claimdesk demo` as a child process.
fn load_demo(url: &str, size: usize) -> anyhow::Result<Duration> {
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let output = std::process::Command::new(exe)
        .args(["demo", "--size", &size.to_string(), "--json", "--database-url", url])
        .stdin(std::process::Stdio::null())
        .output()?;
    if !output.status.success() {
        anyhow::bail!("claimdesk demo failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(start.elapsed())
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Sends each path in turn (cycling) for `seconds`, one request at a time; every answer must be 200.
async fn measure(
    client: &mut Client,
    token: &str,
    label: &'static str,
    target_ms: f64,
    paths: &[String],
    seconds: f64,
) -> anyhow::Result<ReadFigure> {
    // Warm up: every path once.
    for path in paths {
        let response = client.get(path, token).await?;
        if response.status != 200 {
            anyhow::bail!("{path}: {} {}", response.status, String::from_utf8_lossy(&response.body));
        }
    }
    let mut latencies = Vec::new();
    let start = Instant::now();
    let deadline = Duration::from_secs_f64(seconds);
    let mut index = 0;
    while start.elapsed() < deadline {
        let path = &paths[index % paths.len()];
        index += 1;
        let sent = Instant::now();
        let response = client.get(path, token).await?;
        latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if response.status != 200 {
            anyhow::bail!("{path}: {} {}", response.status, String::from_utf8_lossy(&response.body));
        }
    }
    latencies.sort_unstable();
    Ok(ReadFigure {
        label,
        target_ms,
        requests: latencies.len(),
        p50_us: percentile(&latencies, 50.0),
        p99_us: percentile(&latencies, 99.0),
        max_us: percentile(&latencies, 100.0),
    })
}

/// `loaded`: measure a database `claimdesk demo --size N` already filled (kept afterwards) instead of
/// loading a fresh one.
pub async fn run(pg: Option<&str>, size: usize, seconds: u64, loaded: Option<&str>) -> anyhow::Result<Vec<ReadFigure>> {
    let fresh = match loaded {
        Some(url) => FreshDb {
            url: url.to_string(),
            label: format!("{url} (loaded beforehand by claimdesk demo)"),
            data_dir: std::env::temp_dir(),
            temp_dir: None,
        },
        None => FreshDb::create(pg, "reads").await?,
    };
    println!("reads: {size} customers (demo data set: vehicles, visits, due items), one client, keep-alive");
    println!("  database: {}", fresh.label);
    if loaded.is_none() {
        let took = load_demo(&fresh.url, size)?;
        println!(
            "  loaded by `claimdesk demo --size {size}` in {:.1} s ({:.0} customers/s)",
            took.as_secs_f64(),
            size as f64 / took.as_secs_f64()
        );
    }
    let server = BenchServer::start(fresh).await?;
    let token = claimdesk_app::auth::token_for_password(
        &server.app,
        "bj01.followup",
        claimdesk_testkit::demo::DEFAULT_PASSWORD,
        "127.0.0.1",
    )
    .await
    .map_err(|e| anyhow::anyhow!("token for bj01.followup: {e}"))?;
    // Realistic searches: prefixes of the values a person in store BJ01 would type, from random customers.
    let sample: Vec<Sampled> = server
        .app
        .db
        .read(job(|tx| {
            Box::pin(async move {
                let store: (String,) =
                    query::fetch_optional(tx, &Query::with("SELECT id FROM stores WHERE code = $1", args!["BJ01"]))
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("the demo made no store BJ01"))?;
                let sql = "SELECT c.id, c.name, c.mobile, v.plate FROM customers c \
                           JOIN vehicles v ON v.store_id = c.store_id AND v.owner_id = c.id \
                           WHERE c.store_id = $1 ORDER BY random() LIMIT 400";
                Ok::<_, anyhow::Error>(query::fetch_all(tx, &Query::with(sql, args![store.0])).await?)
            })
        }))
        .await
        .map_err(|e| anyhow::anyhow!("sampling customers: {e}"))?;
    if sample.is_empty() {
        anyhow::bail!("the demo loaded no customers in BJ01");
    }
    let by_id: Vec<String> = sample.iter().map(|(id, ..)| format!("/api/v1/customers/{id}")).collect();
    let search = |value: &dyn Fn(&Sampled) -> String| -> Vec<String> {
        sample.iter().map(|row| format!("/api/v1/customers?q={}", encode(&value(row)))).collect()
    };
    // 京N12: a plate's province, authority and first two characters; 1391234: a mobile's first seven digits;
    // 王建华: a full name (the common case, and a common surname brings hundreds of matches).
    let plates = search(&|row| row.3.chars().take(4).collect());
    let phones = search(&|row| row.2.chars().take(7).collect());
    let names = search(&|row| row.1.clone());
    let surnames = search(&|row| row.1.chars().take(1).collect());
    let worklist = vec!["/api/v1/worklist".to_string()];
    let seconds = seconds as f64;
    let mut client = Client::connect(server.addr).await?;
    let mut figures = Vec::new();
    println!("  {:<44} {:>8} {:>10} {:>10} {:>10} {:>8}", "request", "count", "p50", "p99", "max", "target");
    for (label, target, paths) in [
        ("GET /customers/{id}", 2.0, &by_id),
        ("GET /customers?q=<plate prefix, e.g. 京N12>", 5.0, &plates),
        ("GET /customers?q=<mobile prefix, 7 digits>", 5.0, &phones),
        ("GET /customers?q=<full name, e.g. 王建华>", 5.0, &names),
        ("GET /customers?q=<surname only, e.g. 王>", 5.0, &surnames),
        ("GET /worklist (bj01.followup)", 5.0, &worklist),
    ] {
        let figure = measure(&mut client, &token, label, target, paths, seconds).await?;
        println!(
            "  {:<44} {:>8} {:>10} {:>10} {:>10} {:>8}",
            figure.label,
            figure.requests,
            ms(figure.p50_us),
            ms(figure.p99_us),
            ms(figure.max_us),
            format!("< {} ms", figure.target_ms),
        );
        figures.push(figure);
    }
    if let Some((rss, hwm)) = resident_memory() {
        println!("  memory of this process while serving: VmRSS {rss:.0} MiB, VmHWM {hwm:.0} MiB (target < 200 MB)");
    }
    server.stop().await;
    Ok(figures)
}
