//! The insurers the store is agent for (admin): their covers with commission rates per period and the
//! words of the customer's cover explanation, and the document checklists (单证) per claim type.
//!
//! Setting these up is the store admin's work (the permission that manages the store's people,
//! `users_manage`); everyone with `insurance_read` sees them.

use claimdesk_domain::access::Permission;
use claimdesk_domain::insurance::{claim, policy};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::insurance::{self as store, DocumentTemplateRow, InsurerCoverRow, InsurerRow, ListFilter};
use claimdesk_store::{job, new_id};
use serde::{Deserialize, Serialize};

use super::{date_field, percent};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

/// The permission that sets up insurers, rates and checklists.
pub const ADMIN: Permission = Permission::UsersManage;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct InsurerInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub claim_phone: String,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub store_id: Option<String>,
}

fn yes() -> bool {
    true
}

fn check_insurer(input: &InsurerInput) -> Result<(), Violations> {
    let mut violations = Violations::new();
    for (field, value, max) in [("code", &input.code, 20), ("name", &input.name, 100)] {
        if value.trim().is_empty() {
            violations.push(Violation::new(field, "required"));
        } else if value.chars().count() > max {
            violations.push(Violation::new(field, "too_long").with("max", max));
        }
    }
    violations.finish(|| ())
}

/// An insurer with its covers and the checklists of the store.
#[derive(Debug, Clone, Serialize)]
pub struct InsurerDetail {
    pub insurer: InsurerRow,
    pub covers: Vec<InsurerCoverRow>,
}

pub async fn create(app: &App, actor: &Actor, input: InsurerInput) -> AppResult<InsurerRow> {
    let store_id = actor.target_store(ADMIN, input.store_id.as_deref())?;
    check_insurer(&input)?;
    let now = app.now_ms();
    let row = InsurerRow {
        id: new_id(),
        store_id,
        code: input.code.trim().to_string(),
        name: input.name.trim().to_string(),
        phone: input.phone.trim().to_string(),
        claim_phone: input.claim_phone.trim().to_string(),
        active: input.active,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                store::insert(tx, &row).await?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "insurer",
                        entity_id: &row.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(row)
            })
        }))
        .await
}

pub async fn update(app: &App, actor: &Actor, id: &str, input: InsurerInput) -> AppResult<InsurerRow> {
    check_insurer(&input)?;
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, id) = (actor.clone(), id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before: InsurerRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(ADMIN, &before.store_id)?;
                let mut row = before.clone();
                row.code = input.code.trim().to_string();
                row.name = input.name.trim().to_string();
                row.phone = input.phone.trim().to_string();
                row.claim_phone = input.claim_phone.trim().to_string();
                row.active = input.active;
                row.updated_at = now;
                if !store::update(tx, &row, &before.store_id, &id, before.version).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "insurer",
                        entity_id: &row.id,
                        action: "update",
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(row)
            })
        }))
        .await
}

/// A cover an insurer sells, with the commission rate from a date on.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CoverRateInput {
    pub cover: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub commission_percent: String,
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub claim_method: String,
    #[serde(default)]
    pub documents: String,
}

pub async fn add_cover(
    app: &App,
    actor: &Actor,
    insurer_id: &str,
    input: CoverRateInput,
) -> AppResult<InsurerCoverRow> {
    let mut violations = Violations::new();
    if !policy::COVERS.contains(&input.cover.trim()) {
        violations.push(Violation::new("cover", "unknown_value").with("detail", input.cover.trim()));
    }
    let rate = violations.check(percent("commission_percent", &input.commission_percent));
    let valid_from = violations.check(date_field("valid_from", &input.valid_from)).flatten();
    if input.valid_from.trim().is_empty() {
        violations.push(Violation::new("valid_from", "required"));
    }
    let valid_to = violations.check(date_field("valid_to", &input.valid_to)).flatten();
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        violations.push(Violation::new("valid_to", "date_before_start"));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, insurer_id) = (actor.clone(), insurer_id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let insurer: InsurerRow = store::get(tx, &scope, &insurer_id).await?.ok_or(AppError::NotFound)?;
                actor.require(ADMIN, &insurer.store_id)?;
                let cover = input.cover.trim().to_string();
                let row = InsurerCoverRow {
                    id: new_id(),
                    store_id: insurer.store_id.clone(),
                    insurer_id: insurer.id.clone(),
                    name: if input.name.trim().is_empty() { cover.clone() } else { input.name.trim().to_string() },
                    cover,
                    commission_percent: rate.expect("checked").to_string(),
                    valid_from: valid_from.expect("checked").to_string(),
                    valid_to: valid_to.map(|d| d.to_string()),
                    explanation: input.explanation.trim().to_string(),
                    claim_method: input.claim_method.trim().to_string(),
                    documents: input.documents.trim().to_string(),
                    created_at: now,
                };
                store::insert(tx, &row).await?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "insurer",
                        entity_id: &insurer.id,
                        action: "add_cover",
                        before: None::<&()>,
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(row)
            })
        }))
        .await
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<InsurerDetail> {
    let scope = actor.store_ids(Permission::InsuranceRead);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let insurer: InsurerRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                let covers =
                    store::children(tx, &insurer.store_id, "insurer_id", &insurer.id, "cover, valid_from").await?;
                Ok(InsurerDetail { insurer, covers })
            })
        }))
        .await
}

/// The insurers of the stores the actor sees (a store has a handful), by code.
pub async fn list(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<Vec<InsurerRow>> {
    actor.require_anywhere(Permission::InsuranceRead)?;
    let filter = ListFilter {
        stores: actor.store_ids_filtered(Permission::InsuranceRead, store_id),
        order: "code, id",
        limit: 1000,
        ..ListFilter::default()
    };
    let (rows, _) = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::list(tx, &filter, 1000).await?) })))
        .await?;
    Ok(rows)
}

/// The document checklist of a claim type, as the admin set it (one document per line).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChecklistInput {
    pub claim_type: String,
    pub documents: Vec<String>,
    #[serde(default)]
    pub store_id: Option<String>,
}

/// Replaces a claim type's checklist.
pub async fn set_checklist(app: &App, actor: &Actor, input: ChecklistInput) -> AppResult<Vec<DocumentTemplateRow>> {
    let store_id = actor.target_store(ADMIN, input.store_id.as_deref())?;
    let claim_type = input.claim_type.trim().to_string();
    if !claim::CLAIM_TYPES.contains(&claim_type.as_str()) {
        return Err(Violation::new("claim_type", "unknown_value").with("detail", claim_type).into());
    }
    let names: Vec<String> =
        input.documents.iter().map(|name| name.trim().to_string()).filter(|name| !name.is_empty()).collect();
    let now = app.now_ms();
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = checklist_rows(tx, &store_id, &claim_type).await?;
                let mut query =
                    claimdesk_store::query::Query::new("DELETE FROM claim_document_templates WHERE store_id = ");
                query.bind(&store_id).push(" AND claim_type = ").bind(&claim_type);
                claimdesk_store::query::execute(tx, &query).await?;
                let mut rows = Vec::new();
                for (position, name) in names.into_iter().enumerate() {
                    let row = DocumentTemplateRow {
                        id: new_id(),
                        store_id: store_id.clone(),
                        claim_type: claim_type.clone(),
                        position: position as i64,
                        name,
                        required: true,
                        created_at: now,
                    };
                    store::insert(tx, &row).await?;
                    rows.push(row);
                }
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "claim_checklist",
                        entity_id: &claim_type,
                        action: "set",
                        before: Some(&before),
                        after: Some(&rows),
                    },
                )
                .await?;
                Ok(rows)
            })
        }))
        .await
}

pub(crate) async fn checklist_rows(
    tx: &mut claimdesk_store::Tx,
    store_id: &str,
    claim_type: &str,
) -> AppResult<Vec<DocumentTemplateRow>> {
    Ok(store::children(tx, store_id, "claim_type", claim_type, "position").await?)
}

/// Every claim type's checklist in the actor's current store.
pub async fn checklists(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<Vec<DocumentTemplateRow>> {
    let store_id = actor.target_store(Permission::InsuranceRead, store_id)?;
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let mut all = Vec::new();
                for claim_type in claim::CLAIM_TYPES {
                    all.extend(checklist_rows(tx, &store_id, claim_type).await?);
                }
                Ok(all)
            })
        }))
        .await
}
