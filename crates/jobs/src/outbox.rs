//! Sending the outbox. The log channel is the default; SMTP and HTTP gateways plug in as other channels.

use claimdesk_app::App;
use claimdesk_store::job;
use claimdesk_store::outbox::{self, OutboxRow};

/// Where messages go.
pub trait Channel: Send + Sync {
    fn name(&self) -> &'static str;
    fn send(&self, message: &OutboxRow) -> anyhow::Result<()>;
}

/// Writes each message to the log: the default until a gateway is configured.
pub struct LogChannel;

impl Channel for LogChannel {
    fn name(&self) -> &'static str {
        "log"
    }

    fn send(&self, message: &OutboxRow) -> anyhow::Result<()> {
        tracing::info!(to = %message.recipient, subject = %message.subject, body = %message.body, "notification");
        Ok(())
    }
}

const LEASE_MS: i64 = 5 * 60_000;
const MAX_ATTEMPTS: i64 = 5;

/// Leases pending messages, sends them, and marks each sent or failed.
pub async fn deliver_pending(app: &App, channel: &dyn Channel) -> anyhow::Result<usize> {
    let now = app.now_ms();
    let leased =
        app.db.write(job(move |tx| Box::pin(async move { outbox::lease(tx, now, LEASE_MS, 100).await }))).await?;
    let mut sent = 0;
    for message in leased {
        let result = channel.send(&message);
        let id = message.id.clone();
        let attempts = message.attempts + 1;
        let now = app.now_ms();
        app.db
            .write(job(move |tx| {
                Box::pin(async move {
                    match result {
                        Ok(()) => outbox::mark_sent(tx, &id, now).await,
                        Err(error) => outbox::mark_failed(tx, &id, &error.to_string(), attempts >= MAX_ATTEMPTS).await,
                    }
                })
            }))
            .await?;
        sent += 1;
    }
    Ok(sent)
}
