//! The 三包 facts of a repair order, and the two alerts they feed: the Art 24 watch (a vehicle one repair or
//! five days short of a replacement-or-return ground) and the Art 21 spare car owed from day 6.
//!
//! The watch is recomputed from the vehicle's whole history whenever a repair order or its 三包 record
//! changes, in the same transaction: one open due item per vehicle for the service manager, replaced when
//! the grounds change and closed when none is left. The Art 21 prompt comes from the scheduler's daily pass
//! over open repairs and from the completion of a repair; the provision (spare car, transport compensation
//! or another agreement) is recorded on the repair order's 三包 record and closes the prompt.

use claimdesk_domain::access::{Permission, Role};
use claimdesk_domain::sanbao::history::summarize;
use claimdesk_domain::sanbao::periods;
use claimdesk_domain::sanbao::repair_time::{SpareCar, SpareCarInput, SpareCarRepair, spare_car};
use claimdesk_domain::sanbao::watch::{Approach, approaching};
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::due_items;
use claimdesk_store::repair_orders::{self, RepairOrderRow};
use claimdesk_store::sanbao::{self as store, RepairRecordRow};
use claimdesk_store::vehicles::{self, VehicleRow};
use claimdesk_store::{Tx, job, new_id, stores};
use serde::{Deserialize, Serialize};

use super::{DUE_SPARE_CAR, DUE_WATCH, VehicleMark, civil, engine_vehicle, history, marks_of, service_manager};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::worklist::{DueSpec, create_due};
use crate::{App, audit, clock};

pub const ACTIONS: [&str; 3] = ["repair", "main_part_replaced", "assembly_replaced"];
pub const PROVISIONS: [&str; 3] = ["spare_car", "transport_compensation", "agreed_otherwise"];

/// The 三包 facts of a repair, as the advisor or the clerk records them on the repair order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RepairRecordInput {
    /// `engine`, `transmission`, `power_battery`, `drive_motor`, `steering`, `brakes`, … (the engine's systems).
    pub system: String,
    pub part: String,
    /// Names "the same quality problem"; defaults to the part.
    pub problem: String,
    pub quality_problem: bool,
    pub serious_safety: bool,
    /// `repair`, `main_part_replaced` or `assembly_replaced`.
    pub action: String,
    pub special_part_transport_hours: Option<i64>,
    pub battery_transport_hours: Option<i64>,
    pub rescue_travel_hours: Option<i64>,
    /// When consumer and repairer agreed on the repair; the check-in time when empty.
    pub agreed_at: Option<String>,
    pub version: Option<i64>,
}

/// The spare car or transport compensation provided for a long repair (Art 21).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SpareInput {
    /// `spare_car`, `transport_compensation` or `agreed_otherwise`.
    pub provision: String,
    pub days: Option<i64>,
    /// Transport compensation paid, yuan.
    pub amount: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RepairRecordView {
    pub id: String,
    pub repair_order_id: String,
    pub vehicle_id: String,
    pub system: String,
    pub part: String,
    pub problem: String,
    pub quality_problem: bool,
    pub serious_safety: bool,
    pub action: String,
    pub special_part_transport_hours: i64,
    pub battery_transport_hours: i64,
    pub rescue_travel_hours: i64,
    pub agreed_at: String,
    pub completed_at: Option<String>,
    /// Days of spare car or transport compensation owed (from day 6), as last computed.
    pub spare_days_owed: i64,
    pub spare_provision: String,
    pub spare_days: i64,
    pub spare_amount: Money,
    pub spare_note: String,
    pub spare_recorded_at: Option<String>,
    pub version: i64,
}

impl RepairRecordView {
    pub fn new(row: RepairRecordRow, time_zone: &str) -> RepairRecordView {
        RepairRecordView {
            agreed_at: clock::rfc3339_local(row.agreed_at, time_zone),
            completed_at: row.completed_at.map(|ms| clock::rfc3339_local(ms, time_zone)),
            spare_recorded_at: row.spare_recorded_at.map(|ms| clock::rfc3339_local(ms, time_zone)),
            spare_amount: Money::from_fen(row.spare_amount_fen),
            id: row.id,
            repair_order_id: row.repair_order_id,
            vehicle_id: row.vehicle_id,
            system: row.system,
            part: row.part,
            problem: row.problem,
            quality_problem: row.quality_problem,
            serious_safety: row.serious_safety,
            action: row.action,
            special_part_transport_hours: row.special_part_transport_hours,
            battery_transport_hours: row.battery_transport_hours,
            rescue_travel_hours: row.rescue_travel_hours,
            spare_days_owed: row.spare_days_owed,
            spare_provision: row.spare_provision,
            spare_days: row.spare_days,
            spare_note: row.spare_note,
            version: row.version,
        }
    }
}

/// What the vehicle and repair-order pages show: the Art 24 grounds close at hand and the 换退车 marks.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VehicleWatch {
    pub vehicle_id: String,
    pub approaches: Vec<Approach>,
    pub marks: Vec<VehicleMark>,
}

fn hours(violations: &mut Violations, field: &str, value: Option<i64>) -> i64 {
    match value {
        Some(hours) if !(0..=100_000).contains(&hours) => {
            violations.push(Violation::new(field, "out_of_range").with("min", 0).with("max", 100_000));
            0
        }
        Some(hours) => hours,
        None => 0,
    }
}

/// Records (or changes) the 三包 facts of a repair order; the Art 24 watch is recomputed in the same write.
pub async fn save_record(
    app: &App,
    actor: &Actor,
    order_id: &str,
    input: RepairRecordInput,
) -> AppResult<RepairRecordView> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let actor = actor.clone();
    let order_id = order_id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let order = repair_orders::get(tx, &scope, &order_id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::RepairOrdersWrite, &order.store_id)?;
                let zone = actor.time_zone(&order.store_id).to_string();
                let mut violations = Violations::new();
                if super::parse_system(&input.system).is_none() {
                    violations.push(Violation::new("system", "unknown_value").with("detail", input.system.trim()));
                }
                let action = if input.action.trim().is_empty() { "repair" } else { input.action.trim() };
                if !ACTIONS.contains(&action) {
                    violations.push(Violation::new("action", "unknown_value").with("detail", action));
                }
                if action != "repair" && input.part.trim().is_empty() {
                    violations.push(Violation::new("part", "required"));
                }
                let special =
                    hours(&mut violations, "special_part_transport_hours", input.special_part_transport_hours);
                let battery = hours(&mut violations, "battery_transport_hours", input.battery_transport_hours);
                let rescue = hours(&mut violations, "rescue_travel_hours", input.rescue_travel_hours);
                let agreed_at = match input.agreed_at.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
                    None => order.checked_in_at,
                    Some(text) => match clock::parse_instant(text, &zone) {
                        Some(at) if at.as_millisecond() > now => {
                            violations.push(
                                Violation::new("agreed_at", "date_in_future")
                                    .with("today", clock::display_local(now, &zone)),
                            );
                            order.checked_in_at
                        }
                        Some(at) => at.as_millisecond(),
                        None => {
                            violations.push(Violation::new("agreed_at", "datetime_format").with("found", text));
                            order.checked_in_at
                        }
                    },
                };
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let before = store::record_of_order(tx, &order.store_id, &order.id).await?;
                let finished = matches!(order.status.as_str(), "completed" | "handed_over");
                let mut row = before.clone().unwrap_or_else(|| RepairRecordRow {
                    id: new_id(),
                    store_id: order.store_id.clone(),
                    repair_order_id: order.id.clone(),
                    vehicle_id: order.vehicle_id.clone(),
                    completed_at: finished.then(|| order.handed_over_at.unwrap_or(order.updated_at)),
                    created_at: now,
                    version: 1,
                    ..RepairRecordRow::default()
                });
                row.system = input.system.trim().to_string();
                row.part = input.part.trim().to_string();
                row.problem = input.problem.trim().to_string();
                row.quality_problem = input.quality_problem;
                row.serious_safety = input.serious_safety;
                row.action = action.to_string();
                row.special_part_transport_hours = special;
                row.battery_transport_hours = battery;
                row.rescue_travel_hours = rescue;
                row.agreed_at = agreed_at;
                row.updated_at = now;
                let vehicle = vehicles::get(tx, std::slice::from_ref(&order.store_id), &order.vehicle_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                if row.completed_at.is_some() {
                    settle_spare_days(tx, &vehicle, &order, &mut row, &zone).await?;
                }
                match &before {
                    None => store::insert(tx, &row).await?,
                    Some(old) => {
                        if input.version.is_some_and(|version| version != old.version)
                            || !store::update(tx, &row, &old.store_id, &old.id, old.version).await?
                        {
                            return Err(AppError::Conflict("stale_version"));
                        }
                        row.version = old.version + 1;
                    }
                }
                prompt_if_owed(tx, &order, &row, &zone, now).await?;
                sync_watch(tx, &vehicle, now, &zone).await?;
                let before_view = before.map(|old| RepairRecordView::new(old, &zone));
                let view = RepairRecordView::new(row, &zone);
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&order.store_id),
                        entity: "repair_order",
                        entity_id: &order.id,
                        action: "sanbao_record",
                        before: before_view.as_ref(),
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

/// The engine's Art 21 answer for a record, with the repair counted until its completion (or `now`).
async fn spare_car_of(
    tx: &mut Tx,
    vehicle: &VehicleRow,
    order: &RepairOrderRow,
    row: &RepairRecordRow,
    until: i64,
    zone: &str,
) -> AppResult<Option<SpareCar>> {
    if !row.quality_problem {
        return Ok(None);
    }
    let Some((engine_vehicle, _)) = engine_vehicle(tx, vehicle).await? else { return Ok(None) };
    let input = SpareCarInput {
        vehicle: engine_vehicle,
        repair: SpareCarRepair {
            agreed_at: civil(row.agreed_at, zone),
            completed_at: civil(until.max(row.agreed_at), zone),
            odometer_km: u32::try_from(order.mileage_in.max(0)).unwrap_or(u32::MAX),
        },
        agreed_otherwise: row.spare_provision == "agreed_otherwise",
    };
    Ok(spare_car(&input).ok())
}

/// On completion: the final days owed for the whole repair.
async fn settle_spare_days(
    tx: &mut Tx,
    vehicle: &VehicleRow,
    order: &RepairOrderRow,
    row: &mut RepairRecordRow,
    zone: &str,
) -> AppResult<()> {
    let until = row.completed_at.unwrap_or(row.agreed_at);
    let owed = spare_car_of(tx, vehicle, order, row, until, zone).await?;
    row.spare_days_owed = owed.map_or(0, |answer| i64::from(answer.days_owed));
    Ok(())
}

/// Opens the Art 21 prompt when days are owed and nothing is recorded yet (once per repair).
async fn prompt_if_owed(
    tx: &mut Tx,
    order: &RepairOrderRow,
    row: &RepairRecordRow,
    zone: &str,
    now: i64,
) -> AppResult<()> {
    if row.spare_days_owed <= 0 || !row.spare_provision.is_empty() {
        return Ok(());
    }
    let existing = due_items::for_subject(tx, &order.store_id, "repair_order", &order.id).await?;
    if existing.iter().any(|item| item.kind == DUE_SPARE_CAR) {
        return Ok(());
    }
    create_due(
        tx,
        DueSpec {
            store_id: order.store_id.clone(),
            assignee_id: order.advisor_id.clone(),
            kind: DUE_SPARE_CAR.into(),
            rule: "2021 Art 21".into(),
            subject_type: "repair_order".into(),
            subject_id: order.id.clone(),
            subject_label: order.number.clone(),
            params: serde_json::json!({"repair_order": order.number, "days_owed": row.spare_days_owed, "from_day": 6}),
            window_from: None,
            due_on: clock::local_date(clock::from_ms(now), zone),
            escalate_after_days: Some(1),
            escalate_to_role: Some(Role::Supervisor.as_str().into()),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The grounds a vehicle approaches today, from its whole repair history.
pub(crate) async fn approaches(tx: &mut Tx, vehicle: &VehicleRow, now: i64, zone: &str) -> AppResult<Vec<Approach>> {
    let Some((engine_vehicle, _)) = engine_vehicle(tx, vehicle).await? else { return Ok(Vec::new()) };
    let Ok(periods) = periods::periods(&engine_vehicle) else { return Ok(Vec::new()) };
    let (records, _) = history(tx, vehicle, now, zone).await?;
    let summary = summarize(&records, &periods, None);
    let today = clock::local_date(clock::from_ms(now), zone);
    let odometer = u32::try_from(vehicle.odometer_km.max(0)).unwrap_or(u32::MAX);
    Ok(approaching(&summary, &periods, today, odometer))
}

/// Recomputes the vehicle's Art 24 watch: one open item for the service manager while a ground is close,
/// renewed when the grounds change, closed when none is left.
pub(crate) async fn sync_watch(tx: &mut Tx, vehicle: &VehicleRow, now: i64, zone: &str) -> AppResult<()> {
    let found = approaches(tx, vehicle, now, zone).await?;
    let params = serde_json::json!({"vin": vehicle.vin, "grounds": found});
    let open: Vec<_> = due_items::for_subject(tx, &vehicle.store_id, "vehicle", &vehicle.id)
        .await?
        .into_iter()
        .filter(|item| item.kind == DUE_WATCH && item.status == "open")
        .collect();
    let unchanged =
        open.iter().any(|item| serde_json::from_str::<serde_json::Value>(&item.params).ok().as_ref() == Some(&params));
    if unchanged && !found.is_empty() {
        return Ok(());
    }
    for item in &open {
        due_items::close(tx, &vehicle.store_id, &item.id, "cancelled", None, now).await?;
    }
    if found.is_empty() {
        return Ok(());
    }
    let manager = service_manager(tx, &vehicle.store_id).await?;
    create_due(
        tx,
        DueSpec {
            store_id: vehicle.store_id.clone(),
            assignee_id: manager,
            kind: DUE_WATCH.into(),
            rule: found[0].article.into(),
            subject_type: "vehicle".into(),
            subject_id: vehicle.id.clone(),
            subject_label: format!("{} {}", vehicle.plate, vehicle.vin).trim().to_string(),
            params,
            window_from: None,
            due_on: clock::local_date(clock::from_ms(now), zone),
            escalate_after_days: None,
            escalate_to_role: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Called by the repair order's state change: completion stamps the 三包 record and settles the days owed
/// (reopening clears it); any change recomputes the vehicle's Art 24 watch.
pub async fn after_repair_order_transition(
    tx: &mut Tx,
    action: &str,
    order: &RepairOrderRow,
    time_zone: &str,
    now: i64,
) -> AppResult<()> {
    let Some(mut row) = store::record_of_order(tx, &order.store_id, &order.id).await? else { return Ok(()) };
    let Some(vehicle) = vehicles::get(tx, std::slice::from_ref(&order.store_id), &order.vehicle_id).await? else {
        return Ok(());
    };
    match action {
        "complete" => {
            row.completed_at = Some(now);
            settle_spare_days(tx, &vehicle, order, &mut row, time_zone).await?;
        }
        "reopen" => row.completed_at = None,
        _ => {}
    }
    row.updated_at = now;
    store::replace_record(tx, &row).await?;
    prompt_if_owed(tx, order, &row, time_zone, now).await?;
    sync_watch(tx, &vehicle, now, time_zone).await
}

/// Records the spare car or transport compensation of a long repair on its 三包 record (Art 21); closes
/// the prompt.
pub async fn record_spare(app: &App, actor: &Actor, order_id: &str, input: SpareInput) -> AppResult<RepairRecordView> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let actor = actor.clone();
    let order_id = order_id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let order = repair_orders::get(tx, &scope, &order_id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::RepairOrdersWrite, &order.store_id)?;
                let zone = actor.time_zone(&order.store_id).to_string();
                let before = store::record_of_order(tx, &order.store_id, &order.id)
                    .await?
                    .ok_or_else(|| AppError::invalid(Violation::new("provision", "sanbao_no_repair_record")))?;
                let mut violations = Violations::new();
                let provision = input.provision.trim();
                if !PROVISIONS.contains(&provision) {
                    violations.push(Violation::new("provision", "unknown_value").with("detail", provision));
                }
                let days = input.days.unwrap_or(0);
                if !(0..=3_650).contains(&days) {
                    violations.push(Violation::new("days", "out_of_range").with("min", 0).with("max", 3_650));
                }
                let amount = match input.amount.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
                    None => Money::ZERO,
                    Some(text) => match Money::parse("amount", text) {
                        Ok(money) if !money.is_negative() => money,
                        Ok(_) => {
                            violations.push(Violation::new("amount", "out_of_range").with("min", 0).with("max", "—"));
                            Money::ZERO
                        }
                        Err(violation) => {
                            violations.push(violation);
                            Money::ZERO
                        }
                    },
                };
                if provision == "transport_compensation" && amount.is_zero() {
                    violations.push(Violation::new("amount", "required"));
                }
                if provision == "agreed_otherwise" && input.note.trim().is_empty() {
                    violations.push(Violation::new("note", "required"));
                }
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let mut row = before.clone();
                row.spare_provision = provision.to_string();
                row.spare_days = days;
                row.spare_amount_fen = amount.fen();
                row.spare_note = input.note.trim().to_string();
                row.spare_recorded_at = Some(now);
                row.updated_at = now;
                if !store::update(tx, &row, &row.store_id, &row.id, before.version).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                due_items::close_for_subject(
                    tx,
                    &order.store_id,
                    "repair_order",
                    &order.id,
                    DUE_SPARE_CAR,
                    "done",
                    now,
                )
                .await?;
                let before_view = RepairRecordView::new(before, &zone);
                let view = RepairRecordView::new(row, &zone);
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&order.store_id),
                        entity: "repair_order",
                        entity_id: &order.id,
                        action: "sanbao_spare_car",
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

/// The 三包 record of a repair order, if it has one.
pub async fn record_of_order(app: &App, actor: &Actor, order_id: &str) -> AppResult<Option<RepairRecordView>> {
    let scope = actor.store_ids(Permission::RepairOrdersRead);
    let order_id = order_id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let order = repair_orders::get(tx, &scope, &order_id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&order.store_id).to_string();
                Ok(store::record_of_order(tx, &order.store_id, &order.id)
                    .await?
                    .map(|row| RepairRecordView::new(row, &zone)))
            })
        }))
        .await
}

/// The Art 24 grounds close at hand and the 换退车 marks of a vehicle, for its pages and the API.
pub async fn vehicle_watch(app: &App, actor: &Actor, vehicle_id: &str) -> AppResult<VehicleWatch> {
    let scope = actor.store_ids(Permission::CustomersRead);
    let vehicle_id = vehicle_id.to_string();
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let vehicle = vehicles::get(tx, &scope, &vehicle_id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&vehicle.store_id).to_string();
                let approaches = approaches(tx, &vehicle, now, &zone).await?;
                let cases = store::cases_of_vehicle(tx, &vehicle.store_id, &vehicle.id).await?;
                Ok(VehicleWatch { marks: marks_of(&cases, &vehicle.id), approaches, vehicle_id: vehicle.id })
            })
        }))
        .await
}

/// The scheduler's Art 21 pass: every open quality repair agreed more than 5 days ago and not yet
/// prompted is checked once; inside 包修期 the prompt goes on the advisor's worklist. Answers the prompts.
pub async fn spare_car_pass(app: &App) -> AppResult<usize> {
    let now = app.now_ms();
    let five_days_ago = now - 5 * 86_400_000;
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut prompted = 0;
                for store_row in stores::list(tx).await? {
                    for mut row in store::open_unprompted(tx, &store_row.id, five_days_ago).await? {
                        let scope = std::slice::from_ref(&store_row.id);
                        let (Some(order), Some(vehicle)) = (
                            repair_orders::get(tx, scope, &row.repair_order_id).await?,
                            vehicles::get(tx, scope, &row.vehicle_id).await?,
                        ) else {
                            continue;
                        };
                        if matches!(order.status.as_str(), "cancelled" | "completed" | "handed_over") {
                            row.spare_prompted_at = Some(now);
                            store::replace_record(tx, &row).await?;
                            continue;
                        }
                        let owed = spare_car_of(tx, &vehicle, &order, &row, now, &store_row.time_zone).await?;
                        row.spare_days_owed = owed.map_or(0, |answer| i64::from(answer.days_owed));
                        row.spare_prompted_at = Some(now);
                        store::replace_record(tx, &row).await?;
                        if row.spare_days_owed > 0 {
                            prompt_if_owed(tx, &order, &row, &store_row.time_zone, now).await?;
                            prompted += 1;
                        }
                    }
                }
                Ok::<_, AppError>(prompted)
            })
        }))
        .await
}

/// The 换退车 marks of many vehicles at once (a list page), by vehicle id.
pub async fn marks_of_vehicles(
    app: &App,
    actor: &Actor,
    vehicle_ids: Vec<String>,
) -> AppResult<std::collections::BTreeMap<String, Vec<VehicleMark>>> {
    let scope = actor.store_ids(Permission::CustomersRead);
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let cases = store::marked_vehicles(tx, &scope, &vehicle_ids).await?;
                Ok::<_, AppError>(
                    vehicle_ids
                        .iter()
                        .map(|id| (id.clone(), marks_of(&cases, id)))
                        .filter(|(_, marks)| !marks.is_empty())
                        .collect(),
                )
            })
        }))
        .await
}
