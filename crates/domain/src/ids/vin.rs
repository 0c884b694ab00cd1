//! Vehicle identification numbers (ISO 3779 / GB 16735), rules.md C.1.
//!
//! Seventeen characters from the digits and the capital letters without I, O and Q (they read as 1 and 0).
//! Position 9 is a check digit: each character's value times its position weight, summed, modulo 11, with
//! 10 written `X`. Chinese VINs always carry it, so a wrong one is an error, not a warning.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use std::fmt;

use super::{Text, input, invalid, normalise};
use crate::violation::{Violation, Violations};

/// A VIN (车辆识别代号), normalised to 17 upper-case characters with a correct check digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Vin(String);

pub const LENGTH: usize = 17;

/// Position weights 1–17; position 9 (the check digit itself) weighs 0.
const WEIGHTS: [u32; LENGTH] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// The characters a VIN may use, as the `expected` parameter of `vin_character`.
const ALLOWED: &str = "0-9 A-H J-N P R-Z";

impl Vin {
    /// Normalises (trim, drop spaces and hyphens, upper-case) and checks length, characters and check digit.
    pub fn parse(field: &str, text: &str) -> Result<Vin, Violation> {
        let normalised = normalise(text, &['-']);
        if normalised.is_empty() {
            return Err(Violation::new(field, "required"));
        }
        let count = normalised.chars().count();
        if count != LENGTH {
            return Err(Violation::new(field, "vin_length").with("expected", LENGTH).with("found", count));
        }
        for (index, c) in normalised.chars().enumerate() {
            if value(c).is_none() {
                return Err(Violation::new(field, "vin_character")
                    .with("position", index + 1)
                    .with("found", c)
                    .with("expected", ALLOWED));
            }
        }
        let expected = check_digit(&normalised);
        let found = normalised.as_bytes()[8] as char;
        if found != expected {
            return Err(Violation::new(field, "vin_check_digit").with("expected", expected).with("found", found));
        }
        Ok(Vin(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check digit at position 9 (`0`–`9` or `X`).
    pub fn check_digit(&self) -> char {
        self.0.as_bytes()[8] as char
    }

    /// The world manufacturer identifier, positions 1–3 (`LFV` is FAW-Volkswagen).
    pub fn wmi(&self) -> &str {
        &self.0[..3]
    }
}

/// The transliteration value of one VIN character, `None` for a character a VIN may not contain.
fn value(c: char) -> Option<u32> {
    Some(match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        // I, O and Q are excluded by ISO 3779; so is everything else.
        _ => return None,
    })
}

/// The check digit the other 16 characters call for. The caller has checked length and characters.
fn check_digit(vin: &str) -> char {
    let sum: u32 = vin.chars().zip(WEIGHTS).map(|(c, weight)| value(c).unwrap_or(0) * weight).sum();
    match sum % 11 {
        10 => 'X',
        digit => char::from_digit(digit, 10).unwrap_or('?'),
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Vin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Vin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Vin, D::Error> {
        let text = String::deserialize(deserializer)?;
        Vin::parse("", &text).map_err(|violation| serde::de::Error::custom(violation.code))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleInput {
    text: Text,
}

pub(super) fn eval_rule(value: Value) -> Result<Value, Violations> {
    let rule_input: RuleInput = input(value)?;
    Ok(match Vin::parse("text", &rule_input.text.into_string()) {
        Ok(vin) => json!({
            "valid": true,
            "normalized": vin.as_str(),
            "check_digit": vin.check_digit().to_string(),
            "wmi": vin.wmi(),
        }),
        Err(violation) => invalid(&[violation]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(text: &str) -> &'static str {
        Vin::parse("vin", text).unwrap_err().code
    }

    #[test]
    fn worked_examples_are_valid() {
        for text in ["1M8GDM9AXKP042788", "1FACP45EXLF192944", "1HGCM82633A004352", "WDBEA30D3HA391172"] {
            assert_eq!(Vin::parse("vin", text).unwrap().as_str(), text);
        }
        assert_eq!(Vin::parse("vin", "LATPAB071W1005301").unwrap().check_digit(), '1');
        assert_eq!(Vin::parse("vin", "LFV3A23C8G3012345").unwrap().wmi(), "LFV");
    }

    #[test]
    fn normalises_case_spaces_and_hyphens() {
        assert_eq!(Vin::parse("vin", " 1hgcm82633a004352 ").unwrap().to_string(), "1HGCM82633A004352");
        assert_eq!(Vin::parse("vin", "1HGCM-826-33A004352").unwrap().as_str(), "1HGCM82633A004352");
    }

    #[test]
    fn check_digit_mismatch_names_expected_and_found() {
        let violation = Vin::parse("vehicle.vin", "1HGCM82633A004353").unwrap_err();
        assert_eq!(violation.field, "vehicle.vin");
        assert_eq!(violation.code, "vin_check_digit");
        assert_eq!(violation.params["expected"], "5");
        assert_eq!(violation.params["found"], "3");
        let violation = Vin::parse("vin", "1M8GDM9A0KP042788").unwrap_err();
        assert_eq!((violation.params["expected"].as_str(), violation.params["found"].as_str()), ("X", "0"));
        assert_eq!(Vin::parse("vin", "LFV3A23C9G3012345").unwrap_err().params["expected"], "8");
    }

    #[test]
    fn length_characters_and_empty_input() {
        let violation = Vin::parse("vin", "1HGCM82633A00435").unwrap_err();
        assert_eq!((violation.code, violation.params["found"].as_str()), ("vin_length", "16"));
        assert_eq!(violation.params["expected"], "17");
        // cases.md VIN-12 says position 12, but the O replaces the second 0 of `A004352`: it is the 13th character.
        let violation = Vin::parse("vin", "1HGCM82633A0O4352").unwrap_err();
        assert_eq!(violation.code, "vin_character");
        assert_eq!((violation.params["position"].as_str(), violation.params["found"].as_str()), ("13", "O"));
        assert_eq!(code("1HGCM82633A00Q352"), "vin_character");
        assert_eq!(code("IHGCM82633A004352"), "vin_character");
        assert_eq!(code("1HGCM82633A00435€"), "vin_character");
        assert_eq!(code("   "), "required");
        assert_eq!(code(""), "required");
    }

    #[test]
    fn serialises_as_a_string() {
        let vin = Vin::parse("vin", "1HGCM82633A004352").unwrap();
        assert_eq!(serde_json::to_value(&vin).unwrap(), json!("1HGCM82633A004352"));
        assert_eq!(serde_json::from_value::<Vin>(json!("1hgcm82633a004352")).unwrap(), vin);
        assert!(serde_json::from_value::<Vin>(json!("1HGCM82633A004353")).is_err());
    }

    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

    /// 16 random allowed characters with the computed check digit put in at position 9.
    fn valid_vin() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(CHARS), 16).prop_map(|chars| {
            let mut text: String = chars.iter().map(|&b| b as char).collect();
            text.insert(8, '0');
            let digit = check_digit(&text);
            text.replace_range(8..9, &digit.to_string());
            text
        })
    }

    proptest! {
        #[test]
        fn any_valid_vin_parses_and_round_trips(text in valid_vin()) {
            let vin = Vin::parse("vin", &text.to_lowercase()).unwrap();
            prop_assert_eq!(vin.as_str(), text.as_str());
            prop_assert_eq!(Vin::parse("vin", &vin.to_string()).unwrap(), vin);
        }

        /// Every weight is 1–10, prime to 11, so a single change is caught unless the two characters share
        /// a transliteration value (A and 1 both count 1): the scheme itself cannot see those.
        #[test]
        fn a_single_changed_character_is_detected(
            text in valid_vin(),
            position in (0..LENGTH).prop_filter("weighted", |&p| WEIGHTS[p] != 0),
            replacement in proptest::sample::select(CHARS),
        ) {
            let original = text.as_bytes()[position] as char;
            let replacement = replacement as char;
            prop_assume!(value(original) != value(replacement));
            let mut changed = text.clone();
            changed.replace_range(position..position + 1, &replacement.to_string());
            prop_assert_eq!(Vin::parse("vin", &changed).unwrap_err().code, "vin_check_digit");
        }

        #[test]
        fn a_changed_check_digit_is_detected(text in valid_vin(), digit in proptest::sample::select(b"0123456789X")) {
            prop_assume!(text.as_bytes()[8] != digit);
            let mut changed = text.clone();
            changed.replace_range(8..9, &(digit as char).to_string());
            prop_assert_eq!(Vin::parse("vin", &changed).unwrap_err().code, "vin_check_digit");
        }

        #[test]
        fn never_panics(text in "\\PC{0,20}") {
            let _ = Vin::parse("vin", &text);
        }
    }
}
