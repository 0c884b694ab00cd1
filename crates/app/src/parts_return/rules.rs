//! The manufacturer's parts-return rules per brand, kept by the group admin beside the warranty settings.

use claimdesk_domain::Violation;
use claimdesk_domain::access::Permission;
use claimdesk_domain::parts_return::ReturnRules;
use claimdesk_store::job;
use claimdesk_store::parts_return::{self as store, RulesRow};
use serde::Serialize;

use super::rules_of;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

#[derive(Debug, Clone, Serialize)]
pub struct RulesView {
    pub brand: String,
    /// False: nothing stored yet, the defaults apply.
    pub configured: bool,
    pub rules: ReturnRules,
    pub version: i64,
}

fn view(brand: String, row: Option<&RulesRow>) -> RulesView {
    RulesView { configured: row.is_some(), rules: rules_of(row), version: row.map(|r| r.version).unwrap_or(0), brand }
}

/// The rules of every brand with rules or sold by a store.
pub async fn list_rules(app: &App, actor: &Actor) -> AppResult<Vec<RulesView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let rows = store::all_rules(tx).await?;
                let mut names: Vec<String> = rows.iter().map(|row| row.brand.clone()).collect();
                for store_row in claimdesk_store::stores::list(tx).await? {
                    for brand in store_row.brands.split([',', '，', ' ']).map(str::trim).filter(|b| !b.is_empty()) {
                        if !names.iter().any(|name| name == brand) {
                            names.push(brand.to_string());
                        }
                    }
                }
                names.sort();
                Ok::<_, AppError>(
                    names
                        .into_iter()
                        .map(|brand| {
                            let row = rows.iter().find(|row| row.brand == brand);
                            view(brand, row)
                        })
                        .collect(),
                )
            })
        }))
        .await
}

pub async fn return_rules(app: &App, actor: &Actor, brand: &str) -> AppResult<RulesView> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let brand = brand.trim().to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::rules(tx, &brand).await?;
                Ok::<_, AppError>(view(brand, row.as_ref()))
            })
        }))
        .await
}

/// Saves a brand's return rules (group admin, like the warranty settings).
pub async fn save_rules(
    app: &App,
    actor: &Actor,
    brand: &str,
    rules: ReturnRules,
    expected_version: Option<i64>,
) -> AppResult<RulesView> {
    if !(actor.has_group_role() && actor.can_anywhere(Permission::WarrantySettings)) {
        return Err(AppError::Forbidden);
    }
    let brand = brand.trim().to_string();
    if brand.is_empty() {
        return Err(Violation::new("brand", "required").into());
    }
    let rules = rules.normalized();
    rules.validate()?;
    let json = serde_json::to_string(&rules).map_err(anyhow::Error::from)?;
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::rules(tx, &brand).await?;
                let mut row =
                    RulesRow { brand: brand.clone(), rules_json: json, created_at: now, updated_at: now, version: 1 };
                match &before {
                    None => store::insert_rules(tx, &row).await?,
                    Some(existing) => {
                        if expected_version.is_some_and(|v| v != existing.version) {
                            return Err(AppError::Conflict("stale_version"));
                        }
                        row.created_at = existing.created_at;
                        row.version = existing.version;
                        if !store::update_rules(tx, &row).await? {
                            return Err(AppError::Conflict("stale_version"));
                        }
                        row.version += 1;
                    }
                }
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "parts_return_rules",
                        entity_id: &brand,
                        action: if before.is_some() { "update" } else { "create" },
                        before: before.as_ref().map(|b| rules_of(Some(b))).as_ref(),
                        after: Some(&rules),
                    },
                )
                .await?;
                Ok::<_, AppError>(view(brand, Some(&row)))
            })
        }))
        .await
}
