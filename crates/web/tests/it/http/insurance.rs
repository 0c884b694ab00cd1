//! Motor insurance through the API: an insurer's system records a policy, renews it, and another store
//! answers 404.

use axum::http::{Method, StatusCode};
use claimdesk_domain::access::Role;
use serde_json::json;

use super::{Web, envelope_fields};
use crate::helpers::backends;

#[tokio::test]
async fn insurers_and_policies_through_the_api() {
    for which in backends() {
        let web = Web::new(which).await;
        let world = &web.world;
        world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        world.person("sh01.ins", Some(&world.store_b), Role::InsuranceSpecialist).await;
        let admin = web.token("bj01.admin").await;
        let stranger = web.token("sh01.ins").await;

        let insurer = web
            .api(Method::POST, "/api/v1/insurers", Some(&admin), Some(json!({"code": "PICC", "name": "人保财险"})))
            .await;
        assert_eq!(insurer.status, StatusCode::CREATED, "{which:?}: {}", insurer.body);
        let insurer_id = insurer.json()["id"].as_str().unwrap().to_string();
        let cover = json!({"cover": "own_damage", "commission_percent": "15", "valid_from": "2024-01-01"});
        let added =
            web.api(Method::POST, &format!("/api/v1/insurers/{insurer_id}/covers"), Some(&admin), Some(cover)).await;
        assert_eq!(added.status, StatusCode::CREATED, "{which:?}: {}", added.body);

        let customer = web
            .api(
                Method::POST,
                "/api/v1/customers",
                Some(&admin),
                Some(json!({"name": "周杰", "mobile": "13912345678",
                    "vehicle": {"vin": crate::helpers::vin(7), "plate": crate::helpers::plate(7)}})),
            )
            .await;
        assert_eq!(customer.status, StatusCode::CREATED, "{which:?}: {}", customer.body);
        let vehicle_id = customer.json()["vehicles"][0]["id"].as_str().unwrap().to_string();

        let mut policy = json!({
            "insurer_id": insurer_id, "vehicle_id": vehicle_id, "invoice_no": "04403221",
            "owner_id_no": "110105194912310021", "policy_no": "PDAA2024009",
            "starts_on": "2024-05-14", "ends_on": "2025-05-13",
            "covers": [{"cover": "own_damage", "sum_insured": "180000.00", "premium": "3210.55"}]
        });
        let bad = web.api(Method::POST, "/api/v1/insurance-policies", Some(&admin), Some(policy.clone())).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", bad.body);
        assert!(envelope_fields(&bad).contains(&"owner_id_no".to_string()));
        policy["owner_id_no"] = json!("11010519491231002X");
        let created = web.api(Method::POST, "/api/v1/insurance-policies", Some(&admin), Some(policy)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{which:?}: {}", created.body);
        let body = created.json();
        assert_eq!(body["premium"], "3210.55");
        assert_eq!(body["commission"], "481.58");
        let id = body["id"].as_str().unwrap().to_string();

        let renewal = web
            .api(
                Method::POST,
                &format!("/api/v1/insurance-policies/{id}/renewal"),
                Some(&admin),
                Some(json!({"outcome": "declined"})),
            )
            .await;
        assert_eq!(renewal.status, StatusCode::OK, "{which:?}: {}", renewal.body);
        assert_eq!(renewal.json()["renewal_outcome"], "declined");
        let list = web.api(Method::GET, "/api/v1/insurance-policies?q=PDAA", Some(&admin), None).await;
        assert_eq!(list.json()["total"], 1, "{which:?}: {}", list.body);

        let hidden = web.api(Method::GET, &format!("/api/v1/insurance-policies/{id}"), Some(&stranger), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{which:?}");
        let none = web.api(Method::GET, "/api/v1/insurance-policies", Some(&stranger), None).await;
        assert_eq!(none.json()["total"], 0, "{which:?}");
    }
}

#[tokio::test]
async fn the_insurer_page_edits_the_insurer_and_names_the_bad_field() {
    for which in backends() {
        let web = Web::new(which).await;
        let world = &web.world;
        let admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let insurer = claimdesk_app::insurance::insurers::create(
            &world.app,
            &admin,
            claimdesk_app::insurance::insurers::InsurerInput {
                code: "PAIC".into(),
                name: "平安财险".into(),
                active: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let session = super::ui::log_in(&web, "bj01.admin", crate::helpers::PASSWORD).await;
        let csrf = super::ui::csrf_of(&web, &session).await;
        let path = format!("/insurance/insurers/{}", insurer.id);
        let refused =
            web.post_form(&path, &session, &[("_csrf", &csrf), ("code", "PAIC"), ("name", " "), ("active", "1")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", refused.body);
        assert_eq!(super::select(&refused.html(), "#f-name-error"), vec!["此项必填"], "{which:?}");
        assert_eq!(super::attr(&refused.html(), "#f-code", "value").as_deref(), Some("PAIC"), "input kept");
        let saved = web
            .post_form(&path, &session, &[("_csrf", &csrf), ("code", "PAIC"), ("name", "平安产险"), ("phone", "95511")])
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{which:?}: {}", saved.body);
        let page = web.get(&path, &session).await;
        assert!(page.body.contains("平安产险") && page.body.contains("已停止代理"), "{which:?}");
    }
}
