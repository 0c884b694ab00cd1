//! `POST /api/v1/auth/token` and token management.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use claimdesk_app::{AppError, auth};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::error::{ApiResult, edge_error};
use crate::extract::{ApiActor, ApiJson, remote_of};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// Exchanges a username and password for an API token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, description = "`{\"token\": \"…\"}`"), (status = 401, description = "wrong login"), (status = 429, description = "too many failures")))]
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TokenRequest>,
) -> impl IntoResponse {
    match auth::token_for_password(&state.app, &body.username, &body.password, &remote_of(&headers)).await {
        Ok(token) => (StatusCode::OK, Json(json!({ "token": token }))).into_response(),
        Err(AppError::Unauthenticated) => edge_error(StatusCode::UNAUTHORIZED, "login_failed", &[]),
        Err(error) => crate::error::ApiError(error).into_response(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    #[serde(default)]
    pub name: String,
}

/// Lists the caller's tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth", responses((status = 200)))]
pub async fn list(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(Json(json!({ "items": auth::list_tokens(&state.app, &actor).await? })))
}

/// Creates a named token for the caller; the secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = NewToken, responses((status = 201)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<impl IntoResponse> {
    let (secret, info) = auth::create_token(&state.app, &actor, &body.name).await?;
    Ok((StatusCode::CREATED, Json(json!({ "token": secret, "id": info.id, "name": info.name }))))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "auth", params(("id" = String, Path)), responses((status = 200)))]
pub async fn revoke(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    auth::revoke_token(&state.app, &actor, &id).await?;
    Ok(Json(json!({ "revoked": id })))
}
