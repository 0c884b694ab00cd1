//! Customers (客户档案).

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: String,
    pub store_id: String,
    pub name: String,
    pub kind: String,
    pub mobile: String,
    pub phone: String,
    pub resident_id: String,
    pub address: String,
    pub area: String,
    pub first_visit_on: Option<String>,
    pub last_visit_on: Option<String>,
    pub maintenance_interval_km: Option<i64>,
    pub maintenance_interval_months: Option<i64>,
    pub next_maintenance_on: Option<String>,
    pub wanted_services: String,
    pub notes: String,
    pub follow_up_user_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

pub const COLUMNS: &str = "id, store_id, name, kind, mobile, phone, resident_id, address, area, first_visit_on, \
    last_visit_on, maintenance_interval_km, maintenance_interval_months, next_maintenance_on, wanted_services, notes, \
    follow_up_user_id, created_at, updated_at, version";

impl CustomerRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("name", self.name.clone().into()),
            ("kind", self.kind.clone().into()),
            ("mobile", self.mobile.clone().into()),
            ("phone", self.phone.clone().into()),
            ("resident_id", self.resident_id.clone().into()),
            ("address", self.address.clone().into()),
            ("area", self.area.clone().into()),
            ("first_visit_on", self.first_visit_on.clone().into()),
            ("last_visit_on", self.last_visit_on.clone().into()),
            ("maintenance_interval_km", self.maintenance_interval_km.into()),
            ("maintenance_interval_months", self.maintenance_interval_months.into()),
            ("next_maintenance_on", self.next_maintenance_on.clone().into()),
            ("wanted_services", self.wanted_services.clone().into()),
            ("notes", self.notes.clone().into()),
            ("follow_up_user_id", self.follow_up_user_id.clone().into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

impl CustomerRow {
    fn values(&self) -> Vec<(&'static str, Arg)> {
        let mut values = vec![("id", Arg::from(&self.id)), ("store_id", Arg::from(&self.store_id))];
        values.extend(self.editable());
        values.push(("created_at", self.created_at.into()));
        values.push(("version", self.version.into()));
        values
    }
}

pub async fn insert(tx: &mut Tx, row: &CustomerRow) -> StoreResult<()> {
    query::insert(tx, "customers", row.values()).await
}

/// Many new customers in a few multi-row statements (an import).
pub async fn insert_many(tx: &mut Tx, rows: &[CustomerRow]) -> StoreResult<()> {
    let Some(first) = rows.first() else { return Ok(()) };
    let columns: Vec<&str> = first.values().iter().map(|(column, _)| *column).collect();
    let args = rows.iter().map(|row| row.values().into_iter().map(|(_, value)| value).collect()).collect();
    query::insert_many(tx, "customers", &columns, args).await
}

pub async fn update(tx: &mut Tx, row: &CustomerRow) -> StoreResult<bool> {
    query::update_versioned(tx, "customers", &row.store_id, &row.id, row.version, row.editable()).await
}

/// A customer, only if it belongs to one of `stores`: another store's record reads as missing.
pub async fn get(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<CustomerRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM customers WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// What the list's search box typed, classified so each search uses its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    None,
    /// Digits: a phone number prefix.
    Phone(String),
    /// Latin letters and digits: a VIN prefix.
    Vin(String),
    /// Starts with a Chinese character: a name prefix, or a plate prefix (云, 贵 and 甘 are surnames too).
    NameOrPlate(String),
    Name(String),
}

impl Search {
    pub fn classify(text: &str) -> Search {
        let text: String = text.trim().chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '·').collect();
        if text.is_empty() {
            return Search::None;
        }
        if text.chars().all(|c| c.is_ascii_digit()) {
            return Search::Phone(text);
        }
        if text.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Search::Vin(text.to_ascii_uppercase());
        }
        let first = text.chars().next().unwrap_or(' ');
        if !first.is_ascii() && text.chars().skip(1).all(|c| c.is_ascii_alphanumeric()) && text.chars().count() > 1 {
            return Search::NameOrPlate(text.to_ascii_uppercase());
        }
        Search::Name(text.trim().to_string())
    }
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub stores: Vec<String>,
    pub search: Search,
    pub follow_up_user_id: Option<String>,
    pub sort: CustomerSort,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    Newest,
    Name,
}

/// The matches of a search as `(cid, k)`: the customer and the value that matched (name, mobile, plate or
/// VIN). Each branch is one index range, so the page can walk the matches in `k` order and stop at the
/// page's end instead of collecting every match first: a common surname or a plate's first characters match
/// thousands of customers of a store.
fn matches(query: &mut Query, filter: &ListFilter) {
    let stores = &filter.stores;
    let customers = |query: &mut Query, column: &str, prefix: &str| {
        query.push(&format!("SELECT id AS cid, {column} AS k FROM customers WHERE store_id IN ")).bind_list(stores);
        query.push(" AND ").prefix(column, prefix);
    };
    let vehicles = |query: &mut Query, column: &str, prefix: &str| {
        query
            .push(&format!("SELECT owner_id AS cid, {column} AS k FROM vehicles WHERE store_id IN "))
            .bind_list(stores);
        query.push(" AND ").prefix(column, prefix);
    };
    match &filter.search {
        Search::None => {
            query.push("SELECT id AS cid, id AS k FROM customers WHERE store_id IN ").bind_list(stores);
        }
        Search::Phone(digits) => customers(query, "mobile", digits),
        Search::Name(text) => customers(query, "name", text),
        Search::Vin(prefix) => {
            vehicles(query, "vin", prefix);
            query.push(" UNION ALL ");
            vehicles(query, "plate", prefix);
        }
        Search::NameOrPlate(text) => {
            customers(query, "name", text);
            query.push(" UNION ALL ");
            vehicles(query, "plate", text);
        }
    }
}

/// `FROM (matches) m CROSS JOIN customers c WHERE …`: the matches drive the join (SQLite keeps the order
/// CROSS JOIN gives), each found customer by its primary key.
fn search_query(select: &str, filter: &ListFilter) -> Query {
    let mut query = Query::new(select);
    query.push(" FROM (");
    matches(&mut query, filter);
    query.push(") m CROSS JOIN customers c WHERE c.id = m.cid");
    if let Some(user) = &filter.follow_up_user_id {
        query.push(" AND c.follow_up_user_id = ").bind(user);
    }
    query
}

fn plain_query(select: &str, filter: &ListFilter) -> Query {
    let mut query = Query::new(select);
    query.push(" FROM customers WHERE store_id IN ").bind_list(&filter.stores);
    if let Some(user) = &filter.follow_up_user_id {
        query.push(" AND follow_up_user_id = ").bind(user);
    }
    query
}

/// One page of customers and the total (counted up to `count_cap`, so a huge unfiltered list stays fast).
/// A search lists its matches in the order of the value that matched (names A–Z for a name, plates for a
/// plate); without one, the list is in the chosen sort.
pub async fn list(tx: &mut Tx, filter: &ListFilter, count_cap: i64) -> StoreResult<(Vec<CustomerRow>, i64)> {
    let page_of = |query: &mut Query| {
        query.push(" LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    };
    let (page, mut count) = if filter.search == Search::None {
        let mut page = plain_query(&format!("SELECT {COLUMNS}"), filter);
        match filter.sort {
            CustomerSort::Newest => page.push(" ORDER BY id DESC"),
            CustomerSort::Name => page.push(" ORDER BY name, id"),
        };
        page_of(&mut page);
        (page, plain_query("SELECT COUNT(*) FROM (SELECT 1", filter))
    } else if filter.follow_up_user_id.is_none() {
        // Every match is a customer of the store (a vehicle's owner is), so the page is cut from the
        // matches themselves — the index ranges merged in value order, stopping at the page's end — and
        // only its customers are read; the count reads the index ranges alone.
        let qualified = COLUMNS.split(", ").map(|column| format!("c.{}", column.trim())).collect::<Vec<_>>();
        let mut page = Query::new(&format!("SELECT {} FROM (", qualified.join(", ")));
        matches(&mut page, filter);
        page.push(" ORDER BY k, cid");
        page_of(&mut page);
        page.push(") m CROSS JOIN customers c WHERE c.id = m.cid ORDER BY m.k, m.cid");
        let mut count = Query::new("SELECT COUNT(*) FROM (");
        matches(&mut count, filter);
        (page, count)
    } else {
        let qualified = COLUMNS.split(", ").map(|column| format!("c.{}", column.trim())).collect::<Vec<_>>();
        let mut page = search_query(&format!("SELECT {}", qualified.join(", ")), filter);
        page.push(" ORDER BY m.k, m.cid");
        page_of(&mut page);
        (page, search_query("SELECT COUNT(*) FROM (SELECT 1", filter))
    };
    let rows = query::fetch_all(tx, &page).await?;
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    let total = query::fetch_count(tx, &count).await?;
    Ok((rows, total))
}

pub async fn count_in_store(tx: &mut Tx, store_id: &str) -> StoreResult<i64> {
    let mut query = Query::new("SELECT COUNT(*) FROM customers WHERE store_id = ");
    query.bind(store_id);
    query::fetch_count(tx, &query).await
}
