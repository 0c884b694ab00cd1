//! The 三包 duties around a vehicle (migration 0013): the 三包 record of a repair order, the brand's
//! 三包凭证 terms beyond the periods, and the replacement and return cases. Rows are declared with the
//! insurance module's `table!` and read and written through its generic helpers.

use crate::query::{self, Arg, Query};
use crate::table::{Table, table};
use crate::{StoreResult, Tx};

pub use crate::insurance::{ListFilter, get, insert, list, update};

table!(
    /// The 三包 facts of one repair order (a quality repair), with the Art 21 spare car record.
    RepairRecordRow, "sanbao_repairs", {
    id: String, store_id: String, repair_order_id: String, vehicle_id: String, system: String, part: String,
    problem: String, quality_problem: bool, serious_safety: bool, action: String,
    special_part_transport_hours: i64, battery_transport_hours: i64, rescue_travel_hours: i64, agreed_at: i64,
    completed_at: Option<i64>, spare_days_owed: i64, spare_prompted_at: Option<i64>, spare_provision: String,
    spare_days: i64, spare_amount_fen: i64, spare_note: String, spare_recorded_at: Option<i64>, created_at: i64,
    updated_at: i64, version: i64,
});

table!(
    /// 三包换退车: a consumer's written request for a replacement car or a return.
    CaseRow, "sanbao_cases", {
    id: String, store_id: String, number: String, vehicle_id: String, vin: String, customer_id: Option<String>, kind: String,
    status: String, received_on: String, odometer_km: i64, request_text: String, fault_json: String,
    reply_due_on: String, completion_due_on: String, entitled: bool, ground_article: String,
    assessment_json: String, replied_on: Option<String>, refusal_reasons: String, price_fen: Option<i64>,
    n_percent: String, use_compensation_fen: i64, losses_json: String, losses_fen: i64, refund_fen: i64,
    completed_on: Option<String>, certificate_no: String, new_vehicle_id: Option<String>,
    handover_km: Option<i64>, manufacturer_notified_at: Option<i64>, created_by: Option<String>, created_at: i64,
    updated_at: i64, version: i64,
});

/// The brand's 三包凭证 terms beyond the periods (group-wide, keyed by brand).
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct BrandTermsRow {
    pub brand: String,
    pub wear_parts_json: String,
    pub battery_fade_sanbao_percent: String,
    pub battery_fade_warranty_percent: String,
    pub core_months: Option<i64>,
    pub core_km: Option<i64>,
    pub use_compensation_percent: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const TERMS_COLUMNS: &str = "brand, wear_parts_json, battery_fade_sanbao_percent, battery_fade_warranty_percent, \
    core_months, core_km, use_compensation_percent, created_at, updated_at, version";

pub async fn brand_terms(tx: &mut Tx, brand: &str) -> StoreResult<Option<BrandTermsRow>> {
    let mut query = Query::new(&format!("SELECT {TERMS_COLUMNS} FROM sanbao_brand_terms WHERE brand = "));
    query.bind(brand);
    query::fetch_optional(tx, &query).await
}

/// Writes a brand's terms: insert the first time, then update (the caller checked the version).
pub async fn save_brand_terms(tx: &mut Tx, row: &BrandTermsRow, exists: bool) -> StoreResult<()> {
    let values: Vec<(&str, Arg)> = vec![
        ("wear_parts_json", Arg::from(&row.wear_parts_json)),
        ("battery_fade_sanbao_percent", Arg::from(&row.battery_fade_sanbao_percent)),
        ("battery_fade_warranty_percent", Arg::from(&row.battery_fade_warranty_percent)),
        ("core_months", row.core_months.into()),
        ("core_km", row.core_km.into()),
        ("use_compensation_percent", Arg::from(&row.use_compensation_percent)),
        ("updated_at", row.updated_at.into()),
    ];
    if exists {
        let mut query = Query::new("UPDATE sanbao_brand_terms SET ");
        for (column, value) in values {
            query.push(column).push(" = ").bind(value).push(", ");
        }
        query.push("version = version + 1 WHERE brand = ").bind(&row.brand);
        query::execute(tx, &query).await?;
        Ok(())
    } else {
        let mut all = vec![("brand", Arg::from(&row.brand))];
        all.extend(values);
        all.push(("created_at", row.created_at.into()));
        all.push(("version", 1i64.into()));
        query::insert(tx, "sanbao_brand_terms", all).await
    }
}

/// The 三包 record of a repair order, if it has one.
pub async fn record_of_order(tx: &mut Tx, store_id: &str, order_id: &str) -> StoreResult<Option<RepairRecordRow>> {
    let mut query = Query::new(&format!("SELECT {} FROM sanbao_repairs WHERE store_id = ", RepairRecordRow::columns()));
    query.bind(store_id).push(" AND repair_order_id = ").bind(order_id);
    query::fetch_optional(tx, &query).await
}

/// A vehicle's 三包 repair records, oldest first.
pub async fn records_of_vehicle(tx: &mut Tx, store_id: &str, vehicle_id: &str) -> StoreResult<Vec<RepairRecordRow>> {
    crate::insurance::children(tx, store_id, "vehicle_id", vehicle_id, "agreed_at, id").await
}

/// A store's open repair records whose Art 21 prompt is not out yet and whose repair was agreed before
/// `agreed_before` (more than 5 days ago).
pub async fn open_unprompted(tx: &mut Tx, store_id: &str, agreed_before: i64) -> StoreResult<Vec<RepairRecordRow>> {
    let mut query = Query::new(&format!("SELECT {} FROM sanbao_repairs WHERE store_id = ", RepairRecordRow::columns()));
    query.bind(store_id).push(" AND completed_at IS NULL AND spare_prompted_at IS NULL AND quality_problem = ");
    query.bind(true).push(" AND agreed_at < ").bind(agreed_before).push(" ORDER BY agreed_at LIMIT 1000");
    query::fetch_all(tx, &query).await
}

/// The cases that name a vehicle as the car given back or as the replacement car.
pub async fn cases_of_vehicle(tx: &mut Tx, store_id: &str, vehicle_id: &str) -> StoreResult<Vec<CaseRow>> {
    let mut query = Query::new(&format!("SELECT {} FROM sanbao_cases WHERE store_id = ", CaseRow::columns()));
    query.bind(store_id).push(" AND (vehicle_id = ").bind(vehicle_id);
    query.push(" OR new_vehicle_id = ").bind(vehicle_id).push(") ORDER BY received_on, id");
    query::fetch_all(tx, &query).await
}

/// Of `vehicle_ids`, those a case names (for the mark in lists).
pub async fn marked_vehicles(tx: &mut Tx, stores: &[String], vehicle_ids: &[String]) -> StoreResult<Vec<CaseRow>> {
    if vehicle_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Query::new(&format!("SELECT {} FROM sanbao_cases WHERE store_id IN ", CaseRow::columns()));
    query.bind_list(stores).push(" AND (vehicle_id IN ").bind_list(vehicle_ids);
    query.push(" OR new_vehicle_id IN ").bind_list(vehicle_ids).push(")");
    query::fetch_all(tx, &query).await
}

/// Rewrites a repair record without a version check (the scheduler's prompt flag, the completion time).
pub async fn replace_record(tx: &mut Tx, row: &RepairRecordRow) -> StoreResult<()> {
    crate::insurance::replace(tx, row, &row.store_id, &row.id).await
}
