//! The scheduler inside `serve`: it escalates overdue due items, proposes each parts-return cycle's
//! shipment, reminds people of items due today, and sends the outbox. Every step claims its rows in the database, so several app servers can run it at once.

mod outbox;

pub use outbox::{Channel, LogChannel, deliver_pending};

use claimdesk_app::App;
use claimdesk_app::follow_up;
use claimdesk_app::worklist::{escalate_overdue, send_reminders};
use std::time::Duration;

/// How often the scheduler wakes.
pub const TICK: Duration = Duration::from_secs(60);

/// One pass of every job; answers what it did.
pub async fn run_once(app: &App, channel: &dyn Channel) -> anyhow::Result<(usize, usize, usize)> {
    // Another app server may have loaded a holiday notice: pick it up before computing deadlines.
    claimdesk_app::calendar::load(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let escalated = escalate_overdue(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // Complaints whose escalation item just went up say so on their own record (F4).
    follow_up::sync_escalations(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    follow_up::month_end_items(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // Quality repairs open more than 5 days owe a spare car from day 6 (三包 Art 21); each is checked once.
    claimdesk_app::sanbao::repairs::spare_car_pass(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // Each return cycle's shipment is proposed on its day (W3), before the reminders so its due item reminds.
    let proposed = claimdesk_app::parts_return::propose_due_shipments(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if proposed > 0 {
        tracing::info!(proposed, "return shipments proposed");
    }
    let reminded = send_reminders(app).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let sent = deliver_pending(app, channel).await?;
    Ok((escalated, reminded, sent))
}

/// Runs forever (until the task is dropped), logging failures and carrying on.
pub async fn run(app: App, channel: Box<dyn Channel>) {
    let mut interval = tokio::time::interval(TICK);
    loop {
        interval.tick().await;
        match run_once(&app, channel.as_ref()).await {
            Ok((0, 0, 0)) => {}
            Ok((escalated, reminded, sent)) => tracing::info!(escalated, reminded, sent, "scheduler pass"),
            Err(error) => tracing::warn!(%error, "scheduler pass failed"),
        }
    }
}
