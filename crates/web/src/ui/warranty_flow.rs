//! The rest of the claim workflow in the browser: pre-authorisation requests (预授权) with the manufacturer's
//! answer entered by hand, the goodwill approval chain on the claim page, the month's archive with its zip,
//! the supervisor's board (索赔看板) and the mis-claim rates (误赔率) with their Excel export.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use claimdesk_app::AppError;
use claimdesk_app::warranty::archive::{self, ArchiveMonth};
use claimdesk_app::warranty::board::{self, AGE_BUCKETS, Board, Rates, RatesQuery};
use claimdesk_app::warranty::goodwill::{self, GoodwillDecision};
use claimdesk_app::warranty::preauth::{
    self, PreauthDecision, PreauthInput, PreauthListQuery, PreauthReason, PreauthView,
};
use claimdesk_app::warranty::{ClaimView, goodwill::ChainView};
use claimdesk_app::{clock, repair_orders};
use claimdesk_domain::warranty::goodwill::ApprovalLimit;
use claimdesk_domain::warranty::preauth::PreauthState;
use claimdesk_domain::warranty::rates::Dimension;
use claimdesk_domain::{Money, Violation};
use serde::Deserialize;

use super::follow_ups::bar_chart;
use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, ListView, Row, Section, Table,
};
use super::{Ctx, Flash, detail_page, error_page, label, list_page, options, pager, render, see_other};
use crate::AppState;
use crate::extract::{Posted, UiActor, urlencode};
use crate::messages::{Catalog, Locale};

fn t(locale: Locale, key: &str) -> String {
    label(locale, key)
}

fn preauth_tag(state: &str) -> &'static str {
    match state {
        "requested" => "tag-orange",
        "approved" => "tag-green",
        "refused" => "tag-red",
        _ => "tag-grey",
    }
}

/// A reason as words: `preauth_named_operation` with its operation.
fn reason_text(locale: Locale, reason: &PreauthReason) -> String {
    Catalog::get().format(locale, &reason.code, reason.params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn reasons_text(locale: Locale, reasons: &[PreauthReason]) -> String {
    reasons.iter().map(|r| reason_text(locale, r)).collect::<Vec<_>>().join("；")
}

/// A page listing what went wrong, with a way back (a refused state change has no form to return to).
fn problem_page(who: &UiActor, title_key: &str, path: &str, error: AppError, back: String) -> Response {
    let locale = who.locale;
    let AppError::Invalid(violations) = error else { return error_page(locale, error) };
    let catalog = Catalog::get();
    let messages: Vec<String> = violations.iter().map(|v| catalog.violation(locale, v)).collect();
    let ctx = Ctx::new(who, title_key, path);
    let view = DetailView {
        title: t(locale, "form.errors"),
        sections: vec![Section {
            title: t(locale, title_key),
            doc: Some(messages.join("\n")),
            actions: vec![Action::link(t(locale, "action.back"), back)],
            ..Section::default()
        }],
        ..DetailView::default()
    };
    let mut response = detail_page(&ctx, &view);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

// ---- 厂家政策: the operations needing pre-authorisation and the goodwill chain as typed ----

/// `51-01, 51-02` → the operation codes, upper case, blanks dropped.
pub fn list_text(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；', '\n', ' '])
        .map(|code| code.trim().to_uppercase())
        .filter(|code| !code.is_empty())
        .collect()
}

/// The chain as the settings form shows it: `supervisor=2000.00, group_admin=100000.00`.
pub fn chain_text(chain: &[ApprovalLimit]) -> String {
    chain.iter().map(|step| format!("{}={}", step.role, step.up_to)).collect::<Vec<_>>().join(", ")
}

/// Reads `role=amount, …`; a step that is not `role=amount` is named with what was found.
pub fn parse_chain(text: &str) -> Result<Vec<ApprovalLimit>, Violation> {
    text.split([',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|step| !step.is_empty())
        .map(|step| {
            let bad = || Violation::new("goodwill_chain", "goodwill_chain_format").with("found", step);
            let (role, amount) = step.split_once(['=', '＝']).ok_or_else(bad)?;
            let up_to = Money::parse("goodwill_chain", amount.trim()).map_err(|_| bad())?;
            Ok(ApprovalLimit { role: role.trim().to_string(), up_to })
        })
        .collect()
}

// ---- 预授权 ----

#[derive(Debug, Default, Deserialize)]
pub struct PreauthParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

fn preauth_table(locale: Locale, items: &[PreauthView]) -> Table {
    Table {
        columns: vec![
            Column::new(t(locale, "wcf.preauth.number")),
            Column::new(t(locale, "wc.repair_order")),
            Column::new("VIN"),
            Column::right(t(locale, "wcf.preauth.amount")),
            Column::new(t(locale, "wcf.preauth.reasons")),
            Column::new(t(locale, "wcf.preauth.requested_at")),
            Column::new(t(locale, "wc.state")),
        ],
        rows: items
            .iter()
            .map(|p| Row {
                cells: vec![
                    Cell { href: Some(format!("/warranty/preauths/{}", p.id)), ..Cell::mono(p.number.clone()) },
                    Cell::link(t(locale, "wcf.open_order"), format!("/repair-orders/{}", p.repair_order_id)),
                    Cell::mono(p.vin.clone()),
                    Cell::money(p.amount.display_cny()),
                    Cell::text(reasons_text(locale, &p.reasons)),
                    Cell::mono(p.requested_at.get(..16).unwrap_or(&p.requested_at).replace('T', " ")),
                    Cell::tag(t(locale, &format!("wcf.preauth.state.{}", p.state)), preauth_tag(&p.state)),
                ],
                alert: p.state == "requested",
            })
            .collect(),
        empty: t(locale, "list.empty"),
    }
}

pub async fn preauths(State(state): State<AppState>, who: UiActor, Query(params): Query<PreauthParams>) -> Response {
    let locale = who.locale;
    let query = PreauthListQuery {
        state: params.state.clone(),
        store_id: params.store_id.clone(),
        page: params.page,
        per_page: Some(50),
    };
    let page = match preauth::list_preauths(&state.app, &who.actor, query).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let mut states = vec![(String::new(), t(locale, "form.choose"))];
    let names: Vec<&str> = PreauthState::ALL.iter().map(|s| s.as_str()).collect();
    states.extend(options(locale, "wcf.preauth.state", &names));
    let mut filters = vec![Filter {
        name: "state".into(),
        label: t(locale, "wc.state"),
        value: params.state.clone().unwrap_or_default(),
        options: states,
        ..Filter::default()
    }];
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    let link = |n: i64| {
        format!(
            "/warranty/preauths?state={}&store_id={}&page={n}",
            urlencode(params.state.as_deref().unwrap_or("")),
            urlencode(params.store_id.as_deref().unwrap_or(""))
        )
    };
    let ctx = Ctx::new(&who, "wcf.preauths", "/warranty/preauths").flash(params.flash.as_deref());
    let view = ListView {
        title: t(locale, "wcf.preauths"),
        action_path: "/warranty/preauths".into(),
        filters,
        actions: vec![Action::link(t(locale, "wcf.preauth.new"), "/repair-orders?kind=warranty").primary()],
        table: preauth_table(locale, &page.items),
        pager: pager(locale, &page, link),
    };
    list_page(&ctx, &view)
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPreauthParams {
    #[serde(default)]
    repair_order_id: String,
}

fn lines_table(locale: Locale, lines: &serde_json::Value) -> Table {
    let text = |line: &serde_json::Value, key: &str| line[key].as_str().unwrap_or("").to_string();
    Table {
        columns: vec![
            Column::new(t(locale, "wc.line.kind")),
            Column::new(t(locale, "wc.line.code")),
            Column::new(t(locale, "wc.line.description")),
            Column::right(t(locale, "wc.line.amount")),
        ],
        rows: lines
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|line| Row {
                cells: vec![
                    Cell::text(t(locale, &format!("wc.line_kind.{}", text(line, "kind")))),
                    Cell::mono(text(line, "code")),
                    Cell::text(text(line, "description")),
                    Cell::money(
                        Money::parse("amount", &text(line, "amount")).map(Money::display_cny).unwrap_or_default(),
                    ),
                ],
                alert: false,
            })
            .collect(),
        empty: t(locale, "list.empty"),
    }
}

/// The repair order's need for pre-authorisation and the request form.
pub async fn preauth_new(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<NewPreauthParams>,
) -> Response {
    let locale = who.locale;
    let status = match preauth::of_order(&state.app, &who.actor, &params.repair_order_id).await {
        Ok(status) => status,
        Err(error) => return error_page(locale, error),
    };
    let order = repair_orders::get(&state.app, &who.actor, &params.repair_order_id).await.ok();
    let number = order.as_ref().map(|o| o.number.clone()).unwrap_or_default();
    let needed = if status.reasons.is_empty() {
        t(locale, "wcf.preauth.not_needed")
    } else {
        reasons_text(locale, &status.reasons)
    };
    let form = FormView {
        action: "/warranty/preauths".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("repair_order_id", "", params.repair_order_id.clone()).kind("hidden"),
                Field::text("note", t(locale, "wcf.preauth.note"), "").kind("textarea").wide(),
            ],
        }],
        submit: t(locale, "wcf.preauth.request"),
        cancel_href: Some(format!("/repair-orders/{}", params.repair_order_id)),
        ..FormView::default()
    };
    let ctx = Ctx::new(&who, "wcf.preauths", "/warranty/preauths");
    let view = DetailView {
        title: format!("{} · {number}", t(locale, "wcf.preauth.request")),
        sections: vec![
            Section {
                title: t(locale, "wcf.preauth.need"),
                pairs: vec![
                    (t(locale, "wcf.preauth.amount"), status.amount.display_cny()),
                    (t(locale, "wcf.preauth.reasons"), needed),
                    (
                        t(locale, "wcf.preauth.work"),
                        status
                            .blocked_by
                            .as_deref()
                            .map(|c| t(locale, &format!("wcf.blocked.{c}")))
                            .unwrap_or_else(|| t(locale, "wcf.blocked.none")),
                    ),
                ],
                form: Some(form),
                ..Section::default()
            },
            Section {
                title: t(locale, "wcf.preauth.requests"),
                table: Some(preauth_table(locale, &status.requests)),
                ..Section::default()
            },
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn preauth_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input =
        PreauthInput { repair_order_id: form.get("repair_order_id").to_string(), note: form.get("note").to_string() };
    let back = format!("/warranty/preauths/new?repair_order_id={}", urlencode(&input.repair_order_id));
    match preauth::request(&state.app, &who.actor, input).await {
        Ok(view) => see_other(&format!("/warranty/preauths/{}", view.id), "wcf.preauth.requested"),
        Err(error) => problem_page(&who, "wcf.preauths", "/warranty/preauths", error, back),
    }
}

fn decision_forms(locale: Locale, view: &PreauthView) -> Vec<Section> {
    let mut sections = Vec::new();
    if view.actions.contains(&"approve") {
        sections.push(Section {
            title: t(locale, "wcf.preauth.approve"),
            form: Some(FormView {
                action: format!("/warranty/preauths/{}/do/approve", view.id),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![Field::text("approval_no", t(locale, "wcf.preauth.approval_no"), "").code()],
                }],
                submit: t(locale, "wcf.preauth.approve"),
                ..FormView::default()
            }),
            ..Section::default()
        });
    }
    if view.actions.contains(&"refuse") {
        sections.push(Section {
            title: t(locale, "wcf.preauth.refuse"),
            form: Some(FormView {
                action: format!("/warranty/preauths/{}/do/refuse", view.id),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![Field::text("reason", t(locale, "wcf.preauth.reason"), "").required().wide()],
                }],
                submit: t(locale, "wcf.preauth.refuse"),
                ..FormView::default()
            }),
            ..Section::default()
        });
    }
    sections
}

pub async fn preauth_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let view = match preauth::get_preauth(&state.app, &who.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(locale, error),
    };
    let history = claimdesk_app::audit::history(&state.app, "warranty_preauth", id.clone())
        .await
        .map(claimdesk_app::audit::summarize)
        .unwrap_or_default();
    let zone = who.actor.time_zone(&view.store_id).to_string();
    let mut actions =
        vec![Action::link(t(locale, "wcf.open_order"), format!("/repair-orders/{}", view.repair_order_id))];
    if view.actions.contains(&"cancel") {
        actions.push(
            Action::post(t(locale, "wcf.preauth.cancel"), format!("/warranty/preauths/{id}/do/cancel"))
                .confirm(t(locale, "wcf.preauth.confirm_cancel")),
        );
    }
    let mut pairs = vec![
        ("VIN".to_string(), view.vin.clone()),
        (t(locale, "wcf.preauth.amount"), view.amount.display_cny()),
        (t(locale, "wcf.preauth.reasons"), reasons_text(locale, &view.reasons)),
        (t(locale, "wcf.preauth.note"), view.note.clone()),
        (t(locale, "wcf.preauth.requested_at"), clock_text(&view.requested_at)),
    ];
    if let Some(at) = &view.decided_at {
        pairs.push((t(locale, "wcf.preauth.decided_at"), clock_text(at)));
    }
    if !view.approval_no.is_empty() {
        pairs.push((t(locale, "wcf.preauth.approval_no"), view.approval_no.clone()));
    }
    if !view.decision_reason.is_empty() {
        pairs.push((t(locale, "wcf.preauth.reason"), view.decision_reason.clone()));
    }
    let mut sections = vec![
        Section { title: t(locale, "wcf.preauth.section"), pairs, ..Section::default() },
        Section {
            title: t(locale, "wcf.preauth.lines"),
            table: Some(lines_table(locale, &view.lines)),
            ..Section::default()
        },
    ];
    sections.extend(decision_forms(locale, &view));
    let ctx =
        Ctx::new(&who, "wcf.preauths", "/warranty/preauths").titled(view.number.clone()).flash(flash.flash.as_deref());
    let detail = DetailView {
        title: format!("{} {}", t(locale, "wcf.preauth.title"), view.number),
        subtitle: view.brand.clone(),
        state: Some((t(locale, &format!("wcf.preauth.state.{}", view.state)), preauth_tag(&view.state).into())),
        actions,
        sections,
        timeline: super::timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &detail)
}

fn clock_text(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

pub async fn preauth_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { who, form } = posted;
    let decision =
        PreauthDecision { approval_no: form.get("approval_no").to_string(), reason: form.get("reason").to_string() };
    let back = format!("/warranty/preauths/{id}");
    match preauth::decide(&state.app, &who.actor, &id, &action, decision).await {
        Ok(_) => see_other(&back, "form.saved"),
        Err(error) => problem_page(&who, "wcf.preauths", "/warranty/preauths", error, back),
    }
}

/// The pre-authorisation card of a repair order's page: what it needs and its requests.
pub async fn order_section(state: &AppState, who: &UiActor, repair_order_id: &str) -> Option<Section> {
    let locale = who.locale;
    let status = preauth::of_order(&state.app, &who.actor, repair_order_id).await.ok()?;
    if status.reasons.is_empty() && status.requests.is_empty() {
        return None;
    }
    let mut actions = Vec::new();
    if !status.requests.iter().any(|r| r.state == "requested") {
        actions.push(Action::link(
            t(locale, "wcf.preauth.request"),
            format!("/warranty/preauths/new?repair_order_id={}", urlencode(repair_order_id)),
        ));
    }
    Some(Section {
        title: t(locale, "wcf.preauth.title"),
        pairs: vec![
            (t(locale, "wcf.preauth.reasons"), reasons_text(locale, &status.reasons)),
            (
                t(locale, "wcf.preauth.work"),
                status
                    .blocked_by
                    .as_deref()
                    .map(|c| t(locale, &format!("wcf.blocked.{c}")))
                    .unwrap_or_else(|| t(locale, "wcf.blocked.none")),
            ),
        ],
        table: (!status.requests.is_empty()).then(|| preauth_table(locale, &status.requests)),
        actions,
        ..Section::default()
    })
}

// ---- 善意索赔审批 ----

/// The goodwill chain's card on the claim page, with the next step's decision form.
pub fn goodwill_section(locale: Locale, claim: &ClaimView) -> Option<Section> {
    let chain: &ChainView = claim.goodwill_chain.as_ref()?;
    let table = Table {
        columns: vec![
            Column::new(t(locale, "wcf.gw.step")),
            Column::right(t(locale, "wcf.gw.up_to")),
            Column::new(t(locale, "wcf.gw.decision")),
            Column::new(t(locale, "wcf.gw.note")),
            Column::new(t(locale, "wcf.gw.decided_at")),
        ],
        rows: chain
            .steps
            .iter()
            .map(|step| Row {
                cells: vec![
                    Cell::text(t(locale, &format!("role.{}", step.role))),
                    Cell::money(step.up_to.display_cny()),
                    match step.decision.as_deref() {
                        Some("approved") => Cell::tag(t(locale, "wcf.gw.approved"), "tag-green"),
                        Some(_) => Cell::tag(t(locale, "wcf.gw.refused"), "tag-red"),
                        None => Cell::tag(t(locale, "wcf.gw.waiting"), "tag-orange"),
                    },
                    Cell::text(step.note.clone()),
                    Cell::mono(step.decided_at.as_deref().map(clock_text).unwrap_or_default()),
                ],
                alert: false,
            })
            .collect(),
        empty: t(locale, "wcf.gw.no_chain"),
    };
    let form = chain.waiting_for.as_ref().filter(|_| !claim_submitted(claim)).map(|role| FormView {
        title: Catalog::get().format(
            locale,
            "wcf.gw.waiting_for",
            [("role", t(locale, &format!("role.{role}")).as_str())],
        ),
        action: format!("/warranty-claims/{}/goodwill/approve", claim.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![Field::text("note", t(locale, "wcf.gw.note"), "").wide().hint(t(locale, "wcf.gw.note_hint"))],
        }],
        submit: t(locale, "wcf.gw.approve"),
        secondary_submit: Some((t(locale, "wcf.gw.refuse"), format!("/warranty-claims/{}/goodwill/refuse", claim.id))),
        ..FormView::default()
    });
    Some(Section {
        title: Catalog::get().format(
            locale,
            "wcf.gw.title",
            [
                ("amount", chain.amount.display_cny().as_str()),
                ("state", t(locale, &format!("wcf.gw.{}", chain.state)).as_str()),
            ],
        ),
        table: Some(table),
        form,
        ..Section::default()
    })
}

fn claim_submitted(claim: &ClaimView) -> bool {
    !matches!(claim.state.as_str(), "draft" | "checked")
}

pub async fn goodwill_decide(
    State(state): State<AppState>,
    Path((id, decision)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { who, form } = posted;
    let back = format!("/warranty-claims/{id}");
    let approve = match decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return error_page(who.locale, AppError::NotFound),
    };
    let input = GoodwillDecision { note: form.get("note").to_string() };
    match goodwill::decide_goodwill(&state.app, &who.actor, &id, approve, input).await {
        Ok(_) => see_other(&back, "form.saved"),
        Err(error) => problem_page(&who, "wc.title", "/warranty-claims", error, back),
    }
}

// ---- 索赔档案 ----

#[derive(Debug, Default, Deserialize)]
pub struct MonthParams {
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
}

fn this_month(who: &UiActor, state: &AppState) -> String {
    clock::local_date(state.app.clock.now(), who.actor.home_time_zone()).strftime("%Y-%m").to_string()
}

fn archive_table(locale: Locale, archive: &ArchiveMonth) -> Table {
    Table {
        columns: vec![
            Column::new(t(locale, "wc.number")),
            Column::new(t(locale, "wc.repair_date")),
            Column::new("VIN"),
            Column::new(t(locale, "wc.failure_code")),
            Column::right(t(locale, "wc.claimed")),
            Column::right(t(locale, "wc.approved")),
            Column::new(t(locale, "wc.state")),
            Column::new(t(locale, "wcf.archive.documents")),
        ],
        rows: archive
            .claims
            .iter()
            .map(|entry| {
                let claim = &entry.claim;
                let documents: Vec<String> =
                    entry.documents.iter().map(|d| d.path.rsplit('/').next().unwrap_or(&d.path).to_string()).collect();
                Row {
                    cells: vec![
                        Cell {
                            href: Some(format!("/warranty-claims/{}", claim.id)),
                            ..Cell::mono(claim.number.clone())
                        },
                        Cell::mono(claim.repair_date.clone()),
                        Cell::mono(claim.vin.clone()),
                        Cell::mono(claim.failure_code.clone()),
                        Cell::money(claim.amounts.total.display_cny()),
                        Cell::money(claim.approved.map(Money::display_cny).unwrap_or_else(|| "—".into())),
                        Cell::tag(
                            t(locale, &format!("wc.state.{}", claim.state)),
                            super::warranty::state_tag(&claim.state),
                        ),
                        Cell::text(documents.join(" · ")),
                    ],
                    alert: false,
                }
            })
            .collect(),
        empty: t(locale, "list.empty"),
    }
}

/// The month view of claims with their documents, as a manufacturer's audit asks.
pub async fn archive(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let locale = who.locale;
    let month = params.month.clone().filter(|m| !m.trim().is_empty()).unwrap_or_else(|| this_month(&who, &state));
    let archive = match archive::month(&state.app, &who.actor, &month, params.store_id.as_deref()).await {
        Ok(archive) => archive,
        Err(error) => return error_page(locale, error),
    };
    let mut filters = vec![Filter {
        name: "month".into(),
        label: t(locale, "wcf.month"),
        value: archive.month.clone(),
        placeholder: "2024-05".into(),
        ..Filter::default()
    }];
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    let zip = format!(
        "/warranty/archive/{}/zip?store_id={}",
        archive.month,
        urlencode(params.store_id.as_deref().unwrap_or(""))
    );
    let summary = Catalog::get().format(
        locale,
        "wcf.archive.summary",
        [
            ("count", archive.claims.len().to_string().as_str()),
            ("claimed", archive.claimed.display_cny().as_str()),
            ("approved", archive.approved.display_cny().as_str()),
        ],
    );
    let ctx = Ctx::new(&who, "wcf.archive", "/warranty/archive");
    let view = ListView {
        title: format!("{} · {}", t(locale, "wcf.archive"), archive.month),
        action_path: "/warranty/archive".into(),
        filters,
        actions: vec![
            Action::link(t(locale, "wcf.archive.zip"), zip).primary(),
            Action::link(t(locale, "wcf.archive.search"), "/warranty-claims"),
        ],
        table: archive_table(locale, &archive),
        pager: super::view::Pager { summary, ..Default::default() },
    };
    list_page(&ctx, &view)
}

pub async fn archive_zip(
    State(state): State<AppState>,
    who: UiActor,
    Path(month): Path<String>,
    Query(params): Query<MonthParams>,
) -> Response {
    let store = params.store_id.as_deref().filter(|s| !s.is_empty());
    match archive::month_zip(&state.app, &who.actor, &month, store).await {
        Ok(bytes) => crate::api::warranty_flow::zip_response(&month, bytes).into_response(),
        Err(error) => error_page(who.locale, error),
    }
}

// ---- 索赔看板 ----

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

fn states_table(locale: Locale, board: &Board) -> Table {
    let mut columns = vec![
        Column::new(t(locale, "wc.state")),
        Column::right(t(locale, "wcf.board.count")),
        Column::right(t(locale, "wcf.board.amount")),
    ];
    columns.extend(
        AGE_BUCKETS.iter().map(|b| Column::right(Catalog::get().format(locale, "wcf.board.age", [("days", *b)]))),
    );
    Table {
        columns,
        rows: board
            .states
            .iter()
            .map(|s| {
                let mut cells = vec![
                    Cell::tag(t(locale, &format!("wc.state.{}", s.state)), super::warranty::state_tag(&s.state)),
                    Cell::money(s.count.to_string()),
                    Cell::money(s.amount.display_cny()),
                ];
                cells.extend(s.ages.iter().map(|n| Cell::money(n.to_string())));
                Row { cells, alert: s.ages[3] > 0 }
            })
            .collect(),
        empty: t(locale, "list.empty"),
    }
}

fn clerks_table(locale: Locale, board: &Board) -> Table {
    Table {
        columns: vec![
            Column::new(t(locale, "wcf.clerk")),
            Column::right(t(locale, "wcf.board.open")),
            Column::right(t(locale, "wcf.board.pending_amount")),
            Column::right(t(locale, "wcf.board.decided")),
            Column::right(t(locale, "wcf.board.missed")),
            Column::right(t(locale, "wcf.rate")),
        ],
        rows: board
            .clerks
            .iter()
            .map(|c| Row {
                cells: vec![
                    Cell {
                        href: (!c.clerk_id.is_empty())
                            .then(|| format!("/warranty-claims?clerk_id={}", urlencode(&c.clerk_id))),
                        ..Cell::text(if c.clerk.is_empty() { "—".to_string() } else { c.clerk.clone() })
                    },
                    Cell::money(c.open.to_string()),
                    Cell::money(c.pending_amount.display_cny()),
                    Cell::money(c.decided_this_month.to_string()),
                    Cell::money(c.rejected_or_cut_this_month.to_string()),
                    Cell::money(format!("{}%", c.rate_percent)),
                ],
                alert: false,
            })
            .collect(),
        empty: t(locale, "list.empty"),
    }
}

fn to_f64(value: rust_decimal::Decimal) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}

pub async fn board_page(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let locale = who.locale;
    let board = match board::board(&state.app, &who.actor, params.store_id.as_deref().filter(|s| !s.is_empty())).await {
        Ok(board) => board,
        Err(error) => return error_page(locale, error),
    };
    let change = board.rejected_this_month as i64 - board.rejected_last_month as i64;
    let figures = vec![
        (t(locale, "wcf.board.open"), board.open.to_string(), false),
        (t(locale, "wcf.board.pending"), board.pending.to_string(), false),
        (t(locale, "wcf.board.pending_amount"), board.pending_amount.display_cny(), false),
        (t(locale, "wcf.board.unfiled_amount"), board.unfiled_amount.display_cny(), false),
        (t(locale, "wcf.board.decided"), board.decided_this_month.to_string(), false),
        (
            Catalog::get().format(locale, "wcf.board.rejected", [("change", format!("{change:+}").as_str())]),
            board.rejected_this_month.to_string(),
            board.rejected_this_month > 0,
        ),
        (t(locale, "wcf.board.cut"), board.cut_this_month.to_string(), false),
        (t(locale, "wcf.board.missed_amount"), board.missed_amount_this_month.display_cny(), false),
        (t(locale, "wcf.rate"), format!("{}%", board.rate_percent), false),
    ];
    let by_state: Vec<(String, f64)> =
        board.states.iter().map(|s| (t(locale, &format!("wc.state.{}", s.state)), s.count as f64)).collect();
    let ages: Vec<(String, f64)> = AGE_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                Catalog::get().format(locale, "wcf.board.age", [("days", *b)]),
                board.states.iter().map(|s| s.ages[i] as f64).sum(),
            )
        })
        .collect();
    let rates: Vec<(String, f64)> = board
        .clerks
        .iter()
        .filter(|c| c.decided_this_month > 0)
        .map(|c| (c.clerk.clone(), to_f64(c.rate_percent)))
        .collect();
    let chart =
        |key: &str, bars: &[(String, f64)], color: &str| (t(locale, key), bar_chart(&t(locale, key), bars, color));
    let ctx = Ctx::new(&who, "wcf.board", "/warranty/board");
    render(&BoardPage {
        ctx: &ctx,
        title: t(locale, "wcf.board"),
        subtitle: board.month.clone(),
        actions: vec![
            Action::link(t(locale, "wcf.rates"), "/warranty/rates"),
            Action::link(t(locale, "wcf.archive"), "/warranty/archive"),
        ],
        figures,
        charts: vec![
            chart("wcf.chart.by_state", &by_state, "#1677ff"),
            chart("wcf.chart.by_age", &ages, "#fa8c16"),
            chart("wcf.chart.rate_per_clerk", &rates, "#cf1322"),
        ],
        tables: vec![
            (t(locale, "wcf.board.states"), states_table(locale, &board)),
            (t(locale, "wcf.board.clerks"), clerks_table(locale, &board)),
        ],
        form: None,
    })
}

// ---- 误赔率 ----

#[derive(Debug, Default, Deserialize)]
pub struct RatesParams {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    by: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
}

impl RatesParams {
    fn query(&self) -> RatesQuery {
        RatesQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            by: self.by.clone(),
            store_id: self.store_id.clone().filter(|s| !s.is_empty()),
        }
    }
}

fn rates_table(locale: Locale, rates: &Rates) -> Table {
    Table {
        columns: vec![
            Column::new(t(locale, "wcf.month")),
            Column::new(t(locale, &format!("wcf.by.{}", rates.by.as_str()))),
            Column::right(t(locale, "wcf.board.decided")),
            Column::right(t(locale, "wcf.board.missed")),
            Column::right(t(locale, "wcf.rate")),
            Column::right(t(locale, "wc.claimed")),
            Column::right(t(locale, "wcf.board.missed_amount")),
        ],
        rows: rates
            .rows
            .iter()
            .map(|r| Row {
                cells: vec![
                    Cell::mono(r.month.clone()),
                    Cell::text(if r.key.is_empty() { "—".to_string() } else { r.key.clone() }),
                    Cell::money(r.decided.to_string()),
                    Cell::money(r.missed.to_string()),
                    Cell::money(format!("{}%", r.rate_percent)),
                    Cell::money(r.claimed.display_cny()),
                    Cell::money(r.missed_amount.display_cny()),
                ],
                alert: false,
            })
            .collect(),
        empty: t(locale, "list.empty"),
    }
}

pub async fn rates_page(State(state): State<AppState>, who: UiActor, Query(params): Query<RatesParams>) -> Response {
    let locale = who.locale;
    let rates = match board::mis_claim_rates(&state.app, &who.actor, params.query()).await {
        Ok(rates) => rates,
        Err(error) => return problem_page(&who, "wcf.rates", "/warranty/rates", error, "/warranty/rates".into()),
    };
    let dims: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
    let mut filters = vec![
        Filter {
            name: "from".into(),
            label: t(locale, "wc.from"),
            value: rates.from.clone(),
            placeholder: "2024-01".into(),
            ..Filter::default()
        },
        Filter {
            name: "to".into(),
            label: t(locale, "wc.to"),
            value: rates.to.clone(),
            placeholder: "2024-06".into(),
            ..Filter::default()
        },
        Filter {
            name: "by".into(),
            label: t(locale, "wcf.by"),
            value: rates.by.as_str().into(),
            options: options(locale, "wcf.by", &dims),
            ..Filter::default()
        },
    ];
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    let export = format!(
        "/warranty/rates.xlsx?from={}&to={}&by={}&store_id={}",
        rates.from,
        rates.to,
        rates.by.as_str(),
        urlencode(params.store_id.as_deref().unwrap_or(""))
    );
    let ctx = Ctx::new(&who, "wcf.rates", "/warranty/rates");
    let view = ListView {
        title: t(locale, "wcf.rates"),
        action_path: "/warranty/rates".into(),
        filters,
        actions: vec![
            Action::link(t(locale, "action.export"), export),
            Action::link(t(locale, "wcf.board"), "/warranty/board"),
        ],
        table: rates_table(locale, &rates),
        pager: super::view::Pager {
            summary: Catalog::get().format(
                locale,
                "wcf.rates.summary",
                [("from", rates.from.as_str()), ("to", rates.to.as_str())],
            ),
            ..Default::default()
        },
    };
    list_page(&ctx, &view)
}

pub async fn rates_export(State(state): State<AppState>, who: UiActor, Query(params): Query<RatesParams>) -> Response {
    match board::mis_claim_rates(&state.app, &who.actor, params.query()).await {
        Ok(rates) => {
            let table = rates_table(who.locale, &rates);
            let columns: Vec<String> = table.columns.iter().map(|c| c.label.clone()).collect();
            crate::excel::download(&t(who.locale, "wcf.rates"), &columns, &table.text_rows(), "mis-claim-rates.xlsx")
        }
        Err(error) => error_page(who.locale, error),
    }
}
