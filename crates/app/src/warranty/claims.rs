//! Opening a claim from a repair order, changing it, reading and listing claims, and the manufacturer's export.

use claimdesk_domain::access::Permission;
use claimdesk_domain::warranty::claim::{ClaimKind, ClaimState};
use claimdesk_domain::warranty::goodwill::{self, GoodwillSplit};
use claimdesk_domain::warranty::lines::{self as line_rules, ClaimLine, LineInput, PartRole};
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::repair_orders::{self, ItemRow, RepairOrderRow};
use claimdesk_store::vehicles::{self, VehicleRow};
use claimdesk_store::warranty::{self as store, ClaimFilter, ClaimRow, LineRow, VersionRow};
use claimdesk_store::{Tx, counters, job, new_id};
use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::settings::rate_or_refuse;
use super::{ClaimView, content_json, load_view, settings_of, state_of};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, audit, clock};

/// What a clerk enters for a claim. Without `lines`, a new claim copies the repair order's warranty lines.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimInput {
    pub repair_order_id: String,
    /// `repair` when empty.
    pub kind: String,
    pub symptom: String,
    pub cause: String,
    pub correction: String,
    pub failure_code: String,
    /// The repair order's mileage when absent.
    pub mileage: Option<i64>,
    /// `YYYY-MM-DD`; the repair order's check-in date when absent.
    pub repair_date: Option<String>,
    pub checklist_done: bool,
    pub lines: Option<Vec<LineInput>>,
    /// 善意索赔: the cost split in percent.
    pub goodwill: Option<GoodwillSplit>,
    /// The version the change is based on (optimistic locking).
    pub version: Option<i64>,
}

fn item_line(item: &ItemRow, causal_taken: &mut bool) -> LineInput {
    let decimal = |value: i64, scale: u32| Decimal::new(value, scale).normalize().to_string();
    let mut line = LineInput { kind: item.kind.clone(), description: item.description.clone(), ..LineInput::default() };
    match item.kind.as_str() {
        "labor" => {
            line.code = item.code.clone();
            line.hours = Some(decimal(item.hours_centi, 2));
        }
        "part" => {
            line.code = item.part_no.clone();
            line.quantity = Some(decimal(item.quantity_milli, 3));
            line.unit_price = Some(Money::from_fen(item.unit_price_fen).to_string());
            // The first part is taken as the causal part (主因件); the clerk corrects it when needed.
            line.role = if *causal_taken { "consequential".into() } else { "causal".into() };
            *causal_taken = true;
        }
        _ => line.amount = Some(Money::from_fen(item.amount_fen).to_string()),
    }
    line
}

/// The repair order's warranty lines as claim lines.
fn order_lines(items: &[ItemRow]) -> Vec<LineInput> {
    let mut causal_taken = false;
    items.iter().filter(|item| item.payer == "warranty").map(|item| item_line(item, &mut causal_taken)).collect()
}

/// A new claim's form, filled from the repair order: complaint as symptom, findings as cause, its mileage and
/// date, and its warranty lines.
pub async fn draft_from_order(app: &App, actor: &Actor, repair_order_id: &str) -> AppResult<ClaimInput> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = repair_order_id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let order = repair_orders::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let items = repair_orders::items(tx, &order.store_id, &order.id).await?;
                let zone = actor.time_zone(&order.store_id).to_string();
                Ok(ClaimInput {
                    repair_order_id: order.id.clone(),
                    kind: "repair".into(),
                    symptom: order.complaint.clone(),
                    cause: order.findings.clone(),
                    mileage: Some(order.mileage_in),
                    repair_date: Some(clock::local_date(clock::from_ms(order.checked_in_at), &zone).to_string()),
                    lines: Some(order_lines(&items)),
                    ..ClaimInput::default()
                })
            })
        }))
        .await
}

/// The claim's content checked against the rules and the catalogues.
pub(crate) struct Built {
    pub kind: ClaimKind,
    pub repair_date: Date,
    pub mileage: i64,
    pub lines: Vec<LineRow>,
    pub claimed: Money,
    pub goodwill: Option<serde_json::Value>,
}

async fn build(
    tx: &mut Tx,
    brand: &str,
    settings: Option<&BrandSettings>,
    order: &RepairOrderRow,
    zone: &str,
    input: &ClaimInput,
) -> AppResult<Built> {
    let mut violations = Violations::new();
    let kind = match input.kind.trim() {
        "" => Some(ClaimKind::Repair),
        text => {
            let kind = ClaimKind::parse(text);
            if kind.is_none() {
                violations.push(Violation::new("kind", "unknown_value").with("detail", text));
            }
            kind
        }
    };
    let labor_rate = violations.check(rate_or_refuse(settings));
    if kind.is_some_and(ClaimKind::needs_fault) {
        for (field, value) in [
            ("symptom", &input.symptom),
            ("cause", &input.cause),
            ("correction", &input.correction),
            ("failure_code", &input.failure_code),
        ] {
            if value.trim().is_empty() {
                violations.push(Violation::new(field, "required"));
            }
        }
    }
    let failure_code = input.failure_code.trim().to_uppercase();
    if !failure_code.is_empty() {
        let codes = store::failure_codes(tx, brand).await?;
        if !codes.is_empty() && !codes.iter().any(|code| code.code == failure_code) {
            violations.push(Violation::new("failure_code", "unknown_value").with("detail", &failure_code));
        }
    }
    let repair_date = match input.repair_date.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(clock::local_date(clock::from_ms(order.checked_in_at), zone)),
        Some(text) => match text.parse::<Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                violations.push(Violation::new("repair_date", "date_format").with("found", text));
                None
            }
        },
    };
    let mileage = input.mileage.unwrap_or(order.mileage_in);
    if !(0..=10_000_000).contains(&mileage) {
        violations.push(Violation::new("mileage", "out_of_range").with("min", 0).with("max", 10_000_000));
    }
    // Empty part prices take the catalogue price; labour lines get the catalogue's standard hours.
    let mut inputs = input.lines.clone().unwrap_or_default();
    let part_nos: Vec<String> = inputs.iter().filter(|l| l.kind.trim() == "part").map(LineInput::key).collect();
    let catalogue = store::parts(tx, brand, &part_nos).await?;
    let operations = store::labor_ops(tx, brand).await?;
    for line in &mut inputs {
        if line.kind.trim() == "part"
            && line.unit_price.as_deref().is_none_or(|p| p.trim().is_empty())
            && let Some(part) = catalogue.iter().find(|p| p.part_no == line.key())
        {
            line.unit_price = Some(Money::from_fen(part.price_fen).to_string());
            if line.description.trim().is_empty() {
                line.description = part.name.clone();
            }
        }
    }
    let lines = match line_rules::parse_lines(&inputs) {
        Ok(lines) => match line_rules::validate(&lines, kind.is_some_and(ClaimKind::needs_fault)) {
            Ok(()) => Some(lines),
            Err(errors) => {
                violations.0.extend(errors.0);
                None
            }
        },
        Err(errors) => {
            violations.0.extend(errors.0);
            None
        }
    };
    let split = match (kind, input.goodwill) {
        (Some(ClaimKind::Goodwill), None) => {
            violations.push(Violation::new("goodwill", "required"));
            None
        }
        (Some(ClaimKind::Goodwill), Some(split)) => Some(split),
        _ => None,
    };
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let (kind, lines, labor_rate) = (kind.expect("checked"), lines.expect("checked"), labor_rate.expect("checked"));
    let rows: Vec<LineRow> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let amount = line.amount(labor_rate);
            let mut row = LineRow {
                id: new_id(),
                store_id: order.store_id.clone(),
                line_no: index as i64 + 1,
                amount_fen: amount.fen(),
                ..LineRow::default()
            };
            match line {
                ClaimLine::Labor { code, description, hours } => {
                    row.kind = "labor".into();
                    row.code = code.clone();
                    row.description = description.clone();
                    row.hours_centi = (*hours * Decimal::ONE_HUNDRED).trunc().try_into().unwrap_or(0);
                    row.standard_hours_centi =
                        operations.iter().find(|op| op.code == *code).map(|op| op.standard_hours_centi);
                    if row.description.is_empty()
                        && let Some(op) = operations.iter().find(|op| op.code == *code)
                    {
                        row.description = op.description.clone();
                    }
                }
                ClaimLine::Part { part_no, description, quantity, unit_price, role, supplier_code } => {
                    row.kind = "part".into();
                    row.code = part_no.clone();
                    row.description = description.clone();
                    row.quantity_milli = (*quantity * Decimal::ONE_THOUSAND).trunc().try_into().unwrap_or(0);
                    row.unit_price_fen = unit_price.fen();
                    row.catalogue_price_fen = catalogue.iter().find(|p| p.part_no == *part_no).map(|p| p.price_fen);
                    row.role = match role {
                        PartRole::Causal => "causal".into(),
                        PartRole::Consequential => "consequential".into(),
                    };
                    row.supplier_code = supplier_code.clone();
                }
                ClaimLine::Sublet { description, .. } => {
                    row.kind = "sublet".into();
                    row.description = description.clone();
                }
            }
            row
        })
        .collect();
    let claimed: Money = rows.iter().map(|row| Money::from_fen(row.amount_fen)).sum();
    let goodwill = match split {
        Some(split) => {
            let shares = goodwill::split(claimed, &split)?;
            let chain = settings.map(|s| s.goodwill_chain.clone()).unwrap_or_default();
            let approver = goodwill::approver(&chain, &shares);
            Some(json!({"split": split, "shares": shares, "approver": approver}))
        }
        None => None,
    };
    Ok(Built { kind, repair_date: repair_date.expect("checked"), mileage, lines: rows, claimed, goodwill })
}

/// The 三包 eligibility of the repair (W1): the vehicle's periods under the manufacturer's terms, and the
/// causal part's own parts warranty when an earlier claim fitted it. Answers the decision code, the basis
/// (the engine's input and output) and whether the repair lies inside a period.
async fn eligibility(
    tx: &mut Tx,
    vehicle: &VehicleRow,
    settings: Option<&BrandSettings>,
    claim_id: &str,
    built: &Built,
) -> AppResult<(String, serde_json::Value)> {
    let terms = settings.cloned().unwrap_or_default();
    let causal = built.lines.iter().find(|line| line.kind == "part" && line.role == "causal").map(|l| l.code.clone());
    let mut fitted = None;
    if let Some(part_no) = &causal
        && let Some((fitted_on, mileage)) = store::last_paid_fitting(tx, &vehicle.vin, part_no, claim_id).await?
    {
        fitted = Some(json!({
            "fitted_on": fitted_on,
            "fitted_odometer_km": mileage.max(0),
            "period_months": terms.parts_warranty_months,
            "period_km": terms.parts_warranty_km,
        }));
    }
    let Some(invoice) = vehicle.invoice_on.clone().or(vehicle.delivered_on.clone()) else {
        return Ok((
            String::new(),
            json!({"inside_periods": false, "errors": [{"field": "vehicle.invoice_date", "code": "required"}]}),
        ));
    };
    let nature = match vehicle.use_nature.as_str() {
        "private" | "non_commercial" | "" => "non_commercial",
        "bus" => "passenger_transport",
        other => other,
    };
    let mut vehicle_json = json!({
        "invoice_date": invoice,
        "use": nature,
        "terms": {
            "sanbao_months": terms.sanbao_months,
            "sanbao_km": terms.sanbao_km,
            "warranty_months": terms.warranty_months,
            "warranty_km": terms.warranty_km,
        },
    });
    if let Some(delivered) = &vehicle.delivered_on {
        vehicle_json["delivery_date"] = json!(delivered);
    }
    let mut fault = json!({"system": "other", "quality_problem": true});
    if let Some(part) = &causal {
        fault["part"] = json!(part);
    }
    if let Some(fitted) = fitted {
        fault["fitted_part"] = fitted;
    }
    let input = json!({
        "vehicle": vehicle_json,
        "request": {"date": built.repair_date.to_string(), "odometer_km": built.mileage.max(0), "fault": fault},
    });
    let parsed: Result<claimdesk_domain::sanbao::AssessInput, _> = serde_json::from_value(input.clone());
    let Ok(parsed) = parsed else {
        return Ok((String::new(), json!({"inside_periods": false, "input": input})));
    };
    match claimdesk_domain::sanbao::assess(&parsed) {
        Ok(assessment) => {
            let output = serde_json::to_value(&assessment).map_err(anyhow::Error::from)?;
            let inside = output["request"]["within_warranty_period"].as_bool().unwrap_or(false)
                || output["fitted_part"]["within"].as_bool().unwrap_or(false);
            let code = output["decision"]["code"].as_str().unwrap_or("").to_string();
            Ok((code, json!({"inside_periods": inside, "input": input, "output": output})))
        }
        Err(violations) => {
            let errors: Vec<_> =
                violations.iter().map(|v| json!({"field": v.field, "code": v.code})).collect::<Vec<_>>();
            Ok((String::new(), json!({"inside_periods": false, "input": input, "errors": errors})))
        }
    }
}

/// Opens a claim from a repair order (W2): the eligibility is decided and saved with it.
pub async fn create(app: &App, actor: &Actor, input: ClaimInput) -> AppResult<ClaimView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let now = app.clock.now();
    // Everything the claim is made from is read and decided on a read connection, so the shared write
    // (one SQLite writer for the store) carries only the numbering and the inserts.
    let reader = actor.clone();
    let prepared = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let order = match repair_orders::get(tx, &scope, &input.repair_order_id).await? {
                    Some(order) => order,
                    None => return Err(AppError::from(Violation::new("repair_order_id", "not_found"))),
                };
                let store_id = order.store_id.clone();
                reader.require(Permission::WarrantyWrite, &store_id)?;
                let zone = reader.time_zone(&store_id).to_string();
                let vehicle = vehicles::get(tx, std::slice::from_ref(&store_id), &order.vehicle_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let brand_row = store::brand(tx, &vehicle.brand).await?;
                let settings = settings_of(brand_row.as_ref());
                let mut input = input;
                if input.lines.is_none() {
                    let items = repair_orders::items(tx, &store_id, &order.id).await?;
                    input.lines = Some(order_lines(&items));
                }
                let built = build(tx, &vehicle.brand, settings.as_ref(), &order, &zone, &input).await?;
                let id = new_id();
                let (code, basis) = eligibility(tx, &vehicle, settings.as_ref(), &id, &built).await?;
                let now_ms = now.as_millisecond();
                let row = ClaimRow {
                    id: id.clone(),
                    store_id: store_id.clone(),
                    number: String::new(),
                    repair_order_id: order.id.clone(),
                    vehicle_id: vehicle.id.clone(),
                    vin: vehicle.vin.clone(),
                    brand: vehicle.brand.clone(),
                    kind: built.kind.as_str().into(),
                    state: ClaimState::Draft.as_str().into(),
                    clerk_id: reader.actor_id().map(str::to_string),
                    repair_date: built.repair_date.to_string(),
                    mileage: built.mileage,
                    symptom: input.symptom.trim().to_string(),
                    cause: input.cause.trim().to_string(),
                    correction: input.correction.trim().to_string(),
                    failure_code: input.failure_code.trim().to_uppercase(),
                    checklist_done: input.checklist_done,
                    labor_rate_fen: settings.as_ref().map(|s| s.labor_rate.fen()).unwrap_or(0),
                    claimed_fen: built.claimed.fen(),
                    approved_fen: None,
                    eligibility: code,
                    eligibility_json: basis.to_string(),
                    findings_json: "[]".into(),
                    overrides_json: "{}".into(),
                    goodwill_json: built.goodwill.as_ref().map(|g| g.to_string()),
                    content_version: 1,
                    returns: 0,
                    resubmissions: 0,
                    submitted_at: None,
                    decided_at: None,
                    settled_at: None,
                    created_at: now_ms,
                    updated_at: now_ms,
                    version: 1,
                };
                let lines: Vec<LineRow> =
                    built.lines.into_iter().map(|line| LineRow { claim_id: id.clone(), ..line }).collect();
                AppResult::Ok((row, lines, settings, zone))
            })
        }))
        .await?;
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let (mut row, lines, settings, zone) = prepared;
                let day = clock::local_date(now, &zone);
                let sequence = counters::next(tx, &row.store_id, &format!("WC-{}", day.strftime("%Y%m%d"))).await?;
                row.number = format!("WC{}{:04}", day.strftime("%Y%m%d"), sequence);
                store::insert_claim(tx, &row).await?;
                store::insert_lines(tx, &lines).await?;
                // A new claim has no returns, versions or approvals yet: its view is built from what was
                // just written rather than read back.
                let goodwill_chain = super::goodwill::chain_view_of(&row, settings.as_ref(), &[], &zone);
                let mut view = ClaimView::new(row, &lines, Vec::new(), Vec::new(), settings.as_ref(), &zone);
                view.goodwill_chain = goodwill_chain;
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "warranty_claim",
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

/// Changes a claim. Before submission it goes back to draft (the checks must run again). After submission
/// (returned, rejected or partly approved) the content sent stays in its version and the claim's content
/// version goes up: no claim is altered without trace (W6).
pub async fn update(app: &App, actor: &Actor, id: &str, input: ClaimInput) -> AppResult<ClaimView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &before.store_id)?;
                if input.version.is_some_and(|v| v != before.version) {
                    return Err(AppError::Conflict("stale_version"));
                }
                let state = state_of(&before)?;
                let editable = matches!(
                    state,
                    ClaimState::Draft
                        | ClaimState::Checked
                        | ClaimState::Returned
                        | ClaimState::Rejected
                        | ClaimState::PartlyApproved
                );
                if !editable {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let zone = actor.time_zone(&before.store_id).to_string();
                let order = repair_orders::get(tx, std::slice::from_ref(&before.store_id), &before.repair_order_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let vehicle = vehicles::get(tx, std::slice::from_ref(&before.store_id), &before.vehicle_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let settings = settings_of(store::brand(tx, &before.brand).await?.as_ref());
                let mut input = input;
                if input.lines.is_none() {
                    let current = store::lines(tx, &before.store_id, &before.id).await?;
                    input.lines = Some(current.iter().map(line_input).collect());
                }
                let built = build(tx, &before.brand, settings.as_ref(), &order, &zone, &input).await?;
                let (code, basis) = eligibility(tx, &vehicle, settings.as_ref(), &before.id, &built).await?;
                let before_view = load_view(tx, before.clone(), &zone).await?;
                let mut row = before.clone();
                if state.is_submitted() {
                    let sent = store::versions(tx, &row.store_id, &row.id).await?;
                    if sent.iter().any(|v| v.version_no == row.content_version) {
                        row.content_version += 1;
                    }
                } else {
                    row.state = ClaimState::Draft.as_str().into();
                    row.findings_json = "[]".into();
                }
                row.kind = built.kind.as_str().into();
                row.repair_date = built.repair_date.to_string();
                row.mileage = built.mileage;
                row.symptom = input.symptom.trim().to_string();
                row.cause = input.cause.trim().to_string();
                row.correction = input.correction.trim().to_string();
                row.failure_code = input.failure_code.trim().to_uppercase();
                row.checklist_done = input.checklist_done;
                row.claimed_fen = built.claimed.fen();
                row.eligibility = code;
                row.eligibility_json = basis.to_string();
                row.goodwill_json = built.goodwill.as_ref().map(|g| g.to_string());
                row.updated_at = now;
                if !store::update_claim(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let lines: Vec<LineRow> =
                    built.lines.into_iter().map(|line| LineRow { claim_id: row.id.clone(), ..line }).collect();
                store::replace_lines(tx, &row.store_id, &row.id, &lines).await?;
                let view = load_view(tx, row, &zone).await?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "warranty_claim",
                        entity_id: &view.id,
                        action: "update",
                        before: Some(&before_view),
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

/// A stored line as the form shows it.
pub fn line_input(row: &LineRow) -> LineInput {
    let part = row.kind == "part";
    LineInput {
        kind: row.kind.clone(),
        code: row.code.clone(),
        description: row.description.clone(),
        hours: (row.kind == "labor").then(|| Decimal::new(row.hours_centi, 2).normalize().to_string()),
        quantity: part.then(|| Decimal::new(row.quantity_milli, 3).normalize().to_string()),
        unit_price: part.then(|| Money::from_fen(row.unit_price_fen).to_string()),
        role: row.role.clone(),
        supplier_code: row.supplier_code.clone(),
        amount: (row.kind == "sublet").then(|| Money::from_fen(row.amount_fen).to_string()),
        ..LineInput::default()
    }
}

impl ClaimView {
    /// The claim's content as an input, for the edit form and for PATCH.
    pub fn to_input(&self) -> ClaimInput {
        ClaimInput {
            repair_order_id: self.repair_order_id.clone(),
            kind: self.kind.clone(),
            symptom: self.symptom.clone(),
            cause: self.cause.clone(),
            correction: self.correction.clone(),
            failure_code: self.failure_code.clone(),
            mileage: Some(self.mileage),
            repair_date: Some(self.repair_date.clone()),
            checklist_done: self.checklist_done,
            lines: Some(
                self.lines
                    .iter()
                    .map(|line| LineInput {
                        kind: line.kind.clone(),
                        code: line.code.clone(),
                        description: line.description.clone(),
                        hours: line.hours.clone(),
                        quantity: line.quantity.clone(),
                        unit_price: line.unit_price.map(|p| p.to_string()),
                        role: line.role.clone(),
                        supplier_code: line.supplier_code.clone(),
                        amount: (line.kind == "sublet").then(|| line.amount.to_string()),
                        ..LineInput::default()
                    })
                    .collect(),
            ),
            goodwill: self.goodwill.as_ref().and_then(|g| serde_json::from_value(g["split"].clone()).ok()),
            version: Some(self.version),
        }
    }
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<ClaimView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                load_view(tx, row, &zone).await
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimListQuery {
    pub state: Option<String>,
    pub vin: Option<String>,
    /// Claim number prefix.
    pub q: Option<String>,
    pub failure_code: Option<String>,
    /// Repair date from (`YYYY-MM-DD`).
    pub from: Option<String>,
    pub to: Option<String>,
    pub clerk_id: Option<String>,
    /// A part number or labour operation code on one of the claim's lines.
    pub part_no: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn filled(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Claims by state, VIN, number, failure code, part, repair date and clerk; newest first (the archive search).
pub async fn list(app: &App, actor: &Actor, query: ClaimListQuery) -> AppResult<Page<ClaimView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let filter = ClaimFilter {
        stores: actor.store_ids_filtered(Permission::WarrantyRead, query.store_id.as_deref()),
        state: filled(query.state),
        states: Vec::new(),
        vin_prefix: filled(query.vin).map(|v| v.to_uppercase()),
        number_prefix: filled(query.q).map(|v| v.to_uppercase()),
        failure_code: filled(query.failure_code).map(|v| v.to_uppercase()),
        from: filled(query.from),
        to: filled(query.to),
        clerk_id: filled(query.clerk_id),
        part_no: filled(query.part_no).map(|v| v.to_uppercase()),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::list_claims(tx, &filter, cap).await?) })))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let zone = actor.time_zone(&row.store_id).to_string();
            // The list carries no lines: the claimed total is stored with the claim.
            let claimed = Money::from_fen(row.claimed_fen);
            let mut view = ClaimView::new(row, &[], Vec::new(), Vec::new(), None, &zone);
            view.amounts.total = claimed;
            view
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}

/// The claims waiting for the manufacturer, in the documented export shape (`claimdesk.warranty-claims/1`):
/// what the manufacturer's system fetches and what `export` writes to a file.
pub async fn export_submitted(app: &App, actor: &Actor, state: Option<String>) -> AppResult<serde_json::Value> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let states: Vec<String> = match filled(state) {
        Some(state) => vec![state],
        None => vec!["submitted".into(), "resubmitted".into()],
    };
    let stores = actor.store_ids(Permission::WarrantyRead);
    let codes: Vec<(String, String)> = actor.stores.iter().map(|s| (s.id.clone(), s.code.clone())).collect();
    let generated_at = clock::rfc3339_local(app.now_ms(), actor.home_time_zone());
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let filter = ClaimFilter { stores, states, limit: 10_000, ..ClaimFilter::default() };
                let (rows, _) = store::list_claims(tx, &filter, 10_000).await?;
                let mut claims = Vec::with_capacity(rows.len());
                for row in rows {
                    let zone = actor.time_zone(&row.store_id).to_string();
                    let code =
                        codes.iter().find(|(id, _)| *id == row.store_id).map(|(_, c)| c.clone()).unwrap_or_default();
                    let view = load_view(tx, row, &zone).await?;
                    let mut content = content_json(&view, &code);
                    content["id"] = json!(view.id);
                    content["state"] = json!(view.state);
                    content["submitted_at"] = json!(view.submitted_at);
                    claims.push(content);
                }
                Ok::<_, AppError>(json!({
                    "format": "claimdesk.warranty-claims/1",
                    "generated_at": generated_at,
                    "count": claims.len(),
                    "claims": claims,
                }))
            })
        }))
        .await
}

/// Keeps the content as sent (a version row), once per content version.
pub(crate) async fn keep_version(tx: &mut Tx, actor: &Actor, view: &ClaimView, now: i64) -> AppResult<()> {
    let sent = store::versions(tx, &view.store_id, &view.id).await?;
    if sent.iter().any(|v| v.version_no == view.content_version) {
        return Ok(());
    }
    let code = actor.store(&view.store_id).map(|s| s.code.clone()).unwrap_or_default();
    store::insert_version(
        tx,
        &VersionRow {
            id: new_id(),
            store_id: view.store_id.clone(),
            claim_id: view.id.clone(),
            version_no: view.content_version,
            content: content_json(view, &code).to_string(),
            created_at: now,
            created_by: actor.actor_id().map(str::to_string),
        },
    )
    .await?;
    Ok(())
}

/// The last day to file a claim for a repair handed over on `handover`.
pub fn filing_due(handover: Date, settings: Option<&BrandSettings>) -> Date {
    let days = i64::from(settings.map(|s| s.filing_window_days).unwrap_or(30));
    handover.checked_add(days.days()).unwrap_or(handover)
}
