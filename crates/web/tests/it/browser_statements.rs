//! Finance matches the manufacturer's settlement statement in headless Chromium: the statement file is
//! uploaded, its lines come back paid in full, cut, rejected and unknown, and an appeal (复议) of the cut
//! line is drafted from the line's facts and saved.

use claimdesk_store::job;
use claimdesk_store::query::{self, Query};
use claimdesk_web::{AppState, router};
use fantoccini::{Client, Locator};

use crate::browser::{
    CHROMEDRIVER, DEMO_PASSWORD, choose, click, connect, log_in, page_text, screens_dir, start_driver, state_tag,
    wait_for_path,
};
use crate::helpers::NOW;

/// The lines of BJ01's decided demo claims: (claim number, line number, amount in fen).
async fn decided_lines(app: &claimdesk_app::App) -> Vec<(String, i64, i64)> {
    app.db
        .read(job(move |tx| {
            Box::pin(async move {
                let query = Query::new(
                    "SELECT c.number, l.line_no, l.amount_fen FROM warranty_claims c \
                     JOIN stores s ON s.id = c.store_id \
                     JOIN warranty_claim_lines l ON l.store_id = c.store_id AND l.claim_id = c.id \
                     WHERE s.code = 'BJ01' AND c.state IN ('approved', 'partly_approved', 'settled') \
                     ORDER BY c.number, l.line_no",
                );
                query::fetch_all::<(String, i64, i64)>(tx, &query).await
            })
        }))
        .await
        .expect("claim lines")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finance_matches_a_settlement_statement_and_drafts_an_appeal_in_the_browser() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {CHROMEDRIVER} is missing");
        eprintln!("SKIPPED: {CHROMEDRIVER} is missing");
        return;
    }
    let (app, _clock, _test_db) = claimdesk_testkit::test_app(claimdesk_testkit::Which::Sqlite, NOW).await;
    claimdesk_testkit::demo::load(&app, 60, DEMO_PASSWORD).await.expect("demo");
    let lines = decided_lines(&app).await;
    assert!(lines.len() >= 3, "the demo has decided claims in BJ01: {lines:?}");
    // The statement: the first line paid in full, the second cut by 50.00, the third rejected, and a claim
    // number the store never filed.
    let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    let mut csv = String::from("\u{feff}索赔单号,行号,申请金额,结算金额,原因\n");
    csv.push_str(&format!("{},{},{},{},\n", lines[0].0, lines[0].1, yuan(lines[0].2), yuan(lines[0].2)));
    csv.push_str(&format!(
        "{},{},{},{},工时按标准核减\n",
        lines[1].0,
        lines[1].1,
        yuan(lines[1].2),
        yuan(lines[1].2 - 5_000)
    ));
    csv.push_str(&format!("{},{},{},0,非质量问题\n", lines[2].0, lines[2].1, yuan(lines[2].2)));
    csv.push_str("WC20240101999,1,88.00,88.00,\n");
    let folder = std::env::temp_dir().join(format!("claimdesk-statement-{}", claimdesk_app::new_id()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("广汽本田结算单.csv");
    std::fs::write(&file, csv).unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, router(AppState { app, secure_cookies: false })).await.expect("serve");
    });
    let (_driver, port) = start_driver().await;
    let profile = std::env::temp_dir().join(format!("claimdesk-chromium-{}", claimdesk_app::new_id()));
    let client = connect(port, &profile).await;
    let outcome = flow(&client, &base, &file, &lines[1].0).await;
    let _ = client.close().await;
    server.abort();
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_dir_all(&folder);
    outcome.unwrap_or_else(|message| panic!("{message}"));
}

async fn flow(client: &Client, base: &str, file: &std::path::Path, cut_claim: &str) -> Result<(), String> {
    log_in(client, base, "bj01.finance").await;
    client.goto(&format!("{base}/settlement/statements")).await.map_err(|e| e.to_string())?;
    click(client, "a[href='/settlement/statements/import']").await?;
    choose(client, "#f-counterparty", "广汽本田").await?;
    let number = client.find(Locator::Css("#f-number")).await.map_err(|e| e.to_string())?;
    number.send_keys("JS-BROWSER-01").await.map_err(|e| e.to_string())?;
    let upload = client.find(Locator::Css("#f-file")).await.map_err(|e| e.to_string())?;
    upload.send_keys(&file.display().to_string()).await.map_err(|e| format!("choose the file: {e}"))?;
    click(client, "form.form button[type='submit']").await?;
    let path = wait_for_path(client, |p| p.starts_with("/settlement/statements/") && !p.ends_with("/import")).await;

    // Every line's outcome is on the page.
    let tags: Vec<String> = {
        let mut texts = Vec::new();
        for cell in client.find_all(Locator::Css("table .tag")).await.map_err(|e| e.to_string())? {
            texts.push(cell.text().await.unwrap_or_default());
        }
        texts
    };
    for expected in ["全额支付", "部分扣减", "拒付", "无法匹配"] {
        if !tags.iter().any(|t| t == expected) {
            return Err(format!("{path}: no {expected} among {tags:?}"));
        }
    }
    if state_tag(client).await != "未回款" {
        return Err("the statement should show money still to receive".into());
    }
    std::fs::create_dir_all(screens_dir()).expect("screens folder");
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(screens_dir().join("settlement-statement.png"), png).expect("screenshot");

    // The cut line's appeal: drafted from the line and the claim, then saved.
    click(client, "a[href*='/appeal?line=']").await?;
    let reason = client.find(Locator::Css("#f-reason")).await.map_err(|e| e.to_string())?;
    let drafted = reason.prop("value").await.map_err(|e| e.to_string())?.unwrap_or_default();
    if !drafted.contains(cut_claim) || !drafted.contains("工时按标准核减") {
        return Err(format!("the draft does not name the claim and the manufacturer's reason: {drafted}"));
    }
    let requested = client
        .find(Locator::Css("#f-requested"))
        .await
        .map_err(|e| e.to_string())?
        .prop("value")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    if requested != "50.00" {
        return Err(format!("the appeal asks for {requested}, not the 50.00 cut"));
    }
    click(client, "form.form button[type='submit']").await?;
    wait_for_path(client, |p| p.starts_with("/settlement/appeals/")).await;
    if state_tag(client).await != "草稿" {
        return Err("the appeal is not a draft".into());
    }
    let text = page_text(client).await;
    if !text.contains("工时按标准核减") {
        return Err("the appeal page does not show its grounds".into());
    }
    Ok(())
}
