//! Recalls and campaigns (召回 / 质量返修 / 服务活动, W5): what a campaign is, the states of each vehicle in
//! it, and how the manufacturer's VIN list is read.
//!
//! A campaign comes from the manufacturer with a list of VINs, often a hundred thousand for a recall. The
//! list is read with the customer import's machinery ([`crate::import`]): the same cell values, header
//! matching and row-numbered errors, so a clerk reads one kind of error report for every import.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::ids::Vin;
use crate::import::{
    self, CellValue, ColumnSpec, Kind, MAX_ROWS, RowError, SAMPLE_ROWS, SampleRow, col, data_rows, find_header_in,
    required,
};
use crate::violation::{Violation, Violations};

/// What kind of action the manufacturer orders.
pub const KINDS: [&str; 3] = ["public_recall", "quality_action", "service_campaign"];

/// A campaign is open until the group admin closes it (the manufacturer's end date may pass with vehicles
/// still due: they stay flagged and on the worklist).
pub const STATES: [&str; 2] = ["open", "closed"];

/// Each vehicle of a campaign: still to do, done here, unreachable after recorded contact attempts, or done
/// by another dealer (the manufacturer's system says so, or the owner shows the work order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleState {
    Due,
    Done,
    Unreachable,
    DoneElsewhere,
}

impl VehicleState {
    pub const ALL: [VehicleState; 4] =
        [VehicleState::Due, VehicleState::Done, VehicleState::Unreachable, VehicleState::DoneElsewhere];

    pub fn as_str(self) -> &'static str {
        match self {
            VehicleState::Due => "due",
            VehicleState::Done => "done",
            VehicleState::Unreachable => "unreachable",
            VehicleState::DoneElsewhere => "done_elsewhere",
        }
    }

    pub fn parse(text: &str) -> Option<VehicleState> {
        VehicleState::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The vehicle still needs the work: it is flagged at reception and counts against the end date.
    pub fn is_open(self) -> bool {
        matches!(self, VehicleState::Due | VehicleState::Unreachable)
    }
}

/// Contact attempts recorded before a vehicle may be called unreachable (失联): the manufacturers' campaign
/// manuals ask for three documented attempts (phone, text, letter) before a dealer gives up.
pub const MIN_CONTACT_ATTEMPTS: i64 = 3;

/// The ways a dealer tries to reach an owner, and what came of a try.
pub const CHANNELS: [&str; 4] = ["phone", "sms", "letter", "visit"];
pub const OUTCOMES: [&str; 6] = ["no_answer", "wrong_number", "refused", "booked", "sold", "other"];

/// The actions on a campaign vehicle.
pub const ACTIONS: [&str; 4] = ["done", "done_elsewhere", "unreachable", "reopen"];

/// The state a vehicle moves to, or why it may not. `attempts` is the number of contacts recorded.
pub fn transition(from: VehicleState, action: &str, attempts: i64) -> Result<VehicleState, Violation> {
    let to = match action {
        "done" => VehicleState::Done,
        "done_elsewhere" => VehicleState::DoneElsewhere,
        "unreachable" => VehicleState::Unreachable,
        "reopen" => VehicleState::Due,
        other => return Err(Violation::new("action", "unknown_value").with("detail", other)),
    };
    if from == to || (action == "reopen" && from == VehicleState::Due) {
        return Err(Violation::new("action", "campaign_state_same").with("state", from.as_str()));
    }
    if to == VehicleState::Unreachable && attempts < MIN_CONTACT_ATTEMPTS {
        return Err(Violation::new("action", "campaign_contacts_needed")
            .with("needed", MIN_CONTACT_ATTEMPTS)
            .with("found", attempts));
    }
    // A vehicle done here is closed by its repair order; only a reopening (a mistake) moves it again.
    if from == VehicleState::Done && to != VehicleState::Due {
        return Err(Violation::new("action", "campaign_already_done"));
    }
    Ok(to)
}

/// One labour operation the campaign pays for (code and standard hours from the manufacturer's bulletin).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignOp {
    pub code: String,
    pub description: String,
    /// Hours as a decimal string, `0.80`.
    pub hours: String,
}

/// One part the campaign fits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignPart {
    pub part_no: String,
    pub name: String,
    /// Quantity per vehicle as a decimal string.
    pub quantity: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignInput {
    /// The manufacturer's campaign number, e.g. `R2024-017`.
    pub code: String,
    pub brand: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    /// The failure code claims of this campaign carry (the campaign number when empty).
    pub failure_code: String,
    pub starts_on: String,
    pub ends_on: String,
    pub labor_ops: Vec<CampaignOp>,
    pub parts: Vec<CampaignPart>,
}

/// A campaign checked: trimmed text, known kind, dates in order, operations and parts readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCampaign {
    pub code: String,
    pub brand: String,
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub failure_code: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub labor_ops: Vec<CampaignOp>,
    pub parts: Vec<CampaignPart>,
}

fn positive_decimal(text: &str) -> Option<Decimal> {
    text.trim().parse::<Decimal>().ok().filter(|value| *value > Decimal::ZERO && value.scale() <= 3)
}

pub fn validate(input: &CampaignInput) -> Result<ValidCampaign, Violations> {
    let mut violations = Violations::new();
    let text = |value: &str| value.trim().to_string();
    let code = text(&input.code).to_uppercase();
    for (field, value) in [("code", &code), ("brand", &text(&input.brand)), ("title", &text(&input.title))] {
        if value.is_empty() {
            violations.push(Violation::new(field, "required"));
        }
    }
    if code.chars().count() > 40 {
        violations.push(Violation::new("code", "too_long").with("max", 40));
    }
    let kind = KINDS.iter().copied().find(|kind| *kind == input.kind.trim());
    if kind.is_none() {
        violations.push(Violation::new("kind", "unknown_value").with("detail", input.kind.trim()));
    }
    let date = |field: &'static str, value: &str, violations: &mut Violations| -> Option<Date> {
        let value = import::date_text(value);
        if value.is_empty() {
            violations.push(Violation::new(field, "required"));
            return None;
        }
        value
            .parse::<Date>()
            .map_err(|_| violations.push(Violation::new(field, "date_format").with("found", &value)))
            .ok()
    };
    let starts_on = date("starts_on", &input.starts_on, &mut violations);
    let ends_on = date("ends_on", &input.ends_on, &mut violations);
    if let (Some(starts), Some(ends)) = (starts_on, ends_on)
        && ends < starts
    {
        violations.push(Violation::new("ends_on", "date_before").with("other", starts));
    }
    let mut labor_ops = Vec::new();
    for (index, op) in input.labor_ops.iter().enumerate() {
        let op = CampaignOp {
            code: text(&op.code).to_uppercase(),
            description: text(&op.description),
            hours: text(&op.hours),
        };
        if op.code.is_empty() && op.description.is_empty() && op.hours.is_empty() {
            continue;
        }
        if op.code.is_empty() {
            violations.push(Violation::new(format!("labor_ops[{index}].code"), "required"));
        }
        match positive_decimal(&op.hours) {
            Some(hours) => labor_ops.push(CampaignOp { hours: format!("{:.2}", hours.round_dp(2)), ..op }),
            None => violations
                .push(Violation::new(format!("labor_ops[{index}].hours"), "number_format").with("found", &op.hours)),
        }
    }
    let mut parts = Vec::new();
    for (index, part) in input.parts.iter().enumerate() {
        let part = CampaignPart {
            part_no: text(&part.part_no).to_uppercase(),
            name: text(&part.name),
            quantity: text(&part.quantity),
        };
        if part.part_no.is_empty() && part.name.is_empty() && part.quantity.is_empty() {
            continue;
        }
        if part.part_no.is_empty() {
            violations.push(Violation::new(format!("parts[{index}].part_no"), "required"));
        }
        let quantity = if part.quantity.is_empty() { Some(Decimal::ONE) } else { positive_decimal(&part.quantity) };
        match quantity {
            Some(quantity) => parts.push(CampaignPart { quantity: quantity.normalize().to_string(), ..part }),
            None => violations.push(
                Violation::new(format!("parts[{index}].quantity"), "number_format").with("found", &part.quantity),
            ),
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    let failure_code = match text(&input.failure_code).to_uppercase() {
        empty if empty.is_empty() => code.clone(),
        given => given,
    };
    Ok(ValidCampaign {
        code,
        brand: text(&input.brand),
        kind: kind.expect("checked"),
        title: text(&input.title),
        description: text(&input.description),
        failure_code,
        starts_on: starts_on.expect("checked"),
        ends_on: ends_on.expect("checked"),
        labor_ops,
        parts,
    })
}

/// The columns of a campaign's VIN list: the VIN, and a note the manufacturer may add per vehicle.
pub const VIN_COLUMNS: [ColumnSpec; 2] = [
    required(col(
        "车架号(VIN)",
        "vin",
        true,
        Kind::Text,
        &["车架号", "VIN码", "车辆识别代号", "底盘号", "vin code"],
        "LSVAU218XN2183294",
    )),
    col("备注", "note", true, Kind::Text, &["说明", "remarks", "note"], ""),
];

/// A VIN list read and checked: the rows to write and every problem found.
#[derive(Debug, Clone, Default)]
pub struct VinList {
    /// Data rows (blank rows not counted).
    pub rows: usize,
    /// (row, VIN, note) of every valid row.
    pub vins: Vec<(u32, Vin, String)>,
    pub errors: Vec<RowError>,
    pub sample: Vec<SampleRow>,
}

impl VinList {
    /// Marks rows whose VIN the campaign already holds: an import adds vehicles, it never repeats one.
    pub fn reject_listed(&mut self, listed: &[String]) {
        if listed.is_empty() {
            return;
        }
        let listed: std::collections::HashSet<&str> = listed.iter().map(String::as_str).collect();
        let header = VIN_COLUMNS[0].header;
        let (kept, taken): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.vins).into_iter().partition(|(_, vin, _)| !listed.contains(vin.as_str()));
        self.vins = kept;
        for (row, vin, _) in taken {
            self.errors.push(RowError {
                row,
                column: header,
                value: vin.as_str().to_string(),
                violation: Violation::new("vin", "campaign_vin_listed"),
            });
        }
        self.errors.sort_by_key(|error| error.row);
    }
}

/// Reads a VIN list: a header row naming the VIN column (found among the top rows), then one VIN a row.
pub fn check_vin_list(table: &[Vec<CellValue>]) -> VinList {
    let mut list = VinList::default();
    let Some((header_index, mapping)) = find_header_in(table, &VIN_COLUMNS, &[0]) else {
        list.errors.push(RowError::file(
            Violation::new("file", "import_header_missing").with("columns", VIN_COLUMNS[0].header),
        ));
        return list;
    };
    let position = |column: usize| mapping.iter().position(|found| *found == Some(column));
    let (vin_at, note_at) = (position(0).expect("the header names it"), position(1));
    let data = data_rows(table, header_index);
    list.rows = data.len();
    if data.is_empty() {
        list.errors.push(RowError::whole_file("import_empty"));
        return list;
    }
    if data.len() > MAX_ROWS {
        list.errors.push(RowError::file(Violation::new("file", "import_too_many_rows").with("max", MAX_ROWS)));
        return list;
    }
    let mut seen: HashMap<String, u32> = HashMap::with_capacity(data.len());
    list.vins.reserve(data.len());
    let header = VIN_COLUMNS[0].header;
    for (row, cells) in data {
        let cell = |at: Option<usize>| at.and_then(|at| cells.get(at)).map(CellValue::display).unwrap_or_default();
        let (text, note) = (cell(Some(vin_at)), cell(note_at));
        if list.sample.len() < SAMPLE_ROWS {
            list.sample.push(SampleRow { row, values: vec![text.clone(), note.clone()] });
        }
        let vin = match Vin::parse("vin", &text) {
            Ok(vin) => vin,
            Err(violation) => {
                list.errors.push(RowError { row, column: header, value: text, violation });
                continue;
            }
        };
        match seen.entry(vin.as_str().to_string()) {
            Entry::Occupied(first) => list.errors.push(RowError {
                row,
                column: header,
                value: text,
                violation: Violation::new("vin", "import_duplicate_vin").with("row", first.get()),
            }),
            Entry::Vacant(slot) => {
                slot.insert(row);
                list.vins.push((row, vin, note));
            }
        }
    }
    list
}

/// Counts per state, as the completion report gives them to the manufacturer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub total: i64,
    pub due: i64,
    pub done: i64,
    pub unreachable: i64,
    pub done_elsewhere: i64,
}

impl Completion {
    pub fn add(&mut self, state: &str, count: i64) {
        self.total += count;
        match VehicleState::parse(state) {
            Some(VehicleState::Due) | None => self.due += count,
            Some(VehicleState::Done) => self.done += count,
            Some(VehicleState::Unreachable) => self.unreachable += count,
            Some(VehicleState::DoneElsewhere) => self.done_elsewhere += count,
        }
    }

    /// The completion rate the manufacturers count: done here or elsewhere over all, in percent with one
    /// decimal, rounded half up ("0.0" for an empty list).
    pub fn rate_percent(&self) -> String {
        if self.total == 0 {
            return "0.0".into();
        }
        let rate = Decimal::from(self.done + self.done_elsewhere) * Decimal::ONE_HUNDRED / Decimal::from(self.total);
        format!("{:.1}", rate.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> CellValue {
        if value.is_empty() { CellValue::Empty } else { CellValue::Text(value.to_string()) }
    }

    const GOOD: &str = "LSVAU218XN2183294";

    fn input() -> CampaignInput {
        CampaignInput {
            code: "r2024-017".into(),
            brand: "大众".into(),
            kind: "public_recall".into(),
            title: "更换燃油泵".into(),
            starts_on: "2024/5/1".into(),
            ends_on: "2024-12-31".into(),
            labor_ops: vec![CampaignOp {
                code: "20-01".into(), description: "更换燃油泵".into(), hours: "0.8".into()
            }],
            parts: vec![CampaignPart {
                part_no: "1k0919051".into(), name: "燃油泵".into(), quantity: String::new()
            }],
            ..CampaignInput::default()
        }
    }

    #[test]
    fn a_campaign_is_trimmed_and_its_failure_code_defaults_to_its_number() {
        let valid = validate(&input()).expect("valid");
        assert_eq!(valid.code, "R2024-017");
        assert_eq!(valid.failure_code, "R2024-017");
        assert_eq!(valid.starts_on, jiff::civil::date(2024, 5, 1));
        assert_eq!(valid.labor_ops[0].hours, "0.80");
        assert_eq!(valid.parts[0].quantity, "1");
        assert_eq!(valid.parts[0].part_no, "1K0919051");
    }

    #[test]
    fn a_campaign_names_every_problem() {
        let bad = CampaignInput {
            kind: "rumour".into(),
            ends_on: "2024-04-01".into(),
            labor_ops: vec![CampaignOp { code: String::new(), description: "x".into(), hours: "-1".into() }],
            ..input()
        };
        let errors = validate(&bad).unwrap_err();
        let codes: Vec<(&str, &str)> = errors.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert!(codes.contains(&("kind", "unknown_value")));
        assert!(codes.contains(&("ends_on", "date_before")));
        assert!(codes.contains(&("labor_ops[0].code", "required")));
        assert!(codes.contains(&("labor_ops[0].hours", "number_format")));
    }

    #[test]
    fn unreachable_needs_three_recorded_attempts_and_done_is_final_until_reopened() {
        use VehicleState::*;
        assert_eq!(transition(Due, "unreachable", 2).unwrap_err().code, "campaign_contacts_needed");
        assert_eq!(transition(Due, "unreachable", 3), Ok(Unreachable));
        assert_eq!(transition(Unreachable, "done", 3), Ok(Done));
        assert_eq!(transition(Done, "done_elsewhere", 0).unwrap_err().code, "campaign_already_done");
        assert_eq!(transition(Done, "reopen", 0), Ok(Due));
        assert_eq!(transition(Due, "reopen", 0).unwrap_err().code, "campaign_state_same");
        assert_eq!(transition(Due, "done_elsewhere", 0), Ok(DoneElsewhere));
        assert_eq!(transition(Due, "vanish", 0).unwrap_err().code, "unknown_value");
        assert!(Due.is_open() && Unreachable.is_open() && !Done.is_open() && !DoneElsewhere.is_open());
    }

    #[test]
    fn a_vin_list_reports_bad_and_repeated_vins_by_row() {
        let table = vec![
            vec![text("召回车辆清单")],
            vec![text("序号"), text("VIN码"), text("备注")],
            vec![text("1"), text(GOOD), text("")],
            vec![text("2"), text("LSVAU2180N2183294"), text("")],
            vec![],
            vec![text("3"), text(&GOOD.to_lowercase()), text("重复")],
            vec![text("4"), text("LFV2A21K9F400000"), text("少一位")],
        ];
        let list = check_vin_list(&table);
        assert_eq!(list.rows, 4);
        assert_eq!(list.vins.len(), 1);
        let found: Vec<(u32, &str)> = list.errors.iter().map(|e| (e.row, e.violation.code)).collect();
        assert!(found.contains(&(4, "vin_check_digit")), "{found:?}");
        assert!(found.contains(&(6, "import_duplicate_vin")), "{found:?}");
        assert_eq!(list.errors.iter().find(|e| e.row == 6).unwrap().violation.params["row"], "3");
        assert!(found.contains(&(7, "vin_length")), "{found:?}");
    }

    #[test]
    fn a_vin_list_without_a_vin_header_or_rows_is_refused_whole() {
        let list = check_vin_list(&[vec![text("车牌")], vec![text("京A12345")]]);
        assert_eq!(list.errors[0].violation.code, "import_header_missing");
        let list = check_vin_list(&[vec![text("VIN")]]);
        assert_eq!(list.errors[0].violation.code, "import_empty");
    }

    #[test]
    fn listed_vins_are_rejected_and_the_rate_counts_done_anywhere() {
        let mut list = check_vin_list(&[vec![text("VIN")], vec![text(GOOD)]]);
        list.reject_listed(&[GOOD.to_string()]);
        assert!(list.vins.is_empty());
        assert_eq!(list.errors[0].violation.code, "campaign_vin_listed");
        let mut completion = Completion::default();
        completion.add("done", 1);
        completion.add("done_elsewhere", 1);
        completion.add("due", 1);
        assert_eq!((completion.total, completion.rate_percent()), (3, "66.7".to_string()));
        assert_eq!(Completion::default().rate_percent(), "0.0");
    }
}
