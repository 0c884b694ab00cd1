//! Repair orders (维修工单) and their items.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct RepairOrderRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub vehicle_id: String,
    pub customer_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub checked_in_at: i64,
    pub handed_over_at: Option<i64>,
    pub mileage_in: i64,
    pub complaint: String,
    pub findings: String,
    pub advisor_id: Option<String>,
    pub odometer_replaced: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

pub const COLUMNS: &str = "id, store_id, number, vehicle_id, customer_id, kind, status, checked_in_at, handed_over_at, \
    mileage_in, complaint, findings, advisor_id, odometer_replaced, created_at, updated_at, version";

impl RepairOrderRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("customer_id", self.customer_id.clone().into()),
            ("kind", self.kind.clone().into()),
            ("status", self.status.clone().into()),
            ("checked_in_at", self.checked_in_at.into()),
            ("handed_over_at", self.handed_over_at.into()),
            ("mileage_in", self.mileage_in.into()),
            ("complaint", self.complaint.clone().into()),
            ("findings", self.findings.clone().into()),
            ("advisor_id", self.advisor_id.clone().into()),
            ("odometer_replaced", self.odometer_replaced.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert(tx: &mut Tx, row: &RepairOrderRow) -> StoreResult<()> {
    let mut values = vec![
        ("id", Arg::from(&row.id)),
        ("store_id", Arg::from(&row.store_id)),
        ("number", Arg::from(&row.number)),
        ("vehicle_id", Arg::from(&row.vehicle_id)),
    ];
    values.extend(row.editable());
    values.push(("created_at", row.created_at.into()));
    values.push(("version", row.version.into()));
    query::insert(tx, "repair_orders", values).await
}

pub async fn update(tx: &mut Tx, row: &RepairOrderRow) -> StoreResult<bool> {
    query::update_versioned(tx, "repair_orders", &row.store_id, &row.id, row.version, row.editable()).await
}

/// A repair order by its id or its number (RO202405130001).
pub async fn find(tx: &mut Tx, stores: &[String], key: &str) -> StoreResult<Option<RepairOrderRow>> {
    let key = key.trim();
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM repair_orders WHERE store_id IN "));
    query.bind_list(stores).push(" AND (id = ").bind(key).push(" OR number = ").bind(key.to_uppercase());
    query.push(") ORDER BY id LIMIT 1");
    query::fetch_optional(tx, &query).await
}

pub async fn get(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<RepairOrderRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM repair_orders WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

pub async fn of_vehicle(tx: &mut Tx, store_id: &str, vehicle_id: &str) -> StoreResult<Vec<RepairOrderRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM repair_orders WHERE store_id = "));
    query.bind(store_id).push(" AND vehicle_id = ").bind(vehicle_id).push(" ORDER BY checked_in_at DESC");
    query::fetch_all(tx, &query).await
}

/// The highest mileage recorded for the vehicle at a visit (odometer replacements reset it).
pub async fn highest_mileage(tx: &mut Tx, store_id: &str, vehicle_id: &str) -> StoreResult<Option<i64>> {
    let mut query = Query::new("SELECT MAX(km) FROM odometer_readings WHERE store_id = ");
    query.bind(store_id).push(" AND vehicle_id = ").bind(vehicle_id);
    query.push(" AND created_at >= COALESCE((SELECT MAX(created_at) FROM odometer_readings WHERE store_id = ");
    query.bind(store_id).push(" AND vehicle_id = ").bind(vehicle_id).push(" AND replaced = TRUE), 0)");
    let value: Option<(Option<i64>,)> = query::fetch_optional(tx, &query).await?;
    Ok(value.and_then(|(km,)| km))
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub stores: Vec<String>,
    pub number_prefix: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub vehicle_id: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

pub async fn list(tx: &mut Tx, filter: &ListFilter, count_cap: i64) -> StoreResult<(Vec<RepairOrderRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(&filter.stores);
        if let Some(prefix) = &filter.number_prefix {
            query.push(" AND ").prefix("number", prefix);
        }
        if let Some(status) = &filter.status {
            query.push(" AND status = ").bind(status);
        }
        if let Some(kind) = &filter.kind {
            query.push(" AND kind = ").bind(kind);
        }
        if let Some(vehicle) = &filter.vehicle_id {
            query.push(" AND vehicle_id = ").bind(vehicle);
        }
        query
    };
    let mut page = build(&format!("SELECT {COLUMNS} FROM repair_orders"));
    page.push(" ORDER BY checked_in_at DESC, id DESC LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = build("SELECT COUNT(*) FROM (SELECT 1 FROM repair_orders");
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct ItemRow {
    pub id: String,
    pub store_id: String,
    pub repair_order_id: String,
    pub line_no: i64,
    pub kind: String,
    pub code: String,
    pub description: String,
    pub hours_centi: i64,
    pub part_no: String,
    pub quantity_milli: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
    pub payer: String,
}

pub async fn insert_item(tx: &mut Tx, row: &ItemRow) -> StoreResult<()> {
    query::insert(
        tx,
        "repair_order_items",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("repair_order_id", Arg::from(&row.repair_order_id)),
            ("line_no", row.line_no.into()),
            ("kind", Arg::from(&row.kind)),
            ("code", Arg::from(&row.code)),
            ("description", Arg::from(&row.description)),
            ("hours_centi", row.hours_centi.into()),
            ("part_no", Arg::from(&row.part_no)),
            ("quantity_milli", row.quantity_milli.into()),
            ("unit_price_fen", row.unit_price_fen.into()),
            ("amount_fen", row.amount_fen.into()),
            ("payer", Arg::from(&row.payer)),
        ],
    )
    .await
}

pub async fn delete_items(tx: &mut Tx, store_id: &str, repair_order_id: &str) -> StoreResult<()> {
    let mut query = Query::new("DELETE FROM repair_order_items WHERE store_id = ");
    query.bind(store_id).push(" AND repair_order_id = ").bind(repair_order_id);
    query::execute(tx, &query).await?;
    Ok(())
}

pub async fn items(tx: &mut Tx, store_id: &str, repair_order_id: &str) -> StoreResult<Vec<ItemRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, repair_order_id, line_no, kind, code, description, hours_centi, part_no, quantity_milli, \
         unit_price_fen, amount_fen, payer FROM repair_order_items WHERE store_id = ",
    );
    query.bind(store_id).push(" AND repair_order_id = ").bind(repair_order_id).push(" ORDER BY line_no");
    query::fetch_all(tx, &query).await
}
