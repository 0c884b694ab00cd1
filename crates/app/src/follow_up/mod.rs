//! After-sales follow-up (跟踪服务, README F1–F8, rules.md part D): the customer archive after every visit,
//! the two follow-up calls on schedule, complaints with their escalation, events with notices and letters,
//! the registers, stand-ins for absent staff, and the supervisor's board and summaries.
//!
//! Every deadline is a due item (`worklist::DueSpec`) created and closed inside the same write job as the
//! change that implies it, so a follow-up person's worklist is always the truth.

mod archive;
mod calls;
mod complaints;
mod events;
mod lists;
mod replies;
mod reports;
mod settings;
mod stand_ins;
mod visits;

pub use archive::{ArchiveInput, ArchiveView, archive, complete_archive, plan_next_contact};
pub use calls::{CallForm, CallView, call_context, record_call};
pub use claimdesk_store::follow_up::VisitRow;
pub use complaints::{ComplaintView, complaint, escalate, list_complaints, solve, sync_escalations, tell_customer};
pub use events::{EventDetail, EventInput, create_event, event, list_events, send_letters};
pub use lists::{
    RegisterForm, RegisterPage, complaints_page, events_page, next_contacts_page, register_page, stand_ins_page,
    summaries_page, target_redirect,
};
pub use replies::{ReplyInput, letter, write_reply};
pub use reports::{
    Board, BoardRow, LetterView, Registers, SummaryView, board, draft_summary, file_summary, generate_lost_customers,
    list_summaries, month_end_items, next_contacts, registers, save_summary, summary,
};
pub use settings::{SettingsInput, SettingsView, follow_up_settings, save_follow_up_settings};
pub use stand_ins::{StandInInput, StandInView, assign_stand_in, list_stand_ins, revoke_stand_in};
pub use visits::{ConsultationInput, VisitView, record_consultation, visits_page};

use claimdesk_domain::access::Role;
use claimdesk_domain::followup::{self, FollowUpSettings};
use claimdesk_store::customers::CustomerRow;
use claimdesk_store::follow_up as follow_up_store;
use claimdesk_store::{Tx, counters, due_items, users};
use jiff::civil::Date;

use crate::error::AppResult;
use crate::worklist::{DueSpec, create_due};

/// A store's follow-up practice (跟踪服务规范): its saved settings, or the defaults of rules.md D when it
/// saved none. Every service that computes a follow-up date reads it here, inside its own transaction.
pub(crate) async fn store_settings(tx: &mut Tx, store_id: &str) -> AppResult<FollowUpSettings> {
    Ok(follow_up_store::get_settings(tx, store_id)
        .await?
        .and_then(|row| serde_json::from_str(&row.settings).ok())
        .unwrap_or_default())
}

/// Who does a customer's follow-up work: the named follow-up person (F7), else the store's first
/// follow-up agent.
pub(crate) async fn agent_for(
    tx: &mut Tx,
    store_id: &str,
    customer: Option<&CustomerRow>,
) -> AppResult<Option<String>> {
    if let Some(named) = customer.and_then(|c| c.follow_up_user_id.clone()) {
        return Ok(Some(named));
    }
    Ok(users::with_role(tx, store_id, Role::FollowUpAgent.as_str()).await?.into_iter().next().map(|u| u.id))
}

/// The store's first supervisor (业务主管): escalations and summaries go there.
pub(crate) async fn supervisor_of(tx: &mut Tx, store_id: &str) -> AppResult<Option<String>> {
    Ok(users::with_role(tx, store_id, Role::Supervisor.as_str()).await?.into_iter().next().map(|u| u.id))
}

/// A human-readable number per store and day: `DH202405170001`.
pub(crate) async fn number(tx: &mut Tx, store_id: &str, prefix: &str, day: Date) -> AppResult<String> {
    let stamp = day.strftime("%Y%m%d").to_string();
    let sequence = counters::next(tx, store_id, &format!("{prefix}-{stamp}")).await?;
    Ok(format!("{prefix}{stamp}{sequence:04}"))
}

/// The label due items show for a customer.
pub(crate) fn customer_label(customer: &CustomerRow) -> String {
    format!("{} {}", customer.name, customer.mobile).trim().to_string()
}

/// A follow-up due item about a customer, escalated to the supervisor when left overdue.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one field of the due item; a builder would add nothing"
)]
pub(crate) fn customer_due(
    store_id: &str,
    assignee: Option<String>,
    kind: &str,
    rule: &str,
    customer: &CustomerRow,
    params: serde_json::Value,
    window_from: Option<Date>,
    due_on: Date,
) -> DueSpec {
    DueSpec {
        store_id: store_id.to_string(),
        assignee_id: assignee,
        kind: kind.into(),
        rule: rule.into(),
        subject_type: "customer".into(),
        subject_id: customer.id.clone(),
        subject_label: customer_label(customer),
        params,
        window_from,
        due_on,
        escalate_after_days: Some(0),
        escalate_to_role: Some(Role::Supervisor.as_str().into()),
    }
}

/// A visit ended (a repair order handed over, or a consultation): the archive is due within 2 days (F1)
/// and the first call falls on days 3–7 (F3). Called inside the caller's write job; an archive or first
/// call still open from an earlier visit is replaced, so the customer has one of each.
pub async fn schedule_visit(
    tx: &mut Tx,
    customer: &CustomerRow,
    repair_order: Option<(&str, &str)>,
    visit_on: Date,
    now: i64,
) -> AppResult<()> {
    let visit = match repair_order {
        Some((id, number)) => Visit::RepairOrder { id, number },
        None => Visit::Consultation { number: "" },
    };
    schedule(tx, customer, visit, visit_on, now).await
}

/// What brought the customer in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Visit<'a> {
    RepairOrder { id: &'a str, number: &'a str },
    Consultation { number: &'a str },
}

pub(crate) async fn schedule(
    tx: &mut Tx,
    customer: &CustomerRow,
    visit: Visit<'_>,
    visit_on: Date,
    now: i64,
) -> AppResult<()> {
    let store_id = customer.store_id.as_str();
    let settings = store_settings(tx, store_id).await?;
    for kind in ["customer_archive", "first_call"] {
        due_items::close_for_subject(tx, store_id, "customer", &customer.id, kind, "cancelled", now).await?;
    }
    let agent = agent_for(tx, store_id, Some(customer)).await?;
    let params = match visit {
        Visit::RepairOrder { id, number } => {
            serde_json::json!({"repair_order_id": id, "repair_order": number, "visit_on": visit_on})
        }
        Visit::Consultation { number } => serde_json::json!({"consultation": number, "visit_on": visit_on}),
    };
    let archive_by = followup::archive_due(visit_on, &settings);
    let spec =
        customer_due(store_id, agent.clone(), "customer_archive", "F1", customer, params.clone(), None, archive_by);
    create_due(tx, spec, now).await?;
    let (from, to) = followup::first_call_window(visit_on, &settings);
    let spec = customer_due(store_id, agent, "first_call", "F3", customer, params, Some(from), to);
    create_due(tx, spec, now).await?;
    Ok(())
}

/// A customer's due item moved onto their target row of an event: notices and letters are due per event.
pub(crate) fn target_due(mut spec: DueSpec, target: &follow_up_store::TargetRow) -> DueSpec {
    spec.subject_type = "event_target".into();
    spec.subject_id = target.id.clone();
    spec
}
