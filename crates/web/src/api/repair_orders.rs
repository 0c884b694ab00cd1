//! Repair orders.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::repair_orders::{self, RepairOrderInput, RepairOrderListQuery};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

/// Lists repair orders, newest check-in first.
#[utoipa::path(get, path = "/api/v1/repair-orders", tag = "repair-orders",
    params(("q" = Option<String>, Query, description = "number prefix"), ("status" = Option<String>, Query), ("kind" = Option<String>, Query), ("vehicle_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<RepairOrderListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(repair_orders::list(&state.app, &actor, query).await?))
}

/// Opens a repair order; a mileage below an earlier visit is refused unless an odometer replacement is recorded.
#[utoipa::path(post, path = "/api/v1/repair-orders", tag = "repair-orders", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<RepairOrderInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(repair_orders::create(&state.app, &actor, body).await?)))
}

/// One repair order with its items.
#[utoipa::path(get, path = "/api/v1/repair-orders/{id}", tag = "repair-orders", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(repair_orders::get(&state.app, &actor, &id).await?))
}

/// A state change: `start`, `complete`, `hand_over`, `cancel` or `reopen`.
#[utoipa::path(post, path = "/api/v1/repair-orders/{id}/{action}", tag = "repair-orders",
    params(("id" = String, Path), ("action" = String, Path, description = "start, complete, hand_over, cancel, reopen")),
    responses((status = 200), (status = 409, description = "not allowed in the current state")))]
pub async fn action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(repair_orders::transition(&state.app, &actor, &id, &action.replace('-', "_")).await?))
}
