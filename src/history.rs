//! The history of one specialist from git: which commits changed it, its version at each, and sign-offs.

use serde::Serialize;

use crate::git::{CommitInfo, GitError, Repo, Rev};
use crate::model::specialist::Signoff;
use crate::workspace::{SPECIALISTS_DIR, Workspace};

/// Most commits listed.
pub const LIMIT: usize = 500;

/// One commit that changed the specialist.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The commit.
    pub commit: CommitInfo,
    /// Version after this commit (absent when the folder was removed or does not parse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Version before this commit, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_version: Option<String>,
    /// Sign-offs first recorded in this commit.
    pub signed: Vec<Signoff>,
    /// The commit created the folder.
    pub created: bool,
    /// The commit removed the folder.
    pub removed: bool,
}

/// The history, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// The specialist id.
    pub id: String,
    /// The folder has uncommitted changes.
    pub uncommitted: bool,
    /// Commits, newest first.
    pub entries: Vec<Entry>,
}

/// Reads the history of `specialists/<id>`.
pub fn history(ws: &Workspace, repo: &Repo, id: &str) -> Result<History, GitError> {
    let prefix = crate::git::relative_to_workdir(repo, &ws.root)
        .map(|p| crate::diagnostic::display_path(&p))
        .filter(|p| !p.is_empty())
        .map_or(String::new(), |p| format!("{p}/"));
    let path = format!("{prefix}{SPECIALISTS_DIR}/{id}");
    let commits = crate::git::history(repo, &path, LIMIT)?;
    let mut states = Vec::with_capacity(commits.len());
    for c in &commits {
        states.push(crate::diff::load_specialist_at(ws, repo, Rev::Commit(*c), id)?);
    }
    let mut entries = Vec::with_capacity(commits.len());
    for (i, c) in commits.iter().enumerate() {
        let now = states[i].as_ref();
        let before = states.get(i + 1).and_then(Option::as_ref);
        let spec_now = now.and_then(|s| s.spec.as_ref());
        let spec_before = before.and_then(|s| s.spec.as_ref());
        let version = spec_now.map(|s| s.version.clone());
        let previous = spec_before.map(|s| s.version.clone());
        let signed = spec_now
            .map(|s| {
                s.signoffs
                    .iter()
                    .filter(|x| spec_before.is_none_or(|b| !b.signoffs.contains(x)))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        entries.push(Entry {
            commit: crate::git::commit_info(repo, *c)?,
            previous_version: previous.filter(|p| Some(p) != version.as_ref()),
            version,
            signed,
            created: now.is_some() && before.is_none() && i + 1 == commits.len(),
            removed: now.is_none(),
        });
    }
    Ok(History {
        id: id.to_owned(),
        uncommitted: crate::git::has_uncommitted(repo, &path)?,
        entries,
    })
}
