//! Revisions and history: resolving names, merge bases, commit metadata and which commits touched a path.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Commit, ObjectType, Oid, Repository, Sort};
use serde::Serialize;

use super::{GitError, git};

/// Who made a commit, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// Full commit id.
    pub id: String,
    /// The first seven characters of the id.
    pub short: String,
    /// The first line of the message.
    pub summary: String,
    /// Author name.
    pub author: String,
    /// Author date as RFC 3339 in UTC.
    pub date: String,
}

impl CommitInfo {
    fn of(commit: &Commit<'_>) -> Self {
        let id = commit.id().to_string();
        let author = commit.author();
        CommitInfo {
            short: id.chars().take(7).collect(),
            id,
            summary: commit.summary().ok().flatten().unwrap_or_default().to_owned(),
            author: author.name().unwrap_or_default().to_owned(),
            date: rfc3339(author.when().seconds()),
        }
    }
}

/// Seconds since the epoch as RFC 3339 in UTC (`2026-01-01T00:00:00Z`).
pub fn rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The commit a revision name (`main`, `HEAD~2`, a commit id, a tag) points at.
pub fn resolve(repo: &Repository, name: &str) -> Result<Oid, GitError> {
    let object = repo
        .revparse_single(name)
        .map_err(|_| GitError::UnknownRevision { name: name.to_owned() })?;
    object
        .peel_to_commit()
        .map(|c| c.id())
        .map_err(|_| GitError::UnknownRevision { name: name.to_owned() })
}

/// The commit HEAD points at, or `None` in a repository without commits.
pub fn head(repo: &Repository) -> Option<Oid> {
    repo.head().ok().and_then(|h| h.peel_to_commit().ok()).map(|c| c.id())
}

/// The best common ancestor of two commits.
pub fn merge_base(repo: &Repository, a: Oid, b: Oid) -> Result<Oid, GitError> {
    repo.merge_base(a, b).map_err(git("merge-base"))
}

/// Metadata of one commit.
pub fn commit_info(repo: &Repository, id: Oid) -> Result<CommitInfo, GitError> {
    let commit = repo.find_commit(id).map_err(git("read commit"))?;
    Ok(CommitInfo::of(&commit))
}

/// The signature time as RFC 3339 in UTC: what aispec writes as the time of a sign-off, so that the file and the
/// commit that records it agree (and `GIT_AUTHOR_DATE` makes both reproducible).
pub fn now_rfc3339(repo: &Repository) -> Result<String, GitError> {
    Ok(rfc3339(super::signature(repo)?.when().seconds()))
}

fn entry_id(commit: &Commit<'_>, path: &str) -> Option<Oid> {
    let tree = commit.tree().ok()?;
    if path.is_empty() {
        return Some(tree.id());
    }
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

/// True when `commit` changed `path` (a file or folder): it differs from every parent (git's "not TREESAME"),
/// so merges that only bring in changes already counted on a branch are left out.
fn touches(commit: &Commit<'_>, path: &str) -> bool {
    let here = entry_id(commit, path);
    if commit.parent_count() == 0 {
        return here.is_some();
    }
    commit.parents().all(|p| entry_id(&p, path) != here)
}

fn walk(repo: &Repository) -> Result<Option<git2::Revwalk<'_>>, GitError> {
    if head(repo).is_none() {
        return Ok(None);
    }
    let mut walk = repo.revwalk().map_err(git("revwalk"))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
        .map_err(git("revwalk"))?;
    walk.push_head().map_err(git("revwalk"))?;
    Ok(Some(walk))
}

/// Commits reachable from HEAD that changed `path`, newest first, at most `limit`.
pub fn history(repo: &Repository, path: &str, limit: usize) -> Result<Vec<Oid>, GitError> {
    let Some(walk) = walk(repo)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for id in walk {
        let id = id.map_err(git("revwalk"))?;
        let commit = repo.find_commit(id).map_err(git("read commit"))?;
        if touches(&commit, path) {
            out.push(id);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// The newest commit that changed each sub-folder of `dir` named in `names`, found in one walk over history.
/// Folders whose tree id is unchanged between a commit and its parent are skipped without being read.
pub fn last_changes(
    repo: &Repository,
    dir: &str,
    names: &[String],
    max_commits: usize,
) -> Result<HashMap<String, CommitInfo>, GitError> {
    let mut found = HashMap::new();
    let Some(walk) = walk(repo)? else {
        return Ok(found);
    };
    let mut wanted: HashSet<&str> = names.iter().map(String::as_str).collect();
    for id in walk.take(max_commits) {
        if wanted.is_empty() {
            break;
        }
        let id = id.map_err(git("revwalk"))?;
        let commit = repo.find_commit(id).map_err(git("read commit"))?;
        if !touches(&commit, dir) {
            continue;
        }
        let children = |c: &Commit<'_>| -> HashMap<String, Oid> {
            let Some(tree_id) = entry_id(c, dir) else {
                return HashMap::new();
            };
            let Ok(tree) = repo.find_tree(tree_id) else {
                return HashMap::new();
            };
            tree.iter()
                .filter(|e| e.kind() == Some(ObjectType::Tree))
                .filter_map(|e| Some((e.name().ok()?.to_owned(), e.id())))
                .collect()
        };
        let here = children(&commit);
        let parents: Vec<HashMap<String, Oid>> = commit.parents().map(|p| children(&p)).collect();
        let changed: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|name| {
                let mine = here.get(*name);
                mine.is_some() && (parents.is_empty() || parents.iter().all(|p| p.get(*name) != mine))
            })
            .collect();
        for name in changed {
            found.insert(name.to_owned(), CommitInfo::of(&commit));
            wanted.remove(name);
        }
    }
    Ok(found)
}

/// True when files under `path` differ between HEAD and the work tree (staged, unstaged or untracked).
pub fn has_uncommitted(repo: &Repository, path: &str) -> Result<bool, GitError> {
    let mut opts = git2::StatusOptions::new();
    opts.pathspec(path)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let statuses = repo.statuses(Some(&mut opts)).map_err(git("status"))?;
    Ok(!statuses.is_empty())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::git::{commit_paths, open_or_init};

    #[test]
    fn history_and_last_changes_follow_folders() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = open_or_init(dir.path()).expect("init");
        let write = |p: &str, t: &str| {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, t).expect("write");
        };
        write("s/a/f", "1");
        write("s/b/f", "1");
        let one = commit_paths(&repo, &[PathBuf::from("s")], "one")
            .expect("c")
            .expect("id");
        write("s/a/f", "2");
        let two = commit_paths(&repo, &[PathBuf::from("s")], "two")
            .expect("c")
            .expect("id");
        write("x", "unrelated");
        commit_paths(&repo, &[PathBuf::from("x")], "three").expect("c");

        assert_eq!(history(&repo, "s/a", 10).expect("history"), vec![two, one]);
        assert_eq!(history(&repo, "s/b", 10).expect("history"), vec![one]);
        let names = vec!["a".to_owned(), "b".to_owned(), "gone".to_owned()];
        let last = last_changes(&repo, "s", &names, 100).expect("last");
        assert_eq!(last["a"].summary, "two");
        assert_eq!(last["b"].summary, "one");
        assert!(!last.contains_key("gone"));
        assert!(!has_uncommitted(&repo, "s").expect("status"));
        write("s/b/g", "new");
        assert!(has_uncommitted(&repo, "s").expect("status"));
        assert_eq!(resolve(&repo, "HEAD~2").expect("rev"), one);
        assert!(resolve(&repo, "nope").is_err());
    }
}
