//! The regulation rules: `POST /api/v1/rules/{rule}`, the same answers as `claimdesk rules eval`.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::extract::ApiJson;

/// Every rule with its summary, basis and a worked example.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", responses((status = 200)))]
pub async fn list() -> impl IntoResponse {
    Json(json!({ "items": crate::rules::catalogue() }))
}

/// Evaluates one rule on the JSON input; see the docs page for each rule's input and output.
#[utoipa::path(post, path = "/api/v1/rules/{rule}", tag = "rules", params(("rule" = String, Path)), request_body = Value,
    responses((status = 200, description = "the rule's output"), (status = 404, description = "no such rule"), (status = 422, description = "input errors")))]
pub async fn eval(Path(rule): Path<String>, ApiJson(input): ApiJson<Value>) -> Response {
    match crate::rules::eval(&rule, input) {
        Ok(output) => Json(output).into_response(),
        Err(error) => {
            let status =
                if error["code"] == "unknown_rule" { StatusCode::NOT_FOUND } else { StatusCode::UNPROCESSABLE_ENTITY };
            (status, Json(json!({ "error": error }))).into_response()
        }
    }
}
