//! Builders the suite shares: a group with two stores, people with one role each, and customers with
//! valid identifiers. Data comes from these, not from dumps.

use std::sync::Arc;

use claimdesk_app::actor::{Actor, StoreRef};
use claimdesk_app::customers::{self, CustomerView, CustomerWithVehicle};
use claimdesk_app::org::{stores, users};
use claimdesk_app::{App, AppError, FixedClock, auth};
use claimdesk_domain::access::Role;
use claimdesk_domain::customer::CustomerInput;
use claimdesk_domain::ids::Vin;
use claimdesk_domain::org::{GrantInput, StoreInput, UserInput};
use claimdesk_domain::vehicle::VehicleInput;
use claimdesk_store::query::{self, Query};
use claimdesk_store::{StoreError, job};
use claimdesk_testkit::{TestDb, Which, test_app};

pub use claimdesk_testkit::backends;

/// Every person the builders make has this password.
pub const PASSWORD: &str = "test-pass-2024";

/// Monday 2024-05-13, 10:00 in Beijing.
pub const NOW: &str = "2024-05-13T02:00:00Z";

/// A fresh database with two stores (BJ01 and SH01) and the system actor that reaches both.
pub struct World {
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub system: Actor,
    /// BJ01's id.
    pub store_a: String,
    /// SH01's id.
    pub store_b: String,
    /// Holds the database (and its temporary folder) for as long as the world lives.
    _test_db: TestDb,
}

pub fn store_input(code: &str, name: &str) -> StoreInput {
    StoreInput { code: code.into(), name: name.into(), brands: "广汽本田".into(), ..StoreInput::default() }
}

impl World {
    pub async fn new(which: Which) -> World {
        World::at(which, NOW).await
    }

    pub async fn at(which: Which, now: &str) -> World {
        let (app, clock, test_db) = test_app(which, now).await;
        let founder = Actor::system(Vec::new());
        let a = stores::create(&app, &founder, store_input("BJ01", "北京朝阳店")).await.expect("store BJ01");
        let b = stores::create(&app, &founder, store_input("SH01", "上海浦东店")).await.expect("store SH01");
        let refs = [&a, &b]
            .iter()
            .map(|s| StoreRef {
                id: s.id.clone(),
                code: s.code.clone(),
                name: s.name.clone(),
                time_zone: s.time_zone.clone(),
            })
            .collect();
        World { app, clock, system: Actor::system(refs), store_a: a.id, store_b: b.id, _test_db: test_db }
    }

    /// Makes a person with one role (in `store`, or group-wide when `None`) and logs them in.
    pub async fn person(&self, username: &str, store: Option<&str>, role: Role) -> Actor {
        users::create(
            &self.app,
            &self.system,
            UserInput {
                username: username.into(),
                display_name: format!("测试{username}"),
                password: PASSWORD.into(),
                grants: vec![GrantInput { store_id: store.map(str::to_string), role: role.as_str().into() }],
                ..UserInput::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("user {username}: {e}"));
        self.login(username).await
    }

    pub async fn login(&self, username: &str) -> Actor {
        auth::login(&self.app, username, PASSWORD, "").await.unwrap_or_else(|e| panic!("login {username}: {e}")).actor
    }

    /// Creates a customer with a vehicle through the service, as `actor`.
    pub async fn customer(&self, actor: &Actor, name: &str, serial: u32) -> CustomerView {
        customers::create(&self.app, actor, with_vehicle(name, serial)).await.expect("customer")
    }

    /// Counts rows of a table (test support: plain SQL through the store's own query runner).
    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        self.app
            .db
            .read(job(move |tx| Box::pin(async move { query::fetch_count(tx, &Query::new(&sql)).await })))
            .await
            .map_err(|e: StoreError| e)
            .expect("count")
    }

    /// Runs one statement in a write transaction: for tampering tests only.
    pub async fn execute(&self, sql: &str) -> u64 {
        let sql = sql.to_string();
        self.app
            .db
            .write(job(move |tx| Box::pin(async move { query::execute(tx, &Query::new(&sql)).await })))
            .await
            .map_err(|e: StoreError| e)
            .expect("raw statement")
    }
}

/// A VIN with a correct check digit; `serial` makes it unique (up to 999,999).
pub fn vin(serial: u32) -> String {
    let base = format!("LHGCR2680PA{serial:06}");
    for check in "0123456789X".chars() {
        let text = format!("{}{check}{}", &base[..8], &base[9..]);
        if Vin::parse("vin", &text).is_ok() {
            return text;
        }
    }
    unreachable!("one of eleven check characters fits")
}

/// The same VIN with a wrong check digit, and the digit the VIN should have.
pub fn bad_vin(serial: u32) -> (String, char) {
    let good = vin(serial);
    let right = good.as_bytes()[8] as char;
    let wrong = if right == '1' { '2' } else { '1' };
    (format!("{}{wrong}{}", &good[..8], &good[9..]), right)
}

/// A Beijing plate from a serial (京N + five digits).
pub fn plate(serial: u32) -> String {
    format!("京N{:05}", serial % 100_000)
}

/// A mobile number from a serial.
pub fn mobile(serial: u32) -> String {
    format!("139{:08}", serial)
}

pub fn customer_input(name: &str, mobile: &str) -> CustomerInput {
    CustomerInput { name: name.into(), kind: "person".into(), mobile: mobile.into(), ..CustomerInput::default() }
}

pub fn vehicle_input(vin: &str, plate: &str) -> VehicleInput {
    VehicleInput {
        vin: vin.into(),
        plate: plate.into(),
        brand: "广汽本田".into(),
        model: "雅阁".into(),
        sale_price: Some("200000.00".into()),
        odometer_km: Some(1_000),
        ..VehicleInput::default()
    }
}

pub fn with_vehicle(name: &str, serial: u32) -> CustomerWithVehicle {
    CustomerWithVehicle {
        customer: customer_input(name, &mobile(serial)),
        vehicle: Some(vehicle_input(&vin(serial), &plate(serial))),
        store_id: None,
    }
}

/// The (field, code) pairs of an `Invalid` error; panics on any other outcome.
pub fn fields<T: std::fmt::Debug>(result: Result<T, AppError>) -> Vec<(String, String)> {
    match result {
        Err(AppError::Invalid(violations)) => {
            violations.iter().map(|v| (v.field.clone(), v.code.to_string())).collect()
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// Whether the pair list holds `field` with `code`.
pub fn has(fields: &[(String, String)], field: &str, code: &str) -> bool {
    fields.iter().any(|(f, c)| f == field && c == code)
}
