//! Vehicles: entering and changing them, ownership changes and odometer history.

use claimdesk_domain::access::Permission;
use claimdesk_domain::vehicle::{self as rules, ValidVehicle, VehicleInput, powertrain_name};
use claimdesk_domain::{Money, Violation};
use claimdesk_store::vehicles::{self, OdometerRow, OwnerRow, VehicleRow};
use claimdesk_store::{Tx, customers, job, new_id, repair_orders};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::repair_orders::RepairOrderView;
use crate::{App, audit, clock};

/// A vehicle as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct VehicleView {
    pub id: String,
    pub store_id: String,
    pub vin: String,
    pub plate: String,
    pub plate_kind: String,
    pub brand: String,
    pub model: String,
    pub vehicle_type: String,
    pub color: String,
    pub engine_no: String,
    pub powertrain: String,
    pub use_nature: String,
    pub invoice_on: Option<String>,
    pub delivered_on: Option<String>,
    pub sale_price: Option<Money>,
    pub owner_id: Option<String>,
    pub odometer_km: i64,
    pub odometer_on: Option<String>,
    pub version: i64,
}

impl From<VehicleRow> for VehicleView {
    fn from(row: VehicleRow) -> Self {
        VehicleView {
            id: row.id,
            store_id: row.store_id,
            vin: row.vin,
            plate: row.plate,
            plate_kind: row.plate_kind,
            brand: row.brand,
            model: row.model,
            vehicle_type: row.vehicle_type,
            color: row.color,
            engine_no: row.engine_no,
            powertrain: row.powertrain,
            use_nature: row.use_nature,
            invoice_on: row.invoice_on,
            delivered_on: row.delivered_on,
            sale_price: row.sale_price_fen.map(Money::from_fen),
            owner_id: row.owner_id,
            odometer_km: row.odometer_km,
            odometer_on: row.odometer_on,
            version: row.version,
        }
    }
}

fn apply(row: &mut VehicleRow, valid: ValidVehicle) {
    row.vin = valid.vin.as_str().to_string();
    row.plate_kind = match &valid.plate {
        Some(plate) if plate.is_new_energy() => "new_energy".into(),
        Some(_) => "ordinary".into(),
        None => String::new(),
    };
    row.plate = valid.plate.map(|plate| plate.as_str().to_string()).unwrap_or_default();
    row.brand = valid.brand;
    row.model = valid.model;
    row.vehicle_type = valid.vehicle_type;
    row.color = valid.color;
    row.engine_no = valid.engine_no;
    row.powertrain = powertrain_name(valid.powertrain).to_string();
    row.use_nature = valid.use_nature.as_str().to_string();
    row.invoice_on = valid.invoice_on.map(|d| d.to_string());
    row.delivered_on = valid.delivered_on.map(|d| d.to_string());
    row.sale_price_fen = valid.sale_price.map(Money::fen);
}

pub(crate) fn new_vehicle_row(
    store_id: &str,
    owner_id: Option<String>,
    valid: ValidVehicle,
    now: i64,
    today: Date,
) -> VehicleRow {
    let odometer_km = valid.odometer_km;
    let mut row = VehicleRow {
        id: new_id(),
        store_id: store_id.to_string(),
        owner_id,
        odometer_km,
        odometer_on: Some(today.to_string()),
        created_at: now,
        updated_at: now,
        version: 1,
        ..VehicleRow::default()
    };
    apply(&mut row, valid);
    row
}

/// Writes a new vehicle with its first owner period and its first odometer reading.
pub(crate) async fn insert_vehicle(
    tx: &mut Tx,
    actor: &Actor,
    row: &VehicleRow,
    today: Date,
    now: i64,
) -> AppResult<()> {
    vehicles::insert(tx, row).await?;
    if let Some(owner) = &row.owner_id {
        vehicles::insert_owner(
            tx,
            &OwnerRow {
                id: new_id(),
                store_id: row.store_id.clone(),
                vehicle_id: row.id.clone(),
                customer_id: owner.clone(),
                from_on: row.delivered_on.clone().unwrap_or_else(|| today.to_string()),
                to_on: None,
                created_at: now,
            },
        )
        .await?;
    }
    vehicles::insert_reading(
        tx,
        &OdometerRow {
            id: new_id(),
            store_id: row.store_id.clone(),
            vehicle_id: row.id.clone(),
            read_on: today.to_string(),
            km: row.odometer_km,
            source: "entry".into(),
            source_id: None,
            replaced: false,
            note: String::new(),
            created_by: actor.actor_id().map(str::to_string),
            created_at: now,
        },
    )
    .await?;
    let view = VehicleView::from(row.clone());
    audit::record(
        tx,
        actor,
        now,
        audit::Entry {
            store_id: Some(&row.store_id),
            entity: "vehicle",
            entity_id: &row.id,
            action: "create",
            before: None::<&()>,
            after: Some(&view),
        },
    )
    .await
}

/// `POST /api/v1/vehicles`: a vehicle and, optionally, its owner.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewVehicle {
    #[serde(flatten)]
    pub vehicle: VehicleInput,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
}

pub async fn create(app: &App, actor: &Actor, input: NewVehicle) -> AppResult<VehicleView> {
    let store_id = actor.target_store(Permission::CustomersWrite, input.store_id.as_deref())?;
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    let valid = rules::validate(&input.vehicle, today)?;
    let owner_id = input.owner_id.filter(|id| !id.is_empty());
    let row = new_vehicle_row(&store_id, owner_id.clone(), valid, now.as_millisecond(), today);
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                if let Some(owner) = &owner_id
                    && customers::get(tx, std::slice::from_ref(&row.store_id), owner).await?.is_none()
                {
                    return Err(Violation::new("owner_id", "not_found").into());
                }
                insert_vehicle(tx, &actor, &row, today, now.as_millisecond()).await?;
                Ok(VehicleView::from(row))
            })
        }))
        .await
}

pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    version: Option<i64>,
    input: VehicleInput,
) -> AppResult<VehicleView> {
    let scope = actor.store_ids(Permission::CustomersRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = vehicles::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::CustomersWrite, &before.store_id)?;
                let today = clock::local_date(now, actor.time_zone(&before.store_id));
                // The odometer changes through visits, not through this form.
                let input = VehicleInput { odometer_km: Some(before.odometer_km), ..input };
                let valid = rules::validate(&input, today)?;
                let mut row = before.clone();
                apply(&mut row, valid);
                row.updated_at = now.as_millisecond();
                row.version = version.unwrap_or(before.version);
                if !vehicles::update(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let (before, after) = (VehicleView::from(before), VehicleView::from(row));
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&after.store_id),
                        entity: "vehicle",
                        entity_id: &after.id,
                        action: "update",
                        before: Some(&before),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(after)
            })
        }))
        .await
}

/// The car changed hands: the old ownership period ends, a new one starts. 三包 rights stay with the car.
pub async fn change_owner(
    app: &App,
    actor: &Actor,
    id: &str,
    customer_id: &str,
    on: Option<&str>,
) -> AppResult<VehicleView> {
    let scope = actor.store_ids(Permission::CustomersRead);
    let actor = actor.clone();
    let (id, customer_id) = (id.to_string(), customer_id.to_string());
    let on = on.map(str::to_string);
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = vehicles::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::CustomersWrite, &before.store_id)?;
                let today = clock::local_date(now, actor.time_zone(&before.store_id));
                let on = match on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => today,
                    Some(text) => {
                        text.parse::<Date>().map_err(|_| Violation::new("on", "date_format").with("found", text))?
                    }
                };
                if on > today {
                    return Err(Violation::new("on", "date_in_future").with("today", today).into());
                }
                // A period cannot end before it began: the history must read in order.
                let owners = vehicles::owners(tx, &before.store_id, &id).await?;
                if let Some(current) = owners.iter().find(|owner| owner.to_on.is_none())
                    && current.from_on.as_str() > on.to_string().as_str()
                {
                    return Err(Violation::new("on", "date_before").with("other", &current.from_on).into());
                }
                if customers::get(tx, std::slice::from_ref(&before.store_id), &customer_id).await?.is_none() {
                    return Err(Violation::new("customer_id", "not_found").into());
                }
                vehicles::end_ownership(tx, &before.store_id, &id, &on.to_string()).await?;
                vehicles::insert_owner(
                    tx,
                    &OwnerRow {
                        id: new_id(),
                        store_id: before.store_id.clone(),
                        vehicle_id: id.clone(),
                        customer_id: customer_id.clone(),
                        from_on: on.to_string(),
                        to_on: None,
                        created_at: now.as_millisecond(),
                    },
                )
                .await?;
                let mut row = before.clone();
                row.owner_id = Some(customer_id);
                row.updated_at = now.as_millisecond();
                if !vehicles::update(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let (before, after) = (VehicleView::from(before), VehicleView::from(row));
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&after.store_id),
                        entity: "vehicle",
                        entity_id: &after.id,
                        action: "change_owner",
                        before: Some(&before),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(after)
            })
        }))
        .await
}

#[derive(Debug, Clone, Serialize)]
pub struct VehicleDetail {
    pub vehicle: VehicleView,
    pub owners: Vec<OwnerRow>,
    pub readings: Vec<OdometerRow>,
    pub repair_orders: Vec<RepairOrderView>,
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<VehicleDetail> {
    let scope = actor.store_ids(Permission::CustomersRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = vehicles::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let owners = vehicles::owners(tx, &row.store_id, &row.id).await?;
                let readings = vehicles::readings(tx, &row.store_id, &row.id).await?;
                let zone = actor.time_zone(&row.store_id).to_string();
                let repair_orders = repair_orders::of_vehicle(tx, &row.store_id, &row.id)
                    .await?
                    .into_iter()
                    .map(|visit| RepairOrderView::new(visit, Vec::new(), &zone))
                    .collect();
                Ok(VehicleDetail { vehicle: VehicleView::from(row), owners, readings, repair_orders })
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VehicleListQuery {
    pub q: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(app: &App, actor: &Actor, query: VehicleListQuery) -> AppResult<Page<VehicleView>> {
    actor.require_anywhere(Permission::CustomersRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let prefix = query
        .q
        .as_deref()
        .map(|q| q.chars().filter(|c| !c.is_whitespace() && *c != '·' && *c != '-').collect::<String>().to_uppercase())
        .filter(|q| !q.is_empty());
    let filter = vehicles::ListFilter {
        stores: actor.store_ids_filtered(Permission::CustomersRead, query.store_id.as_deref()),
        prefix,
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(vehicles::list(tx, &filter, cap).await?) })))
        .await?;
    Ok(Page::new(rows.into_iter().map(VehicleView::from).collect(), total, request, cap))
}
