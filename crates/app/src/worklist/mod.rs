//! Due items (待办) and the worklist (我的待办). Services create and clear due items inside their own
//! transactions; the scheduler escalates and reminds.

mod escalate;

pub use escalate::{EscalationRun, escalate_overdue, send_reminders};

use claimdesk_domain::Violation;
use claimdesk_domain::access::Permission;
use claimdesk_domain::calendar::days_between;
use std::collections::HashMap;

use claimdesk_store::due_items::{self, DueItemRow, WorklistBy, WorklistSource};
use claimdesk_store::follow_up as follow_up_store;
use claimdesk_store::{Tx, job, new_id};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::PageRequest;
use crate::{App, audit, clock};

/// What a service asks for when a deadline arises.
#[derive(Debug, Clone)]
pub struct DueSpec {
    pub store_id: String,
    pub assignee_id: Option<String>,
    /// What to do, e.g. `first_call`; the pages translate it.
    pub kind: String,
    /// The rule behind it, e.g. `F3`.
    pub rule: String,
    pub subject_type: String,
    pub subject_id: String,
    pub subject_label: String,
    pub params: serde_json::Value,
    /// The first day the work may be done (a window's start), if any.
    pub window_from: Option<Date>,
    pub due_on: Date,
    /// Overdue by more than this many days goes to `escalate_to_role` in the same store.
    pub escalate_after_days: Option<i64>,
    pub escalate_to_role: Option<String>,
}

/// Creates a due item inside the caller's transaction.
pub async fn create_due(tx: &mut Tx, spec: DueSpec, now: i64) -> AppResult<String> {
    let row = DueItemRow {
        id: new_id(),
        store_id: spec.store_id,
        assignee_id: spec.assignee_id,
        kind: spec.kind,
        rule: spec.rule,
        subject_type: spec.subject_type,
        subject_id: spec.subject_id,
        subject_label: spec.subject_label,
        params: spec.params.to_string(),
        window_from: spec.window_from.map(|d| d.to_string()),
        due_on: spec.due_on.to_string(),
        escalate_after_days: spec.escalate_after_days,
        escalate_on: spec.escalate_to_role.as_ref().map(|_| {
            let allowance = spec.escalate_after_days.unwrap_or(0).max(0);
            spec.due_on.checked_add(allowance.days()).unwrap_or(spec.due_on).to_string()
        }),
        escalate_to_role: spec.escalate_to_role,
        status: "open".into(),
        created_at: now,
        updated_at: now,
        ..DueItemRow::default()
    };
    due_items::insert(tx, &row).await?;
    Ok(row.id)
}

/// Closes the open items of a kind for a subject (done another way, or no longer needed).
pub async fn close_for_subject(
    tx: &mut Tx,
    store_id: &str,
    subject_type: &str,
    subject_id: &str,
    kind: &str,
    status: &str,
    now: i64,
) -> AppResult<u64> {
    Ok(due_items::close_for_subject(tx, store_id, subject_type, subject_id, kind, status, now).await?)
}

/// A due item as the worklist shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DueItemView {
    pub id: String,
    pub store_id: String,
    pub assignee_id: Option<String>,
    pub kind: String,
    pub rule: String,
    pub subject_type: String,
    pub subject_id: String,
    pub subject_label: String,
    pub params: serde_json::Value,
    pub window_from: Option<String>,
    pub due_on: String,
    pub status: String,
    /// Positive when overdue: days past `due_on` in the store's time zone.
    pub days_overdue: i64,
    /// Days until `due_on` (0 on the day).
    pub days_left: i64,
    pub escalated: bool,
}

impl DueItemView {
    pub fn new(row: DueItemRow, today: Date) -> DueItemView {
        let due = row.due_on.parse::<Date>().unwrap_or(today);
        let gap = days_between(today, due);
        DueItemView {
            id: row.id,
            store_id: row.store_id,
            assignee_id: row.assignee_id,
            kind: row.kind,
            rule: row.rule,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            subject_label: row.subject_label,
            params: serde_json::from_str(&row.params).unwrap_or(serde_json::Value::Null),
            window_from: row.window_from,
            due_on: row.due_on,
            status: row.status,
            days_overdue: (-gap).max(0),
            days_left: gap.max(0),
            escalated: row.escalated_at.is_some(),
        }
    }
}

/// "我的待办": overdue, due today and due later this week, one page at a time.
#[derive(Debug, Clone, Serialize)]
pub struct Worklist {
    pub today: String,
    /// The page's items in the three sections (each judged by its store's date).
    pub overdue: Vec<DueItemView>,
    pub due_today: Vec<DueItemView>,
    pub this_week: Vec<DueItemView>,
    /// Every open item in each section, each count stopping at [`WORKLIST_COUNT_CAP`].
    pub counts: WorklistCounts,
    /// All sections together, oldest deadline first (capped as the counts are).
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct WorklistCounts {
    pub overdue: i64,
    pub due_today: i64,
    pub this_week: i64,
    /// A count reached the cap: the page says "1000+".
    pub capped: bool,
}

impl Worklist {
    /// The page's items in deadline order, as the API lists them.
    pub fn items(&self) -> impl Iterator<Item = &DueItemView> {
        self.overdue.iter().chain(&self.due_today).chain(&self.this_week)
    }
}

/// The page the worklist page and `my_worklist` show.
pub const WORKLIST_PAGE: i64 = 100;
/// Counting stops here: nobody works through more open items than this, and a bounded count keeps the
/// worklist fast for a person with tens of thousands of them (the 1,000,000-customer benchmark).
pub const WORKLIST_COUNT_CAP: i64 = 1000;

/// The actor's worklist (first page): see [`my_worklist_page`].
pub async fn my_worklist(app: &App, actor: &Actor) -> AppResult<Worklist> {
    my_worklist_page(app, actor, PageRequest::new(None, Some(WORKLIST_PAGE))).await
}

/// The actor's worklist across their stores: their own items, those of anyone they stand in for today
/// (代班, F7) and those escalated to them. Each store's items are judged by that store's date, and a
/// stand-in counts on the days of its own store (the absent person's store), in that store's time zone.
///
/// Each source is read in deadline order from its own index range, only as far as the page needs, and
/// merged here; the counts are capped. So the cost of a page does not grow with the person's open items.
pub async fn my_worklist_page(app: &App, actor: &Actor, page: PageRequest) -> AppResult<Worklist> {
    let stores: Vec<String> = actor.stores.iter().map(|store| store.id.clone()).collect();
    let now = app.clock.now();
    // Each store's date, worked out once per store rather than once per item.
    let todays: HashMap<String, Date> =
        actor.stores.iter().map(|store| (store.id.clone(), clock::local_date(now, &store.time_zone))).collect();
    let home_today = clock::local_date(now, actor.home_time_zone());
    let earliest = todays.values().copied().min().unwrap_or(home_today);
    let latest = todays.values().copied().max().unwrap_or(home_today);
    let until = home_today.checked_add(7.days()).unwrap_or(home_today).to_string();
    let today = home_today.to_string();
    let user_id = actor.user_id.clone();
    let wanted = page.offset().saturating_add(page.per_page);
    let store_dates = todays.clone();
    let (rows, counts) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                // F7: a stand-in holds on the dates of the absent person's store, in its time zone.
                let held =
                    follow_up_store::stand_ins_held(tx, &user_id, &earliest.to_string(), &latest.to_string()).await?;
                let mut covered: Vec<(String, String)> = Vec::new();
                for row in held {
                    let Some(day) = store_dates.get(&row.store_id).map(|d| d.to_string()) else { continue };
                    let pair = (row.store_id.clone(), row.absent_user_id.clone());
                    if row.from_on <= day
                        && day <= row.to_on
                        && row.absent_user_id != user_id
                        && !covered.contains(&pair)
                    {
                        covered.push(pair);
                    }
                }
                let mut exclude = vec![user_id.clone()];
                exclude.extend(covered.iter().map(|(_, absent)| absent.clone()));
                let single: Vec<Vec<String>> = covered.iter().map(|(store, _)| vec![store.clone()]).collect();
                let mut sources = vec![
                    WorklistSource { stores: &stores, by: WorklistBy::Assignee, user_id: &user_id, exclude: &[] },
                    WorklistSource {
                        stores: &stores,
                        by: WorklistBy::EscalatedTo,
                        user_id: &user_id,
                        exclude: &exclude,
                    },
                ];
                for ((_, absent), store) in covered.iter().zip(&single) {
                    sources.push(WorklistSource {
                        stores: store,
                        by: WorklistBy::Assignee,
                        user_id: absent,
                        exclude: &[],
                    });
                }
                let mut rows = Vec::new();
                let mut counts = WorklistCounts::default();
                for source in sources {
                    rows.extend(due_items::worklist_rows(tx, source, &until, wanted).await?);
                    let (overdue, due_today, this_week) =
                        due_items::worklist_counts(tx, source, &today, &until, WORKLIST_COUNT_CAP).await?;
                    counts.overdue += overdue;
                    counts.due_today += due_today;
                    counts.this_week += this_week;
                    counts.capped |= [overdue, due_today, this_week].contains(&WORKLIST_COUNT_CAP);
                }
                Ok::<_, AppError>((rows, counts))
            })
        }))
        .await?;
    let mut rows = rows;
    rows.sort_by(|a, b| (&a.due_on, &a.id).cmp(&(&b.due_on, &b.id)));
    rows.dedup_by(|a, b| a.id == b.id);
    let total = counts.overdue + counts.due_today + counts.this_week;
    let mut worklist = Worklist {
        today: home_today.to_string(),
        overdue: Vec::new(),
        due_today: Vec::new(),
        this_week: Vec::new(),
        counts,
        total,
        page: page.page,
        per_page: page.per_page,
    };
    let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(page.per_page).unwrap_or(0);
    for row in rows.into_iter().skip(skip).take(take) {
        let today = todays.get(&row.store_id).copied().unwrap_or(home_today);
        let view = DueItemView::new(row, today);
        if view.days_overdue > 0 {
            worklist.overdue.push(view);
        } else if view.days_left == 0 {
            worklist.due_today.push(view);
        } else {
            worklist.this_week.push(view);
        }
    }
    Ok(worklist)
}

/// A to-do entered by hand: for oneself, or, by a supervisor, for someone in the store.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ManualDueInput {
    pub title: String,
    pub due_on: String,
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
}

pub async fn create_manual(app: &App, actor: &Actor, input: ManualDueInput) -> AppResult<DueItemView> {
    let store_id = actor
        .target_store(Permission::CustomersRead, input.store_id.as_deref())
        .or_else(|_| actor.current_store.clone().ok_or(AppError::Forbidden))?;
    let mut violations = claimdesk_domain::Violations::new();
    let title = input.title.trim().to_string();
    if title.is_empty() {
        violations.push(Violation::new("title", "required"));
    }
    let due_on = match input.due_on.trim().parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            violations.push(Violation::new("due_on", "date_format").with("found", &input.due_on));
            None
        }
    };
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let assignee = input.assignee_id.filter(|id| !id.is_empty()).unwrap_or_else(|| actor.user_id.clone());
    if assignee != actor.user_id && !actor.can(Permission::FollowUpSupervise, &store_id) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    let actor = actor.clone();
    let spec = DueSpec {
        store_id: store_id.clone(),
        assignee_id: Some(assignee),
        kind: "manual".into(),
        rule: String::new(),
        subject_type: "note".into(),
        subject_id: String::new(),
        subject_label: title.clone(),
        params: serde_json::json!({ "title": title }),
        window_from: None,
        due_on: due_on.expect("validated"),
        escalate_after_days: None,
        escalate_to_role: None,
    };
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let now_ms = now.as_millisecond();
                let id = create_due(tx, spec, now_ms).await?;
                let row = due_items::get(tx, std::slice::from_ref(&store_id), &id).await?.ok_or(AppError::NotFound)?;
                let view = DueItemView::new(row, today);
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "due_item",
                        entity_id: &id,
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

/// Marks a due item done (`done`) or drops it (`cancelled`). Only its assignee, or a supervisor of its store.
pub async fn close(app: &App, actor: &Actor, id: &str, status: &'static str) -> AppResult<DueItemView> {
    let stores: Vec<String> = actor.stores.iter().map(|store| store.id.clone()).collect();
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = due_items::get(tx, &stores, &id).await?.ok_or(AppError::NotFound)?;
                let own = before.assignee_id.as_deref() == Some(actor.user_id.as_str());
                if !own && !actor.can(Permission::FollowUpSupervise, &before.store_id) {
                    return Err(AppError::Forbidden);
                }
                let now_ms = now.as_millisecond();
                if !due_items::close(tx, &before.store_id, &id, status, actor.actor_id(), now_ms).await? {
                    return Err(AppError::Conflict("not_open"));
                }
                let today = clock::local_date(now, actor.time_zone(&before.store_id));
                let after =
                    due_items::get(tx, std::slice::from_ref(&before.store_id), &id).await?.ok_or(AppError::NotFound)?;
                let (before, after) = (DueItemView::new(before, today), DueItemView::new(after, today));
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&after.store_id),
                        entity: "due_item",
                        entity_id: &id,
                        action: status,
                        before: Some(&before),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(after)
            })
        }))
        .await
}
