//! 维修工单: list, open with lines, detail with state actions, print.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::repair_orders::{self, RepairOrderInput, RepairOrderListQuery, RepairOrderView};
use claimdesk_app::{AppError, audit, clock, vehicles};
use claimdesk_domain::repair_order::{ITEM_KINDS, ItemInput, KINDS, PAYERS, STATUSES};
use serde::Deserialize;

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, LineTable, ListView, PrintView, Row,
    Section, Table,
};
use super::{
    Ctx, Flash, detail_page, error_page, form_page, label, list_page, options, pager, print_page, see_other, timeline,
};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::Locale;

pub fn status_tag(status: &str) -> &'static str {
    match status {
        "open" => "tag-blue",
        "in_progress" => "tag-orange",
        "completed" | "handed_over" => "tag-green",
        _ => "tag-grey",
    }
}

pub fn order_table(locale: Locale, orders: &[RepairOrderView], time_zone: &str) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("ro.number")),
            Column::new(t("ro.checked_in_at")),
            Column::new(t("ro.kind")),
            Column::right(t("ro.mileage_in")),
            Column::new(t("ro.complaint")),
            Column::new(t("ro.status")),
        ],
        rows: orders
            .iter()
            .map(|order| Row {
                cells: vec![
                    Cell { href: Some(format!("/repair-orders/{}", order.id)), ..Cell::mono(order.number.clone()) },
                    Cell::mono(clock::display_local(order.checked_in_ms, time_zone)),
                    Cell::text(t(&format!("ro.kind.{}", order.kind))),
                    Cell { right: true, ..Cell::text(order.mileage_in.to_string()) },
                    Cell::text(order.complaint.chars().take(40).collect::<String>()),
                    Cell::tag(t(&format!("ro.status.{}", order.status)), status_tag(&order.status)),
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
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ListParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> RepairOrderListQuery {
        RepairOrderListQuery {
            q: self.q.clone(),
            status: self.status.clone(),
            kind: self.kind.clone(),
            vehicle_id: None,
            store_id: self.store_id.clone(),
            page,
            per_page: Some(per_page),
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!(
            "{path}?q={}&status={}&kind={}&store_id={}&page={page}",
            get(&self.q),
            get(&self.status),
            get(&self.kind),
            get(&self.store_id)
        )
    }
}

pub async fn export(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let zone = who.actor.home_time_zone().to_string();
    let fetch = |page| repair_orders::list(&state.app, &who.actor, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, "nav.repair_orders"), "repair-orders.xlsx", fetch, |items| {
        order_table(locale, items, &zone)
    })
    .await
    .unwrap_or_else(|error| error_page(locale, error))
}

pub async fn list(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let query = params.query(params.page, 50);
    let page = match repair_orders::list(&state.app, &who.actor, query).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let zone = who.actor.home_time_zone().to_string();
    let ctx = Ctx::new(&who, "nav.repair_orders", "/repair-orders").flash(params.flash.as_deref());
    let any = |prefix: &str, values: &[&str]| {
        let mut all = vec![(String::new(), label(locale, "form.choose"))];
        all.extend(options(locale, prefix, values));
        all
    };
    let link = |n: i64| params.link("/repair-orders", n);
    let list = ListView {
        title: label(locale, "nav.repair_orders"),
        action_path: "/repair-orders".into(),
        filters: {
            let mut filters = vec![
                Filter {
                    name: "q".into(),
                    label: label(locale, "ro.number"),
                    value: params.q.clone().unwrap_or_default(),
                    placeholder: label(locale, "list.search_orders"),
                    ..Filter::default()
                },
                Filter {
                    name: "status".into(),
                    label: label(locale, "ro.status"),
                    value: params.status.clone().unwrap_or_default(),
                    options: any("ro.status", &STATUSES),
                    ..Filter::default()
                },
                Filter {
                    name: "kind".into(),
                    label: label(locale, "ro.kind"),
                    value: params.kind.clone().unwrap_or_default(),
                    options: any("ro.kind", &KINDS),
                    ..Filter::default()
                },
            ];
            filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
            filters
        },
        actions: vec![
            Action::link(label(locale, "ro.new"), "/vehicles").primary(),
            Action::link(label(locale, "action.export"), params.link("/repair-orders.xlsx", 1)),
        ],
        table: order_table(locale, &page.items, &zone),
        pager: pager(locale, &page, link),
    };
    list_page(&ctx, &list)
}

const LINES: usize = 6;

fn line_fields(locale: Locale, index: usize, form: &FormData) -> Vec<Field> {
    let t = |key: &str| label(locale, key);
    let get = |name: &str| form.get(&format!("items[{index}].{name}")).to_string();
    let name = |field: &str| format!("items[{index}].{field}");
    let mut kinds = vec![(String::new(), String::new())];
    kinds.extend(options(locale, "ro.item_kind", &ITEM_KINDS));
    vec![
        Field { name: name("kind"), ..Field::text("", t("ro.item.kind"), get("kind")).options(kinds) },
        Field { name: name("code"), ..Field::text("", t("ro.item.code"), get("code")).code() },
        Field { name: name("description"), ..Field::text("", t("ro.item.description"), get("description")) },
        Field { name: name("hours"), ..Field::text("", t("ro.item.hours"), get("hours")) },
        Field { name: name("part_no"), ..Field::text("", t("ro.item.part_no"), get("part_no")).code() },
        Field { name: name("quantity"), ..Field::text("", t("ro.item.quantity"), get("quantity")) },
        Field { name: name("unit_price"), ..Field::text("", t("ro.item.unit_price"), get("unit_price")) },
        Field {
            name: name("payer"),
            ..Field::text("", t("ro.item.payer"), get("payer")).options(options(locale, "ro.payer", &PAYERS))
        },
    ]
}

fn new_form(locale: Locale, form: &FormData, vehicle_label: &str) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let fields = vec![
        Field::text("vehicle_id", "", value("vehicle_id")).kind("hidden"),
        Field::text("vehicle_label", t("ro.vehicle"), vehicle_label).hint(value("vehicle_id")),
        Field::text("kind", t("ro.kind"), value("kind")).options(options(locale, "ro.kind", &KINDS)).required(),
        Field::text("checked_in_at", t("ro.checked_in_at"), value("checked_in_at")).kind("datetime-local").required(),
        Field::text("mileage_in", t("ro.mileage_in"), value("mileage_in")).kind("number").required(),
        Field::text("complaint", t("ro.complaint"), value("complaint")).kind("textarea").wide(),
        Field::text("findings", t("ro.findings"), value("findings")).kind("textarea").wide(),
        Field::text("odometer_replaced", t("ro.odometer_replaced"), value("odometer_replaced")).kind("checkbox"),
        Field::text("odometer_note", t("ro.odometer_note"), value("odometer_note")),
    ];
    let rows = (0..LINES.max(count_lines(form))).map(|i| line_fields(locale, i, form)).collect();
    let columns = ["kind", "code", "description", "hours", "part_no", "quantity", "unit_price", "payer"]
        .iter()
        .map(|c| t(&format!("ro.item.{c}")))
        .collect();
    FormView {
        title: t("ro.new"),
        action: "/repair-orders".into(),
        groups: vec![FieldGroup { title: String::new(), fields }],
        lines: vec![LineTable { title: t("ro.items"), columns, rows }],
        submit: t("action.save"),
        cancel_href: Some(format!("/vehicles/{}", form.get("vehicle_id"))),
        ..FormView::default()
    }
}

fn count_lines(form: &FormData) -> usize {
    form.0.iter().filter(|(k, _)| k.starts_with("items[") && k.ends_with("].kind")).count()
}

/// The filled lines of the form (a row with no kind and no description is an unused row).
fn lines_of(form: &FormData) -> Vec<ItemInput> {
    (0..count_lines(form))
        .filter_map(|i| {
            let get = |name: &str| form.get(&format!("items[{i}].{name}")).trim().to_string();
            if get("kind").is_empty() && get("description").is_empty() {
                return None;
            }
            let opt = |name: &str| Some(get(name)).filter(|v| !v.is_empty());
            Some(ItemInput {
                kind: get("kind"),
                code: get("code"),
                description: get("description"),
                hours: opt("hours"),
                part_no: get("part_no"),
                quantity: opt("quantity"),
                unit_price: opt("unit_price"),
                payer: get("payer"),
            })
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    vehicle_id: String,
}

async fn vehicle_label(state: &AppState, who: &UiActor, id: &str) -> Result<String, AppError> {
    let vehicle = vehicles::get(&state.app, &who.actor, id).await?.vehicle;
    Ok(format!("{} {} {}", vehicle.plate, vehicle.vin, vehicle.model).trim().to_string())
}

pub async fn new(State(state): State<AppState>, who: UiActor, Query(params): Query<NewParams>) -> Response {
    let vehicle = match vehicle_label(&state, &who, &params.vehicle_id).await {
        Ok(label) => label,
        Err(error) => return error_page(who.locale, error),
    };
    let now = clock::from_ms(state.app.now_ms())
        .to_zoned(clock::zone(who.actor.home_time_zone()))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let mut ctx = Ctx::new(&who, "ro.new", "/repair-orders");
    ctx.alerts = super::campaigns::alerts_for_vehicle(&state, &who, &params.vehicle_id).await;
    let form = FormData(vec![
        ("vehicle_id".into(), params.vehicle_id),
        ("kind".into(), "repair".into()),
        ("checked_in_at".into(), now),
    ]);
    form_page(&ctx, &new_form(who.locale, &form, &vehicle), StatusCode::OK)
}

pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = RepairOrderInput {
        vehicle_id: form.get("vehicle_id").into(),
        kind: form.get("kind").into(),
        checked_in_at: form.opt("checked_in_at"),
        mileage_in: form.int("mileage_in"),
        complaint: form.get("complaint").into(),
        findings: form.get("findings").into(),
        advisor_id: None,
        odometer_replaced: form.get("odometer_replaced") == "1",
        odometer_note: form.get("odometer_note").into(),
        items: lines_of(&form),
    };
    // Errors on lines name the line among the filled ones; map them back to the rows on screen.
    let filled: Vec<usize> = (0..count_lines(&form))
        .filter(|i| {
            !(form.get(&format!("items[{i}].kind")).trim().is_empty()
                && form.get(&format!("items[{i}].description")).trim().is_empty())
        })
        .collect();
    match repair_orders::create(&state.app, &who.actor, input).await {
        Ok(order) => see_other(&format!("/repair-orders/{}", order.id), "form.saved"),
        Err(AppError::Invalid(mut violations)) => {
            for violation in &mut violations.0 {
                if let Some(rest) = violation.field.strip_prefix("items[")
                    && let Some((index, tail)) = rest.split_once(']')
                    && let Ok(index) = index.parse::<usize>()
                    && let Some(row) = filled.get(index)
                {
                    violation.field = format!("items[{row}]{tail}");
                }
            }
            let vehicle = vehicle_label(&state, &who, form.get("vehicle_id")).await.unwrap_or_default();
            let ctx = Ctx::new(&who, "ro.new", "/repair-orders");
            let mut view = new_form(who.locale, &form, &vehicle);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn item_table(locale: Locale, order: &RepairOrderView) -> Table {
    let t = |key: &str| label(locale, key);
    let mut rows: Vec<Row> = order
        .items
        .iter()
        .map(|item| Row {
            cells: vec![
                Cell::text(item.line_no.to_string()),
                Cell::text(t(&format!("ro.item_kind.{}", item.kind))),
                Cell::mono(if item.part_no.is_empty() { item.code.clone() } else { item.part_no.clone() }),
                Cell::text(item.description.clone()),
                Cell {
                    right: true,
                    ..Cell::text(if item.kind == "labor" { item.hours.clone() } else { item.quantity.clone() })
                },
                Cell::money(item.unit_price.display_cny()),
                Cell::money(item.amount.display_cny()),
                Cell::text(t(&format!("ro.payer.{}", item.payer))),
            ],
            alert: false,
        })
        .collect();
    rows.push(Row {
        cells: vec![
            Cell::text(""),
            Cell::text(t("ro.total")),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::money(order.total.display_cny()),
            Cell::text(""),
        ],
        alert: false,
    });
    Table {
        columns: vec![
            Column::new("#"),
            Column::new(t("ro.item.kind")),
            Column::new(t("ro.item.part_no")),
            Column::new(t("ro.item.description")),
            Column::right(format!("{}/{}", t("ro.item.hours"), t("ro.item.quantity"))),
            Column::right(t("ro.item.unit_price")),
            Column::right(t("ro.item.amount")),
            Column::new(t("ro.item.payer")),
        ],
        rows,
        empty: t("list.empty"),
    }
}

fn order_pairs(locale: Locale, order: &RepairOrderView, zone: &str, vehicle: &str) -> Vec<(String, String)> {
    let t = |key: &str| label(locale, key);
    vec![
        (t("ro.number"), order.number.clone()),
        (t("ro.vehicle"), vehicle.to_string()),
        (t("ro.kind"), t(&format!("ro.kind.{}", order.kind))),
        (t("ro.checked_in_at"), clock::display_local(order.checked_in_ms, zone)),
        (
            t("ro.handed_over_at"),
            order
                .handed_over_at
                .clone()
                .map(|s| s.replace('T', " ").chars().take(16).collect())
                .unwrap_or_else(|| "—".into()),
        ),
        (t("ro.mileage_in"), order.mileage_in.to_string()),
        (t("ro.complaint"), order.complaint.clone()),
        (t("ro.findings"), order.findings.clone()),
    ]
}

pub async fn show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let order = match repair_orders::get(&state.app, &who.actor, &id).await {
        Ok(order) => order,
        Err(error) => return error_page(locale, error),
    };
    let vehicle = vehicle_label(&state, &who, &order.vehicle_id).await.unwrap_or_default();
    let history =
        audit::history(&state.app, "repair_order", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let zone = who.actor.time_zone(&order.store_id).to_string();
    let t = |key: &str| label(locale, key);
    let mut actions: Vec<Action> = order
        .actions
        .iter()
        .map(|action| {
            let button =
                Action::post(t(&format!("ro.action.{action}")), format!("/repair-orders/{}/{action}", order.id));
            match *action {
                "cancel" => button.confirm(t("ro.action.cancel")),
                "hand_over" | "complete" | "start" => button.primary(),
                _ => button,
            }
        })
        .collect();
    if order.items.iter().any(|item| item.payer == "warranty")
        && who.actor.can(claimdesk_domain::access::Permission::WarrantyWrite, &order.store_id)
    {
        actions.push(Action::link(t("wc.new"), format!("/warranty-claims/new?repair_order_id={}", order.id)));
    }
    actions.push(Action::link(t("action.print"), format!("/repair-orders/{}/print", order.id)));
    let mut ctx =
        Ctx::new(&who, "ro.title", "/repair-orders").titled(order.number.clone()).flash(flash.flash.as_deref());
    ctx.alerts = super::campaigns::alerts_for_vehicle(&state, &who, &order.vehicle_id).await;
    let view = DetailView {
        title: format!("{} {}", t("ro.title"), order.number),
        subtitle: vehicle.clone(),
        state: Some((t(&format!("ro.status.{}", order.status)), status_tag(&order.status).into())),
        actions,
        sections: vec![
            Section {
                title: t("ro.title"),
                pairs: order_pairs(locale, &order, &zone, &vehicle),
                actions: vec![Action::link(t("ro.vehicle"), format!("/vehicles/{}", order.vehicle_id))],
                ..Section::default()
            },
            Section { title: t("ro.items"), table: Some(item_table(locale, &order)), ..Section::default() },
            crate::ui::attachments::section(
                &state,
                &who,
                claimdesk_app::attachments::Owner::new(claimdesk_domain::attachment::OwnerKind::RepairOrder, &order.id),
                &order.store_id,
                &format!("/repair-orders/{}", order.id),
            )
            .await,
        ]
        .into_iter()
        .chain(super::sanbao_cases::order_sections(&state, &who, &order).await)
        .chain(super::warranty_flow::order_section(&state, &who, &order.id).await)
        .collect(),
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

pub async fn action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    match repair_orders::transition(&state.app, &posted.who.actor, &id, &action).await {
        Ok(_) => see_other(&format!("/repair-orders/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

/// The repair order (委托书) as the customer signs it.
pub async fn print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let order = match repair_orders::get(&state.app, &who.actor, &id).await {
        Ok(order) => order,
        Err(error) => return error_page(locale, error),
    };
    let vehicle = vehicle_label(&state, &who, &order.vehicle_id).await.unwrap_or_default();
    let zone = who.actor.time_zone(&order.store_id).to_string();
    let view = PrintView {
        title: label(locale, "ro.title"),
        store_name: who.actor.store(&order.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: order.number.clone(),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections: vec![
            Section {
                title: label(locale, "ro.title"),
                pairs: order_pairs(locale, &order, &zone, &vehicle),
                ..Section::default()
            },
            Section { title: label(locale, "ro.items"), table: Some(item_table(locale, &order)), ..Section::default() },
        ],
        signatures: vec![label(locale, "print.signature_customer"), label(locale, "ro.advisor")],
    };
    print_page(locale, &view)
}
