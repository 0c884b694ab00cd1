//! Customers and vehicles.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::customers::{self, CustomerListQuery, CustomerWithVehicle};
use claimdesk_app::vehicles::{self, NewVehicle, VehicleListQuery};
use claimdesk_app::{AppError, audit};
use claimdesk_domain::customer::CustomerInput;
use claimdesk_domain::vehicle::VehicleInput;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{merge_patch, version_of};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

/// Lists customers; `q` searches name, mobile, plate or VIN by prefix.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers",
    params(("q" = Option<String>, Query), ("store_id" = Option<String>, Query), ("sort" = Option<String>, Query, description = "newest or name"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "a page of customers")))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<CustomerListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(customers::list(&state.app, &actor, query).await?))
}

/// Creates a customer, optionally with a vehicle (`vehicle`) in the same transaction.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body(content = Value, description = "customer fields, optional `vehicle` object and `store_id`"),
    responses((status = 201, description = "the customer"), (status = 422, description = "field errors")))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CustomerWithVehicle>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(customers::create(&state.app, &actor, body).await?)))
}

/// One customer with vehicles and visits.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(customers::get(&state.app, &actor, &id).await?))
}

/// Changes the fields given (JSON merge patch); send `version` to refuse a stale write.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = String, Path)), request_body = Value,
    responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn patch(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    let current = customers::get(&state.app, &actor, &id).await?.customer;
    let mut base = serde_json::to_value(&current).map_err(|e| AppError::Internal(e.into()))?;
    let version = version_of(&patch);
    merge_patch(&mut base, patch);
    let input: CustomerInput = claimdesk_domain::rules::parse_input(strip_readonly(base)).map_err(AppError::Invalid)?;
    Ok(Json(customers::update(&state.app, &actor, &id, version, input).await?))
}

/// The fields a client cannot set, removed before the merged record is read as input.
fn strip_readonly(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        for key in [
            "id",
            "store_id",
            "vehicles",
            "version",
            "created_at",
            "updated_at",
            "owner_id",
            "plate_kind",
            "odometer_on",
            "odometer_km",
        ] {
            map.remove(key);
        }
    }
    value
}

#[derive(Deserialize)]
pub struct HistoryPath {
    pub id: String,
}

/// The audit history of a customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}/history", tag = "customers", params(("id" = String, Path)), responses((status = 200)))]
pub async fn history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(HistoryPath { id }): Path<HistoryPath>,
) -> ApiResult<impl IntoResponse> {
    customers::get(&state.app, &actor, &id).await?;
    Ok(Json(json!({ "items": audit::history(&state.app, "customer", id).await? })))
}

/// Lists vehicles; `q` is a plate or VIN prefix.
#[utoipa::path(get, path = "/api/v1/vehicles", tag = "vehicles",
    params(("q" = Option<String>, Query), ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200)))]
pub async fn list_vehicles(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<VehicleListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(vehicles::list(&state.app, &actor, query).await?))
}

/// Registers a vehicle, optionally with its owner (`owner_id`).
#[utoipa::path(post, path = "/api/v1/vehicles", tag = "vehicles", request_body = Value, responses((status = 201), (status = 422)))]
pub async fn create_vehicle(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewVehicle>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(vehicles::create(&state.app, &actor, body).await?)))
}

/// One vehicle with its owners, odometer readings and visits.
#[utoipa::path(get, path = "/api/v1/vehicles/{id}", tag = "vehicles", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get_vehicle(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(vehicles::get(&state.app, &actor, &id).await?))
}

/// Changes the fields given (JSON merge patch).
#[utoipa::path(patch, path = "/api/v1/vehicles/{id}", tag = "vehicles", params(("id" = String, Path)), request_body = Value, responses((status = 200), (status = 409), (status = 422)))]
pub async fn patch_vehicle(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    let current = vehicles::get(&state.app, &actor, &id).await?.vehicle;
    let mut base = serde_json::to_value(&current).map_err(|e| AppError::Internal(e.into()))?;
    let version = version_of(&patch);
    merge_patch(&mut base, patch);
    let input: VehicleInput = claimdesk_domain::rules::parse_input(strip_readonly(base)).map_err(AppError::Invalid)?;
    Ok(Json(vehicles::update(&state.app, &actor, &id, version, input).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ChangeOwner {
    pub customer_id: String,
    #[serde(default)]
    pub on: Option<String>,
}

/// Records a change of owner; the ownership history is kept.
#[utoipa::path(post, path = "/api/v1/vehicles/{id}/change-owner", tag = "vehicles", params(("id" = String, Path)), request_body = ChangeOwner, responses((status = 200)))]
pub async fn change_owner(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChangeOwner>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(vehicles::change_owner(&state.app, &actor, &id, &body.customer_id, body.on.as_deref()).await?))
}

/// The query of `POST /api/v1/customers/import`.
#[derive(Debug, Default, Deserialize)]
pub struct ImportParams {
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub store_id: Option<String>,
}

/// The most row errors one answer lists; `error_count` (dry run) and the `import_rejected` message give
/// the total.
const LISTED_ROW_ERRORS: usize = 1_000;

/// Row errors in the envelope's field shape: `rows[12].vin`, with the row, column and value found.
pub(crate) fn row_errors_json(errors: &[claimdesk_domain::import::RowError]) -> Vec<Value> {
    use crate::messages::{Catalog, Locale};
    let catalog = Catalog::get();
    errors
        .iter()
        .take(LISTED_ROW_ERRORS)
        .map(|error| {
            json!({
                "field": error.api_field(),
                "code": error.violation.code,
                "message_zh": catalog.violation(Locale::Zh, &error.violation),
                "message_en": catalog.violation(Locale::En, &error.violation),
                "params": error.violation.params,
                "row": error.row,
                "column": error.column,
                "value": error.value,
            })
        })
        .collect()
}

/// Imports customers with their vehicles from the import template (xlsx, xls, or UTF-8 CSV), all or
/// nothing: one row per vehicle and its owner, rows numbered as in Excel. With `dry_run=true` answers
/// the preview (counts, the first rows, every problem) and writes nothing. Otherwise answers 201 with the
/// counts, or 422 `import_rejected` with each problem in `fields` as `rows[12].vin` (plus `row`, `column`
/// and `value`; at most 1,000 listed).
#[utoipa::path(post, path = "/api/v1/customers/import", tag = "customers",
    params(("dry_run" = Option<bool>, Query, description = "true: check only, write nothing"), ("store_id" = Option<String>, Query, description = "the store to import into (default: the token's current store)")),
    request_body(description = "a multipart form with a `file` part, or the file itself as the body", content(("multipart/form-data"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.ms-excel"), ("text/csv"))),
    responses((status = 200, description = "dry run: `{rows, valid, customers, vehicles, columns, sample, error_count, errors}`"),
        (status = 201, description = "imported: `{outcome, batch_id, store_id, rows, customers, vehicles}`"),
        (status = 403, description = "no customers_import permission in the store"),
        (status = 422, description = "nothing imported: `import_rejected` with the row errors in `fields`")))]
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ImportParams>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use crate::error::{ApiError, envelope};
    use claimdesk_app::customers::import::{self as service, ImportResult};
    let bytes = match crate::extract::ApiUpload::read(&state, request).await {
        Ok(upload) => upload.bytes,
        Err(response) => return response,
    };
    if bytes.is_empty() {
        return ApiError(AppError::invalid(claimdesk_domain::Violation::new("file", "required"))).into_response();
    }
    let store_id = params.store_id.as_deref();
    if params.dry_run {
        return match service::preview(&state.app, &actor, store_id, bytes).await {
            Ok(preview) => Json(json!({
                "store_id": preview.store_id,
                "rows": preview.rows,
                "valid": preview.valid,
                "customers": preview.customers,
                "vehicles": preview.vehicles,
                "columns": preview.columns,
                "sample": preview.sample,
                "error_count": preview.errors.len(),
                "errors": row_errors_json(&preview.errors),
            }))
            .into_response(),
            Err(error) => ApiError(error).into_response(),
        };
    }
    match service::import(&state.app, &actor, store_id, bytes).await {
        Ok(imported @ ImportResult::Imported { .. }) => (StatusCode::CREATED, Json(imported)).into_response(),
        Ok(ImportResult::Rejected { errors, .. }) => {
            let count = errors.len().to_string();
            let mut body = envelope("import_rejected", &[("count", &count)], None);
            body["error"]["fields"] = Value::Array(row_errors_json(&errors));
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(error) => ApiError(error).into_response(),
    }
}
