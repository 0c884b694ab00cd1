//! The scheduler's work: overdue items go up to the role named in their escalation rule, and each item due
//! today reminds its assignee once. Both leave through the outbox, in the same transaction as the change.

use claimdesk_store::outbox::{self, OutboxRow};
use claimdesk_store::{due_items, job, new_id, stores, users};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationRun {
    pub escalated: usize,
    pub reminded: usize,
}

const BATCH: i64 = 200;

/// Escalates items overdue by more than their allowance. Safe to run on several servers at once: rows are
/// claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL, and SQLite has one writer.
pub async fn escalate_overdue(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let store_rows = stores::list(tx).await?;
                // The earliest local date of any store bounds the claim; each item is then judged in its store.
                let latest_today = store_rows
                    .iter()
                    .map(|store| clock::local_date(now, &store.time_zone))
                    .max()
                    .unwrap_or_else(|| clock::local_date(now, "Asia/Shanghai"));
                let candidates = due_items::claim_escalations(tx, &latest_today.to_string(), BATCH).await?;
                let system = Actor::system(Vec::new());
                let mut count = 0;
                for item in candidates {
                    let zone = store_rows
                        .iter()
                        .find(|s| s.id == item.store_id)
                        .map(|s| s.time_zone.as_str())
                        .unwrap_or("Asia/Shanghai");
                    let today = clock::local_date(now, zone);
                    // Stores further west may not have reached the escalation day yet.
                    if item.escalate_on.as_deref().is_none_or(|day| today.to_string().as_str() <= day) {
                        continue;
                    }
                    let role = item.escalate_to_role.clone().unwrap_or_default();
                    let target = users::with_role(tx, &item.store_id, &role).await?.into_iter().next();
                    let now_ms = now.as_millisecond();
                    due_items::mark_escalated(tx, &item.id, target.as_ref().map(|u| u.id.as_str()), now_ms).await?;
                    if let Some(user) = &target {
                        notify(tx, &item, &user.username, "escalation", now_ms).await?;
                    }
                    let note = serde_json::json!({"escalated_to": target.as_ref().map(|u| &u.id), "role": role});
                    audit::record(
                        tx,
                        &system,
                        now_ms,
                        audit::Entry {
                            store_id: Some(&item.store_id),
                            entity: "due_item",
                            entity_id: &item.id,
                            action: "escalate",
                            before: None::<&()>,
                            after: Some(&note),
                        },
                    )
                    .await?;
                    count += 1;
                }
                Ok::<_, AppError>(count)
            })
        }))
        .await
}

/// Reminds each assignee once on the day an item falls due.
pub async fn send_reminders(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut count = 0;
                for store in stores::list(tx).await? {
                    let today = clock::local_date(now, &store.time_zone).to_string();
                    for item in due_items::claim_reminders(tx, &today, BATCH).await? {
                        if item.store_id != store.id {
                            continue;
                        }
                        let Some(assignee) = &item.assignee_id else { continue };
                        let Some(user) = users::get(tx, assignee).await? else { continue };
                        let now_ms = now.as_millisecond();
                        notify(tx, &item, &user.username, "reminder", now_ms).await?;
                        due_items::mark_reminded(tx, &item.id, now_ms).await?;
                        count += 1;
                    }
                }
                Ok::<_, AppError>(count)
            })
        }))
        .await
}

/// Queues a notification about a due item for a person, through the outbox.
async fn notify(
    tx: &mut claimdesk_store::Tx,
    item: &claimdesk_store::due_items::DueItemRow,
    username: &str,
    what: &str,
    now_ms: i64,
) -> AppResult<()> {
    outbox::insert(
        tx,
        &OutboxRow {
            id: new_id(),
            store_id: item.store_id.clone(),
            channel: "log".into(),
            recipient: username.to_string(),
            subject: format!("{what}:{}", item.kind),
            body: serde_json::json!({"due_item": item.id, "subject": item.subject_label, "due_on": item.due_on})
                .to_string(),
            status: "pending".into(),
            created_at: now_ms,
            ..OutboxRow::default()
        },
    )
    .await?;
    Ok(())
}
