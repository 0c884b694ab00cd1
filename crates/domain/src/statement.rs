//! Counterparty statements matched line by line against what the store expects (对账): the manufacturer's
//! settlement statement (结算单) against the claim lines, and the insurer's commission statement (手续费
//! 对账单) against the commission the store booked per policy. One matcher pairs the lines
//! ([`pair`]); each use classifies the pairs its own way ([`settlement_outcome`], [`difference`]).
//! The same pairing compares a claim with its repair order's warranty lines.
//!
//! Also here: reading a statement sheet (header recognised by its Chinese or English words, rows numbered
//! as Excel numbers them), receivables aging buckets, the split of a rejected amount among the people
//! responsible (拒赔问责), and the invoice limit (only what the manufacturer confirmed).

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::import::RowError;
use crate::money::Money;
use crate::violation::{Violation, Violations};

/// A line the store expects to find on the statement: a claim line (reference = claim number, `line_no`
/// and `code` the line's), or a policy's commission (reference = policy number).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExpectedLine {
    pub reference: String,
    pub line_no: Option<i64>,
    pub code: String,
    pub amount: Money,
}

/// A line of the counterparty's statement. `line` names the claim line by number or code; empty when the
/// statement has one line per reference.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatedLine {
    /// The spreadsheet row (0 when the line came through the API).
    #[serde(default)]
    pub row: u32,
    pub reference: String,
    #[serde(default)]
    pub line: String,
    /// What the counterparty says was asked (information only).
    #[serde(default)]
    pub claimed: Option<Money>,
    pub amount: Money,
    #[serde(default)]
    pub reason: String,
}

/// One pair: indexes into the expected and stated lists. Stated lines come in statement order, then the
/// expected lines the statement left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub expected: Option<usize>,
    pub stated: Option<usize>,
}

/// References and line keys compare upper-cased without spaces, as clerks type them.
pub fn key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

/// Pairs stated lines with expected lines of the same reference: by line number or code when the statement
/// names the line, else the first expected line of the reference not yet taken. Each expected line is
/// taken once; `only_references` limits the left-out lines reported to references the statement names.
pub fn pair(expected: &[ExpectedLine], stated: &[StatedLine], only_references: bool) -> Vec<Pair> {
    let mut by_reference: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, line) in expected.iter().enumerate() {
        by_reference.entry(key(&line.reference)).or_default().push(index);
    }
    let mut taken = vec![false; expected.len()];
    let mut pairs = Vec::with_capacity(stated.len() + expected.len());
    let mut named = std::collections::HashSet::new();
    for (index, line) in stated.iter().enumerate() {
        let reference = key(&line.reference);
        let wanted = key(&line.line);
        named.insert(reference.clone());
        let candidates = by_reference.get(&reference).map(Vec::as_slice).unwrap_or(&[]);
        let found = candidates.iter().copied().find(|&candidate| {
            let line_of = &expected[candidate];
            !taken[candidate]
                && (wanted.is_empty()
                    || line_of.line_no.is_some_and(|no| no.to_string() == wanted)
                    || key(&line_of.code) == wanted)
        });
        if let Some(found) = found {
            taken[found] = true;
        }
        pairs.push(Pair { expected: found, stated: Some(index) });
    }
    for (index, line) in expected.iter().enumerate() {
        if !taken[index] && (!only_references || named.contains(&key(&line.reference))) {
            pairs.push(Pair { expected: Some(index), stated: None });
        }
    }
    pairs
}

/// What the manufacturer did with a line (W10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementOutcome {
    /// 全额支付.
    Paid,
    /// 部分扣减: paid, but less than claimed.
    Cut,
    /// 拒付: nothing paid.
    Rejected,
    /// More than claimed: to be queried, never booked silently.
    Over,
    /// No such claim line in the store.
    Unknown,
    /// A line of a claim on the statement that the statement leaves out.
    Missing,
    /// 扣款: a negative amount (a part rejected in return inspection, a penalty).
    Debit,
}

impl SettlementOutcome {
    pub const ALL: [SettlementOutcome; 7] = [
        SettlementOutcome::Paid,
        SettlementOutcome::Cut,
        SettlementOutcome::Rejected,
        SettlementOutcome::Over,
        SettlementOutcome::Unknown,
        SettlementOutcome::Missing,
        SettlementOutcome::Debit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SettlementOutcome::Paid => "paid",
            SettlementOutcome::Cut => "cut",
            SettlementOutcome::Rejected => "rejected",
            SettlementOutcome::Over => "over",
            SettlementOutcome::Unknown => "unknown",
            SettlementOutcome::Missing => "missing",
            SettlementOutcome::Debit => "debit",
        }
    }

    pub fn parse(text: &str) -> Option<SettlementOutcome> {
        SettlementOutcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// A cut or rejected line may be appealed (复议).
    pub fn appealable(self) -> bool {
        matches!(self, SettlementOutcome::Cut | SettlementOutcome::Rejected)
    }
}

/// Classifies one pair of a settlement statement.
pub fn settlement_outcome(expected: Option<Money>, stated: Option<Money>) -> SettlementOutcome {
    match (expected, stated) {
        (_, Some(paid)) if paid.is_negative() => SettlementOutcome::Debit,
        (Some(claimed), Some(paid)) if paid == claimed => SettlementOutcome::Paid,
        (Some(_), Some(paid)) if paid.is_zero() => SettlementOutcome::Rejected,
        (Some(claimed), Some(paid)) if paid < claimed => SettlementOutcome::Cut,
        (Some(_), Some(_)) => SettlementOutcome::Over,
        (None, Some(_)) => SettlementOutcome::Unknown,
        (Some(_), None) => SettlementOutcome::Missing,
        (None, None) => SettlementOutcome::Unknown,
    }
}

/// A settlement statement's pairs with their outcomes. Debits are never paired with a claim line: they take
/// money back rather than pay a line.
pub fn match_settlement(expected: &[ExpectedLine], stated: &[StatedLine]) -> Vec<(Pair, SettlementOutcome)> {
    let payable: Vec<usize> = (0..stated.len()).filter(|&i| !stated[i].amount.is_negative()).collect();
    let payable_lines: Vec<StatedLine> = payable.iter().map(|&i| stated[i].clone()).collect();
    let paired = pair(expected, &payable_lines, true);
    let mut by_stated: HashMap<usize, Option<usize>> = HashMap::new();
    let mut missing = Vec::new();
    for pair in paired {
        match pair.stated {
            Some(index) => {
                by_stated.insert(payable[index], pair.expected);
            }
            None => missing.push(pair),
        }
    }
    let in_order =
        (0..stated.len()).map(|index| Pair { expected: by_stated.get(&index).copied().flatten(), stated: Some(index) });
    in_order
        .chain(missing)
        .map(|pair| {
            let outcome =
                settlement_outcome(pair.expected.map(|i| expected[i].amount), pair.stated.map(|i| stated[i].amount));
            (pair, outcome)
        })
        .collect()
}

/// How a list compares with the store's books: the insurer's commission statement with the commission booked
/// per policy (I6), or a claim's lines with its repair order's warranty lines (W10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difference {
    Matched,
    /// Expected (a policy sold in the period, a repair-order line) but not listed.
    Missing,
    /// Listed, but the store has no record of it.
    Extra,
    AmountDiffers,
}

impl Difference {
    pub const ALL: [Difference; 4] =
        [Difference::Matched, Difference::Missing, Difference::Extra, Difference::AmountDiffers];

    pub fn as_str(self) -> &'static str {
        match self {
            Difference::Matched => "matched",
            Difference::Missing => "missing",
            Difference::Extra => "extra",
            Difference::AmountDiffers => "amount_differs",
        }
    }
}

pub fn difference(expected: Option<Money>, stated: Option<Money>) -> Difference {
    match (expected, stated) {
        (Some(booked), Some(paid)) if booked == paid => Difference::Matched,
        (Some(_), Some(_)) => Difference::AmountDiffers,
        (None, _) => Difference::Extra,
        (Some(_), None) => Difference::Missing,
    }
}

/// Every stated line against every expected line (a commission statement against the policies the store
/// booked for the insurer in the period; a claim against its repair order).
pub fn differences(expected: &[ExpectedLine], stated: &[StatedLine]) -> Vec<(Pair, Difference)> {
    pair(expected, stated, false)
        .into_iter()
        .map(|pair| {
            let outcome = difference(pair.expected.map(|i| expected[i].amount), pair.stated.map(|i| stated[i].amount));
            (pair, outcome)
        })
        .collect()
}

/// Money per outcome, for a statement's header.
pub fn totals<O: Copy + Eq + std::hash::Hash>(
    outcomes: impl IntoIterator<Item = (O, Money)>,
) -> HashMap<O, (i64, Money)> {
    let mut totals: HashMap<O, (i64, Money)> = HashMap::new();
    for (outcome, amount) in outcomes {
        let entry = totals.entry(outcome).or_insert((0, Money::ZERO));
        entry.0 += 1;
        entry.1 += amount;
    }
    totals
}

// ---------------------------------------------------------------------------------------------------------
// Reading a statement sheet.

/// One column a statement sheet may carry: the field it fills, whether it must be there, and the headers
/// recognised for it (the first is the template's).
#[derive(Debug, Clone, Copy)]
pub struct StatementColumn {
    pub field: &'static str,
    pub required: bool,
    pub headers: &'static [&'static str],
}

/// The manufacturer's settlement statement: 索赔单号, 行号 or 项目代码, 申请金额, 结算金额, 原因.
pub const SETTLEMENT_COLUMNS: [StatementColumn; 5] = [
    StatementColumn {
        field: "reference",
        required: true,
        headers: &["索赔单号", "索赔单编号", "单号", "claim number", "claim_no", "claim", "number"],
    },
    StatementColumn {
        field: "line",
        required: false,
        headers: &["行号", "项目代码", "零件号", "工时代码", "line", "line_no", "code", "part_no"],
    },
    StatementColumn {
        field: "claimed",
        required: false,
        headers: &["申请金额", "索赔金额", "claimed", "claimed amount"],
    },
    StatementColumn {
        field: "amount",
        required: true,
        headers: &["结算金额", "实付金额", "支付金额", "金额", "paid", "amount", "settled"],
    },
    StatementColumn {
        field: "reason", required: false, headers: &["原因", "扣款原因", "备注", "reason", "remark"]
    },
];

/// The insurer's commission statement: 保单号, 保费, 手续费, 备注.
pub const COMMISSION_COLUMNS: [StatementColumn; 4] = [
    StatementColumn {
        field: "reference",
        required: true,
        headers: &["保单号", "保单号码", "policy_no", "policy number", "policy"],
    },
    StatementColumn { field: "claimed", required: false, headers: &["保费", "签单保费", "premium"] },
    StatementColumn {
        field: "amount",
        required: true,
        headers: &["手续费", "佣金", "代理手续费", "手续费金额", "commission", "amount"],
    },
    StatementColumn { field: "reason", required: false, headers: &["备注", "原因", "remark", "note"] },
];

fn header_key(text: &str) -> String {
    text.trim().trim_end_matches('*').trim().to_lowercase().replace([' ', '_', '（', '）', '(', ')'], "")
}

/// A money cell: `1,234.50`, `¥80`, or a number Excel stored as a float (rounded to the fen when it is
/// within a millionth of it, as a float for 80.1 is).
pub fn money_cell(field: &str, text: &str) -> Result<Money, Violation> {
    match Money::parse(field, text) {
        Err(violation) if violation.code == "money_precision" => {
            let value: Decimal = text.trim().parse().map_err(|_| violation.clone())?;
            let rounded = value.round_dp(2);
            if (value - rounded).abs() < Decimal::new(1, 6) {
                Money::from_decimal(field, rounded)
            } else {
                Err(violation)
            }
        }
        other => other,
    }
}

fn amount_is_negative(at: &[(StatementColumn, Option<usize>)], row: &[String]) -> bool {
    at.iter()
        .find(|(column, _)| column.field == "amount")
        .and_then(|(_, position)| position.and_then(|p| row.get(p)))
        .and_then(|cell| money_cell("amount", cell).ok())
        .is_some_and(Money::is_negative)
}

/// Reads a statement sheet: finds the header row among the first ten, then one line per non-empty row.
/// Every problem names its row and column; a file with any problem is refused whole.
pub fn read_statement(rows: &[Vec<String>], columns: &[StatementColumn]) -> Result<Vec<StatedLine>, Vec<RowError>> {
    let header = rows.iter().take(10).position(|row| {
        columns
            .iter()
            .filter(|c| c.required)
            .all(|column| row.iter().any(|cell| column.headers.iter().any(|h| header_key(h) == header_key(cell))))
    });
    let Some(header) = header else {
        let missing = columns.iter().filter(|c| c.required).map(|c| c.headers[0]).collect::<Vec<_>>().join("、");
        return Err(vec![RowError {
            row: 0,
            column: "",
            value: String::new(),
            violation: Violation::new("file", "statement_header").with("columns", missing),
        }]);
    };
    let position = |column: &StatementColumn| {
        rows[header].iter().position(|cell| column.headers.iter().any(|h| header_key(h) == header_key(cell)))
    };
    let at: Vec<(StatementColumn, Option<usize>)> = columns.iter().map(|c| (*c, position(c))).collect();
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (index, row) in rows.iter().enumerate().skip(header + 1) {
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let excel_row = index as u32 + 1;
        let mut line = StatedLine { row: excel_row, ..StatedLine::default() };
        for (column, position) in &at {
            let text = position.and_then(|p| row.get(p)).map(|cell| cell.trim().to_string()).unwrap_or_default();
            let fail = |violation: Violation| RowError {
                row: excel_row,
                column: column.headers[0],
                value: text.clone(),
                violation,
            };
            if text.is_empty() {
                // A debit (扣款) may stand without a claim: a penalty, a shipment's missing parts.
                let debit = column.field == "reference" && amount_is_negative(&at, row);
                if column.required && !debit {
                    errors.push(fail(Violation::new(column.field, "required")));
                }
                continue;
            }
            match column.field {
                "reference" => line.reference = key(&text),
                "line" => line.line = key(text.trim_end_matches(".0")),
                "reason" => line.reason = text.clone(),
                "claimed" => match money_cell(column.field, &text) {
                    Ok(money) => line.claimed = Some(money),
                    Err(violation) => errors.push(fail(violation)),
                },
                "amount" => match money_cell(column.field, &text) {
                    Ok(money) => line.amount = money,
                    Err(violation) => errors.push(fail(violation)),
                },
                _ => {}
            }
        }
        lines.push(line);
    }
    if lines.is_empty() && errors.is_empty() {
        errors.push(RowError {
            row: 0,
            column: "",
            value: String::new(),
            violation: Violation::new("file", "statement_empty"),
        });
    }
    if errors.is_empty() { Ok(lines) } else { Err(errors) }
}

// ---------------------------------------------------------------------------------------------------------
// Receivables aging, 拒赔问责, invoices.

/// Aging buckets of receivables, in days since the amount fell due: 0–30, 31–60, 61–90, 91–180, over 180.
pub const AGING_BUCKETS: [&str; 5] = ["d0_30", "d31_60", "d61_90", "d91_180", "d180_plus"];

pub fn aging_bucket(days: i64) -> usize {
    match days {
        ..=30 => 0,
        31..=60 => 1,
        61..=90 => 2,
        91..=180 => 3,
        _ => 4,
    }
}

/// The people a rejected amount is charged to, in the store's rule (拒赔问责).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsible {
    /// 服务顾问: the repair order's advisor.
    Advisor,
    /// 维修技师: the technician the rule names.
    Technician,
    /// 索赔员: the claim's clerk.
    Clerk,
    /// 服务经理: the manager the rule names.
    Manager,
}

impl Responsible {
    pub const ALL: [Responsible; 4] =
        [Responsible::Advisor, Responsible::Technician, Responsible::Clerk, Responsible::Manager];

    pub fn as_str(self) -> &'static str {
        match self {
            Responsible::Advisor => "advisor",
            Responsible::Technician => "technician",
            Responsible::Clerk => "clerk",
            Responsible::Manager => "manager",
        }
    }
}

/// The store's percentages per responsible person; the rest is the store's own loss.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountabilityShares {
    pub advisor: Decimal,
    pub technician: Decimal,
    pub clerk: Decimal,
    pub manager: Decimal,
}

impl AccountabilityShares {
    pub fn get(&self, who: Responsible) -> Decimal {
        match who {
            Responsible::Advisor => self.advisor,
            Responsible::Technician => self.technician,
            Responsible::Clerk => self.clerk,
            Responsible::Manager => self.manager,
        }
    }

    /// Each share 0–100 with at most two places; together at most 100.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut violations = Violations::new();
        let mut sum = Decimal::ZERO;
        for who in Responsible::ALL {
            let value = self.get(who);
            let field = format!("{}_percent", who.as_str());
            if value.is_sign_negative() || value > Decimal::ONE_HUNDRED {
                violations.push(Violation::new(field, "out_of_range").with("min", 0).with("max", 100));
            } else if value.normalize().scale() > 2 {
                violations.push(Violation::new(field, "decimal_places").with("max", 2).with("found", value));
            }
            sum += value;
        }
        if violations.is_empty() && sum > Decimal::ONE_HUNDRED {
            violations
                .push(Violation::new("advisor_percent", "accountability_over_100").with("found", sum.normalize()));
        }
        violations.finish(|| ())
    }
}

/// Charges a lost amount by the shares, each rounded half-up to the fen. The store keeps the rest, so the
/// charges never add up to more than the loss.
pub fn charge(loss: Money, shares: &AccountabilityShares) -> Vec<(Responsible, Money)> {
    let mut charged = Money::ZERO;
    let mut out = Vec::new();
    for who in Responsible::ALL {
        let share = shares.get(who);
        if share.is_zero() {
            continue;
        }
        let amount = Money::round(loss.decimal() * share / Decimal::ONE_HUNDRED).min(loss - charged);
        charged += amount;
        out.push((who, amount));
    }
    out
}

/// An invoice to the manufacturer may cover only what it confirmed and has not been invoiced yet.
pub fn check_invoice(confirmed: Money, invoiced: Money, amount: Money) -> Result<(), Violation> {
    let open = (confirmed - invoiced).non_negative();
    if !amount.is_negative() && !amount.is_zero() && amount <= open {
        Ok(())
    } else {
        Err(Violation::new("amount", "invoice_above_confirmed").with("max", open))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(text: &str) -> Money {
        Money::parse("x", text).unwrap()
    }

    fn expected(reference: &str, line_no: i64, code: &str, amount: &str) -> ExpectedLine {
        ExpectedLine { reference: reference.into(), line_no: Some(line_no), code: code.into(), amount: yuan(amount) }
    }

    fn stated(reference: &str, line: &str, amount: &str) -> StatedLine {
        StatedLine { reference: reference.into(), line: line.into(), amount: yuan(amount), ..StatedLine::default() }
    }

    #[test]
    fn every_settlement_outcome() {
        let claim = [
            expected("WC1", 1, "10-01", "375.00"),
            expected("WC1", 2, "12251-RNA-A01", "100.00"),
            expected("WC1", 3, "15400", "45.50"),
            expected("WC2", 1, "00-01", "75.00"),
            expected("WC9", 1, "X", "10.00"),
        ];
        let statement = [
            stated("wc1", "1", "375"),
            stated("WC1", "12251-rna-a01", "60.00"),
            stated("WC2", "", "0"),
            stated("WC3", "1", "50.00"),
            stated("", "", "-80.00"),
            stated("WC2", "9", "10.00"),
        ];
        let outcomes: Vec<_> = match_settlement(&claim, &statement)
            .into_iter()
            .map(|(pair, outcome)| (pair.expected, pair.stated, outcome.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (Some(0), Some(0), "paid"),
                (Some(1), Some(1), "cut"),
                (Some(3), Some(2), "rejected"),
                (None, Some(3), "unknown"),
                (None, Some(4), "debit"),
                (None, Some(5), "unknown"),
                // Line 3 of WC1 is missing; WC9 is not on this statement, so it is not reported.
                (Some(2), None, "missing"),
            ]
        );
        assert_eq!(settlement_outcome(Some(yuan("1")), Some(yuan("2"))), SettlementOutcome::Over);
        assert!(SettlementOutcome::Cut.appealable() && !SettlementOutcome::Paid.appealable());
    }

    #[test]
    fn a_line_is_taken_once() {
        let claim = [expected("WC1", 1, "A", "10.00")];
        let statement = [stated("WC1", "A", "10.00"), stated("WC1", "A", "10.00")];
        let outcomes: Vec<_> = match_settlement(&claim, &statement).into_iter().map(|(_, o)| o).collect();
        assert_eq!(outcomes, vec![SettlementOutcome::Paid, SettlementOutcome::Unknown]);
    }

    #[test]
    fn commission_and_order_differences() {
        let books = [
            ExpectedLine { reference: "P1".into(), amount: yuan("120.00"), ..ExpectedLine::default() },
            ExpectedLine { reference: "P2".into(), amount: yuan("80.00"), ..ExpectedLine::default() },
            ExpectedLine { reference: "P3".into(), amount: yuan("50.00"), ..ExpectedLine::default() },
        ];
        let statement = [stated("P1", "", "120"), stated("P2", "", "75.00"), stated("P4", "", "30")];
        let outcomes: Vec<_> = differences(&books, &statement).into_iter().map(|(_, o)| o.as_str()).collect();
        assert_eq!(outcomes, vec!["matched", "amount_differs", "extra", "missing"]);
    }

    fn sheet(text: &str) -> Vec<Vec<String>> {
        text.lines().map(|line| line.split(',').map(str::to_string).collect()).collect()
    }

    #[test]
    fn a_statement_sheet_is_read_by_its_headers() {
        let rows = sheet(
            "某厂家结算单 2024-05,,,,\n索赔单号*,行号,申请金额,结算金额,原因\nWC1,1,375,375.00,\n,,,,\nwc 2,2.0,100,80.1000000001,价格高于目录",
        );
        let lines = read_statement(&rows, &SETTLEMENT_COLUMNS).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].reference, "WC2");
        assert_eq!(lines[1].line, "2");
        assert_eq!(lines[1].amount.to_string(), "80.10");
        assert_eq!(lines[1].row, 5);
        let english = sheet("claim number,amount,reason\nWC1,10.00,ok");
        assert_eq!(read_statement(&english, &SETTLEMENT_COLUMNS).unwrap()[0].amount, yuan("10"));
    }

    #[test]
    fn a_bad_sheet_names_the_row_and_column() {
        let rows = sheet("索赔单号,结算金额\nWC1,abc\n,5\n,-5");
        let errors = read_statement(&rows, &SETTLEMENT_COLUMNS).unwrap_err();
        let found: Vec<_> = errors.iter().map(|e| (e.row, e.column, e.violation.code)).collect();
        assert_eq!(found, vec![(2, "结算金额", "money_format"), (3, "索赔单号", "required")]);
        let no_header = read_statement(&sheet("a,b\n1,2"), &SETTLEMENT_COLUMNS).unwrap_err();
        assert_eq!(no_header[0].violation.code, "statement_header");
        assert_eq!(
            read_statement(&sheet("保单号,手续费"), &COMMISSION_COLUMNS).unwrap_err()[0].violation.code,
            "statement_empty"
        );
    }

    #[test]
    fn aging_buckets() {
        let buckets: Vec<_> = [0, 30, 31, 60, 61, 90, 91, 180, 181, 999].into_iter().map(aging_bucket).collect();
        assert_eq!(buckets, vec![0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    }

    #[test]
    fn a_loss_is_charged_by_the_shares_and_never_more() {
        let shares = AccountabilityShares {
            advisor: Decimal::from(20),
            technician: Decimal::from(30),
            clerk: Decimal::new(3333, 2),
            manager: Decimal::new(1667, 2),
        };
        let charged = charge(yuan("100.01"), &shares);
        let amounts: Vec<_> = charged.iter().map(|(who, m)| (who.as_str(), m.to_string())).collect();
        assert_eq!(
            amounts,
            vec![
                ("advisor", "20.00".into()),
                ("technician", "30.00".into()),
                ("clerk", "33.33".into()),
                ("manager", "16.67".into())
            ]
        );
        let total: Money = charged.iter().map(|(_, m)| *m).sum();
        assert_eq!(total, yuan("100.00"));
        // Half a fen each rounds up for the first and leaves nothing for the second.
        let halves =
            AccountabilityShares { advisor: Decimal::from(50), clerk: Decimal::from(50), ..Default::default() };
        assert_eq!(
            charge(yuan("0.01"), &halves),
            vec![(Responsible::Advisor, yuan("0.01")), (Responsible::Clerk, Money::ZERO)]
        );
        let half = AccountabilityShares { clerk: Decimal::from(50), ..AccountabilityShares::default() };
        assert_eq!(charge(yuan("10.00"), &half), vec![(Responsible::Clerk, yuan("5.00"))]);
        let over = AccountabilityShares { advisor: Decimal::from(60), clerk: Decimal::from(50), ..Default::default() };
        assert_eq!(over.validate().unwrap_err().0[0].code, "accountability_over_100");
        let negative = AccountabilityShares { manager: Decimal::from(-1), ..Default::default() };
        assert_eq!(negative.validate().unwrap_err().0[0].field, "manager_percent");
    }

    #[test]
    fn invoices_stay_within_what_was_confirmed() {
        assert!(check_invoice(yuan("500"), yuan("200"), yuan("300")).is_ok());
        let error = check_invoice(yuan("500"), yuan("200"), yuan("300.01")).unwrap_err();
        assert_eq!(error.code, "invoice_above_confirmed");
        assert!(check_invoice(yuan("500"), Money::ZERO, Money::ZERO).is_err());
    }
}
