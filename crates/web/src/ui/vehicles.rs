//! Vehicles: list, register, detail with owners and odometer readings, edit, change of owner.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::vehicles::{self, NewVehicle, VehicleDetail, VehicleListQuery, VehicleView};
use claimdesk_app::{AppError, audit, customers};
use claimdesk_domain::vehicle::{POWERTRAINS, UseNature, VehicleInput};
use serde::Deserialize;

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, ListView, Row, Section, Table,
};
use super::{Ctx, Flash, detail_page, error_page, form_page, label, list_page, options, pager, see_other, timeline};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::Locale;

pub fn vehicle_fields(locale: Locale, value: &dyn Fn(&str) -> String) -> Vec<Field> {
    let t = |key: &str| label(locale, key);
    let powertrains: Vec<&str> = POWERTRAINS.iter().map(|(name, _)| *name).collect();
    let natures: Vec<&str> = UseNature::ALL.iter().map(|n| n.as_str()).collect();
    vec![
        Field::text("vin", t("vehicle.vin"), value("vin")).required().upper().hint("LFV3A23C8G3012345"),
        Field::text("plate", t("vehicle.plate"), value("plate")).upper().hint("京A12345 / 京AD12345"),
        Field::text("brand", t("vehicle.brand"), value("brand")),
        Field::text("model", t("vehicle.model"), value("model")),
        Field::text("vehicle_type", t("vehicle.vehicle_type"), value("vehicle_type")),
        Field::text("color", t("vehicle.color"), value("color")),
        Field::text("engine_no", t("vehicle.engine_no"), value("engine_no")).upper(),
        Field::text("powertrain", t("vehicle.powertrain"), value("powertrain")).options(options(
            locale,
            "vehicle.powertrain",
            &powertrains,
        )),
        Field::text("use_nature", t("vehicle.use_nature"), value("use_nature")).options(options(
            locale,
            "vehicle.use_nature",
            &natures,
        )),
        Field::text("invoice_on", t("vehicle.invoice_on"), value("invoice_on")).kind("date"),
        Field::text("delivered_on", t("vehicle.delivered_on"), value("delivered_on")).kind("date"),
        Field::text("sale_price", t("vehicle.sale_price"), value("sale_price")).hint("200000.00"),
        Field::text("odometer_km", t("vehicle.odometer_km"), value("odometer_km")).kind("number"),
    ]
}

/// A vehicle from form fields named `{prefix}vin`, `{prefix}plate`, ….
pub fn vehicle_input(form: &FormData, prefix: &str) -> VehicleInput {
    let get = |name: &str| form.get(&format!("{prefix}{name}")).to_string();
    let opt = |name: &str| form.opt(&format!("{prefix}{name}"));
    VehicleInput {
        vin: get("vin"),
        plate: get("plate"),
        brand: get("brand"),
        model: get("model"),
        vehicle_type: get("vehicle_type"),
        color: get("color"),
        engine_no: get("engine_no"),
        powertrain: get("powertrain"),
        use_nature: get("use_nature"),
        invoice_on: opt("invoice_on"),
        delivered_on: opt("delivered_on"),
        sale_price: opt("sale_price"),
        odometer_km: form.int(&format!("{prefix}odometer_km")),
    }
}

pub fn vehicle_table(locale: Locale, items: &[VehicleView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("vehicle.plate")),
            Column::new(t("vehicle.vin")),
            Column::new(t("vehicle.model")),
            Column::new(t("vehicle.vehicle_type")),
            Column::new(t("vehicle.powertrain")),
            Column::new(t("vehicle.delivered_on")),
            Column::right(t("vehicle.odometer_km")),
        ],
        rows: items
            .iter()
            .map(|v| Row {
                cells: vec![
                    if v.plate_kind == "new_energy" {
                        Cell::tag(v.plate.clone(), "tag-green")
                    } else {
                        Cell::text(v.plate.clone())
                    },
                    Cell { href: Some(format!("/vehicles/{}", v.id)), ..Cell::mono(v.vin.clone()) },
                    Cell::text(format!("{} {}", v.brand, v.model).trim().to_string()),
                    Cell::text(v.vehicle_type.clone()),
                    Cell::text(t(&format!("vehicle.powertrain.{}", v.powertrain))),
                    Cell::mono(v.delivered_on.clone().unwrap_or_default()),
                    Cell { right: true, ..Cell::text(v.odometer_km.to_string()) },
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
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

pub async fn list(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let query = VehicleListQuery {
        q: params.q.clone(),
        store_id: params.store_id.clone(),
        page: params.page,
        per_page: Some(50),
    };
    let page = match vehicles::list(&state.app, &who.actor, query).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "nav.vehicle_list", "/vehicles").flash(params.flash.as_deref());
    let q = params.q.clone().unwrap_or_default();
    let list = ListView {
        title: label(locale, "nav.vehicle_list"),
        action_path: "/vehicles".into(),
        filters: vec![Filter {
            name: "q".into(),
            label: label(locale, "action.search"),
            value: q.clone(),
            placeholder: label(locale, "list.search_vehicles"),
            ..Filter::default()
        }],
        actions: vec![Action::link(label(locale, "vehicle.new"), "/vehicles/new").primary()],
        table: super::sanbao_cases::with_marks(
            &state,
            &who,
            page.items.iter().map(|v| v.id.clone()).collect(),
            vehicle_table(locale, &page.items),
        )
        .await,
        pager: pager(locale, &page, |n| format!("/vehicles?q={}&page={n}", urlencode(&q))),
    };
    list_page(&ctx, &list)
}

pub async fn export(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let fetch = |page| {
        let query = VehicleListQuery {
            q: params.q.clone(),
            store_id: params.store_id.clone(),
            page: Some(page),
            per_page: Some(200),
        };
        vehicles::list(&state.app, &who.actor, query)
    };
    crate::excel::export_all(&label(locale, "nav.vehicle_list"), "vehicles.xlsx", fetch, |items| {
        vehicle_table(locale, items)
    })
    .await
    .unwrap_or_else(|error| error_page(locale, error))
}

fn new_form(locale: Locale, form: &FormData) -> FormView {
    let value = |name: &str| form.get(name).to_string();
    let mut fields = vehicle_fields(locale, &value);
    fields.push(Field::text("owner_id", "", form.get("owner_id")).kind("hidden"));
    FormView {
        title: label(locale, "vehicle.new"),
        action: "/vehicles".into(),
        groups: vec![FieldGroup { title: String::new(), fields }],
        submit: label(locale, "action.save"),
        cancel_href: Some("/vehicles".into()),
        ..FormView::default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    owner_id: Option<String>,
}

pub async fn new(who: UiActor, Query(params): Query<NewParams>) -> Response {
    let ctx = Ctx::new(&who, "vehicle.new", "/vehicles");
    let form = FormData(vec![
        ("owner_id".into(), params.owner_id.unwrap_or_default()),
        ("powertrain".into(), "ice".into()),
        ("use_nature".into(), "private".into()),
    ]);
    form_page(&ctx, &new_form(who.locale, &form), StatusCode::OK)
}

pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = NewVehicle { vehicle: vehicle_input(&form, ""), owner_id: form.opt("owner_id"), store_id: None };
    match vehicles::create(&state.app, &who.actor, input).await {
        Ok(vehicle) => see_other(&format!("/vehicles/{}", vehicle.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "vehicle.new", "/vehicles");
            let mut view = new_form(who.locale, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn value_of(vehicle: &VehicleView) -> impl Fn(&str) -> String + '_ {
    move |name: &str| match serde_json::to_value(vehicle).unwrap_or_default().get(name) {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let VehicleDetail { vehicle, owners, readings, repair_orders } =
        match vehicles::get(&state.app, &who.actor, &id).await {
            Ok(detail) => detail,
            Err(error) => return error_page(locale, error),
        };
    let history = audit::history(&state.app, "vehicle", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let zone = who.actor.time_zone(&vehicle.store_id).to_string();
    let t = |key: &str| label(locale, key);
    let owner_name = match &vehicle.owner_id {
        Some(owner) => customers::get(&state.app, &who.actor, owner).await.map(|d| d.customer.name).unwrap_or_default(),
        None => String::new(),
    };
    let value = value_of(&vehicle);
    let shown = |key: &str| {
        let text = value(key);
        if text.is_empty() { "—".to_string() } else { text }
    };
    let mut pairs: Vec<(String, String)> = [
        "vin",
        "plate",
        "brand",
        "model",
        "vehicle_type",
        "color",
        "engine_no",
        "invoice_on",
        "delivered_on",
        "sale_price",
        "odometer_km",
    ]
    .iter()
    .map(|key| (t(&format!("vehicle.{key}")), shown(key)))
    .collect();
    pairs.insert(7, (t("vehicle.powertrain"), t(&format!("vehicle.powertrain.{}", vehicle.powertrain))));
    pairs.insert(8, (t("vehicle.use_nature"), t(&format!("vehicle.use_nature.{}", vehicle.use_nature))));
    let owner_rows = owners
        .iter()
        .map(|o| Row {
            cells: vec![
                Cell::link(
                    if o.customer_id == vehicle.owner_id.clone().unwrap_or_default() {
                        owner_name.clone()
                    } else {
                        o.customer_id[..8].to_string()
                    },
                    format!("/customers/{}", o.customer_id),
                ),
                Cell::mono(o.from_on.clone()),
                Cell::mono(o.to_on.clone().unwrap_or_default()),
            ],
            alert: false,
        })
        .collect();
    let reading_rows = readings
        .iter()
        .rev()
        .map(|r| Row {
            cells: vec![
                Cell::mono(r.read_on.clone()),
                Cell { right: true, ..Cell::text(r.km.to_string()) },
                Cell::text(if r.replaced { t("ro.odometer_replaced") } else { r.source.clone() }),
                Cell::text(r.note.clone()),
            ],
            alert: false,
        })
        .collect();
    let change_owner = FormView {
        action: format!("/vehicles/{}/change-owner", vehicle.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("customer_id", t("vehicle.new_owner"), "").hint("ID"),
                Field::text("on", t("vehicle.change_on"), "").kind("date"),
            ],
        }],
        submit: t("action.change_owner"),
        ..FormView::default()
    };
    let mut ctx =
        Ctx::new(&who, "vehicle.title", "/vehicles").titled(vehicle.vin.clone()).flash(flash.flash.as_deref());
    ctx.alerts = super::campaigns::alerts(&state, &who, vec![vehicle.vin.clone()]).await;
    let view = DetailView {
        title: if vehicle.plate.is_empty() {
            vehicle.vin.clone()
        } else {
            format!("{} · {}", vehicle.plate, vehicle.vin)
        },
        subtitle: format!("{} {}", t("vehicle.owner"), if owner_name.is_empty() { "—" } else { &owner_name }),
        state: None,
        actions: {
            let mut actions = vec![
                Action::link(t("action.new_repair_order"), format!("/repair-orders/new?vehicle_id={}", vehicle.id))
                    .primary(),
                Action::link(t("nav.eligibility"), format!("/sanbao?vehicle_id={}", vehicle.id)),
            ];
            if who.actor.can(claimdesk_domain::access::Permission::InsuranceWrite, &vehicle.store_id) {
                actions.push(Action::link(
                    t("ins.policy_new"),
                    format!("/insurance/policies/new?vehicle_id={}", vehicle.id),
                ));
                actions
                    .push(Action::link(t("ins.claim_new"), format!("/insurance/claims/new?vehicle_id={}", vehicle.id)));
            }
            actions.extend(super::sanbao_cases::vehicle_actions(&who, &vehicle.id, &vehicle.store_id));
            if who.actor.can(claimdesk_domain::access::Permission::WarrantyWrite, &vehicle.store_id) {
                actions.push(Action::link(t("qr.new"), format!("/quality/reports/new?vehicle_id={}", vehicle.id)));
            }
            actions.push(Action::link(t("action.edit"), format!("/vehicles/{}/edit", vehicle.id)));
            actions
        },
        sections: super::sanbao_cases::vehicle_section(&state, &who, &vehicle.id)
            .await
            .into_iter()
            .chain([
                Section { title: t("vehicle.title"), pairs, ..Section::default() },
                Section {
                    title: t("customer.history"),
                    table: Some(super::repair_orders::order_table(locale, &repair_orders, &zone)),
                    ..Section::default()
                },
                Section {
                    title: t("vehicle.owners"),
                    table: Some(Table {
                        columns: vec![
                            Column::new(t("vehicle.owner")),
                            Column::new(t("vehicle.from_on")),
                            Column::new(t("vehicle.to_on")),
                        ],
                        rows: owner_rows,
                        empty: t("list.empty"),
                    }),
                    form: Some(change_owner),
                    ..Section::default()
                },
                Section {
                    title: t("vehicle.readings"),
                    table: Some(Table {
                        columns: vec![
                            Column::new(t("print.date")),
                            Column::right(t("vehicle.odometer_km")),
                            Column::new(""),
                            Column::new(t("customer.notes")),
                        ],
                        rows: reading_rows,
                        empty: t("list.empty"),
                    }),
                    ..Section::default()
                },
            ])
            .collect(),
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

fn edit_form(locale: Locale, id: &str, value: &dyn Fn(&str) -> String) -> FormView {
    let mut fields: Vec<Field> =
        vehicle_fields(locale, value).into_iter().filter(|f| f.name != "odometer_km").collect();
    fields.push(Field::text("version", "", value("version")).kind("hidden"));
    FormView {
        title: label(locale, "vehicle.edit"),
        action: format!("/vehicles/{id}"),
        groups: vec![FieldGroup { title: String::new(), fields }],
        submit: label(locale, "action.save"),
        cancel_href: Some(format!("/vehicles/{id}")),
        ..FormView::default()
    }
}

pub async fn edit(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let vehicle = match vehicles::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail.vehicle,
        Err(error) => return error_page(who.locale, error),
    };
    let ctx = Ctx::new(&who, "vehicle.edit", "/vehicles");
    form_page(&ctx, &edit_form(who.locale, &id, &value_of(&vehicle)), StatusCode::OK)
}

pub async fn update(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match vehicles::update(&state.app, &who.actor, &id, form.int("version"), vehicle_input(&form, "")).await {
        Ok(vehicle) => see_other(&format!("/vehicles/{}", vehicle.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "vehicle.edit", "/vehicles");
            let value = |name: &str| form.get(name).to_string();
            let mut view = edit_form(who.locale, &id, &value);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn change_owner(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match vehicles::change_owner(&state.app, &who.actor, &id, form.get("customer_id").trim(), form.opt("on").as_deref())
        .await
    {
        Ok(_) => see_other(&format!("/vehicles/{id}"), "form.saved"),
        Err(error) => error_page(who.locale, error),
    }
}
