//! `aispec import`: live models (or an Open WebUI export file) → specialist folders. Models aispec deployed are
//! restored exactly from their marker (sign-offs included, so they stay approved only if the content is
//! identical). Any other model is adopted: every field it has is carried over so that deploying it unchanged
//! changes nothing on the platform, or is named in a note. An exact adoption is marked (`adopted`), which lets
//! `deploy --adopt` take the model over without screening or sign-off while the files stay as import wrote them.

pub mod fields;
pub mod shapes;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use shapes::{Found, Skipped, parse_export};

use super::groups::GroupResolver;
use super::mapping::{self, Desired, Marker, PROFILE_IMAGE_KEY};
use super::types::LiveModel;
use crate::model::config::Language;
use crate::model::specialist::{
    Access, Adopted, KNOWLEDGE_DIR, Kind, KnowledgeFile, Owner, PROMPT_FILE, Privacy, SPEC_FILE, Specialist,
};
use crate::signoff::{Content, content_hash};
use crate::workspace::SPECIALISTS_DIR;
use fields::Notes;

/// Texts written into drafts, per language (`templates/import/texts.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Texts {
    /// First lines of an imported `specialist.toml` that is not an exact copy; `{source}` is replaced.
    pub header: String,
    /// First lines of an exact adoption; `{source}` is replaced.
    pub header_adopted: String,
    /// First line of a restored `specialist.toml`.
    pub header_restored: String,
    /// Placeholder owner department.
    pub department: String,
    /// Placeholder owner contact.
    pub contact: String,
    /// Description of a downloaded knowledge file; `{name}` is the knowledge base.
    pub knowledge_description: String,
}

/// The import texts in a language.
pub fn texts(lang: Language) -> Texts {
    let all: std::collections::BTreeMap<String, Texts> =
        toml::from_str(include_str!("../../../templates/import/texts.toml")).unwrap_or_default();
    all.get(lang.code()).cloned().unwrap_or_default()
}

/// File name (without extension) of a profile image import writes beside `specialist.toml`.
pub const IMAGE_STEM: &str = "profile-image";

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
    /// The profile image file (name beside `specialist.toml`, bytes).
    #[serde(skip)]
    pub image: Option<(String, Vec<u8>)>,
    /// Knowledge bases and files to download (restored models only): (kind `collection`/`file`, id, name).
    #[serde(skip)]
    pub knowledge_sources: Vec<(String, String, String)>,
    /// Fields that would not come back as they are, each named.
    pub lost: Vec<String>,
    /// Other remarks.
    pub notes: Vec<String>,
}

impl Draft {
    /// True when the specialist is marked as an exact adoption.
    pub fn adopted(&self) -> bool {
        self.spec.adopted.is_some()
    }
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

/// Turns a model into specialist files: restored from the marker when aispec deployed it, else adopted.
/// `source` names where it came from (`staging (https://…)` or the file).
pub fn draft(m: &LiveModel, resolver: Option<&GroupResolver<'_>>, texts: &Texts, source: &str) -> Draft {
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
    let mut notes = Notes::default();
    if id != m.id {
        notes.lost.push(format!(
            "id: `{}` is not a valid specialist id; imported as `{id}`, which deploys as a new model",
            m.id
        ));
    }
    if prompt.trim().is_empty() {
        notes
            .lost
            .push("params.system: the model has no system prompt; write one in system-prompt.md".to_owned());
    }
    let spec = spec_of(m, &id, resolver, texts, &mut notes);
    let image = image(m, &mut notes);
    let knowledge_refs = m.meta.get("knowledge").and_then(Value::as_array).map_or(0, Vec::len);
    if knowledge_refs > 0 {
        notes.info.push(format!(
            "uses {knowledge_refs} knowledge base(s) or file(s) of the platform; kept as references in \
             platform.meta.knowledge (to manage the files in git instead, put them in knowledge/ and remove the \
             reference: a change that needs screening and sign-off)"
        ));
    }
    let mut d = Draft {
        id,
        source_id: m.id.clone(),
        restored: false,
        spec,
        prompt,
        knowledge: Vec::new(),
        image,
        knowledge_sources: Vec::new(),
        lost: notes.lost,
        notes: notes.info,
    };
    check_round_trip(m, &mut d);
    if d.lost.is_empty() {
        let hash = draft_hash(&d);
        d.spec.adopted = Some(Adopted {
            from: source.to_owned(),
            content_hash: hash,
        });
    } else {
        d.notes.push(
            "not marked as adopted: deploying it would change the live model, so it needs screening and sign-off"
                .to_owned(),
        );
    }
    d
}

fn spec_of(
    m: &LiveModel,
    id: &str,
    resolver: Option<&GroupResolver<'_>>,
    texts: &Texts,
    notes: &mut Notes,
) -> Specialist {
    let access = fields::access(m, resolver, notes);
    Specialist {
        id: id.to_owned(),
        name: if m.name.trim().is_empty() {
            m.id.clone()
        } else {
            m.name.clone()
        },
        kind: Kind::Assistent,
        version: "0.1.0".to_owned(),
        description: m
            .meta
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        owner: Owner {
            department: texts.department.clone(),
            contact: texts.contact.clone(),
        },
        base_model: m.base_model_id.clone().unwrap_or_default(),
        screening: None,
        params: fields::params(m, notes),
        suggestion_prompts: fields::suggestions(m),
        tags: fields::tags(m),
        access: Access {
            groups: access.groups,
            write_groups: access.write_groups,
            public: access.public,
        },
        knowledge: Vec::new(),
        tools: fields::ids(m, "toolIds", notes),
        filters: fields::ids(m, "filterIds", notes),
        actions: fields::ids(m, "actionIds", notes),
        capabilities: fields::capabilities(m, notes),
        builtin_tools: fields::builtin_tools(m, notes),
        profile_image: None,
        active: (!m.is_active).then_some(false),
        notice: String::new(),
        platform: fields::platform(m, notes),
        privacy: Privacy::default(),
        signoffs: Vec::new(),
        adopted: None,
    }
}

/// The profile image: a `data:` URI becomes a file beside `specialist.toml`, an address stays an address,
/// Open WebUI's default logo is no image of its own. Fills in `profile_image` on the caller's spec later.
fn image(m: &LiveModel, notes: &mut Notes) -> Option<(String, Vec<u8>)> {
    let value = m.meta.get(PROFILE_IMAGE_KEY).and_then(Value::as_str)?;
    if crate::profile_image::is_platform_default(value) || crate::profile_image::is_url(value) {
        return None;
    }
    match crate::profile_image::parse_data_uri(value) {
        Some((media_type, bytes)) => match crate::profile_image::extension(&media_type) {
            Some(ext) => Some((format!("{IMAGE_STEM}.{ext}"), bytes)),
            None => {
                notes.lost.push(format!(
                    "meta.profile_image_url: a {media_type} image is not carried over (PNG, JPEG, GIF or WebP only)"
                ));
                None
            }
        },
        None => {
            notes.info.push(format!(
                "meta.profile_image_url `{}` stays on the platform as it is; it is not in git",
                value.chars().take(80).collect::<String>()
            ));
            None
        }
    }
}

/// The specialist as deploy would see it.
fn desired(d: &Draft) -> Desired {
    Desired {
        id: d.id.clone(),
        source_path: format!("{SPECIALISTS_DIR}/{}", d.id),
        spec: d.spec.clone(),
        prompt: d.prompt.clone(),
        content_hash: String::new(),
        knowledge: Vec::new(),
        profile_image: image_value(d),
        adoption_only: None,
    }
}

/// What the platform would get as the profile image.
fn image_value(d: &Draft) -> Option<String> {
    match (&d.image, d.spec.profile_image.as_deref()) {
        (Some((name, bytes)), _) => {
            crate::profile_image::media_type(name).map(|t| crate::profile_image::data_uri(t, bytes))
        }
        (None, Some(url)) => Some(url.to_owned()),
        (None, None) => None,
    }
}

/// Sets `profile_image`, then compares what deploy would send with the live model, field by field: every
/// difference not already noted is named. This is what makes "round-trips exactly, or noted" hold for every
/// field, including ones no version of aispec knew about.
fn check_round_trip(m: &LiveModel, d: &mut Draft) {
    let live_image = m.meta.get(PROFILE_IMAGE_KEY).and_then(Value::as_str);
    d.spec.profile_image = match (&d.image, live_image) {
        (Some((name, _)), _) => Some(name.clone()),
        (None, Some(url)) if crate::profile_image::is_url(url) => Some(url.to_owned()),
        _ => None,
    };
    if let (Some(sent), Some(live)) = (image_value(d), live_image)
        && sent != live
        && !d.lost.iter().any(|l| l.starts_with("meta.profile_image_url"))
    {
        d.lost.push(
            "meta.profile_image_url: the image comes back encoded differently (same picture, other bytes)".to_owned(),
        );
    }
    let after = mapping::payload(&desired(d), None);
    let changes = super::diff::payload_changes(&mapping::live_payload(m), &after);
    let mut fields: Vec<String> = changes.fields.iter().map(|c| c.field.clone()).collect();
    if changes.prompt.is_some() {
        fields.push("params.system".to_owned());
    }
    for f in fields {
        if !d.lost.iter().any(|l| l.starts_with(&f)) {
            d.lost
                .push(format!("{f}: would not come back as it is on the platform"));
        }
    }
}

fn draft_hash(d: &Draft) -> String {
    content_hash(&Content {
        spec: &d.spec,
        prompt: &d.prompt,
        knowledge: d.knowledge.clone(),
        profile_image: d.image.as_ref().map(|(_, b)| b.clone()),
    })
}

fn restore(m: &LiveModel, prompt: &str) -> Option<Draft> {
    let marker = Marker::of(m)?;
    let mut spec: Specialist = serde_json::from_value(marker.spec.clone()?).ok()?;
    spec.signoffs = marker.signoffs.clone();
    let mut notes = Vec::new();
    let image = match spec.profile_image.as_deref().and_then(crate::profile_image::file_name) {
        Some(name) => {
            let bytes = m
                .meta
                .get(PROFILE_IMAGE_KEY)
                .and_then(Value::as_str)
                .and_then(crate::profile_image::parse_data_uri)
                .map(|(_, b)| b);
            if bytes.is_none() {
                notes.push(format!(
                    "the profile image {name} is not on the platform; copy it into the folder"
                ));
            }
            bytes.map(|b| (name.to_owned(), b))
        }
        None => None,
    };
    Some(Draft {
        id: spec.id.clone(),
        source_id: m.id.clone(),
        restored: true,
        spec,
        prompt: prompt.to_owned(),
        knowledge: Vec::new(),
        image,
        knowledge_sources: knowledge_sources(m),
        lost: Vec::new(),
        notes,
    })
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

/// Adds a downloaded knowledge file to a restored specialist.
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
    } else if d.adopted() {
        &texts.header_adopted
    } else {
        &texts.header
    }
    .replace("{source}", source);
    let body = toml::to_string_pretty(&d.spec)?;
    let mut out = vec![
        (dir.join(SPEC_FILE), format!("{header}\n\n{body}").into_bytes()),
        (dir.join(PROMPT_FILE), d.prompt.clone().into_bytes()),
    ];
    if let Some((name, bytes)) = &d.image {
        out.push((dir.join(name), bytes.clone()));
    }
    for (name, bytes) in &d.knowledge {
        out.push((dir.join(KNOWLEDGE_DIR).join(name), bytes.clone()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
