//! Importing customers with their vehicles from Excel or CSV (客户档案导入): a preview that writes nothing,
//! then an all-or-nothing import.
//!
//! The file is checked row by row with the same validators as the forms ([`claimdesk_domain::import`]),
//! and every VIN is looked up in the store with one statement per thousand VINs. If any row has a
//! problem nothing is written and every problem comes back with its row, column and value. Otherwise the
//! whole file is written in one transaction with multi-row inserts.
//!
//! The audit trail gets one record per customer (action `import`, its vehicles inside, as when a customer
//! is entered with a vehicle), so each customer's own history says where it came from, plus one record
//! for the batch with the file's SHA-256, its size and the counts: an auditor can match the trail to the
//! file the store kept, and every per-customer entry names its batch. The batch record carries no row
//! data, so its JSON stays small whatever the file's size. Vehicles get no record of their own: that
//! would double the audit rows of an import for content the customer's record already holds.

use claimdesk_domain::access::Permission;
use claimdesk_domain::import::{self, CellValue, Checked, RowError, SampleRow};
use claimdesk_store::customers::{self as customer_store, CustomerRow};
use claimdesk_store::vehicles::{self as vehicle_store, OdometerRow, OwnerRow, VehicleRow};
use claimdesk_store::{job, new_id};
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

use super::{CustomerView, apply};
use crate::actor::Actor;
use crate::audit::{self, Prepared};
use crate::error::{AppError, AppResult};
use crate::vehicles::new_vehicle_row;
use crate::{App, clock};

/// What a file would import, and every problem in it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPreview {
    pub store_id: String,
    /// Data rows in the file (blank rows are not counted).
    pub rows: usize,
    /// Rows without any problem.
    pub valid: usize,
    /// Customers and vehicles the file would create (rows with one owner's mobile and name are one customer).
    pub customers: usize,
    pub vehicles: usize,
    /// The template's column headers, in the order of each sample row's values.
    pub columns: Vec<&'static str>,
    /// Every problem, in row order.
    pub errors: Vec<RowError>,
    /// The first rows as read.
    pub sample: Vec<SampleRow>,
}

impl ImportPreview {
    pub fn is_importable(&self) -> bool {
        self.errors.is_empty() && self.customers > 0
    }
}

/// The outcome of an import: everything written, or nothing and the reasons.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportResult {
    Imported { batch_id: String, store_id: String, rows: usize, customers: usize, vehicles: usize },
    Rejected { rows: usize, errors: Vec<RowError> },
}

/// Checks a file without writing anything, including the VINs the store already has.
pub async fn preview(app: &App, actor: &Actor, store_id: Option<&str>, bytes: Vec<u8>) -> AppResult<ImportPreview> {
    let store_id = actor.target_store(Permission::CustomersImport, store_id)?;
    let today = clock::local_date(app.clock.now(), actor.time_zone(&store_id));
    let (mut checked, _) = check_file(bytes, today).await?;
    let vins = planned_vins(&checked);
    let scope = store_id.clone();
    let registered = app
        .db
        .read(job(move |tx| {
            Box::pin(async move { Ok::<_, AppError>(vehicle_store::registered_vins(tx, &scope, &vins).await?) })
        }))
        .await?;
    reject_registered(&mut checked, &registered);
    Ok(ImportPreview {
        store_id,
        rows: checked.rows,
        valid: checked.valid,
        customers: checked.customers.len(),
        vehicles: checked.vehicle_count(),
        columns: import::COLUMNS.iter().map(|spec| spec.header).collect(),
        errors: checked.errors,
        sample: checked.sample,
    })
}

/// Imports a file: every customer and vehicle in one transaction, or nothing when any row has a problem.
pub async fn import(app: &App, actor: &Actor, store_id: Option<&str>, bytes: Vec<u8>) -> AppResult<ImportResult> {
    let store_id = actor.target_store(Permission::CustomersImport, store_id)?;
    let now = app.clock.now();
    let today = clock::local_date(now, actor.time_zone(&store_id));
    let (checked, file) = check_file(bytes, today).await?;
    if !checked.errors.is_empty() || checked.customers.is_empty() {
        let mut errors = checked.errors;
        if errors.is_empty() {
            errors.push(RowError::whole_file("import_empty"));
        }
        return Ok(ImportResult::Rejected { rows: checked.rows, errors });
    }
    let now_ms = now.as_millisecond();
    // Rows and audit JSON are built before the write starts, so the transaction only writes.
    let batch = Batch::build(actor, &store_id, checked, file, now_ms, today)?;
    let actor = actor.clone();
    app.db
        .write(job(move |tx| {
            Box::pin(async move {
                let registered: HashSet<String> =
                    vehicle_store::registered_vins(tx, &batch.store_id, &batch.vins).await?.into_iter().collect();
                if !registered.is_empty() {
                    let mut errors: Vec<RowError> = batch
                        .vehicle_rows
                        .iter()
                        .zip(&batch.vehicle_source_rows)
                        .filter(|(vehicle, _)| registered.contains(&vehicle.vin))
                        .map(|(vehicle, row)| RowError::vin_taken(*row, &vehicle.vin))
                        .collect();
                    errors.sort_by_key(|error| error.row);
                    return Ok(ImportResult::Rejected { rows: batch.rows, errors });
                }
                claimdesk_store::bulk_cache(tx, true).await?;
                let written = write_batch(tx, &actor, now_ms, &batch).await;
                claimdesk_store::bulk_cache(tx, false).await?;
                written?;
                Ok(ImportResult::Imported {
                    batch_id: batch.id,
                    store_id: batch.store_id,
                    rows: batch.rows,
                    customers: batch.customer_rows.len(),
                    vehicles: batch.vehicle_rows.len(),
                })
            })
        }))
        .await
}

/// Writes every row of the batch and its audit records, a thousand rows to a statement.
async fn write_batch(tx: &mut claimdesk_store::Tx, actor: &Actor, now_ms: i64, batch: &Batch) -> AppResult<()> {
    customer_store::insert_many(tx, &batch.customer_rows).await?;
    vehicle_store::insert_many(tx, &batch.vehicle_rows).await?;
    vehicle_store::insert_owners(tx, &batch.owner_rows).await?;
    vehicle_store::insert_readings(tx, &batch.reading_rows).await?;
    audit::record_many(tx, actor, now_ms, &batch.audit).await?;
    Ok(())
}

/// The file as it came: its size and SHA-256, for the batch's audit record.
struct FileFacts {
    bytes: usize,
    sha256: String,
}

/// Reads and checks a file off the async threads (a large sheet takes a second of CPU).
async fn check_file(bytes: Vec<u8>, today: Date) -> AppResult<(Checked, FileFacts)> {
    tokio::task::spawn_blocking(move || {
        let facts = FileFacts { bytes: bytes.len(), sha256: hex::encode(Sha256::digest(&bytes)) };
        let checked = match read_table(&bytes) {
            Ok(table) => import::check(&table, today),
            Err(error) => Checked { errors: vec![error], ..Checked::default() },
        };
        (checked, facts)
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))
}

/// The first sheet of an xlsx/xls workbook, or a CSV file (UTF-8, with or without a byte-order mark), as
/// rows of cells where `table[0]` is Excel's row 1.
pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<CellValue>>, RowError> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) {
        return read_workbook(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| RowError::whole_file("import_encoding"))?;
    Ok(import::parse_csv(text))
}

fn read_workbook(bytes: &[u8]) -> Result<Vec<Vec<CellValue>>, RowError> {
    use calamine::{Data, Reader};
    let unreadable = || RowError::whole_file("import_unreadable");
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let range = workbook.worksheet_range_at(0).ok_or_else(unreadable)?.map_err(|_| unreadable())?;
    // The range starts at the first used cell; pad so that row and column numbers match Excel's.
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut table: Vec<Vec<CellValue>> = vec![Vec::new(); first_row as usize];
    for row in range.rows() {
        let mut cells = vec![CellValue::Empty; first_column as usize];
        cells.extend(row.iter().map(|cell| match cell {
            Data::Empty | Data::Error(_) => CellValue::Empty,
            Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => CellValue::Text(text.clone()),
            Data::Int(value) => CellValue::Int(*value),
            Data::Float(value) => CellValue::Float(*value),
            Data::Bool(value) => CellValue::Bool(*value),
            Data::DateTime(value) if value.is_datetime() => {
                let (year, month, day, ..) = value.to_ymd_hms_milli();
                match Date::new(year as i16, month as i8, day as i8) {
                    Ok(date) => CellValue::Date(date),
                    Err(_) => CellValue::Float(value.as_f64()),
                }
            }
            Data::DateTime(value) => CellValue::Float(value.as_f64()),
        }));
        table.push(cells);
    }
    Ok(table)
}

fn planned_vins(checked: &Checked) -> Vec<String> {
    checked
        .customers
        .iter()
        .flat_map(|customer| &customer.vehicles)
        .map(|vehicle| vehicle.vehicle.vin.as_str().to_string())
        .collect()
}

/// Marks the rows whose VIN the store has already: they are problems like any other.
fn reject_registered(checked: &mut Checked, registered: &[String]) {
    if registered.is_empty() {
        return;
    }
    let registered: HashSet<&str> = registered.iter().map(String::as_str).collect();
    for vehicle in checked.customers.iter().flat_map(|customer| &customer.vehicles) {
        let vin = vehicle.vehicle.vin.as_str();
        if registered.contains(vin) {
            checked.errors.push(RowError::vin_taken(vehicle.row, vin));
            checked.valid -= 1;
        }
    }
    checked.errors.sort_by_key(|error| error.row);
}

/// Everything one import writes, built before the transaction opens.
struct Batch {
    id: String,
    store_id: String,
    rows: usize,
    vins: Vec<String>,
    customer_rows: Vec<CustomerRow>,
    vehicle_rows: Vec<VehicleRow>,
    /// The file row each vehicle came from, for a VIN registered meanwhile.
    vehicle_source_rows: Vec<u32>,
    owner_rows: Vec<OwnerRow>,
    reading_rows: Vec<OdometerRow>,
    audit: Vec<Prepared>,
}

/// The batch's own audit record: the file and the counts, no row data.
#[derive(Serialize)]
struct BatchSummary<'a> {
    file_sha256: &'a str,
    file_bytes: usize,
    rows: usize,
    customers: usize,
    vehicles: usize,
}

/// A record's audit content: its view and the batch it came in.
#[derive(Serialize)]
struct Imported<'a, T: Serialize> {
    #[serde(flatten)]
    record: &'a T,
    import_batch: &'a str,
}

impl Batch {
    fn build(
        actor: &Actor,
        store_id: &str,
        checked: Checked,
        file: FileFacts,
        now_ms: i64,
        today: Date,
    ) -> AppResult<Batch> {
        let vehicle_count = checked.vehicle_count();
        let mut batch = Batch {
            id: new_id(),
            store_id: store_id.to_string(),
            rows: checked.rows,
            vins: planned_vins(&checked),
            customer_rows: Vec::with_capacity(checked.customers.len()),
            vehicle_rows: Vec::with_capacity(vehicle_count),
            vehicle_source_rows: Vec::with_capacity(vehicle_count),
            owner_rows: Vec::with_capacity(vehicle_count),
            reading_rows: Vec::with_capacity(vehicle_count),
            audit: Vec::with_capacity(1 + checked.customers.len() + vehicle_count),
        };
        let summary = BatchSummary {
            file_sha256: &file.sha256,
            file_bytes: file.bytes,
            rows: checked.rows,
            customers: checked.customers.len(),
            vehicles: vehicle_count,
        };
        batch.audit.push(Prepared::new(store_id, "customer_import", &batch.id, "import", &summary)?);
        let created_by = actor.actor_id().map(str::to_string);
        for planned in checked.customers {
            let mut row = CustomerRow {
                id: new_id(),
                store_id: store_id.to_string(),
                created_at: now_ms,
                updated_at: now_ms,
                version: 1,
                ..CustomerRow::default()
            };
            apply(&mut row, planned.customer);
            let first_vehicle = batch.vehicle_rows.len();
            for vehicle in planned.vehicles {
                let vehicle_row = new_vehicle_row(store_id, Some(row.id.clone()), vehicle.vehicle, now_ms, today);
                batch.owner_rows.push(OwnerRow {
                    id: new_id(),
                    store_id: store_id.to_string(),
                    vehicle_id: vehicle_row.id.clone(),
                    customer_id: row.id.clone(),
                    from_on: vehicle_row.delivered_on.clone().unwrap_or_else(|| today.to_string()),
                    to_on: None,
                    created_at: now_ms,
                });
                batch.reading_rows.push(OdometerRow {
                    id: new_id(),
                    store_id: store_id.to_string(),
                    vehicle_id: vehicle_row.id.clone(),
                    read_on: today.to_string(),
                    km: vehicle_row.odometer_km,
                    source: "import".into(),
                    source_id: Some(batch.id.clone()),
                    replaced: false,
                    note: String::new(),
                    created_by: created_by.clone(),
                    created_at: now_ms,
                });
                batch.vehicle_source_rows.push(vehicle.row);
                batch.vehicle_rows.push(vehicle_row);
            }
            // The customer's record carries its vehicles, as when a customer is entered with a vehicle.
            let view = CustomerView::new(row.clone(), batch.vehicle_rows[first_vehicle..].to_vec());
            let content = Imported { record: &view, import_batch: &batch.id };
            batch.audit.push(Prepared::new(store_id, "customer", &row.id, "import", &content)?);
            batch.customer_rows.push(row);
        }
        Ok(batch)
    }
}
