//! Test databases on both backends, a fixed clock, and the demo data set.

pub mod demo;
pub mod demo_campaigns;
pub mod demo_claims;
pub mod demo_claimsflow;
pub mod demo_followup;
pub mod demo_insurance;
pub mod demo_returns;
pub mod demo_sanbao;
pub mod demo_statements;
pub mod import_file;
pub mod names;

use claimdesk_app::{App, Db, FixedClock, Settings};
use std::sync::Arc;

/// The PostgreSQL server tests use when set, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const PG_ENV: &str = "CLAIMDESK_TEST_PG";

/// A fresh, migrated database for one test: a temporary SQLite file, or a new PostgreSQL database when
/// `CLAIMDESK_TEST_PG` is set.
pub struct TestDb {
    pub url: String,
    pub db: Db,
    _dir: Option<tempfile_dir::TempDir>,
}

mod tempfile_dir {
    /// A temporary directory removed on drop (a few lines instead of a dependency).
    pub struct TempDir(pub std::path::PathBuf);

    impl TempDir {
        pub fn new() -> std::io::Result<TempDir> {
            let path = std::env::temp_dir().join(format!("claimdesk-test-{}", claimdesk_app::new_id()));
            std::fs::create_dir_all(&path)?;
            Ok(TempDir(path))
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Sqlite,
    Postgres,
}

/// The backends the suite runs on: SQLite always, PostgreSQL when configured. With `CI=true` and no server,
/// the suite fails instead of silently skipping PostgreSQL.
pub fn backends() -> Vec<Which> {
    let mut backends = vec![Which::Sqlite];
    if std::env::var(PG_ENV).is_ok_and(|url| !url.is_empty()) {
        backends.push(Which::Postgres);
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {PG_ENV} is not set: the PostgreSQL half of the suite would not run");
    }
    backends
}

impl TestDb {
    pub async fn new(which: Which) -> TestDb {
        match which {
            Which::Sqlite => {
                let dir = tempfile_dir::TempDir::new().expect("temp dir");
                let url = format!("sqlite://{}", dir.0.join("test.db").display());
                let db = Db::open(&url).await.expect("open sqlite");
                TestDb { url, db, _dir: Some(dir) }
            }
            Which::Postgres => {
                let server = std::env::var(PG_ENV).expect("CLAIMDESK_TEST_PG");
                let name = format!("claimdesk_t_{}", claimdesk_app::new_id().replace('-', ""));
                claimdesk_store::pg_create_database(&server, &name)
                    .await
                    .expect("create a test database on CLAIMDESK_TEST_PG");
                let url = replace_database(&server, &name);
                let db = Db::open(&url).await.expect("open postgres");
                TestDb { url, db, _dir: None }
            }
        }
    }
}

/// `postgres://u@h:5432/test?x` with the database name replaced.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let prefix = match base.rfind('/') {
        Some(index) if index > base.find("://").map(|i| i + 2).unwrap_or(0) => &base[..index],
        _ => base,
    };
    format!("{prefix}/{name}{query}")
}

/// An app on a test database with a clock fixed at `at` (RFC 3339).
pub async fn test_app(which: Which, at: &str) -> (App, Arc<FixedClock>, TestDb) {
    let test_db = TestDb::new(which).await;
    let clock = Arc::new(FixedClock::new(at.parse().expect("clock time")));
    let app = App::new(test_db.db.clone(), clock.clone(), Settings::default());
    (app, clock, test_db)
}
