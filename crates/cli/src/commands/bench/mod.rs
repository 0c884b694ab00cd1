//! `claimdesk bench`: the figures of docs/benchmarks.md. Each part prints what it measured and how.

mod rules;

use std::process::ExitCode;

use crate::config::Config;

#[derive(clap::Args)]
pub struct Args {
    /// Which part to run: all, rules.
    #[arg(default_value = "all")]
    part: String,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 3)]
    seconds: u64,
}

pub async fn run(_config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    println!(
        "claimdesk bench {} (build: {})",
        args.part,
        if cfg!(debug_assertions) { "debug — use --release for real figures" } else { "release" }
    );
    match args.part.as_str() {
        "rules" => rules::run(args.seconds)?,
        "all" => {
            rules::run(args.seconds)?;
        }
        other => anyhow::bail!("unknown bench part {other}: all, rules"),
    }
    Ok(ExitCode::SUCCESS)
}
