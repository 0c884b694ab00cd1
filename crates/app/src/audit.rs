//! Recording changes and reading them back. Every service write calls [`record`] inside its transaction.

use claimdesk_domain::access::Permission;
use claimdesk_domain::audit::GROUP_CHAIN;
use claimdesk_store::audit::{self as store_audit, AuditRow, NewAudit, VerifyReport};
use claimdesk_store::{Tx, job};
use serde::Serialize;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};

/// What changed: which store, which record, what was done, and the states before and after.
pub struct Entry<'a, B: Serialize, A: Serialize> {
    pub store_id: Option<&'a str>,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

/// Appends one audit record: who, when, and the [`Entry`].
pub async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    at: i64,
    entry: Entry<'_, B, A>,
) -> AppResult<()> {
    let Entry { store_id, entity, entity_id, action, before, after } = entry;
    let before_json = before.map(serde_json::to_string).transpose().map_err(anyhow::Error::from)?;
    let after_json = after.map(serde_json::to_string).transpose().map_err(anyhow::Error::from)?;
    store_audit::append(
        tx,
        &NewAudit {
            chain: store_id.unwrap_or(GROUP_CHAIN),
            store_id,
            actor_id: actor.actor_id(),
            actor_name: &actor.display_name,
            at,
            entity,
            entity_id,
            action,
            before_json: before_json.as_deref(),
            after_json: after_json.as_deref(),
        },
    )
    .await?;
    Ok(())
}

/// One record of a batch, its content already serialised (so the JSON is built before the write starts).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub store_id: Option<String>,
    pub entity: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub after_json: Option<String>,
}

impl Prepared {
    pub fn new<A: Serialize>(
        store_id: &str,
        entity: &'static str,
        entity_id: &str,
        action: &'static str,
        after: &A,
    ) -> AppResult<Prepared> {
        Ok(Prepared {
            store_id: Some(store_id.to_string()),
            entity,
            entity_id: entity_id.to_string(),
            action,
            after_json: Some(serde_json::to_string(after).map_err(anyhow::Error::from)?),
        })
    }
}

/// Appends many records by one actor at one time, in order, chained exactly as [`record`] would chain them
/// one by one.
pub async fn record_many(tx: &mut Tx, actor: &Actor, at: i64, entries: &[Prepared]) -> AppResult<()> {
    let rows: Vec<NewAudit<'_>> = entries
        .iter()
        .map(|entry| NewAudit {
            chain: entry.store_id.as_deref().unwrap_or(GROUP_CHAIN),
            store_id: entry.store_id.as_deref(),
            actor_id: actor.actor_id(),
            actor_name: &actor.display_name,
            at,
            entity: entry.entity,
            entity_id: &entry.entity_id,
            action: entry.action,
            before_json: None,
            after_json: entry.after_json.as_deref(),
        })
        .collect();
    store_audit::append_many(tx, &rows).await?;
    Ok(())
}

/// A record's history, for its page's timeline. The caller has already checked the record is visible.
pub async fn history(app: &App, entity: &'static str, entity_id: String) -> AppResult<Vec<AuditRow>> {
    app.db
        .read(job(move |tx| Box::pin(async move { Ok(store_audit::for_entity(tx, entity, &entity_id).await?) })))
        .await
}

/// Verifies every chain: `claimdesk audit verify`.
pub async fn verify(app: &App) -> AppResult<VerifyReport> {
    app.db.read(job(|tx| Box::pin(async move { Ok::<_, AppError>(store_audit::verify(tx).await?) }))).await
}

/// Whether the actor may read the audit trail of a store.
pub fn may_read(actor: &Actor, store_id: &str) -> bool {
    actor.can(Permission::AuditRead, store_id) || actor.can(Permission::CustomersRead, store_id)
}

/// One line of a record's timeline: who did what when, and which fields changed.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor_name: String,
    pub action: String,
    /// `field: before → after` for each changed top-level field.
    pub changed: String,
}

pub fn summarize(rows: Vec<AuditRow>) -> Vec<AuditEntry> {
    rows.into_iter()
        .map(|row| {
            let before: serde_json::Value =
                row.before_json.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
            let after: serde_json::Value =
                row.after_json.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
            AuditEntry { at: row.at, actor_name: row.actor_name, action: row.action, changed: diff(&before, &after) }
        })
        .collect()
}

fn diff(before: &serde_json::Value, after: &serde_json::Value) -> String {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return String::new();
    };
    let skip = ["version", "updated_at", "created_at", "actions", "vehicles", "items"];
    let show = |value: Option<&serde_json::Value>| match value {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(text)) if text.is_empty() => "—".to_string(),
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    after
        .iter()
        .filter(|(key, value)| !skip.contains(&key.as_str()) && before.get(*key) != Some(*value))
        .map(|(key, value)| format!("{key}: {} → {}", show(before.get(key)), show(Some(value))))
        .collect::<Vec<_>>()
        .join("; ")
}
