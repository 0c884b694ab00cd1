//! Quality feedback (质量信息反馈, W7): quality reports from repairs sent to the manufacturer and to the
//! store's departments; repeated failures proposed as reports; and the manufacturer's technical bulletins
//! (技术通报), assigned to each store's service managers with read confirmation and a due item until read.

use claimdesk_domain::access::{Permission, Role};
use claimdesk_domain::attachment::OwnerKind;
use claimdesk_domain::quality::{self as rules, Observation, RepeatedFailure, ReportInput};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::quality::{self as store, BulletinRow, ReadRow, ReportFilter, ReportRow};
use claimdesk_store::{Tx, counters, due_items, job, new_id, users, vehicles};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::actor::Actor;
use crate::attachments::{self, Owner};
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::worklist::{DueSpec, create_due};
use crate::{App, audit, clock};

/// The due item of an unread bulletin (the worklist words it as "阅读技术通报").
pub const READ_KIND: &str = "bulletin_read";

pub const STATES: [&str; 2] = ["draft", "sent"];

/// A quality report as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub vehicle_id: String,
    pub vin: String,
    pub brand: String,
    pub model: String,
    pub repair_order_id: Option<String>,
    pub claim_id: Option<String>,
    pub part_no: String,
    pub part_name: String,
    pub failure_code: String,
    pub symptom: String,
    pub frequency: String,
    pub affected: i64,
    pub departments: Vec<String>,
    pub state: String,
    /// The repairs behind a report adopted from a repeated-failure proposal.
    pub basis: serde_json::Value,
    /// RFC 3339 in the store's time zone.
    pub sent_at: Option<String>,
    pub created_at: String,
    pub version: i64,
}

impl ReportView {
    fn new(row: ReportRow, zone: &str) -> ReportView {
        ReportView {
            departments: row.departments.split(',').filter(|d| !d.is_empty()).map(str::to_string).collect(),
            basis: serde_json::from_str(&row.basis_json).unwrap_or_default(),
            sent_at: row.sent_at.map(|ms| clock::rfc3339_local(ms, zone)),
            created_at: clock::rfc3339_local(row.created_at, zone),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            vehicle_id: row.vehicle_id,
            vin: row.vin,
            brand: row.brand,
            model: row.model,
            repair_order_id: row.repair_order_id,
            claim_id: row.claim_id,
            part_no: row.part_no,
            part_name: row.part_name,
            failure_code: row.failure_code,
            symptom: row.symptom,
            frequency: row.frequency,
            affected: row.affected,
            state: row.state,
            version: row.version,
        }
    }
}

fn filled(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

async fn insert_report(
    tx: &mut Tx,
    actor: &Actor,
    now: i64,
    input: &ReportInput,
    proposal: Option<&RepeatedFailure>,
) -> AppResult<ReportView> {
    let valid = rules::validate(input)?;
    let scope = actor.store_ids(Permission::WarrantyRead);
    let vehicle = vehicles::get(tx, &scope, input.vehicle_id.trim())
        .await?
        .ok_or_else(|| Violation::new("vehicle_id", "not_found"))?;
    actor.require(Permission::WarrantyWrite, &vehicle.store_id)?;
    let zone = actor.time_zone(&vehicle.store_id).to_string();
    let day = clock::local_date(clock::from_ms(now), &zone);
    let stamp = day.strftime("%Y%m%d").to_string();
    let sequence = counters::next(tx, &vehicle.store_id, &format!("QR-{stamp}")).await?;
    let row = ReportRow {
        id: new_id(),
        store_id: vehicle.store_id.clone(),
        number: format!("ZL{stamp}{sequence:04}"),
        vehicle_id: vehicle.id.clone(),
        vin: vehicle.vin.clone(),
        brand: vehicle.brand.clone(),
        model: vehicle.model.clone(),
        repair_order_id: filled(&input.repair_order_id),
        claim_id: filled(&input.claim_id),
        part_no: valid.part_no,
        part_name: valid.part_name,
        failure_code: valid.failure_code,
        symptom: valid.symptom,
        frequency: valid.frequency.into(),
        affected: valid.affected,
        departments: valid.departments.join(","),
        state: "draft".into(),
        proposal_key: proposal.map(RepeatedFailure::key),
        basis_json: proposal.map(|p| json!(p).to_string()).unwrap_or_else(|| "{}".into()),
        created_by: actor.actor_id().map(str::to_string),
        created_at: now,
        updated_at: now,
        version: 1,
        ..ReportRow::default()
    };
    store::insert_report(tx, &row).await?;
    audit::record(
        tx,
        actor,
        now,
        audit::Entry {
            store_id: Some(&row.store_id),
            entity: "quality_report",
            entity_id: &row.id,
            action: if proposal.is_some() { "adopt" } else { "create" },
            before: None::<&()>,
            after: Some(&row),
        },
    )
    .await?;
    Ok(ReportView::new(row, &zone))
}

/// Writes a quality report from a repair (draft until sent).
pub async fn create(app: &App, actor: &Actor, input: ReportInput) -> AppResult<ReportView> {
    actor.require_anywhere(Permission::WarrantyWrite)?;
    let actor = actor.clone();
    let now = app.now_ms();
    app.db.write(job(move |tx| Box::pin(async move { insert_report(tx, &actor, now, &input, None).await }))).await
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<ReportView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let (actor, id) = (actor.clone(), id.to_string());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_report(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                Ok(ReportView::new(row, &zone))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportListQuery {
    pub state: Option<String>,
    pub store_id: Option<String>,
    /// Created from this date on (`YYYY-MM-DD`, the store's day).
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn day_start_ms(text: &Option<String>, zone: &str, field: &str) -> AppResult<Option<i64>> {
    match filled(text) {
        None => Ok(None),
        Some(text) => {
            let day: Date = text.parse().map_err(|_| Violation::new(field, "date_format").with("found", &text))?;
            let zoned = day.to_zoned(clock::zone(zone)).map_err(|e| AppError::Internal(e.into()))?;
            Ok(Some(zoned.timestamp().as_millisecond()))
        }
    }
}

pub async fn list(app: &App, actor: &Actor, query: ReportListQuery) -> AppResult<Page<ReportView>> {
    let stores = actor.store_ids_filtered(Permission::WarrantyRead, query.store_id.as_deref());
    let zone = actor.home_time_zone().to_string();
    let request = PageRequest::new(query.page, query.per_page);
    let to_ms = day_start_ms(&query.to, &zone, "to")?.map(|ms| ms + 86_400_000);
    let filter = ReportFilter {
        stores,
        state: filled(&query.state),
        from_ms: day_start_ms(&query.from, &zone, "from")?,
        to_ms,
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::reports(tx, &filter).await?;
                let items = rows.into_iter().map(|row| {
                    let zone = actor.time_zone(&row.store_id).to_string();
                    ReportView::new(row, &zone)
                });
                Ok(Page::new(items.collect(), total, request, cap))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SendInput {
    /// The departments it goes to besides the manufacturer (keeps the report's own when empty).
    pub departments: Vec<String>,
}

/// Sends a report to the manufacturer (it appears in the export) and to the departments named.
pub async fn send(app: &App, actor: &Actor, id: &str, input: SendInput) -> AppResult<ReportView> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let (actor, id) = (actor.clone(), id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_report(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &before.store_id)?;
                if before.state != "draft" {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let mut row = before.clone();
                if !input.departments.is_empty() {
                    let mut violations = Violations::new();
                    let mut departments = Vec::new();
                    for name in input.departments.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
                        if !rules::DEPARTMENTS.contains(&name) {
                            violations.push(Violation::new("departments", "unknown_value").with("detail", name));
                        } else if !departments.contains(&name) {
                            departments.push(name);
                        }
                    }
                    if !violations.is_empty() {
                        return Err(violations.into());
                    }
                    row.departments = departments.join(",");
                }
                row.state = "sent".into();
                row.sent_at = Some(now);
                row.sent_by = actor.actor_id().map(str::to_string);
                row.updated_at = now;
                if !store::update_report(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "quality_report",
                        entity_id: &row.id,
                        action: "send",
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                let zone = actor.time_zone(&row.store_id).to_string();
                Ok(ReportView::new(row, &zone))
            })
        }))
        .await
}

/// The sent reports for the manufacturer's quality system, newest first (10,000 at most a call; `since`
/// narrows to reports created on or after a day).
pub async fn export(app: &App, actor: &Actor, since: Option<String>) -> AppResult<serde_json::Value> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let page = list(
        app,
        actor,
        ReportListQuery { state: Some("sent".into()), from: since, per_page: Some(200), ..ReportListQuery::default() },
    )
    .await?;
    let mut items = page.items;
    let mut next = 2;
    while (items.len() as i64) < page.total.min(10_000) {
        let more = list(
            app,
            actor,
            ReportListQuery {
                state: Some("sent".into()),
                page: Some(next),
                per_page: Some(200),
                ..ReportListQuery::default()
            },
        )
        .await?;
        if more.items.is_empty() {
            break;
        }
        items.extend(more.items);
        next += 1;
    }
    let codes = |id: &str| actor.store(id).map(|s| s.code.clone()).unwrap_or_default();
    let mut reports: Vec<serde_json::Value> = Vec::with_capacity(items.len());
    for report in &items {
        let mut value = json!(report);
        value["store_code"] = json!(codes(&report.store_id));
        // The photos travel as links the manufacturer's system fetches with the same token.
        let owner = Owner::new(OwnerKind::QualityReport, report.id.clone());
        let photos: Vec<serde_json::Value> = attachments::list(app, actor, owner)
            .await?
            .into_iter()
            .map(|file| {
                json!({"id": file.id, "file_name": file.file_name, "kind": file.kind,
                    "href": format!("/api/v1/attachments/{}/content", file.id)})
            })
            .collect();
        value["photos"] = json!(photos);
        reports.push(value);
    }
    Ok(json!({
        "format": "claimdesk.quality-reports/1",
        "generated_at": clock::rfc3339_local(app.now_ms(), actor.home_time_zone()),
        "reports": reports,
    }))
}

/// The store's threshold of the repeated-failure rule.
#[derive(Debug, Clone, Serialize)]
pub struct QualitySettings {
    pub store_id: String,
    pub repeat_threshold: i64,
    pub window_days: i64,
}

pub async fn settings(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<QualitySettings> {
    let store_id = actor.target_store(Permission::WarrantyRead, store_id)?;
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let threshold = store::threshold(tx, &store_id).await?.unwrap_or(rules::DEFAULT_THRESHOLD);
                Ok(QualitySettings { store_id, repeat_threshold: threshold, window_days: rules::WINDOW_DAYS })
            })
        }))
        .await
}

/// Sets N (the store's supervisor or admin): 2 to 100 vehicles.
pub async fn set_threshold(app: &App, actor: &Actor, store_id: Option<&str>, value: i64) -> AppResult<QualitySettings> {
    let store_id = actor.target_store(Permission::FollowUpSupervise, store_id)?;
    if !(2..=100).contains(&value) {
        return Err(Violation::new("repeat_threshold", "out_of_range").with("min", 2).with("max", 100).into());
    }
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::threshold(tx, &store_id).await?.unwrap_or(rules::DEFAULT_THRESHOLD);
                store::set_threshold(tx, &store_id, value, now).await?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "quality_settings",
                        entity_id: &store_id,
                        action: "update",
                        before: Some(&json!({"repeat_threshold": before})),
                        after: Some(&json!({"repeat_threshold": value})),
                    },
                )
                .await?;
                Ok(QualitySettings { store_id, repeat_threshold: value, window_days: rules::WINDOW_DAYS })
            })
        }))
        .await
}

async fn find_proposals(tx: &mut Tx, store_id: &str, today: Date, now: i64) -> AppResult<Vec<RepeatedFailure>> {
    let threshold = store::threshold(tx, store_id).await?.unwrap_or(rules::DEFAULT_THRESHOLD);
    let from = today.checked_sub((rules::WINDOW_DAYS - 1).days()).unwrap_or(today);
    let rows = store::observations(tx, store_id, &from.to_string(), &today.to_string()).await?;
    let seen: Vec<Observation> = rows
        .into_iter()
        .filter_map(|row| {
            Some(Observation {
                on: row.repair_date.parse().ok()?,
                vin: row.vin,
                vehicle_id: row.vehicle_id,
                model: row.model,
                part_no: row.part_no,
                part_name: row.part_name,
                failure_code: row.failure_code,
                claim_id: row.claim_id,
            })
        })
        .collect();
    let since = now - rules::WINDOW_DAYS * 86_400_000;
    let adopted = store::adopted_keys(tx, store_id, since).await?;
    Ok(rules::repeated_failures(&seen, threshold, today).into_iter().filter(|p| !adopted.contains(&p.key())).collect())
}

/// The repeated failures of the store's claims in the last 30 days not yet made a report.
pub async fn proposals(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<Vec<RepeatedFailure>> {
    let store_id = actor.target_store(Permission::WarrantyRead, store_id)?;
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    app.db
        .read(job(move |tx| Box::pin(async move { find_proposals(tx, &store_id, today, now.as_millisecond()).await })))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AdoptInput {
    /// The proposal's key (`model|part|code`).
    pub key: String,
    pub store_id: Option<String>,
    /// The symptom as the clerk words it; the proposal's summary when empty.
    pub symptom: String,
    pub departments: Vec<String>,
}

/// Turns a proposal into a draft report on its latest vehicle, with every repair behind it as its basis.
pub async fn adopt(app: &App, actor: &Actor, input: AdoptInput) -> AppResult<ReportView> {
    let store_id = actor.target_store(Permission::WarrantyWrite, input.store_id.as_deref())?;
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let found = find_proposals(tx, &store_id, today, now.as_millisecond()).await?;
                let proposal = found
                    .into_iter()
                    .find(|p| p.key() == input.key)
                    .ok_or_else(|| Violation::new("key", "quality_proposal_gone"))?;
                let symptom = if input.symptom.trim().is_empty() {
                    format!(
                        "{} {} {}：{} 辆车 {}–{}",
                        proposal.model,
                        proposal.code,
                        proposal.part_name,
                        proposal.vins.len(),
                        proposal.first_on,
                        proposal.last_on
                    )
                } else {
                    input.symptom.trim().to_string()
                };
                let report = ReportInput {
                    vehicle_id: proposal.vehicle_ids.last().cloned().unwrap_or_default(),
                    claim_id: proposal.claim_ids.last().cloned(),
                    part_no: if proposal.by == "part" { proposal.code.clone() } else { String::new() },
                    part_name: if proposal.part_name.is_empty() {
                        proposal.code.clone()
                    } else {
                        proposal.part_name.clone()
                    },
                    failure_code: if proposal.by == "failure_code" { proposal.code.clone() } else { String::new() },
                    symptom,
                    frequency: "frequent".into(),
                    affected: Some(proposal.vins.len() as i64),
                    departments: input.departments.clone(),
                    ..ReportInput::default()
                };
                insert_report(tx, &actor, now.as_millisecond(), &report, Some(&proposal)).await
            })
        }))
        .await
}

// ---------------------------------------------------------------------------------------------------------
// Technical bulletins

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BulletinInput {
    pub number: String,
    pub brand: String,
    pub title: String,
    pub body: String,
    /// The models it concerns, free text.
    pub models: String,
    /// `YYYY-MM-DD`; today when empty.
    pub issued_on: String,
    /// Days the readers have to confirm; 3 when absent.
    pub read_days: Option<i64>,
    /// The stores whose managers must read it; every store when empty.
    pub store_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BulletinView {
    #[serde(flatten)]
    pub bulletin: BulletinRow,
    /// Who must read it in the actor's stores, and when they did.
    pub readers: Vec<ReaderView>,
    pub unread: usize,
    /// Whether the actor has it to read and has not confirmed yet.
    pub mine_unread: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReaderView {
    pub store_id: String,
    pub user_id: String,
    pub display_name: String,
    pub due_on: String,
    pub read_at: Option<String>,
}

fn bulletin_view(actor: &Actor, bulletin: BulletinRow, reads: Vec<ReadRow>) -> BulletinView {
    let mine_unread = reads.iter().any(|r| r.user_id == actor.user_id && r.read_at.is_none());
    let readers: Vec<ReaderView> = reads
        .into_iter()
        .map(|r| ReaderView {
            read_at: r.read_at.map(|ms| clock::rfc3339_local(ms, actor.time_zone(&r.store_id))),
            store_id: r.store_id,
            user_id: r.user_id,
            display_name: r.display_name,
            due_on: r.due_on,
        })
        .collect();
    BulletinView { unread: readers.iter().filter(|r| r.read_at.is_none()).count(), readers, mine_unread, bulletin }
}

/// Records a bulletin (group admin, or the manufacturer's system with a group token) and assigns it to the
/// service managers (业务主管/服务经理) of each store; each gets a due item until they confirm reading it.
/// A store without a manager assigns its store admin.
pub async fn publish(app: &App, actor: &Actor, input: BulletinInput) -> AppResult<BulletinView> {
    if !(actor.has_group_role() && actor.can_anywhere(Permission::WarrantySettings)) {
        return Err(AppError::Forbidden);
    }
    let mut violations = Violations::new();
    for (field, value) in [("number", &input.number), ("brand", &input.brand), ("title", &input.title)] {
        if value.trim().is_empty() {
            violations.push(Violation::new(field, "required"));
        }
    }
    let now = app.clock.now();
    let today = clock::local_date(now, actor.home_time_zone());
    let issued_on = match input.issued_on.trim() {
        "" => Some(today),
        text => match text.parse::<Date>() {
            Ok(day) => Some(day),
            Err(_) => {
                violations.push(Violation::new("issued_on", "date_format").with("found", text));
                None
            }
        },
    };
    let read_days = input.read_days.unwrap_or(rules::DEFAULT_READ_DAYS);
    if !(1..=90).contains(&read_days) {
        violations.push(Violation::new("read_days", "out_of_range").with("min", 1).with("max", 90));
    }
    let all: Vec<String> = actor.stores.iter().map(|s| s.id.clone()).collect();
    let stores: Vec<String> = if input.store_ids.iter().all(|s| s.trim().is_empty()) {
        all.clone()
    } else {
        input.store_ids.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    };
    if let Some(unknown) = stores.iter().find(|s| !all.contains(s)) {
        violations.push(Violation::new("store_ids", "not_found").with("detail", unknown));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let issued_on = issued_on.expect("checked");
    let due_on = today.max(issued_on).checked_add(read_days.days()).unwrap_or(today);
    let owner = actor.clone();
    let now_ms = now.as_millisecond();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let row = BulletinRow {
                    id: new_id(),
                    number: input.number.trim().to_uppercase(),
                    brand: input.brand.trim().into(),
                    title: input.title.trim().into(),
                    body: input.body.trim().into(),
                    models: input.models.trim().into(),
                    issued_on: issued_on.to_string(),
                    read_days,
                    created_by: owner.actor_id().map(str::to_string),
                    created_at: now_ms,
                };
                store::insert_bulletin(tx, &row).await.map_err(|error| match error {
                    claimdesk_store::StoreError::Unique(_) => {
                        AppError::invalid(Violation::new("number", "bulletin_number_taken"))
                    }
                    other => other.into(),
                })?;
                let mut reads = Vec::new();
                for store_id in &stores {
                    let mut readers = users::with_role(tx, store_id, Role::Supervisor.as_str()).await?;
                    if readers.is_empty() {
                        readers = users::with_role(tx, store_id, Role::StoreAdmin.as_str()).await?;
                    }
                    for reader in readers {
                        create_due(
                            tx,
                            DueSpec {
                                store_id: store_id.clone(),
                                assignee_id: Some(reader.id.clone()),
                                kind: READ_KIND.into(),
                                rule: "W7".into(),
                                subject_type: "bulletin".into(),
                                subject_id: row.id.clone(),
                                subject_label: format!("{} {}", row.number, row.title),
                                params: json!({"bulletin": row.number}),
                                window_from: None,
                                due_on,
                                escalate_after_days: None,
                                escalate_to_role: None,
                            },
                            now_ms,
                        )
                        .await?;
                        reads.push(ReadRow {
                            id: new_id(),
                            store_id: store_id.clone(),
                            bulletin_id: row.id.clone(),
                            user_id: reader.id,
                            assigned_at: now_ms,
                            due_on: due_on.to_string(),
                            read_at: None,
                            display_name: reader.display_name,
                        });
                    }
                }
                store::insert_reads(tx, &reads).await?;
                audit::record(
                    tx,
                    &owner,
                    now_ms,
                    audit::Entry {
                        store_id: None,
                        entity: "bulletin",
                        entity_id: &row.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&json!({"bulletin": row, "readers": reads.len()})),
                    },
                )
                .await?;
                Ok(bulletin_view(&owner, row, reads))
            })
        }))
        .await
}

/// Whether the actor sees every bulletin (group roles) or only those assigned in their stores.
fn bulletin_scope(actor: &Actor) -> Option<Vec<String>> {
    (!actor.has_group_role()).then(|| actor.store_ids(Permission::WarrantyRead))
}

pub async fn bulletin(app: &App, actor: &Actor, id: &str) -> AppResult<BulletinView> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let stores = actor.store_ids(Permission::WarrantyRead);
    let only = bulletin_scope(actor);
    let (actor, id) = (actor.clone(), id.to_string());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_bulletin(tx, &id).await?.ok_or(AppError::NotFound)?;
                let reads = store::reads(tx, &row.id, &stores).await?;
                if only.is_some() && reads.is_empty() {
                    return Err(AppError::NotFound);
                }
                Ok(bulletin_view(&actor, row, reads))
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BulletinListQuery {
    pub brand: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn bulletins(app: &App, actor: &Actor, query: BulletinListQuery) -> AppResult<Page<BulletinView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let stores = actor.store_ids(Permission::WarrantyRead);
    let only = bulletin_scope(actor);
    let request = PageRequest::new(query.page, query.per_page);
    let brand = filled(&query.brand);
    let cap = app.settings.count_cap;
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) =
                    store::bulletins(tx, brand.as_deref(), only.as_deref(), request.offset(), request.per_page).await?;
                let mut items = Vec::with_capacity(rows.len());
                for row in rows {
                    let reads = store::reads(tx, &row.id, &stores).await?;
                    items.push(bulletin_view(&actor, row, reads));
                }
                Ok(Page::new(items, total, request, cap))
            })
        }))
        .await
}

/// The reader confirms having read the bulletin: their assignment is stamped and their due item closed.
pub async fn confirm_read(app: &App, actor: &Actor, id: &str) -> AppResult<BulletinView> {
    let stores = actor.store_ids(Permission::WarrantyRead);
    let (owner, id_text) = (actor.clone(), id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let row = store::get_bulletin(tx, &id_text).await?.ok_or(AppError::NotFound)?;
                let reads = store::reads(tx, &row.id, &stores).await?;
                let mine: Vec<&ReadRow> = reads.iter().filter(|r| r.user_id == owner.user_id).collect();
                if mine.is_empty() {
                    return Err(AppError::NotFound);
                }
                if mine.iter().all(|r| r.read_at.is_some()) {
                    return Err(AppError::Conflict("bulletin_already_read"));
                }
                store::mark_read(tx, &row.id, &owner.user_id, now).await?;
                for read in &mine {
                    let items = due_items::open_for_subject(tx, &read.store_id, "bulletin", &row.id, READ_KIND).await?;
                    for item in items.iter().filter(|item| item.assignee_id.as_deref() == Some(owner.user_id.as_str()))
                    {
                        due_items::close(tx, &read.store_id, &item.id, "done", owner.actor_id(), now).await?;
                    }
                    audit::record(
                        tx,
                        &owner,
                        now,
                        audit::Entry {
                            store_id: Some(&read.store_id),
                            entity: "bulletin",
                            entity_id: &row.id,
                            action: "read",
                            before: None::<&()>,
                            after: Some(&json!({"reader": owner.display_name})),
                        },
                    )
                    .await?;
                }
                Ok::<_, AppError>(())
            })
        }))
        .await?;
    bulletin(app, actor, id).await
}
