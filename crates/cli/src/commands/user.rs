use claimdesk_app::actor::Actor;
use claimdesk_app::org::users;
use claimdesk_domain::org::{GrantInput, UserInput};
use std::process::ExitCode;

use crate::config::Config;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add a user: `claimdesk user add NAME --role group_admin --password …`.
    Add {
        username: String,
        /// Role: group_admin, store_admin, supervisor, warranty_clerk, insurance_specialist, service_advisor,
        /// follow_up_agent, finance, auditor.
        #[arg(long)]
        role: String,
        /// Store code for a store role (omit for group_admin).
        #[arg(long)]
        store: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
        /// Password (or CLAIMDESK_PASSWORD).
        #[arg(long, env = "CLAIMDESK_PASSWORD")]
        password: String,
    },
}

pub async fn run(config: &Config, command: UserCommand) -> anyhow::Result<ExitCode> {
    let app = super::open(config).await?;
    let UserCommand::Add { username, role, store, display_name, password } = command;
    let stores = claimdesk_app::org::stores::list(&app, &Actor::system(all_stores(&app).await?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let store_id = match &store {
        Some(code) => Some(
            stores
                .iter()
                .find(|s| s.code.eq_ignore_ascii_case(code))
                .map(|s| s.id.clone())
                .ok_or_else(|| anyhow::anyhow!("no store with code {code}"))?,
        ),
        None => None,
    };
    let system = Actor::system(all_stores(&app).await?);
    let input = UserInput {
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username,
        password,
        locale: "zh-CN".into(),
        phone: String::new(),
        grants: vec![GrantInput { store_id, role }],
    };
    match users::create(&app, &system, input).await {
        Ok(user) => {
            println!("added {} ({})", user.username, user.id);
            Ok(ExitCode::SUCCESS)
        }
        Err(claimdesk_app::AppError::Invalid(violations)) => {
            let catalog = claimdesk_web::messages::Catalog::get();
            for violation in violations.iter() {
                eprintln!("{}: {}", violation.field, catalog.violation(claimdesk_web::messages::Locale::En, violation));
            }
            Ok(ExitCode::from(2))
        }
        Err(error) => Err(anyhow::anyhow!("{error}")),
    }
}

pub async fn all_stores(app: &claimdesk_app::App) -> anyhow::Result<Vec<claimdesk_app::actor::StoreRef>> {
    let rows = app
        .db
        .read(claimdesk_store::job(|tx| Box::pin(async move { claimdesk_store::stores::list(tx).await })))
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| claimdesk_app::actor::StoreRef { id: s.id, code: s.code, name: s.name, time_zone: s.time_zone })
        .collect())
}
