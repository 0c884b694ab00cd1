//! Administration: stores, staff and roles, the permission matrix.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::AppError;
use claimdesk_app::org::{stores, users};
use claimdesk_domain::access::{Permission, Role, role_allows};
use claimdesk_domain::org::{GrantInput, LOCALES, StoreInput, UserInput};

use super::view::{
    Action, Cell, Column, DetailView, Field, FieldGroup, FormView, ListView, Pager, Row, Section, Table,
};
use super::{Ctx, Flash, detail_page, error_page, form_page, label, list_page, see_other};
use crate::AppState;
use crate::extract::{FormData, Posted, UiActor};
use crate::messages::Locale;

fn role_options(locale: Locale, group: bool) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .filter(|role| group || !role.is_group_level())
        .map(|role| (role.as_str().to_string(), label(locale, &format!("role.{}", role.as_str()))))
        .collect()
}

pub async fn stores(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let locale = who.locale;
    let rows = match stores::list(&state.app, &who.actor).await {
        Ok(rows) => rows,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "admin.stores", "/admin/stores").flash(flash.flash.as_deref());
    let table = Table {
        columns: ["code", "name", "brands", "time_zone", "phone"]
            .iter()
            .map(|k| Column::new(t(&format!("admin.store.{k}"))))
            .collect(),
        rows: rows
            .iter()
            .map(|s| Row {
                cells: vec![
                    Cell { href: Some(format!("/admin/stores/{}", s.id)), ..Cell::mono(s.code.clone()) },
                    Cell::text(s.name.clone()),
                    Cell::text(s.brands.clone()),
                    Cell::mono(s.time_zone.clone()),
                    Cell::text(s.phone.clone()),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let count = rows.len().to_string();
    let list = ListView {
        title: t("admin.stores"),
        action_path: "/admin/stores".into(),
        filters: Vec::new(),
        actions: vec![Action::link(t("admin.store_new"), "/admin/stores/new").primary()],
        table,
        pager: Pager {
            summary: crate::messages::Catalog::get().format(locale, "list.rows", [("total", count.as_str())]),
            ..Pager::default()
        },
    };
    list_page(&ctx, &list)
}

fn store_form(locale: Locale, action: String, value: &dyn Fn(&str) -> String) -> FormView {
    let t = |key: &str| label(locale, key);
    FormView {
        title: t("admin.store_new"),
        action,
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("code", t("admin.store.code"), value("code")).required().upper(),
                Field::text("name", t("admin.store.name"), value("name")).required(),
                Field::text("brands", t("admin.store.brands"), value("brands")).hint("本田、讴歌"),
                Field::text("time_zone", t("admin.store.time_zone"), value("time_zone")).hint("Asia/Shanghai"),
                Field::text("phone", t("admin.store.phone"), value("phone")),
                Field::text("address", t("admin.store.address"), value("address")).wide(),
                Field::text("version", "", value("version")).kind("hidden"),
            ],
        }],
        submit: t("action.save"),
        cancel_href: Some("/admin/stores".into()),
        ..FormView::default()
    }
}

fn store_input(form: &FormData) -> StoreInput {
    StoreInput {
        code: form.get("code").into(),
        name: form.get("name").into(),
        brands: form.get("brands").into(),
        time_zone: form.get("time_zone").into(),
        address: form.get("address").into(),
        phone: form.get("phone").into(),
    }
}

pub async fn new_store(who: UiActor) -> Response {
    let ctx = Ctx::new(&who, "admin.store_new", "/admin/stores");
    let value = |name: &str| if name == "time_zone" { "Asia/Shanghai".to_string() } else { String::new() };
    form_page(&ctx, &store_form(who.locale, "/admin/stores".into(), &value), StatusCode::OK)
}

pub async fn create_store(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match stores::create(&state.app, &who.actor, store_input(&form)).await {
        Ok(_) => see_other("/admin/stores", "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "admin.store_new", "/admin/stores");
            let value = |name: &str| form.get(name).to_string();
            let mut view = store_form(who.locale, "/admin/stores".into(), &value);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn edit_store(State(state): State<AppState>, who: UiActor, Path(id): Path<String>) -> Response {
    let store = match stores::get(&state.app, &who.actor, &id).await {
        Ok(store) => store,
        Err(error) => return error_page(who.locale, error),
    };
    let ctx = Ctx::new(&who, "admin.stores", "/admin/stores").titled(store.name.clone());
    let value = |name: &str| match name {
        "code" => store.code.clone(),
        "name" => store.name.clone(),
        "brands" => store.brands.clone(),
        "time_zone" => store.time_zone.clone(),
        "phone" => store.phone.clone(),
        "address" => store.address.clone(),
        "version" => store.version.to_string(),
        _ => String::new(),
    };
    let mut view = store_form(who.locale, format!("/admin/stores/{id}"), &value);
    view.title = store.name.clone();
    form_page(&ctx, &view, StatusCode::OK)
}

pub async fn update_store(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match stores::update(&state.app, &who.actor, &id, form.int("version").unwrap_or(0), store_input(&form)).await {
        Ok(_) => see_other("/admin/stores", "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "admin.stores", "/admin/stores");
            let value = |name: &str| form.get(name).to_string();
            let mut view = store_form(who.locale, format!("/admin/stores/{id}"), &value);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

fn grant_text(locale: Locale, who: &UiActor, store_id: Option<&str>, role: &str) -> String {
    let store = match store_id {
        None => label(locale, "admin.group_wide"),
        Some(id) => who.actor.store(id).map(|s| s.name.clone()).unwrap_or_else(|| id.to_string()),
    };
    format!("{store} · {}", label(locale, &format!("role.{role}")))
}

pub async fn users(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    let locale = who.locale;
    let rows = match users::list(&state.app, &who.actor).await {
        Ok(rows) => rows,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let ctx = Ctx::new(&who, "admin.users", "/admin/users").flash(flash.flash.as_deref());
    let table = Table {
        columns: vec![
            Column::new(t("admin.user.username")),
            Column::new(t("admin.user.display_name")),
            Column::new(t("admin.user.roles")),
            Column::new(t("admin.user.active")),
        ],
        rows: rows
            .iter()
            .map(|u| Row {
                cells: vec![
                    Cell { href: Some(format!("/admin/users/{}", u.id)), ..Cell::mono(u.username.clone()) },
                    Cell::text(u.display_name.clone()),
                    Cell::text(
                        u.grants
                            .iter()
                            .map(|g| grant_text(locale, &who, g.store_id.as_deref(), &g.role))
                            .collect::<Vec<_>>()
                            .join("，"),
                    ),
                    if u.active { Cell::tag("✓", "tag-green") } else { Cell::tag("✗", "tag-grey") },
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let count = rows.len().to_string();
    let list = ListView {
        title: t("admin.users"),
        action_path: "/admin/users".into(),
        filters: Vec::new(),
        actions: vec![Action::link(t("admin.user_new"), "/admin/users/new").primary()],
        table,
        pager: Pager {
            summary: crate::messages::Catalog::get().format(locale, "list.rows", [("total", count.as_str())]),
            ..Pager::default()
        },
    };
    list_page(&ctx, &list)
}

fn store_options(locale: Locale, who: &UiActor) -> Vec<(String, String)> {
    let mut options = Vec::new();
    if who.actor.has_group_role() {
        options.push((String::new(), label(locale, "admin.group_wide")));
    }
    options.extend(
        who.actor
            .stores
            .iter()
            .filter(|s| who.actor.can(Permission::UsersManage, &s.id))
            .map(|s| (s.id.clone(), s.name.clone())),
    );
    options
}

fn user_form(locale: Locale, who: &UiActor, form: &FormData) -> FormView {
    let t = |key: &str| label(locale, key);
    let value = |name: &str| form.get(name).to_string();
    FormView {
        title: t("admin.user_new"),
        action: "/admin/users".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("username", t("admin.user.username"), value("username")).required(),
                Field::text("display_name", t("admin.user.display_name"), value("display_name")).required(),
                Field::text("password", t("admin.user.password"), "").kind("password").required(),
                Field::text("phone", t("admin.user.phone"), value("phone")),
                Field::text("locale", t("admin.user.locale"), value("locale"))
                    .options(LOCALES.iter().map(|l| (l.to_string(), l.to_string())).collect()),
                Field {
                    name: "grants[0].store_id".into(),
                    ..Field::text("", t("admin.user.store"), value("grants[0].store_id"))
                        .options(store_options(locale, who))
                },
                Field {
                    name: "grants[0].role".into(),
                    ..Field::text("", t("admin.user.role"), value("grants[0].role"))
                        .options(role_options(locale, who.actor.has_group_role()))
                },
            ],
        }],
        submit: t("action.save"),
        cancel_href: Some("/admin/users".into()),
        ..FormView::default()
    }
}

pub async fn new_user(who: UiActor) -> Response {
    let ctx = Ctx::new(&who, "admin.user_new", "/admin/users");
    let current = who.actor.current_store.clone().unwrap_or_default();
    let form = FormData(vec![
        ("grants[0].store_id".into(), current),
        ("grants[0].role".into(), "service_advisor".into()),
        ("locale".into(), "zh-CN".into()),
    ]);
    form_page(&ctx, &user_form(who.locale, &who, &form), StatusCode::OK)
}

pub async fn create_user(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let input = UserInput {
        username: form.get("username").into(),
        display_name: form.get("display_name").into(),
        password: form.get("password").into(),
        locale: form.get("locale").into(),
        phone: form.get("phone").into(),
        grants: vec![GrantInput { store_id: form.opt("grants[0].store_id"), role: form.get("grants[0].role").into() }],
    };
    match users::create(&state.app, &who.actor, input).await {
        Ok(user) => see_other(&format!("/admin/users/{}", user.id), "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "admin.user_new", "/admin/users");
            let mut view = user_form(who.locale, &who, &form);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn show_user(
    State(state): State<AppState>,
    who: UiActor,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let locale = who.locale;
    let user = match users::get(&state.app, &who.actor, &id).await {
        Ok(user) => user,
        Err(error) => return error_page(locale, error),
    };
    let t = |key: &str| label(locale, key);
    let grants = Table {
        columns: vec![Column::new(t("admin.user.roles")), Column::new("")],
        rows: user
            .grants
            .iter()
            .map(|g| Row {
                cells: vec![
                    Cell::text(grant_text(locale, &who, g.store_id.as_deref(), &g.role)),
                    Cell::link(t("action.revoke"), format!("/admin/users/{}/revoke/{}", user.id, g.id)),
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let grant_form = FormView {
        action: format!("/admin/users/{}/grant", user.id),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("store_id", t("admin.user.store"), who.actor.current_store.clone().unwrap_or_default())
                    .options(store_options(locale, &who)),
                Field::text("role", t("admin.user.role"), "service_advisor")
                    .options(role_options(locale, who.actor.has_group_role())),
            ],
        }],
        submit: t("action.add"),
        ..FormView::default()
    };
    let ctx =
        Ctx::new(&who, "admin.users", "/admin/users").titled(user.display_name.clone()).flash(flash.flash.as_deref());
    let view = DetailView {
        title: user.display_name.clone(),
        subtitle: user.username.clone(),
        state: Some(if user.active { ("✓".into(), "tag-green".into()) } else { ("✗".into(), "tag-grey".into()) }),
        actions: Vec::new(),
        sections: vec![
            Section {
                title: t("admin.user.username"),
                pairs: vec![
                    (t("admin.user.username"), user.username.clone()),
                    (t("admin.user.locale"), user.locale.clone()),
                    (t("admin.user.phone"), user.phone.clone()),
                ],
                ..Section::default()
            },
            Section { title: t("admin.user.roles"), table: Some(grants), form: Some(grant_form), ..Section::default() },
        ],
        timeline: Vec::new(),
        due: None,
    };
    detail_page(&ctx, &view)
}

pub async fn grant(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match users::grant(&state.app, &who.actor, &id, form.opt("store_id").as_deref(), form.get("role")).await {
        Ok(_) => see_other(&format!("/admin/users/{id}"), "form.saved"),
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn confirm_revoke(who: UiActor, Path((id, grant)): Path<(String, String)>) -> Response {
    let ctx = Ctx::new(&who, "action.revoke", "/admin/users");
    let view = DetailView {
        title: label(who.locale, "action.revoke"),
        actions: vec![
            Action::post(label(who.locale, "action.revoke"), format!("/admin/users/{id}/revoke/{grant}")).primary(),
            Action::link(label(who.locale, "action.back"), format!("/admin/users/{id}")),
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn revoke(
    State(state): State<AppState>,
    Path((id, grant)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    match users::revoke(&state.app, &posted.who.actor, &id, &grant).await {
        Ok(_) => see_other(&format!("/admin/users/{id}"), "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}

/// The one permission matrix, as a table: roles down, permissions across.
pub async fn permissions(who: UiActor) -> Response {
    let locale = who.locale;
    let t = |key: &str| label(locale, key);
    let mut columns = vec![Column::new(t("admin.user.role"))];
    columns.extend(Permission::ALL.iter().map(|p| Column::new(t(&format!("permission.{}", p.as_str())))));
    let rows = Role::ALL
        .iter()
        .map(|role| {
            let mut cells = vec![Cell::text(t(&format!("role.{}", role.as_str())))];
            cells.extend(
                Permission::ALL
                    .iter()
                    .map(|p| if role_allows(*role, *p) { Cell::tag("✓", "tag-green") } else { Cell::text("") }),
            );
            Row { cells, alert: false }
        })
        .collect();
    let ctx = Ctx::new(&who, "admin.permissions", "/admin/permissions");
    let view = DetailView {
        title: t("admin.permissions"),
        sections: vec![Section {
            title: t("admin.permissions"),
            table: Some(Table { columns, rows, empty: String::new() }),
            ..Section::default()
        }],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}
