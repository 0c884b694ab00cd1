//! The worklist.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::page::PageRequest;
use claimdesk_app::worklist::{self, ManualDueInput};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    per_page: Option<i64>,
}

/// The caller's due items, overdue first, then due today and this week (each store's date), a page at a
/// time: `{"today", "items", "total", "page", "per_page", "counts": {"overdue", "due_today", "this_week",
/// "capped"}}`. Counts stop at 1,000 (`capped`).
#[utoipa::path(get, path = "/api/v1/worklist", tag = "worklist",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query, description = "default 50, at most 200")),
    responses((status = 200, description = "{today, items, total, page, per_page, counts}")))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<PageQuery>,
) -> ApiResult<impl IntoResponse> {
    let list = worklist::my_worklist_page(&state.app, &actor, PageRequest::new(query.page, query.per_page)).await?;
    Ok(Json(json!({
        "today": list.today,
        "items": list.items().collect::<Vec<_>>(),
        "total": list.total,
        "page": list.page,
        "per_page": list.per_page,
        "counts": list.counts,
    })))
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
