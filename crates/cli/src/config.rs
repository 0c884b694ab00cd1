//! Configuration: defaults, then `claimdesk.toml`, then `CLAIMDESK_*` environment variables, then flags.

use anyhow::Context;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    /// Mark cookies Secure (set when serving behind HTTPS).
    pub secure_cookies: bool,
    /// Minutes a login session lasts.
    pub session_minutes: i64,
    /// Run the scheduler (escalations, reminders, outbox) inside `serve`.
    pub scheduler: bool,
    /// The largest file an upload (photo, invoice, PDF) may be, in bytes (at most 64 MB).
    pub max_upload_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://claimdesk.db".into(),
            listen: "127.0.0.1:8080".into(),
            secure_cookies: false,
            session_minutes: 12 * 60,
            scheduler: true,
            max_upload_bytes: claimdesk_domain::attachment::DEFAULT_MAX_BYTES,
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>, database_url: Option<&str>) -> anyhow::Result<Config> {
        let mut config = match file {
            Some(path) => read(path)?,
            None if Path::new("claimdesk.toml").exists() => read(Path::new("claimdesk.toml"))?,
            None => Config::default(),
        };
        if let Ok(listen) = std::env::var("CLAIMDESK_LISTEN") {
            config.listen = listen;
        }
        if let Some(url) = database_url {
            config.database_url = url.to_string();
        }
        Ok(config)
    }

    /// The URL with any password hidden, for logs.
    pub fn redacted_url(&self) -> String {
        redact(&self.database_url)
    }
}

fn read(path: &Path) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_print() {
        assert_eq!(super::redact("postgres://app:s3cret@db:5432/claimdesk"), "postgres://app:***@db:5432/claimdesk");
        assert_eq!(super::redact("sqlite://claimdesk.db"), "sqlite://claimdesk.db");
    }
}
