//! Recalls and campaigns (召回 / 质量返修 / 服务活动, W5).
//!
//! A campaign is the group's, per brand: the group admin enters it (or the manufacturer's system posts it)
//! and imports its VIN list ([`import`]). Each listed VIN is a campaign vehicle that carries the store of the
//! group's vehicle with that VIN once one is known. A store works its own vehicles: contact attempts, done
//! here (with the repair order, and a warranty claim of kind `campaign` for the manufacturer to pay), done
//! elsewhere, unreachable after three recorded attempts. Open vehicles are flagged wherever the vehicle
//! appears ([`flags`]); each store with open vehicles has a due item for the campaign's end date, closed when
//! its last vehicle is settled or the campaign is closed.

pub mod import;

use std::collections::BTreeMap;

use claimdesk_domain::access::{Permission, Role};
use claimdesk_domain::campaign::{
    self as rules, CampaignInput, CampaignOp, CampaignPart, Completion, ValidCampaign, VehicleState,
};
use claimdesk_domain::warranty::lines::LineInput;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::campaigns::{
    self as store, CampaignFilter, CampaignRow, CampaignVehicleRow, ContactRow, FlagRow, VehicleFilter,
};
use claimdesk_store::{Tx, due_items, job, new_id, repair_orders, users};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::warranty::{self, ClaimInput, ClaimView};
use crate::worklist::{DueSpec, create_due};
use crate::{App, audit, clock};

/// The due item of a store's open campaign vehicles (the worklist words it as "召回/活动到期").
pub const DUE_KIND: &str = "campaign_deadline";

/// Entering, changing, closing campaigns and importing VIN lists is the group admin's (or the
/// manufacturer's system's token of a group admin).
fn require_manage(actor: &Actor) -> AppResult<()> {
    if actor.has_group_role() && actor.can_anywhere(Permission::WarrantySettings) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A campaign as pages and the API show it, with the completion in the stores the actor reaches.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub id: String,
    pub code: String,
    pub brand: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub failure_code: String,
    pub labor_ops: Vec<CampaignOp>,
    pub parts: Vec<CampaignPart>,
    pub starts_on: String,
    pub ends_on: String,
    pub state: String,
    /// Vehicles on the whole list (every store and VINs no store has).
    pub vehicle_count: i64,
    /// Counts in the actor's scope.
    pub completion: Completion,
    pub completion_percent: String,
    pub version: i64,
}

impl CampaignView {
    fn new(row: CampaignRow, completion: Completion) -> CampaignView {
        CampaignView {
            labor_ops: serde_json::from_str(&row.labor_ops_json).unwrap_or_default(),
            parts: serde_json::from_str(&row.parts_json).unwrap_or_default(),
            completion_percent: completion.rate_percent(),
            completion,
            id: row.id,
            code: row.code,
            brand: row.brand,
            kind: row.kind,
            title: row.title,
            description: row.description,
            failure_code: row.failure_code,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            state: row.state,
            vehicle_count: row.vehicle_count,
            version: row.version,
        }
    }
}

/// The stores whose campaign vehicles the actor reads, and whether they also see VINs no store has.
fn read_scope(actor: &Actor) -> (Vec<String>, bool) {
    (actor.store_ids(Permission::WarrantyRead), actor.has_group_role())
}

fn require_read(actor: &Actor) -> AppResult<()> {
    actor.require_anywhere(Permission::WarrantyRead)
}

async fn completion(tx: &mut Tx, campaign_id: &str, stores: &[String], unassigned: bool) -> AppResult<Completion> {
    let mut completion = Completion::default();
    for (_, state, count) in store::counts(tx, campaign_id, stores, unassigned).await? {
        completion.add(&state, count);
    }
    Ok(completion)
}

fn apply(row: &mut CampaignRow, valid: &ValidCampaign) -> AppResult<()> {
    row.kind = valid.kind.into();
    row.title = valid.title.clone();
    row.description = valid.description.clone();
    row.failure_code = valid.failure_code.clone();
    row.labor_ops_json = serde_json::to_string(&valid.labor_ops).map_err(anyhow::Error::from)?;
    row.parts_json = serde_json::to_string(&valid.parts).map_err(anyhow::Error::from)?;
    row.starts_on = valid.starts_on.to_string();
    row.ends_on = valid.ends_on.to_string();
    Ok(())
}

/// Enters a campaign (group admin); its VIN list follows by import.
pub async fn create(app: &App, actor: &Actor, input: CampaignInput) -> AppResult<CampaignView> {
    require_manage(actor)?;
    let valid = rules::validate(&input)?;
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut row = CampaignRow {
                    id: new_id(),
                    code: valid.code.clone(),
                    brand: valid.brand.clone(),
                    state: "open".into(),
                    created_by: actor.actor_id().map(str::to_string),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                    ..CampaignRow::default()
                };
                apply(&mut row, &valid)?;
                store::insert(tx, &row).await.map_err(|error| match error {
                    claimdesk_store::StoreError::Unique(_) => {
                        AppError::invalid(Violation::new("code", "campaign_code_taken"))
                    }
                    other => other.into(),
                })?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "campaign",
                        entity_id: &row.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(CampaignView::new(row, Completion::default()))
            })
        }))
        .await
}

/// Changes a campaign's content (not its number or brand), when `version` still matches.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    input: CampaignInput,
    version: Option<i64>,
) -> AppResult<CampaignView> {
    require_manage(actor)?;
    let (actor, id) = (actor.clone(), id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get(tx, &id).await?.ok_or(AppError::NotFound)?;
                if version.is_some_and(|v| v != before.version) {
                    return Err(AppError::Conflict("stale_version"));
                }
                let valid = rules::validate(&CampaignInput {
                    code: before.code.clone(),
                    brand: before.brand.clone(),
                    ..input
                })?;
                let mut row = before.clone();
                apply(&mut row, &valid)?;
                row.updated_at = now;
                if !store::update(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "campaign",
                        entity_id: &row.id,
                        action: "update",
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                let (stores, unassigned) = read_scope(&actor);
                let completion = completion(tx, &row.id, &stores, unassigned).await?;
                Ok(CampaignView::new(row, completion))
            })
        }))
        .await
}

/// Closes a campaign (the manufacturer ended it): its vehicles are no longer flagged and every store's
/// end-date item is closed. `reopen` undoes it.
pub async fn set_state(app: &App, actor: &Actor, id: &str, action: &str) -> AppResult<CampaignView> {
    require_manage(actor)?;
    let (to, action) = match action {
        "close" => ("closed", "close"),
        "reopen" => ("open", "reopen"),
        _ => return Err(AppError::NotFound),
    };
    let (actor, id) = (actor.clone(), id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get(tx, &id).await?.ok_or(AppError::NotFound)?;
                if before.state == to {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let mut row = before.clone();
                row.state = to.into();
                row.updated_at = now;
                if !store::update(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let all: Vec<String> = actor.stores.iter().map(|s| s.id.clone()).collect();
                let per_store = store::counts(tx, &row.id, &all, false).await?;
                let mut stores: Vec<String> = per_store.into_iter().map(|(store_id, _, _)| store_id).collect();
                stores.dedup();
                for store_id in stores.iter().filter(|s| !s.is_empty()) {
                    if to == "closed" {
                        due_items::close_for_subject(tx, store_id, "campaign", &row.id, DUE_KIND, "cancelled", now)
                            .await?;
                    } else {
                        sync_due(tx, &row, store_id, now).await?;
                    }
                }
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "campaign",
                        entity_id: &row.id,
                        action,
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                let (stores, unassigned) = read_scope(&actor);
                let completion = completion(tx, &row.id, &stores, unassigned).await?;
                Ok(CampaignView::new(row, completion))
            })
        }))
        .await
}

/// Opens the store's end-date item when it has open vehicles and none is open; closes it when it has none.
pub(crate) async fn sync_due(tx: &mut Tx, campaign: &CampaignRow, store_id: &str, now: i64) -> AppResult<()> {
    let open = store::open_in_store(tx, &campaign.id, store_id).await?;
    let items = due_items::open_for_subject(tx, store_id, "campaign", &campaign.id, DUE_KIND).await?;
    if open == 0 || campaign.state != "open" {
        if !items.is_empty() {
            due_items::close_for_subject(tx, store_id, "campaign", &campaign.id, DUE_KIND, "done", now).await?;
        }
        return Ok(());
    }
    if !items.is_empty() {
        return Ok(());
    }
    let due_on = campaign.ends_on.parse().map_err(|error: jiff::Error| AppError::Internal(error.into()))?;
    let clerk = users::with_role(tx, store_id, Role::WarrantyClerk.as_str()).await?.into_iter().next();
    create_due(
        tx,
        DueSpec {
            store_id: store_id.to_string(),
            assignee_id: clerk.map(|user| user.id),
            kind: DUE_KIND.into(),
            rule: "W5".into(),
            subject_type: "campaign".into(),
            subject_id: campaign.id.clone(),
            subject_label: format!("{} {}", campaign.code, campaign.title),
            params: serde_json::json!({"campaign": campaign.code, "open": open}),
            window_from: None,
            due_on,
            escalate_after_days: Some(0),
            escalate_to_role: Some(Role::Supervisor.as_str().into()),
        },
        now,
    )
    .await?;
    Ok(())
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<CampaignView> {
    require_read(actor)?;
    let (stores, unassigned) = read_scope(actor);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get(tx, &id).await?.ok_or(AppError::NotFound)?;
                let completion = completion(tx, &row.id, &stores, unassigned).await?;
                Ok(CampaignView::new(row, completion))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampaignListQuery {
    pub brand: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

pub async fn list(app: &App, actor: &Actor, query: CampaignListQuery) -> AppResult<Page<CampaignView>> {
    require_read(actor)?;
    let (stores, unassigned) = read_scope(actor);
    let request = PageRequest::new(query.page, query.per_page);
    let filter = CampaignFilter {
        brand: given(&query.brand),
        kind: given(&query.kind),
        state: given(&query.state),
        q: given(&query.q).map(|q| q.to_uppercase()),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::list(tx, &filter).await?;
                let mut items = Vec::with_capacity(rows.len());
                for row in rows {
                    let completion = completion(tx, &row.id, &stores, unassigned).await?;
                    items.push(CampaignView::new(row, completion));
                }
                Ok(Page::new(items, total, request, cap))
            })
        }))
        .await
}

/// A vehicle of a campaign as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignVehicleView {
    pub id: String,
    pub campaign_id: String,
    pub store_id: Option<String>,
    pub store_code: String,
    pub vehicle_id: Option<String>,
    pub vin: String,
    pub state: String,
    pub done_on: Option<String>,
    pub repair_order_id: Option<String>,
    pub claim_id: Option<String>,
    pub contact_attempts: i64,
    pub note: String,
    pub version: i64,
}

impl CampaignVehicleView {
    fn new(row: CampaignVehicleRow, actor: &Actor) -> CampaignVehicleView {
        let store_code =
            row.store_id.as_deref().and_then(|id| actor.store(id)).map(|s| s.code.clone()).unwrap_or_default();
        CampaignVehicleView {
            id: row.id,
            campaign_id: row.campaign_id,
            store_id: row.store_id,
            store_code,
            vehicle_id: row.vehicle_id,
            vin: row.vin,
            state: row.state,
            done_on: row.done_on,
            repair_order_id: row.repair_order_id,
            claim_id: row.claim_id,
            contact_attempts: row.contact_attempts,
            note: row.note,
            version: row.version,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VehicleListQuery {
    pub state: Option<String>,
    pub vin: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn vehicles(
    app: &App,
    actor: &Actor,
    campaign_id: &str,
    query: VehicleListQuery,
) -> AppResult<Page<CampaignVehicleView>> {
    require_read(actor)?;
    let only = given(&query.store_id);
    let stores = actor.store_ids_filtered(Permission::WarrantyRead, only.as_deref());
    let unassigned = actor.has_group_role() && only.is_none();
    let request = PageRequest::new(query.page, query.per_page);
    let filter = VehicleFilter {
        campaign_id: campaign_id.to_string(),
        stores,
        unassigned,
        state: given(&query.state),
        vin: given(&query.vin).map(|v| v.to_uppercase()),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                store::get(tx, &filter.campaign_id).await?.ok_or(AppError::NotFound)?;
                let (rows, total) = store::vehicles(tx, &filter).await?;
                let items = rows.into_iter().map(|row| CampaignVehicleView::new(row, &actor)).collect();
                Ok(Page::new(items, total, request, cap))
            })
        }))
        .await
}

/// A campaign vehicle with its campaign and every contact attempt.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignVehicleDetail {
    #[serde(flatten)]
    pub vehicle: CampaignVehicleView,
    pub campaign: CampaignView,
    pub contacts: Vec<ContactRow>,
}

/// A campaign vehicle the actor may see: one of their stores', or a VIN no store has yet that a group role
/// sees or that one of the actor's stores has registered since the import (it becomes that store's on the
/// first change).
async fn visible_vehicle(
    tx: &mut Tx,
    actor: &Actor,
    permission: Permission,
    id: &str,
) -> AppResult<(CampaignVehicleRow, Option<(String, String)>)> {
    let stores = actor.store_ids(permission);
    let row = store::get_vehicle(tx, &stores, true, id).await?.ok_or(AppError::NotFound)?;
    if row.store_id.is_some() {
        return Ok((row, None));
    }
    let known = store::group_vehicles(tx, std::slice::from_ref(&row.vin)).await?;
    let mine = known.into_iter().find(|(_, store_id, _)| stores.contains(store_id));
    match mine {
        Some((_, store_id, vehicle_id)) => Ok((row, Some((store_id, vehicle_id)))),
        None if actor.has_group_role() => Ok((row, None)),
        None => Err(AppError::NotFound),
    }
}

pub async fn vehicle(app: &App, actor: &Actor, id: &str) -> AppResult<CampaignVehicleDetail> {
    require_read(actor)?;
    let (actor, id) = (actor.clone(), id.to_string());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (row, _) = visible_vehicle(tx, &actor, Permission::WarrantyRead, &id).await?;
                let campaign = store::get(tx, &row.campaign_id).await?.ok_or(AppError::NotFound)?;
                let contacts = match &row.store_id {
                    Some(store_id) => store::contacts(tx, store_id, &row.id).await?,
                    None => Vec::new(),
                };
                let (stores, unassigned) = read_scope(&actor);
                let completion = completion(tx, &campaign.id, &stores, unassigned).await?;
                Ok(CampaignVehicleDetail {
                    vehicle: CampaignVehicleView::new(row, &actor),
                    campaign: CampaignView::new(campaign, completion),
                    contacts,
                })
            })
        }))
        .await
}

/// Loads a vehicle for a change: the store it belongs to (taking the actor's store for a VIN no store had),
/// with the permission checked there.
/// A campaign vehicle loaded for a change: the row as it was, its campaign and the store it belongs to.
struct Change {
    before: CampaignVehicleRow,
    campaign: CampaignRow,
    store_id: String,
}

async fn for_change(tx: &mut Tx, actor: &Actor, id: &str) -> AppResult<Change> {
    let (mut row, attach) = visible_vehicle(tx, actor, Permission::WarrantyRead, id).await?;
    if let Some((store_id, vehicle_id)) = attach {
        row.store_id = Some(store_id);
        row.vehicle_id = Some(vehicle_id);
    }
    let store_id = row.store_id.clone().ok_or(AppError::Conflict("campaign_vehicle_unassigned"))?;
    actor.require(Permission::WarrantyWrite, &store_id)?;
    let campaign = store::get(tx, &row.campaign_id).await?.ok_or(AppError::NotFound)?;
    if campaign.state != "open" {
        return Err(AppError::Conflict("campaign_closed"));
    }
    Ok(Change { before: row, campaign, store_id })
}

async fn save_vehicle(
    tx: &mut Tx,
    actor: &Actor,
    now: i64,
    change: &Change,
    mut row: CampaignVehicleRow,
    action: &str,
) -> AppResult<CampaignVehicleRow> {
    row.updated_at = now;
    if !store::update_vehicle(tx, &row).await? {
        return Err(AppError::Conflict("stale_version"));
    }
    row.version += 1;
    audit::record(
        tx,
        actor,
        now,
        audit::Entry {
            store_id: Some(&change.store_id),
            entity: "campaign_vehicle",
            entity_id: &row.id,
            action,
            before: Some(&change.before),
            after: Some(&row),
        },
    )
    .await?;
    sync_due(tx, &change.campaign, &change.store_id, now).await?;
    Ok(row)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub channel: String,
    pub outcome: String,
    pub note: String,
}

/// Records an attempt to reach the owner (phone, text, letter, visit) and what came of it.
pub async fn contact(app: &App, actor: &Actor, id: &str, input: ContactInput) -> AppResult<CampaignVehicleDetail> {
    let mut violations = Violations::new();
    if !rules::CHANNELS.contains(&input.channel.trim()) {
        violations.push(Violation::new("channel", "unknown_value").with("detail", input.channel.trim()));
    }
    if !rules::OUTCOMES.contains(&input.outcome.trim()) {
        violations.push(Violation::new("outcome", "unknown_value").with("detail", input.outcome.trim()));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let (owner, id_text) = (actor.clone(), id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let change = for_change(tx, &owner, &id_text).await?;
                let (before, store_id) = (&change.before, change.store_id.clone());
                if !VehicleState::parse(&before.state).is_some_and(VehicleState::is_open) {
                    return Err(AppError::Conflict("campaign_vehicle_closed"));
                }
                let contact = ContactRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    campaign_vehicle_id: before.id.clone(),
                    channel: input.channel.trim().into(),
                    outcome: input.outcome.trim().into(),
                    note: input.note.trim().into(),
                    contacted_at: now,
                    created_by: owner.actor_id().map(str::to_string),
                };
                let mut row = before.clone();
                row.store_id = Some(store_id.clone());
                row.contact_attempts += 1;
                // A VIN no store had becomes the actor's store's with its first contact.
                let row = save_vehicle(tx, &owner, now, &change, row, "contact").await?;
                store::insert_contact(tx, &contact).await?;
                Ok(row.id)
            })
        }))
        .await?;
    vehicle(app, actor, id).await
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VehicleAction {
    /// `done`: the repair order that did the work (required).
    pub repair_order_id: Option<String>,
    /// `YYYY-MM-DD`; today when absent (`done_elsewhere`: the date the other dealer did it, if known).
    pub done_on: Option<String>,
    pub note: String,
    pub version: Option<i64>,
}

/// `done` (with the repair order), `done_elsewhere`, `unreachable` (after three recorded attempts) or
/// `reopen` (a mistake corrected).
pub async fn act(
    app: &App,
    actor: &Actor,
    id: &str,
    action: &str,
    input: VehicleAction,
) -> AppResult<CampaignVehicleDetail> {
    if !rules::ACTIONS.contains(&action) {
        return Err(AppError::NotFound);
    }
    let (owner, id_text, action_text) = (actor.clone(), id.to_string(), action.to_string());
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let change = for_change(tx, &owner, &id_text).await?;
                let (before, store_id) = (&change.before, change.store_id.clone());
                if input.version.is_some_and(|v| v != before.version) {
                    return Err(AppError::Conflict("stale_version"));
                }
                let from = VehicleState::parse(&before.state).unwrap_or(VehicleState::Due);
                let to = rules::transition(from, &action_text, before.contact_attempts)?;
                let today = clock::local_date(now, owner.time_zone(&store_id));
                let mut row = before.clone();
                row.store_id = Some(store_id.clone());
                row.state = to.as_str().into();
                if !input.note.trim().is_empty() {
                    row.note = input.note.trim().into();
                }
                match to {
                    VehicleState::Done => {
                        let order_id = input
                            .repair_order_id
                            .clone()
                            .filter(|id| !id.trim().is_empty())
                            .ok_or_else(|| Violation::new("repair_order_id", "required"))?;
                        let order = repair_orders::get(tx, std::slice::from_ref(&store_id), order_id.trim())
                            .await?
                            .ok_or_else(|| Violation::new("repair_order_id", "not_found"))?;
                        let vehicle =
                            claimdesk_store::vehicles::get(tx, std::slice::from_ref(&store_id), &order.vehicle_id)
                                .await?
                                .ok_or(AppError::NotFound)?;
                        if vehicle.vin != row.vin {
                            return Err(Violation::new("repair_order_id", "campaign_order_other_vin")
                                .with("vin", &vehicle.vin)
                                .into());
                        }
                        row.vehicle_id = Some(vehicle.id);
                        row.repair_order_id = Some(order.id);
                        row.done_on = Some(
                            clock::local_date(clock::from_ms(order.checked_in_at), owner.time_zone(&store_id))
                                .to_string(),
                        );
                    }
                    VehicleState::DoneElsewhere => {
                        let day = match input.done_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                            None => today,
                            Some(text) => text
                                .parse::<jiff::civil::Date>()
                                .map_err(|_| Violation::new("done_on", "date_format").with("found", text))?,
                        };
                        if day > today {
                            return Err(Violation::new("done_on", "date_in_future").with("today", today).into());
                        }
                        row.done_on = Some(day.to_string());
                    }
                    VehicleState::Due | VehicleState::Unreachable => {
                        row.done_on = None;
                        if to == VehicleState::Due {
                            row.repair_order_id = None;
                        }
                    }
                }
                let row = save_vehicle(tx, &owner, now.as_millisecond(), &change, row, &action_text).await?;
                Ok(row.id)
            })
        }))
        .await?;
    vehicle(app, actor, id).await
}

/// Claims a vehicle's campaign work from the manufacturer: a warranty claim of kind `campaign` on the
/// repair order that did it, with the campaign's operations and parts as lines and its failure code, linked
/// to the campaign vehicle. The claim then goes through the checks, submission and decision like any other.
pub async fn claim(app: &App, actor: &Actor, id: &str) -> AppResult<ClaimView> {
    let detail = vehicle(app, actor, id).await?;
    if detail.vehicle.claim_id.is_some() {
        return Err(AppError::Conflict("campaign_already_claimed"));
    }
    let order_id = match (&detail.vehicle.repair_order_id, detail.vehicle.state.as_str()) {
        (Some(order), "done") => order.clone(),
        _ => return Err(AppError::Conflict("campaign_claim_needs_done")),
    };
    let campaign = &detail.campaign;
    let mut lines: Vec<LineInput> = campaign
        .labor_ops
        .iter()
        .map(|op| LineInput {
            kind: "labor".into(),
            code: op.code.clone(),
            description: op.description.clone(),
            hours: Some(op.hours.clone()),
            ..LineInput::default()
        })
        .collect();
    lines.extend(campaign.parts.iter().enumerate().map(|(index, part)| LineInput {
        kind: "part".into(),
        code: part.part_no.clone(),
        description: part.name.clone(),
        quantity: Some(part.quantity.clone()),
        role: if index == 0 { "causal".into() } else { "consequential".into() },
        ..LineInput::default()
    }));
    let input = ClaimInput {
        repair_order_id: order_id,
        kind: "campaign".into(),
        symptom: format!("{} {}", campaign.code, campaign.title),
        cause: if campaign.description.is_empty() { campaign.title.clone() } else { campaign.description.clone() },
        correction: campaign.labor_ops.iter().map(|op| op.description.clone()).collect::<Vec<_>>().join("；"),
        failure_code: campaign.failure_code.clone(),
        lines: Some(lines),
        ..ClaimInput::default()
    };
    let input = ClaimInput {
        correction: if input.correction.trim().is_empty() { campaign.title.clone() } else { input.correction.clone() },
        ..input
    };
    let claim = warranty::create(app, actor, input).await?;
    // The claim and its link are two writes: claims are opened by the warranty service alone. A failure
    // between them leaves a draft claim the clerk sees on the repair order, and the link can be retried.
    let (owner, id_text, claim_id) = (actor.clone(), id.to_string(), claim.id.clone());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let change = for_change(tx, &owner, &id_text).await?;
                let mut row = change.before.clone();
                row.claim_id = Some(claim_id);
                save_vehicle(tx, &owner, now, &change, row, "claim").await?;
                Ok::<_, AppError>(())
            })
        }))
        .await?;
    Ok(claim)
}

/// The open campaigns that still need these vehicles: shown on the vehicle, the repair order (from
/// reception on) and the claim. Anyone who reads vehicles sees the flag.
pub async fn flags(app: &App, actor: &Actor, vins: Vec<String>) -> AppResult<Vec<FlagRow>> {
    if !actor.can_anywhere(Permission::CustomersRead) && !actor.can_anywhere(Permission::RepairOrdersRead) {
        return Err(AppError::Forbidden);
    }
    let vins: Vec<String> = vins.into_iter().map(|v| v.trim().to_uppercase()).filter(|v| !v.is_empty()).collect();
    if vins.is_empty() {
        return Ok(Vec::new());
    }
    app.db.read(job(move |tx| Box::pin(async move { Ok(store::flags(tx, &vins).await?) }))).await
}

/// The completion report for the manufacturer: the campaign, the counts per store and overall, and every
/// vehicle with its state, date, repair order and claim.
#[derive(Debug, Clone, Serialize)]
pub struct CompletionReport {
    pub campaign: CampaignView,
    pub stores: Vec<StoreCompletion>,
    pub vehicles: Vec<ReportLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoreCompletion {
    /// Empty for VINs no store of the group has.
    pub store_code: String,
    pub completion: Completion,
    pub completion_percent: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportLine {
    pub vin: String,
    pub store_code: String,
    pub state: String,
    pub done_on: Option<String>,
    pub repair_order: Option<String>,
    pub claim: Option<String>,
    pub contact_attempts: i64,
    pub note: String,
}

/// Vehicles per page while the report is read (a recall's hundred thousand in a few dozen reads).
const REPORT_PAGE: i64 = 5_000;

pub async fn report(app: &App, actor: &Actor, id: &str) -> AppResult<CompletionReport> {
    require_read(actor)?;
    let campaign = get(app, actor, id).await?;
    let (stores, unassigned) = read_scope(actor);
    let owner = actor.clone();
    let campaign_id = campaign.id.clone();
    let (per_store, vehicles) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let mut per_store: BTreeMap<String, Completion> = BTreeMap::new();
                for (store_id, state, count) in store::counts(tx, &campaign_id, &stores, unassigned).await? {
                    let code = owner.store(&store_id).map(|s| s.code.clone()).unwrap_or_default();
                    per_store.entry(code).or_default().add(&state, count);
                }
                let mut lines = Vec::new();
                let mut offset = 0;
                loop {
                    let filter = VehicleFilter {
                        campaign_id: campaign_id.clone(),
                        stores: stores.clone(),
                        unassigned,
                        offset,
                        limit: REPORT_PAGE,
                        ..VehicleFilter::default()
                    };
                    let (rows, _) = store::vehicles(tx, &filter).await?;
                    let done = (rows.len() as i64) < REPORT_PAGE;
                    let numbers = report_numbers(tx, &rows).await?;
                    for row in rows {
                        let store_code = row
                            .store_id
                            .as_deref()
                            .and_then(|s| owner.store(s))
                            .map(|s| s.code.clone())
                            .unwrap_or_default();
                        lines.push(ReportLine {
                            repair_order: row.repair_order_id.as_ref().and_then(|id| numbers.get(id).cloned()),
                            claim: row.claim_id.as_ref().and_then(|id| numbers.get(id).cloned()),
                            vin: row.vin,
                            store_code,
                            state: row.state,
                            done_on: row.done_on,
                            contact_attempts: row.contact_attempts,
                            note: row.note,
                        });
                    }
                    if done {
                        break;
                    }
                    offset += REPORT_PAGE;
                }
                Ok::<_, AppError>((per_store, lines))
            })
        }))
        .await?;
    Ok(CompletionReport {
        campaign,
        stores: per_store
            .into_iter()
            .map(|(store_code, completion)| StoreCompletion {
                store_code,
                completion_percent: completion.rate_percent(),
                completion,
            })
            .collect(),
        vehicles,
    })
}

/// The numbers of the repair orders and claims the rows name, by id.
async fn report_numbers(tx: &mut Tx, rows: &[CampaignVehicleRow]) -> AppResult<BTreeMap<String, String>> {
    let orders: Vec<String> = rows.iter().filter_map(|r| r.repair_order_id.clone()).collect();
    let claims: Vec<String> = rows.iter().filter_map(|r| r.claim_id.clone()).collect();
    Ok(store::record_numbers(tx, &orders, &claims).await?.into_iter().collect())
}
