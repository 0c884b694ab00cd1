//! Per-store counters for human-readable record numbers.

use crate::query::{self, Query};
use crate::{StoreResult, Tx, args};

/// The next value of a counter, starting at 1. Runs inside the caller's write transaction.
pub async fn next(tx: &mut Tx, store_id: &str, name: &str) -> StoreResult<i64> {
    let sql = "INSERT INTO counters (store_id, name, value) VALUES ($1, $2, 1) \
               ON CONFLICT (store_id, name) DO UPDATE SET value = counters.value + 1 RETURNING value";
    query::fetch_count(tx, &Query::with(sql, args![store_id, name])).await
}
