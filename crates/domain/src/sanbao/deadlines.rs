//! The dealer's deadlines on a replacement or return request (2021 Art 28).
//!
//! Answer within 10 working days of receiving the request, and finish a qualifying replacement or return
//! within 20 working days. The day of receipt is not counted (民法典 Art 201) and make-up working weekends
//! count [I]. A year without a holiday notice is an error, never a guess.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::sanbao::reason::Reason;
use crate::violation::Violations;

pub const REPLY_WORKING_DAYS: u32 = 10;
pub const COMPLETION_WORKING_DAYS: u32 = 20;

/// Input of `sanbao-deadlines`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesInput {
    /// The day the seller received the consumer's replacement or return request.
    pub received_on: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deadlines {
    pub received_on: Date,
    pub reply_working_days: u32,
    pub reply_due: Date,
    pub completion_working_days: u32,
    pub completion_due: Date,
    pub reasons: Vec<Reason<'static>>,
}

/// Art 28 deadlines on the given working-day calendar.
pub fn deadlines(input: &DeadlinesInput, calendar: &WorkCalendar) -> Result<Deadlines, Violations> {
    let field = |mut violation: crate::violation::Violation| {
        violation.field = "received_on".to_string();
        Violations::from(violation)
    };
    let reply_due = calendar.add_working_days(input.received_on, REPLY_WORKING_DAYS).map_err(field)?;
    let completion_due = calendar.add_working_days(input.received_on, COMPLETION_WORKING_DAYS).map_err(field)?;
    Ok(Deadlines {
        received_on: input.received_on,
        reply_working_days: REPLY_WORKING_DAYS,
        reply_due,
        completion_working_days: COMPLETION_WORKING_DAYS,
        completion_due,
        reasons: vec![
            Reason::new("art28_reply_within_10_working_days", "2021 Art 28").with(|p| {
                p.working_days = Some(REPLY_WORKING_DAYS);
                p.due = Some(reply_due);
            }),
            Reason::new("art28_complete_within_20_working_days", "2021 Art 28").with(|p| {
                p.working_days = Some(COMPLETION_WORKING_DAYS);
                p.due = Some(completion_due);
            }),
        ],
    })
}
