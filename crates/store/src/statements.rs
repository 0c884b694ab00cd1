//! Counterparty statements (对账): settlement and commission statements with their matched lines, appeals
//! (复议), payments received, invoices, the accountability rule (拒赔问责), and the aggregate queries of
//! the monthly reconciliation. Sums are cast to BIGINT because PostgreSQL widens SUM(BIGINT) to NUMERIC.
//! Sums and groupings run in SQL over store-leading indexes, so a month of a
//! store reads only that month's rows.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct StatementRow {
    pub id: String,
    pub store_id: String,
    pub kind: String,
    pub counterparty: String,
    pub counterparty_name: String,
    pub number: String,
    pub period: String,
    pub statement_date: String,
    pub source: String,
    pub file_name: String,
    pub expected_fen: i64,
    pub stated_fen: i64,
    pub confirmed_fen: i64,
    pub received_fen: i64,
    pub invoiced_fen: i64,
    pub counts_json: String,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

const STATEMENT_COLUMNS: &str = "id, store_id, kind, counterparty, counterparty_name, number, period, statement_date, \
    source, file_name, expected_fen, stated_fen, confirmed_fen, received_fen, invoiced_fen, counts_json, created_at, \
    created_by, updated_at, version";

pub async fn insert_statement(tx: &mut Tx, row: &StatementRow) -> StoreResult<()> {
    query::insert(
        tx,
        "statements",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("kind", Arg::from(&row.kind)),
            ("counterparty", Arg::from(&row.counterparty)),
            ("counterparty_name", Arg::from(&row.counterparty_name)),
            ("number", Arg::from(&row.number)),
            ("period", Arg::from(&row.period)),
            ("statement_date", Arg::from(&row.statement_date)),
            ("source", Arg::from(&row.source)),
            ("file_name", Arg::from(&row.file_name)),
            ("expected_fen", row.expected_fen.into()),
            ("stated_fen", row.stated_fen.into()),
            ("confirmed_fen", row.confirmed_fen.into()),
            ("received_fen", row.received_fen.into()),
            ("invoiced_fen", row.invoiced_fen.into()),
            ("counts_json", Arg::from(&row.counts_json)),
            ("created_at", row.created_at.into()),
            ("created_by", Arg::from(&row.created_by)),
            ("updated_at", row.updated_at.into()),
            ("version", row.version.into()),
        ],
    )
    .await
}

/// Saves the running totals (received, invoiced) when the version still matches.
pub async fn update_statement_totals(tx: &mut Tx, row: &StatementRow) -> StoreResult<bool> {
    query::update_versioned(
        tx,
        "statements",
        &row.store_id,
        &row.id,
        row.version,
        vec![
            ("received_fen", row.received_fen.into()),
            ("invoiced_fen", row.invoiced_fen.into()),
            ("updated_at", row.updated_at.into()),
        ],
    )
    .await
}

pub async fn get_statement(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<StatementRow>> {
    let mut query = Query::new(&format!("SELECT {STATEMENT_COLUMNS} FROM statements WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

#[derive(Debug, Clone, Default)]
pub struct StatementFilter {
    pub stores: Vec<String>,
    pub kind: String,
    pub counterparty: Option<String>,
    pub number_prefix: Option<String>,
    /// Statement dates from and to (`YYYY-MM-DD`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only statements with money still to receive.
    pub open_only: bool,
    pub offset: i64,
    pub limit: i64,
}

pub async fn list_statements(
    tx: &mut Tx,
    filter: &StatementFilter,
    count_cap: i64,
) -> StoreResult<(Vec<StatementRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(&filter.stores).push(" AND kind = ").bind(&filter.kind);
        if let Some(counterparty) = &filter.counterparty {
            query.push(" AND counterparty = ").bind(counterparty);
        }
        if let Some(prefix) = &filter.number_prefix {
            query.push(" AND ").prefix("number", prefix);
        }
        if let Some(from) = &filter.from {
            query.push(" AND statement_date >= ").bind(from);
        }
        if let Some(to) = &filter.to {
            query.push(" AND statement_date <= ").bind(to);
        }
        if filter.open_only {
            query.push(" AND confirmed_fen > received_fen");
        }
        query
    };
    let mut page = build(&format!("SELECT {STATEMENT_COLUMNS} FROM statements"));
    page.push(" ORDER BY statement_date DESC, id DESC LIMIT ").bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = build("SELECT COUNT(*) FROM (SELECT 1 FROM statements");
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct StatementLineRow {
    pub id: String,
    pub store_id: String,
    pub statement_id: String,
    pub position: i64,
    pub row_no: i64,
    pub reference: String,
    pub line_ref: String,
    pub subject_id: Option<String>,
    pub line_no: Option<i64>,
    pub description: String,
    pub expected_fen: Option<i64>,
    pub stated_fen: Option<i64>,
    pub claimed_fen: Option<i64>,
    pub outcome: String,
    pub reason: String,
}

const LINE_COLUMNS: [&str; 15] = [
    "id",
    "store_id",
    "statement_id",
    "position",
    "row_no",
    "reference",
    "line_ref",
    "subject_id",
    "line_no",
    "description",
    "expected_fen",
    "stated_fen",
    "claimed_fen",
    "outcome",
    "reason",
];

pub async fn insert_lines(tx: &mut Tx, rows: &[StatementLineRow]) -> StoreResult<()> {
    let values = rows
        .iter()
        .map(|r| {
            vec![
                Arg::from(&r.id),
                Arg::from(&r.store_id),
                Arg::from(&r.statement_id),
                r.position.into(),
                r.row_no.into(),
                Arg::from(&r.reference),
                Arg::from(&r.line_ref),
                Arg::from(&r.subject_id),
                r.line_no.into(),
                Arg::from(&r.description),
                r.expected_fen.into(),
                r.stated_fen.into(),
                r.claimed_fen.into(),
                Arg::from(&r.outcome),
                Arg::from(&r.reason),
            ]
        })
        .collect();
    query::insert_many(tx, "statement_lines", &LINE_COLUMNS, values).await
}

/// Marks the claims a statement names as billed (in the import's write): from then on the aging counts
/// them through the statement, not as claims still owed. A claim keeps the first statement's time.
pub async fn mark_billed(tx: &mut Tx, store_id: &str, claim_ids: &[String], at: i64) -> StoreResult<()> {
    for chunk in claim_ids.chunks(500) {
        let mut query = Query::new("UPDATE warranty_claims SET billed_at = ");
        query.bind(at).push(" WHERE store_id = ").bind(store_id).push(" AND id IN ").bind_list(chunk);
        query.push(" AND billed_at IS NULL");
        query::execute(tx, &query).await?;
    }
    Ok(())
}

pub async fn lines(tx: &mut Tx, store_id: &str, statement_id: &str) -> StoreResult<Vec<StatementLineRow>> {
    let mut query = Query::new(&format!("SELECT {} FROM statement_lines WHERE store_id = ", LINE_COLUMNS.join(", ")));
    query.bind(store_id).push(" AND statement_id = ").bind(statement_id).push(" ORDER BY position");
    query::fetch_all(tx, &query).await
}

pub async fn line(tx: &mut Tx, store_id: &str, id: &str) -> StoreResult<Option<StatementLineRow>> {
    let mut query = Query::new(&format!("SELECT {} FROM statement_lines WHERE store_id = ", LINE_COLUMNS.join(", ")));
    query.bind(store_id).push(" AND id = ").bind(id);
    query::fetch_optional(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct AppealRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub statement_id: String,
    pub line_id: String,
    pub claim_id: Option<String>,
    pub state: String,
    pub requested_fen: i64,
    pub granted_fen: Option<i64>,
    pub reason: String,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

const APPEAL_COLUMNS: &str = "id, store_id, number, statement_id, line_id, claim_id, state, requested_fen, granted_fen, \
    reason, created_at, created_by, updated_at, version";

pub async fn insert_appeal(tx: &mut Tx, row: &AppealRow) -> StoreResult<()> {
    query::insert(
        tx,
        "statement_appeals",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("number", Arg::from(&row.number)),
            ("statement_id", Arg::from(&row.statement_id)),
            ("line_id", Arg::from(&row.line_id)),
            ("claim_id", Arg::from(&row.claim_id)),
            ("state", Arg::from(&row.state)),
            ("requested_fen", row.requested_fen.into()),
            ("granted_fen", row.granted_fen.into()),
            ("reason", Arg::from(&row.reason)),
            ("created_at", row.created_at.into()),
            ("created_by", Arg::from(&row.created_by)),
            ("updated_at", row.updated_at.into()),
            ("version", row.version.into()),
        ],
    )
    .await
}

pub async fn update_appeal(tx: &mut Tx, row: &AppealRow) -> StoreResult<bool> {
    query::update_versioned(
        tx,
        "statement_appeals",
        &row.store_id,
        &row.id,
        row.version,
        vec![
            ("state", Arg::from(&row.state)),
            ("requested_fen", row.requested_fen.into()),
            ("granted_fen", row.granted_fen.into()),
            ("reason", Arg::from(&row.reason)),
            ("updated_at", row.updated_at.into()),
        ],
    )
    .await
}

pub async fn get_appeal(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<AppealRow>> {
    let mut query = Query::new(&format!("SELECT {APPEAL_COLUMNS} FROM statement_appeals WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

pub async fn appeals_of_statement(tx: &mut Tx, store_id: &str, statement_id: &str) -> StoreResult<Vec<AppealRow>> {
    let mut query = Query::new(&format!("SELECT {APPEAL_COLUMNS} FROM statement_appeals WHERE store_id = "));
    query.bind(store_id).push(" AND statement_id = ").bind(statement_id).push(" ORDER BY created_at");
    query::fetch_all(tx, &query).await
}

pub async fn list_appeals(
    tx: &mut Tx,
    stores: &[String],
    state: Option<&str>,
    offset: i64,
    limit: i64,
    count_cap: i64,
) -> StoreResult<(Vec<AppealRow>, i64)> {
    let build = |select: &str| {
        let mut query = Query::new(select);
        query.push(" WHERE store_id IN ").bind_list(stores);
        if let Some(state) = state {
            query.push(" AND state = ").bind(state);
        }
        query
    };
    let mut page = build(&format!("SELECT {APPEAL_COLUMNS} FROM statement_appeals"));
    page.push(" ORDER BY created_at DESC, id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
    let rows = query::fetch_all(tx, &page).await?;
    let mut count = build("SELECT COUNT(*) FROM (SELECT 1 FROM statement_appeals");
    count.push(" LIMIT ").bind(count_cap).push(") AS capped");
    Ok((rows, query::fetch_count(tx, &count).await?))
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct PaymentRow {
    pub id: String,
    pub store_id: String,
    pub statement_id: String,
    pub received_on: String,
    pub amount_fen: i64,
    pub reference: String,
    pub created_at: i64,
    pub created_by: Option<String>,
}

pub async fn insert_payment(tx: &mut Tx, row: &PaymentRow) -> StoreResult<()> {
    query::insert(
        tx,
        "statement_payments",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("statement_id", Arg::from(&row.statement_id)),
            ("received_on", Arg::from(&row.received_on)),
            ("amount_fen", row.amount_fen.into()),
            ("reference", Arg::from(&row.reference)),
            ("created_at", row.created_at.into()),
            ("created_by", Arg::from(&row.created_by)),
        ],
    )
    .await
}

pub async fn payments(tx: &mut Tx, store_id: &str, statement_id: &str) -> StoreResult<Vec<PaymentRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, statement_id, received_on, amount_fen, reference, created_at, created_by \
         FROM statement_payments WHERE store_id = ",
    );
    query.bind(store_id).push(" AND statement_id = ").bind(statement_id).push(" ORDER BY received_on, created_at");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct InvoiceRow {
    pub id: String,
    pub store_id: String,
    pub statement_id: String,
    pub invoice_no: String,
    pub issued_on: String,
    pub amount_fen: i64,
    pub created_at: i64,
    pub created_by: Option<String>,
}

pub async fn insert_invoice(tx: &mut Tx, row: &InvoiceRow) -> StoreResult<()> {
    query::insert(
        tx,
        "statement_invoices",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("statement_id", Arg::from(&row.statement_id)),
            ("invoice_no", Arg::from(&row.invoice_no)),
            ("issued_on", Arg::from(&row.issued_on)),
            ("amount_fen", row.amount_fen.into()),
            ("created_at", row.created_at.into()),
            ("created_by", Arg::from(&row.created_by)),
        ],
    )
    .await
}

pub async fn invoices(tx: &mut Tx, store_id: &str, statement_id: &str) -> StoreResult<Vec<InvoiceRow>> {
    let mut query = Query::new(
        "SELECT id, store_id, statement_id, invoice_no, issued_on, amount_fen, created_at, created_by \
         FROM statement_invoices WHERE store_id = ",
    );
    query.bind(store_id).push(" AND statement_id = ").bind(statement_id).push(" ORDER BY issued_on, created_at");
    query::fetch_all(tx, &query).await
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct RuleRow {
    pub store_id: String,
    pub advisor_percent: String,
    pub technician_percent: String,
    pub clerk_percent: String,
    pub manager_percent: String,
    pub technician_id: Option<String>,
    pub manager_id: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

pub async fn rule(tx: &mut Tx, store_id: &str) -> StoreResult<Option<RuleRow>> {
    let mut query = Query::new(
        "SELECT store_id, advisor_percent, technician_percent, clerk_percent, manager_percent, technician_id, \
         manager_id, updated_at, version FROM accountability_rules WHERE store_id = ",
    );
    query.bind(store_id);
    query::fetch_optional(tx, &query).await
}

/// Replaces the store's rule (one row per store).
pub async fn save_rule(tx: &mut Tx, row: &RuleRow) -> StoreResult<()> {
    let mut delete = Query::new("DELETE FROM accountability_rules WHERE store_id = ");
    delete.bind(&row.store_id);
    query::execute(tx, &delete).await?;
    query::insert(
        tx,
        "accountability_rules",
        vec![
            ("store_id", Arg::from(&row.store_id)),
            ("advisor_percent", Arg::from(&row.advisor_percent)),
            ("technician_percent", Arg::from(&row.technician_percent)),
            ("clerk_percent", Arg::from(&row.clerk_percent)),
            ("manager_percent", Arg::from(&row.manager_percent)),
            ("technician_id", Arg::from(&row.technician_id)),
            ("manager_id", Arg::from(&row.manager_id)),
            ("updated_at", row.updated_at.into()),
            ("version", row.version.into()),
        ],
    )
    .await
}

// ---------------------------------------------------------------------------------------------------------
// The monthly reconciliation.

/// Claim income of a period by claim kind and line kind (labour, parts, sublet).
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct IncomeRow {
    pub claim_kind: String,
    pub line_kind: String,
    pub claims: i64,
    pub claimed_fen: i64,
    pub approved_fen: i64,
}

/// Sums the lines of the claims decided in `[from_ms, to_ms)`: one pass over the store's
/// `(store_id, decided_at)` range and the lines' `(store_id, claim_id, …)` index.
pub async fn income(tx: &mut Tx, stores: &[String], from_ms: i64, to_ms: i64) -> StoreResult<Vec<IncomeRow>> {
    let mut query = Query::new(
        "SELECT c.kind AS claim_kind, l.kind AS line_kind, COUNT(DISTINCT c.id) AS claims, \
         CAST(COALESCE(SUM(l.amount_fen), 0) AS BIGINT) AS claimed_fen, \
         CAST(COALESCE(SUM(COALESCE(l.approved_fen, 0)), 0) AS BIGINT) AS approved_fen \
         FROM warranty_claims c JOIN warranty_claim_lines l ON l.store_id = c.store_id AND l.claim_id = c.id \
         WHERE c.store_id IN ",
    );
    query.bind_list(stores);
    query.push(" AND c.decided_at >= ").bind(from_ms).push(" AND c.decided_at < ").bind(to_ms);
    query.push(" GROUP BY c.kind, l.kind ORDER BY c.kind, l.kind");
    query::fetch_all(tx, &query).await
}

/// A repair order handed over in the period with warranty lines and no claim.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct UnclaimedRow {
    pub id: String,
    pub store_id: String,
    pub number: String,
    pub handed_over_at: i64,
    pub lines: i64,
    pub amount_fen: i64,
}

pub async fn unclaimed_orders(
    tx: &mut Tx,
    stores: &[String],
    from_ms: i64,
    to_ms: i64,
) -> StoreResult<Vec<UnclaimedRow>> {
    let mut query = Query::new(
        "SELECT o.id, o.store_id, o.number, o.handed_over_at, COUNT(*) AS lines, CAST(COALESCE(SUM(i.amount_fen), 0) AS BIGINT) AS amount_fen \
         FROM repair_orders o JOIN repair_order_items i ON i.store_id = o.store_id AND i.repair_order_id = o.id \
         WHERE o.store_id IN ",
    );
    query.bind_list(stores);
    query.push(" AND o.handed_over_at >= ").bind(from_ms).push(" AND o.handed_over_at < ").bind(to_ms);
    query.push(
        " AND i.payer = 'warranty' AND NOT EXISTS (SELECT 1 FROM warranty_claims c WHERE c.store_id = o.store_id \
         AND c.repair_order_id = o.id AND c.state <> 'cancelled') \
         GROUP BY o.id, o.store_id, o.number, o.handed_over_at ORDER BY o.handed_over_at, o.id",
    );
    query::fetch_all(tx, &query).await
}

/// A claim of a repair order handed over in the period, with both numbers.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ClaimedOrderRow {
    pub order_id: String,
    pub order_number: String,
    pub claim_id: String,
    pub claim_number: String,
}

/// The claims of the repair orders handed over in the period (to compare their lines), in handover order.
pub async fn claimed_orders(
    tx: &mut Tx,
    stores: &[String],
    from_ms: i64,
    to_ms: i64,
) -> StoreResult<Vec<ClaimedOrderRow>> {
    let mut query = Query::new(
        "SELECT o.id AS order_id, o.number AS order_number, c.id AS claim_id, c.number AS claim_number \
         FROM repair_orders o JOIN warranty_claims c ON c.store_id = o.store_id AND c.repair_order_id = o.id \
         WHERE o.store_id IN ",
    );
    query.bind_list(stores);
    query.push(" AND o.handed_over_at >= ").bind(from_ms).push(" AND o.handed_over_at < ").bind(to_ms);
    query.push(" AND c.state <> 'cancelled' ORDER BY o.handed_over_at, o.id, c.id");
    query::fetch_all(tx, &query).await
}

/// The warranty items of every repair order handed over in the period (unordered): one read for the month's
/// check instead of one per order. CROSS JOIN keeps SQLite driving from the month's orders; asked to order by
/// the items' index, it walked every item of the store instead (18–50 s at 1,000,000 claims).
pub async fn warranty_items_handed_over(
    tx: &mut Tx,
    stores: &[String],
    from_ms: i64,
    to_ms: i64,
) -> StoreResult<Vec<crate::repair_orders::ItemRow>> {
    let mut query = Query::new(
        "SELECT i.id, i.store_id, i.repair_order_id, i.line_no, i.kind, i.code, i.description, i.hours_centi, \
         i.part_no, i.quantity_milli, i.unit_price_fen, i.amount_fen, i.payer \
         FROM repair_orders o CROSS JOIN repair_order_items i \
         WHERE i.store_id = o.store_id AND i.repair_order_id = o.id AND o.store_id IN ",
    );
    query.bind_list(stores);
    query.push(" AND o.handed_over_at >= ").bind(from_ms).push(" AND o.handed_over_at < ").bind(to_ms);
    query.push(" AND i.payer = 'warranty'");
    query::fetch_all(tx, &query).await
}

/// The lines of the claims of the repair orders handed over in the period (unordered; driven from the
/// month's orders like [`warranty_items_handed_over`]).
pub async fn claim_lines_handed_over(
    tx: &mut Tx,
    stores: &[String],
    from_ms: i64,
    to_ms: i64,
) -> StoreResult<Vec<crate::warranty::LineRow>> {
    let columns: Vec<String> = crate::warranty::LINE_COLUMNS.split(", ").map(|c| format!("l.{}", c.trim())).collect();
    let mut query = Query::new(&format!(
        "SELECT {} FROM repair_orders o CROSS JOIN warranty_claims c CROSS JOIN warranty_claim_lines l \
         WHERE c.store_id = o.store_id AND c.repair_order_id = o.id AND l.store_id = c.store_id \
         AND l.claim_id = c.id AND o.store_id IN ",
        columns.join(", ")
    ));
    query.bind_list(stores);
    query.push(" AND o.handed_over_at >= ").bind(from_ms).push(" AND o.handed_over_at < ").bind(to_ms);
    query.push(" AND c.state <> 'cancelled'");
    query::fetch_all(tx, &query).await
}

/// An amount still to receive, for the aging: a statement's confirmed amount not yet received, or a decided
/// claim not yet on any statement.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct OpenRow {
    pub counterparty: String,
    pub since: String,
    pub open_fen: i64,
}

pub async fn open_statements(tx: &mut Tx, stores: &[String]) -> StoreResult<Vec<OpenRow>> {
    let mut query = Query::new(
        "SELECT counterparty, statement_date AS since, confirmed_fen - received_fen AS open_fen FROM statements \
         WHERE store_id IN ",
    );
    query.bind_list(stores).push(" AND kind = 'settlement' AND confirmed_fen > received_fen");
    query::fetch_all(tx, &query).await
}

/// Decided claims (approved or partly approved) that no statement has named yet, summed per brand into the
/// aging buckets in SQL: `edges` are the first instants of the buckets' oldest days, newest first (0–30 days
/// from `edges[0]`, 31–60 from `edges[1]`, …, over 180 before `edges[3]`). Summing here rather than in Rust
/// keeps a store with a million decided claims from shipping a million rows, and the partial index
/// `warranty_claims_owed` (0015) holds only the unbilled ones, so the claims already on statements are never
/// read. Its predicate must stay word for word in this WHERE for SQLite to use it.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct UnbilledRow {
    pub brand: String,
    pub b0: i64,
    pub b1: i64,
    pub b2: i64,
    pub b3: i64,
    pub b4: i64,
}

pub async fn unbilled_claims(tx: &mut Tx, stores: &[String], edges: [i64; 4]) -> StoreResult<Vec<UnbilledRow>> {
    let mut query = Query::new("SELECT c.brand");
    let amount = "COALESCE(c.approved_fen, 0)";
    let bucket = |query: &mut Query, from: Option<i64>, to: Option<i64>, name: &str| {
        query.push(", CAST(COALESCE(SUM(CASE WHEN 1 = 1");
        if let Some(from) = from {
            query.push(" AND c.decided_at >= ").bind(from);
        }
        if let Some(to) = to {
            query.push(" AND c.decided_at < ").bind(to);
        }
        query.push(&format!(" THEN {amount} ELSE 0 END), 0) AS BIGINT) AS {name}"));
    };
    bucket(&mut query, Some(edges[0]), None, "b0");
    bucket(&mut query, Some(edges[1]), Some(edges[0]), "b1");
    bucket(&mut query, Some(edges[2]), Some(edges[1]), "b2");
    bucket(&mut query, Some(edges[3]), Some(edges[2]), "b3");
    bucket(&mut query, None, Some(edges[3]), "b4");
    query.push(" FROM warranty_claims c WHERE c.store_id IN ").bind_list(stores);
    query.push(
        " AND c.billed_at IS NULL AND c.state IN ('approved', 'partly_approved') AND c.decided_at IS NOT NULL \
         GROUP BY c.brand",
    );
    query::fetch_all(tx, &query).await
}

/// A cut or rejected statement line of the period with the people behind its claim.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct LossRow {
    pub line_id: String,
    pub statement_id: String,
    pub claim_id: String,
    pub claim_number: String,
    pub clerk_id: Option<String>,
    pub advisor_id: Option<String>,
    pub expected_fen: i64,
    pub stated_fen: i64,
}

/// CROSS JOIN keeps SQLite reading the month's statements first: left to itself it walked every statement
/// line of the store through `statement_lines_subject` (2–6 s at 1,000,000 claims).
pub async fn losses(tx: &mut Tx, store_id: &str, from: &str, to: &str) -> StoreResult<Vec<LossRow>> {
    let mut query = Query::new(
        "SELECT l.id AS line_id, l.statement_id, c.id AS claim_id, c.number AS claim_number, c.clerk_id, \
         o.advisor_id, COALESCE(l.expected_fen, 0) AS expected_fen, COALESCE(l.stated_fen, 0) AS stated_fen \
         FROM statements s CROSS JOIN statement_lines l CROSS JOIN warranty_claims c CROSS JOIN repair_orders o \
         WHERE l.store_id = s.store_id AND l.statement_id = s.id AND c.store_id = l.store_id AND c.id = l.subject_id \
         AND o.store_id = c.store_id AND o.id = c.repair_order_id AND s.store_id = ",
    );
    query.bind(store_id).push(" AND s.kind = 'settlement' AND s.statement_date >= ").bind(from);
    query
        .push(" AND s.statement_date <= ")
        .bind(to)
        .push(" AND l.outcome IN ('cut', 'rejected') ORDER BY c.number, l.position");
    query::fetch_all(tx, &query).await
}

/// The store's claims with these numbers (a statement names claims by number), in chunks of 500.
pub async fn claims_by_numbers(
    tx: &mut Tx,
    store_id: &str,
    numbers: &[String],
) -> StoreResult<Vec<crate::warranty::ClaimRow>> {
    let mut rows = Vec::new();
    for chunk in numbers.chunks(500) {
        let mut query =
            Query::new(&format!("SELECT {} FROM warranty_claims WHERE store_id = ", crate::warranty::CLAIM_COLUMNS));
        query.bind(store_id).push(" AND number IN ").bind_list(chunk);
        rows.extend(query::fetch_all::<crate::warranty::ClaimRow>(tx, &query).await?);
    }
    Ok(rows)
}

/// Whether the store already holds a statement with this number from this counterparty.
pub async fn statement_exists(
    tx: &mut Tx,
    store_id: &str,
    kind: &str,
    counterparty: &str,
    number: &str,
) -> StoreResult<bool> {
    let mut query = Query::new("SELECT COUNT(*) FROM statements WHERE store_id = ");
    query.bind(store_id).push(" AND kind = ").bind(kind).push(" AND counterparty = ").bind(counterparty);
    query.push(" AND number = ").bind(number);
    Ok(query::fetch_count(tx, &query).await? > 0)
}
