//! Identifiers a claims desk types in all day: VIN, resident ID number, licence plate, mobile number.
//!
//! Each type holds only a valid, normalised value (the zero-to-production habit): `parse` trims, folds
//! full-width characters typed with a Chinese input method, drops separators and upper-cases, then checks
//! the structure and any check character. A failure is one [`Violation`] naming the caller's field, a
//! stable code and the `expected` / `found` parameters the message catalogue (`web/messages/ids.toml`)
//! needs.
//!
//! The rules in [`RULES`] answer `{"valid": false, "violations": [...]}` for a wrong identifier rather
//! than failing, so one call shows what is wrong; only malformed input (no `text`) is a rule error.

pub mod mobile;
pub mod plate;
pub mod resident_id;
pub mod vin;

pub use mobile::Mobile;
pub use plate::{Energy, Plate, PlateKind, Powertrain, plate_matches_powertrain};
pub use resident_id::{ResidentId, Sex};
pub use vin::Vin;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::rules::{RuleDef, parse_input};
use crate::violation::{Violation, Violations};

pub static RULES: &[RuleDef] = &[
    RuleDef {
        name: "vin",
        summary_zh: "车辆识别代号（VIN）：17位、不含 I/O/Q、第9位校验位",
        summary_en: "Vehicle identification number: 17 characters, no I/O/Q, check digit at position 9",
        basis: "ISO 3779 / GB 16735; check digit as in 49 CFR 565",
        example: r#"{"text": "LFV3A23C8G3012345"}"#,
        eval: vin::eval_rule,
    },
    RuleDef {
        name: "resident-id",
        summary_zh: "居民身份证号码：18位、地区码、出生日期、MOD 11-2 校验码",
        summary_en: "Resident ID number: 18 characters, region prefix, birth date, ISO 7064 MOD 11-2 check character",
        basis: "GB 11643-1999; GB/T 2260 province codes",
        example: r#"{"text": "11010519491231002X", "today": "2024-05-13"}"#,
        eval: resident_id::eval_rule,
    },
    RuleDef {
        name: "plate",
        summary_zh: "机动车号牌：省份简称、发牌机关代号、普通5位或新能源6位序号，可核对动力类型",
        summary_en: "Licence plate: province, issuing authority, 5-character ordinary or 6-character new-energy sequence; optional powertrain cross-check",
        basis: "GA 36-2018 (secondary sources)",
        example: r#"{"text": "京AD12345", "powertrain": "bev"}"#,
        eval: plate::eval_rule,
    },
    RuleDef {
        name: "mobile",
        summary_zh: "大陆手机号码：11位，1开头、第2位为3–9，可带 +86/0086",
        summary_en: "Mainland mobile number: 11 digits starting 13–19, optional +86 / 0086 prefix",
        basis: "Numbering practice (secondary sources)",
        example: r#"{"text": "+86 138-0013-8000"}"#,
        eval: mobile::eval_rule,
    },
];

/// Every violation code this module can produce, so the web crate can check its catalogue
/// (`web/messages/ids.toml`, `common.toml`) has words for each.
pub const CODES: &[&str] = &[
    "required",
    "vin_length",
    "vin_character",
    "vin_check_digit",
    "resident_id_legacy_15",
    "resident_id_length",
    "resident_id_character",
    "resident_id_region",
    "resident_id_birth_date",
    "resident_id_check_digit",
    "plate_province",
    "plate_authority",
    "plate_length",
    "plate_character",
    "plate_energy_letter",
    "plate_nev_digits",
    "plate_powertrain_mismatch",
    "mobile_length",
    "mobile_prefix",
    "mobile_character",
];

/// Trims, folds full-width ASCII to half-width, drops whitespace and the given separators, and
/// upper-cases Latin letters. Chinese input methods often produce `Ａ１` or an ideographic space, and
/// people copy plates as `京A·12345`; none of that changes the identifier.
pub(crate) fn normalise(text: &str, separators: &[char]) -> String {
    text.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace() && !separators.contains(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Maps U+FF01..U+FF5E (full-width ASCII) to U+0021..U+007E; anything else is unchanged.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

/// The rule input shared by the four identifier rules, minus their own extras.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Text {
    Text(String),
    // A mobile number pasted as a JSON number is still a mobile number.
    Number(u64),
}

impl Text {
    pub(crate) fn into_string(self) -> String {
        match self {
            Text::Text(text) => text,
            Text::Number(number) => number.to_string(),
        }
    }
}

/// The answer for an identifier that failed its checks: not a rule error, so every problem is visible.
pub(crate) fn invalid(violations: &[Violation]) -> Value {
    json!({ "valid": false, "violations": violations.iter().map(violation_json).collect::<Vec<_>>() })
}

/// A violation with `params` always present, so clients need not special-case parameterless codes.
pub(crate) fn violation_json(violation: &Violation) -> Value {
    json!({ "field": violation.field, "code": violation.code, "params": violation.params })
}

/// Parses a rule's typed input; kept here so the submodules share one import.
pub(crate) fn input<T: serde::de::DeserializeOwned>(input: Value) -> Result<T, Violations> {
    parse_input(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_full_width_and_drops_separators() {
        assert_eq!(normalise(" ｌｆｖ３-a\u{3000}1 ", &['-']), "LFV3A1");
        assert_eq!(normalise("京A·12345", &['·', '-']), "京A12345");
    }

    #[test]
    fn every_rule_answers_valid_false_rather_than_an_error_for_a_bad_identifier() {
        for name in ["vin", "resident-id", "plate", "mobile"] {
            let output = crate::rules::eval(name, json!({"text": "??"})).unwrap_or_else(|_| panic!("{name} failed"));
            assert_eq!(output["valid"], false, "{name}");
            assert!(output["violations"][0]["params"].is_object(), "{name}");
        }
    }

    #[test]
    fn missing_text_is_a_rule_error() {
        for name in ["vin", "resident-id", "plate", "mobile"] {
            match crate::rules::eval(name, json!({})) {
                Err(crate::rules::RuleError::Invalid(violations)) => {
                    assert_eq!(violations.0[0].field, "text", "{name}");
                    assert_eq!(violations.0[0].code, "required", "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}
