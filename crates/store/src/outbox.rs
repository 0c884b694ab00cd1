//! The notification outbox: written in the same transaction as the change that causes it, sent later.

use crate::query::{self, Arg, Query};
use crate::{Backend, StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub store_id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const COLUMNS: &str =
    "id, store_id, channel, recipient, subject, body, status, attempts, lease_until, last_error, created_at, sent_at";

pub async fn insert(tx: &mut Tx, row: &OutboxRow) -> StoreResult<()> {
    query::insert(
        tx,
        "outbox",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("channel", Arg::from(&row.channel)),
            ("recipient", Arg::from(&row.recipient)),
            ("subject", Arg::from(&row.subject)),
            ("body", Arg::from(&row.body)),
            ("status", Arg::from(&row.status)),
            ("attempts", row.attempts.into()),
            ("created_at", row.created_at.into()),
        ],
    )
    .await
}

/// Takes a lease on up to `limit` pending messages whose lease is free: a conditional update, so two
/// senders never take the same row (PostgreSQL also skips rows another sender has locked).
pub async fn lease(tx: &mut Tx, now: i64, lease_ms: i64, limit: i64) -> StoreResult<Vec<OutboxRow>> {
    let mut pick =
        Query::new("SELECT id FROM outbox WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < ");
    pick.bind(now).push(") ORDER BY created_at LIMIT ").bind(limit);
    if tx.backend() == Backend::Postgres {
        pick.push(" FOR UPDATE SKIP LOCKED");
    }
    let ids: Vec<(String,)> = query::fetch_all(tx, &pick).await?;
    let mut leased = Vec::new();
    for (id,) in ids {
        let mut claim = Query::new("UPDATE outbox SET lease_until = ");
        claim.bind(now + lease_ms).push(", attempts = attempts + 1 WHERE id = ").bind(&id);
        claim.push(" AND status = 'pending' AND (lease_until IS NULL OR lease_until < ").bind(now).push(")");
        if query::execute(tx, &claim).await? == 1 {
            let mut read = Query::new(&format!("SELECT {COLUMNS} FROM outbox WHERE id = "));
            read.bind(&id);
            if let Some(row) = query::fetch_optional(tx, &read).await? {
                leased.push(row);
            }
        }
    }
    Ok(leased)
}

pub async fn mark_sent(tx: &mut Tx, id: &str, at: i64) -> StoreResult<()> {
    let mut query = Query::new("UPDATE outbox SET status = 'sent', sent_at = ");
    query.bind(at).push(", lease_until = NULL WHERE id = ").bind(id);
    query::execute(tx, &query).await?;
    Ok(())
}

pub async fn mark_failed(tx: &mut Tx, id: &str, error: &str, give_up: bool) -> StoreResult<()> {
    let mut query = Query::new("UPDATE outbox SET last_error = ");
    query.bind(error).push(", status = ").bind(if give_up { "failed" } else { "pending" });
    query.push(" WHERE id = ").bind(id);
    query::execute(tx, &query).await?;
    Ok(())
}

pub async fn recent(tx: &mut Tx, stores: &[String], limit: i64) -> StoreResult<Vec<OutboxRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM outbox WHERE store_id IN "));
    query.bind_list(stores).push(" ORDER BY created_at DESC LIMIT ").bind(limit);
    query::fetch_all(tx, &query).await
}
