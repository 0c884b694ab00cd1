//! Quality feedback: quality reports (the manufacturer's export), repeated-failure proposals and the store's
//! threshold, and technical bulletins with read confirmation.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::quality::{self, AdoptInput, BulletinInput, BulletinListQuery, ReportListQuery, SendInput};
use claimdesk_domain::quality::ReportInput;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

/// Lists quality reports, newest first.
#[utoipa::path(get, path = "/api/v1/quality-reports", tag = "quality",
    params(("state" = Option<String>, Query, description = "draft or sent"), ("store_id" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<ReportListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::list(&state.app, &actor, query).await?))
}

/// Writes a quality report from a repair: `{vehicle_id, repair_order_id, claim_id, part_no, part_name,
/// failure_code, symptom, frequency: once|intermittent|frequent|constant, affected, departments}`.
#[utoipa::path(post, path = "/api/v1/quality-reports", tag = "quality", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ReportInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(quality::create(&state.app, &actor, body).await?)))
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// Reports created on or after this day.
    pub since: Option<String>,
}

/// The sent reports for the manufacturer's quality system (`format: claimdesk.quality-reports/1`).
#[utoipa::path(get, path = "/api/v1/quality-reports/export", tag = "quality", params(("since" = Option<String>, Query, description = "YYYY-MM-DD")), responses((status = 200)))]
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<ExportQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::export(&state.app, &actor, query.since).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct StoreQuery {
    pub store_id: Option<String>,
}

/// The repeated failures of the store's claims in the last 30 days not yet reported.
#[utoipa::path(get, path = "/api/v1/quality-reports/proposals", tag = "quality", params(("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn proposals(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<StoreQuery>,
) -> ApiResult<impl IntoResponse> {
    let items = quality::proposals(&state.app, &actor, query.store_id.as_deref()).await?;
    let items: Vec<_> = items
        .into_iter()
        .map(|p| {
            let mut value = json!(p);
            value["key"] = json!(p.key());
            value
        })
        .collect();
    Ok(Json(json!({"items": items})))
}

/// Adopts a proposal (`{key, symptom, departments}`) as a draft report.
#[utoipa::path(post, path = "/api/v1/quality-reports/proposals", tag = "quality", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn adopt(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<AdoptInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(quality::adopt(&state.app, &actor, body).await?)))
}

/// One quality report.
#[utoipa::path(get, path = "/api/v1/quality-reports/{id}", tag = "quality", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::get(&state.app, &actor, &id).await?))
}

/// Sends a draft to the manufacturer and to the departments named (`{departments}`).
#[utoipa::path(post, path = "/api/v1/quality-reports/{id}/send", tag = "quality", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409)))]
pub async fn send(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SendInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::send(&state.app, &actor, &id, body).await?))
}

/// The store's repeated-failure threshold N.
#[utoipa::path(get, path = "/api/v1/quality-settings", tag = "quality", params(("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<StoreQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::settings(&state.app, &actor, query.store_id.as_deref()).await?))
}

#[derive(Debug, Deserialize)]
pub struct ThresholdBody {
    pub store_id: Option<String>,
    pub repeat_threshold: i64,
}

/// Sets N (2–100) for the store (supervisor or admin).
#[utoipa::path(put, path = "/api/v1/quality-settings", tag = "quality", request_body = serde_json::Value, responses((status = 200), (status = 403), (status = 422)))]
pub async fn put_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ThresholdBody>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::set_threshold(&state.app, &actor, body.store_id.as_deref(), body.repeat_threshold).await?))
}

/// Bulletins: all for group roles, those assigned in the caller's stores for the others.
#[utoipa::path(get, path = "/api/v1/bulletins", tag = "quality", params(("brand" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)), responses((status = 200)))]
pub async fn bulletins(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<BulletinListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::bulletins(&state.app, &actor, query).await?))
}

/// Publishes a bulletin (`{number, brand, title, body, models, issued_on, read_days, store_ids}`) and assigns
/// it to each store's service managers, with a due item until each confirms reading it.
#[utoipa::path(post, path = "/api/v1/bulletins", tag = "quality", request_body = serde_json::Value, responses((status = 201), (status = 403), (status = 422)))]
pub async fn publish(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<BulletinInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(quality::publish(&state.app, &actor, body).await?)))
}

/// One bulletin with its readers in the caller's stores.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}", tag = "quality", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn bulletin(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::bulletin(&state.app, &actor, &id).await?))
}

/// The caller confirms having read the bulletin.
#[utoipa::path(post, path = "/api/v1/bulletins/{id}/read", tag = "quality", params(("id" = String, Path)), responses((status = 200), (status = 404), (status = 409)))]
pub async fn read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(quality::confirm_read(&state.app, &actor, &id).await?))
}
