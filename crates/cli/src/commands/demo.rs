use claimdesk_testkit::demo;
use std::process::ExitCode;

use crate::config::Config;

#[derive(clap::Args)]
pub struct Args {
    /// Number of customers (each with a vehicle and visits), spread over the stores.
    #[arg(long, default_value_t = demo::DEFAULT_SIZE)]
    size: usize,
    /// The password every demo user gets.
    #[arg(long, default_value = demo::DEFAULT_PASSWORD)]
    password: String,
    /// Print the users as JSON: [{"username", "role", "store"}].
    #[arg(long)]
    json: bool,
}

pub async fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let app = super::open(config).await?;
    let users = demo::load(&app, args.size, &args.password).await?;
    app.db.close().await;
    if args.json {
        println!("{}", serde_json::to_string(&users)?);
    } else {
        println!("{:<20} {:<22} store", "username", "role");
        for user in &users {
            println!("{:<20} {:<22} {}", user.username, user.role, user.store.as_deref().unwrap_or("(group)"));
        }
        println!("\n{} customers loaded; every user's password: {}", args.size, args.password);
    }
    Ok(ExitCode::SUCCESS)
}
