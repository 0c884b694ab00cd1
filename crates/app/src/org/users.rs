//! Staff accounts and their roles. A store admin manages the people of their own stores; only a group admin
//! grants group-wide roles.

use claimdesk_domain::access::{Permission, Role};
use claimdesk_domain::org::{UserInput, validate_user};
use claimdesk_store::users::{self, GrantRow, UserRow};
use claimdesk_store::{job, new_id, sessions};
use serde::Serialize;

use crate::actor::Actor;
use crate::auth::hash_password;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

/// A user as pages and the API show them (never the hash).
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub locale: String,
    pub phone: String,
    pub active: bool,
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantView {
    pub id: String,
    pub store_id: Option<String>,
    pub role: String,
}

fn view(user: UserRow, grants: Vec<GrantRow>) -> UserView {
    UserView {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        locale: user.locale,
        phone: user.phone,
        active: user.active,
        grants: grants.into_iter().map(|g| GrantView { id: g.id, store_id: g.store_id, role: g.role }).collect(),
    }
}

/// Whether the actor may grant `role` in `store` (None: group-wide).
fn may_grant(actor: &Actor, store: Option<&str>, role: Role) -> bool {
    match store {
        None => actor.has_group_role() && actor.can_anywhere(Permission::StoresManage),
        Some(store) => actor.can(Permission::UsersManage, store) && !role.is_group_level(),
    }
}

pub async fn create(app: &App, actor: &Actor, input: UserInput) -> AppResult<UserView> {
    actor.require_anywhere(Permission::UsersManage)?;
    let valid = validate_user(&input, true)?;
    for (store, role) in &valid.grants {
        if store.as_deref().is_some_and(|id| actor.store(id).is_none()) {
            return Err(claimdesk_domain::Violation::new("grants", "store_unknown").into());
        }
        if !may_grant(actor, store.as_deref(), *role) {
            return Err(AppError::Forbidden);
        }
    }
    let hash = hash_password(input.password.clone()).await?;
    let now = app.now_ms();
    let user = UserRow {
        id: new_id(),
        username: valid.username,
        display_name: valid.display_name,
        password_hash: hash,
        locale: valid.locale,
        phone: valid.phone,
        active: true,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let grants: Vec<GrantRow> = valid
        .grants
        .into_iter()
        .map(|(store_id, role)| GrantRow {
            id: new_id(),
            user_id: user.id.clone(),
            store_id,
            role: role.as_str().to_string(),
            created_at: now,
        })
        .collect();
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                users::insert(tx, &user).await?;
                for grant in &grants {
                    users::insert_grant(tx, grant).await?;
                }
                let shown = view(user.clone(), grants.clone());
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "user",
                        entity_id: &shown.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&shown),
                    },
                )
                .await?;
                for grant in &grants {
                    if let Some(store) = &grant.store_id {
                        audit::record(
                            tx,
                            &actor,
                            now,
                            audit::Entry {
                                store_id: Some(store),
                                entity: "user_role",
                                entity_id: &grant.id,
                                action: "grant",
                                before: None::<&()>,
                                after: Some(&grant.role),
                            },
                        )
                        .await?;
                    }
                }
                Ok(shown)
            })
        }))
        .await
}

/// The users the actor may see: everyone for a group role, else the people of the actor's admin stores.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<UserView>> {
    actor.require_anywhere(Permission::UsersManage)?;
    let scope = actor.store_ids(Permission::UsersManage);
    let group = actor.has_group_role();
    let (rows, grants) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move { Ok::<_, AppError>((users::list(tx).await?, users::all_grants(tx).await?)) })
        }))
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|user| {
            let own: Vec<GrantRow> = grants.iter().filter(|g| g.user_id == user.id).cloned().collect();
            let visible = group || own.iter().any(|g| g.store_id.as_ref().is_some_and(|s| scope.contains(s)));
            visible.then(|| view(user, own))
        })
        .collect())
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<UserView> {
    list(app, actor).await?.into_iter().find(|user| user.id == id).ok_or(AppError::NotFound)
}

/// Changes name, phone, language or the active flag; an admin may also set a new password, which ends the
/// user's sessions.
pub async fn update(app: &App, actor: &Actor, id: &str, input: UserInput, active: bool) -> AppResult<UserView> {
    let before = get(app, actor, id).await?;
    let valid =
        validate_user(&UserInput { username: before.username.clone(), grants: Vec::new(), ..input.clone() }, false)?;
    let new_hash = if input.password.is_empty() { None } else { Some(hash_password(input.password.clone()).await?) };
    let now = app.now_ms();
    let actor = actor.clone();
    let id = id.to_string();
    let result = app
        .db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut user = users::get(tx, &id).await?.ok_or(AppError::NotFound)?;
                user.display_name = valid.display_name;
                user.locale = valid.locale;
                user.phone = valid.phone;
                user.active = active;
                user.updated_at = now;
                if let Some(hash) = new_hash {
                    user.password_hash = hash;
                    user.password_changed_at = now;
                    sessions::revoke_all_of(tx, &id, None, now).await?;
                }
                users::update(tx, &user).await?;
                let after = view(user, users::grants(tx, &id).await?);
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "user",
                        entity_id: &id,
                        action: "update",
                        before: Some(&before),
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(after)
            })
        }))
        .await;
    // What this token may do changed: drop cached actors (see auth::ActorCache).
    app.actors.clear();
    result
}

pub async fn grant(app: &App, actor: &Actor, user_id: &str, store_id: Option<&str>, role: &str) -> AppResult<UserView> {
    let role_value = Role::parse(role)
        .ok_or_else(|| claimdesk_domain::Violation::new("role", "unknown_value").with("detail", role))?;
    let store_id = store_id.filter(|id| !id.is_empty()).map(str::to_string);
    if role_value.is_group_level() != store_id.is_none() {
        return Err(claimdesk_domain::Violation::new("store_id", "grant_scope").into());
    }
    if store_id.as_deref().is_some_and(|id| actor.store(id).is_none()) {
        return Err(AppError::NotFound);
    }
    if !may_grant(actor, store_id.as_deref(), role_value) {
        return Err(AppError::Forbidden);
    }
    get(app, actor, user_id).await?;
    let now = app.now_ms();
    let row =
        GrantRow { id: new_id(), user_id: user_id.to_string(), store_id, role: role.to_string(), created_at: now };
    let actor_clone = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                users::insert_grant(tx, &row).await?;
                audit::record(
                    tx,
                    &actor_clone,
                    now,
                    audit::Entry {
                        store_id: row.store_id.as_deref(),
                        entity: "user_role",
                        entity_id: &row.id,
                        action: "grant",
                        before: None::<&()>,
                        after: Some(&row.role),
                    },
                )
                .await
            })
        }))
        .await?;
    // What this token may do changed: drop cached actors (see auth::ActorCache).
    app.actors.clear();
    get(app, actor, user_id).await
}

pub async fn revoke(app: &App, actor: &Actor, user_id: &str, grant_id: &str) -> AppResult<UserView> {
    let user = get(app, actor, user_id).await?;
    let grant = user.grants.iter().find(|g| g.id == grant_id).cloned().ok_or(AppError::NotFound)?;
    let role = Role::parse(&grant.role).ok_or(AppError::NotFound)?;
    if !may_grant(actor, grant.store_id.as_deref(), role) {
        return Err(AppError::Forbidden);
    }
    let now = app.now_ms();
    let actor_clone = actor.clone();
    let grant_id = grant_id.to_string();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                users::delete_grant(tx, &grant_id).await?;
                audit::record(
                    tx,
                    &actor_clone,
                    now,
                    audit::Entry {
                        store_id: grant.store_id.as_deref(),
                        entity: "user_role",
                        entity_id: &grant_id,
                        action: "revoke",
                        before: Some(&grant.role),
                        after: None::<&()>,
                    },
                )
                .await
            })
        }))
        .await?;
    // What this token may do changed: drop cached actors (see auth::ActorCache).
    app.actors.clear();
    get(app, actor, user_id).await
}

/// The people of a store, for assigning work (any role may see who works in their store).
pub async fn staff_of(app: &App, actor: &Actor, store_id: &str) -> AppResult<Vec<(String, String)>> {
    if actor.store(store_id).is_none() {
        return Err(AppError::NotFound);
    }
    let store_id = store_id.to_string();
    let rows = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(users::list_in_store(tx, &store_id).await?) })))
        .await?;
    Ok(rows.into_iter().filter(|u| u.active).map(|u| (u.id, u.display_name)).collect())
}
