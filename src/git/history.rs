//! Revisions and history: resolving names, merge bases, commit metadata and which commits touched a path.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Commit, Oid, Repository, Sort};
use serde::Serialize;

use super::error::{GitError, git};

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

/// The newest commit that changed each sub-folder of `dir` named in `names`, found in one walk over history for
/// all of them. Per commit, only the `dir` trees of the commit and its parents are compared, entry by entry
/// without reading any sub-folder, so the cost is one pass over `dir` per commit that touched it.
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
    // The walk meets each commit's parent soon after it: keep the last trees read instead of parsing them twice.
    let mut trees = TreeCache::default();
    for id in walk.take(max_commits) {
        if wanted.is_empty() {
            break;
        }
        let id = id.map_err(git("revwalk"))?;
        let commit = repo.find_commit(id).map_err(git("read commit"))?;
        let here_id = entry_id(&commit, dir);
        let parent_ids: Vec<Option<Oid>> = commit.parents().map(|p| entry_id(&p, dir)).collect();
        let touched = here_id.is_some() && parent_ids.iter().all(|p| *p != here_id);
        if !touched {
            continue;
        }
        let here = trees.get(repo, here_id)?;
        // A folder counts when it differs from every parent (as `touches` does for the whole folder).
        let mut changed: Option<Vec<String>> = None;
        for parent_id in if parent_ids.is_empty() { vec![None] } else { parent_ids } {
            let theirs = trees.get(repo, parent_id)?;
            let mut names = changed_entries(theirs.as_ref(), here.as_ref());
            if let Some(before) = &changed {
                names.retain(|n| before.contains(n));
            }
            changed = Some(names);
        }
        for name in changed.unwrap_or_default() {
            if wanted.remove(name.as_str()) {
                found.insert(name, CommitInfo::of(&commit));
            }
        }
    }
    Ok(found)
}

/// The few most recently read trees, by id.
#[derive(Default)]
struct TreeCache<'r> {
    recent: Vec<git2::Tree<'r>>,
}

impl<'r> TreeCache<'r> {
    fn get(&mut self, repo: &'r Repository, id: Option<Oid>) -> Result<Option<git2::Tree<'r>>, GitError> {
        let Some(id) = id else { return Ok(None) };
        if let Some(tree) = self.recent.iter().find(|t| t.id() == id) {
            return Ok(Some(tree.clone()));
        }
        let tree = repo.find_tree(id).map_err(git("read tree"))?;
        if self.recent.len() >= 4 {
            self.recent.remove(0);
        }
        self.recent.push(tree.clone());
        Ok(Some(tree))
    }
}

/// Names of the entries present in `new` that are absent from `old` or have another id there. Both trees list
/// their entries in git's order (by name, a folder's name compared as if it ended in `/`), so one merge pass finds
/// them without reading any sub-tree.
fn changed_entries(old: Option<&git2::Tree<'_>>, new: Option<&git2::Tree<'_>>) -> Vec<String> {
    let Some(new) = new else { return Vec::new() };
    let mut out = Vec::new();
    let mut old_entries = old.map(|t| t.iter()).into_iter().flatten().peekable();
    for entry in new.iter() {
        let key = (entry.name_bytes(), is_tree(&entry));
        let mut same = false;
        while let Some(o) = old_entries.peek() {
            match git_order(&(o.name_bytes(), is_tree(o)), &key) {
                std::cmp::Ordering::Less => {
                    old_entries.next();
                }
                std::cmp::Ordering::Equal => {
                    same = o.id() == entry.id();
                    old_entries.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        if !same && let Ok(name) = std::str::from_utf8(entry.name_bytes()) {
            out.push(name.to_owned());
        }
    }
    out
}

fn is_tree(entry: &git2::TreeEntry<'_>) -> bool {
    entry.kind() == Some(git2::ObjectType::Tree)
}

/// git's order of tree entries: names compared bytewise, with a folder's name read as if it ended in `/`.
fn git_order(a: &(&[u8], bool), b: &(&[u8], bool)) -> std::cmp::Ordering {
    let end = |name: &[u8], tree: bool, i: usize| -> Option<u8> {
        match name.get(i) {
            Some(c) => Some(*c),
            None if i == name.len() && tree => Some(b'/'),
            None => None,
        }
    };
    let mut i = 0;
    loop {
        let (x, y) = (end(a.0, a.1, i), end(b.0, b.1, i));
        match x.cmp(&y) {
            std::cmp::Ordering::Equal if x.is_none() => return std::cmp::Ordering::Equal,
            std::cmp::Ordering::Equal => i += 1,
            other => return other,
        }
    }
}

/// The sub-folders of `dir` with files that differ between HEAD and the work tree (staged, unstaged or
/// untracked), in one status pass for all of them.
pub fn uncommitted_folders(repo: &Repository, dir: &str) -> Result<HashSet<String>, GitError> {
    let mut opts = git2::StatusOptions::new();
    opts.pathspec(dir)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let statuses = repo.statuses(Some(&mut opts)).map_err(git("status"))?;
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    Ok(statuses
        .iter()
        .filter_map(|e| {
            let path = e.path().ok()?;
            let rest = path.strip_prefix(&prefix)?;
            let name = rest.split('/').next()?;
            (!name.is_empty()).then(|| name.to_owned())
        })
        .collect())
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
    fn folders_sort_as_if_they_ended_in_a_slash() {
        use std::cmp::Ordering::*;
        assert_eq!(git_order(&(b"a", true), &(b"a-b", true)), Greater);
        assert_eq!(git_order(&(b"a", false), &(b"a-b", false)), Less);
        assert_eq!(git_order(&(b"a", true), &(b"a", true)), Equal);
        assert_eq!(git_order(&(b"a.txt", false), &(b"a", true)), Less);
    }

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
        write("s/a-b/f", "1");
        write("s/a.txt", "1");
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
        let names = vec!["a".to_owned(), "a-b".to_owned(), "b".to_owned(), "gone".to_owned()];
        let last = last_changes(&repo, "s", &names, 100).expect("last");
        assert_eq!(last["a"].summary, "two");
        assert_eq!(last["a-b"].summary, "one", "git orders `a-b` before the folder `a`");
        assert_eq!(last["b"].summary, "one");
        assert!(!last.contains_key("gone"));
        assert!(!has_uncommitted(&repo, "s").expect("status"));
        assert!(uncommitted_folders(&repo, "s").expect("status").is_empty());
        write("s/b/g", "new");
        write("s/c/new", "untracked folder");
        assert!(has_uncommitted(&repo, "s").expect("status"));
        let dirty = uncommitted_folders(&repo, "s").expect("status");
        assert_eq!(dirty, ["b", "c"].iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(resolve(&repo, "HEAD~2").expect("rev"), one);
        assert!(resolve(&repo, "nope").is_err());
    }
}
