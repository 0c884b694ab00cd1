//! 三包换退车: a consumer's written request for a replacement car or a return (2021 Art 24–29).
//!
//! Registering the request decides the entitlement from the vehicle's whole repair history (the engine's
//! `assess` with the request date and reading, and the fault reported with it), and opens the reply due
//! item: 10 working days after the day of receipt (Art 28 ¶1, holiday calendar). Accepting opens the
//! completion item (20 working days, Art 28 ¶2); refusing needs the reasons, which the reply prints with
//! the engine's. Completion computes the Art 27 use compensation and the Art 26 losses, numbers the
//! 换车/退车证明, names the replacement car (whose periods restart at the handover, Art 29) and queues the
//! manufacturer's recovery notice in the outbox (Art 3: the seller recovers from the manufacturer).

use claimdesk_domain::access::Permission;
use claimdesk_domain::calendar::WorkCalendar;
use claimdesk_domain::sanbao::compensation::{
    AddOn, ReplacementGround, SellerRefundInput, UseCompensationInput, seller_refund, use_compensation,
};
use claimdesk_domain::sanbao::deadlines::{DeadlinesInput, deadlines};
use claimdesk_domain::sanbao::watch::{RequestKind, entitlement};
use claimdesk_domain::sanbao::{AssessInput, Fault, Request, assess};
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::outbox::{self, OutboxRow};
use claimdesk_store::sanbao::{self as store, CaseRow, ListFilter};
use claimdesk_store::vehicles::{self, VehicleRow};
use claimdesk_store::{Tx, counters, due_items, job, new_id};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{DUE_CASE_COMPLETION, DUE_CASE_REPLY, engine_vehicle, history, service_manager};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::worklist::{DueSpec, create_due};
use crate::{App, audit, clock};

pub const STATUSES: [&str; 4] = ["registered", "accepted", "refused", "completed"];

/// The fault reported with the request (optional: Art 24(4) rests on the history alone).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseFault {
    pub system: String,
    pub part: String,
    pub problem: String,
    pub serious_safety: bool,
    pub main_part: bool,
    pub needs_replacement: bool,
    /// An Art 23 failure: `steering_failure`, `brake_failure`, `body_cracking`, `fuel_leakage`,
    /// `power_battery_fire`.
    pub safety_failure: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CaseInput {
    pub vehicle_id: String,
    /// `replacement` or `return`.
    pub kind: String,
    /// The day the written request was received.
    pub received_on: String,
    /// The odometer reading on that day; the vehicle's last reading when empty.
    pub odometer_km: Option<i64>,
    /// The consumer's request as written.
    pub request_text: String,
    pub fault: Option<CaseFault>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecideInput {
    /// `accept` or `refuse`.
    pub action: String,
    /// Required for a refusal (Art 28 ¶1).
    pub reasons: String,
    /// The day of the reply; today when empty.
    pub replied_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CompleteInput {
    /// The day of the replacement or return; today when empty.
    pub completed_on: Option<String>,
    /// 车价款; the vehicle's sale price when empty.
    pub price: Option<String>,
    /// 车辆登记费 (Art 26).
    pub registration_fee: Option<String>,
    /// Service fees the seller collected.
    pub service_fee: Option<String>,
    /// Add-ons and decoration the seller charged, and their agreed depreciation.
    pub add_on_charged: Option<String>,
    pub add_on_depreciation: Option<String>,
    /// The replacement car (registered in the store), for a replacement.
    pub new_vehicle_vin: String,
    /// Its odometer at handover; its last reading when empty.
    pub handover_km: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub vehicle_id: String,
    pub vin: String,
    pub customer_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub received_on: String,
    pub odometer_km: i64,
    pub request_text: String,
    pub fault: serde_json::Value,
    pub reply_due_on: String,
    pub completion_due_on: String,
    pub entitled: bool,
    /// The article of the ground that entitles (empty when not entitled).
    pub ground_article: String,
    /// The engine's assessment as decided at registration.
    pub assessment: serde_json::Value,
    pub replied_on: Option<String>,
    pub refusal_reasons: String,
    pub price: Option<Money>,
    pub n_percent: String,
    pub use_compensation: Money,
    /// The Art 26 losses the seller pays, item by item.
    pub losses: serde_json::Value,
    pub losses_total: Money,
    /// What the seller pays out: losses, plus the price less the use compensation on a return.
    pub refund: Money,
    pub completed_on: Option<String>,
    pub certificate_no: String,
    pub new_vehicle_id: Option<String>,
    pub handover_km: Option<i64>,
    pub manufacturer_notified_at: Option<String>,
    pub actions: Vec<&'static str>,
    pub created_at: String,
    pub version: i64,
}

fn actions(status: &str, entitled: bool) -> Vec<&'static str> {
    match status {
        "registered" if entitled => vec!["accept", "refuse"],
        "registered" => vec!["refuse"],
        "accepted" => vec!["complete"],
        _ => Vec::new(),
    }
}

impl CaseView {
    pub fn new(row: CaseRow, time_zone: &str) -> CaseView {
        let json = |text: &str| serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
        CaseView {
            actions: actions(&row.status, row.entitled),
            fault: json(&row.fault_json),
            assessment: json(&row.assessment_json),
            losses: json(&row.losses_json),
            price: row.price_fen.map(Money::from_fen),
            use_compensation: Money::from_fen(row.use_compensation_fen),
            losses_total: Money::from_fen(row.losses_fen),
            refund: Money::from_fen(row.refund_fen),
            manufacturer_notified_at: row.manufacturer_notified_at.map(|ms| clock::rfc3339_local(ms, time_zone)),
            created_at: clock::rfc3339_local(row.created_at, time_zone),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            vehicle_id: row.vehicle_id,
            vin: row.vin,
            customer_id: row.customer_id,
            kind: row.kind,
            status: row.status,
            received_on: row.received_on,
            odometer_km: row.odometer_km,
            request_text: row.request_text,
            reply_due_on: row.reply_due_on,
            completion_due_on: row.completion_due_on,
            entitled: row.entitled,
            ground_article: row.ground_article,
            replied_on: row.replied_on,
            refusal_reasons: row.refusal_reasons,
            n_percent: row.n_percent,
            completed_on: row.completed_on,
            certificate_no: row.certificate_no,
            new_vehicle_id: row.new_vehicle_id,
            handover_km: row.handover_km,
            version: row.version,
        }
    }
}

/// A date typed in a form or sent by the API; today when empty; never after today.
fn date_field(violations: &mut Violations, field: &str, text: Option<&str>, today: Date) -> Date {
    match text.map(str::trim).filter(|text| !text.is_empty()) {
        None => today,
        Some(text) => match text.parse::<Date>() {
            Ok(date) if date > today => {
                violations.push(Violation::new(field, "date_in_future").with("today", today));
                today
            }
            Ok(date) => date,
            Err(_) => {
                violations.push(Violation::new(field, "date_format").with("found", text));
                today
            }
        },
    }
}

fn money_field(violations: &mut Violations, field: &str, text: Option<&str>) -> Option<Money> {
    let text = text.map(str::trim).filter(|text| !text.is_empty())?;
    match Money::parse(field, text) {
        Ok(money) => Some(money),
        Err(violation) => {
            violations.push(violation);
            None
        }
    }
}

/// The engine's fault from the form's; a field violation on an unknown system or failure.
fn engine_fault(fault: &CaseFault) -> Result<Option<Fault>, Violations> {
    if fault.system.trim().is_empty() {
        return Ok(None);
    }
    let mut value = serde_json::json!({
        "system": fault.system.trim(),
        "serious_safety": fault.serious_safety,
        "main_part": fault.main_part,
        "needs_replacement": fault.needs_replacement,
    });
    for (key, text) in [("part", &fault.part), ("problem", &fault.problem), ("safety_failure", &fault.safety_failure)] {
        if !text.trim().is_empty() {
            value[key] = serde_json::Value::String(text.trim().to_string());
        }
    }
    serde_json::from_value(value).map(Some).map_err(|error| {
        let field = if error.to_string().contains("safety_failure") || super::parse_system(&fault.system).is_some() {
            "fault.safety_failure"
        } else {
            "fault.system"
        };
        Violations::from(Violation::new(field, "unknown_value"))
    })
}

/// The engine's field paths as the case's fields.
fn case_field(path: &str) -> String {
    match path {
        "request.date" => "received_on".into(),
        "request.odometer_km" => "odometer_km".into(),
        other => other.strip_prefix("request.").unwrap_or(other).to_string(),
    }
}

/// Registers a consumer's written request and decides its entitlement from the whole repair history.
pub async fn register(app: &App, actor: &Actor, input: CaseInput) -> AppResult<CaseView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let vehicle = match vehicles::get(tx, &scope, &input.vehicle_id).await? {
                    Some(vehicle) => vehicle,
                    None => return Err(Violation::new("vehicle_id", "not_found").into()),
                };
                let store_id = vehicle.store_id.clone();
                actor.require(Permission::WarrantyWrite, &store_id)?;
                let zone = actor.time_zone(&store_id).to_string();
                let today = clock::local_date(clock::from_ms(now), &zone);
                let mut violations = Violations::new();
                let kind = RequestKind::parse(input.kind.trim());
                if kind.is_none() {
                    violations.push(Violation::new("kind", "unknown_value").with("detail", input.kind.trim()));
                }
                if input.received_on.trim().is_empty() {
                    violations.push(Violation::new("received_on", "required"));
                }
                let received_on = date_field(&mut violations, "received_on", Some(&input.received_on), today);
                let odometer = input.odometer_km.unwrap_or(vehicle.odometer_km);
                if !(0..=claimdesk_domain::vehicle::ODOMETER_MAX).contains(&odometer) {
                    violations.push(
                        Violation::new("odometer_km", "out_of_range")
                            .with("min", 0)
                            .with("max", claimdesk_domain::vehicle::ODOMETER_MAX),
                    );
                }
                let fault = input.fault.clone().unwrap_or_default();
                let engine_fault = match engine_fault(&fault) {
                    Ok(found) => found,
                    Err(errors) => {
                        violations.0.extend(errors.0);
                        None
                    }
                };
                let Some((engine_vehicle, _)) = engine_vehicle(tx, &vehicle).await? else {
                    violations.push(Violation::new("vehicle_id", "sanbao_vehicle_without_invoice_date"));
                    return Err(violations.into());
                };
                let calendar = WorkCalendar::current();
                let due = match deadlines(&DeadlinesInput { received_on }, &calendar) {
                    Ok(due) => Some(due),
                    Err(errors) => {
                        violations.0.extend(errors.0);
                        None
                    }
                };
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let (kind, due) = (kind.expect("checked"), due.expect("checked"));
                let (records, _) = history(tx, &vehicle, now, &zone).await?;
                // Only repairs before the request count; a later visit is not part of its history.
                let received_end = received_on.tomorrow().map_err(|_| Violation::new("received_on", "date_format"))?;
                let records: Vec<_> =
                    records.into_iter().filter(|record| record.agreed_at.date() < received_end).collect();
                let assess_input = AssessInput {
                    vehicle: engine_vehicle,
                    request: Request {
                        date: received_on,
                        odometer_km: u32::try_from(odometer).unwrap_or(u32::MAX),
                        fault: engine_fault,
                    },
                    history: records,
                };
                let assessment = assess(&assess_input).map_err(|errors| {
                    let mut moved = Violations::new();
                    for mut violation in errors.0 {
                        violation.field = case_field(&violation.field);
                        moved.push(violation);
                    }
                    AppError::Invalid(moved)
                })?;
                let entitled = entitlement(&assessment, kind);
                let assessment_json = serde_json::to_string(&assessment).map_err(anyhow::Error::from)?;
                let sequence = counters::next(tx, &store_id, &format!("SB-{}", today.strftime("%Y%m%d"))).await?;
                let row = CaseRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    number: format!("SB{}{:04}", today.strftime("%Y%m%d"), sequence),
                    vehicle_id: vehicle.id.clone(),
                    vin: vehicle.vin.clone(),
                    customer_id: vehicle.owner_id.clone(),
                    kind: kind.as_str().into(),
                    status: "registered".into(),
                    received_on: received_on.to_string(),
                    odometer_km: odometer,
                    request_text: input.request_text.trim().to_string(),
                    fault_json: serde_json::to_string(&fault).map_err(anyhow::Error::from)?,
                    reply_due_on: due.reply_due.to_string(),
                    completion_due_on: due.completion_due.to_string(),
                    entitled: entitled.is_some(),
                    ground_article: entitled.map(|(article, _)| article.to_string()).unwrap_or_default(),
                    assessment_json,
                    price_fen: vehicle.sale_price_fen,
                    use_compensation_fen: assessment.use_compensation.amount.map_or(0, Money::fen),
                    losses_json: "{}".into(),
                    created_by: actor.actor_id().map(str::to_string),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                    ..CaseRow::default()
                };
                store::insert(tx, &row).await?;
                open_due(tx, &row, &vehicle, DUE_CASE_REPLY, due.reply_due, now).await?;
                let view = CaseView::new(row, &zone);
                record(tx, &actor, &view, "create", None, now).await?;
                Ok(view)
            })
        }))
        .await
}

async fn open_due(
    tx: &mut Tx,
    case: &CaseRow,
    vehicle: &VehicleRow,
    kind: &str,
    due_on: Date,
    now: i64,
) -> AppResult<()> {
    let manager = service_manager(tx, &case.store_id).await?;
    create_due(
        tx,
        DueSpec {
            store_id: case.store_id.clone(),
            assignee_id: manager,
            kind: kind.into(),
            rule: "2021 Art 28".into(),
            subject_type: "sanbao_case".into(),
            subject_id: case.id.clone(),
            subject_label: format!("{} {}", case.number, vehicle.plate).trim().to_string(),
            params: serde_json::json!({"case": case.number, "kind": case.kind, "received_on": case.received_on}),
            window_from: None,
            due_on,
            escalate_after_days: None,
            escalate_to_role: None,
        },
        now,
    )
    .await?;
    Ok(())
}

async fn record(
    tx: &mut Tx,
    actor: &Actor,
    view: &CaseView,
    action: &str,
    before: Option<&CaseView>,
    now: i64,
) -> AppResult<()> {
    audit::record(
        tx,
        actor,
        now,
        audit::Entry {
            store_id: Some(&view.store_id),
            entity: "sanbao_case",
            entity_id: &view.id,
            action,
            before,
            after: Some(view),
        },
    )
    .await?;
    Ok(())
}

/// Loads a case for a change: in the actor's stores, with the write permission.
async fn load_for_change(tx: &mut Tx, actor: &Actor, scope: &[String], id: &str) -> AppResult<CaseRow> {
    let row: CaseRow = store::get(tx, scope, id).await?.ok_or(AppError::NotFound)?;
    actor.require(Permission::WarrantyWrite, &row.store_id)?;
    Ok(row)
}

async fn save(tx: &mut Tx, row: &mut CaseRow, before: &CaseRow) -> AppResult<()> {
    if !store::update(tx, row, &before.store_id, &before.id, before.version).await? {
        return Err(AppError::Conflict("stale_version"));
    }
    row.version = before.version + 1;
    Ok(())
}

/// The reply within 10 working days: accept (only an entitled case) or refuse with reasons.
pub async fn decide(app: &App, actor: &Actor, id: &str, input: DecideInput) -> AppResult<CaseView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = load_for_change(tx, &actor, &scope, &id).await?;
                let zone = actor.time_zone(&before.store_id).to_string();
                let action = input.action.trim();
                if !actions(&before.status, before.entitled).contains(&action) {
                    return Err(match action {
                        "accept" if before.status == "registered" => {
                            Violation::new("action", "sanbao_case_not_entitled").into()
                        }
                        _ => AppError::Conflict("illegal_transition"),
                    });
                }
                let today = clock::local_date(clock::from_ms(now), &zone);
                let mut violations = Violations::new();
                let replied_on = date_field(&mut violations, "replied_on", input.replied_on.as_deref(), today);
                if replied_on.to_string() < before.received_on {
                    violations
                        .push(Violation::new("replied_on", "sanbao_before_received").with("date", &before.received_on));
                }
                if action == "refuse" && input.reasons.trim().is_empty() {
                    violations.push(Violation::new("reasons", "required"));
                }
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let mut row = before.clone();
                row.status = if action == "accept" { "accepted" } else { "refused" }.into();
                row.replied_on = Some(replied_on.to_string());
                row.refusal_reasons = input.reasons.trim().to_string();
                row.updated_at = now;
                save(tx, &mut row, &before).await?;
                due_items::close_for_subject(tx, &row.store_id, "sanbao_case", &row.id, DUE_CASE_REPLY, "done", now)
                    .await?;
                if action == "accept" {
                    let vehicle = vehicles::get(tx, std::slice::from_ref(&row.store_id), &row.vehicle_id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    let due = row.completion_due_on.parse().map_err(anyhow::Error::from)?;
                    open_due(tx, &row, &vehicle, DUE_CASE_COMPLETION, due, now).await?;
                }
                let view = CaseView::new(row, &zone);
                let audit_action = if action == "accept" { "sanbao_accept" } else { "sanbao_refuse" };
                record(tx, &actor, &view, audit_action, Some(&CaseView::new(before, &zone)), now).await?;
                Ok(view)
            })
        }))
        .await
}

/// The money of a completed case: Art 27 use compensation (Art 24 grounds only) and Art 26 losses.
struct Amounts {
    price: Money,
    n_percent: String,
    use_compensation: Money,
    losses: serde_json::Value,
    losses_total: Money,
    refund: Money,
}

fn amounts(
    row: &CaseRow,
    brand_n: Option<claimdesk_domain::sanbao::Rate>,
    input: &CompleteInput,
) -> Result<Amounts, Violations> {
    let mut violations = Violations::new();
    let price = money_field(&mut violations, "price", input.price.as_deref()).or(row.price_fen.map(Money::from_fen));
    let registration_fee = money_field(&mut violations, "registration_fee", input.registration_fee.as_deref());
    let service_fee = money_field(&mut violations, "service_fee", input.service_fee.as_deref());
    let charged = money_field(&mut violations, "add_on_charged", input.add_on_charged.as_deref());
    let depreciation = money_field(&mut violations, "add_on_depreciation", input.add_on_depreciation.as_deref());
    let Some(price) = price else {
        violations.push(Violation::new("price", "required"));
        return Err(violations);
    };
    let assessment: serde_json::Value = serde_json::from_str(&row.assessment_json).unwrap_or_default();
    let charged_ground = assessment["remedies"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|remedy| remedy["use_compensation"] == serde_json::Value::Bool(true));
    let km = assessment["request"]["km_since_start"].as_u64().unwrap_or(0);
    let start = assessment["periods"]["start"].as_str().and_then(|text| text.parse().ok());
    let mut n_percent = String::new();
    let mut compensation = Money::ZERO;
    if charged_ground {
        match brand_n {
            None => violations.push(Violation::new("n", "sanbao_n_not_set")),
            Some(n) => {
                n_percent = n.percent().to_string();
                let input = UseCompensationInput {
                    version: None,
                    period_start: start,
                    ground: ReplacementGround::SanbaoPeriod,
                    price,
                    mileage_km: u32::try_from(km).unwrap_or(u32::MAX),
                    n,
                };
                match use_compensation(&input) {
                    Ok(answer) => compensation = answer.use_compensation,
                    Err(errors) => violations.0.extend(errors.0),
                }
            }
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let returning = row.kind == "return";
    let refund_input = SellerRefundInput {
        registration_fee: registration_fee.unwrap_or(Money::ZERO),
        service_fees: service_fee.into_iter().collect(),
        add_ons: charged
            .map(|charged| AddOn { description: None, charged, depreciation: depreciation.unwrap_or(Money::ZERO) })
            .into_iter()
            .collect(),
        price: returning.then_some(price),
        use_compensation: returning.then_some(compensation),
    };
    let refund = seller_refund(&refund_input).map_err(|errors| {
        let mut moved = Violations::new();
        for mut violation in errors.0 {
            violation.field = match violation.field.as_str() {
                "service_fees[0]" => "service_fee".into(),
                "add_ons[0].charged" => "add_on_charged".into(),
                "add_ons[0].depreciation" => "add_on_depreciation".into(),
                other => other.to_string(),
            };
            moved.push(violation);
        }
        moved
    })?;
    Ok(Amounts {
        price,
        n_percent,
        use_compensation: compensation,
        losses: serde_json::to_value(&refund).unwrap_or_default(),
        losses_total: refund.losses,
        refund: refund.total.unwrap_or(refund.losses),
    })
}

/// The replacement or return done: amounts, certificate, the replacement car, the manufacturer's notice.
pub async fn complete(app: &App, actor: &Actor, id: &str, input: CompleteInput) -> AppResult<CaseView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = load_for_change(tx, &actor, &scope, &id).await?;
                if before.status != "accepted" {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let zone = actor.time_zone(&before.store_id).to_string();
                let today = clock::local_date(clock::from_ms(now), &zone);
                let vehicle = vehicles::get(tx, std::slice::from_ref(&before.store_id), &before.vehicle_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let mut violations = Violations::new();
                let completed_on = date_field(&mut violations, "completed_on", input.completed_on.as_deref(), today);
                if completed_on.to_string() < before.received_on {
                    violations.push(
                        Violation::new("completed_on", "sanbao_before_received").with("date", &before.received_on),
                    );
                }
                let mut new_vehicle = None;
                if before.kind == "replacement" {
                    let vin = input.new_vehicle_vin.trim().to_uppercase();
                    if vin.is_empty() {
                        violations.push(Violation::new("new_vehicle_vin", "required"));
                    } else {
                        match vehicles::by_vin(tx, &before.store_id, &vin).await? {
                            Some(found) if found.id != vehicle.id => new_vehicle = Some(found),
                            Some(_) => violations.push(Violation::new("new_vehicle_vin", "sanbao_same_vehicle")),
                            None => violations.push(Violation::new("new_vehicle_vin", "not_found")),
                        }
                    }
                }
                let brand = super::brand_terms(tx, &vehicle.brand).await?;
                let amounts = match amounts(&before, brand.terms.n, &input) {
                    Ok(amounts) => Some(amounts),
                    Err(errors) => {
                        violations.0.extend(errors.0);
                        None
                    }
                };
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let amounts = amounts.expect("checked");
                let mut row = before.clone();
                row.status = "completed".into();
                row.completed_on = Some(completed_on.to_string());
                row.price_fen = Some(amounts.price.fen());
                row.n_percent = amounts.n_percent;
                row.use_compensation_fen = amounts.use_compensation.fen();
                row.losses_json = amounts.losses.to_string();
                row.losses_fen = amounts.losses_total.fen();
                row.refund_fen = amounts.refund.fen();
                row.certificate_no =
                    format!("{}{}", if row.kind == "replacement" { "HC" } else { "TC" }, &row.number[2..]);
                row.new_vehicle_id = new_vehicle.as_ref().map(|car| car.id.clone());
                row.handover_km = new_vehicle.as_ref().map(|car| input.handover_km.unwrap_or(car.odometer_km));
                row.manufacturer_notified_at = Some(now);
                row.updated_at = now;
                save(tx, &mut row, &before).await?;
                due_items::close_for_subject(
                    tx,
                    &row.store_id,
                    "sanbao_case",
                    &row.id,
                    DUE_CASE_COMPLETION,
                    "done",
                    now,
                )
                .await?;
                // The seller recovers from the manufacturer (Art 3): the claim for recovery leaves now.
                outbox::insert(
                    tx,
                    &OutboxRow {
                        id: new_id(),
                        store_id: row.store_id.clone(),
                        channel: "log".into(),
                        recipient: format!("manufacturer:{}", vehicle.brand),
                        subject: "sanbao_case_recovery".into(),
                        body: serde_json::json!({
                            "case": row.number,
                            "certificate": row.certificate_no,
                            "kind": row.kind,
                            "vin": row.vin,
                            "new_vin": new_vehicle.as_ref().map(|car| car.vin.clone()),
                            "received_on": row.received_on,
                            "completed_on": row.completed_on,
                            "ground_article": row.ground_article,
                            "price": amounts.price,
                            "use_compensation": amounts.use_compensation,
                            "losses": amounts.losses_total,
                            "refund": amounts.refund,
                        })
                        .to_string(),
                        status: "pending".into(),
                        created_at: now,
                        ..OutboxRow::default()
                    },
                )
                .await?;
                let view = CaseView::new(row, &zone);
                record(tx, &actor, &view, "sanbao_complete", Some(&CaseView::new(before, &zone)), now).await?;
                // The replacement car's periods restart at its handover: its watch starts afresh.
                if let Some(car) = &new_vehicle {
                    super::repairs::sync_watch(tx, car, now, &zone).await?;
                }
                Ok(view)
            })
        }))
        .await
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<CaseView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row: CaseRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                Ok(CaseView::new(row, &zone))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseListQuery {
    /// A case number or a VIN prefix.
    pub q: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub vehicle_id: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(app: &App, actor: &Actor, query: CaseListQuery) -> AppResult<Page<CaseView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let mut equals = Vec::new();
    for (column, value) in [("status", &query.status), ("kind", &query.kind), ("vehicle_id", &query.vehicle_id)] {
        if let Some(value) = value.as_deref().map(str::trim).filter(|value| !value.is_empty()) {
            equals.push((column, value.to_string()));
        }
    }
    let prefix = query.q.as_deref().map(|q| q.trim().to_uppercase()).filter(|q| !q.is_empty()).map(|q| {
        if q.starts_with("SB") && q.len() <= 14 && q[2..].chars().all(|c| c.is_ascii_digit()) {
            ("number", q)
        } else {
            ("vin", q)
        }
    });
    let filter = ListFilter {
        stores: actor.store_ids_filtered(Permission::WarrantyRead, query.store_id.as_deref()),
        equals,
        prefix,
        order: "received_on DESC, id DESC",
        offset: request.offset(),
        limit: request.per_page,
        ..ListFilter::default()
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move { Ok::<_, AppError>(store::list::<CaseRow>(tx, &filter, cap).await?) })
        }))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let zone = actor.time_zone(&row.store_id).to_string();
            CaseView::new(row, &zone)
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}
