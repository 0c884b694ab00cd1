//! 跟踪服务 pages: the customer archive, the call form, complaints, events and letters, the three registers,
//! stand-ins, next contacts, the supervisor's board and the monthly and yearly summaries.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::follow_up::{self, ArchiveInput, Board, CallForm, EventInput, StandInInput};
use claimdesk_app::org::users;
use claimdesk_app::{AppError, audit, clock};
use claimdesk_domain::followup::{CALL_KINDS, TOPICS};
use serde::Deserialize;

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, FormView, ListView, PrintView, Row, Section, Table,
};
use super::{
    Ctx, Flash, detail_page, error_page, form_page, label, list_page, options, print_page, render, see_other, timeline,
};
use crate::AppState;
use crate::excel;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::{Catalog, Locale};

pub(super) fn t(locale: Locale, key: &str) -> String {
    label(locale, key)
}

pub(super) fn dash(text: &str) -> String {
    if text.trim().is_empty() { "—".into() } else { text.to_string() }
}

pub(super) fn table(columns: Vec<Column>, rows: Vec<Row>, locale: Locale) -> Table {
    Table { columns, rows, empty: t(locale, "list.empty") }
}

pub(super) fn cols(locale: Locale, keys: &[&str]) -> Vec<Column> {
    keys.iter().map(|key| Column::new(t(locale, key))).collect()
}

async fn staff(state: &AppState, who: &UiActor) -> Vec<(String, String)> {
    match &who.actor.current_store {
        Some(store) => users::staff_of(&state.app, &who.actor, store).await.unwrap_or_default(),
        None => Vec::new(),
    }
}

fn topic_text(locale: Locale, topics: &[String]) -> String {
    topics.iter().map(|topic| t(locale, &format!("fu.topic.{topic}"))).collect::<Vec<_>>().join("、")
}

fn calls_table(locale: Locale, calls: &[follow_up::CallView], with_answers: bool) -> Table {
    let mut columns =
        cols(locale, &["fu.call.number", "fu.call.called_on", "fu.call.kind", "fu.call.outcome", "fu.call.topics"]);
    if with_answers {
        columns.push(Column::new(t(locale, "fu.call.answers")));
    }
    columns.push(Column::new(t(locale, "fu.call.satisfaction")));
    let rows = calls
        .iter()
        .map(|view| {
            let call = &view.call;
            let mut cells = vec![
                Cell::mono(call.number.clone()),
                Cell::mono(call.called_on.clone()),
                Cell::text(t(locale, &format!("fu.kind.{}", call.kind))),
                Cell::tag(
                    t(locale, &format!("fu.outcome.{}", call.outcome)),
                    if call.outcome == "reached" { "tag-green" } else { "tag-orange" },
                ),
                Cell::text(topic_text(locale, &view.topic_list)),
            ];
            if with_answers {
                let answers: Vec<String> = view
                    .answer_map
                    .iter()
                    .map(|(k, v)| format!("{}：{v}", t(locale, &format!("fu.topic.{k}"))))
                    .collect();
                let mut text = answers.join("；");
                if !call.summary.is_empty() {
                    text = if text.is_empty() { call.summary.clone() } else { format!("{text}；{}", call.summary) };
                }
                cells.push(Cell::text(text));
            }
            cells.push(Cell::text(call.satisfaction.map(|s| s.to_string()).unwrap_or_default()));
            Row { cells, alert: false }
        })
        .collect();
    table(columns, rows, locale)
}

// ---------------------------------------------------------------- archive (F1, F2)

pub async fn archive(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let view = match follow_up::archive(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let customer = &view.customer;
    let zone = who.actor.time_zone(&customer.store_id).to_string();
    let history = audit::history(&state.app, "customer", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let ctx =
        Ctx::new(&who, "fu.archive.title", "/follow-ups").titled(customer.name.clone()).flash(flash.flash.as_deref());
    let vehicle = customer.vehicles.first();
    let calls: Vec<follow_up::CallView> = view.calls.iter().cloned().map(follow_up::CallView::new).collect();
    let next_kind = if view.due.iter().any(|d| d.kind == "second_call") { "second_call" } else { "first_call" };
    let state_tag = if view.archived {
        (t(locale, "fu.archive.done"), "tag-green".to_string())
    } else {
        (t(locale, "fu.archive.pending"), "tag-orange".to_string())
    };
    let orders = view
        .repair_orders
        .iter()
        .map(|order| Row {
            cells: vec![
                Cell::link(order.number.clone(), format!("/repair-orders/{}", order.id)),
                Cell::mono(order.checked_in_at.get(..10).unwrap_or("").to_string()),
                Cell::text(t(locale, &format!("ro.kind.{}", order.kind))),
                Cell::money(order.mileage_in.to_string()),
                Cell::text(order.complaint.clone()),
            ],
            alert: false,
        })
        .collect();
    let detail = DetailView {
        title: format!("{} · {}", customer.name, t(locale, "fu.archive.form_title")),
        subtitle: format!(
            "{} · {}",
            customer.mobile,
            vehicle.map(|v| format!("{} {}", v.plate, v.model)).unwrap_or_default()
        ),
        state: Some(state_tag),
        actions: vec![
            Action::link(t(locale, "fu.archive.complete"), format!("/follow-ups/customers/{id}/archive")).primary(),
            Action::link(t(locale, "fu.call.new"), format!("/follow-ups/customers/{id}/call?kind={next_kind}")),
            Action::link(t(locale, "fu.visit.new"), format!("/follow-ups/customers/{id}/visit")),
            Action::link(t(locale, "action.print"), format!("/follow-ups/customers/{id}/print")),
        ],
        sections: vec![
            Section {
                title: t(locale, "customer.section_contact"),
                pairs: vec![
                    (t(locale, "customer.name"), customer.name.clone()),
                    (t(locale, "customer.mobile"), dash(&customer.mobile)),
                    (t(locale, "customer.address"), dash(&customer.address)),
                    (t(locale, "customer.area"), dash(&customer.area)),
                    (t(locale, "customer.last_visit_on"), dash(customer.last_visit_on.as_deref().unwrap_or(""))),
                    (t(locale, "vehicle.plate"), dash(vehicle.map(|v| v.plate.as_str()).unwrap_or(""))),
                    (
                        t(locale, "vehicle.model"),
                        dash(&vehicle.map(|v| format!("{} {}", v.brand, v.model)).unwrap_or_default()),
                    ),
                    (t(locale, "vehicle.vehicle_type"), dash(vehicle.map(|v| v.vehicle_type.as_str()).unwrap_or(""))),
                ],
                ..Section::default()
            },
            Section {
                title: t(locale, "customer.section_service"),
                pairs: vec![
                    (
                        t(locale, "customer.maintenance_interval_km"),
                        dash(&customer.maintenance_interval_km.map(|v| v.to_string()).unwrap_or_default()),
                    ),
                    (
                        t(locale, "customer.maintenance_interval_months"),
                        dash(&customer.maintenance_interval_months.map(|v| v.to_string()).unwrap_or_default()),
                    ),
                    (
                        t(locale, "fu.archive.last_mileage"),
                        dash(&view.last_mileage.map(|v| v.to_string()).unwrap_or_default()),
                    ),
                    (
                        t(locale, "fu.archive.pace"),
                        dash(&view.km_per_30_days.map(|v| v.to_string()).unwrap_or_default()),
                    ),
                    (
                        t(locale, "customer.next_maintenance_on"),
                        dash(customer.next_maintenance_on.as_deref().unwrap_or("")),
                    ),
                    (
                        t(locale, "fu.archive.due_mileage"),
                        dash(&view.computed_due_mileage.map(|v| v.to_string()).unwrap_or_default()),
                    ),
                    (t(locale, "customer.wanted_services"), dash(&customer.wanted_services)),
                ],
                ..Section::default()
            },
            Section {
                title: t(locale, "customer.history"),
                table: Some(table(
                    cols(locale, &["ro.number", "ro.checked_in_at", "ro.kind", "ro.mileage_in", "ro.complaint"]),
                    orders,
                    locale,
                )),
                ..Section::default()
            },
            Section {
                title: t(locale, "fu.visits"),
                table: Some(super::follow_up_more::visits_table(locale, &view.visits)),
                ..Section::default()
            },
            Section {
                title: t(locale, "fu.calls"),
                table: Some(calls_table(locale, &calls, true)),
                ..Section::default()
            },
        ],
        timeline: timeline(locale, history, &zone),
        due: Some(super::worklist::due_table(locale, &view.due, false)),
    };
    detail_page(&ctx, &detail)
}

fn archive_form(locale: Locale, id: &str, value: &dyn Fn(&str) -> String) -> FormView {
    FormView {
        title: t(locale, "fu.archive.complete"),
        action: format!("/follow-ups/customers/{id}/archive"),
        groups: vec![FieldGroup {
            title: t(locale, "customer.section_service"),
            fields: vec![
                Field::text(
                    "maintenance_interval_km",
                    t(locale, "customer.maintenance_interval_km"),
                    value("maintenance_interval_km"),
                )
                .kind("number"),
                Field::text(
                    "maintenance_interval_months",
                    t(locale, "customer.maintenance_interval_months"),
                    value("maintenance_interval_months"),
                )
                .kind("number"),
                Field::text("area", t(locale, "customer.area"), value("area")),
                Field::text("address", t(locale, "customer.address"), value("address")).wide(),
                Field::text("wanted_services", t(locale, "customer.wanted_services"), value("wanted_services"))
                    .kind("textarea")
                    .wide(),
                Field::text("next_contact", t(locale, "fu.next_contact"), value("next_contact")).options(options(
                    locale,
                    "fu.reason",
                    follow_up_reasons(),
                )),
                Field::text("next_contact_on", t(locale, "fu.next_contact_on"), value("next_contact_on"))
                    .kind("date")
                    .hint(t(locale, "fu.next_contact_hint")),
                Field::text("version", "", value("version")).kind("hidden"),
            ],
        }],
        submit: t(locale, "action.save"),
        cancel_href: Some(format!("/follow-ups/customers/{id}")),
        ..FormView::default()
    }
}

fn follow_up_reasons() -> &'static [&'static str] {
    &["maintenance_reminder", "event", "offer", "free_inspection"]
}

pub async fn archive_edit(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let view = match follow_up::archive(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(who.locale, error),
    };
    let c = &view.customer;
    let value = |name: &str| -> String {
        match name {
            "maintenance_interval_km" => c.maintenance_interval_km.unwrap_or(5000).to_string(),
            "maintenance_interval_months" => c.maintenance_interval_months.unwrap_or(6).to_string(),
            "area" => c.area.clone(),
            "address" => c.address.clone(),
            "wanted_services" => c.wanted_services.clone(),
            "next_contact" => "maintenance_reminder".into(),
            "version" => c.version.to_string(),
            _ => String::new(),
        }
    };
    let ctx = Ctx::new(&who, "fu.archive.complete", "/follow-ups");
    form_page(&ctx, &archive_form(who.locale, &id, &value), StatusCode::OK)
}

pub async fn archive_save(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = ArchiveInput {
        maintenance_interval_km: form.int("maintenance_interval_km"),
        maintenance_interval_months: form.int("maintenance_interval_months"),
        wanted_services: form.get("wanted_services").into(),
        area: Some(form.get("area").into()),
        address: Some(form.get("address").into()),
        notes: None,
        next_contact: form.opt("next_contact"),
        next_contact_on: form.opt("next_contact_on"),
        version: form.int("version"),
    };
    match follow_up::complete_archive(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/follow-ups/customers/{id}"), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "fu.archive.complete", "/follow-ups");
            let value = |name: &str| form.get(name).to_string();
            let mut view = archive_form(who.locale, &id, &value);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// The 客户档案基本资料表 as the paper form.
pub async fn archive_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let view = match follow_up::archive(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let c = &view.customer;
    let vehicle = c.vehicles.first();
    let zone = who.actor.time_zone(&c.store_id).to_string();
    let calls: Vec<follow_up::CallView> = view.calls.iter().cloned().map(follow_up::CallView::new).collect();
    let orders = view
        .repair_orders
        .iter()
        .map(|o| Row {
            cells: vec![
                Cell::text(o.number.clone()),
                Cell::text(o.checked_in_at.get(..10).unwrap_or("").to_string()),
                Cell::text(t(locale, &format!("ro.kind.{}", o.kind))),
                Cell::money(o.mileage_in.to_string()),
            ],
            alert: false,
        })
        .collect();
    let print = PrintView {
        title: t(locale, "customer.form_title"),
        store_name: who.actor.store(&c.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: format!("KH-{}", c.id.get(..8).unwrap_or("").to_uppercase()),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections: vec![
            Section {
                title: t(locale, "customer.section_contact"),
                pairs: vec![
                    (t(locale, "customer.name"), c.name.clone()),
                    (t(locale, "customer.address"), dash(&c.address)),
                    (t(locale, "customer.mobile"), dash(&c.mobile)),
                    (t(locale, "customer.last_visit_on"), dash(c.last_visit_on.as_deref().unwrap_or(""))),
                    (
                        t(locale, "vehicle.model"),
                        dash(&vehicle.map(|v| format!("{} {}", v.brand, v.model)).unwrap_or_default()),
                    ),
                    (t(locale, "vehicle.plate"), dash(vehicle.map(|v| v.plate.as_str()).unwrap_or(""))),
                    (t(locale, "vehicle.vehicle_type"), dash(vehicle.map(|v| v.vehicle_type.as_str()).unwrap_or(""))),
                    (
                        t(locale, "customer.maintenance_interval_km"),
                        dash(&c.maintenance_interval_km.map(|v| v.to_string()).unwrap_or_default()),
                    ),
                    (
                        t(locale, "customer.maintenance_interval_months"),
                        dash(&c.maintenance_interval_months.map(|v| v.to_string()).unwrap_or_default()),
                    ),
                    (t(locale, "customer.next_maintenance_on"), dash(c.next_maintenance_on.as_deref().unwrap_or(""))),
                    (t(locale, "customer.wanted_services"), dash(&c.wanted_services)),
                ],
                ..Section::default()
            },
            Section {
                title: t(locale, "customer.history"),
                table: Some(table(
                    cols(locale, &["ro.number", "ro.checked_in_at", "ro.kind", "ro.mileage_in"]),
                    orders,
                    locale,
                )),
                ..Section::default()
            },
            Section {
                title: t(locale, "fu.visits"),
                table: Some(super::follow_up_more::visits_table(locale, &view.visits)),
                ..Section::default()
            },
            Section {
                title: t(locale, "fu.calls"),
                table: Some(calls_table(locale, &calls, true)),
                ..Section::default()
            },
        ],
        signatures: vec![t(locale, "print.signature_staff")],
    };
    print_page(locale, &print)
}

// ---------------------------------------------------------------- calls (F3, F6)

#[derive(Debug, Default, Deserialize)]
pub struct CallParams {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    event_id: Option<String>,
}

fn call_form(locale: Locale, customer_id: Option<&str>, form: &FormData, used: &[String]) -> FormView {
    let value = |name: &str| form.get(name).to_string();
    let mut script = Vec::new();
    for topic in TOPICS {
        let mut label_text = t(locale, &format!("fu.topic.{topic}"));
        if used.iter().any(|u| u == topic) {
            label_text = format!("{label_text}（{}）", t(locale, "fu.call.asked_first"));
        }
        script.push(
            Field::text(
                &format!("topic.{topic}"),
                label_text,
                if form.has(&format!("topic.{topic}")) { "1" } else { "" },
            )
            .kind("checkbox"),
        );
        let answer = format!("{} · {}", t(locale, &format!("fu.topic.{topic}")), t(locale, "fu.call.answer"));
        script.push(
            Field::text(&format!("answer.{topic}"), answer, value(&format!("answer.{topic}"))).kind("textarea").wide(),
        );
    }
    let kinds: Vec<&str> = CALL_KINDS.iter().copied().filter(|k| *k != "complaint_reply").collect();
    let mut head = vec![
        Field::text("kind", t(locale, "fu.call.kind"), value("kind"))
            .options(options(locale, "fu.kind", &kinds))
            .required(),
        Field::text("outcome", t(locale, "fu.call.outcome"), value("outcome")).options(options(
            locale,
            "fu.outcome",
            &["reached", "unreachable"],
        )),
        Field::text("satisfaction", t(locale, "fu.call.satisfaction"), value("satisfaction")).options(vec![
            (String::new(), t(locale, "form.choose")),
            ("5".into(), "5".into()),
            ("4".into(), "4".into()),
            ("3".into(), "3".into()),
            ("2".into(), "2".into()),
            ("1".into(), "1".into()),
        ]),
        Field::text("event_id", "", value("event_id")).kind("hidden"),
    ];
    if customer_id.is_none() {
        head.push(Field::text("caller_name", t(locale, "fu.call.caller_name"), value("caller_name")));
        head.push(Field::text("phone", t(locale, "customer.mobile"), value("phone")));
    }
    FormView {
        title: t(locale, "fu.call.new"),
        action: match customer_id {
            Some(id) => format!("/follow-ups/customers/{id}/call"),
            None => "/follow-ups/calls".into(),
        },
        groups: vec![
            FieldGroup { title: String::new(), fields: head },
            FieldGroup { title: t(locale, "fu.call.script"), fields: script },
            FieldGroup {
                title: t(locale, "fu.complaint.title"),
                fields: vec![
                    Field::text("summary", t(locale, "fu.call.summary"), value("summary")).kind("textarea").wide(),
                    Field::text("complaint", t(locale, "fu.complaint.content"), value("complaint"))
                        .kind("textarea")
                        .wide()
                        .hint(t(locale, "fu.complaint.hint")),
                    Field::text(
                        "complaint_answered",
                        t(locale, "fu.complaint.answered"),
                        if form.has("complaint_answered") { "1" } else { "" },
                    )
                    .kind("checkbox"),
                ],
            },
        ],
        submit: t(locale, "action.save"),
        cancel_href: Some(
            customer_id
                .map(|id| format!("/follow-ups/customers/{id}"))
                .unwrap_or_else(|| "/follow-ups/registers".into()),
        ),
        ..FormView::default()
    }
}

async fn call_page(
    state: &AppState,
    who: &UiActor,
    customer_id: Option<&str>,
    form: &FormData,
    violations: Option<&claimdesk_domain::Violations>,
) -> Response {
    let locale = who.locale;
    let mut earlier = Vec::new();
    let mut customer_name = String::new();
    if let Some(id) = customer_id {
        match follow_up::call_context(&state.app, &who.actor, id).await {
            Ok((customer, calls)) => {
                customer_name = customer.name;
                earlier = calls;
            }
            Err(error) => return error_page(locale, error),
        }
    }
    let used: Vec<String> = earlier
        .iter()
        .rev()
        .find(|c| c.call.kind == "first_call" && c.call.outcome == "reached")
        .map(|c| c.topic_list.clone())
        .unwrap_or_default();
    let mut view = call_form(locale, customer_id, form, if form.get("kind") == "second_call" { &used } else { &[] });
    if !customer_name.is_empty() {
        view.title = format!("{} · {customer_name}", view.title);
    }
    let status = match violations {
        Some(violations) => {
            let mut moved = violations.clone();
            for v in &mut moved.0 {
                if v.field == "topics" {
                    v.field = "topic.usage".into();
                }
            }
            view.apply_errors(&moved, locale);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let ctx = Ctx::new(who, "fu.call.new", "/follow-ups");
    if earlier.is_empty() {
        return form_page(&ctx, &view, status);
    }
    // The second call shows the earlier answers so it does not repeat them.
    let detail = DetailView {
        title: view.title.clone(),
        sections: vec![
            Section {
                title: t(locale, "fu.call.earlier"),
                table: Some(calls_table(locale, &earlier, true)),
                ..Section::default()
            },
            Section { title: t(locale, "fu.call.this_call"), form: Some(view), ..Section::default() },
        ],
        ..DetailView::default()
    };
    (status, detail_page(&ctx, &detail)).into_response_with()
}

pub(super) trait WithStatus {
    fn into_response_with(self) -> Response;
}

impl WithStatus for (StatusCode, Response) {
    fn into_response_with(self) -> Response {
        let (status, mut response) = self;
        *response.status_mut() = status;
        response
    }
}

pub async fn call_new(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(params): Query<CallParams>,
) -> Response {
    let form = FormData(vec![
        ("kind".into(), params.kind.unwrap_or_else(|| "first_call".into())),
        ("outcome".into(), "reached".into()),
        ("event_id".into(), params.event_id.unwrap_or_default()),
    ]);
    call_page(&state, &who, Some(&id), &form, None).await
}

pub async fn inbound_new(State(state): State<AppState>, who: UiActor) -> Response {
    let form = FormData(vec![("kind".into(), "inbound_consultation".into()), ("outcome".into(), "reached".into())]);
    call_page(&state, &who, None, &form, None).await
}

fn call_input(form: &FormData, customer_id: Option<String>) -> CallForm {
    CallForm {
        customer_id,
        kind: form.get("kind").into(),
        outcome: form.get("outcome").into(),
        topics: TOPICS.iter().filter(|topic| form.has(&format!("topic.{topic}"))).map(|t| t.to_string()).collect(),
        answers: TOPICS
            .iter()
            .map(|topic| (topic.to_string(), form.get(&format!("answer.{topic}")).to_string()))
            .collect(),
        satisfaction: form.int("satisfaction"),
        summary: form.get("summary").into(),
        caller_name: form.get("caller_name").into(),
        phone: form.get("phone").into(),
        complaint: form.get("complaint").into(),
        complaint_answered: form.has("complaint_answered"),
        event_id: form.opt("event_id"),
        store_id: None,
    }
}

async fn save_call(state: &AppState, posted: Posted, customer_id: Option<String>) -> Response {
    let Posted { who, form } = posted;
    match follow_up::record_call(&state.app, &who.actor, call_input(&form, customer_id.clone())).await {
        Ok(call) => {
            let to = match (&call.call.complaint_id, &customer_id) {
                (Some(complaint), _) if call.call.kind != "complaint_reply" => {
                    format!("/follow-ups/complaints/{complaint}")
                }
                (_, Some(id)) => format!("/follow-ups/customers/{id}"),
                _ => "/follow-ups/registers".into(),
            };
            see_other(&to, "form.saved")
        }
        Err(AppError::Invalid(violations)) => {
            call_page(state, &who, customer_id.as_deref(), &form, Some(&violations)).await
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn call_save(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    save_call(&state, posted, Some(id)).await
}

pub async fn inbound_save(State(state): State<AppState>, posted: Posted) -> Response {
    save_call(&state, posted, None).await
}

// ---------------------------------------------------------------- complaints (F4)

fn complaint_state(locale: Locale, status: &str) -> (String, String) {
    let class = match status {
        "open" => "tag-orange",
        "escalated" => "tag-red",
        "solved" => "tag-blue",
        _ => "tag-green",
    };
    (t(locale, &format!("fu.complaint.status.{status}")), class.into())
}

fn complaints_table(locale: Locale, items: &[follow_up::ComplaintView]) -> Table {
    let rows = items
        .iter()
        .map(|c| {
            let (text, class) = complaint_state(locale, &c.complaint.status);
            Row {
                cells: vec![
                    Cell::link(c.complaint.number.clone(), format!("/follow-ups/complaints/{}", c.complaint.id)),
                    Cell::text(c.customer_name.clone()),
                    Cell::text(c.complaint.content.clone()),
                    Cell::mono(c.complaint.opened_on.clone()),
                    Cell::tag(text, &class),
                    Cell::money(c.age_days.to_string()),
                    Cell::text(c.complaint.solution.clone()),
                ],
                alert: c.complaint.status == "escalated",
            }
        })
        .collect();
    table(
        cols(
            locale,
            &[
                "fu.complaint.number",
                "customer.name",
                "fu.complaint.content",
                "fu.complaint.opened_on",
                "fu.status",
                "fu.complaint.age",
                "fu.complaint.solution",
            ],
        ),
        rows,
        locale,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodParams {
    #[serde(default)]
    pub(super) from: Option<String>,
    #[serde(default)]
    pub(super) to: Option<String>,
    #[serde(default)]
    pub(super) open: Option<String>,
    #[serde(default)]
    pub(super) flash: Option<String>,
}

fn this_month(state: &AppState, who: &UiActor) -> (String, String) {
    let today = clock::local_date(state.app.clock.now(), who.actor.home_time_zone());
    let (from, to) = claimdesk_domain::followup::summary_period("month", &claimdesk_domain::followup::month_of(today))
        .unwrap_or((today, today));
    (from.to_string(), to.to_string())
}

impl PeriodParams {
    pub(super) fn range(&self, state: &AppState, who: &UiActor) -> (String, String) {
        let (from, to) = this_month(state, who);
        (
            self.from.clone().filter(|s| !s.is_empty()).unwrap_or(from),
            self.to.clone().filter(|s| !s.is_empty()).unwrap_or(to),
        )
    }
}

pub(super) fn period_filters(locale: Locale, from: &str, to: &str) -> Vec<super::view::Filter> {
    vec![
        super::view::Filter {
            name: "from".into(),
            label: t(locale, "fu.from"),
            value: from.into(),
            placeholder: "2024-05-01".into(),
            ..Default::default()
        },
        super::view::Filter {
            name: "to".into(),
            label: t(locale, "fu.to"),
            value: to.into(),
            placeholder: "2024-05-31".into(),
            ..Default::default()
        },
    ]
}

pub async fn complaints(State(state): State<AppState>, who: UiActor, Query(params): Query<PeriodParams>) -> Response {
    let locale = who.locale;
    let (from, to) = params.range(&state, &who);
    let open = params.open.as_deref() == Some("1");
    let items = match follow_up::list_complaints(&state.app, &who.actor, &from, &to, open).await {
        Ok(items) => items,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "fu.complaints", "/follow-ups/complaints").flash(params.flash.as_deref());
    let mut filters = period_filters(locale, &from, &to);
    filters.push(super::view::Filter {
        name: "open".into(),
        label: t(locale, "fu.status"),
        value: params.open.clone().unwrap_or_default(),
        options: vec![(String::new(), t(locale, "fu.all")), ("1".into(), t(locale, "fu.open_only"))],
        ..Default::default()
    });
    let list = ListView {
        title: t(locale, "fu.complaints"),
        action_path: "/follow-ups/complaints".into(),
        filters,
        actions: vec![Action::link(
            t(locale, "action.export"),
            format!("/follow-ups/complaints.xlsx?from={from}&to={to}&open={}", if open { "1" } else { "" }),
        )],
        pager: super::view::Pager {
            summary: Catalog::get().format(locale, "list.rows", [("total", items.len().to_string().as_str())]),
            ..Default::default()
        },
        table: complaints_table(locale, &items),
    };
    list_page(&ctx, &list)
}

pub async fn complaints_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<PeriodParams>,
) -> Response {
    let (from, to) = params.range(&state, &who);
    match follow_up::list_complaints(&state.app, &who.actor, &from, &to, params.open.as_deref() == Some("1")).await {
        Ok(items) => xlsx(&t(who.locale, "fu.complaints"), &complaints_table(who.locale, &items), "complaints.xlsx"),
        Err(error) => error_page(who.locale, error),
    }
}

pub(super) fn xlsx(sheet: &str, table: &Table, file: &str) -> Response {
    let columns: Vec<String> = table.columns.iter().map(|c| c.label.clone()).collect();
    excel::download(sheet, &columns, &table.text_rows(), file)
}

pub async fn complaint(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let view = match follow_up::complaint(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let c = &view.complaint;
    let zone = who.actor.time_zone(&c.store_id).to_string();
    let history = audit::history(&state.app, "complaint", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let ctx = Ctx::new(&who, "fu.complaint.title", "/follow-ups/complaints")
        .titled(c.number.clone())
        .flash(flash.flash.as_deref());
    let mut actions = Vec::new();
    if view.actions.contains(&"escalate") {
        actions.push(Action::post(t(locale, "fu.complaint.escalate"), format!("/follow-ups/complaints/{id}/escalate")));
    }
    if let Some(customer) = &c.customer_id {
        actions.push(Action::link(t(locale, "fu.archive.title"), format!("/follow-ups/customers/{customer}")));
    }
    let mut sections = vec![Section {
        title: t(locale, "fu.complaint.title"),
        pairs: vec![
            (t(locale, "customer.name"), dash(&view.customer_name)),
            (t(locale, "fu.complaint.content"), c.content.clone()),
            (t(locale, "fu.complaint.opened_on"), c.opened_on.clone()),
            (t(locale, "fu.complaint.age"), view.age_days.to_string()),
            (
                t(locale, "fu.complaint.escalated_at"),
                c.escalated_at.map(|at| clock::display_local(at, &zone)).unwrap_or_else(|| "—".into()),
            ),
            (t(locale, "fu.complaint.solution"), dash(&c.solution)),
            (t(locale, "fu.complaint.solved_on"), dash(c.solved_on.as_deref().unwrap_or(""))),
            (t(locale, "fu.complaint.told_on"), dash(c.customer_told_on.as_deref().unwrap_or(""))),
        ],
        ..Section::default()
    }];
    if view.actions.contains(&"solve") {
        sections.push(Section {
            title: t(locale, "fu.complaint.solve"),
            form: Some(text_form(
                locale,
                &format!("/follow-ups/complaints/{id}/solve"),
                "solution",
                "fu.complaint.solution",
                "fu.complaint.solve",
                true,
            )),
            ..Section::default()
        });
    }
    if view.actions.contains(&"tell_customer") {
        sections.push(Section {
            title: t(locale, "fu.complaint.tell"),
            form: Some(text_form(
                locale,
                &format!("/follow-ups/complaints/{id}/tell_customer"),
                "note",
                "fu.call.summary",
                "fu.complaint.tell",
                false,
            )),
            ..Section::default()
        });
    }
    // F5/F6: a reply letter (答复函) to the customer, registered in the letter register and printable.
    if !view.letters.is_empty() {
        sections.push(Section {
            title: t(locale, "fu.letters"),
            table: Some(super::follow_up_more::letters_table(locale, &view.letters)),
            ..Section::default()
        });
    }
    sections.push(Section {
        title: t(locale, "fu.reply.write"),
        form: Some(super::follow_up_more::reply_form(locale, &id, "", &c.solution)),
        ..Section::default()
    });
    let (text, class) = complaint_state(locale, &c.status);
    let detail = DetailView {
        title: c.number.clone(),
        subtitle: view.customer_name.clone(),
        state: Some((text, class)),
        actions,
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &detail)
}

fn text_form(locale: Locale, action: &str, name: &str, label_key: &str, submit_key: &str, required: bool) -> FormView {
    let mut field = Field::text(name, t(locale, label_key), "").kind("textarea").wide();
    field.required = required;
    FormView {
        action: action.into(),
        groups: vec![FieldGroup { title: String::new(), fields: vec![field] }],
        submit: t(locale, submit_key),
        ..FormView::default()
    }
}

pub async fn complaint_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { who, form } = posted;
    let result = match action.as_str() {
        "escalate" => follow_up::escalate(&state.app, &who.actor, &id).await,
        "solve" => follow_up::solve(&state.app, &who.actor, &id, form.get("solution")).await,
        "tell_customer" => follow_up::tell_customer(&state.app, &who.actor, &id, form.get("note")).await,
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(_) => see_other(&format!("/follow-ups/complaints/{id}"), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let message =
                violations.iter().map(|v| Catalog::get().violation(who.locale, v)).collect::<Vec<_>>().join("；");
            let ctx = Ctx::new(&who, "fu.complaint.title", "/follow-ups/complaints");
            let mut view = text_form(
                who.locale,
                &format!("/follow-ups/complaints/{id}/solve"),
                "solution",
                "fu.complaint.solution",
                "fu.complaint.solve",
                true,
            );
            view.apply_messages(vec![("solution".into(), message)], who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

// ---------------------------------------------------------------- registers (F6)

#[derive(Debug, Default, Deserialize)]
pub struct RegisterParams {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    form: Option<String>,
}

const REGISTER_FORMS: &[&str] = &["call_record", "call_register", "letter_register"];

fn register_table(locale: Locale, registers: &follow_up::Registers, form: &str) -> Table {
    let name = |id: &Option<String>| id.as_ref().and_then(|id| registers.names.get(id)).cloned().unwrap_or_default();
    match form {
        "letter_register" => table(
            cols(
                locale,
                &[
                    "fu.letter.number",
                    "fu.letter.sent_on",
                    "fu.letter.template",
                    "fu.letter.recipient",
                    "customer.address",
                    "fu.letter.subject",
                    "fu.agent",
                ],
            ),
            registers
                .letters
                .iter()
                .map(|l| Row {
                    cells: vec![
                        Cell::mono(l.number.clone()),
                        Cell::mono(l.sent_on.clone()),
                        Cell::text(t(locale, &format!("fu.template.{}", l.template))),
                        Cell::text(l.recipient.clone()),
                        Cell::text(l.address.clone()),
                        Cell::text(l.subject.clone()),
                        Cell::text(name(&l.created_by)),
                    ],
                    alert: false,
                })
                .collect(),
            locale,
        ),
        "call_register" => table(
            cols(
                locale,
                &[
                    "fu.call.number",
                    "fu.call.called_on",
                    "fu.call.direction",
                    "fu.call.caller",
                    "customer.mobile",
                    "fu.call.kind",
                    "fu.call.outcome",
                    "fu.agent",
                ],
            ),
            registers
                .calls
                .iter()
                .map(|c| Row {
                    cells: vec![
                        Cell::mono(c.number.clone()),
                        Cell::mono(c.called_on.clone()),
                        Cell::text(t(locale, &format!("fu.direction.{}", c.direction))),
                        Cell::text(c.caller_name.clone()),
                        Cell::mono(c.phone.clone()),
                        Cell::text(t(locale, &format!("fu.kind.{}", c.kind))),
                        Cell::text(t(locale, &format!("fu.outcome.{}", c.outcome))),
                        Cell::text(name(&c.agent_id)),
                    ],
                    alert: false,
                })
                .collect(),
            locale,
        ),
        _ => {
            let views: Vec<follow_up::CallView> =
                registers.calls.iter().cloned().map(follow_up::CallView::new).collect();
            let mut table = calls_table(locale, &views, true);
            table.columns.insert(1, Column::new(t(locale, "fu.call.caller")));
            for (row, call) in table.rows.iter_mut().zip(&registers.calls) {
                row.cells.insert(1, Cell::text(call.caller_name.clone()));
            }
            table
        }
    }
}

fn register_form(params: &RegisterParams) -> &'static str {
    REGISTER_FORMS.iter().copied().find(|f| Some(*f) == params.form.as_deref()).unwrap_or("call_record")
}

pub async fn registers(State(state): State<AppState>, who: UiActor, Query(params): Query<RegisterParams>) -> Response {
    let locale = who.locale;
    let (from, to) =
        PeriodParams { from: params.from.clone(), to: params.to.clone(), ..Default::default() }.range(&state, &who);
    let form = register_form(&params);
    let registers = match follow_up::registers(&state.app, &who.actor, &from, &to).await {
        Ok(registers) => registers,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, &format!("fu.register.{form}"), "/follow-ups/registers");
    let mut filters = vec![super::view::Filter {
        name: "form".into(),
        label: t(locale, "fu.register.form"),
        value: form.into(),
        options: options(locale, "fu.register", REGISTER_FORMS),
        ..Default::default()
    }];
    filters.extend(period_filters(locale, &from, &to));
    let query = format!("form={form}&from={}&to={}", urlencode(&from), urlencode(&to));
    let table = register_table(locale, &registers, form);
    let list = ListView {
        title: t(locale, &format!("fu.register.{form}")),
        action_path: "/follow-ups/registers".into(),
        filters,
        actions: vec![
            Action::link(t(locale, "fu.call.inbound"), "/follow-ups/calls/new").primary(),
            Action::link(t(locale, "action.export"), format!("/follow-ups/registers.xlsx?{query}")),
            Action::link(t(locale, "action.print"), format!("/follow-ups/registers/print?{query}")),
        ],
        pager: super::view::Pager {
            summary: Catalog::get().format(locale, "list.rows", [("total", table.rows.len().to_string().as_str())]),
            ..Default::default()
        },
        table,
    };
    list_page(&ctx, &list)
}

pub async fn registers_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<RegisterParams>,
) -> Response {
    let (from, to) =
        PeriodParams { from: params.from.clone(), to: params.to.clone(), ..Default::default() }.range(&state, &who);
    let form = register_form(&params);
    match follow_up::registers(&state.app, &who.actor, &from, &to).await {
        Ok(registers) => xlsx(
            &t(who.locale, &format!("fu.register.{form}")),
            &register_table(who.locale, &registers, form),
            &format!("{form}-{from}-{to}.xlsx"),
        ),
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn registers_print(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<RegisterParams>,
) -> Response {
    let locale = who.locale;
    let (from, to) =
        PeriodParams { from: params.from.clone(), to: params.to.clone(), ..Default::default() }.range(&state, &who);
    let form = register_form(&params);
    let registers = match follow_up::registers(&state.app, &who.actor, &from, &to).await {
        Ok(registers) => registers,
        Err(error) => return error_page(locale, error),
    };
    let store = who
        .actor
        .current_store
        .as_deref()
        .and_then(|id| who.actor.store(id))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let print = PrintView {
        title: t(locale, &format!("fu.register.{form}")),
        store_name: store,
        form_no: format!("{from} – {to}"),
        printed_at: clock::display_local(state.app.now_ms(), who.actor.home_time_zone()),
        sections: vec![Section {
            title: format!("{} {from} – {to}", t(locale, "fu.period")),
            table: Some(register_table(locale, &registers, form)),
            ..Section::default()
        }],
        signatures: vec![t(locale, "fu.signature_agent"), t(locale, "fu.signature_supervisor")],
    };
    print_page(locale, &print)
}

// ---------------------------------------------------------------- events and letters (F5)

pub async fn events(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let locale = who.locale;
    let items = match follow_up::list_events(&state.app, &who.actor).await {
        Ok(items) => items,
        Err(error) => return error_page(locale, error),
    };
    let rows = items
        .iter()
        .map(|e| Row {
            cells: vec![
                Cell::link(e.title.clone(), format!("/follow-ups/events/{}", e.id)),
                Cell::text(t(locale, &format!("fu.event.kind.{}", e.kind))),
                Cell::mono(e.event_on.clone()),
                Cell::text(e.place.clone()),
            ],
            alert: false,
        })
        .collect();
    let table = table(
        cols(locale, &["fu.event.title_field", "fu.event.kind", "fu.event.event_on", "fu.event.place"]),
        rows,
        locale,
    );
    let ctx = Ctx::new(&who, "fu.events", "/follow-ups/events").flash(flash.flash.as_deref());
    let list = ListView {
        title: t(locale, "fu.events"),
        action_path: "/follow-ups/events".into(),
        actions: vec![
            Action::link(t(locale, "action.new"), "/follow-ups/events/new").primary(),
            Action::link(t(locale, "action.export"), "/follow-ups/events.xlsx"),
        ],
        pager: super::view::Pager {
            summary: Catalog::get().format(locale, "list.rows", [("total", items.len().to_string().as_str())]),
            ..Default::default()
        },
        table,
        ..ListView::default()
    };
    list_page(&ctx, &list)
}

pub async fn events_export(State(state): State<AppState>, who: UiActor) -> Response {
    let locale = who.locale;
    match follow_up::list_events(&state.app, &who.actor).await {
        Ok(items) => {
            let rows = items
                .iter()
                .map(|e| Row {
                    cells: vec![
                        Cell::text(e.title.clone()),
                        Cell::text(t(locale, &format!("fu.event.kind.{}", e.kind))),
                        Cell::text(e.event_on.clone()),
                        Cell::text(e.place.clone()),
                    ],
                    alert: false,
                })
                .collect();
            xlsx(
                &t(locale, "fu.events"),
                &table(
                    cols(locale, &["fu.event.title_field", "fu.event.kind", "fu.event.event_on", "fu.event.place"]),
                    rows,
                    locale,
                ),
                "events.xlsx",
            )
        }
        Err(error) => error_page(locale, error),
    }
}

fn event_form(locale: Locale, form: &FormData) -> FormView {
    let value = |name: &str| form.get(name).to_string();
    let mut templates = vec![(String::new(), t(locale, "fu.template.none"))];
    templates.extend(options(locale, "fu.template", &["notice", "invitation"]));
    FormView {
        title: t(locale, "fu.event.new"),
        action: "/follow-ups/events".into(),
        groups: vec![
            FieldGroup {
                title: String::new(),
                fields: vec![
                    Field::text("kind", t(locale, "fu.event.kind"), value("kind"))
                        .options(options(
                            locale,
                            "fu.event.kind",
                            &["customer_event", "offer_month", "free_inspection_week"],
                        ))
                        .required(),
                    Field::text("title", t(locale, "fu.event.title_field"), value("title")).required(),
                    Field::text("event_on", t(locale, "fu.event.event_on"), value("event_on")).kind("date").required(),
                    Field::text("place", t(locale, "fu.event.place"), value("place")),
                    Field::text("content", t(locale, "fu.event.content"), value("content")).kind("textarea").wide(),
                    Field::text("letter_template", t(locale, "fu.letter.template"), value("letter_template"))
                        .options(templates),
                ],
            },
            FieldGroup {
                title: t(locale, "fu.event.targets"),
                fields: vec![
                    Field::text("target_model", t(locale, "vehicle.model"), value("target_model")),
                    Field::text("last_visit_from", t(locale, "fu.event.last_visit_from"), value("last_visit_from"))
                        .kind("date"),
                    Field::text("last_visit_to", t(locale, "fu.event.last_visit_to"), value("last_visit_to"))
                        .kind("date"),
                    Field::text("target_area", t(locale, "customer.area"), value("target_area")),
                ],
            },
        ],
        submit: t(locale, "action.save"),
        cancel_href: Some("/follow-ups/events".into()),
        ..FormView::default()
    }
}

pub async fn event_new(who: UiActor) -> Response {
    let ctx = Ctx::new(&who, "fu.event.new", "/follow-ups/events");
    form_page(&ctx, &event_form(who.locale, &FormData(vec![("kind".into(), "customer_event".into())])), StatusCode::OK)
}

pub async fn event_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = EventInput {
        kind: form.get("kind").into(),
        title: form.get("title").into(),
        event_on: form.get("event_on").into(),
        place: form.get("place").into(),
        content: form.get("content").into(),
        target_model: form.get("target_model").into(),
        last_visit_from: form.opt("last_visit_from"),
        last_visit_to: form.opt("last_visit_to"),
        target_area: form.get("target_area").into(),
        letter_template: form.get("letter_template").into(),
        store_id: None,
    };
    match follow_up::create_event(&state.app, &who.actor, input).await {
        Ok(detail) => see_other(&format!("/follow-ups/events/{}", detail.event.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "fu.event.new", "/follow-ups/events");
            let mut view = event_form(who.locale, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn event_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let detail = match follow_up::event(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let e = &detail.event;
    let ctx = Ctx::new(&who, "fu.events", "/follow-ups/events").titled(e.title.clone()).flash(flash.flash.as_deref());
    let targets = detail
        .targets
        .iter()
        .map(|target| Row {
            cells: vec![
                Cell::link(
                    target.name.clone(),
                    format!("/follow-ups/customers/{}/call?kind=event_notice&event_id={id}", target.target.customer_id),
                ),
                Cell::mono(target.mobile.clone()),
                Cell::text(target.address.clone()),
                Cell::mono(target.target.notified_on.clone().unwrap_or_default()),
                Cell::text(if target.target.letter_id.is_some() { t(locale, "fu.letter.sent") } else { String::new() }),
            ],
            alert: false,
        })
        .collect();
    let view = DetailView {
        title: e.title.clone(),
        subtitle: format!("{} · {}", t(locale, &format!("fu.event.kind.{}", e.kind)), e.event_on),
        actions: vec![
            Action::post(t(locale, "fu.letter.send"), format!("/follow-ups/events/{id}/letters")).primary(),
            Action::link(t(locale, "fu.letter.print"), format!("/follow-ups/events/{id}/letters/print")),
            Action::link(t(locale, "action.export"), format!("/follow-ups/events/{id}/targets.xlsx")),
        ],
        sections: vec![
            Section {
                title: t(locale, "fu.event.title"),
                pairs: vec![
                    (t(locale, "fu.event.event_on"), e.event_on.clone()),
                    (t(locale, "fu.event.notice_due"), detail.notice_due_on.clone()),
                    (t(locale, "fu.event.place"), dash(&e.place)),
                    (t(locale, "fu.event.content"), dash(&e.content)),
                    (
                        t(locale, "fu.letter.template"),
                        if e.letter_template.is_empty() {
                            "—".into()
                        } else {
                            t(locale, &format!("fu.template.{}", e.letter_template))
                        },
                    ),
                ],
                ..Section::default()
            },
            Section {
                title: format!("{} ({})", t(locale, "fu.event.targets"), detail.targets.len()),
                table: Some(table(
                    cols(
                        locale,
                        &[
                            "customer.name",
                            "customer.mobile",
                            "customer.address",
                            "fu.event.notified_on",
                            "fu.letter.title",
                        ],
                    ),
                    targets,
                    locale,
                )),
                ..Section::default()
            },
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn event_letters(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    match follow_up::send_letters(&state.app, &posted.who.actor, &id).await {
        Ok(_) => see_other(&format!("/follow-ups/events/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

#[derive(Template)]
#[template(path = "letters.html")]
pub(super) struct LettersPrint {
    pub(super) lang: &'static str,
    pub(super) store: String,
    pub(super) letters: Vec<(String, String, String, String)>,
    pub(super) labels_title: String,
}

/// The event's letters, one per page, then a sheet of address labels.
pub async fn event_letters_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let detail = match follow_up::event(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let e = &detail.event;
    let store = who.actor.store(&e.store_id).map(|s| s.name.clone()).unwrap_or_default();
    let catalog = Catalog::get();
    let letters = detail
        .letters
        .iter()
        .map(|letter| {
            let body = catalog.format(
                locale,
                &format!("fu.template.{}.body", letter.template),
                [
                    ("name", letter.recipient.as_str()),
                    ("title", e.title.as_str()),
                    ("date", e.event_on.as_str()),
                    ("place", e.place.as_str()),
                    ("store", store.as_str()),
                ],
            );
            (letter.recipient.clone(), letter.address.clone(), body, letter.number.clone())
        })
        .collect();
    render(&LettersPrint { lang: locale.tag(), store, letters, labels_title: t(locale, "fu.letter.labels") })
}

// ---------------------------------------------------------------- stand-ins (F7)

fn stand_in_form(locale: Locale, form: &FormData, staff: &[(String, String)]) -> FormView {
    let value = |name: &str| form.get(name).to_string();
    let mut people = vec![(String::new(), t(locale, "form.choose"))];
    people.extend(staff.iter().cloned());
    FormView {
        title: t(locale, "fu.stand_in.new"),
        action: "/follow-ups/stand-ins".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("absent_user_id", t(locale, "fu.stand_in.absent"), value("absent_user_id"))
                    .options(people.clone())
                    .required(),
                Field::text("stand_in_user_id", t(locale, "fu.stand_in.stand_in"), value("stand_in_user_id"))
                    .options(people)
                    .required(),
                Field::text("from_on", t(locale, "fu.from"), value("from_on")).kind("date").required(),
                Field::text("to_on", t(locale, "fu.to"), value("to_on")).kind("date").required(),
                Field::text("reason", t(locale, "fu.stand_in.reason"), value("reason")),
            ],
        }],
        submit: t(locale, "action.save"),
        ..FormView::default()
    }
}

async fn stand_ins_page(
    state: &AppState,
    who: &UiActor,
    form: &FormData,
    violations: Option<&claimdesk_domain::Violations>,
    flash: Option<&str>,
) -> Response {
    let locale = who.locale;
    let items = match follow_up::list_stand_ins(&state.app, &who.actor).await {
        Ok(items) => items,
        Err(error) => return error_page(locale, error),
    };
    let rows = items
        .iter()
        .map(|s| {
            let revoked = s.stand_in.revoked_at.is_some();
            Row {
                cells: vec![
                    Cell::text(s.absent_name.clone()),
                    Cell::text(s.stand_in_name.clone()),
                    Cell::mono(format!("{} – {}", s.stand_in.from_on, s.stand_in.to_on)),
                    Cell::text(s.stand_in.reason.clone()),
                    if revoked {
                        Cell::tag(t(locale, "fu.stand_in.revoked"), "tag-gray")
                    } else {
                        Cell::link(
                            t(locale, "fu.stand_in.revoke"),
                            format!("/follow-ups/stand-ins/{}/revoke", s.stand_in.id),
                        )
                    },
                ],
                alert: false,
            }
        })
        .collect();
    let staff = staff(state, who).await;
    let mut view = stand_in_form(locale, form, &staff);
    if let Some(violations) = violations {
        view.apply_errors(violations, locale);
    }
    let ctx = Ctx::new(who, "fu.stand_ins", "/follow-ups/stand-ins").flash(flash);
    let detail = DetailView {
        title: t(locale, "fu.stand_ins"),
        actions: vec![Action::link(t(locale, "action.export"), "/follow-ups/stand-ins.xlsx")],
        sections: vec![
            Section {
                title: t(locale, "fu.stand_ins"),
                table: Some(table(
                    cols(
                        locale,
                        &["fu.stand_in.absent", "fu.stand_in.stand_in", "fu.period", "fu.stand_in.reason", "fu.status"],
                    ),
                    rows,
                    locale,
                )),
                ..Section::default()
            },
            Section { title: t(locale, "fu.stand_in.new"), form: Some(view), ..Section::default() },
        ],
        ..DetailView::default()
    };
    let response = detail_page(&ctx, &detail);
    if violations.is_some() { (StatusCode::UNPROCESSABLE_ENTITY, response).into_response_with() } else { response }
}

pub async fn stand_ins(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    stand_ins_page(&state, &who, &FormData(Vec::new()), None, flash.flash.as_deref()).await
}

pub async fn stand_in_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = StandInInput {
        absent_user_id: form.get("absent_user_id").into(),
        stand_in_user_id: form.get("stand_in_user_id").into(),
        from_on: form.get("from_on").into(),
        to_on: form.get("to_on").into(),
        reason: form.get("reason").into(),
        store_id: None,
    };
    match follow_up::assign_stand_in(&state.app, &who.actor, input).await {
        Ok(_) => see_other("/follow-ups/stand-ins", "form.saved"),
        Err(AppError::Invalid(violations)) => stand_ins_page(&state, &who, &form, Some(&violations), None).await,
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn stand_in_revoke(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    match follow_up::revoke_stand_in(&state.app, &posted.who.actor, &id).await {
        Ok(()) => see_other("/follow-ups/stand-ins", "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

pub async fn stand_in_confirm(who: UiActor, Path(id): Path<String>) -> Response {
    let ctx = Ctx::new(&who, "fu.stand_in.revoke", "/follow-ups/stand-ins");
    let detail = DetailView {
        title: t(who.locale, "fu.stand_in.revoke"),
        actions: vec![
            Action::post(t(who.locale, "fu.stand_in.revoke"), format!("/follow-ups/stand-ins/{id}/revoke")).primary(),
            Action::link(t(who.locale, "action.back"), "/follow-ups/stand-ins"),
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &detail)
}

// ---------------------------------------------------------------- next contacts and lost customers (F2)

fn next_table(locale: Locale, items: &[claimdesk_app::worklist::DueItemView], names: &[(String, String)]) -> Table {
    let rows = items
        .iter()
        .map(|item| {
            let person = item
                .assignee_id
                .as_ref()
                .and_then(|id| names.iter().find(|(uid, _)| uid == id))
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            let reason = item
                .params
                .get("reason")
                .and_then(|r| r.as_str())
                .map(|r| t(locale, &format!("fu.reason.{r}")))
                .unwrap_or_else(|| t(locale, &format!("due.{}", item.kind)));
            Row {
                cells: vec![
                    Cell::text(person),
                    Cell::link(item.subject_label.clone(), format!("/follow-ups/customers/{}", item.subject_id)),
                    Cell::text(reason),
                    Cell::mono(item.due_on.clone()),
                    Cell::link(
                        t(locale, "fu.call.new"),
                        format!(
                            "/follow-ups/customers/{}/call?kind={}",
                            item.subject_id,
                            if item.kind == "lost_customer" { "lost_customer" } else { "next_service" }
                        ),
                    ),
                ],
                alert: item.days_overdue > 0,
            }
        })
        .collect();
    table(
        cols(locale, &["fu.agent", "customer.name", "fu.next_contact", "worklist.due_on", "fu.call.new"]),
        rows,
        locale,
    )
}

pub async fn next_service(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let locale = who.locale;
    let items = match follow_up::next_contacts(&state.app, &who.actor).await {
        Ok(items) => items,
        Err(error) => return error_page(locale, error),
    };
    let names = staff(&state, &who).await;
    let ctx = Ctx::new(&who, "fu.next_service", "/follow-ups/next-service").flash(flash.flash.as_deref());
    let list = ListView {
        title: t(locale, "fu.next_service"),
        action_path: "/follow-ups/next-service".into(),
        actions: vec![
            Action::post(t(locale, "fu.lost.generate"), "/follow-ups/lost-customers").primary(),
            Action::link(t(locale, "action.export"), "/follow-ups/next-service.xlsx"),
        ],
        pager: super::view::Pager {
            summary: Catalog::get().format(locale, "list.rows", [("total", items.len().to_string().as_str())]),
            ..Default::default()
        },
        table: next_table(locale, &items, &names),
        ..ListView::default()
    };
    list_page(&ctx, &list)
}

pub async fn next_service_export(State(state): State<AppState>, who: UiActor) -> Response {
    match follow_up::next_contacts(&state.app, &who.actor).await {
        Ok(items) => {
            let names = staff(&state, &who).await;
            xlsx(&t(who.locale, "fu.next_service"), &next_table(who.locale, &items, &names), "next-service.xlsx")
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn lost_customers(State(state): State<AppState>, posted: Posted) -> Response {
    match follow_up::generate_lost_customers(&state.app, &posted.who.actor).await {
        Ok(_) => see_other("/follow-ups/next-service", "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

// ---------------------------------------------------------------- board and summaries (F8)

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage<'a> {
    ctx: &'a Ctx,
    title: String,
    subtitle: String,
    actions: Vec<Action>,
    figures: Vec<(String, String, bool)>,
    charts: Vec<(String, String)>,
    tables: Vec<(String, Table)>,
    form: Option<FormView>,
}

fn figures(locale: Locale, board: &Board) -> Vec<(String, String, bool)> {
    let percent = board.satisfaction.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into());
    vec![
        (t(locale, "fu.board.due"), board.totals.due.to_string(), false),
        (t(locale, "fu.board.done"), board.totals.done.to_string(), false),
        (t(locale, "fu.board.overdue"), board.totals.overdue.to_string(), board.totals.overdue > 0),
        (t(locale, "fu.board.first_calls"), board.first_calls.to_string(), false),
        (t(locale, "fu.board.second_calls"), board.second_calls.to_string(), false),
        (t(locale, "fu.board.complaints_opened"), board.complaints_opened.to_string(), false),
        (t(locale, "fu.board.complaints_open"), board.complaints_open.to_string(), board.complaints_open > 0),
        (t(locale, "fu.board.satisfaction"), percent, false),
    ]
}

fn people_table(locale: Locale, board: &Board) -> Table {
    let mut rows: Vec<Row> = board
        .people
        .iter()
        .chain(std::iter::once(&board.totals))
        .map(|p| Row {
            cells: vec![
                Cell::text(if p.user_id.is_empty() && p.name.is_empty() {
                    t(locale, "fu.board.total")
                } else {
                    p.name.clone()
                }),
                Cell::money(p.due.to_string()),
                Cell::money(p.done.to_string()),
                Cell::money(p.overdue.to_string()),
                Cell::money(p.calls.to_string()),
                Cell::money(p.satisfaction.map(|s| format!("{s}%")).unwrap_or_default()),
            ],
            alert: p.overdue > 0,
        })
        .collect();
    if board.people.is_empty() {
        rows.clear();
    }
    let mut columns = vec![Column::new(t(locale, "fu.agent"))];
    for key in ["fu.board.due", "fu.board.done", "fu.board.overdue", "fu.board.calls", "fu.board.satisfaction"] {
        columns.push(Column::right(t(locale, key)));
    }
    table(columns, rows, locale)
}

fn figures_table(locale: Locale, board: &Board) -> Table {
    let pairs = [
        ("fu.board.first_calls", board.first_calls),
        ("fu.board.second_calls", board.second_calls),
        ("fu.board.complaints_opened", board.complaints_opened),
        ("fu.board.complaints_escalated", board.complaints_escalated),
        ("fu.board.complaints_solved", board.complaints_solved),
        ("fu.board.complaints_told", board.complaints_told),
        ("fu.board.complaints_open", board.complaints_open),
        ("fu.board.complaint_oldest", usize::try_from(board.complaint_oldest_days).unwrap_or(0)),
        ("fu.board.complaint_average", usize::try_from(board.complaint_average_days).unwrap_or(0)),
        ("fu.board.archives_done", board.archives_done),
        ("fu.board.unreachable", board.unreachable),
        ("fu.board.inbound", board.inbound_calls),
        ("fu.board.lost", board.lost_customer_calls),
        ("fu.board.event_notices", board.event_notices),
        ("fu.board.letters", board.letters),
    ];
    let rows = pairs
        .iter()
        .map(|(key, n)| Row { cells: vec![Cell::text(t(locale, key)), Cell::money(n.to_string())], alert: false })
        .collect();
    table(vec![Column::new(t(locale, "fu.board.figure")), Column::right(t(locale, "fu.board.value"))], rows, locale)
}

/// A bar chart drawn on the server: one bar per (label, value), with the value above each bar.
pub(crate) fn bar_chart(title: &str, bars: &[(String, f64)], color: &str) -> String {
    let width = 640.0_f64;
    let height = 220.0_f64;
    let max = bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1.0);
    let n = bars.len().max(1) as f64;
    let slot = (width - 40.0) / n;
    let bar = (slot * 0.6).min(48.0);
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        escape(title),
        escape(title)
    );
    svg.push_str(&format!(
        "<line x1=\"30\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>",
        height - 30.0,
        width - 10.0,
        height - 30.0
    ));
    for (index, (label, value)) in bars.iter().enumerate() {
        let h = (value / max) * (height - 70.0);
        let x = 30.0 + slot * index as f64 + (slot - bar) / 2.0;
        let y = height - 30.0 - h;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{color}\"/>"
        ));
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\">{}</text>",
            x + bar / 2.0,
            y - 4.0,
            format_value(*value)
        ));
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">{}</text>",
            x + bar / 2.0,
            height - 12.0,
            escape(label)
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn format_value(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn charts(locale: Locale, board: &Board) -> Vec<(String, String)> {
    let per_person: Vec<(String, f64)> = board.people.iter().map(|p| (p.name.clone(), p.done as f64)).collect();
    let scores: Vec<(String, f64)> =
        board.satisfaction_scores.iter().map(|(s, n)| (s.to_string(), *n as f64)).collect();
    let days: Vec<(String, f64)> =
        board.calls_by_day.iter().map(|(d, n)| (d.get(5..).unwrap_or(d).to_string(), *n as f64)).collect();
    vec![
        (
            t(locale, "fu.chart.done_per_person"),
            bar_chart(&t(locale, "fu.chart.done_per_person"), &per_person, "#1677ff"),
        ),
        (t(locale, "fu.chart.calls_per_day"), bar_chart(&t(locale, "fu.chart.calls_per_day"), &days, "#13a8a8")),
        (t(locale, "fu.chart.satisfaction"), bar_chart(&t(locale, "fu.chart.satisfaction"), &scores, "#fa8c16")),
    ]
}

pub async fn board(State(state): State<AppState>, who: UiActor, Query(params): Query<PeriodParams>) -> Response {
    let locale = who.locale;
    let board = match follow_up::board(&state.app, &who.actor, params.from.as_deref(), params.to.as_deref()).await {
        Ok(board) => board,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "fu.board.title", "/follow-ups/board");
    render(&BoardPage {
        ctx: &ctx,
        title: t(locale, "fu.board.title"),
        subtitle: format!("{} – {}", board.from, board.to),
        actions: vec![
            Action::link(
                t(locale, "action.export"),
                format!("/follow-ups/board.xlsx?from={}&to={}", board.from, board.to),
            ),
            Action::link(t(locale, "fu.summaries"), "/follow-ups/summaries"),
        ],
        figures: figures(locale, &board),
        charts: charts(locale, &board),
        tables: vec![
            (t(locale, "fu.board.people"), people_table(locale, &board)),
            (t(locale, "fu.board.figures"), figures_table(locale, &board)),
        ],
        form: None,
    })
}

pub async fn board_export(State(state): State<AppState>, who: UiActor, Query(params): Query<PeriodParams>) -> Response {
    match follow_up::board(&state.app, &who.actor, params.from.as_deref(), params.to.as_deref()).await {
        Ok(board) => xlsx(&t(who.locale, "fu.board.title"), &people_table(who.locale, &board), "follow-up-board.xlsx"),
        Err(error) => error_page(who.locale, error),
    }
}

fn draft_form(locale: Locale, form: &FormData) -> FormView {
    FormView {
        title: t(locale, "fu.summary.draft"),
        action: "/follow-ups/summaries".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("period_kind", t(locale, "fu.summary.kind"), form.get("period_kind")).options(options(
                    locale,
                    "fu.summary.kind",
                    &["month", "year"],
                )),
                Field::text("period", t(locale, "fu.period"), form.get("period")).required().hint("2024-05 / 2024"),
            ],
        }],
        submit: t(locale, "fu.summary.draft"),
        ..FormView::default()
    }
}

async fn summaries_page(
    state: &AppState,
    who: &UiActor,
    form: &FormData,
    violations: Option<&claimdesk_domain::Violations>,
    flash: Option<&str>,
) -> Response {
    let locale = who.locale;
    let items = match follow_up::list_summaries(&state.app, &who.actor).await {
        Ok(items) => items,
        Err(error) => return error_page(locale, error),
    };
    let rows = items
        .iter()
        .map(|s| Row {
            cells: vec![
                Cell::link(
                    format!("{} {}", t(locale, &format!("fu.summary.kind.{}", s.period_kind)), s.period),
                    format!("/follow-ups/summaries/{}", s.id),
                ),
                Cell::tag(
                    t(locale, &format!("fu.summary.status.{}", s.status)),
                    if s.status == "filed" { "tag-green" } else { "tag-orange" },
                ),
            ],
            alert: false,
        })
        .collect();
    let mut view = draft_form(locale, form);
    if let Some(violations) = violations {
        view.apply_errors(violations, locale);
    }
    let ctx = Ctx::new(who, "fu.summaries", "/follow-ups/summaries").flash(flash);
    let detail = DetailView {
        title: t(locale, "fu.summaries"),
        actions: vec![Action::link(t(locale, "action.export"), "/follow-ups/summaries.xlsx")],
        sections: vec![
            Section {
                title: t(locale, "fu.summaries"),
                table: Some(table(cols(locale, &["fu.period", "fu.status"]), rows, locale)),
                ..Section::default()
            },
            Section { title: t(locale, "fu.summary.draft"), form: Some(view), ..Section::default() },
        ],
        ..DetailView::default()
    };
    let response = detail_page(&ctx, &detail);
    if violations.is_some() { (StatusCode::UNPROCESSABLE_ENTITY, response).into_response_with() } else { response }
}

pub async fn summaries(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let today = clock::local_date(state.app.clock.now(), who.actor.home_time_zone());
    let form = FormData(vec![
        ("period_kind".into(), "month".into()),
        ("period".into(), claimdesk_domain::followup::month_of(today)),
    ]);
    summaries_page(&state, &who, &form, None, flash.flash.as_deref()).await
}

pub async fn summary_draft(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match follow_up::draft_summary(&state.app, &who.actor, form.get("period_kind"), form.get("period")).await {
        Ok(view) => see_other(&format!("/follow-ups/summaries/{}", view.summary.id), "form.saved"),
        Err(AppError::Invalid(violations)) => summaries_page(&state, &who, &form, Some(&violations), None).await,
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn summary_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let view = match follow_up::summary(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let s = &view.summary;
    let title = format!("{} {}", t(locale, &format!("fu.summary.kind.{}", s.period_kind)), s.period);
    let ctx =
        Ctx::new(&who, "fu.summaries", "/follow-ups/summaries").titled(title.clone()).flash(flash.flash.as_deref());
    let filed = s.status == "filed";
    let form = (!filed).then(|| FormView {
        title: t(locale, "fu.summary.body"),
        action: format!("/follow-ups/summaries/{id}"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("body", t(locale, "fu.summary.body"), s.body.clone()).kind("textarea").wide(),
                Field::text("version", "", s.version.to_string()).kind("hidden"),
            ],
        }],
        submit: t(locale, "action.save"),
        secondary_submit: None,
        ..FormView::default()
    });
    let mut actions = vec![Action::link(t(locale, "action.print"), format!("/follow-ups/summaries/{id}/print"))];
    if !filed {
        actions.insert(
            0,
            Action::post(t(locale, "fu.summary.file"), format!("/follow-ups/summaries/{id}/file")).primary(),
        );
    }
    let mut tables = vec![
        (t(locale, "fu.board.people"), people_table(locale, &view.board)),
        (t(locale, "fu.board.figures"), figures_table(locale, &view.board)),
    ];
    if filed {
        let body = Row { cells: vec![Cell::text(s.body.clone())], alert: false };
        tables.insert(
            0,
            (t(locale, "fu.summary.body"), table(vec![Column::new(t(locale, "fu.summary.body"))], vec![body], locale)),
        );
    }
    render(&BoardPage {
        ctx: &ctx,
        title: title.clone(),
        subtitle: format!(
            "{} · {} – {}",
            t(locale, &format!("fu.summary.status.{}", s.status)),
            view.board.from,
            view.board.to
        ),
        actions,
        figures: figures(locale, &view.board),
        charts: charts(locale, &view.board),
        tables,
        form,
    })
}

pub async fn summary_save(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    match follow_up::save_summary(&state.app, &posted.who.actor, &id, posted.form.get("body")).await {
        Ok(_) => see_other(&format!("/follow-ups/summaries/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

pub async fn summary_file(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let body = posted.form.opt("body");
    match follow_up::file_summary(&state.app, &posted.who.actor, &id, body.as_deref()).await {
        Ok(_) => see_other(&format!("/follow-ups/summaries/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

pub async fn summary_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let view = match follow_up::summary(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let s = &view.summary;
    let print = PrintView {
        title: format!("{} {}", t(locale, &format!("fu.summary.kind.{}", s.period_kind)), s.period),
        store_name: who.actor.store(&s.store_id).map(|x| x.name.clone()).unwrap_or_default(),
        form_no: format!("ZJ-{}-{}", s.period_kind.to_uppercase(), s.period),
        printed_at: clock::display_local(state.app.now_ms(), who.actor.home_time_zone()),
        sections: vec![
            Section {
                title: t(locale, "fu.summary.body"),
                pairs: vec![(t(locale, "fu.summary.body"), dash(&s.body))],
                ..Section::default()
            },
            Section {
                title: t(locale, "fu.board.figures"),
                table: Some(figures_table(locale, &view.board)),
                ..Section::default()
            },
            Section {
                title: t(locale, "fu.board.people"),
                table: Some(people_table(locale, &view.board)),
                ..Section::default()
            },
        ],
        signatures: vec![t(locale, "fu.signature_supervisor")],
    };
    print_page(locale, &print)
}
