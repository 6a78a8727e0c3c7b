//! Loading specialists, screenings and the catalogue from one revision (through `crate::git::Snapshot`).

use serde_json::Value;

use crate::fsread::Limit;
use crate::git::{FileEntry, GitError, Oid, Snapshot};
use crate::model::catalog::{CATALOG_FILE, Catalog};
use crate::model::specialist::{KNOWLEDGE_DIR, PROMPT_FILE, SPEC_FILE, Specialist, TESTS_FILE};
use crate::signoff::{Content, content_hash};

/// One specialist folder as it is at one revision.
#[derive(Debug, Clone)]
pub struct SpecialistAt {
    /// Folder name.
    pub folder: String,
    /// Every file in the folder with its blob id.
    pub files: Vec<FileEntry>,
    /// Raw `specialist.toml`.
    pub spec_text: Option<String>,
    /// The typed specialist, when it parses.
    pub spec: Option<Specialist>,
    /// The document as JSON (typed when possible, so defaults are filled in), for field diffs.
    pub json: Option<Value>,
    /// Why `specialist.toml` could not be read as a specialist.
    pub problem: Option<String>,
    /// `system-prompt.md`.
    pub prompt: Option<String>,
    /// Knowledge files: name under `knowledge/`, blob id, bytes.
    pub knowledge: Vec<(String, Oid, Vec<u8>)>,
    /// The profile image file's bytes, when `profile_image` names a file.
    pub profile_image: Option<Vec<u8>>,
    /// Blob id of `tests.toml`.
    pub tests: Option<Oid>,
}

impl SpecialistAt {
    /// The id from the file, falling back to the folder name.
    pub fn id(&self) -> &str {
        self.spec.as_ref().map_or(self.folder.as_str(), |s| s.id.as_str())
    }

    /// The content hash sign-offs are bound to, when the specialist parses.
    pub fn content_hash(&self) -> Option<String> {
        let spec = self.spec.as_ref()?;
        Some(content_hash(&Content {
            spec,
            prompt: self.prompt.as_deref().unwrap_or_default(),
            knowledge: self.knowledge.iter().map(|(n, _, b)| (n.clone(), b.clone())).collect(),
            profile_image: self.profile_image.clone(),
        }))
    }

    /// Text used to recognise a renamed folder: the specialist without its id, and the prompt.
    pub fn fingerprint(&self) -> String {
        let spec = self.spec_text.as_deref().unwrap_or_default();
        let without_id: String = spec
            .lines()
            .filter(|l| !l.trim_start().starts_with("id ") && !l.trim_start().starts_with("id="))
            .collect::<Vec<_>>()
            .join("\n");
        format!("{without_id}\n{}", self.prompt.as_deref().unwrap_or_default())
    }
}

fn text(bytes: Option<Vec<u8>>) -> Option<String> {
    bytes.map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Loads `<dir>/<folder>` at a revision; `None` when the folder does not exist there.
pub fn specialist(snap: &Snapshot<'_>, dir: &str, folder: &str) -> Result<Option<SpecialistAt>, GitError> {
    let base = format!("{dir}/{folder}");
    let files = snap.list(&base)?;
    if files.is_empty() {
        return Ok(None);
    }
    let spec_text = text(snap.read(&format!("{base}/{SPEC_FILE}"), Limit::TEXT)?);
    let (spec, json, problem) = match &spec_text {
        None => (None, None, Some(format!("{SPEC_FILE} is missing"))),
        Some(t) => parse_spec(t),
    };
    let prompt = text(snap.read(&format!("{base}/{PROMPT_FILE}"), Limit::TEXT)?);
    let prefix = format!("{KNOWLEDGE_DIR}/");
    let mut knowledge = Vec::new();
    for f in files.iter().filter(|f| f.name.starts_with(&prefix)) {
        let bytes = snap
            .read(&format!("{base}/{}", f.name), Limit::KNOWLEDGE)?
            .unwrap_or_default();
        knowledge.push((f.name[prefix.len()..].to_owned(), f.id, bytes));
    }
    let tests = files.iter().find(|f| f.name == TESTS_FILE).map(|f| f.id);
    let image = spec
        .as_ref()
        .and_then(|s| s.profile_image.as_deref())
        .and_then(crate::profile_image::file_name);
    let profile_image = match image {
        Some(name) => snap.read(&format!("{base}/{name}"), Limit::KNOWLEDGE)?,
        None => None,
    };
    Ok(Some(SpecialistAt {
        folder: folder.to_owned(),
        files,
        spec_text,
        spec,
        json,
        problem,
        prompt,
        knowledge,
        profile_image,
        tests,
    }))
}

fn parse_spec(text: &str) -> (Option<Specialist>, Option<Value>, Option<String>) {
    let raw = match toml::from_str::<toml::Table>(text) {
        Ok(t) => serde_json::to_value(t).ok(),
        Err(e) => {
            return (
                None,
                None,
                Some(format!("{SPEC_FILE} is not valid TOML: {}", e.message())),
            );
        }
    };
    match toml::from_str::<Specialist>(text) {
        Ok(spec) => {
            let json = serde_json::to_value(&spec).ok().or(raw);
            (Some(spec), json, None)
        }
        Err(e) => (
            None,
            raw,
            Some(format!("{SPEC_FILE} is not a valid specialist: {}", e.message())),
        ),
    }
}

/// A TOML file as JSON, with the reason when it is not valid TOML.
pub fn toml_json(snap: &Snapshot<'_>, path: &str) -> Result<Option<Result<Value, String>>, GitError> {
    let Some(t) = text(snap.read(path, Limit::TEXT)?) else {
        return Ok(None);
    };
    Ok(Some(
        toml::from_str::<toml::Table>(&t)
            .map_err(|e| e.message().to_owned())
            .and_then(|t| serde_json::to_value(t).map_err(|e| e.to_string())),
    ))
}

/// The catalogue at a revision: the workspace's `models.toml`, else the embedded default (as aispec would use).
pub fn catalog(snap: &Snapshot<'_>, prefix: &str) -> Result<(Catalog, Value), GitError> {
    let text = text(snap.read(&format!("{prefix}{CATALOG_FILE}"), Limit::TEXT)?)
        .or_else(|| crate::defaults::embedded(CATALOG_FILE).map(str::to_owned))
        .unwrap_or_default();
    let catalog: Catalog = toml::from_str(&text).unwrap_or_default();
    let json = serde_json::to_value(&catalog).unwrap_or(Value::Null);
    Ok((catalog, json))
}
