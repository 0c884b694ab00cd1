//! 结算对账 (W10) and 手续费对账 (I6): statement lists, the upload of a statement file, the statement page with
//! every line's outcome, payments, invoices and appeals (复议); the appeal pages; and the monthly
//! reconciliation pages (orders against claims, income by kind, receivables aging, 拒赔问责). Every table
//! exports to Excel through the same table the page draws.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use claimdesk_app::attachments::Owner;
use claimdesk_app::statements::{
    self, AppealInput, AppealView, InvoiceInput, PaymentInput, RuleInput, StatementInput, StatementKind,
    StatementListQuery, StatementView,
};
use claimdesk_app::{AppError, audit, clock};
use claimdesk_domain::Money;
use claimdesk_domain::access::Permission;
use claimdesk_domain::attachment::OwnerKind;
use claimdesk_domain::statement::{AGING_BUCKETS, Difference, Responsible, SettlementOutcome};
use claimdesk_domain::{Violation, Violations};
use serde::Deserialize;

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, Filter, FormView, ListView, PrintView, Row, Section, Table,
};
use super::{Ctx, Flash, detail_page, error_page, form_page, label, list_page, pager, print_page, render, see_other};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor, Uploaded, urlencode};
use crate::messages::{Catalog, Locale};

fn money(value: Money) -> Cell {
    Cell::money(value.display_cny())
}

fn money_opt(value: Option<Money>) -> Cell {
    Cell::money(value.map(Money::display_cny).unwrap_or_else(|| "—".into()))
}

pub fn outcome_tag(outcome: &str) -> &'static str {
    match outcome {
        "paid" | "matched" | "granted" => "tag-green",
        "cut" | "missing" | "amount_differs" | "submitted" => "tag-orange",
        "rejected" | "debit" | "extra" | "denied" => "tag-red",
        "over" | "draft" => "tag-blue",
        _ => "tag-grey",
    }
}

/// The kind's paths and words: settlement statements live under 结算对账, commission statements under 保险.
struct KindPages {
    kind: StatementKind,
    base: &'static str,
    title: &'static str,
    import_title: &'static str,
    counterparty: &'static str,
    outcome_prefix: &'static str,
}

const SETTLEMENT: KindPages = KindPages {
    kind: StatementKind::Settlement,
    base: "/settlement/statements",
    title: "st.statements",
    import_title: "st.import",
    counterparty: "st.brand",
    outcome_prefix: "st.outcome",
};

const COMMISSION: KindPages = KindPages {
    kind: StatementKind::Commission,
    base: "/insurance/commission-statements",
    title: "st.commission_statements",
    import_title: "st.commission_import",
    counterparty: "st.insurer",
    outcome_prefix: "st.difference",
};

fn export(sheet: &str, file: &str, table: &Table) -> Response {
    let columns: Vec<String> = table.columns.iter().map(|c| c.label.clone()).collect();
    crate::excel::download(sheet, &columns, &table.text_rows(), file)
}

fn statement_table(locale: Locale, pages: &KindPages, items: &[StatementView]) -> Table {
    let t = |key: &str| label(locale, key);
    let summary = |s: &StatementView| {
        s.totals
            .iter()
            .map(|(outcome, total)| format!("{} {}", t(&format!("{}.{outcome}", pages.outcome_prefix)), total.lines))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    Table {
        columns: vec![
            Column::new(t("st.number")),
            Column::new(t(pages.counterparty)),
            Column::new(t("st.period")),
            Column::new(t("st.statement_date")),
            Column::right(t("st.expected")),
            Column::right(t("st.stated")),
            Column::right(t("st.confirmed")),
            Column::right(t("st.received")),
            Column::right(t("st.open")),
            Column::new(t("st.summary")),
        ],
        rows: items
            .iter()
            .map(|s| Row {
                cells: vec![
                    Cell { href: Some(format!("{}/{}", pages.base, s.id)), ..Cell::mono(s.number.clone()) },
                    Cell::text(s.counterparty_name.clone()),
                    Cell::mono(s.period.clone()),
                    Cell::mono(s.statement_date.clone()),
                    money(s.expected),
                    money(s.stated),
                    money(s.confirmed),
                    money(s.received),
                    money(s.open),
                    Cell::text(summary(s)),
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
    counterparty: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    open: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    flash: Option<String>,
}

impl ListParams {
    fn query(&self, page: Option<i64>, per_page: i64) -> StatementListQuery {
        StatementListQuery {
            q: self.q.clone(),
            counterparty: self.counterparty.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            open: Some(self.open.as_deref() == Some("1")),
            store_id: self.store_id.clone(),
            page,
            per_page: Some(per_page),
        }
    }

    fn link(&self, path: &str, page: i64) -> String {
        let get = |value: &Option<String>| urlencode(value.as_deref().unwrap_or(""));
        format!(
            "{path}?q={}&counterparty={}&from={}&to={}&open={}&store_id={}&page={page}",
            get(&self.q),
            get(&self.counterparty),
            get(&self.from),
            get(&self.to),
            get(&self.open),
            get(&self.store_id)
        )
    }
}

async fn list_kind(state: &AppState, who: &UiActor, pages: &KindPages, params: &ListParams) -> Response {
    let locale = who.locale;
    let page = match statements::list(&state.app, &who.actor, pages.kind, params.query(params.page, 50)).await {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let ctx = Ctx::new(who, pages.title, pages.base).flash(params.flash.as_deref());
    let text = |name: &str, key: &str, value: &Option<String>, placeholder: &str| Filter {
        name: name.into(),
        label: label(locale, key),
        value: value.clone().unwrap_or_default(),
        placeholder: placeholder.into(),
        ..Filter::default()
    };
    let mut filters = vec![text("q", "st.number", &params.q, "")];
    if pages.kind == StatementKind::Settlement {
        filters.push(text("counterparty", pages.counterparty, &params.counterparty, ""));
    }
    filters.push(text("from", "st.from", &params.from, "2024-01-01"));
    filters.push(text("to", "st.to", &params.to, "2024-12-31"));
    filters.push(Filter {
        name: "open".into(),
        label: label(locale, "st.open_only"),
        value: params.open.clone().unwrap_or_default(),
        options: vec![(String::new(), label(locale, "form.choose")), ("1".into(), label(locale, "form.yes"))],
        ..Filter::default()
    });
    filters.extend(super::store_filter(locale, who, params.store_id.as_deref()));
    let mut actions = Vec::new();
    if who.actor.can_anywhere(Permission::FinanceWrite) {
        actions.push(Action::link(label(locale, pages.import_title), format!("{}/import", pages.base)).primary());
    }
    actions.push(Action::link(label(locale, "action.export"), params.link(&format!("{}.xlsx", pages.base), 1)));
    let view = ListView {
        title: label(locale, pages.title),
        action_path: pages.base.into(),
        filters,
        actions,
        table: statement_table(locale, pages, &page.items),
        pager: pager(locale, &page, |n| params.link(pages.base, n)),
    };
    list_page(&ctx, &view)
}

async fn export_kind(state: &AppState, who: &UiActor, pages: &KindPages, params: &ListParams) -> Response {
    let locale = who.locale;
    let fetch = |page| statements::list(&state.app, &who.actor, pages.kind, params.query(Some(page), 200));
    crate::excel::export_all(&label(locale, pages.title), &format!("{}.xlsx", pages.kind.as_str()), fetch, |items| {
        statement_table(locale, pages, items)
    })
    .await
    .unwrap_or_else(|error| error_page(locale, error))
}

pub async fn list(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    list_kind(&state, &who, &SETTLEMENT, &params).await
}

pub async fn list_export(State(state): State<AppState>, who: UiActor, Query(params): Query<ListParams>) -> Response {
    export_kind(&state, &who, &SETTLEMENT, &params).await
}

pub async fn commission_list(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<ListParams>,
) -> Response {
    list_kind(&state, &who, &COMMISSION, &params).await
}

pub async fn commission_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<ListParams>,
) -> Response {
    export_kind(&state, &who, &COMMISSION, &params).await
}

// ---------------------------------------------------------------------------------------------------------
// Upload.

#[derive(askama::Template)]
#[template(path = "upload.html")]
struct UploadPage<'a> {
    ctx: &'a Ctx,
    form: &'a FormView,
    file_label: String,
    file_hint: String,
}

async fn counterparty_options(state: &AppState, who: &UiActor, pages: &KindPages) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), label(who.locale, "form.choose"))];
    match pages.kind {
        StatementKind::Settlement => {
            if let Ok(brands) = claimdesk_app::warranty::list_brands(&state.app, &who.actor).await {
                options.extend(brands.into_iter().filter(|b| b.configured).map(|b| (b.brand.clone(), b.brand)));
            }
        }
        StatementKind::Commission => {
            if let Ok(insurers) =
                claimdesk_app::insurance::insurers::list(&state.app, &who.actor, who.actor.current_store.as_deref())
                    .await
            {
                options.extend(insurers.into_iter().map(|i| (i.id.clone(), i.name)));
            }
        }
    }
    options
}

fn upload_form(locale: Locale, pages: &KindPages, form: &FormData, counterparties: Vec<(String, String)>) -> FormView {
    let t = |key: &str| label(locale, key);
    FormView {
        title: t(pages.import_title),
        action: format!("{}/import", pages.base),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("counterparty", t(pages.counterparty), form.get("counterparty"))
                    .options(counterparties)
                    .required(),
                Field::text("number", t("st.number"), form.get("number")).code().required(),
                Field::text("period", t("st.period"), form.get("period")).kind("month").required(),
                Field::text("statement_date", t("st.statement_date"), form.get("statement_date")).kind("date"),
            ],
        }],
        submit: t("st.import_submit"),
        cancel_href: Some(pages.base.into()),
        ..FormView::default()
    }
}

async fn upload_page(
    state: &AppState,
    who: &UiActor,
    pages: &KindPages,
    form: &FormData,
    errors: Option<Violations>,
) -> Response {
    let locale = who.locale;
    let ctx = Ctx::new(who, pages.import_title, pages.base);
    let mut view = upload_form(locale, pages, form, counterparty_options(state, who, pages).await);
    let status = match errors {
        Some(violations) => {
            let catalog = Catalog::get();
            let messages = violations
                .iter()
                .map(|v| {
                    let message = catalog.violation(locale, v);
                    match v.params.get("row").filter(|row| *row != "0") {
                        Some(row) => {
                            let column = v.params.get("column").cloned().unwrap_or_default();
                            let place = catalog.format(
                                locale,
                                "st.row_column",
                                [("row", row.as_str()), ("column", column.as_str())],
                            );
                            (String::new(), format!("{place}{message}"))
                        }
                        None => (v.field.clone(), message),
                    }
                })
                .collect();
            view.apply_messages(messages, locale);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let page = UploadPage {
        ctx: &ctx,
        form: &view,
        file_label: label(locale, "st.file"),
        file_hint: label(
            locale,
            if pages.kind == StatementKind::Settlement { "st.file_hint" } else { "st.commission_file_hint" },
        ),
    };
    (status, render(&page)).into_response()
}

async fn upload_new(state: &AppState, who: &UiActor, pages: &KindPages) -> Response {
    if let Err(error) = who.actor.target_store(Permission::FinanceWrite, None) {
        return error_page(who.locale, error);
    }
    let month = clock::local_date(state.app.clock.now(), who.actor.home_time_zone()).strftime("%Y-%m").to_string();
    upload_page(state, who, pages, &FormData(vec![("period".into(), month)]), None).await
}

async fn upload_post(state: &AppState, uploaded: Uploaded, pages: &KindPages) -> Response {
    let Uploaded { who, file, fields: form } = uploaded;
    let Some((file_name, bytes)) = file else {
        let violations = Violations::from(Violation::new("file", "required"));
        return upload_page(state, &who, pages, &form, Some(violations)).await;
    };
    let lines = crate::excel::read_rows(&bytes)
        .map_err(AppError::invalid)
        .and_then(|rows| statements::lines_from_rows(pages.kind, &rows));
    let result = match lines {
        Ok(lines) => {
            let source = if bytes.starts_with(b"PK") { "excel" } else { "csv" };
            let input = StatementInput {
                counterparty: form.get("counterparty").into(),
                number: form.get("number").into(),
                period: form.get("period").into(),
                statement_date: form.opt("statement_date"),
                source: source.into(),
                file_name,
                lines,
                store_id: None,
            };
            statements::import(&state.app, &who.actor, pages.kind, input).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(statement) => see_other(&format!("{}/{}", pages.base, statement.id), "st.imported"),
        Err(AppError::Invalid(violations)) => upload_page(state, &who, pages, &form, Some(violations)).await,
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn import_new(State(state): State<AppState>, who: UiActor) -> Response {
    upload_new(&state, &who, &SETTLEMENT).await
}

pub async fn import_post(State(state): State<AppState>, uploaded: Uploaded) -> Response {
    upload_post(&state, uploaded, &SETTLEMENT).await
}

pub async fn commission_import_new(State(state): State<AppState>, who: UiActor) -> Response {
    upload_new(&state, &who, &COMMISSION).await
}

pub async fn commission_import_post(State(state): State<AppState>, uploaded: Uploaded) -> Response {
    upload_post(&state, uploaded, &COMMISSION).await
}

// ---------------------------------------------------------------------------------------------------------
// A statement's page.

fn lines_table(locale: Locale, pages: &KindPages, statement: &StatementView, with_actions: bool) -> Table {
    let t = |key: &str| label(locale, key);
    let settlement = pages.kind == StatementKind::Settlement;
    let mut columns =
        vec![Column::right(t("st.row")), Column::new(t(if settlement { "st.claim_number" } else { "st.policy_no" }))];
    if settlement {
        columns.push(Column::new(t("st.line_ref")));
        columns.push(Column::new(t("st.description")));
    } else {
        columns.push(Column::right(t("st.premium")));
    }
    columns.extend([
        Column::right(t(if settlement { "st.line_claimed" } else { "st.booked" })),
        Column::right(t(if settlement { "st.line_paid" } else { "st.stated_commission" })),
        Column::right(t("st.difference_amount")),
        Column::new(t("st.outcome")),
        Column::new(t("st.reason")),
    ]);
    if with_actions {
        columns.push(Column::new(t("st.appeal")));
    }
    let rows = statement
        .lines
        .iter()
        .map(|line| {
            let mut cells = vec![
                Cell { right: true, ..Cell::text(if line.row > 0 { line.row.to_string() } else { "—".into() }) },
                match (&line.subject_id, settlement) {
                    (Some(id), true) => {
                        Cell { href: Some(format!("/warranty-claims/{id}")), ..Cell::mono(line.reference.clone()) }
                    }
                    (Some(id), false) => {
                        Cell { href: Some(format!("/insurance/policies/{id}")), ..Cell::mono(line.reference.clone()) }
                    }
                    (None, _) => Cell::mono(line.reference.clone()),
                },
            ];
            if settlement {
                cells.push(Cell::mono(line.line_ref.clone()));
                cells.push(Cell::text(line.description.clone()));
            } else {
                cells.push(money_opt(line.claimed.or(Money::parse("premium", &line.description).ok())));
            }
            cells.extend([
                money_opt(line.expected),
                money_opt(line.stated),
                money(line.difference),
                Cell::tag(t(&format!("{}.{}", pages.outcome_prefix, line.outcome)), outcome_tag(&line.outcome)),
                Cell::text(line.reason.clone()),
            ]);
            if with_actions {
                cells.push(match (&line.appeal_id, line.appealable) {
                    (Some(appeal), _) => {
                        let number = statement
                            .appeals
                            .iter()
                            .find(|a| &a.id == appeal)
                            .map(|a| a.number.clone())
                            .unwrap_or_default();
                        Cell::link(number, format!("/settlement/appeals/{appeal}"))
                    }
                    (None, true) => Cell::link(
                        t("st.draft_appeal"),
                        format!("/settlement/statements/{}/appeal?line={}", statement.id, line.id),
                    ),
                    (None, false) => Cell::text(""),
                });
            }
            Row {
                alert: matches!(line.outcome.as_str(), "rejected" | "unknown" | "extra" | "debit" | "missing"),
                cells,
            }
        })
        .collect();
    Table { columns, rows, empty: t("list.empty") }
}

fn payment_form(locale: Locale, statement: &StatementView, form: Option<&FormData>) -> FormView {
    let t = |key: &str| label(locale, key);
    let get = |name: &str| form.map(|f| f.get(name).to_string()).unwrap_or_default();
    let amount = form.map(|f| f.get("amount").to_string()).unwrap_or_else(|| statement.open.to_string());
    FormView {
        action: format!("/settlement/statements/{}/payments", statement.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("version", "", statement.version.to_string()).kind("hidden"),
                Field::text("received_on", t("st.received_on"), get("received_on")).kind("date"),
                Field::text("amount", t("st.amount"), amount).required(),
                Field::text("reference", t("st.bank_reference"), get("reference")),
            ],
        }],
        submit: t("st.record_payment"),
        ..FormView::default()
    }
}

fn invoice_form(locale: Locale, statement: &StatementView, form: Option<&FormData>) -> FormView {
    let t = |key: &str| label(locale, key);
    let get = |name: &str| form.map(|f| f.get(name).to_string()).unwrap_or_default();
    let open = (statement.confirmed - statement.invoiced).non_negative();
    let amount = form.map(|f| f.get("amount").to_string()).unwrap_or_else(|| open.to_string());
    FormView {
        action: format!("/settlement/statements/{}/invoices", statement.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("version", "", statement.version.to_string()).kind("hidden"),
                Field::text("invoice_no", t("st.invoice_no"), get("invoice_no")).code().required(),
                Field::text("issued_on", t("st.issued_on"), get("issued_on")).kind("date"),
                Field::text("amount", t("st.amount"), amount).required().hint(t("st.invoice_hint")),
            ],
        }],
        submit: t("st.issue_invoice"),
        ..FormView::default()
    }
}

fn appeals_table(locale: Locale, appeals: &[AppealView]) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("st.appeal_number")),
            Column::new(t("st.state")),
            Column::right(t("st.requested")),
            Column::right(t("st.granted")),
            Column::new(t("st.reason")),
            Column::new(t("st.created_at")),
        ],
        rows: appeals
            .iter()
            .map(|a| Row {
                cells: vec![
                    Cell::link(a.number.clone(), format!("/settlement/appeals/{}", a.id)),
                    Cell::tag(t(&format!("st.appeal_state.{}", a.state)), outcome_tag(&a.state)),
                    money(a.requested),
                    money_opt(a.granted),
                    Cell::text(a.reason.chars().take(60).collect::<String>()),
                    Cell::mono(a.created_at.get(..10).unwrap_or("").to_string()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    }
}

/// Which form of the statement page came back with errors.
enum Failed {
    Payment(FormData, Violations),
    Invoice(FormData, Violations),
}

async fn statement_page(
    state: &AppState,
    who: &UiActor,
    pages: &KindPages,
    id: &str,
    flash: Option<&str>,
    failed: Option<Failed>,
) -> Response {
    let locale = who.locale;
    let statement = match statements::get(&state.app, &who.actor, pages.kind, id).await {
        Ok(statement) => statement,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let history =
        audit::history(&state.app, "statement", statement.id.clone()).await.map(audit::summarize).unwrap_or_default();
    let zone = who.actor.time_zone(&statement.store_id).to_string();
    let writes = who.actor.can(Permission::FinanceWrite, &statement.store_id);
    let settlement = pages.kind == StatementKind::Settlement;
    let mut summary = vec![
        (t(pages.counterparty), statement.counterparty_name.clone()),
        (t("st.period"), statement.period.clone()),
        (t("st.statement_date"), statement.statement_date.clone()),
        (t("st.file_name"), format!("{} ({})", statement.file_name, t(&format!("st.source.{}", statement.source)))),
        (t("st.expected"), statement.expected.display_cny()),
        (t("st.stated"), statement.stated.display_cny()),
    ];
    if settlement {
        summary.push((t("st.confirmed"), statement.confirmed.display_cny()));
        summary.push((t("st.received"), statement.received.display_cny()));
        summary.push((t("st.open"), statement.open.display_cny()));
        summary.push((t("st.invoiced"), statement.invoiced.display_cny()));
    }
    for (outcome, total) in &statement.totals {
        summary.push((
            t(&format!("{}.{outcome}", pages.outcome_prefix)),
            format!("{} · {}", total.lines, total.stated.display_cny()),
        ));
    }
    let mut sections = vec![
        Section { title: t("st.summary"), pairs: summary, ..Section::default() },
        Section {
            title: t(if settlement { "st.lines" } else { "st.differences" }),
            table: Some(lines_table(locale, pages, &statement, settlement)),
            actions: vec![Action::link(t("action.export"), format!("{}/{}/lines.xlsx", pages.base, statement.id))],
            ..Section::default()
        },
    ];
    if settlement {
        let (mut payment, mut invoice) =
            (payment_form(locale, &statement, None), invoice_form(locale, &statement, None));
        match &failed {
            Some(Failed::Payment(form, violations)) => {
                payment = payment_form(locale, &statement, Some(form));
                payment.apply_errors(violations, locale);
            }
            Some(Failed::Invoice(form, violations)) => {
                invoice = invoice_form(locale, &statement, Some(form));
                invoice.apply_errors(violations, locale);
            }
            None => {}
        }
        sections.push(Section {
            title: t("st.appeals"),
            table: Some(appeals_table(locale, &statement.appeals)),
            ..Section::default()
        });
        sections.push(Section {
            title: t("st.payments"),
            table: Some(Table {
                columns: vec![
                    Column::new(t("st.received_on")),
                    Column::right(t("st.amount")),
                    Column::new(t("st.bank_reference")),
                ],
                rows: statement
                    .payments
                    .iter()
                    .map(|p| Row {
                        cells: vec![
                            Cell::mono(p.received_on.clone()),
                            money(p.amount),
                            Cell::text(p.reference.clone()),
                        ],
                        alert: false,
                    })
                    .collect(),
                empty: t("list.empty"),
            }),
            form: (writes && !statement.open.is_zero() && !statement.open.is_negative()).then_some(payment),
            ..Section::default()
        });
        sections.push(Section {
            title: t("st.invoices"),
            table: Some(Table {
                columns: vec![
                    Column::new(t("st.invoice_no")),
                    Column::new(t("st.issued_on")),
                    Column::right(t("st.amount")),
                ],
                rows: statement
                    .invoices
                    .iter()
                    .map(|i| Row {
                        cells: vec![Cell::mono(i.invoice_no.clone()), Cell::mono(i.issued_on.clone()), money(i.amount)],
                        alert: false,
                    })
                    .collect(),
                empty: t("list.empty"),
            }),
            form: (writes && statement.confirmed > statement.invoiced).then_some(invoice),
            ..Section::default()
        });
    }
    let open_state = if !settlement {
        None
    } else if statement.open.is_zero() {
        Some((t("st.settled"), "tag-green".to_string()))
    } else {
        Some((t("st.open"), "tag-orange".to_string()))
    };
    let ctx = Ctx::new(who, pages.title, pages.base).titled(statement.number.clone()).flash(flash);
    let view = DetailView {
        title: format!(
            "{} {}",
            t(if settlement { "st.statement" } else { "st.commission_statement" }),
            statement.number
        ),
        subtitle: format!("{} · {}", statement.counterparty_name, statement.period),
        state: open_state,
        actions: vec![Action::link(t("action.back"), pages.base)],
        sections,
        timeline: super::timeline(locale, history, &zone),
        due: None,
    };
    let mut response = detail_page(&ctx, &view);
    if failed.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

pub async fn show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    statement_page(&state, &who, &SETTLEMENT, &id, flash.flash.as_deref(), None).await
}

pub async fn commission_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    statement_page(&state, &who, &COMMISSION, &id, flash.flash.as_deref(), None).await
}

async fn lines_export(state: &AppState, who: &UiActor, pages: &KindPages, id: &str) -> Response {
    match statements::get(&state.app, &who.actor, pages.kind, id).await {
        Ok(statement) => export(
            &label(who.locale, pages.title),
            &format!("{}-{}.xlsx", pages.kind.as_str(), statement.number),
            &lines_table(who.locale, pages, &statement, false),
        ),
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn show_export(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    lines_export(&state, &who, &SETTLEMENT, &id).await
}

pub async fn commission_show_export(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    lines_export(&state, &who, &COMMISSION, &id).await
}

pub async fn payment(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = PaymentInput {
        received_on: form.opt("received_on"),
        amount: form.get("amount").into(),
        reference: form.get("reference").into(),
        version: form.int("version"),
    };
    match statements::record_payment(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/settlement/statements/{id}"), "st.payment_recorded"),
        Err(AppError::Invalid(violations)) => {
            statement_page(&state, &who, &SETTLEMENT, &id, None, Some(Failed::Payment(form, violations))).await
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn invoice(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = InvoiceInput {
        invoice_no: form.get("invoice_no").into(),
        issued_on: form.opt("issued_on"),
        amount: form.get("amount").into(),
        version: form.int("version"),
    };
    match statements::issue_invoice(&state.app, &who.actor, &id, input).await {
        Ok(_) => see_other(&format!("/settlement/statements/{id}"), "st.invoice_issued"),
        Err(AppError::Invalid(violations)) => {
            statement_page(&state, &who, &SETTLEMENT, &id, None, Some(Failed::Invoice(form, violations))).await
        }
        Err(error) => error_page(who.locale, error),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Appeals.

#[derive(Debug, Default, Deserialize)]
pub struct AppealParams {
    #[serde(default)]
    line: String,
}

fn appeal_form(locale: Locale, statement_id: &str, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    FormView {
        title: t("st.draft_appeal"),
        action: format!("/settlement/statements/{statement_id}/appeal"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("line_id", "", form.get("line_id")).kind("hidden"),
                Field::text("line_label", t("st.line"), form.get("line_label")),
                Field::text("requested", t("st.requested"), form.get("requested")).required(),
                Field::text("reason", t("st.appeal_reason"), form.get("reason")).kind("textarea").wide().required(),
            ],
        }],
        submit: t("st.save_appeal"),
        cancel_href: Some(format!("/settlement/statements/{statement_id}")),
        ..FormView::default()
    }
}

pub async fn appeal_new(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(params): Query<AppealParams>,
) -> Response {
    let locale = who.locale;
    let draft = match statements::appeal_draft(&state.app, &who.actor, &id, &params.line).await {
        Ok(draft) => draft,
        Err(error) => return error_page(locale, error),
    };
    let catalog = Catalog::get();
    let outcome = label(locale, &format!("st.outcome.{}", draft.outcome));
    let (claimed, paid, requested) = (draft.claimed.to_string(), draft.paid.to_string(), draft.requested.to_string());
    let text = catalog.format(
        locale,
        "st.appeal_template",
        [
            ("counterparty", draft.counterparty.as_str()),
            ("statement", draft.statement_number.as_str()),
            ("claim", draft.claim_number.as_str()),
            ("line", draft.line_ref.as_str()),
            ("description", draft.description.as_str()),
            ("claimed", claimed.as_str()),
            ("paid", paid.as_str()),
            ("outcome", outcome.as_str()),
            ("manufacturer_reason", draft.manufacturer_reason.as_str()),
            ("vin", draft.vin.as_str()),
            ("repair_date", draft.repair_date.as_str()),
            ("symptom", draft.symptom.as_str()),
            ("cause", draft.cause.as_str()),
            ("correction", draft.correction.as_str()),
            ("requested", requested.as_str()),
        ],
    );
    let form = FormData(vec![
        ("line_id".into(), params.line.clone()),
        ("line_label".into(), format!("{} / {} {}", draft.claim_number, draft.line_ref, draft.description)),
        ("requested".into(), requested.clone()),
        ("reason".into(), text),
    ]);
    let ctx = Ctx::new(&who, "st.draft_appeal", "/settlement/statements");
    form_page(&ctx, &appeal_form(locale, &id, &form), StatusCode::OK)
}

pub async fn appeal_create(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = AppealInput {
        line_id: form.get("line_id").into(),
        reason: form.get("reason").into(),
        requested: form.opt("requested"),
    };
    match statements::draft_appeal(&state.app, &who.actor, &id, input).await {
        Ok(appeal) => see_other(&format!("/settlement/appeals/{}", appeal.id), "st.appeal_saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "st.draft_appeal", "/settlement/statements");
            let mut view = appeal_form(who.locale, &id, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn appeal_list_table(locale: Locale, appeals: &[AppealView]) -> Table {
    appeals_table(locale, appeals)
}

#[derive(Debug, Default, Deserialize)]
pub struct AppealListParams {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

impl AppealListParams {
    fn link(&self, path: &str, page: i64) -> String {
        format!(
            "{path}?state={}&store_id={}&page={page}",
            urlencode(self.state.as_deref().unwrap_or("")),
            urlencode(self.store_id.as_deref().unwrap_or(""))
        )
    }
}

pub async fn appeals(State(state): State<AppState>, who: UiActor, Query(params): Query<AppealListParams>) -> Response {
    let locale = who.locale;
    let page = match statements::list_appeals(
        &state.app,
        &who.actor,
        params.state.clone(),
        params.store_id.clone(),
        params.page,
        Some(50),
    )
    .await
    {
        Ok(page) => page,
        Err(error) => return error_page(locale, error),
    };
    let mut options = vec![(String::new(), label(locale, "form.choose"))];
    options.extend(super::options(locale, "st.appeal_state", &["draft", "submitted", "granted", "denied"]));
    let mut filters = vec![Filter {
        name: "state".into(),
        label: label(locale, "st.state"),
        value: params.state.clone().unwrap_or_default(),
        options,
        ..Filter::default()
    }];
    filters.extend(super::store_filter(locale, &who, params.store_id.as_deref()));
    let ctx = Ctx::new(&who, "st.appeals", "/settlement/appeals");
    let view = ListView {
        title: label(locale, "st.appeals"),
        action_path: "/settlement/appeals".into(),
        filters,
        actions: vec![Action::link(label(locale, "action.export"), params.link("/settlement/appeals.xlsx", 1))],
        table: appeal_list_table(locale, &page.items),
        pager: pager(locale, &page, |n| params.link("/settlement/appeals", n)),
    };
    list_page(&ctx, &view)
}

pub async fn appeals_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<AppealListParams>,
) -> Response {
    let locale = who.locale;
    let fetch = |page| {
        statements::list_appeals(
            &state.app,
            &who.actor,
            params.state.clone(),
            params.store_id.clone(),
            Some(page),
            Some(200),
        )
    };
    crate::excel::export_all(&label(locale, "st.appeals"), "appeals.xlsx", fetch, |items| {
        appeal_list_table(locale, items)
    })
    .await
    .unwrap_or_else(|error| error_page(locale, error))
}

fn appeal_sections(locale: Locale, appeal: &AppealView) -> Vec<Section> {
    let t = |key: &str| label(locale, key);
    vec![
        Section {
            title: t("st.appeal"),
            pairs: vec![
                (t("st.appeal_number"), appeal.number.clone()),
                (t("st.state"), t(&format!("st.appeal_state.{}", appeal.state))),
                (t("st.requested"), appeal.requested.display_cny()),
                (t("st.granted"), appeal.granted.map(Money::display_cny).unwrap_or_else(|| "—".into())),
                (t("st.created_at"), appeal.created_at.get(..10).unwrap_or("").to_string()),
            ],
            ..Section::default()
        },
        Section { title: t("st.appeal_reason"), doc: Some(appeal.reason.clone()), ..Section::default() },
    ]
}

pub async fn appeal_show(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let appeal = match statements::get_appeal(&state.app, &who.actor, &id).await {
        Ok(appeal) => appeal,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let history = audit::history(&state.app, "statement_appeal", appeal.id.clone())
        .await
        .map(audit::summarize)
        .unwrap_or_default();
    let zone = who.actor.time_zone(&appeal.store_id).to_string();
    let mut actions = Vec::new();
    if who.actor.can(Permission::FinanceWrite, &appeal.store_id) {
        for action in &appeal.actions {
            let button =
                Action::post(t(&format!("st.appeal_action.{action}")), format!("/settlement/appeals/{id}/do/{action}"));
            actions.push(if *action == "submit" || *action == "grant" { button.primary() } else { button });
        }
    }
    actions.push(Action::link(t("action.print"), format!("/settlement/appeals/{id}/print")));
    actions.push(Action::link(t("st.statement"), format!("/settlement/statements/{}", appeal.statement_id)));
    let mut sections = appeal_sections(locale, &appeal);
    if let Some(claim) = &appeal.claim_id {
        sections[0].actions.push(Action::link(t("st.claim"), format!("/warranty-claims/{claim}")));
    }
    // The evidence sent with the appeal (photos, the repair order, the parts inspection record).
    let owner = Owner::new(OwnerKind::StatementAppeal, &appeal.id);
    sections.push(
        super::attachments::section(&state, &who, owner, &appeal.store_id, &format!("/settlement/appeals/{id}")).await,
    );
    let ctx =
        Ctx::new(&who, "st.appeal", "/settlement/appeals").titled(appeal.number.clone()).flash(flash.flash.as_deref());
    let view = DetailView {
        title: format!("{} {}", t("st.appeal"), appeal.number),
        subtitle: String::new(),
        state: Some((t(&format!("st.appeal_state.{}", appeal.state)), outcome_tag(&appeal.state).into())),
        actions,
        sections,
        timeline: super::timeline(locale, history, &zone),
        due: None,
    };
    detail_page(&ctx, &view)
}

pub async fn appeal_print(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let locale = who.locale;
    let appeal = match statements::get_appeal(&state.app, &who.actor, &id).await {
        Ok(appeal) => appeal,
        Err(error) => return error_page(locale, error),
    };
    let zone = who.actor.time_zone(&appeal.store_id).to_string();
    let view = PrintView {
        title: label(locale, "st.appeal_print_title"),
        store_name: who.actor.store(&appeal.store_id).map(|s| s.name.clone()).unwrap_or_default(),
        form_no: appeal.number.clone(),
        printed_at: clock::display_local(state.app.now_ms(), &zone),
        sections: appeal_sections(locale, &appeal),
        signatures: vec![label(locale, "st.sign_clerk"), label(locale, "st.sign_manager")],
    };
    print_page(locale, &view)
}

pub async fn appeal_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let Posted { who, form } = posted;
    match statements::act_on_appeal(&state.app, &who.actor, &id, &action, form.opt("granted")).await {
        Ok(_) => see_other(&format!("/settlement/appeals/{id}"), "form.saved"),
        Err(error) => error_page(who.locale, error),
    }
}

// ---------------------------------------------------------------------------------------------------------
// The monthly reconciliation.

#[derive(Debug, Default, Deserialize)]
pub struct MonthParams {
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    store_id: Option<String>,
    #[serde(default)]
    flash: Option<String>,
}

fn month_of(state: &AppState, who: &UiActor, params: &MonthParams) -> String {
    params.month.clone().filter(|m| m.len() == 7).unwrap_or_else(|| {
        clock::local_date(state.app.clock.now(), who.actor.home_time_zone()).strftime("%Y-%m").to_string()
    })
}

/// Links to the month before and after, and the export of the page's tables.
fn month_actions(locale: Locale, path: &str, month: &str) -> Vec<Action> {
    let shift = |months: i32| {
        format!("{month}-01")
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.checked_add(jiff::Span::new().months(months)).ok())
            .map(|d| d.strftime("%Y-%m").to_string())
            .unwrap_or_else(|| month.to_string())
    };
    let (before, after) = (shift(-1), shift(1));
    vec![
        Action::link(format!("‹ {before}"), format!("{path}?month={before}")),
        Action::link(format!("{after} ›"), format!("{path}?month={after}")),
        Action::link(label(locale, "action.export"), format!("{path}.xlsx?month={month}")),
    ]
}

fn check_tables(locale: Locale, report: &statements::CheckReport) -> (Table, Table) {
    let t = |key: &str| label(locale, key);
    let unclaimed = Table {
        columns: vec![
            Column::new(t("st.repair_order")),
            Column::new(t("st.handed_over_on")),
            Column::right(t("st.warranty_lines")),
            Column::right(t("st.amount")),
        ],
        rows: report
            .unclaimed
            .iter()
            .map(|o| Row {
                cells: vec![
                    Cell::link(o.number.clone(), format!("/repair-orders/{}", o.repair_order_id)),
                    Cell::mono(o.handed_over_on.clone()),
                    Cell { right: true, ..Cell::text(o.lines.to_string()) },
                    money(o.amount),
                ],
                alert: true,
            })
            .collect(),
        empty: t("st.none_found"),
    };
    let differences = Table {
        columns: vec![
            Column::new(t("st.claim_number")),
            Column::new(t("st.repair_order")),
            Column::new(t("st.line_ref")),
            Column::new(t("st.outcome")),
            Column::right(t("st.order_amount")),
            Column::right(t("st.claim_amount")),
        ],
        rows: report
            .differences
            .iter()
            .map(|d| Row {
                cells: vec![
                    Cell::link(d.claim_number.clone(), format!("/warranty-claims/{}", d.claim_id)),
                    Cell::link(d.repair_order_number.clone(), format!("/repair-orders/{}", d.repair_order_id)),
                    Cell::mono(d.code.clone()),
                    Cell::tag(t(&format!("st.order_difference.{}", d.difference)), outcome_tag(&d.difference)),
                    money_opt(d.order_amount),
                    money_opt(d.claim_amount),
                ],
                alert: false,
            })
            .collect(),
        empty: t("st.none_found"),
    };
    (unclaimed, differences)
}

pub async fn check(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let locale = who.locale;
    let month = month_of(&state, &who, &params);
    let report = match statements::check(&state.app, &who.actor, &month, params.store_id.as_deref()).await {
        Ok(report) => report,
        Err(error) => return error_page(locale, error),
    };
    let (unclaimed, differences) = check_tables(locale, &report);
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "st.check", "/settlement/check");
    let view = DetailView {
        title: format!("{} · {month}", t("st.check")),
        subtitle: t("st.check_hint"),
        actions: month_actions(locale, "/settlement/check", &month),
        sections: vec![
            Section {
                title: format!("{} ({})", t("st.unclaimed"), report.unclaimed.len()),
                table: Some(unclaimed),
                ..Section::default()
            },
            Section {
                title: format!("{} ({})", t("st.claim_differences"), report.differences.len()),
                table: Some(differences),
                ..Section::default()
            },
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn check_export(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let month = month_of(&state, &who, &params);
    match statements::check(&state.app, &who.actor, &month, params.store_id.as_deref()).await {
        Ok(report) => {
            // One sheet: the unclaimed orders, then the differing claims under their own header row.
            let (unclaimed, differences) = check_tables(who.locale, &report);
            let mut rows = unclaimed.text_rows();
            rows.push(Vec::new());
            rows.push(differences.columns.iter().map(|c| c.label.clone()).collect());
            rows.extend(differences.text_rows());
            let columns: Vec<String> = unclaimed.columns.iter().map(|c| c.label.clone()).collect();
            crate::excel::download(&label(who.locale, "st.check"), &columns, &rows, &format!("check-{month}.xlsx"))
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn income_table(locale: Locale, report: &statements::IncomeReport) -> Table {
    let t = |key: &str| label(locale, key);
    let line = |l: &statements::IncomeLine, name: String| Row {
        cells: vec![
            Cell::text(name),
            Cell { right: true, ..Cell::text(l.claims.to_string()) },
            money(l.labor_claimed),
            money(l.labor_approved),
            money(l.parts_claimed),
            money(l.parts_approved),
            money(l.sublet_approved),
            money(l.claimed),
            money(l.approved),
        ],
        alert: false,
    };
    let mut rows: Vec<Row> = report.lines.iter().map(|l| line(l, t(&format!("wc.kind.{}", l.claim_kind)))).collect();
    rows.push(line(&report.total, t("st.total")));
    Table {
        columns: vec![
            Column::new(t("wc.kind")),
            Column::right(t("st.claims")),
            Column::right(t("st.labor_claimed")),
            Column::right(t("st.labor_approved")),
            Column::right(t("st.parts_claimed")),
            Column::right(t("st.parts_approved")),
            Column::right(t("st.sublet_approved")),
            Column::right(t("st.claimed_total")),
            Column::right(t("st.approved_total")),
        ],
        rows,
        empty: t("list.empty"),
    }
}

pub async fn income(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let locale = who.locale;
    let month = month_of(&state, &who, &params);
    let report = match statements::income(&state.app, &who.actor, &month, params.store_id.as_deref()).await {
        Ok(report) => report,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "st.income", "/settlement/income");
    let view = DetailView {
        title: format!("{} · {month}", t("st.income")),
        subtitle: t("st.income_hint"),
        actions: month_actions(locale, "/settlement/income", &month),
        sections: vec![
            Section {
                title: t("st.labor_vs_parts"),
                pairs: vec![
                    (t("st.labor_approved"), report.total.labor_approved.display_cny()),
                    (t("st.parts_approved"), report.total.parts_approved.display_cny()),
                    (t("st.approved_total"), report.total.approved.display_cny()),
                    (t("st.claimed_total"), report.total.claimed.display_cny()),
                ],
                ..Section::default()
            },
            Section { title: t("st.by_kind"), table: Some(income_table(locale, &report)), ..Section::default() },
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn income_export(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let month = month_of(&state, &who, &params);
    match statements::income(&state.app, &who.actor, &month, params.store_id.as_deref()).await {
        Ok(report) => {
            export(&label(who.locale, "st.income"), &format!("income-{month}.xlsx"), &income_table(who.locale, &report))
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn aging_table(locale: Locale, lines: &[statements::AgingLine]) -> Table {
    let t = |key: &str| label(locale, key);
    let mut columns = vec![Column::new(t("st.brand"))];
    columns.extend(AGING_BUCKETS.iter().map(|b| Column::right(t(&format!("st.aging.{b}")))));
    columns.extend([
        Column::right(t("st.on_statements")),
        Column::right(t("st.not_on_statements")),
        Column::right(t("st.total")),
    ]);
    Table {
        columns,
        rows: lines
            .iter()
            .map(|l| {
                let mut cells = vec![Cell::text(l.counterparty.clone())];
                cells.extend(l.buckets.iter().map(|m| money(*m)));
                cells.extend([money(l.on_statements), money(l.not_on_statements), money(l.total)]);
                Row { cells, alert: !l.buckets[3].is_zero() || !l.buckets[4].is_zero() }
            })
            .collect(),
        empty: t("list.empty"),
    }
}

pub async fn aging(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    let locale = who.locale;
    let lines = match statements::aging(&state.app, &who.actor, params.store_id.as_deref()).await {
        Ok(lines) => lines,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "st.aging", "/settlement/aging");
    let view = DetailView {
        title: t("st.aging"),
        subtitle: t("st.aging_hint"),
        actions: vec![Action::link(t("action.export"), "/settlement/aging.xlsx")],
        sections: vec![Section {
            title: t("st.by_brand"),
            table: Some(aging_table(locale, &lines)),
            ..Section::default()
        }],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn aging_export(State(state): State<AppState>, who: UiActor, Query(params): Query<MonthParams>) -> Response {
    match statements::aging(&state.app, &who.actor, params.store_id.as_deref()).await {
        Ok(lines) => export(&label(who.locale, "st.aging"), "aging.xlsx", &aging_table(who.locale, &lines)),
        Err(error) => error_page(who.locale, error),
    }
}

fn people_table(locale: Locale, report: &statements::AccountabilityReport) -> Table {
    let t = |key: &str| label(locale, key);
    Table {
        columns: vec![
            Column::new(t("st.responsible")),
            Column::new(t("st.person")),
            Column::right(t("st.lines_count")),
            Column::right(t("st.charged")),
        ],
        rows: report
            .people
            .iter()
            .map(|p| Row {
                cells: vec![
                    Cell::text(t(&format!("st.responsible.{}", p.role))),
                    Cell::text(if p.name.is_empty() { t("st.unassigned") } else { p.name.clone() }),
                    Cell { right: true, ..Cell::text(p.lines.to_string()) },
                    money(p.amount),
                ],
                alert: p.user_id.is_none(),
            })
            .collect(),
        empty: t("st.none_found"),
    }
}

fn rule_form(locale: Locale, rule: &statements::RuleView, form: Option<&FormData>) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str, current: String| form.map(|f| f.get(name).to_string()).unwrap_or(current);
    let mut fields: Vec<Field> = Responsible::ALL
        .iter()
        .map(|who| {
            let name = format!("{}_percent", who.as_str());
            Field::text(
                &name,
                format!("{} %", t(&format!("st.responsible.{}", who.as_str()))),
                value(&name, rule.shares.get(*who).normalize().to_string()),
            )
            .kind("number")
        })
        .collect();
    fields.push(Field::text(
        "technician_id",
        t("st.technician_id"),
        value("technician_id", rule.technician_id.clone().unwrap_or_default()),
    ));
    fields.push(Field::text(
        "manager_id",
        t("st.manager_id"),
        value("manager_id", rule.manager_id.clone().unwrap_or_default()),
    ));
    FormView {
        action: "/settlement/accountability".into(),
        groups: vec![FieldGroup { title: String::new(), fields }],
        submit: t("action.save"),
        ..FormView::default()
    }
}

async fn accountability_page(
    state: &AppState,
    who: &UiActor,
    params: &MonthParams,
    failed: Option<(FormData, Violations)>,
) -> Response {
    let locale = who.locale;
    let month = month_of(state, who, params);
    let report = match statements::accountability(&state.app, &who.actor, &month, params.store_id.as_deref()).await {
        Ok(report) => report,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let mut form = rule_form(locale, &report.rule, failed.as_ref().map(|(f, _)| f));
    if let Some((_, violations)) = &failed {
        form.apply_errors(violations, locale);
    }
    let writes = who.actor.can_anywhere(Permission::FinanceWrite);
    let ctx = Ctx::new(who, "st.accountability", "/settlement/accountability").flash(params.flash.as_deref());
    let view = DetailView {
        title: format!("{} · {month}", t("st.accountability")),
        subtitle: t("st.accountability_hint"),
        actions: month_actions(locale, "/settlement/accountability", &month),
        sections: vec![
            Section {
                title: t("st.summary"),
                pairs: vec![
                    (t("st.loss"), report.loss.display_cny()),
                    (t("st.charged"), report.charged.display_cny()),
                    (t("st.store_bears"), report.store_bears.display_cny()),
                ],
                ..Section::default()
            },
            Section { title: t("st.per_person"), table: Some(people_table(locale, &report)), ..Section::default() },
            Section { title: t("st.rule"), form: writes.then_some(form), ..Section::default() },
        ],
        ..DetailView::default()
    };
    let mut response = detail_page(&ctx, &view);
    if failed.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

pub async fn accountability(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<MonthParams>,
) -> Response {
    accountability_page(&state, &who, &params, None).await
}

pub async fn accountability_export(
    State(state): State<AppState>,
    who: UiActor,
    Query(params): Query<MonthParams>,
) -> Response {
    let month = month_of(&state, &who, &params);
    match statements::accountability(&state.app, &who.actor, &month, params.store_id.as_deref()).await {
        Ok(report) => export(
            &label(who.locale, "st.accountability"),
            &format!("accountability-{month}.xlsx"),
            &people_table(who.locale, &report),
        ),
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn rule_save(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = RuleInput {
        advisor_percent: form.get("advisor_percent").into(),
        technician_percent: form.get("technician_percent").into(),
        clerk_percent: form.get("clerk_percent").into(),
        manager_percent: form.get("manager_percent").into(),
        technician_id: form.opt("technician_id"),
        manager_id: form.opt("manager_id"),
        store_id: None,
    };
    match statements::save_rule(&state.app, &who.actor, input).await {
        Ok(_) => see_other("/settlement/accountability", "form.saved"),
        Err(AppError::Invalid(violations)) => {
            accountability_page(&state, &who, &MonthParams::default(), Some((form, violations))).await
        }
        Err(error) => error_page(who.locale, error),
    }
}

/// The outcome words exist for every outcome the matcher answers (checked by a test of the catalogue).
pub fn outcome_keys() -> Vec<String> {
    let mut keys: Vec<String> = SettlementOutcome::ALL.iter().map(|o| format!("st.outcome.{}", o.as_str())).collect();
    keys.extend(Difference::ALL.iter().map(|d| format!("st.difference.{}", d.as_str())));
    keys.extend(Difference::ALL.iter().map(|d| format!("st.order_difference.{}", d.as_str())));
    keys.extend(AGING_BUCKETS.iter().map(|b| format!("st.aging.{b}")));
    keys.extend(Responsible::ALL.iter().map(|r| format!("st.responsible.{}", r.as_str())));
    keys
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_outcome_has_words() {
        let catalog = crate::messages::Catalog::get();
        for key in super::outcome_keys() {
            assert!(catalog.contains(&key), "{key}");
        }
    }
}
