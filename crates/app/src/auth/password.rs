//! argon2id password hashes. Hashing is deliberately slow, so it runs off the async threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{AppError, AppResult};

pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| AppError::Internal(anyhow::anyhow!("password hash: {error}")))
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))?
}

pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok())
        .await
        .unwrap_or(false)
}

/// The rules a new password must meet.
pub(crate) fn check_new_password(password: &str) -> Result<(), claimdesk_domain::Violation> {
    let length = password.chars().count();
    if length < 8 {
        return Err(claimdesk_domain::Violation::new("password", "password_too_short").with("min", 8));
    }
    if length > 128 {
        return Err(claimdesk_domain::Violation::new("password", "too_long").with("max", 128));
    }
    Ok(())
}
