//! The monthly reconciliation at size: N claims (two lines each) decided over 24 months in one store, the
//! heaviest case for the store-leading indexes; then the month's income by kind (labour against parts), the
//! check of the month's repair orders against their claims and the month's 拒赔问责, each timed through the
//! same services the pages call. The claims are written straight into the tables in large multi-row
//! INSERTs (what they hold does not matter to the sums, only how many there are).

use std::sync::Arc;
use std::time::Instant;

use claimdesk_app::actor::StoreRef;
use claimdesk_app::{Actor, App, Db, FixedClock, Settings, statements};
use claimdesk_store::query::{self, Arg, Query};
use claimdesk_store::{Backend, job};

const MONTH_MS: i64 = 30 * 86_400_000;

pub async fn run(pg: Option<&str>, claims: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("claimdesk-bench-reconciliation-{}", claimdesk_app::new_id()));
    std::fs::create_dir_all(&dir)?;
    let url = match pg {
        Some(server) => {
            let name = format!("bench_{}", claimdesk_app::new_id().replace('-', ""));
            claimdesk_store::pg_create_database(server, &name).await?;
            let base = server.rsplit_once('/').map(|(base, _)| base).unwrap_or(server);
            format!("{base}/{name}")
        }
        None => format!("sqlite://{}", dir.join("bench.db").display()),
    };
    let result = measure(&url, claims).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(url: &str, claims: usize) -> anyhow::Result<()> {
    let db = Db::open(url).await?;
    let backend = db.backend();
    let clock = Arc::new(FixedClock::new("2026-11-25T02:00:00Z".parse()?));
    let app = App::new(db, clock.clone(), Settings::default());
    claimdesk_testkit::demo::load(&app, 30, "bench-password").await?;
    // BJ01, one of its repair orders and vehicles: every generated claim points at them.
    let (store_id, order_id, vehicle_id, vin): (String, String, String, String) = app
        .db
        .read(job(|tx| {
            Box::pin(async move {
                let query = Query::new(
                    "SELECT s.id, o.id, o.vehicle_id, v.vin FROM stores s JOIN repair_orders o ON o.store_id = s.id \
                     JOIN vehicles v ON v.id = o.vehicle_id WHERE s.code = 'BJ01' ORDER BY o.id LIMIT 1",
                );
                let mut rows: Vec<(String, String, String, String)> = query::fetch_all(tx, &query).await?;
                Ok::<_, claimdesk_store::StoreError>(rows.remove(0))
            })
        }))
        .await?;
    let now = app.now_ms();
    let started = Instant::now();
    let chunk = 50_000;
    let mut written = 0;
    while written < claims {
        let count = chunk.min(claims - written);
        let (store_id, order_id, vehicle_id, vin) =
            (store_id.clone(), order_id.clone(), vehicle_id.clone(), vin.clone());
        let from = written;
        app.db
            .write(job(move |tx| {
                Box::pin(async move {
                    let mut claim_rows = Vec::with_capacity(count);
                    let mut line_rows = Vec::with_capacity(count * 2);
                    for index in from..from + count {
                        let id = format!("bench-claim-{index:08}");
                        // Spread over 24 months back from now; every third claim is cut.
                        let decided = now - (index as i64 % 24) * MONTH_MS - (index as i64 % 1000) * 1000;
                        let cut = if index % 3 == 0 { 5_000 } else { 0 };
                        claim_rows.push(vec![
                            Arg::from(id.clone()),
                            Arg::from(store_id.clone()),
                            Arg::from(format!("BENCH{index:08}")),
                            Arg::from(order_id.clone()),
                            Arg::from(vehicle_id.clone()),
                            Arg::from(vin.clone()),
                            Arg::from("广汽本田"),
                            Arg::from(if index % 7 == 0 { "first_maintenance" } else { "repair" }),
                            Arg::from(if cut > 0 { "partly_approved" } else { "approved" }),
                            Arg::from("2026-01-01"),
                            Arg::from(20_000i64),
                            Arg::from(16_000i64),
                            Arg::from(60_000i64),
                            Arg::from(60_000i64 - cut),
                            Arg::from(decided),
                            Arg::from(now),
                            Arg::from(now),
                        ]);
                        for (line_no, kind, amount) in [(1i64, "labor", 40_000i64), (2, "part", 20_000)] {
                            line_rows.push(vec![
                                Arg::from(format!("{id}-{line_no}")),
                                Arg::from(store_id.clone()),
                                Arg::from(id.clone()),
                                Arg::from(line_no),
                                Arg::from(kind),
                                Arg::from(amount),
                                Arg::from(if line_no == 2 { amount - cut } else { amount }),
                            ]);
                        }
                    }
                    query::insert_many(
                        tx,
                        "warranty_claims",
                        &[
                            "id",
                            "store_id",
                            "number",
                            "repair_order_id",
                            "vehicle_id",
                            "vin",
                            "brand",
                            "kind",
                            "state",
                            "repair_date",
                            "mileage",
                            "labor_rate_fen",
                            "claimed_fen",
                            "approved_fen",
                            "decided_at",
                            "created_at",
                            "updated_at",
                        ],
                        claim_rows,
                    )
                    .await?;
                    query::insert_many(
                        tx,
                        "warranty_claim_lines",
                        &["id", "store_id", "claim_id", "line_no", "kind", "amount_fen", "approved_fen"],
                        line_rows,
                    )
                    .await?;
                    Ok::<_, claimdesk_store::StoreError>(())
                })
            }))
            .await?;
        written += count;
    }
    if backend == Backend::Postgres {
        app.db
            .write(job(|tx| {
                Box::pin(async move {
                    query::execute(tx, &Query::new("ANALYZE")).await?;
                    Ok::<_, claimdesk_store::StoreError>(())
                })
            }))
            .await?;
    }
    println!(
        "reconciliation ({backend:?}): {claims} claims with 2 lines each in one store, 24 months, written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let store =
        StoreRef { id: store_id.clone(), code: "BJ01".into(), name: "BJ01".into(), time_zone: "Asia/Shanghai".into() };
    let actor = Actor { display_name: "bench".into(), ..Actor::system(vec![store]) };
    let month = "2026-10";
    for round in 0..3 {
        let started = Instant::now();
        let income = statements::income(&app, &actor, month, Some(&store_id)).await?;
        let income_time = started.elapsed();
        let started = Instant::now();
        let check = statements::check(&app, &actor, month, Some(&store_id)).await?;
        let check_time = started.elapsed();
        let started = Instant::now();
        let accountability = statements::accountability(&app, &actor, month, Some(&store_id)).await?;
        let accountability_time = started.elapsed();
        println!(
            "  round {round}: income {:.0} ms ({} claims, approved {}), orders against claims {:.0} ms ({} unclaimed), \
             拒赔问责 {:.0} ms ({} lines); target: the month < 1,000 ms",
            income_time.as_secs_f64() * 1e3,
            income.total.claims,
            income.total.approved,
            check_time.as_secs_f64() * 1e3,
            check.unclaimed.len(),
            accountability_time.as_secs_f64() * 1e3,
            accountability.lines.len(),
        );
    }
    let started = Instant::now();
    let aging = statements::aging(&app, &actor, Some(&store_id)).await?;
    println!(
        "  receivables aging over every decided claim not yet on a statement: {:.0} ms ({} manufacturers)",
        started.elapsed().as_secs_f64() * 1e3,
        aging.len()
    );
    app.db.close().await;
    Ok(())
}
