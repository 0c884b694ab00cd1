//! Browser sessions: a random cookie value, its hash stored in `sessions`, with a CSRF token per session.

use claimdesk_store::{job, sessions, users};

use super::password::check_new_password;
use super::{hash_password, load_actor, random_secret, secret_hash, verify_password};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

pub struct LoginOutcome {
    /// The cookie value; only its hash is stored.
    pub session_token: String,
    pub csrf_token: String,
    pub actor: Actor,
}

/// Checks the password and refuses further tries after too many recent failures for the username.
pub(crate) async fn check_credentials(app: &App, username: &str, password: &str, remote: &str) -> AppResult<String> {
    let username = username.trim().to_string();
    let now = app.now_ms();
    let since = now - app.settings.throttle_window_minutes * 60_000;
    let max_failed = app.settings.max_failed_logins;
    let name = username.clone();
    let (failures, user) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let failures = users::recent_failures(tx, &name, since).await?;
                let user = users::by_username(tx, &name).await?;
                Ok::<_, AppError>((failures, user))
            })
        }))
        .await?;
    if failures >= max_failed {
        return Err(AppError::Throttled);
    }
    let verified = match &user {
        Some(user) if user.active => verify_password(password.to_string(), user.password_hash.clone()).await,
        _ => {
            // Spend the same time on unknown names, so response times do not reveal which exist.
            let _ = verify_password(password.to_string(), DUMMY_HASH.to_string()).await;
            false
        }
    };
    let remote = remote.to_string();
    let attempt_name = username.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                users::record_login_attempt(tx, &claimdesk_store::new_id(), &attempt_name, &remote, now, verified)
                    .await?;
                Ok::<_, AppError>(())
            })
        }))
        .await?;
    match (verified, user) {
        (true, Some(user)) => Ok(user.id),
        _ => Err(AppError::Unauthenticated),
    }
}

/// An argon2id hash of a random string, verified against when the username does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5Zw0sJjE0b8zvYGJ0Ck2cV6u3l8ZQ1lq1Jm1Ck3b2mE";

pub async fn login(app: &App, username: &str, password: &str, remote: &str) -> AppResult<LoginOutcome> {
    let user_id = check_credentials(app, username, password, remote).await?;
    let session_token = random_secret();
    let csrf_token = random_secret();
    let now = app.now_ms();
    let row = sessions::SessionRow {
        id: secret_hash(&session_token),
        user_id: user_id.clone(),
        csrf_token: csrf_token.clone(),
        store_id: None,
        created_at: now,
        expires_at: now + app.settings.session_minutes * 60_000,
        revoked_at: None,
    };
    let actor = app
        .db
        .write(job(move |tx| {
            Box::pin(async move {
                sessions::insert(tx, &row).await?;
                load_actor(tx, &user_id, None, Some(row.id.clone())).await
            })
        }))
        .await?;
    Ok(LoginOutcome { session_token, csrf_token, actor })
}

/// The actor behind a session cookie, with the session's CSRF token.
pub async fn session_actor(app: &App, session_token: &str) -> AppResult<(Actor, String)> {
    let id = secret_hash(session_token);
    let now = app.now_ms();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let session = sessions::get(tx, &id).await?.ok_or(AppError::Unauthenticated)?;
                if session.revoked_at.is_some() || session.expires_at < now {
                    return Err(AppError::Unauthenticated);
                }
                let actor =
                    load_actor(tx, &session.user_id, session.store_id.clone(), Some(session.id.clone())).await?;
                Ok((actor, session.csrf_token))
            })
        }))
        .await
}

pub async fn logout(app: &App, session_token: &str) -> AppResult<()> {
    let id = secret_hash(session_token);
    let now = app.now_ms();
    app.db.write(job(move |tx| Box::pin(async move { Ok::<_, AppError>(sessions::revoke(tx, &id, now).await?) }))).await
}

/// Remembers which store the person is working in.
pub async fn switch_store(app: &App, actor: &Actor, store_id: &str) -> AppResult<()> {
    if actor.store(store_id).is_none() {
        return Err(AppError::NotFound);
    }
    let session_id = actor.session_id.clone().ok_or(AppError::Forbidden)?;
    let store_id = store_id.to_string();
    app.db
        .write(job(move |tx| {
            Box::pin(async move { Ok::<_, AppError>(sessions::set_store(tx, &session_id, Some(&store_id)).await?) })
        }))
        .await
}

/// Changes one's own password; every other session of the user ends.
pub async fn change_password(app: &App, actor: &Actor, current: &str, new: &str) -> AppResult<()> {
    check_new_password(new)?;
    let stored = {
        let user_id = actor.user_id.clone();
        app.db
            .read(job(move |tx| Box::pin(async move { users::get(tx, &user_id).await?.ok_or(AppError::NotFound) })))
            .await?
    };
    if !verify_password(current.to_string(), stored.password_hash.clone()).await {
        return Err(claimdesk_domain::Violation::new("current_password", "password_wrong").into());
    }
    let hash = hash_password(new.to_string()).await?;
    let now = app.now_ms();
    let actor = actor.clone();
    let result = app
        .db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut user = users::get(tx, &actor.user_id).await?.ok_or(AppError::NotFound)?;
                user.password_hash = hash;
                user.password_changed_at = now;
                user.updated_at = now;
                users::update(tx, &user).await?;
                sessions::revoke_all_of(tx, &actor.user_id, actor.session_id.as_deref(), now).await?;
                let note = serde_json::json!({"password": "changed"});
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "user",
                        entity_id: &actor.user_id,
                        action: "change_password",
                        before: None::<&()>,
                        after: Some(&note),
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
