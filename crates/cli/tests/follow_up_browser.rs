//! The follow-up month of issue 7 in headless Chromium: a car collected on Monday 2024-05-13 → the archive
//! due item → the archive → the first call inside its window, with a complaint → escalation after 2 days →
//! the supervisor's solution → the customer told the same day → the second call (which may not repeat the
//! first) → the monthly summary that counts all of it, filed.
//!
//! Needs /usr/bin/chromedriver and /usr/bin/chromium; skipped with a message when they are missing, unless
//! CI=true. The server runs in-process on a SQLite test database with a fixed clock the test moves.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use claimdesk_app::customers::{self, CustomerWithVehicle};
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::{App, FixedClock, auth, follow_up, worklist};
use claimdesk_domain::customer::CustomerInput;
use claimdesk_domain::vehicle::VehicleInput;
use claimdesk_testkit::{Which, demo, names, test_app};
use claimdesk_web::AppState;
use fantoccini::{Client, ClientBuilder, Locator};
use rand::SeedableRng;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PASSWORD: &str = "pw-test-1";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn at(clock: &FixedClock, day: &str) {
    clock.set(format!("{day}T02:00:00Z").parse().unwrap());
}

async fn browser() -> Option<(Driver, Client)> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {CHROMEDRIVER} is missing");
        eprintln!("skipped: {CHROMEDRIVER} is not installed");
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1366,900", "--lang=zh-CN"]}),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        let mut builder = ClientBuilder::rustls().unwrap();
        if let Ok(client) = builder.capabilities(caps.clone()).connect(&url).await {
            return Some((driver, client));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not answer on {url}");
}

async fn login(client: &Client, base: &str, username: &str) {
    client.delete_all_cookies().await.unwrap();
    client.goto(&format!("{base}/login")).await.unwrap();
    client.find(Locator::Css("input[name=username]")).await.unwrap().send_keys(username).await.unwrap();
    client.find(Locator::Css("input[name=password]")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    click(client, Locator::Css("form button[type=submit]")).await;
    client.wait().for_element(Locator::Css(".stats")).await.unwrap();
}

async fn page_text(client: &Client) -> String {
    client.find(Locator::Css("body")).await.unwrap().text().await.unwrap()
}

async fn submit(client: &Client, form: &str) {
    let button = format!("{form} button.btn-primary[type=submit]");
    click(client, Locator::Css(&button)).await;
}

/// Clicks and waits until the next page has replaced this one (the old body goes stale).
async fn click(client: &Client, target: Locator<'_>) {
    let old = client.find(Locator::Css("body")).await.unwrap();
    client.find(target).await.unwrap().click().await.unwrap();
    for _ in 0..100 {
        if old.text().await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    client.wait().for_element(Locator::Css("body")).await.unwrap();
}

/// The store, its staff and a customer whose car is in the workshop, ready to be handed over.
async fn setup(app: &App) -> String {
    demo::load(app, 8, PASSWORD).await.unwrap();
    let advisor = auth::login(app, "bj01.advisor", PASSWORD, "test").await.unwrap().actor;
    let agent = auth::login(app, "bj01.followup", PASSWORD, "test").await.unwrap().actor;
    let mut rng = rand::rngs::StdRng::seed_from_u64(13);
    let customer = customers::create(
        app,
        &advisor,
        CustomerWithVehicle {
            customer: CustomerInput {
                name: "王建国".into(),
                kind: "person".into(),
                mobile: "13912345678".into(),
                address: "北京市朝阳区望京街1号".into(),
                follow_up_user_id: Some(agent.user_id.clone()),
                ..CustomerInput::default()
            },
            vehicle: Some(VehicleInput {
                vin: names::vin(&mut rng, "LHG"),
                plate: "京N12345".into(),
                brand: "广汽本田".into(),
                model: "雅阁".into(),
                powertrain: "ice".into(),
                use_nature: "private".into(),
                odometer_km: Some(5_000),
                ..VehicleInput::default()
            }),
            store_id: None,
        },
    )
    .await
    .unwrap();
    let input = RepairOrderInput {
        vehicle_id: customer.vehicles[0].id.clone(),
        kind: "maintenance".into(),
        mileage_in: Some(12_000),
        ..RepairOrderInput::default()
    };
    let order = repair_orders::create(app, &advisor, input).await.unwrap();
    for action in ["start", "complete"] {
        repair_orders::transition(app, &advisor, &order.id, action).await.unwrap();
    }
    order.id
}

#[tokio::test]
async fn a_follow_up_month_in_the_browser() {
    let Some((_driver, client)) = browser().await else { return };
    let (app, clock, _db) = test_app(Which::Sqlite, "2024-05-13T02:00:00Z").await;
    let order_id = setup(&app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = claimdesk_web::router(AppState { app: app.clone(), secure_cookies: false });
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    // Monday: the advisor hands the car over on its repair order page.
    login(&client, &base, "bj01.advisor").await;
    client.goto(&format!("{base}/repair-orders/{order_id}")).await.unwrap();
    click(&client, Locator::Css("form[action$='/hand_over'] button")).await;

    // The follow-up agent finds the archive due item on the worklist and completes the archive.
    login(&client, &base, "bj01.followup").await;
    let text = page_text(&client).await;
    assert!(text.contains("建立客户档案") && text.contains("2024-05-15"), "{text}");
    assert!(text.contains("首次回访") && text.contains("2024-05-16 – 2024-05-20"), "{text}");
    click(&client, Locator::LinkText("王建国 13912345678")).await;
    let archive_url = client.current_url().await.unwrap().to_string();
    assert!(archive_url.contains("/follow-ups/customers/"), "{archive_url}");
    client.goto(&format!("{archive_url}/archive")).await.unwrap();
    submit(&client, "form.form").await;
    assert!(page_text(&client).await.contains("已建档"));

    // Friday 2024-05-17: the first call, inside its window, with a complaint the agent cannot settle.
    // (Sessions last 12 hours, so each day starts with a login.)
    at(&clock, "2024-05-17");
    login(&client, &base, "bj01.followup").await;
    client.goto(&format!("{archive_url}/call?kind=first_call")).await.unwrap();
    for topic in ["usage", "service_opinion"] {
        client.find(Locator::Id(&format!("f-topic-{topic}"))).await.unwrap().click().await.unwrap();
        client.find(Locator::Id(&format!("f-answer-{topic}"))).await.unwrap().send_keys("正常").await.unwrap();
    }
    client.find(Locator::Id("f-satisfaction")).await.unwrap().select_by_value("3").await.unwrap();
    client.find(Locator::Id("f-complaint")).await.unwrap().send_keys("保养后发动机有异响").await.unwrap();
    submit(&client, "form.form").await;
    let complaint_url = client.current_url().await.unwrap().to_string();
    assert!(complaint_url.contains("/follow-ups/complaints/"), "{complaint_url}");
    assert!(page_text(&client).await.contains("处理中"));

    // Sunday 2024-05-19: two days on, the scheduler hands it to the supervisor.
    at(&clock, "2024-05-19");
    assert!(worklist::escalate_overdue(&app).await.unwrap() >= 1);
    follow_up::sync_escalations(&app).await.unwrap();
    login(&client, &base, "bj01.manager").await;
    assert!(page_text(&client).await.contains("投诉升级"));
    client.goto(&complaint_url).await.unwrap();
    assert!(page_text(&client).await.contains("已升级"));
    client.find(Locator::Id("f-solution")).await.unwrap().send_keys("更换张紧器，免费处理").await.unwrap();
    submit(&client, "form[action$='/solve']").await;
    assert!(page_text(&client).await.contains("待告知客户"));

    // The same day the agent tells the customer.
    login(&client, &base, "bj01.followup").await;
    assert!(page_text(&client).await.contains("当天告知客户解决方案"));
    client.goto(&complaint_url).await.unwrap();
    submit(&client, "form[action$='/tell_customer']").await;
    assert!(page_text(&client).await.contains("已结案"));

    // Sunday 2024-05-26: the second call shows the first call's answers and refuses a repeated topic.
    at(&clock, "2024-05-26");
    login(&client, &base, "bj01.followup").await;
    client.goto(&format!("{archive_url}/call?kind=second_call")).await.unwrap();
    let text = page_text(&client).await;
    assert!(text.contains("以往回访") && text.contains("首次回访已问"), "{text}");
    client.find(Locator::Id("f-topic-usage")).await.unwrap().click().await.unwrap();
    submit(&client, "form.form").await;
    assert!(page_text(&client).await.contains("二次回访不应重复首次回访的话题"));
    client.find(Locator::Id("f-topic-usage")).await.unwrap().click().await.unwrap();
    for topic in ["new_needs", "events"] {
        client.find(Locator::Id(&format!("f-topic-{topic}"))).await.unwrap().click().await.unwrap();
    }
    client.find(Locator::Id("f-satisfaction")).await.unwrap().select_by_value("5").await.unwrap();
    submit(&client, "form.form").await;
    assert!(client.current_url().await.unwrap().as_str().starts_with(&archive_url));

    // Friday 2024-05-31: the supervisor drafts the monthly summary, which counts all of it, and files it.
    at(&clock, "2024-05-31");
    login(&client, &base, "bj01.manager").await;
    client.goto(&format!("{base}/follow-ups/summaries")).await.unwrap();
    submit(&client, "form.form").await;
    let text = page_text(&client).await;
    assert!(text.contains("月度小结 2024-05"), "{text}");
    assert!(client.find(Locator::Css(".chart svg")).await.is_ok(), "charts drawn on the server");
    let rows = [
        ("首次回访", "1"),
        ("二次回访", "1"),
        ("新投诉", "1"),
        ("已升级投诉", "1"),
        ("已解决投诉", "1"),
        ("已告知客户", "1"),
    ];
    for (label, figure) in rows {
        let path = format!("//tr[td[1][normalize-space()='{label}']]/td[2]");
        let cells = client.find_all(Locator::XPath(&path)).await.unwrap();
        let found = match cells.first() {
            Some(cell) => cell.text().await.unwrap(),
            None => String::new(),
        };
        assert_eq!(found, figure, "{label}");
    }
    let body = client.find(Locator::Id("f-body")).await.unwrap();
    body.send_keys("本月首次、二次回访均按时完成，1起投诉当天告知客户。").await.unwrap();
    submit(&client, "form.form").await;
    click(&client, Locator::Css("form[action$='/file'] button")).await;
    assert!(page_text(&client).await.contains("已归档"));
    client.close().await.unwrap();
}
