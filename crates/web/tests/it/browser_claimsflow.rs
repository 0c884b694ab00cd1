//! The end of the warranty clerk's day in Chromium (called from `browser::clerks_day`): the decided claim is
//! found by the archive search on its part number, listed in the month's archive with its documents, and
//! counted on the supervisor's board.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser::{click, fill, page_text, screens_dir};

pub(crate) async fn archive_and_board(client: &Client, base: &str, claim_path: &str) -> Result<(), String> {
    // The archive search by part number (the causal part typed on the repair order).
    client.goto(&format!("{base}/warranty-claims")).await.map_err(|e| e.to_string())?;
    fill(client, "#q-part_no", "GH12251-0001").await;
    click(client, "form.filters button[type='submit']").await?;
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&format!("table a[href='{claim_path}']")))
        .await
        .map_err(|e| format!("the part search did not find the claim: {e}"))?;

    // The month's archive lists it with its documents and offers the zip.
    client.goto(&format!("{base}/warranty/archive?month=2024-05")).await.map_err(|e| e.to_string())?;
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&format!("table a[href='{claim_path}']")))
        .await
        .map_err(|e| format!("the month's archive does not list the claim: {e}"))?;
    let text = page_text(client).await;
    if !text.contains("version-1.json") || !text.contains("下载本月档案") {
        return Err(format!("the archive shows no documents or zip: {text}"));
    }
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(screens_dir().join("claim-archive-month.png"), png).expect("screenshot");

    // The board counts this month's partly approved claim and draws its charts.
    client.goto(&format!("{base}/warranty/board")).await.map_err(|e| e.to_string())?;
    let text = page_text(client).await;
    if !text.contains("索赔看板") || !text.contains("本月扣减") {
        return Err(format!("the board is not shown: {text}"));
    }
    client.find(Locator::Css("main .chart svg")).await.map_err(|e| format!("the board has no chart: {e}"))?;
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(screens_dir().join("claims-board.png"), png).expect("screenshot");
    Ok(())
}
