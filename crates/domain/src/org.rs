//! Stores and staff: what an admin may enter.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::violation::{Violation, Violations};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StoreInput {
    pub code: String,
    pub name: String,
    /// Brands served, comma or 、 separated.
    pub brands: String,
    pub time_zone: String,
    pub address: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidStore {
    pub code: String,
    pub name: String,
    pub brands: Vec<String>,
    pub time_zone: String,
    pub address: String,
    pub phone: String,
}

pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// `known_zone` answers whether a time-zone name exists (the caller owns the zone database).
pub fn validate_store(input: &StoreInput, known_zone: impl Fn(&str) -> bool) -> Result<ValidStore, Violations> {
    let mut violations = Violations::new();
    let code = input.code.trim().to_uppercase();
    if code.is_empty() {
        violations.push(Violation::new("code", "required"));
    } else if !(2..=20).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        violations.push(Violation::new("code", "store_code_format").with("found", &code));
    }
    let name = input.name.trim().to_string();
    if name.is_empty() {
        violations.push(Violation::new("name", "required"));
    } else if name.chars().count() > 100 {
        violations.push(Violation::new("name", "too_long").with("max", 100));
    }
    let time_zone = match input.time_zone.trim() {
        "" => DEFAULT_TIME_ZONE.to_string(),
        zone if known_zone(zone) => zone.to_string(),
        zone => {
            violations.push(Violation::new("time_zone", "time_zone_unknown").with("found", zone));
            String::new()
        }
    };
    let brands = input
        .brands
        .split([',', '，', '、', ';'])
        .map(str::trim)
        .filter(|brand| !brand.is_empty())
        .map(str::to_string)
        .collect();
    violations.finish(|| ValidStore {
        code,
        name,
        brands,
        time_zone,
        address: input.address.trim().to_string(),
        phone: input.phone.trim().to_string(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GrantInput {
    /// Empty for a group-wide role.
    pub store_id: Option<String>,
    pub role: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub locale: String,
    pub phone: String,
    pub grants: Vec<GrantInput>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    pub username: String,
    pub display_name: String,
    pub locale: String,
    pub phone: String,
    pub grants: Vec<(Option<String>, Role)>,
}

pub const LOCALES: [&str; 2] = ["zh-CN", "en"];

/// Checks a new user (the password rules are checked too; `require_password` is false on edits).
pub fn validate_user(input: &UserInput, require_password: bool) -> Result<ValidUser, Violations> {
    let mut violations = Violations::new();
    let username = input.username.trim().to_lowercase();
    if username.is_empty() {
        violations.push(Violation::new("username", "required"));
    } else if !(2..=40).contains(&username.len())
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        violations.push(Violation::new("username", "username_format").with("found", &username));
    }
    let display_name = input.display_name.trim().to_string();
    if display_name.is_empty() {
        violations.push(Violation::new("display_name", "required"));
    }
    if require_password || !input.password.is_empty() {
        let length = input.password.chars().count();
        if length < 8 {
            violations.push(Violation::new("password", "password_too_short").with("min", 8));
        } else if length > 128 {
            violations.push(Violation::new("password", "too_long").with("max", 128));
        }
    }
    let locale = match input.locale.trim() {
        "" => "zh-CN".to_string(),
        locale if LOCALES.contains(&locale) => locale.to_string(),
        locale => {
            violations.push(Violation::new("locale", "unknown_value").with("detail", locale));
            String::new()
        }
    };
    let mut grants = Vec::new();
    for (index, grant) in input.grants.iter().enumerate() {
        let store = grant.store_id.clone().filter(|id| !id.trim().is_empty());
        match Role::parse(grant.role.trim()) {
            None => violations
                .push(Violation::new(format!("grants[{index}].role"), "unknown_value").with("detail", &grant.role)),
            Some(role) if role.is_group_level() != store.is_none() => {
                violations.push(Violation::new(format!("grants[{index}].store_id"), "grant_scope"));
            }
            Some(role) => grants.push((store, role)),
        }
    }
    violations.finish(|| ValidUser { username, display_name, locale, phone: input.phone.trim().to_string(), grants })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_needs_code_and_name_and_a_real_zone() {
        let input = StoreInput { code: "bj 01".into(), time_zone: "Mars/Base".into(), ..StoreInput::default() };
        let violations = validate_store(&input, |zone| zone == "Asia/Shanghai").unwrap_err();
        let codes: Vec<_> = violations.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(
            codes,
            vec![("code", "store_code_format"), ("name", "required"), ("time_zone", "time_zone_unknown")]
        );
        let ok =
            StoreInput { code: "bj-01".into(), name: "北京一店".into(), brands: "本田、讴歌".into(), ..input };
        let store = validate_store(&StoreInput { time_zone: String::new(), ..ok }, |_| false).unwrap();
        assert_eq!((store.code.as_str(), store.time_zone.as_str()), ("BJ-01", "Asia/Shanghai"));
        assert_eq!(store.brands, vec!["本田", "讴歌"]);
    }

    #[test]
    fn group_roles_have_no_store_and_store_roles_need_one() {
        let input = UserInput {
            username: "Li.Lei".into(),
            display_name: "李雷".into(),
            password: "longenough".into(),
            grants: vec![
                GrantInput { store_id: Some("s1".into()), role: "group_admin".into() },
                GrantInput { store_id: None, role: "warranty_clerk".into() },
                GrantInput { store_id: Some("s1".into()), role: "warranty_clerk".into() },
            ],
            ..UserInput::default()
        };
        let violations = validate_user(&input, true).unwrap_err();
        assert_eq!(violations.0.len(), 2);
        assert!(violations.iter().all(|v| v.code == "grant_scope"));
    }
}
