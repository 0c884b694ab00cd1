//! Runs every worked case under `tests/cases/` through the same entry point as `claimdesk rules eval`.
//!
//! A case file holds `[[case]]` tables: `id`, `rule`, `input`, and either `expect` (a JSON subset the
//! output must contain: objects by key, arrays element by element with the same length) or
//! `expect_error` (the violations' `field` and `code`, in any order).

use claimdesk_domain::rules::{self, RuleError};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(serde::Deserialize)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    id: String,
    rule: String,
    input: toml::Value,
    #[serde(default)]
    expect: Option<toml::Value>,
    #[serde(default)]
    expect_error: Option<Vec<ExpectedViolation>>,
}

#[derive(serde::Deserialize)]
struct ExpectedViolation {
    field: String,
    code: String,
}

fn case_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("cases folder") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            case_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            found.push(path);
        }
    }
}

/// `None` when `actual` contains `expected`, else where it differs.
fn contains(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => want.iter().find_map(|(key, want_value)| {
            let here = format!("{path}.{key}");
            match have.get(key) {
                Some(have_value) => contains(want_value, have_value, &here),
                None => Some(format!("{here}: missing in output")),
            }
        }),
        (Value::Array(want), Value::Array(have)) => {
            if want.len() != have.len() {
                return Some(format!("{path}: expected {} items, found {}", want.len(), have.len()));
            }
            want.iter().zip(have).enumerate().find_map(|(i, (w, h))| contains(w, h, &format!("{path}[{i}]")))
        }
        (Value::Number(want), Value::Number(have)) if want.as_f64() == have.as_f64() => None,
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, found {actual}")),
    }
}

#[test]
fn every_worked_case_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files = Vec::new();
    case_files(&root, &mut files);
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("case file");
        let parsed: CaseFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in parsed.case {
            count += 1;
            let input = serde_json::to_value(&case.input).expect("toml to json");
            let result = rules::eval(&case.rule, input);
            let label = format!("{} ({})", case.id, file.file_name().unwrap().to_string_lossy());
            match (result, &case.expect, &case.expect_error) {
                (Ok(output), Some(expect), None) => {
                    let expect = serde_json::to_value(expect).expect("toml to json");
                    if let Some(why) = contains(&expect, &output, "") {
                        failures.push(format!("{label}: {why}\n    output: {output}"));
                    }
                }
                (Err(RuleError::Invalid(violations)), None, Some(expected)) => {
                    for want in expected {
                        let found = violations.iter().any(|v| v.field == want.field && v.code == want.code);
                        if !found {
                            failures.push(format!(
                                "{label}: expected violation {}/{}, found {violations}",
                                want.field, want.code
                            ));
                        }
                    }
                }
                (Ok(output), None, Some(_)) => failures.push(format!("{label}: expected an error, got {output}")),
                (Err(error), Some(_), None) => failures.push(format!("{label}: unexpected error {error:?}")),
                (Err(RuleError::UnknownRule(name)), _, _) => failures.push(format!("{label}: unknown rule {name}")),
                _ => failures.push(format!("{label}: a case needs exactly one of expect / expect_error")),
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
    eprintln!("{count} worked cases passed");
}
