//! My account: password change and API tokens.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::{AppError, auth, clock};

use super::view::{Action, Cell, Column, DetailView, Field, FieldGroup, FormView, Row, Section, Table};
use super::{Ctx, Flash, detail_page, error_page, form_page, label, see_other};
use crate::AppState;
use crate::extract::{Posted, UiActor};
use crate::messages::Locale;

fn password_form(locale: Locale) -> FormView {
    let t = |key: &str| label(locale, key);
    FormView {
        title: t("account.password"),
        action: "/account/password".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field {
                    autocomplete: Some("current-password".into()),
                    ..Field::text("current_password", t("account.current_password"), "").kind("password").required()
                },
                Field {
                    autocomplete: Some("new-password".into()),
                    ..Field::text("password", t("account.new_password"), "").kind("password").required()
                },
            ],
        }],
        submit: t("action.save"),
        ..FormView::default()
    }
}

pub async fn show(who: UiActor, Query(flash): Query<Flash>) -> Response {
    let ctx = Ctx::new(&who, "nav.account", "/account").flash(flash.flash.as_deref());
    let t = |key: &str| label(who.locale, key);
    let roles = who
        .actor
        .grants
        .iter()
        .map(|g| {
            let store = g
                .store_id
                .as_deref()
                .and_then(|id| who.actor.store(id))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| t("admin.group_wide"));
            format!("{store} · {}", t(&format!("role.{}", g.role.as_str())))
        })
        .collect::<Vec<_>>()
        .join("，");
    let view = DetailView {
        title: who.actor.display_name.clone(),
        subtitle: who.actor.username.clone(),
        actions: vec![Action::link(t("nav.tokens"), "/account/tokens")],
        sections: vec![
            Section { title: t("admin.user.roles"), pairs: vec![(t("admin.user.roles"), roles)], ..Section::default() },
            Section { title: t("account.password"), form: Some(password_form(who.locale)), ..Section::default() },
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn change_password(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match auth::change_password(&state.app, &who.actor, form.get("current_password"), form.get("password")).await {
        Ok(()) => see_other("/account", "account.password_changed"),
        Err(AppError::Invalid(violations)) => {
            let ctx = Ctx::new(&who, "account.password", "/account");
            let mut view = password_form(who.locale);
            view.apply_errors(&violations, who.locale);
            form_page(&ctx, &view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => error_page(who.locale, error),
    }
}

async fn tokens_page(state: &AppState, who: &UiActor, created: Option<String>, flash: Option<&str>) -> Response {
    let locale = who.locale;
    let t = |key: &str| label(locale, key);
    let tokens = match auth::list_tokens(&state.app, &who.actor).await {
        Ok(tokens) => tokens,
        Err(error) => return error_page(locale, error),
    };
    let zone = who.actor.home_time_zone().to_string();
    let table = Table {
        columns: vec![Column::new(t("admin.token.name")), Column::new(t("print.date")), Column::new("")],
        rows: tokens
            .iter()
            .map(|token| Row {
                cells: vec![
                    Cell::text(token.name.clone()),
                    Cell::mono(clock::display_local(token.created_at, &zone)),
                    if token.revoked_at.is_some() {
                        Cell::tag(t("admin.token.revoked"), "tag-grey")
                    } else {
                        Cell::link(t("action.revoke"), format!("/account/tokens/{}/revoke", token.id))
                    },
                ],
                alert: false,
            })
            .collect(),
        empty: t("list.empty"),
    };
    let form = FormView {
        action: "/account/tokens".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![Field::text("name", t("admin.token.name"), "").required()],
        }],
        submit: t("action.new"),
        ..FormView::default()
    };
    let mut sections = Vec::new();
    if let Some(secret) = created {
        sections.push(Section {
            title: t("admin.token.created"),
            pairs: vec![("token".into(), secret)],
            ..Section::default()
        });
    }
    sections.push(Section { title: t("admin.tokens"), table: Some(table), form: Some(form), ..Section::default() });
    let ctx = Ctx::new(who, "admin.tokens", "/account/tokens").flash(flash);
    detail_page(&ctx, &DetailView { title: t("admin.tokens"), sections, ..DetailView::default() })
}

pub async fn tokens(State(state): State<AppState>, who: UiActor, Query(flash): Query<Flash>) -> Response {
    tokens_page(&state, &who, None, flash.flash.as_deref()).await
}

pub async fn create_token(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match auth::create_token(&state.app, &who.actor, form.get("name")).await {
        Ok((secret, _)) => tokens_page(&state, &who, Some(secret), None).await,
        Err(error) => error_page(who.locale, error),
    }
}

pub async fn confirm_revoke(who: UiActor, Path(id): Path<String>) -> Response {
    let ctx = Ctx::new(&who, "action.revoke", "/account/tokens");
    let view = DetailView {
        title: label(who.locale, "action.revoke"),
        actions: vec![
            Action::post(label(who.locale, "action.revoke"), format!("/account/tokens/{id}/revoke")).primary(),
            Action::link(label(who.locale, "action.back"), "/account/tokens"),
        ],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

pub async fn revoke_token(State(state): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    match auth::revoke_token(&state.app, &posted.who.actor, &id).await {
        Ok(()) => see_other("/account/tokens", "form.saved"),
        Err(error) => error_page(posted.who.locale, error),
    }
}
