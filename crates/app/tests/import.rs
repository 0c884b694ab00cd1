//! The customer import service on SQLite, and on PostgreSQL when `CLAIMDESK_TEST_PG` is set.
//!
//! Kept in its own test target for now; it moves under `crates/web/tests/it/` once that suite exists.

use claimdesk_app::actor::StoreRef;
use claimdesk_app::customers::import::{self, ImportResult};
use claimdesk_app::customers::{self, CustomerListQuery};
use claimdesk_app::{Actor, App, AppError, audit};
use claimdesk_domain::access::{Role, RoleGrant};
use claimdesk_domain::org::StoreInput;
use claimdesk_testkit::{Which, backends, import_file, test_app};

const NOW: &str = "2024-05-13T10:00:00+08:00";

async fn store_admin(app: &App) -> Actor {
    let store = claimdesk_app::org::stores::create(
        app,
        &Actor::system(Vec::new()),
        StoreInput {
            code: "BJ01".into(),
            name: "北京一店".into(),
            brands: "大众".into(),
            time_zone: "Asia/Shanghai".into(),
            ..StoreInput::default()
        },
    )
    .await
    .expect("store");
    let stores = vec![StoreRef { id: store.id, code: store.code, name: store.name, time_zone: store.time_zone }];
    Actor { display_name: "店长".into(), ..Actor::system(stores) }
}

fn column(name: &str) -> usize {
    claimdesk_domain::import::COLUMNS.iter().position(|spec| spec.header == name).expect("column")
}

/// Changes a valid VIN's check digit (position 9) and answers the digit it should have.
fn break_check_digit(vin: &mut String) -> char {
    let expected = vin.as_bytes()[8] as char;
    let wrong = if expected == '7' { '8' } else { '7' };
    vin.replace_range(8..9, &wrong.to_string());
    expected
}

async fn count(app: &App, actor: &Actor, q: &str) -> i64 {
    let query = CustomerListQuery { q: Some(q.into()), ..CustomerListQuery::default() };
    customers::list(app, actor, query).await.expect("list").total
}

async fn a_bad_row_stops_the_whole_file_and_the_fixed_file_imports(which: Which) {
    let (app, _clock, _db) = test_app(which, NOW).await;
    let actor = store_admin(&app).await;
    let header = import_file::header();
    let mut rows = import_file::rows(4, 7);
    let expected = break_check_digit(&mut rows[3][column("车架号(VIN)")]);
    let bad_file = import_file::csv(&header, &rows);

    let preview = import::preview(&app, &actor, None, bad_file.clone()).await.expect("preview");
    assert_eq!((preview.rows, preview.valid, preview.errors.len()), (4, 3, 1), "{:?}", preview.errors);
    assert_eq!(preview.sample.len(), 4);
    assert!(!preview.is_importable());

    let result = import::import(&app, &actor, None, bad_file).await.expect("import answers");
    let ImportResult::Rejected { errors, .. } = result else { panic!("a bad row must stop the import: {result:?}") };
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!((error.row, error.column), (5, "车架号(VIN)"));
    assert_eq!(error.value, rows[3][column("车架号(VIN)")]);
    assert_eq!(error.violation.code, "vin_check_digit");
    assert_eq!(error.violation.params["expected"], expected.to_string());
    assert_eq!(error.api_field(), "rows[5].vin");
    assert_eq!(count(&app, &actor, "").await, 0, "nothing may be written");

    rows[3][column("车架号(VIN)")].replace_range(8..9, &expected.to_string());
    let good_file = import_file::xlsx(&header, &rows);
    let preview = import::preview(&app, &actor, None, good_file.clone()).await.expect("preview");
    assert!(preview.is_importable(), "{:?}", preview.errors);
    let result = import::import(&app, &actor, None, good_file.clone()).await.expect("import");
    let ImportResult::Imported { customers, vehicles, .. } = result else { panic!("{result:?}") };
    assert_eq!((customers, vehicles), (4, 4));

    assert_eq!(count(&app, &actor, "").await, 4);
    let name = &rows[2][column("客户名称")];
    assert!(count(&app, &actor, name).await >= 1, "searchable by name");
    assert_eq!(count(&app, &actor, &rows[2][column("手机")]).await, 1, "searchable by mobile");
    assert_eq!(count(&app, &actor, &rows[1][column("车架号(VIN)")]).await, 1, "searchable by VIN");
    let found = customers::list(
        &app,
        &actor,
        CustomerListQuery { q: Some(rows[0][column("手机")].clone()), ..CustomerListQuery::default() },
    )
    .await
    .expect("list");
    let vehicle = &found.items[0].vehicles[0];
    assert_eq!(vehicle.sale_price.map(|price| price.to_string()).as_deref(), Some("159900.00"));
    assert_eq!(vehicle.delivered_on.as_deref(), Some(rows[0][column("交车日期")].as_str()), "an Excel date cell");

    let report = audit::verify(&app).await.expect("verify");
    assert!(report.broken.is_none(), "{:?}", report.broken);
    // The store's creation, the batch, and four customers with their vehicles.
    assert_eq!(report.records, 1 + 1 + 4);
    let history = audit::history(&app, "customer", found.items[0].id.clone()).await.expect("history");
    assert_eq!(history.iter().map(|row| row.action.as_str()).collect::<Vec<_>>(), ["import"]);

    // The same file again: every VIN is registered now, and nothing more is written.
    let again = import::import(&app, &actor, None, good_file).await.expect("import answers");
    let ImportResult::Rejected { errors, .. } = again else { panic!("{again:?}") };
    assert_eq!(errors.iter().map(|e| (e.row, e.violation.code)).collect::<Vec<_>>()[0], (2, "vin_taken"));
    assert_eq!(errors.len(), 4);
    assert_eq!(count(&app, &actor, "").await, 4);
}

#[tokio::test]
async fn a_bad_row_stops_the_whole_file_and_the_fixed_file_imports_on_every_backend() {
    for which in backends() {
        a_bad_row_stops_the_whole_file_and_the_fixed_file_imports(which).await;
    }
}

#[tokio::test]
async fn only_roles_with_the_import_permission_may_import() {
    let (app, _clock, _db) = test_app(Which::Sqlite, NOW).await;
    let admin = store_admin(&app).await;
    let store_id = admin.stores[0].id.clone();
    let advisor = Actor {
        user_id: "advisor".into(),
        grants: vec![RoleGrant { store_id: Some(store_id), role: Role::ServiceAdvisor }],
        ..admin.clone()
    };
    let file = import_file::csv(&import_file::header(), &import_file::rows(1, 1));
    assert!(matches!(import::preview(&app, &advisor, None, file.clone()).await, Err(AppError::Forbidden)));
    assert!(matches!(import::import(&app, &advisor, None, file).await, Err(AppError::Forbidden)));
}

#[tokio::test]
async fn a_file_that_is_neither_a_workbook_nor_utf8_text_is_named_as_such() {
    let (app, _clock, _db) = test_app(Which::Sqlite, NOW).await;
    let admin = store_admin(&app).await;
    let gbk = vec![0xBF, 0xCD, 0xBB, 0xA7, 0xC3, 0xFB, 0xB3, 0xC6]; // 客户名称 in GBK
    let preview = import::preview(&app, &admin, None, gbk).await.expect("preview");
    assert_eq!(preview.errors[0].violation.code, "import_encoding");
    let broken_zip = b"PK\x03\x04 not really a workbook".to_vec();
    let preview = import::preview(&app, &admin, None, broken_zip).await.expect("preview");
    assert_eq!(preview.errors[0].violation.code, "import_unreadable");
}
