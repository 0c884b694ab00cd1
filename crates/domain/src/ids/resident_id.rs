//! Resident ID numbers (GB 11643-1999), rules.md C.2.
//!
//! Eighteen characters: a 6-digit area code (GB/T 2260), the birth date `YYYYMMDD`, a 3-digit sequence
//! whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character. The old
//! 15-digit numbers (GB 11643-1989) have no check character; we refuse them with their own code instead of
//! inventing one, so the desk asks for the current card.

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use std::fmt;

use super::{Text, input, invalid, normalise};
use crate::violation::{Violation, Violations};

/// A resident ID number (居民身份证号码): 17 digits and a check character, `X` stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId(String);

/// The sex the sequence number records (odd 17th digit = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

pub const LENGTH: usize = 18;

/// Weights for characters 1–17, 2^(18-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each remainder 0–10.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes of GB/T 2260: the first two digits of every area code. 71 (Taiwan), 81 and 82
/// (Hong Kong, Macao) are listed because residence permits for those residents use them.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

/// Birth years before this are typing errors, not people holding a current card.
const EARLIEST_BIRTH_YEAR: i16 = 1850;

impl ResidentId {
    /// Checks everything except "not born in the future", which needs today's date: see [`Self::parse_on`].
    pub fn parse(field: &str, text: &str) -> Result<ResidentId, Violation> {
        Self::parse_checked(field, text, None)
    }

    /// As [`Self::parse`], and the birth date must not be after `today` (the store's local date).
    pub fn parse_on(field: &str, text: &str, today: Date) -> Result<ResidentId, Violation> {
        Self::parse_checked(field, text, Some(today))
    }

    fn parse_checked(field: &str, text: &str, today: Option<Date>) -> Result<ResidentId, Violation> {
        let normalised = normalise(text, &['-']);
        if normalised.is_empty() {
            return Err(Violation::new(field, "required"));
        }
        let count = normalised.chars().count();
        if count == 15 && normalised.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Violation::new(field, "resident_id_legacy_15").with("expected", LENGTH).with("found", count));
        }
        if count != LENGTH {
            return Err(Violation::new(field, "resident_id_length").with("expected", LENGTH).with("found", count));
        }
        for (index, c) in normalised.chars().enumerate() {
            let allowed = c.is_ascii_digit() || (index == LENGTH - 1 && c == 'X');
            if !allowed {
                let expected = if index == LENGTH - 1 { "0-9 X" } else { "0-9" };
                return Err(Violation::new(field, "resident_id_character")
                    .with("position", index + 1)
                    .with("found", c)
                    .with("expected", expected));
            }
        }
        // Structure first, check character last: a made-up number with a bad date or region is better
        // reported as that than as a check-character mismatch.
        let province = &normalised[..2];
        if !province.parse::<u8>().is_ok_and(|code| PROVINCES.contains(&code)) {
            return Err(Violation::new(field, "resident_id_region")
                .with("found", province)
                .with("expected", "GB/T 2260"));
        }
        let birth_text = &normalised[6..14];
        let birth_date = birth_date_of(birth_text)
            .ok_or_else(|| Violation::new(field, "resident_id_birth_date").with("found", birth_text))?;
        if let Some(today) = today
            && birth_date > today
        {
            return Err(Violation::new(field, "resident_id_birth_date")
                .with("found", birth_date)
                .with("latest", today));
        }
        let expected = check_character(&normalised);
        let found = normalised.as_bytes()[LENGTH - 1] as char;
        if found != expected {
            return Err(Violation::new(field, "resident_id_check_digit")
                .with("expected", expected)
                .with("found", found));
        }
        Ok(ResidentId(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Date {
        // The date was checked when the value was built.
        birth_date_of(&self.0[6..14]).unwrap_or(Date::MIN)
    }

    /// Odd 17th digit (the last of the sequence number) = male.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// The GB/T 2260 area code, digits 1–6.
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    /// The province-level code, digits 1–2.
    pub fn province_code(&self) -> &str {
        &self.0[..2]
    }

    /// The number with the birth date and sequence hidden (`110105**********2X`), for logs and lists.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..6], "*".repeat(10), &self.0[16..])
    }
}

fn birth_date_of(text: &str) -> Option<Date> {
    let year: i16 = text.get(0..4)?.parse().ok()?;
    let month: i8 = text.get(4..6)?.parse().ok()?;
    let day: i8 = text.get(6..8)?.parse().ok()?;
    if year < EARLIEST_BIRTH_YEAR {
        return None;
    }
    Date::new(year, month, day).ok()
}

/// ISO 7064 MOD 11-2 over the first 17 digits. The caller has checked they are digits.
fn check_character(number: &str) -> char {
    let sum: u32 = number.bytes().zip(WEIGHTS).map(|(b, weight)| u32::from(b - b'0') * weight).sum();
    CHECK[(sum % 11) as usize]
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ResidentId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ResidentId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ResidentId, D::Error> {
        let text = String::deserialize(deserializer)?;
        ResidentId::parse("", &text).map_err(|violation| serde::de::Error::custom(violation.code))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleInput {
    text: Text,
    #[serde(default)]
    today: Option<Date>,
}

pub(super) fn eval_rule(value: Value) -> Result<Value, Violations> {
    let rule_input: RuleInput = input(value)?;
    let text = rule_input.text.into_string();
    let parsed = match rule_input.today {
        Some(today) => ResidentId::parse_on("text", &text, today),
        None => ResidentId::parse("text", &text),
    };
    Ok(match parsed {
        Ok(id) => json!({
            "valid": true,
            "normalized": id.as_str(),
            "birth_date": id.birth_date(),
            "sex": id.sex(),
            "region": id.region(),
            "province_code": id.province_code(),
            "check_digit": &id.as_str()[17..],
        }),
        Err(violation) => invalid(&[violation]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn code(text: &str) -> &'static str {
        ResidentId::parse("id", text).unwrap_err().code
    }

    #[test]
    fn worked_examples_are_valid() {
        for text in [
            "11010519491231002X",
            "34052419800101001X",
            "110105198506151236",
            "440305197801010025",
            "330106200109115511",
        ] {
            assert_eq!(ResidentId::parse("id", text).unwrap().as_str(), text);
        }
        let id = ResidentId::parse("id", "110101198001010010").unwrap();
        assert_eq!(id.birth_date(), date(1980, 1, 1));
    }

    #[test]
    fn reads_birth_date_sex_and_region() {
        let id = ResidentId::parse("id", "11010519491231002X").unwrap();
        assert_eq!((id.birth_date(), id.sex()), (date(1949, 12, 31), Sex::Female));
        assert_eq!((id.region(), id.province_code()), ("110105", "11"));
        assert_eq!(id.masked(), "110105**********2X");
        let id = ResidentId::parse("id", "110105198506151236").unwrap();
        assert_eq!((id.birth_date(), id.sex()), (date(1985, 6, 15), Sex::Male));
    }

    #[test]
    fn lower_case_x_is_stored_upper_case() {
        assert_eq!(ResidentId::parse("id", " 11010519491231002x ").unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn check_character_mismatch_names_expected_and_found() {
        let violation = ResidentId::parse("customer.id_number", "340524198001010013").unwrap_err();
        assert_eq!(violation.field, "customer.id_number");
        assert_eq!(violation.code, "resident_id_check_digit");
        assert_eq!((violation.params["expected"].as_str(), violation.params["found"].as_str()), ("X", "3"));
    }

    #[test]
    fn structural_errors() {
        assert_eq!(code("11010519491231002"), "resident_id_length");
        assert_eq!(code("110105491231002"), "resident_id_legacy_15");
        assert_eq!(code("1101051949123100XX"), "resident_id_character");
        assert_eq!(code("11010519491231002Y"), "resident_id_character");
        // Regions 99 and 20 do not exist; the region is checked before the check character.
        assert_eq!(code("990105198506151235"), "resident_id_region");
        assert_eq!(code("200105198506151234"), "resident_id_region");
        assert_eq!(code("110105198502301234"), "resident_id_birth_date");
        assert_eq!(code("110105000001011234"), "resident_id_birth_date");
        assert_eq!(code(""), "required");
    }

    #[test]
    fn future_birth_dates_need_today() {
        // Born 2030-01-01 with a correct check character.
        let number = {
            let mut text = String::from("11010520300101123");
            text.push(check_character(&text));
            text
        };
        assert!(ResidentId::parse("id", &number).is_ok());
        let violation = ResidentId::parse_on("id", &number, date(2024, 5, 13)).unwrap_err();
        assert_eq!(violation.code, "resident_id_birth_date");
        assert_eq!(violation.params["latest"], "2024-05-13");
        assert!(ResidentId::parse_on("id", &number, date(2030, 1, 1)).is_ok());
    }

    /// Any real region, birth date and sequence with the computed check character.
    fn valid_id() -> impl Strategy<Value = (String, Date, bool)> {
        (proptest::sample::select(PROVINCES), 0u32..10_000, 1900i16..2024, 1i8..=12, 1i8..=31, 0u32..1000)
            .prop_filter_map("real date", |(province, area, year, month, day, sequence)| {
                let birth = Date::new(year, month, day).ok()?;
                let mut text = format!("{province:02}{area:04}{}{sequence:03}", birth.strftime("%Y%m%d"));
                text.push(check_character(&text));
                Some((text, birth, sequence % 2 == 1))
            })
    }

    proptest! {
        #[test]
        fn any_valid_id_parses_and_round_trips((text, birth, male) in valid_id()) {
            let id = ResidentId::parse_on("id", &text.to_lowercase(), date(2024, 5, 13)).unwrap();
            prop_assert_eq!(id.as_str(), text.as_str());
            prop_assert_eq!(id.birth_date(), birth);
            prop_assert_eq!(id.sex(), if male { Sex::Male } else { Sex::Female });
        }

        /// All 17 weights are prime to 11 and digits differ mod 11, so any single changed digit fails.
        /// Changes in the sequence number leave region and date intact, so they must hit the check itself.
        #[test]
        fn a_single_changed_digit_is_detected((text, _, _) in valid_id(), position in 0usize..17, digit in 0u8..10) {
            let digit = (b'0' + digit) as char;
            prop_assume!(text.as_bytes()[position] as char != digit);
            let mut changed = text.clone();
            changed.replace_range(position..position + 1, &digit.to_string());
            let violation = ResidentId::parse("id", &changed).unwrap_err();
            if position >= 14 {
                prop_assert_eq!(violation.code, "resident_id_check_digit");
            }
        }

        #[test]
        fn a_changed_check_character_is_detected((text, _, _) in valid_id(), check in proptest::sample::select(&CHECK[..])) {
            prop_assume!(text.as_bytes()[17] as char != check);
            let mut changed = text.clone();
            changed.replace_range(17..18, &check.to_string());
            prop_assert_eq!(ResidentId::parse("id", &changed).unwrap_err().code, "resident_id_check_digit");
        }

        #[test]
        fn never_panics(text in "\\PC{0,20}") {
            let _ = ResidentId::parse("id", &text);
        }
    }
}
