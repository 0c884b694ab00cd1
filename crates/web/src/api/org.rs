//! Stores and users.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::AppError;
use claimdesk_app::org::{stores, users};
use claimdesk_domain::org::{StoreInput, UserInput};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{merge_patch, version_of};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

/// The stores the caller reaches.
#[utoipa::path(get, path = "/api/v1/stores", tag = "admin", responses((status = 200)))]
pub async fn list_stores(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    let items = stores::list(&state.app, &actor).await?;
    let total = items.len();
    Ok(Json(json!({ "items": items, "total": total, "page": 1, "per_page": total.max(1) })))
}

/// Creates a store (group admin).
#[utoipa::path(post, path = "/api/v1/stores", tag = "admin", request_body = Value, responses((status = 201), (status = 403), (status = 422)))]
pub async fn create_store(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<StoreInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(stores::create(&state.app, &actor, body).await?)))
}

#[utoipa::path(get, path = "/api/v1/stores/{id}", tag = "admin", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get_store(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(stores::get(&state.app, &actor, &id).await?))
}

/// Changes a store (group admin; JSON merge patch).
#[utoipa::path(patch, path = "/api/v1/stores/{id}", tag = "admin", params(("id" = String, Path)), request_body = Value, responses((status = 200), (status = 409)))]
pub async fn patch_store(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    let current = stores::get(&state.app, &actor, &id).await?;
    let version = version_of(&patch).unwrap_or(current.version);
    let mut base = serde_json::to_value(&current).map_err(|e| AppError::Internal(e.into()))?;
    merge_patch(&mut base, patch);
    if let Value::Object(map) = &mut base {
        for key in ["id", "active", "created_at", "updated_at", "version"] {
            map.remove(key);
        }
    }
    let input: StoreInput = claimdesk_domain::rules::parse_input(base).map_err(AppError::Invalid)?;
    Ok(Json(stores::update(&state.app, &actor, &id, version, input).await?))
}

/// The users the caller administers.
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", responses((status = 200), (status = 403)))]
pub async fn list_users(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    let items = users::list(&state.app, &actor).await?;
    let total = items.len();
    Ok(Json(json!({ "items": items, "total": total, "page": 1, "per_page": total.max(1) })))
}

/// Creates a user with roles (`grants: [{store_id, role}]`).
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = Value, responses((status = 201), (status = 403), (status = 422)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<UserInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(users::create(&state.app, &actor, body).await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "admin", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get_user(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(users::get(&state.app, &actor, &id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UserPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    /// A new password set by an admin; the user's sessions end.
    #[serde(default)]
    pub password: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "admin", params(("id" = String, Path)), request_body = UserPatch, responses((status = 200), (status = 422)))]
pub async fn patch_user(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> ApiResult<impl IntoResponse> {
    let current = users::get(&state.app, &actor, &id).await?;
    let input = UserInput {
        username: current.username.clone(),
        display_name: patch.display_name.unwrap_or(current.display_name),
        password: patch.password.unwrap_or_default(),
        locale: patch.locale.unwrap_or(current.locale),
        phone: patch.phone.unwrap_or(current.phone),
        grants: Vec::new(),
    };
    Ok(Json(users::update(&state.app, &actor, &id, input, patch.active.unwrap_or(current.active)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct GrantBody {
    #[serde(default)]
    pub store_id: Option<String>,
    pub role: String,
}

/// Gives a user a role in a store (or group-wide).
#[utoipa::path(post, path = "/api/v1/users/{id}/grant", tag = "admin", params(("id" = String, Path)), request_body = GrantBody, responses((status = 200), (status = 403), (status = 422)))]
pub async fn grant(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<GrantBody>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(users::grant(&state.app, &actor, &id, body.store_id.as_deref(), &body.role).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RevokeBody {
    pub grant_id: String,
}

/// Takes a role away.
#[utoipa::path(post, path = "/api/v1/users/{id}/revoke", tag = "admin", params(("id" = String, Path)), request_body = RevokeBody, responses((status = 200), (status = 404)))]
pub async fn revoke(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(users::revoke(&state.app, &actor, &id, &body.grant_id).await?))
}

/// The permission matrix: which role may do what.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "admin", responses((status = 200)))]
pub async fn permissions(ApiActor(_actor): ApiActor) -> impl IntoResponse {
    use claimdesk_domain::access::{Permission, Role, role_allows};
    let matrix: Vec<Value> = Role::ALL
        .iter()
        .map(|role| {
            let allowed: Vec<&str> =
                Permission::ALL.iter().filter(|p| role_allows(*role, **p)).map(|p| p.as_str()).collect();
            json!({ "role": role.as_str(), "permissions": allowed })
        })
        .collect();
    Json(json!({ "items": matrix }))
}

/// The years the working-day calendar covers (built in, plus notices an admin loaded).
#[utoipa::path(get, path = "/api/v1/calendar", tag = "admin", responses((status = 200)))]
pub async fn calendar_years(ApiActor(_actor): ApiActor) -> impl IntoResponse {
    Json(json!({ "years": claimdesk_app::calendar::years() }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CalendarNotice {
    /// Rows `date,kind,holiday,year,source`, kind `off` or `work`.
    pub csv: String,
}

/// Loads a new year's holiday notice (group admin).
#[utoipa::path(post, path = "/api/v1/calendar", tag = "admin", request_body = CalendarNotice, responses((status = 200), (status = 403), (status = 422)))]
pub async fn calendar_add(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CalendarNotice>,
) -> ApiResult<impl IntoResponse> {
    let rows = claimdesk_app::calendar::add_notice(&state.app, &actor, &body.csv).await?;
    Ok(Json(json!({ "rows": rows, "years": claimdesk_app::calendar::years() })))
}
