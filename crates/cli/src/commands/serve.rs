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
