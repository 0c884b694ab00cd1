//! The 三包 terms of a vehicle for its customer (W8): what is covered, until which day and odometer
//! reading, the wear parts' own periods and the new-energy battery terms, all computed by the engine from
//! the brand's settings (never below the legal minimum) and the vehicle's invoice or delivery date, with
//! the restart after a 三包 replacement (Art 29). Also the brand's 三包凭证 terms beyond the periods.

use claimdesk_domain::access::Permission;
use claimdesk_domain::sanbao::compensation::Rate;
use claimdesk_domain::sanbao::periods::{self, Limit, Periods, StartBasis};
use claimdesk_domain::{Violation, Violations};
use claimdesk_store::sanbao::{self as store, BrandTermsRow};
use claimdesk_store::{job, vehicles};
use serde::{Deserialize, Serialize};

use super::{VehicleMark, engine_vehicle, marks_of, parse_percent};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

/// A wear part's own period (易损耗零部件, Art 9(6), 19), counted from the period start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WearPart {
    pub name: String,
    pub months: u32,
    pub km: u32,
}

/// The brand's 三包凭证 terms beyond the periods.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BrandTermsInput {
    pub wear_parts: Vec<WearPart>,
    /// Power battery capacity-fade limit within 三包有效期 and within 包修期, in percent (Art 9(7)).
    pub battery_fade_sanbao_percent: String,
    pub battery_fade_warranty_percent: String,
    /// The manufacturer's own warranty of the battery, motor and controller (a promise, not a 三包 rule).
    pub core_months: Option<u32>,
    pub core_km: Option<u32>,
    /// n of Art 27, percent (2021: at most 0.5).
    pub use_compensation_percent: String,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrandTermsView {
    pub brand: String,
    pub wear_parts: Vec<WearPart>,
    pub battery_fade_sanbao_percent: String,
    pub battery_fade_warranty_percent: String,
    pub core_months: Option<u32>,
    pub core_km: Option<u32>,
    pub use_compensation_percent: String,
    pub version: i64,
}

impl BrandTermsView {
    fn new(brand: &str, row: Option<BrandTermsRow>) -> BrandTermsView {
        let row = row.unwrap_or_default();
        BrandTermsView {
            brand: brand.to_string(),
            wear_parts: serde_json::from_str(&row.wear_parts_json).unwrap_or_default(),
            battery_fade_sanbao_percent: row.battery_fade_sanbao_percent,
            battery_fade_warranty_percent: row.battery_fade_warranty_percent,
            core_months: row.core_months.and_then(|v| u32::try_from(v).ok()),
            core_km: row.core_km.and_then(|v| u32::try_from(v).ok()),
            use_compensation_percent: row.use_compensation_percent,
            version: row.version,
        }
    }
}

/// One line of the sheet: a period's last day and odometer limit, whichever comes first.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodLine {
    pub months: u32,
    pub km: u32,
    pub last_day: String,
    pub km_limit: u64,
}

fn line(limit: Limit, months: u32, km: u32) -> PeriodLine {
    PeriodLine { months, km, last_day: limit.last_day.to_string(), km_limit: limit.km_limit }
}

#[derive(Debug, Clone, Serialize)]
pub struct WearPartLine {
    pub name: String,
    #[serde(flatten)]
    pub period: PeriodLine,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatteryTerms {
    pub fade_sanbao_percent: String,
    pub fade_warranty_percent: String,
    /// The manufacturer's own battery, motor and controller warranty, when it promises one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core: Option<PeriodLine>,
}

/// The printable 三包 terms of a vehicle.
#[derive(Debug, Clone, Serialize)]
pub struct TermsSheet {
    pub vehicle_id: String,
    pub store_id: String,
    pub vin: String,
    pub plate: String,
    pub brand: String,
    pub model: String,
    pub powertrain: String,
    /// `2021` or `2013`.
    pub version: String,
    pub start: String,
    /// `invoice_date`, `delivery_date` or `replacement`.
    pub start_basis: String,
    pub start_odometer_km: u32,
    pub sanbao: PeriodLine,
    pub warranty: PeriodLine,
    /// The Art 20 / 23 window: 60 days or 3,000 km.
    pub sixty_day: PeriodLine,
    /// The 2021 Art 22 window; absent under 2013.
    pub seven_day_last_day: Option<String>,
    pub wear_parts: Vec<WearPartLine>,
    /// For a new-energy vehicle (hybrid, plug-in or battery electric).
    pub battery: Option<BatteryTerms>,
    pub use_compensation_percent: String,
    pub marks: Vec<VehicleMark>,
}

fn basis(periods: &Periods) -> &'static str {
    match periods.start_basis {
        StartBasis::InvoiceDate => "invoice_date",
        StartBasis::DeliveryDate => "delivery_date",
        StartBasis::Replacement => "replacement",
    }
}

/// The vehicle's 三包 terms as printed for the customer.
pub async fn vehicle_terms(app: &App, actor: &Actor, vehicle_id: &str) -> AppResult<TermsSheet> {
    let scope = actor.store_ids(Permission::CustomersRead);
    let vehicle_id = vehicle_id.to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let vehicle = vehicles::get(tx, &scope, &vehicle_id).await?.ok_or(AppError::NotFound)?;
                let Some((engine, brand)) = engine_vehicle(tx, &vehicle).await? else {
                    return Err(Violation::new("invoice_on", "sanbao_vehicle_without_invoice_date").into());
                };
                let periods = periods::periods(&engine).map_err(AppError::Invalid)?;
                let terms = &engine.terms;
                let extra = BrandTermsView::new(&vehicle.brand, brand.extra);
                let wear_parts = extra
                    .wear_parts
                    .iter()
                    .map(|part| WearPartLine {
                        name: part.name.clone(),
                        period: line(periods.own_period(part.months, part.km), part.months, part.km),
                    })
                    .collect();
                let battery = (vehicle.powertrain != "ice").then(|| BatteryTerms {
                    fade_sanbao_percent: extra.battery_fade_sanbao_percent.clone(),
                    fade_warranty_percent: extra.battery_fade_warranty_percent.clone(),
                    core: match (extra.core_months, extra.core_km) {
                        (Some(months), Some(km)) => Some(line(periods.own_period(months, km), months, km)),
                        _ => None,
                    },
                });
                let cases = store::cases_of_vehicle(tx, &vehicle.store_id, &vehicle.id).await?;
                Ok(TermsSheet {
                    version: periods.version.as_str().to_string(),
                    start: periods.start.to_string(),
                    start_basis: basis(&periods).into(),
                    start_odometer_km: periods.start_odometer_km,
                    sanbao: line(periods.sanbao, terms.sanbao_months, terms.sanbao_km),
                    warranty: line(periods.warranty, terms.warranty_months, terms.warranty_km),
                    sixty_day: line(periods.sixty_day, 0, claimdesk_domain::sanbao::periods::SIXTY_DAY_KM),
                    seven_day_last_day: periods.seven_day_last_day.map(|day| day.to_string()),
                    wear_parts,
                    battery,
                    use_compensation_percent: extra.use_compensation_percent,
                    marks: marks_of(&cases, &vehicle.id),
                    vehicle_id: vehicle.id,
                    store_id: vehicle.store_id,
                    vin: vehicle.vin,
                    plate: vehicle.plate,
                    brand: vehicle.brand,
                    model: vehicle.model,
                    powertrain: vehicle.powertrain,
                })
            })
        }))
        .await
}

pub async fn brand_terms(app: &App, actor: &Actor, brand: &str) -> AppResult<BrandTermsView> {
    actor.require_anywhere(Permission::WarrantyRead)?;
    let brand = brand.trim().to_string();
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let row = store::brand_terms(tx, &brand).await?;
                Ok::<_, AppError>(BrandTermsView::new(&brand, row))
            })
        }))
        .await
}

fn validate(input: &BrandTermsInput) -> Result<(), Violations> {
    let mut violations = Violations::new();
    for (index, part) in input.wear_parts.iter().enumerate() {
        if part.name.trim().is_empty() {
            violations.push(Violation::new(format!("wear_parts[{index}].name"), "required"));
        }
        if !(1..=1_200).contains(&part.months) {
            violations.push(
                Violation::new(format!("wear_parts[{index}].months"), "out_of_range").with("min", 1).with("max", 1_200),
            );
        }
        if !(1..=10_000_000).contains(&part.km) {
            violations.push(
                Violation::new(format!("wear_parts[{index}].km"), "out_of_range")
                    .with("min", 1)
                    .with("max", 10_000_000),
            );
        }
    }
    for (field, text) in [
        ("battery_fade_sanbao_percent", &input.battery_fade_sanbao_percent),
        ("battery_fade_warranty_percent", &input.battery_fade_warranty_percent),
    ] {
        if !text.trim().is_empty() && parse_percent(text).is_none() {
            violations.push(Violation::new(field, "out_of_range").with("min", 0).with("max", 100));
        }
    }
    if input.core_months.is_some() != input.core_km.is_some() {
        let missing = if input.core_months.is_none() { "core_months" } else { "core_km" };
        violations.push(Violation::new(missing, "required"));
    }
    let n = input.use_compensation_percent.trim();
    if !n.is_empty() {
        // Each vehicle's version is checked when a case computes; here the widest legal range (0–0.8 %).
        match Rate::parse(n) {
            Some(rate) if rate.percent() <= rust_decimal::Decimal::new(8, 1) => {}
            _ => violations
                .push(Violation::new("use_compensation_percent", "out_of_range").with("min", 0).with("max", "0.8")),
        }
    }
    violations.finish(|| ())
}

/// Saves the brand's 三包凭证 terms (group admin).
pub async fn save_brand_terms(
    app: &App,
    actor: &Actor,
    brand: &str,
    input: BrandTermsInput,
) -> AppResult<BrandTermsView> {
    if !actor.has_group_role() || !actor.can_anywhere(Permission::WarrantySettings) {
        return Err(AppError::Forbidden);
    }
    let brand = brand.trim().to_string();
    if brand.is_empty() {
        return Err(Violation::new("brand", "required").into());
    }
    validate(&input)?;
    let actor = actor.clone();
    let now = app.now_ms();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let before = store::brand_terms(tx, &brand).await?;
                if let (Some(old), Some(version)) = (&before, input.version)
                    && old.version != version
                {
                    return Err(AppError::Conflict("stale_version"));
                }
                let row = BrandTermsRow {
                    brand: brand.clone(),
                    wear_parts_json: serde_json::to_string(&input.wear_parts).map_err(anyhow::Error::from)?,
                    battery_fade_sanbao_percent: input.battery_fade_sanbao_percent.trim().to_string(),
                    battery_fade_warranty_percent: input.battery_fade_warranty_percent.trim().to_string(),
                    core_months: input.core_months.map(i64::from),
                    core_km: input.core_km.map(i64::from),
                    use_compensation_percent: input.use_compensation_percent.trim().to_string(),
                    created_at: before.as_ref().map_or(now, |old| old.created_at),
                    updated_at: now,
                    version: before.as_ref().map_or(1, |old| old.version + 1),
                };
                store::save_brand_terms(tx, &row, before.is_some()).await?;
                let before_view = before.map(|old| BrandTermsView::new(&brand, Some(old)));
                let view = BrandTermsView::new(&brand, Some(row));
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "sanbao_brand_terms",
                        entity_id: &brand,
                        action: "save",
                        before: before_view.as_ref(),
                        after: Some(&view),
                    },
                )
                .await?;
                Ok(view)
            })
        }))
        .await
}
