//! The 三包 duties around a vehicle through the API: the vehicle's printable terms (W8) and its Art 24
//! watch, a repair order's 三包 record and the Art 21 spare car, the brand's 三包凭证 terms, and the
//! replacement and return cases (三包换退车). Money is a decimal string; another store's record is 404.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::sanbao::cases::{self, CaseInput, CaseListQuery, CompleteInput, DecideInput};
use claimdesk_app::sanbao::repairs::{self, RepairRecordInput, SpareInput};
use claimdesk_app::sanbao::terms::{self, BrandTermsInput};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

/// The vehicle's 三包 terms as printed for the customer: periods with last day and odometer limit, wear
/// parts, new-energy battery terms, and the 换退车 marks.
#[utoipa::path(get, path = "/api/v1/vehicles/{id}/sanbao-terms", tag = "sanbao", params(("id" = String, Path)),
    responses((status = 200), (status = 404), (status = 422, description = "the vehicle has no invoice date")))]
pub async fn vehicle_terms(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(terms::vehicle_terms(&state.app, &actor, &id).await?))
}

/// The Art 24 grounds the vehicle is one repair or five days short of (or has reached), and its marks.
#[utoipa::path(get, path = "/api/v1/vehicles/{id}/sanbao-watch", tag = "sanbao", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn vehicle_watch(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(repairs::vehicle_watch(&state.app, &actor, &id).await?))
}

/// The repair order's 三包 record (null when it has none).
#[utoipa::path(get, path = "/api/v1/repair-orders/{id}/sanbao-record", tag = "sanbao", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn get_record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(repairs::record_of_order(&state.app, &actor, &id).await?))
}

/// Records the 三包 facts of a repair (system, part, problem, serious safety, replacement, excluded hours);
/// the vehicle's Art 24 watch is recomputed at once.
#[utoipa::path(put, path = "/api/v1/repair-orders/{id}/sanbao-record", tag = "sanbao", params(("id" = String, Path)),
    request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn put_record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RepairRecordInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(repairs::save_record(&state.app, &actor, &id, body).await?))
}

/// Records the spare car or transport compensation of a repair over 5 days (Art 21); closes the prompt.
#[utoipa::path(post, path = "/api/v1/repair-orders/{id}/spare-car", tag = "sanbao", params(("id" = String, Path)),
    request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 422)))]
pub async fn spare_car(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SpareInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(repairs::record_spare(&state.app, &actor, &id, body).await?))
}

/// The brand's 三包凭证 terms beyond the periods: wear parts, battery fade limits, core warranty, n.
#[utoipa::path(get, path = "/api/v1/sanbao-terms/{brand}", tag = "sanbao", params(("brand" = String, Path)),
    responses((status = 200)))]
pub async fn get_brand_terms(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(brand): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(terms::brand_terms(&state.app, &actor, &brand).await?))
}

/// Saves the brand's 三包凭证 terms (group admin).
#[utoipa::path(put, path = "/api/v1/sanbao-terms/{brand}", tag = "sanbao", params(("brand" = String, Path)),
    request_body = serde_json::Value, responses((status = 200), (status = 403), (status = 409), (status = 422)))]
pub async fn put_brand_terms(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(brand): Path<String>,
    ApiJson(body): ApiJson<BrandTermsInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(terms::save_brand_terms(&state.app, &actor, &brand, body).await?))
}

/// Replacement and return cases, newest request first.
#[utoipa::path(get, path = "/api/v1/sanbao-cases", tag = "sanbao",
    params(("q" = Option<String>, Query, description = "case number or VIN prefix"),
        ("status" = Option<String>, Query, description = "registered, accepted, refused, completed"),
        ("kind" = Option<String>, Query, description = "replacement, return"), ("vehicle_id" = Option<String>, Query),
        ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<CaseListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(cases::list(&state.app, &actor, query).await?))
}

/// Registers a consumer's written request; the entitlement is decided from the vehicle's repair history
/// and the reply (10 working days) comes due.
#[utoipa::path(post, path = "/api/v1/sanbao-cases", tag = "sanbao", request_body = serde_json::Value,
    responses((status = 201, description = "the case"), (status = 422, description = "field errors")))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CaseInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(cases::register(&state.app, &actor, body).await?)))
}

/// One case with the engine's assessment, deadlines, amounts and certificate.
#[utoipa::path(get, path = "/api/v1/sanbao-cases/{id}", tag = "sanbao", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(cases::get(&state.app, &actor, &id).await?))
}

/// The reply: `{"action": "accept"}` (an entitled case) or `{"action": "refuse", "reasons": "…"}`.
#[utoipa::path(post, path = "/api/v1/sanbao-cases/{id}/decide", tag = "sanbao", params(("id" = String, Path)),
    request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecideInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(cases::decide(&state.app, &actor, &id, body).await?))
}

/// The replacement or return done: amounts, the 换车/退车证明 number, the replacement car, the
/// manufacturer's recovery notice.
#[utoipa::path(post, path = "/api/v1/sanbao-cases/{id}/complete", tag = "sanbao", params(("id" = String, Path)),
    request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn complete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CompleteInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(cases::complete(&state.app, &actor, &id, body).await?))
}
