//! After-sales follow-up (`/api/v1/follow-ups/…`): archive, calls, complaints, events, registers, stand-ins,
//! the board and the summaries, settings, consultation visits and reply letters. Lists take
//! `?page=&per_page=` and answer `{"items", "total", "page", "per_page"}` (totals stop at 10,000).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::AppError;
use claimdesk_app::follow_up::{
    self, ArchiveInput, CallForm, ConsultationInput, EventInput, RegisterForm, ReplyInput, SettingsInput, StandInInput,
};
use claimdesk_app::page::PageRequest;
use claimdesk_domain::followup::FollowUpSettings;
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

#[derive(Debug, Default, Deserialize)]
pub struct Period {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    open: Option<bool>,
    /// The register: `call_record` (default), `call_register` or `letter_register`.
    #[serde(default)]
    form: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    per_page: Option<i64>,
}

impl Period {
    fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    per_page: Option<i64>,
}

impl Paging {
    fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
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

/// One register of a period (`from`, `to`), a page at a time: `form=call_record` (跟踪服务电话记录表, the
/// calls with the script's answers; the default), `call_register` (电话登记表, the same calls) or
/// `letter_register` (信函登记表, the letters).
#[utoipa::path(get, path = "/api/v1/follow-ups/registers", tag = "follow-ups",
    params(("form" = Option<String>, Query, description = "call_record, call_register or letter_register"),
        ("from" = String, Query), ("to" = String, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}"), (status = 422)))]
pub async fn registers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(period): Query<Period>,
) -> ApiResult<impl IntoResponse> {
    let form = RegisterForm::parse(period.form.as_deref())?;
    Ok(Json(
        follow_up::register_page(
            &state.app,
            &actor,
            form,
            period.from.as_deref().unwrap_or(""),
            period.to.as_deref().unwrap_or(""),
            period.page(),
        )
        .await?,
    ))
}

/// Complaints opened in a period, or every open one (`open=true`), a page at a time.
#[utoipa::path(get, path = "/api/v1/follow-ups/complaints", tag = "follow-ups",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query), ("open" = Option<bool>, Query),
        ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn complaints(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(period): Query<Period>,
) -> ApiResult<impl IntoResponse> {
    let page = follow_up::complaints_page(
        &state.app,
        &actor,
        period.from.as_deref().unwrap_or("0000-01-01"),
        period.to.as_deref().unwrap_or("9999-12-31"),
        period.open.unwrap_or(false),
        period.page(),
    )
    .await?;
    Ok(Json(page))
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

/// Events, latest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/follow-ups/events", tag = "follow-ups",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn events(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(paging): Query<Paging>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::events_page(&state.app, &actor, paging.page()).await?))
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

/// Stand-ins (代班), latest first, revoked ones included (every reassignment stays on record).
#[utoipa::path(get, path = "/api/v1/follow-ups/stand-ins", tag = "follow-ups",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn stand_ins(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(paging): Query<Paging>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::stand_ins_page(&state.app, &actor, paging.page()).await?))
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

/// Monthly and yearly summaries, latest period first.
#[utoipa::path(get, path = "/api/v1/follow-ups/summaries", tag = "follow-ups",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn summaries(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(paging): Query<Paging>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::summaries_page(&state.app, &actor, paging.page()).await?))
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

/// The planned next contacts (maintenance reminder, event, offer, free inspection) and lost-customer calls
/// still open, ordered by staff member and date (F2).
#[utoipa::path(get, path = "/api/v1/follow-ups/next-contacts", tag = "follow-ups",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn next_contacts(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(paging): Query<Paging>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::next_contacts_page(&state.app, &actor, paging.page()).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct NextContact {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    on: String,
}

/// Plans (or re-plans) a customer's next contact: `{"reason": "offer", "on": "2024-06-01"}`.
#[utoipa::path(post, path = "/api/v1/follow-ups/customers/{id}/next-contact", tag = "follow-ups", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 204), (status = 404), (status = 422)))]
pub async fn plan_next_contact(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NextContact>,
) -> ApiResult<impl IntoResponse> {
    follow_up::plan_next_contact(&state.app, &actor, &id, &body.reason, &body.on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Puts the customers not seen for more than the store's lost-customer months on their follow-up
/// person's worklist (流失客户回访); answers how many were added.
#[utoipa::path(post, path = "/api/v1/follow-ups/lost-customers", tag = "follow-ups", responses((status = 200)))]
pub async fn lost_customers(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(Json(serde_json::json!({"added": follow_up::generate_lost_customers(&state.app, &actor).await?})))
}

/// Records a consultation visit (咨询来访: `{"visited_on", "purpose", "note"}`): the archive is due within 2
/// days and the first call on days 3–7, as after a handover.
#[utoipa::path(post, path = "/api/v1/follow-ups/customers/{id}/visits", tag = "follow-ups", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 201), (status = 404), (status = 422)))]
pub async fn record_visit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConsultationInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(follow_up::record_consultation(&state.app, &actor, &id, body).await?)))
}

/// Consultation visits of a period (`from`, `to`), a page at a time.
#[utoipa::path(get, path = "/api/v1/follow-ups/visits", tag = "follow-ups",
    params(("from" = String, Query), ("to" = String, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}"), (status = 422)))]
pub async fn visits(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(period): Query<Period>,
) -> ApiResult<impl IntoResponse> {
    let (from, to) = (period.from.as_deref().unwrap_or(""), period.to.as_deref().unwrap_or(""));
    Ok(Json(follow_up::visits_page(&state.app, &actor, from, to, period.page()).await?))
}

/// The store's follow-up settings (跟踪服务规范): every day count, the defaults, and the version to send back.
#[utoipa::path(get, path = "/api/v1/follow-ups/settings", tag = "follow-ups", responses((status = 200)))]
pub async fn settings(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::follow_up_settings(&state.app, &actor, None).await?))
}

/// Replaces the store's follow-up settings (store admin or supervisor): `{"archive_days": 2, …,
/// "version": 3}`; a count left out takes its default. 409 when someone saved in between.
#[utoipa::path(put, path = "/api/v1/follow-ups/settings", tag = "follow-ups", request_body = serde_json::Value, responses((status = 200), (status = 403), (status = 409), (status = 422)))]
pub async fn save_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(mut body): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    let version = super::version_of(&body);
    let store_id = body.get("store_id").and_then(Value::as_str).map(str::to_string);
    if let Value::Object(map) = &mut body {
        map.remove("version");
        map.remove("store_id");
    }
    let settings: FollowUpSettings =
        claimdesk_domain::rules::parse_input(body).map_err(claimdesk_app::AppError::Invalid)?;
    let input = SettingsInput { settings, version, store_id };
    Ok(Json(follow_up::save_follow_up_settings(&state.app, &actor, input).await?))
}

/// Writes a reply letter (答复函) about a complaint or request (`{"subject", "body"}`; the body defaults to
/// the recorded solution) and registers it in the letter register.
#[utoipa::path(post, path = "/api/v1/follow-ups/complaints/{id}/letters", tag = "follow-ups", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 201), (status = 404), (status = 422)))]
pub async fn write_reply(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplyInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(follow_up::write_reply(&state.app, &actor, &id, body).await?)))
}

/// One registered letter.
#[utoipa::path(get, path = "/api/v1/follow-ups/letters/{id}", tag = "follow-ups", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn letter(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(follow_up::letter(&state.app, &actor, &id).await?))
}
