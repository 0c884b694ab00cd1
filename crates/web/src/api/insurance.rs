//! Motor insurance: insurers (admin), policies sold as agent, and the claims with their workflow.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::insurance::claims::{self, AssessmentInput, ClaimInput, ClaimListQuery, DocumentInput, StepInput};
use claimdesk_app::insurance::commission::{self, PayRuleInput};
use claimdesk_app::insurance::insurers::{self, ChecklistInput, CoverRateInput, InsurerInput};
use claimdesk_app::insurance::policies::{self, NewPolicy, PolicyAction, PolicyListQuery};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiActor, ApiJson};

#[derive(Debug, Default, Deserialize)]
pub struct StoreQuery {
    pub store_id: Option<String>,
}

/// The insurers the store is agent for.
#[utoipa::path(get, path = "/api/v1/insurers", tag = "insurance", params(("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn list_insurers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<StoreQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(insurers::list(&state.app, &actor, query.store_id.as_deref()).await?))
}

/// Adds an insurer (store admin).
#[utoipa::path(post, path = "/api/v1/insurers", tag = "insurance", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn create_insurer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<InsurerInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(insurers::create(&state.app, &actor, body).await?)))
}

/// One insurer with its covers and commission rates.
#[utoipa::path(get, path = "/api/v1/insurers/{id}", tag = "insurance", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get_insurer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(insurers::get(&state.app, &actor, &id).await?))
}

/// Changes an insurer (store admin).
#[utoipa::path(put, path = "/api/v1/insurers/{id}", tag = "insurance", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 422)))]
pub async fn put_insurer(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InsurerInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(insurers::update(&state.app, &actor, &id, body).await?))
}

/// Adds a cover with its commission rate from a date on (store admin).
#[utoipa::path(post, path = "/api/v1/insurers/{id}/covers", tag = "insurance", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 201), (status = 404), (status = 422)))]
pub async fn add_cover(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CoverRateInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(insurers::add_cover(&state.app, &actor, &id, body).await?)))
}

/// The document checklists (单证) per claim type.
#[utoipa::path(get, path = "/api/v1/claim-checklists", tag = "insurance", params(("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn checklists(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<StoreQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(insurers::checklists(&state.app, &actor, query.store_id.as_deref()).await?))
}

/// Replaces a claim type's document checklist (store admin).
#[utoipa::path(post, path = "/api/v1/claim-checklists", tag = "insurance", request_body = serde_json::Value, responses((status = 200), (status = 422)))]
pub async fn set_checklist(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ChecklistInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(insurers::set_checklist(&state.app, &actor, body).await?))
}

/// Lists policies, newest first, or by expiry with `ends_from`/`ends_to`.
#[utoipa::path(get, path = "/api/v1/insurance-policies", tag = "insurance",
    params(("q" = Option<String>, Query, description = "policy-number prefix"), ("insurer_id" = Option<String>, Query), ("vehicle_id" = Option<String>, Query), ("ends_from" = Option<String>, Query), ("ends_to" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200)))]
pub async fn list_policies(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<PolicyListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(policies::list(&state.app, &actor, query).await?))
}

/// Records a policy from the purchase invoice and the owner's ID; renewal reminders come due before expiry.
#[utoipa::path(post, path = "/api/v1/insurance-policies", tag = "insurance", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn create_policy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewPolicy>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(policies::create(&state.app, &actor, body).await?)))
}

/// One policy with its covers and the customer's explanation of each.
#[utoipa::path(get, path = "/api/v1/insurance-policies/{id}", tag = "insurance", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get_policy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(policies::get(&state.app, &actor, &id).await?))
}

/// `collect` (the premium is in) or `renewal` (`{"outcome": "renewed" | "renewed_elsewhere" | "declined" | "unreachable"}`).
#[utoipa::path(post, path = "/api/v1/insurance-policies/{id}/{action}", tag = "insurance",
    params(("id" = String, Path), ("action" = String, Path, description = "collect, renewal")), request_body = serde_json::Value,
    responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn policy_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<PolicyAction>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(policies::act(&state.app, &actor, &id, &action, body).await?))
}

/// Lists claims, newest first.
#[utoipa::path(get, path = "/api/v1/insurance-claims", tag = "insurance",
    params(("q" = Option<String>, Query, description = "claim-number prefix"), ("status" = Option<String>, Query), ("vehicle_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200)))]
pub async fn list_claims(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<ClaimListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(claims::list(&state.app, &actor, query).await?))
}

/// 接报案: a claim with the accident time (a report after 48 hours is flagged, never refused) and the reporter
/// (for someone else: the reporter's ID and the insured's authorisation).
#[utoipa::path(post, path = "/api/v1/insurance-claims", tag = "insurance", request_body = serde_json::Value, responses((status = 201), (status = 422)))]
pub async fn create_claim(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ClaimInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(claims::create(&state.app, &actor, body).await?)))
}

/// One claim with its steps, documents, assessment lines, notes and the split between insurers and customer.
#[utoipa::path(get, path = "/api/v1/insurance-claims/{id}", tag = "insurance", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get_claim(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(claims::get(&state.app, &actor, &id).await?))
}

/// Records the loss assessment (定损): lines, liability and the other vehicles.
#[utoipa::path(put, path = "/api/v1/insurance-claims/{id}/assessment", tag = "insurance", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409), (status = 422)))]
pub async fn put_assessment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(claims::assess(&state.app, &actor, &id, body).await?))
}

/// Marks a document of the checklist received (signed for) or missing.
#[utoipa::path(post, path = "/api/v1/insurance-claims/{id}/documents", tag = "insurance", params(("id" = String, Path)), request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 422)))]
pub async fn claim_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DocumentInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(claims::receive_document(&state.app, &actor, &id, body).await?))
}

/// A workflow step: `dispatch`, `assess`, `verify_loss`, `adjust`, `approve`, `pay`, `close` or `withdraw`.
#[utoipa::path(post, path = "/api/v1/insurance-claims/{id}/{action}", tag = "insurance",
    params(("id" = String, Path), ("action" = String, Path, description = "dispatch, assess, verify_loss, adjust, approve, pay, close, withdraw")),
    request_body = serde_json::Value,
    responses((status = 200), (status = 404), (status = 409, description = "not allowed in the current state"), (status = 422)))]
pub async fn claim_step(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<StepInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(claims::step(&state.app, &actor, &id, &action.replace('-', "_"), body).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    pub month: String,
    pub store_id: Option<String>,
}

/// The month's commission statement per specialist: base pay, the share of the policies' commission and
/// the percentage of the accident repairs brought in.
#[utoipa::path(get, path = "/api/v1/insurance-commission", tag = "insurance", params(("month" = String, Query, description = "YYYY-MM"), ("store_id" = Option<String>, Query)), responses((status = 200), (status = 422)))]
pub async fn commission(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<MonthQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(commission::statement(&state.app, &actor, &query.month, query.store_id.as_deref()).await?))
}

/// Sets a specialist's pay rule from a month on (store admin).
#[utoipa::path(post, path = "/api/v1/insurance-pay-rules", tag = "insurance", request_body = serde_json::Value, responses((status = 200), (status = 422)))]
pub async fn set_pay_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<PayRuleInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(commission::set_pay_rule(&state.app, &actor, body).await?))
}
