//! A claim's state changes after the checks: submit, the manufacturer's decision, return, resubmit, settle,
//! cancel and back to edit. Each keeps what the manufacturer saw (versions) and what it said (line verdicts,
//! return reasons).

use std::collections::BTreeMap;

use claimdesk_domain::Money;
use claimdesk_domain::access::Permission;
use claimdesk_domain::warranty::checks as check_rules;
use claimdesk_domain::warranty::claim::{ClaimAction, transition};
use claimdesk_domain::warranty::decision::{self, LineVerdict};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::warranty::{self as store, ReturnRow};
use claimdesk_store::{job, new_id};
use serde::Deserialize;

use super::checks::{parse_overrides, run_checks};
use super::claims::keep_version;
use super::{ClaimView, load_view, settings_of, state_of};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit, worklist};

/// What an action takes: a return's reason, the decision's line verdicts, override reasons on resubmission.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionInput {
    pub reason: String,
    pub lines: Vec<LineVerdict>,
    pub overrides: BTreeMap<String, String>,
}

fn parse_action(action: &str) -> Option<ClaimAction> {
    use ClaimAction as A;
    [A::Check, A::Edit, A::Submit, A::Decide, A::Return, A::Resubmit, A::Settle, A::Cancel]
        .into_iter()
        .find(|a| a.as_str() == action)
}

/// Runs `action` (submit, decide, return, resubmit, settle, cancel, edit) on a claim. `check` has its own
/// service, [`super::check`], because a failed check still saves its findings.
pub async fn act(app: &App, actor: &Actor, id: &str, action: &str, input: ActionInput) -> AppResult<ClaimView> {
    let action = match parse_action(action) {
        Some(ClaimAction::Check) | None => return Err(AppError::NotFound),
        Some(action) => action,
    };
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &before.store_id)?;
                let zone = actor.time_zone(&before.store_id).to_string();
                let state = state_of(&before)?;
                let mut row = before.clone();
                let mut lines = store::lines(tx, &row.store_id, &row.id).await?;
                let mut outcome = None;
                match action {
                    ClaimAction::Decide => {
                        let claimed: Vec<Money> = lines.iter().map(|l| Money::from_fen(l.amount_fen)).collect();
                        let decided = decision::decide(&claimed, &input.lines)?;
                        for ((line, verdict), result) in lines.iter_mut().zip(&input.lines).zip(&decided.lines) {
                            let (name, reason) = match verdict {
                                LineVerdict::Approved => ("approved", String::new()),
                                LineVerdict::Cut { reason, .. } => ("cut", reason.trim().to_string()),
                                LineVerdict::Deducted { reason } => ("deducted", reason.trim().to_string()),
                            };
                            line.verdict = Some(name.into());
                            line.approved_fen = Some(result.approved.fen());
                            line.verdict_reason = reason;
                        }
                        row.approved_fen = Some(decided.approved.fen());
                        row.decided_at = Some(now);
                        outcome = Some(decided.state);
                    }
                    ClaimAction::Return if input.reason.trim().is_empty() => {
                        return Err(Violation::new("reason", "required").into());
                    }
                    ClaimAction::Resubmit => {
                        let settings = settings_of(store::brand(tx, &row.brand).await?.as_ref()).unwrap_or_default();
                        let findings = run_checks(tx, &row, &lines, &settings, &zone).await?;
                        let mut reasons: BTreeMap<String, String> =
                            serde_json::from_str(&row.overrides_json).unwrap_or_default();
                        reasons.extend(input.overrides.clone().into_iter().filter(|(_, r)| !r.trim().is_empty()));
                        if !check_rules::may_submit(&findings, &parse_overrides(&reasons)) {
                            let mut violations = Violations::new();
                            for finding in &findings {
                                let mut violation = Violation::new(finding.field.clone(), finding.code);
                                for (name, value) in &finding.params {
                                    violation = violation.with(name, value);
                                }
                                violations.push(violation);
                            }
                            return Err(violations.into());
                        }
                        row.findings_json = serde_json::to_string(&findings).map_err(anyhow::Error::from)?;
                        row.overrides_json = serde_json::to_string(&reasons).map_err(anyhow::Error::from)?;
                    }
                    _ => {}
                }
                let next = transition(state, action, outcome).map_err(|_| AppError::Conflict("illegal_transition"))?;
                if matches!(action, ClaimAction::Submit | ClaimAction::Resubmit) {
                    let settings = settings_of(store::brand(tx, &row.brand).await?.as_ref());
                    super::goodwill::require_approved(tx, &row, settings.as_ref()).await?;
                }
                row.state = next.as_str().into();
                match action {
                    ClaimAction::Submit => row.submitted_at = Some(now),
                    ClaimAction::Return => {
                        row.returns += 1;
                        store::insert_return(
                            tx,
                            &ReturnRow {
                                id: new_id(),
                                store_id: row.store_id.clone(),
                                claim_id: row.id.clone(),
                                seq: row.returns,
                                reason: input.reason.trim().to_string(),
                                returned_at: now,
                                returned_by: actor.actor_id().map(str::to_string),
                                resubmitted_at: None,
                            },
                        )
                        .await?;
                    }
                    ClaimAction::Resubmit => {
                        row.resubmissions += 1;
                        row.submitted_at = Some(now);
                        row.approved_fen = None;
                        row.decided_at = None;
                        store::close_returns(tx, &row.store_id, &row.id, now).await?;
                        for line in &mut lines {
                            line.verdict = None;
                            line.approved_fen = None;
                            line.verdict_reason.clear();
                        }
                    }
                    ClaimAction::Settle => row.settled_at = Some(now),
                    ClaimAction::Edit => row.findings_json = "[]".into(),
                    _ => {}
                }
                row.updated_at = now;
                if !store::update_claim(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                if matches!(action, ClaimAction::Decide | ClaimAction::Resubmit) {
                    store::replace_lines(tx, &row.store_id, &row.id, &lines).await?;
                }
                if matches!(action, ClaimAction::Submit | ClaimAction::Resubmit) {
                    // Every replaced part gets its tag (旧件标签) when the claim leaves the dealer.
                    crate::parts_return::tag_claim_parts(tx, &actor, &row, now).await?;
                }
                let view = load_view(tx, row, &zone).await?;
                if matches!(action, ClaimAction::Submit | ClaimAction::Resubmit) {
                    keep_version(tx, &actor, &view, now).await?;
                }
                if action == ClaimAction::Submit {
                    // Filed: the repair order's filing due item is done.
                    worklist::close_for_subject(
                        tx,
                        &view.store_id,
                        "repair_order",
                        &view.repair_order_id,
                        super::filing::DUE_KIND,
                        "done",
                        now,
                    )
                    .await?;
                }
                let view = if matches!(action, ClaimAction::Submit | ClaimAction::Resubmit) {
                    let again = store::get_claim(tx, std::slice::from_ref(&view.store_id), &view.id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    load_view(tx, again, &zone).await?
                } else {
                    view
                };
                let before_view = serde_json::json!({"state": before.state});
                let mut after = serde_json::json!({"state": view.state});
                if let Some(approved) = view.approved {
                    after["approved"] = serde_json::json!(approved);
                }
                if !input.reason.trim().is_empty() {
                    after["reason"] = serde_json::json!(input.reason.trim());
                }
                if action == ClaimAction::Decide {
                    // One short entry per line keeps the timeline readable; the lines themselves hold the rest.
                    let verdicts: Vec<String> = view
                        .lines
                        .iter()
                        .map(|line| {
                            let verdict = line.verdict.as_deref().unwrap_or("");
                            let approved = line.approved.map(|m| m.to_string()).unwrap_or_default();
                            format!("{} {verdict} {approved} {}", line.line_no, line.verdict_reason).trim().to_string()
                        })
                        .collect();
                    after["lines"] = serde_json::json!(verdicts);
                }
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "warranty_claim",
                        entity_id: &view.id,
                        action: action.as_str(),
                        before: Some(&before_view),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}
