//! The filing deadline (W2): a repair order with warranty lines handed over must be claimed within the
//! manufacturer's filing window. The due item goes to the store's warranty clerk and closes when the claim
//! is submitted.

use claimdesk_domain::access::Role;
use claimdesk_store::repair_orders::{ItemRow, RepairOrderRow};
use claimdesk_store::warranty as store;
use claimdesk_store::{Tx, users, vehicles};

use super::claims::filing_due;
use super::settings_of;
use crate::clock;
use crate::error::AppResult;
use crate::worklist::{DueSpec, create_due};

/// The kind of the due item (the worklist words it as "提交索赔").
pub const DUE_KIND: &str = "claim_filing";

/// Called by the repair order's state change: on `hand_over` of an order with warranty lines, opens the
/// filing due item. Any other action does nothing.
pub async fn after_repair_order_transition(
    tx: &mut Tx,
    action: &str,
    order: &RepairOrderRow,
    items: &[ItemRow],
    time_zone: &str,
    now: i64,
) -> AppResult<()> {
    if action != "hand_over" || !items.iter().any(|item| item.payer == "warranty") {
        return Ok(());
    }
    let vehicle = vehicles::get(tx, std::slice::from_ref(&order.store_id), &order.vehicle_id).await?;
    let (brand, plate) = vehicle.map(|v| (v.brand, v.plate)).unwrap_or_default();
    let settings = settings_of(store::brand(tx, &brand).await?.as_ref());
    let handover = clock::local_date(clock::from_ms(order.handed_over_at.unwrap_or(now)), time_zone);
    let clerk = users::with_role(tx, &order.store_id, Role::WarrantyClerk.as_str()).await?.into_iter().next();
    create_due(
        tx,
        DueSpec {
            store_id: order.store_id.clone(),
            assignee_id: clerk.map(|user| user.id),
            kind: DUE_KIND.into(),
            rule: "W2".into(),
            subject_type: "repair_order".into(),
            subject_id: order.id.clone(),
            subject_label: format!("{} {}", order.number, plate).trim().to_string(),
            params: serde_json::json!({"repair_order": order.number}),
            window_from: None,
            due_on: filing_due(handover, settings.as_ref()),
            escalate_after_days: Some(2),
            escalate_to_role: Some(Role::Supervisor.as_str().into()),
        },
        now,
    )
    .await?;
    Ok(())
}
