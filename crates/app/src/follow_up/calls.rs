//! F3 follow-up calls and every other call of the desk (F6 跟踪服务电话记录表): the script's answers, the
//! second call that repeats nothing of the first, unreachable attempts, and complaints raised on the call.

use std::collections::BTreeMap;

use claimdesk_domain::access::Permission;
use claimdesk_domain::followup::{self, CallInput};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::customers::{self, CustomerRow};
use claimdesk_store::follow_up::{self as store, CallRow, ComplaintRow};
use claimdesk_store::{due_items, job, new_id};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{agent_for, customer_due, number, store_settings, supervisor_of, target_due};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::worklist::{DueSpec, create_due};
use crate::{App, audit, clock};

/// What the call form posts.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallForm {
    #[serde(default)]
    pub customer_id: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub topics: Vec<String>,
    /// The customer's answer per topic of the script.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    #[serde(default)]
    pub satisfaction: Option<i64>,
    #[serde(default)]
    pub summary: String,
    /// An inbound caller who is not (yet) a customer.
    #[serde(default)]
    pub caller_name: String,
    #[serde(default)]
    pub phone: String,
    /// A request or complaint the customer raised on the call.
    #[serde(default)]
    pub complaint: String,
    /// The agent answered it on the call: recorded, and closed at once.
    #[serde(default)]
    pub complaint_answered: bool,
    #[serde(default)]
    pub event_id: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    #[serde(flatten)]
    pub call: CallRow,
    pub topic_list: Vec<String>,
    pub answer_map: BTreeMap<String, String>,
    /// When an unreachable call is tried again (none when it went to the supervisor).
    pub next_attempt: Option<String>,
    pub escalated: bool,
}

impl CallView {
    pub fn new(call: CallRow) -> CallView {
        CallView {
            topic_list: call.topics.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
            answer_map: serde_json::from_str(&call.answers).unwrap_or_default(),
            call,
            next_attempt: None,
            escalated: false,
        }
    }
}

/// What the call page shows before the call: the customer's earlier calls (the second call shows the
/// first call's answers) and which topics are still free.
pub async fn call_context(app: &App, actor: &Actor, customer_id: &str) -> AppResult<(CustomerRow, Vec<CallView>)> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let id = customer_id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let customer = customers::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let calls = store::calls_of_customer(tx, &customer.store_id, &id).await?;
                Ok((customer, calls.into_iter().map(CallView::new).collect()))
            })
        }))
        .await
}

/// The last reached first call since the customer's last visit: its topics bind the second call.
fn first_call_topics(calls: &[CallRow]) -> Vec<String> {
    calls
        .iter()
        .rev()
        .find(|c| c.kind == "first_call" && c.outcome == "reached")
        .map(|c| c.topics.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Records a call: checks it against the script rules, writes it to the call record, and moves the
/// deadlines it settles or creates (second call, retry, escalation, complaint, event letter).
pub async fn record_call(app: &App, actor: &Actor, form: CallForm) -> AppResult<CallView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let now = app.clock.now();
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let customer_id = form.customer_id.clone().filter(|id| !id.is_empty());
                let customer = match &customer_id {
                    Some(id) => Some(customers::get(tx, &scope, id).await?.ok_or_else(|| {
                        AppError::Invalid(Violations(vec![Violation::new("customer_id", "not_found")]))
                    })?),
                    None => None,
                };
                let store_id = match &customer {
                    Some(customer) => customer.store_id.clone(),
                    None => actor.target_store(Permission::FollowUpWrite, form.store_id.as_deref())?,
                };
                actor.require(Permission::FollowUpWrite, &store_id)?;
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let now_ms = now.as_millisecond();
                let earlier = match &customer {
                    Some(c) => store::calls_of_customer(tx, &store_id, &c.id).await?,
                    None => Vec::new(),
                };
                let mut violations = Violations::new();
                let kind = form.kind.trim();
                if let (Some(customer), Some(event_id)) =
                    (&customer, form.event_id.as_deref().filter(|id| !id.is_empty()))
                    && store::target_of(tx, &store_id, event_id, &customer.id).await?.is_none()
                {
                    violations.push(Violation::new("event_id", "not_found"));
                }
                let outbound = !kind.starts_with("inbound_");
                if customer.is_none() && outbound {
                    violations.push(Violation::new("customer_id", "required"));
                }
                if customer.is_none() && !outbound && form.caller_name.trim().is_empty() && form.phone.trim().is_empty()
                {
                    violations.push(Violation::new("caller_name", "required"));
                }
                let checked = followup::check_call(&CallInput {
                    kind: kind.to_string(),
                    outcome: form.outcome.clone(),
                    topics: form.topics.clone(),
                    first_call_topics: if kind == "second_call" { first_call_topics(&earlier) } else { Vec::new() },
                    satisfaction: form.satisfaction,
                });
                let valid = match checked {
                    Ok(valid) => Some(valid),
                    Err(more) => {
                        violations.0.extend(more.0);
                        None
                    }
                };
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let valid = valid.expect("validated");
                let answers: BTreeMap<String, String> = form
                    .answers
                    .iter()
                    .filter(|(topic, text)| valid.topics.contains(topic) && !text.trim().is_empty())
                    .map(|(topic, text)| (topic.clone(), text.trim().to_string()))
                    .collect();
                let mut call = CallRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    number: number(tx, &store_id, "DH", today).await?,
                    customer_id: customer.as_ref().map(|c| c.id.clone()),
                    repair_order_id: None,
                    event_id: form.event_id.clone().filter(|id| !id.is_empty()),
                    kind: valid.kind.clone(),
                    direction: if outbound { "outbound" } else { "inbound" }.into(),
                    outcome: valid.outcome.clone(),
                    called_on: today.to_string(),
                    called_at: now_ms,
                    agent_id: actor.actor_id().map(str::to_string),
                    caller_name: match &customer {
                        Some(c) => c.name.clone(),
                        None => form.caller_name.trim().to_string(),
                    },
                    phone: match &customer {
                        Some(c) if form.phone.trim().is_empty() => c.mobile.clone(),
                        _ => form.phone.trim().to_string(),
                    },
                    topics: valid.topics.join(","),
                    answers: serde_json::to_string(&answers).map_err(anyhow::Error::from)?,
                    satisfaction: valid.satisfaction,
                    summary: form.summary.trim().to_string(),
                    complaint_id: None,
                    created_at: now_ms,
                };
                let mut next_attempt = None;
                let mut escalated = false;
                if let Some(customer) = &customer {
                    (next_attempt, escalated) = settle(tx, &actor, customer, &call, &form, today, now_ms).await?;
                }
                store::insert_call(tx, &call).await?;
                if !form.complaint.trim().is_empty() && valid.outcome == "reached" {
                    let complaint = open_complaint(tx, customer.as_ref(), &call, &form, today, now_ms).await?;
                    store::set_call_complaint(tx, &store_id, &call.id, &complaint.id).await?;
                    call.complaint_id = Some(complaint.id.clone());
                    audit::record(
                        tx,
                        &actor,
                        now_ms,
                        audit::Entry {
                            store_id: Some(&store_id),
                            entity: "complaint",
                            entity_id: &complaint.id,
                            action: "create",
                            before: None::<&()>,
                            after: Some(&complaint),
                        },
                    )
                    .await?;
                }
                let mut view = CallView::new(call);
                view.next_attempt = next_attempt.map(|d| d.to_string());
                view.escalated = escalated;
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "follow_up_call",
                        entity_id: &view.call.id,
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

/// Moves the deadlines a call settles. Answers the next attempt of an unreachable call, and whether the
/// call went to the supervisor because its window is spent.
async fn settle(
    tx: &mut claimdesk_store::Tx,
    actor: &Actor,
    customer: &CustomerRow,
    call: &CallRow,
    form: &CallForm,
    today: Date,
    now: i64,
) -> AppResult<(Option<Date>, bool)> {
    let store_id = customer.store_id.as_str();
    let due_kind = match call.kind.as_str() {
        "first_call" | "second_call" | "lost_customer" | "event_notice" | "next_service" => call.kind.as_str(),
        _ => return Ok((None, false)),
    };
    // F5: an event notice is due per event; its subject is the customer's target row of that event, so a
    // customer targeted by two events has two notices and this call clears only its own event's.
    let target = match (due_kind, form.event_id.as_deref().filter(|id| !id.is_empty())) {
        ("event_notice", Some(event_id)) => store::target_of(tx, store_id, event_id, &customer.id).await?,
        _ => None,
    };
    let (subject_type, subject_id) = match &target {
        Some(target) => ("event_target", target.id.as_str()),
        None => ("customer", customer.id.as_str()),
    };
    if call.outcome == "unreachable" {
        // Unreachable: try again the next day while the window lasts, then hand it to the supervisor.
        let open = due_items::open_for_subject(tx, store_id, subject_type, subject_id, due_kind).await?;
        if let Some(item) = open.into_iter().next() {
            let window_to = item.due_on.parse::<Date>().unwrap_or(today);
            match followup::next_attempt(today, window_to) {
                Some(next) => {
                    due_items::set_window_from(tx, store_id, &item.id, &next.to_string(), now).await?;
                    return Ok((Some(next), false));
                }
                None => {
                    let supervisor = supervisor_of(tx, store_id).await?;
                    due_items::mark_escalated(tx, &item.id, supervisor.as_deref(), now).await?;
                    let note = serde_json::json!({"escalated_to": supervisor, "reason": "unreachable"});
                    audit::record(
                        tx,
                        actor,
                        now,
                        audit::Entry {
                            store_id: Some(store_id),
                            entity: "due_item",
                            entity_id: &item.id,
                            action: "escalate",
                            before: None::<&()>,
                            after: Some(&note),
                        },
                    )
                    .await?;
                    return Ok((None, true));
                }
            }
        }
        return Ok((None, false));
    }
    due_items::close_for_subject(tx, store_id, subject_type, subject_id, due_kind, "done", now).await?;
    let settings = store_settings(tx, store_id).await?;
    match due_kind {
        "first_call" => {
            // F3: the second call in days 8–14 after the first.
            let (from, to) = followup::second_call_window(today, &settings);
            let agent = agent_for(tx, store_id, Some(customer)).await?;
            let params = serde_json::json!({"first_call": call.number});
            let spec = customer_due(store_id, agent, "second_call", "F3", customer, params, Some(from), to);
            create_due(tx, spec, now).await?;
        }
        "event_notice" => {
            if let Some(target) = &target {
                store::mark_target(tx, store_id, &target.event_id, &customer.id, Some(&today.to_string()), None)
                    .await?;
                let event = store::get_event(tx, &[store_id.to_string()], &target.event_id).await?;
                if let Some(event) = event.filter(|e| !e.letter_template.is_empty()) {
                    // F5: the letter follows within 2 days of the notice call.
                    let agent = agent_for(tx, store_id, Some(customer)).await?;
                    let params = serde_json::json!({"event_id": event.id, "title": event.title});
                    let due = followup::event_letter_due(today, &settings);
                    let spec = target_due(
                        customer_due(store_id, agent, "event_letter", "F5", customer, params, None, due),
                        target,
                    );
                    create_due(tx, spec, now).await?;
                }
            }
        }
        _ => {}
    }
    Ok((None, false))
}

/// Opens the complaint a call raised. Answered on the call: recorded as solved and told at once. Else the
/// agent has until the day before the escalation day; the scheduler then hands it to the supervisor, so
/// it reaches them within 2 days (FU-03).
async fn open_complaint(
    tx: &mut claimdesk_store::Tx,
    customer: Option<&CustomerRow>,
    call: &CallRow,
    form: &CallForm,
    today: Date,
    now: i64,
) -> AppResult<ComplaintRow> {
    let store_id = call.store_id.as_str();
    let answered = form.complaint_answered;
    let mut row = ComplaintRow {
        id: new_id(),
        store_id: store_id.to_string(),
        number: number(tx, store_id, "TS", today).await?,
        customer_id: customer.map(|c| c.id.clone()),
        call_id: Some(call.id.clone()),
        content: form.complaint.trim().to_string(),
        status: if answered { "closed" } else { "open" }.into(),
        opened_on: today.to_string(),
        owner_id: call.agent_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        ..ComplaintRow::default()
    };
    if answered {
        row.solution = form.summary.trim().to_string();
        row.solved_on = Some(today.to_string());
        row.customer_told_on = Some(today.to_string());
    }
    store::insert_complaint(tx, &row).await?;
    if !answered {
        let settings = store_settings(tx, store_id).await?;
        let escalate_by = followup::complaint_escalation_due(today, &settings);
        let own_until = escalate_by.checked_sub(jiff::ToSpan::days(1)).unwrap_or(escalate_by).max(today);
        let label = format!("{} {}", row.number, call.caller_name).trim().to_string();
        create_due(
            tx,
            DueSpec {
                store_id: store_id.to_string(),
                assignee_id: call.agent_id.clone(),
                kind: "complaint_escalation".into(),
                rule: "F4".into(),
                subject_type: "complaint".into(),
                subject_id: row.id.clone(),
                subject_label: label,
                params: serde_json::json!({"escalate_by": escalate_by, "number": row.number}),
                window_from: None,
                due_on: own_until,
                escalate_after_days: Some(0),
                escalate_to_role: Some(claimdesk_domain::access::Role::Supervisor.as_str().into()),
            },
            now,
        )
        .await?;
    }
    Ok(row)
}
