//! F4 requests and complaints (投诉): escalated to the supervisor within 2 days, solved, and the customer
//! told the same day the solution is found.

use claimdesk_domain::access::{Permission, Role};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::follow_up::{self as store, CallRow, ComplaintRow};
use claimdesk_store::{customers, due_items, job, new_id};
use serde::Serialize;

use super::{number, supervisor_of};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::worklist::{DueSpec, create_due};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Serialize)]
pub struct ComplaintView {
    #[serde(flatten)]
    pub complaint: ComplaintRow,
    pub customer_name: String,
    /// Days since it was opened (to today, or to the day the customer was told).
    pub age_days: i64,
    pub actions: Vec<&'static str>,
    /// Reply letters written about it (one complaint's page only; lists leave it empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub letters: Vec<claimdesk_store::follow_up::LetterRow>,
}

fn actions(row: &ComplaintRow) -> Vec<&'static str> {
    match row.status.as_str() {
        "open" => vec!["escalate", "solve"],
        "escalated" => vec!["solve"],
        "solved" => vec!["tell_customer"],
        _ => Vec::new(),
    }
}

fn view(row: ComplaintRow, customer_name: String, today: jiff::civil::Date) -> ComplaintView {
    let opened = row.opened_on.parse().unwrap_or(today);
    let end = row.customer_told_on.as_deref().and_then(|d| d.parse().ok()).unwrap_or(today);
    ComplaintView {
        age_days: claimdesk_domain::calendar::days_between(opened, end).max(0),
        actions: actions(&row),
        complaint: row,
        customer_name,
        letters: Vec::new(),
    }
}

pub(super) async fn load(
    tx: &mut claimdesk_store::Tx,
    row: ComplaintRow,
    today: jiff::civil::Date,
) -> AppResult<ComplaintView> {
    let name = match &row.customer_id {
        Some(id) => {
            customers::get(tx, std::slice::from_ref(&row.store_id), id).await?.map(|c| c.name).unwrap_or_default()
        }
        None => String::new(),
    };
    Ok(view(row, name, today))
}

pub async fn complaint(app: &App, actor: &Actor, id: &str) -> AppResult<ComplaintView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, now, actor) = (id.to_string(), app.clock.now(), actor.clone());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_complaint(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let today = clock::local_date(now, actor.time_zone(&row.store_id));
                let letters = store::letters_of_complaint(tx, &row.store_id, &row.id).await?;
                let mut view = load(tx, row, today).await?;
                view.letters = letters;
                Ok(view)
            })
        }))
        .await
}

/// Complaints opened between two days, or every one still open.
pub async fn list_complaints(
    app: &App,
    actor: &Actor,
    from: &str,
    to: &str,
    open_only: bool,
) -> AppResult<Vec<ComplaintView>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (from, to, now, actor) = (from.to_string(), to.to_string(), app.clock.now(), actor.clone());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let rows = store::complaints(tx, &scope, &from, &to, open_only).await?;
                let mut views = Vec::with_capacity(rows.len());
                for row in rows {
                    let today = clock::local_date(now, actor.time_zone(&row.store_id));
                    views.push(load(tx, row, today).await?);
                }
                Ok(views)
            })
        }))
        .await
}

/// One change of a complaint: load in scope, check the permission and state, change, audit.
async fn change(app: &App, actor: &Actor, id: &str, action: &'static str, text: String) -> AppResult<ComplaintView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, now, actor) = (id.to_string(), app.clock.now(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_complaint(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let store_id = before.store_id.clone();
                actor.require(Permission::FollowUpWrite, &store_id)?;
                if !actions(&before).contains(&action) {
                    return Err(AppError::Conflict("illegal_transition"));
                }
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let now_ms = now.as_millisecond();
                let mut row = before.clone();
                row.updated_at = now_ms;
                let items =
                    due_items::open_for_subject(tx, &store_id, "complaint", &id, "complaint_escalation").await?;
                match action {
                    "escalate" => {
                        let supervisor = supervisor_of(tx, &store_id).await?;
                        row.status = "escalated".into();
                        row.escalated_at = Some(now_ms);
                        row.escalated_to = supervisor.clone();
                        for item in &items {
                            due_items::mark_escalated(tx, &item.id, supervisor.as_deref(), now_ms).await?;
                        }
                    }
                    "solve" => {
                        if text.trim().is_empty() {
                            return Err(Violations(vec![Violation::new("solution", "required")]).into());
                        }
                        row.status = "solved".into();
                        row.solution = text.trim().to_string();
                        row.solved_on = Some(today.to_string());
                        due_items::close_for_subject(
                            tx,
                            &store_id,
                            "complaint",
                            &id,
                            "complaint_escalation",
                            "done",
                            now_ms,
                        )
                        .await?;
                        // F4: the customer is told the same day the solution is found.
                        create_due(
                            tx,
                            DueSpec {
                                store_id: store_id.clone(),
                                assignee_id: row.owner_id.clone().or_else(|| actor.actor_id().map(str::to_string)),
                                kind: "tell_customer".into(),
                                rule: "F4".into(),
                                subject_type: "complaint".into(),
                                subject_id: id.clone(),
                                subject_label: row.number.clone(),
                                params: serde_json::json!({"number": row.number}),
                                window_from: None,
                                due_on: today,
                                escalate_after_days: Some(0),
                                escalate_to_role: Some(Role::Supervisor.as_str().into()),
                            },
                            now_ms,
                        )
                        .await?;
                    }
                    _ => {
                        row.status = "closed".into();
                        row.customer_told_on = Some(today.to_string());
                        due_items::close_for_subject(tx, &store_id, "complaint", &id, "tell_customer", "done", now_ms)
                            .await?;
                        // The reply is a call like any other: it goes into the call record and register.
                        let customer = match &row.customer_id {
                            Some(cid) => customers::get(tx, std::slice::from_ref(&store_id), cid).await?,
                            None => None,
                        };
                        let call = CallRow {
                            id: new_id(),
                            store_id: store_id.clone(),
                            number: number(tx, &store_id, "DH", today).await?,
                            customer_id: row.customer_id.clone(),
                            kind: "complaint_reply".into(),
                            direction: "outbound".into(),
                            outcome: "reached".into(),
                            called_on: today.to_string(),
                            called_at: now_ms,
                            agent_id: actor.actor_id().map(str::to_string),
                            caller_name: customer.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                            phone: customer.as_ref().map(|c| c.mobile.clone()).unwrap_or_default(),
                            answers: "{}".into(),
                            summary: if text.trim().is_empty() {
                                row.solution.clone()
                            } else {
                                text.trim().to_string()
                            },
                            complaint_id: Some(id.clone()),
                            created_at: now_ms,
                            ..CallRow::default()
                        };
                        store::insert_call(tx, &call).await?;
                    }
                }
                if !store::update_complaint(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "complaint",
                        entity_id: &id,
                        action,
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                load(tx, row, today).await
            })
        }))
        .await
}

/// The agent hands the complaint to the supervisor before the scheduler would.
pub async fn escalate(app: &App, actor: &Actor, id: &str) -> AppResult<ComplaintView> {
    change(app, actor, id, "escalate", String::new()).await
}

/// Records the solution; the customer is to be told today.
pub async fn solve(app: &App, actor: &Actor, id: &str, solution: &str) -> AppResult<ComplaintView> {
    change(app, actor, id, "solve", solution.to_string()).await
}

/// The customer was told the solution (a call in the register); the complaint is closed.
pub async fn tell_customer(app: &App, actor: &Actor, id: &str, note: &str) -> AppResult<ComplaintView> {
    change(app, actor, id, "tell_customer", note.to_string()).await
}

/// After the scheduler escalated overdue complaint items, the complaints say so too. Run by the scheduler
/// right after `worklist::escalate_overdue`.
pub async fn sync_escalations(app: &App) -> AppResult<usize> {
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let system = Actor::system(Vec::new());
                let mut count = 0;
                for (id, store_id, at, to) in due_items::escalated_complaints(tx).await? {
                    let Some(before) = store::get_complaint(tx, std::slice::from_ref(&store_id), &id).await? else {
                        continue;
                    };
                    let mut row = before.clone();
                    row.status = "escalated".into();
                    row.escalated_at = Some(at);
                    row.escalated_to = to;
                    row.updated_at = now;
                    if store::update_complaint(tx, &row).await? {
                        audit::record(
                            tx,
                            &system,
                            now,
                            audit::Entry {
                                store_id: Some(&store_id),
                                entity: "complaint",
                                entity_id: &id,
                                action: "escalate",
                                before: Some(&before),
                                after: Some(&row),
                            },
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
