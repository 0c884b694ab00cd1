//! The schema snapshot: the migrations give both databases the same tables with the same columns in the
//! same order, and that list is committed in `schema.snap`. A migration that changes columns fails this
//! test until the snapshot is regenerated with `UPDATE_SNAPSHOTS=1` and reviewed in the diff.

use claimdesk_app::Backend;
use claimdesk_store::job;
use claimdesk_store::query::{self, Query};
use claimdesk_testkit::{TestDb, backends};

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/schema.snap");

const SQLITE_COLUMNS: &str = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' ORDER BY m.name, p.cid";
const PG_COLUMNS: &str = "SELECT table_name::text, column_name::text FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' ORDER BY table_name, ordinal_position";

/// `table: column, column, …` lines, tables sorted by name, columns in their declared order.
async fn schema_of(test_db: &TestDb) -> String {
    let sql = match test_db.db.backend() {
        Backend::Sqlite => SQLITE_COLUMNS,
        Backend::Postgres => PG_COLUMNS,
    };
    let rows: Vec<(String, String)> = test_db
        .db
        .read(job(move |tx| Box::pin(async move { query::fetch_all(tx, &Query::new(sql)).await })))
        .await
        .map_err(|e: claimdesk_store::StoreError| e)
        .expect("columns");
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for (table, column) in rows {
        match tables.iter_mut().find(|(name, _)| *name == table) {
            Some((_, columns)) => columns.push(column),
            None => tables.push((table, vec![column])),
        }
    }
    tables.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = String::from("# Tables and columns after every migration, the same on SQLite and PostgreSQL.\n");
    text.push_str(
        "# Regenerate with UPDATE_SNAPSHOTS=1 cargo nextest run -p claimdesk-web schema, and review the diff.\n",
    );
    for (table, columns) in tables {
        text.push_str(&format!("{table}: {}\n", columns.join(", ")));
    }
    text
}

#[tokio::test]
async fn both_databases_match_the_committed_schema_snapshot() {
    for which in backends() {
        let test_db = TestDb::new(which).await;
        let actual = schema_of(&test_db).await;
        if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
            std::fs::write(SNAPSHOT, &actual).expect("write the snapshot");
        }
        let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
        assert!(
            actual == committed,
            "{which:?}: the schema differs from tests/it/schema.snap; if the change is intended, run with \
             UPDATE_SNAPSHOTS=1 and commit the file.\n--- committed\n{committed}\n--- actual\n{actual}"
        );
    }
}
