//! Policies sold as agent (承保签单, README I1): recorded from the purchase invoice and the owner's ID, with
//! covers, sums insured, premiums and the insurer's policy number; the premium collected; the commission
//! each cover earns at the insurer's rate; renewal reminders 60/30/7 days before expiry (a setting) and the
//! renewal outcome; the customer's cover explanation.

use claimdesk_domain::Money;
use claimdesk_domain::Violation;
use claimdesk_domain::access::Permission;
use claimdesk_domain::insurance::policy::{self as rules, PolicyInput, RENEWAL_OUTCOMES};
use claimdesk_store::insurance::{self as store, InsurerCoverRow, InsurerRow, ListFilter, PolicyCoverRow, PolicyRow};
use claimdesk_store::{Tx, job, new_id, vehicles};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::worklist::{DueSpec, close_for_subject, create_due};
use crate::{App, audit, clock};

pub const RENEWAL_KIND: &str = "insurance_renewal";

#[derive(Debug, Clone, Serialize)]
pub struct CoverView {
    pub position: i64,
    pub cover: String,
    pub name: String,
    pub sum_insured: Option<Money>,
    pub premium: Money,
    pub deductible_percent: Option<String>,
    pub commission_percent: String,
    pub commission: Money,
}

impl From<PolicyCoverRow> for CoverView {
    fn from(row: PolicyCoverRow) -> Self {
        CoverView {
            position: row.position,
            cover: row.cover,
            name: row.name,
            sum_insured: row.sum_insured_fen.map(Money::from_fen),
            premium: Money::from_fen(row.premium_fen),
            deductible_percent: row.deductible_percent,
            commission_percent: row.commission_percent,
            commission: Money::from_fen(row.commission_fen),
        }
    }
}

/// A policy as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    pub id: String,
    pub store_id: String,
    pub insurer_id: String,
    pub insurer_name: String,
    pub vehicle_id: String,
    pub plate: String,
    pub vin: String,
    pub customer_id: Option<String>,
    pub specialist_id: Option<String>,
    pub invoice_no: String,
    pub owner_id_no: String,
    pub policy_no: String,
    pub starts_on: String,
    pub ends_on: String,
    pub premium: Money,
    pub commission: Money,
    pub premium_collected: bool,
    pub collected_on: Option<String>,
    pub sold_on: String,
    pub renewal_of: Option<String>,
    pub renewal_outcome: String,
    pub renewal_note: String,
    pub renewal_on: Option<String>,
    pub note: String,
    pub version: i64,
    pub covers: Vec<CoverView>,
}

impl PolicyView {
    fn new(row: PolicyRow, insurer_name: String, plate: String, vin: String, covers: Vec<PolicyCoverRow>) -> Self {
        PolicyView {
            id: row.id,
            store_id: row.store_id,
            insurer_id: row.insurer_id,
            insurer_name,
            vehicle_id: row.vehicle_id,
            plate,
            vin,
            customer_id: row.customer_id,
            specialist_id: row.specialist_id,
            invoice_no: row.invoice_no,
            owner_id_no: row.owner_id_no,
            policy_no: row.policy_no,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            premium: Money::from_fen(row.premium_fen),
            commission: Money::from_fen(row.commission_fen),
            premium_collected: row.premium_collected,
            collected_on: row.collected_on,
            sold_on: row.sold_on,
            renewal_of: row.renewal_of,
            renewal_outcome: row.renewal_outcome,
            renewal_note: row.renewal_note,
            renewal_on: row.renewal_on,
            note: row.note,
            version: row.version,
            covers: covers.into_iter().map(CoverView::from).collect(),
        }
    }
}

/// Reads a policy with its covers, insurer and vehicle into a view.
pub(crate) async fn load(tx: &mut Tx, scope: &[String], id: &str) -> AppResult<PolicyView> {
    let row: PolicyRow = store::get(tx, scope, id).await?.ok_or(AppError::NotFound)?;
    view_of(tx, row).await
}

async fn view_of(tx: &mut Tx, row: PolicyRow) -> AppResult<PolicyView> {
    let stores = std::slice::from_ref(&row.store_id);
    let insurer: Option<InsurerRow> = store::get(tx, stores, &row.insurer_id).await?;
    let vehicle = vehicles::get(tx, stores, &row.vehicle_id).await?;
    let covers = store::children(tx, &row.store_id, "policy_id", &row.id, "position").await?;
    let (plate, vin) = vehicle.map(|v| (v.plate, v.vin)).unwrap_or_default();
    Ok(PolicyView::new(row, insurer.map(|i| i.name).unwrap_or_default(), plate, vin, covers))
}

/// The insurer's commission rate for a cover on a day, in percent (0 when none is set).
fn rate_on(rates: &[InsurerCoverRow], cover: &str, day: &str) -> Decimal {
    rates
        .iter()
        .filter(|rate| rate.cover == cover && rate.valid_from.as_str() <= day)
        .filter(|rate| rate.valid_to.as_deref().is_none_or(|to| to >= day))
        .max_by(|a, b| a.valid_from.cmp(&b.valid_from))
        .and_then(|rate| rate.commission_percent.parse().ok())
        .unwrap_or(Decimal::ZERO)
}

/// `POST /api/v1/insurance-policies`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewPolicy {
    #[serde(flatten)]
    pub policy: PolicyInput,
    #[serde(default)]
    pub store_id: Option<String>,
    /// The policy this one renews.
    #[serde(default)]
    pub renewal_of: Option<String>,
}

pub async fn create(app: &App, actor: &Actor, input: NewPolicy) -> AppResult<PolicyView> {
    let store_id = actor.target_store(Permission::InsuranceWrite, input.store_id.as_deref())?;
    let valid = rules::validate(&input.policy)?;
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    let renewal_days = app.settings.renewal_days.clone();
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let stores = std::slice::from_ref(&store_id);
                let insurer: InsurerRow = store::get(tx, stores, &input.policy.insurer_id)
                    .await?
                    .ok_or_else(|| Violation::new("insurer_id", "not_found"))?;
                let vehicle = vehicles::find(tx, stores, &input.policy.vehicle_id)
                    .await?
                    .ok_or_else(|| Violation::new("vehicle_id", "not_found"))?;
                let rates: Vec<InsurerCoverRow> =
                    store::children(tx, &store_id, "insurer_id", &insurer.id, "valid_from").await?;
                let id = new_id();
                let sold_on = today.to_string();
                let mut covers = Vec::new();
                for (position, cover) in valid.covers.iter().enumerate() {
                    let rate = rate_on(&rates, &cover.cover, &sold_on);
                    covers.push(PolicyCoverRow {
                        id: new_id(),
                        store_id: store_id.clone(),
                        policy_id: id.clone(),
                        position: position as i64,
                        cover: cover.cover.clone(),
                        name: cover.name.clone(),
                        sum_insured_fen: cover.sum_insured.map(Money::fen),
                        premium_fen: cover.premium.fen(),
                        deductible_percent: cover.deductible_percent.map(|d| d.normalize().to_string()),
                        commission_percent: rate.normalize().to_string(),
                        commission_fen: rules::commission(cover.premium, rate).fen(),
                    });
                }
                let customer_id =
                    input.policy.customer_id.clone().filter(|c| !c.is_empty()).or(vehicle.owner_id.clone());
                let row = PolicyRow {
                    id: id.clone(),
                    store_id: store_id.clone(),
                    insurer_id: insurer.id.clone(),
                    vehicle_id: vehicle.id.clone(),
                    customer_id,
                    specialist_id: actor.actor_id().map(str::to_string),
                    invoice_no: valid.invoice_no.clone(),
                    owner_id_no: valid.owner_id_no.as_str().to_string(),
                    policy_no: valid.policy_no.clone(),
                    starts_on: valid.starts_on.to_string(),
                    ends_on: valid.ends_on.to_string(),
                    premium_fen: valid.premium_total.fen(),
                    commission_fen: covers.iter().map(|c| c.commission_fen).sum(),
                    premium_collected: input.policy.premium_collected,
                    collected_on: input.policy.premium_collected.then(|| sold_on.clone()),
                    sold_on,
                    renewal_of: input.renewal_of.clone().filter(|r| !r.is_empty()),
                    note: input.policy.note.trim().to_string(),
                    created_at: now.as_millisecond(),
                    updated_at: now.as_millisecond(),
                    version: 1,
                    ..PolicyRow::default()
                };
                store::insert(tx, &row).await.map_err(|error| match error {
                    claimdesk_store::StoreError::Unique(_) => {
                        AppError::invalid(Violation::new("policy_no", "policy_no_taken"))
                    }
                    other => other.into(),
                })?;
                for cover in &covers {
                    store::insert(tx, cover).await?;
                }
                schedule_renewals(tx, &row, &vehicle.plate, &renewal_days, today, now.as_millisecond()).await?;
                if let Some(previous) = &row.renewal_of {
                    mark_renewed(tx, &actor, &store_id, previous, &row.id, today, now.as_millisecond()).await?;
                }
                let view = view_of(tx, row).await?;
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&view.store_id),
                        entity: "insurance_policy",
                        entity_id: &view.id,
                        action: "create",
                        before: None::<&()>,
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}

/// Renewal (续保) reminders for the specialist who sold the policy, `days` before it ends.
async fn schedule_renewals(
    tx: &mut Tx,
    row: &PolicyRow,
    plate: &str,
    days: &[i64],
    today: Date,
    now: i64,
) -> AppResult<()> {
    let Ok(ends_on) = row.ends_on.parse::<Date>() else { return Ok(()) };
    for (before, due_on) in rules::renewal_due_dates(ends_on, days, today) {
        create_due(
            tx,
            DueSpec {
                store_id: row.store_id.clone(),
                assignee_id: row.specialist_id.clone(),
                kind: RENEWAL_KIND.into(),
                rule: "I1".into(),
                subject_type: "insurance_policy".into(),
                subject_id: row.id.clone(),
                subject_label: format!("{plate} {}", row.policy_no).trim().to_string(),
                params: serde_json::json!({ "days_before": before, "ends_on": row.ends_on }),
                window_from: None,
                due_on,
                escalate_after_days: None,
                escalate_to_role: None,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

async fn mark_renewed(
    tx: &mut Tx,
    actor: &Actor,
    store_id: &str,
    previous: &str,
    renewal_id: &str,
    today: Date,
    now: i64,
) -> AppResult<()> {
    let before: PolicyRow = store::get(tx, &[store_id.to_string()], previous)
        .await?
        .ok_or_else(|| Violation::new("renewal_of", "not_found"))?;
    let mut row = before.clone();
    row.renewal_outcome = "renewed".into();
    row.renewal_note = renewal_id.to_string();
    row.renewal_on = Some(today.to_string());
    row.updated_at = now;
    if !store::update(tx, &row, store_id, previous, before.version).await? {
        return Err(AppError::Conflict("stale_version"));
    }
    close_for_subject(tx, store_id, "insurance_policy", previous, RENEWAL_KIND, "done", now).await?;
    audit::record(
        tx,
        actor,
        now,
        audit::Entry {
            store_id: Some(store_id),
            entity: "insurance_policy",
            entity_id: previous,
            action: "renewal",
            before: Some(&before),
            after: Some(&row),
        },
    )
    .await
}

/// A change to a policy: `collect` (the premium is in), or `renewal` with an outcome.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyAction {
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: Option<i64>,
}

pub async fn act(app: &App, actor: &Actor, id: &str, action: &str, input: PolicyAction) -> AppResult<PolicyView> {
    let scope = actor.store_ids(Permission::InsuranceRead);
    let (actor, id, action) = (actor.clone(), id.to_string(), action.to_string());
    let now = app.clock.now();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before: PolicyRow = store::get(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::InsuranceWrite, &before.store_id)?;
                let today = clock::local_date(now, actor.time_zone(&before.store_id)).to_string();
                let mut row = before.clone();
                match action.as_str() {
                    "collect" if !before.premium_collected => {
                        row.premium_collected = true;
                        row.collected_on = Some(today);
                    }
                    "collect" => return Err(AppError::Conflict("illegal_transition")),
                    "renewal" => {
                        let outcome = input.outcome.trim();
                        if !RENEWAL_OUTCOMES.contains(&outcome) {
                            return Err(Violation::new("outcome", "unknown_value").with("detail", outcome).into());
                        }
                        row.renewal_outcome = outcome.to_string();
                        row.renewal_note = input.note.trim().to_string();
                        row.renewal_on = Some(today);
                        close_for_subject(
                            tx,
                            &row.store_id,
                            "insurance_policy",
                            &row.id,
                            RENEWAL_KIND,
                            "done",
                            now.as_millisecond(),
                        )
                        .await?;
                    }
                    _ => return Err(AppError::NotFound),
                }
                row.updated_at = now.as_millisecond();
                let version = input.version.unwrap_or(before.version);
                if !store::update(tx, &row, &before.store_id, &id, version).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version = version + 1;
                audit::record(
                    tx,
                    &actor,
                    now.as_millisecond(),
                    audit::Entry {
                        store_id: Some(&row.store_id),
                        entity: "insurance_policy",
                        entity_id: &row.id,
                        action: &action,
                        before: Some(&before),
                        after: Some(&row),
                    },
                )
                .await?;
                view_of(tx, row).await
            })
        }))
        .await
}

/// A policy with the words the customer's cover explanation prints for each cover.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyDetail {
    pub policy: PolicyView,
    pub explanations: Vec<InsurerCoverRow>,
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<PolicyDetail> {
    let scope = actor.store_ids(Permission::InsuranceRead);
    let id = id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let policy = load(tx, &scope, &id).await?;
                let rates: Vec<InsurerCoverRow> =
                    store::children(tx, &policy.store_id, "insurer_id", &policy.insurer_id, "valid_from").await?;
                let explanations = policy
                    .covers
                    .iter()
                    .filter_map(|cover| {
                        rates
                            .iter()
                            .filter(|rate| rate.cover == cover.cover && rate.valid_from <= policy.sold_on)
                            .max_by(|a, b| a.valid_from.cmp(&b.valid_from))
                            .cloned()
                    })
                    .collect();
                Ok(PolicyDetail { policy, explanations })
            })
        }))
        .await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyListQuery {
    /// A policy-number prefix.
    pub q: Option<String>,
    pub insurer_id: Option<String>,
    pub vehicle_id: Option<String>,
    /// Policies ending in this range (renewal work).
    pub ends_from: Option<String>,
    pub ends_to: Option<String>,
    pub store_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(app: &App, actor: &Actor, query: PolicyListQuery) -> AppResult<Page<PolicyView>> {
    actor.require_anywhere(Permission::InsuranceRead)?;
    let request = PageRequest::new(query.page, query.per_page);
    let mut equals = Vec::new();
    for (column, value) in [("insurer_id", &query.insurer_id), ("vehicle_id", &query.vehicle_id)] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            equals.push((column, value.to_string()));
        }
    }
    let from = query.ends_from.clone().filter(|v| !v.is_empty());
    let to = query.ends_to.clone().filter(|v| !v.is_empty());
    let between = (from.is_some() || to.is_some())
        .then(|| ("ends_on", from.unwrap_or_else(|| "0000-01-01".into()), to.unwrap_or_else(|| "9999-12-31".into())));
    let filter = ListFilter {
        stores: actor.store_ids_filtered(Permission::InsuranceRead, query.store_id.as_deref()),
        equals,
        between,
        prefix: query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| ("policy_no", q.to_uppercase())),
        order: if query.ends_from.is_some() { "ends_on, id" } else { "created_at DESC, id" },
        offset: request.offset(),
        limit: request.per_page,
    };
    let cap = app.settings.count_cap;
    let (views, total) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, total) = store::list::<PolicyRow>(tx, &filter, cap).await?;
                let mut views = Vec::new();
                for row in rows {
                    views.push(view_of(tx, row).await?);
                }
                Ok::<_, AppError>((views, total))
            })
        }))
        .await?;
    Ok(Page::new(views, total, request, cap))
}

/// One specialist's renewals over policies ending in a period: how many ended, how many renewed here.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RenewalRate {
    pub specialist_id: Option<String>,
    pub specialist_name: String,
    pub due: i64,
    pub renewed: i64,
    pub rate_percent: String,
}

pub async fn renewal_rates(app: &App, actor: &Actor, from: &str, to: &str) -> AppResult<Vec<RenewalRate>> {
    actor.require_anywhere(Permission::InsuranceRead)?;
    let filter = ListFilter {
        stores: actor.store_ids(Permission::InsuranceRead),
        between: Some(("ends_on", from.to_string(), to.to_string())),
        order: "ends_on, id",
        limit: 100_000,
        ..ListFilter::default()
    };
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let (rows, _) = store::list::<PolicyRow>(tx, &filter, 100_000).await?;
                let mut rates: Vec<RenewalRate> = Vec::new();
                for row in rows {
                    let index = match rates.iter().position(|r| r.specialist_id == row.specialist_id) {
                        Some(index) => index,
                        None => {
                            let name = match &row.specialist_id {
                                Some(id) => claimdesk_store::users::get(tx, id)
                                    .await?
                                    .map(|u| u.display_name)
                                    .unwrap_or_default(),
                                None => String::new(),
                            };
                            rates.push(RenewalRate {
                                specialist_id: row.specialist_id.clone(),
                                specialist_name: name,
                                due: 0,
                                renewed: 0,
                                rate_percent: String::new(),
                            });
                            rates.len() - 1
                        }
                    };
                    rates[index].due += 1;
                    if row.renewal_outcome == "renewed" {
                        rates[index].renewed += 1;
                    }
                }
                for rate in &mut rates {
                    let percent = Decimal::from(rate.renewed * 100) / Decimal::from(rate.due.max(1));
                    rate.rate_percent = percent.round_dp(1).to_string();
                }
                Ok(rates)
            })
        }))
        .await
}
