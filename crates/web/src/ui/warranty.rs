//! 三包索赔: the claims list with filters and Excel export, the claim page with only the actions its state
//! allows, the claim form with its line table, the decision form, the printed claim, and the manufacturer's
//! settings per brand with catalogue import.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::warranty::{self, ActionInput, CatalogueKind, ClaimInput, ClaimListQuery, ClaimView};
use claimdesk_app::{AppError, audit, clock, repair_orders, vehicles};
use claimdesk_domain::Money;
use claimdesk_domain::warranty::checks::{CheckRule, Severity};
use claimdesk_domain::warranty::claim::{ClaimKind, ClaimState};
use claimdesk_domain::warranty::decision::LineVerdict;
use claimdesk_domain::warranty::goodwill::GoodwillSplit;
use claimdesk_domain::warranty::lines::LineInput;
use claimdesk_domain::warranty::settings::BrandSettings;
use claimdesk_domain::{Violation, Violations};
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
use crate::messages::{Catalog, Locale};

pub fn state_tag(state: &str) -> &'static str {
    match state {
        "draft" => "tag-grey",
        "checked" => "tag-blue",
        "submitted" | "resubmitted" => "tag-orange",
        "approved" | "settled" => "tag-green",
        "partly_approved" => "tag-blue",
        "rejected" | "returned" => "tag-red",
        _ => "tag-grey",
    }
}

fn states() -> Vec<&'static str> {
    ClaimState::ALL.iter().map(|s| s.as_str()).collect()
}

fn kinds() -> Vec<&'static str> {
    ClaimKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn money_or_dash(money: Option<Money>) -> String {
    money.map(Money::display_cny).unwrap_or_else(|| "—".into())
}

pub fn claim_table(locale: Locale, claims: &[ClaimView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("wc.number")),
            Column::new(t("wc.repair_date")),
            Column::new("VIN"),
            Column::new(t("wc.kind")),
            Column::new(t("wc.failure_code")),
            Column::right(t("wc.claimed")),
            Column::right(t("wc.approved")),
            Column::new(t("wc.state")),
        ],
        rows: claims
            .iter()
            .map(|claim| Row {
                cells: vec![
                    Cell { href: Some(format!("/warranty-claims/{}", claim.id)), ..Cell::mono(claim.number.clone()) },
                    Cell::mono(claim.repair_date.clone()),
                    Cell::mono(claim.vin.clone()),
                    Cell::text(t(&format!("wc.kind.{}", claim.kind))),
                    Cell::mono(claim.failure_code.clone()),
                    Cell::money(claim.amounts.total.display_cny()),
                    Cell::money(money_or_dash(claim.approved)),
                    Cell::tag(t(&format!("wc.state.{}", claim.state)), state_tag(&claim.state)),
                ],
                alert: claim.state == "returned",
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
    state: Option<String>,
    #[serde(default)]
    vin: Option<String>,
    #[serde(default)]
    failure_code: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    clerk_id: Option<String>,
    #[serde(default)]
    part_no: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ListParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> ClaimListQuery {
        ClaimListQuery {
            q: self.q.clone(),
            state: self.state.clone(),
            vin: self.vin.clone(),
            failure_code: self.failure_code.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            clerk_id: self.clerk_id.clone(),
            part_no: self.part_no.clone(),
            store_id: self.store_id.clone(),
            page,
            per_page: Some(per_page),
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!(
            "{path}?q={}&state={}&vin={}&failure_code={}&part_no={}&from={}&to={}&clerk_id={}&store_id={}&page={page}",
            get(&self.q),
            get(&self.state),
            get(&self.vin),
            get(&self.failure_code),
            get(&self.part_no),
            get(&self.from),
            get(&self.to),
            get(&self.clerk_id),
            get(&self.store_id)
        )
    }
}

pub async fn export(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let fetch = |page| warranty::list(&state.app, &who.actor, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, "nav.warranty_claims"), "warranty-claims.xlsx", fetch, |items| {
        claim_table(locale, items)
    })
    .await
    .unwrap_or_else(|error| error_page(locale, error))
}

pub async fn list(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    let locale = who.locale;
    let page = match warranty::list(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "nav.warranty_claims", "/warranty-claims").flash(params.flash.as_deref());
    let mut state_options = vec![(String::new(), label(locale, "form.choose"))];
    state_options.extend(options(locale, "wc.state", &states()));
    let text = |name: &str, key: &str, value: &Option<String>, placeholder: &str| Filter {
        name: name.into(),
        label: label(locale, key),
        value: value.clone().unwrap_or_default(),
        placeholder: placeholder.into(),
        ..Filter::default()
    };
    let mut filters = vec![
        text("q", "wc.number", &params.q, "WC2024…"),
        text("vin", "wc.vin", &params.vin, "LHG…"),
        Filter {
            name: "state".into(),
            label: label(locale, "wc.state"),
            value: params.state.clone().unwrap_or_default(),
            options: state_options,
            ..Filter::default()
        },
        text("failure_code", "wc.failure_code", &params.failure_code, ""),
        text("part_no", "wcf.part_no", &params.part_no, "12251-…"),
        text("from", "wc.from", &params.from, "2024-01-01"),
        text("to", "wc.to", &params.to, "2024-12-31"),
    ];
    // The archive search by clerk: the people of the current store.
    if let Some(store) = &who.actor.current_store {
        let mut clerks = vec![(String::new(), label(locale, "form.choose"))];
        clerks.extend(claimdesk_app::org::users::staff_of(&state.app, &who.actor, store).await.unwrap_or_default());
        filters.push(Filter {
            name: "clerk_id".into(),
            label: label(locale, "wcf.clerk"),
            value: params.clerk_id.clone().unwrap_or_default(),
            options: clerks,
            ..Filter::default()
        });
    }
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    let link = |n: i64| params.link("/warranty-claims", n);
    let view = ListView {
        title: label(locale, "nav.warranty_claims"),
        action_path: "/warranty-claims".into(),
        filters,
        actions: vec![
            Action::link(label(locale, "wc.new"), "/repair-orders?kind=warranty").primary(),
            Action::link(label(locale, "action.export"), params.link("/warranty-claims.xlsx", 1)),
        ],
        table: claim_table(locale, &page.items),
        pager: pager(locale, &page, link),
    };
    list_page(&ctx, &view)
}

const LINE_COLUMNS: [&str; 9] =
    ["kind", "code", "description", "hours", "quantity", "unit_price", "role", "supplier_code", "amount"];

fn line_count(form: &FormData) -> usize {
    form.0.iter().filter(|(k, _)| k.starts_with("lines[") && k.ends_with("].kind")).count()
}

fn line_fields(locale: Locale, index: usize, form: &FormData) -> Vec<Field> {
    let t = |key: &str| label(locale, key);
    let get = |name: &str| form.get(&format!("lines[{index}].{name}")).to_string();
    let mut kinds = vec![(String::new(), String::new())];
    kinds.extend(options(locale, "wc.line_kind", &["labor", "part", "sublet"]));
    let mut roles = vec![(String::new(), String::new())];
    roles.extend(options(locale, "wc.role", &["causal", "consequential"]));
    LINE_COLUMNS
        .iter()
        .map(|column| {
            let field = Field {
                name: format!("lines[{index}].{column}"),
                ..Field::text("", t(&format!("wc.line.{column}")), get(column))
            };
            match *column {
                "kind" => field.options(kinds.clone()),
                "role" => field.options(roles.clone()),
                "code" | "supplier_code" => field.code(),
                _ => field,
            }
        })
        .collect()
}

fn percent_field(locale: Locale, form: &FormData, name: &str) -> Field {
    Field::text(name, label(locale, &format!("wc.{name}")), form.get(name)).kind("number")
}

fn claim_form(
    locale: Locale,
    form: &FormData,
    action: String,
    title: String,
    order_label: &str,
    codes: &[(String, String)],
    cancel: String,
) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let mut code_options = vec![(String::new(), t("form.choose"))];
    code_options.extend(codes.iter().cloned());
    let failure = if codes.is_empty() {
        Field::text("failure_code", t("wc.failure_code"), value("failure_code")).code()
    } else {
        Field::text("failure_code", t("wc.failure_code"), value("failure_code")).options(code_options)
    };
    let head = vec![
        Field::text("repair_order_id", "", value("repair_order_id")).kind("hidden"),
        Field::text("version", "", value("version")).kind("hidden"),
        Field::text("order_label", t("wc.repair_order"), order_label).hint(t("wc.order_hint")),
        Field::text("kind", t("wc.kind"), value("kind")).options(options(locale, "wc.kind", &kinds())).required(),
        Field::text("repair_date", t("wc.repair_date"), value("repair_date")).kind("date").required(),
        Field::text("mileage", t("wc.mileage"), value("mileage")).kind("number").required(),
        failure,
        Field::text("checklist_done", t("wc.checklist_done"), value("checklist_done")).kind("checkbox"),
    ];
    let fault = vec![
        Field::text("symptom", t("wc.symptom"), value("symptom")).kind("textarea").wide(),
        Field::text("cause", t("wc.cause"), value("cause")).kind("textarea").wide(),
        Field::text("correction", t("wc.correction"), value("correction")).kind("textarea").wide(),
    ];
    let goodwill = vec![
        percent_field(locale, form, "manufacturer_percent"),
        percent_field(locale, form, "dealer_percent"),
        percent_field(locale, form, "customer_percent"),
    ];
    let rows = (0..(line_count(form) + 2).max(6)).map(|i| line_fields(locale, i, form)).collect();
    FormView {
        title,
        action,
        groups: vec![
            FieldGroup { title: t("wc.section.claim"), fields: head },
            FieldGroup { title: t("wc.section.fault"), fields: fault },
            FieldGroup { title: t("wc.section.goodwill"), fields: goodwill },
        ],
        lines: vec![LineTable {
            title: t("wc.section.lines"),
            columns: LINE_COLUMNS.iter().map(|c| t(&format!("wc.line.{c}"))).collect(),
            rows,
        }],
        submit: t("action.save"),
        cancel_href: Some(cancel),
        ..FormView::default()
    }
}

/// The form's values from a claim input.
fn form_of(input: &ClaimInput) -> FormData {
    let mut pairs = vec![
        ("repair_order_id".to_string(), input.repair_order_id.clone()),
        ("version".into(), input.version.map(|v| v.to_string()).unwrap_or_default()),
        ("kind".into(), if input.kind.is_empty() { "repair".into() } else { input.kind.clone() }),
        ("repair_date".into(), input.repair_date.clone().unwrap_or_default()),
        ("mileage".into(), input.mileage.map(|m| m.to_string()).unwrap_or_default()),
        ("failure_code".into(), input.failure_code.clone()),
        ("checklist_done".into(), if input.checklist_done { "1".into() } else { String::new() }),
        ("symptom".into(), input.symptom.clone()),
        ("cause".into(), input.cause.clone()),
        ("correction".into(), input.correction.clone()),
    ];
    if let Some(split) = &input.goodwill {
        pairs.push(("manufacturer_percent".into(), split.manufacturer_percent.normalize().to_string()));
        pairs.push(("dealer_percent".into(), split.dealer_percent.normalize().to_string()));
        pairs.push(("customer_percent".into(), split.customer_percent.normalize().to_string()));
    }
    for (index, line) in input.lines.iter().flatten().enumerate() {
        let at = |name: &str| format!("lines[{index}].{name}");
        let code = if line.part_no.is_empty() { line.code.clone() } else { line.part_no.clone() };
        for (name, value) in [
            ("kind", line.kind.clone()),
            ("code", code),
            ("description", line.description.clone()),
            ("hours", line.hours.clone().unwrap_or_default()),
            ("quantity", line.quantity.clone().unwrap_or_default()),
            ("unit_price", line.unit_price.clone().unwrap_or_default()),
            ("role", line.role.clone()),
            ("supplier_code", line.supplier_code.clone()),
            ("amount", line.amount.clone().unwrap_or_default()),
        ] {
            pairs.push((at(name), value));
        }
    }
    FormData(pairs)
}

/// The rows of the line table that hold a line (a row without a kind is unused).
fn filled_rows(form: &FormData) -> Vec<usize> {
    (0..line_count(form)).filter(|i| !form.get(&format!("lines[{i}].kind")).trim().is_empty()).collect()
}

fn input_of(form: &FormData) -> ClaimInput {
    let lines = filled_rows(form)
        .into_iter()
        .map(|i| {
            let get = |name: &str| form.get(&format!("lines[{i}].{name}")).trim().to_string();
            let opt = |name: &str| Some(get(name)).filter(|v| !v.is_empty());
            LineInput {
                kind: get("kind"),
                code: get("code"),
                description: get("description"),
                hours: opt("hours"),
                quantity: opt("quantity"),
                unit_price: opt("unit_price"),
                role: get("role"),
                supplier_code: get("supplier_code"),
                amount: opt("amount"),
                ..LineInput::default()
            }
        })
        .collect();
    let percent = |name: &str| form.get(name).trim().parse().ok();
    let goodwill = match (percent("manufacturer_percent"), percent("dealer_percent"), percent("customer_percent")) {
        (Some(m), Some(d), Some(c)) => {
            Some(GoodwillSplit { manufacturer_percent: m, dealer_percent: d, customer_percent: c })
        }
        _ => None,
    };
    ClaimInput {
        repair_order_id: form.get("repair_order_id").into(),
        kind: form.get("kind").into(),
        symptom: form.get("symptom").into(),
        cause: form.get("cause").into(),
        correction: form.get("correction").into(),
        failure_code: form.get("failure_code").into(),
        mileage: form.int("mileage"),
        repair_date: form.opt("repair_date"),
        checklist_done: form.get("checklist_done") == "1",
        lines: Some(lines),
        goodwill,
        version: form.int("version"),
    }
}

/// Line errors name the line among the filled rows; put them back on the rows on screen.
fn map_line_errors(violations: &mut Violations, filled: &[usize]) {
    for violation in &mut violations.0 {
        if let Some(rest) = violation.field.strip_prefix("lines[")
            && let Some((index, tail)) = rest.split_once(']')
            && let Ok(index) = index.parse::<usize>()
            && let Some(row) = filled.get(index)
        {
            violation.field = format!("lines[{row}]{tail}");
        }
        if violation.field.starts_with("goodwill") || violation.field.ends_with("_percent") {
            violation.field = "manufacturer_percent".into();
        }
    }
}

/// The repair order's label and its brand's failure codes, for the form.
async fn order_context(
    state: &AppState,
    who: &UiActor,
    order_id: &str,
) -> Result<(String, Vec<(String, String)>), AppError> {
    let order = repair_orders::get(&state.app, &who.actor, order_id).await?;
    let vehicle = vehicles::get(&state.app, &who.actor, &order.vehicle_id).await?.vehicle;
    let label = format!("{} · {} {} {}", order.number, vehicle.plate, vehicle.vin, vehicle.model);
    let codes = warranty::brand_settings(&state.app, &who.actor, &vehicle.brand, "")
        .await
        .map(|settings| {
            settings
                .failure_codes
                .into_iter()
                .map(|c| (c.code.clone(), format!("{} {}", c.code, c.description)))
                .collect()
        })
        .unwrap_or_default();
    Ok((label, codes))
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    repair_order_id: String,
}

pub async fn new(State(state): State<AppState>, who: UiActor, Query(params): Query<NewParams>) -> Response {
    let locale = who.locale;
    let draft = match warranty::draft_from_order(&state.app, &who.actor, &params.repair_order_id).await {
        Ok(draft) => draft,
        Err(error) => return error_page(locale, error),
    };
    let (order_label, codes) = match order_context(&state, &who, &params.repair_order_id).await {
        Ok(context) => context,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "wc.new", "/warranty-claims");
    let view = claim_form(
        locale,
        &form_of(&draft),
        "/warranty-claims".into(),
        label(locale, "wc.new"),
        &order_label,
        &codes,
        format!("/repair-orders/{}", params.repair_order_id),
    );
    form_page(&ctx, &view, StatusCode::OK)
}

pub async fn create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match warranty::create(&state.app, &who.actor, input_of(&form)).await {
        Ok(claim) => see_other(&format!("/warranty-claims/{}", claim.id), "form.saved"),
        Err(AppError::Invalid(mut violations)) => {
            map_line_errors(&mut violations, &filled_rows(&form));
            let (order_label, codes) =
                order_context(&state, &who, form.get("repair_order_id")).await.unwrap_or_default();
            let ctx = Ctx::new(&who, "wc.new", "/warranty-claims");
            let mut view = claim_form(
                who.locale,
                &form,
                "/warranty-claims".into(),
                label(who.locale, "wc.new"),
                &order_label,
                &codes,
                format!("/repair-orders/{}", form.get("repair_order_id")),
            );
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn edit(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let claim = match warranty::get(&state.app, &who.actor, &id).await {
        Ok(claim) => claim,
        Err(error) => return error_page(locale, error),
    };
    let (order_label, codes) = order_context(&state, &who, &claim.repair_order_id).await.unwrap_or_default();
    let ctx = Ctx::new(&who, "wc.edit", "/warranty-claims").titled(claim.number.clone());
    let view = claim_form(
        locale,
        &form_of(&claim.to_input()),
        format!("/warranty-claims/{id}"),
        format!("{} {}", label(locale, "wc.edit"), claim.number),
        &order_label,
        &codes,
        format!("/warranty-claims/{id}"),
    );
    form_page(&ctx, &view, StatusCode::OK)
}

pub async fn update(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match warranty::update(&state.app, &who.actor, &id, input_of(&form)).await {
        Ok(claim) => see_other(&format!("/warranty-claims/{}", claim.id), "form.saved"),
        Err(AppError::Invalid(mut violations)) => {
            map_line_errors(&mut violations, &filled_rows(&form));
            let (order_label, codes) =
                order_context(&state, &who, form.get("repair_order_id")).await.unwrap_or_default();
            let ctx = Ctx::new(&who, "wc.edit", "/warranty-claims");
            let mut view = claim_form(
                who.locale,
                &form,
                format!("/warranty-claims/{id}"),
                label(who.locale, "wc.edit"),
                &order_label,
                &codes,
                format!("/warranty-claims/{id}"),
            );
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn line_table(locale: Locale, claim: &ClaimView, decided: bool) -> Table {
    let t = |key: &str| label(locale, key);
    let mut columns = vec![
        Column::new("#"),
        Column::new(t("wc.line.code")),
        Column::new(t("wc.line.description")),
        Column::right(t("wc.line.hours_quantity")),
        Column::right(t("wc.line.standard")),
        Column::new(t("wc.line.role")),
        Column::right(t("wc.line.amount")),
    ];
    if decided {
        columns.push(Column::new(t("wc.line.verdict")));
        columns.push(Column::right(t("wc.approved")));
        columns.push(Column::new(t("wc.line.reason")));
    }
    let mut rows: Vec<Row> = claim
        .lines
        .iter()
        .map(|line| {
            let over_standard = matches!((&line.hours, &line.standard_hours), (Some(h), Some(s))
                if h.parse::<f64>().unwrap_or(0.0) > s.parse::<f64>().unwrap_or(0.0));
            let over_price = matches!((line.unit_price, line.catalogue_price), (Some(p), Some(c)) if p > c);
            let standard = match (&line.standard_hours, line.catalogue_price) {
                (Some(hours), _) => hours.clone(),
                (None, Some(price)) => price.display_cny(),
                _ => "—".into(),
            };
            // Hours for labour; quantity × unit price for parts.
            let amount_basis = match (&line.hours, &line.quantity, line.unit_price) {
                (Some(hours), _, _) => hours.clone(),
                (None, Some(quantity), Some(price)) => format!("{quantity} × {}", price.display_cny()),
                _ => String::new(),
            };
            let mut cells = vec![
                Cell::text(format!("{} {}", line.line_no, t(&format!("wc.line_kind.{}", line.kind)))),
                Cell::mono(line.code.clone()),
                Cell::text(line.description.clone()),
                Cell { right: true, ..Cell::text(amount_basis) },
                Cell { right: true, ..Cell::text(standard) },
                Cell::text(if line.role.is_empty() {
                    String::new()
                } else {
                    let role = t(&format!("wc.role.{}", line.role));
                    if line.supplier_code.is_empty() { role } else { format!("{role} · {}", line.supplier_code) }
                }),
                Cell::money(line.amount.display_cny()),
            ];
            if decided {
                cells.push(match &line.verdict {
                    Some(verdict) => Cell::tag(
                        t(&format!("wc.verdict.{verdict}")),
                        if verdict == "approved" { "tag-green" } else { "tag-red" },
                    ),
                    None => Cell::text("—"),
                });
                cells.push(Cell::money(money_or_dash(line.approved)));
                cells.push(Cell::text(line.verdict_reason.clone()));
            }
            Row { cells, alert: over_standard || over_price }
        })
        .collect();
    let mut total = vec![Cell::text(t("wc.total"))];
    total.extend((0..5).map(|_| Cell::text("")));
    total.push(Cell::money(claim.amounts.total.display_cny()));
    if decided {
        total.push(Cell::text(""));
        total.push(Cell::money(money_or_dash(claim.approved)));
        total.push(Cell::text(""));
    }
    rows.push(Row { cells: total, alert: false });
    Table { columns, rows, empty: t("list.empty") }
}

fn finding_message(locale: Locale, finding: &warranty::FindingView) -> String {
    let catalog = Catalog::get();
    let params: Vec<(&str, &str)> = finding.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    catalog.format(locale, &finding.code, params)
}

fn findings_table(locale: Locale, claim: &ClaimView) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("wc.finding.rule")),
            Column::new(t("wc.finding.severity")),
            Column::new(t("wc.finding.message")),
            Column::new(t("wc.finding.override")),
        ],
        rows: claim
            .findings
            .iter()
            .map(|finding| {
                let overridden = claim.overrides.get(&finding.rule).cloned().unwrap_or_default();
                let tag = match finding.severity.as_str() {
                    "block" => "tag-red",
                    _ if !overridden.is_empty() => "tag-green",
                    _ => "tag-orange",
                };
                Row {
                    cells: vec![
                        Cell::mono(finding.rule.clone()),
                        Cell::tag(t(&format!("wc.severity.{}", finding.severity)), tag),
                        Cell::text(finding_message(locale, finding)),
                        Cell::text(overridden),
                    ],
                    alert: finding.severity == "block",
                }
            })
            .collect(),
        empty: t("wc.no_findings"),
    }
}

/// The form that runs the checks, with a reason field for each warning that still needs one.
fn check_form(locale: Locale, claim: &ClaimView) -> FormView {
    let t = |key: &str| label(locale, key);
    let fields = claim
        .findings
        .iter()
        .filter(|f| f.severity == "warn")
        .map(|f| {
            let name = format!("override.{}", f.rule);
            Field::text(
                &name,
                format!("{} · {}", t("wc.override_reason"), f.rule),
                claim.overrides.get(&f.rule).cloned().unwrap_or_default(),
            )
            .hint(finding_message(locale, f))
        })
        .collect();
    FormView {
        title: String::new(),
        action: format!("/warranty-claims/{}/do/check", claim.id),
        groups: vec![FieldGroup { title: String::new(), fields }],
        submit: t("wc.action.check"),
        ..FormView::default()
    }
}

fn reason_form(locale: Locale, claim: &ClaimView) -> FormView {
    FormView {
        action: format!("/warranty-claims/{}/do/return", claim.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![Field::text("reason", label(locale, "wc.return_reason"), "").required().wide()],
        }],
        submit: label(locale, "wc.action.return"),
        ..FormView::default()
    }
}

fn at_text(value: &Option<String>) -> String {
    value.as_deref().map(|s| s.replace('T', " ").chars().take(16).collect()).unwrap_or_else(|| "—".into())
}

fn claim_pairs(locale: Locale, claim: &ClaimView) -> Vec<(String, String)> {
    let t = |key: &str| label(locale, key);
    let mut pairs = vec![
        (t("wc.number"), claim.number.clone()),
        (t("wc.kind"), t(&format!("wc.kind.{}", claim.kind))),
        (t("wc.repair_date"), claim.repair_date.clone()),
        (t("wc.mileage"), claim.mileage.to_string()),
        (t("wc.labor_rate"), claim.labor_rate.display_cny()),
        (t("wc.claimed"), claim.amounts.total.display_cny()),
        (t("wc.approved"), money_or_dash(claim.approved)),
        (t("wc.content_version"), claim.content_version.to_string()),
        (t("wc.returns"), format!("{} / {}", claim.returns, claim.resubmissions)),
        (t("wc.submitted_at"), at_text(&claim.submitted_at)),
        (t("wc.decided_at"), at_text(&claim.decided_at)),
        (t("wc.settled_at"), at_text(&claim.settled_at)),
    ];
    if claim.preauth_required {
        pairs.push((t("wc.preauth"), t("wc.preauth_required")));
    }
    if let Some(goodwill) = &claim.goodwill {
        let share = |name: &str| goodwill["shares"][name].as_str().unwrap_or("").to_string();
        pairs.push((
            t("wc.section.goodwill"),
            format!(
                "{} ¥{} · {} ¥{} · {} ¥{}",
                t("wc.manufacturer_percent"),
                share("manufacturer"),
                t("wc.dealer_percent"),
                share("dealer"),
                t("wc.customer_percent"),
                share("customer")
            ),
        ));
        let approver = goodwill["approver"].as_str().map(|role| t(&format!("role.{role}")));
        pairs.push((t("wc.goodwill_approver"), approver.unwrap_or_else(|| t("wc.goodwill_manufacturer"))));
    }
    pairs
}

fn eligibility_pairs(locale: Locale, claim: &ClaimView) -> Vec<(String, String)> {
    let t = |key: &str| label(locale, key);
    let catalog = Catalog::get();
    let basis = &claim.eligibility_basis;
    let decision = if claim.eligibility.is_empty() {
        t("wc.eligibility_unknown")
    } else if catalog.contains(&claim.eligibility) {
        catalog.text(locale, &claim.eligibility).to_string()
    } else {
        claim.eligibility.clone()
    };
    let output = &basis["output"];
    let period = |name: &str| {
        let limit = &output["periods"][name];
        match (limit["last_day"].as_str(), limit["km_limit"].as_u64()) {
            (Some(day), Some(km)) => format!("{day} / {km} km"),
            _ => "—".into(),
        }
    };
    let mut pairs = vec![
        ("VIN".to_string(), claim.vin.clone()),
        (t("wc.brand"), claim.brand.clone()),
        (t("wc.eligibility"), decision),
        (t("wc.inside_periods"), t(if claim.inside_periods { "form.yes" } else { "form.no" })),
        (t("wc.sanbao_until"), period("sanbao")),
        (t("wc.warranty_until"), period("warranty")),
    ];
    if let Some(article) = output["decision"]["article"].as_str() {
        pairs.push((t("wc.article"), article.to_string()));
    }
    if output["fitted_part"].is_object() {
        let fitted = &output["fitted_part"];
        pairs.push((
            t("wc.fitted_part"),
            format!("{} / {} km", fitted["last_day"].as_str().unwrap_or(""), fitted["km_limit"]),
        ));
    }
    pairs
}

fn returns_table(locale: Locale, claim: &ClaimView) -> Table {
    let t = |key: &str| label(locale, key);
    let mut rows: Vec<Row> = claim
        .return_reasons
        .iter()
        .map(|r| Row {
            cells: vec![
                Cell::text(format!("{} #{}", t("wc.state.returned"), r.seq)),
                Cell::mono(at_text(&Some(r.returned_at.clone()))),
                Cell::text(r.reason.clone()),
                Cell::mono(at_text(&r.resubmitted_at)),
            ],
            alert: r.resubmitted_at.is_none(),
        })
        .collect();
    rows.extend(claim.versions.iter().map(|v| Row {
        cells: vec![
            Cell::text(format!("{} v{}", t("wc.version"), v.version_no)),
            Cell::mono(at_text(&Some(v.created_at.clone()))),
            Cell::text(format!(
                "{} · {} {}",
                v.content["failure_code"].as_str().unwrap_or(""),
                t("wc.claimed"),
                v.content["amounts"]["total"].as_str().unwrap_or("")
            )),
            Cell::text(""),
        ],
        alert: false,
    }));
    Table {
        columns: vec![
            Column::new(t("wc.history.what")),
            Column::new(t("wc.history.when")),
            Column::new(t("wc.history.detail")),
            Column::new(t("wc.history.resubmitted")),
        ],
        rows,
        empty: t("list.empty"),
    }
}

pub async fn show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let claim = match warranty::get(&state.app, &who.actor, &id).await {
        Ok(claim) => claim,
        Err(error) => return error_page(locale, error),
    };
    let history =
        audit::history(&state.app, "warranty_claim", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let zone = who.actor.time_zone(&claim.store_id).to_string();
    let t = |key: &str| label(locale, key);
    let mut actions = Vec::new();
    for action in &claim.actions {
        let button = match *action {
            // The check runs from its card, where warnings get their reasons.
            "check" => continue,
            "decide" => Action::link(t("wc.action.decide"), format!("/warranty-claims/{id}/decide")).primary(),
            "return" => continue,
            "cancel" => Action::post(t("wc.action.cancel"), format!("/warranty-claims/{id}/do/cancel"))
                .confirm(t("wc.confirm_cancel")),
            "submit" | "resubmit" | "settle" => {
                Action::post(t(&format!("wc.action.{action}")), format!("/warranty-claims/{id}/do/{action}")).primary()
            }
            other => Action::post(t(&format!("wc.action.{other}")), format!("/warranty-claims/{id}/do/{other}")),
        };
        actions.push(button);
    }
    let editable = matches!(claim.state.as_str(), "draft" | "checked" | "returned" | "rejected" | "partly_approved");
    if editable {
        actions.push(Action::link(t("action.edit"), format!("/warranty-claims/{id}/edit")));
    }
    actions.push(Action::link(t("action.print"), format!("/warranty-claims/{id}/print")));
    if ClaimState::parse(&claim.state).is_some_and(ClaimState::is_submitted) {
        actions.push(Action::link(t("pr.print_labels"), format!("/part-tags/labels?claim_id={id}")));
    }
    let mut sections = vec![
        Section {
            title: t("wc.section.vehicle"),
            pairs: eligibility_pairs(locale, &claim),
            actions: vec![
                Action::link(t("wc.full_eligibility"), format!("/sanbao?vehicle_id={}", claim.vehicle_id)),
                Action::link(t("wc.repair_order"), format!("/repair-orders/{}", claim.repair_order_id)),
            ],
            ..Section::default()
        },
        Section { title: t("wc.section.claim"), pairs: claim_pairs(locale, &claim), ..Section::default() },
        Section {
            title: t("wc.section.fault"),
            pairs: vec![
                (t("wc.failure_code"), claim.failure_code.clone()),
                (t("wc.symptom"), claim.symptom.clone()),
                (t("wc.cause"), claim.cause.clone()),
                (t("wc.correction"), claim.correction.clone()),
                (t("wc.checklist_done"), t(if claim.checklist_done { "form.yes" } else { "form.no" })),
            ],
            ..Section::default()
        },
        Section {
            title: t("wc.section.lines"),
            table: Some(line_table(locale, &claim, claim.lines.iter().any(|l| l.verdict.is_some()))),
            ..Section::default()
        },
        Section {
            title: t("wc.section.findings"),
            table: Some(findings_table(locale, &claim)),
            form: claim.actions.contains(&"check").then(|| check_form(locale, &claim)),
            ..Section::default()
        },
    ];
    sections.extend(super::warranty_flow::goodwill_section(locale, &claim));
    // Photos, invoices and checklists: the mis-claim checks read them (photo missing, checklist, reused files).
    let owner = claimdesk_app::attachments::Owner::new(claimdesk_domain::attachment::OwnerKind::WarrantyClaim, &id);
    sections.push(
        super::attachments::section(&state, &who, owner, &claim.store_id, &format!("/warranty-claims/{id}")).await,
    );
    if claim.actions.contains(&"return") {
        sections.push(Section {
            title: t("wc.action.return"),
            form: Some(reason_form(locale, &claim)),
            ..Section::default()
        });
    }
    let debits = claimdesk_app::parts_return::debits_of_claim(&state.app, &who.actor, &id).await.unwrap_or_default();
    if !debits.is_empty() {
        sections.push(Section {
            title: t("pr.section.debits"),
            table: Some(super::returns::debits_table(locale, &debits)),
            ..Section::default()
        });
    }
    sections.push(Section {
        title: t("wc.section.history"),
        table: Some(returns_table(locale, &claim)),
        ..Section::default()
    });
    let mut ctx =
        Ctx::new(&who, "wc.title", "/warranty-claims").titled(claim.number.clone()).flash(flash.flash.as_deref());
    ctx.alerts = super::campaigns::alerts(&state, &who, vec![claim.vin.clone()]).await;
    let view = DetailView {
        title: format!("{} {}", t("wc.title"), claim.number),
        subtitle: format!("{} · {}", claim.vin, t(&format!("wc.kind.{}", claim.kind))),
        state: Some((t(&format!("wc.state.{}", claim.state)), state_tag(&claim.state).into())),
        actions,
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

/// A state change from the claim page; the checks save their findings and come back to the page.
pub async fn action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { who, form } = posted;
    let back = format!("/warranty-claims/{id}");
    if action == "check" {
        let overrides: BTreeMap<String, String> = form
            .0
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("override.").map(|rule| (rule.to_string(), v.trim().to_string())))
            .collect();
        return match warranty::check(&state.app, &who.actor, &id, overrides).await {
            Ok(outcome) if outcome.passed => see_other(&back, "wc.check_passed"),
            Ok(_) => see_other(&back, "wc.check_stopped"),
            Err(error) => error_page(who.locale, error),
        };
    }
    let input = ActionInput { reason: form.get("reason").to_string(), ..ActionInput::default() };
    match warranty::act(&state.app, &who.actor, &id, &action, input).await {
        Ok(_) => see_other(&back, "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let catalog = Catalog::get();
            let messages: Vec<String> = violations.iter().map(|v| catalog.violation(who.locale, v)).collect();
            let ctx = Ctx::new(&who, "wc.title", "/warranty-claims");
            let view = DetailView {
                title: label(who.locale, "form.errors"),
                sections: vec![Section {
                    title: label(who.locale, &format!("wc.action.{action}")),
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
        Err(error) => error_page(who.locale, error),
    }
}

fn decide_view(locale: Locale, claim: &ClaimView, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let verdicts = options(locale, "wc.verdict", &["approved", "cut", "deducted"]);
    let groups = claim
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let name = |field: &str| format!("lines[{index}].{field}");
            let verdict = form.get(&name("verdict"));
            FieldGroup {
                title: format!(
                    "{}. {} {} {} · {}",
                    line.line_no,
                    t(&format!("wc.line_kind.{}", line.kind)),
                    line.code,
                    line.description,
                    line.amount.display_cny()
                ),
                fields: vec![
                    Field::text(
                        &name("verdict"),
                        t("wc.line.verdict"),
                        if verdict.is_empty() { "approved" } else { verdict },
                    )
                    .options(verdicts.clone()),
                    Field::text(&name("amount"), t("wc.cut_amount"), form.get(&name("amount"))),
                    Field::text(&name("reason"), t("wc.line.reason"), form.get(&name("reason"))).wide(),
                ],
            }
        })
        .collect();
    FormView {
        title: format!("{} {}", t("wc.action.decide"), claim.number),
        action: format!("/warranty-claims/{}/decide", claim.id),
        groups,
        submit: t("wc.action.decide"),
        cancel_href: Some(format!("/warranty-claims/{}", claim.id)),
        ..FormView::default()
    }
}

pub async fn decide_form(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let claim = match warranty::get(&state.app, &who.actor, &id).await {
        Ok(claim) => claim,
        Err(error) => return error_page(who.locale, error),
    };
    let ctx = Ctx::new(&who, "wc.action.decide", "/warranty-claims").titled(claim.number.clone());
    form_page(&ctx, &decide_view(who.locale, &claim, &FormData(Vec::new())), StatusCode::OK)
}

pub async fn decide(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let claim = match warranty::get(&state.app, &who.actor, &id).await {
        Ok(claim) => claim,
        Err(error) => return error_page(who.locale, error),
    };
    let mut violations = Violations::new();
    let lines: Vec<LineVerdict> = (0..claim.lines.len())
        .filter_map(|index| {
            let get = |name: &str| form.get(&format!("lines[{index}].{name}")).trim().to_string();
            match get("verdict").as_str() {
                "cut" => {
                    let amount = violations.check(Money::parse(&format!("lines[{index}].amount"), &get("amount")))?;
                    Some(LineVerdict::Cut { amount, reason: get("reason") })
                }
                "deducted" => Some(LineVerdict::Deducted { reason: get("reason") }),
                _ => Some(LineVerdict::Approved),
            }
        })
        .collect();
    let result = if violations.is_empty() {
        warranty::act(&state.app, &who.actor, &id, "decide", ActionInput { lines, ..ActionInput::default() }).await
    } else {
        Err(AppError::Invalid(violations))
    };
    match result {
        Ok(_) => see_other(&format!("/warranty-claims/{id}"), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "wc.action.decide", "/warranty-claims");
            let mut view = decide_view(who.locale, &claim, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// The claim (索赔申请单) as the manufacturer's paper form has it.
pub async fn print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let claim = match warranty::get(&state.app, &who.actor, &id).await {
        Ok(claim) => claim,
        Err(error) => return error_page(locale, error),
    };
    let zone = who.actor.time_zone(&claim.store_id).to_string();
    let t = |key: &str| label(locale, key);
    let view = PrintView {
        title: t("wc.print_title"),
        store_name: who.actor.store(&claim.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: claim.number.clone(),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections: vec![
            Section { title: t("wc.section.vehicle"), pairs: eligibility_pairs(locale, &claim), ..Section::default() },
            Section { title: t("wc.section.claim"), pairs: claim_pairs(locale, &claim), ..Section::default() },
            Section {
                title: t("wc.section.fault"),
                pairs: vec![
                    (t("wc.failure_code"), claim.failure_code.clone()),
                    (t("wc.symptom"), claim.symptom.clone()),
                    (t("wc.cause"), claim.cause.clone()),
                    (t("wc.correction"), claim.correction.clone()),
                ],
                ..Section::default()
            },
            Section {
                title: t("wc.section.lines"),
                table: Some(line_table(locale, &claim, claim.lines.iter().any(|l| l.verdict.is_some()))),
                ..Section::default()
            },
        ],
        signatures: vec![t("wc.sign_clerk"), t("wc.sign_manager")],
    };
    print_page(locale, &view)
}

pub async fn settings_list(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let locale = who.locale;
    let brands = match warranty::list_brands(&state.app, &who.actor).await {
        Ok(brands) => brands,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let table = Table {
        columns: vec![
            Column::new(t("wc.brand")),
            Column::new(t("wc.sanbao_period")),
            Column::new(t("wc.warranty_period")),
            Column::right(t("wc.labor_rate")),
            Column::right(t("wc.filing_window_days")),
            Column::right(t("wc.parts_count")),
            Column::new(t("wc.configured")),
        ],
        rows: brands
            .iter()
            .map(|b| Row {
                cells: vec![
                    Cell::link(b.brand.clone(), format!("/warranty/settings/{}", urlencode(&b.brand))),
                    Cell::text(format!("{} / {} km", b.settings.sanbao_months, b.settings.sanbao_km)),
                    Cell::text(format!("{} / {} km", b.settings.warranty_months, b.settings.warranty_km)),
                    Cell::money(b.settings.labor_rate.display_cny()),
                    Cell { right: true, ..Cell::text(b.settings.filing_window_days.to_string()) },
                    Cell { right: true, ..Cell::text(b.parts_count.to_string()) },
                    if b.configured {
                        Cell::tag(t("form.yes"), "tag-green")
                    } else {
                        Cell::tag(t("wc.not_configured"), "tag-orange")
                    },
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let ctx = Ctx::new(&who, "nav.warranty_settings", "/warranty/settings").flash(flash.flash.as_deref());
    let view = DetailView {
        title: t("nav.warranty_settings"),
        subtitle: t("wc.settings_subtitle"),
        sections: vec![Section { title: t("wc.brands"), table: Some(table), ..Section::default() }],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

const NUMBER_FIELDS: [&str; 7] = [
    "sanbao_months",
    "sanbao_km",
    "warranty_months",
    "warranty_km",
    "parts_warranty_months",
    "parts_warranty_km",
    "filing_window_days",
];

fn settings_form(locale: Locale, brand: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let mut fields: Vec<Field> = NUMBER_FIELDS
        .iter()
        .map(|name| Field::text(name, t(&format!("wc.{name}")), form.get(name)).kind("number").required())
        .collect();
    fields.push(Field::text("labor_rate", t("wc.labor_rate"), form.get("labor_rate")).required());
    fields.push(Field::text("preauth_threshold", t("wc.preauth_threshold"), form.get("preauth_threshold")));
    fields.push(
        Field::text("preauth_operations", t("wcf.preauth_operations"), form.get("preauth_operations"))
            .hint(t("wcf.preauth_operations_hint")),
    );
    fields.push(
        Field::text("goodwill_chain", t("wcf.goodwill_chain"), form.get("goodwill_chain"))
            .wide()
            .hint(t("wcf.goodwill_chain_hint")),
    );
    fields.push(
        Field::text(
            "checks.duplicate_window_days",
            t("wc.duplicate_window_days"),
            form.get("checks.duplicate_window_days"),
        )
        .kind("number"),
    );
    fields.push(
        Field::text(
            "checks.accident_window_days",
            t("wc.accident_window_days"),
            form.get("checks.accident_window_days"),
        )
        .kind("number"),
    );
    fields.push(Field::text("version", "", form.get("version")).kind("hidden"));
    let severities = options(locale, "wc.severity", &["block", "warn", "off"]);
    let rules = CheckRule::ALL
        .iter()
        .map(|rule| {
            let name = format!("severity.{}", rule.as_str());
            Field::text(&name, t(&format!("wc.rule.{}", rule.as_str())), form.get(&name)).options(severities.clone())
        })
        .collect();
    FormView {
        action: format!("/warranty/settings/{}", urlencode(brand)),
        groups: vec![
            FieldGroup { title: t("wc.section.periods"), fields },
            FieldGroup { title: t("wc.section.rules"), fields: rules },
        ],
        submit: t("action.save"),
        ..FormView::default()
    }
}

fn settings_values(settings: &BrandSettings, version: i64) -> FormData {
    let mut pairs: Vec<(String, String)> = vec![
        ("sanbao_months".into(), settings.sanbao_months.to_string()),
        ("sanbao_km".into(), settings.sanbao_km.to_string()),
        ("warranty_months".into(), settings.warranty_months.to_string()),
        ("warranty_km".into(), settings.warranty_km.to_string()),
        ("parts_warranty_months".into(), settings.parts_warranty_months.to_string()),
        ("parts_warranty_km".into(), settings.parts_warranty_km.to_string()),
        ("filing_window_days".into(), settings.filing_window_days.to_string()),
        ("labor_rate".into(), settings.labor_rate.to_string()),
        ("preauth_threshold".into(), settings.preauth_threshold.to_string()),
        ("preauth_operations".into(), settings.preauth_operations.join(", ")),
        ("goodwill_chain".into(), super::warranty_flow::chain_text(&settings.goodwill_chain)),
        ("checks.duplicate_window_days".into(), settings.checks.duplicate_window_days.to_string()),
        ("checks.accident_window_days".into(), settings.checks.accident_window_days.to_string()),
        ("version".into(), version.to_string()),
    ];
    for rule in CheckRule::ALL {
        let severity = match settings.checks.severity(rule) {
            Severity::Block => "block",
            Severity::Warn => "warn",
            Severity::Off => "off",
        };
        pairs.push((format!("severity.{}", rule.as_str()), severity.into()));
    }
    FormData(pairs)
}

fn import_form(locale: Locale, brand: &str) -> FormView {
    let t = |key: &str| label(locale, key);
    FormView {
        action: format!("/warranty/settings/{}/import", urlencode(brand)),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("catalogue", t("wc.catalogue"), "parts").options(options(
                    locale,
                    "wc.catalogue",
                    &["parts", "labor_ops", "failure_codes"],
                )),
                Field::text("rows", t("wc.import_rows"), "").kind("textarea").wide().hint(t("wc.import_hint")),
            ],
        }],
        submit: t("wc.import"),
        ..FormView::default()
    }
}

async fn render_settings(
    state: &AppState,
    who: &UiActor,
    brand: &str,
    form: Option<(FormData, Option<Violations>)>,
    flash: Option<&str>,
) -> Response {
    let locale = who.locale;
    let view = match warranty::brand_settings(&state.app, &who.actor, brand, "").await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let (values, errors) = form.unwrap_or_else(|| (settings_values(&view.settings, view.version), None));
    let mut settings = settings_form(locale, brand, &values);
    let status = match &errors {
        Some(violations) => {
            settings.apply_errors(violations, locale);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let ops = Table {
        columns: vec![
            Column::new(t("wc.line.code")),
            Column::new(t("wc.line.description")),
            Column::right(t("wc.line.standard")),
        ],
        rows: view
            .labor_ops
            .iter()
            .map(|op| Row {
                cells: vec![
                    Cell::mono(op.code.clone()),
                    Cell::text(op.description.clone()),
                    Cell {
                        right: true,
                        ..Cell::text(rust_decimal::Decimal::new(op.standard_hours_centi, 2).to_string())
                    },
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let codes = Table {
        columns: vec![
            Column::new(t("wc.failure_code")),
            Column::new(t("wc.line.description")),
            Column::new(t("wc.checklist_required")),
            Column::new(t("wc.photos_required")),
        ],
        rows: view
            .failure_codes
            .iter()
            .map(|c| Row {
                cells: vec![
                    Cell::mono(c.code.clone()),
                    Cell::text(c.description.clone()),
                    Cell::text(t(if c.checklist_required { "form.yes" } else { "form.no" })),
                    Cell::text(t(if c.photos_required { "form.yes" } else { "form.no" })),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let parts = Table {
        columns: vec![
            Column::new(t("wc.line.code")),
            Column::new(t("wc.line.description")),
            Column::right(t("wc.line.unit_price")),
            Column::new(t("wc.wear_part")),
            Column::new(t("wc.area")),
        ],
        rows: view
            .parts
            .iter()
            .map(|p| Row {
                cells: vec![
                    Cell::mono(p.part_no.clone()),
                    Cell::text(p.name.clone()),
                    Cell::money(Money::from_fen(p.price_fen).display_cny()),
                    Cell::text(t(if p.wear_part { "form.yes" } else { "form.no" })),
                    Cell::text(p.area.clone()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let ctx = Ctx::new(who, "nav.warranty_settings", "/warranty/settings").titled(brand.to_string()).flash(flash);
    let parts_title =
        Catalog::get().format(locale, "wc.parts_title", [("count", view.parts_count.to_string().as_str())]);
    let detail = DetailView {
        title: format!("{} · {brand}", t("nav.warranty_settings")),
        subtitle: t("wc.settings_subtitle"),
        state: Some(if view.configured {
            (t("wc.configured"), "tag-green".into())
        } else {
            (t("wc.not_configured"), "tag-orange".into())
        }),
        actions: vec![
            Action::link(t("pr.rules.title"), format!("/warranty/settings/{}/returns", urlencode(brand))),
            Action::link(t("sbc.brand_terms"), format!("/sanbao-terms/{}", crate::extract::urlencode(brand))),
            Action::link(t("action.back"), "/warranty/settings"),
        ],
        sections: vec![
            Section { title: t("wc.section.settings"), form: Some(settings), ..Section::default() },
            Section { title: t("wc.import"), form: Some(import_form(locale, brand)), ..Section::default() },
            Section { title: t("wc.labor_ops"), table: Some(ops), ..Section::default() },
            Section { title: t("wc.failure_codes"), table: Some(codes), ..Section::default() },
            Section { title: parts_title, table: Some(parts), ..Section::default() },
        ],
        ..DetailView::default()
    };
    let mut response = detail_page(&ctx, &detail);
    *response.status_mut() = status;
    response
}

pub async fn settings_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(brand): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    render_settings(&state, &who, &brand, None, flash.flash.as_deref()).await
}

fn settings_of_form(form: &FormData) -> Result<BrandSettings, Violations> {
    let mut violations = Violations::new();
    let mut settings = BrandSettings::default();
    let number = |violations: &mut Violations, name: &str| -> u32 {
        match form.get(name).trim().parse::<u32>() {
            Ok(value) => value,
            Err(_) => {
                violations.push(Violation::new(name, "number_format").with("found", form.get(name)));
                0
            }
        }
    };
    settings.sanbao_months = number(&mut violations, "sanbao_months");
    settings.sanbao_km = number(&mut violations, "sanbao_km");
    settings.warranty_months = number(&mut violations, "warranty_months");
    settings.warranty_km = number(&mut violations, "warranty_km");
    settings.parts_warranty_months = number(&mut violations, "parts_warranty_months");
    settings.parts_warranty_km = number(&mut violations, "parts_warranty_km");
    settings.filing_window_days = number(&mut violations, "filing_window_days");
    settings.checks.duplicate_window_days = i64::from(number(&mut violations, "checks.duplicate_window_days"));
    settings.checks.accident_window_days = i64::from(number(&mut violations, "checks.accident_window_days"));
    if let Some(rate) = violations.check(Money::parse("labor_rate", form.get("labor_rate"))) {
        settings.labor_rate = rate;
    }
    let threshold = form.get("preauth_threshold").trim();
    settings.preauth_threshold = if threshold.is_empty() {
        Money::ZERO
    } else {
        violations.check(Money::parse("preauth_threshold", threshold)).unwrap_or(Money::ZERO)
    };
    settings.preauth_operations = super::warranty_flow::list_text(form.get("preauth_operations"));
    if let Some(chain) = violations.check(super::warranty_flow::parse_chain(form.get("goodwill_chain"))) {
        settings.goodwill_chain = chain;
    }
    for rule in CheckRule::ALL {
        let severity = match form.get(&format!("severity.{}", rule.as_str())) {
            "block" => Severity::Block,
            "off" => Severity::Off,
            _ => Severity::Warn,
        };
        settings.checks.severity.insert(rule, severity);
    }
    violations.finish(|| settings)
}

pub async fn settings_save(State(state): State<AppState>, Path(brand): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let result = match settings_of_form(&form) {
        Ok(settings) => {
            let version = form.int("version").filter(|v| *v > 0);
            warranty::save_brand(&state.app, &who.actor, &brand, settings, version).await.map(|_| ())
        }
        Err(violations) => Err(AppError::Invalid(violations)),
    };
    match result {
        Ok(()) => see_other(&format!("/warranty/settings/{}", urlencode(&brand)), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            render_settings(&state, &who, &brand, Some((form, Some(violations))), None).await
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn settings_import(State(state): State<AppState>, Path(brand): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let kind = CatalogueKind::parse(form.get("catalogue")).unwrap_or(CatalogueKind::Parts);
    let rows = match crate::excel::read_rows(form.get("rows").as_bytes()) {
        Ok(rows) => rows,
        Err(violation) => return error_page(who.locale, AppError::invalid(violation)),
    };
    match warranty::import_catalogue(&state.app, &who.actor, &brand, kind, rows).await {
        Ok(_) => see_other(&format!("/warranty/settings/{}", urlencode(&brand)), "wc.imported"),
        Err(AppError::Invalid(violations)) => {
            let catalog = Catalog::get();
            let lines: Vec<String> =
                violations.iter().map(|v| format!("{}: {}", v.field, catalog.violation(who.locale, v))).collect();
            let ctx = Ctx::new(&who, "nav.warranty_settings", "/warranty/settings");
            let view = DetailView {
                title: label(who.locale, "form.errors"),
                sections: vec![Section {
                    title: label(who.locale, "wc.import"),
                    doc: Some(lines.join("\n")),
                    actions: vec![Action::link(
                        label(who.locale, "action.back"),
                        format!("/warranty/settings/{}", urlencode(&brand)),
                    )],
                    ..Section::default()
                }],
                ..DetailView::default()
            };
            let mut response = detail_page(&ctx, &view);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => error_page(who.locale, error),
    }
}
