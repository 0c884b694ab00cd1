//! Attachments: the bytes once per store and hash (`attachment_blobs`), and each use of them on a record
//! (`attachments`).

use crate::query::{self, Arg, Query};
use crate::table::{Table, table};
use crate::{StoreResult, Tx, on_conn};

table!(
    /// One file on one record: what it is, its name as uploaded and the hash of its bytes.
    AttachmentRow, "attachments", {
    id: String, store_id: String, owner_kind: String, owner_id: String, kind: String, file_name: String,
    hash: String, content_type: String, size: i64, note: String, created_by: Option<String>, created_at: i64,
});

/// Keeps the bytes unless the store already has them (same hash, same bytes).
pub async fn put_blob(
    tx: &mut Tx,
    store_id: &str,
    hash: &str,
    content_type: &str,
    data: Vec<u8>,
    at: i64,
) -> StoreResult<()> {
    let size = data.len() as i64;
    let query = Query::with(
        "INSERT INTO attachment_blobs (store_id, hash, content_type, size, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (store_id, hash) DO NOTHING",
        vec![store_id.into(), hash.into(), content_type.into(), size.into(), Arg::Bytes(data), at.into()],
    );
    query::execute(tx, &query).await?;
    Ok(())
}

pub async fn blob(tx: &mut Tx, store_id: &str, hash: &str) -> StoreResult<Option<Vec<u8>>> {
    const SQL: &str = "SELECT data FROM attachment_blobs WHERE store_id = $1 AND hash = $2";
    Ok(on_conn!(tx, |c| sqlx::query_scalar::<_, Vec<u8>>(SQL).bind(store_id).bind(hash).fetch_optional(c).await)?)
}

/// The store of the record `id` in `table`, when it is one of `stores`.
pub async fn owner_store(tx: &mut Tx, table: &str, id: &str, stores: &[String]) -> StoreResult<Option<String>> {
    let mut query = Query::new(&format!("SELECT store_id FROM {table} WHERE id = "));
    query.bind(id).push(" AND store_id IN ").bind_list(stores);
    let rows: Vec<(String,)> = query::fetch_all(tx, &query).await?;
    Ok(rows.into_iter().next().map(|(store,)| store))
}

/// The files of one record, oldest first.
pub async fn of_owner(
    tx: &mut Tx,
    store_id: &str,
    owner_kind: &str,
    owner_id: &str,
) -> StoreResult<Vec<AttachmentRow>> {
    let mut query = Query::new(&format!("SELECT {} FROM attachments WHERE store_id = ", AttachmentRow::columns()));
    query.bind(store_id).push(" AND owner_kind = ").bind(owner_kind).push(" AND owner_id = ").bind(owner_id);
    query.push(" ORDER BY created_at, id LIMIT 1000");
    query::fetch_all(tx, &query).await
}

/// One file by id, within the stores given.
pub async fn get(tx: &mut Tx, stores: &[String], id: &str) -> StoreResult<Option<AttachmentRow>> {
    crate::table::get::<AttachmentRow>(tx, stores, id).await
}

/// Files with one of `hashes` on records other than the one given: (owner kind, owner id, hash).
pub async fn used_elsewhere(
    tx: &mut Tx,
    store_id: &str,
    owner_kind: &str,
    owner_id: &str,
    hashes: &[String],
) -> StoreResult<Vec<(String, String, String)>> {
    let mut query = Query::new("SELECT owner_kind, owner_id, hash FROM attachments WHERE store_id = ");
    query.bind(store_id).push(" AND hash IN ").bind_list(hashes);
    query.push(" AND NOT (owner_kind = ").bind(owner_kind).push(" AND owner_id = ").bind(owner_id).push(")");
    query.push(" ORDER BY created_at LIMIT 1000");
    query::fetch_all(tx, &query).await
}

pub async fn delete(tx: &mut Tx, store_id: &str, id: &str) -> StoreResult<bool> {
    let query =
        Query::with("DELETE FROM attachments WHERE id = $1 AND store_id = $2", vec![id.into(), store_id.into()]);
    Ok(query::execute(tx, &query).await? == 1)
}
