//! Field-level differences between a live model and what git wants, in the same terms `aispec diff` uses: one
//! [`FieldChange`] per changed field, and the system prompt as a [`TextDiff`] shown word by word.

use serde_json::{Map, Value};

use super::mapping::canonical;
use crate::diff::fields::FieldChange;
use crate::diff::words::{CONTEXT_LINES, TextDiff, diff_text};

/// The field that holds the system prompt in a payload.
const PROMPT_FIELD: &str = "params.system";

/// What differs between two payloads (`{name, base_model_id, is_active, params, meta}`).
#[derive(Debug, Default)]
pub struct PayloadChanges {
    /// Every changed field but the system prompt.
    pub fields: Vec<FieldChange>,
    /// The system prompt, when it changed.
    pub prompt: Option<TextDiff>,
}

/// The differences between two payloads, live → git.
pub fn payload_changes(before: &Value, after: &Value) -> PayloadChanges {
    let mut out = PayloadChanges::default();
    for key in ["name", "base_model_id", "is_active"] {
        push_change(&mut out.fields, key.to_owned(), before.get(key), after.get(key));
    }
    for section in ["params", "meta"] {
        object_changes(&mut out.fields, section, before.get(section), after.get(section));
    }
    if let Some(i) = out.fields.iter().position(|c| c.field == PROMPT_FIELD) {
        let c = out.fields.remove(i);
        let text = |v: Option<Value>| match v {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        out.prompt = Some(diff_text(&text(c.old), &text(c.new), CONTEXT_LINES));
    }
    out
}

/// Differences between two JSON objects, one change per top-level key, fields prefixed with `prefix.`.
pub fn object_changes(out: &mut Vec<FieldChange>, prefix: &str, before: Option<&Value>, after: Option<&Value>) {
    let empty = Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        push_change(out, format!("{prefix}.{k}"), b.get(k), a.get(k));
    }
}

fn push_change(out: &mut Vec<FieldChange>, field: String, before: Option<&Value>, after: Option<&Value>) {
    let b = before.and_then(canonical);
    let a = after.and_then(canonical);
    if !same(b.as_ref(), a.as_ref()) {
        out.push(FieldChange::new(field, b, a));
    }
}

/// Equal JSON, where numbers are equal by value: the web UI sends `1` where aispec sends `1.0`, and neither
/// Open WebUI nor the model tells them apart.
pub fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x == y || x.as_f64() == y.as_f64(),
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(Some(p), Some(q)))
        }
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            x.len() == y.len() && x.iter().all(|(k, v)| same(Some(v), y.get(k)))
        }
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::diff::words::SegmentKind;

    #[test]
    fn changes_are_per_field_and_the_prompt_per_word() {
        let before = json!({"name": "A", "is_active": true, "params": {"system": "Du er en venlig hjælper.\n", "temperature": 0.2},
            "meta": {"tags": [{"name": "x"}], "voice": null}});
        let after = json!({"name": "B", "is_active": true, "params": {"system": "Du er en hurtig hjælper.\n", "temperature": 0.2},
            "meta": {"tags": [{"name": "x"}], "toolIds": []}});
        let changes = payload_changes(&before, &after);
        let fields: Vec<&str> = changes.fields.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name"],
            "nulls and empty lists are no change; the prompt is apart"
        );
        assert_eq!(changes.fields[0].old, Some(json!("A")));
        let prompt = changes.prompt.expect("the prompt changed");
        let segments = &prompt.hunks[0].segments;
        assert!(
            segments
                .iter()
                .any(|s| s.kind == SegmentKind::Removed && s.text == "venlig")
        );
        assert!(
            segments
                .iter()
                .any(|s| s.kind == SegmentKind::Added && s.text == "hurtig")
        );
        assert_eq!((prompt.words_added, prompt.words_removed), (1, 1));
    }

    #[test]
    fn numbers_are_compared_by_value() {
        let changes = payload_changes(
            &json!({"params": {"temperature": 1, "seed": 4}, "meta": {"x": [1, {"y": 0}]}}),
            &json!({"params": {"temperature": 1.0, "seed": 4}, "meta": {"x": [1.0, {"y": 0.0}]}}),
        );
        assert!(changes.fields.is_empty(), "{:?}", changes.fields);
        let changed = payload_changes(&json!({"params": {"top_k": 1}}), &json!({"params": {"top_k": 2}}));
        assert_eq!(changed.fields.len(), 1);
    }

    #[test]
    fn a_new_prompt_is_all_added() {
        let changes = payload_changes(&json!({"params": {}}), &json!({"params": {"system": "Hej.\n"}}));
        let prompt = changes.prompt.expect("the prompt changed");
        assert_eq!(prompt.words_added, 1);
    }
}
