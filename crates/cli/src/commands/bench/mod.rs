//! `claimdesk bench`: the figures of docs/benchmarks.md. Each part prints what it measured and how.

mod import;
mod rules;

use std::process::ExitCode;

use crate::config::Config;

#[derive(clap::Args)]
pub struct Args {
    /// Which part to run: all, rules, import.
    #[arg(default_value = "all")]
    part: String,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// Rows of the generated file the import part reads.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
}

pub async fn run(_config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    println!(
        "claimdesk bench {} (build: {})",
        args.part,
        if cfg!(debug_assertions) { "debug — use --release for real figures" } else { "release" }
    );
    match args.part.as_str() {
        "rules" => rules::run(args.seconds)?,
        "import" => import::run(args.rows).await?,
        "all" => {
            rules::run(args.seconds)?;
            import::run(args.rows).await?;
        }
        other => anyhow::bail!("unknown bench part {other}: all, rules, import"),
    }
    Ok(ExitCode::SUCCESS)
}
