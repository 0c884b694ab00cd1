//! Errors at the edge: the API's envelope and the UI's error page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use claimdesk_app::AppError;
use claimdesk_domain::Violations;
use serde_json::{Value, json};

use crate::messages::{Catalog, Locale};

/// The status that fits an error.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The envelope's top-level code.
pub fn code_of(error: &AppError) -> &'static str {
    match error {
        AppError::Invalid(_) => "invalid_input",
        AppError::Unauthenticated => "unauthenticated",
        AppError::Forbidden => "forbidden",
        AppError::NotFound => "not_found",
        AppError::Conflict(code) => code,
        AppError::Throttled => "throttled",
        AppError::Internal(_) => "internal",
    }
}

/// The field list of the envelope, each message in both languages.
pub fn fields_json(violations: &Violations) -> Vec<Value> {
    let catalog = Catalog::get();
    violations
        .iter()
        .map(|violation| {
            json!({
                "field": if violation.field.is_empty() { "input" } else { violation.field.as_str() },
                "code": violation.code,
                "message_zh": catalog.violation(Locale::Zh, violation),
                "message_en": catalog.violation(Locale::En, violation),
                "params": violation.params,
            })
        })
        .collect()
}

/// `{"error": {"code", "message_zh", "message_en", "fields"}}`.
pub fn envelope(code: &str, params: &[(&str, &str)], violations: Option<&Violations>) -> Value {
    let catalog = Catalog::get();
    let fields = violations.map(fields_json).unwrap_or_default();
    json!({
        "error": {
            "code": code,
            "message_zh": catalog.format(Locale::Zh, code, params.iter().copied()),
            "message_en": catalog.format(Locale::En, code, params.iter().copied()),
            "fields": fields,
        }
    })
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let body = match &self.0 {
            AppError::Invalid(violations) => envelope("invalid_input", &[], Some(violations)),
            AppError::Internal(error) => {
                let request_id = claimdesk_app::new_id();
                tracing::error!(%request_id, error = ?error, "internal error");
                envelope("internal", &[("request_id", &request_id)], None)
            }
            other => envelope(code_of(other), &[], None),
        };
        (status, Json(body)).into_response()
    }
}

/// A plain envelope for edge errors that never reach a service (bad JSON, unknown rule).
pub fn edge_error(status: StatusCode, code: &str, params: &[(&str, &str)]) -> Response {
    (status, Json(envelope(code, params, None))).into_response()
}

pub type ApiResult<T> = Result<T, ApiError>;
