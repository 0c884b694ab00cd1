//! Accident leads (事故线索, README I2): a lead (source, place, contact, vehicle) → contacted (the insurer and
//! surveyor recorded) → the vehicle arrives → an accident repair order; and the conversion rate.

use claimdesk_domain::Violation;
use claimdesk_domain::Violations;
use claimdesk_domain::access::Permission;
use claimdesk_store::insurance::{self as store, LeadRow, ListFilter};
use claimdesk_store::{Tx, counters, job, new_id, repair_orders as ro_store, vehicles as vehicle_store};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::repair_orders::{self, RepairOrderInput};
use crate::{App, audit, clock};

pub const SOURCES: [&str; 5] = ["insurer", "police", "tow", "customer", "other"];
pub const STATUSES: [&str; 4] = ["new", "contacted", "arrived", "lost"];

async fn number(tx: &mut Tx, store_id: &str, day: Date) -> AppResult<String> {
    let stamp = day.strftime("%Y%m%d").to_string();
    let sequence = counters::next(tx, store_id, &format!("XS-{stamp}")).await?;
    Ok(format!("XS{stamp}{sequence:04}"))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadInput {
    pub source: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub plate: String,
    #[serde(default)]
    pub vehicle_desc: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub store_id: Option<String>,
}

pub async fn create(app: &App, actor: &Actor, input: LeadInput) -> AppResult<LeadRow> {
    let store_id = actor.target_store(Permission::InsuranceWrite, input.store_id.as_deref())?;
    let mut violations = Violations::new();
    if !SOURCES.contains(&input.source.trim()) {
        violations.push(Violation::new("source", "unknown_value").with("detail", input.source.trim()));
    }
    if input.contact_name.trim().is_empty() && input.contact_phone.trim().is_empty() {
        violations.push(Violation::new("contact_phone", "required"));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let row = LeadRow {
                    id: new_id(),
                    number: number(tx, &store_id, today).await?,
                    store_id: store_id.clone(),
                    source: input.source.trim().into(),
                    place: input.place.trim().into(),
                    contact_name: input.contact_name.trim().into(),
                    contact_phone: input.contact_phone.trim().into(),
                    plate: input.plate.trim().to_uppercase(),
                    vehicle_desc: input.vehicle_desc.trim().into(),
                    status: "new".into(),
                    received_on: today.to_string(),
                    specialist_id: actor.actor_id().map(str::to_string),
                    note: input.note.trim().into(),
                    created_at: now.as_millisecond(),
                    updated_at: now.as_millisecond(),
                    version: 1,
                    ..LeadRow::default()
                };
                store::insert(tx, &row).await?;
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "accident_lead",
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
        .await
}

/// `contact` (the insurer and surveyor recorded), `arrive` (the vehicle is here: an accident repair order
/// is opened or linked) or `lose` (with a reason).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadAction {
    #[serde(default)]
    pub insurer_id: Option<String>,
    #[serde(default)]
    pub surveyor: String,
    #[serde(default)]
    pub vehicle_id: Option<String>,
    #[serde(default)]
    pub mileage_in: Option<i64>,
    #[serde(default)]
    pub repair_order_id: Option<String>,
    #[serde(default)]
    pub reason: String,
}

pub async fn act(app: &App, actor: &Actor, id: &str, action: &str, input: LeadAction) -> AppResult<LeadRow> {
    let mut input = input;
    if action == "arrive" && input.repair_order_id.as_deref().is_none_or(str::is_empty) {
        // The car is here: open its accident repair order first (the advisor's own service and checks).
        let vehicle_id = input
            .vehicle_id
            .clone()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Violation::new("vehicle_id", "required"))?;
        let lead = get(app, actor, id).await?;
        let stores = vec![lead.store_id.clone()];
        let vehicle_id = app
            .db
            .read(job(move |tx| {
                Box::pin(async move { Ok::<_, AppError>(vehicle_store::find(tx, &stores, &vehicle_id).await?) })
            }))
            .await?
            .ok_or_else(|| Violation::new("vehicle_id", "not_found"))?
            .id;
        let order = repair_orders::create(
            app,
            actor,
            RepairOrderInput {
                vehicle_id,
                kind: "accident".into(),
                mileage_in: input.mileage_in,
                complaint: format!("事故线索 {} {}", lead.number, lead.place).trim().to_string(),
                ..RepairOrderInput::default()
            },
        )
        .await?;
        input.repair_order_id = Some(order.id);
    }
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, id, action) = (actor.clone(), id.to_string(), action.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before: LeadRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::InsuranceWrite, &before.store_id)?;
                let stores = std::slice::from_ref(&before.store_id);
                let mut row = before.clone();
                match (before.status.as_str(), action.as_str()) {
                    ("new" | "contacted", "contact") => {
                        row.status = "contacted".into();
                        row.contacted_at = Some(now);
                        if let Some(insurer) = input.insurer_id.clone().filter(|i| !i.is_empty()) {
                            if store::get::<claimdesk_store::insurance::InsurerRow>(tx, stores, &insurer)
                                .await?
                                .is_none()
                            {
                                return Err(Violation::new("insurer_id", "not_found").into());
                            }
                            row.insurer_id = Some(insurer);
                            row.insurer_contacted_at = Some(now);
                        }
                        if !input.surveyor.trim().is_empty() {
                            row.surveyor = input.surveyor.trim().into();
                        }
                    }
                    ("new" | "contacted", "arrive") => {
                        let order_id = input.repair_order_id.clone().unwrap_or_default();
                        let order = ro_store::find(tx, stores, &order_id)
                            .await?
                            .ok_or_else(|| Violation::new("repair_order_id", "not_found"))?;
                        row.status = "arrived".into();
                        row.arrived_at = Some(now);
                        row.vehicle_id = Some(order.vehicle_id);
                        row.repair_order_id = Some(order.id);
                    }
                    ("new" | "contacted", "lose") => {
                        if input.reason.trim().is_empty() {
                            return Err(Violation::new("reason", "required").into());
                        }
                        row.status = "lost".into();
                        row.lost_reason = input.reason.trim().into();
                    }
                    (_, "contact" | "arrive" | "lose") => return Err(AppError::Conflict("illegal_transition")),
                    _ => return Err(AppError::NotFound),
                }
                row.updated_at = now;
                if !store::update(tx, &row, &before.store_id, &id, before.version).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "accident_lead",
                        entity_id: &row.id,
                        action: &action,
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(row)
            })
        }))
        .await
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<LeadRow> {
    let scope = actor.store_ids(Permission::InsuranceRead);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move { store::get::<LeadRow>(tx, &scope, &id).await?.ok_or(AppError::NotFound) })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadListQuery {
    pub status: Option<String>,
    /// Leads received in this range (both days included).
    pub from: Option<String>,
    pub to: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// A page of leads and the conversion rate of all the leads that match (arrived ÷ received).
#[derive(Debug, Clone, Serialize)]
pub struct LeadPage {
    #[serde(flatten)]
    pub page: Page<LeadRow>,
    pub received: i64,
    pub arrived: i64,
    pub conversion_percent: String,
}

fn filter_of(actor: &Actor, query: &LeadListQuery) -> ListFilter {
    let mut equals = Vec::new();
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        equals.push(("status", status.to_string()));
    }
    let from = query.from.clone().filter(|v| !v.is_empty());
    let to = query.to.clone().filter(|v| !v.is_empty());
    let between = (from.is_some() || to.is_some()).then(|| {
        ("received_on", from.unwrap_or_else(|| "0000-01-01".into()), to.unwrap_or_else(|| "9999-12-31".into()))
    });
    ListFilter {
        stores: actor.store_ids_filtered(Permission::InsuranceRead, query.store_id.as_deref()),
        equals,
        between,
        order: "created_at DESC, id",
        ..ListFilter::default()
    }
}

pub async fn list(app: &App, actor: &Actor, query: LeadListQuery) -> AppResult<LeadPage> {
    actor.require_anywhere(Permission::InsuranceRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let filter = ListFilter { offset: request.offset(), limit: request.per_page, ..filter_of(actor, &query) };
    let mut all = filter_of(actor, &LeadListQuery { status: None, ..query.clone() });
    all.limit = 100_000;
    let cap = app.settings.count_cap;
    let (rows, total, statuses) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::list::<LeadRow>(tx, &filter, cap).await?;
                let (every, _) = store::list::<LeadRow>(tx, &all, 100_000).await?;
                Ok::<_, AppError>((rows, total, every.into_iter().map(|l| l.status).collect::<Vec<_>>()))
            })
        }))
        .await?;
    let received = statuses.len() as i64;
    let arrived = statuses.iter().filter(|s| *s == "arrived").count() as i64;
    let rate = Decimal::from(arrived * 100) / Decimal::from(received.max(1));
    Ok(LeadPage {
        page: Page::new(rows, total, request, cap),
        received,
        arrived,
        conversion_percent: rate.round_dp(1).to_string(),
    })
}
