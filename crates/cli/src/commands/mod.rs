pub mod audit;
pub mod bench;
pub mod demo;
pub mod migrate;
pub mod rules;
pub mod serve;
pub mod user;

use claimdesk_app::{App, Db, Settings, SystemClock};
use std::sync::Arc;

use crate::config::Config;

/// Opens the configured database (migrating it) and builds the app on the system clock.
pub async fn open(config: &Config) -> anyhow::Result<App> {
    let db =
        Db::open(&config.database_url).await.map_err(|e| anyhow::anyhow!("opening {}: {e}", config.redacted_url()))?;
    let settings = Settings {
        session_minutes: config.session_minutes,
        max_upload_bytes: config.max_upload_bytes.min(claimdesk_web::router::IMPORT_LIMIT),
        ..Settings::default()
    };
    Ok(App::new(db, Arc::new(SystemClock), settings))
}
