//! The JSON API under `/api/v1`: thin handlers over the services. Money is a decimal string, dates
//! `YYYY-MM-DD`, instants RFC 3339 with the store's offset, lists `{"items", "total", "page", "per_page"}`.

pub mod attachments;
pub mod auth;
pub mod campaigns;
pub mod customers;
pub mod follow_ups;
pub mod insurance;
pub mod openapi;
pub mod org;
pub mod quality;
pub mod repair_orders;
pub mod returns;
pub mod rules;
pub mod sanbao_cases;
pub mod statements;
pub mod warranty;
pub mod warranty_flow;
pub mod worklist;

use serde_json::Value;

/// JSON merge patch (RFC 7396): the patch's keys replace the base's; `null` clears.
pub fn merge_patch(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    base.insert(key, Value::Null);
                } else {
                    merge_patch(base.entry(key).or_insert(Value::Null), value);
                }
            }
        }
        (base, patch) => *base = patch,
    }
}

/// The version a PATCH expects (optimistic locking), when the client sends one.
pub fn version_of(patch: &Value) -> Option<i64> {
    patch.get("version").and_then(Value::as_i64)
}
