//! The one error type of the services. The web layer maps each variant to a status and the envelope of
//! DESIGN.md's Contracts.

use claimdesk_domain::{Violation, Violations};
use claimdesk_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 422: the input breaks rules; every problem is listed with its field.
    #[error("invalid input: {0}")]
    Invalid(Violations),
    /// 401: no valid login or token.
    #[error("not authenticated")]
    Unauthenticated,
    /// 403: logged in, but the role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// 404: missing, or in a store the actor cannot see (the two answer the same).
    #[error("not found")]
    NotFound,
    /// 409: an illegal state change or a stale version.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// 429: too many failed logins.
    #[error("too many attempts")]
    Throttled,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(violation: Violation) -> AppError {
        AppError::Invalid(Violations::from(violation))
    }

    /// Moves field violations under a parent field, for a part of a nested form: a VIN already registered
    /// while creating a customer with a vehicle lands on `vehicle.vin`, the field the person typed.
    pub fn nested(self, parent: &str) -> AppError {
        match self {
            AppError::Invalid(violations) => {
                let mut nested = Violations::new();
                nested.extend_nested(parent, violations);
                AppError::Invalid(nested)
            }
            other => other,
        }
    }
}

impl From<Violations> for AppError {
    fn from(violations: Violations) -> Self {
        AppError::Invalid(violations)
    }
}

impl From<Violation> for AppError {
    fn from(violation: Violation) -> Self {
        AppError::invalid(violation)
    }
}

/// Unique constraints become a violation on the field a person typed, so "VIN already registered" lands on
/// the VIN field. Constraint names (PostgreSQL) and column lists (SQLite) both map here.
const UNIQUE_FIELDS: &[(&str, &str, &str)] = &[
    ("vehicles_store_vin_key", "vin", "vin_taken"),
    ("vehicles.store_id+vehicles.vin", "vin", "vin_taken"),
    ("stores_code_key", "code", "store_code_taken"),
    ("stores.code", "code", "store_code_taken"),
    ("users_username_key", "username", "username_taken"),
    ("users.username", "username", "username_taken"),
    ("user_roles_key", "role", "role_already_granted"),
    ("user_roles.user_id+user_roles.store_id+user_roles.role", "role", "role_already_granted"),
];

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unique(name) => match UNIQUE_FIELDS.iter().find(|(constraint, _, _)| *constraint == name) {
                Some((_, field, code)) => AppError::invalid(Violation::new(*field, code)),
                None => AppError::Conflict("duplicate"),
            },
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}
