//! F5 events (联谊活动, 优惠服务月, 免费检测周): target customers, phone notices 14 days ahead, letters
//! within 2 days of the notice, from templates, printed in batches (F6 信函登记表).

use claimdesk_domain::access::Permission;
use claimdesk_domain::followup;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::customers;
use claimdesk_store::follow_up::{self as store, EventRow, LetterRow, TargetRow};
use claimdesk_store::{due_items, job, new_id};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{agent_for, customer_due, number, store_settings, target_due};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::worklist::create_due;
use crate::{App, audit, clock};

pub const EVENT_KINDS: &[&str] = &["customer_event", "offer_month", "free_inspection_week"];
pub const LETTER_TEMPLATES: &[&str] = &["notice", "invitation", "reply"];
/// An event reaches at most this many customers; a larger list is a filter mistake.
const MAX_TARGETS: i64 = 5_000;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventInput {
    pub kind: String,
    pub title: String,
    pub event_on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub target_model: String,
    #[serde(default)]
    pub last_visit_from: Option<String>,
    #[serde(default)]
    pub last_visit_to: Option<String>,
    #[serde(default)]
    pub target_area: String,
    /// The letter sent after the notice call (notice or invitation); empty for none.
    #[serde(default)]
    pub letter_template: String,
    #[serde(default)]
    pub store_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    #[serde(flatten)]
    pub target: TargetRow,
    pub name: String,
    pub mobile: String,
    pub address: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventDetail {
    pub event: EventRow,
    pub notice_due_on: String,
    pub targets: Vec<TargetView>,
    pub letters: Vec<LetterRow>,
}

fn date(field: &str, text: Option<&str>, violations: &mut Violations) -> Option<Date> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    text.parse().map_err(|_| violations.push(Violation::new(field, "date_format").with("found", text))).ok()
}

/// Creates the event, picks its customers by the filters and puts a notice call on each customer's
/// follow-up person's worklist, due 14 days before the event.
pub async fn create_event(app: &App, actor: &Actor, input: EventInput) -> AppResult<EventDetail> {
    let store_id = actor.target_store(Permission::FollowUpWrite, input.store_id.as_deref())?;
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    let mut violations = Violations::new();
    if !EVENT_KINDS.contains(&input.kind.as_str()) {
        violations.push(Violation::new("kind", "unknown_value").with("detail", &input.kind));
    }
    if input.title.trim().is_empty() {
        violations.push(Violation::new("title", "required"));
    }
    let event_on = date("event_on", Some(&input.event_on), &mut violations);
    if event_on.is_none() && input.event_on.trim().is_empty() {
        violations.push(Violation::new("event_on", "required"));
    }
    if event_on.is_some_and(|d| d < today) {
        violations.push(
            Violation::new("event_on", "date_order")
                .with("earliest", today)
                .with("after_field", "today")
                .with("found", event_on.unwrap_or(today)),
        );
    }
    let from = date("last_visit_from", input.last_visit_from.as_deref(), &mut violations);
    let to = date("last_visit_to", input.last_visit_to.as_deref(), &mut violations);
    if !input.letter_template.is_empty() && !LETTER_TEMPLATES.contains(&input.letter_template.as_str()) {
        violations.push(Violation::new("letter_template", "unknown_value").with("detail", &input.letter_template));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let event_on = event_on.expect("validated");
    let reader = actor.clone();
    let actor = actor.clone();
    let id = app
        .db
        .write(job(move |tx| {
            Box::pin(async move {
                actor.require(Permission::FollowUpWrite, &store_id)?;
                let now_ms = now.as_millisecond();
                let event = EventRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    kind: input.kind.clone(),
                    title: input.title.trim().to_string(),
                    event_on: event_on.to_string(),
                    place: input.place.trim().to_string(),
                    content: input.content.trim().to_string(),
                    target_model: input.target_model.trim().to_string(),
                    last_visit_from: from.map(|d| d.to_string()),
                    last_visit_to: to.map(|d| d.to_string()),
                    target_area: input.target_area.trim().to_string(),
                    letter_template: input.letter_template.clone(),
                    created_by: actor.actor_id().map(str::to_string),
                    created_at: now_ms,
                    updated_at: now_ms,
                    version: 1,
                };
                store::insert_event(tx, &event).await?;
                let candidates = store::event_candidates(
                    tx,
                    &store_id,
                    &event.target_model,
                    event.last_visit_from.as_deref(),
                    event.last_visit_to.as_deref(),
                    &event.target_area,
                    MAX_TARGETS,
                )
                .await?;
                let settings = store_settings(tx, &store_id).await?;
                let notice_due = followup::event_notice_due(event_on, &settings).max(today);
                for customer_id in &candidates {
                    let Some(customer) = customers::get(tx, std::slice::from_ref(&store_id), customer_id).await? else {
                        continue;
                    };
                    let target = TargetRow {
                        id: new_id(),
                        store_id: store_id.clone(),
                        event_id: event.id.clone(),
                        customer_id: customer.id.clone(),
                        notified_on: None,
                        letter_id: None,
                        created_at: now_ms,
                    };
                    store::insert_target(tx, &target).await?;
                    let agent = agent_for(tx, &store_id, Some(&customer)).await?;
                    let params =
                        serde_json::json!({"event_id": event.id, "title": event.title, "event_on": event.event_on});
                    // Keyed per event: the notice's subject is this target row (see `target_due`).
                    let spec = target_due(
                        customer_due(&store_id, agent, "event_notice", "F5", &customer, params, None, notice_due),
                        &target,
                    );
                    create_due(tx, spec, now_ms).await?;
                }
                let note = serde_json::json!({"event": event, "targets": candidates.len()});
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "follow_up_event",
                        entity_id: &event.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&note),
                    },
                )
                .await?;
                Ok::<_, AppError>(event.id)
            })
        }))
        .await?;
    event(app, &reader, &id).await
}

pub async fn event(app: &App, actor: &Actor, id: &str) -> AppResult<EventDetail> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let event = store::get_event(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let on: Date = event.event_on.parse().map_err(|e: jiff::Error| anyhow::anyhow!(e))?;
                let mut targets = Vec::new();
                for target in store::targets(tx, &event.store_id, &id).await? {
                    let customer =
                        customers::get(tx, std::slice::from_ref(&event.store_id), &target.customer_id).await?;
                    let (name, mobile, address) = customer.map(|c| (c.name, c.mobile, c.address)).unwrap_or_default();
                    targets.push(TargetView { target, name, mobile, address });
                }
                let letters = store::letters_of_event(tx, &event.store_id, &id).await?;
                let settings = store_settings(tx, &event.store_id).await?;
                Ok(EventDetail {
                    notice_due_on: followup::event_notice_due(on, &settings).to_string(),
                    event,
                    targets,
                    letters,
                })
            })
        }))
        .await
}

pub async fn list_events(app: &App, actor: &Actor) -> AppResult<Vec<EventRow>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids(Permission::FollowUpRead);
    app.db.read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::events(tx, &scope).await?) }))).await
}

/// Writes the letters of an event: one per customer already phoned and not yet written to, from the
/// event's template, registered in the letter register; closes their letter due items. Answers how many.
pub async fn send_letters(app: &App, actor: &Actor, event_id: &str) -> AppResult<usize> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, now, actor) = (event_id.to_string(), app.clock.now(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let event = store::get_event(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let store_id = event.store_id.clone();
                actor.require(Permission::FollowUpWrite, &store_id)?;
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let now_ms = now.as_millisecond();
                let template =
                    if event.letter_template.is_empty() { "notice".to_string() } else { event.letter_template.clone() };
                let mut count = 0;
                for target in store::targets(tx, &store_id, &id).await? {
                    if target.notified_on.is_none() || target.letter_id.is_some() {
                        continue;
                    }
                    let Some(customer) =
                        customers::get(tx, std::slice::from_ref(&store_id), &target.customer_id).await?
                    else {
                        continue;
                    };
                    let letter = LetterRow {
                        id: new_id(),
                        store_id: store_id.clone(),
                        number: number(tx, &store_id, "XH", today).await?,
                        customer_id: Some(customer.id.clone()),
                        event_id: Some(id.clone()),
                        complaint_id: None,
                        template: template.clone(),
                        recipient: customer.name.clone(),
                        address: customer.address.clone(),
                        subject: event.title.clone(),
                        body: event.content.clone(),
                        sent_on: today.to_string(),
                        created_by: actor.actor_id().map(str::to_string),
                        created_at: now_ms,
                    };
                    store::insert_letter(tx, &letter).await?;
                    store::mark_target(tx, &store_id, &id, &customer.id, None, Some(&letter.id)).await?;
                    // Only this event's letter: the customer may have another event's letter still due.
                    due_items::close_for_subject(
                        tx,
                        &store_id,
                        "event_target",
                        &target.id,
                        "event_letter",
                        "done",
                        now_ms,
                    )
                    .await?;
                    audit::record(
                        tx,
                        &actor,
                        now_ms,
                        audit::Entry {
                            store_id: Some(&store_id),
                            entity: "follow_up_letter",
                            entity_id: &letter.id,
                            action: "create",
                            before: None::<&()>,
                            after: Some(&letter),
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
