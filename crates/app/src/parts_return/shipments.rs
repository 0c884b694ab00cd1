//! Return shipments (旧件回运单): proposed from the waiting tags of a brand, packed into boxes by the
//! manufacturer's limits, shipped with carrier and tracking number, received and inspected part by part.
//! A rejected or missing part becomes a debit on its claim.

use std::collections::BTreeSet;

use claimdesk_domain::Money;
use claimdesk_domain::access::Permission;
use claimdesk_domain::parts_return::{
    self as rules, InspectionInput, PackItem, ShipmentAction, ShipmentState, TagState, tag_state_for,
};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::parts_return::{self as store, DebitRow, ShipmentFilter, ShipmentRow, TagRow};
use claimdesk_store::warranty as claims;
use claimdesk_store::{Tx, counters, job, new_id, stores};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::tags::{TagView, open_period_due};
use super::{DUE_KIND, DUE_SUBJECT, due_subject, kg_text, rules_of};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, audit, clock, worklist};

/// A packed box as the packing list and the box labels print it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BoxView {
    pub box_no: i64,
    pub hazardous: bool,
    pub oversize: bool,
    pub weight_kg: String,
    /// Tag numbers.
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DebitView {
    pub claim_id: String,
    pub claim_number: String,
    pub tag_number: String,
    /// rejected or missing.
    pub reason: String,
    pub note: String,
    pub amount: Money,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShipmentView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub brand: String,
    pub period: String,
    pub due_on: String,
    pub state: String,
    pub boxes: Vec<BoxView>,
    pub box_count: i64,
    pub part_count: i64,
    pub weight_kg: String,
    pub carrier: String,
    pub tracking_no: String,
    pub packed_at: Option<String>,
    pub shipped_at: Option<String>,
    pub received_on: Option<String>,
    pub inspected_at: Option<String>,
    /// What rejected and missing parts cost.
    pub debit: Money,
    pub created_at: String,
    pub actions: Vec<&'static str>,
    /// The parts (empty in lists).
    pub tags: Vec<TagView>,
    pub debits: Vec<DebitView>,
    pub version: i64,
}

impl ShipmentView {
    fn new(row: ShipmentRow, tags: Vec<TagRow>, debits: Vec<DebitRow>, zone: &str) -> ShipmentView {
        let at = |ms: Option<i64>| ms.map(|ms| clock::rfc3339_local(ms, zone));
        let numbers: Vec<(String, String, String)> =
            tags.iter().map(|t| (t.id.clone(), t.number.clone(), t.claim_number.clone())).collect();
        let tag_of = |id: &str| numbers.iter().find(|(tag_id, _, _)| tag_id == id);
        ShipmentView {
            boxes: serde_json::from_str(&row.boxes_json).unwrap_or_default(),
            weight_kg: kg_text(row.weight_g),
            packed_at: at(row.packed_at),
            shipped_at: at(row.shipped_at),
            inspected_at: at(row.inspected_at),
            debit: Money::from_fen(row.debit_fen),
            created_at: clock::rfc3339_local(row.created_at, zone),
            actions: ShipmentState::parse(&row.state)
                .map(|s| rules::actions(s).into_iter().map(ShipmentAction::as_str).collect())
                .unwrap_or_default(),
            debits: debits
                .into_iter()
                .map(|d| DebitView {
                    claim_number: tag_of(&d.tag_id).map(|t| t.2.clone()).unwrap_or_default(),
                    tag_number: tag_of(&d.tag_id).map(|t| t.1.clone()).unwrap_or_default(),
                    claim_id: d.claim_id,
                    reason: d.reason,
                    note: d.note,
                    amount: Money::from_fen(d.amount_fen),
                    created_at: clock::rfc3339_local(d.created_at, zone),
                })
                .collect(),
            tags: tags.into_iter().map(TagView::from).collect(),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            brand: row.brand,
            period: row.period,
            due_on: row.due_on,
            state: row.state,
            box_count: row.box_count,
            part_count: row.part_count,
            carrier: row.carrier,
            tracking_no: row.tracking_no,
            received_on: row.received_on,
            version: row.version,
        }
    }
}

async fn load(tx: &mut Tx, row: ShipmentRow, zone: &str) -> AppResult<ShipmentView> {
    let tags = store::tags_of_shipment(tx, &row.store_id, &row.id).await?;
    let debits = store::debits_of_shipment(tx, &row.store_id, &row.id).await?;
    Ok(ShipmentView::new(row, tags, debits, zone))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProposeInput {
    pub brand: String,
    /// The store; the actor's current store when left out.
    pub store_id: Option<String>,
}

/// Proposes a shipment of every tag of the brand waiting in the store for return.
pub async fn propose(app: &App, actor: &Actor, input: ProposeInput) -> AppResult<ShipmentView> {
    let store_id = actor.target_store(Permission::WarrantyWrite, input.store_id.as_deref())?;
    let brand = input.brand.trim().to_string();
    if brand.is_empty() {
        return Err(Violation::new("brand", "required").into());
    }
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let zone = actor.time_zone(&store_id).to_string();
                let today = clock::local_date(clock::from_ms(now), &zone);
                let waiting = store::waiting_tags(tx, &store_id, &brand).await?;
                if waiting.is_empty() {
                    return Err(Violation::new("brand", "nothing_to_return").with("brand", &brand).into());
                }
                let rules = rules_of(store::rules(tx, &brand).await?.as_ref());
                // The oldest waiting part decides the period: it is the one that is due first.
                let first: Date = waiting.iter().filter_map(|t| t.tagged_on.parse().ok()).min().unwrap_or(today);
                let period = Period { label: rules.period_label(first), ship_by: rules.ship_by(first) };
                let row = create_shipment(tx, &actor, &store_id, &brand, waiting, &period, today, now).await?;
                load(tx, row, &zone).await
            })
        }))
        .await
}

/// A return period as a shipment carries it.
struct Period {
    label: String,
    ship_by: Date,
}

/// Writes a proposed shipment of `waiting` (the button's and the scheduler's), moves the tags into it and
/// records it.
#[expect(clippy::too_many_arguments, reason = "one write's inputs, each a different thing")]
async fn create_shipment(
    tx: &mut Tx,
    actor: &Actor,
    store_id: &str,
    brand: &str,
    waiting: Vec<TagRow>,
    period: &Period,
    today: Date,
    now: i64,
) -> AppResult<ShipmentRow> {
    let month = today.strftime("%Y%m").to_string();
    let sequence = counters::next(tx, store_id, &format!("RS-{month}")).await?;
    let row = ShipmentRow {
        id: new_id(),
        store_id: store_id.to_string(),
        number: format!("RS{month}-{sequence:03}"),
        brand: brand.to_string(),
        period: period.label.clone(),
        due_on: period.ship_by.to_string(),
        state: ShipmentState::Proposed.as_str().into(),
        boxes_json: "[]".into(),
        part_count: waiting.len() as i64,
        weight_g: waiting.iter().map(|t| t.weight_g).sum(),
        created_by: actor.actor_id().map(str::to_string),
        created_at: now,
        updated_at: now,
        version: 1,
        ..ShipmentRow::default()
    };
    store::insert_shipment(tx, &row).await?;
    for mut tag in waiting {
        tag.state = TagState::InShipment.as_str().into();
        tag.shipment_id = Some(row.id.clone());
        tag.updated_at = now;
        if !store::update_tag(tx, &tag).await? {
            return Err(AppError::Conflict("stale_version"));
        }
    }
    let after = serde_json::json!({"number": row.number, "brand": row.brand, "parts": row.part_count});
    audit::record(
        tx,
        actor,
        now,
        audit::Entry {
            store_id: Some(&row.store_id),
            entity: "return_shipment",
            entity_id: &row.id,
            action: "create",
            before: None::<&()>,
            after: Some(&after),
        },
    )
    .await?;
    Ok(row)
}

/// The scheduler's pass (W3: "each month, or on the manufacturer's cycle, a shipment is proposed"): in every
/// store holding parts a brand wants back, once the current cycle's proposal day has come
/// (`ReturnRules::propose_on`), proposes the cycle's shipment of all the brand's waiting parts, with the
/// cycle's due item for shipping by its ship-by day. One proposal per store, brand and cycle, also with
/// several app servers (`return_cycles`); a cycle in which the clerk already proposed a shipment with the
/// button, or cancelled the scheduler's, is left alone. Answers how many shipments it proposed.
pub async fn propose_due_shipments(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    // First a read that finds the cycles due and not yet taken, so a quiet minute writes nothing.
    let due: Vec<(String, String, String)> = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let mut due = Vec::new();
                for store_row in stores::list(tx).await? {
                    let today = clock::local_date(now, &store_row.time_zone);
                    for brand in store::waiting_brands(tx, &store_row.id).await? {
                        let rules = rules_of(store::rules(tx, &brand).await?.as_ref());
                        if today < rules.propose_on(today)
                            || store::cycle_taken(tx, &store_row.id, &brand, &rules.period_label(today)).await?
                        {
                            continue;
                        }
                        due.push((store_row.id.clone(), store_row.time_zone.clone(), brand));
                    }
                }
                Ok::<_, AppError>(due)
            })
        }))
        .await?;
    let mut proposed = 0;
    // One write per cycle: a conflict in one store (the clerk moving a part meanwhile) leaves the others
    // proposed, and the failed one is tried again on the next pass.
    for (store_id, zone, brand) in due {
        let now = app.now_ms();
        let result = app
            .db
            .write(job(move |tx| Box::pin(async move { propose_cycle(tx, &store_id, &zone, &brand, now).await })))
            .await;
        match result {
            Ok(true) => proposed += 1,
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "proposing a return shipment failed; tried again next pass"),
        }
    }
    Ok(proposed)
}

/// One store's cycle of one brand, inside its write: takes the cycle, then proposes the shipment.
async fn propose_cycle(tx: &mut Tx, store_id: &str, zone: &str, brand: &str, now: i64) -> AppResult<bool> {
    let today = clock::local_date(clock::from_ms(now), zone);
    let rules = rules_of(store::rules(tx, brand).await?.as_ref());
    let period = Period { label: rules.period_label(today), ship_by: rules.ship_by(today) };
    if let Some(existing) = store::shipment_of_period(tx, store_id, brand, &period.label).await? {
        // The clerk proposed this cycle's shipment already: the cycle is theirs.
        store::take_cycle(tx, store_id, brand, &period.label, Some(&existing), now).await?;
        return Ok(false);
    }
    // Tags first, then the cycle: a second server finds the tags locked (or gone) and stops; the cycle key
    // stops any other that found tags tagged meanwhile.
    let waiting = store::claim_waiting_tags(tx, store_id, brand).await?;
    if waiting.is_empty() || !store::take_cycle(tx, store_id, brand, &period.label, None, now).await? {
        return Ok(false);
    }
    let system = Actor::system(Vec::new());
    let row = create_shipment(tx, &system, store_id, brand, waiting, &period, today, now).await?;
    store::set_cycle_shipment(tx, store_id, brand, &period.label, &row.id).await?;
    open_period_due(tx, store_id, brand, &period.label, period.ship_by, now).await?;
    Ok(true)
}

/// What a state change takes: carrier and tracking number to ship, the receipt date, the inspection.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ShipmentActionInput {
    pub carrier: String,
    pub tracking_no: String,
    /// `YYYY-MM-DD`; today when left out.
    pub received_on: Option<String>,
    /// One result per part: `{"tag", "result": "accepted|rejected|missing", "reason"}`.
    pub items: Vec<InspectionInput>,
    pub version: Option<i64>,
}

/// Packs the tags into boxes by the brand's limits; every part must be weighed first.
fn pack_tags(tags: &mut [TagRow], limits: &rules::PackLimits) -> Result<(Vec<BoxView>, i64), Violations> {
    let mut violations = Violations::new();
    for tag in tags.iter() {
        if tag.weight_g <= 0 {
            violations.push(
                Violation::new(format!("tags.{}.weight_kg", tag.number), "weight_required").with("tag", &tag.number),
            );
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let items: Vec<PackItem> = tags
        .iter()
        .map(|t| PackItem {
            weight_g: t.weight_g as u64,
            volume_cm3: (t.length_cm * t.width_cm * t.height_cm).max(0) as u64,
            length_cm: t.length_cm.max(t.width_cm).max(t.height_cm).max(0) as u32,
            hazardous: t.hazardous,
        })
        .collect();
    let boxes = rules::pack(&items, limits);
    let mut views = Vec::with_capacity(boxes.len());
    for (index, packed) in boxes.iter().enumerate() {
        let box_no = index as i64 + 1;
        for &item in &packed.items {
            tags[item].box_no = Some(box_no);
        }
        views.push(BoxView {
            box_no,
            hazardous: packed.hazardous,
            oversize: packed.oversize,
            weight_kg: kg_text(packed.weight_g as i64),
            tags: packed.items.iter().map(|&i| tags[i].number.clone()).collect(),
        });
    }
    Ok((views, items.iter().map(|i| i.weight_g as i64).sum()))
}

/// A state change: `pack`, `unpack`, `ship` (carrier and tracking number), `receive`, `inspect` (a result per
/// part; rejected and missing parts become debits on their claims) or `cancel` (the parts go back to the
/// store).
pub async fn act(
    app: &App,
    actor: &Actor,
    id: &str,
    action: &str,
    input: ShipmentActionInput,
) -> AppResult<ShipmentView> {
    let action = ShipmentAction::parse(action).ok_or(AppError::NotFound)?;
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_shipment(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &before.store_id)?;
                if input.version.is_some_and(|v| v != before.version) {
                    return Err(AppError::Conflict("stale_version"));
                }
                let zone = actor.time_zone(&before.store_id).to_string();
                let state = ShipmentState::parse(&before.state)
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown shipment state {}", before.state)))?;
                let next = rules::transition(state, action).map_err(|_| AppError::Conflict("illegal_transition"))?;
                let mut row = before.clone();
                let mut tags = store::tags_of_shipment(tx, &row.store_id, &row.id).await?;
                let mut detail = serde_json::json!({});
                match action {
                    ShipmentAction::Pack => {
                        let rules = rules_of(store::rules(tx, &row.brand).await?.as_ref());
                        let (boxes, weight) = pack_tags(&mut tags, &rules.limits)?;
                        row.box_count = boxes.len() as i64;
                        row.weight_g = weight;
                        row.boxes_json = serde_json::to_string(&boxes).map_err(anyhow::Error::from)?;
                        row.packed_at = Some(now);
                        detail = serde_json::json!({"boxes": row.box_count, "weight_kg": kg_text(weight)});
                    }
                    ShipmentAction::Unpack | ShipmentAction::Cancel => {
                        for tag in &mut tags {
                            tag.box_no = None;
                        }
                        row.boxes_json = "[]".into();
                        row.box_count = 0;
                        row.packed_at = None;
                    }
                    ShipmentAction::Ship => {
                        let mut violations = Violations::new();
                        for (field, value) in [("carrier", &input.carrier), ("tracking_no", &input.tracking_no)] {
                            if value.trim().is_empty() {
                                violations.push(Violation::new(field, "required"));
                            }
                        }
                        if !violations.is_empty() {
                            return Err(violations.into());
                        }
                        row.carrier = input.carrier.trim().to_string();
                        row.tracking_no = input.tracking_no.trim().to_string();
                        row.shipped_at = Some(now);
                        detail = serde_json::json!({"carrier": row.carrier, "tracking_no": row.tracking_no});
                    }
                    ShipmentAction::Receive => {
                        let day = match input.received_on.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                            None => clock::local_date(clock::from_ms(now), &zone),
                            Some(text) => text.parse::<Date>().map_err(|_| {
                                AppError::invalid(Violation::new("received_on", "date_format").with("found", text))
                            })?,
                        };
                        row.received_on = Some(day.to_string());
                        detail = serde_json::json!({"received_on": row.received_on});
                    }
                    ShipmentAction::Inspect => {
                        let numbers: Vec<String> = tags.iter().map(|t| t.number.clone()).collect();
                        let results = rules::check_inspection(&numbers, &input.items)?;
                        let mut total = Money::ZERO;
                        let mut counts = std::collections::BTreeMap::<&str, i64>::new();
                        for (tag, (result, reason)) in tags.iter_mut().zip(results) {
                            tag.inspection = Some(result.as_str().into());
                            tag.inspection_reason = reason.clone();
                            *counts.entry(result.as_str()).or_default() += 1;
                            let lines = claims::lines(tx, &tag.store_id, &tag.claim_id).await?;
                            let line = lines.iter().find(|l| l.line_no == tag.line_no);
                            let amount = line.map(|l| Money::from_fen(l.amount_fen)).unwrap_or(Money::ZERO);
                            let approved = line.and_then(|l| l.approved_fen).map(Money::from_fen);
                            if let Some(debit) = rules::debit(result, amount, approved) {
                                total += debit;
                                store::insert_debit(
                                    tx,
                                    &DebitRow {
                                        id: new_id(),
                                        store_id: tag.store_id.clone(),
                                        claim_id: tag.claim_id.clone(),
                                        tag_id: tag.id.clone(),
                                        shipment_id: row.id.clone(),
                                        reason: result.as_str().into(),
                                        note: reason.clone(),
                                        amount_fen: debit.fen(),
                                        created_at: now,
                                        created_by: actor.actor_id().map(str::to_string),
                                    },
                                )
                                .await?;
                                // The claim's own timeline shows the debit.
                                let after = serde_json::json!({
                                    "tag": tag.number, "result": result.as_str(), "debit": debit, "shipment": row.number,
                                    "reason": reason,
                                });
                                audit::record(
                                    tx,
                                    &actor,
                                    now,
                                    audit::Entry {
                                        store_id: Some(&tag.store_id),
                                        entity: "warranty_claim",
                                        entity_id: &tag.claim_id,
                                        action: "parts_debit",
                                        before: None::<&()>,
                                        after: Some(&after),
                                    },
                                )
                                .await?;
                            }
                        }
                        row.debit_fen = total.fen();
                        row.inspected_at = Some(now);
                        if row.received_on.is_none() {
                            row.received_on = Some(clock::local_date(clock::from_ms(now), &zone).to_string());
                        }
                        let results: Vec<String> = counts.iter().map(|(r, n)| format!("{r} {n}")).collect();
                        detail = serde_json::json!({"results": results.join(", "), "debit": total});
                    }
                }
                row.state = next.as_str().into();
                row.updated_at = now;
                if !store::update_shipment(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                for tag in &mut tags {
                    tag.state = match (&tag.inspection, next) {
                        (Some(result), ShipmentState::Inspected) => rules::Inspection::parse(result)
                            .map(|r| r.tag_state())
                            .unwrap_or(TagState::Shipped)
                            .as_str()
                            .into(),
                        _ => tag_state_for(next).as_str().into(),
                    };
                    if next == ShipmentState::Cancelled {
                        tag.shipment_id = None;
                    }
                    tag.updated_at = now;
                    if !store::update_tag(tx, tag).await? {
                        return Err(AppError::Conflict("stale_version"));
                    }
                }
                if action == ShipmentAction::Ship {
                    // Sent: the period's due item is done, and so are those of earlier periods whose parts
                    // waited for this shipment.
                    let rules = rules_of(store::rules(tx, &row.brand).await?.as_ref());
                    let mut periods: BTreeSet<String> =
                        tags.iter().filter_map(|t| t.tagged_on.parse().ok()).map(|d| rules.period_label(d)).collect();
                    periods.insert(row.period.clone());
                    for period in periods {
                        let subject = due_subject(&row.brand, &period);
                        worklist::close_for_subject(tx, &row.store_id, DUE_SUBJECT, &subject, DUE_KIND, "done", now)
                            .await?;
                    }
                }
                detail["state"] = serde_json::json!(row.state);
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "return_shipment",
                        entity_id: &row.id,
                        action: action.as_str(),
                        before: Some(&serde_json::json!({"state": before.state})),
                        after: Some(&detail),
                    },
                )
                .await?;
                let debits = store::debits_of_shipment(tx, &row.store_id, &row.id).await?;
                Ok(ShipmentView::new(row, tags, debits, &zone))
            })
        }))
        .await
}

pub async fn get_shipment(app: &App, actor: &Actor, id: &str) -> AppResult<ShipmentView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_shipment(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                load(tx, row, &zone).await
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ShipmentListQuery {
    pub state: Option<String>,
    pub brand: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Shipments by state and brand, newest first.
pub async fn list_shipments(app: &App, actor: &Actor, query: ShipmentListQuery) -> AppResult<Page<ShipmentView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let filled = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let filter = ShipmentFilter {
        stores: actor.store_ids_filtered(Permission::WarrantyRead, query.store_id.as_deref()),
        state: filled(query.state),
        brand: filled(query.brand),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::list_shipments(tx, &filter, cap).await?) })))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let zone = actor.time_zone(&row.store_id).to_string();
            ShipmentView::new(row, Vec::new(), Vec::new(), &zone)
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}

/// The debits charged on a claim for its returned parts (shown on the claim's page).
pub async fn debits_of_claim(app: &App, actor: &Actor, claim_id: &str) -> AppResult<Vec<DebitView>> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = claim_id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let claim = claims::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&claim.store_id).to_string();
                let tags = store::tags_of_claim(tx, &claim.store_id, &claim.id).await?;
                let debits = store::debits_of_claim(tx, &claim.store_id, &claim.id).await?;
                Ok::<_, AppError>(
                    debits
                        .into_iter()
                        .map(|d| DebitView {
                            claim_number: claim.number.clone(),
                            tag_number: tags
                                .iter()
                                .find(|t| t.id == d.tag_id)
                                .map(|t| t.number.clone())
                                .unwrap_or_default(),
                            claim_id: d.claim_id,
                            reason: d.reason,
                            note: d.note,
                            amount: Money::from_fen(d.amount_fen),
                            created_at: clock::rfc3339_local(d.created_at, &zone),
                        })
                        .collect(),
                )
            })
        }))
        .await
}
