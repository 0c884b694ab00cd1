//! Logging in and out, the language switch and the store switch.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use claimdesk_app::{AppError, auth};
use serde::Deserialize;

use super::render;
use crate::AppState;
use crate::extract::{GuestLocale, LANG_COOKIE, Posted, SESSION_COOKIE, remote_of};
use crate::messages::{Catalog, Locale};

const LOGIN_CSRF_COOKIE: &str = "claimdesk_login_csrf";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    lang: &'a str,
    title: &'a str,
    app_name: &'a str,
    username_label: &'a str,
    password_label: &'a str,
    submit: &'a str,
    username: &'a str,
    next: &'a str,
    error: Option<String>,
    other_lang: &'a str,
    other_lang_label: &'a str,
    csrf: &'a str,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

fn login_page(locale: Locale, username: &str, next: &str, error: Option<String>, csrf: &str) -> Response {
    let catalog = Catalog::get();
    let other = if locale == Locale::Zh { Locale::En } else { Locale::Zh };
    render(&LoginPage {
        lang: locale.tag(),
        title: catalog.text(locale, "login.title"),
        app_name: catalog.text(locale, "app.name"),
        username_label: catalog.text(locale, "login.username"),
        password_label: catalog.text(locale, "login.password"),
        submit: catalog.text(locale, "login.submit"),
        username,
        next,
        error,
        other_lang: other.tag(),
        other_lang_label: catalog.text(locale, "nav.language"),
        csrf,
    })
}

/// Only local paths are followed after login, so the form cannot bounce anyone to another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/login") => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::new(name, value);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(secure);
    cookie
}

pub async fn show(
    State(state): State<AppState>,
    GuestLocale(locale): GuestLocale,
    jar: CookieJar,
    Query(query): Query<LoginQuery>,
) -> Response {
    let (jar, locale) = match query.lang.as_deref() {
        Some(lang) => {
            let locale = Locale::parse(lang);
            (jar.add(cookie(LANG_COOKIE, locale.tag().to_string(), state.secure_cookies)), locale)
        }
        None => (jar, locale),
    };
    // Double-submit token: the form carries the value of a cookie a foreign site cannot read.
    let csrf = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string()).unwrap_or_else(hex_token);
    let jar = jar.add(cookie(LOGIN_CSRF_COOKIE, csrf.clone(), state.secure_cookies));
    (jar, login_page(locale, "", &safe_next(query.next.as_deref()), None, &csrf)).into_response()
}

fn hex_token() -> String {
    claimdesk_app::new_id().replace('-', "")
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    _csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    GuestLocale(locale): GuestLocale,
    jar: CookieJar,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    if expected.is_empty() || expected != form._csrf {
        return super::csrf_failed(locale);
    }
    match auth::login(&state.app, &form.username, &form.password, &remote_of(&headers)).await {
        Ok(outcome) => {
            let jar = jar.add(cookie(SESSION_COOKIE, outcome.session_token, state.secure_cookies));
            (jar, Redirect::to(&next)).into_response()
        }
        Err(error) => {
            let key = match error {
                AppError::Throttled => "throttled",
                AppError::Unauthenticated => "login_failed",
                other => return super::error_page(locale, other),
            };
            let message = Catalog::get().text(locale, key).to_string();
            let status = if key == "throttled" { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::UNAUTHORIZED };
            (status, login_page(locale, &form.username, &next, Some(message), &expected)).into_response()
        }
    }
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar, posted: Posted) -> Response {
    let _ = posted;
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        let _ = auth::logout(&state.app, &token).await;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    (jar, Redirect::to("/login")).into_response()
}

/// Flips the page language and remembers it in a cookie.
pub async fn language(State(state): State<AppState>, jar: CookieJar, headers: HeaderMap, posted: Posted) -> Response {
    let next = if posted.who.locale == Locale::Zh { Locale::En } else { Locale::Zh };
    let jar = jar.add(cookie(LANG_COOKIE, next.tag().to_string(), state.secure_cookies));
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| referer.find("://").map(|i| &referer[i + 3..]))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| "/".into());
    (jar, Redirect::to(&safe_next(Some(&back)))).into_response()
}

pub async fn switch_store(State(state): State<AppState>, posted: Posted) -> Response {
    let store_id = posted.form.get("store_id").to_string();
    match auth::switch_store(&state.app, &posted.who.actor, &store_id).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(error) => super::error_page(posted.who.locale, error),
    }
}
