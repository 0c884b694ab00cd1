//! 旧件管理: the parts store's list of tagged parts (waiting for return by default) with Excel export and
//! label printing, a tag's page, the return shipments with packing, the printed packing list and box labels,
//! shipping, the manufacturer's inspection, scrapping, and the brand's return rules beside its warranty
//! settings.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::parts_return::{
    self as returns, ProposeInput, ShipmentActionInput, ShipmentListQuery, ShipmentView, TagInput, TagListQuery,
    TagView, grams_of, kg_text,
};
use claimdesk_app::{AppError, audit, clock};
use claimdesk_domain::parts_return::{CYCLES, InspectionInput, ReturnRules, ShipmentState, TagState};
use claimdesk_domain::{Money, Violation, Violations};
use serde::Deserialize;

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, ListView, PrintView, Row, Section, Table,
};
use super::{
    Ctx, Flash, detail_page, error_page, form_page, label, list_page, options, pager, print_page, render, see_other,
    timeline,
};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor, urlencode};
use crate::messages::{Catalog, Locale};

pub fn tag_state_tag(state: &str) -> &'static str {
    match state {
        "stored" => "tag-blue",
        "in_shipment" | "shipped" => "tag-orange",
        "accepted" => "tag-green",
        "rejected" | "missing" => "tag-red",
        _ => "tag-grey",
    }
}

pub fn shipment_state_tag(state: &str) -> &'static str {
    match state {
        "proposed" => "tag-grey",
        "packed" => "tag-blue",
        "shipped" | "received" => "tag-orange",
        "inspected" => "tag-green",
        _ => "tag-grey",
    }
}

fn yes_no(locale: Locale, value: bool) -> String {
    label(locale, if value { "form.yes" } else { "form.no" })
}

fn size_text(tag: &TagView) -> String {
    if tag.length_cm + tag.width_cm + tag.height_cm == 0 {
        "—".into()
    } else {
        format!("{}×{}×{}", tag.length_cm, tag.width_cm, tag.height_cm)
    }
}

fn weight_text(tag: &TagView) -> String {
    if tag.weight_kg == "0" { "—".into() } else { tag.weight_kg.clone() }
}

pub fn tag_table(locale: Locale, tags: &[TagView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("pr.tag_no")),
            Column::new(t("wc.number")),
            Column::new("VIN"),
            Column::new(t("pr.part_no")),
            Column::new(t("pr.part_name")),
            Column::new(t("wc.failure_code")),
            Column::new(t("wc.repair_date")),
            Column::new(t("pr.location")),
            Column::right(t("pr.weight_kg")),
            Column::new(t("pr.hazardous")),
            Column::new(t("pr.return_required")),
            Column::new(t("pr.tag_state")),
        ],
        rows: tags
            .iter()
            .map(|tag| Row {
                cells: vec![
                    Cell { href: Some(format!("/part-tags/{}", tag.id)), ..Cell::mono(tag.number.clone()) },
                    Cell {
                        href: Some(format!("/warranty-claims/{}", tag.claim_id)),
                        ..Cell::mono(tag.claim_number.clone())
                    },
                    Cell::mono(tag.vin.clone()),
                    Cell::mono(tag.part_no.clone()),
                    Cell::text(tag.description.clone()),
                    Cell::mono(tag.failure_code.clone()),
                    Cell::mono(tag.repair_date.clone()),
                    Cell::text(tag.location.clone()),
                    Cell { right: true, ..Cell::mono(weight_text(tag)) },
                    if tag.hazardous { Cell::tag(t("pr.hazardous"), "tag-red") } else { Cell::text("") },
                    Cell::text(if tag.return_required {
                        t("pr.return_yes")
                    } else {
                        format!("{} {}", t("pr.scrap_from"), tag.scrap_from.clone().unwrap_or_default())
                    }),
                    Cell::tag(t(&format!("pr.tag_state.{}", tag.state)), tag_state_tag(&tag.state)),
                ],
                alert: tag.state == "rejected" || tag.state == "missing",
            })
            .collect(),
        empty: t("list.empty"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TagParams {
    /// Absent: the parts waiting for return; empty: every tag.
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    vin: Option<String>,
    #[serde(default)]
    claim: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    claim_id: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl TagParams {
    fn state(&self) -> String {
        self.state.clone().unwrap_or_else(|| "waiting".into())
    }

    fn query(&self, page: Option<i64>, per_page: i64) -> TagListQuery {
        TagListQuery {
            state: Some(self.state()),
            brand: self.brand.clone(),
            vin: self.vin.clone(),
            claim: self.claim.clone(),
            q: self.q.clone(),
            store_id: self.store_id.clone(),
            page,
            per_page: Some(per_page),
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!(
            "{path}?state={}&brand={}&vin={}&claim={}&q={}&store_id={}&page={page}",
            urlencode(&self.state()),
            get(&self.brand),
            get(&self.vin),
            get(&self.claim),
            get(&self.q),
            get(&self.store_id)
        )
    }
}

pub async fn tags_export(State(state): State<AppState>, who: UiActor, Query(params): Query<TagParams>) -> Response {
    let locale = who.locale;
    let fetch = |page| returns::list_tags(&state.app, &who.actor, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, "pr.tags"), "part-tags.xlsx", fetch, |items| tag_table(locale, items))
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

/// 旧件库: the tagged parts, those waiting for return first.
pub async fn tags(State(state): State<AppState>, who: UiActor, Query(params): Query<TagParams>) -> Response {
    let locale = who.locale;
    let page = match returns::list_tags(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let mut states = vec![(String::new(), t("pr.all_tags")), ("waiting".into(), t("pr.tag_state.waiting"))];
    states.extend(TagState::ALL.iter().map(|s| (s.as_str().to_string(), t(&format!("pr.tag_state.{}", s.as_str())))));
    let text = |name: &str, key: &str, value: &Option<String>, placeholder: &str| Filter {
        name: name.into(),
        label: t(key),
        value: value.clone().unwrap_or_default(),
        placeholder: placeholder.into(),
        ..Filter::default()
    };
    let mut filters = vec![
        Filter {
            name: "state".into(),
            label: t("pr.tag_state"),
            value: params.state(),
            options: states,
            ..Filter::default()
        },
        text("q", "pr.tag_no", &params.q, "WC…"),
        text("claim", "wc.number", &params.claim, "WC2024…"),
        text("vin", "wc.vin", &params.vin, "LHG…"),
        text("brand", "wc.brand", &params.brand, ""),
    ];
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    let ctx = Ctx::new(&who, "pr.tags", "/part-tags").flash(params.flash.as_deref());
    let view = ListView {
        title: t("pr.tags"),
        action_path: "/part-tags".into(),
        filters,
        actions: vec![
            Action::link(t("pr.print_labels"), params.link("/part-tags/labels", 1)).primary(),
            Action::link(t("action.export"), params.link("/part-tags.xlsx", 1)),
            Action::post(t("pr.scrap_due"), "/part-tags/scrap").confirm(t("pr.confirm_scrap")),
            Action::link(t("pr.scraps"), "/part-scraps"),
            Action::link(t("pr.shipments"), "/return-shipments"),
        ],
        table: tag_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/part-tags", n)),
    };
    list_page(&ctx, &view)
}

/// One label: QR code, title, hazard mark and the printed fields.
pub struct Label {
    /// 旧件标签 or 箱唛, small above the title.
    pub kind: String,
    pub title: String,
    pub hazard: Option<String>,
    pub pairs: Vec<(String, String)>,
    pub qr_svg: String,
}

#[derive(Template)]
#[template(path = "labels.html")]
struct LabelsPage<'a> {
    lang: &'a str,
    title: &'a str,
    empty: &'a str,
    labels: &'a [Label],
}

/// The QR code as inline SVG (no image files, nothing from another host).
fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(120, 120).quiet_zone(false).build();
            // The renderer writes an XML declaration first; inside HTML only the <svg> element belongs.
            svg.find("<svg").map(|at| svg[at..].to_string()).unwrap_or(svg)
        }
        Err(_) => String::new(),
    }
}

fn labels_page(locale: Locale, title: &str, labels: &[Label]) -> Response {
    render(&LabelsPage { lang: locale.tag(), title, empty: &label(locale, "list.empty"), labels })
}

fn tag_label(locale: Locale, tag: &TagView) -> Label {
    let t = |key: &str| label(locale, key);
    Label {
        kind: t("pr.tag_label"),
        title: tag.number.clone(),
        hazard: tag.hazardous.then(|| t("pr.hazardous")),
        pairs: vec![
            (t("pr.claim_short"), tag.claim_number.clone()),
            ("VIN".into(), tag.vin.clone()),
            (t("pr.part_no"), format!("{} {}", tag.part_no, tag.description)),
            (t("wc.failure_code"), tag.failure_code.clone()),
            (t("pr.date_short"), tag.repair_date.clone()),
            (t("pr.location"), tag.location.clone()),
        ],
        qr_svg: qr_svg(&tag.qr_text),
    }
}

/// Part tags on label paper: one tag, a claim's tags, or the list's tags as filtered.
pub async fn tag_labels(State(state): State<AppState>, who: UiActor, Query(params): Query<TagParams>) -> Response {
    let locale = who.locale;
    let tags = match &params.claim_id {
        Some(claim_id) => returns::tags_of_claim(&state.app, &who.actor, claim_id).await,
        None => returns::list_tags(&state.app, &who.actor, params.query(params.page, 200)).await.map(|p| p.items),
    };
    match tags {
        Ok(tags) => {
            let labels: Vec<Label> = tags.iter().map(|tag| tag_label(locale, tag)).collect();
            labels_page(locale, &label(locale, "pr.print_labels"), &labels)
        }
        Err(error) => error_page(locale, error),
    }
}

pub async fn tag_label_one(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    match returns::get_tag(&state.app, &who.actor, &id).await {
        Ok(tag) => labels_page(who.locale, &tag.number, &[tag_label(who.locale, &tag)]),
        Err(error) => error_page(who.locale, error),
    }
}

fn tag_form(locale: Locale, tag: &TagView, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let number = |name: &str| Field::text(name, t(&format!("pr.{name}")), form.get(name)).kind("number");
    FormView {
        action: format!("/part-tags/{}", tag.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("location", t("pr.location"), form.get("location")).hint(t("pr.location_hint")),
                Field::text("weight_kg", t("pr.weight_kg"), form.get("weight_kg")),
                number("length_cm"),
                number("width_cm"),
                number("height_cm"),
                Field::text("hazardous", t("pr.hazardous"), form.get("hazardous")).kind("checkbox"),
                Field::text("version", "", form.get("version")).kind("hidden"),
            ],
        }],
        submit: t("action.save"),
        ..FormView::default()
    }
}

fn tag_values(tag: &TagView) -> FormData {
    FormData(vec![
        ("location".into(), tag.location.clone()),
        ("weight_kg".into(), if tag.weight_kg == "0" { String::new() } else { tag.weight_kg.clone() }),
        ("length_cm".into(), tag.length_cm.to_string()),
        ("width_cm".into(), tag.width_cm.to_string()),
        ("height_cm".into(), tag.height_cm.to_string()),
        ("hazardous".into(), if tag.hazardous { "1".into() } else { String::new() }),
        ("version".into(), tag.version.to_string()),
    ])
}

async fn render_tag(
    state: &AppState,
    who: &UiActor,
    id: &str,
    form: Option<(FormData, Violations)>,
    flash: Option<&str>,
) -> Response {
    let locale = who.locale;
    let tag = match returns::get_tag(&state.app, &who.actor, id).await {
        Ok(tag) => tag,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&tag.store_id).to_string();
    let history =
        audit::history(&state.app, "part_tag", tag.id.clone()).await.map(audit::summarize).unwrap_or_default();
    let editable = tag.state == "stored" || tag.state == "in_shipment";
    let (values, errors) = match form {
        Some((values, errors)) => (values, Some(errors)),
        None => (tag_values(&tag), None),
    };
    let mut edit = tag_form(locale, &tag, &values);
    let status = match &errors {
        Some(violations) => {
            edit.apply_errors(violations, locale);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let mut pairs = vec![
        (t("wc.number"), tag.claim_number.clone()),
        ("VIN".into(), tag.vin.clone()),
        (t("wc.brand"), tag.brand.clone()),
        (t("pr.part_no"), tag.part_no.clone()),
        (t("pr.part_name"), tag.description.clone()),
        (t("pr.quantity"), tag.quantity.clone()),
        (t("wc.failure_code"), tag.failure_code.clone()),
        (t("wc.repair_date"), tag.repair_date.clone()),
        (t("pr.tagged_on"), tag.tagged_on.clone()),
        (t("pr.location"), tag.location.clone()),
        (t("pr.weight_kg"), weight_text(&tag)),
        (t("pr.size_cm"), size_text(&tag)),
        (t("pr.hazardous"), yes_no(locale, tag.hazardous)),
        (t("pr.return_required"), yes_no(locale, tag.return_required)),
    ];
    if let Some(day) = &tag.scrap_from {
        pairs.push((t("pr.scrap_from"), day.clone()));
    }
    if let Some(result) = &tag.inspection {
        pairs.push((t("pr.inspection"), format!("{} {}", t(&format!("pr.result.{result}")), tag.inspection_reason)));
    }
    let mut actions = vec![
        Action::link(t("pr.print_label"), format!("/part-tags/{}/label", tag.id)).primary(),
        Action::link(t("wc.title"), format!("/warranty-claims/{}", tag.claim_id)),
    ];
    if let Some(shipment) = &tag.shipment_id {
        actions.push(Action::link(t("pr.shipment"), format!("/return-shipments/{shipment}")));
    }
    let mut sections = vec![Section { title: t("pr.section.tag"), pairs, ..Section::default() }];
    if editable {
        sections.push(Section { title: t("pr.section.storage"), form: Some(edit), ..Section::default() });
    }
    let ctx = Ctx::new(who, "pr.tags", "/part-tags").titled(tag.number.clone()).flash(flash);
    let view = DetailView {
        title: format!("{} {}", t("pr.tag_label"), tag.number),
        subtitle: format!("{} · {}", tag.part_no, tag.description),
        state: Some((t(&format!("pr.tag_state.{}", tag.state)), tag_state_tag(&tag.state).into())),
        actions,
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    let mut response = detail_page(&ctx, &view);
    *response.status_mut() = status;
    response
}

pub async fn tag_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    render_tag(&state, &who, &id, None, flash.flash.as_deref()).await
}

pub async fn tag_save(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let mut violations = Violations::new();
    let mut number = |name: &str| -> Option<i64> {
        let text = form.get(name).trim();
        if text.is_empty() {
            return Some(0);
        }
        let value = text.parse::<i64>().ok();
        if value.is_none() {
            violations.push(Violation::new(name, "number_format").with("found", text));
        }
        value
    };
    let (length_cm, width_cm, height_cm) = (number("length_cm"), number("width_cm"), number("height_cm"));
    let input = TagInput {
        location: Some(form.get("location").to_string()),
        weight_kg: Some(form.get("weight_kg").to_string()),
        length_cm,
        width_cm,
        height_cm,
        hazardous: Some(form.get("hazardous") == "1"),
        version: form.int("version"),
    };
    let result = if violations.is_empty() {
        returns::update_tag(&state.app, &who.actor, &id, input).await.map(|_| ())
    } else {
        Err(AppError::Invalid(violations))
    };
    match result {
        Ok(()) => see_other(&format!("/part-tags/{id}"), "form.saved"),
        Err(AppError::Invalid(violations)) => render_tag(&state, &who, &id, Some((form, violations)), None).await,
        Err(error) => error_page(who.locale, error),
    }
}

/// Scraps the parts whose hold period is over; back to the list with what happened.
pub async fn scrap(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let store = form.get("store_id").trim();
    let store = (!store.is_empty()).then_some(store);
    match returns::scrap_due(&state.app, &who.actor, store, form.get("note")).await {
        Ok(_) => see_other("/part-scraps", "pr.scrapped"),
        Err(AppError::Invalid(_)) => see_other("/part-tags", "pr.nothing_to_scrap_flash"),
        Err(error) => error_page(who.locale, error),
    }
}

pub fn shipment_table(locale: Locale, shipments: &[ShipmentView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("pr.shipment_no")),
            Column::new(t("wc.brand")),
            Column::new(t("pr.period")),
            Column::new(t("pr.due_on")),
            Column::right(t("pr.parts")),
            Column::right(t("pr.boxes")),
            Column::right(t("pr.weight_kg")),
            Column::new(t("pr.carrier")),
            Column::new(t("pr.tracking_no")),
            Column::right(t("pr.debit")),
            Column::new(t("pr.shipment_state")),
        ],
        rows: shipments
            .iter()
            .map(|s| Row {
                cells: vec![
                    Cell { href: Some(format!("/return-shipments/{}", s.id)), ..Cell::mono(s.number.clone()) },
                    Cell::text(s.brand.clone()),
                    Cell::mono(s.period.clone()),
                    Cell::mono(s.due_on.clone()),
                    Cell { right: true, ..Cell::text(s.part_count.to_string()) },
                    Cell { right: true, ..Cell::text(s.box_count.to_string()) },
                    Cell { right: true, ..Cell::mono(s.weight_kg.clone()) },
                    Cell::text(s.carrier.clone()),
                    Cell::mono(s.tracking_no.clone()),
                    Cell::money(if s.debit.is_zero() { String::new() } else { s.debit.display_cny() }),
                    Cell::tag(t(&format!("pr.state.{}", s.state)), shipment_state_tag(&s.state)),
                ],
                alert: !s.debit.is_zero(),
            })
            .collect(),
        empty: t("list.empty"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ShipmentParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ShipmentParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> ShipmentListQuery {
        ShipmentListQuery {
            state: self.state.clone(),
            brand: self.brand.clone(),
            store_id: self.store_id.clone(),
            page,
            per_page: Some(per_page),
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!(
            "{path}?state={}&brand={}&store_id={}&page={page}",
            get(&self.state),
            get(&self.brand),
            get(&self.store_id)
        )
    }
}

pub async fn shipments_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<ShipmentParams>,
) -> Response {
    let locale = who.locale;
    let fetch = |page| returns::list_shipments(&state.app, &who.actor, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, "pr.shipments"), "return-shipments.xlsx", fetch, |items| {
        shipment_table(locale, items)
    })
    .await
    .unwrap_or_else(|error| error_page(locale, error))
}

/// 旧件回运单: the shipments, and a button per brand to propose this period's shipment.
pub async fn shipments(State(state): State<AppState>, who: UiActor, Query(params): Query<ShipmentParams>) -> Response {
    let locale = who.locale;
    let page = match returns::list_shipments(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    // One button per brand with parts waiting on the shelf, with their count.
    let waiting = TagListQuery { state: Some("waiting".into()), per_page: Some(200), ..TagListQuery::default() };
    let mut brands: Vec<(String, usize)> = Vec::new();
    for tag in returns::list_tags(&state.app, &who.actor, waiting).await.map(|p| p.items).unwrap_or_default() {
        match brands.iter_mut().find(|(brand, _)| *brand == tag.brand) {
            Some((_, count)) => *count += 1,
            None => brands.push((tag.brand, 1)),
        }
    }
    let t = |key: &str| label(locale, key);
    let mut state_options = vec![(String::new(), t("form.choose"))];
    state_options.extend(options(
        locale,
        "pr.state",
        &ShipmentState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    ));
    let mut filters = vec![
        Filter {
            name: "state".into(),
            label: t("pr.shipment_state"),
            value: params.state.clone().unwrap_or_default(),
            options: state_options,
            ..Filter::default()
        },
        Filter {
            name: "brand".into(),
            label: t("wc.brand"),
            value: params.brand.clone().unwrap_or_default(),
            ..Filter::default()
        },
    ];
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    let mut actions: Vec<Action> = brands
        .iter()
        .map(|(brand, count)| {
            let count = count.to_string();
            Action::post(
                Catalog::get().format(locale, "pr.propose_for", [("brand", brand.as_str()), ("count", count.as_str())]),
                format!("/return-shipments/propose?brand={}", urlencode(brand)),
            )
            .primary()
        })
        .collect();
    actions.push(Action::link(t("pr.tags"), "/part-tags"));
    actions.push(Action::link(t("action.export"), params.link("/return-shipments.xlsx", 1)));
    let ctx = Ctx::new(&who, "pr.shipments", "/return-shipments").flash(params.flash.as_deref());
    let view = ListView {
        title: t("pr.shipments"),
        action_path: "/return-shipments".into(),
        filters,
        actions,
        table: shipment_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/return-shipments", n)),
    };
    list_page(&ctx, &view)
}

#[derive(Debug, Default, Deserialize)]
pub struct BrandParam {
    #[serde(default)]
    brand: String,
}

pub async fn propose(State(state): State<AppState>, Query(param): Query<BrandParam>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let brand = if param.brand.is_empty() { form.get("brand").to_string() } else { param.brand };
    let store = form.get("store_id").trim();
    let input = ProposeInput { brand, store_id: (!store.is_empty()).then(|| store.to_string()) };
    match returns::propose(&state.app, &who.actor, input).await {
        Ok(shipment) => see_other(&format!("/return-shipments/{}", shipment.id), "pr.proposed"),
        Err(AppError::Invalid(_)) => see_other("/return-shipments", "pr.nothing_to_return_flash"),
        Err(error) => error_page(who.locale, error),
    }
}

fn box_table(locale: Locale, shipment: &ShipmentView) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("pr.box_no")),
            Column::right(t("pr.parts")),
            Column::right(t("pr.weight_kg")),
            Column::new(t("pr.box_kind")),
            Column::new(t("pr.tag_no")),
        ],
        rows: shipment
            .boxes
            .iter()
            .map(|b| Row {
                cells: vec![
                    Cell::mono(format!("{}/{}", b.box_no, shipment.box_count)),
                    Cell { right: true, ..Cell::text(b.tags.len().to_string()) },
                    Cell { right: true, ..Cell::mono(b.weight_kg.clone()) },
                    if b.hazardous {
                        Cell::tag(t("pr.hazardous"), "tag-red")
                    } else if b.oversize {
                        Cell::tag(t("pr.oversize"), "tag-orange")
                    } else {
                        Cell::text(t("pr.box_normal"))
                    },
                    Cell::mono(b.tags.join(", ")),
                ],
                alert: false,
            })
            .collect(),
        empty: t("pr.not_packed"),
    }
}

fn parts_table(locale: Locale, shipment: &ShipmentView) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("pr.box_no")),
            Column::new(t("pr.tag_no")),
            Column::new(t("wc.number")),
            Column::new("VIN"),
            Column::new(t("pr.part_no")),
            Column::new(t("pr.part_name")),
            Column::right(t("pr.quantity")),
            Column::right(t("pr.weight_kg")),
            Column::new(t("pr.size_cm")),
            Column::new(t("pr.inspection")),
        ],
        rows: shipment
            .tags
            .iter()
            .map(|tag| Row {
                cells: vec![
                    Cell::mono(tag.box_no.map(|n| n.to_string()).unwrap_or_default()),
                    Cell { href: Some(format!("/part-tags/{}", tag.id)), ..Cell::mono(tag.number.clone()) },
                    Cell::mono(tag.claim_number.clone()),
                    Cell::mono(tag.vin.clone()),
                    Cell::mono(tag.part_no.clone()),
                    Cell::text(if tag.hazardous {
                        format!("{} ⚠{}", tag.description, t("pr.hazardous"))
                    } else {
                        tag.description.clone()
                    }),
                    Cell { right: true, ..Cell::text(tag.quantity.clone()) },
                    Cell { right: true, ..Cell::mono(weight_text(tag)) },
                    Cell::mono(size_text(tag)),
                    match &tag.inspection {
                        Some(result) => Cell::tag(
                            format!("{} {}", t(&format!("pr.result.{result}")), tag.inspection_reason)
                                .trim()
                                .to_string(),
                            tag_state_tag(result),
                        ),
                        None => Cell::text(""),
                    },
                ],
                alert: matches!(tag.inspection.as_deref(), Some("rejected" | "missing")),
            })
            .collect(),
        empty: t("list.empty"),
    }
}

/// The parts as the printed packing list has them: narrow enough for A4 portrait.
fn print_parts_table(locale: Locale, shipment: &ShipmentView) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("pr.box_no")),
            Column::new(t("pr.tag_no")),
            Column::new("VIN"),
            Column::new(t("pr.part_no")),
            Column::right(t("pr.quantity")),
            Column::right(t("pr.weight_kg")),
            Column::new(t("pr.hazardous")),
        ],
        rows: shipment
            .tags
            .iter()
            .map(|tag| Row {
                cells: vec![
                    Cell::text(tag.box_no.map(|n| n.to_string()).unwrap_or_default()),
                    Cell::text(tag.number.clone()),
                    Cell::text(tag.vin.clone()),
                    Cell::text(format!("{} {}", tag.part_no, tag.description)),
                    Cell { right: true, ..Cell::text(tag.quantity.clone()) },
                    Cell { right: true, ..Cell::text(weight_text(tag)) },
                    Cell::text(if tag.hazardous { "⚠".to_string() } else { String::new() }),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

/// Rejected and missing parts charged back, per claim.
pub fn debits_table(locale: Locale, debits: &[returns::DebitView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("wc.number")),
            Column::new(t("pr.tag_no")),
            Column::new(t("pr.inspection")),
            Column::new(t("pr.reason")),
            Column::right(t("pr.debit")),
        ],
        rows: debits
            .iter()
            .map(|d| Row {
                cells: vec![
                    Cell {
                        href: Some(format!("/warranty-claims/{}", d.claim_id)),
                        ..Cell::mono(d.claim_number.clone())
                    },
                    Cell::mono(d.tag_number.clone()),
                    Cell::tag(t(&format!("pr.result.{}", d.reason)), "tag-red"),
                    Cell::text(d.note.clone()),
                    Cell::money(d.amount.display_cny()),
                ],
                alert: true,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

fn ship_form(locale: Locale, shipment: &ShipmentView, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    FormView {
        action: format!("/return-shipments/{}/do/ship", shipment.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("carrier", t("pr.carrier"), form.get("carrier")).required().hint(t("pr.carrier_hint")),
                Field::text("tracking_no", t("pr.tracking_no"), form.get("tracking_no")).required().code(),
            ],
        }],
        submit: t("pr.action.ship"),
        ..FormView::default()
    }
}

fn shipment_pairs(locale: Locale, shipment: &ShipmentView, zone: &str) -> Vec<(String, String)> {
    let t = |key: &str| label(locale, key);
    let at = |value: &Option<String>| {
        value
            .as_deref()
            .and_then(|text| clock::parse_instant(text, zone))
            .map(|ts| clock::display_local(ts.as_millisecond(), zone))
            .unwrap_or_else(|| "—".into())
    };
    vec![
        (t("wc.brand"), shipment.brand.clone()),
        (t("pr.period"), shipment.period.clone()),
        (t("pr.due_on"), shipment.due_on.clone()),
        (t("pr.parts"), shipment.part_count.to_string()),
        (t("pr.boxes"), shipment.box_count.to_string()),
        (t("pr.weight_kg"), shipment.weight_kg.clone()),
        (t("pr.carrier"), shipment.carrier.clone()),
        (t("pr.tracking_no"), shipment.tracking_no.clone()),
        (t("pr.packed_at"), at(&shipment.packed_at)),
        (t("pr.shipped_at"), at(&shipment.shipped_at)),
        (t("pr.received_on"), shipment.received_on.clone().unwrap_or_else(|| "—".into())),
        (t("pr.debit"), shipment.debit.display_cny()),
    ]
}

async fn render_shipment(
    state: &AppState,
    who: &UiActor,
    id: &str,
    ship: Option<(FormData, Violations)>,
    flash: Option<&str>,
) -> Response {
    let locale = who.locale;
    let shipment = match returns::get_shipment(&state.app, &who.actor, id).await {
        Ok(shipment) => shipment,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&shipment.store_id).to_string();
    let history = audit::history(&state.app, "return_shipment", shipment.id.clone())
        .await
        .map(audit::summarize)
        .unwrap_or_default();
    let base = format!("/return-shipments/{}", shipment.id);
    let mut actions = Vec::new();
    for action in &shipment.actions {
        match *action {
            "pack" => actions.push(Action::post(t("pr.action.pack"), format!("{base}/do/pack")).primary()),
            "unpack" => actions.push(Action::post(t("pr.action.unpack"), format!("{base}/do/unpack"))),
            "receive" => actions.push(Action::post(t("pr.action.receive"), format!("{base}/do/receive"))),
            "inspect" => actions.push(Action::link(t("pr.action.inspect"), format!("{base}/inspect")).primary()),
            "cancel" => actions
                .push(Action::post(t("pr.action.cancel"), format!("{base}/do/cancel")).confirm(t("pr.confirm_cancel"))),
            _ => {}
        }
    }
    if shipment.box_count > 0 {
        actions.push(Action::link(t("pr.print_list"), format!("{base}/print")));
        actions.push(Action::link(t("pr.print_box_labels"), format!("{base}/labels")));
    }
    let mut sections = vec![Section {
        title: t("pr.section.shipment"),
        pairs: shipment_pairs(locale, &shipment, &zone),
        ..Section::default()
    }];
    if shipment.actions.contains(&"ship") {
        let (values, errors) = match ship {
            Some((values, errors)) => (values, Some(errors)),
            None => (FormData(Vec::new()), None),
        };
        let mut form = ship_form(locale, &shipment, &values);
        if let Some(errors) = &errors {
            form.apply_errors(errors, locale);
        }
        sections.push(Section { title: t("pr.action.ship"), form: Some(form), ..Section::default() });
    }
    sections.push(Section {
        title: t("pr.section.boxes"),
        table: Some(box_table(locale, &shipment)),
        ..Section::default()
    });
    sections.push(Section {
        title: t("pr.section.parts"),
        table: Some(parts_table(locale, &shipment)),
        ..Section::default()
    });
    if !shipment.debits.is_empty() {
        sections.push(Section {
            title: t("pr.section.debits"),
            table: Some(debits_table(locale, &shipment.debits)),
            ..Section::default()
        });
    }
    let ctx = Ctx::new(who, "pr.shipments", "/return-shipments").titled(shipment.number.clone()).flash(flash);
    let view = DetailView {
        title: format!("{} {}", t("pr.shipment"), shipment.number),
        subtitle: format!("{} · {}", shipment.brand, shipment.period),
        state: Some((t(&format!("pr.state.{}", shipment.state)), shipment_state_tag(&shipment.state).into())),
        actions,
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

pub async fn shipment_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    render_shipment(&state, &who, &id, None, flash.flash.as_deref()).await
}

/// Errors of an action without a form of its own (packing unweighed parts), listed with a way back.
fn action_errors(who: &UiActor, title_key: &str, back: String, violations: &Violations) -> Response {
    let catalog = Catalog::get();
    let messages: Vec<String> = violations.iter().map(|v| catalog.violation(who.locale, v)).collect();
    let ctx = Ctx::new(who, "pr.shipments", "/return-shipments");
    let view = DetailView {
        title: label(who.locale, "form.errors"),
        sections: vec![Section {
            title: label(who.locale, title_key),
            doc: Some(messages.join("\n")),
            actions: vec![Action::link(label(who.locale, "action.back"), back)],
            ..Section::default()
        }],
        ..DetailView::default()
    };
    let mut response = detail_page(&ctx, &view);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

pub async fn shipment_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { who, form } = posted;
    let input = ShipmentActionInput {
        carrier: form.get("carrier").to_string(),
        tracking_no: form.get("tracking_no").to_string(),
        received_on: Some(form.get("received_on").to_string()),
        ..ShipmentActionInput::default()
    };
    let back = format!("/return-shipments/{id}");
    match returns::act(&state.app, &who.actor, &id, &action, input).await {
        Ok(_) => see_other(&back, &format!("pr.done.{action}")),
        Err(AppError::Invalid(violations)) if action == "ship" => {
            let mut response = render_shipment(&state, &who, &id, Some((form, violations)), None).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(AppError::Invalid(violations)) => action_errors(&who, &format!("pr.action.{action}"), back, &violations),
        Err(error) => error_page(who.locale, error),
    }
}

fn inspect_view(locale: Locale, shipment: &ShipmentView, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let results = options(locale, "pr.result", &["accepted", "rejected", "missing"]);
    let groups = shipment
        .tags
        .iter()
        .enumerate()
        .map(|(index, tag)| {
            let name = |field: &str| format!("items[{index}].{field}");
            let result = form.get(&name("result"));
            FieldGroup {
                title: format!("{} · {} {} · {}", tag.number, tag.part_no, tag.description, tag.claim_number),
                fields: vec![
                    Field::text(&name("tag"), "", tag.number.clone()).kind("hidden"),
                    Field::text(
                        &name("result"),
                        t("pr.inspection"),
                        if result.is_empty() { "accepted" } else { result },
                    )
                    .options(results.clone()),
                    Field::text(&name("reason"), t("pr.reason"), form.get(&name("reason"))).wide(),
                ],
            }
        })
        .collect();
    FormView {
        title: format!("{} {}", t("pr.action.inspect"), shipment.number),
        action: format!("/return-shipments/{}/inspect", shipment.id),
        groups,
        submit: t("pr.action.inspect"),
        cancel_href: Some(format!("/return-shipments/{}", shipment.id)),
        ..FormView::default()
    }
}

pub async fn inspect_form(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    match returns::get_shipment(&state.app, &who.actor, &id).await {
        Ok(shipment) => {
            let ctx = Ctx::new(&who, "pr.action.inspect", "/return-shipments").titled(shipment.number.clone());
            form_page(&ctx, &inspect_view(who.locale, &shipment, &FormData(Vec::new())), StatusCode::OK)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// The manufacturer's inspection entered by hand, one result per part.
pub async fn inspect(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let shipment = match returns::get_shipment(&state.app, &who.actor, &id).await {
        Ok(shipment) => shipment,
        Err(error) => return error_page(who.locale, error),
    };
    let items = (0..shipment.tags.len())
        .map(|index| {
            let get = |name: &str| form.get(&format!("items[{index}].{name}")).trim().to_string();
            InspectionInput { tag: get("tag"), result: get("result"), reason: get("reason") }
        })
        .collect();
    let input = ShipmentActionInput { items, ..ShipmentActionInput::default() };
    match returns::act(&state.app, &who.actor, &id, "inspect", input).await {
        Ok(_) => see_other(&format!("/return-shipments/{id}"), "pr.done.inspect"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "pr.action.inspect", "/return-shipments");
            let mut view = inspect_view(who.locale, &shipment, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// 旧件回运装箱单: the shipment, its boxes and every part, with signatures.
pub async fn shipment_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let shipment = match returns::get_shipment(&state.app, &who.actor, &id).await {
        Ok(shipment) => shipment,
        Err(error) => return error_page(locale, error),
    };
    let zone = who.actor.time_zone(&shipment.store_id).to_string();
    let t = |key: &str| label(locale, key);
    let view = PrintView {
        title: t("pr.print_title"),
        store_name: who.actor.store(&shipment.store_id).map(|s| format!("{} {}", s.code, s.name)).unwrap_or_default(),
        form_no: shipment.number.clone(),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections: vec![
            Section {
                title: t("pr.section.shipment"),
                pairs: shipment_pairs(locale, &shipment, &zone),
                ..Section::default()
            },
            Section { title: t("pr.section.boxes"), table: Some(box_table(locale, &shipment)), ..Section::default() },
            Section {
                title: t("pr.section.parts"),
                table: Some(print_parts_table(locale, &shipment)),
                ..Section::default()
            },
        ],
        signatures: vec![t("pr.sign_packer"), t("pr.sign_clerk"), t("pr.sign_carrier")],
    };
    print_page(locale, &view)
}

/// 箱唛: one label per box with the shipment, box n of N, weight, the hazard mark and a QR code.
pub async fn box_labels(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let shipment = match returns::get_shipment(&state.app, &who.actor, &id).await {
        Ok(shipment) => shipment,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let dealer = who.actor.store(&shipment.store_id).map(|s| format!("{} {}", s.code, s.name)).unwrap_or_default();
    let labels: Vec<Label> = shipment
        .boxes
        .iter()
        .map(|b| Label {
            kind: t("pr.box_label"),
            title: format!("{} · {}/{}", shipment.number, b.box_no, shipment.box_count),
            hazard: b.hazardous.then(|| t("pr.hazardous")).or_else(|| b.oversize.then(|| t("pr.oversize"))),
            pairs: vec![
                (t("pr.dealer"), dealer.clone()),
                (t("wc.brand"), shipment.brand.clone()),
                (t("pr.period"), shipment.period.clone()),
                (t("pr.parts"), b.tags.len().to_string()),
                (t("pr.weight_kg"), b.weight_kg.clone()),
                (t("pr.tracking_no"), shipment.tracking_no.clone()),
            ],
            qr_svg: qr_svg(&format!(
                "CDRS|{}|{}|{}|{}",
                shipment.number,
                b.box_no,
                shipment.box_count,
                b.tags.join(",")
            )),
        })
        .collect();
    labels_page(locale, &format!("{} {}", t("pr.print_box_labels"), shipment.number), &labels)
}

fn rules_form(locale: Locale, brand: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let text = |name: &str| Field::text(name, t(&format!("pr.rule.{name}")), form.get(name));
    let cycles = CYCLES
        .iter()
        .map(|c| (c.to_string(), Catalog::get().format(locale, "pr.cycle", [("months", c.to_string().as_str())])))
        .collect();
    FormView {
        action: format!("/warranty/settings/{}/returns", urlencode(brand)),
        groups: vec![
            FieldGroup {
                title: t("pr.rules.which"),
                fields: vec![
                    text("cycle_months").options(cycles),
                    text("ship_by_day").kind("number").hint(t("pr.rule.ship_by_day_hint")),
                    text("propose_days_before").kind("number").hint(t("pr.rule.propose_days_before_hint")),
                    text("return_all").kind("checkbox"),
                    text("min_unit_price").hint(t("pr.rule.min_unit_price_hint")),
                    text("part_prefixes").wide().hint(t("pr.rule.list_hint")),
                    text("hold_days").kind("number"),
                ],
            },
            FieldGroup {
                title: t("pr.rules.packing"),
                fields: vec![
                    text("limits.max_parts").kind("number").required(),
                    text("limits.max_weight_kg"),
                    text("limits.max_volume_l").kind("number"),
                    text("limits.max_length_cm").kind("number"),
                    text("limits.hazardous_per_box").kind("number").required(),
                    text("hazardous_prefixes").wide().hint(t("pr.rule.list_hint")),
                    text("hazardous_keywords").wide().hint(t("pr.rule.list_hint")),
                    Field::text("version", "", form.get("version")).kind("hidden"),
                ],
            },
        ],
        submit: t("action.save"),
        cancel_href: Some(format!("/warranty/settings/{}", urlencode(brand))),
        ..FormView::default()
    }
}

fn rules_values(rules: &ReturnRules, version: i64) -> FormData {
    let limits = &rules.limits;
    FormData(vec![
        ("cycle_months".into(), rules.cycle_months.to_string()),
        ("ship_by_day".into(), rules.ship_by_day.to_string()),
        ("propose_days_before".into(), rules.propose_days_before.to_string()),
        ("return_all".into(), if rules.return_all { "1".into() } else { String::new() }),
        ("min_unit_price".into(), rules.min_unit_price.to_string()),
        ("part_prefixes".into(), rules.part_prefixes.join(", ")),
        ("hold_days".into(), rules.hold_days.to_string()),
        ("limits.max_parts".into(), limits.max_parts.to_string()),
        ("limits.max_weight_kg".into(), kg_text(limits.max_weight_g as i64)),
        ("limits.max_volume_l".into(), (limits.max_volume_cm3 / 1000).to_string()),
        ("limits.max_length_cm".into(), limits.max_length_cm.to_string()),
        ("limits.hazardous_per_box".into(), limits.hazardous_per_box.to_string()),
        ("hazardous_prefixes".into(), rules.hazardous_prefixes.join(", ")),
        ("hazardous_keywords".into(), rules.hazardous_keywords.join(", ")),
        ("version".into(), version.to_string()),
    ])
}

fn list_of(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；', '\n']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn rules_of_form(form: &FormData) -> Result<ReturnRules, Violations> {
    let mut violations = Violations::new();
    let mut number = |name: &str| -> u64 {
        let text = form.get(name).trim();
        if text.is_empty() {
            return 0;
        }
        text.parse::<u64>().unwrap_or_else(|_| {
            violations.push(Violation::new(name, "number_format").with("found", text));
            0
        })
    };
    let cycle_months = number("cycle_months") as u32;
    let ship_by_day = number("ship_by_day") as u32;
    let propose_days_before = number("propose_days_before") as u32;
    let hold_days = number("hold_days") as u32;
    let max_parts = number("limits.max_parts") as u32;
    let max_volume_l = number("limits.max_volume_l");
    let max_length_cm = number("limits.max_length_cm") as u32;
    let hazardous_per_box = number("limits.hazardous_per_box") as u32;
    let weight = form.get("limits.max_weight_kg").trim();
    let max_weight_g = if weight.is_empty() {
        0
    } else {
        grams_of(weight).unwrap_or_else(|| {
            violations.push(Violation::new("limits.max_weight_kg", "number_format").with("found", weight));
            0
        }) as u64
    };
    let price = form.get("min_unit_price").trim();
    let min_unit_price = if price.is_empty() {
        Money::ZERO
    } else {
        violations.check(Money::parse("min_unit_price", price)).unwrap_or(Money::ZERO)
    };
    let rules = ReturnRules {
        cycle_months,
        ship_by_day,
        propose_days_before,
        return_all: form.get("return_all") == "1",
        min_unit_price,
        part_prefixes: list_of(form.get("part_prefixes")),
        hazardous_prefixes: list_of(form.get("hazardous_prefixes")),
        hazardous_keywords: list_of(form.get("hazardous_keywords")),
        hold_days,
        limits: claimdesk_domain::parts_return::PackLimits {
            max_parts,
            max_weight_g,
            max_volume_cm3: max_volume_l * 1000,
            max_length_cm,
            hazardous_per_box,
        },
    };
    violations.finish(|| rules)
}

async fn render_rules(
    state: &AppState,
    who: &UiActor,
    brand: &str,
    form: Option<(FormData, Violations)>,
    flash: Option<&str>,
) -> Response {
    let locale = who.locale;
    let view = match returns::return_rules(&state.app, &who.actor, brand).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let (values, errors) = match form {
        Some((values, errors)) => (values, Some(errors)),
        None => (rules_values(&view.rules, view.version), None),
    };
    let mut edit = rules_form(locale, brand, &values);
    let status = match &errors {
        Some(violations) => {
            // The form shows kilograms and litres where the rules keep grams and cubic centimetres.
            let renamed = Violations(
                violations
                    .iter()
                    .map(|v| {
                        let mut v = v.clone();
                        v.field =
                            v.field.replace("max_weight_g", "max_weight_kg").replace("max_volume_cm3", "max_volume_l");
                        v
                    })
                    .collect(),
            );
            edit.apply_errors(&renamed, locale);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let ctx = Ctx::new(who, "nav.warranty_settings", "/warranty/settings").titled(brand.to_string()).flash(flash);
    let detail = DetailView {
        title: format!("{} · {brand}", t("pr.rules.title")),
        subtitle: t("pr.rules.subtitle"),
        state: Some(if view.configured {
            (t("wc.configured"), "tag-green".into())
        } else {
            (t("wc.not_configured"), "tag-orange".into())
        }),
        actions: vec![Action::link(t("action.back"), format!("/warranty/settings/{}", urlencode(brand)))],
        sections: vec![Section { title: t("pr.rules.title"), form: Some(edit), ..Section::default() }],
        ..DetailView::default()
    };
    let mut response = detail_page(&ctx, &detail);
    *response.status_mut() = status;
    response
}

pub async fn rules_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(brand): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    render_rules(&state, &who, &brand, None, flash.flash.as_deref()).await
}

pub async fn rules_save(State(state): State<AppState>, Path(brand): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let result = match rules_of_form(&form) {
        Ok(rules) => {
            let version = form.int("version").filter(|v| *v > 0);
            returns::save_rules(&state.app, &who.actor, &brand, rules, version).await.map(|_| ())
        }
        Err(violations) => Err(AppError::Invalid(violations)),
    };
    match result {
        Ok(()) => see_other(&format!("/warranty/settings/{}/returns", urlencode(&brand)), "form.saved"),
        Err(AppError::Invalid(violations)) => render_rules(&state, &who, &brand, Some((form, violations)), None).await,
        Err(error) => error_page(who.locale, error),
    }
}

fn scrap_table(locale: Locale, scraps: &[returns::ScrapView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("pr.scrap_no")),
            Column::new(t("pr.scrapped_on")),
            Column::right(t("pr.parts")),
            Column::new(t("pr.note")),
        ],
        rows: scraps
            .iter()
            .map(|scrap| Row {
                cells: vec![
                    Cell::mono(scrap.number.clone()),
                    Cell::mono(scrap.scrapped_on.clone()),
                    Cell { right: true, ..Cell::text(scrap.part_count.to_string()) },
                    Cell::text(scrap.note.clone()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

/// 旧件报废记录: every scrap with its parts count; the scrapped parts are the tag list's "已报废".
pub async fn scraps(State(state): State<AppState>, who: UiActor) -> Response {
    let locale = who.locale;
    let scraps = match returns::list_scraps(&state.app, &who.actor).await {
        Ok(scraps) => scraps,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "pr.scraps", "/part-tags");
    let view = DetailView {
        title: t("pr.scraps"),
        actions: vec![
            Action::link(t("pr.tag_state.scrapped"), "/part-tags?state=scrapped"),
            Action::link(t("action.export"), "/part-scraps.xlsx"),
        ],
        sections: vec![Section {
            title: t("pr.scraps"),
            table: Some(scrap_table(locale, &scraps)),
            ..Section::default()
        }],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn scraps_export(State(state): State<AppState>, who: UiActor) -> Response {
    let locale = who.locale;
    match returns::list_scraps(&state.app, &who.actor).await {
        Ok(scraps) => {
            let table = scrap_table(locale, &scraps);
            let columns: Vec<String> = table.columns.iter().map(|c| c.label.clone()).collect();
            crate::excel::download(&label(locale, "pr.scraps"), &columns, &table.text_rows(), "part-scraps.xlsx")
        }
        Err(error) => error_page(locale, error),
    }
}
