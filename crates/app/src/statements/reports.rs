//! The monthly reconciliation (W10): repair orders against claims, claim income by kind (labour against
//! parts), receivables aging per manufacturer, and the store's rule for charging rejected amounts to the
//! people responsible (拒赔问责) with its monthly report. Sums run in SQL; only the month's rows are read.

use std::collections::{BTreeMap, HashMap};

use claimdesk_domain::access::Permission;
use claimdesk_domain::statement::{self as rules, AccountabilityShares, ExpectedLine, Responsible, StatedLine};
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::repair_orders::ItemRow;
use claimdesk_store::statements::{self as store, RuleRow};
use claimdesk_store::warranty::LineRow;
use claimdesk_store::{job, users};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{month_days, month_ms};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit, clock};

/// A repair order handed over in the month with warranty lines and no claim.
#[derive(Debug, Clone, Serialize)]
pub struct UnclaimedOrder {
    pub repair_order_id: String,
    pub number: String,
    pub handed_over_on: String,
    pub lines: i64,
    pub amount: Money,
}

/// A claim whose lines differ from its repair order's warranty lines.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimDifference {
    pub claim_id: String,
    pub claim_number: String,
    pub repair_order_id: String,
    pub repair_order_number: String,
    /// The part number or operation code.
    pub code: String,
    /// `missing` (on the order, not claimed), `extra` (claimed, not on the order), `amount_differs`.
    pub difference: String,
    pub order_amount: Option<Money>,
    pub claim_amount: Option<Money>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub month: String,
    pub unclaimed: Vec<UnclaimedOrder>,
    pub differences: Vec<ClaimDifference>,
}

/// Checks the month's handed-over repair orders against the claims (daily when run for the current month).
pub async fn check(app: &App, actor: &Actor, month: &str, store_id: Option<&str>) -> AppResult<CheckReport> {
    let store_id = actor.target_store(Permission::FinanceRead, store_id)?;
    let (first, _) = month_days("month", month)?;
    let zone = actor.time_zone(&store_id).to_string();
    let (from, to) = month_ms(first, &zone);
    let month = month.trim().to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let stores = vec![store_id.clone()];
                let unclaimed = store::unclaimed_orders(tx, &stores, from, to)
                    .await?
                    .into_iter()
                    .map(|row| UnclaimedOrder {
                        repair_order_id: row.id,
                        number: row.number,
                        handed_over_on: clock::local_date(clock::from_ms(row.handed_over_at), &zone).to_string(),
                        lines: row.lines,
                        amount: Money::from_fen(row.amount_fen),
                    })
                    .collect();
                // Three reads for the whole month (the claims, their orders' warranty items, their lines),
                // grouped here, instead of four per claim.
                let pairs = store::claimed_orders(tx, &stores, from, to).await?;
                let mut items: HashMap<String, Vec<ItemRow>> = HashMap::new();
                for item in store::warranty_items_handed_over(tx, &stores, from, to).await? {
                    items.entry(item.repair_order_id.clone()).or_default().push(item);
                }
                let mut lines: HashMap<String, Vec<LineRow>> = HashMap::new();
                for line in store::claim_lines_handed_over(tx, &stores, from, to).await? {
                    lines.entry(line.claim_id.clone()).or_default().push(line);
                }
                for rows in items.values_mut() {
                    rows.sort_by_key(|item| item.line_no);
                }
                for rows in lines.values_mut() {
                    rows.sort_by_key(|line| line.line_no);
                }
                let mut differences = Vec::new();
                for pair in pairs {
                    let expected: Vec<ExpectedLine> = items
                        .get(&pair.order_id)
                        .into_iter()
                        .flatten()
                        .map(|item| ExpectedLine {
                            reference: String::new(),
                            line_no: None,
                            code: rules::key(if item.kind == "part" { &item.part_no } else { &item.code }),
                            amount: Money::from_fen(item.amount_fen),
                        })
                        .collect();
                    let stated: Vec<StatedLine> = lines
                        .get(&pair.claim_id)
                        .into_iter()
                        .flatten()
                        .map(|line| StatedLine {
                            line: if line.code.is_empty() { line.description.clone() } else { line.code.clone() },
                            amount: Money::from_fen(line.amount_fen),
                            ..StatedLine::default()
                        })
                        .collect();
                    for (matched, difference) in rules::differences(&expected, &stated) {
                        if difference == rules::Difference::Matched {
                            continue;
                        }
                        let code = matched
                            .stated
                            .map(|i| stated[i].line.clone())
                            .or(matched.expected.map(|i| expected[i].code.clone()))
                            .unwrap_or_default();
                        differences.push(ClaimDifference {
                            claim_id: pair.claim_id.clone(),
                            claim_number: pair.claim_number.clone(),
                            repair_order_id: pair.order_id.clone(),
                            repair_order_number: pair.order_number.clone(),
                            code,
                            difference: difference.as_str().into(),
                            order_amount: matched.expected.map(|i| expected[i].amount),
                            claim_amount: matched.stated.map(|i| stated[i].amount),
                        });
                    }
                }
                Ok::<_, AppError>(CheckReport { month, unclaimed, differences })
            })
        }))
        .await
}

/// One claim kind's month: labour against parts, claimed and approved.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IncomeLine {
    pub claim_kind: String,
    pub claims: i64,
    pub labor_claimed: Money,
    pub labor_approved: Money,
    pub parts_claimed: Money,
    pub parts_approved: Money,
    pub sublet_claimed: Money,
    pub sublet_approved: Money,
    pub claimed: Money,
    pub approved: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncomeReport {
    pub month: String,
    pub lines: Vec<IncomeLine>,
    pub total: IncomeLine,
}

/// Claim income of the month by claim kind (claims decided that month), labour against parts.
pub async fn income(app: &App, actor: &Actor, month: &str, store_id: Option<&str>) -> AppResult<IncomeReport> {
    actor.require_anywhere(Permission::FinanceRead)?;
    let stores = actor.store_ids_filtered(Permission::FinanceRead, store_id);
    let (first, _) = month_days("month", month)?;
    let zone = actor.home_time_zone().to_string();
    let (from, to) = month_ms(first, &zone);
    let rows = app
        .db
        .read(job(move |tx| Box::pin(async move { Ok::<_, AppError>(store::income(tx, &stores, from, to).await?) })))
        .await?;
    let mut by_kind: BTreeMap<String, IncomeLine> = BTreeMap::new();
    let mut total = IncomeLine { claim_kind: "total".into(), ..IncomeLine::default() };
    for row in rows {
        let line = by_kind
            .entry(row.claim_kind.clone())
            .or_insert_with(|| IncomeLine { claim_kind: row.claim_kind.clone(), ..IncomeLine::default() });
        let (claimed, approved) = (Money::from_fen(row.claimed_fen), Money::from_fen(row.approved_fen));
        // A claim counts once per kind: its line kinds share the same claims.
        line.claims = line.claims.max(row.claims);
        for target in [&mut *line, &mut total] {
            match row.line_kind.as_str() {
                "labor" => {
                    target.labor_claimed += claimed;
                    target.labor_approved += approved;
                }
                "part" => {
                    target.parts_claimed += claimed;
                    target.parts_approved += approved;
                }
                _ => {
                    target.sublet_claimed += claimed;
                    target.sublet_approved += approved;
                }
            }
            target.claimed += claimed;
            target.approved += approved;
        }
    }
    total.claims = by_kind.values().map(|l| l.claims).sum();
    Ok(IncomeReport { month: month.trim().to_string(), lines: by_kind.into_values().collect(), total })
}

/// What a manufacturer owes, by age: confirmed on statements and not received, and decided claims no
/// statement has paid yet.
#[derive(Debug, Clone, Serialize)]
pub struct AgingLine {
    pub counterparty: String,
    /// 0–30, 31–60, 61–90, 91–180, over 180 days.
    pub buckets: [Money; 5],
    pub total: Money,
    pub on_statements: Money,
    pub not_on_statements: Money,
}

pub async fn aging(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<Vec<AgingLine>> {
    actor.require_anywhere(Permission::FinanceRead)?;
    let stores = actor.store_ids_filtered(Permission::FinanceRead, store_id);
    let zone = actor.home_time_zone().to_string();
    let today = clock::local_date(app.clock.now(), &zone);
    // The first instant of the oldest day of each bucket: 30, 60, 90 and 180 days back.
    let edges = [30, 60, 90, 180].map(|days| {
        let day = today.checked_sub(jiff::Span::new().days(days)).unwrap_or(today);
        super::month_ms(day, &zone).0
    });
    let (open, unbilled) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                Ok::<_, AppError>((
                    store::open_statements(tx, &stores).await?,
                    store::unbilled_claims(tx, &stores, edges).await?,
                ))
            })
        }))
        .await?;
    let mut lines: BTreeMap<String, AgingLine> = BTreeMap::new();
    for row in open {
        let since: jiff::civil::Date = row.since.parse().unwrap_or(today);
        let days = (today - since).get_days().into();
        let amount = Money::from_fen(row.open_fen);
        let line = lines.entry(row.counterparty.clone()).or_insert_with(|| empty_aging(&row.counterparty));
        line.buckets[rules::aging_bucket(days)] += amount;
        line.total += amount;
        line.on_statements += amount;
    }
    for row in unbilled {
        let line = lines.entry(row.brand.clone()).or_insert_with(|| empty_aging(&row.brand));
        for (bucket, fen) in [row.b0, row.b1, row.b2, row.b3, row.b4].into_iter().enumerate() {
            let amount = Money::from_fen(fen);
            line.buckets[bucket] += amount;
            line.total += amount;
            line.not_on_statements += amount;
        }
    }
    Ok(lines.into_values().filter(|line| !line.total.is_zero()).collect())
}

fn empty_aging(counterparty: &str) -> AgingLine {
    AgingLine {
        counterparty: counterparty.to_string(),
        buckets: [Money::ZERO; 5],
        total: Money::ZERO,
        on_statements: Money::ZERO,
        not_on_statements: Money::ZERO,
    }
}

/// The store's 拒赔问责 rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleInput {
    pub advisor_percent: String,
    pub technician_percent: String,
    pub clerk_percent: String,
    pub manager_percent: String,
    pub technician_id: Option<String>,
    pub manager_id: Option<String>,
    pub store_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleView {
    pub store_id: String,
    pub shares: AccountabilityShares,
    pub technician_id: Option<String>,
    pub manager_id: Option<String>,
    pub version: i64,
}

fn rule_view(store_id: &str, row: Option<RuleRow>) -> RuleView {
    let Some(row) = row else { return RuleView { store_id: store_id.to_string(), ..RuleView::default() } };
    let percent = |text: &str| text.parse::<Decimal>().unwrap_or_default();
    RuleView {
        store_id: row.store_id.clone(),
        shares: AccountabilityShares {
            advisor: percent(&row.advisor_percent),
            technician: percent(&row.technician_percent),
            clerk: percent(&row.clerk_percent),
            manager: percent(&row.manager_percent),
        },
        technician_id: row.technician_id,
        manager_id: row.manager_id,
        version: row.version,
    }
}

pub async fn rule(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<RuleView> {
    let store_id = actor.target_store(Permission::FinanceRead, store_id)?;
    app.db
        .read(job(move |tx| {
            Box::pin(async move { Ok::<_, AppError>(rule_view(&store_id, store::rule(tx, &store_id).await?)) })
        }))
        .await
}

pub async fn save_rule(app: &App, actor: &Actor, input: RuleInput) -> AppResult<RuleView> {
    let store_id = actor.target_store(Permission::FinanceWrite, input.store_id.as_deref())?;
    let mut violations = Violations::new();
    let mut percent = |field: &str, text: &str| {
        let text = if text.trim().is_empty() { "0" } else { text.trim() };
        match text.parse::<Decimal>() {
            Ok(value) => value.normalize(),
            Err(_) => {
                violations.push(Violation::new(field, "number_format").with("found", text));
                Decimal::ZERO
            }
        }
    };
    let shares = AccountabilityShares {
        advisor: percent("advisor_percent", &input.advisor_percent),
        technician: percent("technician_percent", &input.technician_percent),
        clerk: percent("clerk_percent", &input.clerk_percent),
        manager: percent("manager_percent", &input.manager_percent),
    };
    if violations.is_empty()
        && let Err(errors) = shares.validate()
    {
        violations.0.extend(errors.0);
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let person = |id: &Option<String>| id.clone().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let (technician_id, manager_id) = (person(&input.technician_id), person(&input.manager_id));
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                for (field, id) in [("technician_id", &technician_id), ("manager_id", &manager_id)] {
                    if let Some(id) = id
                        && users::get(tx, id).await?.is_none()
                    {
                        return Err(Violation::new(field, "not_found").into());
                    }
                }
                let before = store::rule(tx, &store_id).await?;
                let row = RuleRow {
                    store_id: store_id.clone(),
                    advisor_percent: shares.advisor.to_string(),
                    technician_percent: shares.technician.to_string(),
                    clerk_percent: shares.clerk.to_string(),
                    manager_percent: shares.manager.to_string(),
                    technician_id,
                    manager_id,
                    updated_at: now,
                    version: before.as_ref().map_or(1, |b| b.version + 1),
                };
                store::save_rule(tx, &row).await?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&store_id),
                        entity: "accountability_rule",
                        entity_id: &store_id,
                        action: "set",
                        before: before.as_ref(),
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(rule_view(&store_id, Some(row)))
            })
        }))
        .await
}

/// One cut or rejected line and what it charges to whom.
#[derive(Debug, Clone, Serialize)]
pub struct AccountabilityLine {
    pub claim_id: String,
    pub claim_number: String,
    pub statement_id: String,
    pub loss: Money,
    /// (role, user id, amount); a role without a person on the record has no user id.
    pub charges: Vec<(String, Option<String>, Money)>,
}

/// A person's total for the month.
#[derive(Debug, Clone, Serialize)]
pub struct PersonCharge {
    pub role: String,
    pub user_id: Option<String>,
    pub name: String,
    pub lines: i64,
    pub amount: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountabilityReport {
    pub month: String,
    pub rule: RuleView,
    pub loss: Money,
    pub charged: Money,
    /// What the store bears itself.
    pub store_bears: Money,
    pub people: Vec<PersonCharge>,
    pub lines: Vec<AccountabilityLine>,
}

/// The month's cut and rejected amounts (statements dated that month) charged by the store's rule.
pub async fn accountability(
    app: &App,
    actor: &Actor,
    month: &str,
    store_id: Option<&str>,
) -> AppResult<AccountabilityReport> {
    let store_id = actor.target_store(Permission::FinanceRead, store_id)?;
    let (first, last) = month_days("month", month)?;
    let month = month.trim().to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let rule = rule_view(&store_id, store::rule(tx, &store_id).await?);
                let losses = store::losses(tx, &store_id, &first.to_string(), &last.to_string()).await?;
                let mut lines = Vec::new();
                let mut people: BTreeMap<(String, Option<String>), (i64, Money)> = BTreeMap::new();
                let mut total_loss = Money::ZERO;
                let mut charged = Money::ZERO;
                for loss_row in losses {
                    let loss = Money::from_fen(loss_row.expected_fen - loss_row.stated_fen);
                    total_loss += loss;
                    let charges: Vec<(String, Option<String>, Money)> = rules::charge(loss, &rule.shares)
                        .into_iter()
                        .map(|(who, amount)| {
                            let person = match who {
                                Responsible::Advisor => loss_row.advisor_id.clone(),
                                Responsible::Clerk => loss_row.clerk_id.clone(),
                                Responsible::Technician => rule.technician_id.clone(),
                                Responsible::Manager => rule.manager_id.clone(),
                            };
                            (who.as_str().to_string(), person, amount)
                        })
                        .collect();
                    for (role, person, amount) in &charges {
                        charged += *amount;
                        let entry = people.entry((role.clone(), person.clone())).or_insert((0, Money::ZERO));
                        entry.0 += 1;
                        entry.1 += *amount;
                    }
                    lines.push(AccountabilityLine {
                        claim_id: loss_row.claim_id,
                        claim_number: loss_row.claim_number,
                        statement_id: loss_row.statement_id,
                        loss,
                        charges,
                    });
                }
                let mut charges = Vec::new();
                for ((role, user_id), (count, amount)) in people {
                    let name = match &user_id {
                        Some(id) => users::get(tx, id).await?.map(|u| u.display_name).unwrap_or_default(),
                        None => String::new(),
                    };
                    charges.push(PersonCharge { role, user_id, name, lines: count, amount });
                }
                Ok::<_, AppError>(AccountabilityReport {
                    month,
                    rule,
                    loss: total_loss,
                    charged,
                    store_bears: total_loss - charged,
                    people: charges,
                    lines,
                })
            })
        }))
        .await
}
