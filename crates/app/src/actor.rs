//! Who is acting: the user, their role grants and the stores they reach. Every query is scoped through
//! here, so a record of another store reads exactly like a missing one.

use claimdesk_domain::access::{self, Permission, Role, RoleGrant, StoreScope};
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// A store as the actor sees it in menus and filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreRef {
    pub id: String,
    pub code: String,
    pub name: String,
    pub time_zone: String,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub locale: String,
    pub grants: Vec<RoleGrant>,
    /// Every store any grant reaches (all stores for a group role).
    pub stores: Vec<StoreRef>,
    /// The store new records go to and lists default to.
    pub current_store: Option<String>,
    /// The login session behind a browser request (none for API tokens and the CLI).
    pub session_id: Option<String>,
}

impl Actor {
    /// The system itself (scheduler, CLI), with every permission in every store.
    pub fn system(stores: Vec<StoreRef>) -> Actor {
        Actor {
            user_id: String::new(),
            username: "system".into(),
            display_name: "system".into(),
            locale: "zh-CN".into(),
            grants: vec![RoleGrant { store_id: None, role: Role::GroupAdmin }],
            current_store: stores.first().map(|store| store.id.clone()),
            stores,
            session_id: None,
        }
    }

    pub fn is_system(&self) -> bool {
        self.user_id.is_empty()
    }

    pub fn actor_id(&self) -> Option<&str> {
        if self.is_system() { None } else { Some(&self.user_id) }
    }

    pub fn can(&self, permission: Permission, store_id: &str) -> bool {
        access::allowed(&self.grants, permission, store_id)
    }

    pub fn can_anywhere(&self, permission: Permission) -> bool {
        access::allowed_anywhere(&self.grants, permission)
    }

    pub fn has_group_role(&self) -> bool {
        self.grants.iter().any(|grant| grant.store_id.is_none())
    }

    /// The ids of the stores where `permission` holds: the scope of every list and lookup.
    pub fn store_ids(&self, permission: Permission) -> Vec<String> {
        match access::scope_for(&self.grants, permission) {
            StoreScope::All => self.stores.iter().map(|store| store.id.clone()).collect(),
            StoreScope::Only(ids) => ids,
        }
    }

    /// Scope narrowed to one store when a filter asks for it (and the actor reaches it).
    pub fn store_ids_filtered(&self, permission: Permission, only: Option<&str>) -> Vec<String> {
        let all = self.store_ids(permission);
        match only.filter(|id| !id.is_empty()) {
            Some(id) => all.into_iter().filter(|store| store == id).collect(),
            None => all,
        }
    }

    /// 403 unless the permission holds in the store.
    pub fn require(&self, permission: Permission, store_id: &str) -> AppResult<()> {
        if self.can(permission, store_id) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn require_anywhere(&self, permission: Permission) -> AppResult<()> {
        if self.can_anywhere(permission) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// The store a new record goes to: the one asked for, else the current store, else the only store where
    /// the actor may do this. 403 when the actor may not create there.
    pub fn target_store(&self, permission: Permission, asked: Option<&str>) -> AppResult<String> {
        let asked = asked.filter(|id| !id.is_empty());
        let candidate = asked
            .map(str::to_string)
            .or_else(|| self.current_store.clone().filter(|id| self.can(permission, id)))
            .or_else(|| self.store_ids(permission).into_iter().next());
        match candidate {
            Some(id) if self.can(permission, &id) && self.stores.iter().any(|store| store.id == id) => Ok(id),
            Some(_) if asked.is_some() => Err(AppError::Forbidden),
            _ => Err(AppError::Forbidden),
        }
    }

    pub fn store(&self, store_id: &str) -> Option<&StoreRef> {
        self.stores.iter().find(|store| store.id == store_id)
    }

    /// The time zone of a store the actor reaches (Asia/Shanghai when unknown).
    pub fn time_zone(&self, store_id: &str) -> &str {
        self.store(store_id).map(|store| store.time_zone.as_str()).unwrap_or("Asia/Shanghai")
    }

    /// The current store's time zone, for pages that show one date for the actor.
    pub fn home_time_zone(&self) -> &str {
        self.current_store.as_deref().map(|id| self.time_zone(id)).unwrap_or("Asia/Shanghai")
    }

    pub fn roles_in(&self, store_id: &str) -> Vec<Role> {
        self.grants
            .iter()
            .filter(|grant| grant.store_id.as_deref().is_none_or(|id| id == store_id))
            .map(|grant| grant.role)
            .collect()
    }
}
