//! Files on records (photos, invoices, checklists, documents): upload, list, read, remove.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use claimdesk_app::attachments::{self, Owner, Upload};
use claimdesk_domain::Violations;
use claimdesk_domain::attachment::OwnerKind;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiActor, ApiUpload};

#[derive(Debug, Default, Deserialize)]
pub struct OwnerQuery {
    #[serde(default)]
    pub owner_kind: String,
    #[serde(default)]
    pub owner_id: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

fn owner(kind: &str, id: &str) -> Result<Owner, ApiError> {
    let mut violations = Violations::new();
    let kind = violations.check(OwnerKind::parse(kind));
    if id.trim().is_empty() {
        violations.push(claimdesk_domain::Violation::new("owner_id", "required"));
    }
    match kind {
        Some(kind) if violations.is_empty() => Ok(Owner::new(kind, id.trim())),
        _ => Err(ApiError(violations.into())),
    }
}

/// The files of one record (`owner_kind`: warranty_claim, insurance_claim, repair_order), oldest first.
#[utoipa::path(get, path = "/api/v1/attachments", tag = "attachments",
    params(("owner_kind" = String, Query), ("owner_id" = String, Query)),
    responses((status = 200, description = "`{items, total, page, per_page}`"), (status = 404), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<OwnerQuery>,
) -> ApiResult<impl IntoResponse> {
    let items = attachments::list(&state.app, &actor, owner(&query.owner_kind, &query.owner_id)?).await?;
    let total = items.len();
    Ok(Json(json!({ "items": items, "total": total, "page": 1, "per_page": total.max(1) })))
}

/// Adds a file to a record: a multipart form with `owner_kind`, `owner_id`, `kind` (photo, invoice,
/// checklist, document), optional `note` and the `file` part; or the file as the body with those in the
/// query (and its name in `X-File-Name`). The type is decided from the bytes (JPEG, PNG, WebP, PDF); files
/// over the limit answer 422 `file_too_large`.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments",
    params(("owner_kind" = Option<String>, Query), ("owner_id" = Option<String>, Query), ("kind" = Option<String>, Query), ("note" = Option<String>, Query)),
    request_body(description = "multipart form or the raw file", content(("multipart/form-data"), ("image/jpeg"), ("image/png"), ("image/webp"), ("application/pdf"))),
    responses((status = 201, description = "the attachment record"), (status = 403), (status = 404), (status = 422)))]
pub async fn upload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<OwnerQuery>,
    request: Request,
) -> Response {
    let sent = match ApiUpload::read(&state, request).await {
        Ok(sent) => sent,
        Err(response) => return response,
    };
    let pick = |name: &str, from_query: &str| {
        let value = sent.fields.get(name);
        if value.is_empty() { from_query.to_string() } else { value.to_string() }
    };
    let owner = match owner(&pick("owner_kind", &query.owner_kind), &pick("owner_id", &query.owner_id)) {
        Ok(owner) => owner,
        Err(error) => return error.into_response(),
    };
    let upload = Upload {
        kind: pick("kind", query.kind.as_deref().unwrap_or("document")),
        note: pick("note", query.note.as_deref().unwrap_or_default()),
        file_name: sent.file_name,
        bytes: sent.bytes,
    };
    match attachments::upload(&state.app, &actor, owner, upload).await {
        Ok(row) => (StatusCode::CREATED, Json(row)).into_response(),
        Err(error) => ApiError(error).into_response(),
    }
}

/// One attachment's record.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(attachments::get(&state.app, &actor, &id).await?))
}

/// The file's bytes, with its content type.
#[utoipa::path(get, path = "/api/v1/attachments/{id}/content", tag = "attachments", params(("id" = String, Path)), responses((status = 200, description = "the file"), (status = 404)))]
pub async fn content(State(state): State<AppState>, ApiActor(actor): ApiActor, Path(id): Path<String>) -> Response {
    match crate::ui::attachments::file_response(&state, &actor, &id).await {
        Ok(response) => response,
        Err(error) => ApiError(error).into_response(),
    }
}

/// Takes the file off its record; the audit trail keeps what was removed.
#[utoipa::path(post, path = "/api/v1/attachments/{id}/remove", tag = "attachments", params(("id" = String, Path)), responses((status = 200), (status = 403), (status = 404)))]
pub async fn remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(attachments::remove(&state.app, &actor, &id).await?))
}
