use std::process::ExitCode;

use crate::config::Config;

pub async fn run(config: &Config) -> anyhow::Result<ExitCode> {
    let app = super::open(config).await?;
    app.db.close().await;
    println!("migrations applied: {}", config.redacted_url());
    Ok(ExitCode::SUCCESS)
}
