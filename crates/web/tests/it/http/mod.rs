//! The router driven in-process with tower's `oneshot`: the JSON API, the OpenAPI document and the
//! server-rendered pages with their cookies and CSRF tokens.

mod api;
mod attachments;
mod campaigns;
mod claims;
mod followup;
mod insurance;
mod openapi;
mod returns;
mod sanbao_cases;
mod statements;
mod ui;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use claimdesk_web::{AppState, router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::helpers::World;

/// A world and the app's router over it.
pub struct Web {
    pub world: World,
    pub router: Router,
}

/// One answer: status, headers and the body as text.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The value a `Set-Cookie` header gives `name` (empty when it removes the cookie).
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
            let (pair, _) = line.split_once(';').unwrap_or((line, ""));
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim().to_string())
        })
    }
}

/// The texts of the elements a CSS selector finds.
pub fn select(html: &scraper::Html, css: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    html.select(&selector).map(|element| element.text().collect::<String>().trim().to_string()).collect()
}

/// An attribute of the first element a CSS selector finds.
pub fn attr(html: &scraper::Html, css: &str, name: &str) -> Option<String> {
    let selector = scraper::Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    html.select(&selector).next().and_then(|element| element.value().attr(name)).map(str::to_string)
}

impl Web {
    pub async fn new(which: claimdesk_testkit::Which) -> Web {
        let world = World::new(which).await;
        let router = router(AppState { app: world.app.clone(), secure_cookies: false });
        Web { world, router }
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// A JSON request, with a bearer token when given.
    pub async fn api(&self, method: Method, uri: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// A token for `username` (made with the builders' password).
    pub async fn token(&self, username: &str) -> String {
        let body = serde_json::json!({"username": username, "password": crate::helpers::PASSWORD});
        let answer = self.api(Method::POST, "/api/v1/auth/token", None, Some(body)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.json()["token"].as_str().expect("token").to_string()
    }

    /// A GET with cookies (`name=value; …`).
    pub async fn get(&self, uri: &str, cookies: &str) -> Answer {
        let mut request = Request::builder().uri(uri);
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// A form POST with cookies.
    pub async fn post_form(&self, uri: &str, cookies: &str, pairs: &[(&str, &str)]) -> Answer {
        let body: String = form_encode(pairs);
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", claimdesk_web::extract::urlencode(k), claimdesk_web::extract::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks the error envelope of the Contracts and answers its field names.
pub fn envelope_fields(answer: &Answer) -> Vec<String> {
    let body = answer.json();
    let error = &body["error"];
    assert!(error["code"].is_string(), "code: {body}");
    assert!(error["message_zh"].as_str().is_some_and(|m| !m.is_empty()), "message_zh: {body}");
    assert!(error["message_en"].as_str().is_some_and(|m| !m.is_empty()), "message_en: {body}");
    let fields = error["fields"].as_array().unwrap_or_else(|| panic!("fields: {body}"));
    for field in fields {
        for key in ["field", "code", "message_zh", "message_en"] {
            assert!(field[key].as_str().is_some_and(|v| !v.is_empty()), "{key} in {field}");
        }
    }
    fields.iter().map(|f| f["field"].as_str().unwrap().to_string()).collect()
}
