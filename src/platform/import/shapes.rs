//! The shapes of Open WebUI model exports people have, read into one [`Found`] per entry: a model to import,
//! or an entry skipped with the reason. Every entry of a file ends up in one of the two.
//!
//! - 0.12: a list of models with `access_grants` (and `background_image_data` for a background image).
//! - 0.6 and earlier: `access_control` instead of grants: `null` is public, `{}` private, and
//!   `{"read": {"group_ids", "user_ids"}, "write": {…}}` names who may read or write.
//! - 0.5: each model wrapped as `{"id", "name", "object", "owned_by", "info": {…}, "preset": true}`, the model
//!   itself (prompt, base model, tools) inside `info`; base models served by a connection (no `info`) and the
//!   `arena-model` entry sit in the same list.
//! - `{"models": [...]}`, and a single model object instead of a list.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::specialist_id;
use crate::platform::types::LiveModel;

/// One entry of an export.
#[derive(Debug, Clone)]
pub enum Found {
    /// A workspace model, with what reading it could not carry over (a derived id, a background image).
    Model(Box<LiveModel>, Vec<String>),
    /// Not a model aispec imports.
    Skipped(Skipped),
}

/// An entry that is not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The entry's id (or `#N` when it has none).
    pub id: String,
    /// Its name, when it has one.
    pub name: String,
    /// Why it is not imported.
    pub reason: String,
}

impl Found {
    /// The model id, or the skipped entry's id.
    pub fn id(&self) -> &str {
        match self {
            Found::Model(m, _) => &m.id,
            Found::Skipped(s) => &s.id,
        }
    }
}

/// Reads an export file in any of the shapes above.
pub fn parse_export(text: &str) -> Result<Vec<Found>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let list = match v {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("models") {
            Some(Value::Array(a)) => a,
            Some(_) => return Err("`models` is not a list".to_owned()),
            None if looks_like_model(&o) => vec![Value::Object(o)],
            None => return Err("expected a list of models, {\"models\": [...]} or one model object".to_owned()),
        },
        _ => return Err("expected a list of models or one model object".to_owned()),
    };
    Ok(list.into_iter().enumerate().map(|(i, v)| entry(i + 1, v)).collect())
}

fn looks_like_model(o: &Map<String, Value>) -> bool {
    ["id", "name", "info", "meta", "params", "base_model_id"]
        .iter()
        .any(|k| o.contains_key(*k))
}

fn str_of<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty())
}

/// One entry: unwrapped, checked, and read as a model.
fn entry(n: usize, v: Value) -> Found {
    let Value::Object(outer) = v else {
        return skip(&Map::new(), n, "the entry is not a JSON object");
    };
    let arena = outer.get("arena").and_then(Value::as_bool) == Some(true)
        || str_of(&outer, "owned_by") == Some("arena")
        || str_of(&outer, "id") == Some("arena-model");
    if arena {
        return skip(
            &outer,
            n,
            "Open WebUI's arena model (it compares other models in chats); it is not a specialist",
        );
    }
    let mut model = match outer.get("info") {
        Some(Value::Object(info)) => unwrap_info(&outer, info),
        _ if !["meta", "params", "base_model_id"]
            .iter()
            .any(|k| outer.contains_key(*k)) =>
        {
            let via = str_of(&outer, "owned_by").map_or(String::new(), |o| format!(" ({o})"));
            return skip(
                &outer,
                n,
                &format!("a base model served by a connection{via}, not a model built in the workspace"),
            );
        }
        _ => outer.clone(),
    };
    if model.get("base_model_id").is_none_or(Value::is_null) {
        return skip(
            &model,
            n,
            "`base_model_id` is null: the entry changes the settings of the base model itself (an override in \
             Admin → Models), not a specialist built on one; aispec does not manage base models",
        );
    }
    let mut notes = Vec::new();
    if str_of(&model, "id").is_none() {
        let Some(name) = str_of(&model, "name").map(str::to_owned) else {
            return skip(&model, n, "the entry has neither an id nor a name");
        };
        let id = specialist_id(&name);
        notes.push(format!(
            "the model has no id in the file; `{id}` was made from its name (a new model when deployed)"
        ));
        model.insert("id".into(), Value::String(id));
    }
    if outer.get("background_image_data").is_some_and(Value::is_string) {
        notes.push(
            "background_image_data: the background image in the file is not carried over (aispec leaves \
             background images to the platform)"
                .to_owned(),
        );
    }
    grants_from_access_control(&mut model);
    match serde_json::from_value::<LiveModel>(Value::Object(model.clone())) {
        Ok(m) => Found::Model(Box::new(m), notes),
        Err(e) => skip(&model, n, &format!("not readable as a model: {e}")),
    }
}

/// A 0.5 wrapper's `info`, with the id and name from outside when `info` lacks them.
fn unwrap_info(outer: &Map<String, Value>, info: &Map<String, Value>) -> Map<String, Value> {
    let mut model = info.clone();
    for k in ["id", "name"] {
        if str_of(&model, k).is_none()
            && let Some(v) = outer.get(k)
        {
            model.insert(k.to_owned(), v.clone());
        }
    }
    model
}

/// Open WebUI before 0.7 stored `access_control`; its meaning in grants (`access_grants` wins when present).
fn grants_from_access_control(model: &mut Map<String, Value>) {
    if model.contains_key("access_grants") || !model.contains_key("access_control") {
        return;
    }
    let grants = match model.remove("access_control") {
        Some(Value::Object(ac)) => {
            let mut out = Vec::new();
            for permission in ["read", "write"] {
                let Some(who) = ac.get(permission) else { continue };
                for (kind, key) in [("group", "group_ids"), ("user", "user_ids")] {
                    for id in who.get(key).and_then(Value::as_array).into_iter().flatten() {
                        if let Some(id) = id.as_str() {
                            out.push(json!({"principal_type": kind, "principal_id": id, "permission": permission}));
                        }
                    }
                }
            }
            out
        }
        // null: public to every user.
        _ => vec![json!({"principal_type": "user", "principal_id": "*", "permission": "read"})],
    };
    model.insert("access_grants".into(), Value::Array(grants));
}

fn skip(o: &Map<String, Value>, n: usize, reason: &str) -> Found {
    Found::Skipped(Skipped {
        id: str_of(o, "id").map_or_else(|| format!("#{n}"), str::to_owned),
        name: str_of(o, "name").unwrap_or_default().to_owned(),
        reason: reason.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only_model(text: &str) -> (LiveModel, Vec<String>) {
        match parse_export(text).expect("parses").remove(0) {
            Found::Model(m, notes) => (*m, notes),
            Found::Skipped(s) => panic!("skipped: {s:?}"),
        }
    }

    #[test]
    fn lists_wrappers_and_single_objects() {
        let one = r#"[{"id": "a", "name": "A", "base_model_id": "m"}]"#;
        assert_eq!(parse_export(one).expect("list").len(), 1);
        let wrapped = r#"{"models": [{"id": "a", "base_model_id": "m"}, {"id": "b", "base_model_id": "m"}]}"#;
        assert_eq!(parse_export(wrapped).expect("object").len(), 2);
        let (m, _) = only_model(r#"{"id": "solo", "name": "Solo", "base_model_id": "m"}"#);
        assert_eq!(m.id, "solo");
        assert!(parse_export("{}").is_err());
        assert!(parse_export("7").is_err());
    }

    #[test]
    fn access_control_means_what_open_webui_says() {
        let (public, _) = only_model(r#"{"id": "a", "base_model_id": "m", "access_control": null}"#);
        assert_eq!(public.access_grants.len(), 1);
        assert!(public.access_grants[0].is_public());
        let (private, _) = only_model(r#"{"id": "a", "base_model_id": "m", "access_control": {}}"#);
        assert!(private.access_grants.is_empty());
        let (groups, _) = only_model(
            r#"{"id": "a", "base_model_id": "m", "access_control":
                {"read": {"group_ids": ["g1"], "user_ids": ["u1"]}, "write": {"group_ids": ["g2"]}}}"#,
        );
        let shown: Vec<String> = groups
            .access_grants
            .iter()
            .map(|g| format!("{}:{}:{}", g.principal_type, g.principal_id, g.permission))
            .collect();
        assert_eq!(shown, ["group:g1:read", "user:u1:read", "group:g2:write"]);
        let (neither, _) = only_model(r#"{"id": "a", "base_model_id": "m"}"#);
        assert!(neither.access_grants.is_empty(), "no access_control at all is private");
    }

    #[test]
    fn base_models_arena_and_overrides_are_skipped_with_the_reason() {
        let found = parse_export(
            r#"[{"id": "gpt-4o", "name": "gpt-4o", "object": "model", "owned_by": "openai"},
                {"id": "arena-model", "name": "Arena Model", "info": {"meta": {}}, "owned_by": "arena", "arena": true},
                {"id": "gpt-4o", "name": "GPT", "info": {"id": "gpt-4o", "base_model_id": null, "params": {"system": "x"}}},
                {"name": "Uden id", "base_model_id": "m", "params": {"system": "Hej"}}]"#,
        )
        .expect("parses");
        let reasons: Vec<String> = found
            .iter()
            .map(|f| match f {
                Found::Skipped(s) => format!("{}: {}", s.id, s.reason),
                Found::Model(m, notes) => format!("{}: imported; {}", m.id, notes.join(" ")),
            })
            .collect();
        assert!(
            reasons[0].starts_with("gpt-4o: a base model served by a connection (openai)"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].starts_with("arena-model: Open WebUI's arena model"),
            "{reasons:?}"
        );
        assert!(reasons[2].contains("`base_model_id` is null"), "{reasons:?}");
        assert!(
            reasons[3].starts_with("uden-id: imported; the model has no id"),
            "{reasons:?}"
        );
    }
}
