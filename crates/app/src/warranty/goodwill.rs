//! 善意索赔: a goodwill claim's approval chain. The admin sets the chain per brand (a role and the amount it
//! may approve); the amount the dealer and the manufacturer carry decides which steps the claim needs, each
//! step is decided by a person holding that role in the claim's store, and the claim is submitted only when
//! every step approved its current amount.

use claimdesk_domain::access::{Permission, Role};
use claimdesk_domain::warranty::claim::{ClaimKind, ClaimState};
use claimdesk_domain::warranty::goodwill::{self as rules, ChainState, GoodwillSplit, StepDecision};
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_domain::{Money, Violation};
use claimdesk_store::warranty::{self as claims_store, ClaimRow};
use claimdesk_store::warranty_flow::{self as store, ApprovalRow};
use claimdesk_store::{Tx, job, new_id};
use serde::{Deserialize, Serialize};

use super::{ClaimView, load_view, settings_of, state_of};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub role: String,
    pub up_to: Money,
    /// `approved`, `refused`, or `None` while waiting.
    pub decision: Option<String>,
    pub note: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainView {
    /// What the dealer and the manufacturer carry: the amount the steps approve.
    pub amount: Money,
    pub steps: Vec<StepView>,
    /// `approved`, `refused` or `waiting`.
    pub state: String,
    /// The role whose decision the claim waits for.
    pub waiting_for: Option<String>,
}

struct Chain {
    amount: Money,
    steps: Vec<rules::ApprovalLimit>,
    state: ChainState,
}

fn chain_of(row: &ClaimRow, settings: Option<&BrandSettings>, approvals: &[ApprovalRow]) -> Option<Chain> {
    if row.kind != ClaimKind::Goodwill.as_str() {
        return None;
    }
    let goodwill: serde_json::Value = serde_json::from_str(row.goodwill_json.as_deref()?).ok()?;
    let split: GoodwillSplit = serde_json::from_value(goodwill["split"].clone()).ok()?;
    let shares = rules::split(Money::from_fen(row.claimed_fen), &split).ok()?;
    let chain = settings.map(|s| s.goodwill_chain.clone()).unwrap_or_default();
    let steps = rules::required_steps(&chain, &shares);
    let amount = shares.manufacturer + shares.dealer;
    let decisions: Vec<StepDecision> = approvals
        .iter()
        .map(|a| StepDecision {
            role: a.role.clone(),
            approved: a.decision == "approved",
            amount: Money::from_fen(a.amount_fen),
        })
        .collect();
    let state = rules::chain_state(&steps, &decisions, amount);
    Some(Chain { amount, steps, state })
}

/// The chain as the claim's page shows it.
pub(crate) async fn chain_view(
    tx: &mut Tx,
    row: &ClaimRow,
    settings: Option<&BrandSettings>,
    time_zone: &str,
) -> AppResult<Option<ChainView>> {
    if row.kind != ClaimKind::Goodwill.as_str() {
        return Ok(None);
    }
    let approvals = store::approvals(tx, &row.store_id, &row.id).await?;
    Ok(chain_view_of(row, settings, &approvals, time_zone))
}

/// The approval chain as the claim's page shows it, from the approvals recorded so far.
pub(crate) fn chain_view_of(
    row: &ClaimRow,
    settings: Option<&BrandSettings>,
    approvals: &[ApprovalRow],
    time_zone: &str,
) -> Option<ChainView> {
    if row.kind != ClaimKind::Goodwill.as_str() {
        return None;
    }
    let chain = chain_of(row, settings, approvals)?;
    let steps = chain
        .steps
        .iter()
        .map(|step| {
            let latest = approvals.iter().rev().find(|a| a.role == step.role && a.amount_fen == chain.amount.fen());
            StepView {
                role: step.role.clone(),
                up_to: step.up_to,
                decision: latest.map(|a| a.decision.clone()),
                note: latest.map(|a| a.note.clone()).unwrap_or_default(),
                decided_by: latest.and_then(|a| a.decided_by.clone()),
                decided_at: latest.map(|a| clock::rfc3339_local(a.decided_at, time_zone)),
            }
        })
        .collect();
    let (state, waiting_for) = match &chain.state {
        ChainState::Approved => ("approved", None),
        ChainState::Refused { .. } => ("refused", None),
        ChainState::Waiting { role } => ("waiting", Some(role.clone())),
    };
    Some(ChainView { amount: chain.amount, steps, state: state.into(), waiting_for })
}

/// Submission waits for the whole chain: the violation names the role still to decide, or the refusal.
pub(crate) async fn require_approved(tx: &mut Tx, row: &ClaimRow, settings: Option<&BrandSettings>) -> AppResult<()> {
    let approvals = store::approvals(tx, &row.store_id, &row.id).await?;
    match chain_of(row, settings, &approvals).map(|c| c.state) {
        None | Some(ChainState::Approved) => Ok(()),
        Some(ChainState::Waiting { role }) => {
            Err(Violation::new("goodwill", "goodwill_approval_missing").with("role", role).into())
        }
        Some(ChainState::Refused { role }) => {
            Err(Violation::new("goodwill", "goodwill_refused").with("role", role).into())
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GoodwillDecision {
    /// Why; required for a refusal.
    pub note: String,
}

/// The next step of the chain approves (`approve = true`) or refuses. Only a person holding the step's role
/// in the claim's store decides it; a claim that left the dealer is past its chain.
pub async fn decide_goodwill(
    app: &App,
    actor: &Actor,
    id: &str,
    approve: bool,
    input: GoodwillDecision,
) -> AppResult<ClaimView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let row = claims_store::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyRead, &row.store_id)?;
                if state_of(&row)?.is_submitted() || state_of(&row)? == ClaimState::Cancelled {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let settings = settings_of(claims_store::brand(tx, &row.brand).await?.as_ref());
                let approvals = store::approvals(tx, &row.store_id, &row.id).await?;
                let Some(chain) = chain_of(&row, settings.as_ref(), &approvals) else {
                    return Err(AppError::Conflict("goodwill_not_applicable"));
                };
                let ChainState::Waiting { role } = chain.state else {
                    return Err(AppError::Conflict("goodwill_chain_closed"));
                };
                let holds = Role::parse(&role).is_some_and(|needed| actor.roles_in(&row.store_id).contains(&needed));
                if !holds {
                    return Err(AppError::Forbidden);
                }
                if !approve && input.note.trim().is_empty() {
                    return Err(Violation::new("note", "required").into());
                }
                let step = chain.steps.iter().position(|s| s.role == role).unwrap_or(0) as i64 + 1;
                let decision = if approve { "approved" } else { "refused" };
                store::insert_approval(
                    tx,
                    &ApprovalRow {
                        id: new_id(),
                        store_id: row.store_id.clone(),
                        claim_id: row.id.clone(),
                        step,
                        role: role.clone(),
                        decision: decision.into(),
                        amount_fen: chain.amount.fen(),
                        note: input.note.trim().to_string(),
                        decided_by: actor.actor_id().map(str::to_string),
                        decided_at: now,
                    },
                )
                .await?;
                let zone = actor.time_zone(&row.store_id).to_string();
                let after = serde_json::json!({
                    "role": role, "decision": decision, "amount": chain.amount, "note": input.note.trim(),
                });
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "warranty_claim",
                        entity_id: &row.id,
                        action: if approve { "goodwill_approve" } else { "goodwill_refuse" },
                        before: None::<&()>,
                        after: Some(&after),
                    },
                )
                .await?;
                load_view(tx, row, &zone).await
            })
        }))
        .await
}
