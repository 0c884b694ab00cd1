//! A small builder for statements whose shape depends on the filters (IN lists, optional conditions).

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::{StoreResult, Tx, on_conn};

#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
    Bool(bool),
    NullText,
    NullInt,
    Bytes(Vec<u8>),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_string())
    }
}
impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}
impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(value.clone())
    }
}
impl From<Vec<u8>> for Arg {
    fn from(value: Vec<u8>) -> Self {
        Arg::Bytes(value)
    }
}
impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}
impl From<bool> for Arg {
    fn from(value: bool) -> Self {
        Arg::Bool(value)
    }
}
impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        value.map(Arg::Text).unwrap_or(Arg::NullText)
    }
}
impl From<Option<&str>> for Arg {
    fn from(value: Option<&str>) -> Self {
        value.map(|text| Arg::Text(text.to_string())).unwrap_or(Arg::NullText)
    }
}
impl From<&Option<String>> for Arg {
    fn from(value: &Option<String>) -> Self {
        value.clone().into()
    }
}
impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Self {
        value.map(Arg::Int).unwrap_or(Arg::NullInt)
    }
}

/// SQL text with numbered placeholders and their values.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub sql: String,
    pub args: Vec<Arg>,
    /// Bind with bare `?` placeholders (SQLite only; values in order of appearance). sqlx binds each
    /// numbered SQLite parameter by looking its name up, which SQLite does by a linear scan: statements
    /// with hundreds of parameters (multi-row INSERTs) spend most of their time there. `?` has no name.
    pub anonymous: bool,
}

/// The upper bound of a prefix range: every string that starts with the prefix sorts below it (byte order,
/// which is SQLite's default and PostgreSQL's under the C or C.UTF-8 collation).
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl Query {
    pub fn new(sql: &str) -> Query {
        Query { sql: sql.to_string(), args: Vec::new(), anonymous: false }
    }

    /// A statement built with [`Query::bind`] only, whose placeholders may be bare `?` on SQLite.
    pub fn positional(sql: &str, backend: crate::Backend) -> Query {
        Query { sql: sql.to_string(), args: Vec::new(), anonymous: backend == crate::Backend::Sqlite }
    }

    /// A fixed statement with its placeholders' values in order.
    pub fn with(sql: &str, args: Vec<Arg>) -> Query {
        Query { sql: sql.to_string(), args, anonymous: false }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        if self.anonymous {
            self.sql.push('?');
        } else {
            let placeholder = format!("${}", self.args.len());
            self.sql.push_str(&placeholder);
        }
        self
    }

    /// Appends `(…, …)` for an IN list; an empty list becomes `(NULL)`, which matches nothing.
    pub fn bind_list<I, A>(&mut self, values: I) -> &mut Self
    where
        I: IntoIterator<Item = A>,
        A: Into<Arg>,
    {
        self.sql.push('(');
        let mut first = true;
        for value in values {
            if !first {
                self.sql.push_str(", ");
            }
            first = false;
            self.bind(value);
        }
        if first {
            self.sql.push_str("NULL");
        }
        self.sql.push(')');
        self
    }

    /// `column >= prefix AND column < prefix_end`: an index range both databases use.
    pub fn prefix(&mut self, column: &str, prefix: &str) -> &mut Self {
        self.push(column).push(" >= ").bind(prefix).push(" AND ").push(column).push(" < ").bind(prefix_end(prefix))
    }
}

/// `vec![Arg::from(a), Arg::from(b), …]`.
#[macro_export]
macro_rules! args {
    ($($value:expr),* $(,)?) => { vec![$($crate::query::Arg::from($value)),*] };
}

macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(value) => query.bind(value.clone()),
                Arg::Int(value) => query.bind(*value),
                Arg::Bool(value) => query.bind(*value),
                Arg::NullText => query.bind(None::<String>),
                Arg::NullInt => query.bind(None::<i64>),
                Arg::Bytes(value) => query.bind(value.clone()),
            };
        }
        query
    }};
}

/// Binds values by move: a bulk insert hands over millions of strings, and copying each again costs.
macro_rules! bind_owned {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(value) => query.bind(value),
                Arg::Int(value) => query.bind(value),
                Arg::Bool(value) => query.bind(value),
                Arg::NullText => query.bind(None::<String>),
                Arg::NullInt => query.bind(None::<i64>),
                Arg::Bytes(value) => query.bind(value),
            };
        }
        query
    }};
}

/// Runs a statement whose values are given up, not borrowed.
async fn execute_owned(tx: &mut Tx, query: Query) -> StoreResult<u64> {
    let Query { sql, args, .. } = query;
    Ok(on_conn!(tx, |c| bind_owned!(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), args)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?)
}

pub async fn fetch_all<T>(tx: &mut Tx, query: &Query) -> StoreResult<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    Ok(on_conn!(tx, |c| bind_args!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(query.sql.as_str())), &query.args)
        .fetch_all(c)
        .await)?)
}

pub async fn fetch_optional<T>(tx: &mut Tx, query: &Query) -> StoreResult<Option<T>>
where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    Ok(on_conn!(tx, |c| bind_args!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(query.sql.as_str())), &query.args)
        .fetch_optional(c)
        .await)?)
}

pub async fn fetch_count(tx: &mut Tx, query: &Query) -> StoreResult<i64> {
    Ok(on_conn!(tx, |c| bind_args!(
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(query.sql.as_str())),
        &query.args
    )
    .fetch_one(c)
    .await)?)
}

pub async fn execute(tx: &mut Tx, query: &Query) -> StoreResult<u64> {
    Ok(on_conn!(tx, |c| bind_args!(sqlx::query(sqlx::AssertSqlSafe(query.sql.as_str())), &query.args)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?)
}

/// `INSERT INTO table (columns) VALUES (…)` from column–value pairs. In a bulk transaction
/// ([`Tx::bulk_inserts`]) the row waits in the transaction for [`Tx::flush_inserts`].
pub async fn insert(tx: &mut Tx, table: &str, values: Vec<(&str, Arg)>) -> StoreResult<()> {
    if let Some(bulk) = &mut tx.bulk {
        let columns = values.iter().map(|(column, _)| *column).collect::<Vec<_>>().join(", ");
        let row = values.into_iter().map(|(_, value)| value).collect();
        match bulk.iter_mut().find(|pending| pending.table == table && pending.columns == columns) {
            Some(pending) => pending.rows.push(row),
            None => bulk.push(PendingInserts { table: table.to_string(), columns, rows: vec![row] }),
        }
        return Ok(());
    }
    let mut query = Query::positional(&format!("INSERT INTO {table} ("), tx.backend());
    query.push(&values.iter().map(|(column, _)| *column).collect::<Vec<_>>().join(", "));
    query.push(") VALUES ");
    query.bind_list(values.into_iter().map(|(_, value)| value));
    execute(tx, &query).await?;
    Ok(())
}

/// The most placeholders one multi-row statement carries: under SQLite's limit of 32,766 and PostgreSQL's
/// of 65,535, with room to spare.
pub const MAX_PLACEHOLDERS: usize = 30_000;

/// `INSERT INTO table (columns) VALUES (…), (…), …` in chunks, so a bulk load costs one statement per
/// thousand rows instead of one per row. Every row must have one value per column.
///
/// SQLite gets anonymous `?` placeholders here: it looks a numbered `$N` up by a linear scan both when it
/// prepares and when it binds, which makes a statement of 20,000 `$N` cost a second instead of a
/// millisecond. PostgreSQL only understands `$N`.
pub async fn insert_many(tx: &mut Tx, table: &str, columns: &[&str], rows: Vec<Vec<Arg>>) -> StoreResult<()> {
    let per_statement = (MAX_PLACEHOLDERS / columns.len().max(1)).clamp(1, 1_000);
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let anonymous = tx.backend() == crate::Backend::Sqlite;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut query = Query::new(&head);
        query.sql.reserve(per_statement * columns.len() * 7);
        query.args.reserve(per_statement * columns.len());
        for (index, row) in rows.by_ref().take(per_statement).enumerate() {
            debug_assert_eq!(row.len(), columns.len(), "one value per column");
            query.sql.push_str(if index > 0 { ", (" } else { "(" });
            for (position, value) in row.into_iter().enumerate() {
                if position > 0 {
                    query.sql.push_str(", ");
                }
                query.args.push(value);
                if anonymous {
                    query.sql.push('?');
                } else {
                    query.sql.push('$');
                    query.sql.push_str(&query.args.len().to_string());
                }
            }
            query.sql.push(')');
        }
        execute_owned(tx, query).await?;
    }
    Ok(())
}

/// Rows of one table (and column list) waiting in a bulk transaction.
#[derive(Debug)]
pub(crate) struct PendingInserts {
    table: String,
    columns: String,
    rows: Vec<Vec<Arg>>,
}

/// At most this many parameters in one multi-row INSERT. Both databases allow far more, but sqlx binds
/// SQLite parameters by looking each one's name up, which SQLite does by a linear scan: a statement's
/// binding cost grows with the square of its parameter count. ~1,000 keeps it small, and a fixed row
/// count per chunk keeps the statement text (and its prepared statement) the same from batch to batch.
const MAX_PARAMETERS: usize = 1_000;

impl Tx {
    /// From here on, [`insert`] collects rows instead of writing them; [`Tx::flush_inserts`] writes them
    /// as multi-row INSERTs, tables in the order they were first inserted into (so foreign keys hold).
    /// For loaders that write many rows and read none of them back in the same job (the demo data set).
    pub fn bulk_inserts(&mut self) {
        self.bulk.get_or_insert_with(Vec::new);
    }

    /// Writes the collected rows and ends bulk mode. The job must call this before it returns.
    pub async fn flush_inserts(&mut self) -> StoreResult<()> {
        let Some(pending) = self.bulk.take() else { return Ok(()) };
        for PendingInserts { table, columns, rows } in pending {
            let width = rows.first().map(Vec::len).unwrap_or(1).max(1);
            for chunk in rows.chunks((MAX_PARAMETERS / width).max(1)) {
                let sql = format!("INSERT INTO {table} ({columns}) VALUES ");
                let mut query = Query::positional(&sql, self.backend());
                for (index, row) in chunk.iter().enumerate() {
                    if index > 0 {
                        query.push(", ");
                    }
                    query.bind_list(row.iter().cloned());
                }
                execute(self, &query).await?;
            }
        }
        Ok(())
    }
}

/// `UPDATE table SET … , version = version + 1 WHERE id = … AND store_id = … AND version = …`.
/// Answers false when the row is gone or was changed by someone else meanwhile (a stale version).
pub async fn update_versioned(
    tx: &mut Tx,
    table: &str,
    store_id: &str,
    id: &str,
    version: i64,
    values: Vec<(&str, Arg)>,
) -> StoreResult<bool> {
    let mut query = Query::new(&format!("UPDATE {table} SET "));
    for (column, value) in values {
        query.push(column).push(" = ").bind(value).push(", ");
    }
    query.push("version = version + 1 WHERE id = ").bind(id);
    query.push(" AND store_id = ").bind(store_id).push(" AND version = ").bind(version);
    Ok(execute(tx, &query).await? == 1)
}
