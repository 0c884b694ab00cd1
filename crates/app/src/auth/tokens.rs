//! API tokens: `Authorization: Bearer <token>`; stored hashed, revocable.

use claimdesk_store::{job, users};
use serde::Serialize;

use super::sessions::check_credentials;
use super::{load_actor, random_secret, secret_hash};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

/// A token as listed (the secret itself is shown once, at creation).
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Creates a token for the actor; answers the secret, which is never shown again.
pub async fn create_token(app: &App, actor: &Actor, name: &str) -> AppResult<(String, TokenInfo)> {
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(claimdesk_domain::Violation::new("name", "required").into());
    }
    let secret = format!("cd_{}", random_secret());
    let row = users::ApiTokenRow {
        id: claimdesk_store::new_id(),
        user_id: actor.user_id.clone(),
        name,
        token_hash: secret_hash(&secret),
        created_at: app.now_ms(),
        expires_at: None,
        last_used_at: None,
        revoked_at: None,
    };
    let info = TokenInfo { id: row.id.clone(), name: row.name.clone(), created_at: row.created_at, revoked_at: None };
    let actor = actor.clone();
    let logged = info.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                users::insert_token(tx, &row).await?;
                audit::record(
                    tx,
                    &actor,
                    row.created_at,
                    audit::Entry {
                        store_id: None,
                        entity: "api_token",
                        entity_id: &row.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&logged),
                    },
                )
                .await
            })
        }))
        .await?;
    Ok((secret, info))
}

/// `POST /api/v1/auth/token`: a token for a username and password.
pub async fn token_for_password(app: &App, username: &str, password: &str, remote: &str) -> AppResult<String> {
    let user_id = check_credentials(app, username, password, remote).await?;
    let actor = app.db.read(job(move |tx| Box::pin(async move { load_actor(tx, &user_id, None, None).await }))).await?;
    let (secret, _) = create_token(app, &actor, "api").await?;
    Ok(secret)
}

pub async fn token_actor(app: &App, secret: &str, store: Option<String>) -> AppResult<Actor> {
    let hash = secret_hash(secret);
    let now = app.now_ms();
    if let Some(actor) = app.actors.get(&hash, &store, now) {
        return Ok(actor);
    }
    let key = (hash.clone(), store.clone());
    let generation = app.actors.generation();
    let (actor, expires_at) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let token = users::token_by_hash(tx, &hash).await?.ok_or(AppError::Unauthenticated)?;
                if token.revoked_at.is_some() || token.expires_at.is_some_and(|at| at < now) {
                    return Err(AppError::Unauthenticated);
                }
                Ok((load_actor(tx, &token.user_id, store, None).await?, token.expires_at))
            })
        }))
        .await?;
    app.actors.put(generation, key.0, key.1, expires_at, actor.clone());
    Ok(actor)
}

pub async fn list_tokens(app: &App, actor: &Actor) -> AppResult<Vec<TokenInfo>> {
    let user_id = actor.user_id.clone();
    let rows = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(users::tokens_of(tx, &user_id).await?) })))
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| TokenInfo { id: row.id, name: row.name, created_at: row.created_at, revoked_at: row.revoked_at })
        .collect())
}

pub async fn revoke_token(app: &App, actor: &Actor, token_id: &str) -> AppResult<()> {
    let now = app.now_ms();
    let actor = actor.clone();
    let token_id = token_id.to_string();
    let result = app
        .db
        .write(job(move |tx| {
            Box::pin(async move {
                if !users::revoke_token(tx, &actor.user_id, &token_id, now).await? {
                    return Err(AppError::NotFound);
                }
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "api_token",
                        entity_id: &token_id,
                        action: "revoke",
                        before: None::<&()>,
                        after: None::<&()>,
                    },
                )
                .await
            })
        }))
        .await;
    // What this token may do changed: drop cached actors (see auth::ActorCache).
    app.actors.clear();
    result
}
