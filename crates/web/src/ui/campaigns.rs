//! 召回/服务活动 pages: the campaign list, a campaign with its completion and vehicles, the VIN-list import
//! (the customer import's page and error report), each vehicle's contacts and state, the completion report
//! in Excel, and the red banner that flags a vehicle in an open campaign wherever it appears.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::campaigns::import::{self as vin_import, VinImportResult, VinPreview};
use claimdesk_app::campaigns::{
    self, CampaignListQuery, CampaignVehicleView, CampaignView, ContactInput, VehicleAction, VehicleListQuery,
};
use claimdesk_app::repair_orders::{self, RepairOrderListQuery};
use claimdesk_app::{AppError, audit, clock, vehicles};
use claimdesk_domain::access::Permission;
use claimdesk_domain::campaign::{self as rules, CampaignInput, CampaignOp, CampaignPart, Completion};
use claimdesk_domain::import::RowError;
use serde::Deserialize;

use super::import::{ImportView, UploadForm, error_section_at, page as import_page, problem_text};
use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, LineTable, ListView, Row, Section, Table,
};
use super::{Ctx, Flash, detail_page, error_page, form_page, label, list_page, options, pager, see_other, timeline};
use crate::AppState;
use crate::excel;
use crate::extract::{FormData, Posted, UiActor, Uploaded, urlencode};
use crate::messages::{Catalog, Locale};
use crate::uploads::{self, Meta};

// ---------------------------------------------------------------------------------------------------------
// The flag

/// The red banners for the open campaigns of these VINs: "此车有未完成的召回 R2024-017 更换燃油泵（截止 …）".
pub async fn alerts(state: &AppState, who: &UiActor, vins: Vec<String>) -> Vec<(String, String)> {
    let Ok(flags) = campaigns::flags(&state.app, &who.actor, vins).await else { return Vec::new() };
    let catalog = Catalog::get();
    flags
        .into_iter()
        .map(|flag| {
            let kind = label(who.locale, &format!("cp.kind.{}", flag.kind));
            let text = catalog.format(
                who.locale,
                "cp.alert",
                [
                    ("kind", kind.as_str()),
                    ("code", flag.code.as_str()),
                    ("title", flag.title.as_str()),
                    ("ends_on", flag.ends_on.as_str()),
                ],
            );
            (text, format!("/campaign-vehicles/{}", flag.campaign_vehicle_id))
        })
        .collect()
}

/// The banners of a vehicle by its id (repair order pages know the vehicle, not its VIN).
pub async fn alerts_for_vehicle(state: &AppState, who: &UiActor, vehicle_id: &str) -> Vec<(String, String)> {
    match vehicles::get(&state.app, &who.actor, vehicle_id).await {
        Ok(detail) => alerts(state, who, vec![detail.vehicle.vin]).await,
        Err(_) => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Campaigns

fn may_manage(who: &UiActor) -> bool {
    who.actor.has_group_role() && who.actor.can_anywhere(Permission::WarrantySettings)
}

fn any(locale: Locale, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    let mut all = vec![(String::new(), label(locale, "form.choose"))];
    all.extend(options(locale, prefix, values));
    all
}

const STATE_VALUES: [&str; 4] = ["due", "done", "unreachable", "done_elsewhere"];

fn state_tag(locale: Locale, state: &str) -> Cell {
    let class = match state {
        "done" | "done_elsewhere" => "tag-green",
        "unreachable" => "tag-orange",
        _ => "tag-red",
    };
    Cell::tag(label(locale, &format!("cp.state.{state}")), class)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ListParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> CampaignListQuery {
        CampaignListQuery {
            q: self.q.clone(),
            kind: self.kind.clone(),
            state: self.state.clone(),
            page,
            per_page: Some(per_page),
            ..CampaignListQuery::default()
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!("{path}?q={}&kind={}&state={}&page={page}", get(&self.q), get(&self.kind), get(&self.state))
    }
}

fn campaign_table(locale: Locale, items: &[CampaignView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("cp.code")),
            Column::new(t("cp.brand")),
            Column::new(t("cp.kind")),
            Column::new(t("cp.title_field")),
            Column::new(t("cp.starts_on")),
            Column::new(t("cp.ends_on")),
            Column::new(t("cp.status")),
            Column::right(t("cp.vehicles")),
            Column::right(t("cp.state.due")),
            Column::right(t("cp.rate")),
        ],
        rows: items
            .iter()
            .map(|c| Row {
                cells: vec![
                    Cell { href: Some(format!("/campaigns/{}", c.id)), ..Cell::mono(c.code.clone()) },
                    Cell::text(c.brand.clone()),
                    Cell::text(t(&format!("cp.kind.{}", c.kind))),
                    Cell::text(c.title.clone()),
                    Cell::mono(c.starts_on.clone()),
                    Cell::mono(c.ends_on.clone()),
                    Cell::tag(
                        t(&format!("cp.status.{}", c.state)),
                        if c.state == "open" { "tag-blue" } else { "tag-grey" },
                    ),
                    Cell { right: true, ..Cell::text(c.completion.total.to_string()) },
                    Cell { right: true, ..Cell::text((c.completion.due + c.completion.unreachable).to_string()) },
                    Cell { right: true, ..Cell::text(format!("{}%", c.completion_percent)) },
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

/// `GET /campaigns`.
pub async fn list(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let page = match campaigns::list(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "cp.list", "/campaigns").flash(params.flash.as_deref());
    let t = |key: &str| label(locale, key);
    let mut actions = Vec::new();
    if may_manage(&who) {
        actions.push(Action::link(t("cp.new"), "/campaigns/new").primary());
    }
    actions.push(Action::link(t("action.export"), params.link("/campaigns.xlsx", 1)));
    let view = ListView {
        title: t("cp.list"),
        action_path: "/campaigns".into(),
        filters: vec![
            Filter {
                name: "q".into(),
                label: t("cp.search"),
                value: params.q.clone().unwrap_or_default(),
                placeholder: "R2024-".into(),
                ..Filter::default()
            },
            Filter {
                name: "kind".into(),
                label: t("cp.kind"),
                value: params.kind.clone().unwrap_or_default(),
                options: any(locale, "cp.kind", &rules::KINDS),
                ..Filter::default()
            },
            Filter {
                name: "state".into(),
                label: t("cp.status"),
                value: params.state.clone().unwrap_or_default(),
                options: any(locale, "cp.status", &rules::STATES),
                ..Filter::default()
            },
        ],
        actions,
        table: campaign_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/campaigns", n)),
    };
    list_page(&ctx, &view)
}

/// `GET /campaigns.xlsx`.
pub async fn export(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let (app, actor) = (&state.app, &who.actor);
    let fetch = |page| {
        let query = params.query(Some(page), 200);
        async move { campaigns::list(app, actor, query).await }
    };
    excel::export_all(&label(locale, "cp.list"), "campaigns.xlsx", fetch, |items| campaign_table(locale, items))
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

/// Empty rows the form offers for operations and parts.
const FORM_LINES: usize = 3;

fn campaign_form(locale: Locale, form: &FormData, action: &str, title: String, editing: bool) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let mut code = Field::text("code", t("cp.code"), value("code")).code().required();
    let mut brand = Field::text("brand", t("cp.brand"), value("brand")).required();
    if editing {
        code = code.hint(t("cp.fixed"));
        brand = brand.hint(t("cp.fixed"));
    }
    let op_rows = (0..FORM_LINES.max(count(form, "labor_ops")))
        .map(|i| {
            vec![
                Field::text(&format!("labor_ops[{i}].code"), "", value(&format!("labor_ops[{i}].code"))).code(),
                Field::text(&format!("labor_ops[{i}].description"), "", value(&format!("labor_ops[{i}].description"))),
                Field::text(&format!("labor_ops[{i}].hours"), "", value(&format!("labor_ops[{i}].hours"))),
            ]
        })
        .collect();
    let part_rows = (0..FORM_LINES.max(count(form, "parts")))
        .map(|i| {
            vec![
                Field::text(&format!("parts[{i}].part_no"), "", value(&format!("parts[{i}].part_no"))).code(),
                Field::text(&format!("parts[{i}].name"), "", value(&format!("parts[{i}].name"))),
                Field::text(&format!("parts[{i}].quantity"), "", value(&format!("parts[{i}].quantity"))),
            ]
        })
        .collect();
    FormView {
        title,
        action: action.into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                code,
                brand,
                Field::text("kind", t("cp.kind"), value("kind"))
                    .options(options(locale, "cp.kind", &rules::KINDS))
                    .required(),
                Field::text("title", t("cp.title_field"), value("title")).required().wide(),
                Field::text("description", t("cp.description"), value("description")).kind("textarea").wide(),
                Field::text("failure_code", t("cp.failure_code"), value("failure_code"))
                    .code()
                    .hint(t("cp.failure_code_hint")),
                Field::text("starts_on", t("cp.starts_on"), value("starts_on")).kind("date").required(),
                Field::text("ends_on", t("cp.ends_on"), value("ends_on")).kind("date").required(),
            ],
        }],
        lines: vec![
            LineTable {
                title: t("cp.labor_ops"),
                columns: vec![t("cp.op_code"), t("cp.op_description"), t("cp.op_hours")],
                rows: op_rows,
            },
            LineTable {
                title: t("cp.parts"),
                columns: vec![t("cp.part_no"), t("cp.part_name"), t("cp.quantity")],
                rows: part_rows,
            },
        ],
        submit: t("action.save"),
        cancel_href: Some("/campaigns".into()),
        ..FormView::default()
    }
}

/// How many indexed rows a form posted under `prefix` (`labor_ops[4].code` → 5).
fn count(form: &FormData, prefix: &str) -> usize {
    form.0
        .iter()
        .filter_map(|(name, _)| name.strip_prefix(prefix)?.strip_prefix('[')?.split(']').next()?.parse::<usize>().ok())
        .map(|index| index + 1)
        .max()
        .unwrap_or(0)
}

fn input_of(form: &FormData) -> CampaignInput {
    let n = |prefix: &str| count(form, prefix);
    CampaignInput {
        code: form.get("code").into(),
        brand: form.get("brand").into(),
        kind: form.get("kind").into(),
        title: form.get("title").into(),
        description: form.get("description").into(),
        failure_code: form.get("failure_code").into(),
        starts_on: form.get("starts_on").into(),
        ends_on: form.get("ends_on").into(),
        labor_ops: (0..n("labor_ops"))
            .map(|i| CampaignOp {
                code: form.get(&format!("labor_ops[{i}].code")).into(),
                description: form.get(&format!("labor_ops[{i}].description")).into(),
                hours: form.get(&format!("labor_ops[{i}].hours")).into(),
            })
            .collect(),
        parts: (0..n("parts"))
            .map(|i| CampaignPart {
                part_no: form.get(&format!("parts[{i}].part_no")).into(),
                name: form.get(&format!("parts[{i}].name")).into(),
                quantity: form.get(&format!("parts[{i}].quantity")).into(),
            })
            .collect(),
    }
}

fn form_data_of(campaign: &CampaignView) -> FormData {
    let mut data = vec![
        ("code".to_string(), campaign.code.clone()),
        ("brand".into(), campaign.brand.clone()),
        ("kind".into(), campaign.kind.clone()),
        ("title".into(), campaign.title.clone()),
        ("description".into(), campaign.description.clone()),
        ("failure_code".into(), campaign.failure_code.clone()),
        ("starts_on".into(), campaign.starts_on.clone()),
        ("ends_on".into(), campaign.ends_on.clone()),
        ("version".into(), campaign.version.to_string()),
    ];
    for (i, op) in campaign.labor_ops.iter().enumerate() {
        data.push((format!("labor_ops[{i}].code"), op.code.clone()));
        data.push((format!("labor_ops[{i}].description"), op.description.clone()));
        data.push((format!("labor_ops[{i}].hours"), op.hours.clone()));
    }
    for (i, part) in campaign.parts.iter().enumerate() {
        data.push((format!("parts[{i}].part_no"), part.part_no.clone()));
        data.push((format!("parts[{i}].name"), part.name.clone()));
        data.push((format!("parts[{i}].quantity"), part.quantity.clone()));
    }
    FormData(data)
}

fn invalid_or_error(who: &UiActor, error: AppError, ctx: Ctx, mut form: FormView) -> Response {
    match error {
        AppError::Invalid(violations) => {
            form.apply_errors(&violations, who.locale);
            form_page(&ctx, &form, StatusCode::UNPROCESSABLE_ENTITY)
        }
        other => error_page(who.locale, other),
    }
}

/// `GET /campaigns/new`.
pub async fn new(who: UiActor) -> Response {
    if !may_manage(&who) {
        return error_page(who.locale, AppError::Forbidden);
    }
    let ctx = Ctx::new(&who, "cp.new", "/campaigns");
    let form = FormData(vec![("kind".into(), "public_recall".into())]);
    form_page(&ctx, &campaign_form(who.locale, &form, "/campaigns", label(who.locale, "cp.new"), false), StatusCode::OK)
}

/// `POST /campaigns`.
pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match campaigns::create(&state.app, &who.actor, input_of(&form)).await {
        Ok(campaign) => see_other(&format!("/campaigns/{}/import", campaign.id), "cp.created"),
        Err(error) => {
            let ctx = Ctx::new(&who, "cp.new", "/campaigns");
            let view = campaign_form(who.locale, &form, "/campaigns", label(who.locale, "cp.new"), false);
            invalid_or_error(&who, error, ctx, view)
        }
    }
}

/// `GET /campaigns/{id}/edit`.
pub async fn edit(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    if !may_manage(&who) {
        return error_page(who.locale, AppError::Forbidden);
    }
    let campaign = match campaigns::get(&state.app, &who.actor, &id).await {
        Ok(campaign) => campaign,
        Err(error) => return error_page(who.locale, error),
    };
    let ctx = Ctx::new(&who, "cp.edit", "/campaigns");
    let action = format!("/campaigns/{id}");
    let mut view = campaign_form(who.locale, &form_data_of(&campaign), &action, label(who.locale, "cp.edit"), true);
    view.groups[0].fields.push(Field::text("version", "", campaign.version.to_string()).kind("hidden"));
    form_page(&ctx, &view, StatusCode::OK)
}

/// `POST /campaigns/{id}`.
pub async fn update(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match campaigns::update(&state.app, &who.actor, &id, input_of(&form), form.int("version")).await {
        Ok(campaign) => see_other(&format!("/campaigns/{}", campaign.id), "form.saved"),
        Err(error) => {
            let ctx = Ctx::new(&who, "cp.edit", "/campaigns");
            let action = format!("/campaigns/{id}");
            let view = campaign_form(who.locale, &form, &action, label(who.locale, "cp.edit"), true);
            invalid_or_error(&who, error, ctx, view)
        }
    }
}

fn completion_pairs(locale: Locale, completion: &Completion, percent: &str) -> Vec<(String, String)> {
    let t = |key: &str| label(locale, key);
    vec![
        (t("cp.vehicles"), completion.total.to_string()),
        (t("cp.state.due"), completion.due.to_string()),
        (t("cp.state.done"), completion.done.to_string()),
        (t("cp.state.done_elsewhere"), completion.done_elsewhere.to_string()),
        (t("cp.state.unreachable"), completion.unreachable.to_string()),
        (t("cp.rate"), format!("{percent}%")),
    ]
}

fn vehicle_table(locale: Locale, items: &[CampaignVehicleView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("cp.vin")),
            Column::new(t("cp.store")),
            Column::new(t("cp.vehicle_state")),
            Column::new(t("cp.done_on")),
            Column::right(t("cp.contacts")),
            Column::new(t("cp.note")),
        ],
        rows: items
            .iter()
            .map(|v| Row {
                cells: vec![
                    Cell { href: Some(format!("/campaign-vehicles/{}", v.id)), ..Cell::mono(v.vin.clone()) },
                    Cell::text(if v.store_code.is_empty() { t("cp.no_store") } else { v.store_code.clone() }),
                    state_tag(locale, &v.state),
                    Cell::mono(v.done_on.clone().unwrap_or_default()),
                    Cell { right: true, ..Cell::text(v.contact_attempts.to_string()) },
                    Cell::text(v.note.clone()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    vin: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

/// `GET /campaigns/{id}`: the campaign, its completion per store, and its vehicles (filtered by state).
pub async fn show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Response {
    let locale = who.locale;
    let report = match campaigns::report(&state.app, &who.actor, &id).await {
        Ok(report) => report,
        Err(error) => return error_page(locale, error),
    };
    let query = VehicleListQuery {
        state: params.state.clone(),
        vin: params.vin.clone(),
        page: params.page,
        per_page: Some(50),
        ..VehicleListQuery::default()
    };
    let vehicles = match campaigns::vehicles(&state.app, &who.actor, &id, query).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let campaign = &report.campaign;
    let t = |key: &str| label(locale, key);
    let history = audit::history(&state.app, "campaign", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let ops = campaign
        .labor_ops
        .iter()
        .map(|op| format!("{} {} {}h", op.code, op.description, op.hours))
        .collect::<Vec<_>>()
        .join("；");
    let parts = campaign
        .parts
        .iter()
        .map(|p| format!("{} {} ×{}", p.part_no, p.name, p.quantity))
        .collect::<Vec<_>>()
        .join("；");
    let store_rows = report
        .stores
        .iter()
        .map(|s| Row {
            cells: vec![
                Cell::text(if s.store_code.is_empty() { t("cp.no_store") } else { s.store_code.clone() }),
                Cell { right: true, ..Cell::text(s.completion.total.to_string()) },
                Cell { right: true, ..Cell::text(s.completion.due.to_string()) },
                Cell { right: true, ..Cell::text(s.completion.done.to_string()) },
                Cell { right: true, ..Cell::text(s.completion.done_elsewhere.to_string()) },
                Cell { right: true, ..Cell::text(s.completion.unreachable.to_string()) },
                Cell { right: true, ..Cell::text(format!("{}%", s.completion_percent)) },
            ],
            alert: false,
        })
        .collect();
    let link = |state_filter: &str, page: i64| {
        format!(
            "/campaigns/{id}?state={}&vin={}&page={page}",
            urlencode(state_filter),
            urlencode(params.vin.as_deref().unwrap_or(""))
        )
    };
    let current = params.state.clone().unwrap_or_default();
    let mut filter_actions: Vec<Action> = std::iter::once("")
        .chain(STATE_VALUES)
        .map(|value| {
            let text = if value.is_empty() { t("cp.all") } else { t(&format!("cp.state.{value}")) };
            let action = Action::link(text, link(value, 1));
            if value == current { action.primary() } else { action }
        })
        .collect();
    filter_actions.push(Action::link(t("action.export"), format!("/campaigns/{id}/report.xlsx")));
    let pager = pager(locale, &vehicles, |n| link(&current, n));
    let mut vehicle_section = Section {
        title: format!("{} · {}", t("cp.vehicle_list"), pager.summary),
        table: Some(vehicle_table(locale, &vehicles.items)),
        actions: filter_actions,
        ..Section::default()
    };
    if let Some(prev) = pager.prev {
        vehicle_section.actions.push(Action::link(t("list.prev"), prev));
    }
    if let Some(next) = pager.next {
        vehicle_section.actions.push(Action::link(t("list.next"), next));
    }
    let mut actions = vec![Action::link(t("cp.report"), format!("/campaigns/{id}/report.xlsx")).primary()];
    if may_manage(&who) {
        actions.push(Action::link(t("cp.import"), format!("/campaigns/{id}/import")));
        actions.push(Action::link(t("action.edit"), format!("/campaigns/{id}/edit")));
        let (label_key, action) =
            if campaign.state == "open" { ("cp.close", "close") } else { ("cp.reopen", "reopen") };
        actions.push(
            Action::post(t(label_key), format!("/campaigns/{id}/do/{action}"))
                .confirm(t(&format!("{label_key}_confirm"))),
        );
    }
    let zone = who.actor.home_time_zone().to_string();
    let ctx = Ctx::new(&who, "cp.title", "/campaigns").titled(campaign.code.clone()).flash(params.flash.as_deref());
    let view = DetailView {
        title: format!("{} {}", campaign.code, campaign.title),
        subtitle: format!(
            "{} · {} · {} – {}",
            campaign.brand,
            t(&format!("cp.kind.{}", campaign.kind)),
            campaign.starts_on,
            campaign.ends_on
        ),
        state: Some((
            t(&format!("cp.status.{}", campaign.state)),
            if campaign.state == "open" { "tag-blue".into() } else { "tag-grey".into() },
        )),
        actions,
        sections: vec![
            Section {
                title: t("cp.title"),
                pairs: vec![
                    (t("cp.description"), campaign.description.clone()),
                    (t("cp.failure_code"), campaign.failure_code.clone()),
                    (t("cp.labor_ops"), ops),
                    (t("cp.parts"), parts),
                    (t("cp.listed"), campaign.vehicle_count.to_string()),
                ],
                ..Section::default()
            },
            Section {
                title: t("cp.completion"),
                pairs: completion_pairs(locale, &campaign.completion, &campaign.completion_percent),
                table: Some(Table {
                    columns: vec![
                        Column::new(t("cp.store")),
                        Column::right(t("cp.vehicles")),
                        Column::right(t("cp.state.due")),
                        Column::right(t("cp.state.done")),
                        Column::right(t("cp.state.done_elsewhere")),
                        Column::right(t("cp.state.unreachable")),
                        Column::right(t("cp.rate")),
                    ],
                    rows: store_rows,
                    empty: t("list.empty"),
                }),
                ..Section::default()
            },
            vehicle_section,
        ],
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

/// `POST /campaigns/{id}/do/{action}`: close or reopen.
pub async fn action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    match campaigns::set_state(&state.app, &posted.who.actor, &id, &action).await {
        Ok(_) => see_other(&format!("/campaigns/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

/// `GET /campaigns/{id}/report.xlsx`: the completion report the manufacturer asks for, a row per vehicle.
pub async fn report_xlsx(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let report = match campaigns::report(&state.app, &who.actor, &id).await {
        Ok(report) => report,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let columns: Vec<String> = [
        "cp.code",
        "cp.vin",
        "cp.store",
        "cp.vehicle_state",
        "cp.done_on",
        "cp.repair_order",
        "cp.claim",
        "cp.contacts",
        "cp.note",
    ]
    .iter()
    .map(|key| t(key))
    .collect();
    let rows: Vec<Vec<String>> = report
        .vehicles
        .iter()
        .map(|line| {
            vec![
                report.campaign.code.clone(),
                line.vin.clone(),
                line.store_code.clone(),
                t(&format!("cp.state.{}", line.state)),
                line.done_on.clone().unwrap_or_default(),
                line.repair_order.clone().unwrap_or_default(),
                line.claim.clone().unwrap_or_default(),
                line.contact_attempts.to_string(),
                line.note.clone(),
            ]
        })
        .collect();
    excel::download(&t("cp.report"), &columns, &rows, &format!("campaign-{}-report.xlsx", report.campaign.code))
}

// ---------------------------------------------------------------------------------------------------------
// The VIN-list import

fn import_view(locale: Locale, campaign: &CampaignView) -> ImportView {
    ImportView {
        title: format!("{} · {} {}", label(locale, "cp.import"), campaign.code, campaign.title),
        actions: vec![Action::link(label(locale, "cp.back"), format!("/campaigns/{}", campaign.id))],
        ..ImportView::default()
    }
}

fn upload_form(locale: Locale, campaign_id: &str) -> UploadForm {
    UploadForm {
        action: format!("/campaigns/{campaign_id}/import"),
        cancel: format!("/campaigns/{campaign_id}"),
        title: label(locale, "cp.import"),
        label: label(locale, "import.file"),
        hint: label(locale, "cp.import_hint"),
        submit: label(locale, "import.preview_submit"),
    }
}

async fn campaign_for_import(state: &AppState, who: &UiActor, id: &str) -> Result<CampaignView, Response> {
    if !may_manage(who) {
        return Err(error_page(who.locale, AppError::Forbidden));
    }
    campaigns::get(&state.app, &who.actor, id).await.map_err(|error| error_page(who.locale, error))
}

/// `GET /campaigns/{id}/import`.
pub async fn import_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let campaign = match campaign_for_import(&state, &who, &id).await {
        Ok(campaign) => campaign,
        Err(response) => return response,
    };
    let ctx = Ctx::new(&who, "cp.import", "/campaigns").flash(flash.flash.as_deref());
    let view = ImportView { upload: Some(upload_form(who.locale, &id)), ..import_view(who.locale, &campaign) };
    import_page(&ctx, &view, StatusCode::OK)
}

fn errors_href(id: &str, token: &str) -> String {
    format!("/campaigns/{id}/import/{token}/errors.xlsx")
}

fn error_table(locale: Locale, id: &str, token: &str, errors: &[RowError]) -> Section {
    error_section_at(locale, &errors_href(id, token), errors)
}

/// `POST /campaigns/{id}/import`: keeps the file and shows what it would add.
pub async fn import_upload(State(state): State<AppState>, Path(id): Path<String>, uploaded: Uploaded) -> Response {
    let Uploaded { who, file, .. } = uploaded;
    let locale = who.locale;
    let campaign = match campaign_for_import(&state, &who, &id).await {
        Ok(campaign) => campaign,
        Err(response) => return response,
    };
    let mut ctx = Ctx::new(&who, "cp.import", "/campaigns");
    let Some((file_name, bytes)) = file else {
        let view = ImportView {
            problem: Some(label(locale, "import.no_file")),
            upload: Some(upload_form(locale, &id)),
            ..import_view(locale, &campaign)
        };
        return import_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let preview: VinPreview = match vin_import::preview(&state.app, &who.actor, &id, bytes.clone()).await {
        Ok(preview) => preview,
        Err(error) => return error_page(locale, error),
    };
    let meta = Meta {
        user_id: who.actor.user_id.clone(),
        store_id: who.actor.current_store.clone().unwrap_or_default(),
        file_name,
    };
    let token = match uploads::save(&meta, &bytes).await {
        Ok(token) => token,
        Err(error) => return error_page(locale, AppError::Internal(error.into())),
    };
    let catalog = Catalog::get();
    let mut view = import_view(locale, &campaign);
    view.subtitle = meta.file_name.clone();
    view.actions.push(Action::link(label(locale, "import.again"), format!("/campaigns/{id}/import")));
    let mut summary = Section {
        title: label(locale, "import.summary"),
        pairs: vec![
            (label(locale, "import.file_name"), meta.file_name.clone()),
            (label(locale, "import.rows"), preview.rows.to_string()),
            (label(locale, "import.valid"), preview.valid.to_string()),
            (label(locale, "import.error_count"), preview.errors.len().to_string()),
            (label(locale, "cp.known"), preview.known.to_string()),
        ],
        ..Section::default()
    };
    if preview.is_importable() {
        let count = preview.valid.to_string();
        summary.actions.push(
            Action::post(label(locale, "import.run"), format!("/campaigns/{id}/import/{token}"))
                .primary()
                .confirm(catalog.format(locale, "cp.import_confirm", [("count", count.as_str())])),
        );
        ctx.flash = Some(label(locale, "import.ready"));
    } else {
        summary.actions.push(Action::link(label(locale, "import.download_errors"), errors_href(&id, &token)).primary());
        view.problem = Some(problem_text(locale, &preview.errors));
    }
    view.sections.push(summary);
    if !preview.errors.is_empty() {
        view.sections.push(error_table(locale, &id, &token, &preview.errors));
    }
    let mut columns = vec![Column::new(label(locale, "import.row"))];
    columns.extend(preview.columns.iter().map(|header| Column::new(*header)));
    let rows = preview
        .sample
        .iter()
        .map(|sample| {
            let mut cells = vec![Cell::mono(sample.row.to_string())];
            cells.extend(sample.values.iter().map(|value| Cell::mono(value.clone())));
            Row { cells, alert: preview.errors.iter().any(|error| error.row == sample.row) }
        })
        .collect();
    let count = preview.sample.len().to_string();
    view.sections.push(Section {
        title: catalog.format(locale, "import.sample", [("count", count.as_str())]),
        table: Some(Table { columns, rows, empty: label(locale, "list.empty") }),
        ..Section::default()
    });
    import_page(&ctx, &view, StatusCode::OK)
}

/// `POST /campaigns/{id}/import/{token}`: adds the kept file's VINs, all or nothing.
pub async fn import_run(
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let who = posted.who;
    let locale = who.locale;
    let campaign = match campaign_for_import(&state, &who, &id).await {
        Ok(campaign) => campaign,
        Err(response) => return response,
    };
    let Some((meta, bytes)) = uploads::load(&token, &who.actor.user_id).await else {
        return see_other(&format!("/campaigns/{id}/import"), "import.expired");
    };
    let result = match vin_import::import(&state.app, &who.actor, &id, bytes).await {
        Ok(result) => result,
        Err(error) => return error_page(locale, error),
    };
    match result {
        VinImportResult::Imported { .. } => {
            uploads::remove(&token).await;
            see_other(&format!("/campaigns/{id}"), "cp.imported")
        }
        VinImportResult::Rejected { errors, .. } => {
            let ctx = Ctx::new(&who, "cp.import", "/campaigns");
            let mut view = import_view(locale, &campaign);
            view.subtitle = meta.file_name;
            let count = errors.len().to_string();
            view.problem = Some(format!(
                "{} {}",
                Catalog::get().format(locale, "import_rejected", [("count", count.as_str())]),
                problem_text(locale, &errors)
            ));
            view.sections.push(error_table(locale, &id, &token, &errors));
            import_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `GET /campaigns/{id}/import/{token}/errors.xlsx`.
pub async fn import_errors(
    State(state): State<AppState>,
    who: UiActor,
    Path((id, token)): Path<(String, String)>,
) -> Response {
    let Some((_, bytes)) = uploads::load(&token, &who.actor.user_id).await else {
        return see_other(&format!("/campaigns/{id}/import"), "import.expired");
    };
    match vin_import::preview(&state.app, &who.actor, &id, bytes).await {
        Ok(preview) => match excel::error_report(&preview.errors) {
            Ok(bytes) => excel::xlsx_response(bytes, "campaign-import-errors.xlsx"),
            Err(error) => error_page(who.locale, AppError::Internal(error.into())),
        },
        Err(error) => error_page(who.locale, error),
    }
}

// ---------------------------------------------------------------------------------------------------------
// A campaign vehicle

/// `GET /campaign-vehicles/{id}`: the vehicle's campaign, state and contacts, and what can be done next.
pub async fn vehicle(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let detail = match campaigns::vehicle(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let v = &detail.vehicle;
    let c = &detail.campaign;
    let zone = v.store_id.as_deref().map(|s| who.actor.time_zone(s)).unwrap_or("Asia/Shanghai").to_string();
    let history =
        audit::history(&state.app, "campaign_vehicle", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let mut pairs = vec![
        (t("cp.vin"), v.vin.clone()),
        (t("cp.store"), if v.store_code.is_empty() { t("cp.no_store") } else { v.store_code.clone() }),
        (t("cp.done_on"), v.done_on.clone().unwrap_or_default()),
        (t("cp.contacts"), v.contact_attempts.to_string()),
        (t("cp.note"), v.note.clone()),
    ];
    let mut links = Vec::new();
    if let Some(vehicle_id) = &v.vehicle_id {
        links.push(Action::link(t("cp.open_vehicle"), format!("/vehicles/{vehicle_id}")));
    }
    if let Some(order) = &v.repair_order_id {
        links.push(Action::link(t("cp.repair_order"), format!("/repair-orders/{order}")));
    }
    if let Some(claim) = &v.claim_id {
        links.push(Action::link(t("cp.claim"), format!("/warranty-claims/{claim}")));
        pairs.push((t("cp.claim"), claim.clone()));
    }
    let contact_rows = detail
        .contacts
        .iter()
        .map(|contact| Row {
            cells: vec![
                Cell::mono(clock::display_local(contact.contacted_at, &zone)),
                Cell::text(t(&format!("cp.channel.{}", contact.channel))),
                Cell::text(t(&format!("cp.outcome.{}", contact.outcome))),
                Cell::text(contact.note.clone()),
            ],
            alert: false,
        })
        .collect();
    let mut sections = vec![
        Section { title: t("cp.vehicle"), pairs, actions: links, ..Section::default() },
        Section {
            title: format!("{} {}", c.code, c.title),
            pairs: vec![
                (t("cp.kind"), t(&format!("cp.kind.{}", c.kind))),
                (t("cp.ends_on"), c.ends_on.clone()),
                (t("cp.description"), c.description.clone()),
            ],
            actions: vec![Action::link(t("cp.back"), format!("/campaigns/{}", c.id))],
            ..Section::default()
        },
        Section {
            title: t("cp.contact_log"),
            table: Some(Table {
                columns: vec![
                    Column::new(t("cp.contacted_at")),
                    Column::new(t("cp.channel")),
                    Column::new(t("cp.outcome")),
                    Column::new(t("cp.note")),
                ],
                rows: contact_rows,
                empty: t("list.empty"),
            }),
            ..Section::default()
        },
    ];
    let writable = c.state == "open"
        && (v.store_id.as_deref().is_some_and(|s| who.actor.can(Permission::WarrantyWrite, s))
            || (v.store_id.is_none() && who.actor.can_anywhere(Permission::WarrantyWrite)));
    let open = rules::VehicleState::parse(&v.state).is_some_and(rules::VehicleState::is_open);
    let mut actions = Vec::new();
    if writable && open {
        sections.push(Section {
            title: t("cp.record_contact"),
            form: Some(FormView {
                action: format!("/campaign-vehicles/{id}/contact"),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![
                        Field::text("channel", t("cp.channel"), "phone").options(options(
                            locale,
                            "cp.channel",
                            &rules::CHANNELS,
                        )),
                        Field::text("outcome", t("cp.outcome"), "no_answer").options(options(
                            locale,
                            "cp.outcome",
                            &rules::OUTCOMES,
                        )),
                        Field::text("note", t("cp.note"), ""),
                    ],
                }],
                submit: t("cp.record_contact"),
                ..FormView::default()
            }),
            ..Section::default()
        });
        let orders = match &v.vehicle_id {
            Some(vehicle_id) => repair_orders::list(
                &state.app,
                &who.actor,
                RepairOrderListQuery { vehicle_id: Some(vehicle_id.clone()), per_page: Some(20), ..Default::default() },
            )
            .await
            .map(|page| page.items)
            .unwrap_or_default(),
            None => Vec::new(),
        };
        if !orders.is_empty() {
            let choices = orders.iter().map(|o| (o.id.clone(), format!("{} {}", o.number, o.complaint))).collect();
            sections.push(Section {
                title: t("cp.action.done"),
                form: Some(FormView {
                    action: format!("/campaign-vehicles/{id}/do/done"),
                    groups: vec![FieldGroup {
                        title: String::new(),
                        fields: vec![
                            Field::text("repair_order_id", t("cp.repair_order"), "").options(choices).required(),
                        ],
                    }],
                    submit: t("cp.action.done"),
                    ..FormView::default()
                }),
                ..Section::default()
            });
        }
        sections.push(Section {
            title: t("cp.action.done_elsewhere"),
            form: Some(FormView {
                action: format!("/campaign-vehicles/{id}/do/done_elsewhere"),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![
                        Field::text("done_on", t("cp.done_on"), "").kind("date"),
                        Field::text("note", t("cp.note"), "").hint(t("cp.elsewhere_hint")),
                    ],
                }],
                submit: t("cp.action.done_elsewhere"),
                ..FormView::default()
            }),
            ..Section::default()
        });
        if v.state == "due" {
            actions.push(
                Action::post(t("cp.action.unreachable"), format!("/campaign-vehicles/{id}/do/unreachable"))
                    .confirm(t("cp.unreachable_confirm")),
            );
        }
    }
    if writable && !open {
        actions.push(
            Action::post(t("cp.action.reopen"), format!("/campaign-vehicles/{id}/do/reopen"))
                .confirm(t("cp.reopen_vehicle_confirm")),
        );
    }
    if writable && v.state == "done" && v.claim_id.is_none() {
        actions.insert(0, Action::post(t("cp.action.claim"), format!("/campaign-vehicles/{id}/claim")).primary());
    }
    let ctx = Ctx::new(&who, "cp.vehicle", "/campaigns").titled(v.vin.clone()).flash(flash.flash.as_deref());
    let view = DetailView {
        title: format!("{} · {}", v.vin, c.code),
        subtitle: c.title.clone(),
        state: Some((t(&format!("cp.state.{}", v.state)), state_tag(locale, &v.state).tag.unwrap_or_default())),
        actions,
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

fn back_to_vehicle(who: &UiActor, id: &str, result: Result<(), AppError>, flash: &str) -> Response {
    match result {
        Ok(()) => see_other(&format!("/campaign-vehicles/{id}"), flash),
        Err(AppError::Invalid(violations)) => {
            let catalog = Catalog::get();
            let message = violations.iter().map(|v| catalog.violation(who.locale, v)).collect::<Vec<_>>().join("；");
            let ctx = Ctx::new(who, "cp.vehicle", "/campaigns");
            let form = FormView {
                title: label(who.locale, "cp.vehicle"),
                other_errors: vec![message],
                error_summary: Some(label(who.locale, "form.errors")),
                cancel_href: Some(format!("/campaign-vehicles/{id}")),
                ..FormView::default()
            };
            form_page(&ctx, &form, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => error_page(who.locale, other),
    }
}

/// `POST /campaign-vehicles/{id}/contact`.
pub async fn contact(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = ContactInput {
        channel: form.get("channel").into(),
        outcome: form.get("outcome").into(),
        note: form.get("note").into(),
    };
    let result = campaigns::contact(&state.app, &who.actor, &id, input).await.map(|_| ());
    back_to_vehicle(&who, &id, result, "form.saved")
}

/// `POST /campaign-vehicles/{id}/do/{action}`.
pub async fn vehicle_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { who, form } = posted;
    let input = VehicleAction {
        repair_order_id: form.opt("repair_order_id"),
        done_on: form.opt("done_on"),
        note: form.get("note").into(),
        version: None,
    };
    let result = campaigns::act(&state.app, &who.actor, &id, &action, input).await.map(|_| ());
    back_to_vehicle(&who, &id, result, "form.saved")
}

/// `POST /campaign-vehicles/{id}/claim`: opens the campaign claim and shows it.
pub async fn claim(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let who = posted.who;
    match campaigns::claim(&state.app, &who.actor, &id).await {
        Ok(claim) => see_other(&format!("/warranty-claims/{}", claim.id), "cp.claimed"),
        Err(error) => back_to_vehicle(&who, &id, Err(error), "form.saved"),
    }
}
