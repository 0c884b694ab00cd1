//! F5/F6 reply letters (答复函): the third letter template, written to a customer about their request or
//! complaint, registered in the letter register (跟踪服务信函登记表) with its text, and printable.

use claimdesk_domain::access::Permission;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::follow_up::{self as store, LetterRow};
use claimdesk_store::{customers, job, new_id};
use serde::Deserialize;

use super::number;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplyInput {
    /// The letter's subject; the complaint's number when empty.
    #[serde(default)]
    pub subject: String,
    /// The answer as the customer reads it; the recorded solution when empty.
    #[serde(default)]
    pub body: String,
}

/// Writes a reply letter about a complaint or request and registers it. The recipient is the customer
/// (name and address from the archive) or, for a caller who is not a customer, the caller's name.
pub async fn write_reply(app: &App, actor: &Actor, complaint_id: &str, input: ReplyInput) -> AppResult<LetterRow> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, now, actor) = (complaint_id.to_string(), app.clock.now(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let complaint = store::get_complaint(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let store_id = complaint.store_id.clone();
                actor.require(Permission::FollowUpWrite, &store_id)?;
                let body = match input.body.trim() {
                    "" => complaint.solution.trim().to_string(),
                    text => text.to_string(),
                };
                if body.is_empty() {
                    return Err(Violations(vec![Violation::new("body", "required")]).into());
                }
                let customer = match &complaint.customer_id {
                    Some(cid) => customers::get(tx, std::slice::from_ref(&store_id), cid).await?,
                    None => None,
                };
                let caller = match &complaint.call_id {
                    Some(call_id) => store::get_call(tx, std::slice::from_ref(&store_id), call_id).await?,
                    None => None,
                };
                let (recipient, address) = match (&customer, &caller) {
                    (Some(c), _) => (c.name.clone(), c.address.clone()),
                    (None, Some(call)) => (call.caller_name.clone(), String::new()),
                    (None, None) => (String::new(), String::new()),
                };
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let now_ms = now.as_millisecond();
                let letter = LetterRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    number: number(tx, &store_id, "XH", today).await?,
                    customer_id: complaint.customer_id.clone(),
                    event_id: None,
                    complaint_id: Some(complaint.id.clone()),
                    template: "reply".into(),
                    recipient,
                    address,
                    subject: match input.subject.trim() {
                        "" => complaint.number.clone(),
                        text => text.to_string(),
                    },
                    body,
                    sent_on: today.to_string(),
                    created_by: actor.actor_id().map(str::to_string),
                    created_at: now_ms,
                };
                store::insert_letter(tx, &letter).await?;
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
                Ok(letter)
            })
        }))
        .await
}

/// One registered letter (404 for another store's).
pub async fn letter(app: &App, actor: &Actor, id: &str) -> AppResult<LetterRow> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move { store::get_letter(tx, &scope, &id).await?.ok_or(AppError::NotFound) })
        }))
        .await
}
