//! Reading customers: one record with its vehicles and visits, and the searchable list.

use claimdesk_domain::access::Permission;
use claimdesk_store::customers::{self, CustomerSort, ListFilter, Search};
use claimdesk_store::{job, repair_orders, vehicles};
use serde::{Deserialize, Serialize};

use super::CustomerView;
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::repair_orders::RepairOrderView;

#[derive(Debug, Clone, Serialize)]
pub struct CustomerDetail {
    pub customer: CustomerView,
    /// The visits of the customer's vehicles, newest first.
    pub repair_orders: Vec<RepairOrderView>,
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<CustomerDetail> {
    let scope = actor.store_ids(Permission::CustomersRead);
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = customers::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let owned =
                    vehicles::of_owners(tx, std::slice::from_ref(&row.store_id), std::slice::from_ref(&row.id)).await?;
                let mut visits = Vec::new();
                for vehicle in &owned {
                    visits.extend(repair_orders::of_vehicle(tx, &row.store_id, &vehicle.id).await?);
                }
                visits.sort_by_key(|visit| std::cmp::Reverse(visit.checked_in_at));
                let zone = actor.time_zone(&row.store_id).to_string();
                let visits = visits.into_iter().map(|visit| RepairOrderView::new(visit, Vec::new(), &zone)).collect();
                Ok(CustomerDetail { customer: CustomerView::new(row, owned), repair_orders: visits })
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomerListQuery {
    /// Name, phone, plate or VIN prefix.
    pub q: Option<String>,
    pub store_id: Option<String>,
    pub follow_up_user_id: Option<String>,
    /// `newest` (default) or `name`, for the list without a search; a search lists in the order of the
    /// value that matched (names, mobiles, plates or VINs).
    pub sort: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(app: &App, actor: &Actor, query: CustomerListQuery) -> AppResult<Page<CustomerView>> {
    actor.require_anywhere(Permission::CustomersRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let stores = actor.store_ids_filtered(Permission::CustomersRead, query.store_id.as_deref());
    let filter = ListFilter {
        stores: stores.clone(),
        search: Search::classify(query.q.as_deref().unwrap_or("")),
        follow_up_user_id: query.follow_up_user_id.filter(|id| !id.is_empty()),
        sort: if query.sort.as_deref() == Some("name") { CustomerSort::Name } else { CustomerSort::Newest },
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, vehicles, total) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = customers::list(tx, &filter, cap).await?;
                let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
                let vehicles = vehicles::of_owners(tx, &stores, &ids).await?;
                Ok::<_, AppError>((rows, vehicles, total))
            })
        }))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let owned = vehicles.iter().filter(|v| v.owner_id.as_deref() == Some(&row.id)).cloned().collect();
            CustomerView::new(row, owned)
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}
