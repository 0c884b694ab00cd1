//! 善意索赔: a goodwill repair outside the periods, its cost split in percent between manufacturer, dealer and
//! customer, and the approval its amount needs.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::violation::{Violation, Violations};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodwillSplit {
    pub manufacturer_percent: Decimal,
    pub dealer_percent: Decimal,
    pub customer_percent: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GoodwillShares {
    pub manufacturer: Money,
    pub dealer: Money,
    pub customer: Money,
}

/// Splits `total` by the percentages (which add up to 100). Shares are rounded cumulatively (manufacturer,
/// then manufacturer + dealer), so they add up to the total exactly and none goes negative.
pub fn split(total: Money, split: &GoodwillSplit) -> Result<GoodwillShares, Violations> {
    let mut violations = Violations::new();
    for (field, percent) in [
        ("manufacturer_percent", split.manufacturer_percent),
        ("dealer_percent", split.dealer_percent),
        ("customer_percent", split.customer_percent),
    ] {
        if percent.is_sign_negative() || percent > Decimal::ONE_HUNDRED {
            violations.push(Violation::new(field, "out_of_range").with("min", 0).with("max", 100));
        } else if percent.normalize().scale() > 2 {
            violations.push(Violation::new(field, "decimal_places").with("max", 2).with("found", percent));
        }
    }
    let sum = split.manufacturer_percent + split.dealer_percent + split.customer_percent;
    if violations.is_empty() && sum != Decimal::ONE_HUNDRED {
        violations.push(Violation::new("split", "goodwill_split_sum").with("found", sum.normalize()));
    }
    violations.finish(|| {
        let share = |percent: Decimal| Money::round(total.decimal() * percent / Decimal::ONE_HUNDRED);
        let manufacturer = share(split.manufacturer_percent);
        let through_dealer = share(split.manufacturer_percent + split.dealer_percent);
        GoodwillShares { manufacturer, dealer: through_dealer - manufacturer, customer: total - through_dealer }
    })
}

/// One step of the approval chain the admin sets: a role that may approve up to an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalLimit {
    pub role: String,
    pub up_to: Money,
}

/// The first role in the chain whose limit covers the amount the dealer and manufacturer carry; `None`
/// means no one in the store may approve it (it goes to the manufacturer's regional office).
pub fn approver(chain: &[ApprovalLimit], shares: &GoodwillShares) -> Option<String> {
    let amount = shares.manufacturer + shares.dealer;
    let mut ordered: Vec<&ApprovalLimit> = chain.iter().collect();
    ordered.sort_by_key(|limit| limit.up_to);
    ordered.into_iter().find(|limit| amount <= limit.up_to).map(|limit| limit.role.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(m: &str, d: &str, c: &str) -> GoodwillSplit {
        GoodwillSplit {
            manufacturer_percent: m.parse().unwrap(),
            dealer_percent: d.parse().unwrap(),
            customer_percent: c.parse().unwrap(),
        }
    }

    #[test]
    fn shares_add_up_to_the_total() {
        let shares = split(Money::parse("t", "1000.01").unwrap(), &percent("33.33", "33.33", "33.34")).unwrap();
        assert_eq!(shares.manufacturer.to_string(), "333.30");
        assert_eq!(shares.manufacturer + shares.dealer + shares.customer, Money::parse("t", "1000.01").unwrap());
    }

    #[test]
    fn percentages_must_add_up_to_100() {
        let error = split(Money::yuan(100), &percent("50", "30", "10")).unwrap_err();
        assert_eq!((error.0[0].field.as_str(), error.0[0].code), ("split", "goodwill_split_sum"));
    }

    #[test]
    fn the_smallest_sufficient_limit_approves() {
        let chain = vec![
            ApprovalLimit { role: "service_manager".into(), up_to: Money::yuan(2_000) },
            ApprovalLimit { role: "store_admin".into(), up_to: Money::yuan(10_000) },
        ];
        let shares = split(Money::yuan(5_000), &percent("50", "30", "20")).unwrap();
        assert_eq!(approver(&chain, &shares).as_deref(), Some("store_admin"));
        let big = split(Money::yuan(50_000), &percent("50", "30", "20")).unwrap();
        assert_eq!(approver(&chain, &big), None);
    }

    proptest::proptest! {
        #[test]
        fn any_valid_split_adds_up(fen in 0i64..100_000_000, m in 0u32..=100, d in 0u32..=100) {
            proptest::prop_assume!(m + d <= 100);
            let total = Money::from_fen(fen);
            let parts = GoodwillSplit { manufacturer_percent: m.into(), dealer_percent: d.into(), customer_percent: (100 - m - d).into() };
            let shares = split(total, &parts).unwrap();
            proptest::prop_assert_eq!(shares.manufacturer + shares.dealer + shares.customer, total);
            proptest::prop_assert!(!shares.manufacturer.is_negative() && !shares.dealer.is_negative() && !shares.customer.is_negative());
        }
    }
}
