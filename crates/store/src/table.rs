//! Row types that declare their table and columns once, and the helpers every such table shares: insert,
//! update by version, read one by id within stores, list the rows of a parent, and a filtered page.

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

        impl $crate::table::Table for $row {
            const TABLE: &'static str = $table;
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn values(&self) -> Vec<(&'static str, $crate::query::Arg)> {
                vec![$((stringify!($field), $crate::query::Arg::from(self.$field.clone()))),*]
            }
        }
    };
}
pub(crate) use table;

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

/// A row by its id or by one of `keys` (columns people type, such as a policy number), within stores.
pub async fn find<T: Table>(tx: &mut Tx, stores: &[String], keys: &[&str], value: &str) -> StoreResult<Option<T>> {
    let value = value.trim();
    let mut query = Query::new(&format!("SELECT {} FROM {} WHERE store_id IN ", T::columns(), T::TABLE));
    query.bind_list(stores).push(" AND (id = ").bind(value);
    for key in keys {
        query.push(&format!(" OR {key} = ")).bind(value);
    }
    query.push(") ORDER BY id LIMIT 1");
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
