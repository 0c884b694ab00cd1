//! Campaigns, quality reports and bulletins over HTTP: the manufacturer's system posts a campaign and its
//! VIN list (a bad row answers 422 naming the row), reads the completion report and the sent quality
//! reports; the pages render, flag the vehicle, and export to Excel.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use claimdesk_domain::access::Role;
use serde_json::json;

use super::{Web, envelope_fields, select};
use crate::helpers::{backends, bad_vin, vin};
use crate::services::claims::{set_up_brand, warranty_order};

async fn post_csv(web: &Web, uri: &str, token: &str, text: String) -> super::Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(text))
        .unwrap();
    web.send(request).await
}

#[tokio::test]
async fn the_manufacturer_posts_a_campaign_and_its_vins_and_reads_the_completion_report() {
    for which in backends() {
        let web = Web::new(which).await;
        set_up_brand(&web.world).await;
        let clerk = web.world.person("bj01.clerk", Some(&web.world.store_a), Role::WarrantyClerk).await;
        web.world.person("bj01.manager", Some(&web.world.store_a), Role::Supervisor).await;
        let order = warranty_order(&web.world, &clerk, 701).await;
        let admin = web.token("group.admin").await;
        let token = web.token("bj01.clerk").await;

        let body = json!({"code": "R2024-031", "brand": "广汽本田", "kind": "quality_action", "title": "更换气缸盖垫片",
            "failure_code": "P0300", "starts_on": "2024-05-01", "ends_on": "2024-08-31",
            "labor_ops": [{"code": "10-01", "description": "更换气缸盖垫片", "hours": "2"}],
            "parts": [{"part_no": "12251-RNA-A01", "name": "气缸盖垫片", "quantity": "1"}]});
        let created = web.api(Method::POST, "/api/v1/campaigns", Some(&admin), Some(body.clone())).await;
        assert_eq!(created.status, StatusCode::CREATED, "{which:?}: {}", created.body);
        let id = created.json()["id"].as_str().unwrap().to_string();
        let refused = web.api(Method::POST, "/api/v1/campaigns", Some(&token), Some(body)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let uri = format!("/api/v1/campaigns/{id}/vins");
        let bad = format!("VIN\n{}\n{}\n", vin(701), bad_vin(702).0);
        let rejected = post_csv(&web, &uri, &admin, bad.clone()).await;
        assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", rejected.body);
        assert_eq!(envelope_fields(&rejected), vec!["rows[3].vin"]);
        assert_eq!(rejected.json()["error"]["code"], "import_rejected");
        let dry = post_csv(&web, &format!("{uri}?dry_run=true"), &admin, bad).await;
        assert_eq!((dry.status, dry.json()["error_count"].as_i64()), (StatusCode::OK, Some(1)));
        let good = post_csv(&web, &uri, &admin, format!("VIN\n{}\n{}\n", vin(701), vin(702))).await;
        assert_eq!(good.status, StatusCode::CREATED, "{which:?}: {}", good.body);
        assert_eq!((good.json()["vehicles"].as_i64(), good.json()["known"].as_i64()), (Some(2), Some(1)));

        let flags = web
            .api(Method::GET, &format!("/api/v1/campaign-flags?vin={},{}", vin(701), vin(703)), Some(&token), None)
            .await;
        let items = flags.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1, "{which:?}: {}", flags.body);
        let cv = items[0]["campaign_vehicle_id"].as_str().unwrap().to_string();
        let contact = json!({"channel": "phone", "outcome": "booked"});
        let contacted = web
            .api(Method::POST, &format!("/api/v1/campaign-vehicles/{cv}/contacts"), Some(&token), Some(contact))
            .await;
        assert_eq!(contacted.status, StatusCode::CREATED, "{}", contacted.body);
        let early =
            web.api(Method::POST, &format!("/api/v1/campaign-vehicles/{cv}/unreachable"), Some(&token), None).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(early.json()["error"]["fields"][0]["code"], "campaign_contacts_needed");
        let done = json!({"repair_order_id": order.id});
        let done =
            web.api(Method::POST, &format!("/api/v1/campaign-vehicles/{cv}/done"), Some(&token), Some(done)).await;
        assert_eq!(done.json()["state"], "done", "{which:?}: {}", done.body);
        let claim = web.api(Method::POST, &format!("/api/v1/campaign-vehicles/{cv}/claim"), Some(&token), None).await;
        assert_eq!(claim.status, StatusCode::CREATED, "{which:?}: {}", claim.body);
        assert_eq!(
            (claim.json()["kind"].as_str(), claim.json()["amounts"]["total"].as_str()),
            (Some("campaign"), Some("400.00"))
        );

        let report = web.api(Method::GET, &format!("/api/v1/campaigns/{id}/report"), Some(&admin), None).await;
        let report = report.json();
        assert_eq!(report["campaign"]["completion"]["done"], 1, "{which:?}: {report}");
        assert_eq!(report["campaign"]["completion_percent"], "50.0");
        assert_eq!(report["vehicles"].as_array().unwrap().len(), 2);
        let mine = web.api(Method::GET, &format!("/api/v1/campaigns/{id}/vehicles"), Some(&token), None).await;
        assert_eq!(mine.json()["total"], 1, "{which:?}: the clerk sees BJ01's vehicle only");

        // A quality report is written, sent, and read back by the manufacturer's export.
        let vehicle_id = order.vehicle_id.clone();
        let report = json!({"vehicle_id": vehicle_id, "part_no": "12251-RNA-A01", "symptom": "冷车怠速抖动", "frequency": "frequent"});
        let made = web.api(Method::POST, "/api/v1/quality-reports", Some(&token), Some(report)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{which:?}: {}", made.body);
        let rid = made.json()["id"].as_str().unwrap().to_string();
        let sent = web
            .api(
                Method::POST,
                &format!("/api/v1/quality-reports/{rid}/send"),
                Some(&token),
                Some(json!({"departments": ["technical"]})),
            )
            .await;
        assert_eq!(sent.json()["state"], "sent", "{}", sent.body);
        let export = web.api(Method::GET, "/api/v1/quality-reports/export", Some(&admin), None).await;
        assert_eq!(export.json()["format"], "claimdesk.quality-reports/1");
        assert_eq!(export.json()["reports"][0]["departments"], json!(["technical"]));

        let bulletin = json!({"number": "TB-1", "brand": "广汽本田", "title": "怠速抖动处理", "body": "刷新ECU"});
        let published = web.api(Method::POST, "/api/v1/bulletins", Some(&admin), Some(bulletin)).await;
        assert_eq!(published.status, StatusCode::CREATED, "{which:?}: {}", published.body);
        let bid = published.json()["id"].as_str().unwrap().to_string();
        let manager = web.token("bj01.manager").await;
        let read = web.api(Method::POST, &format!("/api/v1/bulletins/{bid}/read"), Some(&manager), None).await;
        assert_eq!(read.json()["mine_unread"], false, "{which:?}: {}", read.body);
        let again = web.api(Method::POST, &format!("/api/v1/bulletins/{bid}/read"), Some(&manager), None).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn the_pages_flag_the_vehicle_list_the_campaign_and_export_the_report() {
    let web = Web::new(claimdesk_testkit::Which::Sqlite).await;
    set_up_brand(&web.world).await;
    let clerk = web.world.person("bj01.clerk", Some(&web.world.store_a), Role::WarrantyClerk).await;
    let order = warranty_order(&web.world, &clerk, 711).await;
    let admin = web.world.login("group.admin").await;
    let campaign = claimdesk_app::campaigns::create(
        &web.world.app,
        &admin,
        crate::services::campaigns::campaign_input("R2024-040"),
    )
    .await
    .unwrap();
    let csv = format!("车架号(VIN)\n{}\n", vin(711)).into_bytes();
    claimdesk_app::campaigns::import::import(&web.world.app, &admin, &campaign.id, csv).await.unwrap();
    let session = super::ui::log_in(&web, "bj01.clerk", crate::helpers::PASSWORD).await;
    let admin_session = super::ui::log_in(&web, "group.admin", crate::helpers::PASSWORD).await;

    let vehicle = web.get(&format!("/vehicles/{}", order.vehicle_id), &session).await;
    assert_eq!(vehicle.status, StatusCode::OK);
    let banner = select(&vehicle.html(), ".alert-banner a");
    assert_eq!(banner.len(), 1, "{}", vehicle.body);
    assert!(banner[0].contains("R2024-040") && banner[0].contains("召回"), "{banner:?}");
    for uri in [format!("/repair-orders/{}", order.id), format!("/repair-orders/new?vehicle_id={}", order.vehicle_id)] {
        let page = web.get(&uri, &session).await;
        assert_eq!(select(&page.html(), ".alert-banner a").len(), 1, "{uri}");
    }
    let list = web.get("/campaigns", &session).await;
    assert!(select(&list.html(), "td").iter().any(|cell| cell == "R2024-040"), "{}", list.body);
    let page = web.get(&format!("/campaigns/{}", campaign.id), &session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&vin(711)));
    let xlsx = web.get(&format!("/campaigns/{}/report.xlsx", campaign.id), &session).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    for uri in [
        "/campaigns.xlsx",
        "/quality/reports",
        "/quality/reports.xlsx",
        "/quality/proposals",
        "/quality/bulletins",
        "/quality/bulletins.xlsx",
    ] {
        assert_eq!(web.get(uri, &session).await.status, StatusCode::OK, "{uri}");
    }
    let form = web.get(&format!("/quality/reports/new?vehicle_id={}", order.vehicle_id), &session).await;
    assert_eq!(form.status, StatusCode::OK);
    let import = web.get(&format!("/campaigns/{}/import", campaign.id), &admin_session).await;
    assert_eq!(import.status, StatusCode::OK, "{}", import.body);
    assert_eq!(web.get(&format!("/campaigns/{}/import", campaign.id), &session).await.status, StatusCode::FORBIDDEN);
    assert_eq!(web.get("/campaigns/new", &admin_session).await.status, StatusCode::OK);
    assert_eq!(web.get("/quality/bulletins/new", &admin_session).await.status, StatusCode::OK);
}
