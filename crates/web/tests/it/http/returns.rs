//! Parts return over HTTP: the waiting tags listed, a shipment proposed, packing refused with each unweighed
//! part named in the error envelope, tags weighed by PATCH, packed, shipped, and the manufacturer's
//! inspection posted through the API with a debit; another store answers 404; the pages and the label sheet
//! render.

use axum::http::{Method, StatusCode};
use claimdesk_domain::access::Role;
use serde_json::json;

use super::ui::{csrf_of, log_in};
use super::{Web, envelope_fields, select};
use crate::helpers::{PASSWORD, backends};
use crate::services::claims::set_up_brand;
use crate::services::returns::submitted_claim;

#[tokio::test]
async fn the_api_proposes_packs_ships_and_takes_the_inspection() {
    for which in backends() {
        let web = Web::new(which).await;
        set_up_brand(&web.world).await;
        let clerk = web.world.person("bj01.clerk", Some(&web.world.store_a), Role::WarrantyClerk).await;
        web.world.person("sh01.clerk", Some(&web.world.store_b), Role::WarrantyClerk).await;
        submitted_claim(&web.world, &clerk, 701).await;
        submitted_claim(&web.world, &clerk, 702).await;
        let token = web.token("bj01.clerk").await;

        let waiting = web.api(Method::GET, "/api/v1/part-tags?state=waiting", Some(&token), None).await;
        assert_eq!(waiting.status, StatusCode::OK, "{which:?}: {}", waiting.body);
        assert_eq!((waiting.json()["total"].as_i64(), waiting.json()["page"].as_i64()), (Some(2), Some(1)));

        let proposed =
            web.api(Method::POST, "/api/v1/return-shipments", Some(&token), Some(json!({"brand": "广汽本田"}))).await;
        assert_eq!(proposed.status, StatusCode::CREATED, "{which:?}: {}", proposed.body);
        let shipment = proposed.json();
        let id = shipment["id"].as_str().unwrap().to_string();
        let uri = |action: &str| format!("/api/v1/return-shipments/{id}/{action}");

        let refused = web.api(Method::POST, &uri("pack"), Some(&token), Some(json!({}))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", refused.body);
        assert_eq!(envelope_fields(&refused).len(), 2);
        assert_eq!(refused.json()["error"]["fields"][0]["code"], "weight_required");
        assert!(refused.json()["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("尚未称重"));

        let tags: Vec<(String, String)> = shipment["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["id"].as_str().unwrap().to_string(), t["number"].as_str().unwrap().to_string()))
            .collect();
        for (tag, _) in &tags {
            let body =
                json!({"weight_kg": "2.5", "location": "B-02-01", "length_cm": 30, "width_cm": 20, "height_cm": 5});
            let weighed = web.api(Method::PATCH, &format!("/api/v1/part-tags/{tag}"), Some(&token), Some(body)).await;
            assert_eq!(weighed.status, StatusCode::OK, "{which:?}: {}", weighed.body);
            assert_eq!(weighed.json()["weight_kg"], "2.5");
        }
        let packed = web.api(Method::POST, &uri("pack"), Some(&token), None).await;
        assert_eq!(packed.status, StatusCode::OK, "{which:?}: {}", packed.body);
        assert_eq!((packed.json()["box_count"].as_i64(), packed.json()["weight_kg"].as_str()), (Some(1), Some("5")));

        let shipped = web
            .api(
                Method::POST,
                &uri("ship"),
                Some(&token),
                Some(json!({"carrier": "德邦物流", "tracking_no": "DPK300012"})),
            )
            .await;
        assert_eq!(shipped.json()["state"], "shipped", "{which:?}: {}", shipped.body);

        let other = web.token("sh01.clerk").await;
        let hidden = web.api(Method::GET, &format!("/api/v1/return-shipments/{id}"), Some(&other), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{which:?}");

        let bad = web
            .api(
                Method::POST,
                &uri("inspect"),
                Some(&token),
                Some(json!({"items": [{"tag": "nope", "result": "accepted"}]})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", bad.body);
        let items = json!({"items": [
            {"tag": tags[0].1, "result": "accepted"},
            {"tag": tags[1].1, "result": "missing"},
        ]});
        let inspected = web.api(Method::POST, &uri("inspect"), Some(&token), Some(items)).await;
        assert_eq!(inspected.status, StatusCode::OK, "{which:?}: {}", inspected.body);
        assert_eq!(inspected.json()["state"], "inspected");
        assert_eq!(inspected.json()["debit"], "100.00", "money is a string");
        assert_eq!(inspected.json()["debits"][0]["reason"], "missing");

        // The pages: the shipment with its boxes, and the tags' label sheet with a QR code each.
        let cookies = log_in(&web, "bj01.clerk", PASSWORD).await;
        let page = web.get(&format!("/return-shipments/{id}"), &cookies).await;
        assert_eq!(page.status, StatusCode::OK, "{which:?}");
        assert!(select(&page.html(), "main h1 .tag").contains(&"已鉴定".to_string()), "{which:?}");
        let claim_id = inspected.json()["debits"][0]["claim_id"].as_str().unwrap().to_string();
        let claim_page = web.get(&format!("/warranty-claims/{claim_id}"), &cookies).await;
        assert!(
            claim_page.body.contains("旧件扣款") && claim_page.body.contains("¥100.00"),
            "{which:?}: the claim shows its debit"
        );
        let labels = web.get("/part-tags/labels?state=", &cookies).await;
        assert_eq!(labels.html().select(&scraper::Selector::parse(".label-sheet svg").unwrap()).count(), 2);
        let export = web.get("/return-shipments.xlsx", &cookies).await;
        assert_eq!(export.status, StatusCode::OK, "{which:?}");
    }
}

#[tokio::test]
async fn the_pages_keep_a_bad_weight_beside_its_field_and_the_admin_sets_the_rules() {
    for which in backends() {
        let web = Web::new(which).await;
        set_up_brand(&web.world).await;
        let clerk = web.world.person("bj01.clerk", Some(&web.world.store_a), Role::WarrantyClerk).await;
        let claim = submitted_claim(&web.world, &clerk, 711).await;
        let session = log_in(&web, "bj01.clerk", PASSWORD).await;
        let csrf = csrf_of(&web, &session).await;

        let list = web.get("/part-tags", &session).await;
        assert_eq!(list.status, StatusCode::OK, "{which:?}");
        let numbers = select(&list.html(), "main table tbody tr td:first-child");
        assert_eq!(numbers, vec![format!("{}-02", claim.number)], "{which:?}: the waiting part");
        let tag = crate::services::returns::first_tag(&web.world, &clerk, &claim.id).await;

        let uri = format!("/part-tags/{tag}");
        let bad = web.post_form(&uri, &session, &[("_csrf", &csrf), ("location", "C-01"), ("weight_kg", "abc")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", bad.body);
        let html = bad.html();
        assert_eq!(select(&html, ".field.has-error #f-weight_kg-error"), vec!["不是有效的数字：abc".to_string()]);
        assert_eq!(super::attr(&html, "#f-location", "value").as_deref(), Some("C-01"), "{which:?}: input kept");
        let good = web.post_form(&uri, &session, &[("_csrf", &csrf), ("location", "C-01"), ("weight_kg", "1.2")]).await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "{which:?}: {}", good.body);

        // A clerk may read the brand's return rules but not change them; the group admin may.
        let rules_uri = format!("/warranty/settings/{}/returns", claimdesk_web::extract::urlencode("广汽本田"));
        let denied = web.post_form(&rules_uri, &session, &[("_csrf", &csrf), ("cycle_months", "1")]).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{which:?}");
        let admin = log_in(&web, "group.admin", PASSWORD).await;
        let admin_csrf = csrf_of(&web, &admin).await;
        let form = [
            ("_csrf", admin_csrf.as_str()),
            ("cycle_months", "3"),
            ("ship_by_day", "25"),
            ("min_unit_price", "500"),
            ("part_prefixes", "31500-, 38810-"),
            ("hold_days", "60"),
            ("limits.max_parts", "10"),
            ("limits.max_weight_kg", "abc"),
            ("limits.hazardous_per_box", "1"),
        ];
        let refused = web.post_form(&rules_uri, &admin, &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", refused.body);
        assert_eq!(select(&refused.html(), ".field.has-error").len(), 1, "{which:?}");
        let mut fixed = form;
        fixed[7] = ("limits.max_weight_kg", "18.5");
        let saved = web.post_form(&rules_uri, &admin, &fixed).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{which:?}: {}", saved.body);
        let rules = web.get(&rules_uri, &admin).await;
        assert_eq!(super::attr(&rules.html(), "#f-limits-max_weight_kg", "value").as_deref(), Some("18.5"));
        assert_eq!(super::attr(&rules.html(), "#f-part_prefixes", "value").as_deref(), Some("31500-, 38810-"));
    }
}
