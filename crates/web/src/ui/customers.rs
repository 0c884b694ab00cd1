//! 客户档案: list, detail, new and edit forms, the printed 客户档案基本资料表, and Excel export.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::customers::{self, CustomerDetail, CustomerListQuery, CustomerView, CustomerWithVehicle};
use claimdesk_app::{AppError, audit, clock};
use claimdesk_domain::customer::CustomerInput;
use claimdesk_domain::vehicle::UseNature;
use serde::Deserialize;

use super::vehicles::{vehicle_fields, vehicle_input, vehicle_table};
use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, ListView, PrintView, Row, Section, Table,
};
use super::{Ctx, Flash, detail_page, error_page, form_page, label, list_page, pager, print_page, see_other, timeline};
use crate::AppState;
use crate::excel;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::Locale;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ListParams {
    fn query(&self, page: Option<i64>, per_page: Option<i64>) -> CustomerListQuery {
        CustomerListQuery {
            q: self.q.clone(),
            store_id: self.store_id.clone(),
            follow_up_user_id: None,
            sort: self.sort.clone(),
            page,
            per_page,
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        format!(
            "{path}?q={}&store_id={}&sort={}&page={page}",
            urlencode(self.q.as_deref().unwrap_or("")),
            urlencode(self.store_id.as_deref().unwrap_or("")),
            urlencode(self.sort.as_deref().unwrap_or(""))
        )
    }
}

fn customer_table(locale: Locale, who: &UiActor, items: &[CustomerView]) -> Table {
    let t = |key: &str| label(locale, key);
    let many_stores = who.actor.stores.len() > 1;
    let mut columns = vec![
        Column::new(t("customer.name")),
        Column::new(t("customer.mobile")),
        Column::new(t("vehicle.plate")),
        Column::new(t("vehicle.vin")),
        Column::new(t("vehicle.model")),
        Column::new(t("customer.last_visit_on")),
        Column::new(t("customer.next_maintenance_on")),
    ];
    if many_stores {
        columns.push(Column::new(t("customer.store")));
    }
    let rows = items
        .iter()
        .map(|customer| {
            let first = customer.vehicles.first();
            let mut cells = vec![
                Cell::link(customer.name.clone(), format!("/customers/{}", customer.id)),
                Cell::mono(if customer.mobile.is_empty() { customer.phone.clone() } else { customer.mobile.clone() }),
                Cell::text(
                    customer
                        .vehicles
                        .iter()
                        .map(|v| v.plate.as_str())
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Cell::mono(first.map(|v| v.vin.clone()).unwrap_or_default()),
                Cell::text(first.map(|v| format!("{} {}", v.brand, v.model).trim().to_string()).unwrap_or_default()),
                Cell::mono(customer.last_visit_on.clone().unwrap_or_default()),
                Cell::mono(customer.next_maintenance_on.clone().unwrap_or_default()),
            ];
            if many_stores {
                cells.push(Cell::text(who.actor.store(&customer.store_id).map(|s| s.name.clone()).unwrap_or_default()));
            }
            Row { cells, alert: false }
        })
        .collect();
    Table { columns, rows, empty: t("list.empty") }
}

pub async fn list(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let page = match customers::list(&state.app, &who.actor, params.query(params.page, Some(50))).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "nav.customer_list", "/customers").flash(params.flash.as_deref());
    let mut filters = vec![Filter {
        name: "q".into(),
        label: label(locale, "action.search"),
        value: params.q.clone().unwrap_or_default(),
        placeholder: label(locale, "list.search_customers"),
        ..Filter::default()
    }];
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    filters.push(Filter {
        name: "sort".into(),
        label: label(locale, "list.sort"),
        value: params.sort.clone().unwrap_or_default(),
        options: vec![
            (String::new(), label(locale, "list.sort_newest")),
            ("name".into(), label(locale, "list.sort_name")),
        ],
        ..Filter::default()
    });
    let export = params.link("/customers.xlsx", 1);
    let list = ListView {
        title: label(locale, "nav.customer_list"),
        action_path: "/customers".into(),
        filters,
        actions: vec![
            Action::link(label(locale, "action.new"), "/customers/new").primary(),
            Action::link(label(locale, "action.export"), export),
            Action::link(label(locale, "import.action"), "/customers/import"),
        ],
        table: customer_table(locale, &who, &page.items),
        pager: pager(locale, &page, |n| params.link("/customers", n)),
    };
    list_page(&ctx, &list)
}

/// Every customer the filters match (up to the export cap), as an Excel sheet.
pub async fn export(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let fetch = |page| customers::list(&state.app, &who.actor, params.query(Some(page), Some(200)));
    let table = |items: &[CustomerView]| customer_table(locale, &who, items);
    excel::export_all(&label(locale, "nav.customer_list"), "customers.xlsx", fetch, table)
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

/// The customer fields of the 客户档案基本资料表, filled from `value`.
fn customer_fields(locale: Locale, value: &dyn Fn(&str) -> String, staff: &[(String, String)]) -> Vec<FieldGroup> {
    let t = |key: &str| label(locale, key);
    let mut follow_up = vec![(String::new(), t("form.choose"))];
    follow_up.extend(staff.iter().cloned());
    vec![
        FieldGroup {
            title: t("customer.section_contact"),
            fields: vec![
                Field::text("name", t("customer.name"), value("name")).required(),
                Field::text("kind", t("customer.kind"), value("kind")).options(super::options(
                    locale,
                    "customer.kind",
                    &["person", "company"],
                )),
                Field::text("mobile", t("customer.mobile"), value("mobile")).hint("13800138000"),
                Field::text("phone", t("customer.phone"), value("phone")).hint("010-62345678"),
                Field::text("resident_id", t("customer.resident_id"), value("resident_id")).upper(),
                Field::text("area", t("customer.area"), value("area")),
                Field::text("address", t("customer.address"), value("address")).wide(),
            ],
        },
        FieldGroup {
            title: t("customer.section_service"),
            fields: vec![
                Field::text("last_visit_on", t("customer.last_visit_on"), value("last_visit_on")).kind("date"),
                Field::text(
                    "maintenance_interval_km",
                    t("customer.maintenance_interval_km"),
                    value("maintenance_interval_km"),
                )
                .kind("number"),
                Field::text(
                    "maintenance_interval_months",
                    t("customer.maintenance_interval_months"),
                    value("maintenance_interval_months"),
                )
                .kind("number"),
                Field::text("next_maintenance_on", t("customer.next_maintenance_on"), value("next_maintenance_on"))
                    .kind("date"),
                Field::text("follow_up_user_id", t("customer.follow_up_user_id"), value("follow_up_user_id"))
                    .options(follow_up),
                Field::text("wanted_services", t("customer.wanted_services"), value("wanted_services"))
                    .kind("textarea")
                    .wide(),
                Field::text("notes", t("customer.notes"), value("notes")).kind("textarea").wide(),
            ],
        },
    ]
}

fn customer_input(form: &FormData) -> CustomerInput {
    CustomerInput {
        name: form.get("name").into(),
        kind: form.get("kind").into(),
        mobile: form.get("mobile").into(),
        phone: form.get("phone").into(),
        resident_id: form.get("resident_id").into(),
        address: form.get("address").into(),
        area: form.get("area").into(),
        first_visit_on: form.opt("first_visit_on"),
        last_visit_on: form.opt("last_visit_on"),
        maintenance_interval_km: form.int("maintenance_interval_km"),
        maintenance_interval_months: form.int("maintenance_interval_months"),
        next_maintenance_on: form.opt("next_maintenance_on"),
        wanted_services: form.get("wanted_services").into(),
        notes: form.get("notes").into(),
        follow_up_user_id: form.opt("follow_up_user_id"),
    }
}

fn new_form(locale: Locale, form: &FormData, staff: &[(String, String)]) -> FormView {
    let value = |name: &str| form.get(name).to_string();
    let mut groups = customer_fields(locale, &value, staff);
    let vehicle_value = |name: &str| form.get(&format!("vehicle.{name}")).to_string();
    let mut vehicle =
        FieldGroup { title: label(locale, "customer.with_vehicle"), fields: vehicle_fields(locale, &vehicle_value) };
    for field in &mut vehicle.fields {
        field.name = format!("vehicle.{}", field.name);
        field.required = false;
    }
    groups.push(vehicle);
    FormView {
        title: label(locale, "customer.new"),
        action: "/customers".into(),
        groups,
        submit: label(locale, "action.save"),
        cancel_href: Some("/customers".into()),
        ..FormView::default()
    }
}

pub async fn new(State(state): State<AppState>, who: UiActor) -> Response {
    let ctx = Ctx::new(&who, "customer.new", "/customers");
    let mut defaults = FormData(vec![
        ("kind".into(), "person".into()),
        ("vehicle.powertrain".into(), "ice".into()),
        ("vehicle.use_nature".into(), UseNature::Private.as_str().into()),
    ]);
    defaults.0.push(("follow_up_user_id".into(), String::new()));
    let staff = crate::ui::staff_options(&state, &who).await;
    form_page(&ctx, &new_form(who.locale, &defaults, &staff), StatusCode::OK)
}

pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let has_vehicle = !form.get("vehicle.vin").trim().is_empty();
    let input = CustomerWithVehicle {
        customer: customer_input(&form),
        vehicle: has_vehicle.then(|| vehicle_input(&form, "vehicle.")),
        store_id: None,
    };
    match customers::create(&state.app, &who.actor, input).await {
        Ok(customer) => see_other(&format!("/customers/{}", customer.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "customer.new", "/customers");
            let staff = crate::ui::staff_options(&state, &who).await;
            let mut view = new_form(who.locale, &form, &staff);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn view_value(customer: &CustomerView) -> impl Fn(&str) -> String + '_ {
    move |name: &str| {
        let json = serde_json::to_value(customer).unwrap_or_default();
        match json.get(name) {
            Some(serde_json::Value::String(text)) => text.clone(),
            Some(serde_json::Value::Number(number)) => number.to_string(),
            _ => String::new(),
        }
    }
}

fn pairs(locale: Locale, customer: &CustomerView, keys: &[&str]) -> Vec<(String, String)> {
    let value = view_value(customer);
    keys.iter()
        .map(|key| {
            let mut text = value(key);
            if *key == "kind" {
                text = label(locale, &format!("customer.kind.{text}"));
            }
            (label(locale, &format!("customer.{key}")), if text.is_empty() { "—".into() } else { text })
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let detail = match customers::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let history = audit::history(&state.app, "customer", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let CustomerDetail { customer, repair_orders } = detail;
    let zone = who.actor.time_zone(&customer.store_id).to_string();
    let ctx =
        Ctx::new(&who, "customer.title", "/customers").titled(customer.name.clone()).flash(flash.flash.as_deref());
    let store = who.actor.store(&customer.store_id).map(|s| s.name.clone()).unwrap_or_default();
    let mut vehicles_section = Section {
        title: label(locale, "customer.vehicles"),
        table: Some(vehicle_table(locale, &customer.vehicles)),
        actions: vec![Action::link(
            label(locale, "action.add_vehicle"),
            format!("/vehicles/new?owner_id={}", customer.id),
        )],
        ..Section::default()
    };
    if customer.vehicles.is_empty() {
        vehicles_section.actions[0].primary = true;
    }
    let view = DetailView {
        title: customer.name.clone(),
        subtitle: format!("{store} · {}", customer.mobile),
        state: None,
        actions: vec![
            Action::link(label(locale, "action.edit"), format!("/customers/{}/edit", customer.id)),
            Action::link(label(locale, "action.print"), format!("/customers/{}/print", customer.id)),
        ],
        sections: vec![
            Section {
                title: label(locale, "customer.section_contact"),
                pairs: pairs(locale, &customer, &["name", "kind", "mobile", "phone", "resident_id", "area", "address"]),
                ..Section::default()
            },
            Section {
                title: label(locale, "customer.section_service"),
                pairs: pairs(
                    locale,
                    &customer,
                    &[
                        "first_visit_on",
                        "last_visit_on",
                        "maintenance_interval_km",
                        "maintenance_interval_months",
                        "next_maintenance_on",
                        "wanted_services",
                        "notes",
                    ],
                ),
                ..Section::default()
            },
            vehicles_section,
            Section {
                title: label(locale, "customer.history"),
                table: Some(super::repair_orders::order_table(locale, &repair_orders, &zone)),
                ..Section::default()
            },
        ],
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

fn edit_form(
    locale: Locale,
    id: &str,
    version: &str,
    value: &dyn Fn(&str) -> String,
    staff: &[(String, String)],
) -> FormView {
    let mut groups = customer_fields(locale, value, staff);
    groups[0].fields.push(Field::text("version", "", version).kind("hidden"));
    FormView {
        title: label(locale, "customer.edit"),
        action: format!("/customers/{id}"),
        groups,
        submit: label(locale, "action.save"),
        cancel_href: Some(format!("/customers/{id}")),
        ..FormView::default()
    }
}

pub async fn edit(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let customer = match customers::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail.customer,
        Err(error) => return error_page(who.locale, error),
    };
    let ctx = Ctx::new(&who, "customer.edit", "/customers");
    let staff = crate::ui::staff_options(&state, &who).await;
    let value = view_value(&customer);
    form_page(&ctx, &edit_form(who.locale, &id, &customer.version.to_string(), &value, &staff), StatusCode::OK)
}

pub async fn update(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match customers::update(&state.app, &who.actor, &id, form.int("version"), customer_input(&form)).await {
        Ok(customer) => see_other(&format!("/customers/{}", customer.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "customer.edit", "/customers");
            let staff = crate::ui::staff_options(&state, &who).await;
            let value = |name: &str| form.get(name).to_string();
            let mut view = edit_form(who.locale, &id, form.get("version"), &value, &staff);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// The 客户档案基本资料表, printed on A4 as the paper form.
pub async fn print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let CustomerDetail { customer, repair_orders } = match customers::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let zone = who.actor.time_zone(&customer.store_id).to_string();
    let store = who.actor.store(&customer.store_id).map(|s| s.name.clone()).unwrap_or_default();
    let now = state.app.now_ms();
    let view = PrintView {
        title: label(locale, "customer.form_title"),
        store_name: store,
        form_no: format!("KH-{}", &customer.id[..8].to_uppercase()),
        printed_at: clock::display_local(now, &zone),
        sections: vec![
            Section {
                title: label(locale, "customer.section_contact"),
                pairs: pairs(locale, &customer, &["name", "kind", "mobile", "phone", "address", "last_visit_on"]),
                ..Section::default()
            },
            Section {
                title: label(locale, "customer.vehicles"),
                table: Some(vehicle_table(locale, &customer.vehicles)),
                ..Section::default()
            },
            Section {
                title: label(locale, "customer.section_service"),
                pairs: pairs(
                    locale,
                    &customer,
                    &[
                        "maintenance_interval_km",
                        "maintenance_interval_months",
                        "next_maintenance_on",
                        "wanted_services",
                    ],
                ),
                ..Section::default()
            },
            Section {
                title: label(locale, "customer.history"),
                table: Some(super::repair_orders::order_table(locale, &repair_orders, &zone)),
                ..Section::default()
            },
        ],
        signatures: vec![label(locale, "print.signature_staff")],
    };
    print_page(locale, &view)
}
