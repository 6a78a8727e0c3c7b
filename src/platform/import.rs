//! `aispec import`: live models (or Open WebUI's "Export models" file) → specialist folders. Models aispec
//! deployed are restored exactly from their marker (sign-offs included, so they stay approved only if the
//! content is identical); models made in the web UI become drafts with their prompt, suggestions, tags and groups.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::groups::GroupResolver;
use super::mapping::{MARKER_KEY, Marker, WEB_SEARCH};
use super::types::LiveModel;
use crate::model::config::Language;
use crate::model::specialist::{
    Access, KNOWLEDGE_DIR, Kind, KnowledgeFile, Owner, PROMPT_FILE, Params, Privacy, SPEC_FILE, Specialist,
    SuggestionPrompt,
};
use crate::workspace::SPECIALISTS_DIR;

/// Texts written into drafts, per language (`templates/import/texts.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Texts {
    /// First lines of an imported `specialist.toml`; `{source}` is replaced.
    pub header: String,
    /// First line of a restored `specialist.toml`.
    pub header_restored: String,
    /// Placeholder owner department.
    pub department: String,
    /// Placeholder owner contact.
    pub contact: String,
    /// Placeholder notice.
    pub notice: String,
    /// Description of a downloaded knowledge file; `{name}` is the knowledge base.
    pub knowledge_description: String,
}

/// The import texts in a language.
pub fn texts(lang: Language) -> Texts {
    let all: std::collections::BTreeMap<String, Texts> =
        toml::from_str(include_str!("../../templates/import/texts.toml")).unwrap_or_default();
    all.get(lang.code()).cloned().unwrap_or_default()
}

/// One model turned into specialist files.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    /// The specialist id (and folder name).
    pub id: String,
    /// The platform model id it came from.
    pub source_id: String,
    /// True when the files were restored from aispec's marker rather than drafted.
    pub restored: bool,
    /// The settings.
    #[serde(skip)]
    pub spec: Specialist,
    /// The system prompt.
    #[serde(skip)]
    pub prompt: String,
    /// Knowledge files (path under `knowledge/`, bytes).
    #[serde(skip)]
    pub knowledge: Vec<(String, Vec<u8>)>,
    /// Knowledge bases and files to download: (kind `collection`/`file`, id, name).
    #[serde(skip)]
    pub knowledge_sources: Vec<(String, String, String)>,
    /// What was not carried over, and other remarks.
    pub notes: Vec<String>,
}

/// Reads Open WebUI's export file: a JSON list of models (or `{"models": [...]}`).
pub fn parse_export(text: &str) -> Result<Vec<LiveModel>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let list = match v {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("models") {
            Some(Value::Array(a)) => a,
            _ => return Err("expected a list of models or {\"models\": [...]}".to_owned()),
        },
        _ => return Err("expected a list of models".to_owned()),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, m)| serde_json::from_value(m).map_err(|e| format!("model #{}: {e}", i + 1)))
        .collect()
}

/// A valid specialist id for a platform model id.
pub fn specialist_id(model_id: &str) -> String {
    let mut out = String::new();
    for c in model_id.to_lowercase().chars() {
        let c = match c {
            'æ' => "ae".to_owned(),
            'ø' => "oe".to_owned(),
            'å' => "aa".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_owned(),
        };
        if c == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(&c);
    }
    let mut out: String = out.trim_end_matches('-').chars().take(64).collect();
    out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "imported".to_owned() } else { out }
}

/// Turns a model into specialist files: restored from the marker when aispec deployed it, else a draft.
pub fn draft(m: &LiveModel, resolver: Option<&GroupResolver<'_>>, texts: &Texts) -> Draft {
    let prompt = m
        .params
        .get("system")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(d) = restore(m, &prompt) {
        return d;
    }
    let id = specialist_id(&m.id);
    let mut notes = Vec::new();
    if id != m.id {
        notes.push(format!(
            "`{}` is not a valid specialist id; imported as `{id}`, which deploys as a new model",
            m.id
        ));
    }
    let str_of = |k: &str| m.meta.get(k).and_then(Value::as_str).map(str::to_owned);
    let spec = Specialist {
        id: id.clone(),
        name: if m.name.trim().is_empty() {
            m.id.clone()
        } else {
            m.name.clone()
        },
        kind: Kind::Assistent,
        version: "0.1.0".to_owned(),
        description: str_of("description")
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| m.name.clone()),
        owner: Owner {
            department: texts.department.clone(),
            contact: texts.contact.clone(),
        },
        base_model: m.base_model_id.clone().unwrap_or_default(),
        screening: None,
        params: params(m, &mut notes),
        suggestion_prompts: suggestions(m),
        tags: tags(m),
        access: Access {
            groups: groups(m, resolver, &mut notes),
        },
        knowledge: Vec::new(),
        tools: tools(m),
        notice: texts.notice.clone(),
        privacy: Privacy::default(),
        signoffs: Vec::new(),
    };
    note_unmapped_meta(m, &mut notes);
    Draft {
        id,
        source_id: m.id.clone(),
        restored: false,
        spec,
        prompt,
        knowledge: Vec::new(),
        knowledge_sources: knowledge_sources(m),
        notes,
    }
}

fn restore(m: &LiveModel, prompt: &str) -> Option<Draft> {
    let marker = Marker::of(m)?;
    let mut spec: Specialist = serde_json::from_value(marker.spec.clone()?).ok()?;
    spec.signoffs = marker.signoffs.clone();
    Some(Draft {
        id: spec.id.clone(),
        source_id: m.id.clone(),
        restored: true,
        spec,
        prompt: prompt.to_owned(),
        knowledge: Vec::new(),
        knowledge_sources: knowledge_sources(m),
        notes: Vec::new(),
    })
}

fn params(m: &LiveModel, notes: &mut Vec<String>) -> Params {
    let f = |k: &str| m.params.get(k).and_then(Value::as_f64);
    let u = |k: &str| m.params.get(k).and_then(Value::as_u64);
    for (k, v) in &m.params {
        let known = [
            "system",
            "temperature",
            "max_tokens",
            "top_p",
            "frequency_penalty",
            "seed",
        ];
        if !known.contains(&k.as_str()) && !v.is_null() {
            notes.push(format!("params.{k} is not carried over (aispec does not manage it)"));
        }
    }
    Params {
        temperature: f("temperature"),
        max_tokens: u("max_tokens").and_then(|n| u32::try_from(n).ok()),
        top_p: f("top_p"),
        frequency_penalty: f("frequency_penalty"),
        seed: u("seed"),
    }
}

fn suggestions(m: &LiveModel) -> Vec<SuggestionPrompt> {
    let Some(Value::Array(list)) = m.meta.get("suggestion_prompts") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|p| {
            let text = p.get("content").and_then(Value::as_str)?.trim();
            if text.is_empty() {
                return None;
            }
            let title = match p.get("title") {
                Some(Value::Array(t)) => t.first().and_then(Value::as_str),
                Some(Value::String(t)) => Some(t.as_str()),
                _ => None,
            }
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
            Some(SuggestionPrompt {
                title,
                text: text.to_owned(),
            })
        })
        .collect()
}

fn tags(m: &LiveModel) -> Vec<String> {
    let Some(Value::Array(list)) = m.meta.get("tags") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str).or_else(|| t.as_str()))
        .map(str::to_owned)
        .collect()
}

fn tools(m: &LiveModel) -> Vec<String> {
    let mut out: Vec<String> = m
        .meta
        .get("toolIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let web = m
        .meta
        .get("capabilities")
        .and_then(|c| c.get("web_search"))
        .and_then(Value::as_bool);
    if web == Some(true) && !out.iter().any(|t| t == WEB_SEARCH) {
        out.push(WEB_SEARCH.to_owned());
    }
    out
}

fn groups(m: &LiveModel, resolver: Option<&GroupResolver<'_>>, notes: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for g in &m.access_grants {
        match (g.principal_type.as_str(), g.permission.as_str()) {
            ("group", "read") => match resolver.and_then(|r| r.name_of(&g.principal_id).map(|n| r.entry_for(n))) {
                Some(entry) => out.push(entry),
                None => notes.push(format!(
                    "read access for group id {} is not carried over (unknown group); add its name to access.groups",
                    g.principal_id
                )),
            },
            (t, p) => notes.push(format!(
                "{p} access for {t} {} is not carried over; aispec grants read access to groups only",
                g.principal_id
            )),
        }
    }
    out.sort();
    out.dedup();
    out
}

fn knowledge_sources(m: &LiveModel) -> Vec<(String, String, String)> {
    let Some(Value::Array(list)) = m.meta.get("knowledge") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|k| {
            let kind = k.get("type").and_then(Value::as_str).unwrap_or("file");
            let id = k.get("id").and_then(Value::as_str)?;
            let name = k.get("name").and_then(Value::as_str).unwrap_or(id);
            Some((kind.to_owned(), id.to_owned(), name.to_owned()))
        })
        .collect()
}

fn note_unmapped_meta(m: &LiveModel, notes: &mut Vec<String>) {
    let mapped = [
        "description",
        "tags",
        "suggestion_prompts",
        "toolIds",
        "knowledge",
        "capabilities",
        "profile_image_url",
        "chat_variables_schema",
        MARKER_KEY,
    ];
    for (k, v) in &m.meta {
        let empty =
            v.is_null() || v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(|o| o.is_empty());
        if !mapped.contains(&k.as_str()) && !empty {
            notes.push(format!("meta.{k} is not carried over (aispec does not manage it)"));
        }
    }
}

/// Adds a downloaded knowledge file to the draft (drafts also get a `knowledge` entry describing it).
pub fn add_knowledge(d: &mut Draft, path: &str, bytes: Vec<u8>, base_name: &str, texts: &Texts) {
    // Names come from the server: keep them inside knowledge/ whatever they say.
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    if parts.is_empty() {
        return;
    }
    let path = parts.join("/");
    if !d.restored && !d.spec.knowledge.iter().any(|k| k.file == path) {
        d.spec.knowledge.push(KnowledgeFile {
            file: path.clone(),
            description: texts.knowledge_description.replace("{name}", base_name),
            ..KnowledgeFile::default()
        });
    }
    d.knowledge.push((path, bytes));
}

/// The files of a draft, relative to the workspace root.
pub fn files(d: &Draft, source: &str, texts: &Texts) -> Result<Vec<(PathBuf, Vec<u8>)>, toml::ser::Error> {
    let dir = PathBuf::from(SPECIALISTS_DIR).join(&d.id);
    let header = if d.restored {
        &texts.header_restored
    } else {
        &texts.header
    }
    .replace("{source}", source);
    let body = toml::to_string_pretty(&d.spec)?;
    let mut out = vec![
        (dir.join(SPEC_FILE), format!("{header}\n\n{body}").into_bytes()),
        (dir.join(PROMPT_FILE), d.prompt.clone().into_bytes()),
    ];
    for (name, bytes) in &d.knowledge {
        out.push((dir.join(KNOWLEDGE_DIR).join(name), bytes.clone()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live(v: Value) -> LiveModel {
        serde_json::from_value(v).expect("model")
    }

    #[test]
    fn web_ui_models_become_drafts() {
        let m = live(json!({
            "id": "Byggesag Hjælper", "name": "Byggesag", "base_model_id": "gpt-4o",
            "params": {"system": "Du hjælper.", "temperature": 0.4, "stop": ["x"]},
            "meta": {"description": "Hjælp til byggesager", "tags": [{"name": "byg"}],
                     "suggestion_prompts": [{"content": "Hvad koster det?", "title": ["Pris", "sub"]}, {"content": "", "title": ["", ""]}],
                     "capabilities": {"web_search": true}, "filterIds": ["f1"]},
            "access_grants": [{"principal_type": "user", "principal_id": "u1", "permission": "write"}]
        }));
        let d = draft(&m, None, &texts(Language::Da));
        assert_eq!(d.id, "byggesag-hjaelper");
        assert!(!d.restored);
        assert_eq!(d.spec.params.temperature, Some(0.4));
        assert_eq!(d.spec.suggestion_prompts.len(), 1);
        assert_eq!(d.spec.suggestion_prompts[0].title.as_deref(), Some("Pris"));
        assert_eq!(d.spec.tags, ["byg"]);
        assert_eq!(d.spec.tools, ["web_search"]);
        assert!(d.spec.owner.department.starts_with("UDFYLD"));
        let notes = d.notes.join("\n");
        for expected in [
            "not a valid specialist id",
            "params.stop",
            "meta.filterIds",
            "write access for user u1",
        ] {
            assert!(notes.contains(expected), "{expected} missing in:\n{notes}");
        }
        let files = files(&d, "test", &texts(Language::Da)).expect("files");
        let toml_text = String::from_utf8(files[0].1.clone()).expect("utf8");
        assert!(toml_text.starts_with("# Importeret af aispec fra test."), "{toml_text}");
        let back: Specialist = toml::from_str(&toml_text).expect("valid toml");
        assert_eq!(back, d.spec);
    }

    #[test]
    fn knowledge_paths_stay_inside_the_folder() {
        let m = live(json!({"id": "a", "name": "A"}));
        let t = texts(Language::En);
        let mut d = draft(&m, None, &t);
        add_knowledge(&mut d, "../../etc/passwd", b"x".to_vec(), "KB", &t);
        add_knowledge(&mut d, "/sub/./b.md", b"y".to_vec(), "KB", &t);
        let names: Vec<&str> = d.knowledge.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["etc/passwd", "sub/b.md"]);
        assert_eq!(
            d.spec.knowledge[1].description,
            "Downloaded from the knowledge base \"KB\" on the platform."
        );
    }

    #[test]
    fn ids_are_slugged() {
        assert_eq!(specialist_id("korrekturlaeser"), "korrekturlaeser");
        assert_eq!(specialist_id("Søg i Århus!"), "soeg-i-aarhus");
        assert_eq!(specialist_id("--"), "imported");
    }

    #[test]
    fn export_files_parse_both_shapes() {
        let one = r#"[{"id": "a", "name": "A"}]"#;
        assert_eq!(parse_export(one).expect("list").len(), 1);
        let wrapped = r#"{"models": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}"#;
        assert_eq!(parse_export(wrapped).expect("object").len(), 2);
        assert!(parse_export("{}").is_err());
    }
}
