//! Entering a new customer, optionally with their vehicle, in one transaction.

use claimdesk_domain::Violations;
use claimdesk_domain::access::Permission;
use claimdesk_domain::customer::{CustomerInput, validate};
use claimdesk_domain::vehicle::{self as vehicle_rules, VehicleInput};
use claimdesk_store::customers::{self, CustomerRow};
use claimdesk_store::{job, new_id};
use serde::Deserialize;

use super::{CustomerView, apply};
use crate::actor::Actor;
use crate::error::AppResult;
use crate::vehicles::{insert_vehicle, new_vehicle_row};
use crate::{App, audit, clock};

/// The body of `POST /api/v1/customers`: the customer's fields, and optionally `vehicle` and `store_id`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomerWithVehicle {
    #[serde(flatten)]
    pub customer: CustomerInput,
    #[serde(default)]
    pub vehicle: Option<VehicleInput>,
    #[serde(default)]
    pub store_id: Option<String>,
}

pub async fn create(app: &App, actor: &Actor, input: CustomerWithVehicle) -> AppResult<CustomerView> {
    let store_id = actor.target_store(Permission::CustomersWrite, input.store_id.as_deref())?;
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    // Both parts are checked before anything is written, and every problem is reported at once.
    let mut violations = Violations::new();
    let customer = validate(&input.customer, today).map_err(|v| violations.0.extend(v.0)).ok();
    let vehicle = match &input.vehicle {
        Some(vehicle) => match vehicle_rules::validate(vehicle, today) {
            Ok(valid) => Some(valid),
            Err(v) => {
                violations.extend_nested("vehicle", v);
                None
            }
        },
        None => None,
    };
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let now_ms = now.as_millisecond();
    let mut row = CustomerRow {
        id: new_id(),
        store_id: store_id.clone(),
        created_at: now_ms,
        updated_at: now_ms,
        version: 1,
        ..CustomerRow::default()
    };
    apply(&mut row, customer.expect("validated"));
    let vehicle_row = vehicle.map(|valid| new_vehicle_row(&store_id, Some(row.id.clone()), valid, now_ms, today));
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                customers::insert(tx, &row).await?;
                let mut vehicles = Vec::new();
                if let Some(vehicle) = vehicle_row {
                    // The vehicle's fields sit under `vehicle.` in this form, so its errors do too.
                    insert_vehicle(tx, &actor, &vehicle, today, now_ms)
                        .await
                        .map_err(|error| error.nested("vehicle"))?;
                    vehicles.push(vehicle);
                }
                let view = CustomerView::new(row, vehicles);
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "customer",
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
