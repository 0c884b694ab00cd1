//! The rules as working pages: 三包鉴定 (a vehicle, the fault and its repair history → the decision with
//! reasons and articles, printable for the customer) and 事故理算 (an accident with its parties → who pays
//! what). Form fields are named by the JSON path of the rule's input, so the rule's field errors land under
//! the right inputs, and the page answers exactly what the API answers.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::{clock, vehicles};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::view::{Cell, Column, DetailView, Field, FieldGroup, FormView, LineTable, PrintView, Row, Section, Table};
use super::{Ctx, detail_page, error_page, label, options, print_page};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor};
use crate::messages::{Catalog, Locale};

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    Bool,
}

/// Puts `value` at a path like `request.fault.system` or `history[2].agreed_at`.
fn set_path(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let (key, index) = match segment.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let last = segments.peek().is_none();
        let entry = node.as_object_mut().expect("object").entry(key.to_string()).or_insert(Value::Null);
        node = match index {
            Some(index) => {
                if !entry.is_array() {
                    *entry = Value::Array(Vec::new());
                }
                let items = entry.as_array_mut().expect("array");
                while items.len() <= index {
                    items.push(Value::Object(Map::new()));
                }
                &mut items[index]
            }
            None => entry,
        };
        if last {
            *node = value;
            return;
        }
    }
}

/// The rule input from the form: empty fields are left out, so the rule's defaults apply.
fn build_input(form: &FormData, fields: &[(String, Kind)]) -> Value {
    let mut root = Value::Object(Map::new());
    for (path, kind) in fields {
        let text = form.get(path).trim();
        let value = match kind {
            Kind::Bool => Value::Bool(text == "1"),
            _ if text.is_empty() => continue,
            Kind::Int => match text.parse::<i64>() {
                Ok(number) => Value::from(number),
                Err(_) => Value::String(text.to_string()),
            },
            Kind::Text => Value::String(text.to_string()),
        };
        set_path(&mut root, path, value);
    }
    root
}

/// Field errors from the rule's error object: (field path, message in the page's language).
fn field_errors(error: &Value, locale: Locale) -> Vec<(String, String)> {
    error["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|field| (field["field"].as_str().unwrap_or("").to_string(), message(field, locale)))
        .collect()
}

fn message(value: &Value, locale: Locale) -> String {
    let key = if locale == Locale::Zh { "message_zh" } else { "message_en" };
    value[key].as_str().or_else(|| value["code"].as_str()).unwrap_or("").to_string()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

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
const HISTORY_ROWS: usize = 6;

fn with_blank(locale: Locale, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    let mut all = vec![(String::new(), label(locale, "form.choose"))];
    all.extend(options(locale, prefix, values));
    all
}

fn sanbao_fields() -> Vec<(String, Kind)> {
    let mut fields: Vec<(String, Kind)> = [
        ("vehicle.invoice_date", Kind::Text),
        ("vehicle.delivery_date", Kind::Text),
        ("vehicle.kind", Kind::Text),
        ("vehicle.use", Kind::Text),
        ("vehicle.price", Kind::Text),
        ("vehicle.for_living_needs", Kind::Bool),
        ("vehicle.has_invoice", Kind::Bool),
        ("vehicle.has_sanbao_certificate", Kind::Bool),
        ("vehicle.serviced_at_independent_workshop", Kind::Bool),
        ("request.date", Kind::Text),
        ("request.odometer_km", Kind::Int),
        ("request.fault.system", Kind::Text),
        ("request.fault.part", Kind::Text),
        ("request.fault.problem", Kind::Text),
        ("request.fault.quality_problem", Kind::Bool),
        ("request.fault.main_part", Kind::Bool),
        ("request.fault.needs_replacement", Kind::Bool),
        ("request.fault.serious_safety", Kind::Bool),
        ("request.fault.safety_failure", Kind::Text),
        ("request.fault.accident_damage", Kind::Bool),
        ("request.fault.exemption", Kind::Text),
    ]
    .iter()
    .map(|(path, kind)| (path.to_string(), *kind))
    .collect();
    for row in 0..HISTORY_ROWS {
        for (name, kind) in [
            ("agreed_at", Kind::Text),
            ("completed_at", Kind::Text),
            ("odometer_km", Kind::Int),
            ("system", Kind::Text),
            ("part", Kind::Text),
            ("action", Kind::Text),
            ("serious_safety", Kind::Text),
        ] {
            fields.push((format!("history[{row}].{name}"), kind));
        }
    }
    fields
}

/// Drops history rows left empty, keeping the numbering of the rows the clerk filled.
fn filled_history(form: &FormData) -> FormData {
    let empty_rows: Vec<usize> =
        (0..HISTORY_ROWS).filter(|row| form.get(&format!("history[{row}].agreed_at")).trim().is_empty()).collect();
    let mut pairs: Vec<(String, String)> = form
        .0
        .iter()
        .filter(|(key, _)| !empty_rows.iter().any(|row| key.starts_with(&format!("history[{row}]."))))
        .cloned()
        .collect();
    // Serious safety is a yes/no select on the line; the rule wants a boolean.
    for (key, value) in &mut pairs {
        if key.ends_with(".serious_safety") && key.starts_with("history[") {
            *value = if value == "1" { "true".into() } else { String::new() };
        }
    }
    FormData(pairs)
}

fn sanbao_input(form: &FormData) -> Value {
    let filled = filled_history(form);
    let mut input = build_input(&filled, &sanbao_fields());
    // Renumber history rows densely (gaps are empty rows).
    if let Some(history) = input.get_mut("history").and_then(Value::as_array_mut) {
        history.retain(|row| row.as_object().is_some_and(|o| !o.is_empty()));
        for row in history.iter_mut() {
            if let Some(flag) = row.get_mut("serious_safety") {
                *flag = Value::Bool(flag.as_str() == Some("true"));
            }
        }
    }
    input
}

fn sanbao_form(locale: Locale, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let check = |name: &str, key: &str| Field::text(name, t(key), value(name)).kind("checkbox");
    let vehicle = vec![
        Field::text("vehicle_id", "", value("vehicle_id")).kind("hidden"),
        Field::text("vehicle.invoice_date", t("vehicle.invoice_on"), value("vehicle.invoice_date"))
            .kind("date")
            .required(),
        Field::text("vehicle.delivery_date", t("vehicle.delivered_on"), value("vehicle.delivery_date")).kind("date"),
        Field::text("vehicle.kind", t("sanbao.vehicle_kind"), value("vehicle.kind")).options(options(
            locale,
            "sanbao.kind",
            &["passenger_car", "pickup", "special_purpose_passenger_car", "other"],
        )),
        Field::text("vehicle.use", t("vehicle.use_nature"), value("vehicle.use")).options(options(
            locale,
            "sanbao.use",
            &["non_commercial", "taxi", "ride_hailing", "rental", "freight", "passenger_transport", "other_commercial"],
        )),
        Field::text("vehicle.price", t("vehicle.sale_price"), value("vehicle.price")),
        check("vehicle.for_living_needs", "sanbao.for_living_needs"),
        check("vehicle.has_invoice", "sanbao.has_invoice"),
        check("vehicle.has_sanbao_certificate", "sanbao.has_certificate"),
        check("vehicle.serviced_at_independent_workshop", "sanbao.independent_workshop"),
    ];
    let request = vec![
        Field::text("request.date", t("sanbao.request_date"), value("request.date")).kind("date").required(),
        Field::text("request.odometer_km", t("ro.mileage_in"), value("request.odometer_km")).kind("number").required(),
        Field::text("request.fault.system", t("sanbao.system"), value("request.fault.system")).options(options(
            locale,
            "sanbao.system",
            &SYSTEMS,
        )),
        Field::text("request.fault.part", t("sanbao.part"), value("request.fault.part")),
        Field::text("request.fault.problem", t("sanbao.problem"), value("request.fault.problem")),
        Field::text("request.fault.safety_failure", t("sanbao.safety_failure"), value("request.fault.safety_failure"))
            .options(with_blank(
                locale,
                "sanbao.safety",
                &["steering_failure", "brake_failure", "body_cracking", "fuel_leakage", "power_battery_fire"],
            )),
        Field::text("request.fault.exemption", t("sanbao.exemption"), value("request.fault.exemption")).options(
            with_blank(
                locale,
                "sanbao.exempt",
                &["written_defect_notice", "misuse", "prohibited_modification", "improper_handling", "force_majeure"],
            ),
        ),
        check("request.fault.quality_problem", "sanbao.quality_problem"),
        check("request.fault.main_part", "sanbao.main_part"),
        check("request.fault.needs_replacement", "sanbao.needs_replacement"),
        check("request.fault.serious_safety", "sanbao.serious_safety"),
        check("request.fault.accident_damage", "sanbao.accident_damage"),
    ];
    let columns = ["agreed_at", "completed_at", "odometer_km", "system", "part", "action", "serious_safety"]
        .iter()
        .map(|c| t(&format!("sanbao.history.{c}")))
        .collect();
    let rows = (0..HISTORY_ROWS)
        .map(|row| {
            let name = |field: &str| format!("history[{row}].{field}");
            vec![
                Field {
                    name: name("agreed_at"),
                    ..Field::text("", t("sanbao.history.agreed_at"), value(&name("agreed_at"))).kind("datetime-local")
                },
                Field {
                    name: name("completed_at"),
                    ..Field::text("", t("sanbao.history.completed_at"), value(&name("completed_at")))
                        .kind("datetime-local")
                },
                Field {
                    name: name("odometer_km"),
                    ..Field::text("", t("sanbao.history.odometer_km"), value(&name("odometer_km")))
                },
                Field {
                    name: name("system"),
                    ..Field::text("", t("sanbao.history.system"), value(&name("system"))).options(options(
                        locale,
                        "sanbao.system",
                        &SYSTEMS,
                    ))
                },
                Field { name: name("part"), ..Field::text("", t("sanbao.history.part"), value(&name("part"))) },
                Field {
                    name: name("action"),
                    ..Field::text("", t("sanbao.history.action"), value(&name("action"))).options(options(
                        locale,
                        "sanbao.action",
                        &["repair", "main_part_replaced", "assembly_replaced"],
                    ))
                },
                Field {
                    name: name("serious_safety"),
                    ..Field::text("", t("sanbao.history.serious_safety"), value(&name("serious_safety")))
                        .options(vec![(String::new(), t("sanbao.no")), ("1".into(), t("sanbao.yes"))])
                },
            ]
        })
        .collect();
    FormView {
        title: t("nav.eligibility"),
        action: "/sanbao".into(),
        groups: vec![
            FieldGroup { title: t("vehicle.title"), fields: vehicle },
            FieldGroup { title: t("sanbao.request"), fields: request },
        ],
        lines: vec![LineTable { title: t("sanbao.history"), columns, rows }],
        submit: t("sanbao.assess"),
        secondary_submit: Some((t("action.print"), "/sanbao/print".into())),
        ..FormView::default()
    }
}

/// The assessment as sections: decision, remedies, documents, periods, counts, reasons with articles.
fn assessment_sections(locale: Locale, output: &Value) -> Vec<Section> {
    let t = |key: &str| label(locale, key);
    let mut sections = Vec::new();
    let decision = &output["decision"];
    let mut pairs =
        vec![(t("sanbao.decision"), message(decision, locale)), (t("sanbao.article"), text(&decision["article"]))];
    let remedies: Vec<String> = output["remedies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|remedy| format!("{}（{}）", message(remedy, locale), text(&remedy["article"])))
        .collect();
    pairs.push((t("sanbao.remedies"), if remedies.is_empty() { "—".into() } else { remedies.join("；") }));
    let documents: Vec<String> =
        output["documents"].as_array().into_iter().flatten().map(|d| message(d, locale)).collect();
    pairs.push((t("sanbao.documents"), if documents.is_empty() { "—".into() } else { documents.join("、") }));
    if let Some(compensation) = output.get("use_compensation").filter(|c| c["applies"] == Value::Bool(true)) {
        pairs.push((
            t("sanbao.use_compensation"),
            format!("{} （{}）", text(&compensation["amount"]), text(&compensation["article"])),
        ));
    }
    if output["route_to_insurance"] == Value::Bool(true) {
        pairs.push((t("sanbao.route"), t("sanbao.route_to_insurance")));
    }
    sections.push(Section { title: t("sanbao.conclusion"), pairs, ..Section::default() });
    let periods = &output["periods"];
    let request = &output["request"];
    sections.push(Section {
        title: t("sanbao.periods"),
        pairs: vec![
            (t("sanbao.version"), text(&periods["version"])),
            (t("sanbao.start"), text(&periods["start"])),
            (
                t("sanbao.sanbao_period"),
                format!("{} / {} km", text(&periods["sanbao"]["last_day"]), text(&periods["sanbao"]["km_limit"])),
            ),
            (
                t("sanbao.warranty_period"),
                format!("{} / {} km", text(&periods["warranty"]["last_day"]), text(&periods["warranty"]["km_limit"])),
            ),
            (t("sanbao.day"), text(&request["day"])),
            (t("sanbao.km_since_start"), text(&request["km_since_start"])),
        ],
        ..Section::default()
    });
    let history = &output["history"];
    if history.is_object() {
        sections.push(Section {
            title: t("sanbao.counts"),
            pairs: vec![
                (t("sanbao.serious_safety_repairs"), text(&history["serious_safety_repairs"])),
                (
                    t("sanbao.cumulative_days"),
                    format!(
                        "{} / {}",
                        text(&history["cumulative_repair_days"]),
                        text(&history["cumulative_days_threshold"])
                    ),
                ),
                (
                    t("sanbao.same_problem"),
                    format!(
                        "{} / {}",
                        text(&history["same_problem"]["repairs"]),
                        text(&history["same_problem_threshold"])
                    ),
                ),
                (t("sanbao.counted_repairs"), text(&history["counted_repairs"])),
            ],
            ..Section::default()
        });
    }
    let rows = output["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|reason| Row {
            cells: vec![Cell::text(message(reason, locale)), Cell::mono(text(&reason["article"]))],
            alert: false,
        })
        .collect();
    sections.push(Section {
        title: t("sanbao.reasons"),
        table: Some(Table {
            columns: vec![Column::new(t("sanbao.reason")), Column::new(t("sanbao.article"))],
            rows,
            empty: String::new(),
        }),
        ..Section::default()
    });
    sections
}

#[derive(Debug, Default, Deserialize)]
pub struct SanbaoParams {
    #[serde(default)]
    vehicle_id: Option<String>,
}

pub async fn sanbao(State(state): State<AppState>, who: UiActor, Query(params): Query<SanbaoParams>) -> Response {
    let today = clock::local_date(clock::from_ms(state.app.now_ms()), who.actor.home_time_zone()).to_string();
    let mut form = FormData(vec![
        ("request.date".into(), today),
        ("vehicle.for_living_needs".into(), "1".into()),
        ("vehicle.has_invoice".into(), "1".into()),
        ("vehicle.has_sanbao_certificate".into(), "1".into()),
        ("request.fault.quality_problem".into(), "1".into()),
    ]);
    if let Some(id) = params.vehicle_id.filter(|id| !id.is_empty()) {
        match vehicles::get(&state.app, &who.actor, &id).await {
            Ok(detail) => {
                let vehicle = detail.vehicle;
                form.0.push(("vehicle_id".into(), vehicle.id.clone()));
                if let Some(date) = vehicle.invoice_on.clone().or(vehicle.delivered_on.clone()) {
                    form.0.push(("vehicle.invoice_date".into(), date));
                }
                if let Some(date) = vehicle.delivered_on.clone() {
                    form.0.push(("vehicle.delivery_date".into(), date));
                }
                let nature = match vehicle.use_nature.as_str() {
                    "private" | "non_commercial" => "non_commercial",
                    "bus" => "passenger_transport",
                    other => other,
                };
                form.0.push(("vehicle.use".into(), nature.into()));
                if let Some(price) = vehicle.sale_price {
                    form.0.push(("vehicle.price".into(), price.to_string()));
                }
                form.0.push(("request.odometer_km".into(), vehicle.odometer_km.to_string()));
            }
            Err(error) => return error_page(who.locale, error),
        }
    }
    let ctx = Ctx::new(&who, "nav.eligibility", "/sanbao");
    render_sanbao(&ctx, who.locale, &form, None)
}

/// A rule page: the answer's sections on top (or the input's errors under their fields), the input below.
struct RulePage {
    title_key: &'static str,
    subtitle_key: &'static str,
    form: FormView,
    sections: fn(Locale, &Value) -> Vec<Section>,
}

fn render_rule_page(ctx: &Ctx, locale: Locale, page: RulePage, result: Option<Result<Value, Value>>) -> Response {
    let RulePage { title_key, subtitle_key, mut form, sections: draw } = page;
    let mut sections = Vec::new();
    let mut status = StatusCode::OK;
    match result {
        Some(Ok(output)) => sections = draw(locale, &output),
        Some(Err(error)) => {
            form.apply_messages(field_errors(&error, locale), locale);
            status = StatusCode::UNPROCESSABLE_ENTITY;
        }
        None => {}
    }
    sections.push(Section { title: label(locale, "sanbao.input"), form: Some(form), ..Section::default() });
    let detail = DetailView {
        title: label(locale, title_key),
        subtitle: label(locale, subtitle_key),
        sections,
        ..DetailView::default()
    };
    with_status(detail_page(ctx, &detail), status)
}

fn render_sanbao(ctx: &Ctx, locale: Locale, form: &FormData, result: Option<Result<Value, Value>>) -> Response {
    let page = RulePage {
        title_key: "nav.eligibility",
        subtitle_key: "sanbao.subtitle",
        form: sanbao_form(locale, form),
        sections: assessment_sections,
    };
    render_rule_page(ctx, locale, page, result)
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

pub async fn assess(posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let result = crate::rules::eval("sanbao-assess", sanbao_input(&form));
    let ctx = Ctx::new(&who, "nav.eligibility", "/sanbao");
    render_sanbao(&ctx, who.locale, &form, Some(result))
}

/// The assessment printed for the customer: what the rules give, until when, and why.
pub async fn print(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let locale = who.locale;
    match crate::rules::eval("sanbao-assess", sanbao_input(&form)) {
        Ok(output) => {
            let store = who
                .actor
                .current_store
                .as_deref()
                .and_then(|id| who.actor.store(id))
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let view = PrintView {
                title: label(locale, "sanbao.print_title"),
                store_name: store,
                form_no: format!("SB-{}", form.get("request.date").replace('-', "")),
                printed_at: clock::display_local(state.app.now_ms(), who.actor.home_time_zone()),
                sections: assessment_sections(locale, &output),
                signatures: vec![label(locale, "print.signature_customer"), label(locale, "print.signature_staff")],
            };
            print_page(locale, &view)
        }
        Err(error) => {
            let ctx = Ctx::new(&who, "nav.eligibility", "/sanbao");
            render_sanbao(&ctx, locale, &form, Some(Err(error)))
        }
    }
}

const VEHICLE_ROWS: usize = 3;
const VICTIM_ROWS: usize = 4;

fn adjustment_fields() -> Vec<(String, Kind)> {
    let mut fields = vec![("accident_time".to_string(), Kind::Text)];
    for row in 0..VEHICLE_ROWS {
        for (name, kind) in [
            ("id", Kind::Text),
            ("responsibility", Kind::Text),
            ("damage", Kind::Text),
            ("own_damage.sum_insured", Kind::Text),
            ("third_party.limit", Kind::Text),
        ] {
            fields.push((format!("vehicles[{row}].{name}"), kind));
        }
    }
    for row in 0..VICTIM_ROWS {
        for (name, kind) in
            [("id", Kind::Text), ("medical", Kind::Text), ("death_disability", Kind::Text), ("property", Kind::Text)]
        {
            fields.push((format!("victims[{row}].{name}"), kind));
        }
    }
    fields
}

fn adjustment_input(form: &FormData) -> Value {
    let mut input = build_input(form, &adjustment_fields());
    for list in ["vehicles", "victims"] {
        if let Some(rows) = input.get_mut(list).and_then(Value::as_array_mut) {
            rows.retain(|row| row.get("id").and_then(Value::as_str).is_some_and(|id| !id.is_empty()));
        }
    }
    input
}

fn adjustment_form(locale: Locale, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let grades = ["full", "major", "equal", "minor", "none"];
    let vehicle_rows =
        (0..VEHICLE_ROWS)
            .map(|row| {
                let name = |field: &str| format!("vehicles[{row}].{field}");
                vec![
                    Field { name: name("id"), ..Field::text("", t("adjust.party"), value(&name("id"))) },
                    Field {
                        name: name("responsibility"),
                        ..Field::text("", t("adjust.responsibility"), value(&name("responsibility")))
                            .options(with_blank(locale, "adjust.grade", &grades))
                    },
                    Field { name: name("damage"), ..Field::text("", t("adjust.damage"), value(&name("damage"))) },
                    Field {
                        name: name("own_damage.sum_insured"),
                        ..Field::text("", t("adjust.own_damage"), value(&name("own_damage.sum_insured")))
                    },
                    Field {
                        name: name("third_party.limit"),
                        ..Field::text("", t("adjust.third_party"), value(&name("third_party.limit")))
                    },
                ]
            })
            .collect();
    let columns = ["party", "responsibility", "damage", "own_damage", "third_party"]
        .iter()
        .map(|c| t(&format!("adjust.{c}")))
        .collect();
    let victim_rows = (0..VICTIM_ROWS)
        .map(|row| {
            let name = |field: &str| format!("victims[{row}].{field}");
            vec![
                Field { name: name("id"), ..Field::text("", t("adjust.victim"), value(&name("id"))) },
                Field { name: name("medical"), ..Field::text("", t("adjust.medical"), value(&name("medical"))) },
                Field {
                    name: name("death_disability"),
                    ..Field::text("", t("adjust.death_disability"), value(&name("death_disability")))
                },
                Field { name: name("property"), ..Field::text("", t("adjust.property"), value(&name("property"))) },
            ]
        })
        .collect();
    let victim_columns =
        ["victim", "medical", "death_disability", "property"].iter().map(|c| t(&format!("adjust.{c}"))).collect();
    FormView {
        title: t("nav.adjustment"),
        action: "/adjustment".into(),
        groups: vec![FieldGroup {
            title: t("adjust.accident"),
            fields: vec![
                Field::text("accident_time", t("adjust.accident_time"), value("accident_time"))
                    .kind("datetime-local")
                    .required(),
            ],
        }],
        lines: vec![
            LineTable { title: t("adjust.vehicles"), columns, rows: vehicle_rows },
            LineTable { title: t("adjust.victims"), columns: victim_columns, rows: victim_rows },
        ],
        submit: t("adjust.compute"),
        ..FormView::default()
    }
}

fn adjustment_sections(locale: Locale, output: &Value) -> Vec<Section> {
    let t = |key: &str| label(locale, key);
    let catalog = Catalog::get();
    let cover = |name: &str| catalog.text(locale, &format!("adjust.cover.{name}")).to_string();
    let mut rows = Vec::new();
    for loss in output["losses"].as_array().into_iter().flatten() {
        let owner = text(&loss["owner"]);
        let item = catalog.text(locale, &format!("adjust.item.{}", text(&loss["item"]))).to_string();
        for allocation in loss["allocations"].as_array().into_iter().flatten() {
            let why = allocation["reasons"]
                .as_array()
                .and_then(|r| r.first())
                .map(|r| message(r, locale))
                .unwrap_or_default();
            rows.push(Row {
                cells: vec![
                    Cell::text(owner.clone()),
                    Cell::text(item.clone()),
                    Cell::money(text(&loss["amount"])),
                    Cell::text(format!(
                        "{} · {}",
                        text(&allocation["payer"]),
                        cover(allocation["cover"].as_str().unwrap_or(""))
                    )),
                    Cell::money(text(&allocation["amount"])),
                    Cell::text(why),
                ],
                alert: false,
            });
        }
        if loss["self_bears"].as_str().is_some_and(|amount| amount != "0.00") {
            rows.push(Row {
                cells: vec![
                    Cell::text(owner.clone()),
                    Cell::text(item.clone()),
                    Cell::money(text(&loss["amount"])),
                    Cell::text(cover("self")),
                    Cell::money(text(&loss["self_bears"])),
                    Cell::text(""),
                ],
                alert: false,
            });
        }
    }
    let totals = &output["totals"];
    vec![
        Section {
            title: t("adjust.totals"),
            pairs: ["loss", "compulsory", "third_party", "own_damage", "party", "self"]
                .iter()
                .map(|key| (cover(key), text(&totals[*key])))
                .collect(),
            ..Section::default()
        },
        Section {
            title: t("adjust.allocations"),
            table: Some(Table {
                columns: vec![
                    Column::new(t("adjust.party")),
                    Column::new(t("adjust.item")),
                    Column::right(t("adjust.loss")),
                    Column::new(t("adjust.payer")),
                    Column::right(t("ro.item.amount")),
                    Column::new(t("sanbao.reason")),
                ],
                rows,
                empty: String::new(),
            }),
            ..Section::default()
        },
    ]
}

fn render_adjustment(ctx: &Ctx, locale: Locale, form: &FormData, result: Option<Result<Value, Value>>) -> Response {
    let page = RulePage {
        title_key: "nav.adjustment",
        subtitle_key: "adjust.subtitle",
        form: adjustment_form(locale, form),
        sections: adjustment_sections,
    };
    render_rule_page(ctx, locale, page, result)
}

pub async fn adjustment(State(state): State<AppState>, who: UiActor) -> Response {
    let now = clock::from_ms(state.app.now_ms())
        .to_zoned(clock::zone(who.actor.home_time_zone()))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let form = FormData(vec![
        ("accident_time".into(), now),
        ("vehicles[0].id".into(), "A".into()),
        ("vehicles[0].responsibility".into(), "major".into()),
        ("vehicles[1].id".into(), "B".into()),
        ("vehicles[1].responsibility".into(), "minor".into()),
    ]);
    let ctx = Ctx::new(&who, "nav.adjustment", "/adjustment");
    render_adjustment(&ctx, who.locale, &form, None)
}

pub async fn adjust(posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let result = crate::rules::eval("accident-adjust", adjustment_input(&form));
    let ctx = Ctx::new(&who, "nav.adjustment", "/adjustment");
    render_adjustment(&ctx, who.locale, &form, Some(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_paths_become_the_rule_input() {
        let form = FormData(vec![
            ("vehicle.invoice_date".into(), "2024-03-01".into()),
            ("request.date".into(), "2024-03-06".into()),
            ("request.odometer_km".into(), "320".into()),
            ("request.fault.system".into(), "transmission".into()),
            ("request.fault.main_part".into(), "1".into()),
            ("request.fault.needs_replacement".into(), "1".into()),
            ("request.fault.quality_problem".into(), "1".into()),
            ("vehicle.for_living_needs".into(), "1".into()),
            ("vehicle.has_invoice".into(), "1".into()),
            ("vehicle.has_sanbao_certificate".into(), "1".into()),
            ("history[1].agreed_at".into(), "2024-03-03T09:00".into()),
            ("history[1].completed_at".into(), "2024-03-03T17:00".into()),
            ("history[1].odometer_km".into(), "200".into()),
            ("history[1].system".into(), "engine".into()),
            ("history[1].serious_safety".into(), "".into()),
        ]);
        let input = sanbao_input(&form);
        assert_eq!(input["request"]["odometer_km"], 320);
        assert_eq!(input["history"].as_array().unwrap().len(), 1);
        let output = crate::rules::eval("sanbao-assess", input).expect("assesses");
        assert_eq!(output["decision"]["code"], "sanbao_replacement_or_return");
    }

    #[test]
    fn the_two_car_example_allocates_every_loss() {
        let form = FormData(vec![
            ("accident_time".into(), "2024-06-01T20:30".into()),
            ("vehicles[0].id".into(), "A".into()),
            ("vehicles[0].responsibility".into(), "major".into()),
            ("vehicles[0].damage".into(), "12000.00".into()),
            ("vehicles[0].own_damage.sum_insured".into(), "150000".into()),
            ("vehicles[0].third_party.limit".into(), "1000000".into()),
            ("vehicles[1].id".into(), "B".into()),
            ("vehicles[1].responsibility".into(), "minor".into()),
            ("vehicles[1].damage".into(), "8000.00".into()),
            ("vehicles[1].own_damage.sum_insured".into(), "90000".into()),
            ("vehicles[1].third_party.limit".into(), "500000".into()),
        ]);
        let output = crate::rules::eval("accident-adjust", adjustment_input(&form)).expect("adjusts");
        assert_eq!(output["totals"]["compulsory"], "4000.00");
        assert_eq!(output["totals"]["third_party"], "7200.00");
        assert_eq!(output["totals"]["own_damage"], "8800.00");
    }
}
