//! Files on records: the gallery card a detail page shows, the upload and remove forms, and the download.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use claimdesk_app::attachments::AttachmentRow;
use claimdesk_app::attachments::{self, Owner, Upload};
use claimdesk_app::{Actor, AppError};
use claimdesk_domain::attachment::{AttachmentKind, ContentType, OwnerKind};

use crate::AppState;
use crate::extract::{Posted, UiActor, Uploaded, urlencode};
use crate::messages::{Catalog, Locale};
use crate::ui::view::{Action, Gallery, GalleryItem, Section, UploadForm};
use crate::ui::{error_page, label, see_other};

/// The "files and photos" card of a record's page; the upload form shows when the person may add files.
pub async fn section(state: &AppState, who: &UiActor, owner: Owner, store_id: &str, back: &str) -> Section {
    let rows = attachments::list(&state.app, &who.actor, owner.clone()).await.unwrap_or_default();
    let writable = who.actor.can(owner.kind.write_permission(), store_id);
    Section {
        title: label(who.locale, "att.title"),
        gallery: Some(gallery(
            who.locale,
            &rows,
            writable.then_some((&owner, back)),
            state.app.settings.max_upload_bytes,
        )),
        ..Section::default()
    }
}

fn gallery(locale: Locale, rows: &[AttachmentRow], upload: Option<(&Owner, &str)>, max_bytes: usize) -> Gallery {
    let catalog = Catalog::get();
    let t = |key: &str| label(locale, key);
    let back = upload.map(|(_, back)| back.to_string()).unwrap_or_default();
    let items = rows
        .iter()
        .map(|row| GalleryItem {
            href: format!("/attachments/{}", row.id),
            name: row.file_name.clone(),
            caption: format!("{} · {}", t(&format!("att.kind.{}", row.kind)), size_text(row.size)),
            image: ContentType::from_mime(&row.content_type).is_some_and(ContentType::is_image),
            remove: upload.is_some().then(|| {
                Action::post(t("att.remove"), format!("/attachments/{}/remove?back={}", row.id, urlencode(&back)))
                    .confirm(t("att.remove_confirm"))
            }),
        })
        .collect();
    let max_mb = max_bytes.div_ceil(1024 * 1024).to_string();
    Gallery {
        items,
        empty: t("att.empty"),
        upload: upload.map(|(owner, back)| UploadForm {
            action: format!("/attachments/upload/{}/{}?back={}", owner.kind.as_str(), owner.id, urlencode(back)),
            kinds: AttachmentKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), t(&format!("att.kind.{}", k.as_str()))))
                .collect(),
            accept: ContentType::ALL.map(ContentType::mime).join(","),
            hint: catalog.format(locale, "att.hint", [("max_mb", max_mb.as_str())]),
            submit: t("att.upload"),
            file_label: t("att.file"),
            kind_label: t("att.kind"),
            note_label: t("att.note"),
        }),
    }
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// Where to go after a form: a path of this site only, never another host.
fn back_to(query: &str) -> String {
    let back = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "back").map(|(_, v)| v.into_owned());
    match back {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path,
        _ => "/".into(),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct OwnerPath {
    owner_kind: String,
    owner_id: String,
}

pub async fn upload(
    State(state): State<AppState>,
    Path(path): Path<OwnerPath>,
    uri: axum::http::Uri,
    uploaded: Uploaded,
) -> Response {
    let back = back_to(uri.query().unwrap_or_default());
    let Uploaded { who, file, fields } = uploaded;
    let Ok(kind) = OwnerKind::parse(&path.owner_kind) else { return error_page(who.locale, AppError::NotFound) };
    let Some((file_name, bytes)) = file else { return see_other(&back, "att.rejected.required") };
    let upload = Upload { kind: fields.get("kind").into(), file_name, bytes, note: fields.get("note").into() };
    match attachments::upload(&state.app, &who.actor, Owner::new(kind, path.owner_id), upload).await {
        Ok(_) => see_other(&back, "att.uploaded"),
        Err(AppError::Invalid(violations)) => {
            let code = violations.iter().next().map(|v| v.code).unwrap_or("required");
            see_other(&back, &format!("att.rejected.{code}"))
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: axum::http::Uri,
    posted: Posted,
) -> Response {
    let back = back_to(uri.query().unwrap_or_default());
    match attachments::remove(&state.app, &posted.who.actor, &id).await {
        Ok(_) => see_other(&back, "att.removed"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

pub async fn download(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    match file_response(&state, &who.actor, &id).await {
        Ok(response) => response,
        Err(error) => error_page(who.locale, error),
    }
}

/// The bytes of a file with its type, shown in the browser (not run: `nosniff` and a sandboxing CSP keep
/// an uploaded file from acting as a page of this site).
pub async fn file_response(state: &AppState, actor: &Actor, id: &str) -> Result<Response, AppError> {
    let (row, bytes) = attachments::content(&state.app, actor, id).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type =
        HeaderValue::from_str(&row.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    let disposition = format!("inline; filename*=UTF-8''{}", urlencode(&row.file_name).replace('+', "%20"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400, immutable"));
    Ok(response)
}
