//! Packing a parts-return shipment in headless Chromium: the clerk proposes BJ01's shipment from the parts
//! waiting on the shelf, packs it by the manufacturer's limits, prints the packing list and the box labels,
//! is stopped without a tracking number, and ships it. Skipped like the other browser tests without
//! chromedriver (failing under `CI=true`).

use std::time::Duration;

use claimdesk_web::{AppState, router};
use fantoccini::{Client, Locator};

use crate::browser::{
    CHROMEDRIVER, DEMO_PASSWORD, click, connect, fill, log_in, page_text, screens_dir, start_driver, state_tag,
    wait_for_path,
};
use crate::helpers::NOW;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_shipment_is_proposed_packed_printed_and_shipped_in_the_browser() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {CHROMEDRIVER} is missing");
        eprintln!("SKIPPED: {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver fonts-noto-cjk)");
        return;
    }
    let (app, _clock, _test_db) = claimdesk_testkit::test_app(claimdesk_testkit::Which::Sqlite, NOW).await;
    claimdesk_testkit::demo::load(&app, 60, DEMO_PASSWORD).await.expect("demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, router(AppState { app, secure_cookies: false })).await.expect("serve");
    });
    let (_driver, port) = start_driver().await;
    let profile = std::env::temp_dir().join(format!("claimdesk-chromium-{}", claimdesk_app::new_id()));
    let client = connect(port, &profile).await;

    let outcome = packing(&client, &base).await;
    let _ = client.close().await;
    server.abort();
    let _ = std::fs::remove_dir_all(&profile);
    outcome.unwrap_or_else(|message| panic!("{message}"));
}

async fn screenshot(client: &Client, name: &str) {
    std::fs::create_dir_all(screens_dir()).expect("screens folder");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(screens_dir().join(name), png).expect("write screenshot");
}

async fn packing(client: &Client, base: &str) -> Result<(), String> {
    log_in(client, base, "bj01.clerk").await;

    // The parts store: the demo's parts are weighed and shelved, waiting for return.
    client.goto(&format!("{base}/part-tags")).await.map_err(|e| e.to_string())?;
    let waiting = client.find_all(Locator::Css("main table tbody tr")).await.map_err(|e| e.to_string())?.len();
    let text = page_text(client).await;
    if waiting == 0 || !text.contains("在库") {
        return Err(format!("no parts waiting in BJ01's store: {text}"));
    }

    // Propose this month's shipment of the brand.
    client.goto(&format!("{base}/return-shipments")).await.map_err(|e| e.to_string())?;
    click(client, "form[action^='/return-shipments/propose'] button[type='submit']").await?;
    let path = wait_for_path(client, |p| p.starts_with("/return-shipments/") && p.len() > 20).await;
    if state_tag(client).await != "待装箱" {
        return Err(format!("a proposed shipment shows {:?}", state_tag(client).await));
    }

    // Packed by the manufacturer's limits: boxes appear with their parts.
    click(client, &format!("form[action='{path}/do/pack'] button[type='submit']")).await?;
    if state_tag(client).await != "已装箱" {
        return Err(format!(
            "after packing the shipment shows {:?}: {}",
            state_tag(client).await,
            page_text(client).await
        ));
    }
    let text = page_text(client).await;
    if !text.contains("1/") || !text.contains("已按厂家规则装箱") {
        return Err(format!("no boxes after packing: {text}"));
    }
    screenshot(client, "return-shipment-packed.png").await;

    // The printed packing list and the box labels with their QR codes.
    client.goto(&format!("{base}{path}/print")).await.map_err(|e| e.to_string())?;
    let title = client.find(Locator::Css("h1")).await.map_err(|e| e.to_string())?.text().await.unwrap_or_default();
    if title != "旧件回运装箱单" {
        return Err(format!("the packing list is titled {title:?}"));
    }
    let rows = client.find_all(Locator::Css("table.rows tbody tr")).await.map_err(|e| e.to_string())?.len();
    if rows < 2 {
        return Err(format!("the packing list has {rows} rows of boxes and parts"));
    }
    screenshot(client, "return-shipment-packing-list.png").await;
    client.goto(&format!("{base}{path}/labels")).await.map_err(|e| e.to_string())?;
    let labels = client.find_all(Locator::Css(".label-sheet .label-qr svg")).await.map_err(|e| e.to_string())?.len();
    if labels == 0 {
        return Err("no box label with a QR code".into());
    }

    // Shipping needs the tracking number: the form says so beside the field and keeps the carrier.
    client.goto(&format!("{base}{path}")).await.map_err(|e| e.to_string())?;
    fill(client, "#f-carrier", "顺丰速运").await;
    click(client, &format!("form[action='{path}/do/ship'] button[type='submit']")).await?;
    let error = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#f-tracking_no-error"))
        .await
        .map_err(|e| format!("no error beside the tracking number: {e}"))?;
    if error.text().await.unwrap_or_default() != "此项必填" {
        return Err("the tracking number's message is not 此项必填".into());
    }
    let carrier =
        client.find(Locator::Css("#f-carrier")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    if carrier != "顺丰速运" {
        return Err(format!("the carrier was not kept: {carrier:?}"));
    }
    fill(client, "#f-tracking_no", "SF1234567890").await;
    click(client, &format!("form[action='{path}/do/ship'] button[type='submit']")).await?;
    if state_tag(client).await != "已发运" {
        return Err(format!("after shipping the shipment shows {:?}", state_tag(client).await));
    }
    let text = page_text(client).await;
    if !text.contains("SF1234567890") || !text.contains("顺丰速运") {
        return Err(format!("the shipment does not show carrier and tracking number: {text}"));
    }
    screenshot(client, "return-shipment-shipped.png").await;
    Ok(())
}
