//! Storage: one schema on SQLite (the embedded default) and PostgreSQL (dealer groups).
//!
//! Services see one concrete type, [`Db`], and write through [`Db::write`], which runs a closure inside a
//! transaction. On SQLite every write goes through one writer task that packs concurrent writes into one
//! commit (group commit): each write runs in its own savepoint, so a failing write rolls back alone, and
//! nobody is answered before the shared commit is on disk. On PostgreSQL each write is its own
//! transaction; the server groups commits itself.
//!
//! Queries are plain SQL text both databases accept; [`on_conn!`] runs the same statement on whichever
//! backend is open.

pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod campaigns;
pub mod counters;
pub mod customers;
pub mod due_items;
pub mod follow_up;
pub mod insurance;
pub mod outbox;
pub mod parts_return;
pub mod quality;
pub mod query;
pub mod repair_orders;
pub mod sanbao;
pub mod sessions;
pub mod statements;
pub mod stores;
pub mod table;
pub mod users;
pub mod vehicles;
pub mod warranty;
pub mod warranty_flow;
mod writer;

use futures::future::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Postgres, Sqlite};
use std::str::FromStr;
use std::time::Duration;

pub use sqlx;

/// Storage errors. Unique-constraint violations carry the constraint name so services can point at a field.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint {0} violated")]
    Unique(String),
    #[error("the database is closing")]
    Closed,
    #[error(transparent)]
    Sqlx(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error
            && db.is_unique_violation()
        {
            let name = db.constraint().map(str::to_string).unwrap_or_else(|| unique_name_from_message(db.message()));
            return StoreError::Unique(name);
        }
        StoreError::Sqlx(error)
    }
}

/// SQLite names the columns, not the constraint: "UNIQUE constraint failed: vehicles.store_id, vehicles.vin".
fn unique_name_from_message(message: &str) -> String {
    message.rsplit(": ").next().unwrap_or(message).replace(", ", "+").to_string()
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which backend a database URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An open database: the pools, and on SQLite the group-commit writer.
#[derive(Clone)]
pub struct Db {
    inner: DbInner,
}

#[derive(Clone)]
enum DbInner {
    Sqlite { readers: SqlitePool, writer: writer::SqliteWriter },
    Pg(PgPool),
}

/// A connection inside a transaction (or, for reads, a plain connection).
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

/// The transaction handle services receive.
pub struct Tx {
    pub(crate) conn: Conn,
    /// Audit records collected by the transaction, written by [`audit::flush`] just before COMMIT.
    pub(crate) audit: Vec<audit::PendingAudit>,
    /// Rows collected by a bulk job ([`Tx::bulk_inserts`]), written by [`Tx::flush_inserts`].
    pub(crate) bulk: Option<Vec<query::PendingInserts>>,
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Pg(_) => Backend::Postgres,
        }
    }
}

/// Runs the same sqlx expression on whichever backend the transaction holds.
#[macro_export]
macro_rules! on_conn {
    ($tx:expr, |$c:ident| $body:expr) => {
        match &mut $tx.conn {
            $crate::Conn::Sqlite(conn) => {
                let $c = &mut **conn;
                $body
            }
            $crate::Conn::Pg(conn) => {
                let $c = &mut **conn;
                $body
            }
        }
    };
}

/// A write job: runs inside a transaction and returns its own result.
pub type WriteFn<T, E> = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, E>> + Send>;

/// Options that matter for tests and benchmarks.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// The most writes one SQLite commit carries.
    pub max_batch: usize,
    pub max_connections: u32,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions { max_batch: 256, max_connections: 8 }
    }
}

impl Db {
    /// Opens (creating a SQLite file if needed) and applies pending migrations.
    pub async fn open(url: &str) -> StoreResult<Db> {
        Db::open_with(url, DbOptions::default()).await
    }

    pub async fn open_with(url: &str, options: DbOptions) -> StoreResult<Db> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url)?.application_name("claimdesk");
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections.max(2) * 2)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(connect)
                .await?;
            warn_on_collation(&pool).await;
            Db { inner: DbInner::Pg(pool) }
        } else {
            let connect = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-32000");
            // The writer never checkpoints inside a commit: a checkpoint copies the WAL into the database
            // file and fsyncs it, which would stall every write waiting in the next batch. The checkpointer
            // task does it beside the writer instead.
            let writer_pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(connect.clone().pragma("wal_autocheckpoint", "0"))
                .await?;
            // A local file connection does not go stale: skip the ping sqlx makes on every acquire.
            let readers = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .test_before_acquire(false)
                // Each connection keeps its own page cache; readers share the OS cache, so a small one each
                // keeps the serving process near 100 MB instead of 9 × 32 MB.
                .connect_with(connect.clone().pragma("cache_size", "-8000"))
                .await?;
            // Migrations run before the writer takes the connection, so nothing else writes meanwhile.
            sqlx::migrate!("./migrations").run(&writer_pool).await?;
            let writer = writer::SqliteWriter::start(writer_pool, options.max_batch);
            tokio::spawn(checkpointer(readers.clone()));
            return Ok(Db { inner: DbInner::Sqlite { readers, writer } });
        };
        db.migrate().await?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            DbInner::Sqlite { .. } => Backend::Sqlite,
            DbInner::Pg(_) => Backend::Postgres,
        }
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.inner {
            // SQLite migrates in `open`, before its writer starts.
            DbInner::Sqlite { .. } => Ok(()),
            DbInner::Pg(pool) => Ok(sqlx::migrate!("./migrations").run(pool).await?),
        }
    }

    /// Runs `job` in a write transaction and commits. An `Err` from the job rolls back only its own work.
    pub async fn write<T, E>(&self, job: WriteFn<T, E>) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        match &self.inner {
            DbInner::Sqlite { writer, .. } => writer.submit(job).await,
            DbInner::Pg(pool) => {
                let conn = pool.acquire().await.map_err(StoreError::from)?;
                let mut tx = Tx { conn: Conn::Pg(conn), audit: Vec::new(), bulk: None };
                exec_raw(&mut tx, "BEGIN").await?;
                let result = job(&mut tx).await;
                debug_assert!(tx.bulk.is_none() || result.is_err(), "bulk rows not flushed");
                match result {
                    Ok(value) => {
                        // The audit records go last, so the chain head's row lock is held only from here
                        // to the end of the commit.
                        if let Err(error) = audit::flush(&mut tx).await {
                            exec_raw(&mut tx, "ROLLBACK").await?;
                            return Err(error.into());
                        }
                        exec_raw(&mut tx, "COMMIT").await?;
                        Ok(value)
                    }
                    Err(error) => {
                        exec_raw(&mut tx, "ROLLBACK").await?;
                        Err(error)
                    }
                }
            }
        }
    }

    /// Runs `job` on a read connection (no transaction needed: each statement sees a consistent snapshot).
    pub async fn read<T, E>(&self, job: WriteFn<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let conn = match &self.inner {
            DbInner::Sqlite { readers, .. } => Conn::Sqlite(readers.acquire().await.map_err(StoreError::from)?),
            DbInner::Pg(pool) => Conn::Pg(pool.acquire().await.map_err(StoreError::from)?),
        };
        let mut tx = Tx { conn, audit: Vec::new(), bulk: None };
        job(&mut tx).await
    }

    pub async fn close(&self) {
        match &self.inner {
            DbInner::Sqlite { readers, writer } => {
                writer.close().await;
                readers.close().await;
            }
            DbInner::Pg(pool) => pool.close().await,
        }
    }
}

/// Copies committed WAL frames into the SQLite database file every quarter second, from a reader
/// connection: a PASSIVE checkpoint waits for no reader or writer, so writes go on meanwhile, and the WAL
/// is reused from its start once a checkpoint has caught up. Ends when the pool closes.
async fn checkpointer(readers: SqlitePool) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if readers.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&readers).await {
            if readers.is_closed() {
                return;
            }
            tracing::warn!(%error, "WAL checkpoint failed");
        }
    }
}

/// The page cache of the SQLite connection while a bulk load runs, in KiB (PostgreSQL: nothing to do).
/// A transaction that writes 100,000 rows into several indexes outgrows the everyday 32 MB cache, and a
/// full cache spills half-built index pages to the WAL again and again before the commit.
pub const BULK_CACHE_KIB: i64 = 256 * 1024;
const EVERYDAY_CACHE_KIB: i64 = 32_000;

/// Enlarges (`true`) or restores (`false`) SQLite's page cache for a bulk load inside the current write.
pub async fn bulk_cache(tx: &mut Tx, on: bool) -> StoreResult<()> {
    if tx.backend() == Backend::Sqlite {
        let kib = if on { BULK_CACHE_KIB } else { EVERYDAY_CACHE_KIB };
        exec_raw(tx, &format!("PRAGMA cache_size = -{kib}")).await?;
    }
    Ok(())
}

pub(crate) async fn exec_raw(tx: &mut Tx, sql: &str) -> StoreResult<()> {
    on_conn!(tx, |c| sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Builds a boxed write job from a closure, so callers write `db.write(job(move |tx| Box::pin(...)))`.
pub fn job<T, E, F>(f: F) -> WriteFn<T, E>
where
    F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
{
    Box::new(f)
}

/// A new record id: UUIDv7 text, time-ordered so inserts stay at the right edge of the index.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Prefix search (plate, VIN, name) compares text ranges; that is exact and uses the indexes only under a
/// byte-order collation. Say so at start rather than return odd search results later.
async fn warn_on_collation(pool: &PgPool) {
    let collation: Result<String, _> =
        sqlx::query_scalar("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            .fetch_one(pool)
            .await;
    if let Ok(collation) = collation
        && !matches!(collation.as_str(), "C" | "POSIX" | "C.UTF-8" | "C.utf8")
    {
        tracing::warn!(%collation, "the database's collation is not C or C.UTF-8: plate, VIN and name prefix search may miss rows; create the database with LC_COLLATE 'C.UTF-8'");
    }
}

/// Creates a database on a PostgreSQL server (tests and the demo loader use a fresh one each time).
pub async fn pg_create_database(server_url: &str, name: &str) -> StoreResult<()> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(StoreError::Sqlx(sqlx::Error::Protocol(format!("bad database name {name}"))));
    }
    let options = PgConnectOptions::from_str(server_url)?;
    let pool = PgPoolOptions::new().max_connections(1).connect_with(options).await?;
    let sql = format!("CREATE DATABASE {name}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await?;
    pool.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique_and_time_ordered() {
        let a = super::new_id();
        let b = super::new_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "7");
    }
}
