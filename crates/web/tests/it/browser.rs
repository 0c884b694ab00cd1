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

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const DEMO_PASSWORD: &str = "pw-browser-2024";

/// The driver process, ended when the test ends (even when it fails).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").expect("a free port").local_addr().unwrap().port()
}

async fn start_driver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(15);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (driver, port)
}

async fn connect(port: u16, profile: &std::path::Path) -> Client {
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
async fn wait_for_path(client: &Client, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let url = client.current_url().await.expect("url");
        if check(url.path()) {
            return url.path().to_string();
        }
        assert!(Instant::now() < deadline, "still on {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn value(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.expect(css).prop("value").await.expect("value").unwrap_or_default()
}

async fn log_in(client: &Client, base: &str, username: &str) {
    client.goto(&format!("{base}/login")).await.expect("login page");
    fill(client, "#username", username).await;
    fill(client, "#password", DEMO_PASSWORD).await;
    client.find(Locator::Css("form[action='/login'] button[type='submit']")).await.unwrap().click().await.unwrap();
    wait_for_path(client, |path| !path.starts_with("/login")).await;
}

fn screens_dir() -> PathBuf {
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
        .at_most(Duration::from_secs(10))
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
    client.find(Locator::Css("form.filters button[type='submit']")).await.unwrap().click().await.unwrap();
    let link = client
        .wait()
        .at_most(Duration::from_secs(10))
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
