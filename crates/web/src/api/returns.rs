//! Parts return (旧件回运): the manufacturer's return rules per brand, part tags, return shipments with the
//! manufacturer's inspection per part, and scrap records. Lists answer `{items, total, page, per_page}`; a
//! record of another store answers 404.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::AppError;
use claimdesk_app::page::{Page, PageRequest};
use claimdesk_app::parts_return::{
    self as returns, ProposeInput, ScrapInput, ShipmentActionInput, ShipmentListQuery, TagInput, TagListQuery,
};
use claimdesk_domain::parts_return::ReturnRules;
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiActor, ApiJson};

/// Every brand's parts-return rules (the defaults where none are stored: every part back, monthly).
#[utoipa::path(get, path = "/api/v1/parts-return-rules", tag = "parts-return", responses((status = 200)))]
pub async fn list_rules(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(Json(returns::list_rules(&state.app, &actor).await?))
}

/// One brand's rules: `cycle_months` (1, 2, 3, 4, 6, 12), `ship_by_day` (0: the period's last day),
/// `propose_days_before` (the scheduler proposes the period's shipment that many days before), `return_all`, `min_unit_price`, `part_prefixes`, `hazardous_prefixes`, `hazardous_keywords`, `hold_days`
/// and the packing `limits` (`max_parts`, `max_weight_g`, `max_volume_cm3`, `max_length_cm`,
/// `hazardous_per_box`; 0 for no limit of weight, volume or length).
#[utoipa::path(get, path = "/api/v1/parts-return-rules/{brand}", tag = "parts-return", params(("brand" = String, Path)),
    responses((status = 200)))]
pub async fn get_rules(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(brand): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(returns::return_rules(&state.app, &actor, &brand).await?))
}

/// Changes a brand's rules (group admin; JSON merge patch, fields left out keep their value).
#[utoipa::path(patch, path = "/api/v1/parts-return-rules/{brand}", tag = "parts-return", params(("brand" = String, Path)),
    request_body = serde_json::Value,
    responses((status = 200), (status = 403), (status = 409, description = "stale version"), (status = 422)))]
pub async fn patch_rules(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(brand): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    let current = returns::return_rules(&state.app, &actor, &brand).await?;
    let mut merged = serde_json::to_value(&current.rules).map_err(|e| ApiError(AppError::Internal(e.into())))?;
    let expected = super::version_of(&body).filter(|_| current.configured);
    let mut body = body;
    if let Some(object) = body.as_object_mut() {
        object.remove("version");
    }
    super::merge_patch(&mut merged, body);
    let rules: ReturnRules = claimdesk_domain::rules::parse_input(merged).map_err(AppError::Invalid)?;
    Ok(Json(returns::save_rules(&state.app, &actor, &brand, rules, expected).await?))
}

/// Part tags (旧件标签), newest first. `state=waiting` lists the parts store's parts waiting for return.
#[utoipa::path(get, path = "/api/v1/part-tags", tag = "parts-return",
    params(("state" = Option<String>, Query, description = "waiting, stored, in_shipment, shipped, accepted, rejected, missing, scrapped"),
        ("brand" = Option<String>, Query), ("vin" = Option<String>, Query, description = "VIN prefix"),
        ("claim" = Option<String>, Query, description = "claim number prefix"), ("q" = Option<String>, Query, description = "tag number prefix"),
        ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn list_tags(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<TagListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(returns::list_tags(&state.app, &actor, query).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TagClaimBody {
    /// A submitted claim; its part lines without a tag get one.
    pub claim_id: String,
}

/// Tags a submitted claim's parts (tags are made on submission; this is for claims from before). Answers
/// all the claim's tags.
#[utoipa::path(post, path = "/api/v1/part-tags", tag = "parts-return", request_body = TagClaimBody,
    responses((status = 201, description = "the claim's tags"), (status = 404), (status = 409, description = "the claim is not submitted")))]
pub async fn tag_claim(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<TagClaimBody>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(returns::tag_claim(&state.app, &actor, &body.claim_id).await?)))
}

/// One tag with its label text (`qr_text`), location, weight, size and where it went.
#[utoipa::path(get, path = "/api/v1/part-tags/{id}", tag = "parts-return", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn get_tag(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(returns::get_tag(&state.app, &actor, &id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TagPatch {
    pub location: Option<String>,
    /// Kilograms as a decimal string, e.g. `"1.25"`.
    pub weight_kg: Option<String>,
    pub length_cm: Option<i64>,
    pub width_cm: Option<i64>,
    pub height_cm: Option<i64>,
    pub hazardous: Option<bool>,
    pub version: Option<i64>,
}

/// Records where a part is kept, its weight, size and hazard. Refused (409) once its shipment is packed.
#[utoipa::path(patch, path = "/api/v1/part-tags/{id}", tag = "parts-return", params(("id" = String, Path)),
    request_body = TagPatch, responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn patch_tag(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TagPatch>,
) -> ApiResult<impl IntoResponse> {
    let input = TagInput {
        location: body.location,
        weight_kg: body.weight_kg,
        length_cm: body.length_cm,
        width_cm: body.width_cm,
        height_cm: body.height_cm,
        hazardous: body.hazardous,
        version: body.version,
    };
    Ok(Json(returns::update_tag(&state.app, &actor, &id, input).await?))
}

/// Return shipments (旧件回运单), newest first.
#[utoipa::path(get, path = "/api/v1/return-shipments", tag = "parts-return",
    params(("state" = Option<String>, Query, description = "proposed, packed, shipped, received, inspected, cancelled"),
        ("brand" = Option<String>, Query), ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn list_shipments(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<ShipmentListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(returns::list_shipments(&state.app, &actor, query).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposeBody {
    pub brand: String,
    pub store_id: Option<String>,
}

/// Proposes a shipment of every part of the brand waiting in the store for return (422 `nothing_to_return`
/// when there is none).
#[utoipa::path(post, path = "/api/v1/return-shipments", tag = "parts-return", request_body = ProposeBody,
    responses((status = 201, description = "the shipment"), (status = 422)))]
pub async fn propose(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ProposeBody>,
) -> ApiResult<impl IntoResponse> {
    let input = ProposeInput { brand: body.brand, store_id: body.store_id };
    Ok((StatusCode::CREATED, Json(returns::propose(&state.app, &actor, input).await?)))
}

/// One shipment with its boxes, parts, inspection results and debits.
#[utoipa::path(get, path = "/api/v1/return-shipments/{id}", tag = "parts-return", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn get_shipment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(returns::get_shipment(&state.app, &actor, &id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ShipmentActionBody {
    #[serde(default)]
    pub carrier: String,
    #[serde(default)]
    pub tracking_no: String,
    /// `YYYY-MM-DD`.
    pub received_on: Option<String>,
    /// The inspection, one entry per part: `{"tag": "WC…-02", "result": "accepted|rejected|missing", "reason"}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Value>,
    pub version: Option<i64>,
}

/// A state change: `pack` (boxes by the brand's limits; every part weighed), `unpack`, `ship` (carrier and
/// tracking number), `receive`, `inspect` (the manufacturer's result per part; rejected and missing parts
/// become debits on their claims) or `cancel`.
#[utoipa::path(post, path = "/api/v1/return-shipments/{id}/{action}", tag = "parts-return",
    params(("id" = String, Path), ("action" = String, Path, description = "pack, unpack, ship, receive, inspect, cancel")),
    request_body = ShipmentActionBody,
    responses((status = 200, description = "the shipment"), (status = 404), (status = 409, description = "not allowed in the current state"), (status = 422)))]
pub async fn shipment_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<ShipmentActionBody>,
) -> ApiResult<impl IntoResponse> {
    let items = body
        .items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            serde_json::from_value(item).map_err(|_| {
                claimdesk_domain::Violation::new(format!("items[{index}]"), "unknown_value")
                    .with("detail", "{tag, result, reason}")
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|v| ApiError(AppError::invalid(v)))?;
    let input = ShipmentActionInput {
        carrier: body.carrier,
        tracking_no: body.tracking_no,
        received_on: body.received_on,
        items,
        version: body.version,
    };
    Ok(Json(returns::act(&state.app, &actor, &id, &action, input).await?))
}

/// The latest scrap records (旧件报废记录).
#[utoipa::path(get, path = "/api/v1/part-scraps", tag = "parts-return", responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn list_scraps(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    let items = returns::list_scraps(&state.app, &actor).await?;
    let total = items.len() as i64;
    let request = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
    Ok(Json(Page::new(items, total, request, i64::MAX)))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ScrapBody {
    pub store_id: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// Scraps every part not wanted back whose hold period is over, under one record (422 `nothing_to_scrap`).
#[utoipa::path(post, path = "/api/v1/part-scraps", tag = "parts-return", request_body = ScrapBody,
    responses((status = 201, description = "the scrap record with its tag numbers"), (status = 422)))]
pub async fn scrap(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ScrapBody>,
) -> ApiResult<impl IntoResponse> {
    let input = ScrapInput { store_id: body.store_id, note: body.note };
    Ok((
        StatusCode::CREATED,
        Json(returns::scrap_due(&state.app, &actor, input.store_id.as_deref(), &input.note).await?),
    ))
}
