//! Quality reports (质量信息反馈) per store with the repeated-failure setting, and technical bulletins
//! (技术通报, group-wide per brand) with who must read them and when they did.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ReportRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub vehicle_id: String,
    pub vin: String,
    pub brand: String,
    pub model: String,
    pub repair_order_id: Option<String>,
    pub claim_id: Option<String>,
    pub part_no: String,
    pub part_name: String,
    pub failure_code: String,
    pub symptom: String,
    pub frequency: String,
    pub affected: i64,
    /// Comma-separated department codes.
    pub departments: String,
    pub state: String,
    pub proposal_key: Option<String>,
    pub basis_json: String,
    pub sent_at: Option<i64>,
    pub sent_by: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const REPORT_COLUMNS: &str = "id, store_id, number, vehicle_id, vin, brand, model, repair_order_id, claim_id, part_no, \
    part_name, failure_code, symptom, frequency, affected, departments, state, proposal_key, basis_json, sent_at, sent_by, \
    created_by, created_at, updated_at, version";

impl ReportRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("part_no", Arg::from(&self.part_no)),
            ("part_name", Arg::from(&self.part_name)),
            ("failure_code", Arg::from(&self.failure_code)),
            ("symptom", Arg::from(&self.symptom)),
            ("frequency", Arg::from(&self.frequency)),
            ("affected", self.affected.into()),
            ("departments", Arg::from(&self.departments)),
            ("state", Arg::from(&self.state)),
            ("sent_at", self.sent_at.into()),
            ("sent_by", self.sent_by.clone().into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert_report(tx: &mut Tx, row: &ReportRow) -> StoreResult<()> {
    let mut values = vec![
        ("id", Arg::from(&row.id)),
        ("store_id", Arg::from(&row.store_id)),
        ("number", Arg::from(&row.number)),
        ("vehicle_id", Arg::from(&row.vehicle_id)),
        ("vin", Arg::from(&row.vin)),
        ("brand", Arg::from(&row.brand)),
        ("model", Arg::from(&row.model)),
        ("repair_order_id", row.repair_order_id.clone().into()),
        ("claim_id", row.claim_id.clone().into()),
        ("proposal_key", row.proposal_key.clone().into()),
        ("basis_json", Arg::from(&row.basis_json)),
        ("created_by", row.created_by.clone().into()),
        ("created_at", row.created_at.into()),
        ("version", row.version.into()),
    ];
    values.extend(row.editable());
    query::insert(tx, "quality_reports", values).await
}

pub async fn update_report(tx: &mut Tx, row: &ReportRow) -> StoreResult<bool> {
    query::update_versioned(tx, "quality_reports", &row.store_id, &row.id, row.version, row.editable()).await
}

pub async fn get_report(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<ReportRow>> {
    let mut query = Query::new(&format!("SELECT {REPORT_COLUMNS} FROM quality_reports WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub stores: Vec<String>,
    pub state: Option<String>,
    /// Reports created on or after this instant (epoch ms).
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

pub async fn reports(tx: &mut Tx, filter: &ReportFilter) -> StoreResult<(Vec<ReportRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(&filter.stores);
        if let Some(state) = &filter.state {
            query.push(" AND state = ").bind(state);
        }
        if let Some(from) = filter.from_ms {
            query.push(" AND created_at >= ").bind(from);
        }
        if let Some(to) = filter.to_ms {
            query.push(" AND created_at < ").bind(to);
        }
        query
    };
    let mut page = build(&format!("SELECT {REPORT_COLUMNS} FROM quality_reports"));
    page.push(" ORDER BY created_at DESC, id DESC LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    Ok((rows, query::fetch_count(tx, &build("SELECT COUNT(*) FROM quality_reports")).await?))
}

/// The proposal keys already adopted in the store since `since_ms`.
pub async fn adopted_keys(tx: &mut Tx, store_id: &str, since_ms: i64) -> StoreResult<Vec<String>> {
    let mut query = Query::new("SELECT proposal_key FROM quality_reports WHERE store_id = ");
    query.bind(store_id).push(" AND proposal_key IS NOT NULL AND created_at >= ").bind(since_ms);
    let rows: Vec<(String,)> = query::fetch_all(tx, &query).await?;
    Ok(rows.into_iter().map(|(key,)| key).collect())
}

pub async fn threshold(tx: &mut Tx, store_id: &str) -> StoreResult<Option<i64>> {
    let mut query = Query::new("SELECT repeat_threshold FROM quality_settings WHERE store_id = ");
    query.bind(store_id);
    Ok(query::fetch_optional::<(i64,)>(tx, &query).await?.map(|(n,)| n))
}

pub async fn set_threshold(tx: &mut Tx, store_id: &str, value: i64, now: i64) -> StoreResult<()> {
    let mut query = Query::new("UPDATE quality_settings SET repeat_threshold = ");
    query.bind(value).push(", updated_at = ").bind(now).push(" WHERE store_id = ").bind(store_id);
    if query::execute(tx, &query).await? == 0 {
        query::insert(
            tx,
            "quality_settings",
            vec![("store_id", Arg::from(store_id)), ("repeat_threshold", value.into()), ("updated_at", now.into())],
        )
        .await?;
    }
    Ok(())
}

/// A claim's repair as the repeated-failure rule sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ObservationRow {
    pub claim_id: String,
    pub vin: String,
    pub vehicle_id: String,
    pub model: String,
    pub failure_code: String,
    pub repair_date: String,
    pub part_no: String,
    pub part_name: String,
}

/// The store's claims repaired between the two dates (inclusive), not withdrawn, with their causal part.
pub async fn observations(tx: &mut Tx, store_id: &str, from: &str, to: &str) -> StoreResult<Vec<ObservationRow>> {
    let mut query = Query::new(
        "SELECT c.id AS claim_id, c.vin, c.vehicle_id, v.model, c.failure_code, c.repair_date, \
         COALESCE(l.code, '') AS part_no, COALESCE(l.description, '') AS part_name \
         FROM warranty_claims c JOIN vehicles v ON v.id = c.vehicle_id \
         LEFT JOIN warranty_claim_lines l ON l.store_id = c.store_id AND l.claim_id = c.id \
         AND l.kind = 'part' AND l.role = 'causal' \
         WHERE c.store_id = ",
    );
    query.bind(store_id).push(" AND c.repair_date >= ").bind(from).push(" AND c.repair_date <= ").bind(to);
    query.push(" AND c.state <> 'cancelled' ORDER BY c.repair_date");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct BulletinRow {
    pub id: String,
    pub number: String,
    pub brand: String,
    pub title: String,
    pub body: String,
    pub models: String,
    pub issued_on: String,
    pub read_days: i64,
    pub created_by: Option<String>,
    pub created_at: i64,
}

const BULLETIN_COLUMNS: &str = "id, number, brand, title, body, models, issued_on, read_days, created_by, created_at";

pub async fn insert_bulletin(tx: &mut Tx, row: &BulletinRow) -> StoreResult<()> {
    query::insert(
        tx,
        "bulletins",
        vec![
            ("id", Arg::from(&row.id)),
            ("number", Arg::from(&row.number)),
            ("brand", Arg::from(&row.brand)),
            ("title", Arg::from(&row.title)),
            ("body", Arg::from(&row.body)),
            ("models", Arg::from(&row.models)),
            ("issued_on", Arg::from(&row.issued_on)),
            ("read_days", row.read_days.into()),
            ("created_by", row.created_by.clone().into()),
            ("created_at", row.created_at.into()),
        ],
    )
    .await
}

pub async fn get_bulletin(tx: &mut Tx, id: &str) -> StoreResult<Option<BulletinRow>> {
    let mut query = Query::new(&format!("SELECT {BULLETIN_COLUMNS} FROM bulletins WHERE id = "));
    query.bind(id);
    query::fetch_optional(tx, &query).await
}

/// Bulletins newest first; `brand` narrows; when `reader_stores` is given only bulletins assigned in those
/// stores (what a store's people see).
pub async fn bulletins(
    tx: &mut Tx,
    brand: Option<&str>,
    reader_stores: Option<&[String]>,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<BulletinRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE 1 = 1");
        if let Some(brand) = brand {
            query.push(" AND brand = ").bind(brand);
        }
        if let Some(stores) = reader_stores {
            query.push(" AND id IN (SELECT bulletin_id FROM bulletin_reads WHERE store_id IN ").bind_list(stores);
            query.push(")");
        }
        query
    };
    let mut page = build(&format!("SELECT {BULLETIN_COLUMNS} FROM bulletins"));
    page.push(" ORDER BY issued_on DESC, number DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
    let rows = query::fetch_all(tx, &page).await?;
    Ok((rows, query::fetch_count(tx, &build("SELECT COUNT(*) FROM bulletins")).await?))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ReadRow {
    pub id: String,
    pub store_id: String,
    pub bulletin_id: String,
    pub user_id: String,
    pub assigned_at: i64,
    pub due_on: String,
    pub read_at: Option<i64>,
    /// The reader's display name (joined).
    pub display_name: String,
}

pub async fn insert_reads(tx: &mut Tx, rows: &[ReadRow]) -> StoreResult<()> {
    let values = rows
        .iter()
        .map(|r| {
            vec![
                Arg::from(&r.id),
                Arg::from(&r.store_id),
                Arg::from(&r.bulletin_id),
                Arg::from(&r.user_id),
                r.assigned_at.into(),
                Arg::from(&r.due_on),
            ]
        })
        .collect();
    query::insert_many(
        tx,
        "bulletin_reads",
        &["id", "store_id", "bulletin_id", "user_id", "assigned_at", "due_on"],
        values,
    )
    .await
}

/// Who must read a bulletin in these stores, with their names.
pub async fn reads(tx: &mut Tx, bulletin_id: &str, stores: &[String]) -> StoreResult<Vec<ReadRow>> {
    let mut query = Query::new(
        "SELECT r.id, r.store_id, r.bulletin_id, r.user_id, r.assigned_at, r.due_on, r.read_at, u.display_name \
         FROM bulletin_reads r JOIN users u ON u.id = r.user_id WHERE r.store_id IN ",
    );
    query
        .bind_list(stores)
        .push(" AND r.bulletin_id = ")
        .bind(bulletin_id)
        .push(" ORDER BY r.store_id, u.display_name");
    query::fetch_all(tx, &query).await
}

/// Confirms the reader's assignments of a bulletin (in every store they were assigned in); answers how many.
pub async fn mark_read(tx: &mut Tx, bulletin_id: &str, user_id: &str, at: i64) -> StoreResult<u64> {
    let mut query = Query::new("UPDATE bulletin_reads SET read_at = ");
    query.bind(at).push(" WHERE bulletin_id = ").bind(bulletin_id).push(" AND user_id = ").bind(user_id);
    query.push(" AND read_at IS NULL");
    query::execute(tx, &query).await
}
