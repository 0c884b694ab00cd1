//! After-sales follow-up (`/api/v1/follow-ups/…`): archive, calls, complaints, events, registers, stand-ins,
//! the board and the summaries. Lists answer `{"items", "total", "page", "per_page"}` with every match on
//! one page (they are bounded by period or by store).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::AppError;
use claimdesk_app::follow_up::{self, ArchiveInput, CallForm, EventInput, StandInInput};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

#[derive(Serialize)]
struct List<T> {
    total: usize,
    page: i64,
    per_page: usize,
    items: Vec<T>,
}

fn list<T: Serialize>(items: Vec<T>) -> Json<List<T>> {
    Json(List { total: items.len(), page: 1, per_page: items.len().max(1), items })
}

#[derive(Debug, Default, Deserialize)]
pub struct Period {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    open: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Text {
    #[serde(default)]
    text: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Draft {
    period_kind: String,
    period: String,
}

/// The customer archive (客户档案基本资料表) with calls, due items and the computed next maintenance.
#[utoipa::path(get, path = "/api/v1/follow-ups/customers/{id}", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn archive(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::archive(&state.app, &actor, &id).await?))
}

/// Completes the archive: intervals, wanted services, the next contact; closes the archive due item.
#[utoipa::path(post, path = "/api/v1/follow-ups/customers/{id}/archive", tag = "follow-ups", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 422)))]
pub async fn complete_archive(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ArchiveInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::complete_archive(&state.app, &actor, &id, body).await?))
}

/// Records a call (`kind`, `outcome`, `topics`, `answers`, `satisfaction`, `complaint`, …).
#[utoipa::path(post, path = "/api/v1/follow-ups/calls", tag = "follow-ups", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn record_call(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CallForm>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(follow_up::record_call(&state.app, &actor, body).await?)))
}

/// The call record, call register and letter register of a period (`from`, `to`).
#[utoipa::path(get, path = "/api/v1/follow-ups/registers", tag = "follow-ups", params(("from" = String, Query), ("to" = String, Query)), responses((status = 200), (status = 422)))]
pub async fn registers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(period): Query<Period>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(
        follow_up::registers(
            &state.app,
            &actor,
            period.from.as_deref().unwrap_or(""),
            period.to.as_deref().unwrap_or(""),
        )
        .await?,
    ))
}

/// Complaints opened in a period, or every open one (`open=true`).
#[utoipa::path(get, path = "/api/v1/follow-ups/complaints", tag = "follow-ups", responses((status = 200)))]
pub async fn complaints(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(period): Query<Period>,
) -> ApiResult<impl IntoResponse> {
    let items = follow_up::list_complaints(
        &state.app,
        &actor,
        period.from.as_deref().unwrap_or("0000-01-01"),
        period.to.as_deref().unwrap_or("9999-12-31"),
        period.open.unwrap_or(false),
    )
    .await?;
    Ok(list(items))
}

#[utoipa::path(get, path = "/api/v1/follow-ups/complaints/{id}", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn complaint(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::complaint(&state.app, &actor, &id).await?))
}

/// `escalate`, `solve` (`{"text": solution}`) or `tell_customer`.
#[utoipa::path(post, path = "/api/v1/follow-ups/complaints/{id}/{action}", tag = "follow-ups", params(("id" = String, Path), ("action" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 409), (status = 422)))]
pub async fn complaint_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<Text>,
) -> ApiResult<impl IntoResponse> {
    let view = match action.as_str() {
        "escalate" => follow_up::escalate(&state.app, &actor, &id).await?,
        "solve" => follow_up::solve(&state.app, &actor, &id, &body.text).await?,
        "tell_customer" => follow_up::tell_customer(&state.app, &actor, &id, &body.text).await?,
        _ => return Err(AppError::NotFound.into()),
    };
    Ok(Json(view))
}

#[utoipa::path(get, path = "/api/v1/follow-ups/events", tag = "follow-ups", responses((status = 200)))]
pub async fn events(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(list(follow_up::list_events(&state.app, &actor).await?))
}

/// Creates an event, picks its customers and puts the notice calls on the worklists.
#[utoipa::path(post, path = "/api/v1/follow-ups/events", tag = "follow-ups", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn create_event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<EventInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(follow_up::create_event(&state.app, &actor, body).await?)))
}

#[utoipa::path(get, path = "/api/v1/follow-ups/events/{id}", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::event(&state.app, &actor, &id).await?))
}

/// Writes the letters of the customers phoned about the event; answers how many.
#[utoipa::path(post, path = "/api/v1/follow-ups/events/{id}/letters", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200)))]
pub async fn send_letters(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(serde_json::json!({"letters": follow_up::send_letters(&state.app, &actor, &id).await?})))
}

#[utoipa::path(get, path = "/api/v1/follow-ups/stand-ins", tag = "follow-ups", responses((status = 200)))]
pub async fn stand_ins(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(list(follow_up::list_stand_ins(&state.app, &actor).await?))
}

/// The supervisor names a stand-in for an absence (`absent_user_id`, `stand_in_user_id`, `from_on`, `to_on`).
#[utoipa::path(post, path = "/api/v1/follow-ups/stand-ins", tag = "follow-ups", request_body = serde_json::Value, responses((status = 201), (status = 403), (status = 422)))]
pub async fn assign_stand_in(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<StandInInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(follow_up::assign_stand_in(&state.app, &actor, body).await?)))
}

#[utoipa::path(post, path = "/api/v1/follow-ups/stand-ins/{id}/revoke", tag = "follow-ups", params(("id" = String, Path)), responses((status = 204), (status = 409)))]
pub async fn revoke_stand_in(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    follow_up::revoke_stand_in(&state.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The supervisor's board for a period (this month by default).
#[utoipa::path(get, path = "/api/v1/follow-ups/board", tag = "follow-ups", responses((status = 200)))]
pub async fn board(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(period): Query<Period>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::board(&state.app, &actor, period.from.as_deref(), period.to.as_deref()).await?))
}

#[utoipa::path(get, path = "/api/v1/follow-ups/summaries", tag = "follow-ups", responses((status = 200)))]
pub async fn summaries(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(list(follow_up::list_summaries(&state.app, &actor).await?))
}

/// Drafts the monthly (`period_kind` = `month`, `period` = `YYYY-MM`) or yearly summary from the data.
#[utoipa::path(post, path = "/api/v1/follow-ups/summaries", tag = "follow-ups", request_body = serde_json::Value, responses((status = 201), (status = 409), (status = 422)))]
pub async fn draft_summary(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<Draft>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(follow_up::draft_summary(&state.app, &actor, &body.period_kind, &body.period).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/follow-ups/summaries/{id}", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn summary(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::summary(&state.app, &actor, &id).await?))
}

/// Changes the summary's text (`{"text"}`) while it is a draft.
#[utoipa::path(patch, path = "/api/v1/follow-ups/summaries/{id}", tag = "follow-ups", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 409)))]
pub async fn save_summary(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Text>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::save_summary(&state.app, &actor, &id, &body.text).await?))
}

/// Files the summary; it is kept unchanged from then on.
#[utoipa::path(post, path = "/api/v1/follow-ups/summaries/{id}/file", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200), (status = 409)))]
pub async fn file_summary(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::file_summary(&state.app, &actor, &id, None).await?))
}
