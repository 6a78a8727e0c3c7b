//! A live model's fields → the specialist's fields, each one either carried over exactly or named in a note
//! (`lost`) saying what is not.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::specialist::{Capabilities, Params, Platform, SuggestionPrompt};
use crate::platform::groups::GroupResolver;
use crate::platform::mapping::{
    MANAGED_META, MANAGED_PARAMS, MARKER_KEY, PROFILE_IMAGE_KEY, SERVER_META_KEYS, SERVER_PARAMS_KEYS,
};
use crate::platform::types::LiveModel;

/// What could not be carried over (each names the field) and other remarks.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// Fields that would not come back as they are: `import --strict` refuses these.
    pub lost: Vec<String>,
    /// Remarks that lose nothing.
    pub info: Vec<String>,
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

/// A typed value from JSON, or a note when the value has another type.
fn typed<T: serde::de::DeserializeOwned>(field: &str, v: Option<&Value>, notes: &mut Notes) -> Option<T> {
    let v = present(v)?;
    match serde_json::from_value(v.clone()) {
        Ok(t) => Some(t),
        Err(_) => {
            notes.lost.push(format!(
                "{field} = {v} is not carried over: aispec does not accept that value"
            ));
            None
        }
    }
}

/// The generation parameters aispec has fields for.
pub fn params(m: &LiveModel, notes: &mut Notes) -> Params {
    let p = &m.params;
    Params {
        temperature: typed("params.temperature", p.get("temperature"), notes),
        max_tokens: typed("params.max_tokens", p.get("max_tokens"), notes),
        top_p: typed("params.top_p", p.get("top_p"), notes),
        frequency_penalty: typed("params.frequency_penalty", p.get("frequency_penalty"), notes),
        seed: typed("params.seed", p.get("seed"), notes),
        function_calling: typed("params.function_calling", p.get("function_calling"), notes),
        reasoning_tags: typed("params.reasoning_tags", p.get("reasoning_tags"), notes),
    }
}

/// Every other `params` and `meta` key, passed through as it is (`[platform]`), except the keys the server
/// keeps by itself, which are left alone on the platform and named in a note.
pub fn platform(m: &LiveModel, notes: &mut Notes) -> Platform {
    let mut out = Platform::default();
    pass(
        &m.params,
        "params",
        MANAGED_PARAMS,
        SERVER_PARAMS_KEYS,
        &mut out.params,
        notes,
    );
    let own = [MANAGED_META, &[MARKER_KEY, "chat_variables_schema", PROFILE_IMAGE_KEY]].concat();
    pass(&m.meta, "meta", &own, SERVER_META_KEYS, &mut out.meta, notes);
    out
}

fn pass(
    from: &Map<String, Value>,
    section: &str,
    managed: &[&str],
    kept: &[&str],
    out: &mut Map<String, Value>,
    notes: &mut Notes,
) {
    for (k, v) in from {
        if managed.contains(&k.as_str()) || v.is_null() {
            continue;
        }
        if kept.contains(&k.as_str()) {
            notes.info.push(format!(
                "{section}.{k} stays on the platform as it is (Open WebUI keeps it when aispec updates the \
                 model); it is not in git, so it does not reach other targets"
            ));
            continue;
        }
        match tomlable(v) {
            Some(v) => {
                out.insert(k.clone(), v);
            }
            None => notes.lost.push(format!(
                "{section}.{k} is not carried over: TOML cannot hold its value (a null inside a list, or a \
                 number that is too large)"
            )),
        }
    }
}

/// The value as TOML can hold it: `null` members of objects dropped (Open WebUI treats them as absent);
/// `None` when it holds a `null` in a list or an integer beyond TOML's range.
pub fn tomlable(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Number(n) if n.is_u64() && n.as_i64().is_none() => None,
        Value::Array(a) => a.iter().map(tomlable).collect::<Option<Vec<_>>>().map(Value::Array),
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, x) in o {
                if !x.is_null() {
                    out.insert(k.clone(), tomlable(x)?);
                }
            }
            Some(Value::Object(out))
        }
        other => Some(other.clone()),
    }
}

/// `meta.capabilities` as a `[capabilities]` table (always written, so the switches stay as they are).
pub fn capabilities(m: &LiveModel, notes: &mut Notes) -> Option<Capabilities> {
    let Some(v) = present(m.meta.get("capabilities")) else {
        return Some(Capabilities::default());
    };
    let Some(o) = v.as_object() else {
        notes.lost.push(format!(
            "meta.capabilities = {v} is not carried over: it is not a table"
        ));
        return Some(Capabilities::default());
    };
    let known: Map<String, Value> = o
        .iter()
        .filter(|(_, x)| !x.is_null())
        .filter(|(k, x)| {
            let ok = x.is_boolean() && serde_json::from_value::<Capabilities>(single(k, x)).is_ok();
            if !ok {
                notes.lost.push(format!(
                    "meta.capabilities.{k} = {x} is not carried over: aispec does not know it"
                ));
            }
            ok
        })
        .map(|(k, x)| (k.clone(), x.clone()))
        .collect();
    serde_json::from_value(Value::Object(known)).ok()
}

fn single(k: &str, v: &Value) -> Value {
    let mut o = Map::new();
    o.insert(k.to_owned(), v.clone());
    Value::Object(o)
}

/// `meta.builtinTools`: tool name → on/off.
pub fn builtin_tools(m: &LiveModel, notes: &mut Notes) -> BTreeMap<String, bool> {
    typed("meta.builtinTools", m.meta.get("builtinTools"), notes).unwrap_or_default()
}

/// A list of ids in `meta` (`toolIds`, `filterIds`, `actionIds`).
pub fn ids(m: &LiveModel, key: &str, notes: &mut Notes) -> Vec<String> {
    typed(&format!("meta.{key}"), m.meta.get(key), notes).unwrap_or_default()
}

/// `meta.tags` as names.
pub fn tags(m: &LiveModel) -> Vec<String> {
    let Some(Value::Array(list)) = m.meta.get("tags") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str).or_else(|| t.as_str()))
        .map(str::to_owned)
        .collect()
}

/// `meta.suggestion_prompts` with their title and subtitle; empty ones are dropped (Open WebUI ignores them).
pub fn suggestions(m: &LiveModel) -> Vec<SuggestionPrompt> {
    let Some(Value::Array(list)) = m.meta.get("suggestion_prompts") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|p| {
            let text = p.get("content").and_then(Value::as_str)?;
            if text.trim().is_empty() {
                return None;
            }
            let part = |i: usize| -> Option<String> {
                match p.get("title") {
                    Some(Value::Array(t)) => t.get(i).and_then(Value::as_str),
                    Some(Value::String(t)) if i == 0 => Some(t.as_str()),
                    _ => None,
                }
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
            };
            Some(SuggestionPrompt {
                title: part(0),
                text: text.to_owned(),
                subtitle: part(1),
            })
        })
        .collect()
}

/// Who may use the model, as the specialist's `[access]`: read groups, write groups, public.
pub struct AccessOut {
    /// `access.groups`.
    pub groups: Vec<String>,
    /// `access.write_groups`.
    pub write_groups: Vec<String>,
    /// `access.public`.
    pub public: bool,
}

/// The grants as group names (workspace aliases where one exists); user grants and unknown groups are named
/// in a note.
pub fn access(m: &LiveModel, resolver: Option<&GroupResolver<'_>>, notes: &mut Notes) -> AccessOut {
    let mut out = AccessOut {
        groups: Vec::new(),
        write_groups: Vec::new(),
        public: false,
    };
    for g in &m.access_grants {
        let name = || resolver.and_then(|r| r.name_of(&g.principal_id).map(|n| r.entry_for(n)));
        match (g.principal_type.as_str(), g.permission.as_str()) {
            _ if g.is_public() && g.permission == "read" => out.public = true,
            ("group", p @ ("read" | "write")) => match name() {
                Some(entry) if p == "read" => out.groups.push(entry),
                Some(entry) => out.write_groups.push(entry),
                None => notes.lost.push(format!(
                    "access: {p} access for group id {} is not carried over (no group with that id is known \
                     here); add its name to access.{}",
                    g.principal_id,
                    if p == "read" { "groups" } else { "write_groups" }
                )),
            },
            (t, p) => notes.lost.push(format!(
                "access: {p} access for {t} {} is not carried over; aispec shares with groups and with everyone \
                 (access.public), not with single users",
                g.principal_id
            )),
        }
    }
    for list in [&mut out.groups, &mut out.write_groups] {
        list.sort();
        list.dedup();
    }
    out
}
