//! 跟踪服务, the rest of issue 7: the store's follow-up settings (跟踪服务规范), consultation visits (咨询来访),
//! reply letters (答复函) and their print, the worklist link of an event notice, and the Excel exports of
//! the stand-in, summary and event-target lists.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use claimdesk_app::follow_up::{self, ConsultationInput, ReplyInput, SettingsInput};
use claimdesk_app::page::PageRequest;
use claimdesk_app::{AppError, clock};
use claimdesk_domain::followup::FollowUpSettings;
use claimdesk_domain::{Violation, Violations};
use serde::Deserialize;

use super::follow_ups::{LettersPrint, PeriodParams, cols, dash, period_filters, t, table, xlsx};
use super::view::{Action, Cell, Field, FieldGroup, FormView, ListView, Row, Table};
use super::{Ctx, Flash, error_page, form_page, list_page, render, see_other};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::{Catalog, Locale};

// ---------------------------------------------------------------- settings (rules.md D, per store)

/// The counts of [`FollowUpSettings`] in the order the form shows them, each with its unit's words.
const SETTING_FIELDS: &[&str] = &[
    "archive_days",
    "first_call_from",
    "first_call_to",
    "second_call_from",
    "second_call_to",
    "escalation_days",
    "event_notice_days_before",
    "event_letter_days",
    "lost_after_months",
];

fn setting_values(settings: &FollowUpSettings) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(settings) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

fn settings_form(locale: Locale, value: &dyn Fn(&str) -> String, defaults: &FollowUpSettings) -> FormView {
    let defaults = setting_values(defaults);
    let catalog = Catalog::get();
    let fields = SETTING_FIELDS
        .iter()
        .map(|name| {
            let default = defaults.get(*name).map(|v| v.to_string()).unwrap_or_default();
            Field::text(name, t(locale, &format!("fu.settings.{name}")), value(name))
                .kind("number")
                .required()
                .hint(catalog.format(locale, "fu.settings.default", [("value", default.as_str())]))
        })
        .chain(std::iter::once(Field::text("version", "", value("version")).kind("hidden")))
        .collect();
    FormView {
        title: t(locale, "fu.settings.title"),
        action: "/follow-ups/settings".into(),
        groups: vec![FieldGroup { title: t(locale, "fu.settings.intro"), fields }],
        submit: t(locale, "action.save"),
        cancel_href: Some("/follow-ups/board".into()),
        ..FormView::default()
    }
}

pub async fn settings_show(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let view = match follow_up::follow_up_settings(&state.app, &who.actor, None).await {
        Ok(view) => view,
        Err(error) => return error_page(who.locale, error),
    };
    let values = setting_values(&view.settings);
    let version = view.version.to_string();
    let value = |name: &str| -> String {
        if name == "version" { version.clone() } else { values.get(name).map(|v| v.to_string()).unwrap_or_default() }
    };
    let ctx = Ctx::new(&who, "fu.settings.title", "/follow-ups/settings").flash(flash.flash.as_deref());
    form_page(&ctx, &settings_form(who.locale, &value, &view.defaults), StatusCode::OK)
}

/// Reads the posted counts: each a whole number (an error names the field and keeps what was typed).
fn posted_settings(form: &FormData) -> Result<FollowUpSettings, Violations> {
    let mut values = serde_json::Map::new();
    let mut violations = Violations::new();
    for name in SETTING_FIELDS {
        let text = form.get(name).trim();
        match text.parse::<u32>() {
            Ok(number) => {
                values.insert(name.to_string(), number.into());
            }
            Err(_) if text.is_empty() => violations.push(Violation::new(*name, "required")),
            Err(_) => violations.push(Violation::new(*name, "number_format").with("found", text)),
        }
    }
    violations.finish(|| ())?;
    claimdesk_domain::rules::parse_input(serde_json::Value::Object(values))
}

pub async fn settings_save(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let result = match posted_settings(&form) {
        Ok(settings) => {
            let input = SettingsInput { settings, version: form.int("version"), store_id: None };
            follow_up::save_follow_up_settings(&state.app, &who.actor, input).await
        }
        Err(violations) => Err(AppError::Invalid(violations)),
    };
    match result {
        Ok(_) => see_other("/follow-ups/settings", "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "fu.settings.title", "/follow-ups/settings");
            let value = |name: &str| form.get(name).to_string();
            let mut view = settings_form(who.locale, &value, &FollowUpSettings::default());
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

// ---------------------------------------------------------------- consultation visits (F1)

fn visit_form(locale: Locale, id: &str, form: &FormData) -> FormView {
    let value = |name: &str| form.get(name).to_string();
    FormView {
        title: t(locale, "fu.visit.new"),
        action: format!("/follow-ups/customers/{id}/visit"),
        groups: vec![FieldGroup {
            title: t(locale, "fu.visit.intro"),
            fields: vec![
                Field::text("visited_on", t(locale, "fu.visit.visited_on"), value("visited_on"))
                    .kind("date")
                    .required(),
                Field::text("purpose", t(locale, "fu.visit.purpose"), value("purpose")).required(),
                Field::text("note", t(locale, "fu.visit.note"), value("note")).kind("textarea").wide(),
            ],
        }],
        submit: t(locale, "action.save"),
        cancel_href: Some(format!("/follow-ups/customers/{id}")),
        ..FormView::default()
    }
}

pub async fn visit_new(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    // The customer must be one the actor may see: another store's answers 404 before the form shows.
    if let Err(error) = follow_up::call_context(&state.app, &who.actor, &id).await {
        return error_page(who.locale, error);
    }
    let customer_today = clock::local_date(state.app.clock.now(), who.actor.home_time_zone()).to_string();
    let ctx = Ctx::new(&who, "fu.visit.new", "/follow-ups");
    form_page(
        &ctx,
        &visit_form(who.locale, &id, &FormData(vec![("visited_on".into(), customer_today)])),
        StatusCode::OK,
    )
}

pub async fn visit_save(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = ConsultationInput {
        visited_on: form.opt("visited_on"),
        purpose: form.get("purpose").into(),
        note: form.get("note").into(),
    };
    match follow_up::record_consultation(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/follow-ups/customers/{id}"), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "fu.visit.new", "/follow-ups");
            let mut view = visit_form(who.locale, &id, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// The consultation visits of the archive page (the service history beside the repair orders).
pub fn visits_table(locale: Locale, visits: &[follow_up::VisitRow]) -> Table {
    let rows = visits
        .iter()
        .rev()
        .map(|v| Row {
            cells: vec![
                Cell::mono(v.number.clone()),
                Cell::mono(v.visited_on.clone()),
                Cell::text(v.purpose.clone()),
                Cell::text(v.note.clone()),
            ],
            alert: false,
        })
        .collect();
    table(cols(locale, &["fu.visit.number", "fu.visit.visited_on", "fu.visit.purpose", "fu.visit.note"]), rows, locale)
}

fn visit_list_table(locale: Locale, items: &[follow_up::VisitView]) -> Table {
    let rows = items
        .iter()
        .map(|v| Row {
            cells: vec![
                Cell::mono(v.visit.number.clone()),
                Cell::mono(v.visit.visited_on.clone()),
                Cell::link(v.customer_name.clone(), format!("/follow-ups/customers/{}", v.visit.customer_id)),
                Cell::text(v.visit.purpose.clone()),
                Cell::text(v.visit.note.clone()),
            ],
            alert: false,
        })
        .collect();
    table(
        cols(locale, &["fu.visit.number", "fu.visit.visited_on", "customer.name", "fu.visit.purpose", "fu.visit.note"]),
        rows,
        locale,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct VisitParams {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

impl VisitParams {
    fn range(&self, state: &AppState, who: &UiActor) -> (String, String) {
        PeriodParams { from: self.from.clone(), to: self.to.clone(), ..PeriodParams::default() }.range(state, who)
    }
}

pub async fn visits(State(state): State<AppState>, who: UiActor, Query(params): Query<VisitParams>) -> Response {
    let locale = who.locale;
    let (from, to) = params.range(&state, &who);
    let request = PageRequest::new(params.page, Some(50));
    let page = match follow_up::visits_page(&state.app, &who.actor, &from, &to, request).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let query = format!("from={}&to={}", urlencode(&from), urlencode(&to));
    let ctx = Ctx::new(&who, "fu.visits", "/follow-ups/visits");
    let list = ListView {
        title: t(locale, "fu.visits"),
        action_path: "/follow-ups/visits".into(),
        filters: period_filters(locale, &from, &to),
        actions: vec![Action::link(t(locale, "action.export"), format!("/follow-ups/visits.xlsx?{query}"))],
        pager: super::pager(locale, &page, |n| format!("/follow-ups/visits?{query}&page={n}")),
        table: visit_list_table(locale, &page.items),
    };
    list_page(&ctx, &list)
}

pub async fn visits_export(State(state): State<AppState>, who: UiActor, Query(params): Query<VisitParams>) -> Response {
    let (from, to) = params.range(&state, &who);
    let request = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
    let mut items = Vec::new();
    // Every page of the period: the export is the whole list, not the page on screen.
    for number in 1.. {
        let page = PageRequest { page: number, ..request };
        match follow_up::visits_page(&state.app, &who.actor, &from, &to, page).await {
            Ok(page) => {
                let done = page.items.len() < usize::try_from(page.per_page).unwrap_or(0);
                items.extend(page.items);
                if done {
                    break;
                }
            }
            Err(error) => return error_page(who.locale, error),
        }
    }
    xlsx(&t(who.locale, "fu.visits"), &visit_list_table(who.locale, &items), &format!("visits-{from}-{to}.xlsx"))
}

// ---------------------------------------------------------------- reply letters (F5, F6)

/// The reply letter form on a complaint's page: the solution is the starting text.
pub fn reply_form(locale: Locale, complaint_id: &str, subject: &str, body: &str) -> FormView {
    FormView {
        action: format!("/follow-ups/complaints/{complaint_id}/letters"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("subject", t(locale, "fu.letter.subject"), subject),
                Field::text("body", t(locale, "fu.reply.body"), body).kind("textarea").wide().required(),
            ],
        }],
        submit: t(locale, "fu.reply.write"),
        ..FormView::default()
    }
}

/// The letters written about a complaint, each with its print link.
pub fn letters_table(locale: Locale, letters: &[follow_up::LetterView]) -> Table {
    let rows = letters
        .iter()
        .map(|l| Row {
            cells: vec![
                Cell::mono(l.number.clone()),
                Cell::mono(l.sent_on.clone()),
                Cell::text(t(locale, &format!("fu.template.{}", l.template))),
                Cell::text(l.subject.clone()),
                Cell::link(t(locale, "action.print"), format!("/follow-ups/letters/{}/print", l.id)),
            ],
            alert: false,
        })
        .collect();
    table(
        cols(
            locale,
            &["fu.letter.number", "fu.letter.sent_on", "fu.letter.template", "fu.letter.subject", "action.print"],
        ),
        rows,
        locale,
    )
}

pub async fn reply_save(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = ReplyInput { subject: form.get("subject").into(), body: form.get("body").into() };
    match follow_up::write_reply(&state.app, &who.actor, &id, input).await {
        Ok(letter) => see_other(&format!("/follow-ups/letters/{}/print", letter.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "fu.reply.write", "/follow-ups/complaints");
            let mut view = reply_form(who.locale, &id, form.get("subject"), form.get("body"));
            view.title = t(who.locale, "fu.reply.write");
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// One letter as it is posted, with its address label: a reply in the reply template's words.
pub async fn letter_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let letter = match follow_up::letter(&state.app, &who.actor, &id).await {
        Ok(letter) => letter,
        Err(error) => return error_page(locale, error),
    };
    let store = who.actor.store(&letter.store_id).map(|s| s.name.clone()).unwrap_or_default();
    let body = Catalog::get().format(
        locale,
        &format!("fu.template.{}.body", letter.template),
        [
            ("name", letter.recipient.as_str()),
            ("title", letter.body.as_str()),
            ("date", letter.sent_on.as_str()),
            ("place", ""),
            ("store", store.as_str()),
        ],
    );
    render(&LettersPrint {
        lang: locale.tag(),
        store,
        letters: vec![(letter.recipient.clone(), letter.address.clone(), body, letter.number.clone())],
        labels_title: t(locale, "fu.letter.labels"),
    })
}

// ---------------------------------------------------------------- event notices on the worklist (F5)

/// A worklist item about an event notice leads to the notice call of that customer for that event.
pub async fn event_target(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    match follow_up::target_redirect(&state.app, &who.actor, &id).await {
        Ok((customer, event)) => {
            Redirect::to(&format!("/follow-ups/customers/{customer}/call?kind=event_notice&event_id={event}"))
                .into_response()
        }
        Err(error) => error_page(who.locale, error),
    }
}

// ---------------------------------------------------------------- exports of the remaining lists

pub async fn stand_ins_export(State(state): State<AppState>, who: UiActor) -> Response {
    let locale = who.locale;
    match follow_up::list_stand_ins(&state.app, &who.actor).await {
        Ok(items) => {
            let rows = items
                .iter()
                .map(|s| Row {
                    cells: vec![
                        Cell::text(s.absent_name.clone()),
                        Cell::text(s.stand_in_name.clone()),
                        Cell::text(s.stand_in.from_on.clone()),
                        Cell::text(s.stand_in.to_on.clone()),
                        Cell::text(s.stand_in.reason.clone()),
                        Cell::text(if s.stand_in.revoked_at.is_some() {
                            t(locale, "fu.stand_in.revoked")
                        } else {
                            String::new()
                        }),
                    ],
                    alert: false,
                })
                .collect();
            let columns = cols(
                locale,
                &["fu.stand_in.absent", "fu.stand_in.stand_in", "fu.from", "fu.to", "fu.stand_in.reason", "fu.status"],
            );
            xlsx(&t(locale, "fu.stand_ins"), &table(columns, rows, locale), "stand-ins.xlsx")
        }
        Err(error) => error_page(locale, error),
    }
}

pub async fn summaries_export(State(state): State<AppState>, who: UiActor) -> Response {
    let locale = who.locale;
    match follow_up::list_summaries(&state.app, &who.actor).await {
        Ok(items) => {
            let rows = items
                .iter()
                .map(|s| Row {
                    cells: vec![
                        Cell::text(t(locale, &format!("fu.summary.kind.{}", s.period_kind))),
                        Cell::text(s.period.clone()),
                        Cell::text(t(locale, &format!("fu.summary.status.{}", s.status))),
                        Cell::text(dash(&s.body)),
                    ],
                    alert: false,
                })
                .collect();
            let columns = cols(locale, &["fu.summary.kind", "fu.period", "fu.status", "fu.summary.body"]);
            xlsx(&t(locale, "fu.summaries"), &table(columns, rows, locale), "summaries.xlsx")
        }
        Err(error) => error_page(locale, error),
    }
}

pub async fn event_targets_export(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    match follow_up::event(&state.app, &who.actor, &id).await {
        Ok(detail) => {
            let rows = detail
                .targets
                .iter()
                .map(|target| Row {
                    cells: vec![
                        Cell::text(target.name.clone()),
                        Cell::text(target.mobile.clone()),
                        Cell::text(target.address.clone()),
                        Cell::text(target.target.notified_on.clone().unwrap_or_default()),
                        Cell::text(if target.target.letter_id.is_some() {
                            t(locale, "fu.letter.sent")
                        } else {
                            String::new()
                        }),
                    ],
                    alert: false,
                })
                .collect();
            let columns = cols(
                locale,
                &["customer.name", "customer.mobile", "customer.address", "fu.event.notified_on", "fu.letter.title"],
            );
            xlsx(&detail.event.title, &table(columns, rows, locale), "event-targets.xlsx")
        }
        Err(error) => error_page(locale, error),
    }
}
