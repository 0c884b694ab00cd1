//! 客户导入: upload an Excel or CSV file, see what it would import and every problem in it, then import it
//! all at once, or download the row-by-row error report.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use claimdesk_app::customers::import::{self, ImportPreview, ImportResult};
use claimdesk_domain::access::Permission;
use claimdesk_domain::import::RowError;

use super::view::{Action, Cell, Column, Row, Section, Table};
use super::{Ctx, error_page, label, render};
use crate::AppState;
use crate::excel;
use crate::extract::{Posted, UiActor, Uploaded};
use crate::messages::{Catalog, Locale};
use crate::uploads::{self, Meta};

/// The most problems the page lists; the error report has them all.
const SHOWN_ERRORS: usize = 500;

/// The import page: the detail pattern's cards, with an upload form in place of the timeline.
#[derive(Debug, Clone, Default)]
pub struct ImportView {
    pub title: String,
    pub subtitle: String,
    pub actions: Vec<Action>,
    /// Shown in red above the cards.
    pub problem: Option<String>,
    pub sections: Vec<Section>,
    pub upload: Option<UploadForm>,
}

#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    /// Where the form posts, and where 取消 leads.
    pub action: String,
    pub cancel: String,
    pub title: String,
    pub label: String,
    pub hint: String,
    pub submit: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage<'a> {
    ctx: &'a Ctx,
    view: &'a ImportView,
}

pub(crate) fn page(ctx: &Ctx, view: &ImportView, status: StatusCode) -> Response {
    (status, render(&ImportPage { ctx, view })).into_response()
}

fn base_view(locale: Locale) -> ImportView {
    ImportView {
        title: label(locale, "import.title"),
        actions: vec![Action::link(label(locale, "import.template"), "/customers/import/template.xlsx")],
        ..ImportView::default()
    }
}

fn upload_form(locale: Locale) -> UploadForm {
    UploadForm {
        action: "/customers/import".into(),
        cancel: "/customers".into(),
        title: label(locale, "import.upload"),
        label: label(locale, "import.file"),
        hint: label(locale, "import.file_hint"),
        submit: label(locale, "import.preview_submit"),
    }
}

/// Only people who may import into their current store see the page; the others get the 403 page.
fn refused(who: &UiActor) -> Option<Response> {
    who.actor.target_store(Permission::CustomersImport, None).err().map(|error| error_page(who.locale, error))
}

/// `GET /customers/import`: the upload form and the template link.
pub async fn show(who: UiActor) -> Response {
    if let Some(response) = refused(&who) {
        return response;
    }
    let ctx = Ctx::new(&who, "import.title", "/customers");
    let view = ImportView { upload: Some(upload_form(who.locale)), ..base_view(who.locale) };
    page(&ctx, &view, StatusCode::OK)
}

/// `GET /customers/import/template.xlsx`: the header and one example row.
pub async fn template(who: UiActor) -> Response {
    match excel::import_template(&label(who.locale, "import.template_sheet")) {
        Ok(bytes) => excel::xlsx_response(bytes, "customer-import-template.xlsx"),
        Err(error) => error_page(who.locale, claimdesk_app::AppError::Internal(error.into())),
    }
}

/// `POST /customers/import`: keeps the file and shows what it would import.
pub async fn upload(State(state): State<AppState>, uploaded: Uploaded) -> Response {
    let Uploaded { who, file, .. } = uploaded;
    let locale = who.locale;
    let ctx = Ctx::new(&who, "import.title", "/customers");
    let Some((file_name, bytes)) = file else {
        let view = ImportView {
            problem: Some(label(locale, "import.no_file")),
            upload: Some(upload_form(locale)),
            ..base_view(locale)
        };
        return page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let preview = match import::preview(&state.app, &who.actor, None, bytes.clone()).await {
        Ok(preview) => preview,
        Err(error) => return error_page(locale, error),
    };
    let meta = Meta { user_id: who.actor.user_id.clone(), store_id: preview.store_id.clone(), file_name };
    let token = match uploads::save(&meta, &bytes).await {
        Ok(token) => token,
        Err(error) => return error_page(locale, claimdesk_app::AppError::Internal(error.into())),
    };
    preview_page(ctx, locale, &meta, &token, &preview)
}

fn preview_page(mut ctx: Ctx, locale: Locale, meta: &Meta, token: &str, preview: &ImportPreview) -> Response {
    let catalog = Catalog::get();
    let mut view = base_view(locale);
    view.subtitle = meta.file_name.clone();
    view.actions.push(Action::link(label(locale, "import.again"), "/customers/import"));
    let mut summary = Section {
        title: label(locale, "import.summary"),
        pairs: vec![
            (label(locale, "import.file_name"), meta.file_name.clone()),
            (label(locale, "import.rows"), preview.rows.to_string()),
            (label(locale, "import.valid"), preview.valid.to_string()),
            (label(locale, "import.error_count"), preview.errors.len().to_string()),
            (label(locale, "import.customers"), preview.customers.to_string()),
            (label(locale, "import.vehicles"), preview.vehicles.to_string()),
        ],
        ..Section::default()
    };
    if preview.is_importable() {
        let (customers, vehicles) = (preview.customers.to_string(), preview.vehicles.to_string());
        let params = [("customers", customers.as_str()), ("vehicles", vehicles.as_str())];
        summary.actions.push(
            Action::post(label(locale, "import.run"), format!("/customers/import/{token}"))
                .primary()
                .confirm(catalog.format(locale, "import.run_confirm", params)),
        );
        ctx.flash = Some(label(locale, "import.ready"));
    } else {
        summary.actions.push(
            Action::link(label(locale, "import.download_errors"), format!("/customers/import/{token}/errors.xlsx"))
                .primary(),
        );
        view.problem = Some(problem_text(locale, &preview.errors));
    }
    view.sections.push(summary);
    if !preview.errors.is_empty() {
        view.sections.push(error_section(locale, token, &preview.errors));
    }
    let count = preview.sample.len().to_string();
    let mut columns = vec![Column::new(label(locale, "import.row"))];
    columns.extend(preview.columns.iter().map(|header| Column::new(*header)));
    let rows = preview
        .sample
        .iter()
        .map(|sample| {
            let mut cells = vec![Cell::mono(sample.row.to_string())];
            cells.extend(sample.values.iter().map(|value| Cell::text(value.clone())));
            let alert = preview.errors.iter().any(|error| error.row == sample.row);
            Row { cells, alert }
        })
        .collect();
    view.sections.push(Section {
        title: catalog.format(locale, "import.sample", [("count", count.as_str())]),
        table: Some(Table { columns, rows, empty: label(locale, "list.empty") }),
        ..Section::default()
    });
    page(&ctx, &view, StatusCode::OK)
}

pub(crate) fn problem_text(locale: Locale, errors: &[RowError]) -> String {
    let mut text = label(locale, "import.blocked");
    if errors.len() > SHOWN_ERRORS {
        let (shown, total) = (SHOWN_ERRORS.to_string(), errors.len().to_string());
        text.push(' ');
        text.push_str(&Catalog::get().format(
            locale,
            "import.errors_more",
            [("shown", shown.as_str()), ("total", total.as_str())],
        ));
    }
    text
}

fn error_section(locale: Locale, token: &str, errors: &[RowError]) -> Section {
    error_section_at(locale, &format!("/customers/import/{token}/errors.xlsx"), errors)
}

/// 行号 / 列 / 值 / 原因, as the error report has them, with the link to the whole report at `report`.
pub(crate) fn error_section_at(locale: Locale, report: &str, errors: &[RowError]) -> Section {
    let catalog = Catalog::get();
    let rows = errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|error| Row {
            cells: vec![
                Cell::mono(if error.row == 0 { label(locale, "import.whole_file") } else { error.row.to_string() }),
                Cell::text(error.column),
                Cell::mono(error.value.clone()),
                Cell::text(catalog.violation(locale, &error.violation)),
            ],
            alert: false,
        })
        .collect();
    Section {
        title: format!("{} ({})", label(locale, "import.errors"), errors.len()),
        table: Some(Table {
            columns: ["import.row", "import.column", "import.value", "import.reason"]
                .iter()
                .map(|key| Column::new(label(locale, key)))
                .collect(),
            rows,
            empty: label(locale, "list.empty"),
        }),
        actions: vec![Action::link(label(locale, "import.download_errors"), report)],
        ..Section::default()
    }
}

fn expired(who: &UiActor) -> Response {
    let ctx = Ctx::new(who, "import.title", "/customers");
    let view = ImportView {
        problem: Some(label(who.locale, "import.expired")),
        upload: Some(upload_form(who.locale)),
        ..base_view(who.locale)
    };
    page(&ctx, &view, StatusCode::NOT_FOUND)
}

/// `POST /customers/import/{token}`: imports the kept file, all or nothing.
pub async fn run(State(state): State<AppState>, Path(token): Path<String>, posted: Posted) -> Response {
    let who = posted.who;
    let locale = who.locale;
    let Some((meta, bytes)) = uploads::load(&token, &who.actor.user_id).await else {
        return expired(&who);
    };
    let result = match import::import(&state.app, &who.actor, Some(&meta.store_id), bytes).await {
        Ok(result) => result,
        Err(error) => return error_page(locale, error),
    };
    let mut ctx = Ctx::new(&who, "import.title", "/customers");
    let mut view = base_view(locale);
    view.subtitle = meta.file_name.clone();
    match result {
        ImportResult::Imported { customers, vehicles, .. } => {
            uploads::remove(&token).await;
            let (customers, vehicles) = (customers.to_string(), vehicles.to_string());
            ctx.flash = Some(Catalog::get().format(
                locale,
                "import.done",
                [("customers", customers.as_str()), ("vehicles", vehicles.as_str())],
            ));
            view.sections.push(Section {
                title: label(locale, "import.result"),
                pairs: vec![
                    (label(locale, "import.file_name"), meta.file_name.clone()),
                    (label(locale, "import.customers"), customers),
                    (label(locale, "import.vehicles"), vehicles),
                ],
                actions: vec![
                    Action::link(label(locale, "import.to_customers"), "/customers").primary(),
                    Action::link(label(locale, "import.again"), "/customers/import"),
                ],
                ..Section::default()
            });
            page(&ctx, &view, StatusCode::OK)
        }
        ImportResult::Rejected { errors, .. } => {
            let count = errors.len().to_string();
            view.problem = Some(format!(
                "{} {}",
                Catalog::get().format(locale, "import_rejected", [("count", count.as_str())]),
                problem_text(locale, &errors)
            ));
            view.actions.push(Action::link(label(locale, "import.again"), "/customers/import"));
            view.sections.push(error_section(locale, &token, &errors));
            page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `GET /customers/import/{token}/errors.xlsx`: every problem of the kept file, row by row.
pub async fn errors(State(state): State<AppState>, who: UiActor, Path(token): Path<String>) -> Response {
    let Some((meta, bytes)) = uploads::load(&token, &who.actor.user_id).await else {
        return expired(&who);
    };
    let preview = match import::preview(&state.app, &who.actor, Some(&meta.store_id), bytes).await {
        Ok(preview) => preview,
        Err(error) => return error_page(who.locale, error),
    };
    match excel::error_report(&preview.errors) {
        Ok(bytes) => excel::xlsx_response(bytes, "import-errors.xlsx"),
        Err(error) => error_page(who.locale, claimdesk_app::AppError::Internal(error.into())),
    }
}
