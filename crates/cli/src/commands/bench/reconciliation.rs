//! The back office at size (issue 5): N claims (two lines each) decided over 24 months in one store, the
//! heaviest case for the store-leading indexes. Each claim has its own handed-over repair order with the
//! two warranty items it claims (every 50th part priced differently on the order), a vehicle of the store,
//! one of 50 failure codes and a causal part from 2,000; every fifth claim is cut and every 17th rejected (moduli prime to the 24
//! months, so every month has its share).
//! The claims decided two or more months back were named on the manufacturer's monthly settlement
//! statement (dated 20 days after the decisions), which was paid from the third month on. Then, through
//! the same services the pages call: the month's income by kind (labour against parts), the check of the
//! month's repair orders against their claims, the month's 拒赔问责, the receivables aging, and the
//! failure-rate report (误赔率 per clerk, model, causal part and failure code over six months). The rows are
//! written straight into the tables in large multi-row INSERTs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use claimdesk_app::actor::StoreRef;
use claimdesk_app::warranty::board::{self, RatesQuery};
use claimdesk_app::{Actor, App, Db, FixedClock, Settings, statements};
use claimdesk_store::query::{self, Arg, Query};
use claimdesk_store::{Backend, Tx, job};

use super::claims::{failure_code, part};

const MONTH_MS: i64 = 30 * 86_400_000;
const DAY_MS: i64 = 86_400_000;
const MONTHS: usize = 24;
/// Claims written per write job.
const CHUNK: usize = 20_000;
const BRAND: &str = "广汽本田";
const LABOR_FEN: i64 = 40_000;
const PART_FEN: i64 = 20_000;
const CUT_FEN: i64 = 5_000;

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

/// The store the claims are written into, with the people and vehicles they name.
struct Fixture {
    store_id: String,
    clerk_id: String,
    advisor_id: String,
    /// (id, VIN)
    vehicles: Vec<(String, String)>,
}

async fn fixture(app: &App) -> anyhow::Result<Fixture> {
    Ok(app
        .db
        .read(job(|tx| {
            Box::pin(async move {
                let store_id = one_id(tx, "SELECT id FROM stores WHERE code = 'BJ01'").await?;
                let clerk_id = one_id(tx, "SELECT id FROM users WHERE username = 'bj01.clerk'").await?;
                let advisor_id = one_id(tx, "SELECT id FROM users WHERE username = 'bj01.advisor'").await?;
                let mut vehicles = Query::new("SELECT id, vin FROM vehicles WHERE store_id = ");
                vehicles.bind(&store_id).push(" ORDER BY id");
                let vehicles: Vec<(String, String)> = query::fetch_all(tx, &vehicles).await?;
                Ok::<_, claimdesk_store::StoreError>(Fixture { store_id, clerk_id, advisor_id, vehicles })
            })
        }))
        .await?)
}

async fn one_id(tx: &mut Tx, sql: &str) -> Result<String, claimdesk_store::StoreError> {
    let rows: Vec<(String,)> = query::fetch_all(tx, &Query::new(sql)).await?;
    Ok(rows.into_iter().next().map(|(id,)| id).unwrap_or_else(|| panic!("the demo data set answers {sql}")))
}

/// The statement that named the claims decided `months` back (none for the last two months).
fn statement_id(months: usize) -> Option<String> {
    (months >= 2).then(|| format!("bench-statement-{months:02}"))
}

/// The `index`th claim: (months back, decided at, state, approved part amount).
fn shape(index: usize, now: i64) -> (usize, i64, &'static str, i64) {
    let months = index % MONTHS;
    let decided = now - months as i64 * MONTH_MS - (index as i64 % 1000) * 1000;
    if index.is_multiple_of(17) {
        (months, decided, "rejected", 0)
    } else if index.is_multiple_of(5) {
        (months, decided, "partly_approved", PART_FEN - CUT_FEN)
    } else {
        (months, decided, "approved", PART_FEN)
    }
}

fn civil_day(ms: i64) -> anyhow::Result<String> {
    Ok(jiff::Timestamp::from_millisecond(ms)?.to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai")?).date().to_string())
}

const ORDER_COLUMNS: [&str; 12] = [
    "id",
    "store_id",
    "number",
    "vehicle_id",
    "kind",
    "status",
    "checked_in_at",
    "handed_over_at",
    "mileage_in",
    "advisor_id",
    "created_at",
    "updated_at",
];
const ITEM_COLUMNS: [&str; 11] = [
    "id",
    "store_id",
    "repair_order_id",
    "line_no",
    "kind",
    "code",
    "description",
    "part_no",
    "quantity_milli",
    "amount_fen",
    "payer",
];
const CLAIM_COLUMNS: [&str; 20] = [
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
    "failure_code",
    "labor_rate_fen",
    "claimed_fen",
    "approved_fen",
    "decided_at",
    "billed_at",
    "created_at",
    "updated_at",
];
const LINE_COLUMNS: [&str; 10] =
    ["id", "store_id", "claim_id", "line_no", "kind", "code", "description", "role", "amount_fen", "approved_fen"];
const STATEMENT_LINE_COLUMNS: [&str; 12] = [
    "id",
    "store_id",
    "statement_id",
    "position",
    "reference",
    "line_ref",
    "subject_id",
    "line_no",
    "expected_fen",
    "stated_fen",
    "outcome",
    "description",
];

/// Each statement's expected and stated (all confirmed) totals, by statement id.
type Totals = BTreeMap<String, (i64, i64)>;

/// One write job's rows: `count` claims from `from`, each with its repair order and, when a statement
/// named it, its statement lines. Adds the statement lines' amounts to `totals`.
fn chunk_rows(
    fixture: &Fixture,
    from: usize,
    count: usize,
    now: i64,
    totals: &mut Totals,
) -> anyhow::Result<[Vec<Vec<Arg>>; 5]> {
    let [mut orders, mut items, mut claims, mut lines, mut stated] = [(); 5].map(|_| Vec::new());
    let store = fixture.store_id.as_str();
    for index in from..from + count {
        let (months, decided, state, part_approved) = shape(index, now);
        let (vehicle_id, vin) = &fixture.vehicles[index % fixture.vehicles.len()];
        let (order_id, claim_id) = (format!("bench-order-{index:08}"), format!("bench-claim-{index:08}"));
        let number = format!("BENCH{index:08}");
        let part_no = part(index);
        let handed_over = decided - 3 * DAY_MS;
        let mileage = 20_000 + (index % 50_000) as i64;
        orders.push(vec![
            Arg::from(order_id.as_str()),
            Arg::from(store),
            Arg::from(format!("BRO{index:08}")),
            Arg::from(vehicle_id.as_str()),
            Arg::from("repair"),
            Arg::from("handed_over"),
            Arg::from(handed_over - DAY_MS),
            Arg::from(handed_over),
            Arg::from(mileage),
            Arg::from(fixture.advisor_id.as_str()),
            Arg::from(handed_over - DAY_MS),
            Arg::from(handed_over),
        ]);
        // Every 49th order priced its part differently from the claim: the check lists it.
        let order_part_fen = if index.is_multiple_of(49) { PART_FEN + 1_000 } else { PART_FEN };
        for (line_no, kind, code, part_no, amount) in
            [(1i64, "labor", "10-01", "", LABOR_FEN), (2, "part", "", part_no.as_str(), order_part_fen)]
        {
            items.push(vec![
                Arg::from(format!("{order_id}-{line_no}")),
                Arg::from(store),
                Arg::from(order_id.as_str()),
                Arg::from(line_no),
                Arg::from(kind),
                Arg::from(code),
                Arg::from(if kind == "labor" { "更换点火线圈" } else { "点火线圈" }),
                Arg::from(part_no),
                Arg::from(if kind == "part" { 1_000i64 } else { 0 }),
                Arg::from(amount),
                Arg::from("warranty"),
            ]);
        }
        let labor_approved = if state == "rejected" { 0 } else { LABOR_FEN };
        let statement = statement_id(months);
        let billed_at = statement.as_ref().map(|_| decided + 20 * DAY_MS);
        claims.push(vec![
            Arg::from(claim_id.as_str()),
            Arg::from(store),
            Arg::from(number.as_str()),
            Arg::from(order_id.as_str()),
            Arg::from(vehicle_id.as_str()),
            Arg::from(vin.as_str()),
            Arg::from(BRAND),
            Arg::from(if index.is_multiple_of(7) { "first_maintenance" } else { "repair" }),
            Arg::from(state),
            Arg::from(fixture.clerk_id.as_str()),
            Arg::from(civil_day(handed_over)?),
            Arg::from(mileage),
            Arg::from(failure_code(index)),
            Arg::from(16_000i64),
            Arg::from(LABOR_FEN + PART_FEN),
            Arg::from(labor_approved + part_approved),
            Arg::from(decided),
            billed_at.into(),
            Arg::from(decided - 10 * DAY_MS),
            Arg::from(decided),
        ]);
        let claim_lines = [
            (1i64, "labor", "10-01", "更换点火线圈", "", LABOR_FEN, labor_approved),
            (2, "part", part_no.as_str(), "点火线圈", "causal", PART_FEN, part_approved),
        ];
        for (line_no, kind, code, description, role, amount, approved) in claim_lines {
            lines.push(vec![
                Arg::from(format!("{claim_id}-{line_no}")),
                Arg::from(store),
                Arg::from(claim_id.as_str()),
                Arg::from(line_no),
                Arg::from(kind),
                Arg::from(code),
                Arg::from(description),
                Arg::from(role),
                Arg::from(amount),
                Arg::from(approved),
            ]);
            let Some(statement) = &statement else { continue };
            let outcome = match (approved, amount) {
                (0, _) => "rejected",
                (approved, amount) if approved < amount => "cut",
                _ => "paid",
            };
            let total = totals.entry(statement.clone()).or_default();
            total.0 += amount;
            total.1 += approved;
            stated.push(vec![
                Arg::from(format!("{claim_id}-s{line_no}")),
                Arg::from(store),
                Arg::from(statement.as_str()),
                Arg::from((index / MONTHS) as i64 * 2 + line_no),
                Arg::from(number.as_str()),
                Arg::from(line_no.to_string()),
                Arg::from(claim_id.as_str()),
                Arg::from(line_no),
                Arg::from(amount),
                Arg::from(approved),
                Arg::from(outcome),
                Arg::from(description),
            ]);
        }
    }
    Ok([orders, items, claims, lines, stated])
}

/// Writes the claims with their orders and the monthly statements; answers how long it took.
async fn write(app: &App, fixture: &Fixture, claims: usize, now: i64) -> anyhow::Result<f64> {
    let started = Instant::now();
    let store_id = fixture.store_id.clone();
    let statements: Vec<Vec<Arg>> = (2..MONTHS)
        .filter_map(|months| {
            let id = statement_id(months)?;
            let decided = now - months as i64 * MONTH_MS;
            let date = civil_day(decided + 20 * DAY_MS).ok()?;
            Some(vec![
                Arg::from(id.as_str()),
                Arg::from(store_id.as_str()),
                Arg::from("settlement"),
                Arg::from(BRAND),
                Arg::from(BRAND),
                Arg::from(format!("GAH-BENCH-{months:02}")),
                Arg::from(&date[..7]),
                Arg::from(date.as_str()),
                Arg::from("api"),
                Arg::from(decided + 20 * DAY_MS),
                Arg::from(decided + 20 * DAY_MS),
            ])
        })
        .collect();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let columns = [
                    "id",
                    "store_id",
                    "kind",
                    "counterparty",
                    "counterparty_name",
                    "number",
                    "period",
                    "statement_date",
                    "source",
                    "created_at",
                    "updated_at",
                ];
                query::insert_many(tx, "statements", &columns, statements).await
            })
        }))
        .await?;
    let mut totals = Totals::new();
    let mut written = 0;
    while written < claims {
        let count = CHUNK.min(claims - written);
        let [orders, items, claim_rows, lines, stated] = chunk_rows(fixture, written, count, now, &mut totals)?;
        app.db
            .write(job(move |tx| {
                Box::pin(async move {
                    query::insert_many(tx, "repair_orders", &ORDER_COLUMNS, orders).await?;
                    query::insert_many(tx, "repair_order_items", &ITEM_COLUMNS, items).await?;
                    query::insert_many(tx, "warranty_claims", &CLAIM_COLUMNS, claim_rows).await?;
                    query::insert_many(tx, "warranty_claim_lines", &LINE_COLUMNS, lines).await?;
                    query::insert_many(tx, "statement_lines", &STATEMENT_LINE_COLUMNS, stated).await
                })
            }))
            .await?;
        written += count;
    }
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                for (id, (expected, confirmed)) in totals {
                    // Paid from the third month back on; the latest statement is still open.
                    let received = if id == statement_id(2).unwrap_or_default() { 0 } else { confirmed };
                    let mut update = Query::new("UPDATE statements SET expected_fen = ");
                    update.bind(expected).push(", stated_fen = ").bind(confirmed);
                    update.push(", confirmed_fen = ").bind(confirmed).push(", received_fen = ").bind(received);
                    update.push(" WHERE id = ").bind(id.as_str());
                    query::execute(tx, &update).await?;
                }
                if tx.backend() == Backend::Postgres {
                    query::execute(tx, &Query::new("ANALYZE")).await?;
                }
                Ok::<_, claimdesk_store::StoreError>(())
            })
        }))
        .await?;
    Ok(started.elapsed().as_secs_f64())
}

fn ms_since(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e3
}

async fn measure(url: &str, claims: usize) -> anyhow::Result<()> {
    let db = Db::open(url).await?;
    let backend = db.backend();
    let clock = Arc::new(FixedClock::new("2026-11-25T02:00:00Z".parse()?));
    let app = App::new(db, clock.clone(), Settings::default());
    claimdesk_testkit::demo::load(&app, 3_000, "bench-password").await?;
    let fixture = fixture(&app).await?;
    let seconds = write(&app, &fixture, claims, app.now_ms()).await?;
    println!(
        "reconciliation ({backend:?}): {claims} claims with 2 lines each, each with its repair order, in one store over \
         {} vehicles, 24 months, 22 monthly statements; written in {seconds:.1} s",
        fixture.vehicles.len()
    );
    let store_id = fixture.store_id.clone();
    let store =
        StoreRef { id: store_id.clone(), code: "BJ01".into(), name: "BJ01".into(), time_zone: "Asia/Shanghai".into() };
    let actor = Actor { display_name: "bench".into(), ..Actor::system(vec![store]) };
    let month = "2026-10";
    println!("  the month {month} (target: each < 1,000 ms)");
    for round in 0..3 {
        let started = Instant::now();
        let income = statements::income(&app, &actor, month, Some(&store_id)).await?;
        let income_ms = ms_since(started);
        let started = Instant::now();
        let check = statements::check(&app, &actor, month, Some(&store_id)).await?;
        let check_ms = ms_since(started);
        let started = Instant::now();
        let accountability = statements::accountability(&app, &actor, month, Some(&store_id)).await?;
        let accountability_ms = ms_since(started);
        println!(
            "  round {round}: income {income_ms:.0} ms ({} claims, labour {} / parts {} approved); orders against claims \
             {check_ms:.0} ms ({} unclaimed, {} differences); 拒赔问责 {accountability_ms:.0} ms ({} lines, {} lost)",
            income.total.claims,
            income.total.labor_approved,
            income.total.parts_approved,
            check.unclaimed.len(),
            check.differences.len(),
            accountability.lines.len(),
            accountability.loss,
        );
    }
    for round in 0..2 {
        let started = Instant::now();
        let aging = statements::aging(&app, &actor, Some(&store_id)).await?;
        let total = aging.iter().map(|line| line.total.to_string()).collect::<Vec<_>>().join(", ");
        println!(
            "  round {round}: receivables aging {:.0} ms ({} manufacturers; owed {total}, of which not yet on a statement {})",
            ms_since(started),
            aging.len(),
            aging.iter().map(|line| line.not_on_statements.to_string()).collect::<Vec<_>>().join(", "),
        );
    }
    println!("  failure rates (误赔率) over six months, 2026-06 to 2026-11 (target: < 1,000 ms)");
    for round in 0..2 {
        let mut figures = Vec::new();
        for by in ["clerk", "model", "part", "failure_code"] {
            let started = Instant::now();
            let query = RatesQuery {
                from: Some("2026-06".into()),
                to: Some("2026-11".into()),
                by: Some(by.into()),
                store_id: Some(store_id.clone()),
            };
            let rates = board::mis_claim_rates(&app, &actor, query).await?;
            let decided: u64 = rates.rows.iter().map(|row| row.decided).sum();
            figures.push(format!("by {by} {:.0} ms ({} rows, {decided} claims)", ms_since(started), rates.rows.len()));
        }
        println!("  round {round}: {}", figures.join("; "));
    }
    app.db.close().await;
    Ok(())
}
