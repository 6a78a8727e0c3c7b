//! Reading files at a revision: a commit's tree or the working tree, and the paths that differ between two.

use std::path::{Path, PathBuf};

use git2::{Delta, DiffOptions, ObjectType, Oid, Repository, Tree};

use super::error::{GitError, git};
use crate::fsread::{FileError, Limit, Reader};

/// One side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rev {
    /// The tree of this commit.
    Commit(Oid),
    /// The files on disk, including uncommitted and untracked changes.
    WorkTree,
}

/// Files as they are at one revision. Paths are relative to the repository's work tree, with `/`.
pub struct Snapshot<'r> {
    repo: &'r Repository,
    tree: Option<Tree<'r>>,
    workdir: PathBuf,
    files: Reader,
}

/// A file found under a folder of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the folder that was listed, with `/`.
    pub name: String,
    /// Git blob id of the content.
    pub id: Oid,
}

impl<'r> Snapshot<'r> {
    /// Opens one side of a comparison. Work-tree files are read only inside `root` (the workspace).
    pub fn new(repo: &'r Repository, rev: Rev, root: &Path) -> Result<Self, GitError> {
        let tree = match rev {
            Rev::Commit(id) => Some(
                repo.find_commit(id)
                    .and_then(|c| c.tree())
                    .map_err(git("read commit tree"))?,
            ),
            Rev::WorkTree => None,
        };
        let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
        Ok(Snapshot {
            repo,
            tree,
            workdir,
            files: Reader::new(root),
        })
    }

    /// True when this side is the working tree.
    pub fn is_worktree(&self) -> bool {
        self.tree.is_none()
    }

    /// The bytes of a file, or `None` when it does not exist at this revision; more than `limit` is an error, on
    /// both sides, so a huge blob is refused like a huge file.
    pub fn read(&self, path: &str, limit: Limit) -> Result<Option<Vec<u8>>, GitError> {
        let refused = |reason: FileError| GitError::File {
            path: path.to_owned(),
            reason,
        };
        match &self.tree {
            None => match self.files.read(&self.workdir.join(path), limit) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.is_missing() => Ok(None),
                Err(FileError::NotRegularFile { kind: "a folder" }) => Ok(None),
                Err(e) => Err(refused(e)),
            },
            Some(tree) => {
                let Ok(entry) = tree.get_path(Path::new(path)) else {
                    return Ok(None);
                };
                if entry.kind() != Some(ObjectType::Blob) {
                    return Ok(None);
                }
                let blob = self.repo.find_blob(entry.id()).map_err(git("read blob"))?;
                let size = blob.size() as u64;
                if size > limit.bytes {
                    return Err(refused(FileError::TooLarge { size, limit }));
                }
                Ok(Some(blob.content().to_vec()))
            }
        }
    }

    /// Every file under `dir` (recursively), sorted by name; empty when the folder does not exist.
    pub fn list(&self, dir: &str) -> Result<Vec<FileEntry>, GitError> {
        let mut out = Vec::new();
        match &self.tree {
            Some(tree) => {
                let Some(sub) = self.subtree(tree, dir)? else {
                    return Ok(out);
                };
                sub.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
                    if entry.kind() == Some(ObjectType::Blob)
                        && let Ok(name) = entry.name()
                    {
                        out.push(FileEntry {
                            name: format!("{parent}{name}"),
                            id: entry.id(),
                        });
                    }
                    git2::TreeWalkResult::Ok
                })
                .map_err(git("walk tree"))?;
            }
            None => self.list_disk(&self.workdir.join(dir), "", &mut out)?,
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Names of the sub-folders of `dir`, sorted.
    pub fn subdirs(&self, dir: &str) -> Result<Vec<String>, GitError> {
        let mut names: Vec<String> = match &self.tree {
            Some(tree) => match self.subtree(tree, dir)? {
                Some(sub) => sub
                    .iter()
                    .filter(|e| e.kind() == Some(ObjectType::Tree))
                    .filter_map(|e| e.name().ok().map(str::to_owned))
                    .collect(),
                None => Vec::new(),
            },
            None => match self.files.subfolders(&self.workdir.join(dir)) {
                Ok(listing) => listing.names,
                Err(e) if e.is_missing() => Vec::new(),
                Err(reason) => {
                    return Err(GitError::File {
                        path: dir.to_owned(),
                        reason,
                    });
                }
            },
        };
        names.retain(|n| !n.starts_with('.'));
        names.sort();
        Ok(names)
    }

    fn subtree(&self, tree: &Tree<'r>, dir: &str) -> Result<Option<Tree<'r>>, GitError> {
        if dir.is_empty() {
            return Ok(Some(tree.clone()));
        }
        let Ok(entry) = tree.get_path(Path::new(dir)) else {
            return Ok(None);
        };
        if entry.kind() != Some(ObjectType::Tree) {
            return Ok(None);
        }
        self.repo.find_tree(entry.id()).map(Some).map_err(git("read tree"))
    }

    /// Files under `dir` on disk, hashed as git would hash them. Folders reached through a symbolic link are not
    /// followed (as when the workspace is loaded); files are read through the workspace's checks and limit.
    fn list_disk(&self, dir: &Path, prefix: &str, out: &mut Vec<FileEntry>) -> Result<(), GitError> {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in rd.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let rel = format!("{prefix}{name}");
            let file_type = entry.file_type().ok();
            if file_type.is_some_and(|t| t.is_dir()) {
                self.list_disk(&path, &format!("{rel}/"), out)?;
                continue;
            }
            if file_type.is_some_and(|t| t.is_symlink()) && self.files.is_dir(&path) {
                continue;
            }
            let bytes = self
                .files
                .read(&path, Limit::KNOWLEDGE)
                .map_err(|reason| GitError::File {
                    path: path
                        .strip_prefix(&self.workdir)
                        .map_or_else(|_| rel.clone(), crate::diagnostic::display_path),
                    reason,
                })?;
            let id = Oid::hash_object(ObjectType::Blob, &bytes).map_err(git("hash file"))?;
            out.push(FileEntry { name: rel, id });
        }
        Ok(())
    }
}

/// A path that differs between two revisions; `None` ids mean the file is absent on that side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedPath {
    /// Path relative to the work tree, with `/`.
    pub path: String,
    /// Blob id at the base, when the file exists there.
    pub old: Option<Oid>,
    /// Blob id at the head, when the file exists there (may be zero for work-tree files git did not hash).
    pub new: Option<Oid>,
}

/// The files under `prefixes` that differ between `base` and `head`. Unchanged folders are skipped by tree id,
/// so their files are never read. Untracked files in the work tree count; ignored ones do not.
pub fn changed_paths(
    repo: &Repository,
    base: Oid,
    head: Rev,
    prefixes: &[String],
) -> Result<Vec<ChangedPath>, GitError> {
    let base_tree = repo
        .find_commit(base)
        .and_then(|c| c.tree())
        .map_err(git("read base tree"))?;
    let mut opts = DiffOptions::new();
    for p in prefixes {
        opts.pathspec(p);
    }
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_typechange(true)
        .ignore_submodules(true);
    let diff = match head {
        Rev::Commit(id) => {
            let head_tree = repo
                .find_commit(id)
                .and_then(|c| c.tree())
                .map_err(git("read head tree"))?;
            repo.diff_tree_to_tree(Some(&base_tree), Some(&head_tree), Some(&mut opts))
        }
        Rev::WorkTree => repo.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts)),
    }
    .map_err(git("diff"))?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        let side = |f: git2::DiffFile<'_>| f.path().map(|p| p.to_string_lossy().replace('\\', "/"));
        let (old, new) = match delta.status() {
            Delta::Added | Delta::Untracked => (None, Some(delta.new_file().id())),
            Delta::Deleted => (Some(delta.old_file().id()), None),
            Delta::Unmodified | Delta::Ignored => continue,
            _ => (Some(delta.old_file().id()), Some(delta.new_file().id())),
        };
        let Some(path) = side(delta.new_file()).or_else(|| side(delta.old_file())) else {
            continue;
        };
        out.push(ChangedPath { path, old, new });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::{commit_paths, open_or_init};

    #[test]
    fn reads_trees_and_the_work_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = open_or_init(dir.path()).expect("init");
        std::fs::create_dir_all(dir.path().join("s/a/k")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("s/b")).expect("mkdir");
        std::fs::write(dir.path().join("s/a/x.toml"), "1").expect("write");
        std::fs::write(dir.path().join("s/a/k/f.md"), "f").expect("write");
        std::fs::write(dir.path().join("s/b/x.toml"), "2").expect("write");
        let first = commit_paths(&repo, &[PathBuf::from("s")], "one")
            .expect("commit")
            .expect("changed");
        std::fs::write(dir.path().join("s/a/x.toml"), "1 changed").expect("write");
        std::fs::write(dir.path().join("s/c.txt"), "new").expect("write");

        let at = Snapshot::new(&repo, Rev::Commit(first), dir.path()).expect("snapshot");
        assert_eq!(at.read("s/a/x.toml", Limit::TEXT).expect("read"), Some(b"1".to_vec()));
        assert_eq!(at.read("s/nope", Limit::TEXT).expect("read"), None);
        assert_eq!(at.subdirs("s").expect("dirs"), vec!["a", "b"]);
        let names: Vec<String> = at.list("s/a").expect("list").into_iter().map(|f| f.name).collect();
        assert_eq!(names, vec!["k/f.md", "x.toml"]);

        let wt = Snapshot::new(&repo, Rev::WorkTree, dir.path()).expect("snapshot");
        assert_eq!(
            wt.read("s/a/x.toml", Limit::TEXT).expect("read"),
            Some(b"1 changed".to_vec())
        );
        let listed = wt.list("s/a").expect("list");
        let committed = at.list("s/a").expect("list");
        assert_eq!(listed[0], committed[0], "same content, same blob id");
        assert_ne!(listed[1].id, committed[1].id);

        let tiny = Limit {
            bytes: 0,
            what: "test files",
        };
        for side in [&at, &wt] {
            let err = side.read("s/a/x.toml", tiny).expect_err("over the limit");
            assert!(err.to_string().contains("the limit for test files is"), "{err}");
        }

        let changed = changed_paths(&repo, first, Rev::WorkTree, &["s".to_owned()]).expect("diff");
        let paths: Vec<&str> = changed.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, vec!["s/a/x.toml", "s/c.txt"]);
        assert!(changed[1].old.is_none());
    }
}
