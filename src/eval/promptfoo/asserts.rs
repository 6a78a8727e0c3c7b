//! promptfoo assertions to aispec assertions: the full form (`type`, `value`, `threshold` …), the `$ref` to an
//! assertion template, and the one-line form of CSV `__expected` columns (`icontains: x`, `similar(0.8): y`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::tree::{Kind, Node};
use super::{Found, Loader};
use crate::model::cases::{Assertion, AssertionKind};

/// promptfoo types that have no aispec equivalent, and what to use instead where there is something close.
const NEAREST: [(&str, &str); 8] = [
    ("model-graded-closedqa", "llm-rubric"),
    ("factuality", "llm-rubric"),
    ("g-eval", "llm-rubric"),
    ("answer-relevance", "llm-rubric or similar"),
    ("contains-json", "is-json (the whole answer must be JSON)"),
    ("python", "javascript"),
    ("rouge-n", "similar or levenshtein"),
    ("bleu", "similar or levenshtein"),
];

/// Converts one assertion node. `templates` holds `assertionTemplates`; `vars` fill `{{ name }}` in values, as
/// promptfoo renders them per test. Problems go to `found`; `None` when the assertion cannot be converted.
pub fn convert(
    node: &Node,
    templates: &BTreeMap<String, Node>,
    vars: &BTreeMap<String, String>,
    loader: &Loader<'_>,
    file: &str,
    found: &mut Found,
) -> Option<Assertion> {
    let resolved;
    let node = match node.get("$ref").and_then(Node::as_str) {
        Some(reference) => {
            let name = reference.strip_prefix("#/assertionTemplates/").unwrap_or(reference);
            match templates.get(name) {
                Some(t) => {
                    resolved = t.clone();
                    &resolved
                }
                None => {
                    found.skip(
                        file,
                        node.line,
                        format!("$ref {reference}"),
                        "no such entry under assertionTemplates",
                    );
                    return None;
                }
            }
        }
        None => node,
    };
    let Some(kind) = node.get("type").and_then(Node::as_str) else {
        found.skip(file, node.line, "an assertion", "it has no `type`");
        return None;
    };
    let kind = canonical_type(kind);
    let base = kind.strip_prefix("not-").unwrap_or(&kind);
    let Some(typed) = AssertionKind::from_name(base) else {
        let why = match NEAREST.iter().find(|(n, _)| *n == base) {
            Some((_, instead)) => format!("aispec has no `{base}`; the nearest is {instead}"),
            None => format!("aispec has no assertion type `{base}`"),
        };
        found.skip(file, node.line, format!("assertion `{kind}`"), why);
        return None;
    };
    for (key, value) in node.as_map().unwrap_or_default() {
        match key.as_str() {
            "type" | "value" | "threshold" | "weight" | "metric" | "$ref" => {}
            "provider" => found.ignore(
                file,
                value.line,
                format!("`provider` of assertion `{kind}`"),
                "aispec grades with [eval] judge and embeds with [eval] embedder in aispec.toml",
            ),
            other => found.skip(
                file,
                value.line,
                format!("`{other}` of assertion `{kind}`"),
                "aispec assertions have no such setting",
            ),
        }
    }
    let value = match node.get("value") {
        Some(v) => Some(value(v, typed, vars, loader, file, found)?),
        None => None,
    };
    Some(Assertion {
        kind,
        value,
        min: None,
        max: None,
        threshold: node.get("threshold").and_then(Node::as_f64),
        weight: node.get("weight").and_then(Node::as_f64),
        metric: node.get("metric").map(Node::to_text),
    })
}

/// promptfoo spellings aispec writes differently.
fn canonical_type(kind: &str) -> String {
    match kind {
        "similar:cosine" => "similar".to_owned(),
        "not-similar:cosine" => "not-similar".to_owned(),
        other => other.to_owned(),
    }
}

/// The value: files read (text types), variables filled in text, lists kept as lists.
fn value(
    v: &Node,
    kind: AssertionKind,
    vars: &BTreeMap<String, String>,
    loader: &Loader<'_>,
    file: &str,
    found: &mut Found,
) -> Option<Value> {
    if let Some(reference) = v.as_str().and_then(|s| s.strip_prefix("file://")) {
        if kind == AssertionKind::Javascript || reference.ends_with(".js") || reference.ends_with(".py") {
            found.skip(
                file,
                v.line,
                format!("file://{reference}"),
                "a script file cannot run in aispec's sandbox; paste the check as `value` (an expression or a body with return)",
            );
            return None;
        }
        let text = match loader.read(reference) {
            Ok(t) => t,
            Err(e) => {
                found.skip(file, v.line, format!("file://{reference}"), e);
                return None;
            }
        };
        if kind == AssertionKind::IsJson {
            return match super::tree::parse(&text) {
                Ok(schema) => Some(schema.to_json()),
                Err(e) => {
                    found.skip(
                        file,
                        v.line,
                        format!("file://{reference}"),
                        format!("not a JSON Schema: {e}"),
                    );
                    None
                }
            };
        }
        return Some(Value::String(fill(text.trim_end(), vars)));
    }
    Some(match &v.kind {
        Kind::Str(s) if kind != AssertionKind::Javascript => Value::String(fill(s, vars)),
        Kind::Seq(items) => Value::Array(
            items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Str(s) => Value::String(fill(s, vars)),
                    _ => i.to_json(),
                })
                .collect(),
        ),
        _ => v.to_json(),
    })
}

fn var_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").expect("constant pattern compiles"))
}

/// `{{ name }}` replaced by the test's variable, as promptfoo renders assertion values; unknown names stay.
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> String {
    if !text.contains("{{") {
        return text.to_owned();
    }
    var_pattern()
        .replace_all(text, |caps: &regex::Captures<'_>| {
            vars.get(&caps[1]).cloned().unwrap_or_else(|| caps[0].to_owned())
        })
        .into_owned()
}

fn compact_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(not-)?([a-z][a-z0-9-]*(?::[a-z]+)?)(?:\(([0-9.]+)\))?(?::\s?([\s\S]*))?$")
            .expect("constant pattern compiles")
    })
}

/// The one-line form of a CSV `__expected` cell, as promptfoo reads it: `javascript:`/`fn:`/`eval:` code,
/// `grade:` a rubric, `type(threshold): value`, a bare type (`is-json`), else the whole text must be equal.
/// `Err` says why a cell cannot be converted.
pub fn from_compact(cell: &str, vars: &BTreeMap<String, String>) -> Result<Assertion, String> {
    let cell = cell.trim();
    let make = |kind: String, value: Option<Value>, threshold: Option<f64>| Assertion {
        kind,
        value,
        min: None,
        max: None,
        threshold,
        weight: None,
        metric: None,
    };
    for (prefix, kind) in [
        ("javascript:", "javascript"),
        ("fn:", "javascript"),
        ("eval:", "javascript"),
        ("grade:", "llm-rubric"),
        ("llm-rubric:", "llm-rubric"),
    ] {
        if let Some(rest) = cell.strip_prefix(prefix) {
            let text = rest.trim();
            let value = if kind == "javascript" {
                text.to_owned()
            } else {
                fill(text, vars)
            };
            return Ok(make(kind.to_owned(), Some(Value::String(value)), None));
        }
    }
    if cell.starts_with("python:") || cell.starts_with("file://") {
        return Err("a script cannot run in aispec's sandbox; write the check as `javascript:` code".to_owned());
    }
    if let Some(caps) = compact_pattern().captures(cell) {
        let negated = caps.get(1).is_some();
        let name = canonical_type(&caps[2]);
        if let Some(kind) = AssertionKind::from_name(&name) {
            let threshold = caps.get(3).and_then(|m| m.as_str().parse::<f64>().ok());
            let rest = caps.get(4).map(|m| m.as_str().trim());
            let value = rest.filter(|r| !r.is_empty()).map(|r| {
                if matches!(
                    kind,
                    AssertionKind::ContainsAny
                        | AssertionKind::ContainsAll
                        | AssertionKind::IcontainsAny
                        | AssertionKind::IcontainsAll
                ) {
                    Value::Array(r.split(',').map(|p| Value::String(fill(p.trim(), vars))).collect())
                } else {
                    Value::String(fill(r, vars))
                }
            });
            let kind = format!("{}{}", if negated { "not-" } else { "" }, kind.as_str());
            return Ok(make(kind, value, threshold));
        }
        if caps.get(4).is_some() && NEAREST.iter().any(|(n, _)| *n == name) {
            return Err(format!("aispec has no `{name}`"));
        }
    }
    Ok(make("equals".to_owned(), Some(Value::String(fill(cell, vars))), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([("by".to_owned(), "Aarhus".to_owned())])
    }

    #[test]
    fn compact_cells_read_as_promptfoo_reads_them() {
        let a = from_compact("icontains: {{by}}", &vars()).expect("ok");
        assert_eq!((a.kind.as_str(), a.value), ("icontains", Some(Value::from("Aarhus"))));
        let a = from_compact("not-contains-any: CPR, personnummer", &vars()).expect("ok");
        assert_eq!(a.kind, "not-contains-any");
        assert_eq!(a.value, Some(serde_json::json!(["CPR", "personnummer"])));
        let a = from_compact("similar(0.8): Du kan klage", &vars()).expect("ok");
        assert_eq!((a.kind.as_str(), a.threshold), ("similar", Some(0.8)));
        let a = from_compact("javascript: output.length < 100", &vars()).expect("ok");
        assert_eq!(a.value, Some(Value::from("output.length < 100")));
        let a = from_compact("grade: Svaret er høfligt over for {{by}}", &vars()).expect("ok");
        assert_eq!(a.kind, "llm-rubric");
        assert_eq!(a.value, Some(Value::from("Svaret er høfligt over for Aarhus")));
        let a = from_compact("is-json", &vars()).expect("ok");
        assert_eq!((a.kind.as_str(), a.value), ("is-json", None));
        let a = from_compact("Bare et svar: med kolon", &vars()).expect("ok");
        assert_eq!(a.kind, "equals");
        assert!(from_compact("python: len(output) > 3", &vars()).is_err());
        assert!(from_compact("rouge-n: noget", &vars()).is_err());
    }

    #[test]
    fn fill_leaves_unknown_names() {
        assert_eq!(fill("{{ by }} og {{land}}", &vars()), "Aarhus og {{land}}");
    }
}
