//! Money on a replacement or return: the consumer's use compensation (2021 Art 27; 2013 Art 25) and the
//! seller's refund of losses (2021 Art 26).
//!
//! 补偿费 = 车价款 × 行驶里程 / 1000 × n. The manufacturer sets n on the 三包凭证: 2021 n ≤ 0.5 %, 2013
//! 0.5 % ≤ n ≤ 0.8 %. Only Art 24 replacements and returns carry it; Art 22 and Art 23 ones are free. Sums
//! stay exact and round half-up to the fen only at the end.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::money::Money;
use crate::sanbao::reason::Reason;
use crate::sanbao::version::{Provision, Version, article};
use crate::violation::{Violation, Violations};

/// n of Art 27 in percent (补偿系数): `"0.5"` means 0.5 %, i.e. 0.005 of the price per 1,000 km.
///
/// JSON carries a string of at most 4 decimal places, optionally ending in `%`; numbers are refused so that
/// nobody sends the fraction 0.005 by mistake through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Rate(Decimal);

impl Rate {
    pub fn percent(self) -> Decimal {
        self.0
    }

    /// Parses `"0.5"` or `"0.5%"`.
    pub fn parse(text: &str) -> Option<Rate> {
        let trimmed = text.trim();
        let number = trimmed.strip_suffix('%').unwrap_or(trimmed).trim();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let value: Decimal = number.parse().ok()?;
        (value.scale() <= 4).then_some(Rate(value.normalize()))
    }

    /// The legal range of n for a version, in percent: 2021 [0, 0.5], 2013 [0.5, 0.8].
    pub fn legal_range(version: Version) -> (Decimal, Decimal) {
        match version {
            Version::V2021 => (Decimal::ZERO, Decimal::new(5, 1)),
            Version::V2013 => (Decimal::new(5, 1), Decimal::new(8, 1)),
        }
    }

    /// A field violation when n is outside the version's range.
    pub fn check(self, field: &str, version: Version) -> Result<Rate, Violation> {
        let (min, max) = Rate::legal_range(version);
        if self.0 < min || self.0 > max {
            return Err(Violation::new(field, "use_compensation_rate_out_of_range")
                .with("min", min)
                .with("max", max)
                .with("found", self.0)
                .with("version", version.as_str()));
        }
        Ok(self)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rate, D::Error> {
        let text = String::deserialize(deserializer)?;
        Rate::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("rate_format: {text}")))
    }
}

/// The ground of a replacement or return, which decides whether use compensation is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplacementGround {
    /// 2021 Art 22: free (no 2013 counterpart).
    SevenDay,
    /// 2021 Art 23 / 2013 Art 20: free.
    SixtyDaySafety,
    /// 2021 Art 24 / 2013 Art 20–21: use compensation is charged.
    SanbaoPeriod,
}

impl ReplacementGround {
    pub fn is_free(self) -> bool {
        self != ReplacementGround::SanbaoPeriod
    }

    fn provision(self) -> Provision {
        match self {
            ReplacementGround::SevenDay => Provision::SevenDay,
            ReplacementGround::SixtyDaySafety => Provision::SixtyDaySafety,
            ReplacementGround::SanbaoPeriod => Provision::UseCompensation,
        }
    }
}

/// Input of `sanbao-use-compensation`: give `version` or `period_start` (the version follows from it).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseCompensationInput {
    #[serde(default)]
    pub version: Option<Version>,
    #[serde(default)]
    pub period_start: Option<jiff::civil::Date>,
    pub ground: ReplacementGround,
    /// 车价款 in yuan.
    pub price: Money,
    /// 行驶里程 in km since the period start.
    pub mileage_km: u32,
    /// n in percent, as a string: `"0.5"` is 0.5 %.
    pub n: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UseCompensation {
    pub version: Version,
    pub ground: ReplacementGround,
    pub article: &'static str,
    pub price: Money,
    pub mileage_km: u32,
    pub n_percent: Rate,
    /// False for the free grounds (Art 22, Art 23).
    pub applies: bool,
    /// price × km / 1000 × n / 100, exact, before rounding.
    pub exact: Decimal,
    pub use_compensation: Money,
    pub reasons: Vec<Reason<'static>>,
}

/// Art 27 / 2013 Art 25 use compensation; a field violation on `n` outside the version's range.
pub fn use_compensation(input: &UseCompensationInput) -> Result<UseCompensation, Violations> {
    let mut violations = Violations::new();
    let version = match (input.version, input.period_start) {
        (Some(version), None) => Some(version),
        (None, Some(start)) => Some(Version::for_period_start(start)),
        _ => {
            violations.push(Violation::new("version", "sanbao_version_or_period_start"));
            None
        }
    };
    if input.price.is_negative() {
        violations.push(Violation::new("price", "sanbao_amount_negative").with("found", input.price));
    }
    let Some(version) = version else { return Err(violations) };
    violations.check(input.n.check("n", version));
    if version == Version::V2013 && input.ground == ReplacementGround::SevenDay {
        violations.push(Violation::new("ground", "sanbao_ground_not_in_version").with("version", version.as_str()));
    }
    let exact = if input.ground.is_free() {
        Decimal::ZERO
    } else {
        match compensation_exact(input.price, input.mileage_km, input.n) {
            Some(exact) => exact,
            None => {
                violations.push(Violation::new("price", "sanbao_amount_too_large"));
                Decimal::ZERO
            }
        }
    };
    violations.finish(|| {
        let applies = !input.ground.is_free();
        UseCompensation {
            version,
            ground: input.ground,
            article: article(version, input.ground.provision()),
            price: input.price,
            mileage_km: input.mileage_km,
            n_percent: input.n,
            applies,
            exact,
            use_compensation: Money::round(exact),
            reasons: vec![
                Reason::new(
                    if applies { "art27_use_compensation" } else { "art27_free_remedy_no_compensation" },
                    article(version, Provision::UseCompensation),
                )
                .with(|p| {
                    p.amount = Some(Money::round(exact));
                    p.km = Some(input.mileage_km);
                }),
            ],
        }
    })
}

/// price × km / 1000 × n%, exactly; `None` on overflow.
pub fn compensation_exact(price: Money, mileage_km: u32, n: Rate) -> Option<Decimal> {
    price
        .decimal()
        .checked_mul(Decimal::from(mileage_km))?
        .checked_mul(n.percent())?
        .checked_div(Decimal::from(100_000))
}

/// An add-on or decoration the seller charged for, with the agreed depreciation (Art 26).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddOn {
    #[serde(default)]
    pub description: Option<String>,
    pub charged: Money,
    #[serde(default)]
    pub depreciation: Money,
}

/// Input of `sanbao-seller-refund`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SellerRefundInput {
    /// 车辆登记费.
    #[serde(default)]
    pub registration_fee: Money,
    /// Service fees the seller collected (服务费).
    #[serde(default)]
    pub service_fees: Vec<Money>,
    /// Add-ons and decoration (加装、装饰) the seller collected, less depreciation.
    #[serde(default)]
    pub add_ons: Vec<AddOn>,
    /// For a return: the price to refund and the Art 27 compensation to deduct.
    #[serde(default)]
    pub price: Option<Money>,
    #[serde(default)]
    pub use_compensation: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddOnRefund {
    pub charged: Money,
    pub depreciation: Money,
    pub refund: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SellerRefund {
    pub registration_fee: Money,
    pub service_fees: Money,
    pub add_ons: Vec<AddOnRefund>,
    pub add_ons_total: Money,
    /// What the seller pays for losses (Art 26).
    pub losses: Money,
    /// price − use compensation, when the price was given (a return).
    pub price_refund: Option<Money>,
    /// losses + price refund, when the price was given.
    pub total: Option<Money>,
    pub reasons: Vec<Reason<'static>>,
}

/// Art 26: registration fee + service fees + (add-ons − depreciation).
pub fn seller_refund(input: &SellerRefundInput) -> Result<SellerRefund, Violations> {
    let mut violations = Violations::new();
    let mut non_negative = |field: String, amount: Money| {
        if amount.is_negative() {
            violations.push(Violation::new(field, "sanbao_amount_negative").with("found", amount));
        }
    };
    non_negative("registration_fee".into(), input.registration_fee);
    for (index, fee) in input.service_fees.iter().enumerate() {
        non_negative(format!("service_fees[{index}]"), *fee);
    }
    for (index, add_on) in input.add_ons.iter().enumerate() {
        non_negative(format!("add_ons[{index}].charged"), add_on.charged);
        non_negative(format!("add_ons[{index}].depreciation"), add_on.depreciation);
    }
    if let Some(price) = input.price {
        non_negative("price".into(), price);
    }
    if let Some(compensation) = input.use_compensation {
        non_negative("use_compensation".into(), compensation);
    }
    for (index, add_on) in input.add_ons.iter().enumerate() {
        if add_on.depreciation > add_on.charged {
            violations.push(
                Violation::new(format!("add_ons[{index}].depreciation"), "sanbao_depreciation_exceeds_charge")
                    .with("charged", add_on.charged)
                    .with("found", add_on.depreciation),
            );
        }
    }
    if let (Some(price), Some(compensation)) = (input.price, input.use_compensation)
        && compensation > price
    {
        violations.push(
            Violation::new("use_compensation", "sanbao_compensation_exceeds_price")
                .with("price", price)
                .with("found", compensation),
        );
    }
    if input.use_compensation.is_some() && input.price.is_none() {
        violations.push(Violation::new("price", "required"));
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let too_large = || Violations::from(Violation::new("", "sanbao_amount_too_large"));
    let service_fees = checked_sum(input.service_fees.iter().map(|fee| fee.decimal())).ok_or_else(too_large)?;
    let add_ons: Vec<AddOnRefund> = input
        .add_ons
        .iter()
        .map(|add_on| AddOnRefund {
            charged: add_on.charged,
            depreciation: add_on.depreciation,
            refund: add_on.charged - add_on.depreciation,
        })
        .collect();
    let add_ons_total = checked_sum(add_ons.iter().map(|add_on| add_on.refund.decimal())).ok_or_else(too_large)?;
    let losses = checked_sum([input.registration_fee.decimal(), service_fees, add_ons_total].into_iter())
        .ok_or_else(too_large)?;
    let price_refund = input.price.map(|price| price - input.use_compensation.unwrap_or(Money::ZERO));
    let total = match price_refund {
        Some(refund) => Some(Money::round(losses.checked_add(refund.decimal()).ok_or_else(too_large)?)),
        None => None,
    };
    let losses_money = Money::round(losses);
    let mut reasons = vec![Reason::new("art26_seller_losses", "2021 Art 26").with(|p| p.amount = Some(losses_money))];
    if let Some(refund) = price_refund {
        reasons
            .push(Reason::new("art26_price_refund_less_compensation", "2021 Art 27").with(|p| p.amount = Some(refund)));
    }
    Ok(SellerRefund {
        registration_fee: input.registration_fee,
        service_fees: Money::round(service_fees),
        add_ons,
        add_ons_total: Money::round(add_ons_total),
        losses: losses_money,
        price_refund,
        total,
        reasons,
    })
}

fn checked_sum(mut amounts: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    amounts.try_fold(Decimal::ZERO, |total, amount| total.checked_add(amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(version: Version, n: &str) -> UseCompensationInput {
        UseCompensationInput {
            version: Some(version),
            period_start: None,
            ground: ReplacementGround::SanbaoPeriod,
            price: Money::yuan(200_000),
            mileage_km: 10_000,
            n: Rate::parse(n).unwrap(),
        }
    }

    #[test]
    fn sb23_and_sb24() {
        assert_eq!(use_compensation(&input(Version::V2021, "0.5")).unwrap().use_compensation.to_string(), "10000.00");
        assert_eq!(use_compensation(&input(Version::V2013, "0.6%")).unwrap().use_compensation.to_string(), "12000.00");
        let error = use_compensation(&input(Version::V2021, "0.6")).unwrap_err();
        assert_eq!((error.0[0].field.as_str(), error.0[0].code), ("n", "use_compensation_rate_out_of_range"));
    }

    #[test]
    fn rates_are_strict() {
        assert!(Rate::parse("0.5").is_some());
        assert!(Rate::parse("-0.5").is_none());
        assert!(Rate::parse("0.5 %").is_some());
        assert!(Rate::parse("0.00001").is_none());
        assert!(Rate::parse("1e-3").is_none());
        assert!(Rate::parse("").is_none());
    }
}
