//! Manufacturer warranty settings and catalogues (group-wide, by brand), and warranty claims (索赔申请) with
//! their lines, versions and returns.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct BrandRow {
    pub brand: String,
    pub sanbao_months: i64,
    pub sanbao_km: i64,
    pub warranty_months: i64,
    pub warranty_km: i64,
    pub parts_warranty_months: i64,
    pub parts_warranty_km: i64,
    pub labor_rate_fen: i64,
    pub filing_window_days: i64,
    pub preauth_threshold_fen: i64,
    pub checks_json: String,
    pub goodwill_chain_json: String,
    pub preauth_ops_json: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const BRAND_COLUMNS: &str = "brand, sanbao_months, sanbao_km, warranty_months, warranty_km, parts_warranty_months, \
    parts_warranty_km, labor_rate_fen, filing_window_days, preauth_threshold_fen, checks_json, goodwill_chain_json, \
    preauth_ops_json, created_at, updated_at, version";

impl BrandRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("sanbao_months", self.sanbao_months.into()),
            ("sanbao_km", self.sanbao_km.into()),
            ("warranty_months", self.warranty_months.into()),
            ("warranty_km", self.warranty_km.into()),
            ("parts_warranty_months", self.parts_warranty_months.into()),
            ("parts_warranty_km", self.parts_warranty_km.into()),
            ("labor_rate_fen", self.labor_rate_fen.into()),
            ("filing_window_days", self.filing_window_days.into()),
            ("preauth_threshold_fen", self.preauth_threshold_fen.into()),
            ("checks_json", Arg::from(&self.checks_json)),
            ("goodwill_chain_json", Arg::from(&self.goodwill_chain_json)),
            ("preauth_ops_json", Arg::from(&self.preauth_ops_json)),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn brands(tx: &mut Tx) -> StoreResult<Vec<BrandRow>> {
    query::fetch_all(tx, &Query::new(&format!("SELECT {BRAND_COLUMNS} FROM warranty_brands ORDER BY brand"))).await
}

pub async fn brand(tx: &mut Tx, brand: &str) -> StoreResult<Option<BrandRow>> {
    let mut query = Query::new(&format!("SELECT {BRAND_COLUMNS} FROM warranty_brands WHERE brand = "));
    query.bind(brand);
    query::fetch_optional(tx, &query).await
}

pub async fn insert_brand(tx: &mut Tx, row: &BrandRow) -> StoreResult<()> {
    let mut values = vec![("brand", Arg::from(&row.brand))];
    values.extend(row.editable());
    values.push(("created_at", row.created_at.into()));
    values.push(("version", row.version.into()));
    query::insert(tx, "warranty_brands", values).await
}

/// Updates when the version still matches; false when someone changed it meanwhile.
pub async fn update_brand(tx: &mut Tx, row: &BrandRow) -> StoreResult<bool> {
    let mut query = Query::new("UPDATE warranty_brands SET ");
    for (column, value) in row.editable() {
        query.push(column).push(" = ").bind(value).push(", ");
    }
    query.push("version = version + 1 WHERE brand = ").bind(&row.brand).push(" AND version = ").bind(row.version);
    Ok(query::execute(tx, &query).await? == 1)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct LaborOpRow {
    pub brand: String,
    pub code: String,
    pub description: String,
    pub standard_hours_centi: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct PartRow {
    pub brand: String,
    pub part_no: String,
    pub name: String,
    pub price_fen: i64,
    pub wear_part: bool,
    pub area: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct FailureCodeRow {
    pub brand: String,
    pub code: String,
    pub description: String,
    pub checklist_required: bool,
    pub photos_required: bool,
}

/// Rows per multi-row INSERT: 500 rows × 6 columns stays far below both databases' placeholder limits.
const CHUNK: usize = 500;

async fn insert_chunked(tx: &mut Tx, table: &str, columns: &[&str], rows: Vec<Vec<Arg>>) -> StoreResult<()> {
    for chunk in rows.chunks(CHUNK) {
        let mut query = Query::new(&format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")));
        for (index, row) in chunk.iter().enumerate() {
            if index > 0 {
                query.push(", ");
            }
            query.bind_list(row.iter().cloned());
        }
        query::execute(tx, &query).await?;
    }
    Ok(())
}

async fn delete_brand_rows(tx: &mut Tx, table: &str, brand: &str) -> StoreResult<u64> {
    let mut query = Query::new(&format!("DELETE FROM {table} WHERE brand = "));
    query.bind(brand);
    query::execute(tx, &query).await
}

/// Replaces a brand's labour-operation catalogue.
pub async fn replace_labor_ops(tx: &mut Tx, brand: &str, rows: &[LaborOpRow]) -> StoreResult<()> {
    delete_brand_rows(tx, "warranty_labor_ops", brand).await?;
    let values = rows
        .iter()
        .map(|r| vec![Arg::from(brand), Arg::from(&r.code), Arg::from(&r.description), r.standard_hours_centi.into()])
        .collect();
    insert_chunked(tx, "warranty_labor_ops", &["brand", "code", "description", "standard_hours_centi"], values).await
}

/// Replaces a brand's parts catalogue (an import brings the whole price list).
pub async fn replace_parts(tx: &mut Tx, brand: &str, rows: &[PartRow]) -> StoreResult<()> {
    delete_brand_rows(tx, "warranty_parts", brand).await?;
    let values = rows
        .iter()
        .map(|r| {
            vec![
                Arg::from(brand),
                Arg::from(&r.part_no),
                Arg::from(&r.name),
                r.price_fen.into(),
                r.wear_part.into(),
                Arg::from(&r.area),
            ]
        })
        .collect();
    insert_chunked(tx, "warranty_parts", &["brand", "part_no", "name", "price_fen", "wear_part", "area"], values).await
}

pub async fn replace_failure_codes(tx: &mut Tx, brand: &str, rows: &[FailureCodeRow]) -> StoreResult<()> {
    delete_brand_rows(tx, "warranty_failure_codes", brand).await?;
    let values = rows
        .iter()
        .map(|r| {
            vec![
                Arg::from(brand),
                Arg::from(&r.code),
                Arg::from(&r.description),
                r.checklist_required.into(),
                r.photos_required.into(),
            ]
        })
        .collect();
    insert_chunked(
        tx,
        "warranty_failure_codes",
        &["brand", "code", "description", "checklist_required", "photos_required"],
        values,
    )
    .await
}

pub async fn labor_ops(tx: &mut Tx, brand: &str) -> StoreResult<Vec<LaborOpRow>> {
    let mut query =
        Query::new("SELECT brand, code, description, standard_hours_centi FROM warranty_labor_ops WHERE brand = ");
    query.bind(brand).push(" ORDER BY code");
    query::fetch_all(tx, &query).await
}

pub async fn failure_codes(tx: &mut Tx, brand: &str) -> StoreResult<Vec<FailureCodeRow>> {
    let mut query = Query::new(
        "SELECT brand, code, description, checklist_required, photos_required FROM warranty_failure_codes WHERE brand = ",
    );
    query.bind(brand).push(" ORDER BY code");
    query::fetch_all(tx, &query).await
}

/// The catalogue parts with these numbers.
pub async fn parts(tx: &mut Tx, brand: &str, part_nos: &[String]) -> StoreResult<Vec<PartRow>> {
    let mut query =
        Query::new("SELECT brand, part_no, name, price_fen, wear_part, area FROM warranty_parts WHERE brand = ");
    query.bind(brand).push(" AND part_no IN ").bind_list(part_nos);
    query::fetch_all(tx, &query).await
}

/// A page of the parts catalogue from a part-number prefix.
pub async fn parts_page(tx: &mut Tx, brand: &str, prefix: &str, limit: i64) -> StoreResult<Vec<PartRow>> {
    let mut query =
        Query::new("SELECT brand, part_no, name, price_fen, wear_part, area FROM warranty_parts WHERE brand = ");
    query.bind(brand);
    if !prefix.is_empty() {
        query.push(" AND ").prefix("part_no", prefix);
    }
    query.push(" ORDER BY part_no LIMIT ").bind(limit);
    query::fetch_all(tx, &query).await
}

pub async fn parts_count(tx: &mut Tx, brand: &str) -> StoreResult<i64> {
    let mut query = Query::new("SELECT COUNT(*) FROM warranty_parts WHERE brand = ");
    query.bind(brand);
    query::fetch_count(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ClaimRow {
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
    pub labor_rate_fen: i64,
    pub claimed_fen: i64,
    pub approved_fen: Option<i64>,
    pub eligibility: String,
    pub eligibility_json: String,
    pub findings_json: String,
    pub overrides_json: String,
    pub goodwill_json: Option<String>,
    pub content_version: i64,
    pub returns: i64,
    pub resubmissions: i64,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub settled_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

pub const CLAIM_COLUMNS: &str = "id, store_id, number, repair_order_id, vehicle_id, vin, brand, kind, state, clerk_id, \
    repair_date, mileage, symptom, cause, correction, failure_code, checklist_done, labor_rate_fen, claimed_fen, \
    approved_fen, eligibility, eligibility_json, findings_json, overrides_json, goodwill_json, content_version, returns, \
    resubmissions, submitted_at, decided_at, settled_at, created_at, updated_at, version";

impl ClaimRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("kind", Arg::from(&self.kind)),
            ("state", Arg::from(&self.state)),
            ("repair_date", Arg::from(&self.repair_date)),
            ("mileage", self.mileage.into()),
            ("symptom", Arg::from(&self.symptom)),
            ("cause", Arg::from(&self.cause)),
            ("correction", Arg::from(&self.correction)),
            ("failure_code", Arg::from(&self.failure_code)),
            ("checklist_done", self.checklist_done.into()),
            ("labor_rate_fen", self.labor_rate_fen.into()),
            ("claimed_fen", self.claimed_fen.into()),
            ("approved_fen", self.approved_fen.into()),
            ("eligibility", Arg::from(&self.eligibility)),
            ("eligibility_json", Arg::from(&self.eligibility_json)),
            ("findings_json", Arg::from(&self.findings_json)),
            ("overrides_json", Arg::from(&self.overrides_json)),
            ("goodwill_json", Arg::from(&self.goodwill_json)),
            ("content_version", self.content_version.into()),
            ("returns", self.returns.into()),
            ("resubmissions", self.resubmissions.into()),
            ("submitted_at", self.submitted_at.into()),
            ("decided_at", self.decided_at.into()),
            ("settled_at", self.settled_at.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert_claim(tx: &mut Tx, row: &ClaimRow) -> StoreResult<()> {
    let mut values = vec![
        ("id", Arg::from(&row.id)),
        ("store_id", Arg::from(&row.store_id)),
        ("number", Arg::from(&row.number)),
        ("repair_order_id", Arg::from(&row.repair_order_id)),
        ("vehicle_id", Arg::from(&row.vehicle_id)),
        ("vin", Arg::from(&row.vin)),
        ("brand", Arg::from(&row.brand)),
        ("clerk_id", Arg::from(&row.clerk_id)),
    ];
    values.extend(row.editable());
    values.push(("created_at", row.created_at.into()));
    values.push(("version", row.version.into()));
    query::insert(tx, "warranty_claims", values).await
}

pub async fn update_claim(tx: &mut Tx, row: &ClaimRow) -> StoreResult<bool> {
    query::update_versioned(tx, "warranty_claims", &row.store_id, &row.id, row.version, row.editable()).await
}

pub async fn get_claim(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<ClaimRow>> {
    let mut query = Query::new(&format!("SELECT {CLAIM_COLUMNS} FROM warranty_claims WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// Every claim of a VIN in the group, for the mis-claim checks (duplicates, parts still under warranty).
pub async fn claims_of_vin(tx: &mut Tx, vin: &str) -> StoreResult<Vec<ClaimRow>> {
    let mut query = Query::new(&format!("SELECT {CLAIM_COLUMNS} FROM warranty_claims WHERE vin = "));
    query.bind(vin).push(" ORDER BY repair_date");
    query::fetch_all(tx, &query).await
}

/// The latest claim of the VIN, in any store of the group, that the manufacturer paid and that fitted
/// `part_no` (a part line with that number): where the part's own parts warranty starts. `except` is the
/// claim being decided.
pub async fn last_paid_fitting(
    tx: &mut Tx,
    vin: &str,
    part_no: &str,
    except: &str,
) -> StoreResult<Option<(String, i64)>> {
    let mut query = Query::new("SELECT c.repair_date, c.mileage FROM warranty_claims c WHERE c.vin = ");
    query
        .bind(vin)
        .push(" AND c.id <> ")
        .bind(except)
        .push(" AND c.state IN ('approved', 'partly_approved', 'settled') AND EXISTS (SELECT 1 FROM warranty_claim_lines l")
        .push(" WHERE l.store_id = c.store_id AND l.claim_id = c.id AND l.kind = 'part' AND l.code = ")
        .bind(part_no)
        .push(") ORDER BY c.repair_date DESC LIMIT 1");
    query::fetch_optional(tx, &query).await
}

pub async fn claims_of_order(tx: &mut Tx, store_id: &str, repair_order_id: &str) -> StoreResult<Vec<ClaimRow>> {
    let mut query = Query::new(&format!("SELECT {CLAIM_COLUMNS} FROM warranty_claims WHERE store_id = "));
    query.bind(store_id).push(" AND repair_order_id = ").bind(repair_order_id).push(" ORDER BY created_at");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub stores: Vec<String>,
    pub state: Option<String>,
    pub states: Vec<String>,
    pub vin_prefix: Option<String>,
    pub number_prefix: Option<String>,
    pub failure_code: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub clerk_id: Option<String>,
    /// Claims with a line naming this part number (or labour operation code).
    pub part_no: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

impl ClaimFilter {
    /// A VIN, a claim number, a failure code, repair dates or a list of states (the claims waiting for the
    /// manufacturer): a filter whose own index ranges hold few claims (a car's, a fault's in a month), so its
    /// matches are gathered from those ranges and sorted.
    fn narrow(&self) -> bool {
        !self.states.is_empty()
            || self.vin_prefix.is_some()
            || self.number_prefix.is_some()
            || self.failure_code.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }

    /// A part search without a narrow filter walks the part's lines (`warranty_claim_lines_code`) in claim-id
    /// order; with one, it walks the narrow range and looks the part up per claim. A part can sit on most of
    /// a store's claims (a spark plug) and a month of a large store holds tens of thousands: either way the
    /// search reads one bounded range and never the store's claims.
    fn walks_lines(&self) -> bool {
        self.part_no.is_some() && !self.narrow()
    }

    /// `AND …` for every filter on the claim itself (the claims are `w`).
    fn claim_conditions(&self, query: &mut Query) {
        if let Some(state) = &self.state {
            query.push(" AND w.state = ").bind(state);
        }
        if !self.states.is_empty() {
            query.push(" AND w.state IN ").bind_list(&self.states);
        }
        if let Some(prefix) = &self.vin_prefix {
            query.push(" AND ").prefix("w.vin", prefix);
        }
        if let Some(prefix) = &self.number_prefix {
            query.push(" AND ").prefix("w.number", prefix);
        }
        if let Some(code) = &self.failure_code {
            query.push(" AND w.failure_code = ").bind(code);
        }
        if let Some(from) = &self.from {
            query.push(" AND w.repair_date >= ").bind(from);
        }
        if let Some(to) = &self.to {
            query.push(" AND w.repair_date <= ").bind(to);
        }
        if let Some(clerk) = &self.clerk_id {
            query.push(" AND w.clerk_id = ").bind(clerk);
        }
    }

    /// Whether a part search also filters on the claim: then the part's lines join their claims.
    fn joins_claims(&self) -> bool {
        self.state.is_some() || !self.states.is_empty() || self.clerk_id.is_some()
    }

    /// `SELECT … WHERE …` of the matching claims, one row per claim, before its order and limit: the claim
    /// ids as `id`, or (`ids` false, for the count) whatever the index range gives cheapest.
    fn matches(&self, query: &mut Query, ids: bool) {
        match &self.part_no {
            Some(part) if self.walks_lines() => {
                // A claim naming the part on two lines is one match.
                query.push("SELECT DISTINCT l.claim_id AS id FROM warranty_claim_lines l");
                if self.joins_claims() {
                    query.push(" CROSS JOIN warranty_claims w");
                }
                query.push(" WHERE l.store_id IN ").bind_list(&self.stores).push(" AND l.code = ").bind(part);
                if self.joins_claims() {
                    query.push(" AND w.id = l.claim_id");
                    self.claim_conditions(query);
                }
            }
            _ => {
                query.push(if ids { "SELECT w.id AS id" } else { "SELECT 1 AS one" });
                query.push(" FROM warranty_claims w WHERE w.store_id IN ").bind_list(&self.stores);
                self.claim_conditions(query);
                if let Some(part) = &self.part_no {
                    query.push(" AND EXISTS (SELECT 1 FROM warranty_claim_lines l WHERE l.store_id = w.store_id");
                    query.push(" AND l.code = ").bind(part).push(" AND l.claim_id = w.id)");
                }
            }
        }
    }
}

/// One page of claims, newest first, and how many match (counted up to `count_cap`).
///
/// Newest first is id order: ids are UUIDv7, so a claim made later has the larger id. The page's ids are cut
/// from an index before any claim is read, and only the page's claims are then read by primary key: without
/// a narrow filter the index ends in the id — `(store_id, id)`, `(store_id, state, id)`,
/// `(store_id, clerk_id, id)` or the part's lines `(store_id, code, claim_id)` — and hands the page over in
/// order, stopping after its rows; a narrow filter's matches are gathered from its own range (which holds the
/// id too) and sorted. The count reads the same range and stops at the cap (the list shows "10,000+").
pub async fn list_claims(tx: &mut Tx, filter: &ClaimFilter, count_cap: i64) -> StoreResult<(Vec<ClaimRow>, i64)> {
    let qualified: Vec<String> = CLAIM_COLUMNS.split(", ").map(|column| format!("c.{}", column.trim())).collect();
    let mut page = Query::new("");
    if filter.narrow() {
        // MATERIALIZED keeps the planner from walking (store_id, id) in order to spare the sort: that reads
        // every claim of the store newest first to find a rare VIN's few.
        page.push("WITH m AS MATERIALIZED (");
        filter.matches(&mut page, true);
        page.push(&format!(") SELECT {} FROM (SELECT id FROM m ORDER BY id DESC", qualified.join(", ")));
    } else {
        page.push(&format!("SELECT {} FROM (", qualified.join(", ")));
        filter.matches(&mut page, true);
        page.push(if filter.walks_lines() { " ORDER BY l.claim_id DESC" } else { " ORDER BY w.id DESC" });
    }
    page.push(" LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    page.push(") p CROSS JOIN warranty_claims c WHERE c.id = p.id ORDER BY c.id DESC");
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = Query::new("SELECT COUNT(*) FROM (");
    filter.matches(&mut count, false);
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct LineRow {
    pub id: String,
    pub store_id: String,
    pub claim_id: String,
    pub line_no: i64,
    pub kind: String,
    pub code: String,
    pub description: String,
    pub hours_centi: i64,
    pub standard_hours_centi: Option<i64>,
    pub quantity_milli: i64,
    pub unit_price_fen: i64,
    pub catalogue_price_fen: Option<i64>,
    pub role: String,
    pub supplier_code: String,
    pub amount_fen: i64,
    pub verdict: Option<String>,
    pub approved_fen: Option<i64>,
    pub verdict_reason: String,
}

pub(crate) const LINE_COLUMNS: &str = "id, store_id, claim_id, line_no, kind, code, description, hours_centi, \
    standard_hours_centi, quantity_milli, unit_price_fen, catalogue_price_fen, role, supplier_code, amount_fen, \
    verdict, approved_fen, verdict_reason";

fn line_values(row: &LineRow) -> Vec<Arg> {
    vec![
        Arg::from(&row.id),
        Arg::from(&row.store_id),
        Arg::from(&row.claim_id),
        row.line_no.into(),
        Arg::from(&row.kind),
        Arg::from(&row.code),
        Arg::from(&row.description),
        row.hours_centi.into(),
        row.standard_hours_centi.into(),
        row.quantity_milli.into(),
        row.unit_price_fen.into(),
        row.catalogue_price_fen.into(),
        Arg::from(&row.role),
        Arg::from(&row.supplier_code),
        row.amount_fen.into(),
        Arg::from(&row.verdict),
        row.approved_fen.into(),
        Arg::from(&row.verdict_reason),
    ]
}

/// Replaces a claim's lines in one multi-row statement.
pub async fn replace_lines(tx: &mut Tx, store_id: &str, claim_id: &str, rows: &[LineRow]) -> StoreResult<()> {
    let mut query = Query::new("DELETE FROM warranty_claim_lines WHERE store_id = ");
    query.bind(store_id).push(" AND claim_id = ").bind(claim_id);
    query::execute(tx, &query).await?;
    insert_lines(tx, rows).await
}

/// Writes a new claim's lines in one multi-row statement.
pub async fn insert_lines(tx: &mut Tx, rows: &[LineRow]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let columns: Vec<&str> = LINE_COLUMNS.split(',').map(str::trim).collect();
    insert_chunked(tx, "warranty_claim_lines", &columns, rows.iter().map(line_values).collect()).await
}

pub async fn lines(tx: &mut Tx, store_id: &str, claim_id: &str) -> StoreResult<Vec<LineRow>> {
    let mut query = Query::new(&format!("SELECT {LINE_COLUMNS} FROM warranty_claim_lines WHERE store_id = "));
    query.bind(store_id).push(" AND claim_id = ").bind(claim_id).push(" ORDER BY line_no");
    query::fetch_all(tx, &query).await
}

/// The lines of many claims at once (exports, the checks' earlier claims).
pub async fn lines_of_claims(tx: &mut Tx, claim_ids: &[String]) -> StoreResult<Vec<LineRow>> {
    if claim_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Query::new(&format!("SELECT {LINE_COLUMNS} FROM warranty_claim_lines WHERE claim_id IN "));
    query.bind_list(claim_ids).push(" ORDER BY claim_id, line_no");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct VersionRow {
    pub id: String,
    pub store_id: String,
    pub claim_id: String,
    pub version_no: i64,
    pub content: String,
    pub created_at: i64,
    pub created_by: Option<String>,
}

pub async fn insert_version(tx: &mut Tx, row: &VersionRow) -> StoreResult<()> {
    query::insert(
        tx,
        "warranty_claim_versions",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("claim_id", Arg::from(&row.claim_id)),
            ("version_no", row.version_no.into()),
            ("content", Arg::from(&row.content)),
            ("created_at", row.created_at.into()),
            ("created_by", Arg::from(&row.created_by)),
        ],
    )
    .await
}

pub async fn versions(tx: &mut Tx, store_id: &str, claim_id: &str) -> StoreResult<Vec<VersionRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, claim_id, version_no, content, created_at, created_by FROM warranty_claim_versions \
         WHERE store_id = ",
    );
    query.bind(store_id).push(" AND claim_id = ").bind(claim_id).push(" ORDER BY version_no");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct ReturnRow {
    pub id: String,
    pub store_id: String,
    pub claim_id: String,
    pub seq: i64,
    pub reason: String,
    pub returned_at: i64,
    pub returned_by: Option<String>,
    pub resubmitted_at: Option<i64>,
}

pub async fn insert_return(tx: &mut Tx, row: &ReturnRow) -> StoreResult<()> {
    query::insert(
        tx,
        "warranty_claim_returns",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("claim_id", Arg::from(&row.claim_id)),
            ("seq", row.seq.into()),
            ("reason", Arg::from(&row.reason)),
            ("returned_at", row.returned_at.into()),
            ("returned_by", Arg::from(&row.returned_by)),
            ("resubmitted_at", row.resubmitted_at.into()),
        ],
    )
    .await
}

pub async fn returns(tx: &mut Tx, store_id: &str, claim_id: &str) -> StoreResult<Vec<ReturnRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, claim_id, seq, reason, returned_at, returned_by, resubmitted_at FROM \
         warranty_claim_returns WHERE store_id = ",
    );
    query.bind(store_id).push(" AND claim_id = ").bind(claim_id).push(" ORDER BY seq");
    query::fetch_all(tx, &query).await
}

/// Marks the open returns of a claim as answered by a resubmission.
pub async fn close_returns(tx: &mut Tx, store_id: &str, claim_id: &str, at: i64) -> StoreResult<()> {
    let mut query = Query::new("UPDATE warranty_claim_returns SET resubmitted_at = ");
    query.bind(at).push(" WHERE store_id = ").bind(store_id).push(" AND claim_id = ").bind(claim_id);
    query.push(" AND resubmitted_at IS NULL");
    query::execute(tx, &query).await?;
    Ok(())
}
