//! Vehicles, their owners over time and their odometer readings.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct VehicleRow {
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
    pub sale_price_fen: Option<i64>,
    pub owner_id: Option<String>,
    pub odometer_km: i64,
    pub odometer_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

pub const COLUMNS: &str = "id, store_id, vin, plate, plate_kind, brand, model, vehicle_type, color, engine_no, \
    powertrain, use_nature, invoice_on, delivered_on, sale_price_fen, owner_id, odometer_km, odometer_on, created_at, \
    updated_at, version";

impl VehicleRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("vin", self.vin.clone().into()),
            ("plate", self.plate.clone().into()),
            ("plate_kind", self.plate_kind.clone().into()),
            ("brand", self.brand.clone().into()),
            ("model", self.model.clone().into()),
            ("vehicle_type", self.vehicle_type.clone().into()),
            ("color", self.color.clone().into()),
            ("engine_no", self.engine_no.clone().into()),
            ("powertrain", self.powertrain.clone().into()),
            ("use_nature", self.use_nature.clone().into()),
            ("invoice_on", self.invoice_on.clone().into()),
            ("delivered_on", self.delivered_on.clone().into()),
            ("sale_price_fen", self.sale_price_fen.into()),
            ("owner_id", self.owner_id.clone().into()),
            ("odometer_km", self.odometer_km.into()),
            ("odometer_on", self.odometer_on.clone().into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

impl VehicleRow {
    fn values(&self) -> Vec<(&'static str, Arg)> {
        let mut values = vec![("id", Arg::from(&self.id)), ("store_id", Arg::from(&self.store_id))];
        values.extend(self.editable());
        values.push(("created_at", self.created_at.into()));
        values.push(("version", self.version.into()));
        values
    }
}

pub async fn insert(tx: &mut Tx, row: &VehicleRow) -> StoreResult<()> {
    query::insert(tx, "vehicles", row.values()).await
}

/// Many new vehicles in a few multi-row statements (an import).
pub async fn insert_many(tx: &mut Tx, rows: &[VehicleRow]) -> StoreResult<()> {
    insert_rows(tx, "vehicles", rows, VehicleRow::values).await
}

/// Which of `vins` the store has registered already: one statement per thousand VINs, on the
/// `(store_id, vin)` unique index.
pub async fn registered_vins(tx: &mut Tx, store_id: &str, vins: &[String]) -> StoreResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in vins.chunks(1_000) {
        let mut query = Query::new("SELECT vin FROM vehicles WHERE store_id = ");
        query.bind(store_id).push(" AND vin IN ").bind_list(chunk);
        let rows: Vec<(String,)> = query::fetch_all(tx, &query).await?;
        found.extend(rows.into_iter().map(|(vin,)| vin));
    }
    Ok(found)
}

async fn insert_rows<R>(
    tx: &mut Tx,
    table: &str,
    rows: &[R],
    values: fn(&R) -> Vec<(&'static str, Arg)>,
) -> StoreResult<()> {
    let Some(first) = rows.first() else { return Ok(()) };
    let columns: Vec<&str> = values(first).iter().map(|(column, _)| *column).collect();
    let args = rows.iter().map(|row| values(row).into_iter().map(|(_, value)| value).collect()).collect();
    query::insert_many(tx, table, &columns, args).await
}

pub async fn update(tx: &mut Tx, row: &VehicleRow) -> StoreResult<bool> {
    query::update_versioned(tx, "vehicles", &row.store_id, &row.id, row.version, row.editable()).await
}

pub async fn get(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<VehicleRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM vehicles WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// A vehicle by what a person types to name it: its id, plate or VIN (spaces and case ignored).
pub async fn find(tx: &mut Tx, stores: &[String], key: &str) -> StoreResult<Option<VehicleRow>> {
    let key = key.trim();
    let upper: String = key.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM vehicles WHERE store_id IN "));
    query.bind_list(stores).push(" AND (id = ").bind(key).push(" OR plate = ").bind(&upper);
    query.push(" OR vin = ").bind(&upper).push(") ORDER BY id LIMIT 1");
    query::fetch_optional(tx, &query).await
}

pub async fn by_vin(tx: &mut Tx, store_id: &str, vin: &str) -> StoreResult<Option<VehicleRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM vehicles WHERE store_id = "));
    query.bind(store_id).push(" AND vin = ").bind(vin);
    query::fetch_optional(tx, &query).await
}

/// The vehicles of several customers at once (for a list page).
pub async fn of_owners(tx: &mut Tx, stores: &[String], owner_ids: &[String]) -> StoreResult<Vec<VehicleRow>> {
    if owner_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM vehicles WHERE store_id IN "));
    query.bind_list(stores).push(" AND owner_id IN ").bind_list(owner_ids).push(" ORDER BY id");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub stores: Vec<String>,
    /// A VIN or plate prefix, already normalised.
    pub prefix: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

pub async fn list(tx: &mut Tx, filter: &ListFilter, count_cap: i64) -> StoreResult<(Vec<VehicleRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(&filter.stores);
        if let Some(prefix) = &filter.prefix {
            query.push(" AND ((").prefix("vin", prefix).push(") OR (").prefix("plate", prefix).push("))");
        }
        query
    };
    let mut page = build(&format!("SELECT {COLUMNS} FROM vehicles"));
    page.push(" ORDER BY id DESC LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = build("SELECT COUNT(*) FROM (SELECT 1 FROM vehicles");
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OwnerRow {
    pub id: String,
    pub store_id: String,
    pub vehicle_id: String,
    pub customer_id: String,
    pub from_on: String,
    pub to_on: Option<String>,
    #[serde(skip)]
    pub created_at: i64,
}

impl OwnerRow {
    fn values(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("id", Arg::from(&self.id)),
            ("store_id", Arg::from(&self.store_id)),
            ("vehicle_id", Arg::from(&self.vehicle_id)),
            ("customer_id", Arg::from(&self.customer_id)),
            ("from_on", Arg::from(&self.from_on)),
            ("to_on", self.to_on.clone().into()),
            ("created_at", self.created_at.into()),
        ]
    }
}

pub async fn insert_owner(tx: &mut Tx, row: &OwnerRow) -> StoreResult<()> {
    query::insert(tx, "vehicle_owners", row.values()).await
}

/// Many rows at once (an import).
pub async fn insert_owners(tx: &mut Tx, rows: &[OwnerRow]) -> StoreResult<()> {
    insert_rows(tx, "vehicle_owners", rows, OwnerRow::values).await
}

/// Closes the current ownership period (the car changed hands).
pub async fn end_ownership(tx: &mut Tx, store_id: &str, vehicle_id: &str, to_on: &str) -> StoreResult<()> {
    let mut query = Query::new("UPDATE vehicle_owners SET to_on = ");
    query.bind(to_on).push(" WHERE store_id = ").bind(store_id);
    query.push(" AND vehicle_id = ").bind(vehicle_id).push(" AND to_on IS NULL");
    query::execute(tx, &query).await?;
    Ok(())
}

pub async fn owners(tx: &mut Tx, store_id: &str, vehicle_id: &str) -> StoreResult<Vec<OwnerRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, vehicle_id, customer_id, from_on, to_on, created_at FROM vehicle_owners WHERE store_id = ",
    );
    query.bind(store_id).push(" AND vehicle_id = ").bind(vehicle_id).push(" ORDER BY from_on, created_at");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OdometerRow {
    pub id: String,
    pub store_id: String,
    pub vehicle_id: String,
    pub read_on: String,
    pub km: i64,
    pub source: String,
    pub source_id: Option<String>,
    pub replaced: bool,
    pub note: String,
    pub created_by: Option<String>,
    #[serde(skip)]
    pub created_at: i64,
}

impl OdometerRow {
    fn values(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("id", Arg::from(&self.id)),
            ("store_id", Arg::from(&self.store_id)),
            ("vehicle_id", Arg::from(&self.vehicle_id)),
            ("read_on", Arg::from(&self.read_on)),
            ("km", self.km.into()),
            ("source", Arg::from(&self.source)),
            ("source_id", self.source_id.clone().into()),
            ("replaced", self.replaced.into()),
            ("note", Arg::from(&self.note)),
            ("created_by", self.created_by.clone().into()),
            ("created_at", self.created_at.into()),
        ]
    }
}

pub async fn insert_reading(tx: &mut Tx, row: &OdometerRow) -> StoreResult<()> {
    query::insert(tx, "odometer_readings", row.values()).await
}

/// Many rows at once (an import).
pub async fn insert_readings(tx: &mut Tx, rows: &[OdometerRow]) -> StoreResult<()> {
    insert_rows(tx, "odometer_readings", rows, OdometerRow::values).await
}

pub async fn readings(tx: &mut Tx, store_id: &str, vehicle_id: &str) -> StoreResult<Vec<OdometerRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, vehicle_id, read_on, km, source, source_id, replaced, note, created_by, created_at \
         FROM odometer_readings WHERE store_id = ",
    );
    query.bind(store_id).push(" AND vehicle_id = ").bind(vehicle_id).push(" ORDER BY read_on, created_at");
    query::fetch_all(tx, &query).await
}
