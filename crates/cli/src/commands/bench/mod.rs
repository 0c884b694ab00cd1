//! `claimdesk bench`: the figures of docs/benchmarks.md. Each part prints what it measured and how.
//!
//! Parts: `rules` (the regulation engine on one core), `writes` (durable creates through the HTTP API with
//! 1, 8 and 16 clients), `reads` (latency of reads and searches at size, and resident memory). `all` runs
//! each in turn; `reconciliation` (the monthly reconciliation over N claims, `--claims`) runs on its own. A new part is a module with a `run` function and a line in [`run`].

mod claims;
mod http;
mod import;
mod reads;
mod reconciliation;
mod rules;
mod server;
mod writes;

use std::process::ExitCode;

use crate::config::Config;

#[derive(clap::Args)]
pub struct Args {
    /// Which part to run: all, rules, writes, reads, import, claims, reconciliation.
    #[arg(default_value = "all")]
    part: String,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// Rows of the generated file the import part reads.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// A PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/test): `writes` and `reads` create a fresh
    /// database on it instead of a temporary SQLite file. `all` runs `writes` on SQLite and on this server.
    #[arg(long, env = "CLAIMDESK_BENCH_PG")]
    pg: Option<String>,
    /// Claims in the table: `claims` fills it to this many before measuring its reads; `reconciliation`
    /// generates this many (use 1000000 for the design's figure).
    #[arg(long, default_value_t = claims::DEFAULT_CLAIMS)]
    claims: usize,
    /// Customers loaded for `reads`.
    #[arg(long, default_value_t = reads::DEFAULT_SIZE)]
    size: usize,
    /// `reads`: measure this database, already loaded by `claimdesk demo --size N`, instead of loading a
    /// fresh one (the load of 1,000,000 customers takes minutes). `claims`: fill this database on the first
    /// run and keep it; later runs measure it again without filling it.
    #[arg(long)]
    loaded: Option<String>,
    /// `claims` only: skip the durable creates and measure the reads alone.
    #[arg(long)]
    skip_writes: bool,
}

pub async fn run(_config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    println!(
        "claimdesk bench {} (build: {}; {} cores)",
        args.part,
        if cfg!(debug_assertions) { "debug — use --release for real figures" } else { "release" },
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    );
    let pg = args.pg.as_deref().filter(|url| !url.is_empty());
    match args.part.as_str() {
        "rules" => rules::run(args.seconds)?,
        "import" => import::run(args.rows).await?,
        "reconciliation" => reconciliation::run(pg, args.claims).await?,
        "claims" => claims::run(pg, args.seconds, args.claims, args.loaded.as_deref(), args.skip_writes).await?,
        "writes" => {
            writes::run(pg, args.seconds, writes_stores(pg)).await?;
        }
        "reads" => {
            reads::run(pg, args.size, args.seconds, args.loaded.as_deref()).await?;
        }
        "all" => {
            rules::run(args.seconds)?;
            writes::run(None, args.seconds, writes_stores(None)).await?;
            if pg.is_some() {
                writes::run(pg, args.seconds, writes_stores(pg)).await?;
            }
            reads::run(None, args.size, args.seconds, None).await?;
            import::run(args.rows).await?;
        }
        other => {
            anyhow::bail!("unknown bench part {other}: all, rules, writes, reads, import, claims, reconciliation")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// SQLite is one store's database: its clients write to one store. PostgreSQL serves a dealer group: its
/// figures are for one store and for clients spread over 16 stores.
fn writes_stores(pg: Option<&str>) -> &'static [usize] {
    if pg.is_some() { &[1, 16] } else { &[1] }
}
