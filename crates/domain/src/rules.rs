//! The rule registry behind `claimdesk rules eval` and `POST /api/v1/rules/{rule}`.
//!
//! Every rule takes one JSON object and answers one JSON object, so the CLI, the API, the docs page and
//! the worked-case tests all go through [`eval`]. Each rule family lists its rules in a `RULES` table next
//! to its code; this module only gathers them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::violation::{Violation, Violations};

/// One rule as the outside world sees it.
pub struct RuleDef {
    /// The kebab-case name used on the command line and in the URL.
    pub name: &'static str,
    pub summary_zh: &'static str,
    pub summary_en: &'static str,
    /// The articles or standards the rule rests on, for the docs page.
    pub basis: &'static str,
    /// An example input, as JSON text.
    pub example: &'static str,
    pub eval: fn(Value) -> Result<Value, Violations>,
}

#[derive(Debug)]
pub enum RuleError {
    UnknownRule(String),
    Invalid(Violations),
}

/// Every rule, in the order the docs page lists them.
pub fn all() -> impl Iterator<Item = &'static RuleDef> {
    crate::ids::RULES
        .iter()
        .chain(crate::calendar_rules::RULES)
        .chain(crate::sanbao::RULES)
        .chain(crate::insurance::RULES)
        .chain(crate::followup::RULES)
}

pub fn find(name: &str) -> Option<&'static RuleDef> {
    all().find(|rule| rule.name == name)
}

/// Evaluates one rule. Bad input answers field violations; nothing here panics on any JSON.
pub fn eval(name: &str, input: Value) -> Result<Value, RuleError> {
    let rule = find(name).ok_or_else(|| RuleError::UnknownRule(name.to_string()))?;
    (rule.eval)(input).map_err(RuleError::Invalid)
}

/// Reads a rule's typed input, turning serde's complaint into a violation on the field it names.
pub fn parse_input<T: DeserializeOwned>(input: Value) -> Result<T, Violations> {
    serde_path_to_error::deserialize(input).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." { String::new() } else { path };
        let detail = error.inner().to_string();
        let code = if detail.starts_with("missing field") {
            "required"
        } else if detail.starts_with("unknown variant") {
            "unknown_value"
        } else {
            "invalid_value"
        };
        let mut violation = Violation::new(field, code).with("detail", &detail);
        if let Some(missing) = detail.strip_prefix("missing field `").and_then(|s| s.split('`').next()) {
            violation.field =
                if violation.field.is_empty() { missing.to_string() } else { format!("{}.{missing}", violation.field) };
        }
        Violations::from(violation)
    })
}

/// Serialises a rule's output; our output types always serialise.
pub fn to_output<T: Serialize>(output: &T) -> Value {
    serde_json::to_value(output).unwrap_or(Value::Null)
}

/// Glue for the common shape: parse typed input, run a pure function, serialise its answer.
pub fn run<I, O>(input: Value, rule: impl FnOnce(I) -> Result<O, Violations>) -> Result<Value, Violations>
where
    I: DeserializeOwned,
    O: Serialize,
{
    let input = parse_input::<I>(input)?;
    rule(input).map(|output| to_output(&output))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

    #[test]
    fn rule_names_are_unique_kebab_case_and_examples_evaluate() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in all() {
            assert!(seen.insert(rule.name), "duplicate rule {}", rule.name);
            assert!(
                rule.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "rule name {} is not kebab-case",
                rule.name
            );
            let example: Value = serde_json::from_str(rule.example)
                .unwrap_or_else(|e| panic!("example of {} is not JSON: {e}", rule.name));
            assert!(eval(rule.name, example).is_ok(), "example of {} does not evaluate", rule.name);
        }
    }

    /// The object keys the rule families read, so generated inputs reach past the first field.
    const KEYS: &[&str] = &[
        "text",
        "start",
        "days",
        "months",
        "years",
        "working_days",
        "vehicle",
        "request",
        "history",
        "invoice_date",
        "delivery_date",
        "date",
        "odometer_km",
        "fault",
        "system",
        "price",
        "n",
        "agreed_at",
        "completed_at",
        "id",
        "responsibility",
        "ratio_percent",
        "damage",
        "vehicles",
        "victims",
        "medical",
        "property",
        "accident_time",
        "sum_insured",
        "limit",
        "deductibles",
        "handover",
        "first_call_done",
        "settings",
        "opened",
        "event_date",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// No JSON makes any rule panic: bad input is answered with violations.
        #[test]
        fn arbitrary_json_never_panics(
            value in crate::testing::arbitrary_json(KEYS),
            index in 0..all().count(),
        ) {
            let rule = all().nth(index).expect("index in range");
            let _ = eval(rule.name, value);
        }

        /// Examples with one value replaced by anything never panic either.
        #[test]
        fn mutated_examples_never_panic(
            index in 0..all().count(),
            path in proptest::collection::vec(proptest::sample::select(KEYS).prop_map(str::to_string), 1..4),
            replacement in crate::testing::arbitrary_json(KEYS),
        ) {
            let rule = all().nth(index).expect("index in range");
            let _ = eval(rule.name, crate::testing::mutate_example(rule.example, &path, replacement));
        }
    }

    #[test]
    fn unknown_rule_is_named() {
        assert!(
            matches!(eval("no-such-rule", Value::Null), Err(RuleError::UnknownRule(name)) if name == "no-such-rule")
        );
    }
}
