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

/// The steps of the chain a goodwill claim needs, in order: every step from the lowest limit up to and
/// including the first whose limit covers what the dealer and the manufacturer carry (a service manager
/// approves first, the store or the group above). An amount above every limit needs the whole chain. An
/// empty chain needs no approval.
pub fn required_steps(chain: &[ApprovalLimit], shares: &GoodwillShares) -> Vec<ApprovalLimit> {
    let amount = shares.manufacturer + shares.dealer;
    let mut ordered: Vec<ApprovalLimit> = chain.to_vec();
    ordered.sort_by_key(|limit| limit.up_to);
    match ordered.iter().position(|limit| amount <= limit.up_to) {
        Some(last) => ordered.into_iter().take(last + 1).collect(),
        None => ordered,
    }
}

/// The decision of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDecision {
    pub role: String,
    pub approved: bool,
    /// The amount (dealer + manufacturer) the step decided on.
    pub amount: Money,
}

/// Where a goodwill claim stands in its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ChainState {
    /// Every required step approved this amount: the claim may be submitted.
    Approved,
    /// A step refused: the claim is not submitted as it is.
    Refused { role: String },
    /// The next step to decide.
    Waiting { role: String },
}

/// Reads the decisions against the steps the amount needs. Decisions on another amount do not count (the
/// claim was changed since); the latest decision of a role counts.
pub fn chain_state(steps: &[ApprovalLimit], decisions: &[StepDecision], amount: Money) -> ChainState {
    for step in steps {
        let latest = decisions.iter().rev().find(|d| d.role == step.role && d.amount == amount);
        match latest {
            Some(decision) if decision.approved => continue,
            Some(_) => return ChainState::Refused { role: step.role.clone() },
            None => return ChainState::Waiting { role: step.role.clone() },
        }
    }
    ChainState::Approved
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

    #[test]
    fn the_chain_runs_from_the_lowest_step_to_the_first_that_covers_the_amount() {
        let chain = vec![
            ApprovalLimit { role: "group_admin".into(), up_to: Money::yuan(50_000) },
            ApprovalLimit { role: "supervisor".into(), up_to: Money::yuan(2_000) },
        ];
        let roles = |total: i64| {
            let shares = split(Money::yuan(total), &percent("50", "30", "20")).unwrap();
            required_steps(&chain, &shares).into_iter().map(|s| s.role).collect::<Vec<_>>()
        };
        assert_eq!(roles(2_500), vec!["supervisor"], "2,000 carried by dealer and manufacturer");
        assert_eq!(roles(5_000), vec!["supervisor", "group_admin"]);
        assert_eq!(roles(100_000), vec!["supervisor", "group_admin"], "above every limit: the whole chain");
        assert!(required_steps(&[], &split(Money::yuan(100), &percent("100", "0", "0")).unwrap()).is_empty());
    }

    #[test]
    fn a_step_counts_only_for_the_amount_it_approved() {
        let steps = vec![
            ApprovalLimit { role: "supervisor".into(), up_to: Money::yuan(2_000) },
            ApprovalLimit { role: "group_admin".into(), up_to: Money::yuan(50_000) },
        ];
        let amount = Money::yuan(4_000);
        let decided =
            |role: &str, approved, yuan| StepDecision { role: role.into(), approved, amount: Money::yuan(yuan) };
        assert_eq!(chain_state(&steps, &[], amount), ChainState::Waiting { role: "supervisor".into() });
        let one = [decided("supervisor", true, 4_000)];
        assert_eq!(chain_state(&steps, &one, amount), ChainState::Waiting { role: "group_admin".into() });
        let both = [decided("supervisor", true, 4_000), decided("group_admin", true, 4_000)];
        assert_eq!(chain_state(&steps, &both, amount), ChainState::Approved);
        assert_eq!(
            chain_state(&steps, &both, Money::yuan(4_500)),
            ChainState::Waiting { role: "supervisor".into() },
            "changed since"
        );
        let refused = [decided("supervisor", true, 4_000), decided("group_admin", false, 4_000)];
        assert_eq!(chain_state(&steps, &refused, amount), ChainState::Refused { role: "group_admin".into() });
        assert_eq!(chain_state(&[], &[], amount), ChainState::Approved);
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
