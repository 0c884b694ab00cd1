//! Test support shared by the rule families: arbitrary JSON for "no input makes a rule panic".

use proptest::prelude::*;
use serde_json::{Value, json};

/// Arbitrary JSON whose object keys are drawn mostly from `keys` (the names a rule family reads), so the
/// generated values reach deep into the inputs instead of failing at the first unknown field.
pub fn arbitrary_json(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u32>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "full",
            "none",
            "2014",
            "2020",
            "5000.00",
            "-1",
            "1e30",
            "99999999999999999999.99",
            "0.5",
            "0.5%",
            "2024-06-01",
            "2024-06-01T20:30",
            "9999-12-31T23:59",
            "-009999-01-01",
            "drunk_driver",
            "brakes",
            "",
        ])
        .prop_map(|s| Value::String(s.to_string())),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::String),
        "-?[0-9]{1,30}(\\.[0-9]{0,4})?%?".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![4 => prop::sample::select(keys).prop_map(str::to_string), 1 => "[a-z_]{1,12}"],
                inner,
                0..6,
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A rule's example with the value at `path` (object keys) replaced.
pub fn mutate_example(example: &str, path: &[String], replacement: Value) -> Value {
    let mut value: Value = serde_json::from_str(example).unwrap_or(Value::Null);
    let mut target = &mut value;
    for key in &path[..path.len().saturating_sub(1)] {
        if !target.is_object() {
            break;
        }
        let existing = target.as_object().and_then(|map| map.keys().find(|k| k.starts_with(&key[..1])).cloned());
        target =
            target.as_object_mut().expect("object").entry(existing.unwrap_or_else(|| key.clone())).or_insert(json!({}));
    }
    if let (Some(object), Some(last)) = (target.as_object_mut(), path.last()) {
        let existing = object.keys().find(|k| k.starts_with(&last[..1])).cloned();
        object.insert(existing.unwrap_or_else(|| last.clone()), replacement);
    }
    value
}
