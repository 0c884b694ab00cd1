//! Reasons: a stable code, the article it rests on, and the figures its message needs.
//!
//! The words live in `crates/web/messages/sanbao.toml`, keyed by code; `{name}` there refers to a field
//! of [`Params`]. Params are typed and borrowed so an assessment allocates no strings.

use jiff::civil::Date;
use serde::Serialize;

use crate::money::Money;
use crate::sanbao::periods::{EndedBy, UseNature, VehicleKind};
use crate::sanbao::system::{SafetyFailure, System};
use crate::sanbao::version::Version;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason<'a> {
    pub code: &'static str,
    pub article: &'static str,
    #[serde(skip_serializing_if = "Params::is_empty")]
    pub params: Params<'a>,
}

impl<'a> Reason<'a> {
    pub fn new(code: &'static str, article: &'static str) -> Self {
        Reason { code, article, params: Params::default() }
    }

    pub fn with(mut self, edit: impl FnOnce(&mut Params<'a>)) -> Self {
        edit(&mut self.params);
        self
    }
}

/// The figures behind a reason; absent ones are not serialised.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Params<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Day number in the period (the day after the start is day 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_days: Option<i64>,
    /// Kilometres since the period start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub km: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_km: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_day: Option<Date>,
    /// An odometer reading at which a period ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub km_limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_by: Option<EndedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<System>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<SafetyFailure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_nature: Option<UseNature>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vehicle_kind: Option<VehicleKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
}

impl Params<'_> {
    pub fn is_empty(&self) -> bool {
        *self == Params::default()
    }
}
