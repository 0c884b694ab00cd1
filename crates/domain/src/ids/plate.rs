//! Licence plates of small passenger cars (GA 36-2018, from secondary sources), rules.md C.3.
//!
//! A plate is a province abbreviation, an issuing-authority letter, then either a 5-character ordinary
//! sequence (blue plate) or a 6-character new-energy sequence (green plate). The length alone decides the
//! kind: `京AD1234` is an ordinary plate even though it starts with D. Special plates (使, 领, 警, 学, 挂,
//! 港, 澳) are out of scope and rejected as unknown provinces or characters.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use std::fmt;

use super::{Text, input, invalid, normalise, violation_json};
use crate::violation::{Violation, Violations};

/// A licence plate number (机动车号牌号码), normalised without separators: `京AD12345`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Plate {
    text: String,
    kind: PlateKind,
}

/// Which plate series (号牌种类) the sequence belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlateKind {
    /// Blue plate, 5-character sequence (小型汽车号牌).
    Ordinary,
    /// Green plate, energy letter first (小型新能源汽车号牌).
    NewEnergySmall,
    /// Green-and-yellow plate, energy letter last (大型新能源汽车号牌).
    NewEnergyLarge,
}

/// What the energy letter of a green plate says (能源类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Energy {
    /// 纯电动: D, extended to A, B, C, E.
    PureElectric,
    /// 非纯电动 (plug-in hybrid, range extender, fuel cell): F, extended to G, H, J, K.
    NonPureElectric,
}

/// The vehicle's powertrain (动力类型) as the vehicle record states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Powertrain {
    /// Internal combustion engine only (燃油车).
    Ice,
    /// Hybrid that cannot be plugged in (油电混合); not a new-energy vehicle, so a blue plate.
    Hev,
    /// Plug-in hybrid or range extender (插电混动/增程).
    Phev,
    /// Battery electric (纯电动).
    Bev,
}

/// The 31 provincial abbreviations of the mainland.
pub const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

const PURE_ELECTRIC_LETTERS: &str = "DABCE";
const NON_PURE_ELECTRIC_LETTERS: &str = "FGHJK";
const ENERGY_LETTERS: &str = "DABCEFGHJK";
/// Letters and digits a plate may use: A–Z without I and O, as the `expected` parameter.
const SEQUENCE_CHARACTERS: &str = "0-9 A-H J-N P-Z";
const AUTHORITY_LETTERS: &str = "A-H J-N P-Z";

impl Plate {
    /// Normalises (trim, drop spaces, `·` and hyphens, upper-case Latin letters) and checks the structure.
    pub fn parse(field: &str, text: &str) -> Result<Plate, Violation> {
        let normalised = normalise(text, &['·', '•', '・', '-']);
        let chars: Vec<char> = normalised.chars().collect();
        let Some(&province) = chars.first() else {
            return Err(Violation::new(field, "required"));
        };
        if !PROVINCES.contains(province) {
            return Err(Violation::new(field, "plate_province").with("found", province).with("expected", PROVINCES));
        }
        let sequence = chars.get(2..).unwrap_or_default();
        let Some(&authority) = chars.get(1) else {
            return Err(Violation::new(field, "plate_length").with("expected", "5 or 6").with("found", 0));
        };
        if !is_plate_letter(authority) {
            return Err(Violation::new(field, "plate_authority")
                .with("found", authority)
                .with("expected", AUTHORITY_LETTERS));
        }
        if sequence.len() != 5 && sequence.len() != 6 {
            return Err(Violation::new(field, "plate_length").with("expected", "5 or 6").with("found", sequence.len()));
        }
        if let Some(index) = sequence.iter().position(|&c| !c.is_ascii_digit() && !is_plate_letter(c)) {
            return Err(Violation::new(field, "plate_character")
                .with("position", index + 3)
                .with("found", sequence[index])
                .with("expected", SEQUENCE_CHARACTERS));
        }
        let kind = if sequence.len() == 5 { PlateKind::Ordinary } else { new_energy_kind(field, sequence)? };
        Ok(Plate { text: normalised, kind })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn kind(&self) -> PlateKind {
        self.kind
    }

    pub fn is_new_energy(&self) -> bool {
        self.kind != PlateKind::Ordinary
    }

    /// The energy letter's meaning; `None` for an ordinary plate.
    pub fn energy(&self) -> Option<Energy> {
        let sequence: Vec<char> = self.text.chars().skip(2).collect();
        let letter = match self.kind {
            PlateKind::Ordinary => return None,
            PlateKind::NewEnergySmall => sequence.first(),
            PlateKind::NewEnergyLarge => sequence.last(),
        };
        letter.and_then(|&c| energy_of(c))
    }
}

/// A–Z without I and O, which GA 36 never uses because they read as 1 and 0.
fn is_plate_letter(c: char) -> bool {
    c.is_ascii_uppercase() && c != 'I' && c != 'O'
}

fn energy_of(letter: char) -> Option<Energy> {
    if PURE_ELECTRIC_LETTERS.contains(letter) {
        Some(Energy::PureElectric)
    } else if NON_PURE_ELECTRIC_LETTERS.contains(letter) {
        Some(Energy::NonPureElectric)
    } else {
        None
    }
}

/// Classifies a 6-character sequence. Small: energy letter, letter or digit, 4 digits. Large: 5 digits,
/// energy letter. A sequence starting with a digit can only be a large plate, so its last character is
/// checked first: `苏E1234D5` is reported as a misplaced energy letter.
fn new_energy_kind(field: &str, sequence: &[char]) -> Result<PlateKind, Violation> {
    let first_non_digit = |range: std::ops::Range<usize>| range.into_iter().find(|&i| !sequence[i].is_ascii_digit());
    let nev_digits = |index: usize| {
        Violation::new(field, "plate_nev_digits")
            .with("position", index + 3)
            .with("found", sequence[index])
            .with("expected", "0-9")
    };
    let energy_letter = |index: usize| {
        Violation::new(field, "plate_energy_letter")
            .with("position", index + 3)
            .with("found", sequence[index])
            .with("expected", ENERGY_LETTERS)
    };
    if sequence[0].is_ascii_digit() {
        if energy_of(sequence[5]).is_none() {
            return Err(energy_letter(5));
        }
        if let Some(index) = first_non_digit(0..5) {
            return Err(nev_digits(index));
        }
        Ok(PlateKind::NewEnergyLarge)
    } else {
        if energy_of(sequence[0]).is_none() {
            return Err(energy_letter(0));
        }
        if let Some(index) = first_non_digit(2..6) {
            return Err(nev_digits(index));
        }
        Ok(PlateKind::NewEnergySmall)
    }
}

/// Cross-checks the plate against the vehicle record's powertrain (PL-05). A mismatch is a warning for
/// the desk to look at, not a rejection: the record may be the wrong one.
///
/// Warns when a BEV or PHEV carries a blue plate, an ICE or HEV car a green plate, or the energy letter
/// contradicts the powertrain (a BEV with a non-pure-electric letter, a PHEV with a pure-electric one).
pub fn plate_matches_powertrain(plate: &Plate, powertrain: Powertrain) -> Option<Violation> {
    let expected = match powertrain {
        Powertrain::Ice | Powertrain::Hev => None,
        Powertrain::Bev => Some(Energy::PureElectric),
        Powertrain::Phev => Some(Energy::NonPureElectric),
    };
    if plate.energy() == expected {
        return None;
    }
    let name = |energy: Option<Energy>| match energy {
        None => "ordinary",
        Some(Energy::PureElectric) => "pure_electric",
        Some(Energy::NonPureElectric) => "non_pure_electric",
    };
    Some(
        Violation::new("plate", "plate_powertrain_mismatch")
            .with("plate", plate.as_str())
            .with("powertrain", powertrain.as_str())
            .with("expected", name(expected))
            .with("found", name(plate.energy())),
    )
}

impl Powertrain {
    pub fn as_str(self) -> &'static str {
        match self {
            Powertrain::Ice => "ice",
            Powertrain::Hev => "hev",
            Powertrain::Phev => "phev",
            Powertrain::Bev => "bev",
        }
    }
}

impl fmt::Display for Plate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Plate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Plate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Plate, D::Error> {
        let text = String::deserialize(deserializer)?;
        Plate::parse("", &text).map_err(|violation| serde::de::Error::custom(violation.code))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleInput {
    text: Text,
    #[serde(default)]
    powertrain: Option<Powertrain>,
}

pub(super) fn eval_rule(value: Value) -> Result<Value, Violations> {
    let rule_input: RuleInput = input(value)?;
    Ok(match Plate::parse("text", &rule_input.text.into_string()) {
        Ok(plate) => {
            let warnings: Vec<Value> = rule_input
                .powertrain
                .and_then(|powertrain| plate_matches_powertrain(&plate, powertrain))
                .map(|violation| violation_json(&violation))
                .into_iter()
                .collect();
            json!({
                "valid": true,
                "normalized": plate.as_str(),
                "kind": plate.kind(),
                "energy": plate.energy(),
                "new_energy": plate.is_new_energy(),
                "warnings": warnings,
            })
        }
        Err(violation) => invalid(&[violation]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Plate {
        Plate::parse("plate", text).unwrap_or_else(|v| panic!("{text}: {v:?}"))
    }

    fn code(text: &str) -> &'static str {
        Plate::parse("plate", text).unwrap_err().code
    }

    #[test]
    fn ordinary_plates() {
        for text in ["京A12345", "粤B3K8M6", "京AD1234"] {
            let plate = parse(text);
            assert_eq!((plate.kind(), plate.energy(), plate.is_new_energy()), (PlateKind::Ordinary, None, false));
        }
    }

    #[test]
    fn small_new_energy_plates() {
        for (text, energy) in [
            ("京AD12345", Energy::PureElectric),
            ("沪AF12345", Energy::NonPureElectric),
            ("粤BDF1234", Energy::PureElectric),
            ("浙AA12345", Energy::PureElectric),
            ("浙AG12345", Energy::NonPureElectric),
        ] {
            let plate = parse(text);
            assert_eq!((plate.kind(), plate.energy()), (PlateKind::NewEnergySmall, Some(energy)), "{text}");
            assert!(plate.is_new_energy());
        }
    }

    #[test]
    fn large_new_energy_plates() {
        let plate = parse("苏E12345D");
        assert_eq!((plate.kind(), plate.energy()), (PlateKind::NewEnergyLarge, Some(Energy::PureElectric)));
        assert_eq!(parse("苏E12345F").energy(), Some(Energy::NonPureElectric));
    }

    #[test]
    fn normalises_separators_and_case() {
        assert_eq!(parse(" 京a·d1234 5 ").as_str(), "京AD12345");
        assert_eq!(parse("京A-12345").to_string(), "京A12345");
        assert_eq!(parse("京Ａ１２３４５").as_str(), "京A12345");
    }

    #[test]
    fn invalid_plates_pl_04() {
        assert_eq!(code("京AI2345"), "plate_character");
        assert_eq!(code("京A1234"), "plate_length");
        assert_eq!(code("京A1234567"), "plate_length");
        assert_eq!(code("京1A2345"), "plate_authority");
        assert_eq!(code("AA12345"), "plate_province");
        assert_eq!(code("京AX12345"), "plate_energy_letter");
        assert_eq!(code("京AD1A345"), "plate_nev_digits");
        assert_eq!(code("苏E1234D5"), "plate_energy_letter");
        assert_eq!(code("苏E1A345D"), "plate_nev_digits");
        assert_eq!(code("京IA2345"), "plate_authority");
        assert_eq!(code("京"), "plate_length");
        assert_eq!(code(" · "), "required");
        assert_eq!(code("使A12345"), "plate_province");
    }

    #[test]
    fn violations_name_position_and_character() {
        let violation = Plate::parse("vehicle.plate", "京AI2345").unwrap_err();
        assert_eq!(violation.field, "vehicle.plate");
        assert_eq!((violation.params["position"].as_str(), violation.params["found"].as_str()), ("3", "I"));
        let violation = Plate::parse("plate", "京A1234567").unwrap_err();
        assert_eq!((violation.params["expected"].as_str(), violation.params["found"].as_str()), ("5 or 6", "7"));
        let violation = Plate::parse("plate", "京AD1A345").unwrap_err();
        assert_eq!((violation.params["position"].as_str(), violation.params["found"].as_str()), ("5", "A"));
    }

    #[test]
    fn powertrain_cross_check_pl_05() {
        let warn = |text: &str, powertrain| plate_matches_powertrain(&parse(text), powertrain).map(|v| v.code);
        assert_eq!(warn("京AD1234", Powertrain::Bev), Some("plate_powertrain_mismatch"));
        assert_eq!(warn("京AD1234", Powertrain::Phev), Some("plate_powertrain_mismatch"));
        assert_eq!(warn("京AD1234", Powertrain::Ice), None);
        assert_eq!(warn("京AD1234", Powertrain::Hev), None);
        assert_eq!(warn("京AD12345", Powertrain::Bev), None);
        assert_eq!(warn("京AD12345", Powertrain::Ice), Some("plate_powertrain_mismatch"));
        assert_eq!(warn("沪AF12345", Powertrain::Hev), Some("plate_powertrain_mismatch"));
        assert_eq!(warn("沪AF12345", Powertrain::Phev), None);
        assert_eq!(warn("沪AF12345", Powertrain::Bev), Some("plate_powertrain_mismatch"));
        assert_eq!(warn("京AD12345", Powertrain::Phev), Some("plate_powertrain_mismatch"));
        let violation = plate_matches_powertrain(&parse("京AD1234"), Powertrain::Bev).unwrap();
        assert_eq!(violation.params["powertrain"], "bev");
        assert_eq!(
            (violation.params["expected"].as_str(), violation.params["found"].as_str()),
            ("pure_electric", "ordinary")
        );
    }

    #[test]
    fn serde_names() {
        assert_eq!(serde_json::to_value(parse("京AD12345")).unwrap(), json!("京AD12345"));
        assert_eq!(serde_json::to_value(PlateKind::NewEnergySmall).unwrap(), json!("new_energy_small"));
        assert_eq!(serde_json::to_value(Energy::NonPureElectric).unwrap(), json!("non_pure_electric"));
        assert_eq!(serde_json::from_value::<Powertrain>(json!("phev")).unwrap(), Powertrain::Phev);
        assert_eq!(serde_json::to_value(Powertrain::Bev).unwrap(), json!("bev"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,12}") {
            let _ = Plate::parse("plate", &text);
        }
    }
}
