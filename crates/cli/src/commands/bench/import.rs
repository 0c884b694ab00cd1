//! Customer import: a generated xlsx of N customers with their vehicles (the template's columns, dates as
//! Excel dates, prices as numbers), previewed and then imported into a fresh SQLite file with durable
//! commits (WAL, `synchronous=FULL`), as a store moving from its old system would.

use claimdesk_app::customers::import::{self, ImportResult};
use claimdesk_app::{Actor, App, Db, Settings, SystemClock};
use claimdesk_domain::org::StoreInput;
use claimdesk_testkit::import_file;
use std::sync::Arc;
use std::time::Instant;

pub async fn run(rows: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("claimdesk-bench-import-{}", claimdesk_app::new_id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(&dir, rows).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(dir: &std::path::Path, rows: usize) -> anyhow::Result<()> {
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let db = Db::open(&url).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let app = App::new(db, Arc::new(SystemClock), Settings::default());
    let store = claimdesk_app::org::stores::create(
        &app,
        &Actor::system(Vec::new()),
        StoreInput {
            code: "BENCH".into(),
            name: "导入测试店".into(),
            brands: "大众".into(),
            time_zone: "Asia/Shanghai".into(),
            ..StoreInput::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let store =
        claimdesk_app::actor::StoreRef { id: store.id, code: store.code, name: store.name, time_zone: store.time_zone };
    let actor = Actor { display_name: "bench".into(), ..Actor::system(vec![store]) };
    let generated = import_file::rows(rows, 20_261_125);
    let file = import_file::xlsx(&import_file::header(), &generated);
    println!("import: {rows} rows, xlsx of {:.1} MB", file.len() as f64 / 1e6);

    let started = Instant::now();
    let preview = import::preview(&app, &actor, None, file.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let preview_time = started.elapsed();
    anyhow::ensure!(preview.is_importable(), "the generated file has errors: {:?}", &preview.errors[..1]);
    println!("  preview (read, check, VIN lookup): {:.2} s", preview_time.as_secs_f64());

    let started = Instant::now();
    let result = import::import(&app, &actor, None, file).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let import_time = started.elapsed();
    let ImportResult::Imported { customers, vehicles, .. } = result else {
        anyhow::bail!("the import was rejected: {result:?}");
    };
    println!(
        "  import (read, check, write, audit, commit): {:.2} s for {customers} customers and {vehicles} vehicles \
         ({:.0} rows/s; target: 100,000 rows < 10 s)",
        import_time.as_secs_f64(),
        rows as f64 / import_time.as_secs_f64()
    );
    let started = Instant::now();
    let report = claimdesk_app::audit::verify(&app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(report.broken.is_none(), "the audit chain broke: {:?}", report.broken);
    println!("  audit verify: {} records intact in {:.2} s", report.records, started.elapsed().as_secs_f64());
    campaign_vins(&app, &actor, &generated).await?;
    app.db.close().await;
    Ok(())
}

/// A recall's VIN list of as many rows: half the VINs just imported (matched to the store's vehicles), half
/// no store has, as a manufacturer's list would be.
async fn campaign_vins(app: &App, actor: &Actor, customers: &[Vec<String>]) -> anyhow::Result<()> {
    use claimdesk_app::campaigns::{self, import::VinImportResult};
    let vin_at = claimdesk_domain::import::COLUMNS.iter().position(|spec| spec.field == "vin").unwrap_or(6);
    let count = customers.len();
    let mut vins: Vec<Vec<String>> = customers.iter().take(count / 2).map(|row| vec![row[vin_at].clone()]).collect();
    vins.extend(
        (0..(count - vins.len()) as u64).map(|n| vec![claimdesk_testkit::names::vin_numbered("LVG", 500_000 + n)]),
    );
    let file = import_file::xlsx(&["车架号(VIN)".to_string()], &vins);
    let campaign = campaigns::create(
        app,
        actor,
        claimdesk_domain::campaign::CampaignInput {
            code: "R-BENCH".into(),
            brand: "大众".into(),
            kind: "public_recall".into(),
            title: "燃油泵更换".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2026-12-31".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("campaign VIN list: {count} rows, xlsx of {:.1} MB", file.len() as f64 / 1e6);
    let started = Instant::now();
    let preview =
        campaigns::import::preview(app, actor, &campaign.id, file.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(preview.is_importable(), "the generated list has errors: {:?}", &preview.errors[..1]);
    println!("  preview (read, check, campaign and group VIN lookup): {:.2} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let result = campaigns::import::import(app, actor, &campaign.id, file).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = started.elapsed();
    let VinImportResult::Imported { vehicles, known, .. } = result else {
        anyhow::bail!("the VIN list was rejected: {result:?}");
    };
    println!(
        "  import (read, check, match, write, due items, audit, commit): {:.2} s for {vehicles} VINs, {known} matched \
         to the store's vehicles ({:.0} rows/s; target: 100,000 VINs < 5 s)",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
