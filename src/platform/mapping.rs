//! Specialist → Open WebUI model: the payload aispec manages, the ownership marker in `meta.aispec`, and the
//! canonical hash that tells "someone edited this in the web UI" (drift) from "git changed".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::types::{Grant, LiveModel};
use crate::model::specialist::{Signoff, Specialist};
use crate::signoff::HASH_PREFIX;

/// Key of the ownership marker inside a model's `meta`.
pub const MARKER_KEY: &str = "aispec";
/// Value of `managed_by` in the marker.
pub const MANAGED_BY: &str = "aispec";
/// Tool id in `spec.tools` that turns on Open WebUI's web-search capability instead of naming a tool.
pub const WEB_SEARCH: &str = "web_search";
/// Key of the profile image in `meta`. aispec sends it only when the specialist names an image, compares it
/// through the marker (the model list leaves images out) and otherwise leaves the platform's image alone.
pub const PROFILE_IMAGE_KEY: &str = "profile_image_url";
/// `meta` keys the server fills in, derives, or keeps when an update leaves them out; aispec does not manage them.
pub const SERVER_META_KEYS: &[&str] = &[
    PROFILE_IMAGE_KEY,
    "chat_variables_schema",
    "background_image_url",
    "voice_avatar",
    MARKER_KEY,
];
/// `params` keys the server keeps when an update leaves them out; aispec does not manage them.
pub const SERVER_PARAMS_KEYS: &[&str] = &["model_controls"];
/// `params` keys aispec sets from the specialist's own fields.
pub const MANAGED_PARAMS: &[&str] = &[
    "system",
    "temperature",
    "max_tokens",
    "top_p",
    "frequency_penalty",
    "seed",
    "function_calling",
    "reasoning_tags",
];
/// `meta` keys aispec sets from the specialist's own fields.
pub const MANAGED_META: &[&str] = &[
    "description",
    "tags",
    "suggestion_prompts",
    "toolIds",
    "capabilities",
    "builtinTools",
    "filterIds",
    "actionIds",
];

/// aispec's ownership marker, stored in `meta.aispec` of every model it deploys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// Always `aispec`.
    pub managed_by: String,
    /// The workspace (config repo) that owns the model; prune never touches another workspace's models.
    pub workspace: String,
    /// The specialist's version when deployed.
    pub spec_version: String,
    /// `sha256:` content hash of the deployed specialist (the one sign-offs bind to).
    pub content_hash: String,
    /// `sha256:` of the managed payload as deployed; a live model that hashes differently was edited by hand.
    pub deployed_hash: String,
    /// The git commit deployed from, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    /// Folder of the specialist in the repo.
    pub source_path: String,
    /// The knowledge base aispec made for the specialist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge_id: Option<String>,
    /// SHA-256 per knowledge file (path under `knowledge/` → hex), as uploaded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub knowledge_files: BTreeMap<String, String>,
    /// The specialist's settings without sign-offs, so `aispec import` can restore the files exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Value>,
    /// The sign-offs valid for the deployed content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signoffs: Vec<Signoff>,
    /// SHA-256 (hex) of the profile image aispec sent, when the specialist has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_image: Option<String>,
    /// The aispec version that deployed it.
    #[serde(default)]
    pub tool_version: String,
}

impl Marker {
    /// The marker of a live model, when it has a readable one.
    pub fn of(model: &LiveModel) -> Option<Marker> {
        let m: Marker = serde_json::from_value(model.meta.get(MARKER_KEY)?.clone()).ok()?;
        (m.managed_by == MANAGED_BY).then_some(m)
    }
}

/// Everything about one approved specialist that deploy needs.
#[derive(Debug, Clone)]
pub struct Desired {
    /// The model id.
    pub id: String,
    /// `specialists/<folder>`.
    pub source_path: String,
    /// The parsed settings.
    pub spec: Specialist,
    /// The system prompt text, exactly as in the file.
    pub prompt: String,
    /// The content hash sign-offs bind to.
    pub content_hash: String,
    /// Knowledge files with their hashes, sorted by path.
    pub knowledge: Vec<LocalFile>,
    /// The profile image as Open WebUI stores it (a `data:` URI of the file, or the address).
    pub profile_image: Option<String>,
    /// Set when the specialist may only be adopted as it is (see [`crate::gate::unchanged_adoption`]): why it
    /// could not be deployed otherwise.
    pub adoption_only: Option<AdoptionOnly>,
}

/// Why an unchanged adopted specialist is not deployable otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionOnly {
    /// Where it was imported from.
    pub from: String,
    /// Why it is refused (not approved, or blocked by its screening).
    pub reason: String,
    /// True when its screening blocks it.
    pub blocked: bool,
}

/// A knowledge file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Path under `knowledge/`, with `/`.
    pub name: String,
    /// Real path (links resolved, checked to be inside the workspace when the plan was made).
    pub path: std::path::PathBuf,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

/// The knowledge base a model points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnowledgeRef {
    /// Knowledge base id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// Where and from what a deploy runs.
#[derive(Debug, Clone, Default)]
pub struct DeployContext {
    /// `workspace.name` from `aispec.toml`.
    pub workspace: String,
    /// HEAD commit of the repo, when it is one.
    pub git_commit: Option<String>,
}

/// The model form to send, its managed-payload hash and the marker inside it.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Body for create/update (grants not included).
    pub form: Value,
    /// `sha256:` of the managed payload.
    pub deployed_hash: String,
}

/// The managed payload of a specialist: what aispec sets and later compares (no marker, no grants, no image).
pub fn payload(d: &Desired, knowledge: Option<&KnowledgeRef>) -> Value {
    let s = &d.spec;
    let has_knowledge = knowledge.is_some() || !d.knowledge.is_empty();
    let mut meta = Map::new();
    let description = description(s);
    if !description.is_empty() {
        meta.insert("description".into(), Value::String(description));
    }
    meta.insert(
        "tags".into(),
        Value::Array(s.tags.iter().map(|t| json!({ "name": t })).collect()),
    );
    meta.insert(
        "suggestion_prompts".into(),
        Value::Array(
            s.suggestion_prompts
                .iter()
                .map(|p| {
                    let title = [
                        p.title.clone().unwrap_or_default(),
                        p.subtitle.clone().unwrap_or_default(),
                    ];
                    json!({ "content": p.text, "title": title })
                })
                .collect(),
        ),
    );
    let tools: Vec<&String> = s.tools.iter().filter(|t| *t != WEB_SEARCH).collect();
    meta.insert("toolIds".into(), json!(tools));
    meta.insert("capabilities".into(), capabilities(s, has_knowledge));
    if let Some(k) = knowledge {
        meta.insert(
            "knowledge".into(),
            json!([{ "id": k.id, "name": k.name, "type": "collection" }]),
        );
    }
    // New fields only appear when set, so the payload of a specialist without them stays what it was.
    if !s.builtin_tools.is_empty() {
        meta.insert("builtinTools".into(), json!(s.builtin_tools));
    }
    if !s.filters.is_empty() {
        meta.insert("filterIds".into(), json!(s.filters));
    }
    if !s.actions.is_empty() {
        meta.insert("actionIds".into(), json!(s.actions));
    }
    pass_through(&mut meta, &s.platform.meta);
    json!({
        "name": s.name,
        "base_model_id": s.base_model,
        "is_active": s.active.unwrap_or(true),
        "params": params(d),
        "meta": meta,
    })
}

/// `params`: the system prompt, the typed parameters, then what the specialist passes through.
fn params(d: &Desired) -> Map<String, Value> {
    let mut params = Map::new();
    params.insert("system".into(), Value::String(d.prompt.clone()));
    let p = &d.spec.params;
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            params.insert(k.to_owned(), v);
        }
    };
    put("temperature", p.temperature.map(Value::from));
    put("max_tokens", p.max_tokens.map(Value::from));
    put("top_p", p.top_p.map(Value::from));
    put("frequency_penalty", p.frequency_penalty.map(Value::from));
    put("seed", p.seed.map(Value::from));
    put(
        "function_calling",
        p.function_calling.and_then(|f| serde_json::to_value(f).ok()),
    );
    put(
        "reasoning_tags",
        p.reasoning_tags.as_ref().and_then(|r| serde_json::to_value(r).ok()),
    );
    pass_through(&mut params, &d.spec.platform.params);
    params
}

/// Adds the specialist's `[platform]` keys; a key aispec sets itself wins (`validate` reports the clash).
fn pass_through(out: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (k, v) in extra {
        if !out.contains_key(k) {
            out.insert(k.clone(), v.clone());
        }
    }
}

/// What users read under the model name: the description, then the data-protection notice (either may be
/// empty in a specialist adopted from the platform).
pub fn description(s: &Specialist) -> String {
    [s.description.trim(), s.notice.trim()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The capabilities: the specialist's own `[capabilities]`, or the safe defaults for a municipal assistant.
/// `web_search` in `tools` turns web search on either way.
fn capabilities(s: &Specialist, knowledge: bool) -> Value {
    let web_search = s.tools.iter().any(|t| t == WEB_SEARCH);
    let Some(own) = &s.capabilities else {
        return json!({
            "vision": false,
            "file_upload": true,
            "file_context": true,
            "web_search": web_search,
            "image_generation": false,
            "code_interpreter": false,
            "terminal": false,
            "citations": knowledge,
            "status_updates": true,
            "usage": false,
            "memory": false,
            "builtin_tools": false,
        });
    };
    let mut v = serde_json::to_value(own).unwrap_or_else(|_| json!({}));
    if web_search && let Some(o) = v.as_object_mut() {
        o.insert("web_search".into(), Value::Bool(true));
    }
    v
}

/// The form to create or update the model, with the marker in `meta`.
pub fn render(d: &Desired, knowledge: Option<&KnowledgeRef>, ctx: &DeployContext) -> Rendered {
    let mut form = payload(d, knowledge);
    let deployed_hash = payload_hash(&form);
    let mut spec = serde_json::to_value(&d.spec).unwrap_or(Value::Null);
    if let Some(obj) = spec.as_object_mut() {
        obj.remove("signoffs");
    }
    let marker = Marker {
        managed_by: MANAGED_BY.to_owned(),
        workspace: ctx.workspace.clone(),
        spec_version: d.spec.version.clone(),
        content_hash: d.content_hash.clone(),
        deployed_hash: deployed_hash.clone(),
        git_commit: ctx.git_commit.clone(),
        source_path: d.source_path.clone(),
        knowledge_id: knowledge.map(|k| k.id.clone()),
        knowledge_files: d.knowledge.iter().map(|f| (f.name.clone(), f.sha256.clone())).collect(),
        spec: Some(spec),
        signoffs: d
            .spec
            .signoffs
            .iter()
            .filter(|s| s.content_hash == d.content_hash)
            .cloned()
            .collect(),
        profile_image: d.profile_image.as_deref().map(image_hash),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    if let Some(obj) = form.as_object_mut() {
        obj.insert("id".into(), Value::String(d.id.clone()));
        if let Some(meta) = obj.get_mut("meta").and_then(Value::as_object_mut) {
            if let Some(image) = &d.profile_image {
                meta.insert(PROFILE_IMAGE_KEY.into(), Value::String(image.clone()));
            }
            meta.insert(MARKER_KEY.into(), serde_json::to_value(marker).unwrap_or(Value::Null));
        }
    }
    Rendered { form, deployed_hash }
}

/// SHA-256 (hex) of a profile image value as sent (`data:` URI or address).
pub fn image_hash(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// The managed payload of a live model, in the same shape as [`payload`].
pub fn live_payload(m: &LiveModel) -> Value {
    let mut meta = m.meta.clone();
    for k in SERVER_META_KEYS {
        meta.remove(*k);
    }
    let mut params = m.params.clone();
    for k in SERVER_PARAMS_KEYS {
        params.remove(*k);
    }
    json!({
        "name": m.name,
        "base_model_id": m.base_model_id,
        "is_active": m.is_active,
        "params": params,
        "meta": meta,
    })
}

/// `sha256:` of a payload in canonical form: keys sorted; nulls, empty lists and empty objects dropped
/// (the server and the web UI add and remove those freely).
pub fn payload_hash(v: &Value) -> String {
    let canon = canonical(v).unwrap_or(Value::Null);
    let text = serde_json::to_string(&canon).unwrap_or_default();
    format!("{HASH_PREFIX}{}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// The canonical form of a JSON value; `None` for values that count as absent.
pub fn canonical(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Array(a) if a.is_empty() => None,
        Value::Array(a) => Some(Value::Array(
            a.iter().map(|x| canonical(x).unwrap_or(Value::Null)).collect(),
        )),
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                if let Some(c) = o.get(k).and_then(canonical) {
                    out.insert(k.clone(), c);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        other => Some(other.clone()),
    }
}

/// Read grants for these group ids, sorted and without duplicates.
pub fn group_grants(ids: &[String]) -> Vec<Grant> {
    access_grants(ids, &[], false)
}

/// The grants of a specialist: read for `read` group ids, write for `write` group ids, and read for every
/// user when `public` — sorted and without duplicates.
pub fn access_grants(read: &[String], write: &[String], public: bool) -> Vec<Grant> {
    let mut grants: Vec<Grant> = read.iter().map(|id| Grant::group_read(id)).collect();
    grants.extend(write.iter().map(|id| Grant::group_write(id)));
    if public {
        grants.push(Grant::public_read());
    }
    grants.sort();
    grants.dedup();
    grants
}

/// The read grants among `grants`: what a knowledge base needs so chat users can search it.
pub fn read_grants(grants: &[Grant]) -> Vec<Grant> {
    grants.iter().filter(|g| g.permission == "read").cloned().collect()
}

/// A live model's grants, sorted, without server-side ids.
pub fn live_grants(m: &LiveModel) -> Vec<Grant> {
    let mut g = m.access_grants.clone();
    g.sort();
    g.dedup();
    g
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn desired() -> Desired {
        let spec: Specialist = toml::from_str(
            r#"
id = "demo"
name = "Demo"
kind = "assistent"
version = "1.2.0"
description = "Hjælper."
base_model = "m"
notice = "Ingen personoplysninger."
tags = ["a", "b"]
tools = ["web_search", "calc"]
[params]
temperature = 0.2
[owner]
department = "D"
contact = "C"
[[suggestion_prompts]]
title = "T"
text = "Hej"
"#,
        )
        .expect("spec");
        Desired {
            id: "demo".into(),
            source_path: "specialists/demo".into(),
            spec,
            prompt: "Du er en hjælper.\n".into(),
            content_hash: "sha256:abc".into(),
            knowledge: vec![],
            profile_image: None,
            adoption_only: None,
        }
    }

    #[test]
    fn payload_maps_every_field() {
        let p = payload(&desired(), None);
        assert_eq!(p["name"], "Demo");
        assert_eq!(p["base_model_id"], "m");
        assert_eq!(p["params"]["system"], "Du er en hjælper.\n");
        assert_eq!(p["params"]["temperature"], 0.2);
        assert_eq!(p["meta"]["description"], "Hjælper.\n\nIngen personoplysninger.");
        assert_eq!(p["meta"]["tags"], json!([{"name": "a"}, {"name": "b"}]));
        assert_eq!(
            p["meta"]["suggestion_prompts"],
            json!([{"content": "Hej", "title": ["T", ""]}])
        );
        assert_eq!(p["meta"]["toolIds"], json!(["calc"]));
        assert_eq!(p["meta"]["capabilities"]["web_search"], true);
        assert_eq!(p["meta"]["capabilities"]["citations"], false);
        assert!(p["meta"].get("knowledge").is_none());
    }

    #[test]
    fn a_round_trip_through_the_server_keeps_the_hash() {
        let d = desired();
        let r = render(&d, None, &DeployContext::default());
        // What Open WebUI stores: the form plus defaults and nulls, tags normalised, profile image stripped.
        let mut meta = r.form["meta"].as_object().cloned().expect("meta");
        meta.insert("profile_image_url".into(), Value::Null);
        meta.insert("voice".into(), Value::Null);
        meta.insert("knowledge".into(), Value::Null);
        let live = LiveModel {
            id: "demo".into(),
            user_id: None,
            base_model_id: Some("m".into()),
            name: "Demo".into(),
            params: r.form["params"].as_object().cloned().expect("params"),
            meta,
            access_grants: vec![],
            is_active: true,
            write_access: Some(true),
            updated_at: None,
        };
        assert_eq!(payload_hash(&live_payload(&live)), r.deployed_hash);
        let marker = Marker::of(&live).expect("marker");
        assert_eq!(marker.deployed_hash, r.deployed_hash);
        assert_eq!(marker.spec_version, "1.2.0");
        assert!(marker.spec.expect("spec").get("signoffs").is_none());

        let mut edited = live.clone();
        edited
            .params
            .insert("system".into(), Value::String("Ændret i web-UI".into()));
        assert_ne!(payload_hash(&live_payload(&edited)), r.deployed_hash);
    }

    /// The shipped specialists use none of the fields added for adoption: their content hash (so every
    /// sign-off) and their payload (so every deployed model's drift check) are what main computes for them
    /// (the values were taken from main without the adoption fields, after its knowledge sources landed).
    #[test]
    fn shipped_specialists_keep_their_hash_and_payload() {
        const BEFORE: &[(&str, &str, &str)] = &[
            (
                "aarhusai-start",
                "sha256:ea57f70d1284f38268b6f058adf88406e9406345b93dee39e46561227e58eba1",
                "sha256:8a4f1d4bec0eaeec8b203358dc90d530b9cff790da2ad7d3a4507019a164e24c",
            ),
            (
                "klarsprog",
                "sha256:901396077d3af67b6665afa0e7017b5e1f01b94e02384b22a76609446575219d",
                "sha256:50df2920a41592a9ba6066267ce63eee11a314b07d80a98586d9b26c12fb11a2",
            ),
            (
                "korrekturlaeser",
                "sha256:a2e898a45344c0de89350f7f48de29073a979fa8cc5481f8711c8a178fd312dc",
                "sha256:8b357faad6cd1dfa71465aab53ec0077a3d14ea004427f004a2e093a76889d1f",
            ),
            (
                "opsummering",
                "sha256:b99a19deb7c6d4ae5983e8601a8d46251587faf6be7a530fbcfb03015151c45d",
                "sha256:0b43047a73fdf9e8b1b1e38e2b972ad3faf754445dd0c63abadc158445fbfcc8",
            ),
            (
                "stillingsopslag",
                "sha256:486a61eb71e163b9586718d7a51b621fecabc151a1e4ce9f88a551861a289d78",
                "sha256:d0f156e7b2b6dc378071e6b7206299dbd493d0733145e078af590bb03e85850c",
            ),
        ];
        let ws = crate::workspace::Workspace::open(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let mut diags = Vec::new();
        let loaded = ws.specialists(&mut diags);
        assert_eq!(loaded.len(), BEFORE.len());
        for (folder, hash, payload_before) in BEFORE {
            let s = loaded.iter().find(|s| s.folder == *folder).expect("shipped specialist");
            let now = crate::signoff::hash_loaded(&ws, s).expect("hash");
            assert_eq!(now, *hash, "{folder}: content hash");
            let d = Desired {
                id: (*folder).to_owned(),
                source_path: String::new(),
                spec: s.spec.as_ref().expect("spec").value.clone(),
                prompt: s.prompt.as_ref().map(|p| p.text.clone()).unwrap_or_default(),
                content_hash: now,
                knowledge: vec![],
                profile_image: None,
                adoption_only: None,
            };
            assert_eq!(payload_hash(&payload(&d, None)), *payload_before, "{folder}: payload");
        }
    }

    #[test]
    fn canonical_form_ignores_order_and_empties() {
        let a = json!({"b": 1, "a": {"x": null, "y": []}, "c": [{"k": 1, "j": 2}]});
        let b = json!({"c": [{"j": 2, "k": 1}], "b": 1});
        assert_eq!(payload_hash(&a), payload_hash(&b));
        assert_ne!(payload_hash(&a), payload_hash(&json!({"b": 2})));
    }
}
