//! 质量信息反馈 and 技术通报 pages: quality reports (list, form, page, sending), the repeated-failure
//! proposals with the store's threshold, and the bulletins with their readers and read confirmation.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::attachments::Owner;
use claimdesk_app::quality::{
    self, AdoptInput, BulletinInput, BulletinListQuery, BulletinView, ReportListQuery, ReportView, SendInput,
};
use claimdesk_app::{AppError, audit, vehicles};
use claimdesk_domain::access::Permission;
use claimdesk_domain::attachment::OwnerKind;
use claimdesk_domain::quality::{DEPARTMENTS, FREQUENCIES, ReportInput};
use serde::Deserialize;

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, ListView, Row, Section, Table,
};
use super::{Ctx, Flash, detail_page, error_page, form_page, label, list_page, options, pager, see_other, timeline};
use crate::AppState;
use crate::excel;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::Locale;

fn departments_text(locale: Locale, departments: &[String]) -> String {
    departments.iter().map(|d| label(locale, &format!("qr.dept.{d}"))).collect::<Vec<_>>().join("、")
}

fn department_fields(locale: Locale, form: &FormData) -> Vec<Field> {
    DEPARTMENTS
        .iter()
        .map(|d| {
            Field::text(&format!("dept.{d}"), label(locale, &format!("qr.dept.{d}")), form.get(&format!("dept.{d}")))
                .kind("checkbox")
        })
        .collect()
}

fn departments_of(form: &FormData) -> Vec<String> {
    DEPARTMENTS.iter().filter(|d| form.get(&format!("dept.{d}")) == "1").map(|d| d.to_string()).collect()
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

// ---------------------------------------------------------------------------------------------------------
// Quality reports

#[derive(Debug, Default, Deserialize)]
pub struct ReportParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ReportParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> ReportListQuery {
        ReportListQuery {
            state: self.state.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            page,
            per_page: Some(per_page),
            ..ReportListQuery::default()
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!("{path}?state={}&from={}&to={}&page={page}", get(&self.state), get(&self.from), get(&self.to))
    }
}

fn report_table(locale: Locale, items: &[ReportView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("qr.number")),
            Column::new(t("qr.created_on")),
            Column::new(t("qr.vin")),
            Column::new(t("qr.model")),
            Column::new(t("qr.part")),
            Column::new(t("qr.failure_code")),
            Column::new(t("qr.symptom")),
            Column::new(t("qr.frequency")),
            Column::right(t("qr.affected")),
            Column::new(t("qr.state")),
        ],
        rows: items
            .iter()
            .map(|r| Row {
                cells: vec![
                    Cell { href: Some(format!("/quality/reports/{}", r.id)), ..Cell::mono(r.number.clone()) },
                    Cell::mono(r.created_at.get(..10).unwrap_or_default().to_string()),
                    Cell::mono(r.vin.clone()),
                    Cell::text(r.model.clone()),
                    Cell::text(format!("{} {}", r.part_no, r.part_name).trim().to_string()),
                    Cell::mono(r.failure_code.clone()),
                    Cell::text(r.symptom.clone()),
                    Cell::text(t(&format!("qr.frequency.{}", r.frequency))),
                    Cell { right: true, ..Cell::text(r.affected.to_string()) },
                    Cell::tag(
                        t(&format!("qr.state.{}", r.state)),
                        if r.state == "sent" { "tag-green" } else { "tag-blue" },
                    ),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

/// `GET /quality/reports`.
pub async fn reports(State(state): State<AppState>, who: UiActor, Query(params): Query<ReportParams>) -> Response {
    let locale = who.locale;
    let page = match quality::list(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "qr.list", "/quality/reports").flash(params.flash.as_deref());
    let mut states = vec![(String::new(), t("form.choose"))];
    states.extend(options(locale, "qr.state", &quality::STATES));
    let view = ListView {
        title: t("qr.list"),
        action_path: "/quality/reports".into(),
        filters: vec![
            Filter {
                name: "state".into(),
                label: t("qr.state"),
                value: params.state.clone().unwrap_or_default(),
                options: states,
                ..Filter::default()
            },
            Filter {
                name: "from".into(),
                label: t("qr.from"),
                value: params.from.clone().unwrap_or_default(),
                placeholder: "YYYY-MM-DD".into(),
                ..Filter::default()
            },
            Filter {
                name: "to".into(),
                label: t("qr.to"),
                value: params.to.clone().unwrap_or_default(),
                placeholder: "YYYY-MM-DD".into(),
                ..Filter::default()
            },
        ],
        actions: vec![
            Action::link(t("qr.new"), "/quality/reports/new").primary(),
            Action::link(t("qr.proposals"), "/quality/proposals"),
            Action::link(t("action.export"), params.link("/quality/reports.xlsx", 1)),
        ],
        table: report_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/quality/reports", n)),
    };
    list_page(&ctx, &view)
}

/// `GET /quality/reports.xlsx`.
pub async fn reports_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<ReportParams>,
) -> Response {
    let locale = who.locale;
    let (app, actor) = (&state.app, &who.actor);
    let fetch = |page| {
        let query = params.query(Some(page), 200);
        async move { quality::list(app, actor, query).await }
    };
    excel::export_all(&label(locale, "qr.list"), "quality-reports.xlsx", fetch, |items| report_table(locale, items))
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

fn report_form(locale: Locale, form: &FormData, vehicle: &str) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let mut fields = vec![
        Field::text("vehicle_id", t("qr.vehicle"), value("vehicle_id")).kind("hidden"),
        Field::text("repair_order_id", "", value("repair_order_id")).kind("hidden"),
        Field::text("claim_id", "", value("claim_id")).kind("hidden"),
        Field::text("part_no", t("qr.part_no"), value("part_no")).code(),
        Field::text("part_name", t("qr.part_name"), value("part_name")),
        Field::text("failure_code", t("qr.failure_code"), value("failure_code")).code(),
        Field::text("symptom", t("qr.symptom"), value("symptom")).kind("textarea").wide().required(),
        Field::text("frequency", t("qr.frequency"), value("frequency"))
            .options(options(locale, "qr.frequency", &FREQUENCIES))
            .required(),
        Field::text("affected", t("qr.affected"), value("affected")).kind("number"),
    ];
    fields.extend(department_fields(locale, form));
    FormView {
        title: format!("{} · {vehicle}", t("qr.new")),
        action: "/quality/reports".into(),
        groups: vec![FieldGroup { title: String::new(), fields }],
        submit: t("action.save"),
        cancel_href: Some("/quality/reports".into()),
        other_errors: Vec::new(),
        ..FormView::default()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    vehicle_id: String,
    #[serde(default)]
    repair_order_id: Option<String>,
    #[serde(default)]
    claim_id: Option<String>,
}

async fn vehicle_label(state: &AppState, who: &UiActor, id: &str) -> Result<String, AppError> {
    let vehicle = vehicles::get(&state.app, &who.actor, id).await?.vehicle;
    Ok(format!("{} {} {}", vehicle.plate, vehicle.vin, vehicle.model).trim().to_string())
}

/// `GET /quality/reports/new?vehicle_id=…` (from a vehicle, repair order or claim page).
pub async fn report_new(State(state): State<AppState>, who: UiActor, Query(params): Query<NewParams>) -> Response {
    let locale = who.locale;
    if params.vehicle_id.is_empty() {
        // A report is about one vehicle: it is opened from the vehicle's page.
        return see_other("/vehicles", "qr.pick_vehicle");
    }
    let vehicle = match vehicle_label(&state, &who, &params.vehicle_id).await {
        Ok(label) => label,
        Err(error) => return error_page(locale, error),
    };
    let form = FormData(vec![
        ("vehicle_id".into(), params.vehicle_id.clone()),
        ("repair_order_id".into(), params.repair_order_id.clone().unwrap_or_default()),
        ("claim_id".into(), params.claim_id.clone().unwrap_or_default()),
        ("frequency".into(), "once".into()),
        ("affected".into(), "1".into()),
        ("dept.technical".into(), "1".into()),
    ]);
    let mut ctx = Ctx::new(&who, "qr.new", "/quality/reports");
    ctx.alerts = super::campaigns::alerts_for_vehicle(&state, &who, &params.vehicle_id).await;
    form_page(&ctx, &report_form(locale, &form, &vehicle), StatusCode::OK)
}

/// `POST /quality/reports`.
pub async fn report_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = ReportInput {
        vehicle_id: form.get("vehicle_id").into(),
        repair_order_id: form.opt("repair_order_id"),
        claim_id: form.opt("claim_id"),
        part_no: form.get("part_no").into(),
        part_name: form.get("part_name").into(),
        failure_code: form.get("failure_code").into(),
        symptom: form.get("symptom").into(),
        frequency: form.get("frequency").into(),
        affected: form.int("affected"),
        departments: departments_of(&form),
        store_id: None,
    };
    match quality::create(&state.app, &who.actor, input).await {
        Ok(report) => see_other(&format!("/quality/reports/{}", report.id), "form.saved"),
        Err(error) => {
            let vehicle = vehicle_label(&state, &who, form.get("vehicle_id")).await.unwrap_or_default();
            let ctx = Ctx::new(&who, "qr.new", "/quality/reports");
            invalid_or_error(&who, error, ctx, report_form(who.locale, &form, &vehicle))
        }
    }
}

/// `GET /quality/reports/{id}`.
pub async fn report_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let report = match quality::get(&state.app, &who.actor, &id).await {
        Ok(report) => report,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&report.store_id).to_string();
    let history =
        audit::history(&state.app, "quality_report", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let mut sections = vec![Section {
        title: t("qr.title"),
        pairs: vec![
            (t("qr.vin"), report.vin.clone()),
            (t("qr.model"), format!("{} {}", report.brand, report.model).trim().to_string()),
            (t("qr.part_no"), report.part_no.clone()),
            (t("qr.part_name"), report.part_name.clone()),
            (t("qr.failure_code"), report.failure_code.clone()),
            (t("qr.symptom"), report.symptom.clone()),
            (t("qr.frequency"), t(&format!("qr.frequency.{}", report.frequency))),
            (t("qr.affected"), report.affected.to_string()),
            (t("qr.departments"), departments_text(locale, &report.departments)),
            (t("qr.sent_at"), report.sent_at.clone().unwrap_or_default()),
        ],
        actions: vec![Action::link(t("qr.vehicle"), format!("/vehicles/{}", report.vehicle_id))],
        ..Section::default()
    }];
    if let Some(vins) = report.basis.get("vins").and_then(|v| v.as_array()) {
        sections.push(Section {
            title: t("qr.basis"),
            pairs: vec![
                (t("qr.vins"), vins.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join("、")),
                (
                    t("qr.window"),
                    format!(
                        "{} – {}",
                        report.basis["first_on"].as_str().unwrap_or_default(),
                        report.basis["last_on"].as_str().unwrap_or_default()
                    ),
                ),
            ],
            ..Section::default()
        });
    }
    let owner = Owner::new(OwnerKind::QualityReport, report.id.clone());
    sections.push(
        crate::ui::attachments::section(&state, &who, owner, &report.store_id, &format!("/quality/reports/{id}")).await,
    );
    let writable = who.actor.can(Permission::WarrantyWrite, &report.store_id);
    if report.state == "draft" && writable {
        let form = FormData(report.departments.iter().map(|d| (format!("dept.{d}"), "1".to_string())).collect());
        sections.push(Section {
            title: t("qr.send"),
            form: Some(FormView {
                action: format!("/quality/reports/{id}/send"),
                groups: vec![FieldGroup { title: t("qr.send_hint"), fields: department_fields(locale, &form) }],
                submit: t("qr.send"),
                ..FormView::default()
            }),
            ..Section::default()
        });
    }
    let ctx =
        Ctx::new(&who, "qr.title", "/quality/reports").titled(report.number.clone()).flash(flash.flash.as_deref());
    let view = DetailView {
        title: format!("{} {}", t("qr.title"), report.number),
        subtitle: report.vin.clone(),
        state: Some((
            t(&format!("qr.state.{}", report.state)),
            if report.state == "sent" { "tag-green".into() } else { "tag-blue".into() },
        )),
        actions: Vec::new(),
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

/// `POST /quality/reports/{id}/send`.
pub async fn report_send(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match quality::send(&state.app, &who.actor, &id, SendInput { departments: departments_of(&form) }).await {
        Ok(_) => see_other(&format!("/quality/reports/{id}"), "qr.sent"),
        Err(error) => error_page(who.locale, error),
    }
}

/// `GET /quality/proposals`: the repeated failures of the last 30 days and the store's threshold.
pub async fn proposals(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let locale = who.locale;
    let (found, settings) = match (
        quality::proposals(&state.app, &who.actor, None).await,
        quality::settings(&state.app, &who.actor, None).await,
    ) {
        (Ok(found), Ok(settings)) => (found, settings),
        (Err(error), _) | (_, Err(error)) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let rows = found
        .iter()
        .map(|p| Row {
            cells: vec![
                Cell::text(p.model.clone()),
                Cell::text(t(&format!("qr.by.{}", p.by))),
                Cell::mono(p.code.clone()),
                Cell::text(p.part_name.clone()),
                Cell { right: true, ..Cell::text(p.vins.len().to_string()) },
                Cell::mono(format!("{} – {}", p.first_on, p.last_on)),
            ],
            alert: true,
        })
        .collect();
    let adopt_forms = found.iter().map(|p| Section {
        title: format!("{} {} {}", p.model, p.code, p.part_name),
        form: Some(FormView {
            action: "/quality/proposals".into(),
            groups: vec![FieldGroup {
                title: String::new(),
                fields: vec![
                    Field::text("key", "", p.key()).kind("hidden"),
                    Field::text("symptom", t("qr.symptom"), "").hint(t("qr.symptom_hint")).wide(),
                ],
            }],
            submit: t("qr.adopt"),
            ..FormView::default()
        }),
        ..Section::default()
    });
    let mut sections = vec![Section {
        title: format!("{} ({})", t("qr.proposals"), found.len()),
        table: Some(Table {
            columns: vec![
                Column::new(t("qr.model")),
                Column::new(t("qr.by")),
                Column::new(t("qr.code")),
                Column::new(t("qr.part_name")),
                Column::right(t("qr.affected")),
                Column::new(t("qr.window")),
            ],
            rows,
            empty: t("qr.no_proposals"),
        }),
        ..Section::default()
    }];
    sections.extend(adopt_forms);
    if who.actor.can(Permission::FollowUpSupervise, &settings.store_id) {
        sections.push(Section {
            title: t("qr.threshold"),
            form: Some(FormView {
                action: "/quality/settings".into(),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![
                        Field::text("repeat_threshold", t("qr.threshold"), settings.repeat_threshold.to_string())
                            .kind("number")
                            .hint(t("qr.threshold_hint")),
                    ],
                }],
                submit: t("action.save"),
                ..FormView::default()
            }),
            ..Section::default()
        });
    }
    let ctx = Ctx::new(&who, "qr.proposals", "/quality/reports").flash(flash.flash.as_deref());
    let view = DetailView {
        title: t("qr.proposals"),
        subtitle: crate::messages::Catalog::get().format(
            locale,
            "qr.rule",
            [
                ("n", settings.repeat_threshold.to_string().as_str()),
                ("days", settings.window_days.to_string().as_str()),
            ],
        ),
        actions: vec![Action::link(t("qr.list"), "/quality/reports")],
        sections,
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

/// `POST /quality/proposals`: adopts a proposal as a draft report.
pub async fn adopt(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input =
        AdoptInput { key: form.get("key").into(), symptom: form.get("symptom").into(), ..AdoptInput::default() };
    match quality::adopt(&state.app, &who.actor, input).await {
        Ok(report) => see_other(&format!("/quality/reports/{}", report.id), "qr.adopted"),
        Err(AppError::Invalid(_)) => see_other("/quality/proposals", "qr.proposal_gone"),
        Err(error) => error_page(who.locale, error),
    }
}

/// `POST /quality/settings`.
pub async fn settings_save(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match quality::set_threshold(&state.app, &who.actor, None, form.int("repeat_threshold").unwrap_or(0)).await {
        Ok(_) => see_other("/quality/proposals", "form.saved"),
        Err(AppError::Invalid(_)) => see_other("/quality/proposals", "qr.threshold_invalid"),
        Err(error) => error_page(who.locale, error),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Technical bulletins

#[derive(Debug, Default, Deserialize)]
pub struct BulletinParams {
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl BulletinParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> BulletinListQuery {
        BulletinListQuery { brand: self.brand.clone(), page, per_page: Some(per_page) }
    }

    fn link(&self, path: &str, page: i64) -> String {
        format!("{path}?brand={}&page={page}", urlencode(self.brand.as_deref().unwrap_or("")))
    }
}

fn bulletin_table(locale: Locale, items: &[BulletinView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("tb.number")),
            Column::new(t("tb.brand")),
            Column::new(t("tb.title_field")),
            Column::new(t("tb.models")),
            Column::new(t("tb.issued_on")),
            Column::right(t("tb.readers")),
            Column::right(t("tb.unread")),
            Column::new(""),
        ],
        rows: items
            .iter()
            .map(|b| Row {
                cells: vec![
                    Cell {
                        href: Some(format!("/quality/bulletins/{}", b.bulletin.id)),
                        ..Cell::mono(b.bulletin.number.clone())
                    },
                    Cell::text(b.bulletin.brand.clone()),
                    Cell::text(b.bulletin.title.clone()),
                    Cell::text(b.bulletin.models.clone()),
                    Cell::mono(b.bulletin.issued_on.clone()),
                    Cell { right: true, ..Cell::text(b.readers.len().to_string()) },
                    Cell { right: true, ..Cell::text(b.unread.to_string()) },
                    if b.mine_unread { Cell::tag(t("tb.to_read"), "tag-red") } else { Cell::text("") },
                ],
                alert: b.mine_unread,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

fn may_publish(who: &UiActor) -> bool {
    who.actor.has_group_role() && who.actor.can_anywhere(Permission::WarrantySettings)
}

/// `GET /quality/bulletins`.
pub async fn bulletins(State(state): State<AppState>, who: UiActor, Query(params): Query<BulletinParams>) -> Response {
    let locale = who.locale;
    let page = match quality::bulletins(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "tb.list", "/quality/bulletins").flash(params.flash.as_deref());
    let mut actions = Vec::new();
    if may_publish(&who) {
        actions.push(Action::link(t("tb.new"), "/quality/bulletins/new").primary());
    }
    actions.push(Action::link(t("action.export"), params.link("/quality/bulletins.xlsx", 1)));
    let view = ListView {
        title: t("tb.list"),
        action_path: "/quality/bulletins".into(),
        filters: vec![Filter {
            name: "brand".into(),
            label: t("tb.brand"),
            value: params.brand.clone().unwrap_or_default(),
            ..Filter::default()
        }],
        actions,
        table: bulletin_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/quality/bulletins", n)),
    };
    list_page(&ctx, &view)
}

/// `GET /quality/bulletins.xlsx`.
pub async fn bulletins_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<BulletinParams>,
) -> Response {
    let locale = who.locale;
    let (app, actor) = (&state.app, &who.actor);
    let fetch = |page| {
        let query = params.query(Some(page), 200);
        async move { quality::bulletins(app, actor, query).await }
    };
    excel::export_all(&label(locale, "tb.list"), "bulletins.xlsx", fetch, |items| bulletin_table(locale, items))
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

fn bulletin_form(locale: Locale, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    FormView {
        title: t("tb.new"),
        action: "/quality/bulletins".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("number", t("tb.number"), value("number")).code().required(),
                Field::text("brand", t("tb.brand"), value("brand")).required(),
                Field::text("title", t("tb.title_field"), value("title")).required().wide(),
                Field::text("models", t("tb.models"), value("models")),
                Field::text("issued_on", t("tb.issued_on"), value("issued_on")).kind("date"),
                Field::text("read_days", t("tb.read_days"), value("read_days"))
                    .kind("number")
                    .hint(t("tb.read_days_hint")),
                Field::text("body", t("tb.body"), value("body")).kind("textarea").wide(),
            ],
        }],
        submit: t("tb.publish"),
        cancel_href: Some("/quality/bulletins".into()),
        ..FormView::default()
    }
}

/// `GET /quality/bulletins/new`.
pub async fn bulletin_new(who: UiActor) -> Response {
    if !may_publish(&who) {
        return error_page(who.locale, AppError::Forbidden);
    }
    let ctx = Ctx::new(&who, "tb.new", "/quality/bulletins");
    form_page(&ctx, &bulletin_form(who.locale, &FormData(vec![("read_days".into(), "3".into())])), StatusCode::OK)
}

/// `POST /quality/bulletins`.
pub async fn bulletin_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = BulletinInput {
        number: form.get("number").into(),
        brand: form.get("brand").into(),
        title: form.get("title").into(),
        body: form.get("body").into(),
        models: form.get("models").into(),
        issued_on: form.get("issued_on").into(),
        read_days: form.int("read_days"),
        store_ids: Vec::new(),
    };
    match quality::publish(&state.app, &who.actor, input).await {
        Ok(bulletin) => see_other(&format!("/quality/bulletins/{}", bulletin.bulletin.id), "tb.published"),
        Err(error) => {
            let ctx = Ctx::new(&who, "tb.new", "/quality/bulletins");
            invalid_or_error(&who, error, ctx, bulletin_form(who.locale, &form))
        }
    }
}

/// `GET /quality/bulletins/{id}`: the text, who must read it and who has.
pub async fn bulletin_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let view = match quality::bulletin(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let b = &view.bulletin;
    let store_code = |id: &str| who.actor.store(id).map(|s| s.code.clone()).unwrap_or_default();
    let rows = view
        .readers
        .iter()
        .map(|r| Row {
            cells: vec![
                Cell::text(store_code(&r.store_id)),
                Cell::text(r.display_name.clone()),
                Cell::mono(r.due_on.clone()),
                match &r.read_at {
                    Some(at) => Cell::tag(
                        format!("{} {}", t("tb.read"), at.get(..16).unwrap_or(at).replace('T', " ")),
                        "tag-green",
                    ),
                    None => Cell::tag(t("tb.unread"), "tag-red"),
                },
            ],
            alert: false,
        })
        .collect();
    let mut actions = Vec::new();
    if view.mine_unread {
        actions.push(Action::post(t("tb.confirm_read"), format!("/quality/bulletins/{id}/read")).primary());
    }
    let history = audit::history(&state.app, "bulletin", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let ctx = Ctx::new(&who, "tb.title", "/quality/bulletins").titled(b.number.clone()).flash(flash.flash.as_deref());
    let detail = DetailView {
        title: format!("{} {}", b.number, b.title),
        subtitle: format!("{} · {} · {}", b.brand, b.models, b.issued_on),
        state: Some(if view.mine_unread {
            (t("tb.to_read"), "tag-red".into())
        } else {
            (t("tb.read"), "tag-green".into())
        }),
        actions,
        sections: vec![
            Section { title: t("tb.body"), doc: Some(b.body.clone()), ..Section::default() },
            Section {
                title: format!("{} ({}/{})", t("tb.readers"), view.readers.len() - view.unread, view.readers.len()),
                table: Some(Table {
                    columns: vec![
                        Column::new(t("cp.store")),
                        Column::new(t("tb.reader")),
                        Column::new(t("tb.due_on")),
                        Column::new(t("tb.read_state")),
                    ],
                    rows,
                    empty: t("list.empty"),
                }),
                ..Section::default()
            },
        ],
        timeline: timeline(locale, history, who.actor.home_time_zone()),
        due: None,
    };
    detail_page(&ctx, &detail)
}

/// `POST /quality/bulletins/{id}/read`.
pub async fn bulletin_read(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    match quality::confirm_read(&state.app, &posted.who.actor, &id).await {
        Ok(_) => see_other(&format!("/quality/bulletins/{id}"), "tb.confirmed"),
        Err(error) => error_page(posted.who.locale, error),
    }
}
