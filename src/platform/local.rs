//! The git side of a deploy: which specialists are valid and approved (and so may be deployed), and why the
//! others are refused.

use std::collections::BTreeSet;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::mapping::{AdoptionOnly, Desired, LocalFile};
use crate::diagnostic::Diagnostic;
use crate::error::UserError;
use crate::signoff::{self, Content, State};
use crate::workspace::{LoadedSpecialist, SPECIALISTS_DIR, Workspace};

/// A specialist that will not be deployed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// The id (the folder name when the settings could not be read).
    pub id: String,
    /// `specialists/<folder>`.
    pub source_path: String,
    /// Why, in one line.
    pub reason: String,
    /// True when its screening blocks it (missing, not approved or not signed), whatever its own sign-offs.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub blocked: bool,
}

/// The specialists in git, sorted into deployable and refused.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    /// Valid and approved.
    pub ready: Vec<Desired>,
    /// Invalid or not approved.
    pub refused: Vec<Refused>,
}

impl Candidates {
    /// Every id in git, deployable or not (prune never deletes these).
    pub fn all_ids(&self) -> BTreeSet<&str> {
        self.ready
            .iter()
            .map(|d| d.id.as_str())
            .chain(self.refused.iter().map(|r| r.id.as_str()))
            .collect()
    }
}

/// Validates the workspace and sorts its specialists; `only` limits the result to these ids.
pub fn candidates(ws: &Workspace, only: &[String]) -> anyhow::Result<Candidates> {
    ws.require_valid_config()?;
    let validated = crate::validate::validate(ws, &[]);
    if let Some(d) = validated
        .report
        .diagnostics
        .iter()
        .find(|d| d.is_error() && d.file == crate::model::catalog::CATALOG_FILE)
    {
        return Err(UserError::new(d.to_string())
            .hint("fix the model catalogue first; `aispec validate` lists every problem")
            .into());
    }
    let mut out = Candidates::default();
    for loaded in &validated.specialists {
        let id = loaded
            .spec
            .as_ref()
            .map_or_else(|| loaded.folder.clone(), |d| d.value.id.clone());
        if !only.is_empty() && !only.contains(&id) && !only.contains(&loaded.folder) {
            continue;
        }
        match judge(ws, loaded, &validated.report.diagnostics) {
            Ok(d) => out.ready.push(d),
            Err((reason, blocked)) => out.refused.push(Refused {
                id,
                source_path: source_path(loaded),
                reason,
                blocked,
            }),
        }
    }
    for name in only {
        if !out.all_ids().contains(name.as_str()) {
            let hint = crate::suggest::hint(
                name,
                &ws.specialist_dirs(),
                "give the id of a folder under specialists/",
            );
            return Err(UserError::new(format!("no specialist `{name}` in {SPECIALISTS_DIR}/"))
                .hint(hint)
                .into());
        }
    }
    Ok(out)
}

fn source_path(loaded: &LoadedSpecialist) -> String {
    crate::diagnostic::display_path(&loaded.dir)
}

/// A deployable specialist, or the reason it is refused and whether its screening blocks it. The roles that
/// must sign are the workspace's plus those its screening demands.
/// An imported specialist that is still exactly what import wrote passes as "adoption only": the plan lets it
/// take over its live model as it is, and nothing else (see [`crate::gate::unchanged_adoption`]).
fn judge(ws: &Workspace, loaded: &LoadedSpecialist, diags: &[Diagnostic]) -> Result<Desired, (String, bool)> {
    let checked = judge_content(ws, loaded, diags).map_err(|reason| (reason, false))?;
    let adopted = crate::gate::unchanged_adoption(&checked.0.spec, &checked.0.content_hash).map(|a| a.from.clone());
    let desired = checked.0.clone();
    // Text left to fill in blocks like the screening gate, with the same one exception: an unchanged import.
    let unfinished = crate::gate::check_placeholders(loaded);
    let gated = if unfinished.is_empty() {
        checked.check_gate(ws)
    } else {
        Err((format!("blocked: {}", crate::gate::summary(&unfinished)), true))
    };
    match (gated, adopted) {
        (Err((reason, blocked)), Some(from)) => Ok(Desired {
            adoption_only: Some(AdoptionOnly { from, reason, blocked }),
            ..desired
        }),
        (result, _) => result,
    }
}

/// A specialist whose files are valid, before the screening gate.
struct Checked(Desired, crate::signoff::Status);

impl Checked {
    /// The screening gate first (it explains more than missing roles do), then the specialist's own sign-offs.
    fn check_gate(self, ws: &Workspace) -> Result<Desired, (String, bool)> {
        let Checked(desired, status) = self;
        let blocks = crate::gate::check(ws, desired.spec.screening.as_deref());
        if !blocks.is_empty() {
            return Err((format!("blocked: {}", crate::gate::summary(&blocks)), true));
        }
        if status.state != State::Approved {
            let mut reason = format!("not approved ({})", status.state.as_str());
            if !status.missing.is_empty() {
                reason.push_str(&format!(": missing sign-off by {}", status.missing.join(", ")));
            }
            if !status.void.is_empty() {
                reason.push_str(&format!(
                    "; {} sign-off{} given for earlier content",
                    status.void.len(),
                    if status.void.len() == 1 { "" } else { "s" }
                ));
            }
            return Err((reason, false));
        }
        Ok(desired)
    }
}

/// The deployable content of a valid specialist and its sign-off status.
fn judge_content(ws: &Workspace, loaded: &LoadedSpecialist, diags: &[Diagnostic]) -> Result<Checked, String> {
    let prefix = format!("{}/", source_path(loaded));
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.is_error() && (d.file.starts_with(&prefix) || d.file == source_path(loaded)))
        .collect();
    if let Some(first) = errors.first() {
        return Err(format!(
            "invalid: {} error{} (first: {}:{}: {})",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            first.file,
            first.line,
            first.message
        ));
    }
    let Some(doc) = &loaded.spec else {
        return Err("invalid: specialist.toml could not be read".to_owned());
    };
    let spec = &doc.value;
    let prompt = loaded.prompt.as_ref().map(|p| p.text.clone()).unwrap_or_default();
    let mut knowledge = Vec::new();
    let mut bytes_by_name = Vec::new();
    for k in &loaded.knowledge {
        let shown = crate::diagnostic::display_path(&k.path);
        let path = ws
            .files
            .resolve(&k.path)
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        let bytes = crate::fsread::read_file(&path, crate::fsread::Limit::KNOWLEDGE)
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        knowledge.push(LocalFile {
            name: k.name.clone(),
            path,
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
        bytes_by_name.push((k.name.clone(), bytes));
    }
    let (image_bytes, profile_image) = profile_image(ws, loaded, spec)?;
    let content_hash = signoff::content_hash(&Content {
        spec,
        prompt: &prompt,
        knowledge: bytes_by_name,
        profile_image: image_bytes,
    });
    // The screening's own problems (missing, refused, unsigned) are the gate's to report.
    let from_screening = match &spec.screening {
        Some(sid) => ws
            .screening(sid)
            .map(|d| d.value.result.required_signoffs)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let required = signoff::required_roles(&ws.config, &from_screening);
    let status = signoff::status(&spec.signoffs, &content_hash, &required);
    let desired = Desired {
        id: spec.id.clone(),
        source_path: source_path(loaded),
        spec: spec.clone(),
        prompt,
        content_hash,
        knowledge,
        profile_image,
        adoption_only: None,
    };
    Ok(Checked(desired, status))
}

/// The profile image file's bytes (for the content hash) and the value Open WebUI stores: the file as a
/// `data:` URI, or the address as written.
fn profile_image(
    ws: &Workspace,
    loaded: &LoadedSpecialist,
    spec: &crate::model::specialist::Specialist,
) -> Result<(Option<Vec<u8>>, Option<String>), String> {
    let Some(value) = spec.profile_image.as_deref() else {
        return Ok((None, None));
    };
    let Some(path) = ws.profile_image_path(loaded) else {
        return Ok((None, Some(value.to_owned())));
    };
    let shown = crate::diagnostic::display_path(&path);
    let bytes = ws
        .files
        .read(&path, crate::fsread::Limit::KNOWLEDGE)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    let media_type = crate::profile_image::media_type(value)
        .ok_or_else(|| format!("{shown} is not a PNG, JPEG, GIF or WebP image"))?;
    let uri = crate::profile_image::data_uri(media_type, &bytes);
    Ok((Some(bytes), Some(uri)))
}
