//! Attachments on any record that carries them (warranty claims, insurance claims, repair orders, …):
//! upload, list, read the bytes, remove. The owner decides the store and the permissions
//! ([`OwnerKind`]), so one service scopes every kind of record alike: a file of another store's record
//! answers "not found", exactly like a missing one.

use claimdesk_domain::attachment::{self, AttachmentKind, OwnerKind};
use claimdesk_store::attachments as store;
pub use claimdesk_store::attachments::AttachmentRow;
use claimdesk_store::{Tx, job, new_id};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

/// The record a file belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub kind: OwnerKind,
    pub id: String,
}

impl Owner {
    pub fn new(kind: OwnerKind, id: impl Into<String>) -> Owner {
        Owner { kind, id: id.into() }
    }
}

/// A file as the browser or the API client sent it.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub kind: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub note: String,
}

/// The owner's store, when the actor may see the owner; else not found.
async fn owner_store(tx: &mut Tx, actor: &Actor, owner: &Owner) -> AppResult<String> {
    let scope = actor.store_ids(owner.kind.read_permission());
    store::owner_store(tx, owner.kind.table(), &owner.id, &scope).await?.ok_or(AppError::NotFound)
}

/// Checks the file (type by content, size) and keeps it on the owner, with its audit record.
pub async fn upload(app: &App, actor: &Actor, owner: Owner, upload: Upload) -> AppResult<AttachmentRow> {
    let kind = AttachmentKind::parse(&upload.kind)?;
    let checked = attachment::check(&upload.file_name, &upload.bytes, app.settings.max_upload_bytes)?;
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let store_id = owner_store(tx, &actor, &owner).await?;
                actor.require(owner.kind.write_permission(), &store_id)?;
                let row = attach_in(tx, &actor, now, &store_id, &owner, kind, checked, upload).await?;
                Ok(row)
            })
        }))
        .await
}

/// Keeps a checked file on an owner inside the caller's write job (a service that creates a record with its
/// files at once). The caller has checked the actor's permission on the owner.
#[allow(clippy::too_many_arguments)]
pub async fn attach_in(
    tx: &mut Tx,
    actor: &Actor,
    now: i64,
    store_id: &str,
    owner: &Owner,
    kind: AttachmentKind,
    checked: attachment::CheckedFile,
    upload: Upload,
) -> AppResult<AttachmentRow> {
    let mime = checked.content_type.mime();
    store::put_blob(tx, store_id, &checked.hash, mime, upload.bytes, now).await?;
    let row = AttachmentRow {
        id: new_id(),
        store_id: store_id.to_string(),
        owner_kind: owner.kind.as_str().into(),
        owner_id: owner.id.clone(),
        kind: kind.as_str().into(),
        file_name: checked.file_name,
        hash: checked.hash,
        content_type: mime.into(),
        size: checked.size as i64,
        note: upload.note.trim().chars().take(500).collect(),
        created_by: actor.actor_id().map(str::to_string),
        created_at: now,
    };
    claimdesk_store::table::insert(tx, &row).await?;
    audit::record(
        tx,
        actor,
        now,
        audit::Entry {
            store_id: Some(store_id),
            entity: owner.kind.as_str(),
            entity_id: &owner.id,
            action: "attach",
            before: None::<&()>,
            after: Some(&row),
        },
    )
    .await?;
    Ok(row)
}

/// The files of a record, oldest first.
pub async fn list(app: &App, actor: &Actor, owner: Owner) -> AppResult<Vec<AttachmentRow>> {
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let store_id = owner_store(tx, &actor, &owner).await?;
                Ok(store::of_owner(tx, &store_id, owner.kind.as_str(), &owner.id).await?)
            })
        }))
        .await
}

/// The files of a record inside the caller's job (the mis-claim checks read them with the claim).
pub async fn of_owner_in(tx: &mut Tx, store_id: &str, owner: &Owner) -> AppResult<Vec<AttachmentRow>> {
    Ok(store::of_owner(tx, store_id, owner.kind.as_str(), &owner.id).await?)
}

/// Hashes of `hashes` already on other records of the store: (owner kind, owner id, hash).
pub async fn used_elsewhere_in(
    tx: &mut Tx,
    store_id: &str,
    owner: &Owner,
    hashes: &[String],
) -> AppResult<Vec<(String, String, String)>> {
    if hashes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(store::used_elsewhere(tx, store_id, owner.kind.as_str(), &owner.id, hashes).await?)
}

/// One file's record, when the actor may read its owner.
async fn visible(tx: &mut Tx, actor: &Actor, id: &str) -> AppResult<AttachmentRow> {
    let mut scope: Vec<String> = Vec::new();
    for kind in OwnerKind::ALL {
        for store in actor.store_ids(kind.read_permission()) {
            if !scope.contains(&store) {
                scope.push(store);
            }
        }
    }
    let row = store::get(tx, &scope, id).await?.ok_or(AppError::NotFound)?;
    let kind = OwnerKind::parse(&row.owner_kind).map_err(|_| AppError::NotFound)?;
    if !actor.can(kind.read_permission(), &row.store_id) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<AttachmentRow> {
    let (actor, id) = (actor.clone(), id.to_string());
    app.db.read(job(move |tx| Box::pin(async move { visible(tx, &actor, &id).await }))).await
}

/// The record and the bytes of one file.
pub async fn content(app: &App, actor: &Actor, id: &str) -> AppResult<(AttachmentRow, Vec<u8>)> {
    let (actor, id) = (actor.clone(), id.to_string());
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = visible(tx, &actor, &id).await?;
                let bytes = store::blob(tx, &row.store_id, &row.hash).await?.ok_or(AppError::NotFound)?;
                Ok((row, bytes))
            })
        }))
        .await
}

/// Takes a file off its record (the bytes stay: another record may use them, and the audit trail keeps
/// what was removed).
pub async fn remove(app: &App, actor: &Actor, id: &str) -> AppResult<AttachmentRow> {
    let (actor, id) = (actor.clone(), id.to_string());
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let row = visible(tx, &actor, &id).await?;
                let kind = OwnerKind::parse(&row.owner_kind).map_err(|_| AppError::NotFound)?;
                actor.require(kind.write_permission(), &row.store_id)?;
                if !store::delete(tx, &row.store_id, &row.id).await? {
                    return Err(AppError::NotFound);
                }
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: kind.as_str(),
                        entity_id: &row.owner_id,
                        action: "detach",
                        before: Some(&row),
                        after: None::<&()>,
                    },
                )
                .await?;
                Ok(row)
            })
        }))
        .await
}
