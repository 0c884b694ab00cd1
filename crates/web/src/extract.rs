//! Extractors: who is asking (from the session cookie or the API token) and what they sent.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use claimdesk_app::{Actor, AppError, auth};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, edge_error};
use crate::messages::Locale;

pub const SESSION_COOKIE: &str = "claimdesk_session";
pub const LANG_COOKIE: &str = "claimdesk_lang";
/// The API chooses a store for new records with this header (or a `store_id` field in the body).
pub const STORE_HEADER: &str = "x-claimdesk-store";

/// The caller of an API endpoint, from `Authorization: Bearer <token>`.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(ApiError(AppError::Unauthenticated))?;
        let store = parts.headers.get(STORE_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let actor = auth::token_actor(&state.app, token, store).await?;
        Ok(ApiActor(actor))
    }
}

/// A JSON body whose problems answer in the error envelope: 400 when it is not JSON, 422 naming the field
/// when a value has the wrong type.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        let value: serde_json::Value = if bytes.is_empty() {
            serde_json::Value::Object(Default::default())
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|e| edge_error(StatusCode::BAD_REQUEST, "bad_json", &[("detail", &e.to_string())]))?
        };
        claimdesk_domain::rules::parse_input::<T>(value)
            .map(ApiJson)
            .map_err(|violations| ApiError(AppError::Invalid(violations)).into_response())
    }
}

/// The person behind a browser request, with the session's CSRF token and their language.
pub struct UiActor {
    pub actor: Actor,
    pub csrf: String,
    pub locale: Locale,
}

impl FromRequestParts<AppState> for UiActor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let login = || {
            let next = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
            let target = format!("/login?next={}", urlencode(next));
            Redirect::to(&target).into_response()
        };
        let Some(token) = jar.get(SESSION_COOKIE).map(|cookie| cookie.value().to_string()) else {
            return Err(login());
        };
        match auth::session_actor(&state.app, &token).await {
            Ok((actor, csrf)) => {
                let locale = jar
                    .get(LANG_COOKIE)
                    .map(|cookie| Locale::parse(cookie.value()))
                    .unwrap_or_else(|| Locale::parse(&actor.locale));
                Ok(UiActor { actor, csrf, locale })
            }
            Err(AppError::Unauthenticated) => Err(login()),
            Err(error) => Err(crate::ui::error_page(Locale::Zh, error)),
        }
    }
}

/// The language of a page shown before login: the cookie, else Chinese.
pub struct GuestLocale(pub Locale);

impl FromRequestParts<AppState> for GuestLocale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        Ok(GuestLocale(jar.get(LANG_COOKIE).map(|c| Locale::parse(c.value())).unwrap_or(Locale::Zh)))
    }
}

/// A submitted form as ordered pairs (repeated names keep their order, as line tables need).
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str()).unwrap_or("")
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        let value = self.get(name).trim();
        if value.is_empty() { None } else { Some(value.to_string()) }
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(key, _)| key == name)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }
}

/// A form post from a logged-in person; the CSRF token must match the session's, and a cross-site Origin
/// is refused.
pub struct Posted {
    pub who: UiActor,
    pub form: FormData,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let who = UiActor::from_request_parts(&mut parts, state).await?;
        if cross_site(&parts) {
            return Err(crate::ui::csrf_failed(who.locale));
        }
        let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
            .await
            .map_err(|_| edge_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", &[]))?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let form = FormData(pairs);
        if !constant_time_eq(form.get("_csrf").as_bytes(), who.csrf.as_bytes()) {
            return Err(crate::ui::csrf_failed(who.locale));
        }
        Ok(Posted { who, form })
    }
}

/// An Origin header naming another host: a cross-site form post.
fn cross_site(parts: &Parts) -> bool {
    if let (Some(origin), Some(host)) = (
        parts.headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        parts.headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) && origin != "null"
        && !origin.ends_with(&format!("//{host}"))
    {
        return true;
    }
    false
}

/// A file uploaded with a multipart form (`_csrf` and `file`), with the same CSRF and Origin checks as
/// [`Posted`]. `file` is none when the form came without one.
pub struct Uploaded {
    pub who: UiActor,
    pub file: Option<(String, Vec<u8>)>,
    /// The form's other fields.
    pub fields: FormData,
}

impl FromRequest<AppState> for Uploaded {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let who = UiActor::from_request_parts(&mut parts, state).await?;
        if cross_site(&parts) {
            return Err(crate::ui::csrf_failed(who.locale));
        }
        let request = Request::from_parts(parts, body);
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|rejection| (rejection.status(), rejection.body_text()).into_response())?;
        let (mut csrf, mut file, mut fields) = (String::new(), None, Vec::new());
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(error) => return Err((error.status(), error.body_text()).into_response()),
            };
            match field.name() {
                Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    let bytes =
                        field.bytes().await.map_err(|error| (error.status(), error.body_text()).into_response())?;
                    if !bytes.is_empty() {
                        file = Some((name, bytes.to_vec()));
                    }
                }
                Some(name) => {
                    let name = name.to_string();
                    fields.push((name, field.text().await.unwrap_or_default()));
                }
                None => {}
            }
        }
        if !constant_time_eq(csrf.as_bytes(), who.csrf.as_bytes()) {
            return Err(crate::ui::csrf_failed(who.locale));
        }
        Ok(Uploaded { who, file, fields: FormData(fields) })
    }
}

/// A file sent to the API: the `file` part of a multipart form (with the form's other fields), or the raw
/// body (with its name from an `X-File-Name` header, when given).
#[derive(Debug, Default)]
pub struct ApiUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub fields: FormData,
}

impl ApiUpload {
    pub async fn read(state: &AppState, request: Request) -> Result<ApiUpload, Response> {
        let headers = request.headers();
        let multipart = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("multipart/form-data"));
        if !multipart {
            let file_name =
                headers.get("x-file-name").and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
            let bytes = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
            return Ok(ApiUpload { file_name, bytes: bytes.to_vec(), fields: FormData::default() });
        }
        let mut form =
            axum::extract::Multipart::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        let mut upload = ApiUpload::default();
        while let Some(field) = form.next_field().await.map_err(IntoResponse::into_response)? {
            if field.name() == Some("file") || field.file_name().is_some() {
                upload.file_name = field.file_name().unwrap_or_default().to_string();
                upload.bytes = field.bytes().await.map_err(IntoResponse::into_response)?.to_vec();
            } else if let Some(name) = field.name().map(str::to_string) {
                let text = field.text().await.map_err(IntoResponse::into_response)?;
                upload.fields.0.push((name, text));
            }
        }
        Ok(upload)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The client's address for login throttling records.
pub fn remote_of(parts_headers: &axum::http::HeaderMap) -> String {
    parts_headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').next().unwrap_or("").trim().to_string())
        .unwrap_or_default()
}
