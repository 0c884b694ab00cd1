//! 全车盗抢险 (theft cover): the total-loss payout and when it becomes payable.
//!
//! 2014 clauses Art 59: `赔款 = 保险金额 × (1 − Σ绝对免赔率)`; the theft rates are 20 % plus 1 % for each
//! missing 机动车登记证书 or 来历凭证 (the 不计免赔率险 buys back the 20 %, not the document rates). The
//! total loss is payable only once the police have opened a case and the car stays unfound for 60 days
//! (Art 51, 56). Post-2020 policies take every rate as an input, default 0 (rules.md §B.5).

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::deductible::{self, AppliedDeductibles, AppliedRate, ClauseVersion, Cover, Deductibles};
use super::liability::Responsibility;
use super::{Reason, check_amount, check_percent};
use crate::calendar;
use crate::money::Money;
use crate::rules::run;
use crate::violation::{Violation, Violations};

/// The days a stolen car must stay unfound after the police case (2014 Art 51).
pub const THEFT_WAIT_DAYS: i64 = 60;

/// A document whose absence raises the theft deductible (2014 theft clause).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TheftDocument {
    /// 机动车登记证书.
    RegistrationCertificate,
    /// 机动车来历凭证 (purchase invoice or other proof of origin).
    OriginCertificate,
}

/// Input of `theft`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TheftInput {
    pub sum_insured: Money,
    /// The actual value at the theft, when lower than the sum insured [I].
    #[serde(default)]
    pub actual_value: Option<Money>,
    #[serde(default)]
    pub clause: Option<ClauseVersion>,
    #[serde(default)]
    pub missing_documents: Vec<TheftDocument>,
    /// Overrides the base theft rate (2014: 20).
    #[serde(default)]
    pub theft_rate_percent: Option<Decimal>,
    /// Overrides the rate per missing document (2014: 1).
    #[serde(default)]
    pub missing_document_rate_percent: Option<Decimal>,
    #[serde(default)]
    pub deductibles: Deductibles,
    /// The day the police opened the case (立案).
    #[serde(default)]
    pub police_case_filed_on: Option<Date>,
    /// The car has been found.
    #[serde(default)]
    pub found: bool,
    /// Today, passed in by the caller.
    #[serde(default)]
    pub as_of: Option<Date>,
}

/// Whether the theft total loss can be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TheftStatus {
    Payable,
    /// Inside the 60 days, or no `as_of` given to decide.
    Waiting,
    PoliceCaseRequired,
    /// A found car is no total theft loss; its damage is settled as a partial loss.
    VehicleFound,
}

/// Output of `theft`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TheftOutput {
    pub status: TheftStatus,
    pub base: Money,
    pub deductibles: AppliedDeductibles,
    /// The total-loss payout once payable.
    pub amount: Money,
    pub insured_bears: Money,
    /// The 60th day after the police case; the car must stay unfound through it.
    pub waiting_ends: Option<Date>,
    pub payable_from: Option<Date>,
    pub reasons: Vec<Reason>,
}

/// The `theft` rule.
pub fn theft(input: &TheftInput) -> Result<TheftOutput, Violations> {
    let mut violations = Violations::new();
    check_amount(&mut violations, "sum_insured", input.sum_insured);
    if let Some(value) = input.actual_value {
        check_amount(&mut violations, "actual_value", value);
    }
    for (field, rate) in [
        ("theft_rate_percent", input.theft_rate_percent),
        ("missing_document_rate_percent", input.missing_document_rate_percent),
    ] {
        if let Some(rate) = rate {
            check_percent(&mut violations, field, rate);
        }
    }
    let mut documents = input.missing_documents.clone();
    documents.sort();
    documents.dedup();
    if documents.len() != input.missing_documents.len() {
        violations.push(Violation::new("missing_documents", "duplicate_value"));
    }
    input.deductibles.validate(&mut violations, "deductibles");
    if !violations.is_empty() {
        return Err(violations);
    }

    let is_2014 = input.deductibles.clause_or(input.clause) == ClauseVersion::Clauses2014;
    let mut extra = Vec::new();
    let base_rate = if input.deductibles.waiver {
        Decimal::ZERO
    } else {
        input.theft_rate_percent.unwrap_or(if is_2014 { 20.into() } else { 0.into() })
    };
    extra.push((
        AppliedRate { kind: "theft_base_rate", rate_percent: base_rate },
        Reason::new("theft_base_rate", "2014 全车盗抢险 免赔率条款").with("rate_percent", base_rate),
    ));
    let per_document = input.missing_document_rate_percent.unwrap_or(if is_2014 { 1.into() } else { 0.into() });
    for document in &documents {
        let name = match document {
            TheftDocument::RegistrationCertificate => "registration_certificate",
            TheftDocument::OriginCertificate => "origin_certificate",
        };
        extra.push((
            AppliedRate { kind: "theft_missing_document", rate_percent: per_document },
            Reason::new("theft_missing_document", "2014 全车盗抢险 免赔率条款")
                .with("document", name)
                .with("rate_percent", per_document),
        ));
    }
    let applied =
        deductible::resolve(&input.deductibles, input.clause, Cover::Theft, Responsibility::None, false, extra);
    let base = input.actual_value.map_or(input.sum_insured, |value| value.min(input.sum_insured));
    let amount = Money::round(applied.apply(base.decimal())).min(base);
    let mut reasons =
        vec![Reason::new("theft_total_loss", "2014 全车盗抢险 Art 59").with("base", base).with("amount", amount)];
    reasons.extend(applied.reasons.iter().cloned());

    let waiting_ends = input.police_case_filed_on.map(|filed| calendar::last_day_after_days(filed, THEFT_WAIT_DAYS));
    let payable_from = waiting_ends.and_then(|day| day.tomorrow().ok());
    let status = if input.found {
        reasons.push(Reason::new("theft_vehicle_found", "2014 全车盗抢险 Art 51"));
        TheftStatus::VehicleFound
    } else if let Some(payable_from) = payable_from {
        let ready = input.as_of.is_some_and(|today| today >= payable_from);
        reasons.push(
            Reason::new("theft_waiting_period", "2014 全车盗抢险 Art 51")
                .with("days", THEFT_WAIT_DAYS)
                .with("payable_from", payable_from),
        );
        if ready { TheftStatus::Payable } else { TheftStatus::Waiting }
    } else {
        reasons.push(Reason::new("theft_police_case_required", "2014 全车盗抢险 Art 51, 56"));
        TheftStatus::PoliceCaseRequired
    };
    Ok(TheftOutput {
        status,
        base,
        deductibles: applied,
        amount,
        insured_bears: base - amount,
        waiting_ends,
        payable_from,
        reasons,
    })
}

pub(crate) fn eval(input: serde_json::Value) -> Result<serde_json::Value, Violations> {
    run(input, |input: TheftInput| theft(&input))
}
