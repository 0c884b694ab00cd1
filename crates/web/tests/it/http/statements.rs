//! Settlement over HTTP: the manufacturer's system posts its statement as JSON and as a CSV file, the lines
//! come back with their outcomes and money as strings, another store's finance gets 404, and an invoice
//! above the confirmed amount answers 422 naming the field.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use claimdesk_domain::access::Role;
use serde_json::json;

use super::{Web, envelope_fields};
use crate::helpers::backends;
use crate::services::claims::{claim_input, set_up_brand, warranty_order};

#[tokio::test]
async fn the_manufacturer_posts_a_statement_and_finance_reads_the_outcomes() {
    for which in backends() {
        let web = Web::new(which).await;
        set_up_brand(&web.world).await;
        let clerk = web.world.person("bj01.clerk", Some(&web.world.store_a), Role::WarrantyClerk).await;
        web.world.person("bj01.finance", Some(&web.world.store_a), Role::Finance).await;
        web.world.person("sh01.finance", Some(&web.world.store_b), Role::Finance).await;
        let order = warranty_order(&web.world, &clerk, 701).await;
        let claim = claimdesk_app::warranty::create(&web.world.app, &clerk, claim_input(&order)).await.unwrap();
        let token = web.token("bj01.finance").await;

        let body = json!({
            "counterparty": "广汽本田", "number": "API-1", "period": "2024-05",
            "lines": [
                {"reference": claim.number, "line": "1", "amount": "375.00"},
                {"reference": claim.number, "line": "2", "amount": "100.00", "reason": "按目录价"},
                {"reference": "WC19990101", "amount": 10}
            ]
        });
        let created = web.api(Method::POST, "/api/v1/settlement-statements", Some(&token), Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{which:?}: {}", created.body);
        let statement = created.json();
        let outcomes: Vec<&str> =
            statement["lines"].as_array().unwrap().iter().map(|l| l["outcome"].as_str().unwrap()).collect();
        assert_eq!(outcomes, vec!["paid", "cut", "unknown"], "{which:?}");
        assert_eq!(statement["confirmed"], "475.00", "money is a string");
        assert_eq!(statement["source"], "api");
        let id = statement["id"].as_str().unwrap().to_string();

        let csv = format!("索赔单号,行号,结算金额\n{},1,0\n", claim.number);
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/settlement-statements/import?counterparty=%E5%B9%BF%E6%B1%BD%E6%9C%AC%E7%94%B0&number=CSV-1&period=2024-05")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv))
            .unwrap();
        let imported = web.send(request).await;
        assert_eq!(imported.status, StatusCode::CREATED, "{which:?}: {}", imported.body);
        assert_eq!(imported.json()["lines"][0]["outcome"], "rejected");
        assert_eq!(imported.json()["source"], "csv");

        let list = web.api(Method::GET, "/api/v1/settlement-statements?per_page=10", Some(&token), None).await;
        assert_eq!(list.json()["total"], 2, "{which:?}");
        assert_eq!(list.json()["per_page"], 10);

        let over = web
            .api(
                Method::POST,
                &format!("/api/v1/settlement-statements/{id}/invoices"),
                Some(&token),
                Some(json!({"invoice_no": "FP1", "amount": "475.01"})),
            )
            .await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", over.body);
        assert_eq!(envelope_fields(&over), vec!["amount"]);

        let other = web.token("sh01.finance").await;
        let hidden = web.api(Method::GET, &format!("/api/v1/settlement-statements/{id}"), Some(&other), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{which:?}");
    }
}
