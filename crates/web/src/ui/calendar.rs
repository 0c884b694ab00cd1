//! 节假日安排: the years the working-day calendar covers, and loading a new year's notice.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use claimdesk_app::AppError;
use claimdesk_app::calendar;

use super::view::{DetailView, Field, FieldGroup, FormView, Section};
use super::{Ctx, Flash, detail_page, error_page, label, see_other};
use crate::AppState;
use crate::extract::{Posted, UiActor};
use crate::messages::Locale;

fn page(who: &UiActor, csv: &str, errors: Option<Vec<(String, String)>>, flash: Option<&str>) -> Response {
    let locale: Locale = who.locale;
    let t = |key: &str| label(locale, key);
    let years = calendar::years().iter().map(|y| y.to_string()).collect::<Vec<_>>().join("、");
    let mut form = FormView {
        action: "/admin/calendar".into(),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![
                Field::text("csv", t("calendar.csv"), csv)
                    .kind("textarea")
                    .wide()
                    .hint("2027-01-01,off,元旦,2027,国办发明电〔2026〕…号"),
            ],
        }],
        submit: t("calendar.load"),
        ..FormView::default()
    };
    let status = if let Some(errors) = errors {
        form.apply_messages(errors, locale);
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let ctx = Ctx::new(who, "calendar.title", "/admin/calendar").flash(flash);
    let view = DetailView {
        title: t("calendar.title"),
        subtitle: t("calendar.subtitle"),
        sections: vec![
            Section { title: t("calendar.years"), pairs: vec![(t("calendar.years"), years)], ..Section::default() },
            Section { title: t("calendar.add"), form: Some(form), ..Section::default() },
        ],
        ..DetailView::default()
    };
    let mut response = detail_page(&ctx, &view);
    *response.status_mut() = status;
    response
}

pub async fn show(who: UiActor, Query(flash): Query<Flash>) -> Response {
    page(&who, "", None, flash.flash.as_deref())
}

pub async fn add(State(state): State<AppState>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    match calendar::add_notice(&state.app, &who.actor, form.get("csv")).await {
        Ok(_) => see_other("/admin/calendar", "form.saved"),
        Err(AppError::Invalid(violations)) => {
            let catalog = crate::messages::Catalog::get();
            let messages = violations
                .iter()
                .map(|v| ("csv".to_string(), format!("{}: {}", v.field, catalog.violation(who.locale, v))))
                .collect();
            page(&who, form.get("csv"), Some(messages), None)
        }
        Err(error) => error_page(who.locale, error),
    }
}
