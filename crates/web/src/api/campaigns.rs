//! Recalls and campaigns: the campaign, its VIN-list import, its vehicles and their states, the completion
//! report for the manufacturer, and the flag lookup by VIN.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use claimdesk_app::AppError;
use claimdesk_app::campaigns::import::{self as vin_import, VinImportResult};
use claimdesk_app::campaigns::{self, CampaignListQuery, ContactInput, VehicleAction, VehicleListQuery};
use claimdesk_domain::campaign::CampaignInput;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult, envelope};
use crate::extract::{ApiActor, ApiJson};

/// Lists campaigns (group-wide), each with its completion in the caller's stores.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    params(("brand" = Option<String>, Query), ("kind" = Option<String>, Query, description = "public_recall, quality_action or service_campaign"), ("state" = Option<String>, Query, description = "open or closed"), ("q" = Option<String>, Query, description = "number or title prefix"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<CampaignListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::list(&state.app, &actor, query).await?))
}

/// Enters a campaign (group admin or the manufacturer's system): `{code, brand, kind, title, description,
/// failure_code, starts_on, ends_on, labor_ops: [{code, description, hours}], parts: [{part_no, name,
/// quantity}]}`. The VIN list follows with `POST /campaigns/{id}/vins`.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = serde_json::Value, responses((status = 201), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CampaignInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(campaigns::create(&state.app, &actor, body).await?)))
}

/// One campaign with its operations, parts and completion.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::get(&state.app, &actor, &id).await?))
}

#[derive(Debug, Deserialize)]
pub struct CampaignPatch {
    #[serde(flatten)]
    pub input: CampaignInput,
    pub version: Option<i64>,
}

/// Changes a campaign's content (its number and brand stay); `version` guards against a concurrent change.
#[utoipa::path(patch, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn patch(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CampaignPatch>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::update(&state.app, &actor, &id, body.input, body.version).await?))
}

/// `close` (the manufacturer ended it: no more flags, the stores' due items close) or `reopen`.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/{action}", tag = "campaigns", params(("id" = String, Path), ("action" = String, Path, description = "close or reopen")), responses((status = 200), (status = 404), (status = 409)))]
pub async fn action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::set_state(&state.app, &actor, &id, &action).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct ImportParams {
    #[serde(default)]
    pub dry_run: bool,
}

/// Adds a VIN list to a campaign from Excel or UTF-8 CSV (a `车架号(VIN)` column, optionally `备注`), all or
/// nothing. With `dry_run=true` answers the preview and writes nothing; otherwise 201 with the counts, or
/// 422 `import_rejected` with each problem in `fields` as `rows[12].vin`.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/vins", tag = "campaigns",
    params(("id" = String, Path), ("dry_run" = Option<bool>, Query, description = "true: check only, write nothing")),
    request_body(description = "a multipart form with a `file` part, or the file itself as the body", content(("multipart/form-data"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
    responses((status = 200, description = "dry run: `{rows, valid, known, columns, sample, error_count, errors}`"),
        (status = 201, description = "imported: `{outcome, batch_id, campaign_id, rows, vehicles, known, stores}`"),
        (status = 403), (status = 404),
        (status = 422, description = "nothing imported: `import_rejected` with the row errors in `fields`")))]
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    Query(params): Query<ImportParams>,
    request: axum::extract::Request,
) -> Response {
    let bytes = match crate::extract::ApiUpload::read(&state, request).await {
        Ok(upload) => upload.bytes,
        Err(response) => return response,
    };
    if bytes.is_empty() {
        return ApiError(AppError::invalid(claimdesk_domain::Violation::new("file", "required"))).into_response();
    }
    if params.dry_run {
        return match vin_import::preview(&state.app, &actor, &id, bytes).await {
            Ok(preview) => Json(json!({
                "campaign_id": preview.campaign_id,
                "rows": preview.rows,
                "valid": preview.valid,
                "known": preview.known,
                "columns": preview.columns,
                "sample": preview.sample,
                "error_count": preview.errors.len(),
                "errors": super::customers::row_errors_json(&preview.errors),
            }))
            .into_response(),
            Err(error) => ApiError(error).into_response(),
        };
    }
    match vin_import::import(&state.app, &actor, &id, bytes).await {
        Ok(imported @ VinImportResult::Imported { .. }) => (StatusCode::CREATED, Json(imported)).into_response(),
        Ok(VinImportResult::Rejected { errors, .. }) => {
            let count = errors.len().to_string();
            let mut body = envelope("import_rejected", &[("count", &count)], None);
            body["error"]["fields"] = Value::Array(super::customers::row_errors_json(&errors));
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(error) => ApiError(error).into_response(),
    }
}

/// The campaign's vehicles in the caller's stores (group roles also see VINs no store has).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/vehicles", tag = "campaigns",
    params(("id" = String, Path), ("state" = Option<String>, Query, description = "due, done, unreachable or done_elsewhere"), ("vin" = Option<String>, Query, description = "VIN prefix"), ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200), (status = 404)))]
pub async fn vehicles(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    Query(query): Query<VehicleListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::vehicles(&state.app, &actor, &id, query).await?))
}

/// The completion report for the manufacturer: the campaign, counts per store and overall, and every
/// vehicle with its state, date, repair order and claim numbers.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/report", tag = "campaigns", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::report(&state.app, &actor, &id).await?))
}

/// One campaign vehicle with its campaign and contact attempts.
#[utoipa::path(get, path = "/api/v1/campaign-vehicles/{id}", tag = "campaigns", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn vehicle(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::vehicle(&state.app, &actor, &id).await?))
}

/// Records an attempt to reach the owner: `{channel: phone|sms|letter|visit, outcome: no_answer|wrong_number|
/// refused|booked|sold|other, note}`.
#[utoipa::path(post, path = "/api/v1/campaign-vehicles/{id}/contacts", tag = "campaigns", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 201), (status = 404), (status = 409), (status = 422)))]
pub async fn contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContactInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(campaigns::contact(&state.app, &actor, &id, body).await?)))
}

/// Opens the warranty claim of kind `campaign` for a vehicle done here, linked to the campaign vehicle.
#[utoipa::path(post, path = "/api/v1/campaign-vehicles/{id}/claim", tag = "campaigns", params(("id" = String, Path)), responses((status = 201), (status = 404), (status = 409), (status = 422)))]
pub async fn claim(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(campaigns::claim(&state.app, &actor, &id).await?)))
}

/// `done` (`{repair_order_id}`), `done_elsewhere` (`{done_on, note}`), `unreachable` (after three recorded
/// contacts) or `reopen`.
#[utoipa::path(post, path = "/api/v1/campaign-vehicles/{id}/{action}", tag = "campaigns", params(("id" = String, Path), ("action" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn vehicle_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<VehicleAction>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(campaigns::act(&state.app, &actor, &id, &action.replace('-', "_"), body).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct FlagQuery {
    /// One VIN, or several separated by commas.
    #[serde(default)]
    pub vin: String,
}

/// The open campaigns that still need these vehicles (what reception is warned of).
#[utoipa::path(get, path = "/api/v1/campaign-flags", tag = "campaigns", params(("vin" = String, Query, description = "VINs separated by commas")), responses((status = 200)))]
pub async fn flags(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<FlagQuery>,
) -> ApiResult<impl IntoResponse> {
    let vins = query.vin.split(',').map(str::to_string).collect();
    Ok(Json(json!({"items": campaigns::flags(&state.app, &actor, vins).await?})))
}
