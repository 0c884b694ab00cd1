//! The audit trail: appended in the writer's transaction, chained per store.

use claimdesk_domain::audit::{AuditContent, ChainBreak, ChainVerifier, GENESIS, record_hash};
use futures::TryStreamExt;

use crate::query::{self, Query};
use crate::{Backend, StoreResult, Tx, args, new_id, on_conn};

/// What a service records about one change.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub chain: &'a str,
    pub store_id: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub actor_name: &'a str,
    pub at: i64,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    pub id: String,
    pub chain: String,
    pub seq: i64,
    pub store_id: Option<String>,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub at: i64,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

const COLUMNS: &str = "id, chain, seq, store_id, actor_id, actor_name, at, entity, entity_id, action, before_json, after_json, prev_hash, hash";

/// An audit record waiting in its transaction until [`flush`] chains and writes it just before commit.
#[derive(Debug, Clone)]
pub(crate) struct PendingAudit {
    chain: String,
    store_id: Option<String>,
    actor_id: Option<String>,
    actor_name: String,
    at: i64,
    entity: String,
    entity_id: String,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

/// Records one change in the transaction. The record is chained and written by [`flush`], which
/// [`Db::write`](crate::Db::write) (and the SQLite writer, once per shared commit) runs as the last step
/// before COMMIT: it is part of the same transaction, commits with the change or not at all, and the chain
/// head is locked (PostgreSQL) only for the flush and the commit rather than for the whole transaction.
pub async fn append(tx: &mut Tx, entry: &NewAudit<'_>) -> StoreResult<()> {
    tx.audit.push(PendingAudit {
        chain: entry.chain.to_string(),
        store_id: entry.store_id.map(str::to_string),
        actor_id: entry.actor_id.map(str::to_string),
        actor_name: entry.actor_name.to_string(),
        at: entry.at,
        entity: entry.entity.to_string(),
        entity_id: entry.entity_id.to_string(),
        action: entry.action.to_string(),
        before_json: entry.before_json.map(str::to_string),
        after_json: entry.after_json.map(str::to_string),
    });
    Ok(())
}

/// Rows per multi-row INSERT of audit records (14 parameters each).
const INSERT_CHUNK: usize = 32;

/// Chains and writes the records the transaction has collected, chain by chain in name order (so two
/// transactions lock heads in the same order and cannot deadlock). Per chain: one statement reads the head
/// (on PostgreSQL creating it if needed and locking it until commit), multi-row INSERTs write the records,
/// one statement moves the head. SQLite's single writer already serialises, so it needs no lock.
pub(crate) async fn flush(tx: &mut Tx) -> StoreResult<()> {
    if tx.audit.is_empty() {
        return Ok(());
    }
    let pending = std::mem::take(&mut tx.audit);
    let mut chains: Vec<&str> = pending.iter().map(|entry| entry.chain.as_str()).collect();
    chains.sort_unstable();
    chains.dedup();
    for chain in chains {
        let head_sql = match tx.backend() {
            // Creates the head under a conflict guard and locks it, in one round trip; the no-op update makes
            // RETURNING answer the existing row too.
            Backend::Postgres => {
                "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) \
                 ON CONFLICT (chain) DO UPDATE SET chain = excluded.chain RETURNING seq, hash"
            }
            Backend::Sqlite => "SELECT seq, hash FROM audit_heads WHERE chain = $1",
        };
        let head_args = match tx.backend() {
            Backend::Postgres => args![chain, GENESIS],
            Backend::Sqlite => args![chain],
        };
        let head: Option<(i64, String)> = query::fetch_optional(tx, &Query::with(head_sql, head_args)).await?;
        let (mut seq, mut prev_hash) = head.unwrap_or((0, GENESIS.to_string()));
        let entries: Vec<&PendingAudit> = pending.iter().filter(|entry| entry.chain == chain).collect();
        for chunk in entries.chunks(INSERT_CHUNK) {
            let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ");
            let mut insert = Query::positional(&sql, tx.backend());
            for (index, entry) in chunk.iter().enumerate() {
                seq += 1;
                let hash = record_hash(&AuditContent {
                    chain: &entry.chain,
                    seq,
                    store_id: entry.store_id.as_deref(),
                    actor_id: entry.actor_id.as_deref(),
                    actor_name: &entry.actor_name,
                    at: entry.at,
                    entity: &entry.entity,
                    entity_id: &entry.entity_id,
                    action: &entry.action,
                    before_json: entry.before_json.as_deref(),
                    after_json: entry.after_json.as_deref(),
                    prev_hash: &prev_hash,
                });
                if index > 0 {
                    insert.push(", ");
                }
                insert.bind_list(args![
                    new_id(),
                    entry.chain.as_str(),
                    seq,
                    entry.store_id.as_deref(),
                    entry.actor_id.as_deref(),
                    entry.actor_name.as_str(),
                    entry.at,
                    entry.entity.as_str(),
                    entry.entity_id.as_str(),
                    entry.action.as_str(),
                    entry.before_json.as_deref(),
                    entry.after_json.as_deref(),
                    prev_hash.as_str(),
                    hash.as_str()
                ]);
                prev_hash = hash;
            }
            query::execute(tx, &insert).await?;
        }
        let head = "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, $2, $3) \
                    ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
        query::execute(tx, &Query::with(head, args![chain, seq, &prev_hash])).await?;
    }
    Ok(())
}

/// Records many changes in order, as [`append`] one by one (an import writes one per record); [`flush`]
/// writes them in multi-row statements with each chain's head read and moved once.
pub async fn append_many(tx: &mut Tx, entries: &[NewAudit<'_>]) -> StoreResult<()> {
    for entry in entries {
        append(tx, entry).await?;
    }
    Ok(())
}

/// The history of one record, oldest first.
pub async fn for_entity(tx: &mut Tx, entity: &str, entity_id: &str) -> StoreResult<Vec<AuditRow>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY at, seq");
    query::fetch_all(tx, &Query::with(&sql, args![entity, entity_id])).await
}

/// The first break found, with the record it concerns.
#[derive(Debug, Clone)]
pub struct BrokenRecord {
    pub chain: String,
    pub record_id: Option<String>,
    pub problem: ChainBreak,
}

/// Summary of a verification run.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub chains: usize,
    pub records: u64,
    pub broken: Option<BrokenRecord>,
}

/// Recomputes every chain from the first record. Streams, so memory stays flat on large logs.
pub async fn verify(tx: &mut Tx) -> StoreResult<VerifyReport> {
    let heads: Vec<(String, i64, String)> =
        query::fetch_all(tx, &Query::with("SELECT chain, seq, hash FROM audit_heads ORDER BY chain", args![])).await?;
    let chains_in_log: Vec<(String,)> =
        query::fetch_all(tx, &Query::with("SELECT DISTINCT chain FROM audit_log ORDER BY chain", args![])).await?;
    let mut report = VerifyReport { chains: heads.len(), ..VerifyReport::default() };
    for (chain,) in &chains_in_log {
        if !heads.iter().any(|(name, _, _)| name == chain) {
            report.broken = Some(BrokenRecord {
                chain: chain.clone(),
                record_id: None,
                problem: ChainBreak::Head { expected_seq: 0, found_seq: -1 },
            });
            return Ok(report);
        }
    }
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE chain = $1 ORDER BY seq");
    for (chain, head_seq, head_hash) in &heads {
        let mut verifier = ChainVerifier::default();
        let mut last_id = None;
        let broken = on_conn!(tx, |c| {
            let mut rows = sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(chain).fetch(c);
            let mut broken = None;
            while let Some(row) = rows.try_next().await? {
                report.records += 1;
                let content = AuditContent {
                    chain: &row.chain,
                    seq: row.seq,
                    store_id: row.store_id.as_deref(),
                    actor_id: row.actor_id.as_deref(),
                    actor_name: &row.actor_name,
                    at: row.at,
                    entity: &row.entity,
                    entity_id: &row.entity_id,
                    action: &row.action,
                    before_json: row.before_json.as_deref(),
                    after_json: row.after_json.as_deref(),
                    prev_hash: &row.prev_hash,
                };
                if let Err(problem) = verifier.push(&content, &row.hash) {
                    broken = Some((Some(row.id.clone()), problem));
                    break;
                }
                last_id = Some(row.id.clone());
            }
            Ok::<_, sqlx::Error>(broken)
        })?;
        let broken = broken.or_else(|| verifier.finish(*head_seq, head_hash).err().map(|problem| (last_id, problem)));
        if let Some((record_id, problem)) = broken {
            report.broken = Some(BrokenRecord { chain: chain.clone(), record_id, problem });
            return Ok(report);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Db, StoreError, job};

    fn entry<'a>(chain: &'a str, entity_id: &'a str) -> NewAudit<'a> {
        NewAudit {
            chain,
            store_id: Some(chain),
            actor_id: None,
            actor_name: "test",
            at: 1,
            entity: "thing",
            entity_id,
            action: "create",
            before_json: None,
            after_json: Some("{}"),
        }
    }

    async fn databases() -> Vec<(Db, Option<std::path::PathBuf>)> {
        let dir = std::env::temp_dir().join(format!("claimdesk-audit-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut dbs = vec![(Db::open(&format!("sqlite://{}", dir.join("a.db").display())).await.unwrap(), Some(dir))];
        if let Ok(server) = std::env::var("CLAIMDESK_TEST_PG")
            && !server.is_empty()
        {
            let name = format!("claimdesk_t_{}", new_id().replace('-', ""));
            crate::pg_create_database(&server, &name).await.unwrap();
            let (base, _) = server.rsplit_once('/').unwrap();
            dbs.push((Db::open(&format!("{base}/{name}")).await.unwrap(), None));
        }
        dbs
    }

    /// Concurrent writes (one shared SQLite commit), one of which fails after recording: the failed
    /// write's records vanish with it, the rest are chained in order and the chains verify.
    #[tokio::test]
    async fn records_are_chained_at_commit_and_roll_back_with_their_write() {
        for (db, dir) in databases().await {
            let mut writes = Vec::new();
            for n in 0..20 {
                let db = db.clone();
                writes.push(tokio::spawn(async move {
                    db.write(job(move |tx| {
                        Box::pin(async move {
                            let id = format!("r{n}");
                            append(tx, &entry(if n % 2 == 0 { "s1" } else { "s2" }, &id)).await?;
                            append(tx, &entry("s1", &format!("{id}-b"))).await?;
                            if n == 7 {
                                return Err(StoreError::Closed);
                            }
                            Ok(())
                        })
                    }))
                    .await
                }));
            }
            let mut failed = 0;
            for write in writes {
                failed += usize::from(write.await.unwrap().is_err());
            }
            assert_eq!(failed, 1);
            let report = db.read(job(|tx| Box::pin(async move { verify(tx).await }))).await.unwrap();
            assert!(report.broken.is_none(), "{:?}", report.broken);
            assert_eq!(report.records, 38);
            let gone = db.read(job(|tx| Box::pin(async move { for_entity(tx, "thing", "r7").await }))).await.unwrap();
            assert!(gone.is_empty());
            db.close().await;
            if let Some(dir) = dir {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}
