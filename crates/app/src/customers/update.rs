//! Changing a customer's record; a stale version (someone else saved meanwhile) is a conflict.

use claimdesk_domain::access::Permission;
use claimdesk_domain::customer::{CustomerInput, validate};
use claimdesk_store::{customers, job, vehicles};

use super::{CustomerView, apply};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit, clock};

pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    version: Option<i64>,
    input: CustomerInput,
) -> AppResult<CustomerView> {
    let scope = actor.store_ids(Permission::CustomersRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = customers::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::CustomersWrite, &before.store_id)?;
                let today = clock::local_date(now, actor.time_zone(&before.store_id));
                let valid = validate(&input, today)?;
                let mut row = before.clone();
                apply(&mut row, valid);
                row.updated_at = now.as_millisecond();
                row.version = version.unwrap_or(before.version);
                if !customers::update(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let owned =
                    vehicles::of_owners(tx, std::slice::from_ref(&row.store_id), std::slice::from_ref(&row.id)).await?;
                let before_view = CustomerView::new(before, Vec::new());
                let view = CustomerView::new(row, owned);
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "customer",
                        entity_id: &view.id,
                        action: "update",
                        before: Some(&before_view),
                        after: Some(&CustomerView { vehicles: Vec::new(), ..view.clone() }),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}
