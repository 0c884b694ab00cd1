//! Settlement and reconciliation (结算对账, W10) and commission statements (手续费对账, I6): the manufacturer's
//! system posts its settlement statement (JSON lines, or the Excel/CSV file), finance reads the matched lines,
//! records payments and invoices, drafts appeals (复议) and reads the monthly reconciliation. Money is a
//! decimal string; a statement of another store answers 404.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use claimdesk_app::AppError;
use claimdesk_app::statements::{
    self, AppealInput, InvoiceInput, PaymentInput, RuleInput, StatementInput, StatementKind, StatementListQuery,
};
use claimdesk_domain::Violation;
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiActor, ApiJson};

/// Settlement statements, newest first.
#[utoipa::path(get, path = "/api/v1/settlement-statements", tag = "settlement",
    params(("counterparty" = Option<String>, Query, description = "the brand"), ("q" = Option<String>, Query, description = "statement number prefix"),
        ("from" = Option<String>, Query, description = "statement date from, YYYY-MM-DD"), ("to" = Option<String>, Query),
        ("open" = Option<bool>, Query, description = "only statements with money still to receive"),
        ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<StatementListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::list(&state.app, &actor, StatementKind::Settlement, query).await?))
}

/// The manufacturer's settlement statement as JSON: `{counterparty (brand), number, period (YYYY-MM),
/// statement_date?, lines: [{reference (claim number), line? (line number or code), claimed?, amount, reason?}]}`.
/// Each line is matched to the store's claim lines: paid, cut, rejected, over, unknown, missing, debit.
#[utoipa::path(post, path = "/api/v1/settlement-statements", tag = "settlement", request_body = serde_json::Value,
    responses((status = 201, description = "the statement with every line's outcome"), (status = 422, description = "field errors; `statement_number_taken` when imported before")))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(mut body): ApiJson<StatementInput>,
) -> ApiResult<impl IntoResponse> {
    body.source = "api".into();
    Ok((StatusCode::CREATED, Json(statements::import(&state.app, &actor, StatementKind::Settlement, body).await?)))
}

#[derive(Debug, Default, Deserialize)]
pub struct ImportParams {
    #[serde(default)]
    counterparty: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    statement_date: Option<String>,
    #[serde(default)]
    file_name: String,
    #[serde(default)]
    store_id: Option<String>,
}

async fn import_file(
    state: &AppState,
    actor: &claimdesk_app::Actor,
    kind: StatementKind,
    params: ImportParams,
    request: axum::extract::Request,
) -> axum::response::Response {
    let upload = match crate::extract::ApiUpload::read(state, request).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let bytes = upload.bytes;
    let file_name = if params.file_name.is_empty() { upload.file_name } else { params.file_name };
    if bytes.is_empty() {
        return ApiError(AppError::invalid(Violation::new("file", "required"))).into_response();
    }
    let result = match crate::excel::read_rows(&bytes) {
        Ok(rows) => match statements::lines_from_rows(kind, &rows) {
            Ok(lines) => {
                let input = StatementInput {
                    counterparty: params.counterparty,
                    number: params.number,
                    period: params.period,
                    statement_date: params.statement_date,
                    source: if bytes.starts_with(b"PK") { "excel".into() } else { "csv".into() },
                    file_name,
                    lines,
                    store_id: params.store_id,
                };
                statements::import(&state.app, actor, kind, input).await
            }
            Err(error) => Err(error),
        },
        Err(violation) => Err(AppError::invalid(violation)),
    };
    match result {
        Ok(view) => (StatusCode::CREATED, Json(view)).into_response(),
        Err(error) => ApiError(error).into_response(),
    }
}

/// The settlement statement as an Excel (.xlsx) or CSV file (multipart `file`, or the file as the body). The
/// header row needs 索赔单号 and 结算金额 (or claim number and amount); 行号, 申请金额 and 原因 are optional.
/// Row problems answer 422 with `rows[N].field`, the row, column and value.
#[utoipa::path(post, path = "/api/v1/settlement-statements/import", tag = "settlement",
    params(("counterparty" = String, Query, description = "the brand"), ("number" = String, Query), ("period" = String, Query, description = "YYYY-MM"),
        ("statement_date" = Option<String>, Query), ("file_name" = Option<String>, Query), ("store_id" = Option<String>, Query)),
    request_body(description = "a multipart form with a `file` part, or the file itself", content(("multipart/form-data"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
    responses((status = 201, description = "the statement with every line's outcome"), (status = 422)))]
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ImportParams>,
    request: axum::extract::Request,
) -> axum::response::Response {
    import_file(&state, &actor, StatementKind::Settlement, params, request).await
}

/// One settlement statement with its lines, payments, invoices and appeals.
#[utoipa::path(get, path = "/api/v1/settlement-statements/{id}", tag = "settlement", params(("id" = String, Path)),
    responses((status = 200), (status = 404)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::get(&state.app, &actor, StatementKind::Settlement, &id).await?))
}

/// A payment received against the statement: `{received_on?, amount, reference?, version?}`; at most what is open.
#[utoipa::path(post, path = "/api/v1/settlement-statements/{id}/payments", tag = "settlement", params(("id" = String, Path)),
    request_body = serde_json::Value, responses((status = 201, description = "the statement"), (status = 404), (status = 422)))]
pub async fn payment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PaymentInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(statements::record_payment(&state.app, &actor, &id, body).await?)))
}

/// An invoice to the manufacturer: `{invoice_no, issued_on?, amount}`; only for confirmed, uninvoiced amounts.
#[utoipa::path(post, path = "/api/v1/settlement-statements/{id}/invoices", tag = "settlement", params(("id" = String, Path)),
    request_body = serde_json::Value, responses((status = 201, description = "the statement"), (status = 404), (status = 422, description = "`invoice_above_confirmed`")))]
pub async fn invoice(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InvoiceInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(statements::issue_invoice(&state.app, &actor, &id, body).await?)))
}

/// Drafts an appeal (复议) of a cut or rejected line: `{line_id, reason, requested?}`.
#[utoipa::path(post, path = "/api/v1/settlement-statements/{id}/appeals", tag = "settlement", params(("id" = String, Path)),
    request_body = serde_json::Value, responses((status = 201, description = "the appeal"), (status = 404), (status = 422, description = "`not_appealable`, `appeal_open`")))]
pub async fn appeal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AppealInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(statements::draft_appeal(&state.app, &actor, &id, body).await?)))
}

#[derive(Debug, Default, Deserialize)]
pub struct AppealListParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    per_page: Option<i64>,
}

/// Appeals, newest first.
#[utoipa::path(get, path = "/api/v1/settlement-appeals", tag = "settlement",
    params(("state" = Option<String>, Query, description = "draft, submitted, granted, denied"), ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn appeals(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<AppealListParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(
        statements::list_appeals(&state.app, &actor, params.state, params.store_id, params.page, params.per_page)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/settlement-appeals/{id}", tag = "settlement", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn get_appeal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::get_appeal(&state.app, &actor, &id).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct AppealActionBody {
    /// The amount granted (grant only; the amount appealed when absent).
    #[serde(default)]
    granted: Option<String>,
}

/// `submit`, `grant` (`{granted?}`) or `deny`.
#[utoipa::path(post, path = "/api/v1/settlement-appeals/{id}/{action}", tag = "settlement",
    params(("id" = String, Path), ("action" = String, Path, description = "submit, grant, deny")),
    request_body = serde_json::Value, responses((status = 200), (status = 404), (status = 409, description = "not allowed in the appeal's state")))]
pub async fn appeal_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<AppealActionBody>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::act_on_appeal(&state.app, &actor, &id, &action, body.granted).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthParams {
    #[serde(default)]
    month: String,
    #[serde(default)]
    store_id: Option<String>,
}

/// Repair orders handed over in the month against the claims: orders with warranty lines and no claim, and
/// claim lines that differ from the order (missing, extra, amount_differs).
#[utoipa::path(get, path = "/api/v1/settlement/check", tag = "settlement",
    params(("month" = String, Query, description = "YYYY-MM"), ("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn check(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<MonthParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::check(&state.app, &actor, &params.month, params.store_id.as_deref()).await?))
}

/// Claim income of the month by claim kind: labour, parts and sublet, claimed and approved.
#[utoipa::path(get, path = "/api/v1/settlement/income", tag = "settlement",
    params(("month" = String, Query, description = "YYYY-MM"), ("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn income(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<MonthParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::income(&state.app, &actor, &params.month, params.store_id.as_deref()).await?))
}

/// Receivables per manufacturer in age buckets (0–30, 31–60, 61–90, 91–180, over 180 days).
#[utoipa::path(get, path = "/api/v1/settlement/aging", tag = "settlement", params(("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn aging(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<MonthParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::aging(&state.app, &actor, params.store_id.as_deref()).await?))
}

/// The month's cut and rejected amounts charged to the people responsible by the store's rule (拒赔问责).
#[utoipa::path(get, path = "/api/v1/settlement/accountability", tag = "settlement",
    params(("month" = String, Query, description = "YYYY-MM"), ("store_id" = Option<String>, Query)), responses((status = 200)))]
pub async fn accountability(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<MonthParams>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::accountability(&state.app, &actor, &params.month, params.store_id.as_deref()).await?))
}

/// The store's rule: `{advisor_percent, technician_percent, clerk_percent, manager_percent, technician_id?, manager_id?}`.
#[utoipa::path(put, path = "/api/v1/settlement/accountability-rule", tag = "settlement", request_body = serde_json::Value,
    responses((status = 200), (status = 422, description = "`accountability_over_100`, out of range")))]
pub async fn put_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<RuleInput>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::save_rule(&state.app, &actor, body).await?))
}

/// Commission statements (手续费对账), newest first.
#[utoipa::path(get, path = "/api/v1/commission-statements", tag = "settlement",
    params(("counterparty" = Option<String>, Query, description = "the insurer's id"), ("q" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query),
        ("store_id" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{items, total, page, per_page}")))]
pub async fn commission_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(query): Query<StatementListQuery>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::list(&state.app, &actor, StatementKind::Commission, query).await?))
}

/// An insurer's commission statement as JSON: `{counterparty (insurer id), number, period (YYYY-MM, the policies
/// sold that month), lines: [{reference (policy number), amount, claimed? (premium), reason?}]}`. Differences:
/// matched, missing, extra, amount_differs.
#[utoipa::path(post, path = "/api/v1/commission-statements", tag = "settlement", request_body = serde_json::Value,
    responses((status = 201, description = "the statement with its differences"), (status = 422)))]
pub async fn commission_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(mut body): ApiJson<StatementInput>,
) -> ApiResult<impl IntoResponse> {
    body.source = "api".into();
    Ok((StatusCode::CREATED, Json(statements::import(&state.app, &actor, StatementKind::Commission, body).await?)))
}

/// The commission statement as an Excel or CSV file: 保单号 and 手续费 (policy number, commission); 保费 optional.
#[utoipa::path(post, path = "/api/v1/commission-statements/import", tag = "settlement",
    params(("counterparty" = String, Query, description = "the insurer's id"), ("number" = String, Query), ("period" = String, Query, description = "YYYY-MM"),
        ("statement_date" = Option<String>, Query), ("file_name" = Option<String>, Query), ("store_id" = Option<String>, Query)),
    request_body(description = "a multipart form with a `file` part, or the file itself", content(("multipart/form-data"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
    responses((status = 201), (status = 422)))]
pub async fn commission_import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ImportParams>,
    request: axum::extract::Request,
) -> axum::response::Response {
    import_file(&state, &actor, StatementKind::Commission, params, request).await
}

#[utoipa::path(get, path = "/api/v1/commission-statements/{id}", tag = "settlement", params(("id" = String, Path)), responses((status = 200), (status = 404)))]
pub async fn commission_get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(Json(statements::get(&state.app, &actor, StatementKind::Commission, &id).await?))
}
