//! The pages: login with its double-submit CSRF cookie, CSRF on every form, logout and password changes
//! ending sessions, and the customer form's field errors. HTML is checked with CSS selectors.

use axum::http::StatusCode;
use claimdesk_domain::access::Role;

use super::{Web, attr, select};
use crate::helpers::{PASSWORD, backends, bad_vin, vin};

const LOGIN_CSRF: &str = "claimdesk_login_csrf";
const SESSION: &str = "claimdesk_session";

/// Logs in through the form and answers the session cookie (`name=value`).
pub(crate) async fn log_in(web: &Web, username: &str, password: &str) -> String {
    let page = web.get("/login", "").await;
    let token = page.cookie(LOGIN_CSRF).expect("login CSRF cookie");
    let answer = web
        .post_form(
            "/login",
            &format!("{LOGIN_CSRF}={token}"),
            &[("username", username), ("password", password), ("_csrf", &token), ("next", "/customers")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/customers");
    format!("{SESSION}={}", answer.cookie(SESSION).expect("session cookie"))
}

/// The session's CSRF token, read from a page's logout form.
pub(crate) async fn csrf_of(web: &Web, session: &str) -> String {
    let page = web.get("/customers/new", session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    attr(&page.html(), "form[action='/logout'] input[name='_csrf']", "value").expect("csrf input")
}

#[tokio::test]
async fn pages_need_a_login_and_the_login_form_needs_its_csrf_cookie() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        let home = web.get("/", "").await;
        assert!(home.status.is_redirection(), "{which:?}: {}", home.status);
        assert!(home.location().starts_with("/login"), "{}", home.location());

        let page = web.get("/login", "").await;
        assert_eq!(page.status, StatusCode::OK);
        let cookie = page.cookie(LOGIN_CSRF).expect("cookie");
        let html = page.html();
        assert_eq!(attr(&html, "form[action='/login'] input[name='_csrf']", "value"), Some(cookie.clone()));
        assert_eq!(select(&html, "input#username").len(), 1);
        assert_eq!(attr(&html, "input#password", "type").as_deref(), Some("password"));

        // Without the token, or with one that does not match the cookie: refused, no session.
        for (cookies, token) in [
            (format!("{LOGIN_CSRF}={cookie}"), ""),
            (format!("{LOGIN_CSRF}={cookie}"), "forged"),
            (String::new(), cookie.as_str()),
        ] {
            let answer = web
                .post_form(
                    "/login",
                    &cookies,
                    &[("username", "bj01.advisor"), ("password", PASSWORD), ("_csrf", token)],
                )
                .await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{which:?}: token {token:?}");
            assert!(answer.cookie(SESSION).is_none());
        }
        // A wrong password re-renders the form with the message and the name kept.
        let answer = web
            .post_form(
                "/login",
                &format!("{LOGIN_CSRF}={cookie}"),
                &[("username", "bj01.advisor"), ("password", "wrong-one"), ("_csrf", &cookie)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        let html = answer.html();
        assert_eq!(select(&html, ".form-errors").len(), 1);
        assert_eq!(attr(&html, "input#username", "value").as_deref(), Some("bj01.advisor"));

        let session = log_in(&web, "bj01.advisor", PASSWORD).await;
        let home = web.get("/", &session).await;
        assert_eq!(home.status, StatusCode::OK, "{which:?}");
        assert!(!select(&home.html(), "header .user a[href='/account']").is_empty());
    }
}

#[tokio::test]
async fn a_form_post_without_its_csrf_token_is_refused() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        let session = log_in(&web, "bj01.advisor", PASSWORD).await;
        let fields = [("name", "无令牌"), ("mobile", "13912345678")];
        let answer = web.post_form("/customers", &session, &fields).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{which:?}");
        let wrong = web.post_form("/customers", &session, &[fields[0], fields[1], ("_csrf", "0000")]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        assert_eq!(web.world.count("customers").await, 0, "{which:?}: nothing saved");
        // With the token it goes through: 303 to the new record.
        let csrf = csrf_of(&web, &session).await;
        let answer = web.post_form("/customers", &session, &[fields[0], fields[1], ("_csrf", &csrf)]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{which:?}: {}", answer.body);
        assert!(answer.location().starts_with("/customers/"), "{}", answer.location());
        assert_eq!(web.world.count("customers").await, 1);
    }
}

#[tokio::test]
async fn after_logout_the_old_cookie_no_longer_works() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        let session = log_in(&web, "bj01.advisor", PASSWORD).await;
        let csrf = csrf_of(&web, &session).await;
        let out = web.post_form("/logout", &session, &[("_csrf", &csrf)]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER, "{which:?}");
        assert_eq!(out.cookie(SESSION).as_deref(), Some(""), "the cookie is removed");
        // A copy of the old cookie (a second tab, a stolen value) is dead too.
        let again = web.get("/customers", &session).await;
        assert!(again.status.is_redirection() && again.location().starts_with("/login"), "{which:?}: {}", again.status);
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        let here = log_in(&web, "bj01.advisor", PASSWORD).await;
        let elsewhere = log_in(&web, "bj01.advisor", PASSWORD).await;
        assert_eq!(web.get("/customers", &elsewhere).await.status, StatusCode::OK);
        let csrf = csrf_of(&web, &here).await;
        let short = web
            .post_form(
                "/account/password",
                &here,
                &[("_csrf", &csrf), ("current_password", PASSWORD), ("password", "short")],
            )
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}");
        assert_eq!(select(&short.html(), ".field.has-error .error").len(), 1);
        assert_eq!(web.get("/customers", &elsewhere).await.status, StatusCode::OK, "a refused change ends nothing");

        let changed = web
            .post_form(
                "/account/password",
                &here,
                &[("_csrf", &csrf), ("current_password", PASSWORD), ("password", "a-new-password-9")],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{which:?}: {}", changed.body);
        let other = web.get("/customers", &elsewhere).await;
        assert!(other.status.is_redirection() && other.location().starts_with("/login"), "{which:?}: {}", other.status);
        assert_eq!(web.get("/customers", &here).await.status, StatusCode::OK, "this session goes on");
        log_in(&web, "bj01.advisor", "a-new-password-9").await;
    }
}

#[tokio::test]
async fn the_customer_form_shows_each_error_beside_its_field_and_keeps_the_input() {
    for which in backends() {
        let web = Web::new(which).await;
        web.world.person("bj01.advisor", Some(&web.world.store_a), Role::ServiceAdvisor).await;
        web.world.person("sh01.advisor", Some(&web.world.store_b), Role::ServiceAdvisor).await;
        let session = log_in(&web, "bj01.advisor", PASSWORD).await;
        let csrf = csrf_of(&web, &session).await;
        let (wrong, right) = bad_vin(77);
        let mut fields = vec![
            ("_csrf", csrf.as_str()),
            ("name", "林表单"),
            ("mobile", "13955556666"),
            ("vehicle.vin", wrong.as_str()),
            ("vehicle.plate", "京N77777"),
        ];
        let answer = web.post_form("/customers", &session, &fields).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{which:?}");
        let html = answer.html();
        let error = select(&html, ".field.has-error #f-vehicle-vin-error");
        assert_eq!(error.len(), 1, "{which:?}: {}", answer.body);
        assert!(error[0].starts_with(&format!("VIN 第9位校验位应为 {right}")), "{}", error[0]);
        assert_eq!(attr(&html, "#f-vehicle-vin", "aria-invalid").as_deref(), Some("true"));
        assert_eq!(attr(&html, "#f-vehicle-vin", "value"), Some(wrong.clone()), "the typed VIN is kept");
        assert_eq!(attr(&html, "#f-name", "value").as_deref(), Some("林表单"));
        assert_eq!(attr(&html, "#f-vehicle-plate", "value").as_deref(), Some("京N77777"));
        assert_eq!(select(&html, ".field.has-error").len(), 1, "only the VIN is wrong");

        let good = vin(77);
        fields[3] = ("vehicle.vin", good.as_str());
        let answer = web.post_form("/customers", &session, &fields).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{which:?}: {}", answer.body);
        let path = answer.location().split('?').next().unwrap().to_string();
        let page = web.get(&path, &session).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(select(&page.html(), "h1"), vec!["林表单"]);

        // The same VIN again is refused on the VIN field (not lost at the top of the form).
        let again = web.post_form("/customers", &session, &fields).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            select(&again.html(), ".field.has-error #f-vehicle-vin-error").len(),
            1,
            "{which:?}: {}",
            again.body
        );

        // Another store's advisor gets the not-found page for the customer's address.
        let stranger = log_in(&web, "sh01.advisor", PASSWORD).await;
        let hidden = web.get(&path, &stranger).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{which:?}");
        assert!(!hidden.body.contains("林表单"));
        let missing = web.get("/customers/no-such-id", &stranger).await;
        assert_eq!(
            select(&hidden.html(), "main"),
            select(&missing.html(), "main"),
            "indistinguishable from a missing one"
        );
    }
}
