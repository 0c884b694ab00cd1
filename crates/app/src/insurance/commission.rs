//! The specialists' pay (提成, README I6): base pay plus a share of the commission on the policies they sold
//! and a percentage of the accident repairs they brought in (leads that arrived), per month, with the rules
//! the store admin sets per person from a month on.

use claimdesk_domain::access::Permission;
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::insurance::{self as store, LeadRow, ListFilter, PayRuleRow, PolicyRow};
use claimdesk_store::{job, new_id, repair_orders, users};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::insurers::ADMIN;
use super::percent;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PayRuleInput {
    pub user_id: String,
    /// The first month the rule applies, `YYYY-MM`.
    pub valid_from: String,
    pub base_pay: String,
    /// The specialist's share of the store's commission on the policies they sold, in percent.
    #[serde(default)]
    pub policy_share_percent: String,
    /// The specialist's percentage of the accident repairs they brought in.
    #[serde(default)]
    pub repair_percent: String,
    #[serde(default)]
    pub store_id: Option<String>,
}

fn month(field: &str, text: &str) -> Result<String, Violation> {
    let text = text.trim();
    format!("{text}-01")
        .parse::<jiff::civil::Date>()
        .map(|_| text.to_string())
        .map_err(|_| Violation::new(field, "date_format").with("found", text))
}

pub async fn set_pay_rule(app: &App, actor: &Actor, input: PayRuleInput) -> AppResult<PayRuleRow> {
    let store_id = actor.target_store(ADMIN, input.store_id.as_deref())?;
    let mut violations = Violations::new();
    let valid_from = violations.check(month("valid_from", &input.valid_from));
    let base = violations.check(Money::parse("base_pay", input.base_pay.trim()));
    let share = violations.check(percent("policy_share_percent", &input.policy_share_percent));
    let repair = violations.check(percent("repair_percent", &input.repair_percent));
    if !violations.is_empty() {
        return Err(violations.into());
    }
    let now = app.now_ms();
    let row = PayRuleRow {
        id: new_id(),
        store_id,
        user_id: input.user_id.trim().to_string(),
        valid_from: valid_from.expect("checked"),
        base_fen: base.expect("checked").fen(),
        policy_share_percent: share.expect("checked").to_string(),
        repair_percent: repair.expect("checked").to_string(),
        created_at: now,
    };
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                if users::get(tx, &row.user_id).await?.is_none() {
                    return Err(Violation::new("user_id", "not_found").into());
                }
                let mut delete =
                    claimdesk_store::query::Query::new("DELETE FROM insurance_pay_rules WHERE store_id = ");
                delete
                    .bind(&row.store_id)
                    .push(" AND user_id = ")
                    .bind(&row.user_id)
                    .push(" AND valid_from = ")
                    .bind(&row.valid_from);
                claimdesk_store::query::execute(tx, &delete).await?;
                store::insert(tx, &row).await?;
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "insurance_pay_rule",
                        entity_id: &row.user_id,
                        action: "set",
                        before: None::<&()>,
                        after: Some(&row),
                    },
                )
                .await?;
                Ok(row)
            })
        }))
        .await
}

/// One person's month.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommissionLine {
    pub user_id: String,
    pub name: String,
    pub base_pay: Money,
    pub policies: i64,
    pub premium: Money,
    pub store_commission: Money,
    pub policy_share_percent: String,
    pub policy_pay: Money,
    pub repairs: i64,
    pub repair_amount: Money,
    pub repair_percent: String,
    pub repair_pay: Money,
    pub total: Money,
}

fn share(amount: i64, rate: &str) -> Money {
    let rate: Decimal = rate.parse().unwrap_or(Decimal::ZERO);
    Money::round(Decimal::from(amount) * rate / Decimal::from(10_000))
}

/// The month's statement (`YYYY-MM`) for everyone with a pay rule or a sale in the actor's current store.
pub async fn statement(
    app: &App,
    actor: &Actor,
    month_text: &str,
    store_id: Option<&str>,
) -> AppResult<Vec<CommissionLine>> {
    let store_id = actor.target_store(Permission::InsuranceRead, store_id)?;
    let month_text = month("month", month_text)?;
    let (from, to) = (format!("{month_text}-01"), format!("{month_text}-31"));
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let stores = vec![store_id.clone()];
                let rules: Vec<PayRuleRow> = {
                    let filter = ListFilter {
                        stores: stores.clone(),
                        order: "valid_from, id",
                        limit: 100_000,
                        ..ListFilter::default()
                    };
                    store::list(tx, &filter, 100_000).await?.0
                };
                let policies: Vec<PolicyRow> = {
                    let filter = ListFilter {
                        stores: stores.clone(),
                        between: Some(("sold_on", from.clone(), to.clone())),
                        order: "sold_on, id",
                        limit: 100_000,
                        ..ListFilter::default()
                    };
                    store::list(tx, &filter, 100_000).await?.0
                };
                let leads: Vec<LeadRow> = {
                    let filter = ListFilter {
                        stores: stores.clone(),
                        equals: vec![("status", "arrived".into())],
                        between: Some(("received_on", from.clone(), to.clone())),
                        order: "received_on, id",
                        limit: 100_000,
                        ..ListFilter::default()
                    };
                    store::list(tx, &filter, 100_000).await?.0
                };
                let mut people: Vec<String> = Vec::new();
                let current_rules: Vec<&PayRuleRow> = rules.iter().filter(|r| r.valid_from <= month_text).collect();
                for id in current_rules
                    .iter()
                    .map(|r| r.user_id.clone())
                    .chain(policies.iter().filter_map(|p| p.specialist_id.clone()))
                    .chain(leads.iter().filter_map(|l| l.specialist_id.clone()))
                {
                    if !people.contains(&id) {
                        people.push(id);
                    }
                }
                let mut lines = Vec::new();
                for user_id in people {
                    let rule = current_rules.iter().rev().find(|r| r.user_id == user_id);
                    let name = users::get(tx, &user_id).await?.map(|u| u.display_name).unwrap_or_default();
                    let sold: Vec<&PolicyRow> =
                        policies.iter().filter(|p| p.specialist_id.as_deref() == Some(&user_id)).collect();
                    let premium: i64 = sold.iter().map(|p| p.premium_fen).sum();
                    let commission: i64 = sold.iter().map(|p| p.commission_fen).sum();
                    let mut repairs = 0;
                    let mut repair_fen = 0;
                    for lead in leads.iter().filter(|l| l.specialist_id.as_deref() == Some(&user_id)) {
                        if let Some(order) = &lead.repair_order_id {
                            repairs += 1;
                            repair_fen += repair_orders::items(tx, &lead.store_id, order)
                                .await?
                                .iter()
                                .map(|i| i.amount_fen)
                                .sum::<i64>();
                        }
                    }
                    let share_percent = rule.map(|r| r.policy_share_percent.clone()).unwrap_or_else(|| "0".into());
                    let repair_percent = rule.map(|r| r.repair_percent.clone()).unwrap_or_else(|| "0".into());
                    let base = Money::from_fen(rule.map_or(0, |r| r.base_fen));
                    let policy_pay = share(commission, &share_percent);
                    let repair_pay = share(repair_fen, &repair_percent);
                    lines.push(CommissionLine {
                        user_id,
                        name,
                        base_pay: base,
                        policies: sold.len() as i64,
                        premium: Money::from_fen(premium),
                        store_commission: Money::from_fen(commission),
                        policy_share_percent: share_percent,
                        policy_pay,
                        repairs,
                        repair_amount: Money::from_fen(repair_fen),
                        repair_percent,
                        repair_pay,
                        total: Money::from_fen(base.fen() + policy_pay.fen() + repair_pay.fen()),
                    });
                }
                Ok::<_, AppError>(lines)
            })
        }))
        .await
}
