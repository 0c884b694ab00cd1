//! Motor insurance (保险理赔/兼业代理): insurers and their covers, the document checklist templates, policies,
//! accident leads, claims with their steps, documents, loss assessment lines and notes, and pay rules.
//!
//! Every table here has the same shape of access (insert a row, read one by id within stores, list the rows
//! of a parent), so each row type declares its columns once with [`table!`] and shares the helpers below.

use crate::query::{self, Arg, Query};
use crate::{StoreResult, Tx};

/// A row type with its table and columns, in the order of the struct's fields.
pub trait Table:
    for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin
{
    const TABLE: &'static str;
    const FIELDS: &'static [&'static str];
    fn values(&self) -> Vec<(&'static str, Arg)>;
    fn columns() -> String {
        Self::FIELDS.join(", ")
    }
}

macro_rules! table {
    ($(#[$meta:meta])* $row:ident, $table:literal, { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow, serde::Serialize)]
        pub struct $row {
            $(pub $field: $ty),*
        }

        impl Table for $row {
            const TABLE: &'static str = $table;
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn values(&self) -> Vec<(&'static str, Arg)> {
                vec![$((stringify!($field), Arg::from(self.$field.clone()))),*]
            }
        }
    };
}
// Other store modules with the same shape of access declare their rows with it too.
pub(crate) use table;

table!(
    /// An insurer the store is agent for.
    InsurerRow, "insurers", {
    id: String, store_id: String, code: String, name: String, phone: String, claim_phone: String, active: bool,
    created_at: i64, updated_at: i64, version: i64,
});

table!(
    /// A cover an insurer sells, with its commission rate from `valid_from` and the customer's explanation.
    InsurerCoverRow, "insurer_covers", {
    id: String, store_id: String, insurer_id: String, cover: String, name: String, commission_percent: String,
    valid_from: String, valid_to: Option<String>, explanation: String, claim_method: String, documents: String,
    created_at: i64,
});

table!(
    /// One document of the 单证 checklist for a claim type.
    DocumentTemplateRow, "claim_document_templates", {
    id: String, store_id: String, claim_type: String, position: i64, name: String, required: bool, created_at: i64,
});

table!(
    /// A policy sold as agent (承保).
    PolicyRow, "insurance_policies", {
    id: String, store_id: String, insurer_id: String, vehicle_id: String, customer_id: Option<String>,
    specialist_id: Option<String>, invoice_no: String, owner_id_no: String, policy_no: String, starts_on: String,
    ends_on: String, premium_fen: i64, commission_fen: i64, premium_collected: bool, collected_on: Option<String>,
    sold_on: String, renewal_of: Option<String>, renewal_outcome: String, renewal_note: String,
    renewal_on: Option<String>, note: String, created_at: i64, updated_at: i64, version: i64,
});

table!(
    /// One cover of a policy.
    PolicyCoverRow, "insurance_policy_covers", {
    id: String, store_id: String, policy_id: String, position: i64, cover: String, name: String,
    sum_insured_fen: Option<i64>, premium_fen: i64, deductible_percent: Option<String>, commission_percent: String,
    commission_fen: i64,
});

table!(
    /// 事故线索.
    LeadRow, "accident_leads", {
    id: String, store_id: String, number: String, source: String, place: String, contact_name: String,
    contact_phone: String, plate: String, vehicle_desc: String, vehicle_id: Option<String>, status: String,
    received_on: String, contacted_at: Option<i64>, arrived_at: Option<i64>, lost_reason: String,
    insurer_id: Option<String>, surveyor: String, insurer_contacted_at: Option<i64>, repair_order_id: Option<String>,
    specialist_id: Option<String>, note: String, created_at: i64, updated_at: i64, version: i64,
});

table!(
    /// 理赔案件.
    ClaimRow, "insurance_claims", {
    id: String, store_id: String, number: String, claim_type: String, status: String, vehicle_id: String,
    customer_id: Option<String>, policy_id: Option<String>, insurer_id: Option<String>, lead_id: Option<String>,
    repair_order_id: Option<String>, insurer_claim_no: String, accident_at: i64, reported_at: i64,
    report_deadline_at: i64, report_late: bool, police_reported_at: Option<i64>, notice_submitted_at: Option<i64>,
    place: String, description: String, reporter_name: String, reporter_for_insured: bool, reporter_id_no: String,
    authorisation: bool, surveyor: String, responsibility: String, parties: String, parties_present: String,
    assessed_at: Option<i64>, third_party_pending: bool, assessed_fen: i64, verified_fen: i64,
    insurer_pays_fen: i64, customer_pays_fen: i64, paid_fen: i64, specialist_id: Option<String>, created_at: i64,
    updated_at: i64, version: i64,
});

table!(
    /// A workflow step: who and when.
    StepRow, "insurance_claim_steps", {
    id: String, store_id: String, claim_id: String, action: String, from_status: String, to_status: String,
    actor_id: Option<String>, actor_name: String, at: i64, note: String,
});

table!(
    /// One document of a claim's checklist.
    ClaimDocumentRow, "insurance_claim_documents", {
    id: String, store_id: String, claim_id: String, position: i64, name: String, required: bool, received: bool,
    received_on: Option<String>, signed_by: String, note: String,
});

table!(
    /// One line of the loss assessment (定损).
    AssessmentLineRow, "loss_assessment_lines", {
    id: String, store_id: String, claim_id: String, position: i64, kind: String, part_no: String, name: String,
    quantity: String, catalog_fen: Option<i64>, assessed_fen: i64, verified_fen: Option<i64>, covered: bool,
    reason: String, photo: String,
});

table!(
    /// A negotiation note with the insured.
    ClaimNoteRow, "insurance_claim_notes", {
    id: String, store_id: String, claim_id: String, author_id: Option<String>, at: i64, text: String,
});

table!(
    /// A specialist's pay rule from a month on.
    PayRuleRow, "insurance_pay_rules", {
    id: String, store_id: String, user_id: String, valid_from: String, base_fen: i64, policy_share_percent: String,
    repair_percent: String, created_at: i64,
});

pub async fn insert<T: Table>(tx: &mut Tx, row: &T) -> StoreResult<()> {
    query::insert(tx, T::TABLE, row.values()).await
}

/// Rewrites a versioned row (everything but its id, store and creation) when its version still matches.
pub async fn update<T: Table>(tx: &mut Tx, row: &T, store_id: &str, id: &str, version: i64) -> StoreResult<bool> {
    let values = row
        .values()
        .into_iter()
        .filter(|(column, _)| !matches!(*column, "id" | "store_id" | "created_at" | "version"))
        .collect();
    query::update_versioned(tx, T::TABLE, store_id, id, version, values).await
}

/// Rewrites an unversioned child row by id.
pub async fn replace<T: Table>(tx: &mut Tx, row: &T, store_id: &str, id: &str) -> StoreResult<()> {
    let mut query = Query::new(&format!("UPDATE {} SET ", T::TABLE));
    let mut first = true;
    for (column, value) in row.values() {
        if matches!(column, "id" | "store_id") {
            continue;
        }
        if !first {
            query.push(", ");
        }
        first = false;
        query.push(column).push(" = ").bind(value);
    }
    query.push(" WHERE id = ").bind(id).push(" AND store_id = ").bind(store_id);
    query::execute(tx, &query).await?;
    Ok(())
}

pub async fn get<T: Table>(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<T>> {
    let mut query = Query::new(&format!("SELECT {} FROM {} WHERE id = ", T::columns(), T::TABLE));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// The rows whose `column` equals `value` within a store, in `order`.
pub async fn children<T: Table>(
    tx: &mut Tx,
    store_id: &str,
    column: &str,
    value: &str,
    order: &str,
) -> StoreResult<Vec<T>> {
    let mut query = Query::new(&format!("SELECT {} FROM {} WHERE store_id = ", T::columns(), T::TABLE));
    query.bind(store_id).push(&format!(" AND {column} = ")).bind(value).push(&format!(" ORDER BY {order} LIMIT 10000"));
    query::fetch_all(tx, &query).await
}

pub async fn delete_children(tx: &mut Tx, table: &str, store_id: &str, column: &str, value: &str) -> StoreResult<()> {
    let mut query = Query::new(&format!("DELETE FROM {table} WHERE store_id = "));
    query.bind(store_id).push(&format!(" AND {column} = ")).bind(value);
    query::execute(tx, &query).await?;
    Ok(())
}

/// A list filter: the stores, optional equality conditions, an optional text prefix on a column, and a page.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub stores: Vec<String>,
    pub equals: Vec<(&'static str, String)>,
    /// Inclusive range on a TEXT date column.
    pub between: Option<(&'static str, String, String)>,
    pub prefix: Option<(&'static str, String)>,
    pub order: &'static str,
    pub offset: i64,
    pub limit: i64,
}

fn conditions<T: Table>(select: &str, filter: &ListFilter) -> Query {
    let mut query = Query::new(&format!("SELECT {select} FROM {} WHERE store_id IN ", T::TABLE));
    query.bind_list(&filter.stores);
    for (column, value) in &filter.equals {
        query.push(&format!(" AND {column} = ")).bind(value);
    }
    if let Some((column, from, to)) = &filter.between {
        query.push(&format!(" AND {column} >= ")).bind(from).push(&format!(" AND {column} <= ")).bind(to);
    }
    if let Some((column, prefix)) = &filter.prefix {
        query.push(" AND ").prefix(column, prefix);
    }
    query
}

/// One page of rows and the count of all matches (up to `count_cap`).
pub async fn list<T: Table>(tx: &mut Tx, filter: &ListFilter, count_cap: i64) -> StoreResult<(Vec<T>, i64)> {
    let mut query = conditions::<T>(&T::columns(), filter);
    query.push(&format!(" ORDER BY {} LIMIT ", filter.order)).bind(filter.limit).push(" OFFSET ").bind(filter.offset);
    let rows = query::fetch_all(tx, &query).await?;
    let mut count = conditions::<T>("1", filter);
    count.push(" LIMIT ").bind(count_cap + 1);
    let count = Query::with(&format!("SELECT COUNT(*) FROM ({}) AS matches", count.sql), count.args);
    let total = query::fetch_count(tx, &count).await?;
    Ok((rows, total))
}
