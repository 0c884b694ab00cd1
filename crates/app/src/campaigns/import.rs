//! Importing a campaign's VIN list from Excel or CSV: a preview that writes nothing, then an all-or-nothing
//! import, with the customer import's reader ([`crate::customers::import::read_table`]) and row errors.
//!
//! Each VIN is matched to the group's vehicles (one statement per thousand VINs on the VIN index), so a row
//! starts with the store of the vehicle; stores with vehicles on the list get the end-date due item in the
//! same transaction. The audit trail gets one record on the campaign with the file's SHA-256, its size and
//! the counts; the rows themselves are the campaign's and carry no record each (a recall's hundred
//! thousand records would say nothing the file does not).

use std::collections::{BTreeSet, HashMap};

use claimdesk_domain::campaign::{self as rules, VinList};
use claimdesk_domain::import::{RowError, SampleRow};
use claimdesk_store::campaigns::{self as store, CampaignVehicleRow};
use claimdesk_store::{job, new_id};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{require_manage, sync_due};
use crate::actor::Actor;
use crate::customers::import::read_table;
use crate::error::{AppError, AppResult};
use crate::{App, audit};

#[derive(Debug, Clone, Serialize)]
pub struct VinPreview {
    pub campaign_id: String,
    pub rows: usize,
    /// Rows that would be added.
    pub valid: usize,
    /// Of those, VINs of vehicles some store of the group has.
    pub known: usize,
    pub columns: Vec<&'static str>,
    pub errors: Vec<RowError>,
    pub sample: Vec<SampleRow>,
}

impl VinPreview {
    pub fn is_importable(&self) -> bool {
        self.errors.is_empty() && self.valid > 0
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum VinImportResult {
    Imported { batch_id: String, campaign_id: String, rows: usize, vehicles: usize, known: usize, stores: usize },
    Rejected { rows: usize, errors: Vec<RowError> },
}

struct FileFacts {
    bytes: usize,
    sha256: String,
}

async fn check_file(bytes: Vec<u8>) -> AppResult<(VinList, FileFacts)> {
    tokio::task::spawn_blocking(move || {
        let facts = FileFacts { bytes: bytes.len(), sha256: hex::encode(Sha256::digest(&bytes)) };
        let list = match read_table(&bytes) {
            Ok(table) => rules::check_vin_list(&table),
            Err(error) => VinList { errors: vec![error], ..VinList::default() },
        };
        (list, facts)
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))
}

fn vins_of(list: &VinList) -> Vec<String> {
    list.vins.iter().map(|(_, vin, _)| vin.as_str().to_string()).collect()
}

/// Checks a VIN list against the campaign without writing: every problem by row, and how many VINs the
/// group knows.
pub async fn preview(app: &App, actor: &Actor, campaign_id: &str, bytes: Vec<u8>) -> AppResult<VinPreview> {
    require_manage(actor)?;
    let (mut list, _) = check_file(bytes).await?;
    let vins = vins_of(&list);
    let id = campaign_id.to_string();
    let (listed, known) = app
        .db
        .read(job(move |tx| {
            Box::pin(async move {
                store::get(tx, &id).await?.ok_or(AppError::NotFound)?;
                let listed = store::listed_vins(tx, &id, &vins).await?;
                let known: BTreeSet<String> =
                    store::group_vehicles(tx, &vins).await?.into_iter().map(|(vin, _, _)| vin).collect();
                Ok::<_, AppError>((listed, known))
            })
        }))
        .await?;
    list.reject_listed(&listed);
    let known = list.vins.iter().filter(|(_, vin, _)| known.contains(vin.as_str())).count();
    Ok(VinPreview {
        campaign_id: campaign_id.to_string(),
        rows: list.rows,
        valid: list.vins.len(),
        known,
        columns: rules::VIN_COLUMNS.iter().map(|spec| spec.header).collect(),
        errors: list.errors,
        sample: list.sample,
    })
}

#[derive(Serialize)]
struct BatchSummary<'a> {
    import_batch: &'a str,
    file_sha256: &'a str,
    file_bytes: usize,
    rows: usize,
    vehicles: usize,
    known: usize,
}

/// Adds the list's VINs to the campaign in one transaction, or nothing when any row has a problem.
pub async fn import(app: &App, actor: &Actor, campaign_id: &str, bytes: Vec<u8>) -> AppResult<VinImportResult> {
    require_manage(actor)?;
    let (list, file) = check_file(bytes).await?;
    if !list.errors.is_empty() || list.vins.is_empty() {
        let mut errors = list.errors;
        if errors.is_empty() {
            errors.push(RowError::whole_file("import_empty"));
        }
        return Ok(VinImportResult::Rejected { rows: list.rows, errors });
    }
    let now = app.now_ms();
    let (actor, campaign_id) = (actor.clone(), campaign_id.to_string());
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let mut campaign = store::get(tx, &campaign_id).await?.ok_or(AppError::NotFound)?;
                let mut list = list;
                let vins = vins_of(&list);
                let listed = store::listed_vins(tx, &campaign.id, &vins).await?;
                if !listed.is_empty() {
                    list.reject_listed(&listed);
                    return Ok(VinImportResult::Rejected { rows: list.rows, errors: list.errors });
                }
                // A VIN registered in several stores (sold on, serviced elsewhere) goes to the latest registration.
                let known: HashMap<String, (String, String)> = store::group_vehicles(tx, &vins)
                    .await?
                    .into_iter()
                    .map(|(vin, store_id, vehicle_id)| (vin, (store_id, vehicle_id)))
                    .collect();
                let rows: Vec<CampaignVehicleRow> = list
                    .vins
                    .iter()
                    .map(|(_, vin, note)| {
                        let found = known.get(vin.as_str());
                        CampaignVehicleRow {
                            id: new_id(),
                            campaign_id: campaign.id.clone(),
                            store_id: found.map(|(store_id, _)| store_id.clone()),
                            vehicle_id: found.map(|(_, vehicle_id)| vehicle_id.clone()),
                            vin: vin.as_str().to_string(),
                            state: "due".into(),
                            note: note.clone(),
                            updated_at: now,
                            version: 1,
                            ..CampaignVehicleRow::default()
                        }
                    })
                    .collect();
                let stores: BTreeSet<String> = rows.iter().filter_map(|row| row.store_id.clone()).collect();
                let known_count = rows.iter().filter(|row| row.store_id.is_some()).count();
                claimdesk_store::bulk_cache(tx, true).await?;
                let written = store::insert_vehicles(tx, &rows).await;
                claimdesk_store::bulk_cache(tx, false).await?;
                written?;
                let before = campaign.clone();
                campaign.vehicle_count += rows.len() as i64;
                campaign.updated_at = now;
                if !store::update(tx, &campaign).await? {
                    return Err(AppError::Conflict("stale_version"));
                }
                campaign.version += 1;
                for store_id in &stores {
                    sync_due(tx, &campaign, store_id, now).await?;
                }
                let batch_id = new_id();
                let summary = BatchSummary {
                    import_batch: &batch_id,
                    file_sha256: &file.sha256,
                    file_bytes: file.bytes,
                    rows: list.rows,
                    vehicles: rows.len(),
                    known: known_count,
                };
                audit::record(
                    tx,
                    &actor,
                    now,
                    audit::Entry {
                        store_id: None,
                        entity: "campaign",
                        entity_id: &campaign.id,
                        action: "import_vins",
                        before: Some(&serde_json::json!({"vehicle_count": before.vehicle_count})),
                        after: Some(&summary),
                    },
                )
                .await?;
                Ok(VinImportResult::Imported {
                    batch_id,
                    campaign_id: campaign.id.clone(),
                    rows: list.rows,
                    vehicles: rows.len(),
                    known: known_count,
                    stores: stores.len(),
                })
            })
        }))
        .await
}
