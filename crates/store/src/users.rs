//! Users, their role grants, API tokens and login attempts.

use crate::query::{self, Query};
use crate::{StoreResult, Tx, args};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub locale: String,
    pub phone: String,
    pub active: bool,
    pub password_changed_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const COLUMNS: &str = "id, username, display_name, password_hash, locale, phone, active, password_changed_at, created_at, updated_at, version";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    pub id: String,
    pub user_id: String,
    pub store_id: Option<String>,
    pub role: String,
    pub created_at: i64,
}

pub async fn insert(tx: &mut Tx, row: &UserRow) -> StoreResult<()> {
    let sql = format!("INSERT INTO users ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    let values = args![
        &row.id,
        &row.username,
        &row.display_name,
        &row.password_hash,
        &row.locale,
        &row.phone,
        row.active,
        row.password_changed_at,
        row.created_at,
        row.updated_at,
        row.version
    ];
    query::execute(tx, &Query::with(&sql, values)).await?;
    Ok(())
}

pub async fn update(tx: &mut Tx, row: &UserRow) -> StoreResult<bool> {
    let sql = "UPDATE users SET display_name = $2, password_hash = $3, locale = $4, phone = $5, active = $6, \
               password_changed_at = $7, updated_at = $8, version = version + 1 WHERE id = $1";
    let values = args![
        &row.id,
        &row.display_name,
        &row.password_hash,
        &row.locale,
        &row.phone,
        row.active,
        row.password_changed_at,
        row.updated_at
    ];
    Ok(query::execute(tx, &Query::with(sql, values)).await? == 1)
}

pub async fn get(tx: &mut Tx, id: &str) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    query::fetch_optional(tx, &Query::with(&sql, args![id])).await
}

pub async fn by_username(tx: &mut Tx, username: &str) -> StoreResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
    query::fetch_optional(tx, &Query::with(&sql, args![username])).await
}

pub async fn list(tx: &mut Tx) -> StoreResult<Vec<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY username");
    query::fetch_all(tx, &Query::with(&sql, args![])).await
}

/// Users holding any role in the store (or a group role).
pub async fn list_in_store(tx: &mut Tx, store_id: &str) -> StoreResult<Vec<UserRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE id IN (SELECT user_id FROM user_roles WHERE store_id = $1) ORDER BY username"
    );
    query::fetch_all(tx, &Query::with(&sql, args![store_id])).await
}

pub async fn grants(tx: &mut Tx, user_id: &str) -> StoreResult<Vec<GrantRow>> {
    let sql = "SELECT id, user_id, store_id, role, created_at FROM user_roles WHERE user_id = $1 ORDER BY created_at";
    query::fetch_all(tx, &Query::with(sql, args![user_id])).await
}

pub async fn all_grants(tx: &mut Tx) -> StoreResult<Vec<GrantRow>> {
    let sql = "SELECT id, user_id, store_id, role, created_at FROM user_roles ORDER BY user_id, created_at";
    query::fetch_all(tx, &Query::with(sql, args![])).await
}

pub async fn insert_grant(tx: &mut Tx, row: &GrantRow) -> StoreResult<()> {
    let sql = "INSERT INTO user_roles (id, user_id, store_id, role, created_at) VALUES ($1, $2, $3, $4, $5)";
    query::execute(tx, &Query::with(sql, args![&row.id, &row.user_id, &row.store_id, &row.role, row.created_at]))
        .await?;
    Ok(())
}

pub async fn delete_grant(tx: &mut Tx, grant_id: &str) -> StoreResult<bool> {
    Ok(query::execute(tx, &Query::with("DELETE FROM user_roles WHERE id = $1", args![grant_id])).await? == 1)
}

/// Users who hold `role` in the store, for assigning work and escalations.
pub async fn with_role(tx: &mut Tx, store_id: &str, role: &str) -> StoreResult<Vec<UserRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE active = TRUE AND id IN \
         (SELECT user_id FROM user_roles WHERE store_id = $1 AND role = $2) ORDER BY username"
    );
    query::fetch_all(tx, &Query::with(&sql, args![store_id, role])).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const TOKEN_COLUMNS: &str = "id, user_id, name, token_hash, created_at, expires_at, last_used_at, revoked_at";

pub async fn insert_token(tx: &mut Tx, row: &ApiTokenRow) -> StoreResult<()> {
    let sql = format!("INSERT INTO api_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    let values = args![
        &row.id,
        &row.user_id,
        &row.name,
        &row.token_hash,
        row.created_at,
        row.expires_at,
        row.last_used_at,
        row.revoked_at
    ];
    query::execute(tx, &Query::with(&sql, values)).await?;
    Ok(())
}

pub async fn token_by_hash(tx: &mut Tx, token_hash: &str) -> StoreResult<Option<ApiTokenRow>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
    query::fetch_optional(tx, &Query::with(&sql, args![token_hash])).await
}

pub async fn tokens_of(tx: &mut Tx, user_id: &str) -> StoreResult<Vec<ApiTokenRow>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC");
    query::fetch_all(tx, &Query::with(&sql, args![user_id])).await
}

pub async fn revoke_token(tx: &mut Tx, user_id: &str, token_id: &str, at: i64) -> StoreResult<bool> {
    let sql = "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL";
    Ok(query::execute(tx, &Query::with(sql, args![token_id, user_id, at])).await? == 1)
}

pub async fn record_login_attempt(
    tx: &mut Tx,
    id: &str,
    username: &str,
    remote: &str,
    at: i64,
    succeeded: bool,
) -> StoreResult<()> {
    let sql = "INSERT INTO login_attempts (id, username, remote, at, succeeded) VALUES ($1, $2, $3, $4, $5)";
    query::execute(tx, &Query::with(sql, args![id, username, remote, at, succeeded])).await?;
    Ok(())
}

/// Failed attempts for a username since `since`, stopping at the last success.
pub async fn recent_failures(tx: &mut Tx, username: &str, since: i64) -> StoreResult<i64> {
    let sql = "SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND at >= $2 AND succeeded = FALSE \
               AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = $1 AND succeeded = TRUE), 0)";
    query::fetch_count(tx, &Query::with(sql, args![username, since])).await
}
