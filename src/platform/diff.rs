//! Field-level differences between a live model and what git wants, with long texts (the system prompt)
//! compared word by word.

use serde::Serialize;
use serde_json::{Map, Value};
use similar::{ChangeTag, TextDiff};

use super::mapping::canonical;

/// Strings longer than this, or with a line break, are shown as a word diff.
const LONG_TEXT: usize = 100;

/// One changed field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Dotted path: `name`, `params.system`, `meta.tags`, `spec.owner`.
    pub field: String,
    /// The live value (absent when the field is new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value from git (absent when the field goes away).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// For long texts: the word diff instead of `before`/`after`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordChange>,
}

/// A run of words that is kept, removed or added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordChange {
    /// `equal`, `delete` or `insert`.
    pub op: WordOp,
    /// The text, whitespace included.
    pub text: String,
}

/// What happened to a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordOp {
    /// Kept.
    Equal,
    /// Removed.
    Delete,
    /// Added.
    Insert,
}

/// The differences between two payloads (`{name, base_model_id, is_active, params, meta}`).
pub fn payload_changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for key in ["name", "base_model_id", "is_active"] {
        push_change(&mut out, key.to_owned(), before.get(key), after.get(key));
    }
    for section in ["params", "meta"] {
        object_changes(&mut out, section, before.get(section), after.get(section));
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
    if b == a {
        return;
    }
    if let (Some(Value::String(old)), Some(Value::String(new))) = (&b, &a) {
        if is_long(old) || is_long(new) {
            out.push(FieldChange {
                field,
                before: None,
                after: None,
                words: word_diff(old, new),
            });
            return;
        }
    }
    out.push(FieldChange {
        field,
        before: b,
        after: a,
        words: Vec::new(),
    });
}

fn is_long(s: &str) -> bool {
    s.len() > LONG_TEXT || s.contains('\n')
}

/// Word-level diff of two texts, adjacent runs of the same kind merged.
pub fn word_diff(old: &str, new: &str) -> Vec<WordChange> {
    let diff = TextDiff::configure().diff_unicode_words(old, new);
    let mut out: Vec<WordChange> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => WordOp::Equal,
            ChangeTag::Delete => WordOp::Delete,
            ChangeTag::Insert => WordOp::Insert,
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(WordChange {
                op,
                text: change.value().to_owned(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_per_field_and_prompts_per_word() {
        let before = json!({"name": "A", "is_active": true, "params": {"system": "Du er en venlig hjælper.\n", "temperature": 0.2},
            "meta": {"tags": [{"name": "x"}], "voice": null}});
        let after = json!({"name": "B", "is_active": true, "params": {"system": "Du er en hurtig hjælper.\n", "temperature": 0.2},
            "meta": {"tags": [{"name": "x"}], "toolIds": []}});
        let changes = payload_changes(&before, &after);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name", "params.system"], "nulls and empty lists are no change");
        let words = &changes[1].words;
        assert!(words.contains(&WordChange {
            op: WordOp::Delete,
            text: "venlig".into()
        }));
        assert!(words.contains(&WordChange {
            op: WordOp::Insert,
            text: "hurtig".into()
        }));
        assert_eq!(changes[0].before, Some(json!("A")));
    }
}
