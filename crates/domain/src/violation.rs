//! Field violations: what the domain reports instead of sentences.
//!
//! A violation names the field (a path such as `vin` or `lines[2].labor_hours`), a stable snake_case
//! code, and the parameters a message needs (`expected`, `found`, ...). The words live in the web
//! crate's message catalogues, keyed by code, so the same violation reads well in Chinese and English.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub field: String,
    pub code: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<&'static str, String>,
}

impl Violation {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Violation { field: field.into(), code, params: BTreeMap::new() }
    }

    /// Adds a parameter the message template refers to as `{name}`.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.params.insert(name, value.to_string());
        self
    }

    /// Moves the violation under a parent field: `vin` becomes `vehicle.vin`.
    pub fn nested(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_string()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

/// Every problem found in one input, collected so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    pub fn new() -> Self {
        Violations(Vec::new())
    }

    pub fn push(&mut self, violation: Violation) {
        self.0.push(violation);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter()
    }

    /// Records the error of a fallible check and returns its value, if any.
    pub fn check<T>(&mut self, result: Result<T, Violation>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(violation) => {
                self.0.push(violation);
                None
            }
        }
    }

    pub fn extend_nested(&mut self, parent: &str, other: Violations) {
        self.0.extend(other.0.into_iter().map(|v| v.nested(parent)));
    }

    /// `Ok(value)` when nothing was found, else every violation.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Violations> {
        if self.0.is_empty() { Ok(value()) } else { Err(self) }
    }
}

impl From<Violation> for Violations {
    fn from(violation: Violation) -> Self {
        Violations(vec![violation])
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", v.field, v.code)?;
            for (k, val) in &v.params {
                write!(f, " {k}={val}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}
