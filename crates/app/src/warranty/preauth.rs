//! 预授权: a warranty repair above the manufacturer's amount, or with an operation it names, waits for the
//! manufacturer's approval before work starts. The clerk requests it from the repair order; the
//! manufacturer's answer is entered by hand or posted through the API; `repair_orders::transition("start")`
//! asks [`check_repair_may_start`].

use claimdesk_domain::access::Permission;
use claimdesk_domain::warranty::preauth::{self as rules, PreauthState};
use claimdesk_domain::warranty::settings::preauth_reasons;
use claimdesk_domain::{Money, Violation};
use claimdesk_store::repair_orders::{self, ItemRow, RepairOrderRow};
use claimdesk_store::warranty as claims_store;
use claimdesk_store::warranty_flow::{self as store, PreauthFilter, PreauthRow};
use claimdesk_store::{Tx, counters, job, new_id, vehicles};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::settings_of;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, audit, clock};

/// A reason the work needs the manufacturer's approval, as a code with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreauthReason {
    pub code: String,
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
}

fn reason_views(violations: &[Violation]) -> Vec<PreauthReason> {
    violations
        .iter()
        .map(|v| PreauthReason {
            code: v.code.to_string(),
            params: v.params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct PreauthView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub repair_order_id: String,
    pub vehicle_id: String,
    pub vin: String,
    pub brand: String,
    pub state: String,
    /// The warranty work's amount as requested.
    pub amount: Money,
    pub reasons: Vec<PreauthReason>,
    /// The warranty lines as requested: kind, code, description, amount.
    pub lines: serde_json::Value,
    pub note: String,
    /// The manufacturer's approval number (授权号).
    pub approval_no: String,
    pub decision_reason: String,
    pub requested_by: Option<String>,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub actions: Vec<&'static str>,
    pub version: i64,
}

impl PreauthView {
    fn new(row: PreauthRow, time_zone: &str) -> PreauthView {
        let state = PreauthState::parse(&row.state);
        PreauthView {
            amount: Money::from_fen(row.amount_fen),
            reasons: serde_json::from_str(&row.reasons_json).unwrap_or_default(),
            lines: serde_json::from_str(&row.lines_json).unwrap_or_default(),
            requested_at: clock::rfc3339_local(row.requested_at, time_zone),
            decided_at: row.decided_at.map(|ms| clock::rfc3339_local(ms, time_zone)),
            actions: state.map(rules::actions).unwrap_or_default(),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            repair_order_id: row.repair_order_id,
            vehicle_id: row.vehicle_id,
            vin: row.vin,
            brand: row.brand,
            state: row.state,
            note: row.note,
            approval_no: row.approval_no,
            decision_reason: row.decision_reason,
            requested_by: row.requested_by,
            version: row.version,
        }
    }
}

/// What a repair order's warranty work needs: its amount, the reasons it needs approval (empty: none) and
/// its lines.
struct Need {
    amount: Money,
    reasons: Vec<Violation>,
    lines: serde_json::Value,
    brand: String,
    vin: String,
}

async fn need_of(tx: &mut Tx, order: &RepairOrderRow) -> AppResult<Need> {
    let items: Vec<ItemRow> = repair_orders::items(tx, &order.store_id, &order.id)
        .await?
        .into_iter()
        .filter(|item| item.payer == "warranty")
        .collect();
    let amount: Money = items.iter().map(|item| Money::from_fen(item.amount_fen)).sum();
    let operations: Vec<String> = items.iter().filter(|i| i.kind == "labor").map(|i| i.code.clone()).collect();
    let vehicle =
        vehicles::get(tx, std::slice::from_ref(&order.store_id), &order.vehicle_id).await?.ok_or(AppError::NotFound)?;
    let settings = settings_of(claims_store::brand(tx, &vehicle.brand).await?.as_ref());
    let reasons = match &settings {
        Some(settings) if !items.is_empty() => preauth_reasons(settings, amount, &operations),
        _ => Vec::new(),
    };
    let lines = items
        .iter()
        .map(|i| {
            json!({
                "kind": i.kind,
                "code": if i.kind == "part" { &i.part_no } else { &i.code },
                "description": i.description,
                "amount": Money::from_fen(i.amount_fen),
            })
        })
        .collect::<Vec<_>>();
    Ok(Need { amount, reasons, lines: json!(lines), brand: vehicle.brand, vin: vehicle.vin })
}

/// The repair order may start when its warranty work needs no pre-authorisation or an approved request
/// covers its amount.
pub(crate) async fn check_repair_may_start(tx: &mut Tx, order: &RepairOrderRow) -> AppResult<()> {
    let need = need_of(tx, order).await?;
    if need.reasons.is_empty() {
        return Ok(());
    }
    let requests = store::preauths_of_order(tx, &order.store_id, &order.id).await?;
    let approved = requests.iter().filter(|r| r.state == "approved").map(|r| Money::from_fen(r.amount_fen)).max();
    let pending = requests.iter().any(|r| r.state == "requested");
    rules::may_start(true, approved, pending, need.amount)?;
    Ok(())
}

/// A repair order's pre-authorisation at a glance, for its page.
#[derive(Debug, Clone, Serialize)]
pub struct OrderPreauth {
    pub amount: Money,
    pub reasons: Vec<PreauthReason>,
    /// Whether the work may start as it stands (`None`), or the code that stops it.
    pub blocked_by: Option<String>,
    pub requests: Vec<PreauthView>,
}

pub async fn of_order(app: &App, actor: &Actor, repair_order_id: &str) -> AppResult<OrderPreauth> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let id = repair_order_id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let order = repair_orders::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&order.store_id).to_string();
                let need = need_of(tx, &order).await?;
                let requests = store::preauths_of_order(tx, &order.store_id, &order.id).await?;
                let approved =
                    requests.iter().filter(|r| r.state == "approved").map(|r| Money::from_fen(r.amount_fen)).max();
                let pending = requests.iter().any(|r| r.state == "requested");
                let blocked_by = rules::may_start(!need.reasons.is_empty(), approved, pending, need.amount)
                    .err()
                    .map(|v| v.code.to_string());
                Ok(OrderPreauth {
                    amount: need.amount,
                    reasons: reason_views(&need.reasons),
                    blocked_by,
                    requests: requests.into_iter().map(|r| PreauthView::new(r, &zone)).collect(),
                })
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PreauthInput {
    pub repair_order_id: String,
    pub note: String,
}

/// Requests the manufacturer's approval of a repair order's warranty work. One open request per order.
pub async fn request(app: &App, actor: &Actor, input: PreauthInput) -> AppResult<PreauthView> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let actor = actor.clone();
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let Some(order) = repair_orders::get(tx, &scope, input.repair_order_id.trim()).await? else {
                    return Err(Violation::new("repair_order_id", "not_found").into());
                };
                actor.require(Permission::WarrantyWrite, &order.store_id)?;
                let zone = actor.time_zone(&order.store_id).to_string();
                let need = need_of(tx, &order).await?;
                if need.amount.is_zero() {
                    return Err(Violation::new("repair_order_id", "preauth_no_warranty_work").into());
                }
                let open = store::preauths_of_order(tx, &order.store_id, &order.id).await?;
                if open.iter().any(|r| r.state == "requested") {
                    return Err(AppError::Conflict("preauth_pending"));
                }
                let day = clock::local_date(now, &zone);
                let sequence = counters::next(tx, &order.store_id, &format!("PA-{}", day.strftime("%Y%m%d"))).await?;
                let now_ms = now.as_millisecond();
                let row = PreauthRow {
                    id: new_id(),
                    store_id: order.store_id.clone(),
                    number: format!("PA{}{:04}", day.strftime("%Y%m%d"), sequence),
                    repair_order_id: order.id.clone(),
                    vehicle_id: order.vehicle_id.clone(),
                    vin: need.vin,
                    brand: need.brand,
                    state: PreauthState::Requested.as_str().into(),
                    amount_fen: need.amount.fen(),
                    reasons_json: serde_json::to_string(&reason_views(&need.reasons)).map_err(anyhow::Error::from)?,
                    lines_json: need.lines.to_string(),
                    note: input.note.trim().to_string(),
                    requested_by: actor.actor_id().map(str::to_string),
                    requested_at: now_ms,
                    created_at: now_ms,
                    updated_at: now_ms,
                    version: 1,
                    ..PreauthRow::default()
                };
                store::insert_preauth(tx, &row).await?;
                let view = PreauthView::new(row, &zone);
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "warranty_preauth",
                        entity_id: &view.id,
                        action: "request",
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

/// The manufacturer's answer or the clerk's withdrawal.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PreauthDecision {
    /// The manufacturer's approval number.
    pub approval_no: String,
    /// Why it was refused (required for `refuse`).
    pub reason: String,
}

/// `approve`, `refuse` or `cancel` a request.
pub async fn decide(
    app: &App,
    actor: &Actor,
    id: &str,
    action: &str,
    input: PreauthDecision,
) -> AppResult<PreauthView> {
    if !matches!(action, "approve" | "refuse" | "cancel") {
        return Err(AppError::NotFound);
    }
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let (id, action) = (id.to_string(), action.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_preauth(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &before.store_id)?;
                let state = PreauthState::parse(&before.state)
                    .ok_or_else(|| anyhow::anyhow!("unknown pre-authorisation state {}", before.state))?;
                let next = match rules::transition(state, &action, &input.reason) {
                    Ok(next) => next,
                    Err(violation) if violation.code == "illegal_transition" => {
                        return Err(AppError::Conflict("illegal_transition"));
                    }
                    Err(violation) => return Err(violation.into()),
                };
                let zone = actor.time_zone(&before.store_id).to_string();
                let mut row = before.clone();
                row.state = next.as_str().into();
                row.approval_no = input.approval_no.trim().to_string();
                row.decision_reason = input.reason.trim().to_string();
                row.decided_by = actor.actor_id().map(str::to_string);
                row.decided_at = Some(now);
                row.updated_at = now;
                if !store::update_preauth(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let view = PreauthView::new(row, &zone);
                let after =
                    json!({"state": view.state, "approval_no": view.approval_no, "reason": view.decision_reason});
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "warranty_preauth",
                        entity_id: &view.id,
                        action: &action,
                        before: Some(&json!({"state": before.state})),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

pub async fn get_preauth(app: &App, actor: &Actor, id: &str) -> AppResult<PreauthView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_preauth(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                Ok(PreauthView::new(row, &zone))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PreauthListQuery {
    pub state: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Requests, newest first; `state=requested` is what the manufacturer's system fetches.
pub async fn list_preauths(app: &App, actor: &Actor, query: PreauthListQuery) -> AppResult<Page<PreauthView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let filter = PreauthFilter {
        stores: actor.store_ids_filtered(Permission::WarrantyRead, query.store_id.as_deref()),
        state: query.state.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::list_preauths(tx, &filter, cap).await?) })))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let zone = actor.time_zone(&row.store_id).to_string();
            PreauthView::new(row, &zone)
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}
