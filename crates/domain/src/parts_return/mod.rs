//! Parts return (旧件回运, W3): the manufacturer's return rules per brand (which replaced parts it wants
//! back, its shipping cycle, how long other parts are held before scrapping, its packing limits), the part
//! tag's and the shipment's states, and the inspection result that turns a rejected or missing part into a
//! debit on its claim. Packing itself is [`packing`].

pub mod packing;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::violation::{Violation, Violations};
pub use packing::{PackItem, PackLimits, PackedBox, pack};

/// The cycles a year divides into.
pub const CYCLES: [u32; 6] = [1, 2, 3, 4, 6, 12];

/// A brand's parts-return rules (旧件回运规则), kept with the manufacturer's warranty settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReturnRules {
    /// The shipping cycle in months (1: every month; 2, 3, 4, 6 or 12), periods aligned to January so a
    /// period never spans two years.
    pub cycle_months: u32,
    /// The shipment is due on this day of the period's last month; 0: the month's last day.
    pub ship_by_day: u32,
    /// The scheduler proposes the period's shipment this many days before its ship-by day, leaving the
    /// clerk that long to weigh, pack and ship.
    pub propose_days_before: u32,
    /// The manufacturer wants every replaced part back.
    pub return_all: bool,
    /// Otherwise: parts at or above this unit price are wanted (zero: no price rule)…
    pub min_unit_price: Money,
    /// …and parts whose number starts with one of these.
    pub part_prefixes: Vec<String>,
    /// Hazardous parts (batteries, airbags): part-number prefixes and words in the part's name.
    pub hazardous_prefixes: Vec<String>,
    pub hazardous_keywords: Vec<String>,
    /// Parts not wanted back are held this many days after tagging, then scrapped with a record.
    pub hold_days: u32,
    pub limits: PackLimits,
}

impl Default for ReturnRules {
    fn default() -> Self {
        ReturnRules {
            cycle_months: 1,
            ship_by_day: 0,
            propose_days_before: 7,
            return_all: true,
            min_unit_price: Money::ZERO,
            part_prefixes: Vec::new(),
            hazardous_prefixes: Vec::new(),
            hazardous_keywords: ["电池", "蓄电池", "气囊", "battery", "airbag"].map(String::from).to_vec(),
            hold_days: 90,
            limits: PackLimits::default(),
        }
    }
}

fn clean(list: &[String]) -> Vec<String> {
    list.iter().map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty()).collect()
}

impl ReturnRules {
    /// Trims and upper-cases the prefixes, drops empty entries.
    pub fn normalized(mut self) -> ReturnRules {
        self.part_prefixes = clean(&self.part_prefixes);
        self.hazardous_prefixes = clean(&self.hazardous_prefixes);
        self.hazardous_keywords =
            self.hazardous_keywords.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        self
    }

    pub fn validate(&self) -> Result<(), Violations> {
        let mut violations = Violations::new();
        if !CYCLES.contains(&self.cycle_months) {
            violations.push(Violation::new("cycle_months", "unknown_value").with("detail", "1, 2, 3, 4, 6, 12"));
        }
        if self.ship_by_day > 31 {
            violations.push(Violation::new("ship_by_day", "out_of_range").with("min", 0).with("max", 31));
        }
        if self.propose_days_before > 31 {
            violations.push(Violation::new("propose_days_before", "out_of_range").with("min", 0).with("max", 31));
        }
        if self.min_unit_price.is_negative() {
            violations.push(Violation::new("min_unit_price", "out_of_range").with("min", 0).with("max", "—"));
        }
        if self.hold_days > 3_650 {
            violations.push(Violation::new("hold_days", "out_of_range").with("min", 0).with("max", 3_650));
        }
        if let Err(errors) = self.limits.validate() {
            violations.0.extend(errors.0);
        }
        violations.finish(|| ())
    }

    /// Whether the manufacturer wants this part back.
    pub fn wanted(&self, part_no: &str, unit_price: Money) -> bool {
        let part_no = part_no.to_uppercase();
        self.return_all
            || (!self.min_unit_price.is_zero() && unit_price >= self.min_unit_price)
            || self.part_prefixes.iter().any(|prefix| part_no.starts_with(&prefix.to_uppercase()))
    }

    /// Whether the part is hazardous goods to ship (its number or its name says so).
    pub fn hazardous(&self, part_no: &str, name: &str) -> bool {
        let part_no = part_no.to_uppercase();
        let name = name.to_lowercase();
        self.hazardous_prefixes.iter().any(|prefix| part_no.starts_with(&prefix.to_uppercase()))
            || self.hazardous_keywords.iter().any(|word| name.contains(&word.to_lowercase()))
    }

    /// The return period a day falls in: its first and last day.
    pub fn period_of(&self, day: Date) -> (Date, Date) {
        let cycle = if CYCLES.contains(&self.cycle_months) { self.cycle_months as i8 } else { 1 };
        let first_month = (day.month() - 1) / cycle * cycle + 1;
        let start = Date::new(day.year(), first_month, 1).unwrap_or(day);
        let end = start.checked_add((i32::from(cycle)).months()).unwrap_or(start).yesterday().unwrap_or(start);
        (start, end)
    }

    /// The period's name: `2026-11`, or `2026-10~2026-12` for a longer cycle.
    pub fn period_label(&self, day: Date) -> String {
        let (start, end) = self.period_of(day);
        if start.month() == end.month() {
            start.strftime("%Y-%m").to_string()
        } else {
            format!("{}~{}", start.strftime("%Y-%m"), end.strftime("%Y-%m"))
        }
    }

    /// The day the shipment of a part tagged on `day` is due: the period's last day, or the set day of the
    /// period's last month (the month's last day when the month is shorter).
    pub fn ship_by(&self, day: Date) -> Date {
        let (_, end) = self.period_of(day);
        if self.ship_by_day == 0 || self.ship_by_day as i8 >= end.day() {
            end
        } else {
            Date::new(end.year(), end.month(), self.ship_by_day as i8).unwrap_or(end)
        }
    }

    /// The day the scheduler proposes the shipment of the period `day` falls in: `propose_days_before`
    /// days before the ship-by day, never before the period starts.
    pub fn propose_on(&self, day: Date) -> Date {
        let (start, _) = self.period_of(day);
        let ship_by = self.ship_by(day);
        ship_by.checked_sub(i64::from(self.propose_days_before).days()).unwrap_or(start).max(start)
    }

    /// A part not wanted back may be scrapped from this day.
    pub fn scrap_from(&self, tagged_on: Date) -> Date {
        tagged_on.checked_add(i64::from(self.hold_days).days()).unwrap_or(tagged_on)
    }
}

/// Where a tagged part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagState {
    /// In the parts store (索赔件库), waiting for return or for the end of its hold period.
    Stored,
    /// Listed on a shipment not yet sent.
    InShipment,
    Shipped,
    /// The manufacturer's inspection accepted it.
    Accepted,
    Rejected,
    Missing,
    Scrapped,
}

impl TagState {
    pub const ALL: [TagState; 7] = [
        TagState::Stored,
        TagState::InShipment,
        TagState::Shipped,
        TagState::Accepted,
        TagState::Rejected,
        TagState::Missing,
        TagState::Scrapped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TagState::Stored => "stored",
            TagState::InShipment => "in_shipment",
            TagState::Shipped => "shipped",
            TagState::Accepted => "accepted",
            TagState::Rejected => "rejected",
            TagState::Missing => "missing",
            TagState::Scrapped => "scrapped",
        }
    }

    pub fn parse(text: &str) -> Option<TagState> {
        TagState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A return shipment's states: proposed → packed → shipped → received → inspected, or cancelled before it
/// leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentState {
    Proposed,
    Packed,
    Shipped,
    Received,
    Inspected,
    Cancelled,
}

impl ShipmentState {
    pub const ALL: [ShipmentState; 6] = [
        ShipmentState::Proposed,
        ShipmentState::Packed,
        ShipmentState::Shipped,
        ShipmentState::Received,
        ShipmentState::Inspected,
        ShipmentState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentState::Proposed => "proposed",
            ShipmentState::Packed => "packed",
            ShipmentState::Shipped => "shipped",
            ShipmentState::Received => "received",
            ShipmentState::Inspected => "inspected",
            ShipmentState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<ShipmentState> {
        ShipmentState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentAction {
    Pack,
    /// Back to proposed to change the contents.
    Unpack,
    Ship,
    Receive,
    Inspect,
    Cancel,
}

impl ShipmentAction {
    pub const ALL: [ShipmentAction; 6] = [
        ShipmentAction::Pack,
        ShipmentAction::Unpack,
        ShipmentAction::Ship,
        ShipmentAction::Receive,
        ShipmentAction::Inspect,
        ShipmentAction::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentAction::Pack => "pack",
            ShipmentAction::Unpack => "unpack",
            ShipmentAction::Ship => "ship",
            ShipmentAction::Receive => "receive",
            ShipmentAction::Inspect => "inspect",
            ShipmentAction::Cancel => "cancel",
        }
    }

    pub fn parse(text: &str) -> Option<ShipmentAction> {
        ShipmentAction::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// The state after `action`, or `illegal_transition`.
pub fn transition(state: ShipmentState, action: ShipmentAction) -> Result<ShipmentState, Violation> {
    use ShipmentAction as A;
    use ShipmentState as S;
    match (state, action) {
        (S::Proposed, A::Pack) => Ok(S::Packed),
        (S::Packed, A::Unpack) => Ok(S::Proposed),
        (S::Packed, A::Ship) => Ok(S::Shipped),
        (S::Shipped, A::Receive) => Ok(S::Received),
        // The manufacturer may report its inspection without a separate receipt.
        (S::Shipped | S::Received, A::Inspect) => Ok(S::Inspected),
        (S::Proposed | S::Packed, A::Cancel) => Ok(S::Cancelled),
        _ => Err(Violation::new("state", "illegal_transition").with("found", state.as_str())),
    }
}

/// The actions a shipment in `state` offers.
pub fn actions(state: ShipmentState) -> Vec<ShipmentAction> {
    ShipmentAction::ALL.into_iter().filter(|a| transition(state, *a).is_ok()).collect()
}

/// The tag's state that follows the shipment's.
pub fn tag_state_for(state: ShipmentState) -> TagState {
    match state {
        ShipmentState::Proposed | ShipmentState::Packed => TagState::InShipment,
        ShipmentState::Cancelled => TagState::Stored,
        ShipmentState::Shipped | ShipmentState::Received | ShipmentState::Inspected => TagState::Shipped,
    }
}

/// The manufacturer's finding on one returned part (旧件鉴定).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inspection {
    Accepted,
    /// Not the failed part, damaged in transit, wrong part number, … (a reason is required).
    Rejected,
    /// Listed but not in the box.
    Missing,
}

impl Inspection {
    pub fn as_str(self) -> &'static str {
        match self {
            Inspection::Accepted => "accepted",
            Inspection::Rejected => "rejected",
            Inspection::Missing => "missing",
        }
    }

    pub fn parse(text: &str) -> Option<Inspection> {
        [Inspection::Accepted, Inspection::Rejected, Inspection::Missing].into_iter().find(|i| i.as_str() == text)
    }

    pub fn tag_state(self) -> TagState {
        match self {
            Inspection::Accepted => TagState::Accepted,
            Inspection::Rejected => TagState::Rejected,
            Inspection::Missing => TagState::Missing,
        }
    }
}

/// One part's result as entered or posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionInput {
    /// The tag number (旧件标签号).
    pub tag: String,
    pub result: String,
    #[serde(default)]
    pub reason: String,
}

/// Checks a shipment's inspection: every listed tag answered once, a known result, a reason for every
/// rejection. Answers the results in the order of `tags`.
pub fn check_inspection(tags: &[String], input: &[InspectionInput]) -> Result<Vec<(Inspection, String)>, Violations> {
    let mut violations = Violations::new();
    for (index, entry) in input.iter().enumerate() {
        if !tags.contains(&entry.tag) {
            violations.push(Violation::new(format!("items[{index}].tag"), "unknown_value").with("detail", &entry.tag));
        }
        if input[..index].iter().any(|earlier| earlier.tag == entry.tag) {
            violations.push(Violation::new(format!("items[{index}].tag"), "duplicate").with("detail", &entry.tag));
        }
    }
    let mut results = Vec::with_capacity(tags.len());
    for tag in tags {
        let Some((index, entry)) = input.iter().enumerate().find(|(_, e)| &e.tag == tag) else {
            violations.push(Violation::new(format!("items.{tag}"), "inspection_missing").with("tag", tag));
            continue;
        };
        match Inspection::parse(entry.result.trim()) {
            None => violations.push(
                Violation::new(format!("items[{index}].result"), "unknown_value")
                    .with("detail", "accepted, rejected, missing"),
            ),
            Some(Inspection::Rejected) if entry.reason.trim().is_empty() => {
                violations.push(Violation::new(format!("items[{index}].reason"), "required"));
            }
            Some(result) => results.push((result, entry.reason.trim().to_string())),
        }
    }
    violations.finish(|| results)
}

/// What a rejected or missing part costs the dealer: the amount the manufacturer paid (or, before its
/// decision, the amount claimed) for the part's claim line. An accepted part costs nothing.
pub fn debit(result: Inspection, line_amount: Money, line_approved: Option<Money>) -> Option<Money> {
    match result {
        Inspection::Accepted => None,
        Inspection::Rejected | Inspection::Missing => Some(line_approved.unwrap_or(line_amount)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn defaults_are_valid_and_bad_figures_are_named() {
        assert!(ReturnRules::default().validate().is_ok());
        let bad = ReturnRules {
            cycle_months: 0,
            ship_by_day: 40,
            limits: PackLimits { max_parts: 0, ..PackLimits::default() },
            ..ReturnRules::default()
        };
        let fields: Vec<String> = bad.validate().unwrap_err().iter().map(|v| v.field.clone()).collect();
        assert_eq!(fields, ["cycle_months", "ship_by_day", "limits.max_parts"]);
    }

    #[test]
    fn wanted_by_all_by_price_or_by_prefix() {
        let all = ReturnRules::default();
        assert!(all.wanted("X1", Money::yuan(1)));
        let some = ReturnRules {
            return_all: false,
            min_unit_price: Money::yuan(500),
            part_prefixes: vec!["31500-".into()],
            ..ReturnRules::default()
        };
        assert!(some.wanted("12345", Money::yuan(500)));
        assert!(!some.wanted("12345", Money::parse("p", "499.99").unwrap()));
        assert!(some.wanted("31500-abc", Money::yuan(1)));
        let none = ReturnRules { return_all: false, ..ReturnRules::default() };
        assert!(!none.wanted("31500", Money::yuan(100_000)));
    }

    #[test]
    fn batteries_and_airbags_are_hazardous() {
        let rules = ReturnRules { hazardous_prefixes: vec!["315".into()], ..ReturnRules::default() };
        assert!(rules.hazardous("31500-T2A", "启动机"));
        assert!(rules.hazardous("X", "12V 蓄电池"));
        assert!(rules.hazardous("X", "Driver AIRBAG module"));
        assert!(!rules.hazardous("X", "机油滤清器"));
    }

    #[test]
    fn monthly_and_quarterly_periods_end_on_their_last_day() {
        let monthly = ReturnRules::default();
        assert_eq!(monthly.period_of(date(2024, 2, 10)), (date(2024, 2, 1), date(2024, 2, 29)));
        assert_eq!(monthly.ship_by(date(2024, 2, 10)), date(2024, 2, 29));
        assert_eq!(monthly.period_label(date(2024, 2, 10)), "2024-02");
        let quarterly = ReturnRules { cycle_months: 3, ship_by_day: 25, ..ReturnRules::default() };
        assert_eq!(quarterly.period_of(date(2024, 11, 3)), (date(2024, 10, 1), date(2024, 12, 31)));
        assert_eq!(quarterly.ship_by(date(2024, 11, 3)), date(2024, 12, 25));
        assert_eq!(quarterly.period_label(date(2024, 11, 3)), "2024-10~2024-12");
        let late = ReturnRules { ship_by_day: 30, ..ReturnRules::default() };
        assert_eq!(late.ship_by(date(2023, 2, 1)), date(2023, 2, 28));
    }

    #[test]
    fn the_shipment_is_proposed_a_set_number_of_days_before_it_is_due() {
        let monthly = ReturnRules::default();
        assert_eq!(monthly.propose_on(date(2024, 5, 2)), date(2024, 5, 24), "seven days before the 31st");
        let quarterly = ReturnRules { cycle_months: 3, ship_by_day: 25, ..ReturnRules::default() };
        assert_eq!(quarterly.propose_on(date(2024, 10, 9)), date(2024, 12, 18));
        let early = ReturnRules { ship_by_day: 3, propose_days_before: 10, ..ReturnRules::default() };
        assert_eq!(early.propose_on(date(2024, 5, 20)), date(2024, 5, 1), "never before the period starts");
        let same_day = ReturnRules { propose_days_before: 0, ..ReturnRules::default() };
        assert_eq!(same_day.propose_on(date(2024, 2, 1)), date(2024, 2, 29));
        let bad = ReturnRules { propose_days_before: 32, ..ReturnRules::default() };
        assert_eq!(bad.validate().unwrap_err().iter().next().map(|v| v.field.as_str()), Some("propose_days_before"));
    }

    #[test]
    fn every_day_of_a_year_falls_in_a_period_that_holds_it() {
        for cycle in CYCLES {
            let rules = ReturnRules { cycle_months: cycle, ..ReturnRules::default() };
            let mut day = date(2024, 1, 1);
            while day.year() == 2024 {
                let (start, end) = rules.period_of(day);
                assert!(start <= day && day <= end && end.year() == 2024, "{cycle} {day}");
                day = day.tomorrow().unwrap();
            }
        }
    }

    #[test]
    fn the_hold_period_counts_from_tagging() {
        let rules = ReturnRules { hold_days: 90, ..ReturnRules::default() };
        assert_eq!(rules.scrap_from(date(2024, 1, 1)), date(2024, 3, 31));
    }

    #[test]
    fn shipment_states_go_one_way_and_cancel_only_before_shipping() {
        use ShipmentAction as A;
        use ShipmentState as S;
        let mut state = S::Proposed;
        for action in [A::Pack, A::Ship, A::Receive, A::Inspect] {
            state = transition(state, action).unwrap();
        }
        assert_eq!(state, S::Inspected);
        assert!(actions(S::Inspected).is_empty());
        assert_eq!(actions(S::Proposed), vec![A::Pack, A::Cancel]);
        assert_eq!(actions(S::Packed), vec![A::Unpack, A::Ship, A::Cancel]);
        assert!(transition(S::Shipped, A::Cancel).is_err());
        assert_eq!(transition(S::Shipped, A::Inspect), Ok(S::Inspected));
        // Exhaustive: every legal move keeps the tags in a state that matches.
        for from in S::ALL {
            for action in A::ALL {
                if let Ok(to) = transition(from, action) {
                    assert_ne!(from, to);
                    assert_ne!(tag_state_for(to), TagState::Scrapped);
                }
            }
        }
    }

    #[test]
    fn an_inspection_answers_every_tag_and_gives_reasons() {
        let tags = vec!["T1".to_string(), "T2".to_string(), "T3".to_string()];
        let entry = |tag: &str, result: &str, reason: &str| InspectionInput {
            tag: tag.into(),
            result: result.into(),
            reason: reason.into(),
        };
        let results = check_inspection(
            &tags,
            &[entry("T2", "rejected", "非故障件"), entry("T1", "accepted", ""), entry("T3", "missing", "")],
        )
        .unwrap();
        assert_eq!(
            results,
            vec![
                (Inspection::Accepted, String::new()),
                (Inspection::Rejected, "非故障件".into()),
                (Inspection::Missing, String::new())
            ]
        );
        let errors = check_inspection(
            &tags,
            &[
                entry("T1", "rejected", " "),
                entry("T9", "accepted", ""),
                entry("T2", "lost", ""),
                entry("T1", "accepted", ""),
            ],
        )
        .unwrap_err();
        let found: Vec<(String, &str)> = errors.iter().map(|v| (v.field.clone(), v.code)).collect();
        assert_eq!(
            found,
            vec![
                ("items[1].tag".to_string(), "unknown_value"),
                ("items[3].tag".to_string(), "duplicate"),
                ("items[0].reason".to_string(), "required"),
                ("items[2].result".to_string(), "unknown_value"),
                ("items.T3".to_string(), "inspection_missing"),
            ]
        );
    }

    #[test]
    fn rejected_and_missing_parts_cost_what_was_paid() {
        let claimed = Money::yuan(800);
        assert_eq!(debit(Inspection::Accepted, claimed, None), None);
        assert_eq!(debit(Inspection::Rejected, claimed, Some(Money::yuan(600))), Some(Money::yuan(600)));
        assert_eq!(debit(Inspection::Missing, claimed, None), Some(claimed));
    }
}
