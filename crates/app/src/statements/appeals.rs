//! Appeals (复议) of cut and rejected settlement lines: drafted from the line and its claim, submitted to the
//! manufacturer, then granted (with the amount) or denied. One appeal per line stays open at a time.

use claimdesk_domain::access::Permission;
use claimdesk_domain::statement::SettlementOutcome;
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::statements::{self as store, AppealRow};
use claimdesk_store::{counters, job, new_id, warranty as warranty_store};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Serialize)]
pub struct AppealView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub statement_id: String,
    pub line_id: String,
    pub claim_id: Option<String>,
    /// `draft`, `submitted`, `granted`, `denied`.
    pub state: String,
    pub requested: Money,
    pub granted: Option<Money>,
    pub reason: String,
    pub created_at: String,
    pub version: i64,
    /// The actions the state allows.
    pub actions: Vec<&'static str>,
}

impl AppealView {
    pub(crate) fn new(row: AppealRow, time_zone: &str) -> AppealView {
        AppealView {
            actions: AppealAction::ALL
                .into_iter()
                .filter(|a| a.from() == row.state)
                .map(AppealAction::as_str)
                .collect(),
            created_at: clock::rfc3339_local(row.created_at, time_zone),
            requested: Money::from_fen(row.requested_fen),
            granted: row.granted_fen.map(Money::from_fen),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            statement_id: row.statement_id,
            line_id: row.line_id,
            claim_id: row.claim_id,
            state: row.state,
            reason: row.reason,
            version: row.version,
        }
    }
}

/// What an appeal's draft is made from: the line, what the manufacturer said, and the claim's fault story.
/// The page words the letter from these (no sentence is written in code).
#[derive(Debug, Clone, Default, Serialize)]
pub struct AppealDraft {
    pub statement_number: String,
    pub counterparty: String,
    pub claim_number: String,
    pub line_ref: String,
    pub description: String,
    pub claimed: Money,
    pub paid: Money,
    /// Claimed minus paid: what the appeal asks for by default.
    pub requested: Money,
    pub outcome: String,
    pub manufacturer_reason: String,
    pub vin: String,
    pub repair_date: String,
    pub symptom: String,
    pub cause: String,
    pub correction: String,
}

/// The facts of a line's appeal. 404 for a line of another store; 409 when the line cannot be appealed.
pub async fn appeal_draft(app: &App, actor: &Actor, statement_id: &str, line_id: &str) -> AppResult<AppealDraft> {
    let scope = actor.store_ids(Permission::FinanceRead);
    let (statement_id, line_id) = (statement_id.to_string(), line_id.to_string());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let statement = store::get_statement(tx, &scope, &statement_id).await?.ok_or(AppError::NotFound)?;
                let line = store::line(tx, &statement.store_id, &line_id)
                    .await?
                    .filter(|l| l.statement_id == statement.id)
                    .ok_or(AppError::NotFound)?;
                if !SettlementOutcome::parse(&line.outcome).is_some_and(SettlementOutcome::appealable) {
                    return Err(AppError::Conflict("not_appealable"));
                }
                let claimed = Money::from_fen(line.expected_fen.unwrap_or(0));
                let paid = Money::from_fen(line.stated_fen.unwrap_or(0));
                let mut draft = AppealDraft {
                    statement_number: statement.number,
                    counterparty: statement.counterparty_name,
                    claim_number: line.reference,
                    line_ref: line.line_ref,
                    description: line.description,
                    claimed,
                    paid,
                    requested: claimed - paid,
                    outcome: line.outcome,
                    manufacturer_reason: line.reason,
                    ..AppealDraft::default()
                };
                if let Some(claim_id) = &line.subject_id
                    && let Some(claim) =
                        warranty_store::get_claim(tx, std::slice::from_ref(&statement.store_id), claim_id).await?
                {
                    draft.vin = claim.vin;
                    draft.repair_date = claim.repair_date;
                    draft.symptom = claim.symptom;
                    draft.cause = claim.cause;
                    draft.correction = claim.correction;
                }
                Ok(draft)
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppealInput {
    pub line_id: String,
    /// The appeal's text: why the line should be paid, what evidence comes with it.
    pub reason: String,
    /// The amount asked for; the cut amount when absent.
    pub requested: Option<String>,
}

/// Drafts an appeal of a cut or rejected line.
pub async fn draft_appeal(app: &App, actor: &Actor, statement_id: &str, input: AppealInput) -> AppResult<AppealView> {
    let scope = actor.store_ids(Permission::FinanceRead);
    let statement_id = statement_id.to_string();
    let actor = actor.clone();
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let statement = store::get_statement(tx, &scope, &statement_id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::FinanceWrite, &statement.store_id)?;
                let line = store::line(tx, &statement.store_id, &input.line_id)
                    .await?
                    .filter(|l| l.statement_id == statement.id)
                    .ok_or_else(|| AppError::from(Violation::new("line_id", "not_found")))?;
                if !SettlementOutcome::parse(&line.outcome).is_some_and(SettlementOutcome::appealable) {
                    return Err(Violation::new("line_id", "not_appealable").into());
                }
                let open = store::appeals_of_statement(tx, &statement.store_id, &statement.id)
                    .await?
                    .into_iter()
                    .any(|a| a.line_id == line.id && matches!(a.state.as_str(), "draft" | "submitted"));
                if open {
                    return Err(Violation::new("line_id", "appeal_open").into());
                }
                let cut = Money::from_fen(line.expected_fen.unwrap_or(0) - line.stated_fen.unwrap_or(0));
                let mut violations = Violations::new();
                if input.reason.trim().is_empty() {
                    violations.push(Violation::new("reason", "required"));
                }
                let requested = match input.requested.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    None => Some(cut),
                    Some(text) => violations.check(Money::parse("requested", text)),
                };
                if let Some(requested) = requested
                    && (requested.is_negative() || requested.is_zero() || requested > cut)
                {
                    violations.push(Violation::new("requested", "appeal_amount_range").with("max", cut));
                }
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let zone = actor.time_zone(&statement.store_id).to_string();
                let day = clock::local_date(now, &zone);
                let sequence =
                    counters::next(tx, &statement.store_id, &format!("AP-{}", day.strftime("%Y%m%d"))).await?;
                let now_ms = now.as_millisecond();
                let row = AppealRow {
                    id: new_id(),
                    store_id: statement.store_id.clone(),
                    number: format!("AP{}{:04}", day.strftime("%Y%m%d"), sequence),
                    statement_id: statement.id.clone(),
                    line_id: line.id.clone(),
                    claim_id: line.subject_id.clone(),
                    state: "draft".into(),
                    requested_fen: requested.expect("checked").fen(),
                    granted_fen: None,
                    reason: input.reason.trim().to_string(),
                    created_at: now_ms,
                    created_by: actor.actor_id().map(str::to_string),
                    updated_at: now_ms,
                    version: 1,
                };
                store::insert_appeal(tx, &row).await?;
                let view = AppealView::new(row, &zone);
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "statement_appeal",
                        entity_id: &view.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

/// What can happen to an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealAction {
    Submit,
    Grant,
    Deny,
}

impl AppealAction {
    pub const ALL: [AppealAction; 3] = [AppealAction::Submit, AppealAction::Grant, AppealAction::Deny];

    pub fn as_str(self) -> &'static str {
        match self {
            AppealAction::Submit => "submit",
            AppealAction::Grant => "grant",
            AppealAction::Deny => "deny",
        }
    }

    pub fn parse(text: &str) -> Option<AppealAction> {
        AppealAction::ALL.into_iter().find(|a| a.as_str() == text)
    }

    fn from(self) -> &'static str {
        match self {
            AppealAction::Submit => "draft",
            AppealAction::Grant | AppealAction::Deny => "submitted",
        }
    }

    fn to(self) -> &'static str {
        match self {
            AppealAction::Submit => "submitted",
            AppealAction::Grant => "granted",
            AppealAction::Deny => "denied",
        }
    }
}

/// Submits, grants (with the amount the manufacturer pays, the requested amount when absent) or denies.
pub async fn act_on_appeal(
    app: &App,
    actor: &Actor,
    id: &str,
    action: &str,
    granted: Option<String>,
) -> AppResult<AppealView> {
    let action = AppealAction::parse(action).ok_or(AppError::NotFound)?;
    let scope = actor.store_ids(Permission::FinanceRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_appeal(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::FinanceWrite, &before.store_id)?;
                if before.state != action.from() {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let mut row = before.clone();
                if action == AppealAction::Grant {
                    let amount = match granted.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                        None => Money::from_fen(row.requested_fen),
                        Some(text) => Money::parse("granted", text)?,
                    };
                    if amount.is_negative() || amount.fen() > row.requested_fen {
                        return Err(Violation::new("granted", "appeal_amount_range")
                            .with("max", Money::from_fen(row.requested_fen))
                            .into());
                    }
                    row.granted_fen = Some(amount.fen());
                }
                row.state = action.to().into();
                row.updated_at = now;
                if !store::update_appeal(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let zone = actor.time_zone(&row.store_id).to_string();
                let view = AppealView::new(row, &zone);
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "statement_appeal",
                        entity_id: &view.id,
                        action: action.as_str(),
                        before: Some(&serde_json::json!({"state": before.state})),
                        after: Some(&serde_json::json!({"state": view.state, "granted": view.granted})),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

pub async fn get_appeal(app: &App, actor: &Actor, id: &str) -> AppResult<AppealView> {
    let scope = actor.store_ids(Permission::FinanceRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_appeal(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                Ok(AppealView::new(row, &zone))
            })
        }))
        .await
}

/// Appeals, newest first, by state.
pub async fn list_appeals(
    app: &App,
    actor: &Actor,
    state: Option<String>,
    store_id: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> AppResult<Page<AppealView>> {
    actor.require_anywhere(Permission::FinanceRead)?;
    let request = PageRequest::new(page, per_page);
    let stores = actor.store_ids_filtered(Permission::FinanceRead, store_id.as_deref());
    let state = state.filter(|s| !s.trim().is_empty());
    let cap = app.settings.count_cap;
    let (offset, limit) = (request.offset(), request.per_page);
    let (rows, total) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                Ok::<_, AppError>(store::list_appeals(tx, &stores, state.as_deref(), offset, limit, cap).await?)
            })
        }))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let zone = actor.time_zone(&row.store_id).to_string();
            AppealView::new(row, &zone)
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}
