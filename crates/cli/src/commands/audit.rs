use claimdesk_app::audit;
use std::process::ExitCode;

use crate::config::Config;

#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute every chain; exit 1 naming the first broken record.
    Verify,
}

pub async fn run(config: &Config, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify = command;
    let app = super::open(config).await?;
    let report = audit::verify(&app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    app.db.close().await;
    match report.broken {
        None => {
            println!("audit trail intact: {} chains, {} records", report.chains, report.records);
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            println!(
                "audit trail BROKEN in chain {} at record {}: {:?}",
                broken.chain,
                broken.record_id.as_deref().unwrap_or("(chain head)"),
                broken.problem
            );
            Ok(ExitCode::from(1))
        }
    }
}
