//! The manufacturer's settings per brand and its catalogues, kept by the group admin.

use claimdesk_domain::access::Permission;
use claimdesk_domain::warranty::settings::{self as rules, BrandSettings, CataloguePart};
use claimdesk_domain::{Money, Violation, Violations};
use claimdesk_store::job;
use claimdesk_store::warranty::{self as store, BrandRow, FailureCodeRow, LaborOpRow, PartRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::settings_of;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

/// A brand's settings with its catalogues (the parts catalogue by count and a first page).
#[derive(Debug, Clone, Serialize)]
pub struct BrandSettingsView {
    pub brand: String,
    pub configured: bool,
    pub settings: BrandSettings,
    pub labor_ops: Vec<LaborOpRow>,
    pub failure_codes: Vec<FailureCodeRow>,
    pub parts_count: i64,
    pub parts: Vec<PartRow>,
    pub version: i64,
}

/// The brands with stored settings, and the brands the stores sell.
pub async fn list_brands(app: &App, actor: &Actor) -> AppResult<Vec<BrandSettingsView>> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let rows = store::brands(tx).await?;
                let mut names: Vec<String> = rows.iter().map(|row| row.brand.clone()).collect();
                for store_row in claimdesk_store::stores::list(tx).await? {
                    for brand in store_row.brands.split([',', '，', ' ']).map(str::trim).filter(|b| !b.is_empty()) {
                        if !names.iter().any(|name| name == brand) {
                            names.push(brand.to_string());
                        }
                    }
                }
                names.sort();
                let mut views = Vec::new();
                for brand in names {
                    let row = rows.iter().find(|row| row.brand == brand);
                    views.push(BrandSettingsView {
                        configured: row.is_some(),
                        settings: settings_of(row).unwrap_or_default(),
                        labor_ops: Vec::new(),
                        failure_codes: Vec::new(),
                        parts_count: store::parts_count(tx, &brand).await?,
                        parts: Vec::new(),
                        version: row.map(|row| row.version).unwrap_or(0),
                        brand,
                    });
                }
                Ok::<_, AppError>(views)
            })
        }))
        .await
}

/// One brand's settings and catalogues; the defaults when none are stored yet.
pub async fn brand_settings(app: &App, actor: &Actor, brand: &str, part_prefix: &str) -> AppResult<BrandSettingsView> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let brand = brand.trim().to_string();
    let prefix = part_prefix.trim().to_uppercase();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::brand(tx, &brand).await?;
                Ok::<_, AppError>(BrandSettingsView {
                    configured: row.is_some(),
                    settings: settings_of(row.as_ref()).unwrap_or_default(),
                    labor_ops: store::labor_ops(tx, &brand).await?,
                    failure_codes: store::failure_codes(tx, &brand).await?,
                    parts_count: store::parts_count(tx, &brand).await?,
                    parts: store::parts_page(tx, &brand, &prefix, 50).await?,
                    version: row.map(|row| row.version).unwrap_or(0),
                    brand,
                })
            })
        }))
        .await
}

/// Saves a brand's settings (group admin). Periods below the legal minimum are refused.
pub async fn save_brand(
    app: &App,
    actor: &Actor,
    brand: &str,
    settings: BrandSettings,
    expected_version: Option<i64>,
) -> AppResult<BrandSettingsView> {
    require_settings(actor)?;
    if brand.trim().is_empty() {
        return Err(Violation::new("brand", "required").into());
    }
    rules::validate(&settings)?;
    let brand = brand.trim().to_string();
    let actor_clone = actor.clone();
    let now = app.now_ms();
    let name = brand.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::brand(tx, &name).await?;
                let mut row = BrandRow {
                    brand: name.clone(),
                    sanbao_months: settings.sanbao_months.into(),
                    sanbao_km: settings.sanbao_km.into(),
                    warranty_months: settings.warranty_months.into(),
                    warranty_km: settings.warranty_km.into(),
                    parts_warranty_months: settings.parts_warranty_months.into(),
                    parts_warranty_km: settings.parts_warranty_km.into(),
                    labor_rate_fen: settings.labor_rate.fen(),
                    filing_window_days: settings.filing_window_days.into(),
                    preauth_threshold_fen: settings.preauth_threshold.fen(),
                    checks_json: serde_json::to_string(&settings.checks).map_err(anyhow::Error::from)?,
                    goodwill_chain_json: serde_json::to_string(&settings.goodwill_chain)
                        .map_err(anyhow::Error::from)?,
                    preauth_ops_json: serde_json::to_string(&settings.preauth_operations)
                        .map_err(anyhow::Error::from)?,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                match &before {
                    None => store::insert_brand(tx, &row).await?,
                    Some(existing) => {
                        if expected_version.is_some_and(|v| v != existing.version) {
                            return Err(AppError::Conflict("stale_version"));
                        }
                        row.created_at = existing.created_at;
                        row.version = existing.version;
                        if !store::update_brand(tx, &row).await? {
                            return Err(AppError::Conflict("stale_version"));
                        }
                    }
                }
                audit::record(
                    tx,
                    &actor_clone,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "warranty_brand",
                        entity_id: &name,
                        action: if before.is_some() { "update" } else { "create" },
                        before: settings_of(before.as_ref()).as_ref(),
                        after: Some(&settings),
                    },
                )
                .await?;
                Ok::<_, AppError>(())
            })
        }))
        .await?;
    brand_settings(app, actor, &brand, "").await
}

fn require_settings(actor: &Actor) -> AppResult<()> {
    if actor.has_group_role() && actor.can_anywhere(Permission::WarrantySettings) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Which catalogue an import replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueKind {
    Parts,
    LaborOps,
    FailureCodes,
}

impl CatalogueKind {
    pub fn parse(text: &str) -> Option<CatalogueKind> {
        match text.replace('-', "_").as_str() {
            "parts" => Some(CatalogueKind::Parts),
            "labor_ops" => Some(CatalogueKind::LaborOps),
            "failure_codes" => Some(CatalogueKind::FailureCodes),
            _ => None,
        }
    }
}

/// The outcome of an import: rows taken and the rows refused (with their row number in the file).
#[derive(Debug, Clone, Serialize)]
pub struct CatalogueImport {
    pub brand: String,
    pub catalogue: CatalogueKind,
    pub imported: usize,
}

fn yes(text: &str) -> bool {
    matches!(text.trim().to_lowercase().as_str(), "1" | "y" | "yes" | "true" | "是")
}

/// Replaces a catalogue with the rows of a sheet or CSV. Parts: `part no, name, price[, wear part, area]`;
/// labour operations: `code, description, standard hours`; failure codes: `code, description[, checklist
/// required, photos required]`. Any bad row refuses the whole import, each bad row named, so a price list is
/// never half loaded.
pub async fn import_catalogue(
    app: &App,
    actor: &Actor,
    brand: &str,
    kind: CatalogueKind,
    rows: Vec<Vec<String>>,
) -> AppResult<CatalogueImport> {
    require_settings(actor)?;
    let brand = brand.trim().to_string();
    if brand.is_empty() {
        return Err(Violation::new("brand", "required").into());
    }
    let now = app.now_ms();
    let (parts, labor, codes) = match kind {
        CatalogueKind::Parts => {
            let (parts, violations) = rules::parse_catalogue(&rows);
            if !violations.is_empty() {
                return Err(violations.into());
            }
            (parts, Vec::new(), Vec::new())
        }
        CatalogueKind::LaborOps => (Vec::new(), parse_labor(&brand, &rows)?, Vec::new()),
        CatalogueKind::FailureCodes => (Vec::new(), Vec::new(), parse_codes(&brand, &rows)?),
    };
    let imported = parts.len() + labor.len() + codes.len();
    // An empty file never wipes a catalogue.
    if imported == 0 {
        return Err(Violation::new("rows", "required").into());
    }
    let actor = actor.clone();
    let name = brand.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                match kind {
                    CatalogueKind::Parts => {
                        let rows: Vec<PartRow> = parts.into_iter().map(|p| part_row(&name, p)).collect();
                        store::replace_parts(tx, &name, &rows).await?;
                    }
                    CatalogueKind::LaborOps => store::replace_labor_ops(tx, &name, &labor).await?,
                    CatalogueKind::FailureCodes => store::replace_failure_codes(tx, &name, &codes).await?,
                }
                let summary = serde_json::json!({"catalogue": kind, "rows": imported});
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "warranty_brand",
                        entity_id: &name,
                        action: "import",
                        before: None::<&()>,
                        after: Some(&summary),
                    },
                )
                .await?;
                Ok::<_, AppError>(())
            })
        }))
        .await?;
    Ok(CatalogueImport { brand, catalogue: kind, imported })
}

fn part_row(brand: &str, part: CataloguePart) -> PartRow {
    PartRow {
        brand: brand.to_string(),
        part_no: part.part_no,
        name: part.name,
        price_fen: part.price.fen(),
        wear_part: part.wear_part,
        area: part.area,
    }
}

fn is_header(index: usize, row: &[String], numeric_column: Option<usize>) -> bool {
    index == 0
        && match numeric_column {
            Some(column) => row.get(column).is_none_or(|text| text.trim().parse::<Decimal>().is_err()),
            None => row.first().is_some_and(|text| text.trim() == "code" || text.trim().contains("代码")),
        }
}

fn parse_labor(brand: &str, rows: &[Vec<String>]) -> AppResult<Vec<LaborOpRow>> {
    let mut violations = Violations::new();
    let mut out = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) || is_header(index, row, Some(2)) {
            continue;
        }
        let cell = |column: usize| row.get(column).map(|c| c.trim()).unwrap_or("");
        let at = |column: &str| format!("rows[{}].{column}", index + 1);
        let code = cell(0).to_uppercase();
        if code.is_empty() {
            violations.push(Violation::new(at("code"), "required"));
            continue;
        }
        match cell(2).parse::<Decimal>() {
            Ok(hours) if !hours.is_sign_negative() && hours.normalize().scale() <= 2 => out.push(LaborOpRow {
                brand: brand.to_string(),
                code,
                description: cell(1).to_string(),
                standard_hours_centi: (hours * Decimal::ONE_HUNDRED).trunc().try_into().unwrap_or(0),
            }),
            _ => violations.push(Violation::new(at("standard_hours"), "number_format").with("found", cell(2))),
        }
    }
    violations.finish(|| out).map_err(AppError::from)
}

fn parse_codes(brand: &str, rows: &[Vec<String>]) -> AppResult<Vec<FailureCodeRow>> {
    let mut violations = Violations::new();
    let mut out = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) || is_header(index, row, None) {
            continue;
        }
        let cell = |column: usize| row.get(column).map(|c| c.trim()).unwrap_or("");
        let code = cell(0).to_uppercase();
        if code.is_empty() {
            violations.push(Violation::new(format!("rows[{}].code", index + 1), "required"));
            continue;
        }
        out.push(FailureCodeRow {
            brand: brand.to_string(),
            code,
            description: cell(1).to_string(),
            checklist_required: yes(cell(2)),
            photos_required: yes(cell(3)),
        });
    }
    violations.finish(|| out).map_err(AppError::from)
}

/// The labour rate a claim uses when the brand has no settings: none (the claim is refused).
pub fn rate_or_refuse(settings: Option<&BrandSettings>) -> Result<Money, Violation> {
    settings.map(|s| s.labor_rate).ok_or_else(|| Violation::new("brand", "warranty_brand_not_configured"))
}
