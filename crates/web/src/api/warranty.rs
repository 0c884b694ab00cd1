//! Warranty claims (三包索赔) and the manufacturer's settings: what the clerk's tools and the manufacturer's
//! system call. Money is a decimal string; a claim of another store answers 404.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::AppError;
use claimdesk_app::warranty::{self, ActionInput, CatalogueKind, ClaimInput, ClaimListQuery};
use claimdesk_domain::warranty::checks::CheckRule;
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_domain::{Violation, Violations};
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiActor, ApiJson};

/// Lists claims, newest first, with filters; `total` is counted up to the count cap (10,000).
#[utoipa::path(get, path = "/api/v1/warranty-claims", tag = "warranty-claims",
    params(("state" = Option<String>, Query, description = "draft, checked, submitted, approved, partly_approved, rejected, returned, resubmitted, settled, cancelled"),
        ("vin" = Option<String>, Query, description = "VIN prefix"), ("q" = Option<String>, Query, description = "claim number prefix"),
        ("failure_code" = Option<String>, Query), ("from" = Option<String>, Query, description = "repair date from, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "repair date to, YYYY-MM-DD"), ("clerk_id" = Option<String>, Query),
        ("part_no" = Option<String>, Query, description = "a part number or labour operation code on one of the claim's lines"),
        ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<ClaimListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(warranty::list(&state.app, &actor, query).await?))
}

/// Opens a claim from a repair order. Without `lines` the repair order's warranty lines are copied; the 三包
/// eligibility is decided and saved with the claim.
#[utoipa::path(post, path = "/api/v1/warranty-claims", tag = "warranty-claims", request_body = serde_json::Value,
    responses((status = 201, description = "the claim"), (status = 422, description = "field errors")))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ClaimInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(warranty::create(&state.app, &actor, body).await?)))
}

/// One claim with its lines, eligibility basis, check findings, decision, versions and returns.
#[utoipa::path(get, path = "/api/v1/warranty-claims/{id}", tag = "warranty-claims", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(warranty::get(&state.app, &actor, &id).await?))
}

/// Changes a claim (JSON merge patch on its content). Before submission it goes back to draft; after a
/// return or a decision the content sent is kept as a version and the content version goes up.
#[utoipa::path(patch, path = "/api/v1/warranty-claims/{id}", tag = "warranty-claims", params(("id" = String, Path)),
    request_body = serde_json::Value,
    responses((status = 200), (status = 404), (status = 409, description = "submitted and waiting for the manufacturer, or a stale version"), (status = 422)))]
pub async fn patch(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    let current = warranty::get(&state.app, &actor, &id).await?;
    let mut merged = serde_json::to_value(current.to_input()).map_err(|e| ApiError(AppError::Internal(e.into())))?;
    let expected = super::version_of(&body);
    super::merge_patch(&mut merged, body);
    let mut input: ClaimInput = claimdesk_domain::rules::parse_input(merged).map_err(AppError::Invalid)?;
    input.version = expected;
    Ok(Json(warranty::update(&state.app, &actor, &id, input).await?))
}

/// The body of a state change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// A return's reason (退回原因).
    #[serde(default)]
    pub reason: String,
    /// The decision, one verdict per line in line order: `{"verdict": "approved"}`,
    /// `{"verdict": "cut", "amount": "200.00", "reason": "…"}` or `{"verdict": "deducted", "reason": "…"}`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<Value>,
    /// Override reasons for warnings by rule id, e.g. `{"hours_above_standard": "厂家特批"}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub overrides: std::collections::BTreeMap<String, String>,
}

/// The findings that stop a claim, as field errors.
fn stopping(findings: &[warranty::FindingView], overrides: &std::collections::BTreeMap<String, String>) -> Violations {
    let mut violations = Violations::new();
    for finding in findings {
        let overridden =
            finding.severity == "warn" && overrides.get(&finding.rule).is_some_and(|r| !r.trim().is_empty());
        if finding.severity == "off" || overridden {
            continue;
        }
        let code = CheckRule::ALL
            .into_iter()
            .find(|r| r.as_str() == finding.rule)
            .map(CheckRule::code)
            .unwrap_or("invalid_input");
        let mut violation = Violation::new(finding.field.clone(), code);
        for (name, value) in &finding.params {
            if let Some(name) = PARAM_NAMES.iter().find(|n| **n == name) {
                violation = violation.with(name, value);
            }
        }
        violations.push(violation);
    }
    violations
}

/// The parameter names the check messages use.
const PARAM_NAMES: [&str; 11] =
    ["claim_no", "date", "days", "previous", "found", "code", "standard", "part_no", "catalogue", "until", "mileage"];

/// A state change: `check` (the mis-claim checks; 422 with each stopping finding when it does not pass, the
/// findings saved either way), `submit`, `decide` (line verdicts), `return` (a reason), `resubmit` (the checks
/// run again), `settle`, `cancel` or `edit` (back to draft); on a goodwill claim before submission,
/// `goodwill-approve` or `goodwill-refuse` (`reason` required) by the person holding the chain's next role.
#[utoipa::path(post, path = "/api/v1/warranty-claims/{id}/{action}", tag = "warranty-claims",
    params(("id" = String, Path), ("action" = String, Path, description = "check, submit, decide, return, resubmit, settle, cancel, edit, goodwill-approve, goodwill-refuse")),
    request_body = ActionBody,
    responses((status = 200, description = "the claim"), (status = 404), (status = 409, description = "not allowed in the current state"), (status = 422, description = "stopped by a mis-claim check, or bad verdicts")))]
pub async fn action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<ActionBody>,
) -> ApiResult<impl IntoResponse> {
    let action = action.replace('-', "_");
    if let Some(approve) = match action.as_str() {
        "goodwill_approve" => Some(true),
        "goodwill_refuse" => Some(false),
        _ => None,
    } {
        let decision = warranty::goodwill::GoodwillDecision { note: body.reason };
        return Ok(Json(warranty::goodwill::decide_goodwill(&state.app, &actor, &id, approve, decision).await?));
    }
    if action == "check" {
        let outcome = warranty::check(&state.app, &actor, &id, body.overrides).await?;
        if !outcome.passed {
            return Err(ApiError(AppError::Invalid(stopping(&outcome.claim.findings, &outcome.claim.overrides))));
        }
        return Ok(Json(outcome.claim));
    }
    let lines = body
        .lines
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            serde_json::from_value(line).map_err(|_| {
                Violation::new(format!("lines[{index}].verdict"), "unknown_value")
                    .with("detail", "approved, cut, deducted")
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|v| ApiError(AppError::invalid(v)))?;
    let input = ActionInput { reason: body.reason, lines, overrides: body.overrides };
    Ok(Json(warranty::act(&state.app, &actor, &id, &action, input).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub state: Option<String>,
}

/// The claims for the manufacturer's system in the documented shape `claimdesk.warranty-claims/1`:
/// `{"format", "generated_at", "count", "claims": [{"id", "number", "dealer_code", "version", "state", "kind",
/// "brand", "vin", "repair_date", "mileage", "symptom", "cause", "correction", "failure_code", "checklist_done",
/// "labor_rate", "eligibility", "lines": [{"line_no", "kind", "code", "description", "hours", "standard_hours",
/// "quantity", "unit_price", "role", "supplier_code", "amount"}], "amounts": {"labor", "parts", "sublet",
/// "total"}, "goodwill", "overrides", "resubmissions", "submitted_at"}]}`. Without `state`: submitted and
/// resubmitted claims, the ones waiting for a decision.
#[utoipa::path(get, path = "/api/v1/warranty-claims/export", tag = "warranty-claims",
    params(("state" = Option<String>, Query, description = "submitted (default: submitted and resubmitted)")),
    responses((status = 200, description = "the export document")))]
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<ExportQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(warranty::export_submitted(&state.app, &actor, query.state).await?))
}

/// The brands with their warranty settings (the legal minimum where none are stored).
#[utoipa::path(get, path = "/api/v1/warranty-settings", tag = "warranty-settings", responses((status = 200)))]
pub async fn list_settings(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<impl IntoResponse> {
    Ok(Json(warranty::list_brands(&state.app, &actor).await?))
}

/// One brand's settings with its labour operations, failure codes and the first parts of its catalogue.
#[utoipa::path(get, path = "/api/v1/warranty-settings/{brand}", tag = "warranty-settings", params(("brand" = String, Path)),
    responses((status = 200)))]
pub async fn get_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(brand): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(warranty::brand_settings(&state.app, &actor, &brand, "").await?))
}

/// Sets a brand's settings (group admin): periods (never below 24 months/50,000 km and 36 months/60,000 km),
/// parts warranty, labour rate, filing window, pre-authorisation threshold, check severities, goodwill chain.
/// Fields left out keep their value.
#[utoipa::path(patch, path = "/api/v1/warranty-settings/{brand}", tag = "warranty-settings", params(("brand" = String, Path)),
    request_body = serde_json::Value,
    responses((status = 200), (status = 403), (status = 409, description = "stale version"), (status = 422)))]
pub async fn patch_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(brand): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    let current = warranty::brand_settings(&state.app, &actor, &brand, "").await?;
    let mut merged = serde_json::to_value(&current.settings).map_err(|e| ApiError(AppError::Internal(e.into())))?;
    let expected = super::version_of(&body).filter(|_| current.configured);
    let mut body = body;
    if let Some(object) = body.as_object_mut() {
        object.remove("version");
    }
    super::merge_patch(&mut merged, body);
    let settings: BrandSettings = claimdesk_domain::rules::parse_input(merged).map_err(AppError::Invalid)?;
    Ok(Json(warranty::save_brand(&state.app, &actor, &brand, settings, expected).await?))
}

/// Replaces a catalogue (`parts`, `labor-ops` or `failure-codes`) with an Excel sheet (.xlsx body) or CSV text:
/// parts `part no, name, price[, wear part, area]`; labour operations `code, description, standard hours`;
/// failure codes `code, description[, checklist required, photos required]`. A header row is skipped. Bad
/// rows refuse the import, each named as `rows[N]`.
#[utoipa::path(post, path = "/api/v1/warranty-settings/{brand}/{catalogue}", tag = "warranty-settings",
    params(("brand" = String, Path), ("catalogue" = String, Path, description = "parts, labor-ops, failure-codes")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "{brand, catalogue, imported}"), (status = 422)))]
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((brand, catalogue)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let kind = CatalogueKind::parse(&catalogue).ok_or(ApiError(AppError::NotFound))?;
    let rows = crate::excel::read_rows(&body).map_err(|v| ApiError(AppError::invalid(v)))?;
    Ok(Json(warranty::import_catalogue(&state.app, &actor, &brand, kind, rows).await?))
}
