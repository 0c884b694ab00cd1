//! The real server, in this process, on a fresh database: a temporary SQLite file, or a new database on a
//! PostgreSQL server. Clients reach it over loopback TCP like any other client.

use claimdesk_app::{App, Db, Settings, SystemClock};
use claimdesk_web::AppState;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct BenchServer {
    pub app: App,
    pub addr: SocketAddr,
    /// What the figures were measured on, for the report.
    pub label: String,
    /// The folder whose disk holds the database (the fsync rate is measured there).
    pub data_dir: PathBuf,
    temp_dir: Option<PathBuf>,
    task: tokio::task::JoinHandle<()>,
}

/// A fresh, empty database for one part: its URL, a label for the report, the folder whose disk holds it,
/// and the temporary folder to remove afterwards (SQLite).
pub struct FreshDb {
    pub url: String,
    pub label: String,
    pub data_dir: PathBuf,
    pub temp_dir: Option<PathBuf>,
}

impl FreshDb {
    /// `pg`: a PostgreSQL server URL (a new database is created on it); otherwise a temporary SQLite file.
    pub async fn create(pg: Option<&str>, purpose: &str) -> anyhow::Result<FreshDb> {
        match pg {
            Some(server) => {
                let name = format!("claimdesk_bench_{purpose}_{}", jiff::Timestamp::now().as_millisecond());
                claimdesk_store::pg_create_database(server, &name)
                    .await
                    .map_err(|e| anyhow::anyhow!("creating database {name} on {server}: {e}"))?;
                let url = claimdesk_testkit::replace_database(server, &name);
                let label = format!("PostgreSQL (synchronous_commit=on), fresh database {name}");
                Ok(FreshDb { url, label, data_dir: std::env::temp_dir(), temp_dir: None })
            }
            None => {
                let dir = std::env::temp_dir().join(format!("claimdesk-bench-{}", claimdesk_app::new_id()));
                std::fs::create_dir_all(&dir)?;
                let file = dir.join("bench.db");
                let url = format!("sqlite://{}", file.display());
                let label = format!("SQLite (WAL, synchronous=FULL) at {}", file.display());
                Ok(FreshDb { url, label, data_dir: dir.clone(), temp_dir: Some(dir) })
            }
        }
    }
}

impl BenchServer {
    /// Opens the database (applying migrations) and serves the real router on 127.0.0.1 at a free port.
    pub async fn start(fresh: FreshDb) -> anyhow::Result<BenchServer> {
        let FreshDb { url, label, data_dir, temp_dir } = fresh;
        let db = Db::open(&url).await.map_err(|e| anyhow::anyhow!("opening the bench database: {e}"))?;
        let app = App::new(db, Arc::new(SystemClock), Settings::default());
        let router = claimdesk_web::router(AppState { app: app.clone(), secure_cookies: false });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                eprintln!("bench server stopped: {error}");
            }
        });
        Ok(BenchServer { app, addr, label, data_dir, temp_dir, task })
    }

    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
        self.app.db.close().await;
        if let Some(dir) = &self.temp_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Durable small writes per second on the disk holding `dir`: write 512 bytes at the file's start, then
/// fsync, as a database commit does, for about a second.
pub fn fsync_rate(dir: &Path) -> anyhow::Result<f64> {
    use std::io::{Seek, SeekFrom, Write};
    let path = dir.join(format!("fsync-probe-{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new().create(true).truncate(true).read(true).write(true).open(&path)?;
    let block = [7u8; 512];
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < Duration::from_secs(1) {
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&block)?;
        file.sync_all()?;
        count += 1;
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    drop(file);
    let _ = std::fs::remove_file(&path);
    Ok(rate)
}

/// Latency percentiles in microseconds over sorted samples.
pub fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub fn ms(micros: f64) -> String {
    format!("{:.2} ms", micros / 1000.0)
}

/// Resident memory of this process: (VmRSS, VmHWM) in MiB, from /proc/self/status.
pub fn resident_memory() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
