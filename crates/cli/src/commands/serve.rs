use claimdesk_web::AppState;
use std::process::ExitCode;

use crate::config::Config;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "CLAIMDESK_LISTEN")]
    listen: Option<String>,
}

pub async fn run(config: &Config, args: Args) -> anyhow::Result<ExitCode> {
    let app = super::open(config).await?;
    bootstrap_admin(&app).await?;
    let extra_days = claimdesk_app::calendar::load(&app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if extra_days > 0 {
        tracing::info!(extra_days, "holiday notices loaded");
    }
    let listen = args.listen.unwrap_or_else(|| config.listen.clone());
    if config.scheduler {
        tokio::spawn(claimdesk_jobs::run(app.clone(), Box::new(claimdesk_jobs::LogChannel)));
    }
    let router = claimdesk_web::router(AppState { app: app.clone(), secure_cookies: config.secure_cookies });
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    tracing::info!(database = %config.redacted_url(), "claimdesk serving on http://{listen}");
    axum::serve(listener, router).with_graceful_shutdown(shutdown()).await?;
    app.db.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// On a database with no users, creates the group admin `admin` with a random password and prints it once,
/// so the first person can log in and set up stores and staff (or run `claimdesk demo`).
async fn bootstrap_admin(app: &claimdesk_app::App) -> anyhow::Result<()> {
    use claimdesk_app::actor::Actor;
    use claimdesk_domain::org::{GrantInput, UserInput};
    let users =
        app.db.read(claimdesk_store::job(|tx| Box::pin(async move { claimdesk_store::users::list(tx).await }))).await?;
    if !users.is_empty() {
        return Ok(());
    }
    let password = claimdesk_app::new_id().replace('-', "")[16..].to_string();
    let input = UserInput {
        username: "admin".into(),
        display_name: "集团管理员".into(),
        password: password.clone(),
        locale: "zh-CN".into(),
        phone: String::new(),
        grants: vec![GrantInput { store_id: None, role: "group_admin".into() }],
    };
    claimdesk_app::org::users::create(app, &Actor::system(Vec::new()), input)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "\n  First start: created the group admin.\n  username: admin\n  password: {password}\n  Log in and change it under 我的账号, or stop and run `claimdesk demo` for a demo data set.\n"
    );
    Ok(())
}
