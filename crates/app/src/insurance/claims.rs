//! Insurance claims (理赔, README I3–I5): 接报案 → 调度 → 现场查勘/定损 → 核损 → 理算 → 核赔 → 赔付 → 结案归档,
//! each step with who and when; the report deadline (late reports flagged, never refused), theft deadlines,
//! a report for someone else with the reporter's ID and the insured's authorisation; the documents checklist
//! (单证) signed for; the loss assessed before repair with the three parties present (the accident repair
//! order cannot start before); the insurer's own deadlines as due items; the loss assessment lines and
//! the split between insurers and customer computed with the whole-accident adjustment.

use claimdesk_domain::access::Permission;
use claimdesk_domain::insurance::claim::{self as rules, OtherParty, OwnCovers, Reporter, Settlement, StepFacts};
use claimdesk_domain::insurance::deadlines::{
    self, InsurerDeadlinesInput, ReportInput, ReportStatus, TheftDeadlinesInput,
};
use claimdesk_domain::insurance::liability::Responsibility;
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::insurance::{
    self as store, AssessmentLineRow, ClaimDocumentRow, ClaimNoteRow, ClaimRow, InsurerRow, ListFilter, PolicyCoverRow,
    PolicyRow, StepRow,
};
use claimdesk_store::{Tx, counters, job, new_id, repair_orders, vehicles};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::insurers::checklist_rows;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::worklist::{DueSpec, close_for_subject, create_due};
use crate::{App, audit, clock};

/// Due-item kinds of the insurer's deadlines: a late insurer shows on the specialist's worklist.
pub const INSURER_DECISION: &str = "insurer_decision";
pub const INSURER_PAYMENT: &str = "insurer_payment";
pub const INSURER_DOCUMENT_LIST: &str = "insurer_document_list";

/// A human-readable number per store and day: `LP202611250001`.
async fn number(tx: &mut Tx, store_id: &str, prefix: &str, day: Date) -> AppResult<String> {
    let stamp = day.strftime("%Y%m%d").to_string();
    let sequence = counters::next(tx, store_id, &format!("{prefix}-{stamp}")).await?;
    Ok(format!("{prefix}{stamp}{sequence:04}"))
}

#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub actor_name: String,
    pub at: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineView {
    pub position: i64,
    pub kind: String,
    pub part_no: String,
    pub name: String,
    pub quantity: String,
    pub catalog_price: Option<Money>,
    pub assessed: Money,
    pub verified: Option<Money>,
    pub covered: bool,
    pub reason: String,
}

/// A claim as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub claim_type: String,
    pub status: String,
    pub actions: Vec<&'static str>,
    pub vehicle_id: String,
    pub plate: String,
    pub customer_id: Option<String>,
    pub policy_id: Option<String>,
    pub insurer_id: Option<String>,
    pub insurer_name: String,
    pub lead_id: Option<String>,
    pub repair_order_id: Option<String>,
    pub insurer_claim_no: String,
    pub accident_at: String,
    pub reported_at: String,
    pub report_deadline_at: String,
    pub report_late: bool,
    pub police_reported_at: Option<String>,
    pub notice_submitted_at: Option<String>,
    pub place: String,
    pub description: String,
    pub reporter_name: String,
    pub reporter_for_insured: bool,
    pub reporter_id_no: String,
    pub authorisation: bool,
    pub surveyor: String,
    pub responsibility: String,
    pub parties: Vec<OtherParty>,
    pub parties_present: Vec<String>,
    pub assessed_at: Option<String>,
    pub third_party_pending: bool,
    pub assessed_total: Money,
    pub verified_total: Money,
    pub insurer_pays: Money,
    pub customer_pays: Money,
    pub paid: Money,
    pub version: i64,
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl ClaimView {
    fn new(row: ClaimRow, plate: String, insurer_name: String, zone: &str) -> ClaimView {
        let local = |ms: i64| clock::rfc3339_local(ms, zone);
        ClaimView {
            actions: rules::actions_from(&row.status),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            claim_type: row.claim_type,
            status: row.status,
            vehicle_id: row.vehicle_id,
            plate,
            customer_id: row.customer_id,
            policy_id: row.policy_id,
            insurer_id: row.insurer_id,
            insurer_name,
            lead_id: row.lead_id,
            repair_order_id: row.repair_order_id,
            insurer_claim_no: row.insurer_claim_no,
            accident_at: local(row.accident_at),
            reported_at: local(row.reported_at),
            report_deadline_at: local(row.report_deadline_at),
            report_late: row.report_late,
            police_reported_at: row.police_reported_at.map(local),
            notice_submitted_at: row.notice_submitted_at.map(local),
            place: row.place,
            description: row.description,
            reporter_name: row.reporter_name,
            reporter_for_insured: row.reporter_for_insured,
            reporter_id_no: row.reporter_id_no,
            authorisation: row.authorisation,
            surveyor: row.surveyor,
            responsibility: row.responsibility,
            parties: serde_json::from_str(&row.parties).unwrap_or_default(),
            parties_present: split_list(&row.parties_present),
            assessed_at: row.assessed_at.map(local),
            third_party_pending: row.third_party_pending,
            assessed_total: Money::from_fen(row.assessed_fen),
            verified_total: Money::from_fen(row.verified_fen),
            insurer_pays: Money::from_fen(row.insurer_pays_fen),
            customer_pays: Money::from_fen(row.customer_pays_fen),
            paid: Money::from_fen(row.paid_fen),
            version: row.version,
        }
    }
}

async fn view_of(tx: &mut Tx, actor: &Actor, row: ClaimRow) -> AppResult<ClaimView> {
    let stores = std::slice::from_ref(&row.store_id);
    let plate = vehicles::get(tx, stores, &row.vehicle_id).await?.map(|v| v.plate).unwrap_or_default();
    let insurer_name = match &row.insurer_id {
        Some(id) => store::get::<InsurerRow>(tx, stores, id).await?.map(|i| i.name).unwrap_or_default(),
        None => String::new(),
    };
    let zone = actor.time_zone(&row.store_id).to_string();
    Ok(ClaimView::new(row, plate, insurer_name, &zone))
}

/// `POST /api/v1/insurance-claims`: 接报案.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimInput {
    pub claim_type: String,
    pub vehicle_id: String,
    #[serde(default)]
    pub policy_id: Option<String>,
    #[serde(default)]
    pub insurer_id: Option<String>,
    #[serde(default)]
    pub lead_id: Option<String>,
    #[serde(default)]
    pub repair_order_id: Option<String>,
    #[serde(default)]
    pub insurer_claim_no: String,
    /// When the accident happened (or, for theft, when the insured learned of it): local time or RFC 3339.
    pub accident_at: String,
    /// When the insurer was told; empty means now.
    #[serde(default)]
    pub reported_at: String,
    #[serde(default)]
    pub police_reported_at: String,
    /// When the 出险通知单 went to the insurer (theft).
    #[serde(default)]
    pub notice_submitted_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub reporter: Reporter,
    #[serde(default)]
    pub store_id: Option<String>,
}

fn instant(violations: &mut Violations, field: &str, text: &str, zone: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match clock::parse_instant(text, zone) {
        Some(at) => Some(at.as_millisecond()),
        None => {
            violations.push(Violation::new(field, "date_format").with("found", text));
            None
        }
    }
}

fn civil(ms: i64, zone: &str) -> jiff::civil::DateTime {
    clock::from_ms(ms).to_zoned(clock::zone(zone)).datetime()
}

pub async fn create(app: &App, actor: &Actor, input: ClaimInput) -> AppResult<ClaimView> {
    let store_id = actor.target_store(Permission::InsuranceWrite, input.store_id.as_deref())?;
    let zone = actor.time_zone(&store_id).to_string();
    let now = app.clock.now();
    let mut violations = Violations::new();
    if !rules::CLAIM_TYPES.contains(&input.claim_type.trim()) {
        violations.push(Violation::new("claim_type", "unknown_value").with("detail", input.claim_type.trim()));
    }
    if input.accident_at.trim().is_empty() {
        violations.push(Violation::new("accident_at", "required"));
    }
    let accident_at = instant(&mut violations, "accident_at", &input.accident_at, &zone);
    let reported_at =
        instant(&mut violations, "reported_at", &input.reported_at, &zone).unwrap_or(now.as_millisecond());
    let police_at = instant(&mut violations, "police_reported_at", &input.police_reported_at, &zone);
    let notice_at = instant(&mut violations, "notice_submitted_at", &input.notice_submitted_at, &zone);
    if let Err(errors) = rules::check_reporter(&input.reporter) {
        for violation in errors.0 {
            violations.push(violation);
        }
    }
    if let Some(at) = accident_at
        && at > now.as_millisecond()
    {
        violations.push(Violation::new("accident_at", "date_in_future").with("today", clock::local_date(now, &zone)));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let accident_at = accident_at.expect("checked");
    let report = deadlines::report_deadline(&ReportInput {
        accident_time: civil(accident_at, &zone),
        reported_at: Some(civil(reported_at, &zone)),
    })?;
    let deadline_ms =
        report.deadline.to_zoned(clock::zone(&zone)).map(|z| z.timestamp().as_millisecond()).unwrap_or(accident_at);
    let mut late = report.status == ReportStatus::Late;
    if input.claim_type.trim() == "theft" {
        let theft = deadlines::theft_deadlines(&TheftDeadlinesInput {
            learned_at: civil(accident_at, &zone),
            police_reported_at: police_at.map(|ms| civil(ms, &zone)),
            insurer_notified_at: notice_at.or(Some(reported_at)).map(|ms| civil(ms, &zone)),
            police_case_filed_on: None,
        })?;
        late |= theft.police_status == ReportStatus::Late || theft.insurer_status == ReportStatus::Late;
    }
    let today = clock::local_date(now, &zone);
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let stores = std::slice::from_ref(&store_id);
                let vehicle = vehicles::find(tx, stores, &input.vehicle_id)
                    .await?
                    .ok_or_else(|| Violation::new("vehicle_id", "not_found"))?;
                let policy = match input.policy_id.as_deref().filter(|id| !id.trim().is_empty()) {
                    Some(key) => Some(
                        store::find::<PolicyRow>(tx, stores, &["policy_no"], key)
                            .await?
                            .ok_or_else(|| Violation::new("policy_id", "not_found"))?,
                    ),
                    None => None,
                };
                let repair_order_id = match input.repair_order_id.as_deref().filter(|id| !id.trim().is_empty()) {
                    Some(key) => Some(
                        repair_orders::find(tx, stores, key)
                            .await?
                            .ok_or_else(|| Violation::new("repair_order_id", "not_found"))?
                            .id,
                    ),
                    None => None,
                };
                let insurer_id = input
                    .insurer_id
                    .clone()
                    .filter(|id| !id.is_empty())
                    .or_else(|| policy.as_ref().map(|p| p.insurer_id.clone()));
                let claim_type = input.claim_type.trim().to_string();
                let row = ClaimRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    number: number(tx, &store_id, "LP", today).await?,
                    claim_type: claim_type.clone(),
                    status: "reported".into(),
                    vehicle_id: vehicle.id.clone(),
                    customer_id: policy.as_ref().and_then(|p| p.customer_id.clone()).or(vehicle.owner_id.clone()),
                    policy_id: policy.as_ref().map(|p| p.id.clone()),
                    insurer_id,
                    lead_id: input.lead_id.clone().filter(|id| !id.is_empty()),
                    repair_order_id,
                    insurer_claim_no: input.insurer_claim_no.trim().to_string(),
                    accident_at,
                    reported_at,
                    report_deadline_at: deadline_ms,
                    report_late: late,
                    police_reported_at: police_at,
                    notice_submitted_at: notice_at,
                    place: input.place.trim().to_string(),
                    description: input.description.trim().to_string(),
                    reporter_name: input.reporter.name.trim().to_string(),
                    reporter_for_insured: input.reporter.for_insured,
                    reporter_id_no: input.reporter.id_no.trim().to_string(),
                    authorisation: input.reporter.authorisation,
                    parties: "[]".into(),
                    specialist_id: actor.actor_id().map(str::to_string),
                    created_at: now.as_millisecond(),
                    updated_at: now.as_millisecond(),
                    version: 1,
                    ..ClaimRow::default()
                };
                store::insert(tx, &row).await?;
                for template in checklist_rows(tx, &store_id, &claim_type).await? {
                    store::insert(
                        tx,
                        &ClaimDocumentRow {
                            id: new_id(),
                            store_id: store_id.clone(),
                            claim_id: row.id.clone(),
                            position: template.position,
                            name: template.name,
                            required: template.required,
                            ..ClaimDocumentRow::default()
                        },
                    )
                    .await?;
                }
                record_step(tx, &actor, &row, "report", "", "reported", now.as_millisecond(), "").await?;
                // 交强险条例 Art 28: the insurer gives the document list within 1 day of the claim.
                let has_compulsory = match &policy {
                    Some(p) => store::children::<PolicyCoverRow>(tx, &store_id, "policy_id", &p.id, "position")
                        .await?
                        .iter()
                        .any(|c| c.cover == "compulsory"),
                    None => false,
                };
                if has_compulsory {
                    let due = deadlines::compulsory_deadlines(&deadlines::CompulsoryDeadlinesInput {
                        claim_on: today,
                        documents_received_on: None,
                        agreed_on: None,
                    })?;
                    insurer_due(
                        tx,
                        &row,
                        &vehicle.plate,
                        INSURER_DOCUMENT_LIST,
                        "交强险条例 Art 28",
                        due.document_list_due,
                        now.as_millisecond(),
                    )
                    .await?;
                }
                let view = view_of(tx, &actor, row).await?;
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "insurance_claim",
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

#[expect(clippy::too_many_arguments, reason = "each argument is one column of the step row")]
async fn record_step(
    tx: &mut Tx,
    actor: &Actor,
    claim: &ClaimRow,
    action: &str,
    from: &str,
    to: &str,
    now: i64,
    note: &str,
) -> AppResult<()> {
    store::insert(
        tx,
        &StepRow {
            id: new_id(),
            store_id: claim.store_id.clone(),
            claim_id: claim.id.clone(),
            action: action.into(),
            from_status: from.into(),
            to_status: to.into(),
            actor_id: actor.actor_id().map(str::to_string),
            actor_name: actor.display_name.clone(),
            at: now,
            note: note.trim().into(),
        },
    )
    .await?;
    Ok(())
}

async fn insurer_due(
    tx: &mut Tx,
    claim: &ClaimRow,
    plate: &str,
    kind: &str,
    rule: &str,
    due_on: Date,
    now: i64,
) -> AppResult<()> {
    create_due(
        tx,
        DueSpec {
            store_id: claim.store_id.clone(),
            assignee_id: claim.specialist_id.clone(),
            kind: kind.into(),
            rule: rule.into(),
            subject_type: "insurance_claim".into(),
            subject_id: claim.id.clone(),
            subject_label: format!("{} {plate}", claim.number),
            params: serde_json::json!({ "claim": claim.number }),
            window_from: None,
            due_on,
            escalate_after_days: Some(0),
            escalate_to_role: Some("supervisor".into()),
        },
        now,
    )
    .await?;
    Ok(())
}

/// A workflow step as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StepInput {
    #[serde(default)]
    pub note: String,
    /// 调度 / 查勘: the insurer's surveyor.
    #[serde(default)]
    pub surveyor: String,
    /// 定损: who was present (`insured`, `surveyor`, `repairer`).
    #[serde(default)]
    pub parties_present: Vec<String>,
    /// 查勘: third-party injury or property still to be assessed.
    #[serde(default)]
    pub third_party_pending: Option<bool>,
    /// 赔付: the amount the insurer paid.
    #[serde(default)]
    pub paid: Option<String>,
    /// 核赔 on a complex case: the insurer decides within 30 days.
    #[serde(default)]
    pub complex: bool,
    #[serde(default)]
    pub version: Option<i64>,
}

pub async fn step(app: &App, actor: &Actor, id: &str, action: &str, input: StepInput) -> AppResult<ClaimView> {
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, id, action) = (actor.clone(), id.to_string(), action.to_string());
    let now = app.clock.now();
    if !rules::ACTIONS.contains(&action.as_str()) {
        return Err(AppError::NotFound);
    }
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before: ClaimRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::InsuranceWrite, &before.store_id)?;
                let next =
                    rules::transition(&before.status, &action).map_err(|_| AppError::Conflict("illegal_transition"))?;
                let documents: Vec<ClaimDocumentRow> =
                    store::children(tx, &before.store_id, "claim_id", &id, "position").await?;
                let missing = documents.iter().filter(|d| d.required && !d.received).count() as i64;
                let mut row = before.clone();
                if let Some(pending) = input.third_party_pending {
                    row.third_party_pending = pending;
                }
                let facts = StepFacts {
                    parties_present: input.parties_present.iter().map(|p| p.trim().to_string()).collect(),
                    third_party_pending: row.third_party_pending,
                    documents_missing: missing,
                };
                rules::check_step(&action, &facts)?;
                let ms = now.as_millisecond();
                let zone = actor.time_zone(&row.store_id).to_string();
                let today = clock::local_date(now, &zone);
                let plate = vehicles::get(tx, std::slice::from_ref(&row.store_id), &row.vehicle_id)
                    .await?
                    .map(|v| v.plate)
                    .unwrap_or_default();
                if !input.surveyor.trim().is_empty() {
                    row.surveyor = input.surveyor.trim().to_string();
                }
                match action.as_str() {
                    "dispatch" => {
                        close_for_subject(
                            tx,
                            &row.store_id,
                            "insurance_claim",
                            &row.id,
                            INSURER_DOCUMENT_LIST,
                            "done",
                            ms,
                        )
                        .await?;
                    }
                    "assess" => {
                        row.parties_present = facts.parties_present.join(",");
                        row.assessed_at = Some(ms);
                    }
                    "adjust" => {
                        // Insurance Law Art 23–25: from the complete documents the insurer decides and pays.
                        let due = deadlines::insurer_deadlines(&InsurerDeadlinesInput {
                            documents_complete_on: today,
                            complex: input.complex,
                            contract_decision_days: None,
                            decided_on: None,
                            covered: None,
                            agreed_on: None,
                            contract_payment_days: None,
                        })?;
                        let (decision, rule) = match due.decision_due {
                            Some(day) => (day, "Insurance Law Art 23"),
                            None => (due.determinable_part_due, "Insurance Law Art 25"),
                        };
                        insurer_due(tx, &row, &plate, INSURER_DECISION, rule, decision, ms).await?;
                    }
                    "approve" => {
                        close_for_subject(tx, &row.store_id, "insurance_claim", &row.id, INSURER_DECISION, "done", ms)
                            .await?;
                        let due = deadlines::insurer_deadlines(&InsurerDeadlinesInput {
                            documents_complete_on: today,
                            complex: false,
                            contract_decision_days: None,
                            decided_on: Some(today),
                            covered: Some(true),
                            agreed_on: Some(today),
                            contract_payment_days: None,
                        })?;
                        if let Some(payment) = due.payment_due {
                            insurer_due(tx, &row, &plate, INSURER_PAYMENT, "Insurance Law Art 23", payment, ms).await?;
                        }
                    }
                    "pay" => {
                        let paid = match input.paid.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                            Some(text) => Money::parse("paid", text)?,
                            None => Money::from_fen(row.insurer_pays_fen),
                        };
                        row.paid_fen = paid.fen();
                        close_for_subject(tx, &row.store_id, "insurance_claim", &row.id, INSURER_PAYMENT, "done", ms)
                            .await?;
                    }
                    "withdraw" => {
                        for kind in [INSURER_DOCUMENT_LIST, INSURER_DECISION, INSURER_PAYMENT] {
                            close_for_subject(tx, &row.store_id, "insurance_claim", &row.id, kind, "cancelled", ms)
                                .await?;
                        }
                    }
                    _ => {}
                }
                row.status = next.to_string();
                row.updated_at = ms;
                let version = input.version.unwrap_or(before.version);
                if !store::update(tx, &row, &before.store_id, &id, version).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version = version + 1;
                record_step(tx, &actor, &row, &action, &before.status, next, ms, &input.note).await?;
                audit::record(
                    tx,
                    &actor,
                    ms,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "insurance_claim",
                        entity_id: &row.id,
                        action: &action,
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                view_of(tx, &actor, row).await
            })
        }))
        .await
}

/// A document received (or marked missing again) and who signed for it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentInput {
    pub position: i64,
    #[serde(default)]
    pub received: bool,
    #[serde(default)]
    pub signed_by: String,
    #[serde(default)]
    pub note: String,
}

pub async fn receive_document(app: &App, actor: &Actor, id: &str, input: DocumentInput) -> AppResult<ClaimDetail> {
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, id) = (actor.clone(), id.to_string());
    let now = app.clock.now();
    if input.received && input.signed_by.trim().is_empty() {
        return Err(Violation::new("signed_by", "required").into());
    }
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let claim: ClaimRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::InsuranceWrite, &claim.store_id)?;
                let documents: Vec<ClaimDocumentRow> =
                    store::children(tx, &claim.store_id, "claim_id", &id, "position").await?;
                let before = documents
                    .into_iter()
                    .find(|d| d.position == input.position)
                    .ok_or_else(|| Violation::new("position", "not_found"))?;
                let mut row = before.clone();
                row.received = input.received;
                row.received_on =
                    input.received.then(|| clock::local_date(now, actor.time_zone(&claim.store_id)).to_string());
                row.signed_by = if input.received { input.signed_by.trim().to_string() } else { String::new() };
                row.note = input.note.trim().to_string();
                store::replace(tx, &row, &claim.store_id, &row.id).await?;
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&claim.store_id),
                        entity: "insurance_claim",
                        entity_id: &claim.id,
                        action: "document",
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                detail(tx, &actor, claim).await
            })
        }))
        .await
}

/// One line of the loss assessment as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LineInput {
    /// `part`, `labor` or `paint`.
    pub kind: String,
    #[serde(default)]
    pub part_no: String,
    pub name: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub catalog_price: String,
    pub assessed: String,
    #[serde(default)]
    pub verified: String,
    #[serde(default = "yes")]
    pub covered: bool,
    #[serde(default)]
    pub reason: String,
}

fn yes() -> bool {
    true
}

/// The loss assessment (定损): the lines, the accident's liability, the other vehicles, and a negotiation note.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssessmentInput {
    pub lines: Vec<LineInput>,
    /// `full`, `major`, `equal`, `minor`, `none`.
    #[serde(default)]
    pub responsibility: String,
    #[serde(default)]
    pub parties: Vec<OtherParty>,
    #[serde(default)]
    pub note: String,
}

pub const LINE_KINDS: [&str; 3] = ["part", "labor", "paint"];
pub const RESPONSIBILITIES: [&str; 5] = ["full", "major", "equal", "minor", "none"];

fn optional_money(violations: &mut Violations, field: &str, text: &str) -> Option<Money> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match Money::parse(field, text) {
        Ok(value) if value.is_negative() => {
            violations.push(Violation::new(field, "out_of_range").with("min", 0));
            None
        }
        Ok(value) => Some(value),
        Err(violation) => {
            violations.push(violation);
            None
        }
    }
}

fn responsibility(text: &str) -> Option<Responsibility> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// Records the assessment lines and computes who pays what.
pub async fn assess(app: &App, actor: &Actor, id: &str, input: AssessmentInput) -> AppResult<ClaimDetail> {
    let mut violations = Violations::new();
    let mut lines = Vec::new();
    for (index, line) in input.lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{index}].{name}");
        if !LINE_KINDS.contains(&line.kind.trim()) {
            violations.push(Violation::new(field("kind"), "unknown_value").with("detail", line.kind.trim()));
        }
        if line.name.trim().is_empty() {
            violations.push(Violation::new(field("name"), "required"));
        }
        if line.assessed.trim().is_empty() {
            violations.push(Violation::new(field("assessed"), "required"));
        }
        let assessed = optional_money(&mut violations, &field("assessed"), &line.assessed);
        let verified = optional_money(&mut violations, &field("verified"), &line.verified);
        let catalog = optional_money(&mut violations, &field("catalog_price"), &line.catalog_price);
        if !line.covered && line.reason.trim().is_empty() {
            violations.push(Violation::new(field("reason"), "required"));
        }
        lines.push((line, assessed.unwrap_or_default(), verified, catalog));
    }
    let liability = input.responsibility.trim();
    if !liability.is_empty() && !RESPONSIBILITIES.contains(&liability) {
        violations.push(Violation::new("responsibility", "unknown_value").with("detail", liability));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let rows: Vec<AssessmentLineRow> = lines
        .iter()
        .enumerate()
        .map(|(position, (line, assessed, verified, catalog))| AssessmentLineRow {
            position: position as i64,
            kind: line.kind.trim().into(),
            part_no: line.part_no.trim().into(),
            name: line.name.trim().into(),
            quantity: if line.quantity.trim().is_empty() { "1".into() } else { line.quantity.trim().into() },
            catalog_fen: catalog.map(Money::fen),
            assessed_fen: assessed.fen(),
            verified_fen: verified.map(Money::fen),
            covered: line.covered,
            reason: line.reason.trim().into(),
            ..AssessmentLineRow::default()
        })
        .collect();
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, id) = (actor.clone(), id.to_string());
    let liability = liability.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before: ClaimRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::InsuranceWrite, &before.store_id)?;
                if matches!(before.status.as_str(), "approved" | "paid" | "closed" | "withdrawn") {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let store_id = before.store_id.clone();
                store::delete_children(tx, "loss_assessment_lines", &store_id, "claim_id", &id).await?;
                for row in &rows {
                    let row = AssessmentLineRow {
                        id: new_id(),
                        store_id: store_id.clone(),
                        claim_id: id.clone(),
                        ..row.clone()
                    };
                    store::insert(tx, &row).await?;
                }
                let mut row = before.clone();
                row.responsibility = liability.clone();
                row.parties = serde_json::to_string(&input.parties).unwrap_or_else(|_| "[]".into());
                let (settlement, _) = settlement_of(tx, &row, &rows).await?;
                row.assessed_fen = rows.iter().map(|l| l.assessed_fen).sum();
                row.verified_fen = rows.iter().map(|l| l.verified_fen.unwrap_or(l.assessed_fen)).sum();
                row.insurer_pays_fen = settlement.as_ref().map_or(0, |s| s.insurer_pays.fen());
                row.customer_pays_fen = settlement.as_ref().map_or(row.verified_fen, |s| s.customer_pays.fen());
                row.updated_at = now;
                if !store::update(tx, &row, &store_id, &id, before.version).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                if !input.note.trim().is_empty() {
                    store::insert(
                        tx,
                        &ClaimNoteRow {
                            id: new_id(),
                            store_id: store_id.clone(),
                            claim_id: id.clone(),
                            author_id: actor.actor_id().map(str::to_string),
                            at: now,
                            text: input.note.trim().to_string(),
                        },
                    )
                    .await?;
                }
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "insurance_claim",
                        entity_id: &id,
                        action: "assess",
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                detail(tx, &actor, row).await
            })
        }))
        .await
}

/// The split of the verified repair between insurers and customer, from the policy's covers and the
/// accident's liability (none when no policy or no responsibility is recorded yet).
async fn settlement_of(
    tx: &mut Tx,
    claim: &ClaimRow,
    lines: &[AssessmentLineRow],
) -> AppResult<(Option<Settlement>, Money)> {
    let price = |l: &AssessmentLineRow| l.verified_fen.unwrap_or(l.assessed_fen);
    let covered = Money::from_fen(lines.iter().filter(|l| l.covered).map(price).sum());
    let uncovered = Money::from_fen(lines.iter().filter(|l| !l.covered).map(price).sum());
    let Some(policy_id) = &claim.policy_id else { return Ok((None, uncovered)) };
    if claim.responsibility.is_empty() || lines.is_empty() {
        return Ok((None, uncovered));
    }
    let covers: Vec<PolicyCoverRow> = store::children(tx, &claim.store_id, "policy_id", policy_id, "position").await?;
    let percent = |c: &PolicyCoverRow| c.deductible_percent.as_deref().and_then(|p| p.parse::<Decimal>().ok());
    let own = OwnCovers {
        compulsory: covers.iter().any(|c| c.cover == "compulsory"),
        own_damage: covers
            .iter()
            .find(|c| c.cover == "own_damage")
            .map(|c| (Money::from_fen(c.sum_insured_fen.unwrap_or(0)), percent(c))),
        third_party: covers
            .iter()
            .find(|c| c.cover == "third_party")
            .map(|c| (Money::from_fen(c.sum_insured_fen.unwrap_or(0)), percent(c))),
    };
    let parties: Vec<OtherParty> = serde_json::from_str(&claim.parties).unwrap_or_default();
    let (settlement, _) = rules::settle(responsibility(&claim.responsibility), &own, covered, uncovered, &parties)?;
    Ok((Some(settlement), uncovered))
}

/// A claim with its steps, documents, assessment lines, notes and the split of the repair.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDetail {
    pub claim: ClaimView,
    pub steps: Vec<StepView>,
    pub documents: Vec<ClaimDocumentRow>,
    pub lines: Vec<LineView>,
    pub notes: Vec<ClaimNoteRow>,
    pub settlement: Option<Settlement>,
}

async fn detail(tx: &mut Tx, actor: &Actor, row: ClaimRow) -> AppResult<ClaimDetail> {
    let zone = actor.time_zone(&row.store_id).to_string();
    let steps: Vec<StepRow> = store::children(tx, &row.store_id, "claim_id", &row.id, "at, id").await?;
    let documents = store::children(tx, &row.store_id, "claim_id", &row.id, "position").await?;
    let lines: Vec<AssessmentLineRow> = store::children(tx, &row.store_id, "claim_id", &row.id, "position").await?;
    let notes = store::children(tx, &row.store_id, "claim_id", &row.id, "at, id").await?;
    let (settlement, _) = settlement_of(tx, &row, &lines).await?;
    let lines = lines
        .into_iter()
        .map(|l| LineView {
            position: l.position,
            kind: l.kind,
            part_no: l.part_no,
            name: l.name,
            quantity: l.quantity,
            catalog_price: l.catalog_fen.map(Money::from_fen),
            assessed: Money::from_fen(l.assessed_fen),
            verified: l.verified_fen.map(Money::from_fen),
            covered: l.covered,
            reason: l.reason,
        })
        .collect();
    let steps = steps
        .into_iter()
        .map(|s| StepView {
            action: s.action,
            from_status: s.from_status,
            to_status: s.to_status,
            actor_name: s.actor_name,
            at: clock::display_local(s.at, &zone),
            note: s.note,
        })
        .collect();
    let claim = view_of(tx, actor, row).await?;
    Ok(ClaimDetail { claim, steps, documents, lines, notes, settlement })
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<ClaimDetail> {
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, id) = (actor.clone(), id.to_string());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row: ClaimRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                detail(tx, &actor, row).await
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimListQuery {
    /// A claim-number prefix.
    pub q: Option<String>,
    pub status: Option<String>,
    pub vehicle_id: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(app: &App, actor: &Actor, query: ClaimListQuery) -> AppResult<Page<ClaimView>> {
    actor.require_anywhere(Permission::InsuranceRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let mut equals = Vec::new();
    for (column, value) in [("status", &query.status), ("vehicle_id", &query.vehicle_id)] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            equals.push((column, value.to_string()));
        }
    }
    let filter = ListFilter {
        stores: actor.store_ids_filtered(Permission::InsuranceRead, query.store_id.as_deref()),
        equals,
        prefix: query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| ("number", q.to_uppercase())),
        order: "created_at DESC, id",
        offset: request.offset(),
        limit: request.per_page,
        ..ListFilter::default()
    };
    let cap = app.settings.count_cap;
    let actor = actor.clone();
    let (views, total) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::list::<ClaimRow>(tx, &filter, cap).await?;
                let mut views = Vec::new();
                for row in rows {
                    views.push(view_of(tx, &actor, row).await?);
                }
                Ok::<_, AppError>((views, total))
            })
        }))
        .await?;
    Ok(Page::new(views, total, request, cap))
}

/// The repair order may start only once every claim on it has its loss assessed (I5: 先定损后修理).
pub(crate) async fn check_repair_may_start(tx: &mut Tx, store_id: &str, repair_order_id: &str) -> AppResult<()> {
    let claims: Vec<ClaimRow> = store::children(tx, store_id, "repair_order_id", repair_order_id, "created_at").await?;
    if let Some(claim) = claims.iter().find(|c| c.status != "withdrawn" && !rules::loss_assessed(&c.status)) {
        return Err(Violation::new("status", "loss_not_assessed").with("claim", &claim.number).into());
    }
    Ok(())
}
