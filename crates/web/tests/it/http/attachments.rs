//! Files through the API and the pages: a multipart upload and a raw one, the download's headers that
//! keep an uploaded file from acting as a page of the site, the gallery on the repair order, and 404 for
//! another store.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_domain::access::Role;

use super::ui::{csrf_of, log_in};
use super::{Web, attr, envelope_fields, select};
use crate::helpers::{PASSWORD, backends};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
const BOUNDARY: &str = "claimdesk-test-boundary";

fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .bytes(),
    );
    body.extend(file.1);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    body
}

fn post(uri: &str, auth: (&str, &str), content_type: &str, body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(auth.0, auth.1)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn photos_through_the_api_and_the_repair_order_page() {
    for which in backends() {
        let web = Web::new(which).await;
        let world = &web.world;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        world.person("sh01.advisor", Some(&world.store_b), Role::ServiceAdvisor).await;
        let customer = world.customer(&advisor, "吴用", 11).await;
        let input = RepairOrderInput {
            vehicle_id: customer.vehicles[0].id.clone(),
            kind: "repair".into(),
            mileage_in: Some(9_000),
            complaint: "刮擦".into(),
            ..RepairOrderInput::default()
        };
        let order = repair_orders::create(&world.app, &advisor, input).await.unwrap().id;
        let token = web.token("bj01.advisor").await;
        let bearer = format!("Bearer {token}");

        let sent = multipart(
            &[("owner_kind", "repair_order"), ("owner_id", &order), ("kind", "photo"), ("note", "右后门")],
            ("刮痕.png", PNG),
        );
        let answer = web
            .send(post(
                "/api/v1/attachments",
                ("authorization", &bearer),
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                sent,
            ))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{which:?}: {}", answer.body);
        let row = answer.json();
        assert_eq!((row["file_name"].as_str(), row["content_type"].as_str()), (Some("刮痕.png"), Some("image/png")));
        let id = row["id"].as_str().unwrap().to_string();

        let raw = post(
            &format!("/api/v1/attachments?owner_kind=repair_order&owner_id={order}&kind=photo"),
            ("authorization", &bearer),
            "text/html",
            b"<html><script>alert(1)</script></html>".to_vec(),
        );
        let refused = web.send(raw).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}: {}", refused.body);
        assert_eq!(envelope_fields(&refused), vec!["file"]);

        let content = web.api(Method::GET, &format!("/api/v1/attachments/{id}/content"), Some(&token), None).await;
        assert_eq!(content.status, StatusCode::OK);
        assert_eq!(content.headers[header::CONTENT_TYPE], "image/png");
        assert_eq!(content.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(content.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("sandbox"));
        // The body arrives as text here; the length and the readable tail show the bytes came back whole.
        assert_eq!(content.headers[header::CONTENT_LENGTH], PNG.len().to_string().as_str());
        assert!(content.body.ends_with("IHDR\0\0\0\u{1}"), "{:?}", content.body);
        let listed = web
            .api(
                Method::GET,
                &format!("/api/v1/attachments?owner_kind=repair_order&owner_id={order}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(listed.json()["total"], 1, "{which:?}: {}", listed.body);

        let stranger = web.token("sh01.advisor").await;
        let hidden = web.api(Method::GET, &format!("/api/v1/attachments/{id}/content"), Some(&stranger), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{which:?}");

        // The page shows the photo and takes another through its form, CSRF-checked.
        let session = log_in(&web, "bj01.advisor", PASSWORD).await;
        let page = web.get(&format!("/repair-orders/{order}"), &session).await;
        let html = page.html();
        assert_eq!(attr(&html, ".gallery-item img", "src"), Some(format!("/attachments/{id}")));
        let action = attr(&html, "form.upload-form", "action").expect("upload form");
        let csrf = csrf_of(&web, &session).await;
        let upload = |csrf: &str| {
            let body = multipart(&[("_csrf", csrf), ("kind", "invoice")], ("发票.pdf", b"%PDF-1.4 test"));
            Request::builder()
                .method(Method::POST)
                .uri(action.clone())
                .header(header::COOKIE, session.clone())
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
                .body(Body::from(body))
                .unwrap()
        };
        let forged = web.send(upload("0000")).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{which:?}");
        let done = web.send(upload(&csrf)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{which:?}: {}", done.body);
        assert!(
            done.location().starts_with(&format!("/repair-orders/{order}?flash=att.uploaded")),
            "{}",
            done.location()
        );
        let page = web.get(done.location(), &session).await;
        let names = select(&page.html(), ".gallery-item figcaption a");
        assert_eq!(names, vec!["刮痕.png", "发票.pdf"], "{which:?}");
        assert_eq!(select(&page.html(), ".flash"), vec!["文件已上传"], "{which:?}");
    }
}
