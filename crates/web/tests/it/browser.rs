//! A customer entered in real headless Chromium: a wrong VIN shows its Chinese message beside the field
//! with the input kept, the fixed form lands on the customer's page, the list finds them by plate, and a
//! person of another store gets the not-found page for the same address.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without `/usr/bin/chromedriver` the test is skipped with
//! a message, except under `CI=true`, where a missing driver fails it.

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use claimdesk_web::messages::{Catalog, Locale};
use claimdesk_web::{AppState, router};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{NOW, bad_vin, vin};

pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
pub(crate) const DEMO_PASSWORD: &str = "pw-browser-2024";

/// The driver process, ended when the test ends (even when it fails).
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").expect("a free port").local_addr().unwrap().port()
}

pub(crate) async fn start_driver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (driver, port)
}

pub(crate) async fn connect(port: u16, profile: &std::path::Path) -> Client {
    let mut capabilities = fantoccini::wd::Capabilities::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::rustls()
        .expect("TLS setup")
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session")
}

/// Waits until the page's path satisfies `check` and answers it.
pub(crate) async fn wait_for_path(client: &Client, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = client.current_url().await.expect("url");
        if check(url.path()) {
            return url.path().to_string();
        }
        assert!(Instant::now() < deadline, "still on {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn value(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.expect(css).prop("value").await.expect("value").unwrap_or_default()
}

pub(crate) async fn log_in(client: &Client, base: &str, username: &str) {
    client.goto(&format!("{base}/login")).await.expect("login page");
    fill(client, "#username", username).await;
    fill(client, "#password", DEMO_PASSWORD).await;
    client.find(Locator::Css("form[action='/login'] button[type='submit']")).await.unwrap().click().await.unwrap();
    wait_for_path(client, |path| !path.starts_with("/login")).await;
}

pub(crate) fn screens_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target-screens")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_entered_in_the_browser() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {CHROMEDRIVER} is missing: install chromium and chromium-driver"
        );
        eprintln!("SKIPPED: {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver fonts-noto-cjk)");
        return;
    }
    let (app, _clock, _test_db) = claimdesk_testkit::test_app(claimdesk_testkit::Which::Sqlite, NOW).await;
    claimdesk_testkit::demo::load(&app, 30, DEMO_PASSWORD).await.expect("demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, router(AppState { app, secure_cookies: false })).await.expect("serve");
    });
    let (_driver, port) = start_driver().await;
    let profile = std::env::temp_dir().join(format!("claimdesk-chromium-{}", claimdesk_app::new_id()));
    let client = connect(port, &profile).await;

    let outcome = flow(&client, &base).await;
    let _ = client.close().await;
    server.abort();
    let _ = std::fs::remove_dir_all(&profile);
    outcome.unwrap_or_else(|message| panic!("{message}"));
}

async fn flow(client: &Client, base: &str) -> Result<(), String> {
    log_in(client, base, "bj01.advisor").await;

    // A wrong check digit: the form comes back with the message beside the VIN and the input kept.
    client.goto(&format!("{base}/customers/new")).await.map_err(|e| e.to_string())?;
    let (wrong, right) = bad_vin(424_242);
    fill(client, "#f-name", "浏览器测试").await;
    fill(client, "#f-mobile", "13966667777").await;
    fill(client, "#f-vehicle-vin", &wrong).await;
    fill(client, "#f-vehicle-plate", "京NZ9X87").await;
    client.find(Locator::Css("form.form button[type='submit']")).await.unwrap().click().await.unwrap();
    let error = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(".field.has-error #f-vehicle-vin-error"))
        .await
        .map_err(|e| format!("no error beside the VIN: {e}"))?;
    let message = error.text().await.unwrap();
    if !message.starts_with(&format!("VIN 第9位校验位应为 {right}")) {
        return Err(format!("the VIN message reads {message:?}"));
    }
    for (css, expected) in [
        ("#f-vehicle-vin", wrong.as_str()),
        ("#f-name", "浏览器测试"),
        ("#f-mobile", "13966667777"),
        ("#f-vehicle-plate", "京NZ9X87"),
    ] {
        let kept = value(client, css).await;
        if kept != expected {
            return Err(format!("{css} kept {kept:?}, typed {expected:?}"));
        }
    }
    std::fs::create_dir_all(screens_dir()).expect("screens folder");
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(screens_dir().join("customer-form-vin-error.png"), png).expect("screenshot");

    // Fixed, it saves and lands on the customer's page.
    fill(client, "#f-vehicle-vin", &vin(424_242)).await;
    client.find(Locator::Css("form.form button[type='submit']")).await.unwrap().click().await.unwrap();
    let customer_path = wait_for_path(client, |path| path.starts_with("/customers/") && path != "/customers/new").await;
    let title = client.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    if title != "浏览器测试" {
        return Err(format!("the customer page is titled {title:?}"));
    }

    // The list finds them by a plate prefix.
    client.goto(&format!("{base}/customers")).await.unwrap();
    fill(client, "#q-q", "京NZ9X").await;
    // The unfiltered list may already show the customer: wait for the filtered page, not the old one.
    click_and_wait(client, "form.filters button[type='submit']").await;
    let link = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&format!("table a[href='{customer_path}']")))
        .await
        .map_err(|e| format!("the plate search did not find the customer: {e}"))?;
    if link.text().await.unwrap() != "浏览器测试" {
        return Err("the search result names someone else".into());
    }
    let rows = client.find_all(Locator::Css("table tbody tr")).await.unwrap().len();
    if rows != 1 {
        return Err(format!("the plate prefix matched {rows} rows"));
    }

    // Another store's advisor gets the not-found page for the same address.
    client.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    wait_for_path(client, |path| path.starts_with("/login")).await;
    log_in(client, base, "sh01.advisor").await;
    client.goto(&format!("{base}{customer_path}")).await.unwrap();
    let shown = client.find(Locator::Css("main p")).await.unwrap().text().await.unwrap();
    let expected = Catalog::get().text(Locale::Zh, "error.not_found");
    if shown != expected {
        return Err(format!("another store's advisor sees {shown:?}, not the not-found page"));
    }
    let page = client.source().await.unwrap();
    if page.contains("浏览器测试") {
        return Err("the not-found page leaks the customer's name".into());
    }
    Ok(())
}

/// Sets a form control's value (selects, dates, line-table cells) the way a person's choice would.
pub(crate) async fn set(client: &Client, css: &str, value: &str) {
    let script = "const e = document.querySelector(arguments[0]); if (!e) { return false; } \
                  if (e.type === 'checkbox') { e.checked = arguments[1] === '1'; } else { e.value = arguments[1]; } return true;";
    let found = client.execute(script, vec![json!(css), json!(value)]).await.expect("script");
    assert_eq!(found, json!(true), "no control {css}");
}

/// Submits a form and waits until the next page has replaced this one.
async fn submit(client: &Client, action: &str) {
    click_and_wait(client, &format!("form[action='{action}'] button[type='submit']")).await;
}

/// Clicks and waits until the next page has replaced this one.
pub(crate) async fn click_and_wait(client: &Client, css: &str) {
    let action = css;
    client.execute("window.__before_submit = true; return true;", vec![]).await.expect("mark the page");
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let replaced = client
            .execute("return window.__before_submit === undefined && document.readyState === 'complete';", vec![])
            .await
            .unwrap_or(json!(false));
        if replaced == json!(true) {
            return;
        }
        assert!(Instant::now() < deadline, "{action} did not answer with a new page");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The insurance specialist in the browser: a lead becomes an accident repair order and a claim, the loss is
/// assessed with three parties present, the two-car 主责/次责 split shows the insurers' and the customer's
/// shares, and the claim walks to 结案归档.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insurance_claim_from_lead_to_archive_in_the_browser() {
    use claimdesk_app::insurance::{insurers, policies};
    use claimdesk_domain::insurance::policy::{CoverInput, PolicyInput};
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {CHROMEDRIVER} is missing");
        eprintln!("SKIPPED: {CHROMEDRIVER} is missing");
        return;
    }
    let (app, _clock, _test_db) = claimdesk_testkit::test_app(claimdesk_testkit::Which::Sqlite, NOW).await;
    claimdesk_testkit::demo::load(&app, 10, DEMO_PASSWORD).await.expect("demo");
    let admin = claimdesk_app::auth::login(&app, "bj01.admin", DEMO_PASSWORD, "").await.expect("admin").actor;
    let insurer = insurers::create(
        &app,
        &admin,
        insurers::InsurerInput {
            code: "CCIC".into(), name: "中国大地财险".into(), active: true, ..Default::default()
        },
    )
    .await
    .unwrap();
    insurers::set_checklist(
        &app,
        &admin,
        insurers::ChecklistInput {
            claim_type: "own_damage".into(),
            documents: vec!["出险通知单".into()],
            store_id: None,
        },
    )
    .await
    .unwrap();
    let vehicle = claimdesk_app::vehicles::list(&app, &admin, Default::default()).await.unwrap().items.remove(0);
    let cover = |cover: &str, sum: &str, premium: &str| CoverInput {
        cover: cover.into(),
        sum_insured: Some(sum.into()),
        premium: premium.into(),
        ..CoverInput::default()
    };
    let policy = policies::create(
        &app,
        &admin,
        policies::NewPolicy {
            policy: PolicyInput {
                insurer_id: insurer.id.clone(),
                vehicle_id: vehicle.id.clone(),
                invoice_no: "04403221".into(),
                owner_id_no: "11010519491231002X".into(),
                policy_no: "PDAA2024BROWSER".into(),
                starts_on: "2024-01-01".into(),
                ends_on: "2024-12-31".into(),
                covers: vec![
                    cover("compulsory", "", "950"),
                    cover("own_damage", "150000", "3000"),
                    cover("third_party", "1000000", "1200"),
                ],
                ..PolicyInput::default()
            },
            ..Default::default()
        },
    )
    .await
    .expect("policy");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, router(AppState { app, secure_cookies: false })).await.expect("serve");
    });
    let (_driver, port) = start_driver().await;
    let profile = std::env::temp_dir().join(format!("claimdesk-chromium-{}", claimdesk_app::new_id()));
    let client = connect(port, &profile).await;
    let outcome = claim_flow(&client, &base, &vehicle.id, vehicle.odometer_km + 50_000, &policy.id).await;
    let _ = client.close().await;
    server.abort();
    let _ = std::fs::remove_dir_all(&profile);
    outcome.unwrap_or_else(|message| panic!("{message}"));
}

async fn claim_flow(
    client: &Client,
    base: &str,
    vehicle_id: &str,
    mileage: i64,
    policy_id: &str,
) -> Result<(), String> {
    log_in(client, base, "bj01.admin").await;
    // 事故线索 → contacted → arrived (the accident repair order opens).
    client.goto(&format!("{base}/insurance/leads/new")).await.map_err(|e| e.to_string())?;
    fill(client, "#f-contact_phone", "13800001111").await;
    fill(client, "#f-place", "朝阳路口").await;
    submit(client, "/insurance/leads").await;
    let lead_path = wait_for_path(client, |p| p.starts_with("/insurance/leads/") && p != "/insurance/leads/new").await;
    submit(client, &format!("{lead_path}/contact")).await;
    wait_for_path(client, |p| p == lead_path).await;
    fill(client, &format!("form[action='{lead_path}/arrive'] #f-vehicle_id"), vehicle_id).await;
    fill(client, &format!("form[action='{lead_path}/arrive'] #f-mileage_in"), &mileage.to_string()).await;
    submit(client, &format!("{lead_path}/arrive")).await;
    wait_for_path(client, |p| p == lead_path).await;
    let new_claim = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("a[href^='/insurance/claims/new']"))
        .await
        .map_err(|e| format!("no claim link on the arrived lead: {e}"))?;
    new_claim.click().await.map_err(|e| e.to_string())?;
    wait_for_path(client, |p| p == "/insurance/claims/new").await;
    fill(client, "#f-policy_id", policy_id).await;
    set(client, "#f-accident_at", "2024-05-12T08:00").await;
    fill(client, "#f-reporter-name", "车主本人").await;
    submit(client, "/insurance/claims").await;
    let claim = wait_for_path(client, |p| p.starts_with("/insurance/claims/") && p != "/insurance/claims/new").await;

    // 调度, then 查勘定损 with the three parties present.
    submit(client, &format!("{claim}/step")).await;
    wait_for_path(client, |p| p == claim).await;
    for party in ["insured", "surveyor", "repairer"] {
        set(client, &format!("#f-party_{party}"), "1").await;
    }
    submit(client, &format!("{claim}/step")).await;
    wait_for_path(client, |p| p == claim).await;

    // 定损: 10,000 covered, 300 not; ours 主责, the other car 次责.
    client.goto(&format!("{base}{claim}/assessment")).await.map_err(|e| e.to_string())?;
    set(client, "#f-responsibility", "major").await;
    fill(client, "#f-other-label", "京B12345").await;
    set(client, "#f-other-responsibility", "minor").await;
    fill(client, "#f-other-damage", "5000").await;
    fill(client, "#f-other-third_party_limit", "1000000").await;
    for (i, (kind, name, amount, covered)) in [
        ("part", "前保险杠", "6000", true),
        ("labor", "钣金", "2500", true),
        ("paint", "喷漆", "1500", true),
        ("part", "旧划痕", "300", false),
    ]
    .into_iter()
    .enumerate()
    {
        set(client, &format!("[name='lines[{i}].kind']"), kind).await;
        set(client, &format!("[name='lines[{i}].name']"), name).await;
        set(client, &format!("[name='lines[{i}].assessed']"), amount).await;
        if !covered {
            set(client, &format!("[name='lines[{i}].not_covered']"), "1").await;
            set(client, &format!("[name='lines[{i}].reason']"), "非本次事故").await;
        }
    }
    submit(client, &format!("{claim}/assessment")).await;
    wait_for_path(client, |p| p == claim).await;
    let page = client.source().await.map_err(|e| e.to_string())?;
    for expected in ["¥2,000.00", "¥2,400.00", "¥5,600.00", "¥10,000.00", "¥300.00"] {
        if !page.contains(expected) {
            let _ = std::fs::write(std::env::temp_dir().join("claim-split.html"), &page);
            return Err(format!("the split lacks {expected}"));
        }
    }
    std::fs::create_dir_all(screens_dir()).expect("screens folder");
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(screens_dir().join("insurance-claim-split.png"), png).expect("screenshot");

    // 核损 → 理算 → 核赔, the documents signed for, 赔付 → 结案归档.
    for _ in 0..3 {
        submit(client, &format!("{claim}/step")).await;
        wait_for_path(client, |p| p == claim).await;
    }
    fill(client, &format!("form[action='{claim}/documents'] #f-signed_by"), "车主本人").await;
    submit(client, &format!("{claim}/documents")).await;
    wait_for_path(client, |p| p == claim).await;
    for _ in 0..2 {
        submit(client, &format!("{claim}/step")).await;
        wait_for_path(client, |p| p == claim).await;
    }
    let state = client
        .find(Locator::Css("main h1 + *, .tag"))
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .unwrap_or_default();
    let page = client.source().await.map_err(|e| e.to_string())?;
    if !page.contains("已结案归档") {
        return Err(format!("the claim did not close; state {state:?}"));
    }
    Ok(())
}

/// A BJ01 vehicle of the demo inside its periods and without claims, for the clerk's day.
async fn claimable_vehicle(app: &claimdesk_app::App) -> (String, i64) {
    let rows: Vec<(String, i64)> = app
        .db
        .read(claimdesk_store::job(|tx| {
            Box::pin(async move {
                let sql = "SELECT v.id, v.odometer_km FROM vehicles v JOIN stores s ON s.id = v.store_id \
                     WHERE s.code = 'BJ01' AND v.invoice_on >= '2021-09-01' AND v.odometer_km < 50000 \
                     AND v.vin NOT IN (SELECT vin FROM warranty_claims) ORDER BY v.id LIMIT 1";
                claimdesk_store::query::fetch_all(tx, &claimdesk_store::query::Query::new(sql)).await
            })
        }))
        .await
        .map_err(|e: claimdesk_store::StoreError| e)
        .expect("vehicles");
    rows.into_iter().next().expect("a claimable demo vehicle")
}

/// The warranty clerk's day in Chromium: a repair order with warranty lines → a claim with its eligibility →
/// stopped by a mis-claim rule (hours above standard without a reason) → corrected → checked and submitted →
/// the manufacturer's decision entered line by line (partly approved) → found again by a VIN search.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_warranty_clerks_day_in_the_browser() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {CHROMEDRIVER} is missing");
        eprintln!("SKIPPED: {CHROMEDRIVER} is missing");
        return;
    }
    let (app, _clock, _test_db) = claimdesk_testkit::test_app(claimdesk_testkit::Which::Sqlite, NOW).await;
    claimdesk_testkit::demo::load(&app, 120, DEMO_PASSWORD).await.expect("demo");
    let (vehicle_id, odometer) = claimable_vehicle(&app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, router(AppState { app, secure_cookies: false })).await.expect("serve");
    });
    let (_driver, port) = start_driver().await;
    let profile = std::env::temp_dir().join(format!("claimdesk-chromium-{}", claimdesk_app::new_id()));
    let client = connect(port, &profile).await;
    let outcome = clerks_day(&client, &base, &vehicle_id, odometer).await;
    let _ = client.close().await;
    server.abort();
    let _ = std::fs::remove_dir_all(&profile);
    outcome.unwrap_or_else(|message| panic!("{message}"));
}

pub(crate) async fn choose(client: &Client, css: &str, value: &str) -> Result<(), String> {
    let select = client.find(Locator::Css(css)).await.map_err(|e| format!("{css}: {e}"))?;
    select.select_by_value(value).await.map_err(|e| format!("{css} = {value}: {e}"))
}

/// Clicks a link or submit button and waits until the next page has replaced this one (a form that posts back
/// to the same URL would otherwise be read before the answer arrives).
pub(crate) async fn click(client: &Client, css: &str) -> Result<(), String> {
    client.find(Locator::Css(css)).await.map_err(|e| format!("{css}: {e}"))?;
    click_and_wait(client, css).await;
    Ok(())
}

pub(crate) async fn state_tag(client: &Client) -> String {
    client.find(Locator::Css("main h1 .tag")).await.expect("state tag").text().await.unwrap_or_default()
}

pub(crate) async fn page_text(client: &Client) -> String {
    client.find(Locator::Css("main")).await.expect("main").text().await.unwrap_or_default()
}

async fn clerks_day(client: &Client, base: &str, vehicle_id: &str, odometer: i64) -> Result<(), String> {
    log_in(client, base, "bj01.clerk").await;

    // The repair order with its warranty lines: 3.5 h against a standard of 3.0 h, and the causal part.
    client.goto(&format!("{base}/repair-orders/new?vehicle_id={vehicle_id}")).await.map_err(|e| e.to_string())?;
    choose(client, "#f-kind", "warranty").await?;
    fill(client, "#f-mileage_in", &(odometer + 500).to_string()).await;
    fill(client, "#f-complaint", "发动机抖动，故障灯亮").await;
    fill(client, "#f-findings", "气缸盖垫片漏气").await;
    for (row, kind, code, hours_or_qty, price) in
        [(0, "labor", "10-01", "3.5", "160.00"), (1, "part", "GH12251-0001", "1", "186.00")]
    {
        choose(client, &format!("[name='items[{row}].kind']"), kind).await?;
        let code_field = if kind == "labor" { "code" } else { "part_no" };
        fill(client, &format!("[name='items[{row}].{code_field}']"), code).await;
        fill(
            client,
            &format!("[name='items[{row}].description']"),
            if kind == "labor" { "更换气缸盖垫片" } else { "气缸盖垫片" },
        )
        .await;
        let amount_field = if kind == "labor" { "hours" } else { "quantity" };
        fill(client, &format!("[name='items[{row}].{amount_field}']"), hours_or_qty).await;
        fill(client, &format!("[name='items[{row}].unit_price']"), price).await;
        choose(client, &format!("[name='items[{row}].payer']"), "warranty").await?;
    }
    click(client, "form.form button[type='submit']").await?;
    let order_path = wait_for_path(client, |path| path.starts_with("/repair-orders/") && !path.ends_with("/new")).await;

    // From the repair order, a new claim with the warranty lines copied; the failure code is chosen.
    click(client, "a[href^='/warranty-claims/new']").await?;
    wait_for_path(client, |path| path == "/warranty-claims/new").await;
    let copied = value(client, "[name='lines[0].code']").await;
    if copied != "10-01" {
        return Err(format!(
            "the claim form did not copy the repair order's lines: {copied:?} {}",
            page_text(client).await
        ));
    }
    choose(client, "#f-failure_code", "P0300").await?;
    fill(client, "#f-correction", "更换气缸盖垫片").await;
    click(client, "form.form button[type='submit']").await?;
    let claim_path =
        wait_for_path(client, |path| path.starts_with("/warranty-claims/") && !path.ends_with("/new")).await;
    let text = page_text(client).await;
    if !text.contains("免费修理") || !text.contains("2021 Art 19") {
        return Err(format!("the eligibility is not shown on the claim: {text}"));
    }
    if state_tag(client).await != "草稿" {
        return Err("a new claim is not a draft".into());
    }

    // Stopped: hours above the standard need a reason or a correction.
    click(client, "form[action$='/do/check'] button[type='submit']").await?;
    wait_for_path(client, |path| path == claim_path).await;
    let text = page_text(client).await;
    if !text.contains("误赔检查未通过") || !text.contains("高于标准工时 3 小时") {
        return Err(format!("the check did not stop the claim: {text}"));
    }
    std::fs::create_dir_all(screens_dir()).expect("screens folder");
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(screens_dir().join("claim-stopped-by-check.png"), png).expect("screenshot");

    // Corrected to the standard hours, checked, submitted.
    click(client, &format!("a[href='{claim_path}/edit']")).await?;
    wait_for_path(client, |path| path.ends_with("/edit")).await;
    fill(client, "[name='lines[0].hours']", "3").await;
    click(client, "form.form button[type='submit']").await?;
    wait_for_path(client, |path| path == claim_path).await;
    click(client, "form[action$='/do/check'] button[type='submit']").await?;
    wait_for_path(client, |path| path == claim_path).await;
    if state_tag(client).await != "已检查" {
        return Err(format!("the corrected claim did not pass: {}", page_text(client).await));
    }
    click(client, "form[action$='/do/submit'] button").await?;
    wait_for_path(client, |path| path == claim_path).await;
    if state_tag(client).await != "已提交" {
        return Err("the claim was not submitted".into());
    }

    // The manufacturer's decision by hand: the labour line approved, the part cut.
    click(client, &format!("a[href='{claim_path}/decide']")).await?;
    wait_for_path(client, |path| path.ends_with("/decide")).await;
    choose(client, "[name='lines[1].verdict']", "cut").await?;
    fill(client, "[name='lines[1].amount']", "150.00").await;
    fill(client, "[name='lines[1].reason']", "按目录价核减").await;
    click(client, "form.form button[type='submit']").await?;
    wait_for_path(client, |path| path == claim_path).await;
    if state_tag(client).await != "部分批准" {
        return Err(format!("the decision did not land: {}", page_text(client).await));
    }
    let text = page_text(client).await;
    if !text.contains("¥630.00") {
        return Err(format!("the approved amount (480.00 + 150.00) is not shown: {text}"));
    }
    let number = client.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    let number = number.split_whitespace().find(|w| w.starts_with("WC")).unwrap_or("").to_string();

    // Found again by a VIN search in the claim list.
    let vin = client.find(Locator::Css("main .subtitle")).await.unwrap().text().await.unwrap();
    let vin = vin.split_whitespace().next().unwrap_or("").to_string();
    client.goto(&format!("{base}/warranty-claims")).await.unwrap();
    fill(client, "#q-vin", &vin[..10]).await;
    choose(client, "#q-state", "partly_approved").await?;
    click(client, "form.filters button[type='submit']").await?;
    let link = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&format!("table a[href='{claim_path}']")))
        .await
        .map_err(|e| format!("the search did not find the claim: {e}"))?;
    if link.text().await.unwrap() != number {
        return Err(format!("the search shows {:?}, not {number}", link.text().await));
    }
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(screens_dir().join("claim-found-by-search.png"), png).expect("screenshot");
    crate::browser_claimsflow::archive_and_board(client, base, &claim_path).await?;
    let _ = order_path;
    Ok(())
}
