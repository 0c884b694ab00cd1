//! The JSON API: tokens, the error envelope, customers, pagination, store scoping, PATCH and the rules.

use axum::http::{Method, StatusCode};
use claimdesk_domain::access::Role;
use serde_json::json;

use super::{Web, envelope_fields};
use crate::helpers::{PASSWORD, backends, vin};

#[tokio::test]
async fn a_token_for_the_right_password_and_401_in_the_envelope_otherwise() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        let token = web.token("bj01.advisor").await;
        assert!(token.len() >= 32, "{token}");
        let me = web.api(Method::GET, "/api/v1/customers", Some(&token), None).await;
        assert_eq!(me.status, StatusCode::OK, "{which:?}: the token works");

        let wrong = json!({"username": "bj01.advisor", "password": "not-the-password"});
        let answer = web.api(Method::POST, "/api/v1/auth/token", None, Some(wrong)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{which:?}");
        assert!(envelope_fields(&answer).is_empty());
        assert_eq!(answer.json()["error"]["code"], "login_failed");

        let none = web.api(Method::GET, "/api/v1/customers", None, None).await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED, "{which:?}");
        envelope_fields(&none);
        assert_eq!(none.json()["error"]["code"], "unauthenticated");
        let forged = web.api(Method::GET, "/api/v1/customers", Some("0123456789abcdef"), None).await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{which:?}");
    }
}

#[tokio::test]
async fn the_sixth_try_after_five_wrong_passwords_is_throttled() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        // A minute after the builder's own login (failures count from the last success).
        web.world.clock.set("2024-05-13T02:01:00Z".parse().unwrap());
        for attempt in 1..=5 {
            let wrong = json!({"username": "bj01.advisor", "password": format!("guess-{attempt}")});
            let answer = web.api(Method::POST, "/api/v1/auth/token", None, Some(wrong)).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{which:?}: attempt {attempt}");
        }
        // Even the right password waits now.
        let right = json!({"username": "bj01.advisor", "password": PASSWORD});
        let answer = web.api(Method::POST, "/api/v1/auth/token", None, Some(right.clone())).await;
        assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{which:?}: {}", answer.body);
        envelope_fields(&answer);
        assert_eq!(answer.json()["error"]["code"], "throttled");
        // After the window the account works again.
        web.world.clock.advance_hours(1);
        let answer = web.api(Method::POST, "/api/v1/auth/token", None, Some(right)).await;
        assert_eq!(answer.status, StatusCode::OK, "{which:?}: {}", answer.body);
    }
}

#[tokio::test]
async fn customers_through_the_api() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        let token = web.token("bj01.advisor").await;

        let bad =
            web.api(Method::POST, "/api/v1/customers", Some(&token), Some(json!({"name": "", "phone": "12345"}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", bad.body);
        let fields = envelope_fields(&bad);
        assert!(fields.contains(&"name".to_string()) && fields.contains(&"phone".to_string()), "{fields:?}");
        let body = bad.json();
        let name = body["error"]["fields"].as_array().unwrap().iter().find(|f| f["field"] == "name").unwrap().clone();
        assert_eq!(name["code"], "required");
        assert!(name["message_zh"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{name}");
        assert!(name["message_en"].as_str().unwrap().is_ascii(), "{name}");
        assert_eq!(web.world.count("customers").await, 0);

        let new = json!({
            "name": "周杰", "mobile": "13912345678",
            "vehicle": {"vin": vin(901), "plate": "京N90100", "brand": "广汽本田", "model": "雅阁", "sale_price": "200000.00"}
        });
        let created = web.api(Method::POST, "/api/v1/customers", Some(&token), Some(new)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{which:?}: {}", created.body);
        let customer = created.json();
        assert_eq!(customer["vehicles"][0]["sale_price"], json!("200000.00"), "money is a string");
        assert_eq!(customer["name"], "周杰");
        let id = customer["id"].as_str().unwrap().to_string();

        let page = web.api(Method::GET, "/api/v1/customers?page=1&per_page=10", Some(&token), None).await;
        assert_eq!(page.status, StatusCode::OK);
        let page = page.json();
        let mut keys: Vec<&str> = page.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, vec!["items", "page", "per_page", "total"], "{which:?}");
        assert_eq!(
            (page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()),
            (Some(1), Some(1), Some(10))
        );
        assert_eq!(page["items"][0]["id"], id.as_str());

        // PATCH one field; the others stay.
        let patched = web
            .api(
                Method::PATCH,
                &format!("/api/v1/customers/{id}"),
                Some(&token),
                Some(json!({"notes": "喜欢周末来店"})),
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{which:?}: {}", patched.body);
        let patched = patched.json();
        assert_eq!(patched["notes"], "喜欢周末来店");
        assert_eq!((patched["name"].as_str(), patched["mobile"].as_str()), (Some("周杰"), Some("13912345678")));
        assert_eq!(patched["version"], 2);
        assert_eq!(patched["vehicles"][0]["vin"], customer["vehicles"][0]["vin"], "{which:?}: the vehicle stays");

        let stale = web
            .api(
                Method::PATCH,
                &format!("/api/v1/customers/{id}"),
                Some(&token),
                Some(json!({"notes": "x", "version": 1})),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{which:?}: {}", stale.body);
        envelope_fields(&stale);
        assert_eq!(stale.json()["error"]["code"], "stale_version");
        let invalid = web
            .api(Method::PATCH, &format!("/api/v1/customers/{id}"), Some(&token), Some(json!({"mobile": "12"})))
            .await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(envelope_fields(&invalid), vec!["mobile"]);

        let history = web.api(Method::GET, &format!("/api/v1/customers/{id}/history"), Some(&token), None).await;
        let actions: Vec<String> = history.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(actions, vec!["create", "update"], "{which:?}");
    }
}

#[tokio::test]
async fn another_stores_customer_answers_404_exactly_like_a_missing_one() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        web.world.person("sh01.advisor", Some(&web.world.store_b), Role::ServiceAdvisor).await;
        let bj = web.token("bj01.advisor").await;
        let sh = web.token("sh01.advisor").await;
        let new = json!({"name": "北京客户", "mobile": "13912345678"});
        let created = web.api(Method::POST, "/api/v1/customers", Some(&bj), Some(new)).await.json();
        let id = created["id"].as_str().unwrap();

        let theirs = web.api(Method::GET, &format!("/api/v1/customers/{id}"), Some(&sh), None).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{which:?}: {}", theirs.body);
        envelope_fields(&theirs);
        let missing = web.api(Method::GET, "/api/v1/customers/no-such-id", Some(&sh), None).await;
        assert_eq!((missing.status, missing.body.as_str()), (theirs.status, theirs.body.as_str()), "indistinguishable");
        let patch =
            web.api(Method::PATCH, &format!("/api/v1/customers/{id}"), Some(&sh), Some(json!({"name": "改"}))).await;
        assert_eq!(patch.status, StatusCode::NOT_FOUND);
        let list = web.api(Method::GET, "/api/v1/customers", Some(&sh), None).await.json();
        assert_eq!(list["total"], 0, "{which:?}");
        let own = web.api(Method::GET, &format!("/api/v1/customers/{id}"), Some(&bj), None).await;
        assert_eq!(own.status, StatusCode::OK);
        assert_eq!(own.json()["customer"]["name"], "北京客户");
    }
}

#[tokio::test]
async fn the_rules_answer_and_an_unknown_rule_is_a_404_envelope() {
    let web = Web::new(claimdesk_testkit::Which::Sqlite).await;
    let good = web.api(Method::POST, "/api/v1/rules/vin", None, Some(json!({"text": vin(5)}))).await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
    assert_eq!(good.json()["valid"], true);
    let (bad, right) = crate::helpers::bad_vin(5);
    let answer = web.api(Method::POST, "/api/v1/rules/vin", None, Some(json!({"text": bad}))).await.json();
    assert_eq!(answer["valid"], false, "{answer}");
    assert!(answer.to_string().contains("vin_check_digit"), "{answer}");
    assert!(answer.to_string().contains(&format!("VIN 第9位校验位应为 {right}")), "{answer}");

    let unknown = web.api(Method::POST, "/api/v1/rules/no-such-rule", None, Some(json!({}))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    envelope_fields(&unknown);
    assert_eq!(unknown.json()["error"]["code"], "unknown_rule");
    let missing = web.api(Method::GET, "/api/v1/no-such-thing", None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    envelope_fields(&missing);
}
