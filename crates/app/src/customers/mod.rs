//! Customers (客户档案) with their vehicles.

mod create;
pub mod import;
mod read;
mod update;

pub use create::{CustomerWithVehicle, create};
pub use read::{CustomerDetail, CustomerListQuery, get, list};
pub use update::update;

use claimdesk_domain::customer::ValidCustomer;
use claimdesk_store::customers::CustomerRow;
use claimdesk_store::vehicles::VehicleRow;
use serde::Serialize;

use crate::vehicles::VehicleView;

/// A customer as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerView {
    pub id: String,
    pub store_id: String,
    pub name: String,
    pub kind: String,
    pub mobile: String,
    pub phone: String,
    pub resident_id: String,
    pub address: String,
    pub area: String,
    pub first_visit_on: Option<String>,
    pub last_visit_on: Option<String>,
    pub maintenance_interval_km: Option<i64>,
    pub maintenance_interval_months: Option<i64>,
    pub next_maintenance_on: Option<String>,
    pub wanted_services: String,
    pub notes: String,
    pub follow_up_user_id: Option<String>,
    pub vehicles: Vec<VehicleView>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CustomerView {
    pub fn new(row: CustomerRow, vehicles: Vec<VehicleRow>) -> CustomerView {
        CustomerView {
            id: row.id,
            store_id: row.store_id,
            name: row.name,
            kind: row.kind,
            mobile: row.mobile,
            phone: row.phone,
            resident_id: row.resident_id,
            address: row.address,
            area: row.area,
            first_visit_on: row.first_visit_on,
            last_visit_on: row.last_visit_on,
            maintenance_interval_km: row.maintenance_interval_km,
            maintenance_interval_months: row.maintenance_interval_months,
            next_maintenance_on: row.next_maintenance_on,
            wanted_services: row.wanted_services,
            notes: row.notes,
            follow_up_user_id: row.follow_up_user_id,
            vehicles: vehicles.into_iter().map(VehicleView::from).collect(),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// Copies validated fields onto a row (new or existing).
pub(crate) fn apply(row: &mut CustomerRow, valid: ValidCustomer) {
    row.name = valid.name;
    row.kind = valid.kind.as_str().to_string();
    row.mobile = valid.mobile.map(|m| m.as_str().to_string()).unwrap_or_default();
    row.phone = valid.phone;
    row.resident_id = valid.resident_id.map(|id| id.as_str().to_string()).unwrap_or_default();
    row.address = valid.address;
    row.area = valid.area;
    row.first_visit_on = valid.first_visit_on.map(|d| d.to_string());
    row.last_visit_on = valid.last_visit_on.map(|d| d.to_string());
    row.maintenance_interval_km = valid.maintenance_interval_km;
    row.maintenance_interval_months = valid.maintenance_interval_months;
    row.next_maintenance_on = valid.next_maintenance_on.map(|d| d.to_string());
    row.wanted_services = valid.wanted_services;
    row.notes = valid.notes;
    row.follow_up_user_id = valid.follow_up_user_id;
}
