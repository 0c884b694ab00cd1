//! The rules on the page: every rule with its input, output and a worked example, and a page to try one.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::view::{Action, Cell, Column, DetailView, Field, FieldGroup, FormView, Row, Section, Table};
use super::{Ctx, detail_page, error_page, label};
use crate::AppState;
use crate::extract::{Posted, UiActor};

pub async fn index(who: UiActor) -> Response {
    let locale = who.locale;
    let zh = locale == crate::messages::Locale::Zh;
    let rows = claimdesk_domain::rules::all()
        .map(|rule| Row {
            cells: vec![
                Cell::link(rule.name, format!("/rules/{}", rule.name)),
                Cell::text(if zh { rule.summary_zh } else { rule.summary_en }),
                Cell::text(rule.basis),
            ],
            alert: false,
        })
        .collect();
    let ctx = Ctx::new(&who, "nav.rules", "/rules");
    let view = DetailView {
        title: label(locale, "nav.rules"),
        subtitle: "claimdesk rules eval · POST /api/v1/rules/{rule}".into(),
        sections: vec![Section {
            title: label(locale, "nav.rules"),
            table: Some(Table {
                columns: vec![Column::new("rule"), Column::new(""), Column::new("")],
                rows,
                empty: String::new(),
            }),
            ..Section::default()
        }],
        ..DetailView::default()
    };
    detail_page(&ctx, &view)
}

/// The documentation of every rule family, compiled in so the page works offline.
const DOCS: &[&str] = &[
    include_str!("../../../../docs/rules/ids.md"),
    include_str!("../../../../docs/rules/calendar.md"),
    include_str!("../../../../docs/rules/sanbao.md"),
    include_str!("../../../../docs/rules/insurance.md"),
    include_str!("../../../../docs/rules/followup.md"),
];

/// The section of the docs about one rule: from its `## \`name\`` heading to the next `## `.
pub fn doc_section(name: &str) -> Option<String> {
    let heading = format!("## `{name}`");
    DOCS.iter().find_map(|doc| {
        let start = doc.find(&heading)?;
        let rest = &doc[start..];
        let end = rest[3..].find("\n## ").map(|i| i + 3).unwrap_or(rest.len());
        Some(rest[..end].trim().to_string())
    })
}

fn rule_view(who: &UiActor, name: &str, input: &str, output: Option<String>) -> Option<DetailView> {
    let rule = claimdesk_domain::rules::find(name)?;
    let zh = who.locale == crate::messages::Locale::Zh;
    let form = FormView {
        action: format!("/rules/{name}"),
        groups: vec![FieldGroup {
            title: String::new(),
            fields: vec![Field::text("input", "input (JSON)", input).kind("textarea").wide()],
        }],
        submit: label(who.locale, "action.search"),
        ..FormView::default()
    };
    let mut sections = vec![Section {
        title: if zh { rule.summary_zh.to_string() } else { rule.summary_en.to_string() },
        pairs: vec![("basis".into(), rule.basis.into())],
        form: Some(form),
        ..Section::default()
    }];
    if let Some(output) = output {
        sections.push(Section { title: "output (JSON)".into(), doc: Some(output), ..Section::default() });
    }
    if let Some(doc) = doc_section(name) {
        sections.push(Section { title: label(who.locale, "nav.rules"), doc: Some(doc), ..Section::default() });
    }
    Some(DetailView {
        title: rule.name.to_string(),
        subtitle: rule.basis.to_string(),
        actions: vec![Action::link(label(who.locale, "action.back"), "/rules")],
        sections,
        ..DetailView::default()
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

pub async fn show(who: UiActor, Path(name): Path<String>) -> Response {
    let Some(rule) = claimdesk_domain::rules::find(&name) else {
        return error_page(who.locale, claimdesk_app::AppError::NotFound);
    };
    let example: Value = serde_json::from_str(rule.example).unwrap_or(Value::Null);
    let output = crate::rules::eval(&name, example.clone()).unwrap_or_else(|error| error);
    let ctx = Ctx::new(&who, "nav.rules", "/rules").titled(name.clone());
    match rule_view(&who, &name, &pretty(&example), Some(pretty(&output))) {
        Some(view) => detail_page(&ctx, &view),
        None => error_page(who.locale, claimdesk_app::AppError::NotFound),
    }
}

pub async fn try_rule(State(_state): State<AppState>, Path(name): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let text = form.get("input").to_string();
    let output = match serde_json::from_str::<Value>(&text) {
        Ok(input) => pretty(&crate::rules::eval(&name, input).unwrap_or_else(|error| error)),
        Err(error) => error.to_string(),
    };
    let ctx = Ctx::new(&who, "nav.rules", "/rules").titled(name.clone());
    match rule_view(&who, &name, &text, Some(output)) {
        Some(view) => detail_page(&ctx, &view),
        None => error_page(who.locale, claimdesk_app::AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_is_documented() {
        for rule in claimdesk_domain::rules::all() {
            assert!(super::doc_section(rule.name).is_some(), "docs/rules lacks a section for {}", rule.name);
        }
    }
}
