//! `claimdesk`: the one binary. Each subcommand lives in its own file under `commands/`.

mod commands;
mod config;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "claimdesk",
    version,
    about = "售后索赔台: warranty claims, insurance claims and after-sales follow-up for 4S stores"
)]
struct Cli {
    /// Database URL: sqlite://claimdesk.db (default) or postgres://user@host/db.
    #[arg(long, global = true, env = "CLAIMDESK_DATABASE_URL")]
    database_url: Option<String>,
    /// Configuration file (default: claimdesk.toml in the working folder, if present).
    #[arg(long, global = true, env = "CLAIMDESK_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the UI at / and the API at /api/v1.
    Serve(commands::serve::Args),
    /// Apply pending migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Load a realistic demo data set into the configured database.
    Demo(commands::demo::Args),
    /// The regulation rules.
    #[command(subcommand)]
    Rules(commands::rules::RulesCommand),
    /// Measure throughput and latency; prints figures for docs/benchmarks.md.
    Bench(commands::bench::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let log_filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    tracing_subscriber::fmt().with_env_filter(log_filter).with_writer(std::io::stderr).init();
    let config = match config::Config::load(cli.config.as_deref(), cli.database_url.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("claimdesk: {error:#}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => commands::serve::run(&config, args).await,
            Command::Migrate => commands::migrate::run(&config).await,
            Command::User(command) => commands::user::run(&config, command).await,
            Command::Audit(command) => commands::audit::run(&config, command).await,
            Command::Demo(args) => commands::demo::run(&config, args).await,
            Command::Rules(command) => commands::rules::run(command).await,
            Command::Bench(args) => commands::bench::run(&config, args).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("claimdesk: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
