//! 保险理赔 pages: insurers (admin), policies with the customer's cover explanation, accident leads, and
//! claims from report to archive with the documents checklist, the loss assessment and the customer's
//! statement. Thin over `claimdesk_app::insurance`; every list exports to Excel.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::insurance::LeadRow;
use claimdesk_app::insurance::claims::{
    self, AssessmentInput, ClaimDetail, ClaimInput, ClaimListQuery, ClaimView, DocumentInput, LINE_KINDS, LineInput,
    RESPONSIBILITIES, StepInput,
};
use claimdesk_app::insurance::commission::{self, CommissionLine, PayRuleInput};
use claimdesk_app::insurance::insurers::{self, ChecklistInput, CoverRateInput, InsurerInput};
use claimdesk_app::insurance::leads::{self, LeadAction, LeadInput, LeadListQuery, SOURCES};
use claimdesk_app::insurance::policies::{self, NewPolicy, PolicyAction, PolicyListQuery, PolicyView};
use claimdesk_app::{AppError, audit, clock};
use claimdesk_domain::Money;
use claimdesk_domain::insurance::claim::{ASSESSMENT_PARTIES, CLAIM_TYPES, OtherParty, Reporter, STATUSES};
use claimdesk_domain::insurance::policy::{COVERS, CoverInput, PolicyInput, RENEWAL_OUTCOMES};
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

fn any(locale: Locale, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    let mut all = vec![(String::new(), label(locale, "form.choose"))];
    all.extend(options(locale, prefix, values));
    all
}

fn money(value: Money) -> Cell {
    Cell::money(value.display_cny())
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
// Policies

#[derive(Debug, Default, Deserialize)]
pub struct PolicyParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    ends_from: Option<String>,
    #[serde(default)]
    ends_to: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl PolicyParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> PolicyListQuery {
        PolicyListQuery {
            q: self.q.clone(),
            ends_from: self.ends_from.clone().filter(|v| !v.is_empty()),
            ends_to: self.ends_to.clone().filter(|v| !v.is_empty()),
            page,
            per_page: Some(per_page),
            ..PolicyListQuery::default()
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!(
            "{path}?q={}&ends_from={}&ends_to={}&page={page}",
            get(&self.q),
            get(&self.ends_from),
            get(&self.ends_to)
        )
    }
}

fn policy_table(locale: Locale, items: &[PolicyView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("ins.policy_no")),
            Column::new(t("ins.insurer")),
            Column::new(t("ins.plate")),
            Column::new(t("ins.starts_on")),
            Column::new(t("ins.ends_on")),
            Column::right(t("ins.premium")),
            Column::right(t("ins.commission")),
            Column::new(t("ins.premium_collected")),
            Column::new(t("ins.renewal_outcome")),
        ],
        rows: items
            .iter()
            .map(|p| Row {
                cells: vec![
                    Cell { href: Some(format!("/insurance/policies/{}", p.id)), ..Cell::mono(p.policy_no.clone()) },
                    Cell::text(p.insurer_name.clone()),
                    Cell::mono(p.plate.clone()),
                    Cell::mono(p.starts_on.clone()),
                    Cell::mono(p.ends_on.clone()),
                    money(p.premium),
                    money(p.commission),
                    Cell::text(if p.premium_collected { t("ins.yes") } else { t("ins.no") }),
                    Cell::text(if p.renewal_outcome.is_empty() {
                        String::new()
                    } else {
                        t(&format!("ins.outcome.{}", p.renewal_outcome))
                    }),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

pub async fn policies(State(state): State<AppState>, who: UiActor, Query(params): Query<PolicyParams>) -> Response {
    let locale = who.locale;
    let page = match policies::list(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "ins.policies", "/insurance/policies").flash(params.flash.as_deref());
    let t = |key: &str| label(locale, key);
    let list = ListView {
        title: t("ins.policies"),
        action_path: "/insurance/policies".into(),
        filters: vec![
            Filter {
                name: "q".into(),
                label: t("ins.policy_no"),
                value: params.q.clone().unwrap_or_default(),
                ..Filter::default()
            },
            Filter {
                name: "ends_from".into(),
                label: t("ins.ends_from"),
                value: params.ends_from.clone().unwrap_or_default(),
                placeholder: "YYYY-MM-DD".into(),
                ..Filter::default()
            },
            Filter {
                name: "ends_to".into(),
                label: t("ins.ends_to"),
                value: params.ends_to.clone().unwrap_or_default(),
                placeholder: "YYYY-MM-DD".into(),
                ..Filter::default()
            },
        ],
        actions: vec![
            Action::link(t("ins.policy_new"), "/insurance/policies/new").primary(),
            Action::link(t("action.export"), params.link("/insurance/policies.xlsx", 1)),
        ],
        table: policy_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/insurance/policies", n)),
    };
    list_page(&ctx, &list)
}

pub async fn policies_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<PolicyParams>,
) -> Response {
    let locale = who.locale;
    let fetch = |page| policies::list(&state.app, &who.actor, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, "ins.policies"), "policies.xlsx", fetch, |items| {
        policy_table(locale, items)
    })
    .await
    .unwrap_or_else(|error| error_page(locale, error))
}

const COVER_LINES: usize = 6;

async fn insurer_options(state: &AppState, who: &UiActor) -> Vec<(String, String)> {
    let mut all = vec![(String::new(), label(who.locale, "form.choose"))];
    if let Ok(list) = insurers::list(&state.app, &who.actor, None).await {
        all.extend(list.into_iter().filter(|i| i.active).map(|i| (i.id, format!("{} {}", i.code, i.name))));
    }
    all
}

/// A form opened from a vehicle's page carries the vehicle's id; the person sees its plate (or VIN)
/// instead, which the services accept as well.
async fn show_vehicle_by_plate(state: &AppState, who: &UiActor, form: &mut FormData) {
    let Some(index) = form.0.iter().position(|(name, value)| name == "vehicle_id" && !value.is_empty()) else { return };
    if let Ok(detail) = claimdesk_app::vehicles::get(&state.app, &who.actor, &form.0[index].1).await {
        let vehicle = detail.vehicle;
        form.0[index].1 = if vehicle.plate.is_empty() { vehicle.vin } else { vehicle.plate };
    }
}

fn policy_form(locale: Locale, form: &FormData, insurers: Vec<(String, String)>) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let fields = vec![
        Field::text("vehicle_id", t("ins.vehicle_id"), value("vehicle_id")).required().hint(t("ins.vehicle_id_hint")),
        Field::text("insurer_id", t("ins.insurer"), value("insurer_id")).options(insurers).required(),
        Field::text("invoice_no", t("ins.invoice_no"), value("invoice_no")).required(),
        Field::text("owner_id_no", t("ins.owner_id_no"), value("owner_id_no")).required().upper(),
        Field::text("policy_no", t("ins.policy_no"), value("policy_no")).required().upper(),
        Field::text("starts_on", t("ins.starts_on"), value("starts_on")).kind("date").required(),
        Field::text("ends_on", t("ins.ends_on"), value("ends_on")).kind("date").required(),
        Field::text("premium_collected", t("ins.premium_collected"), value("premium_collected")).kind("checkbox"),
        Field::text("renewal_of", "", value("renewal_of")).kind("hidden"),
        Field::text("note", t("ins.note"), value("note")).kind("textarea").wide(),
    ];
    let rows = (0..COVER_LINES)
        .map(|i| {
            let name = |f: &str| format!("covers[{i}].{f}");
            let get = |f: &str| form.get(&format!("covers[{i}].{f}")).to_string();
            vec![
                Field {
                    name: name("cover"),
                    ..Field::text("", t("ins.cover"), get("cover")).options(any(locale, "ins.cover", &COVERS))
                },
                Field { name: name("name"), ..Field::text("", t("ins.cover_name"), get("name")) },
                Field { name: name("sum_insured"), ..Field::text("", t("ins.sum_insured"), get("sum_insured")) },
                Field { name: name("premium"), ..Field::text("", t("ins.premium"), get("premium")) },
                Field {
                    name: name("deductible_percent"),
                    ..Field::text("", t("ins.deductible_percent"), get("deductible_percent"))
                },
            ]
        })
        .collect();
    FormView {
        title: t("ins.policy_new"),
        action: "/insurance/policies".into(),
        groups: vec![FieldGroup { title: String::new(), fields }],
        lines: vec![LineTable {
            title: t("ins.covers"),
            columns: ["cover", "cover_name", "sum_insured", "premium", "deductible_percent"]
                .iter()
                .map(|c| t(&format!("ins.{c}")))
                .collect(),
            rows,
        }],
        submit: t("action.save"),
        cancel_href: Some("/insurance/policies".into()),
        ..FormView::default()
    }
}

pub async fn policy_new(
    State(state): State<AppState>,
    who: UiActor,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ctx = Ctx::new(&who, "ins.policy_new", "/insurance/policies");
    let mut form = FormData(query);
    if form.get("covers[0].cover").is_empty() {
        for (i, cover) in ["compulsory", "own_damage", "third_party"].iter().enumerate() {
            form.0.push((format!("covers[{i}].cover"), cover.to_string()));
        }
    }
    show_vehicle_by_plate(&state, &who, &mut form).await;
    form_page(&ctx, &policy_form(who.locale, &form, insurer_options(&state, &who).await), StatusCode::OK)
}

pub async fn policy_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let mut covers = Vec::new();
    let mut rows = Vec::new();
    for i in 0..COVER_LINES {
        let get = |f: &str| form.get(&format!("covers[{i}].{f}")).trim().to_string();
        if get("cover").is_empty() || get("premium").is_empty() && get("sum_insured").is_empty() {
            continue;
        }
        rows.push(i);
        covers.push(CoverInput {
            cover: get("cover"),
            name: get("name"),
            sum_insured: Some(get("sum_insured")),
            premium: get("premium"),
            deductible_percent: Some(get("deductible_percent")),
        });
    }
    let input = NewPolicy {
        policy: PolicyInput {
            insurer_id: form.get("insurer_id").into(),
            vehicle_id: form.get("vehicle_id").trim().into(),
            customer_id: None,
            invoice_no: form.get("invoice_no").into(),
            owner_id_no: form.get("owner_id_no").into(),
            policy_no: form.get("policy_no").into(),
            starts_on: form.get("starts_on").into(),
            ends_on: form.get("ends_on").into(),
            covers,
            premium_collected: form.get("premium_collected") == "1",
            note: form.get("note").into(),
        },
        store_id: None,
        renewal_of: form.opt("renewal_of"),
    };
    match policies::create(&state.app, &who.actor, input).await {
        Ok(policy) => see_other(&format!("/insurance/policies/{}", policy.id), "form.saved"),
        Err(AppError::Invalid(mut violations)) => {
            for violation in &mut violations.0 {
                if let Some(rest) = violation.field.strip_prefix("covers[")
                    && let Some((index, tail)) = rest.split_once(']')
                    && let Ok(index) = index.parse::<usize>()
                    && let Some(row) = rows.get(index)
                {
                    violation.field = format!("covers[{row}]{tail}");
                }
            }
            let ctx = Ctx::new(&who, "ins.policy_new", "/insurance/policies");
            let view = policy_form(who.locale, &form, insurer_options(&state, &who).await);
            invalid_or_error(&who, AppError::Invalid(violations), ctx, view)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn cover_table(locale: Locale, policy: &PolicyView) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("ins.cover")),
            Column::right(t("ins.sum_insured")),
            Column::right(t("ins.premium")),
            Column::right(t("ins.deductible_percent")),
            Column::right(t("ins.commission")),
        ],
        rows: policy
            .covers
            .iter()
            .map(|c| Row {
                cells: vec![
                    Cell::text(if c.name.is_empty() || c.name == c.cover {
                        t(&format!("ins.cover.{}", c.cover))
                    } else {
                        c.name.clone()
                    }),
                    Cell::money(c.sum_insured.map(|m| m.display_cny()).unwrap_or_default()),
                    money(c.premium),
                    Cell::money(c.deductible_percent.clone().map(|d| format!("{d}%")).unwrap_or_default()),
                    Cell::money(format!("{} ({}%)", c.commission.display_cny(), c.commission_percent)),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

fn policy_pairs(locale: Locale, p: &PolicyView) -> Vec<(String, String)> {
    let t = |key: &str| label(locale, key);
    vec![
        (t("ins.policy_no"), p.policy_no.clone()),
        (t("ins.insurer"), p.insurer_name.clone()),
        (t("ins.plate"), format!("{} {}", p.plate, p.vin).trim().to_string()),
        (t("ins.invoice_no"), p.invoice_no.clone()),
        (t("ins.owner_id_no"), p.owner_id_no.clone()),
        (t("ins.period"), format!("{} — {}", p.starts_on, p.ends_on)),
        (t("ins.premium"), p.premium.display_cny()),
        (t("ins.premium_collected"), p.collected_on.clone().unwrap_or_else(|| t("ins.no"))),
    ]
}

pub async fn policy_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let detail = match policies::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let p = &detail.policy;
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&p.store_id).to_string();
    let history =
        audit::history(&state.app, "insurance_policy", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let mut actions = Vec::new();
    if !p.premium_collected {
        actions.push(Action::post(t("ins.action.collect"), format!("/insurance/policies/{}/collect", p.id)).primary());
    }
    actions.push(Action::link(t("ins.print_explanation"), format!("/insurance/policies/{}/print", p.id)));
    actions.push(Action::link(
        t("ins.renew"),
        format!("/insurance/policies/new?vehicle_id={}&insurer_id={}&renewal_of={}", p.vehicle_id, p.insurer_id, p.id),
    ));
    actions.push(Action::link(
        t("ins.claim_new"),
        format!("/insurance/claims/new?vehicle_id={}&policy_id={}", p.vehicle_id, p.id),
    ));
    let renewal = FormView {
        title: String::new(),
        action: format!("/insurance/policies/{}/renewal", p.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("outcome", t("ins.renewal_outcome"), p.renewal_outcome.clone())
                    .options(any(locale, "ins.outcome", &RENEWAL_OUTCOMES))
                    .required(),
                Field::text("note", t("ins.note"), p.renewal_note.clone()),
            ],
        }],
        submit: t("ins.record_outcome"),
        ..FormView::default()
    };
    let ctx =
        Ctx::new(&who, "ins.policy", "/insurance/policies").titled(p.policy_no.clone()).flash(flash.flash.as_deref());
    let view = DetailView {
        title: format!("{} {}", t("ins.policy"), p.policy_no),
        subtitle: p.plate.clone(),
        state: None,
        actions,
        sections: vec![
            Section { title: t("ins.policy"), pairs: policy_pairs(locale, p), ..Section::default() },
            Section { title: t("ins.covers"), table: Some(cover_table(locale, p)), ..Section::default() },
            Section { title: t("ins.renewal"), form: Some(renewal), ..Section::default() },
        ],
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

pub async fn policy_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let input = PolicyAction {
        outcome: posted.form.get("outcome").into(),
        note: posted.form.get("note").into(),
        version: None,
    };
    match policies::act(&state.app, &posted.who.actor, &id, &action, input).await {
        Ok(_) => see_other(&format!("/insurance/policies/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

/// The customer's cover explanation: each cover, what it pays, how to claim and which documents.
pub async fn policy_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let detail = match policies::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let p = &detail.policy;
    let zone = who.actor.time_zone(&p.store_id).to_string();
    let mut sections = vec![
        Section { title: t("ins.policy"), pairs: policy_pairs(locale, p), ..Section::default() },
        Section { title: t("ins.covers"), table: Some(cover_table(locale, p)), ..Section::default() },
    ];
    for explanation in &detail.explanations {
        sections.push(Section {
            title: t(&format!("ins.cover.{}", explanation.cover)),
            pairs: vec![
                (t("ins.explanation"), explanation.explanation.clone()),
                (t("ins.claim_method"), explanation.claim_method.clone()),
                (t("ins.documents"), explanation.documents.clone()),
            ],
            ..Section::default()
        });
    }
    let view = PrintView {
        title: t("ins.explanation_title"),
        store_name: who.actor.store(&p.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: p.policy_no.clone(),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections,
        signatures: vec![label(locale, "print.signature_customer"), t("ins.specialist")],
    };
    print_page(locale, &view)
}

// ---------------------------------------------------------------------------------------------------------
// Claims

#[derive(Debug, Default, Deserialize)]
pub struct ClaimParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ClaimParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> ClaimListQuery {
        ClaimListQuery {
            q: self.q.clone(),
            status: self.status.clone(),
            page,
            per_page: Some(per_page),
            ..ClaimListQuery::default()
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!("{path}?q={}&status={}&page={page}", get(&self.q), get(&self.status))
    }
}

pub fn claim_tag(status: &str) -> &'static str {
    match status {
        "reported" | "dispatched" => "tag-blue",
        "assessed" | "loss_verified" | "adjusted" | "approved" => "tag-orange",
        "paid" | "closed" => "tag-green",
        _ => "tag-grey",
    }
}

fn claim_table(locale: Locale, items: &[ClaimView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("ins.claim_no")),
            Column::new(t("ins.claim_type")),
            Column::new(t("ins.plate")),
            Column::new(t("ins.insurer")),
            Column::new(t("ins.accident_at")),
            Column::new(t("ins.report_late")),
            Column::right(t("ins.insurer_pays")),
            Column::right(t("ins.customer_pays")),
            Column::new(t("ins.status")),
        ],
        rows: items
            .iter()
            .map(|c| Row {
                cells: vec![
                    Cell { href: Some(format!("/insurance/claims/{}", c.id)), ..Cell::mono(c.number.clone()) },
                    Cell::text(t(&format!("ins.claim_type.{}", c.claim_type))),
                    Cell::mono(c.plate.clone()),
                    Cell::text(c.insurer_name.clone()),
                    Cell::mono(c.accident_at.replace('T', " ").chars().take(16).collect::<String>()),
                    Cell::text(if c.report_late { t("ins.late") } else { String::new() }),
                    money(c.insurer_pays),
                    money(c.customer_pays),
                    Cell::tag(t(&format!("ins.status.{}", c.status)), claim_tag(&c.status)),
                ],
                alert: c.report_late,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

pub async fn claims(State(state): State<AppState>, who: UiActor, Query(params): Query<ClaimParams>) -> Response {
    let locale = who.locale;
    let page = match claims::list(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "ins.claims", "/insurance/claims").flash(params.flash.as_deref());
    let t = |key: &str| label(locale, key);
    let list = ListView {
        title: t("ins.claims"),
        action_path: "/insurance/claims".into(),
        filters: vec![
            Filter {
                name: "q".into(),
                label: t("ins.claim_no"),
                value: params.q.clone().unwrap_or_default(),
                ..Filter::default()
            },
            Filter {
                name: "status".into(),
                label: t("ins.status"),
                value: params.status.clone().unwrap_or_default(),
                options: any(locale, "ins.status", &STATUSES),
                ..Filter::default()
            },
        ],
        actions: vec![
            Action::link(t("ins.claim_new"), "/insurance/claims/new").primary(),
            Action::link(t("action.export"), params.link("/insurance/claims.xlsx", 1)),
        ],
        table: claim_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/insurance/claims", n)),
    };
    list_page(&ctx, &list)
}

pub async fn claims_export(State(state): State<AppState>, who: UiActor, Query(params): Query<ClaimParams>) -> Response {
    let locale = who.locale;
    let fetch = |page| claims::list(&state.app, &who.actor, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, "ins.claims"), "claims.xlsx", fetch, |items| claim_table(locale, items))
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

fn claim_form(locale: Locale, form: &FormData, insurers: Vec<(String, String)>) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let fields = vec![
        Field::text("claim_type", t("ins.claim_type"), value("claim_type"))
            .options(options(locale, "ins.claim_type", &CLAIM_TYPES))
            .required(),
        Field::text("vehicle_id", t("ins.vehicle_id"), value("vehicle_id")).required().hint(t("ins.vehicle_id_hint")),
        Field::text("policy_id", t("ins.policy_id"), value("policy_id")),
        Field::text("insurer_id", t("ins.insurer"), value("insurer_id")).options(insurers),
        Field::text("repair_order_id", t("ins.repair_order_id"), value("repair_order_id")),
        Field::text("lead_id", "", value("lead_id")).kind("hidden"),
        Field::text("insurer_claim_no", t("ins.insurer_claim_no"), value("insurer_claim_no")),
        Field::text("accident_at", t("ins.accident_at"), value("accident_at")).kind("datetime-local").required(),
        Field::text("reported_at", t("ins.reported_at"), value("reported_at"))
            .kind("datetime-local")
            .hint(t("ins.reported_at_hint")),
        Field::text("police_reported_at", t("ins.police_reported_at"), value("police_reported_at"))
            .kind("datetime-local"),
        Field::text("notice_submitted_at", t("ins.notice_submitted_at"), value("notice_submitted_at"))
            .kind("datetime-local"),
        Field::text("place", t("ins.place"), value("place")),
        Field::text("description", t("ins.description"), value("description")).kind("textarea").wide(),
    ];
    let reporter = vec![
        Field::text("reporter.name", t("ins.reporter_name"), value("reporter.name")),
        Field::text("reporter.for_insured", t("ins.reporter_for_insured"), value("reporter.for_insured"))
            .kind("checkbox"),
        Field {
            name: "reporter_id_no".into(),
            ..Field::text("", t("ins.reporter_id_no"), value("reporter_id_no")).upper()
        },
        Field::text("authorisation", t("ins.authorisation"), value("authorisation")).kind("checkbox"),
    ];
    FormView {
        title: t("ins.claim_new"),
        action: "/insurance/claims".into(),
        groups: vec![
            FieldGroup { title: String::new(), fields },
            FieldGroup { title: t("ins.reporter"), fields: reporter },
        ],
        submit: t("action.save"),
        cancel_href: Some("/insurance/claims".into()),
        ..FormView::default()
    }
}

pub async fn claim_new(
    State(state): State<AppState>,
    who: UiActor,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ctx = Ctx::new(&who, "ins.claim_new", "/insurance/claims");
    let mut form = FormData(query);
    if form.get("claim_type").is_empty() {
        form.0.push(("claim_type".into(), "own_damage".into()));
    }
    show_vehicle_by_plate(&state, &who, &mut form).await;
    form_page(&ctx, &claim_form(who.locale, &form, insurer_options(&state, &who).await), StatusCode::OK)
}

pub async fn claim_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = ClaimInput {
        claim_type: form.get("claim_type").into(),
        vehicle_id: form.get("vehicle_id").trim().into(),
        policy_id: form.opt("policy_id"),
        insurer_id: form.opt("insurer_id"),
        lead_id: form.opt("lead_id"),
        repair_order_id: form.opt("repair_order_id"),
        insurer_claim_no: form.get("insurer_claim_no").into(),
        accident_at: form.get("accident_at").into(),
        reported_at: form.get("reported_at").into(),
        police_reported_at: form.get("police_reported_at").into(),
        notice_submitted_at: form.get("notice_submitted_at").into(),
        place: form.get("place").into(),
        description: form.get("description").into(),
        reporter: Reporter {
            name: form.get("reporter.name").into(),
            for_insured: form.get("reporter.for_insured") == "1",
            id_no: form.get("reporter_id_no").into(),
            authorisation: form.get("authorisation") == "1",
        },
        store_id: None,
    };
    match claims::create(&state.app, &who.actor, input).await {
        Ok(claim) => see_other(&format!("/insurance/claims/{}", claim.id), "form.saved"),
        Err(error) => {
            let ctx = Ctx::new(&who, "ins.claim_new", "/insurance/claims");
            let view = claim_form(who.locale, &form, insurer_options(&state, &who).await);
            invalid_or_error(&who, error, ctx, view)
        }
    }
}

fn claim_pairs(locale: Locale, c: &ClaimView) -> Vec<(String, String)> {
    let t = |key: &str| label(locale, key);
    let at = |text: &str| text.replace('T', " ").chars().take(16).collect::<String>();
    let mut pairs = vec![
        (t("ins.claim_no"), c.number.clone()),
        (t("ins.claim_type"), t(&format!("ins.claim_type.{}", c.claim_type))),
        (t("ins.plate"), c.plate.clone()),
        (t("ins.insurer"), c.insurer_name.clone()),
        (t("ins.insurer_claim_no"), c.insurer_claim_no.clone()),
        (t("ins.accident_at"), at(&c.accident_at)),
        (t("ins.reported_at"), at(&c.reported_at)),
        (
            t("ins.report_deadline"),
            format!(
                "{}{}",
                at(&c.report_deadline_at),
                if c.report_late { format!(" · {}", t("ins.late")) } else { String::new() }
            ),
        ),
        (t("ins.place"), c.place.clone()),
        (
            t("ins.reporter"),
            if c.reporter_for_insured {
                format!("{} · {} · {}", c.reporter_name, c.reporter_id_no, t("ins.authorised"))
            } else {
                c.reporter_name.clone()
            },
        ),
        (t("ins.surveyor"), c.surveyor.clone()),
    ];
    if !c.responsibility.is_empty() {
        pairs.push((t("ins.responsibility"), t(&format!("ins.resp.{}", c.responsibility))));
    }
    if !c.parties_present.is_empty() {
        pairs.push((
            t("ins.parties_present"),
            c.parties_present.iter().map(|p| t(&format!("ins.party.{p}"))).collect::<Vec<_>>().join("、"),
        ));
    }
    pairs
}

fn lines_table(locale: Locale, detail: &ClaimDetail) -> Table {
    let t = |key: &str| label(locale, key);
    let mut rows: Vec<Row> = detail
        .lines
        .iter()
        .map(|l| Row {
            cells: vec![
                Cell::text(t(&format!("ins.line.{}", l.kind))),
                Cell::mono(l.part_no.clone()),
                Cell::text(l.name.clone()),
                Cell::money(l.catalog_price.map(|m| m.display_cny()).unwrap_or_default()),
                money(l.assessed),
                Cell::money(l.verified.map(|m| m.display_cny()).unwrap_or_default()),
                Cell::text(if l.covered {
                    t("ins.covered")
                } else {
                    format!("{} · {}", t("ins.not_covered"), l.reason)
                }),
            ],
            alert: !l.covered,
        })
        .collect();
    rows.push(Row {
        cells: vec![
            Cell::text(t("ins.total")),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            money(detail.claim.assessed_total),
            money(detail.claim.verified_total),
            Cell::text(""),
        ],
        alert: false,
    });
    Table {
        columns: vec![
            Column::new(t("ins.line_kind")),
            Column::new(t("ins.part_no")),
            Column::new(t("ins.line_name")),
            Column::right(t("ins.catalog_price")),
            Column::right(t("ins.assessed")),
            Column::right(t("ins.verified")),
            Column::new(t("ins.covered")),
        ],
        rows,
        empty: t("list.empty"),
    }
}

fn settlement_table(locale: Locale, detail: &ClaimDetail) -> Option<Table> {
    let t = |key: &str| label(locale, key);
    let settlement = detail.settlement.as_ref()?;
    let mut rows: Vec<Row> = settlement
        .parts
        .iter()
        .map(|part| {
            let cover =
                serde_json::to_value(part.cover).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let payer = if part.payer == "ours" { t("ins.ours") } else { part.payer.clone() };
            Row {
                cells: vec![Cell::text(payer), Cell::text(t(&format!("ins.payer.{cover}"))), money(part.amount)],
                alert: false,
            }
        })
        .collect();
    if !settlement.uncovered.is_zero() {
        rows.push(Row {
            cells: vec![Cell::text(t("ins.customer")), Cell::text(t("ins.not_covered")), money(settlement.uncovered)],
            alert: false,
        });
    }
    rows.push(Row {
        cells: vec![Cell::text(t("ins.insurer_pays")), Cell::text(""), money(settlement.insurer_pays)],
        alert: false,
    });
    rows.push(Row {
        cells: vec![Cell::text(t("ins.other_party_pays")), Cell::text(""), money(settlement.other_party_pays)],
        alert: false,
    });
    rows.push(Row {
        cells: vec![Cell::text(t("ins.customer_pays")), Cell::text(""), money(settlement.customer_pays)],
        alert: false,
    });
    Some(Table {
        columns: vec![Column::new(t("ins.payer")), Column::new(t("ins.cover")), Column::right(t("ins.amount"))],
        rows,
        empty: t("list.empty"),
    })
}

fn step_form(locale: Locale, claim: &ClaimView) -> Option<FormView> {
    let t = |key: &str| label(locale, key);
    let action = claim.actions.iter().find(|a| **a != "withdraw")?;
    let mut fields = vec![Field::text("action", "", *action).kind("hidden")];
    match *action {
        "dispatch" => fields.push(Field::text("surveyor", t("ins.surveyor"), claim.surveyor.clone())),
        "assess" => {
            for party in ASSESSMENT_PARTIES {
                fields.push(
                    Field::text(&format!("party_{party}"), t(&format!("ins.party.{party}")), "").kind("checkbox"),
                );
            }
            fields.push(Field::text("third_party_pending", t("ins.third_party_pending"), "").kind("checkbox"));
        }
        "pay" => fields.push(Field::text("paid", t("ins.paid"), claim.insurer_pays.to_string())),
        _ => {}
    }
    fields.push(Field::text("note", t("ins.note"), "").wide());
    Some(FormView {
        title: String::new(),
        action: format!("/insurance/claims/{}/step", claim.id),
        groups: vec![FieldGroup { title: String::new(), fields }],
        submit: t(&format!("ins.action.{action}")),
        ..FormView::default()
    })
}

async fn claim_detail_page(
    state: &AppState,
    who: &UiActor,
    detail: ClaimDetail,
    flash: Option<&str>,
    error: Option<String>,
) -> Response {
    let locale = who.locale;
    let t = |key: &str| label(locale, key);
    let c = &detail.claim;
    let zone = who.actor.time_zone(&c.store_id).to_string();
    let history =
        audit::history(&state.app, "insurance_claim", c.id.clone()).await.map(audit::summarize).unwrap_or_default();
    let mut actions = vec![
        Action::link(t("ins.assessment"), format!("/insurance/claims/{}/assessment", c.id)),
        Action::link(t("ins.print_statement"), format!("/insurance/claims/{}/print", c.id)),
    ];
    if c.actions.contains(&"withdraw") {
        actions.push(
            Action::post(t("ins.action.withdraw"), format!("/insurance/claims/{}/withdraw", c.id))
                .confirm(t("ins.action.withdraw")),
        );
    }
    if let Some(ro) = &c.repair_order_id {
        actions.push(Action::link(t("ins.repair_order"), format!("/repair-orders/{ro}")));
    }
    let steps = Table {
        columns: vec![
            Column::new(t("ins.step")),
            Column::new(t("ins.step_who")),
            Column::new(t("ins.step_when")),
            Column::new(t("ins.note")),
        ],
        rows: detail
            .steps
            .iter()
            .map(|s| Row {
                cells: vec![
                    Cell::text(t(&format!("ins.action.{}", s.action))),
                    Cell::text(s.actor_name.clone()),
                    Cell::mono(s.at.clone()),
                    Cell::text(s.note.clone()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let documents = Table {
        columns: vec![
            Column::new(t("ins.document")),
            Column::new(t("ins.received")),
            Column::new(t("ins.signed_by")),
            Column::new(""),
        ],
        rows: detail
            .documents
            .iter()
            .map(|d| Row {
                cells: vec![
                    Cell::text(d.name.clone()),
                    if d.received {
                        Cell::tag(d.received_on.clone().unwrap_or_default(), "tag-green")
                    } else {
                        Cell::tag(t("ins.missing"), "tag-red")
                    },
                    Cell::text(d.signed_by.clone()),
                ],
                alert: !d.received,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let document_form = FormView {
        title: String::new(),
        action: format!("/insurance/claims/{}/documents", c.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("position", t("ins.document"), "").options(
                    detail
                        .documents
                        .iter()
                        .filter(|d| !d.received)
                        .map(|d| (d.position.to_string(), d.name.clone()))
                        .collect(),
                ),
                Field::text("signed_by", t("ins.signed_by"), ""),
            ],
        }],
        submit: t("ins.receive"),
        ..FormView::default()
    };
    let mut step_section =
        Section { title: t("ins.workflow"), table: Some(steps), form: step_form(locale, c), ..Section::default() };
    if let Some(error) = error {
        step_section.doc = Some(error);
    }
    let mut sections = vec![
        Section { title: t("ins.claim"), pairs: claim_pairs(locale, c), ..Section::default() },
        step_section,
        Section {
            title: t("ins.documents"),
            table: Some(documents),
            form: detail.documents.iter().any(|d| !d.received).then_some(document_form),
            ..Section::default()
        },
    ];
    if !detail.lines.is_empty() {
        sections.push(Section {
            title: t("ins.assessment"),
            table: Some(lines_table(locale, &detail)),
            ..Section::default()
        });
    }
    if let Some(table) = settlement_table(locale, &detail) {
        sections.push(Section { title: t("ins.settlement"), table: Some(table), ..Section::default() });
    }
    if !detail.notes.is_empty() {
        sections.push(Section {
            title: t("ins.negotiation"),
            pairs: detail.notes.iter().map(|n| (clock::display_local(n.at, &zone), n.text.clone())).collect(),
            ..Section::default()
        });
    }
    let owner = claimdesk_app::attachments::Owner::new(claimdesk_domain::attachment::OwnerKind::InsuranceClaim, &c.id);
    sections.push(
        crate::ui::attachments::section(state, who, owner, &c.store_id, &format!("/insurance/claims/{}", c.id)).await,
    );
    let ctx = Ctx::new(who, "ins.claim", "/insurance/claims").titled(c.number.clone()).flash(flash);
    let view = DetailView {
        title: format!("{} {}", t("ins.claim"), c.number),
        subtitle: c.plate.clone(),
        state: Some((t(&format!("ins.status.{}", c.status)), claim_tag(&c.status).into())),
        actions,
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

pub async fn claim_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    match claims::get(&state.app, &who.actor, &id).await {
        Ok(detail) => claim_detail_page(&state, &who, detail, flash.flash.as_deref(), None).await,
        Err(error) => error_page(who.locale, error),
    }
}

/// A step failed on its own conditions: the claim again, with the reasons above the step form.
async fn step_failed(state: &AppState, who: &UiActor, id: &str, error: AppError) -> Response {
    let AppError::Invalid(violations) = error else { return error_page(who.locale, error) };
    let catalog = crate::messages::Catalog::get();
    let text = violations.iter().map(|v| catalog.violation(who.locale, v)).collect::<Vec<_>>().join("\n");
    match claims::get(&state.app, &who.actor, id).await {
        Ok(detail) => {
            let mut response = claim_detail_page(state, who, detail, None, Some(text)).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn claim_step(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let form = &posted.form;
    let action = form.get("action").to_string();
    let input = StepInput {
        note: form.get("note").into(),
        surveyor: form.get("surveyor").into(),
        parties_present: ASSESSMENT_PARTIES
            .iter()
            .filter(|p| form.get(&format!("party_{p}")) == "1")
            .map(|p| p.to_string())
            .collect(),
        third_party_pending: (action == "assess").then(|| form.get("third_party_pending") == "1"),
        paid: form.opt("paid"),
        ..StepInput::default()
    };
    match claims::step(&state.app, &posted.who.actor, &id, &action, input).await {
        Ok(_) => see_other(&format!("/insurance/claims/{id}"), "form.saved"),
        Err(error) => step_failed(&state, &posted.who, &id, error).await,
    }
}

pub async fn claim_withdraw(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    match claims::step(&state.app, &posted.who.actor, &id, "withdraw", StepInput::default()).await {
        Ok(_) => see_other(&format!("/insurance/claims/{id}"), "form.saved"),
        Err(error) => step_failed(&state, &posted.who, &id, error).await,
    }
}

pub async fn claim_document(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let input = DocumentInput {
        position: posted.form.int("position").unwrap_or(-1),
        received: true,
        signed_by: posted.form.get("signed_by").into(),
        note: String::new(),
    };
    match claims::receive_document(&state.app, &posted.who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/insurance/claims/{id}"), "form.saved"),
        Err(error) => step_failed(&state, &posted.who, &id, error).await,
    }
}

const ASSESSMENT_LINES: usize = 10;

fn assessment_form(locale: Locale, id: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    let fields =
        vec![
            Field::text("responsibility", t("ins.responsibility"), value("responsibility"))
                .options(any(locale, "ins.resp", &RESPONSIBILITIES))
                .required(),
            Field::text("other.label", t("ins.other_plate"), value("other.label")).upper(),
            Field::text("other.responsibility", t("ins.other_responsibility"), value("other.responsibility"))
                .options(any(locale, "ins.resp", &RESPONSIBILITIES)),
            Field::text("other.damage", t("ins.other_damage"), value("other.damage")),
            Field::text("other.third_party_limit", t("ins.other_third_party"), value("other.third_party_limit")),
            Field::text("note", t("ins.negotiation"), value("note")).kind("textarea").wide(),
        ];
    let rows = (0..ASSESSMENT_LINES)
        .map(|i| {
            let name = |f: &str| format!("lines[{i}].{f}");
            let get = |f: &str| form.get(&format!("lines[{i}].{f}")).to_string();
            vec![
                Field {
                    name: name("kind"),
                    ..Field::text("", t("ins.line_kind"), get("kind")).options(any(locale, "ins.line", &LINE_KINDS))
                },
                Field { name: name("part_no"), ..Field::text("", t("ins.part_no"), get("part_no")).upper() },
                Field { name: name("name"), ..Field::text("", t("ins.line_name"), get("name")) },
                Field { name: name("catalog_price"), ..Field::text("", t("ins.catalog_price"), get("catalog_price")) },
                Field { name: name("assessed"), ..Field::text("", t("ins.assessed"), get("assessed")) },
                Field { name: name("verified"), ..Field::text("", t("ins.verified"), get("verified")) },
                Field {
                    name: name("not_covered"),
                    ..Field::text("", t("ins.not_covered"), get("not_covered"))
                        .options(vec![(String::new(), t("ins.covered")), ("1".into(), t("ins.not_covered"))])
                },
                Field { name: name("reason"), ..Field::text("", t("ins.reason"), get("reason")) },
            ]
        })
        .collect();
    FormView {
        title: t("ins.assessment"),
        action: format!("/insurance/claims/{id}/assessment"),
        groups: vec![FieldGroup { title: String::new(), fields }],
        lines: vec![LineTable {
            title: t("ins.assessment_lines"),
            columns: [
                "line_kind",
                "part_no",
                "line_name",
                "catalog_price",
                "assessed",
                "verified",
                "not_covered",
                "reason",
            ]
            .iter()
            .map(|c| t(&format!("ins.{c}")))
            .collect(),
            rows,
        }],
        submit: t("action.save"),
        cancel_href: Some(format!("/insurance/claims/{id}")),
        ..FormView::default()
    }
}

pub async fn assessment_edit(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let detail = match claims::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(who.locale, error),
    };
    let mut pairs: Vec<(String, String)> = vec![("responsibility".into(), detail.claim.responsibility.clone())];
    if let Some(other) = detail.claim.parties.first() {
        pairs.push(("other.label".into(), other.label.clone()));
        let resp = other
            .responsibility
            .and_then(|r| serde_json::to_value(r).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        pairs.push(("other.responsibility".into(), resp));
        pairs.push(("other.damage".into(), other.damage.to_string()));
        pairs.push((
            "other.third_party_limit".into(),
            other.third_party_limit.map(|m| m.to_string()).unwrap_or_default(),
        ));
    }
    for (i, line) in detail.lines.iter().enumerate() {
        let mut put = |f: &str, v: String| pairs.push((format!("lines[{i}].{f}"), v));
        put("kind", line.kind.clone());
        put("part_no", line.part_no.clone());
        put("name", line.name.clone());
        put("catalog_price", line.catalog_price.map(|m| m.to_string()).unwrap_or_default());
        put("assessed", line.assessed.to_string());
        put("verified", line.verified.map(|m| m.to_string()).unwrap_or_default());
        put("not_covered", if line.covered { String::new() } else { "1".into() });
        put("reason", line.reason.clone());
    }
    let ctx = Ctx::new(&who, "ins.assessment", "/insurance/claims").titled(format!(
        "{} {}",
        label(who.locale, "ins.assessment"),
        detail.claim.number
    ));
    form_page(&ctx, &assessment_form(who.locale, &id, &FormData(pairs)), StatusCode::OK)
}

pub async fn assessment_save(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let mut lines = Vec::new();
    let mut rows = Vec::new();
    for i in 0..ASSESSMENT_LINES {
        let get = |f: &str| form.get(&format!("lines[{i}].{f}")).trim().to_string();
        if get("name").is_empty() && get("assessed").is_empty() {
            continue;
        }
        rows.push(i);
        lines.push(LineInput {
            kind: get("kind"),
            part_no: get("part_no"),
            name: get("name"),
            quantity: String::new(),
            catalog_price: get("catalog_price"),
            assessed: get("assessed"),
            verified: get("verified"),
            covered: get("not_covered") != "1",
            reason: get("reason"),
        });
    }
    let mut parties = Vec::new();
    let other_label = form.get("other.label").trim().to_string();
    if !other_label.is_empty() {
        let parse = |name: &str| Money::parse(name, form.get(name).trim()).ok();
        parties.push(OtherParty {
            label: other_label,
            responsibility: serde_json::from_value(serde_json::Value::String(form.get("other.responsibility").into()))
                .ok(),
            damage: parse("other.damage").unwrap_or_default(),
            compulsory: true,
            third_party_limit: parse("other.third_party_limit"),
        });
    }
    let input = AssessmentInput {
        lines,
        responsibility: form.get("responsibility").into(),
        parties,
        note: form.get("note").into(),
    };
    match claims::assess(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/insurance/claims/{id}"), "form.saved"),
        Err(AppError::Invalid(mut violations)) => {
            for violation in &mut violations.0 {
                if let Some(rest) = violation.field.strip_prefix("lines[")
                    && let Some((index, tail)) = rest.split_once(']')
                    && let Ok(index) = index.parse::<usize>()
                    && let Some(row) = rows.get(index)
                {
                    violation.field = format!("lines[{row}]{tail}");
                }
            }
            let ctx = Ctx::new(&who, "ins.assessment", "/insurance/claims");
            let view = assessment_form(who.locale, &id, &form);
            invalid_or_error(&who, AppError::Invalid(violations), ctx, view)
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// The customer's statement: the assessed lines and who pays what.
pub async fn claim_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let detail = match claims::get(&state.app, &who.actor, &id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&detail.claim.store_id).to_string();
    let mut sections = vec![
        Section { title: t("ins.claim"), pairs: claim_pairs(locale, &detail.claim), ..Section::default() },
        Section { title: t("ins.assessment"), table: Some(lines_table(locale, &detail)), ..Section::default() },
    ];
    if let Some(table) = settlement_table(locale, &detail) {
        sections.push(Section { title: t("ins.settlement"), table: Some(table), ..Section::default() });
    }
    let view = PrintView {
        title: t("ins.statement_title"),
        store_name: who.actor.store(&detail.claim.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: detail.claim.number.clone(),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections,
        signatures: vec![label(locale, "print.signature_customer"), t("ins.specialist")],
    };
    print_page(locale, &view)
}

// ---------------------------------------------------------------------------------------------------------
// Leads

#[derive(Debug, Default, Deserialize)]
pub struct LeadParams {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl LeadParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> LeadListQuery {
        LeadListQuery {
            status: self.status.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            store_id: None,
            page,
            per_page: Some(per_page),
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!("{path}?status={}&from={}&to={}&page={page}", get(&self.status), get(&self.from), get(&self.to))
    }
}

fn lead_table(locale: Locale, items: &[LeadRow]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("ins.lead_no")),
            Column::new(t("ins.received_on")),
            Column::new(t("ins.source")),
            Column::new(t("ins.place")),
            Column::new(t("ins.contact")),
            Column::new(t("ins.plate")),
            Column::new(t("ins.status")),
        ],
        rows: items
            .iter()
            .map(|l| Row {
                cells: vec![
                    Cell { href: Some(format!("/insurance/leads/{}", l.id)), ..Cell::mono(l.number.clone()) },
                    Cell::mono(l.received_on.clone()),
                    Cell::text(t(&format!("ins.source.{}", l.source))),
                    Cell::text(l.place.clone()),
                    Cell::text(format!("{} {}", l.contact_name, l.contact_phone).trim().to_string()),
                    Cell::mono(l.plate.clone()),
                    Cell::text(t(&format!("ins.lead_status.{}", l.status))),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

pub async fn leads(State(state): State<AppState>, who: UiActor, Query(params): Query<LeadParams>) -> Response {
    let locale = who.locale;
    let page = match leads::list(&state.app, &who.actor, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(&who, "ins.leads", "/insurance/leads").flash(params.flash.as_deref());
    let t = |key: &str| label(locale, key);
    let rate = crate::messages::Catalog::get().format(
        locale,
        "ins.conversion",
        [
            ("received", page.received.to_string().as_str()),
            ("arrived", page.arrived.to_string().as_str()),
            ("rate", page.conversion_percent.as_str()),
        ],
    );
    let list = ListView {
        title: format!("{} · {rate}", t("ins.leads")),
        action_path: "/insurance/leads".into(),
        filters: vec![
            Filter {
                name: "status".into(),
                label: t("ins.status"),
                value: params.status.clone().unwrap_or_default(),
                options: any(locale, "ins.lead_status", &leads::STATUSES),
                ..Filter::default()
            },
            Filter {
                name: "from".into(),
                label: t("ins.from"),
                value: params.from.clone().unwrap_or_default(),
                placeholder: "YYYY-MM-DD".into(),
                ..Filter::default()
            },
            Filter {
                name: "to".into(),
                label: t("ins.to"),
                value: params.to.clone().unwrap_or_default(),
                placeholder: "YYYY-MM-DD".into(),
                ..Filter::default()
            },
        ],
        actions: vec![
            Action::link(t("ins.lead_new"), "/insurance/leads/new").primary(),
            Action::link(t("action.export"), params.link("/insurance/leads.xlsx", 1)),
        ],
        table: lead_table(locale, &page.page.items),
        pager: pager(locale, &page.page, |n| params.link("/insurance/leads", n)),
    };
    list_page(&ctx, &list)
}

pub async fn leads_export(State(state): State<AppState>, who: UiActor, Query(params): Query<LeadParams>) -> Response {
    let locale = who.locale;
    let (app, actor) = (&state.app, &who.actor);
    let fetch = |page| {
        let query = params.query(Some(page), 200);
        async move { leads::list(app, actor, query).await.map(|p| p.page) }
    };
    crate::excel::export_all(&label(locale, "ins.leads"), "leads.xlsx", fetch, |items| lead_table(locale, items))
        .await
        .unwrap_or_else(|error| error_page(locale, error))
}

fn lead_form(locale: Locale, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    FormView {
        title: t("ins.lead_new"),
        action: "/insurance/leads".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("source", t("ins.source"), value("source"))
                    .options(options(locale, "ins.source", &SOURCES))
                    .required(),
                Field::text("place", t("ins.place"), value("place")),
                Field::text("contact_name", t("ins.contact_name"), value("contact_name")),
                Field::text("contact_phone", t("ins.contact_phone"), value("contact_phone")),
                Field::text("plate", t("ins.plate"), value("plate")).upper(),
                Field::text("vehicle_desc", t("ins.vehicle_desc"), value("vehicle_desc")),
                Field::text("note", t("ins.note"), value("note")).kind("textarea").wide(),
            ],
        }],
        submit: t("action.save"),
        cancel_href: Some("/insurance/leads".into()),
        ..FormView::default()
    }
}

pub async fn lead_new(who: UiActor) -> Response {
    let ctx = Ctx::new(&who, "ins.lead_new", "/insurance/leads");
    form_page(&ctx, &lead_form(who.locale, &FormData(vec![("source".into(), "insurer".into())])), StatusCode::OK)
}

pub async fn lead_create(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = LeadInput {
        source: form.get("source").into(),
        place: form.get("place").into(),
        contact_name: form.get("contact_name").into(),
        contact_phone: form.get("contact_phone").into(),
        plate: form.get("plate").into(),
        vehicle_desc: form.get("vehicle_desc").into(),
        note: form.get("note").into(),
        store_id: None,
    };
    match leads::create(&state.app, &who.actor, input).await {
        Ok(lead) => see_other(&format!("/insurance/leads/{}", lead.id), "form.saved"),
        Err(error) => {
            let ctx = Ctx::new(&who, "ins.lead_new", "/insurance/leads");
            invalid_or_error(&who, error, ctx, lead_form(who.locale, &form))
        }
    }
}

pub async fn lead_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let lead = match leads::get(&state.app, &who.actor, &id).await {
        Ok(lead) => lead,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let zone = who.actor.time_zone(&lead.store_id).to_string();
    let at = |ms: Option<i64>| ms.map(|ms| clock::display_local(ms, &zone)).unwrap_or_default();
    let history =
        audit::history(&state.app, "accident_lead", id.clone()).await.map(audit::summarize).unwrap_or_default();
    let open = matches!(lead.status.as_str(), "new" | "contacted");
    let mut sections = vec![Section {
        title: t("ins.lead"),
        pairs: vec![
            (t("ins.lead_no"), lead.number.clone()),
            (t("ins.source"), t(&format!("ins.source.{}", lead.source))),
            (t("ins.place"), lead.place.clone()),
            (t("ins.contact"), format!("{} {}", lead.contact_name, lead.contact_phone)),
            (t("ins.plate"), format!("{} {}", lead.plate, lead.vehicle_desc)),
            (t("ins.contacted_at"), at(lead.contacted_at)),
            (t("ins.surveyor"), lead.surveyor.clone()),
            (t("ins.arrived_at"), at(lead.arrived_at)),
            (t("ins.lost_reason"), lead.lost_reason.clone()),
        ],
        ..Section::default()
    }];
    if open {
        let insurers = insurer_options(&state, &who).await;
        sections.push(Section {
            title: t("ins.action.contact"),
            form: Some(FormView {
                action: format!("/insurance/leads/{}/contact", lead.id),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![
                        Field::text("insurer_id", t("ins.insurer"), lead.insurer_id.clone().unwrap_or_default())
                            .options(insurers),
                        Field::text("surveyor", t("ins.surveyor"), lead.surveyor.clone()),
                    ],
                }],
                submit: t("ins.action.contact"),
                ..FormView::default()
            }),
            ..Section::default()
        });
        sections.push(Section {
            title: t("ins.action.arrive"),
            form: Some(FormView {
                action: format!("/insurance/leads/{}/arrive", lead.id),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![
                        Field::text("vehicle_id", t("ins.vehicle_id"), lead.vehicle_id.clone().unwrap_or_default())
                            .hint(t("ins.vehicle_id_hint")),
                        Field::text("mileage_in", t("ins.mileage_in"), "").kind("number"),
                    ],
                }],
                submit: t("ins.action.arrive"),
                ..FormView::default()
            }),
            ..Section::default()
        });
        sections.push(Section {
            title: t("ins.action.lose"),
            form: Some(FormView {
                action: format!("/insurance/leads/{}/lose", lead.id),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![Field::text("reason", t("ins.lost_reason"), "")],
                }],
                submit: t("ins.action.lose"),
                ..FormView::default()
            }),
            ..Section::default()
        });
    }
    let mut actions = Vec::new();
    if let (Some(ro), Some(vehicle)) = (&lead.repair_order_id, &lead.vehicle_id) {
        actions.push(Action::link(t("ins.repair_order"), format!("/repair-orders/{ro}")));
        actions.push(
            Action::link(
                t("ins.claim_new"),
                format!(
                    "/insurance/claims/new?vehicle_id={vehicle}&repair_order_id={ro}&lead_id={}&insurer_id={}",
                    lead.id,
                    lead.insurer_id.clone().unwrap_or_default()
                ),
            )
            .primary(),
        );
    }
    let ctx = Ctx::new(&who, "ins.lead", "/insurance/leads").titled(lead.number.clone()).flash(flash.flash.as_deref());
    let view = DetailView {
        title: format!("{} {}", t("ins.lead"), lead.number),
        subtitle: lead.plate.clone(),
        state: Some((
            t(&format!("ins.lead_status.{}", lead.status)),
            if lead.status == "arrived" { "tag-green".into() } else { "tag-blue".into() },
        )),
        actions,
        sections,
        timeline: timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

pub async fn lead_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let form = &posted.form;
    let input = LeadAction {
        insurer_id: form.opt("insurer_id"),
        surveyor: form.get("surveyor").into(),
        vehicle_id: form.opt("vehicle_id"),
        mileage_in: form.int("mileage_in"),
        repair_order_id: form.opt("repair_order_id"),
        reason: form.get("reason").into(),
    };
    match leads::act(&state.app, &posted.who.actor, &id, &action, input).await {
        Ok(_) => see_other(&format!("/insurance/leads/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Insurers (admin)

pub async fn insurers_page(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let locale = who.locale;
    let list = match insurers::list(&state.app, &who.actor, None).await {
        Ok(list) => list,
        Err(error) => return error_page(locale, error),
    };
    let checklists = insurers::checklists(&state.app, &who.actor, None).await.unwrap_or_default();
    let t = |key: &str| label(locale, key);
    let table = Table {
        columns: vec![
            Column::new(t("ins.insurer_code")),
            Column::new(t("ins.insurer")),
            Column::new(t("ins.claim_phone")),
            Column::new(t("ins.active")),
        ],
        rows: list
            .iter()
            .map(|i| Row {
                cells: vec![
                    Cell { href: Some(format!("/insurance/insurers/{}", i.id)), ..Cell::mono(i.code.clone()) },
                    Cell::text(i.name.clone()),
                    Cell::mono(i.claim_phone.clone()),
                    Cell::text(if i.active { t("ins.yes") } else { t("ins.no") }),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let new_insurer = FormView {
        action: "/insurance/insurers".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("code", t("ins.insurer_code"), "").required().upper(),
                Field::text("name", t("ins.insurer"), "").required(),
                Field::text("phone", t("ins.phone"), ""),
                Field::text("claim_phone", t("ins.claim_phone"), ""),
            ],
        }],
        submit: t("ins.insurer_new"),
        ..FormView::default()
    };
    let mut sections =
        vec![Section { title: t("ins.insurers"), table: Some(table), form: Some(new_insurer), ..Section::default() }];
    for claim_type in CLAIM_TYPES {
        let names: Vec<String> =
            checklists.iter().filter(|d| d.claim_type == claim_type).map(|d| d.name.clone()).collect();
        sections.push(Section {
            title: format!("{} · {}", t("ins.checklist"), t(&format!("ins.claim_type.{claim_type}"))),
            form: Some(FormView {
                action: "/insurance/checklists".into(),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![
                        Field::text("claim_type", "", claim_type).kind("hidden"),
                        Field::text("documents", t("ins.checklist_hint"), names.join("\n")).kind("textarea").wide(),
                    ],
                }],
                submit: t("action.save"),
                ..FormView::default()
            }),
            ..Section::default()
        });
    }
    let ctx = Ctx::new(&who, "ins.insurers", "/insurance/insurers").flash(flash.flash.as_deref());
    let view = DetailView { title: t("ins.insurers"), sections, ..DetailView::default() };
    detail_page(&ctx, &view)
}

pub async fn insurer_create(State(state): State<AppState>, posted: Posted) -> Response {
    let input = InsurerInput { active: true, ..insurer_input(&posted.form) };
    match insurers::create(&state.app, &posted.who.actor, input).await {
        Ok(insurer) => see_other(&format!("/insurance/insurers/{}", insurer.id), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

pub async fn checklist_save(State(state): State<AppState>, posted: Posted) -> Response {
    let form = &posted.form;
    let input = ChecklistInput {
        claim_type: form.get("claim_type").into(),
        documents: form.get("documents").lines().map(str::to_string).collect(),
        store_id: None,
    };
    match insurers::set_checklist(&state.app, &posted.who.actor, input).await {
        Ok(_) => see_other("/insurance/insurers", "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

pub async fn insurer_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    insurer_page(&state, &who, &id, flash.flash.as_deref(), None).await
}

/// Changes the insurer's name, numbers or whether the store still sells for it (store admin).
pub async fn insurer_update(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = insurer_input(&form);
    match insurers::update(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/insurance/insurers/{id}"), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let mut response = insurer_page(&state, &who, &id, None, Some((form, violations))).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn insurer_input(form: &FormData) -> InsurerInput {
    InsurerInput {
        code: form.get("code").into(),
        name: form.get("name").into(),
        phone: form.get("phone").into(),
        claim_phone: form.get("claim_phone").into(),
        active: form.get("active") == "1",
        store_id: None,
    }
}

async fn insurer_page(
    state: &AppState,
    who: &UiActor,
    id: &str,
    flash: Option<&str>,
    rejected: Option<(FormData, claimdesk_domain::Violations)>,
) -> Response {
    let locale = who.locale;
    let detail = match insurers::get(&state.app, &who.actor, id).await {
        Ok(detail) => detail,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let insurer = &detail.insurer;
    let current = FormData(vec![
        ("code".into(), insurer.code.clone()),
        ("name".into(), insurer.name.clone()),
        ("phone".into(), insurer.phone.clone()),
        ("claim_phone".into(), insurer.claim_phone.clone()),
        ("active".into(), if insurer.active { "1".into() } else { String::new() }),
    ]);
    let values = rejected.as_ref().map(|(form, _)| form).unwrap_or(&current);
    let mut edit = FormView {
        action: format!("/insurance/insurers/{id}"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("code", t("ins.insurer_code"), values.get("code")).required().upper(),
                Field::text("name", t("ins.insurer"), values.get("name")).required(),
                Field::text("phone", t("ins.phone"), values.get("phone")),
                Field::text("claim_phone", t("ins.claim_phone"), values.get("claim_phone")),
                Field::text("active", t("ins.active"), values.get("active")).kind("checkbox"),
            ],
        }],
        submit: t("action.save"),
        ..FormView::default()
    };
    if let Some((_, violations)) = &rejected {
        edit.apply_errors(violations, locale);
    }
    let covers = Table {
        columns: vec![
            Column::new(t("ins.cover")),
            Column::right(t("ins.commission_percent")),
            Column::new(t("ins.valid_from")),
            Column::new(t("ins.valid_to")),
            Column::new(t("ins.explanation")),
        ],
        rows: detail
            .covers
            .iter()
            .map(|c| Row {
                cells: vec![
                    Cell::text(format!(
                        "{} {}",
                        t(&format!("ins.cover.{}", c.cover)),
                        if c.name == c.cover { "" } else { &c.name }
                    )),
                    Cell::money(format!("{}%", c.commission_percent)),
                    Cell::mono(c.valid_from.clone()),
                    Cell::mono(c.valid_to.clone().unwrap_or_default()),
                    Cell::text(c.explanation.chars().take(40).collect::<String>()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let form = FormView {
        action: format!("/insurance/insurers/{id}/covers"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("cover", t("ins.cover"), "").options(options(locale, "ins.cover", &COVERS)).required(),
                Field::text("name", t("ins.cover_name"), ""),
                Field::text("commission_percent", t("ins.commission_percent"), "").required(),
                Field::text("valid_from", t("ins.valid_from"), "").kind("date").required(),
                Field::text("valid_to", t("ins.valid_to"), "").kind("date"),
                Field::text("explanation", t("ins.explanation"), "").kind("textarea").wide(),
                Field::text("claim_method", t("ins.claim_method"), "").kind("textarea").wide(),
                Field::text("documents", t("ins.documents"), "").kind("textarea").wide(),
            ],
        }],
        submit: t("ins.add_cover"),
        ..FormView::default()
    };
    let ctx = Ctx::new(who, "ins.insurers", "/insurance/insurers").titled(detail.insurer.name.clone()).flash(flash);
    let view = DetailView {
        title: format!("{} {}", detail.insurer.code, detail.insurer.name),
        state: (!detail.insurer.active).then(|| (t("ins.inactive"), "tag-grey".to_string())),
        sections: vec![
            Section { title: t("ins.insurer_details"), form: Some(edit), ..Section::default() },
            Section { title: t("ins.covers"), table: Some(covers), form: Some(form), ..Section::default() },
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn insurer_cover(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let form = &posted.form;
    let input = CoverRateInput {
        cover: form.get("cover").into(),
        name: form.get("name").into(),
        commission_percent: form.get("commission_percent").into(),
        valid_from: form.get("valid_from").into(),
        valid_to: form.get("valid_to").into(),
        explanation: form.get("explanation").into(),
        claim_method: form.get("claim_method").into(),
        documents: form.get("documents").into(),
    };
    match insurers::add_cover(&state.app, &posted.who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/insurance/insurers/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Commission (提成)

#[derive(Debug, Default, Deserialize)]
pub struct MonthParams {
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    flash: Option<String>,
}

fn commission_table(locale: Locale, lines: &[CommissionLine]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("ins.specialist")),
            Column::right(t("ins.base_pay")),
            Column::right(t("ins.policies_sold")),
            Column::right(t("ins.premium")),
            Column::right(t("ins.commission")),
            Column::right(t("ins.policy_pay")),
            Column::right(t("ins.repairs")),
            Column::right(t("ins.repair_amount")),
            Column::right(t("ins.repair_pay")),
            Column::right(t("ins.total")),
        ],
        rows: lines
            .iter()
            .map(|l| Row {
                cells: vec![
                    Cell::text(l.name.clone()),
                    money(l.base_pay),
                    Cell::money(l.policies.to_string()),
                    money(l.premium),
                    money(l.store_commission),
                    Cell::money(format!("{} ({}%)", l.policy_pay.display_cny(), l.policy_share_percent)),
                    Cell::money(l.repairs.to_string()),
                    money(l.repair_amount),
                    Cell::money(format!("{} ({}%)", l.repair_pay.display_cny(), l.repair_percent)),
                    money(l.total),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

fn this_month(state: &AppState, who: &UiActor) -> String {
    clock::local_date(clock::from_ms(state.app.now_ms()), who.actor.home_time_zone()).strftime("%Y-%m").to_string()
}

pub async fn commission(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let locale = who.locale;
    let month = params.month.clone().filter(|m| !m.is_empty()).unwrap_or_else(|| this_month(&state, &who));
    let lines = match commission::statement(&state.app, &who.actor, &month, None).await {
        Ok(lines) => lines,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let mut staff = vec![(String::new(), t("form.choose"))];
    staff.extend(crate::ui::staff_options(&state, &who).await);
    let mut sections = vec![Section {
        title: format!("{} · {month}", t("ins.commission_title")),
        table: Some(commission_table(locale, &lines)),
        actions: vec![Action::link(
            t("action.export"),
            format!("/insurance/commission.xlsx?month={}", urlencode(&month)),
        )],
        form: Some(FormView {
            action: "/insurance/commission".into(),
            groups: vec![FieldGroup {
                title: String::new(),
                fields: vec![Field::text("month", t("ins.month"), month.clone()).kind("month")],
            }],
            submit: t("ins.show"),
            ..FormView::default()
        }),
        ..Section::default()
    }];
    if who.actor.can_anywhere(insurers::ADMIN) {
        sections.push(Section {
            title: t("ins.pay_rule"),
            form: Some(FormView {
                action: "/insurance/commission".into(),
                groups: vec![FieldGroup {
                    title: String::new(),
                    fields: vec![
                        Field::text("user_id", t("ins.user_id"), "").options(staff.clone()).required(),
                        Field::text("valid_from", t("ins.valid_from_month"), month.clone()).kind("month").required(),
                        Field::text("base_pay", t("ins.base_pay"), "").required(),
                        Field::text("policy_share_percent", t("ins.policy_share_percent"), ""),
                        Field::text("repair_percent", t("ins.repair_percent"), ""),
                    ],
                }],
                submit: t("action.save"),
                ..FormView::default()
            }),
            ..Section::default()
        });
    }
    let ctx = Ctx::new(&who, "ins.commission_title", "/insurance/commission").flash(params.flash.as_deref());
    let view = DetailView { title: t("ins.commission_title"), sections, ..DetailView::default() };
    detail_page(&ctx, &view)
}

pub async fn commission_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<MonthParams>,
) -> Response {
    let locale = who.locale;
    let month = params.month.clone().filter(|m| !m.is_empty()).unwrap_or_else(|| this_month(&state, &who));
    match commission::statement(&state.app, &who.actor, &month, None).await {
        Ok(lines) => {
            let table = commission_table(locale, &lines);
            let columns: Vec<String> = table.columns.iter().map(|c| c.label.clone()).collect();
            crate::excel::download(
                &label(locale, "ins.commission_title"),
                &columns,
                &table.text_rows(),
                &format!("commission-{month}.xlsx"),
            )
        }
        Err(error) => error_page(locale, error),
    }
}

pub async fn pay_rule_save(State(state): State<AppState>, posted: Posted) -> Response {
    let form = &posted.form;
    if !form.has("user_id") {
        return see_other(&format!("/insurance/commission?month={}", urlencode(form.get("month"))), "");
    }
    let input = PayRuleInput {
        user_id: form.get("user_id").into(),
        valid_from: form.get("valid_from").into(),
        base_pay: form.get("base_pay").into(),
        policy_share_percent: form.get("policy_share_percent").into(),
        repair_percent: form.get("repair_percent").into(),
        store_id: None,
    };
    match commission::set_pay_rule(&state.app, &posted.who.actor, input).await {
        Ok(rule) => see_other(&format!("/insurance/commission?month={}", rule.valid_from), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}
