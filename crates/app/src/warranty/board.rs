//! The supervisor's board (W6): claims by state and age, amounts pending, rejections this month and per
//! clerk; and the mis-claim rates (W11) per clerk, model, part and failure code, per month.

use std::collections::BTreeMap;

use claimdesk_domain::Money;
use claimdesk_domain::access::Permission;
use claimdesk_domain::warranty::rates::{self, Dimension, RateRow};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::job;
use claimdesk_store::warranty_flow::{self as store, DecidedRow, RateKey};
use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, clock};

/// The states a claim is still open in, in the order the board shows them.
pub const OPEN_STATES: [&str; 5] = ["draft", "checked", "returned", "submitted", "resubmitted"];
/// Age buckets in days: 0–7, 8–15, 16–30, over 30.
pub const AGE_BUCKETS: [&str; 4] = ["0-7", "8-15", "16-30", "30+"];

fn bucket(days: i64) -> usize {
    match days {
        ..=7 => 0,
        8..=15 => 1,
        16..=30 => 2,
        _ => 3,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StateRow {
    pub state: String,
    pub count: u64,
    pub amount: Money,
    /// Claims per age bucket ([`AGE_BUCKETS`]): days since submission while with the manufacturer, since
    /// creation while with the dealer.
    pub ages: [u64; 4],
}

#[derive(Debug, Clone, Serialize)]
pub struct ClerkRow {
    pub clerk_id: String,
    pub clerk: String,
    pub open: u64,
    /// Claimed and waiting for the manufacturer.
    pub pending_amount: Money,
    pub decided_this_month: u64,
    pub rejected_or_cut_this_month: u64,
    pub rate_percent: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Board {
    /// `YYYY-MM` of "this month" in the actor's time zone.
    pub month: String,
    pub open: u64,
    /// Waiting for the manufacturer (submitted and resubmitted).
    pub pending_amount: Money,
    pub pending: u64,
    /// Claimed but not yet filed (draft, checked, returned).
    pub unfiled_amount: Money,
    pub decided_this_month: u64,
    pub rejected_this_month: u64,
    pub cut_this_month: u64,
    pub rejected_last_month: u64,
    pub approved_this_month: Money,
    pub missed_amount_this_month: Money,
    pub rate_percent: Decimal,
    pub states: Vec<StateRow>,
    pub clerks: Vec<ClerkRow>,
}

pub(crate) fn month_bounds(month: Date, time_zone: &str) -> AppResult<(i64, i64)> {
    let zone = clock::zone(time_zone);
    let start = month.first_of_month();
    let end = start.checked_add(1.month()).map_err(anyhow::Error::from)?;
    let ms = |date: Date| -> AppResult<i64> {
        Ok(date.to_zoned(zone.clone()).map_err(anyhow::Error::from)?.timestamp().as_millisecond())
    };
    Ok((ms(start)?, ms(end)?))
}

fn clerk_row<'a>(
    clerks: &'a mut BTreeMap<String, ClerkRow>,
    id: &Option<String>,
    name: &Option<String>,
) -> &'a mut ClerkRow {
    let id = id.clone().unwrap_or_default();
    clerks.entry(id.clone()).or_insert_with(|| ClerkRow {
        clerk_id: id,
        clerk: name.clone().unwrap_or_default(),
        open: 0,
        pending_amount: Money::ZERO,
        decided_this_month: 0,
        rejected_or_cut_this_month: 0,
        rate_percent: Decimal::ZERO,
    })
}

/// The board of the stores the actor reads (or one of them).
pub async fn board(app: &App, actor: &Actor, store_id: Option<&str>) -> AppResult<Board> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let stores = actor.store_ids_filtered(Permission::WarrantyRead, store_id);
    let zone = actor.home_time_zone().to_string();
    let now = app.clock.now();
    let today = clock::local_date(now, &zone);
    let (from, to) = month_bounds(today, &zone)?;
    let last_month = today.first_of_month().checked_sub(1.month()).map_err(anyhow::Error::from)?;
    let (last_from, _) = month_bounds(last_month, &zone)?;
    let (open, decided) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let open = store::open_claims(tx, &stores, &OPEN_STATES).await?;
                let decided = store::decided_claims(tx, &stores, last_from, to).await?;
                Ok::<_, AppError>((open, decided))
            })
        }))
        .await?;
    let now_ms = now.as_millisecond();
    let mut states: Vec<StateRow> = OPEN_STATES
        .iter()
        .map(|s| StateRow { state: s.to_string(), count: 0, amount: Money::ZERO, ages: [0; 4] })
        .collect();
    let mut clerks: BTreeMap<String, ClerkRow> = BTreeMap::new();
    let (mut pending, mut pending_amount, mut unfiled_amount) = (0, Money::ZERO, Money::ZERO);
    for claim in &open {
        let amount = Money::from_fen(claim.claimed_fen);
        let waiting = matches!(claim.state.as_str(), "submitted" | "resubmitted");
        let since = if waiting { claim.submitted_at.unwrap_or(claim.created_at) } else { claim.created_at };
        let days = (now_ms - since).max(0) / 86_400_000;
        if let Some(row) = states.iter_mut().find(|s| s.state == claim.state) {
            row.count += 1;
            row.amount += amount;
            row.ages[bucket(days)] += 1;
        }
        let clerk = clerk_row(&mut clerks, &claim.clerk_id, &claim.clerk_name);
        clerk.open += 1;
        if waiting {
            pending += 1;
            pending_amount += amount;
            clerk.pending_amount += amount;
        } else {
            unfiled_amount += amount;
        }
    }
    let this_month: Vec<&DecidedRow> = decided.iter().filter(|d| d.decided_at >= from).collect();
    let rejected_last_month = decided.iter().filter(|d| d.decided_at < from && d.state == "rejected").count() as u64;
    let (mut rejected, mut cut, mut approved, mut missed_amount) = (0, 0, Money::ZERO, Money::ZERO);
    for claim in &this_month {
        let (claimed, paid) = (Money::from_fen(claim.claimed_fen), Money::from_fen(claim.approved_fen));
        approved += paid;
        let clerk = clerk_row(&mut clerks, &claim.clerk_id, &claim.clerk_name);
        clerk.decided_this_month += 1;
        if paid < claimed {
            missed_amount += (claimed - paid).non_negative();
            clerk.rejected_or_cut_this_month += 1;
            if paid.is_zero() { rejected += 1 } else { cut += 1 }
        }
    }
    let mut clerks: Vec<ClerkRow> = clerks
        .into_values()
        .map(|mut c| {
            c.rate_percent = rates::rate(c.rejected_or_cut_this_month, c.decided_this_month);
            c
        })
        .collect();
    clerks.sort_by(|a, b| b.open.cmp(&a.open).then(a.clerk.cmp(&b.clerk)));
    let decided_this_month = this_month.len() as u64;
    Ok(Board {
        month: today.strftime("%Y-%m").to_string(),
        open: open.len() as u64,
        pending,
        pending_amount,
        unfiled_amount,
        decided_this_month,
        rejected_this_month: rejected,
        cut_this_month: cut,
        rejected_last_month,
        approved_this_month: approved,
        missed_amount_this_month: missed_amount,
        rate_percent: rates::rate(rejected + cut, decided_this_month),
        states,
        clerks,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RatesQuery {
    /// `YYYY-MM`, the first month (default: five months before `to`).
    pub from: Option<String>,
    /// `YYYY-MM`, the last month (default: this month).
    pub to: Option<String>,
    /// clerk, model, part or failure_code (default clerk).
    pub by: Option<String>,
    pub store_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rates {
    pub from: String,
    pub to: String,
    pub by: Dimension,
    pub rows: Vec<RateRow>,
}

pub(crate) fn parse_month(field: &str, text: &str) -> Result<Date, Violation> {
    format!("{}-01", text.trim())
        .parse::<Date>()
        .ok()
        .filter(|_| text.trim().len() == 7)
        .ok_or_else(|| Violation::new(field, "month_format").with("found", text))
}

/// The mis-claim rate per month and per clerk, model, causal part or failure code (W11).
pub async fn mis_claim_rates(app: &App, actor: &Actor, query: RatesQuery) -> AppResult<Rates> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let zone = actor.home_time_zone().to_string();
    let today = clock::local_date(app.clock.now(), &zone).first_of_month();
    let mut violations = Violations::new();
    let by = match query.by.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => Some(Dimension::Clerk),
        Some(text) => {
            let found = Dimension::parse(text);
            if found.is_none() {
                violations.push(Violation::new("by", "unknown_value").with("detail", text));
            }
            found
        }
    };
    let to = match query.to.as_deref().filter(|t| !t.trim().is_empty()) {
        None => Some(today),
        Some(text) => violations.check(parse_month("to", text)),
    };
    let from = match query.from.as_deref().filter(|t| !t.trim().is_empty()) {
        None => to.and_then(|to| to.checked_sub(5.months()).ok()),
        Some(text) => violations.check(parse_month("from", text)),
    };
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        violations.push(Violation::new("from", "range_order"));
    }
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let (from, to, by) = (from.expect("checked"), to.expect("checked"), by.expect("checked"));
    // The months' first instants and the end of the last: the database sums each month between two edges.
    let mut months = Vec::new();
    let mut edges = Vec::new();
    let mut month = from;
    while month <= to {
        let (start, end) = month_bounds(month, &zone)?;
        months.push(month.strftime("%Y-%m").to_string());
        edges.truncate(months.len() - 1);
        edges.extend([start, end]);
        month = month.checked_add(1.month()).map_err(anyhow::Error::from)?;
    }
    let key = match by {
        Dimension::Clerk => RateKey::Clerk,
        Dimension::Model => RateKey::Model,
        Dimension::Part => RateKey::Part,
        Dimension::FailureCode => RateKey::FailureCode,
    };
    let stores = actor.store_ids_filtered(Permission::WarrantyRead, query.store_id.as_deref());
    let groups = app
        .db
        .read(job(move |tx| {
            Box::pin(async move { Ok::<_, AppError>(store::rate_groups(tx, &stores, &edges, key).await?) })
        }))
        .await?;
    let rows = groups
        .into_iter()
        .filter_map(|group| {
            Some(RateRow {
                month: months.get(usize::try_from(group.month_index).ok()?)?.clone(),
                key: group.group_key,
                decided: group.decided as u64,
                missed: group.missed as u64,
                rate_percent: Decimal::ZERO,
                claimed: Money::from_fen(group.claimed_fen),
                missed_amount: Money::from_fen(group.missed_fen),
            })
        })
        .collect();
    Ok(Rates {
        from: from.strftime("%Y-%m").to_string(),
        to: to.strftime("%Y-%m").to_string(),
        by,
        rows: rates::rank(rows),
    })
}
