//! F1 customer archive (客户档案基本资料表) and F2 the planned next contact.

use claimdesk_domain::access::Permission;
use claimdesk_domain::followup;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::customers::{self, CustomerRow};
use claimdesk_store::follow_up::{self as store, CallRow, VisitRow};
use claimdesk_store::repair_orders::{self, RepairOrderRow};
use claimdesk_store::vehicles::{self, VehicleRow};
use claimdesk_store::{Tx, due_items, job};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{agent_for, customer_due};
use crate::actor::Actor;
use crate::customers::CustomerView;
use crate::error::{AppError, AppResult};
use crate::repair_orders::RepairOrderView;
use crate::worklist::{DueItemView, create_due};
use crate::{App, audit, clock};

/// The archive page: the form's fields, the visits, the calls, the open due items and the computed next
/// maintenance.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveView {
    pub customer: CustomerView,
    pub repair_orders: Vec<RepairOrderView>,
    pub calls: Vec<CallRow>,
    /// Consultation visits (咨询来访), oldest first: with the repair orders, the service history.
    pub visits: Vec<VisitRow>,
    pub due: Vec<DueItemView>,
    /// The last visit's mileage and date, and the customer's pace in km per 30 days (from the readings).
    pub last_mileage: Option<i64>,
    pub km_per_30_days: Option<u32>,
    /// What `next_maintenance` gives with the archive's intervals (before it is saved).
    pub computed_next_maintenance: Option<String>,
    pub computed_due_mileage: Option<i64>,
    pub archived: bool,
}

/// What the desk fills in to complete the archive.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArchiveInput {
    #[serde(default)]
    pub maintenance_interval_km: Option<i64>,
    #[serde(default)]
    pub maintenance_interval_months: Option<i64>,
    #[serde(default)]
    pub wanted_services: String,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// The planned next contact (F2): maintenance_reminder, event, offer or free_inspection.
    #[serde(default)]
    pub next_contact: Option<String>,
    #[serde(default)]
    pub next_contact_on: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

pub const NEXT_CONTACTS: &[&str] = &["maintenance_reminder", "event", "offer", "free_inspection"];

/// Pace from the first and last odometer readings of the customer's vehicles (km per 30 days).
fn pace(readings: &[(String, i64)]) -> Option<u32> {
    let first = readings.first()?;
    let last = readings.last()?;
    let (from, to) = (first.0.parse::<Date>().ok()?, last.0.parse::<Date>().ok()?);
    let days = (to - from).get_days();
    if days < 7 || last.1 <= first.1 {
        return None;
    }
    u32::try_from((last.1 - first.1) * 30 / i64::from(days)).ok()
}

struct Loaded {
    customer: CustomerRow,
    vehicles: Vec<VehicleRow>,
    orders: Vec<RepairOrderRow>,
    readings: Vec<(String, i64)>,
}

async fn load(tx: &mut Tx, scope: &[String], id: &str) -> AppResult<Loaded> {
    let customer = customers::get(tx, scope, id).await?.ok_or(AppError::NotFound)?;
    let vehicles =
        vehicles::of_owners(tx, std::slice::from_ref(&customer.store_id), std::slice::from_ref(&customer.id)).await?;
    let mut orders = Vec::new();
    let mut readings = Vec::new();
    for vehicle in &vehicles {
        orders.extend(repair_orders::of_vehicle(tx, &customer.store_id, &vehicle.id).await?);
        readings.extend(
            vehicles::readings(tx, &customer.store_id, &vehicle.id).await?.into_iter().map(|r| (r.read_on, r.km)),
        );
    }
    orders.sort_by_key(|order| order.checked_in_at);
    readings.sort();
    Ok(Loaded { customer, vehicles, orders, readings })
}

fn compute(loaded: &Loaded, km: Option<i64>, months: Option<i64>) -> (Option<Date>, Option<i64>, Option<u32>) {
    let pace = pace(&loaded.readings);
    let last = loaded.readings.last();
    let last_service = loaded.customer.last_visit_on.as_deref().and_then(|d| d.parse::<Date>().ok());
    let (Some(last_service), Some(last)) = (last_service, last) else { return (None, None, pace) };
    let km = u32::try_from(km.unwrap_or(0)).unwrap_or(0);
    let months = u32::try_from(months.unwrap_or(0)).unwrap_or(0);
    if km == 0 && months == 0 {
        return (None, None, pace);
    }
    let (date, mileage) =
        followup::next_maintenance(last_service, u32::try_from(last.1).unwrap_or(0), km, months, pace);
    (Some(date), Some(i64::from(mileage)), pace)
}

/// The archive of a customer (404 for another store's).
pub async fn archive(app: &App, actor: &Actor, customer_id: &str) -> AppResult<ArchiveView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let id = customer_id.to_string();
    let now = app.clock.now();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let loaded = load(tx, &scope, &id).await?;
                let store_id = loaded.customer.store_id.clone();
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let calls = store::calls_of_customer(tx, &store_id, &id).await?;
                let mut due = due_items::for_subject(tx, &store_id, "customer", &id).await?;
                // Event notices and letters hang on the customer's event targets (one per event).
                due.extend(store::target_items_of_customer(tx, &store_id, &id).await?);
                let visits = store::visits_of_customer(tx, &store_id, &id).await?;
                let archived = !due.iter().any(|d| d.kind == "customer_archive" && d.status == "open");
                let (next, mileage, pace) = compute(
                    &loaded,
                    loaded.customer.maintenance_interval_km,
                    loaded.customer.maintenance_interval_months,
                );
                Ok(ArchiveView {
                    last_mileage: loaded.readings.last().map(|r| r.1),
                    km_per_30_days: pace,
                    computed_next_maintenance: next.map(|d| d.to_string()),
                    computed_due_mileage: mileage,
                    customer: CustomerView::new(loaded.customer, loaded.vehicles),
                    repair_orders: loaded
                        .orders
                        .into_iter()
                        .rev()
                        .map(|o| RepairOrderView::new(o, Vec::new(), actor.time_zone(&store_id)))
                        .collect(),
                    calls,
                    visits,
                    due: due.into_iter().filter(|d| d.status == "open").map(|d| DueItemView::new(d, today)).collect(),
                    archived,
                })
            })
        }))
        .await
}

fn parse_date(field: &str, text: Option<&str>, violations: &mut Violations) -> Option<Date> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    match text.parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            violations.push(Violation::new(field, "date_format").with("found", text));
            None
        }
    }
}

/// Completes the archive (F1): saves the service part of the form, computes the next maintenance from the
/// intervals and the mileage pace, closes the archive due item and plans the next contact (F2).
pub async fn complete_archive(
    app: &App,
    actor: &Actor,
    customer_id: &str,
    input: ArchiveInput,
) -> AppResult<ArchiveView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let id = customer_id.to_string();
    let now = app.clock.now();
    let writer = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let actor = writer;
                let loaded = load(tx, &scope, &id).await?;
                let store_id = loaded.customer.store_id.clone();
                actor.require(Permission::FollowUpWrite, &store_id)?;
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let mut violations = Violations::new();
                for (field, value) in [
                    ("maintenance_interval_km", input.maintenance_interval_km),
                    ("maintenance_interval_months", input.maintenance_interval_months),
                ] {
                    if value.is_some_and(|v| !(0..=1_000_000).contains(&v)) {
                        violations.push(
                            Violation::new(field, "out_of_range")
                                .with("max", 1_000_000)
                                .with("found", value.unwrap_or(0)),
                        );
                    }
                }
                if input.maintenance_interval_km.unwrap_or(0) == 0
                    && input.maintenance_interval_months.unwrap_or(0) == 0
                {
                    violations.push(Violation::new("maintenance_interval_months", "maintenance_interval_missing"));
                }
                let reason = input
                    .next_contact
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .unwrap_or("maintenance_reminder");
                if !NEXT_CONTACTS.contains(&reason) {
                    violations.push(Violation::new("next_contact", "unknown_value").with("detail", reason));
                }
                let planned = parse_date("next_contact_on", input.next_contact_on.as_deref(), &mut violations);
                if planned.is_some_and(|d| d < today) {
                    violations.push(
                        Violation::new("next_contact_on", "date_order")
                            .with("earliest", today)
                            .with("after_field", "today")
                            .with("found", planned.unwrap_or(today)),
                    );
                }
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let before = loaded.customer.clone();
                let mut row = loaded.customer.clone();
                row.maintenance_interval_km = input.maintenance_interval_km.filter(|v| *v > 0);
                row.maintenance_interval_months = input.maintenance_interval_months.filter(|v| *v > 0);
                row.wanted_services = input.wanted_services.trim().to_string();
                if let Some(area) = &input.area {
                    row.area = area.trim().to_string();
                }
                if let Some(address) = &input.address {
                    row.address = address.trim().to_string();
                }
                if let Some(notes) = &input.notes {
                    row.notes = notes.trim().to_string();
                }
                let (next, _, _) = compute(&loaded, row.maintenance_interval_km, row.maintenance_interval_months);
                row.next_maintenance_on = next.map(|d| d.to_string()).or(row.next_maintenance_on);
                row.updated_at = now.as_millisecond();
                row.version = input.version.unwrap_or(before.version);
                if !customers::update(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let now_ms = now.as_millisecond();
                due_items::close_for_subject(tx, &store_id, "customer", &id, "customer_archive", "done", now_ms)
                    .await?;
                // F2: the next contact, a week before the maintenance falls due unless the desk chose a day.
                let on = planned
                    .or_else(|| next.and_then(|d| d.checked_sub(7.days()).ok()).map(|d| d.max(today)))
                    .unwrap_or_else(|| today.checked_add(30.days()).unwrap_or(today));
                plan(tx, &row, reason, on, next, now_ms).await?;
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "customer",
                        entity_id: &id,
                        action: "archive",
                        before: Some(&CustomerView::new(before, Vec::new())),
                        after: Some(&CustomerView::new(row, Vec::new())),
                    },
                )
                .await?;
                Ok::<_, AppError>(())
            })
        }))
        .await?;
    archive(app, actor, customer_id).await
}

/// Replaces the customer's planned next contact with one of `reason` on `on`.
async fn plan(
    tx: &mut Tx,
    customer: &CustomerRow,
    reason: &str,
    on: Date,
    maintenance: Option<Date>,
    now: i64,
) -> AppResult<()> {
    due_items::close_for_subject(tx, &customer.store_id, "customer", &customer.id, "next_service", "cancelled", now)
        .await?;
    let agent = agent_for(tx, &customer.store_id, Some(customer)).await?;
    let params = serde_json::json!({"reason": reason, "next_maintenance_on": maintenance});
    let mut spec = customer_due(&customer.store_id, agent, "next_service", "F2", customer, params, None, on);
    spec.escalate_after_days = None;
    spec.escalate_to_role = None;
    create_due(tx, spec, now).await?;
    Ok(())
}

/// Plans (or re-plans) a customer's next contact by hand: an offer, an event, a free inspection.
pub async fn plan_next_contact(app: &App, actor: &Actor, customer_id: &str, reason: &str, on: &str) -> AppResult<()> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, reason, on) = (customer_id.to_string(), reason.trim().to_string(), on.to_string());
    let now = app.clock.now();
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let customer = customers::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::FollowUpWrite, &customer.store_id)?;
                let mut violations = Violations::new();
                if !NEXT_CONTACTS.contains(&reason.as_str()) {
                    violations.push(Violation::new("next_contact", "unknown_value").with("detail", &reason));
                }
                let date = parse_date("next_contact_on", Some(&on), &mut violations);
                if date.is_none() && violations.is_empty() {
                    violations.push(Violation::new("next_contact_on", "required"));
                }
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let now_ms = now.as_millisecond();
                let date = date.expect("validated");
                let maintenance = customer.next_maintenance_on.as_deref().and_then(|d| d.parse().ok());
                plan(tx, &customer, &reason, date, maintenance, now_ms).await?;
                let note = serde_json::json!({"next_contact": reason, "next_contact_on": date});
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&customer.store_id),
                        entity: "customer",
                        entity_id: &id,
                        action: "plan_next_contact",
                        before: None::<&()>,
                        after: Some(&note),
                    },
                )
                .await?;
                Ok(())
            })
        }))
        .await
}
