//! The follow-up desk's demo records (issue 7): in each store a consultation visit (咨询来访) with its
//! archive and first-call deadlines, and a free inspection week (免费检测周) a month ahead whose phone
//! notices target the customers seen in the last ten days, with an invitation letter after the call.
//! Made through the services, so the deadlines are the ones real use makes.

use claimdesk_app::follow_up::{self, ConsultationInput, EventInput};
use claimdesk_app::{App, AppError, clock};
use claimdesk_domain::access::Role;
use claimdesk_store::query::{self, Query};
use claimdesk_store::stores::StoreRow;
use claimdesk_store::users::UserRow;
use claimdesk_store::{args, job};
use jiff::ToSpan;

pub async fn load(app: &App, stores: &[StoreRow], users: &[UserRow]) -> anyhow::Result<()> {
    let error = |e: AppError| anyhow::anyhow!("{e}");
    for store in stores {
        let Some(store_ref) = crate::demo_claims::store_refs(std::slice::from_ref(store)).pop() else { continue };
        let Some(actor) = crate::demo_claims::staff_actor(users, &store_ref, "followup", &[Role::FollowUpAgent]) else {
            continue;
        };
        let today = clock::local_date(app.clock.now(), &store.time_zone);
        // The store's earliest customer came in today to ask about an extended warranty.
        let store_id = store.id.clone();
        let first: Option<(String,)> = app
            .db
            .read(job(move |tx| {
                Box::pin(async move {
                    let sql = "SELECT id FROM customers WHERE store_id = $1 ORDER BY id LIMIT 1";
                    query::fetch_optional(tx, &Query::with(sql, args![store_id])).await
                })
            }))
            .await?;
        if let Some((customer_id,)) = first {
            let visit =
                ConsultationInput {
                    visited_on: None, purpose: "咨询延保与保养套餐".into(), note: String::new()
                };
            follow_up::record_consultation(app, &actor, &customer_id, visit).await.map_err(error)?;
        }
        let event = EventInput {
            kind: "free_inspection_week".into(),
            title: "夏季空调免费检测周".into(),
            event_on: today.checked_add(30.days()).unwrap_or(today).to_string(),
            place: format!("{}售后车间", store.name),
            content: "空调系统、制动、轮胎免费检测，检测期间工时费八折。".into(),
            last_visit_from: Some(today.checked_sub(10.days()).unwrap_or(today).to_string()),
            letter_template: "invitation".into(),
            store_id: Some(store.id.clone()),
            ..EventInput::default()
        };
        follow_up::create_event(app, &actor, event).await.map_err(error)?;
    }
    Ok(())
}
