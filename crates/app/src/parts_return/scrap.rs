//! Scrapping the parts the manufacturer does not want back once their hold period is over (旧件报废), with a
//! record that lists them.

use claimdesk_domain::Violation;
use claimdesk_domain::access::Permission;
use claimdesk_domain::parts_return::TagState;
use claimdesk_store::parts_return::{self as store, ScrapRow};
use claimdesk_store::{counters, job, new_id};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Serialize)]
pub struct ScrapView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub scrapped_on: String,
    pub part_count: i64,
    pub note: String,
    /// The tag numbers scrapped (on the answer to a scrap; empty in lists).
    pub tags: Vec<String>,
}

impl From<ScrapRow> for ScrapView {
    fn from(row: ScrapRow) -> Self {
        ScrapView {
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            scrapped_on: row.scrapped_on,
            part_count: row.part_count,
            note: row.note,
            tags: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ScrapInput {
    pub store_id: Option<String>,
    pub note: String,
}

/// Scraps every stored part not wanted back whose hold period has run out, under one scrap record.
pub async fn scrap_due(app: &App, actor: &Actor, store_id: Option<&str>, note: &str) -> AppResult<ScrapView> {
    let store_id = actor.target_store(Permission::WarrantyWrite, store_id)?;
    let note = note.trim().to_string();
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let zone = actor.time_zone(&store_id).to_string();
                let today = clock::local_date(clock::from_ms(now), &zone);
                let due = store::scrap_due_tags(tx, &store_id, &today.to_string()).await?;
                if due.is_empty() {
                    return Err(Violation::new("store_id", "nothing_to_scrap").into());
                }
                let year = today.strftime("%Y").to_string();
                let sequence = counters::next(tx, &store_id, &format!("SC-{year}")).await?;
                let row = ScrapRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    number: format!("SC{year}-{sequence:04}"),
                    scrapped_on: today.to_string(),
                    part_count: due.len() as i64,
                    note,
                    created_at: now,
                    created_by: actor.actor_id().map(str::to_string),
                };
                store::insert_scrap(tx, &row).await?;
                let mut numbers = Vec::with_capacity(due.len());
                for mut tag in due {
                    tag.state = TagState::Scrapped.as_str().into();
                    tag.scrap_id = Some(row.id.clone());
                    tag.updated_at = now;
                    if !store::update_tag(tx, &tag).await? {
                        return Err(AppError::Conflict("stale_version"));
                    }
                    numbers.push(tag.number);
                }
                let after = serde_json::json!({"number": row.number, "parts": numbers});
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "part_scrap",
                        entity_id: &row.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(ScrapView { tags: numbers, ..ScrapView::from(row) })
            })
        }))
        .await
}

/// The latest scrap records.
pub async fn list_scraps(app: &App, actor: &Actor) -> AppResult<Vec<ScrapView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let stores = actor.store_ids(Permission::WarrantyRead);
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                Ok::<_, AppError>(store::scraps(tx, &stores, 100).await?.into_iter().map(ScrapView::from).collect())
            })
        }))
        .await
}
