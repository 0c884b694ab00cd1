//! The mis-claim checks before submission (W11), with the context gathered from the database: the VIN's
//! earlier claims, its odometer readings, its accident repair orders with their parts, and the catalogues.

use std::collections::BTreeMap;

use claimdesk_domain::Money;
use claimdesk_domain::access::Permission;
use claimdesk_domain::attachment::{AttachmentKind, OwnerKind};
use claimdesk_domain::warranty::checks::{
    self as rules, AccidentRecord, CheckContext, CheckRule, ClaimFacts, EarlierClaim, Finding, LaborFacts, PartFacts,
    Reading,
};
use claimdesk_domain::warranty::claim::{ClaimAction, ClaimState, transition};
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_store::warranty::{self as store, ClaimRow, LineRow};
use claimdesk_store::{Tx, job, repair_orders, vehicles};
use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{ClaimView, load_view, settings_of, state_of};
use crate::actor::Actor;
use crate::attachments::{self, Owner};
use crate::error::{AppError, AppResult};
use crate::{App, audit};

fn date(text: &str) -> Option<Date> {
    text.parse().ok()
}

/// Runs the checks on a claim as stored, under the brand's settings.
pub(crate) async fn run_checks(
    tx: &mut Tx,
    row: &ClaimRow,
    lines: &[LineRow],
    settings: &BrandSettings,
    time_zone: &str,
) -> AppResult<Vec<Finding>> {
    let repair_date = date(&row.repair_date).ok_or_else(|| anyhow::anyhow!("bad repair date {}", row.repair_date))?;
    let part_nos: Vec<String> = lines.iter().filter(|l| l.kind == "part").map(|l| l.code.clone()).collect();
    let catalogue = store::parts(tx, &row.brand, &part_nos).await?;
    let codes = store::failure_codes(tx, &row.brand).await?;
    let code = codes.iter().find(|c| c.code == row.failure_code);
    let basis: serde_json::Value = serde_json::from_str(&row.eligibility_json).unwrap_or_default();
    // Photos, invoices and checklists come from the claim's attachments: a checklist uploaded counts as done,
    // and every file's content hash is looked up on the store's other claims (one photo, one claim).
    let owner = Owner::new(OwnerKind::WarrantyClaim, &row.id);
    let files = attachments::of_owner_in(tx, &row.store_id, &owner).await?;
    let hashes: Vec<String> = files.iter().map(|f| f.hash.clone()).collect();
    let mut used_hashes = BTreeMap::new();
    for (kind, owner_id, hash) in attachments::used_elsewhere_in(tx, &row.store_id, &owner, &hashes).await? {
        if kind != OwnerKind::WarrantyClaim.as_str() {
            continue;
        }
        if let Some(other) = store::get_claim(tx, std::slice::from_ref(&row.store_id), &owner_id).await? {
            used_hashes.entry(hash).or_insert(other.number);
        }
    }
    let facts = ClaimFacts {
        claim_no: row.number.clone(),
        vin: row.vin.clone(),
        repair_date,
        mileage: row.mileage,
        failure_code: row.failure_code.clone(),
        labor: lines
            .iter()
            .filter(|l| l.kind == "labor")
            .map(|l| LaborFacts {
                code: l.code.clone(),
                hours: Decimal::new(l.hours_centi, 2),
                standard_hours: l.standard_hours_centi.map(|h| Decimal::new(h, 2)),
            })
            .collect(),
        parts: lines
            .iter()
            .filter(|l| l.kind == "part")
            .map(|l| PartFacts {
                part_no: l.code.clone(),
                unit_price: Money::from_fen(l.unit_price_fen),
                catalogue_price: l.catalogue_price_fen.map(Money::from_fen),
                area: catalogue.iter().find(|p| p.part_no == l.code).map(|p| p.area.clone()).filter(|a| !a.is_empty()),
            })
            .collect(),
        attachment_hashes: hashes,
        photos: files.iter().filter(|f| f.kind == AttachmentKind::Photo.as_str()).count(),
        photos_required: code.is_some_and(|c| c.photos_required),
        checklist_required: code.is_some_and(|c| c.checklist_required),
        checklist_done: row.checklist_done || files.iter().any(|f| f.kind == AttachmentKind::Checklist.as_str()),
        inside_periods: basis["inside_periods"].as_bool().unwrap_or(false),
    };

    // Earlier claims of the VIN anywhere in the group, except withdrawn and fully rejected ones.
    let earlier: Vec<ClaimRow> = store::claims_of_vin(tx, &row.vin)
        .await?
        .into_iter()
        .filter(|c| c.id != row.id && !matches!(c.state.as_str(), "cancelled" | "rejected"))
        .collect();
    let ids: Vec<String> = earlier.iter().map(|c| c.id.clone()).collect();
    let earlier_lines = store::lines_of_claims(tx, &ids).await?;
    let earlier_claims = earlier
        .iter()
        .filter_map(|c| {
            let repair_date = date(&c.repair_date)?;
            let part_nos: Vec<String> = earlier_lines
                .iter()
                .filter(|l| l.claim_id == c.id && l.kind == "part")
                .map(|l| l.code.clone())
                .collect();
            let fitted = matches!(c.state.as_str(), "approved" | "partly_approved" | "settled") && !part_nos.is_empty();
            let until = fitted
                .then(|| {
                    let last = repair_date.checked_add(i64::from(settings.parts_warranty_months).months()).ok()?;
                    Some((last, c.mileage + i64::from(settings.parts_warranty_km)))
                })
                .flatten();
            Some(EarlierClaim {
                claim_no: c.number.clone(),
                repair_date,
                failure_code: c.failure_code.clone(),
                part_nos,
                parts_warranty_until: until,
            })
        })
        .collect();
    let readings = vehicles::readings(tx, &row.store_id, &row.vehicle_id)
        .await?
        .into_iter()
        .filter_map(|r| Some(Reading { date: date(&r.read_on)?, mileage: r.km }))
        .collect();
    let mut accidents = Vec::new();
    for order in repair_orders::of_vehicle(tx, &row.store_id, &row.vehicle_id).await? {
        if order.kind != "accident" || order.id == row.repair_order_id {
            continue;
        }
        let items = repair_orders::items(tx, &order.store_id, &order.id).await?;
        let part_nos: Vec<String> =
            items.iter().filter(|i| i.kind == "part" && !i.part_no.is_empty()).map(|i| i.part_no.clone()).collect();
        let areas = store::parts(tx, &row.brand, &part_nos)
            .await?
            .into_iter()
            .map(|p| p.area)
            .filter(|a| !a.is_empty())
            .collect();
        let date = crate::clock::local_date(crate::clock::from_ms(order.checked_in_at), time_zone);
        accidents.push(AccidentRecord { reference: order.number.clone(), date, part_nos, areas });
    }
    let context = CheckContext { earlier_claims, readings, accidents, used_hashes };
    Ok(rules::run(&facts, &context, &settings.checks))
}

/// The outcome of a check: whether the claim may be submitted, and the claim with its findings saved.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOutcome {
    pub passed: bool,
    pub claim: ClaimView,
}

/// Override reasons by rule id (`hours_above_standard` → `厂家特批`); unknown rule ids are ignored.
pub(crate) fn parse_overrides(reasons: &BTreeMap<String, String>) -> BTreeMap<CheckRule, String> {
    reasons
        .iter()
        .filter(|(_, reason)| !reason.trim().is_empty())
        .filter_map(|(rule, reason)| {
            CheckRule::ALL.into_iter().find(|r| r.as_str() == rule).map(|r| (r, reason.trim().to_string()))
        })
        .collect()
}

/// Runs the checks on a draft. The findings and the override reasons given for warnings are saved either way;
/// the claim moves to `checked` only when nothing blocks and every warning has a reason.
pub async fn check(app: &App, actor: &Actor, id: &str, overrides: BTreeMap<String, String>) -> AppResult<CheckOutcome> {
    let scope = actor.store_ids(Permission::WarrantyRead);
    let actor = actor.clone();
    let id = id.to_string();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::get_claim(tx, &scope, &id).await?.ok_or(AppError::NotFound)?;
                actor.require(Permission::WarrantyWrite, &before.store_id)?;
                let state = state_of(&before)?;
                transition(state, ClaimAction::Check, None).map_err(|_| AppError::Conflict("illegal_transition"))?;
                let settings = settings_of(store::brand(tx, &before.brand).await?.as_ref()).unwrap_or_default();
                let lines = store::lines(tx, &before.store_id, &before.id).await?;
                let zone = actor.time_zone(&before.store_id).to_string();
                let findings = run_checks(tx, &before, &lines, &settings, &zone).await?;
                // Reasons given earlier still count for the same rule unless replaced.
                let mut reasons: BTreeMap<String, String> =
                    serde_json::from_str(&before.overrides_json).unwrap_or_default();
                reasons.extend(overrides.into_iter().filter(|(_, r)| !r.trim().is_empty()));
                let passed = rules::may_submit(&findings, &parse_overrides(&reasons));
                let mut row = before.clone();
                row.findings_json = serde_json::to_string(&findings).map_err(anyhow::Error::from)?;
                row.overrides_json = serde_json::to_string(&reasons).map_err(anyhow::Error::from)?;
                if passed {
                    row.state = ClaimState::Checked.as_str().into();
                }
                row.updated_at = now;
                if !store::update_claim(tx, &row).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                row.version += 1;
                let claim = load_view(tx, row, &zone).await?;
                let summary =
                    serde_json::json!({"passed": passed, "findings": claim.findings, "overrides": claim.overrides});
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: Some(&claim.store_id),
                        entity: "warranty_claim",
                        entity_id: &claim.id,
                        action: "check",
                        before: None::<&()>,
                        after: Some(&summary),
                    },
                )
                .await?;
                Ok(CheckOutcome { passed, claim })
            })
        }))
        .await
}
