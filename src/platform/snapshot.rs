//! `status --save`: the deployed state of one target written to `deployed/<target>.json`, so the site (and
//! anyone reading git) sees what ran where without an API key. The drift workflow commits it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::state::{DeployedModel, TargetState};
use crate::feedback::summary::Usage;
use crate::workspace::Workspace;

/// Folder of saved snapshots, one file per target. Not under `.aispec/`, whose cache is git-ignored.
pub const DEPLOYED_DIR: &str = "deployed";

/// Version of the snapshot file format.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// What one target ran when `status --target T --save` looked. The target's URL is left out: the file is
/// committed and feeds the public site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// File format version.
    pub format: u32,
    /// Target name from `aispec.toml`.
    pub target: String,
    /// When it was read (RFC 3339, UTC).
    pub saved_at: String,
    /// This workspace's models on the target, sorted by id.
    pub models: Vec<DeployedModel>,
    /// Use and users' ratings per specialist id, when the key could read them (an admin's key).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usage: BTreeMap<String, Usage>,
}

impl Snapshot {
    /// The snapshot of a state read now.
    pub fn of(state: &TargetState, saved_at: String) -> Self {
        Snapshot {
            format: SNAPSHOT_FORMAT,
            target: state.target.clone(),
            saved_at,
            models: state.models.clone(),
            usage: BTreeMap::new(),
        }
    }

    /// The deployed model with this id.
    pub fn get(&self, id: &str) -> Option<&DeployedModel> {
        self.models.iter().find(|m| m.id == id)
    }
}

/// The workspace-relative file of a target's snapshot.
pub fn path(target: &str) -> PathBuf {
    Path::new(DEPLOYED_DIR).join(format!("{target}.json"))
}

/// Writes the snapshot atomically; returns its workspace-relative path. When the saved file already holds the
/// same models it is left alone, so the drift workflow commits only real changes (not a new time stamp daily).
pub fn save(ws: &Workspace, snapshot: &Snapshot) -> anyhow::Result<PathBuf> {
    let rel = path(&snapshot.target);
    let same = ws
        .files
        .read_text(&rel, crate::fsread::Limit::TEXT)
        .ok()
        .and_then(|t| serde_json::from_str::<Snapshot>(&t).ok())
        .is_some_and(|old| old.models == snapshot.models && old.usage == snapshot.usage);
    if same {
        return Ok(rel);
    }
    let mut text = serde_json::to_string_pretty(snapshot)?;
    text.push('\n');
    let abs = ws.path(&rel);
    if let Some(dir) = abs.parent() {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", DEPLOYED_DIR))?;
    }
    crate::fsutil::write_atomic(&abs, text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", crate::diagnostic::display_path(&rel)))?;
    Ok(rel)
}

/// Every saved snapshot, by target name, and the files that could not be read (with why).
#[derive(Debug, Clone, Default)]
pub struct Snapshots {
    /// Snapshots by target.
    pub targets: BTreeMap<String, Snapshot>,
    /// `file: problem` for each unreadable file.
    pub problems: Vec<String>,
}

impl Snapshots {
    /// Reads `deployed/*.json` through the workspace's reader.
    pub fn load(ws: &Workspace) -> Self {
        let mut out = Snapshots::default();
        let names = match ws.files.files_in(Path::new(DEPLOYED_DIR)) {
            Ok(names) => names,
            Err(e) if e.is_missing() => return out,
            Err(e) => {
                out.problems.push(format!("{DEPLOYED_DIR}: {e}"));
                return out;
            }
        };
        for name in names.iter().filter(|n| n.ends_with(".json")) {
            let rel = Path::new(DEPLOYED_DIR).join(name);
            let shown = crate::diagnostic::display_path(&rel);
            let read = ws
                .files
                .read_text(&rel, crate::fsread::Limit::TEXT)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<Snapshot>(&t).map_err(|e| e.to_string()));
            match read {
                Ok(s) => {
                    out.targets.insert(s.target.clone(), s);
                }
                Err(e) => out
                    .problems
                    .push(format!("{shown}: {e} (run `aispec status --target T --save` again)")),
            }
        }
        out
    }

    /// Per target, the saved use and ratings of this id.
    pub fn usage(&self, id: &str) -> Vec<(&str, &Usage)> {
        self.targets
            .iter()
            .filter_map(|(t, s)| s.usage.get(id).map(|u| (t.as_str(), u)))
            .collect()
    }

    /// Per target, the model deployed with this id.
    pub fn deployed(&self, id: &str) -> Vec<(&str, &DeployedModel)> {
        self.targets
            .iter()
            .filter_map(|(t, s)| s.get(id).map(|m| (t.as_str(), m)))
            .collect()
    }
}

impl crate::status::DeployedVersions for Snapshots {
    fn deployed(&self, id: &str) -> BTreeMap<String, String> {
        Snapshots::deployed(self, id)
            .into_iter()
            .map(|(t, m)| {
                let v = if m.drift {
                    format!("{} (drift)", m.version)
                } else {
                    m.version.clone()
                };
                (t.to_owned(), v)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_reads_back_and_leaves_the_url_out() {
        let state = TargetState {
            target: "production".into(),
            url: "https://intern.example".into(),
            models: vec![DeployedModel {
                id: "klarsprog".into(),
                version: "1.0.0".into(),
                content_hash: "sha256:ab".into(),
                git_commit: Some("abc".into()),
                source_path: "specialists/klarsprog".into(),
                drift: true,
                is_active: true,
                updated_at: Some(1),
            }],
        };
        let snap = Snapshot::of(&state, "2026-11-29T00:00:00Z".into());
        let text = serde_json::to_string(&snap).expect("json");
        assert!(!text.contains("intern.example"), "{text}");
        let back: Snapshot = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, snap);
        let snaps = Snapshots {
            targets: [("production".to_owned(), back)].into(),
            problems: vec![],
        };
        let versions = crate::status::DeployedVersions::deployed(&snaps, "klarsprog");
        assert_eq!(versions["production"], "1.0.0 (drift)");
    }
}
