//! The audit trail: appended in the writer's transaction, chained per store.

use claimdesk_domain::audit::{AuditContent, ChainBreak, ChainVerifier, GENESIS, record_hash};
use futures::TryStreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};

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
        let (strand, mut seq, mut prev_hash) = lock_head(tx, chain).await?;
        let entries: Vec<&PendingAudit> = pending.iter().filter(|entry| entry.chain == chain).collect();
        for chunk in entries.chunks(INSERT_CHUNK) {
            let sql = format!("INSERT INTO audit_log ({COLUMNS}) VALUES ");
            let mut insert = Query::positional(&sql, tx.backend());
            for (index, entry) in chunk.iter().enumerate() {
                seq += 1;
                let hash = record_hash(&AuditContent {
                    chain: &strand,
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
                    strand.as_str(),
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
        query::execute(tx, &Query::with(head, args![&strand, seq, &prev_hash])).await?;
    }
    Ok(())
}

/// How many strands a store's chain has on PostgreSQL. Each strand is a chain of its own (its own head,
/// sequence and hashes, verified like any chain); a transaction appends to one strand it can lock at once, so
/// up to this many of one store's commits proceed side by side instead of queueing on a single head row.
/// SQLite's one writer commits one batch at a time, so there a chain keeps one strand.
pub const PG_STRANDS: usize = 8;

/// The name of a chain's strand: strand 0 is the chain itself, so a chain that never saw two concurrent
/// commits keeps its plain name.
fn strand_name(chain: &str, strand: usize) -> String {
    if strand == 0 { chain.to_string() } else { format!("{chain}~{strand}") }
}

/// Takes the head of one of the chain's strands: its name, sequence and hash. On SQLite the single writer
/// already serialises, so it reads the chain's head. On PostgreSQL it locks the lowest strand no other
/// transaction holds (`SKIP LOCKED`: no waiting), so a store whose commits do not overlap writes strand 0
/// only. When every strand is busy it creates the strands not made yet (once per chain), and only when all
/// exist and are busy does it wait, for the next strand in turn.
async fn lock_head(tx: &mut Tx, chain: &str) -> StoreResult<(String, i64, String)> {
    if tx.backend() == Backend::Sqlite {
        let sql = "SELECT seq, hash FROM audit_heads WHERE chain = $1";
        let head: Option<(i64, String)> = query::fetch_optional(tx, &Query::with(sql, args![chain])).await?;
        let (seq, hash) = head.unwrap_or((0, GENESIS.to_string()));
        return Ok((chain.to_string(), seq, hash));
    }
    let names: Vec<String> = (0..PG_STRANDS).map(|strand| strand_name(chain, strand)).collect();
    let mut free = Query::new("SELECT chain, seq, hash FROM audit_heads WHERE chain IN ");
    free.bind_list(names.iter().map(String::as_str)).push(" ORDER BY chain LIMIT 1 FOR UPDATE SKIP LOCKED");
    let mut existing = Query::new("SELECT chain FROM audit_heads WHERE chain IN ");
    existing.bind_list(names.iter().map(String::as_str));
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    loop {
        if let Some(head) = query::fetch_optional::<(String, i64, String)>(tx, &free).await? {
            return Ok(head);
        }
        // Create the strands that do not exist yet: the chain's first head for a new chain, else all the
        // others. Only missing heads are inserted, because an insert that meets a head another transaction
        // is moving waits for that transaction's commit, which is what this avoids.
        let found: Vec<(String,)> = query::fetch_all(tx, &existing).await?;
        let missing: Vec<&String> = if found.is_empty() {
            names.iter().take(1).collect()
        } else {
            names.iter().filter(|name| !found.iter().any(|(known,)| known == *name)).collect()
        };
        if missing.is_empty() {
            let (name,) = &found[NEXT.fetch_add(1, Ordering::Relaxed) % found.len()];
            let wait = "SELECT chain, seq, hash FROM audit_heads WHERE chain = $1 FOR UPDATE";
            if let Some(head) = query::fetch_optional(tx, &Query::with(wait, args![name.as_str()])).await? {
                return Ok(head);
            }
            continue;
        }
        let mut create = Query::new("INSERT INTO audit_heads (chain, seq, hash) VALUES ");
        for (index, name) in missing.iter().enumerate() {
            create.push(if index == 0 { "(" } else { ", (" }).bind(name.as_str()).push(", 0, ").bind(GENESIS).push(")");
        }
        create.push(" ON CONFLICT (chain) DO NOTHING RETURNING chain");
        let created: Vec<(String,)> = query::fetch_all(tx, &create).await?;
        if let Some(name) = created.into_iter().map(|(name,)| name).min() {
            return Ok((name, 0, GENESIS.to_string()));
        }
        // Another transaction created them meanwhile: look again.
    }
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

    /// On PostgreSQL, transactions writing to one chain at the same time each lock a strand of their own
    /// (none waits for another's commit once the strands exist), and every strand verifies.
    #[tokio::test]
    async fn concurrent_commits_of_one_chain_take_separate_strands() {
        for (db, dir) in databases().await {
            if let crate::DbInner::Pg(pool) = &db.inner {
                let open = async |n: usize| {
                    let conn = crate::Conn::Pg(pool.acquire().await.unwrap());
                    let mut tx = Tx { conn, audit: Vec::new(), bulk: None };
                    crate::exec_raw(&mut tx, "BEGIN").await.unwrap();
                    append(&mut tx, &entry("s1", &format!("p{n}"))).await.unwrap();
                    let flushed = tokio::time::timeout(std::time::Duration::from_secs(10), flush(&mut tx)).await;
                    flushed.unwrap_or_else(|_| panic!("write {n} waited for a strand")).unwrap();
                    tx
                };
                db.write(job(|tx| Box::pin(async move { append(tx, &entry("s1", "first")).await }))).await.unwrap();
                // The first open write holds strand 0; the second, finding it busy, creates the other strands.
                let held = open(1).await;
                let mut second = open(2).await;
                crate::exec_raw(&mut second, "COMMIT").await.unwrap();
                // With strand 0 still held, two more writes lock strands 1 and 2 side by side.
                let mut later = vec![held, open(3).await, open(4).await];
                for tx in &mut later {
                    crate::exec_raw(tx, "COMMIT").await.unwrap();
                }
                let strands: Vec<(String,)> = db
                    .read(job(|tx| {
                        Box::pin(async move {
                            let sql = "SELECT DISTINCT chain FROM audit_log ORDER BY chain";
                            query::fetch_all(tx, &Query::with(sql, args![])).await
                        })
                    }))
                    .await
                    .unwrap();
                let names: Vec<&str> = strands.iter().map(|(name,)| name.as_str()).collect();
                assert_eq!(names, ["s1", "s1~1", "s1~2"]);
                let report = db.read(job(|tx| Box::pin(async move { verify(tx).await }))).await.unwrap();
                assert!(report.broken.is_none(), "{:?}", report.broken);
                assert_eq!(report.records, 5);
            }
            db.close().await;
            if let Some(dir) = dir {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}
