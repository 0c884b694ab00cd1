//! The rules at the edge: the domain answers codes, this adds the words in both languages. Used by the API,
//! the pages and `claimdesk rules eval`, so all three answer alike.

use claimdesk_domain::rules::{self, RuleError};
use serde_json::{Map, Value, json};

use crate::error::fields_json;
use crate::messages::{Catalog, Locale};

/// Evaluates a rule; `Err` holds the error object `{"code", "message_zh", "message_en", "fields"}`.
pub fn eval(name: &str, input: Value) -> Result<Value, Value> {
    match rules::eval(name, input) {
        Ok(mut output) => {
            localize(&mut output);
            Ok(output)
        }
        Err(RuleError::UnknownRule(rule)) => Err(error_object("unknown_rule", &[("rule", &rule)], Vec::new())),
        Err(RuleError::Invalid(violations)) => Err(error_object("invalid_input", &[], fields_json(&violations))),
    }
}

fn error_object(code: &str, params: &[(&str, &str)], fields: Vec<Value>) -> Value {
    let catalog = Catalog::get();
    json!({
        "code": code,
        "message_zh": catalog.format(Locale::Zh, code, params.iter().copied()),
        "message_en": catalog.format(Locale::En, code, params.iter().copied()),
        "fields": fields,
    })
}

/// Adds `message_zh` and `message_en` to every object that carries a known `code`, filling `{param}` from
/// its `params` object (or its own fields).
pub fn localize(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                localize(child);
            }
            if let Some(code) = map.get("code").and_then(Value::as_str).map(str::to_string)
                && Catalog::get().contains(&code)
                && !map.contains_key("message_zh")
            {
                let params = params_of(map);
                let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let catalog = Catalog::get();
                let zh = catalog.format(Locale::Zh, &code, pairs.iter().copied());
                let en = catalog.format(Locale::En, &code, pairs.iter().copied());
                map.insert("message_zh".into(), Value::String(zh));
                map.insert("message_en".into(), Value::String(en));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(localize),
        _ => {}
    }
}

fn params_of(map: &Map<String, Value>) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut push = |source: &Map<String, Value>| {
        for (key, value) in source {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                _ => continue,
            };
            pairs.push((key.clone(), text));
        }
    };
    if let Some(Value::Object(params)) = map.get("params") {
        push(params);
    }
    push(map);
    pairs
}

/// `claimdesk rules eval`: `[{"id", "rule", "input"}]` in, `[{"id", "output"} | {"id", "error"}]` out, in order.
pub fn eval_batch(requests: Value) -> Result<Value, String> {
    let Value::Array(requests) = requests else {
        return Err("expected a JSON array of {\"id\", \"rule\", \"input\"}".into());
    };
    let answers = requests
        .into_iter()
        .map(|request| {
            let id = request.get("id").cloned().unwrap_or(Value::Null);
            let rule = request.get("rule").and_then(Value::as_str).unwrap_or("").to_string();
            let input = request.get("input").cloned().unwrap_or(Value::Object(Map::new()));
            match eval(&rule, input) {
                Ok(output) => json!({ "id": id, "output": output }),
                Err(error) => json!({ "id": id, "error": error }),
            }
        })
        .collect();
    Ok(Value::Array(answers))
}

/// The catalogue of rules for the docs page and `GET /api/v1/rules`.
pub fn catalogue() -> Vec<Value> {
    rules::all()
        .map(|rule| {
            let example: Value = serde_json::from_str(rule.example).unwrap_or(Value::Null);
            let output = eval(rule.name, example.clone()).unwrap_or_else(|error| error);
            json!({
                "name": rule.name,
                "summary_zh": rule.summary_zh,
                "summary_en": rule.summary_en,
                "basis": rule.basis,
                "example_input": example,
                "example_output": output,
            })
        })
        .collect()
}
