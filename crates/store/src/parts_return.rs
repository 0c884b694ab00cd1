//! Parts return (旧件回运): the manufacturer's return rules per brand, part tags, return shipments, the
//! debits a failed inspection causes and the scrap records.

use crate::query::{self, Arg, Query};
use crate::{Backend, StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct RulesRow {
    pub brand: String,
    pub rules_json: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

pub async fn rules(tx: &mut Tx, brand: &str) -> StoreResult<Option<RulesRow>> {
    let mut query =
        Query::new("SELECT brand, rules_json, created_at, updated_at, version FROM parts_return_rules WHERE brand = ");
    query.bind(brand);
    query::fetch_optional(tx, &query).await
}

pub async fn all_rules(tx: &mut Tx) -> StoreResult<Vec<RulesRow>> {
    query::fetch_all(
        tx,
        &Query::new("SELECT brand, rules_json, created_at, updated_at, version FROM parts_return_rules ORDER BY brand"),
    )
    .await
}

pub async fn insert_rules(tx: &mut Tx, row: &RulesRow) -> StoreResult<()> {
    query::insert(
        tx,
        "parts_return_rules",
        vec![
            ("brand", Arg::from(&row.brand)),
            ("rules_json", Arg::from(&row.rules_json)),
            ("created_at", row.created_at.into()),
            ("updated_at", row.updated_at.into()),
            ("version", row.version.into()),
        ],
    )
    .await
}

/// Updates when the version still matches; false when someone changed it meanwhile.
pub async fn update_rules(tx: &mut Tx, row: &RulesRow) -> StoreResult<bool> {
    let mut query = Query::new("UPDATE parts_return_rules SET rules_json = ");
    query.bind(&row.rules_json).push(", updated_at = ").bind(row.updated_at);
    query.push(", version = version + 1 WHERE brand = ").bind(&row.brand).push(" AND version = ").bind(row.version);
    Ok(query::execute(tx, &query).await? == 1)
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct TagRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub claim_id: String,
    pub claim_number: String,
    pub line_no: i64,
    pub vin: String,
    pub brand: String,
    pub part_no: String,
    pub description: String,
    pub failure_code: String,
    pub quantity_milli: i64,
    pub repair_date: String,
    pub tagged_on: String,
    pub location: String,
    pub weight_g: i64,
    pub length_cm: i64,
    pub width_cm: i64,
    pub height_cm: i64,
    pub hazardous: bool,
    pub return_required: bool,
    pub scrap_from: Option<String>,
    pub state: String,
    pub shipment_id: Option<String>,
    pub box_no: Option<i64>,
    pub inspection: Option<String>,
    pub inspection_reason: String,
    pub scrap_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const TAG_COLUMNS: &str = "id, store_id, number, claim_id, claim_number, line_no, vin, brand, part_no, description, \
    failure_code, quantity_milli, repair_date, tagged_on, location, weight_g, length_cm, width_cm, height_cm, \
    hazardous, return_required, scrap_from, state, shipment_id, box_no, inspection, inspection_reason, scrap_id, \
    created_at, updated_at, version";

impl TagRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("location", Arg::from(&self.location)),
            ("weight_g", self.weight_g.into()),
            ("length_cm", self.length_cm.into()),
            ("width_cm", self.width_cm.into()),
            ("height_cm", self.height_cm.into()),
            ("hazardous", self.hazardous.into()),
            ("return_required", self.return_required.into()),
            ("scrap_from", Arg::from(&self.scrap_from)),
            ("state", Arg::from(&self.state)),
            ("shipment_id", Arg::from(&self.shipment_id)),
            ("box_no", self.box_no.into()),
            ("inspection", Arg::from(&self.inspection)),
            ("inspection_reason", Arg::from(&self.inspection_reason)),
            ("scrap_id", Arg::from(&self.scrap_id)),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert_tag(tx: &mut Tx, row: &TagRow) -> StoreResult<()> {
    let mut values = vec![
        ("id", Arg::from(&row.id)),
        ("store_id", Arg::from(&row.store_id)),
        ("number", Arg::from(&row.number)),
        ("claim_id", Arg::from(&row.claim_id)),
        ("claim_number", Arg::from(&row.claim_number)),
        ("line_no", row.line_no.into()),
        ("vin", Arg::from(&row.vin)),
        ("brand", Arg::from(&row.brand)),
        ("part_no", Arg::from(&row.part_no)),
        ("description", Arg::from(&row.description)),
        ("failure_code", Arg::from(&row.failure_code)),
        ("quantity_milli", row.quantity_milli.into()),
        ("repair_date", Arg::from(&row.repair_date)),
        ("tagged_on", Arg::from(&row.tagged_on)),
    ];
    values.extend(row.editable());
    values.push(("created_at", row.created_at.into()));
    values.push(("version", row.version.into()));
    query::insert(tx, "part_tags", values).await
}

pub async fn update_tag(tx: &mut Tx, row: &TagRow) -> StoreResult<bool> {
    query::update_versioned(tx, "part_tags", &row.store_id, &row.id, row.version, row.editable()).await
}

pub async fn get_tag(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<TagRow>> {
    let mut query = Query::new(&format!("SELECT {TAG_COLUMNS} FROM part_tags WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

pub async fn tags_of_claim(tx: &mut Tx, store_id: &str, claim_id: &str) -> StoreResult<Vec<TagRow>> {
    let mut query = Query::new(&format!("SELECT {TAG_COLUMNS} FROM part_tags WHERE store_id = "));
    query.bind(store_id).push(" AND claim_id = ").bind(claim_id).push(" ORDER BY line_no");
    query::fetch_all(tx, &query).await
}

pub async fn tags_of_shipment(tx: &mut Tx, store_id: &str, shipment_id: &str) -> StoreResult<Vec<TagRow>> {
    let mut query = Query::new(&format!("SELECT {TAG_COLUMNS} FROM part_tags WHERE store_id = "));
    query.bind(store_id).push(" AND shipment_id = ").bind(shipment_id).push(" ORDER BY box_no, number");
    query::fetch_all(tx, &query).await
}

fn waiting_query(store_id: &str, brand: &str) -> Query {
    let mut query = Query::new(&format!("SELECT {TAG_COLUMNS} FROM part_tags WHERE store_id = "));
    query.bind(store_id).push(" AND state = 'stored' AND brand = ").bind(brand);
    query.push(" AND return_required = ").bind(true).push(" ORDER BY tagged_on, number");
    query
}

/// Tags in the parts store the manufacturer wants back and no shipment holds yet, oldest first.
pub async fn waiting_tags(tx: &mut Tx, store_id: &str, brand: &str) -> StoreResult<Vec<TagRow>> {
    query::fetch_all(tx, &waiting_query(store_id, brand)).await
}

/// The waiting tags for the scheduler's proposal, locked: on PostgreSQL with SKIP LOCKED, so a tag another
/// transaction holds is left for the next cycle instead of making the scheduler wait for it.
pub async fn claim_waiting_tags(tx: &mut Tx, store_id: &str, brand: &str) -> StoreResult<Vec<TagRow>> {
    let mut query = waiting_query(store_id, brand);
    if tx.backend() == Backend::Postgres {
        query.push(" FOR UPDATE SKIP LOCKED");
    }
    query::fetch_all(tx, &query).await
}

/// The brands of which the store holds parts waiting to go back.
pub async fn waiting_brands(tx: &mut Tx, store_id: &str) -> StoreResult<Vec<String>> {
    let mut query = Query::new("SELECT DISTINCT brand FROM part_tags WHERE store_id = ");
    query.bind(store_id).push(" AND state = 'stored' AND return_required = ").bind(true).push(" ORDER BY brand");
    let rows: Vec<(String,)> = query::fetch_all(tx, &query).await?;
    Ok(rows.into_iter().map(|(brand,)| brand).collect())
}

/// Tags not wanted back whose hold period has run out by `today`.
pub async fn scrap_due_tags(tx: &mut Tx, store_id: &str, today: &str) -> StoreResult<Vec<TagRow>> {
    let mut query = Query::new(&format!("SELECT {TAG_COLUMNS} FROM part_tags WHERE store_id = "));
    query.bind(store_id).push(" AND state = 'stored' AND return_required = ").bind(false);
    query.push(" AND scrap_from <= ").bind(today).push(" ORDER BY tagged_on, number");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default)]
pub struct TagFilter {
    pub stores: Vec<String>,
    pub states: Vec<String>,
    pub brand: Option<String>,
    pub return_required: Option<bool>,
    pub vin_prefix: Option<String>,
    pub claim_number_prefix: Option<String>,
    pub number_prefix: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

pub async fn list_tags(tx: &mut Tx, filter: &TagFilter, count_cap: i64) -> StoreResult<(Vec<TagRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(&filter.stores);
        if !filter.states.is_empty() {
            query.push(" AND state IN ").bind_list(&filter.states);
        }
        if let Some(brand) = &filter.brand {
            query.push(" AND brand = ").bind(brand);
        }
        if let Some(required) = filter.return_required {
            query.push(" AND return_required = ").bind(required);
        }
        if let Some(prefix) = &filter.vin_prefix {
            query.push(" AND ").prefix("vin", prefix);
        }
        if let Some(prefix) = &filter.claim_number_prefix {
            query.push(" AND ").prefix("claim_number", prefix);
        }
        if let Some(prefix) = &filter.number_prefix {
            query.push(" AND ").prefix("number", prefix);
        }
        query
    };
    let mut page = build(&format!("SELECT {TAG_COLUMNS} FROM part_tags"));
    page.push(" ORDER BY tagged_on DESC, number DESC LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = build("SELECT COUNT(*) FROM (SELECT 1 FROM part_tags");
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ShipmentRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub brand: String,
    pub period: String,
    pub due_on: String,
    pub state: String,
    pub boxes_json: String,
    pub box_count: i64,
    pub part_count: i64,
    pub weight_g: i64,
    pub carrier: String,
    pub tracking_no: String,
    pub packed_at: Option<i64>,
    pub shipped_at: Option<i64>,
    pub received_on: Option<String>,
    pub inspected_at: Option<i64>,
    pub debit_fen: i64,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const SHIPMENT_COLUMNS: &str = "id, store_id, number, brand, period, due_on, state, boxes_json, box_count, \
    part_count, weight_g, carrier, tracking_no, packed_at, shipped_at, received_on, inspected_at, debit_fen, \
    created_by, created_at, updated_at, version";

impl ShipmentRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("state", Arg::from(&self.state)),
            ("boxes_json", Arg::from(&self.boxes_json)),
            ("box_count", self.box_count.into()),
            ("part_count", self.part_count.into()),
            ("weight_g", self.weight_g.into()),
            ("carrier", Arg::from(&self.carrier)),
            ("tracking_no", Arg::from(&self.tracking_no)),
            ("packed_at", self.packed_at.into()),
            ("shipped_at", self.shipped_at.into()),
            ("received_on", Arg::from(&self.received_on)),
            ("inspected_at", self.inspected_at.into()),
            ("debit_fen", self.debit_fen.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert_shipment(tx: &mut Tx, row: &ShipmentRow) -> StoreResult<()> {
    let mut values = vec![
        ("id", Arg::from(&row.id)),
        ("store_id", Arg::from(&row.store_id)),
        ("number", Arg::from(&row.number)),
        ("brand", Arg::from(&row.brand)),
        ("period", Arg::from(&row.period)),
        ("due_on", Arg::from(&row.due_on)),
        ("created_by", Arg::from(&row.created_by)),
    ];
    values.extend(row.editable());
    values.push(("created_at", row.created_at.into()));
    values.push(("version", row.version.into()));
    query::insert(tx, "return_shipments", values).await
}

pub async fn update_shipment(tx: &mut Tx, row: &ShipmentRow) -> StoreResult<bool> {
    query::update_versioned(tx, "return_shipments", &row.store_id, &row.id, row.version, row.editable()).await
}

pub async fn get_shipment(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<ShipmentRow>> {
    let mut query = Query::new(&format!("SELECT {SHIPMENT_COLUMNS} FROM return_shipments WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// A shipment of the store and brand for the period that was not cancelled, if any.
pub async fn shipment_of_period(tx: &mut Tx, store_id: &str, brand: &str, period: &str) -> StoreResult<Option<String>> {
    let mut query = Query::new("SELECT id FROM return_shipments WHERE store_id = ");
    query.bind(store_id).push(" AND brand = ").bind(brand).push(" AND period = ").bind(period);
    query.push(" AND state <> 'cancelled' ORDER BY created_at LIMIT 1");
    let row: Option<(String,)> = query::fetch_optional(tx, &query).await?;
    Ok(row.map(|(id,)| id))
}

/// Whether the scheduler has taken the store's cycle of the brand (proposed its shipment, or found one).
pub async fn cycle_taken(tx: &mut Tx, store_id: &str, brand: &str, period: &str) -> StoreResult<bool> {
    let mut query = Query::new("SELECT COUNT(*) FROM return_cycles WHERE store_id = ");
    query.bind(store_id).push(" AND brand = ").bind(brand).push(" AND period = ").bind(period);
    Ok(query::fetch_count(tx, &query).await? > 0)
}

/// Takes the store's cycle of the brand for this transaction: true when no one had. On PostgreSQL a second
/// server inserting the same key waits for the first to commit and then inserts nothing, so only one
/// proposes; if the first rolls back, the second takes the cycle.
pub async fn take_cycle(
    tx: &mut Tx,
    store_id: &str,
    brand: &str,
    period: &str,
    shipment_id: Option<&str>,
    at: i64,
) -> StoreResult<bool> {
    let mut query =
        Query::new("INSERT INTO return_cycles (store_id, brand, period, shipment_id, proposed_at) VALUES (");
    query.bind(store_id).push(", ").bind(brand).push(", ").bind(period).push(", ").bind(shipment_id);
    query.push(", ").bind(at).push(") ON CONFLICT (store_id, brand, period) DO NOTHING");
    Ok(query::execute(tx, &query).await? == 1)
}

/// Names the shipment the scheduler proposed for a cycle it took.
pub async fn set_cycle_shipment(
    tx: &mut Tx,
    store_id: &str,
    brand: &str,
    period: &str,
    shipment_id: &str,
) -> StoreResult<()> {
    let mut query = Query::new("UPDATE return_cycles SET shipment_id = ");
    query.bind(shipment_id).push(" WHERE store_id = ").bind(store_id).push(" AND brand = ").bind(brand);
    query.push(" AND period = ").bind(period);
    query::execute(tx, &query).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct ShipmentFilter {
    pub stores: Vec<String>,
    pub state: Option<String>,
    pub brand: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

pub async fn list_shipments(
    tx: &mut Tx,
    filter: &ShipmentFilter,
    count_cap: i64,
) -> StoreResult<(Vec<ShipmentRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(&filter.stores);
        if let Some(state) = &filter.state {
            query.push(" AND state = ").bind(state);
        }
        if let Some(brand) = &filter.brand {
            query.push(" AND brand = ").bind(brand);
        }
        query
    };
    let mut page = build(&format!("SELECT {SHIPMENT_COLUMNS} FROM return_shipments"));
    page.push(" ORDER BY created_at DESC, id DESC LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = build("SELECT COUNT(*) FROM (SELECT 1 FROM return_shipments");
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct DebitRow {
    pub id: String,
    pub store_id: String,
    pub claim_id: String,
    pub tag_id: String,
    pub shipment_id: String,
    pub reason: String,
    pub note: String,
    pub amount_fen: i64,
    pub created_at: i64,
    pub created_by: Option<String>,
}

const DEBIT_COLUMNS: &str =
    "id, store_id, claim_id, tag_id, shipment_id, reason, note, amount_fen, created_at, created_by";

pub async fn insert_debit(tx: &mut Tx, row: &DebitRow) -> StoreResult<()> {
    query::insert(
        tx,
        "parts_return_debits",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("claim_id", Arg::from(&row.claim_id)),
            ("tag_id", Arg::from(&row.tag_id)),
            ("shipment_id", Arg::from(&row.shipment_id)),
            ("reason", Arg::from(&row.reason)),
            ("note", Arg::from(&row.note)),
            ("amount_fen", row.amount_fen.into()),
            ("created_at", row.created_at.into()),
            ("created_by", Arg::from(&row.created_by)),
        ],
    )
    .await
}

pub async fn debits_of_claim(tx: &mut Tx, store_id: &str, claim_id: &str) -> StoreResult<Vec<DebitRow>> {
    let mut query = Query::new(&format!("SELECT {DEBIT_COLUMNS} FROM parts_return_debits WHERE store_id = "));
    query.bind(store_id).push(" AND claim_id = ").bind(claim_id).push(" ORDER BY created_at");
    query::fetch_all(tx, &query).await
}

pub async fn debits_of_shipment(tx: &mut Tx, store_id: &str, shipment_id: &str) -> StoreResult<Vec<DebitRow>> {
    let mut query = Query::new(&format!("SELECT {DEBIT_COLUMNS} FROM parts_return_debits WHERE store_id = "));
    query.bind(store_id).push(" AND shipment_id = ").bind(shipment_id).push(" ORDER BY created_at, id");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ScrapRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub scrapped_on: String,
    pub part_count: i64,
    pub note: String,
    pub created_at: i64,
    pub created_by: Option<String>,
}

pub async fn insert_scrap(tx: &mut Tx, row: &ScrapRow) -> StoreResult<()> {
    query::insert(
        tx,
        "part_scraps",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("number", Arg::from(&row.number)),
            ("scrapped_on", Arg::from(&row.scrapped_on)),
            ("part_count", row.part_count.into()),
            ("note", Arg::from(&row.note)),
            ("created_at", row.created_at.into()),
            ("created_by", Arg::from(&row.created_by)),
        ],
    )
    .await
}

pub async fn scraps(tx: &mut Tx, stores: &[String], limit: i64) -> StoreResult<Vec<ScrapRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, number, scrapped_on, part_count, note, created_at, created_by FROM part_scraps \
         WHERE store_id IN ",
    );
    query.bind_list(stores).push(" ORDER BY created_at DESC LIMIT ").bind(limit);
    query::fetch_all(tx, &query).await
}
