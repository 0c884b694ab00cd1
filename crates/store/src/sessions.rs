//! Login sessions, stored in the database so a logout or a password change ends them everywhere.

use crate::query::{self, Query};
use crate::{StoreResult, Tx, args};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub csrf_token: String,
    pub store_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, user_id, csrf_token, store_id, created_at, expires_at, revoked_at";

pub async fn insert(tx: &mut Tx, row: &SessionRow) -> StoreResult<()> {
    let sql = format!("INSERT INTO sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
    let values =
        args![&row.id, &row.user_id, &row.csrf_token, &row.store_id, row.created_at, row.expires_at, row.revoked_at];
    query::execute(tx, &Query::with(&sql, values)).await?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: &str) -> StoreResult<Option<SessionRow>> {
    query::fetch_optional(tx, &Query::with(&format!("SELECT {COLUMNS} FROM sessions WHERE id = $1"), args![id])).await
}

pub async fn revoke(tx: &mut Tx, id: &str, at: i64) -> StoreResult<()> {
    let sql = "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
    query::execute(tx, &Query::with(sql, args![id, at])).await?;
    Ok(())
}

/// Ends every session of a user (a password change), except optionally the one making the change.
pub async fn revoke_all_of(tx: &mut Tx, user_id: &str, except: Option<&str>, at: i64) -> StoreResult<u64> {
    let sql = "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND id <> $3";
    query::execute(tx, &Query::with(sql, args![user_id, at, except.unwrap_or("")])).await
}

pub async fn set_store(tx: &mut Tx, id: &str, store_id: Option<&str>) -> StoreResult<()> {
    query::execute(tx, &Query::with("UPDATE sessions SET store_id = $2 WHERE id = $1", args![id, store_id])).await?;
    Ok(())
}

pub async fn purge_expired(tx: &mut Tx, now: i64) -> StoreResult<u64> {
    query::execute(tx, &Query::with("DELETE FROM sessions WHERE expires_at < $1", args![now])).await
}
