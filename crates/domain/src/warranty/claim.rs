//! A warranty claim's kinds and states (索赔申请).

use serde::{Deserialize, Serialize};

use crate::violation::Violation;

/// What the manufacturer is asked to pay for (W2, W9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// A quality repair under warranty.
    Repair,
    /// 首保: the first free maintenance.
    FirstMaintenance,
    /// 定保 the manufacturer pays for.
    ScheduledMaintenance,
    /// 技术咨询.
    TechnicalConsultation,
    /// Special or temporary services the manufacturer orders.
    SpecialService,
    /// 召回/服务活动 work.
    Campaign,
    /// 善意索赔 outside the periods, split between manufacturer, dealer and customer.
    Goodwill,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 7] = [
        ClaimKind::Repair,
        ClaimKind::FirstMaintenance,
        ClaimKind::ScheduledMaintenance,
        ClaimKind::TechnicalConsultation,
        ClaimKind::SpecialService,
        ClaimKind::Campaign,
        ClaimKind::Goodwill,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Repair => "repair",
            ClaimKind::FirstMaintenance => "first_maintenance",
            ClaimKind::ScheduledMaintenance => "scheduled_maintenance",
            ClaimKind::TechnicalConsultation => "technical_consultation",
            ClaimKind::SpecialService => "special_service",
            ClaimKind::Campaign => "campaign",
            ClaimKind::Goodwill => "goodwill",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimKind> {
        ClaimKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Repairs name a fault; maintenance and consultation do not.
    pub fn needs_fault(self) -> bool {
        matches!(self, ClaimKind::Repair | ClaimKind::Goodwill | ClaimKind::Campaign)
    }
}

/// The states of a claim. A submitted claim is never deleted; a change after submission makes a new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Draft,
    /// Passed the mis-claim checks (warnings overridden with a reason).
    Checked,
    Submitted,
    Approved,
    PartlyApproved,
    Rejected,
    /// Returned by the manufacturer for correction (退回), to be resubmitted.
    Returned,
    Resubmitted,
    Settled,
    /// Withdrawn before submission.
    Cancelled,
}

impl ClaimState {
    pub const ALL: [ClaimState; 10] = [
        ClaimState::Draft,
        ClaimState::Checked,
        ClaimState::Submitted,
        ClaimState::Approved,
        ClaimState::PartlyApproved,
        ClaimState::Rejected,
        ClaimState::Returned,
        ClaimState::Resubmitted,
        ClaimState::Settled,
        ClaimState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimState::Draft => "draft",
            ClaimState::Checked => "checked",
            ClaimState::Submitted => "submitted",
            ClaimState::Approved => "approved",
            ClaimState::PartlyApproved => "partly_approved",
            ClaimState::Rejected => "rejected",
            ClaimState::Returned => "returned",
            ClaimState::Resubmitted => "resubmitted",
            ClaimState::Settled => "settled",
            ClaimState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimState> {
        ClaimState::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The claim has left the dealer: its content is frozen and changes make a new version.
    pub fn is_submitted(self) -> bool {
        !matches!(self, ClaimState::Draft | ClaimState::Checked | ClaimState::Cancelled)
    }

    /// Waiting for the manufacturer.
    pub fn awaits_manufacturer(self) -> bool {
        matches!(self, ClaimState::Submitted | ClaimState::Resubmitted)
    }
}

/// What can happen to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimAction {
    /// Run the mis-claim checks; blocking findings stop here.
    Check,
    /// Back to draft for editing (before submission).
    Edit,
    Submit,
    /// The manufacturer's decision (state follows from the lines).
    Decide,
    /// The manufacturer sends it back for correction.
    Return,
    Resubmit,
    /// Payment matched (finance).
    Settle,
    Cancel,
}

impl ClaimAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimAction::Check => "check",
            ClaimAction::Edit => "edit",
            ClaimAction::Submit => "submit",
            ClaimAction::Decide => "decide",
            ClaimAction::Return => "return",
            ClaimAction::Resubmit => "resubmit",
            ClaimAction::Settle => "settle",
            ClaimAction::Cancel => "cancel",
        }
    }
}

/// The state after an action, or `illegal_transition`. `Decide` lands on the outcome of the decision.
pub fn transition(
    state: ClaimState,
    action: ClaimAction,
    decided: Option<ClaimState>,
) -> Result<ClaimState, Violation> {
    use ClaimAction as A;
    use ClaimState as S;
    let next = match (state, action) {
        (S::Draft, A::Check) => Some(S::Checked),
        (S::Checked, A::Edit) => Some(S::Draft),
        (S::Checked, A::Submit) => Some(S::Submitted),
        (S::Submitted | S::Resubmitted, A::Decide) => {
            decided.filter(|outcome| matches!(outcome, S::Approved | S::PartlyApproved | S::Rejected))
        }
        (S::Submitted | S::Resubmitted, A::Return) => Some(S::Returned),
        // A rejected or cut claim may go back with more evidence (复议 is the settlement appeal; this is the
        // claim's own resubmission).
        (S::Returned | S::Rejected | S::PartlyApproved, A::Resubmit) => Some(S::Resubmitted),
        (S::Approved | S::PartlyApproved, A::Settle) => Some(S::Settled),
        (S::Draft | S::Checked, A::Cancel) => Some(S::Cancelled),
        _ => None,
    };
    next.ok_or_else(|| {
        Violation::new("state", "illegal_transition").with("from", state.as_str()).with("action", action.as_str())
    })
}

/// The actions a state allows, for the buttons of a claim's page (never one that would fail).
pub fn actions(state: ClaimState) -> Vec<ClaimAction> {
    use ClaimAction as A;
    [A::Check, A::Edit, A::Submit, A::Decide, A::Return, A::Resubmit, A::Settle, A::Cancel]
        .into_iter()
        .filter(|action| {
            let outcome = (*action == A::Decide).then_some(ClaimState::Approved);
            transition(state, *action, outcome).is_ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_goes_from_draft_to_settled() {
        let mut state = ClaimState::Draft;
        for (action, outcome) in [
            (ClaimAction::Check, None),
            (ClaimAction::Submit, None),
            (ClaimAction::Decide, Some(ClaimState::PartlyApproved)),
            (ClaimAction::Settle, None),
        ] {
            state = transition(state, action, outcome).unwrap();
        }
        assert_eq!(state, ClaimState::Settled);
    }

    #[test]
    fn a_returned_claim_is_resubmitted_and_decided_again() {
        let state = transition(ClaimState::Submitted, ClaimAction::Return, None).unwrap();
        let state = transition(state, ClaimAction::Resubmit, None).unwrap();
        assert_eq!(transition(state, ClaimAction::Decide, Some(ClaimState::Approved)).unwrap(), ClaimState::Approved);
    }

    #[test]
    fn a_submitted_claim_cannot_be_cancelled_or_edited() {
        for action in [ClaimAction::Cancel, ClaimAction::Edit, ClaimAction::Check] {
            let error = transition(ClaimState::Submitted, action, None).unwrap_err();
            assert_eq!(error.code, "illegal_transition");
        }
        assert!(ClaimState::Submitted.is_submitted());
        assert!(!ClaimState::Checked.is_submitted());
    }

    #[test]
    fn a_decision_must_be_an_outcome() {
        assert!(transition(ClaimState::Submitted, ClaimAction::Decide, Some(ClaimState::Settled)).is_err());
        assert!(transition(ClaimState::Submitted, ClaimAction::Decide, None).is_err());
    }

    #[test]
    fn every_offered_action_is_legal() {
        for state in ClaimState::ALL {
            for action in actions(state) {
                let outcome = (action == ClaimAction::Decide).then_some(ClaimState::Rejected);
                assert!(transition(state, action, outcome).is_ok(), "{state:?} {action:?}");
            }
        }
        assert_eq!(actions(ClaimState::Settled), Vec::<ClaimAction>::new());
    }
}
