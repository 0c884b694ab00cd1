//! Counterparty statements (对账/结算, README W10 and I6): the manufacturer's settlement statement matched to
//! the claim lines (paid in full, cut, rejected, unknown, missing, debits), the insurer's commission
//! statement matched to the commission booked per policy (missing, extra, amount differs); payments received
//! and invoices against a settlement statement; appeals (复议) of cut and rejected lines; and the monthly
//! reconciliation (repair orders against claims, income by claim kind, receivables aging, 拒赔问责).
//!
//! Both statements come in through one path: a sheet's rows ([`lines_from_rows`]) or the API's lines, then
//! [`import`], which loads what the store expects, lets `domain::statement` pair the lines, and saves the
//! statement with every line's outcome in one write.

mod appeals;
mod reports;

pub use appeals::{
    AppealAction, AppealDraft, AppealInput, AppealView, act_on_appeal, appeal_draft, draft_appeal, get_appeal,
    list_appeals,
};
pub use reports::{
    AccountabilityLine, AccountabilityReport, AgingLine, CheckReport, ClaimDifference, IncomeLine, IncomeReport,
    PersonCharge, RuleInput, RuleView, UnclaimedOrder, accountability, aging, check, income, rule, save_rule,
};

use std::collections::{BTreeMap, BTreeSet};

use claimdesk_domain::access::Permission;
use claimdesk_domain::statement::{
    self as rules, COMMISSION_COLUMNS, ExpectedLine, SETTLEMENT_COLUMNS, SettlementOutcome, StatedLine,
};
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::insurance::{self as insurance_store, InsurerRow, ListFilter, PolicyRow};
use claimdesk_store::statements::{
    self as store, InvoiceRow, PaymentRow, StatementFilter, StatementLineRow, StatementRow,
};
use claimdesk_store::{Tx, job, new_id, warranty as warranty_store};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, audit, clock};

/// A manufacturer's settlement statement, or an insurer's commission statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    Settlement,
    Commission,
}

impl StatementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementKind::Settlement => "settlement",
            StatementKind::Commission => "commission",
        }
    }
}

/// A statement to import: who sent it, its number and period, and its lines.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StatementInput {
    /// The brand (settlement) or the insurer's id (commission).
    pub counterparty: String,
    pub number: String,
    /// `YYYY-MM`: the month the statement covers. For a commission statement, the policies sold then.
    pub period: String,
    /// `YYYY-MM-DD`; today when absent. Receivables age from here.
    pub statement_date: Option<String>,
    /// `excel`, `csv` or `api`.
    pub source: String,
    pub file_name: String,
    pub lines: Vec<StatedLine>,
    pub store_id: Option<String>,
}

/// Reads a statement sheet's rows (from `excel::read_rows`) into lines. Every problem names its row:
/// `rows[5].amount` with the row, column and value as parameters.
pub fn lines_from_rows(kind: StatementKind, rows: &[Vec<String>]) -> AppResult<Vec<StatedLine>> {
    let columns: &[rules::StatementColumn] = match kind {
        StatementKind::Settlement => &SETTLEMENT_COLUMNS,
        StatementKind::Commission => &COMMISSION_COLUMNS,
    };
    rules::read_statement(rows, columns).map_err(|errors| {
        let mut violations = Violations::new();
        for error in errors {
            let mut violation = error.violation.clone();
            violation.field = error.api_field();
            violations.push(violation.with("row", error.row).with("column", error.column).with("value", &error.value));
        }
        AppError::Invalid(violations)
    })
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct OutcomeTotal {
    pub lines: i64,
    pub expected: Money,
    pub stated: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementLineView {
    pub id: String,
    pub position: i64,
    /// The spreadsheet row (0 for lines the statement left out, or that came through the API).
    pub row: i64,
    pub reference: String,
    pub line_ref: String,
    /// The claim's or the policy's id when the line was found.
    pub subject_id: Option<String>,
    pub line_no: Option<i64>,
    pub description: String,
    pub expected: Option<Money>,
    pub stated: Option<Money>,
    /// What the statement says was asked (a claim's amount, a policy's premium).
    pub claimed: Option<Money>,
    /// Stated minus expected.
    pub difference: Money,
    pub outcome: String,
    pub reason: String,
    pub appealable: bool,
    /// The line's appeal, once drafted.
    pub appeal_id: Option<String>,
}

impl From<StatementLineRow> for StatementLineView {
    fn from(row: StatementLineRow) -> Self {
        let expected = row.expected_fen.map(Money::from_fen);
        let stated = row.stated_fen.map(Money::from_fen);
        StatementLineView {
            appealable: SettlementOutcome::parse(&row.outcome).is_some_and(SettlementOutcome::appealable),
            difference: stated.unwrap_or_default() - expected.unwrap_or_default(),
            id: row.id,
            position: row.position,
            row: row.row_no,
            reference: row.reference,
            line_ref: row.line_ref,
            subject_id: row.subject_id,
            line_no: row.line_no,
            description: row.description,
            expected,
            stated,
            claimed: row.claimed_fen.map(Money::from_fen),
            outcome: row.outcome,
            reason: row.reason,
            appeal_id: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PaymentView {
    pub id: String,
    pub received_on: String,
    pub amount: Money,
    pub reference: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceView {
    pub id: String,
    pub invoice_no: String,
    pub issued_on: String,
    pub amount: Money,
}

/// A statement as its page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct StatementView {
    pub id: String,
    pub store_id: String,
    pub kind: String,
    pub counterparty: String,
    pub counterparty_name: String,
    pub number: String,
    pub period: String,
    pub statement_date: String,
    pub source: String,
    pub file_name: String,
    /// What the store expected for the lines matched and missing.
    pub expected: Money,
    /// The statement's total.
    pub stated: Money,
    /// What the counterparty confirmed it pays: the matched lines and the debits, never unknown lines.
    pub confirmed: Money,
    pub received: Money,
    pub invoiced: Money,
    /// Confirmed and not yet received.
    pub open: Money,
    /// Lines and money per outcome.
    pub totals: BTreeMap<String, OutcomeTotal>,
    pub created_at: String,
    pub version: i64,
    pub lines: Vec<StatementLineView>,
    pub payments: Vec<PaymentView>,
    pub invoices: Vec<InvoiceView>,
    pub appeals: Vec<AppealView>,
}

impl StatementView {
    fn head(row: StatementRow, time_zone: &str) -> StatementView {
        StatementView {
            totals: serde_json::from_str(&row.counts_json)
                .ok()
                .map(|counts: BTreeMap<String, (i64, i64, i64)>| {
                    counts
                        .into_iter()
                        .map(|(outcome, (lines, expected, stated))| {
                            (
                                outcome,
                                OutcomeTotal {
                                    lines,
                                    expected: Money::from_fen(expected),
                                    stated: Money::from_fen(stated),
                                },
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            expected: Money::from_fen(row.expected_fen),
            stated: Money::from_fen(row.stated_fen),
            confirmed: Money::from_fen(row.confirmed_fen),
            received: Money::from_fen(row.received_fen),
            invoiced: Money::from_fen(row.invoiced_fen),
            open: Money::from_fen(row.confirmed_fen - row.received_fen),
            created_at: clock::rfc3339_local(row.created_at, time_zone),
            id: row.id,
            store_id: row.store_id,
            kind: row.kind,
            counterparty: row.counterparty,
            counterparty_name: row.counterparty_name,
            number: row.number,
            period: row.period,
            statement_date: row.statement_date,
            source: row.source,
            file_name: row.file_name,
            version: row.version,
            lines: Vec::new(),
            payments: Vec::new(),
            invoices: Vec::new(),
            appeals: Vec::new(),
        }
    }
}

/// Finance reads and works both kinds of statement (DESIGN.md: settlement statements, receivables,
/// commissions).
fn permission_read(_kind: StatementKind) -> Permission {
    Permission::FinanceRead
}

/// `YYYY-MM` → the month's first and last day.
pub(crate) fn month_days(field: &str, text: &str) -> Result<(jiff::civil::Date, jiff::civil::Date), Violation> {
    let text = text.trim();
    let first: jiff::civil::Date =
        format!("{text}-01").parse().map_err(|_| Violation::new(field, "month_format").with("found", text))?;
    Ok((first, first.last_of_month()))
}

/// The month's first instant and the next month's first instant in the store's time zone, in epoch ms.
pub(crate) fn month_ms(first: jiff::civil::Date, time_zone: &str) -> (i64, i64) {
    let zone = clock::zone(time_zone);
    let start = first.to_zoned(zone.clone()).map(|z| z.timestamp().as_millisecond()).unwrap_or(0);
    let next = first.last_of_month().tomorrow().unwrap_or(first);
    let end = next.to_zoned(zone).map(|z| z.timestamp().as_millisecond()).unwrap_or(i64::MAX);
    (start, end)
}

/// What the store expects on a statement, with the line's subject and description beside each.
struct Expected {
    lines: Vec<ExpectedLine>,
    subjects: Vec<(String, String)>,
}

async fn expected_claim_lines(tx: &mut Tx, store_id: &str, brand: &str, stated: &[StatedLine]) -> AppResult<Expected> {
    let numbers: Vec<String> = stated
        .iter()
        .map(|l| l.reference.clone())
        .filter(|r| !r.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let claims: Vec<_> = store::claims_by_numbers(tx, store_id, &numbers)
        .await?
        .into_iter()
        .filter(|claim| claim.brand == brand && claim.state != "cancelled")
        .collect();
    let ids: Vec<String> = claims.iter().map(|c| c.id.clone()).collect();
    let lines = warranty_store::lines_of_claims(tx, &ids).await?;
    let mut expected = Expected { lines: Vec::new(), subjects: Vec::new() };
    for line in lines {
        let Some(claim) = claims.iter().find(|c| c.id == line.claim_id) else { continue };
        expected.lines.push(ExpectedLine {
            reference: claim.number.clone(),
            line_no: Some(line.line_no),
            code: line.code.clone(),
            amount: Money::from_fen(line.amount_fen),
        });
        expected.subjects.push((claim.id.clone(), line.description.clone()));
    }
    Ok(expected)
}

async fn expected_commission(tx: &mut Tx, store_id: &str, insurer_id: &str, period: &str) -> AppResult<Expected> {
    let (first, last) = month_days("period", period)?;
    let filter = ListFilter {
        stores: vec![store_id.to_string()],
        equals: vec![("insurer_id", insurer_id.to_string())],
        between: Some(("sold_on", first.to_string(), last.to_string())),
        order: "sold_on, id",
        limit: 1_000_000,
        ..ListFilter::default()
    };
    let (policies, _): (Vec<PolicyRow>, i64) = insurance_store::list(tx, &filter, 1_000_000).await?;
    let mut expected = Expected { lines: Vec::new(), subjects: Vec::new() };
    for policy in policies {
        expected.lines.push(ExpectedLine {
            reference: rules::key(&policy.policy_no),
            line_no: None,
            code: String::new(),
            amount: Money::from_fen(policy.commission_fen),
        });
        expected.subjects.push((policy.id.clone(), Money::from_fen(policy.premium_fen).to_string()));
    }
    Ok(expected)
}

/// Imports a statement and matches it line by line (W10: the manufacturer's settlement statement; I6: the
/// insurer's commission statement). A number already imported from the same counterparty is refused.
pub async fn import(app: &App, actor: &Actor, kind: StatementKind, input: StatementInput) -> AppResult<StatementView> {
    let store_id = actor.target_store(Permission::FinanceWrite, input.store_id.as_deref())?;
    let zone = actor.time_zone(&store_id).to_string();
    let today = clock::local_date(app.clock.now(), &zone);
    let mut violations = Violations::new();
    let counterparty = input.counterparty.trim().to_string();
    let number = rules::key(&input.number);
    if counterparty.is_empty() {
        violations.push(Violation::new("counterparty", "required"));
    }
    if number.is_empty() {
        violations.push(Violation::new("number", "required"));
    }
    let period = match input.period.trim() {
        "" => {
            violations.push(Violation::new("period", "required"));
            None
        }
        text => violations.check(month_days("period", text)).map(|_| text.to_string()),
    };
    let statement_date = match input.statement_date.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(today),
        Some(text) => violations.check(
            text.parse::<jiff::civil::Date>()
                .map_err(|_| Violation::new("statement_date", "date_format").with("found", text)),
        ),
    };
    if input.lines.is_empty() {
        violations.push(Violation::new("lines", "statement_empty"));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let period = period.expect("checked");
    let statement_date = statement_date.expect("checked").to_string();
    let source = match input.source.trim() {
        "" => "api".to_string(),
        other => other.to_string(),
    };
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                if store::statement_exists(tx, &store_id, kind.as_str(), &counterparty, &number).await? {
                    return Err(Violation::new("number", "statement_number_taken").into());
                }
                let (expected, counterparty_name) = match kind {
                    StatementKind::Settlement => {
                        if warranty_store::brand(tx, &counterparty).await?.is_none() {
                            return Err(Violation::new("counterparty", "not_found").into());
                        }
                        (expected_claim_lines(tx, &store_id, &counterparty, &input.lines).await?, counterparty.clone())
                    }
                    StatementKind::Commission => {
                        let insurer: InsurerRow =
                            insurance_store::get(tx, std::slice::from_ref(&store_id), &counterparty)
                                .await?
                                .ok_or_else(|| AppError::from(Violation::new("counterparty", "not_found")))?;
                        (expected_commission(tx, &store_id, &counterparty, &period).await?, insurer.name)
                    }
                };
                let pairs: Vec<(rules::Pair, String)> = match kind {
                    StatementKind::Settlement => rules::match_settlement(&expected.lines, &input.lines)
                        .into_iter()
                        .map(|(pair, outcome)| (pair, outcome.as_str().to_string()))
                        .collect(),
                    StatementKind::Commission => rules::differences(&expected.lines, &input.lines)
                        .into_iter()
                        .map(|(pair, outcome)| (pair, outcome.as_str().to_string()))
                        .collect(),
                };
                let id = new_id();
                let mut rows = Vec::with_capacity(pairs.len());
                let mut counts: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
                let (mut expected_fen, mut stated_fen, mut confirmed_fen) = (0i64, 0i64, 0i64);
                for (position, (pair, outcome)) in pairs.into_iter().enumerate() {
                    let wanted = pair.expected.map(|i| &expected.lines[i]);
                    let subject = pair.expected.map(|i| &expected.subjects[i]);
                    let said = pair.stated.map(|i| &input.lines[i]);
                    let expected_amount = wanted.map(|l| l.amount.fen());
                    let stated_amount = said.map(|l| l.amount.fen());
                    expected_fen += expected_amount.unwrap_or(0);
                    stated_fen += stated_amount.unwrap_or(0);
                    // Unknown and extra lines are not confirmed until someone finds what they are.
                    if !matches!(outcome.as_str(), "unknown" | "extra" | "missing") {
                        confirmed_fen += stated_amount.unwrap_or(0);
                    }
                    let count = counts.entry(outcome.clone()).or_default();
                    count.0 += 1;
                    count.1 += expected_amount.unwrap_or(0);
                    count.2 += stated_amount.unwrap_or(0);
                    rows.push(StatementLineRow {
                        id: new_id(),
                        store_id: store_id.clone(),
                        statement_id: id.clone(),
                        position: position as i64 + 1,
                        row_no: said.map_or(0, |l| i64::from(l.row)),
                        reference: said
                            .map(|l| l.reference.clone())
                            .or(wanted.map(|l| l.reference.clone()))
                            .unwrap_or_default(),
                        line_ref: said
                            .map(|l| l.line.clone())
                            .filter(|l| !l.is_empty())
                            .or(wanted.and_then(|l| l.line_no.map(|n| n.to_string())))
                            .unwrap_or_default(),
                        subject_id: subject.map(|(id, _)| id.clone()),
                        line_no: wanted.and_then(|l| l.line_no),
                        description: subject.map(|(_, d)| d.clone()).unwrap_or_default(),
                        expected_fen: expected_amount,
                        stated_fen: stated_amount,
                        claimed_fen: said.and_then(|l| l.claimed.map(Money::fen)),
                        outcome,
                        reason: said.map(|l| l.reason.trim().to_string()).unwrap_or_default(),
                    });
                }
                let row = StatementRow {
                    id: id.clone(),
                    store_id: store_id.clone(),
                    kind: kind.as_str().into(),
                    counterparty,
                    counterparty_name,
                    number,
                    period,
                    statement_date,
                    source,
                    file_name: input.file_name.trim().to_string(),
                    expected_fen,
                    stated_fen,
                    confirmed_fen,
                    received_fen: 0,
                    invoiced_fen: 0,
                    counts_json: serde_json::to_string(&counts).map_err(anyhow::Error::from)?,
                    created_at: now,
                    created_by: actor.actor_id().map(str::to_string),
                    updated_at: now,
                    version: 1,
                };
                store::insert_statement(tx, &row).await?;
                store::insert_lines(tx, &rows).await?;
                if kind == StatementKind::Settlement {
                    let named: BTreeSet<String> = rows.iter().filter_map(|r| r.subject_id.clone()).collect();
                    store::mark_billed(tx, &store_id, &named.into_iter().collect::<Vec<_>>(), now).await?;
                }
                let zone = actor.time_zone(&store_id).to_string();
                let view = load(tx, row, &zone).await?;
                let after = serde_json::json!({
                    "number": view.number, "counterparty": view.counterparty, "period": view.period,
                    "lines": view.lines.len(), "stated": view.stated, "confirmed": view.confirmed,
                });
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "statement",
                        entity_id: &view.id,
                        action: "import",
                        before: None::<&()>,
                        after: Some(&after),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

/// A statement with its lines, payments, invoices and appeals.
pub(crate) async fn load(tx: &mut Tx, row: StatementRow, time_zone: &str) -> AppResult<StatementView> {
    let store_id = row.store_id.clone();
    let id = row.id.clone();
    let mut view = StatementView::head(row, time_zone);
    view.appeals = store::appeals_of_statement(tx, &store_id, &id)
        .await?
        .into_iter()
        .map(|a| AppealView::new(a, time_zone))
        .collect();
    view.lines = store::lines(tx, &store_id, &id).await?.into_iter().map(StatementLineView::from).collect();
    for line in &mut view.lines {
        line.appeal_id = view.appeals.iter().rev().find(|a| a.line_id == line.id).map(|a| a.id.clone());
    }
    view.payments = store::payments(tx, &store_id, &id)
        .await?
        .into_iter()
        .map(|p| PaymentView {
            id: p.id,
            received_on: p.received_on,
            amount: Money::from_fen(p.amount_fen),
            reference: p.reference,
        })
        .collect();
    view.invoices = store::invoices(tx, &store_id, &id)
        .await?
        .into_iter()
        .map(|i| InvoiceView {
            id: i.id,
            invoice_no: i.invoice_no,
            issued_on: i.issued_on,
            amount: Money::from_fen(i.amount_fen),
        })
        .collect();
    Ok(view)
}

pub async fn get(app: &App, actor: &Actor, kind: StatementKind, id: &str) -> AppResult<StatementView> {
    let scope = actor.store_ids(permission_read(kind));
    let id = id.to_string();
    let actor = actor.clone();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::get_statement(tx, &scope, &id)
                    .await?
                    .filter(|r| r.kind == kind.as_str())
                    .ok_or(AppError::NotFound)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                load(tx, row, &zone).await
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatementListQuery {
    pub counterparty: Option<String>,
    /// Statement number prefix.
    pub q: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// `true`: only statements with money still to receive.
    pub open: Option<bool>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn filled(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Statements of a kind, newest first, without their lines.
pub async fn list(
    app: &App,
    actor: &Actor,
    kind: StatementKind,
    query: StatementListQuery,
) -> AppResult<Page<StatementView>> {
    actor.require_anywhere(permission_read(kind))?;
    let request = PageRequest::new(query.page, query.per_page);
    let filter = StatementFilter {
        stores: actor.store_ids_filtered(permission_read(kind), query.store_id.as_deref()),
        kind: kind.as_str().into(),
        counterparty: filled(query.counterparty),
        number_prefix: filled(query.q).map(|q| rules::key(&q)),
        from: filled(query.from),
        to: filled(query.to),
        open_only: query.open.unwrap_or(false),
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (rows, total) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move { Ok::<_, AppError>(store::list_statements(tx, &filter, cap).await?) })
        }))
        .await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let zone = actor.time_zone(&row.store_id).to_string();
            StatementView::head(row, &zone)
        })
        .collect();
    Ok(Page::new(items, total, request, cap))
}

/// A payment received (回款) against a settlement statement.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaymentInput {
    /// `YYYY-MM-DD`; today when absent.
    pub received_on: Option<String>,
    pub amount: String,
    /// The bank reference.
    pub reference: String,
    pub version: Option<i64>,
}

/// An invoice to the manufacturer for confirmed amounts only.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InvoiceInput {
    pub invoice_no: String,
    /// `YYYY-MM-DD`; today when absent.
    pub issued_on: Option<String>,
    pub amount: String,
    pub version: Option<i64>,
}

fn date_or_today(field: &str, text: Option<&str>, today: jiff::civil::Date) -> Result<String, Violation> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(today.to_string()),
        Some(text) => text
            .parse::<jiff::civil::Date>()
            .map(|d| d.to_string())
            .map_err(|_| Violation::new(field, "date_format").with("found", text)),
    }
}

enum Money2 {
    Payment(PaymentInput),
    Invoice(InvoiceInput),
}

/// Records a payment received against a settlement statement; it may not exceed what is still open.
pub async fn record_payment(app: &App, actor: &Actor, id: &str, input: PaymentInput) -> AppResult<StatementView> {
    money_event(app, actor, id, Money2::Payment(input)).await
}

/// Issues an invoice for (part of) what the manufacturer confirmed and has not been invoiced yet.
pub async fn issue_invoice(app: &App, actor: &Actor, id: &str, input: InvoiceInput) -> AppResult<StatementView> {
    money_event(app, actor, id, Money2::Invoice(input)).await
}

async fn money_event(app: &App, actor: &Actor, id: &str, event: Money2) -> AppResult<StatementView> {
    let scope = actor.store_ids(Permission::FinanceRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    let instant = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut row = store::get_statement(tx, &scope, &id)
                    .await?
                    .filter(|r| r.kind == StatementKind::Settlement.as_str())
                    .ok_or(AppError::NotFound)?;
                actor.require(Permission::FinanceWrite, &row.store_id)?;
                let zone = actor.time_zone(&row.store_id).to_string();
                let today = clock::local_date(instant, &zone);
                let mut violations = Violations::new();
                let (action, after) = match &event {
                    Money2::Payment(input) => {
                        if input.version.is_some_and(|v| v != row.version) {
                            return Err(AppError::Conflict("stale_version"));
                        }
                        let on = violations.check(date_or_today("received_on", input.received_on.as_deref(), today));
                        let amount = violations.check(Money::parse("amount", &input.amount));
                        if let Some(amount) = amount {
                            let open = Money::from_fen(row.confirmed_fen - row.received_fen);
                            if amount.is_negative() || amount.is_zero() || amount > open {
                                violations.push(Violation::new("amount", "payment_above_open").with("max", open));
                            }
                        }
                        if !violations.is_empty() {
                            return Err(violations.into());
                        }
                        let payment = PaymentRow {
                            id: new_id(),
                            store_id: row.store_id.clone(),
                            statement_id: row.id.clone(),
                            received_on: on.expect("checked"),
                            amount_fen: amount.expect("checked").fen(),
                            reference: input.reference.trim().to_string(),
                            created_at: now,
                            created_by: actor.actor_id().map(str::to_string),
                        };
                        store::insert_payment(tx, &payment).await?;
                        row.received_fen += payment.amount_fen;
                        ("payment", serde_json::json!({"received_on": payment.received_on, "amount": Money::from_fen(payment.amount_fen), "reference": payment.reference}))
                    }
                    Money2::Invoice(input) => {
                        if input.version.is_some_and(|v| v != row.version) {
                            return Err(AppError::Conflict("stale_version"));
                        }
                        let invoice_no = input.invoice_no.trim().to_string();
                        if invoice_no.is_empty() {
                            violations.push(Violation::new("invoice_no", "required"));
                        }
                        let on = violations.check(date_or_today("issued_on", input.issued_on.as_deref(), today));
                        if let Some(amount) = violations.check(Money::parse("amount", &input.amount)) {
                            violations.check(rules::check_invoice(
                                Money::from_fen(row.confirmed_fen),
                                Money::from_fen(row.invoiced_fen),
                                amount,
                            ));
                            if violations.is_empty() {
                                let invoice = InvoiceRow {
                                    id: new_id(),
                                    store_id: row.store_id.clone(),
                                    statement_id: row.id.clone(),
                                    invoice_no: invoice_no.clone(),
                                    issued_on: on.clone().expect("checked"),
                                    amount_fen: amount.fen(),
                                    created_at: now,
                                    created_by: actor.actor_id().map(str::to_string),
                                };
                                match store::insert_invoice(tx, &invoice).await {
                                    Err(claimdesk_store::StoreError::Unique(_)) => {
                                        return Err(Violation::new("invoice_no", "invoice_no_taken").into());
                                    }
                                    other => other?,
                                }
                                row.invoiced_fen += invoice.amount_fen;
                                (
                                    "invoice",
                                    serde_json::json!({"invoice_no": invoice.invoice_no, "issued_on": invoice.issued_on, "amount": amount}),
                                )
                            } else {
                                return Err(violations.into());
                            }
                        } else {
                            return Err(violations.into());
                        }
                    }
                };
                row.updated_at = now;
                if !store::update_statement_totals(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "statement",
                        entity_id: &row.id,
                        action,
                        before: None::<&()>,
                        after: Some(&after),
                    },
                )
                .await?;
                load(tx, row, &zone).await
            })
        }))
        .await
}
