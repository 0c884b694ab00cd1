//! Logins, sessions and API tokens.

mod cache;
mod password;
mod sessions;
mod tokens;

pub use cache::ActorCache;
pub use password::{hash_password, verify_password};
pub use sessions::{LoginOutcome, change_password, login, logout, session_actor, switch_store};
pub use tokens::{create_token, list_tokens, revoke_token, token_actor, token_for_password};

use claimdesk_domain::access::{Role, RoleGrant};
use claimdesk_store::{Tx, stores, users};
use sha2::{Digest, Sha256};

use crate::actor::{Actor, StoreRef};
use crate::error::{AppError, AppResult};

/// A fresh random secret, hex encoded (256 bits).
pub(crate) fn random_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Secrets are stored only as their SHA-256, so a copy of the database logs no one in.
pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Loads a user's grants and the stores they reach.
pub(crate) async fn load_actor(
    tx: &mut Tx,
    user_id: &str,
    current_store: Option<String>,
    session_id: Option<String>,
) -> AppResult<Actor> {
    let user = users::get(tx, user_id).await?.ok_or(AppError::Unauthenticated)?;
    if !user.active {
        return Err(AppError::Unauthenticated);
    }
    let grants: Vec<RoleGrant> = users::grants(tx, user_id)
        .await?
        .into_iter()
        .filter_map(|grant| Role::parse(&grant.role).map(|role| RoleGrant { store_id: grant.store_id, role }))
        .collect();
    let group_wide = grants.iter().any(|grant| grant.store_id.is_none());
    let stores: Vec<StoreRef> = stores::list(tx)
        .await?
        .into_iter()
        .filter(|store| group_wide || grants.iter().any(|grant| grant.store_id.as_deref() == Some(&store.id)))
        .map(|store| StoreRef { id: store.id, code: store.code, name: store.name, time_zone: store.time_zone })
        .collect();
    let current_store = current_store
        .filter(|id| stores.iter().any(|store| &store.id == id))
        .or_else(|| grants.iter().find_map(|grant| grant.store_id.clone()))
        .or_else(|| stores.first().map(|store| store.id.clone()));
    Ok(Actor {
        user_id: user.id,
        username: user.username,
        display_name: user.display_name,
        locale: user.locale,
        grants,
        stores,
        current_store,
        session_id,
    })
}
