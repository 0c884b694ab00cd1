//! Repair orders (维修工单): the visits the three jobs hang on.

use claimdesk_domain::access::Permission;
use claimdesk_domain::repair_order::{self as rules, ItemInput, ValidItem};
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::repair_orders::{self, ItemRow, RepairOrderRow};
use claimdesk_store::vehicles::{self, OdometerRow};
use claimdesk_store::{Tx, counters, customers, job, new_id};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RepairOrderInput {
    pub vehicle_id: String,
    #[serde(default)]
    pub kind: String,
    /// RFC 3339, or a local `YYYY-MM-DDTHH:MM` in the store's time zone; now when empty.
    #[serde(default)]
    pub checked_in_at: Option<String>,
    pub mileage_in: Option<i64>,
    #[serde(default)]
    pub complaint: String,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub advisor_id: Option<String>,
    #[serde(default)]
    pub odometer_replaced: bool,
    #[serde(default)]
    pub odometer_note: String,
    #[serde(default)]
    pub items: Vec<ItemInput>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub line_no: i64,
    pub kind: String,
    pub code: String,
    pub description: String,
    pub hours: String,
    pub part_no: String,
    pub quantity: String,
    pub unit_price: Money,
    pub amount: Money,
    pub payer: String,
}

impl From<ItemRow> for ItemView {
    fn from(row: ItemRow) -> Self {
        ItemView {
            line_no: row.line_no,
            kind: row.kind,
            code: row.code,
            description: row.description,
            hours: format!("{}.{:02}", row.hours_centi / 100, row.hours_centi % 100),
            part_no: row.part_no,
            quantity: rust_decimal::Decimal::new(row.quantity_milli, 3).normalize().to_string(),
            unit_price: Money::from_fen(row.unit_price_fen),
            amount: Money::from_fen(row.amount_fen),
            payer: row.payer,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RepairOrderView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub vehicle_id: String,
    pub customer_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub checked_in_at: String,
    pub handed_over_at: Option<String>,
    pub mileage_in: i64,
    pub complaint: String,
    pub findings: String,
    pub advisor_id: Option<String>,
    pub odometer_replaced: bool,
    pub items: Vec<ItemView>,
    pub total: Money,
    pub actions: Vec<&'static str>,
    pub version: i64,
    #[serde(skip)]
    pub checked_in_ms: i64,
}

impl RepairOrderView {
    pub fn new(row: RepairOrderRow, items: Vec<ItemRow>, time_zone: &str) -> RepairOrderView {
        let items: Vec<ItemView> = items.into_iter().map(ItemView::from).collect();
        RepairOrderView {
            total: items.iter().map(|item| item.amount).sum(),
            actions: rules::actions_from(&row.status),
            checked_in_at: clock::rfc3339_local(row.checked_in_at, time_zone),
            handed_over_at: row.handed_over_at.map(|at| clock::rfc3339_local(at, time_zone)),
            checked_in_ms: row.checked_in_at,
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            vehicle_id: row.vehicle_id,
            customer_id: row.customer_id,
            kind: row.kind,
            status: row.status,
            mileage_in: row.mileage_in,
            complaint: row.complaint,
            findings: row.findings,
            advisor_id: row.advisor_id,
            odometer_replaced: row.odometer_replaced,
            items,
            version: row.version,
        }
    }
}

fn item_rows(store_id: &str, order_id: &str, items: Vec<ValidItem>) -> Vec<ItemRow> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| ItemRow {
            id: new_id(),
            store_id: store_id.to_string(),
            repair_order_id: order_id.to_string(),
            line_no: index as i64 + 1,
            kind: item.kind.to_string(),
            code: item.code,
            description: item.description,
            hours_centi: item.hours_centi,
            part_no: item.part_no,
            quantity_milli: item.quantity_milli,
            unit_price_fen: item.unit_price.fen(),
            amount_fen: item.amount.fen(),
            payer: item.payer.to_string(),
        })
        .collect()
}

fn check_kind(kind: &str) -> Result<String, Violation> {
    let kind = if kind.trim().is_empty() { "repair" } else { kind.trim() };
    if rules::KINDS.contains(&kind) {
        Ok(kind.to_string())
    } else {
        Err(Violation::new("kind", "unknown_value").with("detail", kind))
    }
}

/// Records the odometer reading of a visit and moves the vehicle's current reading.
async fn record_mileage(
    tx: &mut Tx,
    actor: &Actor,
    order: &RepairOrderRow,
    read_on: &str,
    note: &str,
) -> AppResult<()> {
    vehicles::insert_reading(
        tx,
        &OdometerRow {
            id: new_id(),
            store_id: order.store_id.clone(),
            vehicle_id: order.vehicle_id.clone(),
            read_on: read_on.to_string(),
            km: order.mileage_in,
            source: "repair_order".into(),
            source_id: Some(order.id.clone()),
            replaced: order.odometer_replaced,
            note: note.to_string(),
            created_by: actor.actor_id().map(str::to_string),
            created_at: order.created_at,
        },
    )
    .await?;
    Ok(())
}

pub async fn create(app: &App, actor: &Actor, input: RepairOrderInput) -> AppResult<RepairOrderView> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let actor = actor.clone();
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut violations = Violations::new();
                let vehicle = match vehicles::get(tx, &scope, &input.vehicle_id).await? {
                    Some(vehicle) => vehicle,
                    None => return Err(Violation::new("vehicle_id", "not_found").into()),
                };
                let store_id = vehicle.store_id.clone();
                actor.require(Permission::RepairOrdersWrite, &store_id)?;
                let time_zone = actor.time_zone(&store_id).to_string();
                let kind = violations.check(check_kind(&input.kind));
                let checked_in = match input.checked_in_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => Some(now),
                    Some(text) => match clock::parse_instant(text, &time_zone) {
                        Some(at) if at > now => {
                            violations.push(
                                Violation::new("checked_in_at", "date_in_future")
                                    .with("today", clock::display_local(now.as_millisecond(), &time_zone)),
                            );
                            None
                        }
                        Some(at) => Some(at),
                        None => {
                            violations.push(Violation::new("checked_in_at", "datetime_format").with("found", text));
                            None
                        }
                    },
                };
                let previous = repair_orders::highest_mileage(tx, &store_id, &vehicle.id).await?;
                let mileage = match input.mileage_in {
                    None => {
                        violations.push(Violation::new("mileage_in", "required"));
                        None
                    }
                    Some(km) => violations
                        .check(rules::check_mileage(
                            previous,
                            km,
                            input.odometer_replaced,
                            actor.can(Permission::OdometerReplace, &store_id),
                        ))
                        .map(|()| km),
                };
                if input.odometer_replaced && input.odometer_note.trim().is_empty() {
                    violations.push(Violation::new("odometer_note", "required"));
                }
                let items = match rules::validate_items(&input.items) {
                    Ok(items) => Some(items),
                    Err(v) => {
                        violations.0.extend(v.0);
                        None
                    }
                };
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let checked_in = checked_in.expect("validated");
                let day = clock::local_date(checked_in, &time_zone);
                let sequence = counters::next(tx, &store_id, &format!("RO-{}", day.strftime("%Y%m%d"))).await?;
                let now_ms = now.as_millisecond();
                let row = RepairOrderRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    number: format!("RO{}{:04}", day.strftime("%Y%m%d"), sequence),
                    vehicle_id: vehicle.id.clone(),
                    customer_id: vehicle.owner_id.clone(),
                    kind: kind.expect("validated"),
                    status: "open".into(),
                    checked_in_at: checked_in.as_millisecond(),
                    handed_over_at: None,
                    mileage_in: mileage.expect("validated"),
                    complaint: input.complaint.trim().to_string(),
                    findings: input.findings.trim().to_string(),
                    advisor_id: input
                        .advisor_id
                        .clone()
                        .filter(|id| !id.is_empty())
                        .or_else(|| actor.actor_id().map(str::to_string)),
                    odometer_replaced: input.odometer_replaced,
                    created_at: now_ms,
                    updated_at: now_ms,
                    version: 1,
                };
                repair_orders::insert(tx, &row).await?;
                let items = item_rows(&store_id, &row.id, items.expect("validated"));
                for item in &items {
                    repair_orders::insert_item(tx, item).await?;
                }
                record_mileage(tx, &actor, &row, &day.to_string(), input.odometer_note.trim()).await?;
                let mut vehicle_after = vehicle.clone();
                vehicle_after.odometer_km = row.mileage_in;
                vehicle_after.odometer_on = Some(day.to_string());
                vehicle_after.updated_at = now_ms;
                vehicles::update(tx, &vehicle_after).await?;
                if let Some(customer_id) = &row.customer_id
                    && let Some(mut customer) = customers::get(tx, std::slice::from_ref(&store_id), customer_id).await?
                {
                    customer.first_visit_on.get_or_insert_with(|| day.to_string());
                    customer.last_visit_on = Some(day.to_string());
                    customer.updated_at = now_ms;
                    customers::update(tx, &customer).await?;
                }
                let view = RepairOrderView::new(row, items, &time_zone);
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "repair_order",
                        entity_id: &view.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

/// Moves a repair order through its states (start, complete, hand_over, cancel, reopen).
pub async fn transition(app: &App, actor: &Actor, id: &str, action: &str) -> AppResult<RepairOrderView> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let actor = actor.clone();
    let (id, action) = (id.to_string(), action.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = repair_orders::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::RepairOrdersWrite, &before.store_id)?;
                let next =
                    rules::transition(&before.status, &action).map_err(|_| AppError::Conflict("illegal_transition"))?;
                if action == "start" {
                    crate::insurance::claims::check_repair_may_start(tx, &before.store_id, &before.id).await?;
                    crate::warranty::preauth::check_repair_may_start(tx, &before).await?;
                }
                let mut row = before.clone();
                row.status = next.to_string();
                if action == "hand_over" {
                    row.handed_over_at = Some(now);
                }
                row.updated_at = now;
                if !repair_orders::update(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let time_zone = actor.time_zone(&row.store_id).to_string();
                if action == "hand_over"
                    && let Some(customer_id) = &row.customer_id
                    && let Some(customer) = customers::get(tx, std::slice::from_ref(&row.store_id), customer_id).await?
                {
                    // F1/F3: the archive within 2 days and the first call on days 3–7 follow every handover.
                    let handover = clock::local_date(clock::from_ms(now), &time_zone);
                    crate::follow_up::schedule_visit(tx, &customer, Some((&row.id, &row.number)), handover, now)
                        .await?;
                }
                let items = repair_orders::items(tx, &row.store_id, &row.id).await?;
                crate::warranty::filing::after_repair_order_transition(tx, &action, &row, &items, &time_zone, now)
                    .await?;
                // The Art 24 watch and the Art 21 spare car read the repair's 三包 record.
                crate::sanbao::repairs::after_repair_order_transition(tx, &action, &row, &time_zone, now).await?;
                let before_view = RepairOrderView::new(before, items.clone(), &time_zone);
                let view = RepairOrderView::new(row, items, &time_zone);
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "repair_order",
                        entity_id: &view.id,
                        action: &action,
                        before: Some(&before_view),
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<RepairOrderView> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = repair_orders::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let items = repair_orders::items(tx, &row.store_id, &row.id).await?;
                let time_zone = actor.time_zone(&row.store_id).to_string();
                Ok(RepairOrderView::new(row, items, &time_zone))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RepairOrderListQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub vehicle_id: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(app: &App, actor: &Actor, query: RepairOrderListQuery) -> AppResult<Page<RepairOrderView>> {
    actor.require_anywhere(Permission::RepairOrdersRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let filter = repair_orders::ListFilter {
        stores: actor.store_ids_filtered(Permission::RepairOrdersRead, query.store_id.as_deref()),
        number_prefix: query.q.map(|q| q.trim().to_uppercase()).filter(|q| !q.is_empty()),
        status: query.status.filter(|s| !s.is_empty()),
        kind: query.kind.filter(|s| !s.is_empty()),
        vehicle_id: query.vehicle_id.filter(|s| !s.is_empty()),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(repair_orders::list(tx, &filter, cap).await?) })))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let time_zone = actor.time_zone(&row.store_id).to_string();
            RepairOrderView::new(row, Vec::new(), &time_zone)
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}
