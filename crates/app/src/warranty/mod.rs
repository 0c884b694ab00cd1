//! Manufacturer warranty claims (三包索赔): the manufacturer's settings per brand, claims filed from repair
//! orders, the mis-claim checks, submission, the manufacturer's line-by-line decision, returns and
//! resubmissions, settlement, and the filing due item.

mod actions;
pub mod archive;
pub mod board;
mod checks;
mod claims;
pub mod filing;
pub mod goodwill;
pub mod preauth;
mod settings;

pub use actions::{ActionInput, act};
pub use checks::{CheckOutcome, check};
pub use claims::{
    ClaimInput, ClaimListQuery, create, draft_from_order, export_submitted, filing_due, get, line_input, list, update,
};
pub use settings::{
    BrandSettingsView, CatalogueImport, CatalogueKind, brand_settings, import_catalogue, list_brands, save_brand,
};

use std::collections::BTreeMap;

use claimdesk_domain::Money;
use claimdesk_domain::warranty::claim::{self as claim_rules, ClaimState};
use claimdesk_domain::warranty::lines::{self, ClaimAmounts, ClaimLine, PartRole};
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_store::Tx;
use claimdesk_store::warranty::{self as store, BrandRow, ClaimRow, LineRow, ReturnRow, VersionRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::clock;
use crate::error::{AppError, AppResult};

/// A finding of the mis-claim checks as stored with the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingView {
    pub rule: String,
    pub severity: String,
    pub code: String,
    pub field: String,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineView {
    pub line_no: i64,
    pub kind: String,
    /// The labour operation code or the part number.
    pub code: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_hours: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue_price: Option<Money>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub role: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub supplier_code: String,
    pub amount: Money,
    pub verdict: Option<String>,
    pub approved: Option<Money>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub verdict_reason: String,
}

fn hours_text(centi: i64) -> String {
    Decimal::new(centi, 2).normalize().to_string()
}

impl From<&LineRow> for LineView {
    fn from(row: &LineRow) -> Self {
        let labor = row.kind == "labor";
        let part = row.kind == "part";
        LineView {
            line_no: row.line_no,
            kind: row.kind.clone(),
            code: row.code.clone(),
            description: row.description.clone(),
            hours: labor.then(|| hours_text(row.hours_centi)),
            standard_hours: row.standard_hours_centi.filter(|_| labor).map(hours_text),
            quantity: part.then(|| Decimal::new(row.quantity_milli, 3).normalize().to_string()),
            unit_price: part.then(|| Money::from_fen(row.unit_price_fen)),
            catalogue_price: row.catalogue_price_fen.filter(|_| part).map(Money::from_fen),
            role: row.role.clone(),
            supplier_code: row.supplier_code.clone(),
            amount: Money::from_fen(row.amount_fen),
            verdict: row.verdict.clone(),
            approved: row.approved_fen.map(Money::from_fen),
            verdict_reason: row.verdict_reason.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReturnView {
    pub seq: i64,
    pub reason: String,
    pub returned_at: String,
    pub resubmitted_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub version_no: i64,
    pub created_at: String,
    /// The claim as it was sent: header, lines and amounts.
    pub content: serde_json::Value,
}

/// A warranty claim as the pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub repair_order_id: String,
    pub vehicle_id: String,
    pub vin: String,
    pub brand: String,
    pub kind: String,
    pub state: String,
    pub clerk_id: Option<String>,
    pub repair_date: String,
    pub mileage: i64,
    pub symptom: String,
    pub cause: String,
    pub correction: String,
    pub failure_code: String,
    pub checklist_done: bool,
    pub labor_rate: Money,
    pub amounts: ClaimAmounts,
    pub approved: Option<Money>,
    /// The eligibility decision's code (`sanbao_free_repair`, …) or empty when it could not be made.
    pub eligibility: String,
    pub inside_periods: bool,
    /// The input and output of the eligibility check (三包鉴定), saved at creation.
    pub eligibility_basis: serde_json::Value,
    pub findings: Vec<FindingView>,
    /// Override reasons by rule id.
    pub overrides: BTreeMap<String, String>,
    pub goodwill: Option<serde_json::Value>,
    /// 善意索赔: the approval chain and where the claim stands in it.
    pub goodwill_chain: Option<goodwill::ChainView>,
    /// 预授权: the amount is above the manufacturer's threshold.
    pub preauth_required: bool,
    pub lines: Vec<LineView>,
    pub content_version: i64,
    pub returns: i64,
    pub resubmissions: i64,
    pub return_reasons: Vec<ReturnView>,
    pub versions: Vec<VersionView>,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub settled_at: Option<String>,
    pub created_at: String,
    pub actions: Vec<&'static str>,
    pub version: i64,
}

pub(crate) fn state_of(row: &ClaimRow) -> AppResult<ClaimState> {
    ClaimState::parse(&row.state)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown claim state {}", row.state)))
}

/// The domain's lines from the stored rows.
pub(crate) fn domain_lines(rows: &[LineRow]) -> Vec<ClaimLine> {
    rows.iter()
        .map(|row| match row.kind.as_str() {
            "labor" => ClaimLine::Labor {
                code: row.code.clone(),
                description: row.description.clone(),
                hours: Decimal::new(row.hours_centi, 2),
            },
            "part" => ClaimLine::Part {
                part_no: row.code.clone(),
                description: row.description.clone(),
                quantity: Decimal::new(row.quantity_milli, 3),
                unit_price: Money::from_fen(row.unit_price_fen),
                role: if row.role == "consequential" { PartRole::Consequential } else { PartRole::Causal },
                supplier_code: row.supplier_code.clone(),
            },
            _ => ClaimLine::Sublet { description: row.description.clone(), amount: Money::from_fen(row.amount_fen) },
        })
        .collect()
}

impl ClaimView {
    pub fn new(
        row: ClaimRow,
        line_rows: &[LineRow],
        returns: Vec<ReturnRow>,
        versions: Vec<VersionRow>,
        settings: Option<&BrandSettings>,
        time_zone: &str,
    ) -> ClaimView {
        let labor_rate = Money::from_fen(row.labor_rate_fen);
        let amounts = lines::amounts(&domain_lines(line_rows), labor_rate);
        let basis: serde_json::Value = serde_json::from_str(&row.eligibility_json).unwrap_or_default();
        let state = ClaimState::parse(&row.state);
        let at = |ms: Option<i64>| ms.map(|ms| clock::rfc3339_local(ms, time_zone));
        ClaimView {
            inside_periods: basis["inside_periods"].as_bool().unwrap_or(false),
            eligibility_basis: basis,
            findings: serde_json::from_str(&row.findings_json).unwrap_or_default(),
            overrides: serde_json::from_str(&row.overrides_json).unwrap_or_default(),
            goodwill: row.goodwill_json.as_deref().and_then(|text| serde_json::from_str(text).ok()),
            goodwill_chain: None,
            preauth_required: settings
                .is_some_and(|s| claimdesk_domain::warranty::settings::needs_preauthorisation(s, amounts.total)),
            lines: line_rows.iter().map(LineView::from).collect(),
            return_reasons: returns
                .into_iter()
                .map(|r| ReturnView {
                    seq: r.seq,
                    reason: r.reason,
                    returned_at: clock::rfc3339_local(r.returned_at, time_zone),
                    resubmitted_at: r.resubmitted_at.map(|ms| clock::rfc3339_local(ms, time_zone)),
                })
                .collect(),
            versions: versions
                .into_iter()
                .map(|v| VersionView {
                    version_no: v.version_no,
                    created_at: clock::rfc3339_local(v.created_at, time_zone),
                    content: serde_json::from_str(&v.content).unwrap_or_default(),
                })
                .collect(),
            actions: state
                .map(|s| claim_rules::actions(s).into_iter().map(|a| a.as_str()).collect())
                .unwrap_or_default(),
            submitted_at: at(row.submitted_at),
            decided_at: at(row.decided_at),
            settled_at: at(row.settled_at),
            created_at: clock::rfc3339_local(row.created_at, time_zone),
            labor_rate,
            amounts,
            approved: row.approved_fen.map(Money::from_fen),
            id: row.id,
            store_id: row.store_id,
            number: row.number,
            repair_order_id: row.repair_order_id,
            vehicle_id: row.vehicle_id,
            vin: row.vin,
            brand: row.brand,
            kind: row.kind,
            state: row.state,
            clerk_id: row.clerk_id,
            repair_date: row.repair_date,
            mileage: row.mileage,
            symptom: row.symptom,
            cause: row.cause,
            correction: row.correction,
            failure_code: row.failure_code,
            checklist_done: row.checklist_done,
            eligibility: row.eligibility,
            content_version: row.content_version,
            returns: row.returns,
            resubmissions: row.resubmissions,
            version: row.version,
        }
    }
}

/// A brand's settings from its row; the defaults (the legal minimum periods) when none is stored.
pub(crate) fn settings_of(row: Option<&BrandRow>) -> Option<BrandSettings> {
    let row = row?;
    Some(BrandSettings {
        sanbao_months: row.sanbao_months as u32,
        sanbao_km: row.sanbao_km as u32,
        warranty_months: row.warranty_months as u32,
        warranty_km: row.warranty_km as u32,
        parts_warranty_months: row.parts_warranty_months as u32,
        parts_warranty_km: row.parts_warranty_km as u32,
        labor_rate: Money::from_fen(row.labor_rate_fen),
        filing_window_days: row.filing_window_days as u32,
        preauth_threshold: Money::from_fen(row.preauth_threshold_fen),
        checks: serde_json::from_str(&row.checks_json).unwrap_or_default(),
        goodwill_chain: serde_json::from_str(&row.goodwill_chain_json).unwrap_or_default(),
        preauth_operations: serde_json::from_str(&row.preauth_ops_json).unwrap_or_default(),
    })
}

/// Loads a claim with everything its page shows.
pub(crate) async fn load_view(tx: &mut Tx, row: ClaimRow, time_zone: &str) -> AppResult<ClaimView> {
    let line_rows = store::lines(tx, &row.store_id, &row.id).await?;
    let returns = store::returns(tx, &row.store_id, &row.id).await?;
    let versions = store::versions(tx, &row.store_id, &row.id).await?;
    let brand = store::brand(tx, &row.brand).await?;
    let settings = settings_of(brand.as_ref());
    let chain = goodwill::chain_view(tx, &row, settings.as_ref(), time_zone).await?;
    let mut view = ClaimView::new(row, &line_rows, returns, versions, settings.as_ref(), time_zone);
    view.goodwill_chain = chain;
    Ok(view)
}

/// The claim as it leaves the dealer: what a version keeps and the manufacturer's export carries.
pub(crate) fn content_json(view: &ClaimView, store_code: &str) -> serde_json::Value {
    serde_json::json!({
        "number": view.number,
        "dealer_code": store_code,
        "version": view.content_version,
        "kind": view.kind,
        "brand": view.brand,
        "vin": view.vin,
        "repair_date": view.repair_date,
        "mileage": view.mileage,
        "symptom": view.symptom,
        "cause": view.cause,
        "correction": view.correction,
        "failure_code": view.failure_code,
        "checklist_done": view.checklist_done,
        "labor_rate": view.labor_rate,
        "eligibility": view.eligibility,
        "lines": view.lines.iter().map(|line| serde_json::json!({
            "line_no": line.line_no,
            "kind": line.kind,
            "code": line.code,
            "description": line.description,
            "hours": line.hours,
            "standard_hours": line.standard_hours,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "role": if line.role.is_empty() { None } else { Some(&line.role) },
            "supplier_code": if line.supplier_code.is_empty() { None } else { Some(&line.supplier_code) },
            "amount": line.amount,
        })).collect::<Vec<_>>(),
        "amounts": view.amounts,
        "goodwill": view.goodwill,
        "overrides": view.overrides,
        "resubmissions": view.resubmissions,
    })
}
