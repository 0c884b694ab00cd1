//! Each store's follow-up practice (跟踪服务规范): the day counts of rules.md part D, changed by the store
//! admin or the supervisor. The services read them through `store_settings` in their own transactions.

use claimdesk_domain::access::Permission;
use claimdesk_domain::followup::FollowUpSettings;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::follow_up::{self as store, SettingsRow};
use claimdesk_store::job;
use serde::Serialize;

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

#[derive(Debug, Clone, Serialize)]
pub struct SettingsView {
    pub store_id: String,
    pub settings: FollowUpSettings,
    /// The documented practice, shown beside each field.
    pub defaults: FollowUpSettings,
    /// No row yet: the store follows the defaults.
    pub is_default: bool,
    pub version: i64,
    pub updated_at: Option<i64>,
    pub updated_by: Option<String>,
}

/// What the settings form or `PUT /api/v1/follow-ups/settings` sends: every count, and the version read.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub settings: FollowUpSettings,
    pub version: Option<i64>,
    pub store_id: Option<String>,
}

fn view(store_id: String, row: Option<SettingsRow>) -> SettingsView {
    let settings = row.as_ref().and_then(|r| serde_json::from_str(&r.settings).ok()).unwrap_or_default();
    SettingsView {
        store_id,
        settings,
        defaults: FollowUpSettings::default(),
        is_default: row.is_none(),
        version: row.as_ref().map(|r| r.version).unwrap_or(0),
        updated_at: row.as_ref().map(|r| r.updated_at),
        updated_by: row.and_then(|r| r.updated_by),
    }
}

/// The settings of the actor's store (or the one asked for). Everyone on the desk may read them: they say
/// when each call falls due.
pub async fn follow_up_settings(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<SettingsView> {
    let store_id = actor.target_store(Permission::FollowUpRead, store_id)?;
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_settings(tx, &store_id).await?;
                Ok::<_, AppError>(view(store_id, row))
            })
        }))
        .await
}

/// Saves a store's settings (store admin or supervisor). Dates already on worklists keep their days; the
/// new counts apply to what happens from now on.
pub async fn save_follow_up_settings(app: &App, actor: &Actor, input: SettingsInput) -> AppResult<SettingsView> {
    let store_id = actor.target_store(Permission::FollowUpSupervise, input.store_id.as_deref())?;
    input.settings.validate("").map_err(|violations| {
        // Field names as the form and the API send them ("archive_days", not ".archive_days").
        AppError::Invalid(Violations(
            violations
                .0
                .into_iter()
                .map(|v| Violation { field: v.field.trim_start_matches('.').to_string(), ..v })
                .collect(),
        ))
    })?;
    let (now, actor) = (app.now_ms(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                actor.require(Permission::FollowUpSupervise, &store_id)?;
                let before = store::get_settings(tx, &store_id).await?;
                let current = before.as_ref().map(|r| r.version).unwrap_or(0);
                if input.version.is_some_and(|v| v != current) {
                    return Err(AppError::Conflict("stale_version"));
                }
                let row = SettingsRow {
                    store_id: store_id.clone(),
                    settings: serde_json::to_string(&input.settings).map_err(anyhow::Error::from)?,
                    updated_by: actor.actor_id().map(str::to_string),
                    updated_at: now,
                    version: current,
                };
                if !store::save_settings(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                let before_view = view(store_id.clone(), before);
                let after = view(store_id.clone(), store::get_settings(tx, &store_id).await?);
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "follow_up_settings",
                        entity_id: &store_id,
                        action: "update",
                        before: Some(&before_view.settings),
                        after: Some(&after.settings),
                    },
                )
                .await?;
                Ok(after)
            })
        }))
        .await
}
