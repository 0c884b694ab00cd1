//! F7 stand-ins (代理人/代班): the supervisor names who covers an absent person's follow-up work, from–to;
//! the stand-in's worklist then shows the absent person's items (`worklist::my_worklist`).

use claimdesk_domain::access::Permission;
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::follow_up::{self as store, StandInRow};
use claimdesk_store::{job, new_id, users};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StandInInput {
    pub absent_user_id: String,
    pub stand_in_user_id: String,
    pub from_on: String,
    pub to_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub store_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StandInView {
    #[serde(flatten)]
    pub stand_in: StandInRow,
    pub absent_name: String,
    pub stand_in_name: String,
}

pub async fn assign_stand_in(app: &App, actor: &Actor, input: StandInInput) -> AppResult<StandInView> {
    let store_id = actor.target_store(Permission::FollowUpSupervise, input.store_id.as_deref())?;
    let (now, actor) = (app.now_ms(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                actor.require(Permission::FollowUpSupervise, &store_id)?;
                let staff = users::list_in_store(tx, &store_id).await?;
                let name = |id: &str| staff.iter().find(|u| u.id == id && u.active).map(|u| u.display_name.clone());
                let mut violations = Violations::new();
                let absent = name(&input.absent_user_id);
                let stand_in = name(&input.stand_in_user_id);
                if absent.is_none() {
                    violations.push(Violation::new("absent_user_id", "required"));
                }
                if stand_in.is_none() {
                    violations.push(Violation::new("stand_in_user_id", "required"));
                } else if input.stand_in_user_id == input.absent_user_id {
                    violations.push(Violation::new("stand_in_user_id", "stand_in_self"));
                }
                let mut dates = Vec::new();
                for (field, text) in [("from_on", &input.from_on), ("to_on", &input.to_on)] {
                    match text.trim().parse::<Date>() {
                        Ok(date) => dates.push(date),
                        Err(_) => violations.push(Violation::new(field, "date_format").with("found", text.as_str())),
                    }
                }
                if let [from, to] = dates[..]
                    && to < from
                {
                    violations.push(
                        Violation::new("to_on", "date_order")
                            .with("earliest", from)
                            .with("after_field", "from_on")
                            .with("found", to),
                    );
                }
                if !violations.is_empty() {
                    return Err(violations.into());
                }
                let row = StandInRow {
                    id: new_id(),
                    store_id: store_id.clone(),
                    absent_user_id: input.absent_user_id.clone(),
                    stand_in_user_id: input.stand_in_user_id.clone(),
                    from_on: dates[0].to_string(),
                    to_on: dates[1].to_string(),
                    reason: input.reason.trim().to_string(),
                    created_by: actor.actor_id().map(str::to_string),
                    created_at: now,
                    revoked_at: None,
                };
                store::insert_stand_in(tx, &row).await?;
                let view = StandInView {
                    stand_in: row,
                    absent_name: absent.unwrap_or_default(),
                    stand_in_name: stand_in.unwrap_or_default(),
                };
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "stand_in",
                        entity_id: &view.stand_in.id,
                        action: "assign",
                        before: None::<&()>,
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

pub async fn revoke_stand_in(app: &App, actor: &Actor, id: &str) -> AppResult<()> {
    let scope = actor.store_ids(Permission::FollowUpRead);
    let (id, now, actor) = (id.to_string(), app.now_ms(), actor.clone());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_stand_in(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::FollowUpSupervise, &before.store_id)?;
                if !store::revoke_stand_in(tx, &before.store_id, &id, now).await? {
                    return Err(AppError::Conflict("not_open"));
                }
                let after = StandInRow { revoked_at: Some(now), ..before.clone() };
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&before.store_id),
                        entity: "stand_in",
                        entity_id: &id,
                        action: "revoke",
                        before: Some(&before),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(())
            })
        }))
        .await
}

pub async fn list_stand_ins(app: &App, actor: &Actor) -> AppResult<Vec<StandInView>> {
    actor.require_anywhere(Permission::FollowUpRead)?;
    let scope = actor.store_ids(Permission::FollowUpRead);
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let names: std::collections::HashMap<String, String> =
                    users::list(tx).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
                let rows = store::stand_ins(tx, &scope).await?;
                Ok::<_, AppError>(
                    rows.into_iter()
                        .map(|row| StandInView {
                            absent_name: names.get(&row.absent_user_id).cloned().unwrap_or_default(),
                            stand_in_name: names.get(&row.stand_in_user_id).cloned().unwrap_or_default(),
                            stand_in: row,
                        })
                        .collect(),
                )
            })
        }))
        .await
}
