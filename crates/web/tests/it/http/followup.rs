//! The follow-up API and pages of issue 7's remaining items, through the router: every follow-up list
//! answers `{"items", "total", "page", "per_page"}` a page at a time, the settings, consultation visits
//! and reply letters in JSON and in forms, and the Excel exports of every list.

use axum::http::{Method, StatusCode, header};
use claimdesk_domain::access::Role;
use serde_json::json;

use super::ui::log_in;
use super::{Web, attr, envelope_fields, select};
use crate::helpers::{PASSWORD, backends};

async fn csrf_of(web: &Web, session: &str) -> String {
    let page = web.get("/follow-ups/complaints", session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    attr(&page.html(), "form[action='/logout'] input[name='_csrf']", "value").expect("csrf input")
}

#[tokio::test]
async fn every_follow_up_list_is_paged() {
    for which in backends() {
        let web = Web::new(which).await;
        let world = &web.world;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        let token = web.token("bj01.followup").await;
        let boss = web.token("bj01.manager").await;
        for serial in 0..3 {
            let customer = world.customer(&agent, &format!("分页{serial}"), 40 + serial).await;
            let visit = web
                .api(
                    Method::POST,
                    &format!("/api/v1/follow-ups/customers/{}/visits", customer.id),
                    Some(&token),
                    Some(json!({"purpose": "咨询保养"})),
                )
                .await;
            assert_eq!(visit.status, StatusCode::CREATED, "{which:?} {}", visit.body);
            let body = json!({"customer_id": customer.id, "kind": "inbound_complaint", "complaint": "噪音"});
            let made = web.api(Method::POST, "/api/v1/follow-ups/calls", Some(&token), Some(body)).await;
            assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
            let body = json!({"kind": "customer_event", "title": format!("活动{serial}"), "event_on": "2024-06-15"});
            let event = web.api(Method::POST, "/api/v1/follow-ups/events", Some(&token), Some(body)).await;
            assert_eq!(event.status, StatusCode::CREATED, "{}", event.body);
        }
        let draft = json!({"period_kind": "month", "period": "2024-05"});
        assert_eq!(
            web.api(Method::POST, "/api/v1/follow-ups/summaries", Some(&boss), Some(draft)).await.status,
            StatusCode::CREATED
        );
        let absent = world.person("bj01.followup2", Some(&world.store_a), Role::FollowUpAgent).await;
        let stand_in = json!({"absent_user_id": absent.user_id, "stand_in_user_id": agent.user_id,
            "from_on": "2024-05-20", "to_on": "2024-05-21"});
        assert_eq!(
            web.api(Method::POST, "/api/v1/follow-ups/stand-ins", Some(&boss), Some(stand_in)).await.status,
            StatusCode::CREATED
        );
        let plan = json!({"reason": "offer", "on": "2024-06-01"});
        let customer = world.customer(&agent, "计划", 50).await;
        let planned = web
            .api(
                Method::POST,
                &format!("/api/v1/follow-ups/customers/{}/next-contact", customer.id),
                Some(&token),
                Some(plan),
            )
            .await;
        assert_eq!(planned.status, StatusCode::NO_CONTENT, "{}", planned.body);

        // (path, rows there are): each answers one row on page 2 with per_page=1.
        let period = "from=2024-05-01&to=2024-05-31";
        for (path, total) in [
            ("/api/v1/worklist?", 9),
            (&format!("/api/v1/follow-ups/complaints?{period}&") as &str, 3),
            ("/api/v1/follow-ups/events?", 3),
            ("/api/v1/follow-ups/stand-ins?", 1),
            ("/api/v1/follow-ups/summaries?", 1),
            (&format!("/api/v1/follow-ups/registers?{period}&"), 3),
            (&format!("/api/v1/follow-ups/registers?form=call_register&{period}&"), 3),
            (&format!("/api/v1/follow-ups/registers?form=letter_register&{period}&"), 0),
            ("/api/v1/follow-ups/next-contacts?", 1),
            (&format!("/api/v1/follow-ups/visits?{period}&"), 3),
        ] {
            let answer = web.api(Method::GET, &format!("{path}page=2&per_page=1"), Some(&token), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{which:?} {path}: {}", answer.body);
            let body = answer.json();
            assert_eq!(body["total"], total, "{path}: {body}");
            assert_eq!((body["page"].as_i64(), body["per_page"].as_i64()), (Some(2), Some(1)), "{path}");
            let rows = body["items"].as_array().unwrap_or_else(|| panic!("{path}: items {body}")).len();
            assert_eq!(rows, usize::from(total > 1), "{path}: {body}");
        }
        let wrong = web
            .api(Method::GET, "/api/v1/follow-ups/registers?form=x&from=2024-05-01&to=2024-05-31", Some(&token), None)
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(envelope_fields(&wrong), ["form"]);
    }
}

#[tokio::test]
async fn settings_visits_and_reply_letters_in_the_api() {
    for which in backends() {
        let web = Web::new(which).await;
        let world = &web.world;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        world.person("sh01.followup", Some(&world.store_b), Role::FollowUpAgent).await;
        let token = web.token("bj01.followup").await;
        let boss = web.token("bj01.manager").await;
        let stranger = web.token("sh01.followup").await;

        let read = web.api(Method::GET, "/api/v1/follow-ups/settings", Some(&token), None).await;
        assert_eq!(read.status, StatusCode::OK, "{which:?} {}", read.body);
        assert_eq!(read.json()["settings"]["archive_days"], 2);
        assert_eq!(read.json()["is_default"], true);
        let put = |body| web.api(Method::PUT, "/api/v1/follow-ups/settings", Some(&boss), Some(body));
        let denied =
            web.api(Method::PUT, "/api/v1/follow-ups/settings", Some(&token), Some(json!({"archive_days": 1}))).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
        let bad = put(json!({"first_call_from": 9, "version": 0})).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert_eq!(envelope_fields(&bad), ["first_call_to"]);
        let typo = put(json!({"archive_day": 1})).await;
        assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", typo.body);
        let saved = put(json!({"archive_days": 1, "version": 0})).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(
            (saved.json()["settings"]["archive_days"].as_i64(), saved.json()["version"].as_i64()),
            (Some(1), Some(1))
        );
        assert_eq!(saved.json()["settings"]["first_call_to"], 7, "a count left out keeps its default");
        assert_eq!(put(json!({"archive_days": 3, "version": 0})).await.status, StatusCode::CONFLICT);

        let customer = world.customer(&agent, "接口客户", 60).await;
        let uri = format!("/api/v1/follow-ups/customers/{}/visits", customer.id);
        let hidden = web.api(Method::POST, &uri, Some(&stranger), Some(json!({"purpose": "x"}))).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        let missing = web.api(Method::POST, &uri, Some(&token), Some(json!({"purpose": ""}))).await;
        assert_eq!(envelope_fields(&missing), ["purpose"]);
        let visit = web.api(Method::POST, &uri, Some(&token), Some(json!({"purpose": "看新车"}))).await;
        assert_eq!(visit.status, StatusCode::CREATED, "{}", visit.body);
        let archive =
            web.api(Method::GET, &format!("/api/v1/follow-ups/customers/{}", customer.id), Some(&token), None).await;
        let due = archive.json()["due"].clone();
        let archive_item = due.as_array().unwrap().iter().find(|d| d["kind"] == "customer_archive").cloned().unwrap();
        assert_eq!(archive_item["due_on"], "2024-05-14", "the store's 1 day: {due}");

        let body = json!({"customer_id": customer.id, "kind": "inbound_complaint", "complaint": "配件未到"});
        let made = web.api(Method::POST, "/api/v1/follow-ups/calls", Some(&token), Some(body)).await;
        let complaint = made.json()["complaint_id"].as_str().unwrap().to_string();
        let uri = format!("/api/v1/follow-ups/complaints/{complaint}/letters");
        let empty = web.api(Method::POST, &uri, Some(&token), Some(json!({}))).await;
        assert_eq!(envelope_fields(&empty), ["body"]);
        let letter = web.api(Method::POST, &uri, Some(&token), Some(json!({"body": "配件已到店，请预约安装"}))).await;
        assert_eq!(letter.status, StatusCode::CREATED, "{}", letter.body);
        assert_eq!(letter.json()["template"], "reply");
        let id = letter.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            web.api(Method::GET, &format!("/api/v1/follow-ups/letters/{id}"), Some(&token), None).await.status,
            StatusCode::OK
        );
        assert_eq!(
            web.api(Method::GET, &format!("/api/v1/follow-ups/letters/{id}"), Some(&stranger), None).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_pages_keep_input_on_errors_and_every_list_exports() {
    for which in backends() {
        let web = Web::new(which).await;
        let world = &web.world;
        let agent = world.person("bj01.followup", Some(&world.store_a), Role::FollowUpAgent).await;
        world.person("bj01.manager", Some(&world.store_a), Role::Supervisor).await;
        let session = log_in(&web, "bj01.manager", PASSWORD).await;
        let csrf = csrf_of(&web, &session).await;

        // Settings: a word where a number belongs is named beside the field and the input stays.
        let page = web.get("/follow-ups/settings", &session).await;
        assert_eq!(page.status, StatusCode::OK, "{which:?} {}", page.body);
        assert_eq!(attr(&page.html(), "input[name='archive_days']", "value").as_deref(), Some("2"));
        let mut pairs: Vec<(&str, &str)> = vec![
            ("_csrf", &csrf),
            ("archive_days", "两天"),
            ("first_call_from", "3"),
            ("first_call_to", "7"),
            ("second_call_from", "8"),
            ("second_call_to", "14"),
            ("escalation_days", "2"),
            ("event_notice_days_before", "14"),
            ("event_letter_days", "2"),
            ("lost_after_months", "6"),
            ("version", "0"),
        ];
        let refused = web.post_form("/follow-ups/settings", &session, &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert_eq!(attr(&refused.html(), "input[name='archive_days']", "value").as_deref(), Some("两天"));
        assert!(refused.body.contains("不是有效的数字"), "{}", refused.body);
        pairs[1] = ("archive_days", "1");
        let saved = web.post_form("/follow-ups/settings", &session, &pairs).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

        // A consultation visit from the archive page, then a reply letter printed from the complaint.
        let customer = world.customer(&agent, "页面客户", 70).await;
        let visit = web
            .post_form(
                &format!("/follow-ups/customers/{}/visit", customer.id),
                &session,
                &[("_csrf", &csrf), ("visited_on", "2024-05-13"), ("purpose", "咨询延保")],
            )
            .await;
        assert_eq!(visit.status, StatusCode::SEE_OTHER, "{}", visit.body);
        let archive = web.get(&format!("/follow-ups/customers/{}", customer.id), &session).await;
        assert!(select(&archive.html(), "td").iter().any(|cell| cell == "咨询延保"), "visit in the history");
        let call = claimdesk_app::follow_up::CallForm {
            customer_id: Some(customer.id.clone()),
            kind: "inbound_complaint".into(),
            complaint: "洗车不干净".into(),
            ..Default::default()
        };
        let complaint =
            claimdesk_app::follow_up::record_call(&world.app, &agent, call).await.unwrap().call.complaint_id.unwrap();
        let page = web.get(&format!("/follow-ups/complaints/{complaint}"), &session).await;
        assert!(page.body.contains(&format!("/follow-ups/complaints/{complaint}/letters")), "reply form");
        let written = web
            .post_form(
                &format!("/follow-ups/complaints/{complaint}/letters"),
                &session,
                &[("_csrf", &csrf), ("subject", ""), ("body", "已安排免费重洗")],
            )
            .await;
        assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
        let print = web.get(written.location().split('?').next().unwrap(), &session).await;
        assert_eq!(print.status, StatusCode::OK);
        assert!(print.body.contains("已安排免费重洗") && print.body.contains("页面客户"), "{}", print.body);

        for path in [
            "/follow-ups/complaints.xlsx",
            "/follow-ups/registers.xlsx?form=letter_register",
            "/follow-ups/events.xlsx",
            "/follow-ups/next-service.xlsx",
            "/follow-ups/board.xlsx",
            "/follow-ups/stand-ins.xlsx",
            "/follow-ups/summaries.xlsx",
            "/follow-ups/visits.xlsx",
        ] {
            let answer = web.get(path, &session).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            let kind = answer.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
            assert!(kind.contains("spreadsheetml"), "{path}: {kind}");
        }
    }
}
