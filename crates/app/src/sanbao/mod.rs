//! The 三包 duties around a vehicle (issue 4, items 9–11), on top of the regulation engine
//! (`claimdesk_domain::sanbao`):
//!
//! - [`repairs`]: the 三包 facts of a repair order, the Art 24 watch (an alert for the service manager one
//!   repair or five days before a replacement-or-return ground) and the Art 21 spare car from day 6.
//! - [`terms`]: the vehicle's 三包 terms for the customer (W8) and the brand's 三包凭证 terms.
//! - [`cases`]: 三包换退车, the consumer's written request for a replacement car or a return.
//!
//! Every rule is the engine's; this module only gathers its inputs from the stored records.

pub mod cases;
pub mod repairs;
pub mod terms;

use claimdesk_domain::Money;
use claimdesk_domain::sanbao::compensation::Rate;
use claimdesk_domain::sanbao::history::{ExcludedHours, RepairAction, RepairRecord};
use claimdesk_domain::sanbao::periods::{Handover, UseNature, Vehicle, VehicleKind};
use claimdesk_domain::sanbao::{System, Terms};
use claimdesk_store::repair_orders::{self, RepairOrderRow};
use claimdesk_store::sanbao::{self as store, CaseRow, RepairRecordRow};
use claimdesk_store::vehicles::VehicleRow;
use claimdesk_store::warranty as warranty_store;
use claimdesk_store::{Tx, users};
use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::clock;
use crate::error::AppResult;

/// The due item kinds this module opens (the worklist words them).
pub const DUE_WATCH: &str = "sanbao_art24_watch";
pub const DUE_SPARE_CAR: &str = "sanbao_spare_car";
pub const DUE_CASE_REPLY: &str = "sanbao_case_reply";
pub const DUE_CASE_COMPLETION: &str = "sanbao_case_completion";

/// The engine's use nature from the vehicle's registered one.
pub(crate) fn use_nature(stored: &str) -> UseNature {
    match stored {
        "private" | "non_commercial" | "" => UseNature::NonCommercial,
        "bus" => UseNature::PassengerTransport,
        other => {
            serde_json::from_value(serde_json::Value::String(other.to_string())).unwrap_or(UseNature::OtherCommercial)
        }
    }
}

/// A system name from a form or the API (`brakes`, `power_battery`, …).
pub(crate) fn parse_system(text: &str) -> Option<System> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string())).ok()
}

/// A percent typed as `"5"` or `"5%"`, between 0 and 100.
pub(crate) fn parse_percent(text: &str) -> Option<Decimal> {
    let number = text.trim().trim_end_matches('%').trim();
    number.parse::<Decimal>().ok().filter(|value| !value.is_sign_negative() && *value <= Decimal::ONE_HUNDRED)
}

/// The brand's terms as the engine and the pages need them: the periods from the warranty settings (the
/// legal minimum when the brand has none), n and the battery fade limit from the 三包凭证 terms.
pub(crate) struct BrandTerms {
    pub terms: Terms,
    pub extra: Option<store::BrandTermsRow>,
}

pub(crate) async fn brand_terms(tx: &mut Tx, brand: &str) -> AppResult<BrandTerms> {
    let settings = crate::warranty::settings_of(warranty_store::brand(tx, brand).await?.as_ref()).unwrap_or_default();
    let extra = store::brand_terms(tx, brand).await?;
    let terms = Terms {
        sanbao_months: settings.sanbao_months,
        sanbao_km: settings.sanbao_km,
        warranty_months: settings.warranty_months,
        warranty_km: settings.warranty_km,
        n: extra.as_ref().and_then(|row| Rate::parse(&row.use_compensation_percent)),
        battery_capacity_fade_limit_percent: extra
            .as_ref()
            .and_then(|row| parse_percent(&row.battery_fade_warranty_percent)),
    };
    Ok(BrandTerms { terms, extra })
}

/// The handover that made this vehicle a 三包 replacement car, if one did (its periods restart, Art 29).
pub(crate) fn replacement_handover(cases: &[CaseRow], vehicle_id: &str) -> Option<Handover> {
    cases
        .iter()
        .filter(|case| case.status == "completed" && case.new_vehicle_id.as_deref() == Some(vehicle_id))
        .find_map(|case| {
            Some(Handover {
                date: case.completed_on.as_deref()?.parse().ok()?,
                odometer_km: u32::try_from(case.handover_km.unwrap_or(0)).unwrap_or(0),
            })
        })
}

/// The engine's vehicle: invoice and delivery dates, use, price, the brand's terms and the restart after a
/// replacement. `None` when the vehicle has no invoice or delivery date (no period can start).
pub(crate) async fn engine_vehicle(tx: &mut Tx, row: &VehicleRow) -> AppResult<Option<(Vehicle, BrandTerms)>> {
    let cases = store::cases_of_vehicle(tx, &row.store_id, &row.id).await?;
    let replacement = replacement_handover(&cases, &row.id);
    // A replacement car registered without an invoice date starts at its handover.
    let Some(invoice) = row
        .invoice_on
        .as_deref()
        .or(row.delivered_on.as_deref())
        .and_then(|d| d.parse::<Date>().ok())
        .or(replacement.map(|handover| handover.date))
    else {
        return Ok(None);
    };
    let brand = brand_terms(tx, &row.brand).await?;
    let vehicle = Vehicle {
        invoice_date: invoice,
        delivery_date: row.delivered_on.as_deref().and_then(|d| d.parse().ok()),
        kind: VehicleKind::PassengerCar,
        use_nature: use_nature(&row.use_nature),
        for_living_needs: true,
        has_invoice: true,
        has_sanbao_certificate: true,
        replacement,
        ownership_changed_on: None,
        price: row.sale_price_fen.map(Money::from_fen),
        serviced_at_independent_workshop: false,
        terms: brand.terms.clone(),
    };
    Ok(Some((vehicle, brand)))
}

/// A stored instant as the civil date-time the engine counts in (the store's time zone).
pub(crate) fn civil(ms: i64, time_zone: &str) -> DateTime {
    clock::from_ms(ms).to_zoned(clock::zone(time_zone)).datetime()
}

/// The repair history the engine counts: every 三包 record of the vehicle whose order was not cancelled,
/// with the order's mileage. An open repair counts until `now` (the days so far).
pub(crate) async fn history(
    tx: &mut Tx,
    vehicle: &VehicleRow,
    now: i64,
    time_zone: &str,
) -> AppResult<(Vec<RepairRecord>, Vec<(RepairRecordRow, RepairOrderRow)>)> {
    let records = store::records_of_vehicle(tx, &vehicle.store_id, &vehicle.id).await?;
    let orders = repair_orders::of_vehicle(tx, &vehicle.store_id, &vehicle.id).await?;
    let mut history = Vec::with_capacity(records.len());
    let mut pairs = Vec::with_capacity(records.len());
    for record in records {
        let Some(order) = orders.iter().find(|order| order.id == record.repair_order_id) else { continue };
        if order.status == "cancelled" {
            continue;
        }
        history.push(engine_record(&record, order, now, time_zone));
        pairs.push((record, order.clone()));
    }
    Ok((history, pairs))
}

pub(crate) fn engine_record(
    record: &RepairRecordRow,
    order: &RepairOrderRow,
    now: i64,
    time_zone: &str,
) -> RepairRecord {
    let hours = |value: i64| u32::try_from(value.max(0)).unwrap_or(u32::MAX);
    let completed = record.completed_at.unwrap_or(now).max(record.agreed_at);
    RepairRecord {
        agreed_at: civil(record.agreed_at, time_zone),
        completed_at: civil(completed, time_zone),
        odometer_km: u32::try_from(order.mileage_in.max(0)).unwrap_or(u32::MAX),
        system: parse_system(&record.system).unwrap_or(System::Other),
        part: Some(record.part.clone()).filter(|part| !part.trim().is_empty()),
        problem: Some(record.problem.clone()).filter(|problem| !problem.trim().is_empty()),
        quality_problem: record.quality_problem,
        serious_safety: record.serious_safety,
        action: match record.action.as_str() {
            "main_part_replaced" => RepairAction::MainPartReplaced,
            "assembly_replaced" => RepairAction::AssemblyReplaced,
            _ => RepairAction::Repair,
        },
        excluded_hours: ExcludedHours {
            special_part_transport: hours(record.special_part_transport_hours),
            battery_transport: hours(record.battery_transport_hours),
            rescue_travel: hours(record.rescue_travel_hours),
        },
    }
}

/// The service manager of a store (业务主管/服务经理): the first supervisor.
pub(crate) async fn service_manager(tx: &mut Tx, store_id: &str) -> AppResult<Option<String>> {
    Ok(users::with_role(tx, store_id, claimdesk_domain::access::Role::Supervisor.as_str())
        .await?
        .into_iter()
        .next()
        .map(|user| user.id))
}

/// The 三包换退车 mark of a vehicle, wherever it appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VehicleMark {
    /// `case_open`, `case_refused`, `replaced`, `returned` (this car went through a case) or
    /// `replacement_car` (this car was handed over as the replacement).
    pub mark: String,
    pub case_id: String,
    pub case_number: String,
    /// The case's request kind (`replacement` / `return`).
    pub kind: String,
    /// The replacement's handover: the day the periods restart (Art 29).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_km: Option<i64>,
}

pub(crate) fn marks_of(cases: &[CaseRow], vehicle_id: &str) -> Vec<VehicleMark> {
    cases
        .iter()
        .filter_map(|case| {
            let (mark, restart_on, restart_km) = if case.new_vehicle_id.as_deref() == Some(vehicle_id) {
                if case.status != "completed" {
                    return None;
                }
                ("replacement_car", case.completed_on.clone(), case.handover_km)
            } else if case.vehicle_id == vehicle_id {
                let mark = match (case.status.as_str(), case.kind.as_str()) {
                    ("completed", "replacement") => "replaced",
                    ("completed", _) => "returned",
                    ("refused", _) => "case_refused",
                    _ => "case_open",
                };
                (mark, None, None)
            } else {
                return None;
            };
            Some(VehicleMark {
                mark: mark.into(),
                case_id: case.id.clone(),
                case_number: case.number.clone(),
                kind: case.kind.clone(),
                restart_on,
                restart_km,
            })
        })
        .collect()
}
