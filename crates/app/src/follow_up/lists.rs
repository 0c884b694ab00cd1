//! The follow-up lists a page at a time (`{"items", "total", "page", "per_page"}`, DESIGN Contracts):
//! complaints, events, stand-ins, summaries, the registers, the planned next contacts and consultation
//! visits. Each runs one page query and one capped count in the store.

use claimdesk_domain::access::Permission;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::follow_up::{self as store, EventRow, LetterRow, Paging, SummaryRow};
use claimdesk_store::{job, users};
use jiff::civil::Date;
use serde::Serialize;

use super::{CallView, ComplaintView, StandInView};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::worklist::DueItemView;
use crate::{App, clock};

/// Counts stop here, as the other lists' do ("more than 10,000").
pub const COUNT_CAP: i64 = 10_000;

pub(super) fn paging(request: PageRequest) -> Paging {
    Paging { offset: request.offset(), limit: request.per_page, cap: COUNT_CAP }
}

pub(super) fn period(from: &str, to: &str) -> AppResult<(Date, Date)> {
    super::reports::period(from, to)
}

/// Complaints opened in a period, or (`open_only`) every one not yet closed.
pub async fn complaints_page(
    app: &App,
    actor: &Actor,
    from: &str,
    to: &str,
    open_only: bool,
    request: PageRequest,
) -> AppResult<Page<ComplaintView>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    let (from, to, now, actor) = (from.to_string(), to.to_string(), app.clock.now(), actor.clone());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::complaints_page(tx, &scope, &from, &to, open_only, paging(request)).await?;
                let mut items = Vec::with_capacity(rows.len());
                for row in rows {
                    let today = clock::local_date(now, actor.time_zone(&row.store_id));
                    items.push(super::complaints::load(tx, row, today).await?);
                }
                Ok::<_, AppError>(Page::new(items, total, request, COUNT_CAP))
            })
        }))
        .await
}

pub async fn events_page(app: &App, actor: &Actor, request: PageRequest) -> AppResult<Page<EventRow>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::events_page(tx, &scope, paging(request)).await?;
                Ok::<_, AppError>(Page::new(rows, total, request, COUNT_CAP))
            })
        }))
        .await
}

pub async fn stand_ins_page(app: &App, actor: &Actor, request: PageRequest) -> AppResult<Page<StandInView>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::stand_ins_page(tx, &scope, paging(request)).await?;
                let mut items = Vec::with_capacity(rows.len());
                for row in rows {
                    let name = |user: Option<users::UserRow>| user.map(|u| u.display_name).unwrap_or_default();
                    let absent_name = name(users::get(tx, &row.absent_user_id).await?);
                    let stand_in_name = name(users::get(tx, &row.stand_in_user_id).await?);
                    items.push(StandInView { stand_in: row, absent_name, stand_in_name });
                }
                Ok::<_, AppError>(Page::new(items, total, request, COUNT_CAP))
            })
        }))
        .await
}

pub async fn summaries_page(app: &App, actor: &Actor, request: PageRequest) -> AppResult<Page<SummaryRow>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::summaries_page(tx, &scope, paging(request)).await?;
                Ok::<_, AppError>(Page::new(rows, total, request, COUNT_CAP))
            })
        }))
        .await
}

/// Which register: the call record and the call register list the calls (the record with the script's
/// answers), the letter register the letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterForm {
    CallRecord,
    CallRegister,
    LetterRegister,
}

impl RegisterForm {
    pub fn parse(text: Option<&str>) -> AppResult<RegisterForm> {
        match text.unwrap_or("call_record") {
            "" | "call_record" => Ok(RegisterForm::CallRecord),
            "call_register" => Ok(RegisterForm::CallRegister),
            "letter_register" => Ok(RegisterForm::LetterRegister),
            other => Err(Violations(vec![Violation::new("form", "unknown_value").with("detail", other)]).into()),
        }
    }
}

/// One page of a register.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RegisterPage {
    Calls(Page<CallView>),
    Letters(Page<LetterRow>),
}

pub async fn register_page(
    app: &App,
    actor: &Actor,
    form: RegisterForm,
    from: &str,
    to: &str,
    request: PageRequest,
) -> AppResult<RegisterPage> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let (from, to) = period(from, to)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (f, t) = (from.to_string(), to.to_string());
                Ok::<_, AppError>(match form {
                    RegisterForm::LetterRegister => {
                        let (rows, total) = store::letters_page(tx, &scope, &f, &t, paging(request)).await?;
                        RegisterPage::Letters(Page::new(rows, total, request, COUNT_CAP))
                    }
                    _ => {
                        let (rows, total) = store::calls_page(tx, &scope, &f, &t, paging(request)).await?;
                        let items = rows.into_iter().map(CallView::new).collect();
                        RegisterPage::Calls(Page::new(items, total, request, COUNT_CAP))
                    }
                })
            })
        }))
        .await
}

/// The planned next contacts and lost-customer calls still open, per staff member (F2).
pub async fn next_contacts_page(app: &App, actor: &Actor, request: PageRequest) -> AppResult<Page<DueItemView>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    let now = app.clock.now();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::next_contacts_page(tx, &scope, paging(request)).await?;
                let items = rows
                    .into_iter()
                    .map(|row| {
                        let today = clock::local_date(now, actor.time_zone(&row.store_id));
                        DueItemView::new(row, today)
                    })
                    .collect();
                Ok::<_, AppError>(Page::new(items, total, request, COUNT_CAP))
            })
        }))
        .await
}

/// Where a worklist item about an event target leads: the customer and the event, for the notice call.
pub async fn target_redirect(app: &App, actor: &Actor, target_id: &str) -> AppResult<(String, String)> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let id = target_id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let target = store::get_target(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                Ok::<_, AppError>((target.customer_id, target.event_id))
            })
        }))
        .await
}
