//! Holiday notices an admin added (the built-in years ship in the binary).

use crate::query::{self, Query};
use crate::{StoreResult, Tx, args};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarDayRow {
    pub day: String,
    pub kind: String,
    pub holiday: String,
    pub source: String,
    pub created_at: i64,
    pub created_by: Option<String>,
}

/// Adds or replaces a day (a corrected notice replaces the earlier row).
pub async fn upsert(tx: &mut Tx, row: &CalendarDayRow) -> StoreResult<()> {
    let sql = "INSERT INTO calendar_days (day, kind, holiday, source, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) \
               ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, holiday = excluded.holiday, source = excluded.source, \
               created_at = excluded.created_at, created_by = excluded.created_by";
    let values = args![&row.day, &row.kind, &row.holiday, &row.source, row.created_at, &row.created_by];
    query::execute(tx, &Query::with(sql, values)).await?;
    Ok(())
}

pub async fn all(tx: &mut Tx) -> StoreResult<Vec<CalendarDayRow>> {
    let sql = "SELECT day, kind, holiday, source, created_at, created_by FROM calendar_days ORDER BY day";
    query::fetch_all(tx, &Query::with(sql, args![])).await
}
