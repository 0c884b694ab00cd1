//! Customer records (客户档案): the fields of the 客户档案基本资料表 and their validation.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{Mobile, ResidentId};
use crate::violation::{Violation, Violations};

/// What a form or the API sends; every field is text or optional so that nothing is lost on an error.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CustomerInput {
    pub name: String,
    pub kind: String,
    pub mobile: String,
    pub phone: String,
    pub resident_id: String,
    pub address: String,
    pub area: String,
    pub first_visit_on: Option<String>,
    pub last_visit_on: Option<String>,
    pub maintenance_interval_km: Option<i64>,
    pub maintenance_interval_months: Option<i64>,
    pub next_maintenance_on: Option<String>,
    pub wanted_services: String,
    pub notes: String,
    pub follow_up_user_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    Person,
    Company,
}

impl CustomerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerKind::Person => "person",
            CustomerKind::Company => "company",
        }
    }
}

/// A customer that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCustomer {
    pub name: String,
    pub kind: CustomerKind,
    pub mobile: Option<Mobile>,
    pub phone: String,
    pub resident_id: Option<ResidentId>,
    pub address: String,
    pub area: String,
    pub first_visit_on: Option<Date>,
    pub last_visit_on: Option<Date>,
    pub maintenance_interval_km: Option<i64>,
    pub maintenance_interval_months: Option<i64>,
    pub next_maintenance_on: Option<Date>,
    pub wanted_services: String,
    pub notes: String,
    pub follow_up_user_id: Option<String>,
}

const NAME_MAX: usize = 50;
const TEXT_MAX: usize = 500;

/// Checks a customer as entered; `today` bounds the visit dates.
pub fn validate(input: &CustomerInput, today: Date) -> Result<ValidCustomer, Violations> {
    let mut violations = Violations::new();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        violations.push(Violation::new("name", "required"));
    } else if name.chars().count() > NAME_MAX {
        violations.push(Violation::new("name", "too_long").with("max", NAME_MAX));
    }
    let kind = match input.kind.trim() {
        "" | "person" => Some(CustomerKind::Person),
        "company" => Some(CustomerKind::Company),
        other => {
            violations.push(Violation::new("kind", "unknown_value").with("detail", other));
            None
        }
    };
    let mobile =
        if input.mobile.trim().is_empty() { None } else { violations.check(Mobile::parse("mobile", &input.mobile)) };
    let phone = input.phone.trim().to_string();
    if !phone.is_empty() && !is_landline(&phone) {
        violations.push(Violation::new("phone", "phone_format").with("found", &phone));
    }
    if input.mobile.trim().is_empty() && phone.is_empty() {
        violations.push(Violation::new("mobile", "contact_required"));
    }
    let resident_id = if input.resident_id.trim().is_empty() {
        None
    } else {
        violations.check(ResidentId::parse_on("resident_id", &input.resident_id, today))
    };
    let first_visit_on = past_date(&mut violations, "first_visit_on", input.first_visit_on.as_deref(), today);
    let last_visit_on = past_date(&mut violations, "last_visit_on", input.last_visit_on.as_deref(), today);
    if let (Some(first), Some(last)) = (first_visit_on, last_visit_on)
        && last < first
    {
        violations.push(Violation::new("last_visit_on", "date_before").with("other", first));
    }
    let next_maintenance_on =
        optional_date(&mut violations, "next_maintenance_on", input.next_maintenance_on.as_deref());
    for (field, value, max) in [
        ("maintenance_interval_km", input.maintenance_interval_km, 100_000),
        ("maintenance_interval_months", input.maintenance_interval_months, 60),
    ] {
        if let Some(value) = value
            && !(1..=max).contains(&value)
        {
            violations.push(Violation::new(field, "out_of_range").with("min", 1).with("max", max));
        }
    }
    for (field, value) in [
        ("address", &input.address),
        ("area", &input.area),
        ("wanted_services", &input.wanted_services),
        ("notes", &input.notes),
    ] {
        if value.chars().count() > TEXT_MAX {
            violations.push(Violation::new(field, "too_long").with("max", TEXT_MAX));
        }
    }
    let follow_up_user_id = input.follow_up_user_id.clone().filter(|id| !id.trim().is_empty());
    violations.finish(|| ValidCustomer {
        name,
        kind: kind.unwrap_or(CustomerKind::Person),
        mobile,
        phone,
        resident_id,
        address: input.address.trim().to_string(),
        area: input.area.trim().to_string(),
        first_visit_on,
        last_visit_on,
        maintenance_interval_km: input.maintenance_interval_km,
        maintenance_interval_months: input.maintenance_interval_months,
        next_maintenance_on,
        wanted_services: input.wanted_services.trim().to_string(),
        notes: input.notes.trim().to_string(),
        follow_up_user_id,
    })
}

/// A mainland landline: area code 0xx or 0xxx, then 7 or 8 digits, an optional hyphen between.
fn is_landline(text: &str) -> bool {
    let digits: String = text.chars().filter(|c| *c != '-' && *c != ' ').collect();
    text.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        && digits.starts_with('0')
        && (10..=12).contains(&digits.len())
}

/// Parses an optional `YYYY-MM-DD`; an empty string is none.
pub fn optional_date(violations: &mut Violations, field: &str, text: Option<&str>) -> Option<Date> {
    let text = text.map(str::trim).filter(|text| !text.is_empty())?;
    match text.parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            violations.push(Violation::new(field, "date_format").with("found", text));
            None
        }
    }
}

/// Like [`optional_date`], and the date may not lie after `today`.
pub fn past_date(violations: &mut Violations, field: &str, text: Option<&str>, today: Date) -> Option<Date> {
    let date = optional_date(violations, field, text)?;
    if date > today {
        violations.push(Violation::new(field, "date_in_future").with("today", today));
        return None;
    }
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn input() -> CustomerInput {
        CustomerInput { name: "王先生".into(), mobile: "138 0013 8000".into(), ..CustomerInput::default() }
    }

    #[test]
    fn a_plain_customer_passes_and_is_normalised() {
        let customer = validate(&input(), date(2024, 5, 13)).unwrap();
        assert_eq!(customer.mobile.unwrap().as_str(), "13800138000");
        assert_eq!(customer.kind, CustomerKind::Person);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = CustomerInput {
            name: " ".into(),
            phone: "12345".into(),
            resident_id: "110105194912310021".into(),
            last_visit_on: Some("2030-01-01".into()),
            ..CustomerInput::default()
        };
        let violations = validate(&bad, date(2024, 5, 13)).unwrap_err();
        let fields: Vec<_> = violations.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert!(fields.contains(&("name", "required")), "{fields:?}");
        assert!(fields.contains(&("phone", "phone_format")), "{fields:?}");
        assert!(fields.contains(&("resident_id", "resident_id_check_digit")), "{fields:?}");
        assert!(fields.contains(&("last_visit_on", "date_in_future")), "{fields:?}");
    }

    #[test]
    fn a_landline_alone_is_enough_contact() {
        let customer = CustomerInput { mobile: String::new(), phone: "010-62345678".into(), ..input() };
        assert!(validate(&customer, date(2024, 5, 13)).is_ok());
        let none = CustomerInput { mobile: String::new(), ..input() };
        assert_eq!(validate(&none, date(2024, 5, 13)).unwrap_err().0[0].code, "contact_required");
    }
}
