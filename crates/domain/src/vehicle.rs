//! Vehicles: VIN, plate, dates, price, use nature and powertrain, validated together.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::customer::past_date;
use crate::ids::{Plate, Powertrain, Vin, plate_matches_powertrain};
use crate::money::Money;
use crate::violation::{Violation, Violations};

/// 使用性质: whether the car serves living needs (家用, inside 三包 scope) or business (营运).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseNature {
    /// 家庭自用
    Private,
    /// 非营业 (company car)
    NonCommercial,
    /// 出租客运
    Taxi,
    /// 网约车
    RideHailing,
    /// 租赁
    Rental,
    /// 公路客运
    Bus,
    /// 货运
    Freight,
}

impl UseNature {
    pub const ALL: [UseNature; 7] = [
        UseNature::Private,
        UseNature::NonCommercial,
        UseNature::Taxi,
        UseNature::RideHailing,
        UseNature::Rental,
        UseNature::Bus,
        UseNature::Freight,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UseNature::Private => "private",
            UseNature::NonCommercial => "non_commercial",
            UseNature::Taxi => "taxi",
            UseNature::RideHailing => "ride_hailing",
            UseNature::Rental => "rental",
            UseNature::Bus => "bus",
            UseNature::Freight => "freight",
        }
    }

    pub fn parse(text: &str) -> Option<UseNature> {
        UseNature::ALL.into_iter().find(|nature| nature.as_str() == text)
    }

    /// 营运: used to earn money with passengers or goods.
    pub fn is_commercial(self) -> bool {
        !matches!(self, UseNature::Private | UseNature::NonCommercial)
    }
}

pub const POWERTRAINS: [(&str, Powertrain); 4] =
    [("ice", Powertrain::Ice), ("hev", Powertrain::Hev), ("phev", Powertrain::Phev), ("bev", Powertrain::Bev)];

pub fn powertrain_name(powertrain: Powertrain) -> &'static str {
    POWERTRAINS.iter().find(|(_, p)| *p == powertrain).map(|(name, _)| *name).unwrap_or("ice")
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VehicleInput {
    pub vin: String,
    pub plate: String,
    pub brand: String,
    pub model: String,
    pub vehicle_type: String,
    pub color: String,
    pub engine_no: String,
    pub powertrain: String,
    pub use_nature: String,
    pub invoice_on: Option<String>,
    pub delivered_on: Option<String>,
    pub sale_price: Option<String>,
    pub odometer_km: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidVehicle {
    pub vin: Vin,
    pub plate: Option<Plate>,
    pub brand: String,
    pub model: String,
    pub vehicle_type: String,
    pub color: String,
    pub engine_no: String,
    pub powertrain: Powertrain,
    pub use_nature: UseNature,
    pub invoice_on: Option<Date>,
    pub delivered_on: Option<Date>,
    pub sale_price: Option<Money>,
    pub odometer_km: i64,
    /// Problems that do not block saving, such as a plate colour that does not fit the powertrain.
    pub warnings: Vec<Violation>,
}

pub const ODOMETER_MAX: i64 = 2_000_000;

pub fn validate(input: &VehicleInput, today: Date) -> Result<ValidVehicle, Violations> {
    let mut violations = Violations::new();
    let vin = violations.check(Vin::parse("vin", &input.vin));
    let plate =
        if input.plate.trim().is_empty() { None } else { violations.check(Plate::parse("plate", &input.plate)) };
    let powertrain = match input.powertrain.trim() {
        "" => Some(Powertrain::Ice),
        text => match POWERTRAINS.iter().find(|(name, _)| *name == text) {
            Some((_, powertrain)) => Some(*powertrain),
            None => {
                violations.push(Violation::new("powertrain", "unknown_value").with("detail", text));
                None
            }
        },
    };
    let use_nature = match input.use_nature.trim() {
        "" => Some(UseNature::Private),
        text => {
            let nature = UseNature::parse(text);
            if nature.is_none() {
                violations.push(Violation::new("use_nature", "unknown_value").with("detail", text));
            }
            nature
        }
    };
    let invoice_on = past_date(&mut violations, "invoice_on", input.invoice_on.as_deref(), today);
    let delivered_on = past_date(&mut violations, "delivered_on", input.delivered_on.as_deref(), today);
    let sale_price = match input.sale_price.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => match Money::parse("sale_price", text) {
            Ok(price) if price.is_negative() => {
                violations.push(Violation::new("sale_price", "out_of_range").with("min", 0));
                None
            }
            Ok(price) => Some(price),
            Err(violation) => {
                violations.push(violation);
                None
            }
        },
    };
    let odometer_km = input.odometer_km.unwrap_or(0);
    if !(0..=ODOMETER_MAX).contains(&odometer_km) {
        violations.push(Violation::new("odometer_km", "out_of_range").with("min", 0).with("max", ODOMETER_MAX));
    }
    for (field, value, max) in [
        ("brand", &input.brand, 50),
        ("model", &input.model, 100),
        ("vehicle_type", &input.vehicle_type, 50),
        ("color", &input.color, 30),
        ("engine_no", &input.engine_no, 50),
    ] {
        if value.chars().count() > max {
            violations.push(Violation::new(field, "too_long").with("max", max));
        }
    }
    let mut warnings = Vec::new();
    if let (Some(plate), Some(powertrain)) = (&plate, powertrain)
        && let Some(warning) = plate_matches_powertrain(plate, powertrain)
    {
        warnings.push(warning);
    }
    violations.finish(|| ValidVehicle {
        vin: vin.expect("checked"),
        plate,
        brand: input.brand.trim().to_string(),
        model: input.model.trim().to_string(),
        vehicle_type: input.vehicle_type.trim().to_string(),
        color: input.color.trim().to_string(),
        engine_no: input.engine_no.trim().to_uppercase(),
        powertrain: powertrain.expect("checked"),
        use_nature: use_nature.expect("checked"),
        invoice_on,
        delivered_on,
        sale_price,
        odometer_km,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_bad_vin_names_the_expected_check_digit() {
        let input = VehicleInput { vin: "1HGCM82633A004353".into(), ..VehicleInput::default() };
        let violations = validate(&input, date(2024, 5, 13)).unwrap_err();
        let vin = violations.iter().find(|v| v.field == "vin").unwrap();
        assert_eq!(vin.code, "vin_check_digit");
        assert_eq!(vin.params["expected"], "5");
    }

    #[test]
    fn a_valid_vehicle_is_normalised() {
        let input = VehicleInput {
            vin: " 1hgcm82633a004352 ".into(),
            plate: "京a·d12345".into(),
            powertrain: "bev".into(),
            sale_price: Some("200000".into()),
            ..VehicleInput::default()
        };
        let vehicle = validate(&input, date(2024, 5, 13)).unwrap();
        assert_eq!(vehicle.vin.as_str(), "1HGCM82633A004352");
        assert!(vehicle.plate.unwrap().is_new_energy());
        assert_eq!(vehicle.sale_price.unwrap().to_string(), "200000.00");
        assert!(vehicle.warnings.is_empty());
    }
}
