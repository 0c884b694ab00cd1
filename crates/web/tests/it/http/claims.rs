//! Warranty claims over HTTP: the manufacturer's system fetches submitted claims in the documented export
//! shape and posts decisions; a check that stops answers 422 naming each finding; another store answers 404;
//! the clerk's pages render with only the actions the state allows.

use axum::http::{Method, StatusCode};
use claimdesk_domain::access::Role;
use serde_json::json;

use super::{Web, envelope_fields, select};
use crate::helpers::backends;
use crate::services::claims::{set_up_brand, warranty_order};

#[tokio::test]
async fn the_api_files_checks_submits_exports_and_takes_the_decision() {
    for which in backends() {
        let web = Web::new(which).await;
        set_up_brand(&web.world).await;
        let clerk = web.world.person("bj01.clerk", Some(&web.world.store_a), Role::WarrantyClerk).await;
        web.world.person("sh01.clerk", Some(&web.world.store_b), Role::WarrantyClerk).await;
        let order = warranty_order(&web.world, &clerk, 601).await;
        let token = web.token("bj01.clerk").await;

        let body = json!({"repair_order_id": order.id, "symptom": "抖动", "cause": "垫片漏气", "correction": "更换", "failure_code": "P0300"});
        let created = web.api(Method::POST, "/api/v1/warranty-claims", Some(&token), Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{which:?}: {}", created.body);
        let claim = created.json();
        let id = claim["id"].as_str().unwrap().to_string();
        assert_eq!(claim["amounts"]["total"], "495.00", "money is a string");
        assert_eq!(claim["lines"][0]["hours"], "2.5");

        let uri = |action: &str| format!("/api/v1/warranty-claims/{id}/{action}");
        let stopped = web.api(Method::POST, &uri("check"), Some(&token), Some(json!({}))).await;
        assert_eq!(stopped.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", stopped.body);
        let fields = envelope_fields(&stopped);
        assert_eq!(fields, vec!["labor[0].hours", "parts[0].unit_price"], "{which:?}");
        assert_eq!(stopped.json()["error"]["fields"][0]["code"], "check_hours_above_standard");
        assert!(stopped.json()["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("高于标准工时 2"));

        let patch = json!({"lines": [
            {"kind": "labor", "code": "10-01", "hours": "2"},
            {"kind": "part", "code": "12251-RNA-A01", "unit_price": "100.00", "role": "causal", "supplier_code": "s-001"}
        ]});
        let patched = web.api(Method::PATCH, &format!("/api/v1/warranty-claims/{id}"), Some(&token), Some(patch)).await;
        assert_eq!(patched.status, StatusCode::OK, "{which:?}: {}", patched.body);
        assert_eq!(patched.json()["amounts"]["total"], "400.00");
        assert_eq!(patched.json()["lines"][1]["supplier_code"], "S-001");
        let checked = web.api(Method::POST, &uri("check"), Some(&token), None).await;
        assert_eq!(checked.status, StatusCode::OK, "{which:?}: {}", checked.body);
        assert_eq!(checked.json()["state"], "checked");
        let submitted = web.api(Method::POST, &uri("submit"), Some(&token), None).await;
        assert_eq!(submitted.json()["state"], "submitted", "{}", submitted.body);

        let export = web.api(Method::GET, "/api/v1/warranty-claims/export?state=submitted", Some(&token), None).await;
        assert_eq!(export.status, StatusCode::OK, "{which:?}: {}", export.body);
        let document = export.json();
        assert_eq!(document["format"], "claimdesk.warranty-claims/1");
        assert_eq!(document["count"], 1);
        let sent = &document["claims"][0];
        assert_eq!(sent["dealer_code"], "BJ01");
        assert_eq!(sent["failure_code"], "P0300");
        assert_eq!(sent["labor_rate"], "150.00");
        assert_eq!(sent["lines"][0]["standard_hours"], "2");
        assert_eq!(sent["lines"][1]["role"], "causal");
        assert_eq!(sent["amounts"], json!({"labor": "300.00", "parts": "100.00", "sublet": "0.00", "total": "400.00"}));
        for key in [
            "id",
            "number",
            "vin",
            "repair_date",
            "mileage",
            "symptom",
            "cause",
            "correction",
            "version",
            "submitted_at",
        ] {
            assert!(!sent[key].is_null(), "{key} in {sent}");
        }

        let other = web.token("sh01.clerk").await;
        let hidden = web.api(Method::GET, &format!("/api/v1/warranty-claims/{id}"), Some(&other), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{which:?}");
        envelope_fields(&hidden);
        let none = web.api(Method::GET, "/api/v1/warranty-claims/export", Some(&other), None).await;
        assert_eq!(none.json()["count"], 0);

        let bad = json!({"lines": [{"verdict": "approved"}, {"verdict": "cut", "amount": "500.00", "reason": "高"}]});
        let refused = web.api(Method::POST, &uri("decide"), Some(&token), Some(bad)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}");
        assert_eq!(envelope_fields(&refused), vec!["lines[1].amount"]);
        let decision = json!({"lines": [{"verdict": "approved"}, {"verdict": "deducted", "reason": "次因件不予索赔"}]});
        let decided = web.api(Method::POST, &uri("decide"), Some(&token), Some(decision)).await;
        assert_eq!(decided.status, StatusCode::OK, "{which:?}: {}", decided.body);
        assert_eq!(decided.json()["state"], "partly_approved");
        assert_eq!(decided.json()["approved"], "300.00");
        let again = web.api(Method::POST, &uri("submit"), Some(&token), None).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{which:?}");
        assert_eq!(again.json()["error"]["code"], "illegal_transition");

        let found = web
            .api(Method::GET, "/api/v1/warranty-claims?state=partly_approved&failure_code=P0300", Some(&token), None)
            .await;
        assert_eq!(found.json()["total"], 1, "{which:?}: {}", found.body);
        assert_eq!(found.json()["items"][0]["amounts"]["total"], "400.00");

        let brand = "/api/v1/warranty-settings/%E5%B9%BF%E6%B1%BD%E6%9C%AC%E7%94%B0";
        let settings = web.api(Method::GET, brand, Some(&token), None).await;
        assert_eq!(settings.status, StatusCode::OK, "{which:?}: {}", settings.body);
        assert_eq!(settings.json()["settings"]["labor_rate"], "150.00");
    }
}

#[tokio::test]
async fn the_clerk_pages_show_the_claim_with_its_findings_and_only_allowed_actions() {
    let web = Web::new(claimdesk_testkit::Which::Sqlite).await;
    set_up_brand(&web.world).await;
    let clerk = web.world.person("bj01.clerk", Some(&web.world.store_a), Role::WarrantyClerk).await;
    let order = warranty_order(&web.world, &clerk, 602).await;
    let claim = claimdesk_app::warranty::create(&web.world.app, &clerk, crate::services::claims::claim_input(&order))
        .await
        .unwrap();
    claimdesk_app::warranty::check(&web.world.app, &clerk, &claim.id, Default::default()).await.unwrap();
    let session = super::ui::log_in(&web, "bj01.clerk", crate::helpers::PASSWORD).await;

    let page = web.get(&format!("/warranty-claims/{}", claim.id), &session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.html();
    assert!(select(&html, "h1 .tag").contains(&"草稿".to_string()), "{:?}", select(&html, "h1"));
    let buttons = select(&html, ".page-head .actions button, .page-head .actions a");
    assert!(buttons.iter().any(|b| b == "作废"), "{buttons:?}");
    assert!(!buttons.iter().any(|b| b == "提交厂家"), "a draft offers no submit: {buttons:?}");
    let findings = select(&html, "table td");
    assert!(findings.iter().any(|cell| cell.contains("高于标准工时")), "{findings:?}");
    let pairs = select(&html, "dd");
    assert!(pairs.iter().any(|value| value.contains("修")), "the eligibility is shown: {pairs:?}");

    let list = web.get("/warranty-claims?failure_code=P0300", &session).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(select(&list.html(), "table td a").contains(&claim.number));
    let new = web.get(&format!("/warranty-claims/new?repair_order_id={}", order.id), &session).await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.body);
    let order_page = web.get(&format!("/repair-orders/{}", order.id), &session).await;
    assert!(select(&order_page.html(), ".page-head .actions a").contains(&"新建索赔".to_string()));
    let xlsx = web.get("/warranty-claims.xlsx", &session).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let print = web.get(&format!("/warranty-claims/{}/print", claim.id), &session).await;
    assert_eq!(print.status, StatusCode::OK);

    let admin = super::ui::log_in(&web, "group.admin", crate::helpers::PASSWORD).await;
    let settings = web.get("/warranty/settings/%E5%B9%BF%E6%B1%BD%E6%9C%AC%E7%94%B0", &admin).await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.body);
    assert!(select(&settings.html(), "td").contains(&"12251-RNA-A01".to_string()));
}
