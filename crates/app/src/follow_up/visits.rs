//! F1 consultation visits (咨询来访): a customer who comes in without a repair order is a visit too. It is
//! recorded, counts as the customer's last visit, and makes the same deadlines as a handover: the archive
//! within 2 days and the first call on days 3–7 (the store's settings).

use claimdesk_domain::access::Permission;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::follow_up::{self as store, VisitRow};
use claimdesk_store::{customers, job, new_id};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Visit, number, schedule};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, audit, clock};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConsultationInput {
    /// The day of the visit (today when empty); never in the future.
    #[serde(default)]
    pub visited_on: Option<String>,
    /// What the customer came about (maintenance price, a new car, insurance, …).
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VisitView {
    #[serde(flatten)]
    pub visit: VisitRow,
    pub customer_name: String,
}

/// Records a consultation visit and schedules its follow-up deadlines, in one write.
pub async fn record_consultation(
    app: &App,
    actor: &Actor,
    customer_id: &str,
    input: ConsultationInput,
) -> AppResult<VisitView> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, now, actor) = (customer_id.to_string(), app.clock.now(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let customer = customers::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let store_id = customer.store_id.clone();
                actor.require(Permission::FollowUpWrite, &store_id)?;
                let today = clock::local_date(now, actor.time_zone(&store_id));
                let mut violations = Violations::new();
                let text = input.visited_on.as_deref().map(str::trim).filter(|t| !t.is_empty());
                let visited_on = match text.map(str::parse::<Date>) {
                    None => today,
                    Some(Ok(day)) if day <= today => day,
                    Some(Ok(_)) => {
                        violations.push(Violation::new("visited_on", "date_in_future").with("today", today));
                        today
                    }
                    Some(Err(_)) => {
                        violations.push(Violation::new("visited_on", "date_format").with("found", text.unwrap_or("")));
                        today
                    }
                };
                if input.purpose.trim().is_empty() {
                    violations.push(Violation::new("purpose", "required"));
                }
                violations.finish(|| ())?;
                let now_ms = now.as_millisecond();
                let row = VisitRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    number: number(tx, &store_id, "ZX", visited_on).await?,
                    customer_id: customer.id.clone(),
                    visited_on: visited_on.to_string(),
                    purpose: input.purpose.trim().to_string(),
                    note: input.note.trim().to_string(),
                    created_by: actor.actor_id().map(str::to_string),
                    created_at: now_ms,
                };
                store::insert_visit(tx, &row).await?;
                // A consultation is a visit: it keeps the customer from the lost-customer list (F2).
                let mut updated = customer.clone();
                if updated.last_visit_on.as_deref().is_none_or(|last| last < row.visited_on.as_str()) {
                    updated.last_visit_on = Some(row.visited_on.clone());
                    updated.updated_at = now_ms;
                    if !customers::update(tx, &updated).await? {
                        return Err(AppError::Conflict("stale_version"));
                    }
                    updated.version += 1;
                }
                schedule(tx, &updated, Visit::Consultation { number: &row.number }, visited_on, now_ms).await?;
                audit::record(
                    tx,
                    &actor,
                    now_ms,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "customer",
                        entity_id: &customer.id,
                        action: "consultation",
                        before: None::<&()>,
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(VisitView { visit: row, customer_name: customer.name })
            })
        }))
        .await
}

/// Consultation visits of a period, a page at a time.
pub async fn visits_page(
    app: &App,
    actor: &Actor,
    from: &str,
    to: &str,
    request: PageRequest,
) -> AppResult<Page<VisitView>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let (from, to) = super::lists::period(from, to)?;
    let scope = actor.store_ids_filtered(Permission::FollowUpRead, actor.current_store.as_deref());
    let paging = super::lists::paging(request);
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) =
                    store::visits_between(tx, &scope, &from.to_string(), &to.to_string(), paging).await?;
                let mut items = Vec::with_capacity(rows.len());
                for row in rows {
                    let name = customers::get(tx, std::slice::from_ref(&row.store_id), &row.customer_id)
                        .await?
                        .map(|c| c.name)
                        .unwrap_or_default();
                    items.push(VisitView { visit: row, customer_name: name });
                }
                Ok::<_, AppError>(Page::new(items, total, request, super::lists::COUNT_CAP))
            })
        }))
        .await
}
