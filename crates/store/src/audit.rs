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

/// The chain's last sequence number and hash. On PostgreSQL the head row is locked until commit, which
/// serialises writers of one store; SQLite's single writer already does.
async fn lock_head(tx: &mut Tx, chain: &str) -> StoreResult<(i64, String)> {
    let head_sql = match tx.backend() {
        Backend::Postgres => "SELECT seq, hash FROM audit_heads WHERE chain = $1 FOR UPDATE",
        Backend::Sqlite => "SELECT seq, hash FROM audit_heads WHERE chain = $1",
    };
    let mut head: Option<(i64, String)> = query::fetch_optional(tx, &Query::with(head_sql, args![chain])).await?;
    if head.is_none() && tx.backend() == Backend::Postgres {
        // Create the head under a conflict guard, then lock it: two first writers of a chain meet here.
        let create = "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING";
        query::execute(tx, &Query::with(create, args![chain, GENESIS])).await?;
        head = query::fetch_optional(tx, &Query::with(head_sql, args![chain])).await?;
    }
    Ok(head.unwrap_or((0, GENESIS.to_string())))
}

async fn store_head(tx: &mut Tx, chain: &str, seq: i64, hash: &str) -> StoreResult<()> {
    let head = "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, $2, $3) \
                ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
    query::execute(tx, &Query::with(head, args![chain, seq, hash])).await?;
    Ok(())
}

/// Links a record to its chain: its sequence number, its predecessor's hash and its own.
fn link(entry: &NewAudit<'_>, prev_seq: i64, prev_hash: &str) -> (i64, String) {
    let seq = prev_seq + 1;
    let content = AuditContent {
        chain: entry.chain,
        seq,
        store_id: entry.store_id,
        actor_id: entry.actor_id,
        actor_name: entry.actor_name,
        at: entry.at,
        entity: entry.entity,
        entity_id: entry.entity_id,
        action: entry.action,
        before_json: entry.before_json,
        after_json: entry.after_json,
        prev_hash,
    };
    (seq, record_hash(&content))
}

fn row_args(entry: &NewAudit<'_>, seq: i64, prev_hash: &str, hash: &str) -> Vec<query::Arg> {
    args![
        new_id(),
        entry.chain,
        seq,
        entry.store_id,
        entry.actor_id,
        entry.actor_name,
        entry.at,
        entry.entity,
        entry.entity_id,
        entry.action,
        entry.before_json,
        entry.after_json,
        prev_hash,
        hash
    ]
}

/// Appends one record.
pub async fn append(tx: &mut Tx, entry: &NewAudit<'_>) -> StoreResult<()> {
    let (prev_seq, prev_hash) = lock_head(tx, entry.chain).await?;
    let (seq, hash) = link(entry, prev_seq, &prev_hash);
    let sql = format!(
        "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    );
    query::execute(tx, &Query::with(&sql, row_args(entry, seq, &prev_hash, &hash))).await?;
    store_head(tx, entry.chain, seq, &hash).await
}

/// Appends many records in order, as [`append`] would one by one, but with each chain's head read and
/// written once and the records inserted a thousand to a statement (an import writes one per record).
pub async fn append_many(tx: &mut Tx, entries: &[NewAudit<'_>]) -> StoreResult<()> {
    let mut heads: Vec<(&str, i64, String)> = Vec::new();
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        let index = match heads.iter().position(|(chain, _, _)| *chain == entry.chain) {
            Some(index) => index,
            None => {
                let (seq, hash) = lock_head(tx, entry.chain).await?;
                heads.push((entry.chain, seq, hash));
                heads.len() - 1
            }
        };
        let (_, prev_seq, prev_hash) = &heads[index];
        let (seq, hash) = link(entry, *prev_seq, prev_hash);
        rows.push(row_args(entry, seq, prev_hash, &hash));
        heads[index].1 = seq;
        heads[index].2 = hash;
    }
    let columns: Vec<&str> = COLUMNS.split(", ").collect();
    query::insert_many(tx, "audit_log", &columns, rows).await?;
    for (chain, seq, hash) in &heads {
        store_head(tx, chain, *seq, hash).await?;
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
