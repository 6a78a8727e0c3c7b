//! Field-by-field comparison of two TOML documents (as JSON values), with list items as additions/removals.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::words::{Segment, diff_words};

/// Strings at least this long (or with a line break) also get a word diff.
const WORD_DIFF_FROM: usize = 60;

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Path as written in TOML: `params.temperature`, `suggestion_prompts[1].text`, `knowledge[guide.pdf].description`.
    pub field: String,
    /// The old value; absent when the field was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; absent when the field was removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// For lists of plain values: items only in the new list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<Value>,
    /// For lists of plain values: items only in the old list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Value>,
    /// For long texts: the change word by word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<Segment>>,
}

/// The fields that differ between two documents, in the order of the new (then old) document.
pub fn compare(old: &Value, new: &Value, skip: &[&str]) -> Vec<FieldChange> {
    let mut a = BTreeMap::new();
    let mut order = Vec::new();
    flatten("", old, &mut a, &mut Vec::new());
    let mut b = BTreeMap::new();
    flatten("", new, &mut b, &mut order);
    let mut old_order = Vec::new();
    flatten("", old, &mut BTreeMap::new(), &mut old_order);
    for key in old_order {
        if !b.contains_key(&key) {
            order.push(key);
        }
    }
    let mut out = Vec::new();
    for key in order {
        if skip
            .iter()
            .any(|s| key == *s || key.starts_with(&format!("{s}.")) || key.starts_with(&format!("{s}[")))
        {
            continue;
        }
        let (o, n) = (a.get(&key), b.get(&key));
        if o == n {
            continue;
        }
        out.push(FieldChange::new(key, o.cloned(), n.cloned()));
    }
    out
}

impl FieldChange {
    /// The top-level key (`params` for `params.temperature`).
    pub fn top(&self) -> &str {
        let end = self.field.find(['.', '[']).unwrap_or(self.field.len());
        &self.field[..end]
    }

    /// The change of one field from `old` to `new`: lists as items added and removed, long texts word by word.
    pub fn new(field: String, old: Option<Value>, new: Option<Value>) -> FieldChange {
        let mut c = FieldChange {
            field,
            old,
            new,
            added: Vec::new(),
            removed: Vec::new(),
            words: None,
        };
        match (&c.old, &c.new) {
            (Some(Value::Array(o)), Some(Value::Array(n))) => {
                c.added = n.iter().filter(|v| !o.contains(v)).cloned().collect();
                c.removed = o.iter().filter(|v| !n.contains(v)).cloned().collect();
            }
            (None, Some(Value::Array(n))) => c.added = n.clone(),
            (Some(Value::Array(o)), None) => c.removed = o.clone(),
            (Some(Value::String(o)), Some(Value::String(n)))
                if o.chars().count().max(n.chars().count()) >= WORD_DIFF_FROM
                    || o.contains('\n')
                    || n.contains('\n') =>
            {
                c.words = Some(diff_words(o, n));
            }
            _ => {}
        }
        c
    }
}

/// Leaves of a document by TOML-style path; lists of plain values stay whole, lists of tables are keyed by their
/// `file`/`id` when every entry has one, by position otherwise.
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>, order: &mut Vec<String>) {
    let mut leaf = |k: String, v: &Value| {
        order.push(k.clone());
        out.insert(k, v.clone());
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out, order);
            }
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let key_of = |field: &str| -> Option<Vec<String>> {
                let keys: Vec<String> = items
                    .iter()
                    .map(|i| i.get(field).and_then(Value::as_str).map(str::to_owned))
                    .collect::<Option<_>>()?;
                let mut unique = keys.clone();
                unique.sort();
                unique.dedup();
                (unique.len() == keys.len()).then_some(keys)
            };
            let keys = key_of("file")
                .or_else(|| key_of("id"))
                .unwrap_or_else(|| (0..items.len()).map(|i| i.to_string()).collect());
            for (k, item) in keys.iter().zip(items) {
                flatten(&format!("{prefix}[{k}]"), item, out, order);
            }
        }
        other => leaf(prefix.to_owned(), other),
    }
}

/// A value as short text for tables: strings without quotes, everything else as TOML-like JSON.
pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", inner.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_lists_and_tables() {
        let old = json!({
            "name": "A", "params": {"temperature": 0.2}, "access": {"groups": ["x", "y"]},
            "knowledge": [{"file": "a.md", "description": "A"}], "signoffs": [{"role": "r"}]
        });
        let new = json!({
            "name": "A", "params": {"temperature": 0.7, "top_p": 0.9}, "access": {"groups": ["y", "z"]},
            "knowledge": [{"file": "a.md", "description": "A2"}, {"file": "b.md", "description": "B"}]
        });
        let changes = compare(&old, &new, &["signoffs"]);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "params.temperature",
                "params.top_p",
                "access.groups",
                "knowledge[a.md].description",
                "knowledge[b.md].file",
                "knowledge[b.md].description"
            ]
        );
        let groups = &changes[2];
        assert_eq!(
            (groups.added.clone(), groups.removed.clone()),
            (vec![json!("z")], vec![json!("x")])
        );
        assert_eq!(changes[0].top(), "params");
        assert_eq!(changes[3].top(), "knowledge");
    }

    #[test]
    fn long_strings_get_words() {
        let old = json!({"notice": "Brug ikke personoplysninger i denne assistent, og læs svaret igennem."});
        let new = json!({"notice": "Brug aldrig personoplysninger i denne assistent, og læs svaret igennem."});
        let c = compare(&old, &new, &[]);
        assert!(c[0].words.is_some());
    }
}
