//! F6 registers, F2 next contacts and lost customers, F8 the supervisor's board and the monthly and yearly
//! summaries.

use std::collections::BTreeMap;

use claimdesk_domain::access::Permission;
use claimdesk_domain::followup;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::follow_up::{self as store, CallRow, LetterRow, SummaryRow};
use claimdesk_store::{Tx, customers, due_items, job, new_id, stores, users};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use super::{customer_due, supervisor_of};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::worklist::{DueItemView, DueSpec, create_due};
use crate::{App, audit, clock};

/// The three registers of a period: calls (记录表 and 登记表 read the same rows) and letters.
#[derive(Debug, Clone, Serialize)]
pub struct Registers {
    pub from: String,
    pub to: String,
    pub calls: Vec<CallRow>,
    pub letters: Vec<LetterView>,
    /// User id → display name, for the agent column.
    pub names: BTreeMap<String, String>,
}

pub type LetterView = LetterRow;

pub(super) fn period(from: &str, to: &str) -> AppResult<(Date, Date)> {
    let mut violations = Violations::new();
    let mut parse = |field: &str, text: &str| {
        text.trim()
            .parse::<Date>()
            .map_err(|_| violations.push(Violation::new(field, "date_format").with("found", text)))
            .ok()
    };
    let (from_date, to_date) = (parse("from", from), parse("to", to));
    violations.finish(|| ())?;
    Ok((from_date.expect("checked"), to_date.expect("checked")))
}

async fn names(tx: &mut Tx) -> AppResult<BTreeMap<String, String>> {
    Ok(users::list(tx).await?.into_iter().map(|u| (u.id, u.display_name)).collect())
}

pub async fn registers(app: &App, actor: &Actor, from: &str, to: &str) -> AppResult<Registers> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let (from, to) = period(from, to)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (f, t) = (from.to_string(), to.to_string());
                Ok(Registers {
                    calls: store::calls_between(tx, &scope, &f, &t).await?,
                    letters: store::letters_between(tx, &scope, &f, &t).await?,
                    names: names(tx).await?,
                    from: f,
                    to: t,
                })
            })
        }))
        .await
}

/// One person's line on the board.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct BoardRow {
    pub user_id: String,
    pub name: String,
    pub due: usize,
    pub done: usize,
    pub overdue: usize,
    pub calls: usize,
    pub satisfaction: Option<u32>,
}

/// The supervisor's board for a store and a period; also the figures of a summary.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Board {
    pub store_id: String,
    pub from: String,
    pub to: String,
    pub today: String,
    pub people: Vec<BoardRow>,
    pub totals: BoardRow,
    pub archives_done: usize,
    pub first_calls: usize,
    pub second_calls: usize,
    pub unreachable: usize,
    pub inbound_calls: usize,
    pub lost_customer_calls: usize,
    pub event_notices: usize,
    pub letters: usize,
    pub complaints_opened: usize,
    pub complaints_escalated: usize,
    pub complaints_solved: usize,
    pub complaints_told: usize,
    pub complaints_open: usize,
    /// The oldest open complaint's age and the average age of open ones, in days.
    pub complaint_oldest_days: i64,
    pub complaint_average_days: i64,
    pub satisfaction: Option<u32>,
    /// Score (1–5) → answers, for the chart.
    pub satisfaction_scores: Vec<(i64, usize)>,
    /// Calls per day of the period, for the chart.
    pub calls_by_day: Vec<(String, usize)>,
}

const BOARD_KINDS: &[&str] = &["customer_archive", "first_call", "second_call", "lost_customer", "event_notice"];

async fn compute_board(tx: &mut Tx, store_id: &str, from: Date, to: Date, today: Date) -> AppResult<Board> {
    let scope = vec![store_id.to_string()];
    let (f, t) = (from.to_string(), to.to_string());
    let names = names(tx).await?;
    let mut people: BTreeMap<String, BoardRow> = BTreeMap::new();
    let row_of = |id: &str| -> BoardRow {
        BoardRow { user_id: id.to_string(), name: names.get(id).cloned().unwrap_or_default(), ..BoardRow::default() }
    };
    let mut board = Board {
        store_id: store_id.to_string(),
        from: f.clone(),
        to: t.clone(),
        today: today.to_string(),
        ..Board::default()
    };
    for item in due_items::of_kinds(tx, &scope, BOARD_KINDS, &f, &t).await? {
        let Some(user) = item.assignee_id.clone() else { continue };
        let line = people.entry(user.clone()).or_insert_with(|| row_of(&user));
        let in_period = item.due_on >= f && item.due_on <= t;
        if in_period {
            line.due += 1;
        }
        if item.status == "done" && in_period {
            line.done += 1;
            if item.kind == "customer_archive" {
                board.archives_done += 1;
            }
        }
        if item.status == "open" && item.due_on.as_str() < today.to_string().as_str() {
            line.overdue += 1;
        }
    }
    let calls = store::calls_between(tx, &scope, &f, &t).await?;
    let mut scores = Vec::new();
    let mut per_agent_scores: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut by_day: BTreeMap<String, usize> = BTreeMap::new();
    for call in &calls {
        *by_day.entry(call.called_on.clone()).or_default() += 1;
        if let Some(agent) = &call.agent_id {
            people.entry(agent.clone()).or_insert_with(|| row_of(agent)).calls += 1;
            if let Some(score) = call.satisfaction {
                per_agent_scores.entry(agent.clone()).or_default().push(score);
            }
        }
        if let Some(score) = call.satisfaction {
            scores.push(score);
        }
        let reached = call.outcome == "reached";
        match call.kind.as_str() {
            "first_call" if reached => board.first_calls += 1,
            "second_call" if reached => board.second_calls += 1,
            "lost_customer" if reached => board.lost_customer_calls += 1,
            "event_notice" if reached => board.event_notices += 1,
            "inbound_consultation" | "inbound_complaint" => board.inbound_calls += 1,
            _ => {}
        }
        if !reached {
            board.unreachable += 1;
        }
    }
    for (agent, agent_scores) in &per_agent_scores {
        if let Some(line) = people.get_mut(agent) {
            line.satisfaction = followup::satisfaction_percent(agent_scores);
        }
    }
    board.satisfaction = followup::satisfaction_percent(&scores);
    board.satisfaction_scores = (1..=5).map(|s| (s, scores.iter().filter(|&&x| x == s).count())).collect();
    board.calls_by_day = by_day.into_iter().collect();
    board.letters = store::letters_between(tx, &scope, &f, &t).await?.len();
    for complaint in store::complaints(tx, &scope, &f, &t, false).await? {
        board.complaints_opened += 1;
        if complaint.escalated_at.is_some() {
            board.complaints_escalated += 1;
        }
        if complaint.solved_on.as_deref().is_some_and(|d| d <= t.as_str()) {
            board.complaints_solved += 1;
        }
        if complaint.customer_told_on.as_deref().is_some_and(|d| d <= t.as_str()) {
            board.complaints_told += 1;
        }
    }
    let open = store::complaints(tx, &scope, &f, &t, true).await?;
    let ages: Vec<i64> = open
        .iter()
        .filter_map(|c| c.opened_on.parse::<Date>().ok())
        .map(|opened| claimdesk_domain::calendar::days_between(opened, today).max(0))
        .collect();
    board.complaints_open = open.len();
    board.complaint_oldest_days = ages.iter().copied().max().unwrap_or(0);
    board.complaint_average_days = if ages.is_empty() { 0 } else { ages.iter().sum::<i64>() / ages.len() as i64 };
    let mut totals = BoardRow { name: String::new(), satisfaction: board.satisfaction, ..BoardRow::default() };
    for line in people.values() {
        totals.due += line.due;
        totals.done += line.done;
        totals.overdue += line.overdue;
        totals.calls += line.calls;
    }
    board.totals = totals;
    board.people = people.into_values().collect();
    Ok(board)
}

fn board_store(actor: &Actor, asked: Option<&str>) -> AppResult<String> {
    actor
        .target_store(Permission::FollowUpSupervise, asked)
        .or_else(|_| actor.target_store(Permission::FollowUpRead, asked))
}

/// The board of the actor's store for a period (this month by default).
pub async fn board(app: &App, actor: &Actor, from: Option<&str>, to: Option<&str>) -> AppResult<Board> {
    let store_id = board_store(actor, None)?;
    let today = clock::local_date(app.clock.now(), actor.time_zone(&store_id));
    let (first, last) = followup::summary_period("month", &followup::month_of(today))
        .map_err(|v| AppError::Invalid(Violations(vec![v])))?;
    let (from, to) = period(
        from.filter(|s| !s.is_empty()).unwrap_or(&first.to_string()),
        to.filter(|s| !s.is_empty()).unwrap_or(&last.to_string()),
    )?;
    app.db.read(job(move |tx| Box::pin(async move { compute_board(tx, &store_id, from, to, today).await }))).await
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryView {
    #[serde(flatten)]
    pub summary: SummaryRow,
    pub board: Board,
}

fn summary_view(row: SummaryRow) -> SummaryView {
    SummaryView { board: serde_json::from_str(&row.figures).unwrap_or_default(), summary: row }
}

/// Drafts (or re-drafts, while not filed) the monthly or yearly summary from the data.
pub async fn draft_summary(app: &App, actor: &Actor, kind: &str, period_text: &str) -> AppResult<SummaryView> {
    let store_id = actor.target_store(Permission::FollowUpSupervise, None)?;
    let (from, to) =
        followup::summary_period(kind, period_text.trim()).map_err(|v| AppError::Invalid(Violations(vec![v])))?;
    let (kind, period_text, now, actor) =
        (kind.to_string(), period_text.trim().to_string(), app.clock.now(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                actor.require(Permission::FollowUpSupervise, &store_id)?;
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let board = compute_board(tx, &store_id, from, to, today).await?;
                let figures = serde_json::to_string(&board).map_err(anyhow::Error::from)?;
                let now_ms = now.as_millisecond();
                let (row, action) = match store::summary_for(tx, &store_id, &kind, &period_text).await? {
                    Some(existing) if existing.status == "filed" => return Err(AppError::Conflict("summary_filed")),
                    Some(mut existing) => {
                        existing.figures = figures;
                        existing.updated_at = now_ms;
                        if !store::update_summary(tx, &existing).await? {
                            return Err(AppError::Conflict("stale_version"));
                        }
                        existing.version += 1;
                        (existing, "redraft")
                    }
                    None => {
                        let row = SummaryRow {
                            id: new_id(),
                            store_id: store_id.clone(),
                            period_kind: kind.clone(),
                            period: period_text.clone(),
                            figures,
                            body: String::new(),
                            status: "draft".into(),
                            filed_at: None,
                            filed_by: None,
                            created_at: now_ms,
                            updated_at: now_ms,
                            version: 1,
                        };
                        store::insert_summary(tx, &row).await?;
                        (row, "create")
                    }
                };
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "follow_up_summary",
                        entity_id: &row.id,
                        action,
                        before: None::<&()>,
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(summary_view(row))
            })
        }))
        .await
}

async fn change_summary(
    app: &App,
    actor: &Actor,
    id: &str,
    body: Option<String>,
    file: bool,
) -> AppResult<SummaryView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, now, actor) = (id.to_string(), app.now_ms(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_summary(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::FollowUpSupervise, &before.store_id)?;
                if before.status == "filed" {
                    return Err(AppError::Conflict("summary_filed"));
                }
                let mut row = before.clone();
                if let Some(body) = body {
                    row.body = body.trim().to_string();
                }
                if file {
                    row.status = "filed".into();
                    row.filed_at = Some(now);
                    row.filed_by = actor.actor_id().map(str::to_string);
                    due_items::close_for_subject(
                        tx,
                        &row.store_id,
                        "follow_up_summary",
                        &format!("{}:{}", row.period_kind, row.period),
                        "summary_due",
                        "done",
                        now,
                    )
                    .await?;
                }
                row.updated_at = now;
                if !store::update_summary(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let action = if file { "file" } else { "update" };
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "follow_up_summary",
                        entity_id: &id,
                        action,
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(summary_view(row))
            })
        }))
        .await
}

/// The supervisor's words for the summary.
pub async fn save_summary(app: &App, actor: &Actor, id: &str, body: &str) -> AppResult<SummaryView> {
    change_summary(app, actor, id, Some(body.to_string()), false).await
}

/// Files the summary: it is kept as it is from now on.
pub async fn file_summary(app: &App, actor: &Actor, id: &str, body: Option<&str>) -> AppResult<SummaryView> {
    change_summary(app, actor, id, body.map(str::to_string), true).await
}

pub async fn summary(app: &App, actor: &Actor, id: &str) -> AppResult<SummaryView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(
                async move { Ok(summary_view(store::get_summary(tx, &scope, &id).await?.ok_or(AppError::NotFound)?)) },
            )
        }))
        .await
}

pub async fn list_summaries(app: &App, actor: &Actor) -> AppResult<Vec<SummaryRow>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids(Permission::FollowUpRead);
    app.db.read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::summaries(tx, &scope).await?) }))).await
}

/// The planned next contacts and lost-customer calls still open, per staff member (F2).
pub async fn next_contacts(app: &App, actor: &Actor) -> AppResult<Vec<DueItemView>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    let now = app.clock.now();
    let today = clock::local_date(now, actor.home_time_zone());
    let rows = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let far = today.checked_add(3650.days()).unwrap_or(today).to_string();
                Ok::<_, AppError>(
                    due_items::of_kinds(tx, &scope, &["next_service", "lost_customer"], &far, &far).await?,
                )
            })
        }))
        .await?;
    let mut views: Vec<DueItemView> =
        rows.into_iter().filter(|r| r.status == "open").map(|r| DueItemView::new(r, today)).collect();
    views.sort_by(|a, b| (&a.assignee_id, &a.due_on).cmp(&(&b.assignee_id, &b.due_on)));
    Ok(views)
}

/// Customers not seen for more than the set months become lost-customer calls (流失客户回访) on their
/// follow-up person's worklist. Answers how many were added.
pub async fn generate_lost_customers(app: &App, actor: &Actor) -> AppResult<usize> {
    let store_id = actor.target_store(Permission::FollowUpWrite, None)?;
    let (now, actor) = (app.clock.now(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                actor.require(Permission::FollowUpWrite, &store_id)?;
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let months = super::store_settings(tx, &store_id).await?.lost_after_months;
                let cutoff = today.checked_sub(i64::from(months).months()).unwrap_or(today);
                let now_ms = now.as_millisecond();
                let mut count = 0;
                for (id, _, last_visit, _) in
                    store::lost_customers(tx, &store_id, &cutoff.to_string(), "lost_customer", 500).await?
                {
                    let Some(last) = last_visit.and_then(|d| d.parse::<Date>().ok()) else { continue };
                    if !followup::lost_customer(last, today, months) {
                        continue;
                    }
                    let Some(customer) = customers::get(tx, std::slice::from_ref(&store_id), &id).await? else {
                        continue;
                    };
                    let agent = super::agent_for(tx, &store_id, Some(&customer)).await?;
                    let params = serde_json::json!({"last_visit_on": last});
                    let due = today.checked_add(7.days()).unwrap_or(today);
                    let spec =
                        customer_due(&store_id, agent, "lost_customer", "F2", &customer, params, Some(today), due);
                    create_due(tx, spec, now_ms).await?;
                    count += 1;
                }
                let note = serde_json::json!({"added": count, "cutoff": cutoff});
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "follow_up",
                        entity_id: &store_id,
                        action: "lost_customers",
                        before: None::<&()>,
                        after: Some(&note),
                    },
                )
                .await?;
                Ok(count)
            })
        }))
        .await
}

/// The scheduler's month-end step: each store's supervisor gets "file the monthly summary" due on the
/// month's last day (and the yearly one in December), once.
pub async fn month_end_items(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut count = 0;
                for store_row in stores::list(tx).await? {
                    let today = clock::local_date(now, &store_row.time_zone);
                    let mut periods = vec![("month", followup::month_of(today))];
                    if today.month() == 12 {
                        periods.push(("year", today.year().to_string()));
                    }
                    for (kind, period_text) in periods {
                        let subject = format!("{kind}:{period_text}");
                        if !due_items::for_subject(tx, &store_row.id, "follow_up_summary", &subject).await?.is_empty() {
                            continue;
                        }
                        let Ok((_, last)) = followup::summary_period(kind, &period_text) else { continue };
                        let supervisor = supervisor_of(tx, &store_row.id).await?;
                        create_due(
                            tx,
                            DueSpec {
                                store_id: store_row.id.clone(),
                                assignee_id: supervisor,
                                kind: "summary_due".into(),
                                rule: "F8".into(),
                                subject_type: "follow_up_summary".into(),
                                subject_id: subject.clone(),
                                subject_label: subject,
                                params: serde_json::json!({"period_kind": kind, "period": period_text}),
                                window_from: None,
                                due_on: last,
                                escalate_after_days: None,
                                escalate_to_role: None,
                            },
                            now.as_millisecond(),
                        )
                        .await?;
                        count += 1;
                    }
                }
                Ok::<_, AppError>(count)
            })
        }))
        .await
}
