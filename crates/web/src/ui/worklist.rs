//! 我的待办: the landing page after login.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::page::{Page, PageRequest};
use claimdesk_app::worklist::{self, DueItemView, ManualDueInput};

use super::view::{Action, Cell, Column, Field, FieldGroup, FormView, Row, Table};
use super::{Ctx, error_page, render, see_other};
use crate::AppState;
use crate::extract::{Posted, UiActor};
use crate::messages::{Catalog, Locale};

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage<'a> {
    ctx: &'a Ctx,
    today: String,
    overdue: Table,
    due_today: Table,
    this_week: Table,
    counts: (String, String, String),
    pager: super::view::Pager,
    form: FormView,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct WorklistQuery {
    #[serde(default)]
    flash: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

/// Where a due item's subject lives.
pub fn subject_href(item: &DueItemView) -> Option<String> {
    let follow_up = [
        "customer_archive",
        "first_call",
        "second_call",
        "lost_customer",
        "event_notice",
        "event_letter",
        "next_service",
    ];
    let base = match item.subject_type.as_str() {
        "customer" if follow_up.contains(&item.kind.as_str()) => "/follow-ups/customers",
        "complaint" => "/follow-ups/complaints",
        // An event's notice or letter: the notice call of that customer for that event.
        "event_target" => "/follow-ups/event-targets",
        "follow_up_summary" => return Some("/follow-ups/summaries".into()),
        "parts_return" => return Some("/return-shipments".into()),
        "customer" => "/customers",
        "vehicle" => "/vehicles",
        "repair_order" => "/repair-orders",
        "insurance_policy" => "/insurance/policies",
        "insurance_claim" => "/insurance/claims",
        "sanbao_case" => "/sanbao-cases",
        "campaign" => "/campaigns",
        "bulletin" => "/quality/bulletins",
        _ => return None,
    };
    Some(format!("{base}/{}", item.subject_id))
}

/// "首次回访 · 第3–7天 · 还剩2天": what, for whom, the deadline and the rule behind it.
pub fn due_table(locale: Locale, items: &[DueItemView], with_actions: bool) -> Table {
    let catalog = Catalog::get();
    let mut columns = vec![
        Column::new(catalog.text(locale, "worklist.title_field")),
        Column::new(catalog.text(locale, "customer.name")),
        Column::new(catalog.text(locale, "worklist.due_on")),
        Column::new(""),
    ];
    if with_actions {
        columns.push(Column::new(""));
    }
    let rows = items
        .iter()
        .map(|item| {
            let kind_key = format!("due.{}", item.kind);
            let mut what = if item.kind == "manual" {
                item.subject_label.clone()
            } else {
                catalog.text(locale, &kind_key).to_string()
            };
            if !item.rule.is_empty() {
                what = format!("{what} · {}", item.rule);
            }
            let subject = match subject_href(item) {
                Some(href) => Cell::link(item.subject_label.clone(), href),
                None => Cell::text(if item.kind == "manual" { String::new() } else { item.subject_label.clone() }),
            };
            let due = match &item.window_from {
                Some(from) => format!("{from} – {}", item.due_on),
                None => item.due_on.clone(),
            };
            let state = if item.days_overdue > 0 {
                let days = item.days_overdue.to_string();
                Cell::tag(catalog.format(locale, "worklist.days_overdue", [("days", days.as_str())]), "tag-red")
            } else if item.days_left == 0 {
                Cell::tag(catalog.text(locale, "worklist.due_today"), "tag-orange")
            } else {
                let days = item.days_left.to_string();
                Cell::tag(catalog.format(locale, "worklist.days_left", [("days", days.as_str())]), "tag-blue")
            };
            let mut cells = vec![Cell::text(what), subject, Cell::mono(due), state];
            if with_actions {
                cells.push(Cell::link(catalog.text(locale, "action.done"), format!("/worklist/{}/done", item.id)));
            }
            Row { cells, alert: item.days_overdue > 0 }
        })
        .collect();
    Table { columns, rows, empty: catalog.text(locale, "list.empty").to_string() }
}

fn manual_form(locale: Locale, title: &str, due_on: &str) -> FormView {
    let catalog = Catalog::get();
    FormView {
        title: catalog.text(locale, "worklist.new_manual").into(),
        action: "/worklist".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("title", catalog.text(locale, "worklist.title_field"), title).required(),
                Field::text("due_on", catalog.text(locale, "worklist.due_on"), due_on).kind("date").required(),
            ],
        }],
        submit: catalog.text(locale, "action.add").into(),
        ..FormView::default()
    }
}

pub async fn show(State(state): State<AppState>, who: UiActor, Query(query): Query<WorklistQuery>) -> Response {
    let ctx = Ctx::new(&who, "worklist.title", "/").flash(query.flash.as_deref());
    let request = PageRequest::new(query.page, Some(worklist::WORKLIST_PAGE));
    match worklist::my_worklist_page(&state.app, &who.actor, request).await {
        Ok(list) => {
            let form = manual_form(who.locale, "", &list.today);
            let page = Page::new(Vec::<()>::new(), list.total, request, worklist::WORKLIST_COUNT_CAP);
            let mut pager = super::pager(who.locale, &page, |n| format!("/?page={n}"));
            pager.page_label = if page.pages() > 1 { pager.page_label } else { String::new() };
            // A count that reached the cap reads "1000+".
            let count = |n: i64| if n >= worklist::WORKLIST_COUNT_CAP { format!("{n}+") } else { n.to_string() };
            render(&WorklistPage {
                ctx: &ctx,
                counts: (count(list.counts.overdue), count(list.counts.due_today), count(list.counts.this_week)),
                pager,
                overdue: due_table(who.locale, &list.overdue, true),
                due_today: due_table(who.locale, &list.due_today, true),
                this_week: due_table(who.locale, &list.this_week, true),
                today: list.today,
                form,
            })
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = ManualDueInput {
        title: form.get("title").to_string(),
        due_on: form.get("due_on").to_string(),
        assignee_id: None,
        store_id: None,
    };
    match worklist::create_manual(&state.app, &who.actor, input).await {
        Ok(_) => see_other("/", "form.saved"),
        Err(claimdesk_app::AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "worklist.new_manual", "/");
            let mut view = manual_form(who.locale, form.get("title"), form.get("due_on"));
            view.apply_errors(&violations, who.locale);
            super::form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// GET shows a confirmation (a link cannot change data); POST closes the item.
pub async fn confirm_done(who: UiActor, Path(id): Path<String>) -> Response {
    let ctx = Ctx::new(&who, "action.done", "/");
    let catalog = Catalog::get();
    let detail = super::view::DetailView {
        title: catalog.text(who.locale, "action.done").into(),
        actions: vec![
            Action::post(catalog.text(who.locale, "action.done"), format!("/worklist/{id}/done")).primary(),
            Action::link(catalog.text(who.locale, "action.back"), "/"),
        ],
        ..Default::default()
    };
    super::detail_page(&ctx, &detail)
}

pub async fn done(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    match worklist::close(&state.app, &posted.who.actor, &id, "done").await {
        Ok(_) => see_other("/", "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}
