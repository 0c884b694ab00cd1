//! Recalls and campaigns (group-wide, by brand), the vehicles on their VIN lists (each with the store of the
//! vehicle once the group knows it) and the contact attempts per vehicle.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct CampaignRow {
    pub id: String,
    pub code: String,
    pub brand: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub failure_code: String,
    pub labor_ops_json: String,
    pub parts_json: String,
    pub starts_on: String,
    pub ends_on: String,
    pub state: String,
    pub vehicle_count: i64,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const CAMPAIGN_COLUMNS: &str = "id, code, brand, kind, title, description, failure_code, labor_ops_json, parts_json, \
    starts_on, ends_on, state, vehicle_count, created_by, created_at, updated_at, version";

impl CampaignRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("kind", Arg::from(&self.kind)),
            ("title", Arg::from(&self.title)),
            ("description", Arg::from(&self.description)),
            ("failure_code", Arg::from(&self.failure_code)),
            ("labor_ops_json", Arg::from(&self.labor_ops_json)),
            ("parts_json", Arg::from(&self.parts_json)),
            ("starts_on", Arg::from(&self.starts_on)),
            ("ends_on", Arg::from(&self.ends_on)),
            ("state", Arg::from(&self.state)),
            ("vehicle_count", self.vehicle_count.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert(tx: &mut Tx, row: &CampaignRow) -> StoreResult<()> {
    let mut values = vec![("id", Arg::from(&row.id)), ("code", Arg::from(&row.code)), ("brand", Arg::from(&row.brand))];
    values.extend(row.editable());
    values.push(("created_by", row.created_by.clone().into()));
    values.push(("created_at", row.created_at.into()));
    values.push(("version", row.version.into()));
    query::insert(tx, "campaigns", values).await
}

/// Updates when the version still matches; false when someone changed it meanwhile.
pub async fn update(tx: &mut Tx, row: &CampaignRow) -> StoreResult<bool> {
    let mut query = Query::new("UPDATE campaigns SET ");
    for (column, value) in row.editable() {
        query.push(column).push(" = ").bind(value).push(", ");
    }
    query.push("version = version + 1 WHERE id = ").bind(&row.id).push(" AND version = ").bind(row.version);
    Ok(query::execute(tx, &query).await? == 1)
}

pub async fn get(tx: &mut Tx, id: &str) -> StoreResult<Option<CampaignRow>> {
    let mut query = Query::new(&format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = "));
    query.bind(id);
    query::fetch_optional(tx, &query).await
}

#[derive(Debug, Clone, Default)]
pub struct CampaignFilter {
    pub brand: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
    /// A campaign-number or title prefix.
    pub q: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

pub async fn list(tx: &mut Tx, filter: &CampaignFilter) -> StoreResult<(Vec<CampaignRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE 1 = 1");
        if let Some(brand) = &filter.brand {
            query.push(" AND brand = ").bind(brand);
        }
        if let Some(kind) = &filter.kind {
            query.push(" AND kind = ").bind(kind);
        }
        if let Some(state) = &filter.state {
            query.push(" AND state = ").bind(state);
        }
        if let Some(q) = &filter.q {
            query.push(" AND ((").prefix("code", q).push(") OR (").prefix("title", q).push("))");
        }
        query
    };
    let mut page = build(&format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns"));
    page.push(" ORDER BY starts_on DESC, code LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let total = query::fetch_count(tx, &build("SELECT COUNT(*) FROM campaigns")).await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct CampaignVehicleRow {
    pub id: String,
    pub campaign_id: String,
    pub store_id: Option<String>,
    pub vehicle_id: Option<String>,
    pub vin: String,
    pub state: String,
    pub done_on: Option<String>,
    pub repair_order_id: Option<String>,
    pub claim_id: Option<String>,
    pub contact_attempts: i64,
    pub note: String,
    pub updated_at: i64,
    pub version: i64,
}

const VEHICLE_COLUMNS: &str = "id, campaign_id, store_id, vehicle_id, vin, state, done_on, repair_order_id, claim_id, \
    contact_attempts, note, updated_at, version";

impl CampaignVehicleRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("store_id", self.store_id.clone().into()),
            ("vehicle_id", self.vehicle_id.clone().into()),
            ("state", Arg::from(&self.state)),
            ("done_on", self.done_on.clone().into()),
            ("repair_order_id", self.repair_order_id.clone().into()),
            ("claim_id", self.claim_id.clone().into()),
            ("contact_attempts", self.contact_attempts.into()),
            ("note", Arg::from(&self.note)),
            ("updated_at", self.updated_at.into()),
        ]
    }

    fn values(&self) -> Vec<Arg> {
        let mut values = vec![Arg::from(&self.id), Arg::from(&self.campaign_id), Arg::from(&self.vin)];
        values.extend(self.editable().into_iter().map(|(_, value)| value));
        values.push(self.version.into());
        values
    }
}

/// A VIN list in multi-row statements (a recall's hundred thousand vehicles in about a hundred statements).
pub async fn insert_vehicles(tx: &mut Tx, rows: &[CampaignVehicleRow]) -> StoreResult<()> {
    let Some(first) = rows.first() else { return Ok(()) };
    let mut columns = vec!["id", "campaign_id", "vin"];
    columns.extend(first.editable().into_iter().map(|(column, _)| column));
    columns.push("version");
    query::insert_many(tx, "campaign_vehicles", &columns, rows.iter().map(CampaignVehicleRow::values).collect()).await
}

pub async fn update_vehicle(tx: &mut Tx, row: &CampaignVehicleRow) -> StoreResult<bool> {
    let mut query = Query::new("UPDATE campaign_vehicles SET ");
    for (column, value) in row.editable() {
        query.push(column).push(" = ").bind(value).push(", ");
    }
    query.push("version = version + 1 WHERE id = ").bind(&row.id).push(" AND version = ").bind(row.version);
    Ok(query::execute(tx, &query).await? == 1)
}

/// Which of `vins` the campaign lists already, a thousand VINs to a statement.
pub async fn listed_vins(tx: &mut Tx, campaign_id: &str, vins: &[String]) -> StoreResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in vins.chunks(1_000) {
        let mut query = Query::new("SELECT vin FROM campaign_vehicles WHERE campaign_id = ");
        query.bind(campaign_id).push(" AND vin IN ").bind_list(chunk);
        let rows: Vec<(String,)> = query::fetch_all(tx, &query).await?;
        found.extend(rows.into_iter().map(|(vin,)| vin));
    }
    Ok(found)
}

/// The group's vehicles with these VINs: (vin, store_id, vehicle_id), newest registration last.
pub async fn group_vehicles(tx: &mut Tx, vins: &[String]) -> StoreResult<Vec<(String, String, String)>> {
    let mut found = Vec::new();
    for chunk in vins.chunks(1_000) {
        let mut query = Query::new("SELECT vin, store_id, id FROM vehicles WHERE vin IN ");
        query.bind_list(chunk).push(" ORDER BY id");
        found.extend(query::fetch_all::<(String, String, String)>(tx, &query).await?);
    }
    Ok(found)
}

/// A campaign vehicle the actor may see: in one of `stores`, or (for group roles, `unassigned`) not yet in
/// any store.
pub async fn get_vehicle(
    tx: &mut Tx,
    stores: &[String],
    unassigned: bool,
    id: &str,
) -> StoreResult<Option<CampaignVehicleRow>> {
    let mut query = Query::new(&format!("SELECT {VEHICLE_COLUMNS} FROM campaign_vehicles WHERE id = "));
    query.bind(id).push(" AND (store_id IN ").bind_list(stores);
    if unassigned {
        query.push(" OR store_id IS NULL");
    }
    query.push(")");
    query::fetch_optional(tx, &query).await
}

/// The campaign row of a VIN, whatever its store (reception of a car from elsewhere still sees its recall).
pub async fn vehicle_by_vin(tx: &mut Tx, campaign_id: &str, vin: &str) -> StoreResult<Option<CampaignVehicleRow>> {
    let mut query = Query::new(&format!("SELECT {VEHICLE_COLUMNS} FROM campaign_vehicles WHERE campaign_id = "));
    query.bind(campaign_id).push(" AND vin = ").bind(vin);
    query::fetch_optional(tx, &query).await
}

#[derive(Debug, Clone, Default)]
pub struct VehicleFilter {
    pub campaign_id: String,
    pub stores: Vec<String>,
    /// Group roles also see the VINs no store has.
    pub unassigned: bool,
    pub state: Option<String>,
    /// A VIN prefix.
    pub vin: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

fn vehicle_scope(query: &mut Query, filter: &VehicleFilter) {
    query.push(" WHERE campaign_id = ").bind(&filter.campaign_id);
    query.push(" AND (store_id IN ").bind_list(&filter.stores);
    if filter.unassigned {
        query.push(" OR store_id IS NULL");
    }
    query.push(")");
    if let Some(state) = &filter.state {
        query.push(" AND state = ").bind(state);
    }
    if let Some(vin) = &filter.vin {
        query.push(" AND ").prefix("vin", vin);
    }
}

pub async fn vehicles(tx: &mut Tx, filter: &VehicleFilter) -> StoreResult<(Vec<CampaignVehicleRow>, i64)> {
    let mut page = Query::new(&format!("SELECT {VEHICLE_COLUMNS} FROM campaign_vehicles"));
    vehicle_scope(&mut page, filter);
    page.push(" ORDER BY vin LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = Query::new("SELECT COUNT(*) FROM campaign_vehicles");
    vehicle_scope(&mut count, filter);
    Ok((rows, query::fetch_count(tx, &count).await?))
}

/// (store_id, state, count) of a campaign's vehicles in the scope; the store is empty for unknown VINs.
pub async fn counts(
    tx: &mut Tx,
    campaign_id: &str,
    stores: &[String],
    unassigned: bool,
) -> StoreResult<Vec<(String, String, i64)>> {
    let filter =
        VehicleFilter { campaign_id: campaign_id.into(), stores: stores.to_vec(), unassigned, ..Default::default() };
    let mut query = Query::new("SELECT COALESCE(store_id, ''), state, COUNT(*) FROM campaign_vehicles");
    vehicle_scope(&mut query, &filter);
    query.push(" GROUP BY store_id, state");
    query::fetch_all(tx, &query).await
}

/// An open campaign a vehicle still needs, for the flag at reception.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct FlagRow {
    pub vin: String,
    pub campaign_vehicle_id: String,
    pub campaign_id: String,
    pub code: String,
    pub kind: String,
    pub title: String,
    pub ends_on: String,
    pub state: String,
}

/// The open campaigns that still need these vehicles (due or unreachable), on the VIN index.
pub async fn flags(tx: &mut Tx, vins: &[String]) -> StoreResult<Vec<FlagRow>> {
    let mut found = Vec::new();
    for chunk in vins.chunks(500) {
        let mut query = Query::new(
            "SELECT v.vin, v.id AS campaign_vehicle_id, c.id AS campaign_id, c.code, c.kind, c.title, c.ends_on, v.state \
             FROM campaign_vehicles v JOIN campaigns c ON c.id = v.campaign_id \
             WHERE c.state = 'open' AND v.state IN ('due', 'unreachable') AND v.vin IN ",
        );
        query.bind_list(chunk).push(" ORDER BY c.ends_on, c.code");
        found.extend(query::fetch_all::<FlagRow>(tx, &query).await?);
    }
    Ok(found)
}

/// The open vehicle rows of a campaign in a store (the end-date due item is open while there are any).
pub async fn open_in_store(tx: &mut Tx, campaign_id: &str, store_id: &str) -> StoreResult<i64> {
    let mut query = Query::new("SELECT COUNT(*) FROM campaign_vehicles WHERE store_id = ");
    query.bind(store_id).push(" AND campaign_id = ").bind(campaign_id).push(" AND state IN ('due', 'unreachable')");
    query::fetch_count(tx, &query).await
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ContactRow {
    pub id: String,
    pub store_id: String,
    pub campaign_vehicle_id: String,
    pub channel: String,
    pub outcome: String,
    pub note: String,
    pub contacted_at: i64,
    pub created_by: Option<String>,
}

pub async fn insert_contact(tx: &mut Tx, row: &ContactRow) -> StoreResult<()> {
    query::insert(
        tx,
        "campaign_contacts",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("campaign_vehicle_id", Arg::from(&row.campaign_vehicle_id)),
            ("channel", Arg::from(&row.channel)),
            ("outcome", Arg::from(&row.outcome)),
            ("note", Arg::from(&row.note)),
            ("contacted_at", row.contacted_at.into()),
            ("created_by", row.created_by.clone().into()),
        ],
    )
    .await
}

pub async fn contacts(tx: &mut Tx, store_id: &str, campaign_vehicle_id: &str) -> StoreResult<Vec<ContactRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, campaign_vehicle_id, channel, outcome, note, contacted_at, created_by \
         FROM campaign_contacts WHERE store_id = ",
    );
    query.bind(store_id).push(" AND campaign_vehicle_id = ").bind(campaign_vehicle_id).push(" ORDER BY contacted_at");
    query::fetch_all(tx, &query).await
}

/// (id, number) of these repair orders and warranty claims, for the completion report.
pub async fn record_numbers(
    tx: &mut Tx,
    repair_order_ids: &[String],
    claim_ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    let mut numbers = Vec::new();
    for (table, ids) in [("repair_orders", repair_order_ids), ("warranty_claims", claim_ids)] {
        for chunk in ids.chunks(1_000) {
            let mut query = Query::new(&format!("SELECT id, number FROM {table} WHERE id IN "));
            query.bind_list(chunk);
            numbers.extend(query::fetch_all::<(String, String)>(tx, &query).await?);
        }
    }
    Ok(numbers)
}
