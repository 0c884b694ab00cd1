//! Mainland mobile numbers, rules.md C.4: 11 digits matching `^1[3-9]\d{9}$`, no check digit.
//!
//! Spaces, hyphens and a `+86` / `0086` country prefix are dropped first. A landline (`010-12345678`)
//! has the right length once the hyphen is gone, so it fails on the prefix, which is the useful answer.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use std::fmt;

use super::{Text, input, invalid, normalise};
use crate::violation::{Violation, Violations};

/// A mainland mobile number (手机号码), stored as its 11 digits without prefix or separators.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mobile(String);

pub const LENGTH: usize = 11;

impl Mobile {
    pub fn parse(field: &str, text: &str) -> Result<Mobile, Violation> {
        let normalised = normalise(text, &['-']);
        let digits = normalised.strip_prefix("+86").or_else(|| normalised.strip_prefix("0086")).unwrap_or(&normalised);
        if digits.is_empty() {
            return Err(Violation::new(field, "required"));
        }
        if let Some((index, c)) = digits.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(Violation::new(field, "mobile_character")
                .with("position", index + 1)
                .with("found", c)
                .with("expected", "0-9"));
        }
        if digits.len() != LENGTH {
            return Err(Violation::new(field, "mobile_length").with("expected", LENGTH).with("found", digits.len()));
        }
        let bytes = digits.as_bytes();
        if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
            return Err(Violation::new(field, "mobile_prefix").with("expected", "13-19").with("found", &digits[..2]));
        }
        Ok(Mobile(digits.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with the middle four digits hidden (`138****8000`), as SMS receipts and lists show it.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Mobile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Mobile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Mobile, D::Error> {
        let text = String::deserialize(deserializer)?;
        Mobile::parse("", &text).map_err(|violation| serde::de::Error::custom(violation.code))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleInput {
    text: Text,
}

pub(super) fn eval_rule(value: Value) -> Result<Value, Violations> {
    let rule_input: RuleInput = input(value)?;
    Ok(match Mobile::parse("text", &rule_input.text.into_string()) {
        Ok(mobile) => json!({ "valid": true, "normalized": mobile.as_str(), "masked": mobile.masked() }),
        Err(violation) => invalid(&[violation]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        Mobile::parse("mobile", text).unwrap_err().code
    }

    #[test]
    fn valid_numbers_ph_01() {
        for text in ["13800138000", "19912345678", "16612345678"] {
            assert_eq!(Mobile::parse("mobile", text).unwrap().as_str(), text);
        }
    }

    #[test]
    fn strips_prefix_and_separators() {
        for text in
            ["+86 138-0013-8000", "0086 13800138000", "+8613800138000", " 138 0013 8000 ", "１３８００１３８０００"]
        {
            assert_eq!(Mobile::parse("mobile", text).unwrap().as_str(), "13800138000", "{text}");
        }
        assert_eq!(Mobile::parse("mobile", "13800138000").unwrap().masked(), "138****8000");
    }

    #[test]
    fn invalid_numbers_ph_02() {
        assert_eq!(code("12345678901"), "mobile_prefix");
        assert_eq!(code("1380013800"), "mobile_length");
        assert_eq!(code("138001380001"), "mobile_length");
        assert_eq!(code("23800138000"), "mobile_prefix");
        assert_eq!(code("010-12345678"), "mobile_prefix");
        assert_eq!(code("1380013800a"), "mobile_character");
        assert_eq!(code("+86"), "required");
    }

    #[test]
    fn violations_carry_expected_and_found() {
        let violation = Mobile::parse("customer.mobile", "1380013800").unwrap_err();
        assert_eq!(violation.field, "customer.mobile");
        assert_eq!((violation.params["expected"].as_str(), violation.params["found"].as_str()), ("11", "10"));
        let violation = Mobile::parse("mobile", "12345678901").unwrap_err();
        assert_eq!(violation.params["found"], "12");
    }

    proptest::proptest! {
        #[test]
        fn any_well_formed_number_round_trips(second in 3u8..10, rest in 0u64..1_000_000_000) {
            let text = format!("1{second}{rest:09}");
            let mobile = Mobile::parse("mobile", &format!("+86 {text}")).unwrap();
            proptest::prop_assert_eq!(mobile.as_str(), text.as_str());
        }

        #[test]
        fn never_panics(text in "\\PC{0,16}") {
            let _ = Mobile::parse("mobile", &text);
        }
    }
}
