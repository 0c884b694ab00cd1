//! The rest of the claim workflow (migration 0014): pre-authorisation requests (预授权), the goodwill
//! approval chain's decisions (善意索赔审批), and the aggregates of the supervisor's board and the mis-claim
//! rates.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct PreauthRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub repair_order_id: String,
    pub vehicle_id: String,
    pub vin: String,
    pub brand: String,
    pub state: String,
    pub amount_fen: i64,
    pub reasons_json: String,
    pub lines_json: String,
    pub note: String,
    pub approval_no: String,
    pub decision_reason: String,
    pub requested_by: Option<String>,
    pub decided_by: Option<String>,
    pub requested_at: i64,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const PREAUTH_COLUMNS: &str = "id, store_id, number, repair_order_id, vehicle_id, vin, brand, state, amount_fen, \
    reasons_json, lines_json, note, approval_no, decision_reason, requested_by, decided_by, requested_at, decided_at, \
    created_at, updated_at, version";

impl PreauthRow {
    fn editable(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("state", Arg::from(&self.state)),
            ("approval_no", Arg::from(&self.approval_no)),
            ("decision_reason", Arg::from(&self.decision_reason)),
            ("decided_by", Arg::from(&self.decided_by)),
            ("decided_at", self.decided_at.into()),
            ("updated_at", self.updated_at.into()),
        ]
    }
}

pub async fn insert_preauth(tx: &mut Tx, row: &PreauthRow) -> StoreResult<()> {
    let mut values = vec![
        ("id", Arg::from(&row.id)),
        ("store_id", Arg::from(&row.store_id)),
        ("number", Arg::from(&row.number)),
        ("repair_order_id", Arg::from(&row.repair_order_id)),
        ("vehicle_id", Arg::from(&row.vehicle_id)),
        ("vin", Arg::from(&row.vin)),
        ("brand", Arg::from(&row.brand)),
        ("amount_fen", row.amount_fen.into()),
        ("reasons_json", Arg::from(&row.reasons_json)),
        ("lines_json", Arg::from(&row.lines_json)),
        ("note", Arg::from(&row.note)),
        ("requested_by", Arg::from(&row.requested_by)),
        ("requested_at", row.requested_at.into()),
        ("created_at", row.created_at.into()),
        ("version", row.version.into()),
    ];
    values.extend(row.editable());
    query::insert(tx, "warranty_preauths", values).await
}

pub async fn update_preauth(tx: &mut Tx, row: &PreauthRow) -> StoreResult<bool> {
    query::update_versioned(tx, "warranty_preauths", &row.store_id, &row.id, row.version, row.editable()).await
}

pub async fn get_preauth(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<PreauthRow>> {
    let mut query = Query::new(&format!("SELECT {PREAUTH_COLUMNS} FROM warranty_preauths WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// A repair order's requests, oldest first.
pub async fn preauths_of_order(tx: &mut Tx, store_id: &str, repair_order_id: &str) -> StoreResult<Vec<PreauthRow>> {
    let mut query = Query::new(&format!("SELECT {PREAUTH_COLUMNS} FROM warranty_preauths WHERE store_id = "));
    query.bind(store_id).push(" AND repair_order_id = ").bind(repair_order_id).push(" ORDER BY created_at, id");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default)]
pub struct PreauthFilter {
    pub stores: Vec<String>,
    pub state: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

pub async fn list_preauths(tx: &mut Tx, filter: &PreauthFilter, count_cap: i64) -> StoreResult<(Vec<PreauthRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(&filter.stores);
        if let Some(state) = &filter.state {
            query.push(" AND state = ").bind(state);
        }
        query
    };
    let mut page = build(&format!("SELECT {PREAUTH_COLUMNS} FROM warranty_preauths"));
    page.push(" ORDER BY created_at DESC, id DESC LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = build("SELECT COUNT(*) FROM (SELECT 1 FROM warranty_preauths");
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct ApprovalRow {
    pub id: String,
    pub store_id: String,
    pub claim_id: String,
    pub step: i64,
    pub role: String,
    pub decision: String,
    pub amount_fen: i64,
    pub note: String,
    pub decided_by: Option<String>,
    pub decided_at: i64,
}

pub async fn insert_approval(tx: &mut Tx, row: &ApprovalRow) -> StoreResult<()> {
    query::insert(
        tx,
        "warranty_goodwill_approvals",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("claim_id", Arg::from(&row.claim_id)),
            ("step", row.step.into()),
            ("role", Arg::from(&row.role)),
            ("decision", Arg::from(&row.decision)),
            ("amount_fen", row.amount_fen.into()),
            ("note", Arg::from(&row.note)),
            ("decided_by", Arg::from(&row.decided_by)),
            ("decided_at", row.decided_at.into()),
        ],
    )
    .await
}

/// A claim's goodwill decisions, in the order they were made.
pub async fn approvals(tx: &mut Tx, store_id: &str, claim_id: &str) -> StoreResult<Vec<ApprovalRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, claim_id, step, role, decision, amount_fen, note, decided_by, decided_at FROM \
         warranty_goodwill_approvals WHERE store_id = ",
    );
    query.bind(store_id).push(" AND claim_id = ").bind(claim_id).push(" ORDER BY decided_at, step, id");
    query::fetch_all(tx, &query).await
}

/// An open claim as the board counts it.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct OpenClaimRow {
    pub state: String,
    pub clerk_id: Option<String>,
    pub clerk_name: Option<String>,
    pub claimed_fen: i64,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
}

/// The claims still in the dealer's or the manufacturer's hands (every state before a decision).
pub async fn open_claims(tx: &mut Tx, stores: &[String], states: &[&str]) -> StoreResult<Vec<OpenClaimRow>> {
    let mut query = Query::new(
        "SELECT c.state, c.clerk_id, u.display_name AS clerk_name, c.claimed_fen, c.created_at, c.submitted_at \
         FROM warranty_claims c LEFT JOIN users u ON u.id = c.clerk_id WHERE c.store_id IN ",
    );
    query.bind_list(stores).push(" AND c.state IN ").bind_list(states.iter().copied());
    query::fetch_all(tx, &query).await
}

/// What the mis-claim rates group the decided claims by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKey {
    /// The clerk's display name.
    Clerk,
    /// The vehicle's model.
    Model,
    /// The first causal part line's part number.
    Part,
    FailureCode,
}

/// One month's decided claims of one key, summed.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct RateGroupRow {
    /// Which month of the edges: 0 for `[edges[0], edges[1])`, …
    pub month_index: i64,
    pub group_key: String,
    pub decided: i64,
    pub missed: i64,
    pub claimed_fen: i64,
    pub missed_fen: i64,
}

/// The claims decided between `edges[0]` and the last edge, summed per month (between consecutive edges)
/// and key in SQL: over six months of a store with a million claims this returns a few thousand rows
/// instead of a quarter of a million. A claim is missed when the manufacturer approved less than was
/// claimed (`domain::warranty::rates::DecidedClaim::missed`). Only the key's own join is made: the
/// failure code needs none, the clerk the users, the model the vehicles, the part one line per claim.
pub async fn rate_groups(
    tx: &mut Tx,
    stores: &[String],
    edges: &[i64],
    key: RateKey,
) -> StoreResult<Vec<RateGroupRow>> {
    let (Some(first), Some(last)) = (edges.first(), edges.last()) else { return Ok(Vec::new()) };
    let mut query = Query::new("SELECT CAST(CASE");
    for (index, edge) in edges.iter().enumerate().skip(1) {
        query.push(" WHEN c.decided_at < ").bind(*edge).push(&format!(" THEN {}", index - 1));
    }
    query.push(" ELSE -1 END AS BIGINT) AS month_index, ");
    query.push(match key {
        RateKey::Clerk => "COALESCE(u.display_name, '')",
        RateKey::Model => "v.model",
        RateKey::Part => {
            "COALESCE((SELECT l.code FROM warranty_claim_lines l WHERE l.store_id = c.store_id AND l.claim_id = c.id \
             AND l.kind = 'part' AND l.role = 'causal' ORDER BY l.line_no LIMIT 1), '')"
        }
        RateKey::FailureCode => "c.failure_code",
    });
    query.push(
        " AS group_key, COUNT(*) AS decided, \
         CAST(SUM(CASE WHEN c.approved_fen < c.claimed_fen THEN 1 ELSE 0 END) AS BIGINT) AS missed, \
         CAST(SUM(c.claimed_fen) AS BIGINT) AS claimed_fen, \
         CAST(SUM(CASE WHEN c.approved_fen < c.claimed_fen THEN c.claimed_fen - c.approved_fen ELSE 0 END) AS BIGINT) \
         AS missed_fen FROM warranty_claims c",
    );
    query.push(match key {
        RateKey::Clerk => " LEFT JOIN users u ON u.id = c.clerk_id",
        RateKey::Model => " JOIN vehicles v ON v.id = c.vehicle_id",
        RateKey::Part | RateKey::FailureCode => "",
    });
    query.push(" WHERE c.store_id IN ").bind_list(stores);
    query.push(" AND c.decided_at >= ").bind(*first).push(" AND c.decided_at < ").bind(*last);
    query.push(" AND c.approved_fen IS NOT NULL GROUP BY 1, 2");
    query::fetch_all(tx, &query).await
}

/// A claim the manufacturer decided, with what the rates group it by.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct DecidedRow {
    pub state: String,
    pub clerk_id: Option<String>,
    pub clerk_name: Option<String>,
    pub model: String,
    pub failure_code: String,
    pub part: Option<String>,
    pub claimed_fen: i64,
    pub approved_fen: i64,
    pub decided_at: i64,
}

/// The claims decided in `[from_ms, to_ms)`, each with its vehicle's model and its causal part.
pub async fn decided_claims(tx: &mut Tx, stores: &[String], from_ms: i64, to_ms: i64) -> StoreResult<Vec<DecidedRow>> {
    let mut query = Query::new(
        "SELECT c.state, c.clerk_id, u.display_name AS clerk_name, v.model, c.failure_code, \
         (SELECT l.code FROM warranty_claim_lines l WHERE l.store_id = c.store_id AND l.claim_id = c.id \
          AND l.kind = 'part' AND l.role = 'causal' ORDER BY l.line_no LIMIT 1) AS part, \
         c.claimed_fen, c.approved_fen, c.decided_at \
         FROM warranty_claims c JOIN vehicles v ON v.id = c.vehicle_id LEFT JOIN users u ON u.id = c.clerk_id \
         WHERE c.store_id IN ",
    );
    query.bind_list(stores).push(" AND c.decided_at >= ").bind(from_ms).push(" AND c.decided_at < ").bind(to_ms);
    query.push(" AND c.approved_fen IS NOT NULL ORDER BY c.decided_at");
    query::fetch_all(tx, &query).await
}
