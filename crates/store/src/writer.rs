//! The SQLite group-commit writer.
//!
//! SQLite allows one writer at a time, and each durable commit costs an fsync. Rather than let requests
//! queue on the file lock, one task owns the write connection: it takes every write waiting in its queue,
//! opens one `BEGIN IMMEDIATE` transaction, runs each write in its own savepoint (a failing write is rolled
//! back to its savepoint and answered at once), commits once, and only then answers the successful writes.

use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqlitePool};
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};

use crate::{Conn, StoreError, StoreResult, Tx, WriteFn, exec_raw};

/// What a finished write hands back: a way to answer its caller once the commit's fate is known.
enum Outcome {
    /// Keep the savepoint; answer after the commit.
    Keep(Box<dyn FnOnce(StoreResult<()>) + Send>),
    /// Roll the savepoint back; the caller has been answered already.
    Discard,
}

type ErasedJob = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Outcome> + Send>;

enum Message {
    Job(ErasedJob),
    Close(oneshot::Sender<()>),
}

#[derive(Clone)]
pub(crate) struct SqliteWriter {
    sender: mpsc::UnboundedSender<Message>,
}

impl SqliteWriter {
    pub(crate) fn start(pool: SqlitePool, max_batch: usize) -> SqliteWriter {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, receiver, max_batch.max(1)));
        SqliteWriter { sender }
    }

    pub(crate) async fn submit<T, E>(&self, job: WriteFn<T, E>) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (answer, result) = oneshot::channel::<Result<T, E>>();
        let erased: ErasedJob = Box::new(move |tx: &mut Tx| {
            async move {
                match job(tx).await {
                    Ok(value) => Outcome::Keep(Box::new(move |commit: StoreResult<()>| {
                        let _ = answer.send(commit.map(|()| value).map_err(E::from));
                    })),
                    Err(error) => {
                        let _ = answer.send(Err(error));
                        Outcome::Discard
                    }
                }
            }
            .boxed()
        });
        self.sender.send(Message::Job(erased)).map_err(|_| E::from(StoreError::Closed))?;
        result.await.map_err(|_| E::from(StoreError::Closed))?
    }

    pub(crate) async fn close(&self) {
        let (answer, done) = oneshot::channel();
        if self.sender.send(Message::Close(answer)).is_ok() {
            let _ = done.await;
        }
    }
}

async fn run(pool: SqlitePool, mut receiver: mpsc::UnboundedReceiver<Message>, max_batch: usize) {
    // The writer keeps its one connection between batches rather than acquiring it from the pool (and
    // pinging it) for every commit.
    let mut held: Option<PoolConnection<Sqlite>> = None;
    while let Some(first) = receiver.recv().await {
        let mut batch = Vec::new();
        match first {
            Message::Job(job) => batch.push(job),
            Message::Close(answer) => {
                drop(held.take());
                pool.close().await;
                let _ = answer.send(());
                return;
            }
        }
        let mut closing = None;
        while batch.len() < max_batch {
            match receiver.try_recv() {
                Ok(Message::Job(job)) => batch.push(job),
                Ok(Message::Close(answer)) => {
                    closing = Some(answer);
                    break;
                }
                Err(_) => break,
            }
        }
        let conn = match held.take() {
            Some(conn) => conn,
            None => match pool.acquire().await {
                Ok(conn) => conn,
                Err(error) => {
                    tracing::error!(%error, "the SQLite writer cannot get its connection");
                    // Dropping the jobs drops their answer channels: each caller sees StoreError::Closed.
                    drop(batch);
                    continue;
                }
            },
        };
        held = run_batch(conn, batch).await;
        if let Some(answer) = closing {
            drop(held.take());
            pool.close().await;
            let _ = answer.send(());
            return;
        }
    }
}

/// Runs one batch in one transaction and answers its writes; hands the connection back unless it failed.
async fn run_batch(conn: PoolConnection<Sqlite>, batch: Vec<ErasedJob>) -> Option<PoolConnection<Sqlite>> {
    let started = std::time::Instant::now();
    let size = batch.len();
    let mut tx = Tx { conn: Conn::Sqlite(conn), audit: Vec::new(), bulk: None };
    if let Err(error) = exec_raw(&mut tx, "BEGIN IMMEDIATE").await {
        tracing::error!(%error, "BEGIN IMMEDIATE failed");
        drop(batch);
        let _ = exec_raw(&mut tx, "ROLLBACK").await;
        return None;
    }
    let mut kept = Vec::with_capacity(batch.len());
    // Releasing a kept write's savepoint and opening the next one share one round trip to SQLite's thread.
    let mut open_savepoint = false;
    let mut healthy = true;
    for job in batch {
        let begin = if open_savepoint { "RELEASE w; SAVEPOINT w" } else { "SAVEPOINT w" };
        if exec_raw(&mut tx, begin).await.is_err() {
            healthy = false;
            break;
        }
        // A write rolled back to its savepoint takes its audit records with it.
        let audit_mark = tx.audit.len();
        let outcome = AssertUnwindSafe(job(&mut tx)).catch_unwind().await;
        // A bulk job flushes its own rows; whatever a failed one left must not leak into the next write.
        debug_assert!(tx.bulk.is_none() || !matches!(outcome, Ok(Outcome::Keep(_))), "bulk rows not flushed");
        tx.bulk = None;
        match outcome {
            Ok(Outcome::Keep(answer)) => {
                open_savepoint = true;
                kept.push(answer);
            }
            Ok(Outcome::Discard) | Err(_) => {
                tx.audit.truncate(audit_mark);
                open_savepoint = false;
                if exec_raw(&mut tx, "ROLLBACK TO w; RELEASE w").await.is_err() {
                    healthy = false;
                    break;
                }
            }
        }
    }
    // Every kept write's audit records, chained in the order the writes ran, in the shared transaction.
    let mut commit = if healthy { Ok(()) } else { Err(StoreError::Closed) };
    if commit.is_ok() && open_savepoint {
        commit = exec_raw(&mut tx, "RELEASE w").await;
    }
    if commit.is_ok() {
        commit = crate::audit::flush(&mut tx).await;
    }
    let jobs_micros = started.elapsed().as_micros() as u64;
    if commit.is_ok() {
        commit = exec_raw(&mut tx, "COMMIT").await;
    }
    if commit.is_err() {
        let _ = exec_raw(&mut tx, "ROLLBACK").await;
    }
    tracing::debug!(size, jobs_micros, total_micros = started.elapsed().as_micros() as u64, "group commit");
    let shared = commit.map_err(|error| error.to_string());
    let ok = shared.is_ok();
    for answer in kept {
        answer(shared.clone().map_err(|message| StoreError::Sqlx(sqlx::Error::Protocol(message))));
    }
    match tx.conn {
        Conn::Sqlite(conn) if ok => Some(conn),
        _ => None,
    }
}
