//! Due items (待办): the deadlines every job creates, and the worklist queries over them.

use crate::query::{self, Arg, Query};
use crate::{Backend, StoreResult, Tx};

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct DueItemRow {
    pub id: String,
    pub store_id: String,
    pub assignee_id: Option<String>,
    pub kind: String,
    pub rule: String,
    pub subject_type: String,
    pub subject_id: String,
    pub subject_label: String,
    pub params: String,
    pub window_from: Option<String>,
    pub due_on: String,
    pub escalate_after_days: Option<i64>,
    pub escalate_to_role: Option<String>,
    /// The first day the item counts as late enough to escalate (due_on + escalate_after_days).
    pub escalate_on: Option<String>,
    pub escalated_at: Option<i64>,
    pub escalated_to: Option<String>,
    pub reminded_at: Option<i64>,
    pub status: String,
    pub done_at: Option<i64>,
    pub done_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const COLUMNS: &str = "id, store_id, assignee_id, kind, rule, subject_type, subject_id, subject_label, params, \
    window_from, due_on, escalate_after_days, escalate_to_role, escalate_on, escalated_at, escalated_to, reminded_at, status, done_at, \
    done_by, created_at, updated_at";

pub async fn insert(tx: &mut Tx, row: &DueItemRow) -> StoreResult<()> {
    query::insert(
        tx,
        "due_items",
        vec![
            ("id", Arg::from(&row.id)),
            ("store_id", Arg::from(&row.store_id)),
            ("assignee_id", row.assignee_id.clone().into()),
            ("kind", Arg::from(&row.kind)),
            ("rule", Arg::from(&row.rule)),
            ("subject_type", Arg::from(&row.subject_type)),
            ("subject_id", Arg::from(&row.subject_id)),
            ("subject_label", Arg::from(&row.subject_label)),
            ("params", Arg::from(&row.params)),
            ("window_from", row.window_from.clone().into()),
            ("due_on", Arg::from(&row.due_on)),
            ("escalate_after_days", row.escalate_after_days.into()),
            ("escalate_to_role", row.escalate_to_role.clone().into()),
            ("escalate_on", row.escalate_on.clone().into()),
            ("escalated_at", row.escalated_at.into()),
            ("escalated_to", row.escalated_to.clone().into()),
            ("reminded_at", row.reminded_at.into()),
            ("status", Arg::from(&row.status)),
            ("done_at", row.done_at.into()),
            ("done_by", row.done_by.clone().into()),
            ("created_at", row.created_at.into()),
            ("updated_at", row.updated_at.into()),
        ],
    )
    .await
}

pub async fn get(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<DueItemRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM due_items WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    query::fetch_optional(tx, &query).await
}

/// Closes an open item (done or cancelled). False when it was not open.
pub async fn close(
    tx: &mut Tx,
    store_id: &str,
    id: &str,
    status: &str,
    by: Option<&str>,
    at: i64,
) -> StoreResult<bool> {
    let mut query = Query::new("UPDATE due_items SET status = ");
    query.bind(status).push(", done_at = ").bind(at).push(", done_by = ").bind(by.map(str::to_string));
    query.push(", updated_at = ").bind(at).push(" WHERE id = ").bind(id);
    query.push(" AND store_id = ").bind(store_id).push(" AND status = 'open'");
    Ok(query::execute(tx, &query).await? == 1)
}

/// Closes the open items of a kind for a subject (the work was done another way, or the subject went away).
pub async fn close_for_subject(
    tx: &mut Tx,
    store_id: &str,
    subject_type: &str,
    subject_id: &str,
    kind: &str,
    status: &str,
    at: i64,
) -> StoreResult<u64> {
    let mut query = Query::new("UPDATE due_items SET status = ");
    query.bind(status).push(", done_at = ").bind(at).push(", updated_at = ").bind(at);
    query.push(" WHERE store_id = ").bind(store_id).push(" AND subject_type = ").bind(subject_type);
    query.push(" AND subject_id = ").bind(subject_id).push(" AND kind = ").bind(kind).push(" AND status = 'open'");
    query::execute(tx, &query).await
}

pub async fn for_subject(
    tx: &mut Tx,
    store_id: &str,
    subject_type: &str,
    subject_id: &str,
) -> StoreResult<Vec<DueItemRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM due_items WHERE store_id = "));
    query.bind(store_id).push(" AND subject_type = ").bind(subject_type);
    query.push(" AND subject_id = ").bind(subject_id).push(" ORDER BY due_on, created_at");
    query::fetch_all(tx, &query).await
}

/// Which column ties a due item to the person whose worklist is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorklistBy {
    /// The person's own items (and, with the absent person's id, the items of someone they stand in for).
    Assignee,
    /// Items escalated to the person.
    EscalatedTo,
}

/// One source of a person's worklist: open items due on or before `until` in `stores`, tied to `user_id`
/// by `by`; `exclude` names assignees whose items another source already reads.
#[derive(Debug, Clone, Copy)]
pub struct WorklistSource<'a> {
    pub stores: &'a [String],
    pub by: WorklistBy,
    pub user_id: &'a str,
    pub exclude: &'a [String],
}

impl WorklistSource<'_> {
    fn condition(&self, query: &mut Query) {
        let column = match self.by {
            WorklistBy::Assignee => "assignee_id",
            WorklistBy::EscalatedTo => "escalated_to",
        };
        // Leading with the person's column keeps each source on its own index range: for one store,
        // `due_items_worklist_order (store_id, assignee_id, status, due_on, id)` returns the rows in page
        // order, so a page reads only its own rows.
        if let [store] = self.stores {
            query.push(" store_id = ").bind(store.as_str());
        } else {
            query.push(" store_id IN ").bind_list(self.stores);
        }
        query.push(&format!(" AND {column} = ")).bind(self.user_id).push(" AND status = 'open'");
        if !self.exclude.is_empty() {
            query.push(" AND (assignee_id IS NULL OR assignee_id NOT IN ").bind_list(self.exclude).push(")");
        }
    }
}

/// The first `limit` items of a source due on or before `until`, oldest deadline first.
pub async fn worklist_rows(
    tx: &mut Tx,
    source: WorklistSource<'_>,
    until: &str,
    limit: i64,
) -> StoreResult<Vec<DueItemRow>> {
    if source.stores.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM due_items WHERE"));
    source.condition(&mut query);
    query.push(" AND due_on <= ").bind(until).push(" ORDER BY due_on, id LIMIT ").bind(limit);
    query::fetch_all(tx, &query).await
}

/// How many items of a source are overdue (before `today`), due `today`, and due after it up to `until`;
/// each count stops at `cap`, so a person with tens of thousands of open items costs a bounded read.
pub async fn worklist_counts(
    tx: &mut Tx,
    source: WorklistSource<'_>,
    today: &str,
    until: &str,
    cap: i64,
) -> StoreResult<(i64, i64, i64)> {
    if source.stores.is_empty() {
        return Ok((0, 0, 0));
    }
    let mut query = Query::new("SELECT");
    let ranges: [(&str, &str, Option<&str>); 3] =
        [(" AND due_on < ", today, None), (" AND due_on = ", today, None), (" AND due_on > ", today, Some(until))];
    for (index, (op, day, upto)) in ranges.into_iter().enumerate() {
        query.push(if index == 0 { " " } else { ", " }).push("(SELECT COUNT(*) FROM (SELECT 1 FROM due_items WHERE");
        source.condition(&mut query);
        query.push(op).bind(day);
        if let Some(upto) = upto {
            query.push(" AND due_on <= ").bind(upto);
        }
        query.push(" LIMIT ").bind(cap).push(&format!(") AS c{index})"));
    }
    Ok(query::fetch_optional(tx, &query).await?.unwrap_or((0, 0, 0)))
}

/// Items of the given kinds due in a period (both days included) or still open before it: the board.
pub async fn of_kinds(
    tx: &mut Tx,
    stores: &[String],
    kinds: &[&str],
    from: &str,
    to: &str,
) -> StoreResult<Vec<DueItemRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM due_items WHERE store_id IN "));
    query.bind_list(stores).push(" AND kind IN ").bind_list(kinds.iter().copied());
    query.push(" AND due_on <= ").bind(to).push(" AND (due_on >= ").bind(from).push(" OR status = 'open')");
    query.push(" ORDER BY due_on, id LIMIT 100000");
    query::fetch_all(tx, &query).await
}

/// Open items past their escalation point and not yet escalated. On PostgreSQL the rows are locked with
/// SKIP LOCKED so two app servers never escalate the same item.
pub async fn claim_escalations(tx: &mut Tx, today: &str, limit: i64) -> StoreResult<Vec<DueItemRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM due_items WHERE status = 'open' AND due_on < "));
    query
        .bind(today)
        .push(" AND escalated_at IS NULL AND escalate_to_role IS NOT NULL ORDER BY due_on LIMIT ")
        .bind(limit);
    if tx.backend() == Backend::Postgres {
        query.push(" FOR UPDATE SKIP LOCKED");
    }
    query::fetch_all(tx, &query).await
}

pub async fn mark_escalated(tx: &mut Tx, id: &str, to: Option<&str>, at: i64) -> StoreResult<()> {
    let mut query = Query::new("UPDATE due_items SET escalated_at = ");
    query.bind(at).push(", escalated_to = ").bind(to.map(str::to_string)).push(", updated_at = ").bind(at);
    query.push(" WHERE id = ").bind(id);
    query::execute(tx, &query).await?;
    Ok(())
}

/// Items due today that have had no reminder yet.
pub async fn claim_reminders(tx: &mut Tx, today: &str, limit: i64) -> StoreResult<Vec<DueItemRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM due_items WHERE status = 'open' AND due_on = "));
    query.bind(today).push(" AND reminded_at IS NULL AND assignee_id IS NOT NULL ORDER BY id LIMIT ").bind(limit);
    if tx.backend() == Backend::Postgres {
        query.push(" FOR UPDATE SKIP LOCKED");
    }
    query::fetch_all(tx, &query).await
}

pub async fn mark_reminded(tx: &mut Tx, id: &str, at: i64) -> StoreResult<()> {
    let mut query = Query::new("UPDATE due_items SET reminded_at = ");
    query.bind(at).push(" WHERE id = ").bind(id);
    query::execute(tx, &query).await?;
    Ok(())
}

/// Moves the start of an open item's window (an unreachable call tried again the next day).
pub async fn set_window_from(tx: &mut Tx, store_id: &str, id: &str, from: &str, at: i64) -> StoreResult<()> {
    let mut query = Query::new("UPDATE due_items SET window_from = ");
    query.bind(from).push(", updated_at = ").bind(at).push(" WHERE id = ").bind(id);
    query.push(" AND store_id = ").bind(store_id).push(" AND status = 'open'");
    query::execute(tx, &query).await?;
    Ok(())
}

/// The open items of a kind for a subject.
pub async fn open_for_subject(
    tx: &mut Tx,
    store_id: &str,
    subject_type: &str,
    subject_id: &str,
    kind: &str,
) -> StoreResult<Vec<DueItemRow>> {
    let mut query = Query::new(&format!("SELECT {COLUMNS} FROM due_items WHERE store_id = "));
    query.bind(store_id).push(" AND subject_type = ").bind(subject_type).push(" AND subject_id = ").bind(subject_id);
    query.push(" AND kind = ").bind(kind).push(" AND status = 'open' ORDER BY due_on, id");
    query::fetch_all(tx, &query).await
}

/// Complaints whose escalation item the scheduler escalated but whose record does not say so yet:
/// (complaint id, store id, escalated at, escalated to).
pub async fn escalated_complaints(tx: &mut Tx) -> StoreResult<Vec<(String, String, i64, Option<String>)>> {
    let query = Query::new(
        "SELECT c.id, c.store_id, d.escalated_at, d.escalated_to FROM complaints c JOIN due_items d \
         ON d.store_id = c.store_id AND d.subject_type = 'complaint' AND d.subject_id = c.id \
         AND d.kind = 'complaint_escalation' WHERE c.status = 'open' AND d.status = 'open' \
         AND d.escalated_at IS NOT NULL LIMIT 500",
    );
    query::fetch_all(tx, &query).await
}
