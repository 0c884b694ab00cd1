//! The OpenAPI document lists every route the API serves, with every method the route answers.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;

use super::Web;

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_method() {
    let web = Web::new(claimdesk_testkit::Which::Sqlite).await;
    let answer = web.api(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.json();
    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", document["openapi"]);
    let paths = document["paths"].as_object().expect("paths");

    let mut problems = Vec::new();
    for (path, _) in claimdesk_web::router::api_route_table() {
        let full = format!("/api/v1{path}");
        let documented: Option<&Value> = paths.get(&full);
        if documented.is_none() {
            problems.push(format!("{full} is served but not documented"));
        }
        // Ask the router which methods the path answers: any answer but 405 means it is routed.
        let concrete = full
            .replace("{id}", "x")
            .replace("{action}", "start")
            .replace("{rule}", "vin")
            .replace("{brand}", "x")
            .replace("{catalogue}", "parts");
        for method in [Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE] {
            let request = Request::builder().method(method.clone()).uri(&concrete).body(Body::empty()).unwrap();
            let status = web.send(request).await.status;
            assert_ne!(
                status,
                StatusCode::NOT_FOUND,
                "{method} {concrete}: the fallback answered, so the path is not routed"
            );
            let routed = status != StatusCode::METHOD_NOT_ALLOWED;
            let listed = documented.is_some_and(|item| item.get(method.as_str().to_lowercase()).is_some());
            if routed && !listed {
                problems.push(format!("{method} {full} is served but not documented"));
            }
            if listed && !routed {
                problems.push(format!("{method} {full} is documented but not served"));
            }
        }
    }
    let served: Vec<String> =
        claimdesk_web::router::api_route_table().iter().map(|(path, _)| format!("/api/v1{path}")).collect();
    for path in paths.keys() {
        if !served.contains(path) {
            problems.push(format!("{path} is documented but not served"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
