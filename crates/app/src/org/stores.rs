//! Creating and changing stores (group admin), and listing them.

use claimdesk_domain::access::Permission;
use claimdesk_domain::org::{StoreInput, validate_store};
use claimdesk_store::stores::{self, StoreRow};
use claimdesk_store::{job, new_id};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

fn zone_exists(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

pub async fn create(app: &App, actor: &Actor, input: StoreInput) -> AppResult<StoreRow> {
    actor.require_anywhere(Permission::StoresManage)?;
    if !actor.has_group_role() {
        return Err(AppError::Forbidden);
    }
    let valid = validate_store(&input, zone_exists)?;
    let now = app.now_ms();
    let row = StoreRow {
        id: new_id(),
        code: valid.code,
        name: valid.name,
        brands: valid.brands.join(","),
        time_zone: valid.time_zone,
        address: valid.address,
        phone: valid.phone,
        active: true,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let actor = actor.clone();
    let result = app
        .db
        .write(job(move |tx| {
            Box::pin(async move {
                stores::insert(tx, &row).await?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.id),
                        entity: "store",
                        entity_id: &row.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(row)
            })
        }))
        .await;
    // What this token may do changed: drop cached actors (see auth::ActorCache).
    app.actors.clear();
    result
}

pub async fn update(app: &App, actor: &Actor, id: &str, version: i64, input: StoreInput) -> AppResult<StoreRow> {
    if !actor.has_group_role() || !actor.can(Permission::StoresManage, id) {
        return Err(if actor.store(id).is_some() { AppError::Forbidden } else { AppError::NotFound });
    }
    let valid = validate_store(&input, zone_exists)?;
    let now = app.now_ms();
    let actor = actor.clone();
    let id = id.to_string();
    let result = app
        .db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = stores::get(tx, &id).await?.ok_or(AppError::NotFound)?;
                let after = StoreRow {
                    code: valid.code,
                    name: valid.name,
                    brands: valid.brands.join(","),
                    time_zone: valid.time_zone,
                    address: valid.address,
                    phone: valid.phone,
                    updated_at: now,
                    version,
                    ..before.clone()
                };
                if !stores::update(tx, &after).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                let after = StoreRow { version: version + 1, ..after };
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&id),
                        entity: "store",
                        entity_id: &id,
                        action: "update",
                        before: Some(&before),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(after)
            })
        }))
        .await;
    // What this token may do changed: drop cached actors (see auth::ActorCache).
    app.actors.clear();
    result
}

/// The stores the actor reaches.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<StoreRow>> {
    let visible: Vec<String> = actor.stores.iter().map(|store| store.id.clone()).collect();
    let rows = app.db.read(job(|tx| Box::pin(async move { Ok::<_, AppError>(stores::list(tx).await?) }))).await?;
    Ok(rows.into_iter().filter(|row| visible.contains(&row.id)).collect())
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<StoreRow> {
    if actor.store(id).is_none() {
        return Err(AppError::NotFound);
    }
    let id = id.to_string();
    app.db.read(job(move |tx| Box::pin(async move { stores::get(tx, &id).await?.ok_or(AppError::NotFound) }))).await
}
