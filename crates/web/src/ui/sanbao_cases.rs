//! The 三包 duties around a vehicle in the browser: the vehicle's 三包 terms printed for the customer (W8),
//! the Art 24 watch and the 换退车 mark on the vehicle and repair-order pages, the repair order's 三包
//! record with the Art 21 spare car, and the replacement and return cases (三包换退车) with their list,
//! form, page, reply and completion, and the printed reply or 换车/退车证明.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::repair_orders::RepairOrderView;
use claimdesk_app::sanbao::cases::{self, CaseFault, CaseInput, CaseListQuery, CaseView, CompleteInput, DecideInput};
use claimdesk_app::sanbao::repairs::{self, ACTIONS, PROVISIONS, RepairRecordInput, SpareInput, VehicleWatch};
use claimdesk_app::sanbao::terms::{self, PeriodLine};
use claimdesk_app::{AppError, audit, clock, vehicles};
use claimdesk_domain::access::Permission;
use serde::Deserialize;

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, ListView, PrintView, Row, Section, Table,
};
use super::{
    Ctx, Flash, detail_page, error_page, form_page, label, list_page, options, pager, print_page, see_other, timeline,
};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::{Catalog, Locale};

const SYSTEMS: [&str; 15] = [
    "engine",
    "transmission",
    "power_battery",
    "drive_motor",
    "steering",
    "brakes",
    "suspension",
    "drivetrain",
    "emission_control",
    "body",
    "axle",
    "fuel_system",
    "air_conditioning",
    "electrical",
    "other",
];

fn with_blank(locale: Locale, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    let mut all = vec![(String::new(), label(locale, "form.choose"))];
    all.extend(options(locale, prefix, values));
    all
}

/// One row per Art 24 ground close at hand and per 换退车 mark; every row red.
fn watch_rows(locale: Locale, watch: &VehicleWatch) -> Vec<Row> {
    let catalog = Catalog::get();
    let mut rows = Vec::new();
    for ground in &watch.approaches {
        let (count, threshold, short) =
            (ground.count.to_string(), ground.threshold.to_string(), ground.short_by.to_string());
        let subject = ground.subject.clone().unwrap_or_default();
        let key = match (ground.reached, ground.ground.as_str()) {
            (true, _) => "sbc.reached",
            (false, "cumulative_days") => "sbc.approaching_days",
            (false, _) => "sbc.approaching",
        };
        let text = catalog.format(
            locale,
            &format!("sbc.ground.{}", ground.ground.as_str()),
            [("count", count.as_str()), ("threshold", threshold.as_str()), ("subject", subject.as_str())],
        );
        let status = catalog.format(locale, key, [("short_by", short.as_str())]);
        rows.push(Row {
            cells: vec![Cell::tag(status, "tag-red"), Cell::text(text), Cell::mono(ground.article)],
            alert: true,
        });
    }
    for mark in &watch.marks {
        let text = match &mark.restart_on {
            Some(on) => catalog.format(
                locale,
                "sbc.mark.restart",
                [("date", on.as_str()), ("km", mark.restart_km.unwrap_or(0).to_string().as_str())],
            ),
            None => label(locale, &format!("sbc.kind.{}", mark.kind)),
        };
        rows.push(Row {
            cells: vec![
                Cell::tag(label(locale, &format!("sbc.mark.{}", mark.mark)), "tag-red"),
                Cell::link(format!("{} · {text}", mark.case_number), format!("/sanbao-cases/{}", mark.case_id)),
                Cell::mono("2021 Art 33"),
            ],
            alert: true,
        });
    }
    rows
}

/// The 三包 alert card of a vehicle (Art 24 watch and 换退车 marks), when it has anything to say.
pub async fn vehicle_section(state: &AppState, who: &UiActor, vehicle_id: &str) -> Option<Section> {
    let watch = repairs::vehicle_watch(&state.app, &who.actor, vehicle_id).await.ok()?;
    let rows = watch_rows(who.locale, &watch);
    if rows.is_empty() {
        return None;
    }
    let t = |key: &str| label(who.locale, key);
    Some(Section {
        title: t("sbc.watch"),
        table: Some(Table {
            columns: vec![Column::new(t("sbc.state")), Column::new(t("sbc.what")), Column::new(t("sanbao.article"))],
            rows,
            empty: String::new(),
        }),
        ..Section::default()
    })
}

/// A vehicle table with the 换退车 mark of each marked vehicle in its own column (`ids` in row order).
pub async fn with_marks(state: &AppState, who: &UiActor, ids: Vec<String>, mut table: Table) -> Table {
    let Ok(marks) = repairs::marks_of_vehicles(&state.app, &who.actor, ids.clone()).await else { return table };
    if marks.is_empty() {
        return table;
    }
    table.columns.push(Column::new(label(who.locale, "sbc.mark")));
    for (row, id) in table.rows.iter_mut().zip(&ids) {
        let cell = match marks.get(id).and_then(|found| found.last()) {
            Some(mark) => Cell {
                href: Some(format!("/sanbao-cases/{}", mark.case_id)),
                ..Cell::tag(label(who.locale, &format!("sbc.mark.{}", mark.mark)), "tag-red")
            },
            None => Cell::text(""),
        };
        row.cells.push(cell);
    }
    table
}

/// The actions the vehicle page offers for 三包: the printable terms and a new replacement/return case.
pub fn vehicle_actions(who: &UiActor, vehicle_id: &str, store_id: &str) -> Vec<Action> {
    let t = |key: &str| label(who.locale, key);
    let mut actions = vec![Action::link(t("sbc.terms"), format!("/vehicles/{vehicle_id}/sanbao-terms"))];
    if who.actor.can(Permission::WarrantyWrite, store_id) {
        actions.push(Action::link(t("sbc.case_new"), format!("/sanbao-cases/new?vehicle_id={vehicle_id}")));
    }
    actions
}

fn period_text(locale: Locale, line: &PeriodLine) -> String {
    Catalog::get().format(
        locale,
        "sbc.period_line",
        [("date", line.last_day.as_str()), ("km", line.km_limit.to_string().as_str())],
    )
}

/// The vehicle's 三包 terms, printed for the customer (W8).
pub async fn terms_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let sheet = match terms::vehicle_terms(&state.app, &who.actor, &id).await {
        Ok(sheet) => sheet,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let mut sections = vec![
        Section {
            title: t("vehicle.title"),
            pairs: vec![
                (t("vehicle.vin"), sheet.vin.clone()),
                (t("vehicle.plate"), sheet.plate.clone()),
                (t("vehicle.model"), format!("{} {}", sheet.brand, sheet.model)),
                (t("vehicle.powertrain"), t(&format!("vehicle.powertrain.{}", sheet.powertrain))),
                (t("sanbao.start"), format!("{}（{}）", sheet.start, t(&format!("sbc.basis.{}", sheet.start_basis)))),
                (t("sanbao.version"), t(&format!("sbc.version.{}", sheet.version))),
            ],
            ..Section::default()
        },
        Section {
            title: t("sbc.covered"),
            table: Some(Table {
                columns: vec![Column::new(t("sbc.cover")), Column::new(t("sbc.until")), Column::new(t("sbc.what"))],
                rows: [
                    ("sbc.cover.warranty", period_text(locale, &sheet.warranty), "sbc.cover.warranty_text"),
                    ("sbc.cover.sanbao", period_text(locale, &sheet.sanbao), "sbc.cover.sanbao_text"),
                    ("sbc.cover.sixty_day", period_text(locale, &sheet.sixty_day), "sbc.cover.sixty_day_text"),
                ]
                .into_iter()
                .chain(
                    sheet
                        .seven_day_last_day
                        .iter()
                        .map(|day| ("sbc.cover.seven_day", day.clone(), "sbc.cover.seven_day_text")),
                )
                .map(|(name, until, what)| Row {
                    cells: vec![Cell::text(t(name)), Cell::mono(until), Cell::text(t(what))],
                    alert: false,
                })
                .collect(),
                empty: String::new(),
            }),
            ..Section::default()
        },
        Section {
            title: t("sbc.wear_parts"),
            table: Some(Table {
                columns: vec![Column::new(t("sanbao.part")), Column::new(t("sbc.until"))],
                rows: sheet
                    .wear_parts
                    .iter()
                    .map(|part| Row {
                        cells: vec![Cell::text(part.name.clone()), Cell::mono(period_text(locale, &part.period))],
                        alert: false,
                    })
                    .collect(),
                empty: t("sbc.wear_parts_none"),
            }),
            ..Section::default()
        },
    ];
    if let Some(battery) = &sheet.battery {
        let dash = |text: &str| if text.is_empty() { "—".to_string() } else { format!("{text}%") };
        let mut pairs = vec![
            (t("sbc.battery.fade_sanbao"), dash(&battery.fade_sanbao_percent)),
            (t("sbc.battery.fade_warranty"), dash(&battery.fade_warranty_percent)),
        ];
        if let Some(core) = &battery.core {
            pairs.push((t("sbc.battery.core"), period_text(locale, core)));
        }
        pairs.push((t("sbc.battery.rules"), t("sbc.battery.rules_text")));
        sections.push(Section { title: t("sbc.battery"), pairs, ..Section::default() });
    }
    let mut remedies = vec![(t("sbc.remedies"), t(&format!("sbc.remedies_text.{}", sheet.version)))];
    if !sheet.use_compensation_percent.is_empty() {
        remedies.push((t("sbc.n"), format!("{}%", sheet.use_compensation_percent)));
    }
    for mark in &sheet.marks {
        remedies.push((t(&format!("sbc.mark.{}", mark.mark)), mark.case_number.clone()));
    }
    sections.push(Section { title: t("sbc.remedies_title"), pairs: remedies, ..Section::default() });
    let zone = who.actor.time_zone(&sheet.store_id).to_string();
    let view = PrintView {
        title: t("sbc.terms_title"),
        store_name: who.actor.store(&sheet.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: sheet.vin.clone(),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections,
        signatures: vec![t("print.signature_customer"), t("print.signature_staff")],
    };
    print_page(locale, &view)
}

fn record_form(locale: Locale, order_id: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let check = |name: &str, key: &str| Field::text(name, t(key), value(name)).kind("checkbox");
    FormView {
        action: format!("/repair-orders/{order_id}/sanbao"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("system", t("sanbao.system"), value("system"))
                    .options(with_blank(locale, "sanbao.system", &SYSTEMS))
                    .required(),
                Field::text("part", t("sanbao.part"), value("part")),
                Field::text("problem", t("sanbao.problem"), value("problem")),
                Field::text("action", t("sanbao.history.action"), value("action")).options(options(
                    locale,
                    "sanbao.action",
                    &ACTIONS,
                )),
                Field::text("agreed_at", t("sanbao.history.agreed_at"), value("agreed_at")).kind("datetime-local"),
                Field::text(
                    "special_part_transport_hours",
                    t("sbc.hours.special"),
                    value("special_part_transport_hours"),
                )
                .kind("number"),
                Field::text("battery_transport_hours", t("sbc.hours.battery"), value("battery_transport_hours"))
                    .kind("number"),
                Field::text("rescue_travel_hours", t("sbc.hours.rescue"), value("rescue_travel_hours")).kind("number"),
                check("quality_problem", "sanbao.quality_problem"),
                check("serious_safety", "sanbao.serious_safety"),
                Field::text("version", "", value("version")).kind("hidden"),
            ],
        }],
        submit: t("action.save"),
        ..FormView::default()
    }
}

fn spare_form(locale: Locale, order_id: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    FormView {
        action: format!("/repair-orders/{order_id}/spare-car"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("provision", t("sbc.provision"), value("provision"))
                    .options(with_blank(locale, "sbc.provision", &PROVISIONS))
                    .required(),
                Field::text("days", t("sbc.spare_days"), value("days")).kind("number"),
                Field::text("amount", t("sbc.spare_amount"), value("amount")).hint("300.00"),
                Field::text("note", t("customer.notes"), value("note")),
            ],
        }],
        submit: t("action.save"),
        ..FormView::default()
    }
}

fn record_values(record: &repairs::RepairRecordView, zone: &str) -> FormData {
    let flag = |on: bool| if on { "1".to_string() } else { String::new() };
    let agreed = clock::parse_instant(&record.agreed_at, zone)
        .map(|at| at.to_zoned(clock::zone(zone)).strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default();
    FormData(vec![
        ("system".into(), record.system.clone()),
        ("part".into(), record.part.clone()),
        ("problem".into(), record.problem.clone()),
        ("action".into(), record.action.clone()),
        ("agreed_at".into(), agreed),
        ("special_part_transport_hours".into(), record.special_part_transport_hours.to_string()),
        ("battery_transport_hours".into(), record.battery_transport_hours.to_string()),
        ("rescue_travel_hours".into(), record.rescue_travel_hours.to_string()),
        ("quality_problem".into(), flag(record.quality_problem)),
        ("serious_safety".into(), flag(record.serious_safety)),
        ("version".into(), record.version.to_string()),
    ])
}

/// The repair order page's 三包 cards: the vehicle's alert, the 三包 record and the Art 21 spare car.
pub async fn order_sections(state: &AppState, who: &UiActor, order: &RepairOrderView) -> Vec<Section> {
    let locale = who.locale;
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&order.store_id).to_string();
    let mut sections: Vec<Section> = vehicle_section(state, who, &order.vehicle_id).await.into_iter().collect();
    let record = repairs::record_of_order(&state.app, &who.actor, &order.id).await.ok().flatten();
    let may_write = who.actor.can(Permission::RepairOrdersWrite, &order.store_id);
    let values = match &record {
        Some(record) => record_values(record, &zone),
        None => FormData(vec![("quality_problem".into(), "1".into()), ("action".into(), "repair".into())]),
    };
    let mut pairs = Vec::new();
    if let Some(record) = &record {
        pairs.push((t("sanbao.system"), t(&format!("sanbao.system.{}", record.system))));
        pairs.push((
            t("sanbao.problem"),
            if record.problem.is_empty() { record.part.clone() } else { record.problem.clone() },
        ));
        pairs.push((t("sbc.completed_at"), record.completed_at.clone().unwrap_or_else(|| "—".into())));
    } else {
        pairs.push((t("sbc.record"), t("sbc.record_none")));
    }
    sections.push(Section {
        title: t("sbc.record"),
        pairs,
        form: may_write.then(|| record_form(locale, &order.id, &values)),
        ..Section::default()
    });
    if let Some(record) = &record {
        let mut pairs = vec![(t("sbc.spare_owed"), record.spare_days_owed.to_string())];
        if !record.spare_provision.is_empty() {
            pairs.push((t("sbc.provision"), t(&format!("sbc.provision.{}", record.spare_provision))));
            pairs.push((t("sbc.spare_days"), record.spare_days.to_string()));
            pairs.push((t("sbc.spare_amount"), record.spare_amount.to_string()));
            pairs.push((t("customer.notes"), record.spare_note.clone()));
        }
        let open = record.spare_provision.is_empty() && record.spare_days_owed > 0;
        sections.push(Section {
            title: t("sbc.spare"),
            pairs,
            form: (may_write && open).then(|| {
                let days = record.spare_days_owed.to_string();
                spare_form(locale, &order.id, &FormData(vec![("days".into(), days)]))
            }),
            ..Section::default()
        });
    }
    sections
}

fn record_input(form: &FormData) -> RepairRecordInput {
    RepairRecordInput {
        system: form.get("system").to_string(),
        part: form.get("part").to_string(),
        problem: form.get("problem").to_string(),
        quality_problem: form.get("quality_problem") == "1",
        serious_safety: form.get("serious_safety") == "1",
        action: form.get("action").to_string(),
        special_part_transport_hours: form.int("special_part_transport_hours"),
        battery_transport_hours: form.int("battery_transport_hours"),
        rescue_travel_hours: form.int("rescue_travel_hours"),
        agreed_at: form.opt("agreed_at"),
        version: form.int("version"),
    }
}

/// A small form on another page came back with errors: show it alone, with the messages under its fields.
fn form_again(who: &UiActor, title_key: &str, path: &str, mut view: FormView, error: AppError) -> Response {
    match error {
        AppError::Invalid(violations) => {
            let ctx = Ctx::new(who, title_key, path);
            view.title = label(who.locale, title_key);
            view.cancel_href = Some(path.to_string());
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        other => error_page(who.locale, other),
    }
}

pub async fn save_record(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match repairs::save_record(&state.app, &who.actor, &id, record_input(&form)).await {
        Ok(_) => see_other(&format!("/repair-orders/{id}"), "form.saved"),
        Err(error) => {
            let view = record_form(who.locale, &id, &form);
            form_again(&who, "sbc.record", &format!("/repair-orders/{id}"), view, error)
        }
    }
}

pub async fn save_spare(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = SpareInput {
        provision: form.get("provision").to_string(),
        days: form.int("days"),
        amount: form.opt("amount"),
        note: form.get("note").to_string(),
    };
    match repairs::record_spare(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/repair-orders/{id}"), "form.saved"),
        Err(error) => {
            let view = spare_form(who.locale, &id, &form);
            form_again(&who, "sbc.spare", &format!("/repair-orders/{id}"), view, error)
        }
    }
}

fn status_tag(status: &str) -> &'static str {
    match status {
        "registered" => "tag-orange",
        "accepted" => "tag-blue",
        "refused" => "tag-grey",
        _ => "tag-green",
    }
}

fn case_table(locale: Locale, items: &[CaseView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("sbc.number")),
            Column::new(t("vehicle.vin")),
            Column::new(t("sbc.kind")),
            Column::new(t("sbc.received_on")),
            Column::new(t("sbc.entitled")),
            Column::new(t("sbc.status")),
            Column::new(t("sbc.col.reply_due")),
            Column::new(t("sbc.col.completion_due")),
            Column::right(t("sbc.col.use_compensation")),
            Column::right(t("sbc.col.refund")),
        ],
        rows: items
            .iter()
            .map(|case| Row {
                cells: vec![
                    Cell::link(case.number.clone(), format!("/sanbao-cases/{}", case.id)),
                    Cell::mono(case.vin.clone()),
                    Cell::text(t(&format!("sbc.kind.{}", case.kind))),
                    Cell::mono(case.received_on.clone()),
                    Cell::text(if case.entitled { case.ground_article.clone() } else { t("sbc.not_entitled") }),
                    Cell::tag(t(&format!("sbc.status.{}", case.status)), status_tag(&case.status)),
                    Cell::mono(case.reply_due_on.clone()),
                    Cell::mono(case.completion_due_on.clone()),
                    Cell::money(case.use_compensation.to_string()),
                    Cell::money(case.refund.to_string()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

impl ListParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> CaseListQuery {
        CaseListQuery {
            q: self.q.clone(),
            status: self.status.clone(),
            kind: self.kind.clone(),
            page,
            per_page: Some(per_page),
            ..CaseListQuery::default()
        }
    }
}

pub async fn list(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let page = match cases::list(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let (q, status, kind) = (
        params.q.clone().unwrap_or_default(),
        params.status.clone().unwrap_or_default(),
        params.kind.clone().unwrap_or_default(),
    );
    let query = format!("q={}&status={}&kind={}", urlencode(&q), urlencode(&status), urlencode(&kind));
    let list = ListView {
        title: t("sbc.cases"),
        action_path: "/sanbao-cases".into(),
        filters: vec![
            Filter {
                name: "q".into(),
                label: t("action.search"),
                value: q,
                placeholder: t("sbc.search"),
                ..Filter::default()
            },
            Filter {
                name: "status".into(),
                label: t("sbc.status"),
                value: status,
                options: with_blank(locale, "sbc.status", &cases::STATUSES),
                ..Filter::default()
            },
            Filter {
                name: "kind".into(),
                label: t("sbc.kind"),
                value: kind,
                options: with_blank(locale, "sbc.kind", &["replacement", "return"]),
                ..Filter::default()
            },
        ],
        actions: vec![Action::link(t("action.export"), format!("/sanbao-cases.xlsx?{query}"))],
        table: case_table(locale, &page.items),
        pager: pager(locale, &page, |n| format!("/sanbao-cases?{query}&page={n}")),
    };
    list_page(&Ctx::new(&who, "sbc.cases", "/sanbao-cases"), &list)
}

pub async fn export(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let fetch = |page| cases::list(&state.app, &who.actor, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, "sbc.cases"), "sanbao-cases.xlsx", fetch, |items| case_table(locale, items))
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

fn case_form(locale: Locale, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let check = |name: &str, key: &str| Field::text(name, t(key), value(name)).kind("checkbox");
    FormView {
        title: t("sbc.case_new"),
        action: "/sanbao-cases".into(),
        groups: vec![
            FieldGroup {
                title: t("sbc.request"),
                fields: vec![
                    Field::text("vehicle_id", "", value("vehicle_id")).kind("hidden"),
                    Field::text("kind", t("sbc.kind"), value("kind"))
                        .options(options(locale, "sbc.kind", &["replacement", "return"]))
                        .required(),
                    Field::text("received_on", t("sbc.received_on"), value("received_on")).kind("date").required(),
                    Field::text("odometer_km", t("ro.mileage_in"), value("odometer_km")).kind("number"),
                    Field::text("request_text", t("sbc.request_text"), value("request_text")).kind("textarea").wide(),
                ],
            },
            FieldGroup {
                title: t("sanbao.request"),
                fields: vec![
                    Field::text("fault.system", t("sanbao.system"), value("fault.system")).options(with_blank(
                        locale,
                        "sanbao.system",
                        &SYSTEMS,
                    )),
                    Field::text("fault.part", t("sanbao.part"), value("fault.part")),
                    Field::text("fault.problem", t("sanbao.problem"), value("fault.problem")),
                    Field::text("fault.safety_failure", t("sanbao.safety_failure"), value("fault.safety_failure"))
                        .options(with_blank(
                            locale,
                            "sanbao.safety",
                            &[
                                "steering_failure",
                                "brake_failure",
                                "body_cracking",
                                "fuel_leakage",
                                "power_battery_fire",
                            ],
                        )),
                    check("fault.serious_safety", "sanbao.serious_safety"),
                    check("fault.main_part", "sanbao.main_part"),
                    check("fault.needs_replacement", "sanbao.needs_replacement"),
                ],
            },
        ],
        submit: t("sbc.register"),
        cancel_href: Some(format!("/vehicles/{}", value("vehicle_id"))),
        ..FormView::default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    vehicle_id: String,
}

pub async fn new(State(state): State<AppState>, who: UiActor, Query(params): Query<NewParams>) -> Response {
    let vehicle = match vehicles::get(&state.app, &who.actor, &params.vehicle_id).await {
        Ok(detail) => detail.vehicle,
        Err(error) => return error_page(who.locale, error),
    };
    let today = clock::local_date(clock::from_ms(state.app.now_ms()), who.actor.time_zone(&vehicle.store_id));
    let form = FormData(vec![
        ("vehicle_id".into(), vehicle.id.clone()),
        ("kind".into(), "replacement".into()),
        ("received_on".into(), today.to_string()),
        ("odometer_km".into(), vehicle.odometer_km.to_string()),
    ]);
    let ctx = Ctx::new(&who, "sbc.case_new", "/sanbao-cases").titled(format!(
        "{} {}",
        label(who.locale, "sbc.case_new"),
        vehicle.vin
    ));
    form_page(&ctx, &case_form(who.locale, &form), StatusCode::OK)
}

pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = CaseInput {
        vehicle_id: form.get("vehicle_id").to_string(),
        kind: form.get("kind").to_string(),
        received_on: form.get("received_on").to_string(),
        odometer_km: form.int("odometer_km"),
        request_text: form.get("request_text").to_string(),
        fault: Some(CaseFault {
            system: form.get("fault.system").to_string(),
            part: form.get("fault.part").to_string(),
            problem: form.get("fault.problem").to_string(),
            serious_safety: form.get("fault.serious_safety") == "1",
            main_part: form.get("fault.main_part") == "1",
            needs_replacement: form.get("fault.needs_replacement") == "1",
            safety_failure: form.get("fault.safety_failure").to_string(),
        }),
    };
    match cases::register(&state.app, &who.actor, input).await {
        Ok(case) => see_other(&format!("/sanbao-cases/{}", case.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let mut view = case_form(who.locale, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&Ctx::new(&who, "sbc.case_new", "/sanbao-cases"), &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn decide_form(locale: Locale, id: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    FormView {
        action: format!("/sanbao-cases/{id}/decide"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("action", t("sbc.reply"), form.get("action"))
                    .options(options(locale, "sbc.decide", &["accept", "refuse"]))
                    .required(),
                Field::text("replied_on", t("sbc.replied_on"), form.get("replied_on")).kind("date"),
                Field::text("reasons", t("sbc.refusal_reasons"), form.get("reasons")).kind("textarea").wide(),
            ],
        }],
        submit: t("action.save"),
        ..FormView::default()
    }
}

fn complete_form(locale: Locale, id: &str, kind: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let mut fields = vec![
        Field::text("completed_on", t("sbc.completed_on"), value("completed_on")).kind("date"),
        Field::text("price", t("vehicle.sale_price"), value("price")).hint("200000.00"),
        Field::text("registration_fee", t("sbc.registration_fee"), value("registration_fee")),
        Field::text("service_fee", t("sbc.service_fee"), value("service_fee")),
        Field::text("add_on_charged", t("sbc.add_on_charged"), value("add_on_charged")),
        Field::text("add_on_depreciation", t("sbc.add_on_depreciation"), value("add_on_depreciation")),
    ];
    if kind == "replacement" {
        fields.push(Field::text("new_vehicle_vin", t("sbc.new_vin"), value("new_vehicle_vin")).upper().required());
        fields.push(Field::text("handover_km", t("sbc.handover_km"), value("handover_km")).kind("number"));
    }
    FormView {
        action: format!("/sanbao-cases/{id}/complete"),
        groups: vec![FieldGroup { title: String::new(), fields }],
        submit: t("sbc.complete"),
        ..FormView::default()
    }
}

/// The case's figures: the request, the engine's decision with its reasons, deadlines and money.
fn case_sections(locale: Locale, case: &CaseView) -> Vec<Section> {
    let t = |key: &str| label(locale, key);
    let catalog = Catalog::get();
    let text = |value: &serde_json::Value| value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
    let decision = &case.assessment["decision"];
    let mut sections = vec![
        Section {
            title: t("sbc.request"),
            pairs: vec![
                (t("sbc.number"), case.number.clone()),
                (t("vehicle.vin"), case.vin.clone()),
                (t("sbc.kind"), t(&format!("sbc.kind.{}", case.kind))),
                (t("sbc.received_on"), case.received_on.clone()),
                (t("ro.mileage_in"), case.odometer_km.to_string()),
                (
                    t("sbc.request_text"),
                    if case.request_text.is_empty() { "—".into() } else { case.request_text.clone() },
                ),
            ],
            ..Section::default()
        },
        Section {
            title: t("sanbao.conclusion"),
            pairs: vec![
                (
                    t("sbc.entitled"),
                    if case.entitled {
                        format!("{}（{}）", t("sbc.is_entitled"), case.ground_article)
                    } else {
                        t("sbc.not_entitled")
                    },
                ),
                (
                    t("sanbao.decision"),
                    format!(
                        "{}（{}）",
                        catalog.text(locale, decision["code"].as_str().unwrap_or("")),
                        text(&decision["article"])
                    ),
                ),
                (t("sbc.reply_due"), case.reply_due_on.clone()),
                (t("sbc.completion_due"), case.completion_due_on.clone()),
            ],
            table: Some(Table {
                columns: vec![Column::new(t("sanbao.reason")), Column::new(t("sanbao.article"))],
                rows: case.assessment["reasons"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|reason| {
                        let code = reason["code"].as_str().unwrap_or("");
                        let params: Vec<(String, String)> = reason["params"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(|(key, value)| (key.clone(), text(value)))
                            .collect();
                        let words = catalog.format(locale, code, params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                        Row { cells: vec![Cell::text(words), Cell::mono(text(&reason["article"]))], alert: false }
                    })
                    .collect(),
                empty: String::new(),
            }),
            ..Section::default()
        },
    ];
    if case.replied_on.is_some() {
        let mut pairs = vec![(t("sbc.replied_on"), case.replied_on.clone().unwrap_or_default())];
        if !case.refusal_reasons.is_empty() {
            pairs.push((t("sbc.refusal_reasons"), case.refusal_reasons.clone()));
        }
        sections.push(Section { title: t("sbc.reply"), pairs, ..Section::default() });
    }
    if case.status == "completed" {
        let money = |key: &str| case.losses[key].as_str().unwrap_or("0.00").to_string();
        let mut pairs = vec![
            (t("sbc.certificate_no"), case.certificate_no.clone()),
            (t("sbc.completed_on"), case.completed_on.clone().unwrap_or_default()),
            (t("vehicle.sale_price"), case.price.map(|p| p.to_string()).unwrap_or_default()),
            (t("sbc.n"), if case.n_percent.is_empty() { "—".into() } else { format!("{}%", case.n_percent) }),
            (t("sbc.use_compensation"), case.use_compensation.to_string()),
            (t("sbc.registration_fee"), money("registration_fee")),
            (t("sbc.service_fee"), money("service_fees")),
            (t("sbc.add_ons"), money("add_ons_total")),
            (t("sbc.losses"), case.losses_total.to_string()),
            (t("sbc.refund"), case.refund.to_string()),
        ];
        if let Some(km) = case.handover_km {
            pairs.push((t("sbc.handover_km"), km.to_string()));
        }
        sections.push(Section { title: t(&format!("sbc.certificate.{}", case.kind)), pairs, ..Section::default() });
    }
    sections
}

pub async fn show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let case = match cases::get(&state.app, &who.actor, &id).await {
        Ok(case) => case,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&case.store_id).to_string();
    let history = audit::history(&state.app, "sanbao_case", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let mut sections = case_sections(locale, &case);
    let today = clock::local_date(clock::from_ms(state.app.now_ms()), &zone).to_string();
    if case.status == "registered" {
        let form = FormData(vec![
            ("action".into(), if case.entitled { "accept" } else { "refuse" }.into()),
            ("replied_on".into(), today.clone()),
        ]);
        sections.push(Section {
            title: t("sbc.reply"),
            form: Some(decide_form(locale, &case.id, &form)),
            ..Section::default()
        });
    }
    if case.status == "accepted" {
        let form = FormData(vec![
            ("completed_on".into(), today),
            ("price".into(), case.price.map(|p| p.to_string()).unwrap_or_default()),
        ]);
        sections.push(Section {
            title: t(&format!("sbc.certificate.{}", case.kind)),
            form: Some(complete_form(locale, &case.id, &case.kind, &form)),
            ..Section::default()
        });
    }
    let view = DetailView {
        title: format!("{} {}", t("sbc.case"), case.number),
        subtitle: case.vin.clone(),
        state: Some((t(&format!("sbc.status.{}", case.status)), status_tag(&case.status).into())),
        actions: vec![
            Action::link(t("ro.vehicle"), format!("/vehicles/{}", case.vehicle_id)),
            Action::link(t("action.print"), format!("/sanbao-cases/{}/print", case.id)),
        ],
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(
        &Ctx::new(&who, "sbc.case", "/sanbao-cases").titled(case.number.clone()).flash(flash.flash.as_deref()),
        &view,
    )
}

/// Re-renders the case page with a form's errors under its fields.
async fn show_with_errors(
    state: &AppState,
    who: &UiActor,
    id: &str,
    form: &FormData,
    error: AppError,
    decide: bool,
) -> Response {
    let AppError::Invalid(violations) = error else { return error_page(who.locale, error) };
    let case = match cases::get(&state.app, &who.actor, id).await {
        Ok(case) => case,
        Err(error) => return error_page(who.locale, error),
    };
    let mut view =
        if decide { decide_form(who.locale, id, form) } else { complete_form(who.locale, id, &case.kind, form) };
    view.title = format!("{} {}", label(who.locale, "sbc.case"), case.number);
    view.cancel_href = Some(format!("/sanbao-cases/{id}"));
    view.apply_errors(&violations, who.locale);
    form_page(&Ctx::new(who, "sbc.case", "/sanbao-cases"), &view, StatusCode::UNPROCESSABLE_ENTITY)
}

pub async fn decide(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = DecideInput {
        action: form.get("action").to_string(),
        reasons: form.get("reasons").to_string(),
        replied_on: form.opt("replied_on"),
    };
    match cases::decide(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/sanbao-cases/{id}"), "form.saved"),
        Err(error) => show_with_errors(&state, &who, &id, &form, error, true).await,
    }
}

pub async fn complete(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = CompleteInput {
        completed_on: form.opt("completed_on"),
        price: form.opt("price"),
        registration_fee: form.opt("registration_fee"),
        service_fee: form.opt("service_fee"),
        add_on_charged: form.opt("add_on_charged"),
        add_on_depreciation: form.opt("add_on_depreciation"),
        new_vehicle_vin: form.get("new_vehicle_vin").to_string(),
        handover_km: form.int("handover_km"),
    };
    match cases::complete(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/sanbao-cases/{id}"), "form.saved"),
        Err(error) => show_with_errors(&state, &who, &id, &form, error, false).await,
    }
}

/// The printed reply (with the reasons of a refusal) or, once done, the 换车/退车证明 with its amounts.
pub async fn print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let case = match cases::get(&state.app, &who.actor, &id).await {
        Ok(case) => case,
        Err(error) => return error_page(locale, error),
    };
    let zone = who.actor.time_zone(&case.store_id).to_string();
    let title = if case.status == "completed" {
        label(locale, &format!("sbc.certificate.{}", case.kind))
    } else {
        label(locale, "sbc.reply_title")
    };
    let view = PrintView {
        title,
        store_name: who.actor.store(&case.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: if case.certificate_no.is_empty() { case.number.clone() } else { case.certificate_no.clone() },
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections: case_sections(locale, &case),
        signatures: vec![label(locale, "print.signature_customer"), label(locale, "print.signature_staff")],
    };
    print_page(locale, &view)
}

const WEAR_ROWS: usize = 6;

fn brand_terms_form(locale: Locale, brand: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let rows = (0..WEAR_ROWS)
        .map(|row| {
            ["name", "months", "km"]
                .iter()
                .map(|column| {
                    let name = format!("wear_parts[{row}].{column}");
                    let kind = if *column == "name" { "text" } else { "number" };
                    Field {
                        name: name.clone(),
                        ..Field::text("", t(&format!("sbc.wear.{column}")), value(&name)).kind(kind)
                    }
                })
                .collect()
        })
        .collect();
    FormView {
        title: format!("{} · {brand}", t("sbc.brand_terms")),
        action: format!("/sanbao-terms/{}", urlencode(brand)),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("use_compensation_percent", t("sbc.n"), value("use_compensation_percent")).hint("0.5"),
                Field::text(
                    "battery_fade_sanbao_percent",
                    t("sbc.battery.fade_sanbao"),
                    value("battery_fade_sanbao_percent"),
                )
                .hint("%"),
                Field::text(
                    "battery_fade_warranty_percent",
                    t("sbc.battery.fade_warranty"),
                    value("battery_fade_warranty_percent"),
                )
                .hint("%"),
                Field::text("core_months", t("sbc.core_months"), value("core_months")).kind("number"),
                Field::text("core_km", t("sbc.core_km"), value("core_km")).kind("number"),
                Field::text("version", "", value("version")).kind("hidden"),
            ],
        }],
        lines: vec![super::view::LineTable {
            title: t("sbc.wear_parts"),
            columns: ["name", "months", "km"].iter().map(|c| t(&format!("sbc.wear.{c}"))).collect(),
            rows,
        }],
        submit: t("action.save"),
        cancel_href: Some(format!("/warranty/settings/{}", urlencode(brand))),
        ..FormView::default()
    }
}

/// The brand's 三包凭证 terms beyond the periods (group admin): wear parts, battery, n.
pub async fn brand_terms(State(state): State<AppState>, who: UiActor, Path(brand): Path<String>) -> Response {
    let view = match terms::brand_terms(&state.app, &who.actor, &brand).await {
        Ok(view) => view,
        Err(error) => return error_page(who.locale, error),
    };
    let mut pairs: Vec<(String, String)> = vec![
        ("use_compensation_percent".into(), view.use_compensation_percent.clone()),
        ("battery_fade_sanbao_percent".into(), view.battery_fade_sanbao_percent.clone()),
        ("battery_fade_warranty_percent".into(), view.battery_fade_warranty_percent.clone()),
        ("core_months".into(), view.core_months.map(|v| v.to_string()).unwrap_or_default()),
        ("core_km".into(), view.core_km.map(|v| v.to_string()).unwrap_or_default()),
        ("version".into(), view.version.to_string()),
    ];
    for (row, part) in view.wear_parts.iter().enumerate() {
        pairs.push((format!("wear_parts[{row}].name"), part.name.clone()));
        pairs.push((format!("wear_parts[{row}].months"), part.months.to_string()));
        pairs.push((format!("wear_parts[{row}].km"), part.km.to_string()));
    }
    let ctx = Ctx::new(&who, "sbc.brand_terms", "/warranty/settings");
    form_page(&ctx, &brand_terms_form(who.locale, &brand, &FormData(pairs)), StatusCode::OK)
}

pub async fn save_brand_terms(State(state): State<AppState>, Path(brand): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let number = |name: &str| form.get(name).trim().parse::<u32>().ok();
    let wear_parts = (0..WEAR_ROWS)
        .filter(|row| !form.get(&format!("wear_parts[{row}].name")).trim().is_empty())
        .map(|row| terms::WearPart {
            name: form.get(&format!("wear_parts[{row}].name")).trim().to_string(),
            months: number(&format!("wear_parts[{row}].months")).unwrap_or(0),
            km: number(&format!("wear_parts[{row}].km")).unwrap_or(0),
        })
        .collect();
    let input = terms::BrandTermsInput {
        wear_parts,
        battery_fade_sanbao_percent: form.get("battery_fade_sanbao_percent").to_string(),
        battery_fade_warranty_percent: form.get("battery_fade_warranty_percent").to_string(),
        core_months: number("core_months"),
        core_km: number("core_km"),
        use_compensation_percent: form.get("use_compensation_percent").to_string(),
        version: form.int("version"),
    };
    match terms::save_brand_terms(&state.app, &who.actor, &brand, input).await {
        Ok(_) => see_other(&format!("/sanbao-terms/{}", urlencode(&brand)), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let mut view = brand_terms_form(who.locale, &brand, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&Ctx::new(&who, "sbc.brand_terms", "/warranty/settings"), &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}
