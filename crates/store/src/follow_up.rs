//! After-sales follow-up (跟踪服务): calls, complaints, events and their targets, letters, stand-ins and
//! summaries. One module for the follow-up desk's records: they are always read together (registers,
//! the supervisor's board), and each table is small beside the customers they hang on.

use crate::due_items::DueItemRow;
use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

/// 跟踪服务电话记录表: one call.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct CallRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub customer_id: Option<String>,
    pub repair_order_id: Option<String>,
    pub event_id: Option<String>,
    pub kind: String,
    pub direction: String,
    pub outcome: String,
    pub called_on: String,
    pub called_at: i64,
    pub agent_id: Option<String>,
    pub caller_name: String,
    pub phone: String,
    pub topics: String,
    pub answers: String,
    pub satisfaction: Option<i64>,
    pub summary: String,
    pub complaint_id: Option<String>,
    pub created_at: i64,
}

const CALL_COLUMNS: &str = "id, store_id, number, customer_id, repair_order_id, event_id, kind, direction, outcome, \
    called_on, called_at, agent_id, caller_name, phone, topics, answers, satisfaction, summary, complaint_id, created_at";

pub async fn insert_call(tx: &mut Tx, row: &CallRow) -> StoreResult<()> {
    query::insert(
        tx,
        "follow_up_calls",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("number", Arg::from(&row.number)),
            ("customer_id", row.customer_id.clone().into()),
            ("repair_order_id", row.repair_order_id.clone().into()),
            ("event_id", row.event_id.clone().into()),
            ("kind", Arg::from(&row.kind)),
            ("direction", Arg::from(&row.direction)),
            ("outcome", Arg::from(&row.outcome)),
            ("called_on", Arg::from(&row.called_on)),
            ("called_at", row.called_at.into()),
            ("agent_id", row.agent_id.clone().into()),
            ("caller_name", Arg::from(&row.caller_name)),
            ("phone", Arg::from(&row.phone)),
            ("topics", Arg::from(&row.topics)),
            ("answers", Arg::from(&row.answers)),
            ("satisfaction", row.satisfaction.into()),
            ("summary", Arg::from(&row.summary)),
            ("complaint_id", row.complaint_id.clone().into()),
            ("created_at", row.created_at.into()),
        ],
    )
    .await
}

pub async fn set_call_complaint(tx: &mut Tx, store_id: &str, call_id: &str, complaint_id: &str) -> StoreResult<()> {
    let mut query = Query::new("UPDATE follow_up_calls SET complaint_id = ");
    query.bind(complaint_id).push(" WHERE id = ").bind(call_id).push(" AND store_id = ").bind(store_id);
    query::execute(tx, &query).await?;
    Ok(())
}

pub async fn get_call(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<CallRow>> {
    let mut query = Query::new(&format!("SELECT {CALL_COLUMNS} FROM follow_up_calls WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// A customer's calls, oldest first.
pub async fn calls_of_customer(tx: &mut Tx, store_id: &str, customer_id: &str) -> StoreResult<Vec<CallRow>> {
    let mut query = Query::new(&format!("SELECT {CALL_COLUMNS} FROM follow_up_calls WHERE store_id = "));
    query.bind(store_id).push(" AND customer_id = ").bind(customer_id).push(" ORDER BY called_at, id");
    query::fetch_all(tx, &query).await
}

/// The calls of a period (both days included), in call order: the registers and the summaries.
pub async fn calls_between(tx: &mut Tx, stores: &[String], from: &str, to: &str) -> StoreResult<Vec<CallRow>> {
    let mut query = Query::new(&format!("SELECT {CALL_COLUMNS} FROM follow_up_calls WHERE store_id IN "));
    query.bind_list(stores).push(" AND called_on >= ").bind(from).push(" AND called_on <= ").bind(to);
    query.push(" ORDER BY called_at, id LIMIT 100000");
    query::fetch_all(tx, &query).await
}

/// 投诉: a complaint or request opened as a case.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct ComplaintRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub customer_id: Option<String>,
    pub call_id: Option<String>,
    pub content: String,
    pub status: String,
    pub opened_on: String,
    pub owner_id: Option<String>,
    pub escalated_at: Option<i64>,
    pub escalated_to: Option<String>,
    pub solution: String,
    pub solved_on: Option<String>,
    pub customer_told_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const COMPLAINT_COLUMNS: &str = "id, store_id, number, customer_id, call_id, content, status, opened_on, owner_id, \
    escalated_at, escalated_to, solution, solved_on, customer_told_on, created_at, updated_at, version";

impl ComplaintRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("content", self.content.clone().into()),
            ("status", self.status.clone().into()),
            ("owner_id", self.owner_id.clone().into()),
            ("escalated_at", self.escalated_at.into()),
            ("escalated_to", self.escalated_to.clone().into()),
            ("solution", self.solution.clone().into()),
            ("solved_on", self.solved_on.clone().into()),
            ("customer_told_on", self.customer_told_on.clone().into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert_complaint(tx: &mut Tx, row: &ComplaintRow) -> StoreResult<()> {
    let mut values = vec![
        ("id", Arg::from(&row.id)),
        ("store_id", Arg::from(&row.store_id)),
        ("number", Arg::from(&row.number)),
        ("customer_id", row.customer_id.clone().into()),
        ("call_id", row.call_id.clone().into()),
        ("opened_on", Arg::from(&row.opened_on)),
        ("created_at", row.created_at.into()),
        ("version", row.version.into()),
    ];
    values.extend(row.editable());
    query::insert(tx, "complaints", values).await
}

pub async fn update_complaint(tx: &mut Tx, row: &ComplaintRow) -> StoreResult<bool> {
    query::update_versioned(tx, "complaints", &row.store_id, &row.id, row.version, row.editable()).await
}

pub async fn get_complaint(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<ComplaintRow>> {
    let mut query = Query::new(&format!("SELECT {COMPLAINT_COLUMNS} FROM complaints WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// Complaints opened in a period, or (with `open_only`) every one not yet closed.
pub async fn complaints(
    tx: &mut Tx,
    stores: &[String],
    from: &str,
    to: &str,
    open_only: bool,
) -> StoreResult<Vec<ComplaintRow>> {
    let mut query = Query::new(&format!("SELECT {COMPLAINT_COLUMNS} FROM complaints WHERE store_id IN "));
    query.bind_list(stores);
    if open_only {
        query.push(" AND status <> 'closed'");
    } else {
        query.push(" AND opened_on >= ").bind(from).push(" AND opened_on <= ").bind(to);
    }
    query.push(" ORDER BY opened_on, id LIMIT 100000");
    query::fetch_all(tx, &query).await
}

/// An event (联谊活动, 优惠服务月, 免费检测周).
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    pub id: String,
    pub store_id: String,
    pub kind: String,
    pub title: String,
    pub event_on: String,
    pub place: String,
    pub content: String,
    pub target_model: String,
    pub last_visit_from: Option<String>,
    pub last_visit_to: Option<String>,
    pub target_area: String,
    pub letter_template: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const EVENT_COLUMNS: &str = "id, store_id, kind, title, event_on, place, content, target_model, last_visit_from, \
    last_visit_to, target_area, letter_template, created_by, created_at, updated_at, version";

pub async fn insert_event(tx: &mut Tx, row: &EventRow) -> StoreResult<()> {
    query::insert(
        tx,
        "follow_up_events",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("kind", Arg::from(&row.kind)),
            ("title", Arg::from(&row.title)),
            ("event_on", Arg::from(&row.event_on)),
            ("place", Arg::from(&row.place)),
            ("content", Arg::from(&row.content)),
            ("target_model", Arg::from(&row.target_model)),
            ("last_visit_from", row.last_visit_from.clone().into()),
            ("last_visit_to", row.last_visit_to.clone().into()),
            ("target_area", Arg::from(&row.target_area)),
            ("letter_template", Arg::from(&row.letter_template)),
            ("created_by", row.created_by.clone().into()),
            ("created_at", row.created_at.into()),
            ("updated_at", row.updated_at.into()),
            ("version", row.version.into()),
        ],
    )
    .await
}

pub async fn get_event(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<EventRow>> {
    let mut query = Query::new(&format!("SELECT {EVENT_COLUMNS} FROM follow_up_events WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

pub async fn events(tx: &mut Tx, stores: &[String]) -> StoreResult<Vec<EventRow>> {
    let mut query = Query::new(&format!("SELECT {EVENT_COLUMNS} FROM follow_up_events WHERE store_id IN "));
    query.bind_list(stores).push(" ORDER BY event_on DESC, id LIMIT 1000");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct TargetRow {
    pub id: String,
    pub store_id: String,
    pub event_id: String,
    pub customer_id: String,
    pub notified_on: Option<String>,
    pub letter_id: Option<String>,
    pub created_at: i64,
}

const TARGET_COLUMNS: &str = "id, store_id, event_id, customer_id, notified_on, letter_id, created_at";

pub async fn insert_target(tx: &mut Tx, row: &TargetRow) -> StoreResult<()> {
    query::insert(
        tx,
        "follow_up_event_targets",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("event_id", Arg::from(&row.event_id)),
            ("customer_id", Arg::from(&row.customer_id)),
            ("notified_on", row.notified_on.clone().into()),
            ("letter_id", row.letter_id.clone().into()),
            ("created_at", row.created_at.into()),
        ],
    )
    .await
}

pub async fn targets(tx: &mut Tx, store_id: &str, event_id: &str) -> StoreResult<Vec<TargetRow>> {
    let mut query = Query::new(&format!("SELECT {TARGET_COLUMNS} FROM follow_up_event_targets WHERE store_id = "));
    query.bind(store_id).push(" AND event_id = ").bind(event_id).push(" ORDER BY created_at, id");
    query::fetch_all(tx, &query).await
}

pub async fn mark_target(
    tx: &mut Tx,
    store_id: &str,
    event_id: &str,
    customer_id: &str,
    notified_on: Option<&str>,
    letter_id: Option<&str>,
) -> StoreResult<()> {
    let mut query = Query::new("UPDATE follow_up_event_targets SET notified_on = COALESCE(");
    query.bind(notified_on).push(", notified_on), letter_id = COALESCE(").bind(letter_id).push(", letter_id)");
    query.push(" WHERE store_id = ").bind(store_id).push(" AND event_id = ").bind(event_id);
    query.push(" AND customer_id = ").bind(customer_id);
    query::execute(tx, &query).await?;
    Ok(())
}

/// Customers an event targets: by vehicle model (prefix), last visit range and area.
pub async fn event_candidates(
    tx: &mut Tx,
    store_id: &str,
    model: &str,
    last_visit_from: Option<&str>,
    last_visit_to: Option<&str>,
    area: &str,
    limit: i64,
) -> StoreResult<Vec<String>> {
    let mut query = Query::new("SELECT c.id FROM customers c WHERE c.store_id = ");
    query.bind(store_id);
    if let Some(from) = last_visit_from {
        query.push(" AND c.last_visit_on >= ").bind(from);
    }
    if let Some(to) = last_visit_to {
        query.push(" AND c.last_visit_on <= ").bind(to);
    }
    if !area.is_empty() {
        query.push(" AND c.area = ").bind(area);
    }
    if !model.is_empty() {
        query.push(" AND EXISTS (SELECT 1 FROM vehicles v WHERE v.store_id = c.store_id AND v.owner_id = c.id AND ");
        query.prefix("v.model", model).push(")");
    }
    query.push(" ORDER BY c.id LIMIT ").bind(limit);
    let rows: Vec<(String,)> = query::fetch_all(tx, &query).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// 跟踪服务信函登记表: one letter.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct LetterRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub customer_id: Option<String>,
    pub event_id: Option<String>,
    pub complaint_id: Option<String>,
    pub template: String,
    pub recipient: String,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub sent_on: String,
    pub created_by: Option<String>,
    pub created_at: i64,
}

const LETTER_COLUMNS: &str = "id, store_id, number, customer_id, event_id, complaint_id, template, recipient, address, \
    subject, body, sent_on, created_by, created_at";

pub async fn insert_letter(tx: &mut Tx, row: &LetterRow) -> StoreResult<()> {
    query::insert(
        tx,
        "follow_up_letters",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("number", Arg::from(&row.number)),
            ("customer_id", row.customer_id.clone().into()),
            ("event_id", row.event_id.clone().into()),
            ("complaint_id", row.complaint_id.clone().into()),
            ("template", Arg::from(&row.template)),
            ("recipient", Arg::from(&row.recipient)),
            ("address", Arg::from(&row.address)),
            ("subject", Arg::from(&row.subject)),
            ("body", Arg::from(&row.body)),
            ("sent_on", Arg::from(&row.sent_on)),
            ("created_by", row.created_by.clone().into()),
            ("created_at", row.created_at.into()),
        ],
    )
    .await
}

pub async fn letters_between(tx: &mut Tx, stores: &[String], from: &str, to: &str) -> StoreResult<Vec<LetterRow>> {
    let mut query = Query::new(&format!("SELECT {LETTER_COLUMNS} FROM follow_up_letters WHERE store_id IN "));
    query.bind_list(stores).push(" AND sent_on >= ").bind(from).push(" AND sent_on <= ").bind(to);
    query.push(" ORDER BY sent_on, number LIMIT 100000");
    query::fetch_all(tx, &query).await
}

pub async fn letters_of_event(tx: &mut Tx, store_id: &str, event_id: &str) -> StoreResult<Vec<LetterRow>> {
    let mut query = Query::new(&format!("SELECT {LETTER_COLUMNS} FROM follow_up_letters WHERE store_id = "));
    query.bind(store_id).push(" AND event_id = ").bind(event_id).push(" ORDER BY number");
    query::fetch_all(tx, &query).await
}

/// 代理人(代班): who stands in for whom, from–to.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct StandInRow {
    pub id: String,
    pub store_id: String,
    pub absent_user_id: String,
    pub stand_in_user_id: String,
    pub from_on: String,
    pub to_on: String,
    pub reason: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const STAND_IN_COLUMNS: &str =
    "id, store_id, absent_user_id, stand_in_user_id, from_on, to_on, reason, created_by, created_at, revoked_at";

pub async fn insert_stand_in(tx: &mut Tx, row: &StandInRow) -> StoreResult<()> {
    query::insert(
        tx,
        "stand_ins",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("absent_user_id", Arg::from(&row.absent_user_id)),
            ("stand_in_user_id", Arg::from(&row.stand_in_user_id)),
            ("from_on", Arg::from(&row.from_on)),
            ("to_on", Arg::from(&row.to_on)),
            ("reason", Arg::from(&row.reason)),
            ("created_by", row.created_by.clone().into()),
            ("created_at", row.created_at.into()),
            ("revoked_at", row.revoked_at.into()),
        ],
    )
    .await
}

/// The stand-ins a person holds that are not revoked and overlap `from`..=`to` (the span of every store's
/// date today); the caller judges each row by its own store's date.
pub async fn stand_ins_held(tx: &mut Tx, stand_in_user_id: &str, from: &str, to: &str) -> StoreResult<Vec<StandInRow>> {
    let mut query = Query::new(&format!("SELECT {STAND_IN_COLUMNS} FROM stand_ins WHERE stand_in_user_id = "));
    query.bind(stand_in_user_id).push(" AND from_on <= ").bind(to).push(" AND to_on >= ").bind(from);
    query.push(" AND revoked_at IS NULL ORDER BY from_on, id LIMIT 100");
    query::fetch_all(tx, &query).await
}

pub async fn stand_ins(tx: &mut Tx, stores: &[String]) -> StoreResult<Vec<StandInRow>> {
    let mut query = Query::new(&format!("SELECT {STAND_IN_COLUMNS} FROM stand_ins WHERE store_id IN "));
    query.bind_list(stores).push(" ORDER BY from_on DESC, id LIMIT 1000");
    query::fetch_all(tx, &query).await
}

pub async fn get_stand_in(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<StandInRow>> {
    let mut query = Query::new(&format!("SELECT {STAND_IN_COLUMNS} FROM stand_ins WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

pub async fn revoke_stand_in(tx: &mut Tx, store_id: &str, id: &str, at: i64) -> StoreResult<bool> {
    let mut query = Query::new("UPDATE stand_ins SET revoked_at = ");
    query.bind(at).push(" WHERE id = ").bind(id).push(" AND store_id = ").bind(store_id);
    query.push(" AND revoked_at IS NULL");
    Ok(query::execute(tx, &query).await? == 1)
}

/// 月度小结 / 年度总结.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct SummaryRow {
    pub id: String,
    pub store_id: String,
    pub period_kind: String,
    pub period: String,
    pub figures: String,
    pub body: String,
    pub status: String,
    pub filed_at: Option<i64>,
    pub filed_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const SUMMARY_COLUMNS: &str =
    "id, store_id, period_kind, period, figures, body, status, filed_at, filed_by, created_at, updated_at, version";

pub async fn insert_summary(tx: &mut Tx, row: &SummaryRow) -> StoreResult<()> {
    query::insert(
        tx,
        "follow_up_summaries",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("period_kind", Arg::from(&row.period_kind)),
            ("period", Arg::from(&row.period)),
            ("figures", Arg::from(&row.figures)),
            ("body", Arg::from(&row.body)),
            ("status", Arg::from(&row.status)),
            ("filed_at", row.filed_at.into()),
            ("filed_by", row.filed_by.clone().into()),
            ("created_at", row.created_at.into()),
            ("updated_at", row.updated_at.into()),
            ("version", row.version.into()),
        ],
    )
    .await
}

pub async fn update_summary(tx: &mut Tx, row: &SummaryRow) -> StoreResult<bool> {
    query::update_versioned(
        tx,
        "follow_up_summaries",
        &row.store_id,
        &row.id,
        row.version,
        vec![
            ("figures", Arg::from(&row.figures)),
            ("body", Arg::from(&row.body)),
            ("status", Arg::from(&row.status)),
            ("filed_at", row.filed_at.into()),
            ("filed_by", row.filed_by.clone().into()),
            ("updated_at", row.updated_at.into()),
        ],
    )
    .await
}

pub async fn get_summary(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<SummaryRow>> {
    let mut query = Query::new(&format!("SELECT {SUMMARY_COLUMNS} FROM follow_up_summaries WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

pub async fn summary_for(tx: &mut Tx, store_id: &str, kind: &str, period: &str) -> StoreResult<Option<SummaryRow>> {
    let mut query = Query::new(&format!("SELECT {SUMMARY_COLUMNS} FROM follow_up_summaries WHERE store_id = "));
    query.bind(store_id).push(" AND period_kind = ").bind(kind).push(" AND period = ").bind(period);
    query::fetch_optional(tx, &query).await
}

pub async fn summaries(tx: &mut Tx, stores: &[String]) -> StoreResult<Vec<SummaryRow>> {
    let mut query = Query::new(&format!("SELECT {SUMMARY_COLUMNS} FROM follow_up_summaries WHERE store_id IN "));
    query.bind_list(stores).push(" ORDER BY period DESC, period_kind LIMIT 1000");
    query::fetch_all(tx, &query).await
}

/// Customers whose last visit is on or before `last_visit_on_or_before` and who have no open due item of
/// `kind`: the lost customers (流失客户) not yet on anyone's list.
pub async fn lost_customers(
    tx: &mut Tx,
    store_id: &str,
    last_visit_on_or_before: &str,
    kind: &str,
    limit: i64,
) -> StoreResult<Vec<(String, String, Option<String>, Option<String>)>> {
    let mut query =
        Query::new("SELECT c.id, c.name, c.last_visit_on, c.follow_up_user_id FROM customers c WHERE c.store_id = ");
    query.bind(store_id).push(" AND c.last_visit_on <= ").bind(last_visit_on_or_before);
    query.push(
        " AND NOT EXISTS (SELECT 1 FROM due_items d WHERE d.store_id = c.store_id AND d.subject_type = 'customer'",
    );
    query.push(" AND d.subject_id = c.id AND d.kind = ").bind(kind).push(" AND d.status = 'open')");
    query.push(" ORDER BY c.last_visit_on, c.id LIMIT ").bind(limit);
    query::fetch_all(tx, &query).await
}

/// A store's follow-up practice (跟踪服务规范) as JSON; no row means the defaults.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct SettingsRow {
    pub store_id: String,
    pub settings: String,
    pub updated_by: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

pub async fn get_settings(tx: &mut Tx, store_id: &str) -> StoreResult<Option<SettingsRow>> {
    let mut query = Query::new(
        "SELECT store_id, settings, updated_by, updated_at, version FROM follow_up_settings WHERE store_id = ",
    );
    query.bind(store_id);
    query::fetch_optional(tx, &query).await
}

/// Writes a store's settings: inserts the first row, else updates when `version` is still current. False
/// when someone else saved in between.
pub async fn save_settings(tx: &mut Tx, row: &SettingsRow) -> StoreResult<bool> {
    if get_settings(tx, &row.store_id).await?.is_none() {
        query::insert(
            tx,
            "follow_up_settings",
            vec![
                ("store_id", Arg::from(&row.store_id)),
                ("settings", Arg::from(&row.settings)),
                ("updated_by", row.updated_by.clone().into()),
                ("updated_at", row.updated_at.into()),
                ("version", 1_i64.into()),
            ],
        )
        .await?;
        return Ok(true);
    }
    let mut query = Query::new("UPDATE follow_up_settings SET settings = ");
    query.bind(&row.settings).push(", updated_by = ").bind(&row.updated_by).push(", updated_at = ");
    query.bind(row.updated_at).push(", version = version + 1 WHERE store_id = ").bind(&row.store_id);
    query.push(" AND version = ").bind(row.version);
    Ok(query::execute(tx, &query).await? == 1)
}

/// 咨询来访: a customer who came in without a repair order.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct VisitRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub customer_id: String,
    pub visited_on: String,
    pub purpose: String,
    pub note: String,
    pub created_by: Option<String>,
    pub created_at: i64,
}

const VISIT_COLUMNS: &str = "id, store_id, number, customer_id, visited_on, purpose, note, created_by, created_at";

pub async fn insert_visit(tx: &mut Tx, row: &VisitRow) -> StoreResult<()> {
    query::insert(
        tx,
        "follow_up_visits",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("number", Arg::from(&row.number)),
            ("customer_id", Arg::from(&row.customer_id)),
            ("visited_on", Arg::from(&row.visited_on)),
            ("purpose", Arg::from(&row.purpose)),
            ("note", Arg::from(&row.note)),
            ("created_by", row.created_by.clone().into()),
            ("created_at", row.created_at.into()),
        ],
    )
    .await
}

/// A customer's consultation visits, oldest first.
pub async fn visits_of_customer(tx: &mut Tx, store_id: &str, customer_id: &str) -> StoreResult<Vec<VisitRow>> {
    let mut query = Query::new(&format!("SELECT {VISIT_COLUMNS} FROM follow_up_visits WHERE store_id = "));
    query.bind(store_id).push(" AND customer_id = ").bind(customer_id).push(" ORDER BY visited_on, id");
    query::fetch_all(tx, &query).await
}

/// Consultation visits of a period, a page at a time, and how many there are.
pub async fn visits_between(
    tx: &mut Tx,
    stores: &[String],
    from: &str,
    to: &str,
    page: Paging,
) -> StoreResult<(Vec<VisitRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM follow_up_visits WHERE store_id IN "));
        query.bind_list(stores).push(" AND visited_on >= ").bind(from).push(" AND visited_on <= ").bind(to);
        query
    };
    paged(tx, build(VISIT_COLUMNS), " ORDER BY visited_on, number", build("COUNT(*)"), page).await
}

/// The event target of a customer in an event: the subject of its notice and letter due items.
pub async fn target_of(
    tx: &mut Tx,
    store_id: &str,
    event_id: &str,
    customer_id: &str,
) -> StoreResult<Option<TargetRow>> {
    let mut query = Query::new(&format!("SELECT {TARGET_COLUMNS} FROM follow_up_event_targets WHERE store_id = "));
    query.bind(store_id).push(" AND event_id = ").bind(event_id).push(" AND customer_id = ").bind(customer_id);
    query::fetch_optional(tx, &query).await
}

pub async fn get_target(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<TargetRow>> {
    let mut query = Query::new(&format!("SELECT {TARGET_COLUMNS} FROM follow_up_event_targets WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// The open due items of a customer's event targets (their notices and letters), for the archive page.
pub async fn target_items_of_customer(tx: &mut Tx, store_id: &str, customer_id: &str) -> StoreResult<Vec<DueItemRow>> {
    let mut query = Query::new(&format!("SELECT {} FROM due_items WHERE store_id = ", crate::due_items::COLUMNS));
    query.bind(store_id).push(" AND subject_type = 'event_target' AND subject_id IN ");
    query.push("(SELECT t.id FROM follow_up_event_targets t WHERE t.store_id = ").bind(store_id);
    query.push(" AND t.customer_id = ").bind(customer_id).push(") ORDER BY due_on, created_at");
    query::fetch_all(tx, &query).await
}

/// A page request as the store sees it: rows to skip and rows to return; counts stop at `cap`.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub offset: i64,
    pub limit: i64,
    pub cap: i64,
}

/// Runs a list query a page at a time: `select` gets the order and the page, `count` (a `SELECT COUNT(*)`
/// over the same conditions) is capped.
async fn paged<T>(tx: &mut Tx, mut select: Query, order: &str, count: Query, page: Paging) -> StoreResult<(Vec<T>, i64)>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    select.push(order).push(" LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    let rows = query::fetch_all(tx, &select).await?;
    // The count reads at most `cap` rows: COUNT over a limited subquery.
    let Query { sql, args, anonymous } = count;
    let inner = sql.replacen("SELECT COUNT(*) FROM", "SELECT 1 FROM", 1);
    let mut capped = Query { sql: format!("SELECT COUNT(*) FROM ({inner}"), args, anonymous };
    capped.push(" LIMIT ").bind(page.cap).push(") AS capped");
    let total = query::fetch_count(tx, &capped).await?;
    Ok((rows, total))
}

/// Complaints opened in a period (or every one not closed), a page at a time.
pub async fn complaints_page(
    tx: &mut Tx,
    stores: &[String],
    from: &str,
    to: &str,
    open_only: bool,
    page: Paging,
) -> StoreResult<(Vec<ComplaintRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM complaints WHERE store_id IN "));
        query.bind_list(stores);
        if open_only {
            query.push(" AND status <> 'closed'");
        } else {
            query.push(" AND opened_on >= ").bind(from).push(" AND opened_on <= ").bind(to);
        }
        query
    };
    paged(tx, build(COMPLAINT_COLUMNS), " ORDER BY opened_on, id", build("COUNT(*)"), page).await
}

pub async fn events_page(tx: &mut Tx, stores: &[String], page: Paging) -> StoreResult<(Vec<EventRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM follow_up_events WHERE store_id IN "));
        query.bind_list(stores);
        query
    };
    paged(tx, build(EVENT_COLUMNS), " ORDER BY event_on DESC, id", build("COUNT(*)"), page).await
}

pub async fn stand_ins_page(tx: &mut Tx, stores: &[String], page: Paging) -> StoreResult<(Vec<StandInRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM stand_ins WHERE store_id IN "));
        query.bind_list(stores);
        query
    };
    paged(tx, build(STAND_IN_COLUMNS), " ORDER BY from_on DESC, id", build("COUNT(*)"), page).await
}

pub async fn summaries_page(tx: &mut Tx, stores: &[String], page: Paging) -> StoreResult<(Vec<SummaryRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM follow_up_summaries WHERE store_id IN "));
        query.bind_list(stores);
        query
    };
    paged(tx, build(SUMMARY_COLUMNS), " ORDER BY period DESC, period_kind, id", build("COUNT(*)"), page).await
}

/// The calls of a period in call order (跟踪服务电话记录表 / 登记表), a page at a time.
pub async fn calls_page(
    tx: &mut Tx,
    stores: &[String],
    from: &str,
    to: &str,
    page: Paging,
) -> StoreResult<(Vec<CallRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM follow_up_calls WHERE store_id IN "));
        query.bind_list(stores).push(" AND called_on >= ").bind(from).push(" AND called_on <= ").bind(to);
        query
    };
    paged(tx, build(CALL_COLUMNS), " ORDER BY called_at, id", build("COUNT(*)"), page).await
}

/// The letters of a period (跟踪服务信函登记表), a page at a time.
pub async fn letters_page(
    tx: &mut Tx,
    stores: &[String],
    from: &str,
    to: &str,
    page: Paging,
) -> StoreResult<(Vec<LetterRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM follow_up_letters WHERE store_id IN "));
        query.bind_list(stores).push(" AND sent_on >= ").bind(from).push(" AND sent_on <= ").bind(to);
        query
    };
    paged(tx, build(LETTER_COLUMNS), " ORDER BY sent_on, number", build("COUNT(*)"), page).await
}

pub async fn get_letter(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<LetterRow>> {
    let mut query = Query::new(&format!("SELECT {LETTER_COLUMNS} FROM follow_up_letters WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

pub async fn letters_of_complaint(tx: &mut Tx, store_id: &str, complaint_id: &str) -> StoreResult<Vec<LetterRow>> {
    let mut query = Query::new(&format!("SELECT {LETTER_COLUMNS} FROM follow_up_letters WHERE store_id = "));
    query.bind(store_id).push(" AND complaint_id = ").bind(complaint_id).push(" ORDER BY number");
    query::fetch_all(tx, &query).await
}

/// The open planned contacts and lost-customer calls (F2), per staff member, a page at a time.
pub async fn next_contacts_page(tx: &mut Tx, stores: &[String], page: Paging) -> StoreResult<(Vec<DueItemRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(&format!("SELECT {select} FROM due_items WHERE store_id IN "));
        query.bind_list(stores).push(" AND kind IN ('next_service', 'lost_customer') AND status = 'open'");
        query
    };
    let columns = crate::due_items::COLUMNS;
    paged(tx, build(columns), " ORDER BY assignee_id, due_on, id", build("COUNT(*)"), page).await
}
