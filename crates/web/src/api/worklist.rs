//! The worklist.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::worklist::{self, ManualDueInput};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

/// The caller's due items: overdue, due today and this week, in each store's time zone.
#[utoipa::path(get, path = "/api/v1/worklist", tag = "worklist", responses((status = 200)))]
pub async fn get(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(Json(worklist::my_worklist(&state.app, &actor).await?))
}

/// Adds a to-do by hand (`title`, `due_on`, optional `assignee_id`).
#[utoipa::path(post, path = "/api/v1/worklist", tag = "worklist", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ManualDueInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(worklist::create_manual(&state.app, &actor, body).await?)))
}

/// Marks a due item done.
#[utoipa::path(post, path = "/api/v1/worklist/{id}/done", tag = "worklist", params(("id" = String, Path)), responses((status = 200), (status = 409)))]
pub async fn done(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(worklist::close(&state.app, &actor, &id, "done").await?))
}

/// Drops a due item.
#[utoipa::path(post, path = "/api/v1/worklist/{id}/cancel", tag = "worklist", params(("id" = String, Path)), responses((status = 200), (status = 409)))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(worklist::close(&state.app, &actor, &id, "cancelled").await?))
}
