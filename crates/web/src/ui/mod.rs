//! The server-rendered pages. Each handler builds one of the views of [`view`] and renders it with the
//! pattern's template; forms post back with a CSRF token and redirect with 303 on success.

pub mod account;
pub mod admin;
pub mod attachments;
pub mod calendar;
pub mod campaigns;
pub mod customers;
pub mod follow_up_more;
pub mod follow_ups;
pub mod import;
pub mod insurance;
pub mod login;
pub mod quality;
pub mod repair_orders;
pub mod returns;
pub mod rule_pages;
pub mod rules;
pub mod sanbao_cases;
pub mod statements;
pub mod vehicles;
pub mod view;
pub mod warranty;
pub mod warranty_flow;
pub mod worklist;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use claimdesk_app::{Actor, AppError};
use claimdesk_domain::access::Permission;

use crate::extract::UiActor;
use crate::messages::{Catalog, Locale};
use view::{DetailView, FormView, ListView, PrintView};

#[derive(Debug, Clone)]
pub struct NavItem {
    pub label: String,
    pub href: String,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct NavGroup {
    pub label: String,
    pub items: Vec<NavItem>,
}

/// What the page frame needs: language, the person, their stores, the navigation and the CSRF token.
pub struct Ctx {
    pub locale: Locale,
    pub lang: &'static str,
    pub title: String,
    pub user_name: String,
    pub csrf: String,
    pub stores: Vec<(String, String)>,
    pub current_store: String,
    pub nav: Vec<NavGroup>,
    pub flash: Option<String>,
    /// Warnings shown in red above the page, each with a link (a vehicle in an open recall).
    pub alerts: Vec<(String, String)>,
}

impl Ctx {
    pub fn new(who: &UiActor, title_key: &str, path: &str) -> Ctx {
        let catalog = Catalog::get();
        let locale = who.locale;
        let title = catalog.text(locale, title_key).to_string();
        Ctx {
            locale,
            lang: locale.tag(),
            title,
            user_name: who.actor.display_name.clone(),
            csrf: who.csrf.clone(),
            stores: who.actor.stores.iter().map(|s| (s.id.clone(), format!("{} {}", s.code, s.name))).collect(),
            current_store: who.actor.current_store.clone().unwrap_or_default(),
            nav: navigation(&who.actor, locale, path),
            flash: None,
            alerts: Vec::new(),
        }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Ctx {
        self.title = title.into();
        self
    }

    pub fn flash(mut self, flash: Option<&str>) -> Ctx {
        self.flash = flash.filter(|key| !key.is_empty()).map(|key| Catalog::get().text(self.locale, key).to_string());
        self
    }

    pub fn t(&self, key: &str) -> String {
        Catalog::get().text(self.locale, key).to_string()
    }

    pub fn is_current(&self, store_id: &str) -> bool {
        self.current_store == store_id
    }
}

/// The menu by job (UI.md): only what the person's roles open.
fn navigation(actor: &Actor, locale: Locale, path: &str) -> Vec<NavGroup> {
    let catalog = Catalog::get();
    let item = |key: &str, href: &str| NavItem {
        label: catalog.text(locale, key).to_string(),
        href: href.to_string(),
        // "/sanbao" is active on "/sanbao/print" but not on "/sanbao-cases".
        active: if href == "/" {
            path == "/"
        } else {
            path.strip_prefix(href).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '.']))
        },
    };
    let mut groups = vec![NavGroup { label: String::new(), items: vec![item("nav.worklist", "/")] }];
    if actor.can_anywhere(Permission::WarrantyRead) {
        groups.push(NavGroup {
            label: catalog.text(locale, "nav.warranty").into(),
            items: {
                let mut items = vec![
                    item("nav.warranty_claims", "/warranty-claims"),
                    item("wcf.preauths", "/warranty/preauths"),
                    item("nav.eligibility", "/sanbao"),
                    item("sbc.cases", "/sanbao-cases"),
                    item("wcf.archive", "/warranty/archive"),
                    item("wcf.board", "/warranty/board"),
                    item("wcf.rates", "/warranty/rates"),
                ];
                if actor.has_group_role() && actor.can_anywhere(Permission::WarrantySettings) {
                    items.push(item("nav.warranty_settings", "/warranty/settings"));
                }
                items
            },
        });
        // The manufacturer's back office: parts going back, recalls, quality feedback and bulletins.
        groups.push(NavGroup {
            label: catalog.text(locale, "nav.warranty_back").into(),
            items: vec![
                item("pr.tags", "/part-tags"),
                item("pr.shipments", "/return-shipments"),
                item("cp.nav", "/campaigns"),
                item("qr.nav", "/quality/reports"),
                item("tb.nav", "/quality/bulletins"),
            ],
        });
    }
    if actor.can_anywhere(Permission::InsuranceRead) {
        groups.push(NavGroup {
            label: catalog.text(locale, "nav.insurance").into(),
            items: {
                let mut items = vec![
                    item("ins.claims", "/insurance/claims"),
                    item("ins.leads", "/insurance/leads"),
                    item("ins.policies", "/insurance/policies"),
                    item("ins.commission_title", "/insurance/commission"),
                ];
                if actor.can_anywhere(Permission::UsersManage) {
                    items.push(item("ins.insurers", "/insurance/insurers"));
                }
                items.push(item("nav.adjustment", "/adjustment"));
                items
            },
        });
    }
    if actor.can_anywhere(Permission::FinanceRead) {
        groups.push(NavGroup {
            label: catalog.text(locale, "nav.settlement").into(),
            items: vec![
                item("st.statements", "/settlement/statements"),
                item("st.appeals", "/settlement/appeals"),
                item("st.check", "/settlement/check"),
                item("st.income", "/settlement/income"),
                item("st.aging", "/settlement/aging"),
                item("st.accountability", "/settlement/accountability"),
                item("st.commission_statements", "/insurance/commission-statements"),
            ],
        });
    }
    if actor.can_anywhere(Permission::FollowUpRead) {
        let mut items = vec![
            item("fu.next_service", "/follow-ups/next-service"),
            item("fu.complaints", "/follow-ups/complaints"),
            item("fu.events", "/follow-ups/events"),
            item("fu.registers", "/follow-ups/registers"),
            item("fu.visits", "/follow-ups/visits"),
        ];
        if actor.can_anywhere(Permission::FollowUpSupervise) {
            items.push(item("fu.board.title", "/follow-ups/board"));
            items.push(item("fu.summaries", "/follow-ups/summaries"));
            items.push(item("fu.stand_ins", "/follow-ups/stand-ins"));
            items.push(item("fu.settings.title", "/follow-ups/settings"));
        }
        groups.push(NavGroup { label: catalog.text(locale, "nav.follow_up").into(), items });
    }
    if actor.can_anywhere(Permission::CustomersRead) {
        groups.push(NavGroup {
            label: catalog.text(locale, "nav.customers").into(),
            items: vec![
                item("nav.customer_list", "/customers"),
                item("nav.vehicle_list", "/vehicles"),
                item("nav.repair_orders", "/repair-orders"),
            ],
        });
    }
    let mut admin = Vec::new();
    if actor.has_group_role() && actor.can_anywhere(Permission::StoresManage) {
        admin.push(item("nav.stores", "/admin/stores"));
        admin.push(item("calendar.title", "/admin/calendar"));
    }
    if actor.can_anywhere(Permission::UsersManage) {
        admin.push(item("nav.users", "/admin/users"));
    }
    admin.push(item("nav.permissions", "/admin/permissions"));
    admin.push(item("nav.tokens", "/account/tokens"));
    admin.push(item("nav.rules", "/rules"));
    admin.push(item("nav.api_docs", "/api/docs"));
    groups.push(NavGroup { label: catalog.text(locale, "nav.admin").into(), items: admin });
    groups
}

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage<'a> {
    pub ctx: &'a Ctx,
    pub list: &'a ListView,
}

#[derive(Template)]
#[template(path = "detail.html")]
pub struct DetailPage<'a> {
    pub ctx: &'a Ctx,
    pub detail: &'a DetailView,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage<'a> {
    pub ctx: &'a Ctx,
    pub form: &'a FormView,
}

#[derive(Template)]
#[template(path = "print.html")]
pub struct PrintPage<'a> {
    pub lang: &'a str,
    pub print: &'a PrintView,
    pub ctx_printed: &'a str,
    pub ctx_form_no: &'a str,
    pub ctx_date: &'a str,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub message: &'a str,
    pub back: &'a str,
}

/// Renders a template; a template error is a bug, logged and shown as a 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

pub fn list_page(ctx: &Ctx, list: &ListView) -> Response {
    render(&ListPage { ctx, list })
}

pub fn detail_page(ctx: &Ctx, detail: &DetailView) -> Response {
    render(&DetailPage { ctx, detail })
}

/// A form page; with `status` 422 when it came back with errors.
pub fn form_page(ctx: &Ctx, form: &FormView, status: StatusCode) -> Response {
    (status, render(&FormPage { ctx, form })).into_response()
}

pub fn print_page(locale: Locale, print: &PrintView) -> Response {
    let catalog = Catalog::get();
    render(&PrintPage {
        lang: locale.tag(),
        print,
        ctx_printed: catalog.text(locale, "print.printed_at"),
        ctx_form_no: catalog.text(locale, "print.form_no"),
        ctx_date: catalog.text(locale, "print.date"),
    })
}

/// The page for 403, 404 and 500; a missing record and another store's record look the same.
pub fn error_page(locale: Locale, error: AppError) -> Response {
    let catalog = Catalog::get();
    let (status, key) = match &error {
        AppError::NotFound => (StatusCode::NOT_FOUND, "error.not_found"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "error.forbidden"),
        AppError::Unauthenticated => return Redirect::to("/login").into_response(),
        AppError::Conflict(code) => (StatusCode::CONFLICT, *code),
        AppError::Throttled => (StatusCode::TOO_MANY_REQUESTS, "throttled"),
        AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        AppError::Internal(inner) => {
            let request_id = claimdesk_app::new_id();
            tracing::error!(%request_id, error = ?inner, "internal error");
            let message = catalog.format(locale, "internal", [("request_id", request_id.as_str())]);
            let page = ErrorPage {
                lang: locale.tag(),
                title: catalog.text(locale, "error.title"),
                message: &message,
                back: catalog.text(locale, "error.back_home"),
            };
            return (StatusCode::INTERNAL_SERVER_ERROR, render(&page)).into_response();
        }
    };
    let page = ErrorPage {
        lang: locale.tag(),
        title: catalog.text(locale, "error.title"),
        message: catalog.text(locale, key),
        back: catalog.text(locale, "error.back_home"),
    };
    (status, render(&page)).into_response()
}

pub fn csrf_failed(locale: Locale) -> Response {
    let catalog = Catalog::get();
    let page = ErrorPage {
        lang: locale.tag(),
        title: catalog.text(locale, "error.title"),
        message: catalog.text(locale, "csrf"),
        back: catalog.text(locale, "error.back_home"),
    };
    (StatusCode::FORBIDDEN, render(&page)).into_response()
}

/// 303 to `to` with a notice shown on arrival.
pub fn see_other(to: &str, flash: &str) -> Response {
    let separator = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{separator}flash={flash}")).into_response()
}

/// The query of a page that only carries a notice.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Flash {
    #[serde(default)]
    pub flash: Option<String>,
}

/// The staff of the person's current store as select options (id, name).
pub async fn staff_options(state: &crate::AppState, who: &crate::extract::UiActor) -> Vec<(String, String)> {
    match &who.actor.current_store {
        Some(store) => claimdesk_app::org::users::staff_of(&state.app, &who.actor, store).await.unwrap_or_default(),
        None => Vec::new(),
    }
}

/// Shared label helpers.
pub fn label(locale: Locale, key: &str) -> String {
    Catalog::get().text(locale, key).to_string()
}

/// Options of a select from keys under a prefix: `("maintenance", "保养")`.
pub fn options(locale: Locale, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values.iter().map(|value| (value.to_string(), label(locale, &format!("{prefix}.{value}")))).collect()
}

/// The list's pager and row count.
pub fn pager<T>(locale: Locale, page: &claimdesk_app::page::Page<T>, link: impl Fn(i64) -> String) -> view::Pager {
    let catalog = Catalog::get();
    let total = page.total.to_string();
    let summary = if page.total_capped {
        catalog.format(locale, "list.rows_capped", [("total", total.as_str())])
    } else {
        catalog.format(locale, "list.rows", [("total", total.as_str())])
    };
    let (current, pages) = (page.page.to_string(), page.pages().to_string());
    view::Pager {
        summary,
        page_label: catalog.format(locale, "list.page", [("page", current.as_str()), ("pages", pages.as_str())]),
        prev: (page.page > 1).then(|| link(page.page - 1)),
        next: (page.page < page.pages()).then(|| link(page.page + 1)),
    }
}

/// Turns the audit trail of a record into its timeline.
pub fn timeline(
    locale: Locale,
    rows: Vec<claimdesk_app::audit::AuditEntry>,
    time_zone: &str,
) -> Vec<view::TimelineEntry> {
    let catalog = Catalog::get();
    rows.into_iter()
        .rev()
        .map(|row| {
            // A generic word first (audit.create), then the action's name on the pages of its workflow.
            let what = ["audit", "ro.action", "ins.action", "wc.action"]
                .iter()
                .map(|prefix| format!("{prefix}.{}", row.action))
                .find(|key| catalog.contains(key))
                .map(|key| catalog.text(locale, &key).to_string())
                .unwrap_or_else(|| row.action.clone());
            view::TimelineEntry {
                at: claimdesk_app::clock::display_local(row.at, time_zone),
                who: row.actor_name,
                what,
                detail: row.changed,
            }
        })
        .collect()
}

/// The store filter of a list, for people who reach more than one store.
pub fn store_filter(locale: Locale, who: &UiActor, value: Option<&str>) -> Option<view::Filter> {
    (who.actor.stores.len() > 1).then(|| {
        let mut options = vec![(String::new(), label(locale, "nav.all_stores"))];
        options.extend(who.actor.stores.iter().map(|s| (s.id.clone(), s.name.clone())));
        view::Filter {
            name: "store_id".into(),
            label: label(locale, "customer.store"),
            value: value.unwrap_or("").into(),
            options,
            ..view::Filter::default()
        }
    })
}
