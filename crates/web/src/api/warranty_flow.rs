//! Pre-authorisation (预授权), the supervisor's board, the mis-claim rates and the month's archive: what the
//! clerk's tools, the supervisor's reports and the manufacturer's system call besides the claims themselves.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use claimdesk_app::warranty::archive;
use claimdesk_app::warranty::board::{self, RatesQuery};
use claimdesk_app::warranty::preauth::{self, PreauthDecision, PreauthInput, PreauthListQuery};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

/// Pre-authorisation requests, newest first; `state=requested` lists what waits for the manufacturer.
#[utoipa::path(get, path = "/api/v1/warranty-preauths", tag = "warranty-preauths",
    params(("state" = Option<String>, Query, description = "requested, approved, refused, cancelled"),
        ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<PreauthListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(preauth::list_preauths(&state.app, &actor, query).await?))
}

/// Requests the manufacturer's approval of a repair order's warranty work (`{"repair_order_id", "note"}`).
/// The amount, the reasons (above the brand's threshold, operations the brand names) and the warranty lines
/// are frozen with the request. One open request per repair order (409 `preauth_pending`).
#[utoipa::path(post, path = "/api/v1/warranty-preauths", tag = "warranty-preauths", request_body = serde_json::Value,
    responses((status = 201, description = "the request"), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<PreauthInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(preauth::request(&state.app, &actor, body).await?)))
}

/// One request.
#[utoipa::path(get, path = "/api/v1/warranty-preauths/{id}", tag = "warranty-preauths", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(preauth::get_preauth(&state.app, &actor, &id).await?))
}

/// The manufacturer's answer: `approve` (`{"approval_no"}`), `refuse` (`{"reason"}` required) or the
/// clerk's `cancel`. An approval lets the repair order start while its warranty work stays within the
/// approved amount.
#[utoipa::path(post, path = "/api/v1/warranty-preauths/{id}/{action}", tag = "warranty-preauths",
    params(("id" = String, Path), ("action" = String, Path, description = "approve, refuse, cancel")),
    request_body = serde_json::Value,
    responses((status = 200), (status = 404), (status = 409, description = "already decided"), (status = 422)))]
pub async fn action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<PreauthDecision>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(preauth::decide(&state.app, &actor, &id, &action, body).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct StoreQuery {
    #[serde(default)]
    pub store_id: Option<String>,
}

/// The supervisor's board: open claims by state and age, amounts pending, this month's decisions,
/// rejections and cuts, and the same per clerk.
#[utoipa::path(get, path = "/api/v1/warranty-board", tag = "warranty-claims",
    params(("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn board(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<StoreQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(board::board(&state.app, &actor, query.store_id.as_deref()).await?))
}

/// The mis-claim rate (误赔率): claims the manufacturer rejected or cut, and the amount it did not pay, per
/// month and per clerk, model, causal part or failure code.
#[utoipa::path(get, path = "/api/v1/warranty-rates", tag = "warranty-claims",
    params(("from" = Option<String>, Query, description = "YYYY-MM"), ("to" = Option<String>, Query, description = "YYYY-MM"),
        ("by" = Option<String>, Query, description = "clerk, model, part, failure_code"), ("store_id" = Option<String>, Query)),
    responses((status = 200), (status = 422)))]
pub async fn rates(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<RatesQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(board::mis_claim_rates(&state.app, &actor, query).await?))
}

/// A month's claims (by repair date) with their documents, as a manufacturer's audit asks.
#[utoipa::path(get, path = "/api/v1/warranty-archive/{month}", tag = "warranty-claims",
    params(("month" = String, Path, description = "YYYY-MM"), ("store_id" = Option<String>, Query)),
    responses((status = 200), (status = 422)))]
pub async fn month(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(month): Path<String>,
    Query(query): Query<StoreQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(archive::month(&state.app, &actor, &month, query.store_id.as_deref()).await?))
}

/// The month's archive as one zip: `index.csv` and per claim `STORE/NUMBER/claim.json`, `version-N.json`
/// (each version as sent) and `history.json` (the audit trail).
#[utoipa::path(get, path = "/api/v1/warranty-archive/{month}/zip", tag = "warranty-claims",
    params(("month" = String, Path, description = "YYYY-MM"), ("store_id" = Option<String>, Query)),
    responses((status = 200, content_type = "application/zip"), (status = 422)))]
pub async fn month_zip(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(month): Path<String>,
    Query(query): Query<StoreQuery>,
) -> ApiResult<impl IntoResponse> {
    let bytes = archive::month_zip(&state.app, &actor, &month, query.store_id.as_deref()).await?;
    Ok(zip_response(&month, bytes))
}

/// The zip with a file name, for the API and the archive page alike.
pub fn zip_response(month: &str, bytes: Vec<u8>) -> impl IntoResponse + use<> {
    let name = format!("attachment; filename=\"warranty-claims-{}.zip\"", month.replace(['"', '/', '\\'], ""));
    ([(header::CONTENT_TYPE, "application/zip".to_string()), (header::CONTENT_DISPOSITION, name)], bytes)
}
