//! Money: exact decimals in yuan, rounded half-up to the fen only at the end.
//!
//! Storage keeps integer fen; JSON carries a string with two places (`"1041.50"`).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use crate::violation::Violation;

/// An amount of CNY with exactly two decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Rounds an exact intermediate result half-up to the fen.
    pub fn round(value: Decimal) -> Money {
        Money(value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// Accepts at most two decimal places; more is an input error, never silently rounded.
    pub fn parse(field: &str, text: &str) -> Result<Money, Violation> {
        let trimmed = text.trim().replace([',', '，', '¥', '￥'], "");
        let value: Decimal = trimmed.parse().map_err(|_| Violation::new(field, "money_format").with("found", text))?;
        Money::from_decimal(field, value)
    }

    pub fn from_decimal(field: &str, value: Decimal) -> Result<Money, Violation> {
        if value.normalize().scale() > 2 {
            return Err(Violation::new(field, "money_precision").with("found", value));
        }
        let mut value = value;
        value.rescale(2);
        Ok(Money(value))
    }

    pub fn from_fen(fen: i64) -> Money {
        Money(Decimal::new(fen, 2))
    }

    pub fn yuan(whole: i64) -> Money {
        Money(Decimal::new(whole * 100, 2))
    }

    pub fn fen(self) -> i64 {
        (self.0 * Decimal::ONE_HUNDRED).to_i64().unwrap_or(i64::MAX)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn max(self, other: Money) -> Money {
        if self >= other { self } else { other }
    }

    pub fn min(self, other: Money) -> Money {
        if self <= other { self } else { other }
    }

    /// Clamps below at zero: a payout is never negative.
    pub fn non_negative(self) -> Money {
        self.max(Money::ZERO)
    }

    /// `¥12,345.67`, as lists show amounts.
    pub fn display_cny(self) -> String {
        let text = format!("{:.2}", self.0.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, "00"));
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}¥{grouped}.{frac}")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Text(text) => text,
            Raw::Int(n) => n.to_string(),
        };
        Money::parse("", &text).map_err(|_| serde::de::Error::custom(format!("money_format: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_two_places_and_refuses_three() {
        assert_eq!(Money::parse("x", "1041.5").unwrap().to_string(), "1041.50");
        assert_eq!(Money::parse("x", "¥12,345.67").unwrap().fen(), 1_234_567);
        assert_eq!(Money::parse("x", "1.005").unwrap_err().code, "money_precision");
        assert_eq!(Money::parse("x", "abc").unwrap_err().code, "money_format");
    }

    #[test]
    fn rounds_half_up_to_the_fen() {
        assert_eq!(Money::round(Decimal::new(12345, 3)).to_string(), "12.35");
        assert_eq!(Money::round(Decimal::new(-12345, 3)).to_string(), "-12.35");
        assert_eq!(Money::round(Decimal::new(12344, 3)).to_string(), "12.34");
    }

    #[test]
    fn displays_with_thousands_separators() {
        assert_eq!(Money::from_fen(1_234_567).display_cny(), "¥12,345.67");
        assert_eq!(Money::from_fen(-50).display_cny(), "-¥0.50");
        assert_eq!(Money::from_fen(100_000_000).display_cny(), "¥1,000,000.00");
    }

    proptest::proptest! {
        #[test]
        fn fen_round_trips(fen in -10_000_000_000i64..10_000_000_000) {
            let money = Money::from_fen(fen);
            proptest::prop_assert_eq!(money.fen(), fen);
            proptest::prop_assert_eq!(Money::parse("x", &money.to_string()).unwrap(), money);
        }
    }
}
