//! 预授权: the manufacturer's approval of a warranty repair before work starts. A request freezes the amount and
//! the reasons; the manufacturer approves (with its approval number) or refuses (with a reason); an approval
//! lets the repair order start as long as its warranty work has not grown beyond what was approved.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::violation::Violation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreauthState {
    Requested,
    Approved,
    Refused,
    Cancelled,
}

impl PreauthState {
    pub const ALL: [PreauthState; 4] =
        [PreauthState::Requested, PreauthState::Approved, PreauthState::Refused, PreauthState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            PreauthState::Requested => "requested",
            PreauthState::Approved => "approved",
            PreauthState::Refused => "refused",
            PreauthState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<PreauthState> {
        PreauthState::ALL.into_iter().find(|state| state.as_str() == text)
    }
}

/// `approve`, `refuse` or `cancel` from `requested`; every other move is `illegal_transition`. A refusal
/// needs its reason.
pub fn transition(state: PreauthState, action: &str, reason: &str) -> Result<PreauthState, Violation> {
    let next = match (state, action) {
        (PreauthState::Requested, "approve") => PreauthState::Approved,
        (PreauthState::Requested, "refuse") if reason.trim().is_empty() => {
            return Err(Violation::new("reason", "required"));
        }
        (PreauthState::Requested, "refuse") => PreauthState::Refused,
        (PreauthState::Requested, "cancel") => PreauthState::Cancelled,
        _ => {
            return Err(Violation::new("state", "illegal_transition")
                .with("from", state.as_str())
                .with("action", action));
        }
    };
    Ok(next)
}

/// The actions a state allows, for the buttons of the request's page.
pub fn actions(state: PreauthState) -> Vec<&'static str> {
    ["approve", "refuse", "cancel"].into_iter().filter(|a| transition(state, a, "x").is_ok()).collect()
}

/// What a repair order's warranty work needs before it may start: `None` when it may start; otherwise the
/// violation that stops it. `approved` is the largest amount an approved request of the order covers.
pub fn may_start(needed: bool, approved: Option<Money>, pending: bool, amount: Money) -> Result<(), Violation> {
    if !needed {
        return Ok(());
    }
    match approved {
        Some(covered) if amount <= covered => Ok(()),
        Some(covered) => {
            Err(Violation::new("preauth", "preauth_exceeded").with("approved", covered).with("amount", amount))
        }
        None if pending => Err(Violation::new("preauth", "preauth_pending").with("amount", amount)),
        None => Err(Violation::new("preauth", "preauth_required").with("amount", amount)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_approved_refused_with_a_reason_or_cancelled_once() {
        assert_eq!(transition(PreauthState::Requested, "approve", "").unwrap(), PreauthState::Approved);
        assert_eq!(transition(PreauthState::Requested, "refuse", "").unwrap_err().field, "reason");
        assert_eq!(transition(PreauthState::Requested, "refuse", "非质量问题").unwrap(), PreauthState::Refused);
        for state in [PreauthState::Approved, PreauthState::Refused, PreauthState::Cancelled] {
            assert_eq!(transition(state, "approve", "").unwrap_err().code, "illegal_transition");
            assert!(actions(state).is_empty());
        }
        assert_eq!(actions(PreauthState::Requested), vec!["approve", "refuse", "cancel"]);
        assert_eq!(PreauthState::parse("refused"), Some(PreauthState::Refused));
    }

    #[test]
    fn work_waits_for_an_approval_that_covers_it() {
        let amount = Money::yuan(6_000);
        assert!(may_start(false, None, false, amount).is_ok());
        assert_eq!(may_start(true, None, false, amount).unwrap_err().code, "preauth_required");
        assert_eq!(may_start(true, None, true, amount).unwrap_err().code, "preauth_pending");
        assert!(may_start(true, Some(Money::yuan(6_000)), false, amount).is_ok());
        assert_eq!(may_start(true, Some(Money::yuan(5_500)), false, amount).unwrap_err().code, "preauth_exceeded");
    }
}
