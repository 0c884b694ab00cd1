//! 三包 cases and the watch over HTTP: the API registers, answers and completes a return with money as
//! strings and names a bad field; the vehicle's watch and terms answer JSON; the pages show the alert on the
//! vehicle and the repair order, list and export the cases, and print the certificate and the terms.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{Web, envelope_fields, select};
use crate::helpers::backends;
use crate::services::sanbao_cases::{at, brand_with_n, car, people, two_brake_repairs};

#[tokio::test]
async fn a_return_goes_through_the_api_and_the_pages_show_the_marks() {
    for which in backends() {
        let web = Web::new(which).await;
        brand_with_n(&web.world).await;
        let (_, clerk) = people(&web.world).await;
        let vehicle = car(&web.world, &clerk, 801, "2024-01-05").await;
        two_brake_repairs(&web.world, &clerk, &vehicle).await;
        web.world.clock.set(at("2024-05-13T02:00:00Z"));
        let token = web.token("bj01.clerk").await;

        let watch = web.api(Method::GET, &format!("/api/v1/vehicles/{vehicle}/sanbao-watch"), Some(&token), None).await;
        assert_eq!(watch.status, StatusCode::OK, "{which:?}: {}", watch.body);
        assert_eq!(watch.json()["approaches"][0]["ground"], "serious_safety");

        let bad = json!({"vehicle_id": vehicle, "kind": "swap", "received_on": "2024-05-13"});
        let refused = web.api(Method::POST, "/api/v1/sanbao-cases", Some(&token), Some(bad)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}");
        assert_eq!(envelope_fields(&refused), vec!["kind"]);

        let body = json!({"vehicle_id": vehicle, "kind": "return", "received_on": "2024-05-13", "odometer_km": 10000,
            "fault": {"system": "brakes", "serious_safety": true}});
        let created = web.api(Method::POST, "/api/v1/sanbao-cases", Some(&token), Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{which:?}: {}", created.body);
        let case = created.json();
        let id = case["id"].as_str().unwrap().to_string();
        assert_eq!(case["entitled"], true);
        assert_eq!(case["reply_due_on"], "2024-05-27");
        let uri = |action: &str| format!("/api/v1/sanbao-cases/{id}/{action}");
        let accepted = web.api(Method::POST, &uri("decide"), Some(&token), Some(json!({"action": "accept"}))).await;
        assert_eq!(accepted.json()["status"], "accepted", "{which:?}: {}", accepted.body);
        let done =
            web.api(Method::POST, &uri("complete"), Some(&token), Some(json!({"registration_fee": "500.00"}))).await;
        assert_eq!(done.status, StatusCode::OK, "{which:?}: {}", done.body);
        assert_eq!(done.json()["use_compensation"], "10000.00", "money is a string");
        assert_eq!(done.json()["refund"], "190500.00", "{which:?}: 200,000 − 10,000 + 500");
        let listed = web.api(Method::GET, "/api/v1/sanbao-cases?status=completed", Some(&token), None).await;
        assert_eq!(listed.json()["total"], 1, "{which:?}: {}", listed.body);
        let terms = web.api(Method::GET, &format!("/api/v1/vehicles/{vehicle}/sanbao-terms"), Some(&token), None).await;
        assert_eq!(terms.json()["sanbao"]["last_day"], "2026-01-05", "{which:?}: {}", terms.body);
        assert_eq!(terms.json()["marks"][0]["mark"], "returned");

        let session = super::ui::log_in(&web, "bj01.clerk", crate::helpers::PASSWORD).await;
        let page = web.get(&format!("/vehicles/{vehicle}"), &session).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let cells = select(&page.html(), "table td");
        assert!(cells.iter().any(|cell| cell.contains("三包退车")), "the vehicle carries the mark: {cells:?}");
        let vehicles = web.get(&format!("/vehicles?q={}", crate::helpers::vin(801)), &session).await;
        let cells = select(&vehicles.html(), "table td");
        assert!(cells.iter().any(|cell| cell.contains("三包退车")), "the list carries the mark too: {cells:?}");
        let list = web.get("/sanbao-cases?status=completed", &session).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(select(&list.html(), "table td a").contains(&case["number"].as_str().unwrap().to_string()));
        assert_eq!(web.get("/sanbao-cases.xlsx", &session).await.status, StatusCode::OK);
        let print = web.get(&format!("/sanbao-cases/{id}/print"), &session).await;
        assert!(print.body.contains("退车证明") && print.body.contains("190500.00"), "{which:?}");
        let sheet = web.get(&format!("/vehicles/{vehicle}/sanbao-terms"), &session).await;
        assert!(sheet.body.contains("三包有效期") && sheet.body.contains("2026-01-05"), "{which:?}");
        let form = web.get(&format!("/sanbao-cases/new?vehicle_id={vehicle}"), &session).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);

        let admin = super::ui::log_in(&web, "group.admin", crate::helpers::PASSWORD).await;
        let brand = "/sanbao-terms/%E5%B9%BF%E6%B1%BD%E6%9C%AC%E7%94%B0";
        let page = web.get(brand, &admin).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = super::ui::csrf_of(&web, &admin).await;
        let pairs = [("_csrf", csrf.as_str()), ("use_compensation_percent", "0.9"), ("wear_parts[0].name", "雨刮片")];
        let bad = web.post_form(brand, &admin, &pairs).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}");
        let errors = select(&bad.html(), "div.error");
        assert!(!errors.is_empty(), "the errors are shown beside the fields: {}", bad.body);
    }
}
