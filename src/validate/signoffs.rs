//! Void sign-offs: who signed, when, and what changed in the content since.

use crate::diagnostic::{Diagnostic, Severity};
use crate::git::Rev;
use crate::model::specialist::Signoff;
use crate::workspace::{LoadedSpecialist, SPECIALISTS_DIR, Workspace};

/// How many commits that touched a specialist are searched for the content a sign-off approved.
const HISTORY_LIMIT: usize = 100;

/// Reports every sign-off whose content hash no longer matches the specialist's content.
pub fn check(ws: &Workspace, specialists: &[LoadedSpecialist], diags: &mut Vec<Diagnostic>) {
    let mut repo = None;
    for s in specialists {
        let Some(doc) = &s.spec else { continue };
        if doc.value.signoffs.is_empty() {
            continue;
        }
        let Some(hash) = crate::signoff::hash_loaded(ws, s) else {
            continue;
        };
        for (i, signoff) in doc.value.signoffs.iter().enumerate() {
            if signoff.content_hash == hash {
                continue;
            }
            let repo = repo.get_or_insert_with(|| crate::git::open(&ws.root).ok());
            let since = repo
                .as_ref()
                .and_then(|r| changes_since(ws, r, &s.folder, signoff))
                .map_or_else(
                    || "the signed content is not in the git history".to_owned(),
                    |c| {
                        if c.is_empty() {
                            "no visible field change".to_owned()
                        } else {
                            c.join("; ")
                        }
                    },
                );
            let date = signoff.at.get(..10).unwrap_or(&signoff.at);
            diags.push(
                Diagnostic::at_pointer(
                    &doc.source,
                    &format!("/signoffs/{i}"),
                    Severity::Warning,
                    "void-signoff",
                    format!(
                        "the sign-off by {} as {} on {date} is void: the content changed since ({since})",
                        signoff.by, signoff.role
                    ),
                )
                .with_hint(format!(
                    "review the change, then sign again: aispec approve specialist {} --role {} --by NAME",
                    s.folder, signoff.role
                )),
            );
        }
    }
}

/// What changed between the newest committed state whose hash the sign-off names and the work tree.
fn changes_since(ws: &Workspace, repo: &crate::git::Repo, folder: &str, signoff: &Signoff) -> Option<Vec<String>> {
    let prefix = crate::git::relative_to_workdir(repo, &ws.root)
        .map(|p| crate::diagnostic::display_path(&p))
        .filter(|p| !p.is_empty())
        .map_or(String::new(), |p| format!("{p}/"));
    let path = format!("{prefix}{SPECIALISTS_DIR}/{folder}");
    let now = crate::diff::load_specialist_at(ws, repo, Rev::WorkTree, folder).ok()??;
    for id in crate::git::history(repo, &path, HISTORY_LIMIT).ok()? {
        let Ok(Some(then)) = crate::diff::load_specialist_at(ws, repo, Rev::Commit(id), folder) else {
            continue;
        };
        if then.content_hash().as_deref() == Some(signoff.content_hash.as_str()) {
            return Some(crate::diff::describe_changes(&then, &now));
        }
    }
    None
}
