//! Stores (门店) of the group.

use crate::query::{self, Query};
use crate::{StoreResult, Tx, args};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct StoreRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub brands: String,
    pub time_zone: String,
    pub address: String,
    pub phone: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const COLUMNS: &str = "id, code, name, brands, time_zone, address, phone, active, created_at, updated_at, version";

pub async fn insert(tx: &mut Tx, row: &StoreRow) -> StoreResult<()> {
    let sql = format!("INSERT INTO stores ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    let values = args![
        &row.id,
        &row.code,
        &row.name,
        &row.brands,
        &row.time_zone,
        &row.address,
        &row.phone,
        row.active,
        row.created_at,
        row.updated_at,
        row.version
    ];
    query::execute(tx, &Query::with(&sql, values)).await?;
    Ok(())
}

/// False when the store changed meanwhile (a stale version) or is gone.
pub async fn update(tx: &mut Tx, row: &StoreRow) -> StoreResult<bool> {
    let sql = "UPDATE stores SET code = $2, name = $3, brands = $4, time_zone = $5, address = $6, phone = $7, \
               active = $8, updated_at = $9, version = version + 1 WHERE id = $1 AND version = $10";
    let values = args![
        &row.id,
        &row.code,
        &row.name,
        &row.brands,
        &row.time_zone,
        &row.address,
        &row.phone,
        row.active,
        row.updated_at,
        row.version
    ];
    Ok(query::execute(tx, &Query::with(sql, values)).await? == 1)
}

pub async fn get(tx: &mut Tx, id: &str) -> StoreResult<Option<StoreRow>> {
    query::fetch_optional(tx, &Query::with(&format!("SELECT {COLUMNS} FROM stores WHERE id = $1"), args![id])).await
}

pub async fn by_code(tx: &mut Tx, code: &str) -> StoreResult<Option<StoreRow>> {
    query::fetch_optional(tx, &Query::with(&format!("SELECT {COLUMNS} FROM stores WHERE code = $1"), args![code])).await
}

pub async fn list(tx: &mut Tx) -> StoreResult<Vec<StoreRow>> {
    query::fetch_all(tx, &Query::with(&format!("SELECT {COLUMNS} FROM stores ORDER BY code"), args![])).await
}
