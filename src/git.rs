//! The only module that talks to git (through git2): init, commit, and reading files at revisions.

mod error;
mod history;
mod snapshot;

use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Repository, Signature, Time};

pub use error::GitError;
pub(crate) use error::git;
pub use git2::{Oid, Repository as Repo};
pub use history::{
    CommitInfo, commit_info, has_uncommitted, head, history, last_changes, merge_base, resolve, rfc3339,
    uncommitted_folders,
};
pub use snapshot::{ChangedPath, FileEntry, Rev, Snapshot, changed_paths};

/// The signature time as RFC 3339 in UTC: what aispec writes as the time of a sign-off, so that the file and the
/// commit that records it agree (and `GIT_AUTHOR_DATE` makes both reproducible).
pub fn now_rfc3339(repo: &Repository) -> Result<String, GitError> {
    Ok(rfc3339(signature(repo)?.when().seconds()))
}

/// Opens the repository containing `path`.
pub fn open(path: &Path) -> Result<Repository, GitError> {
    skip_rehashing_objects();
    Repository::discover(path).map_err(|e| open_error(path, &e))
}

/// libgit2 re-computes the SHA-1 of every object it reads, which doubles the cost of walking the large trees of
/// a big portfolio (`aispec status`). git itself does not do that on reads; `git fsck` checks integrity. A broken
/// object still fails to inflate or parse.
fn skip_rehashing_objects() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

/// What a failed open means: another user's repository is not the same as no repository.
fn open_error(path: &Path, e: &git2::Error) -> GitError {
    let path = path.display().to_string();
    if e.code() == git2::ErrorCode::Owner {
        GitError::UnsafeOwner { path }
    } else {
        GitError::NotARepo { path }
    }
}

/// Fails when a commit in `repo` cannot be made safely: a bare repository, git's index locked by another (or a
/// killed) process, or a detached HEAD (unless `allow_detached`). Commands call it before they write anything,
/// so a refusal leaves the work tree as it was.
pub fn check_can_commit(repo: &Repository, allow_detached: bool) -> Result<(), GitError> {
    if repo.is_bare() {
        return Err(GitError::Bare {
            path: repo.path().display().to_string(),
        });
    }
    let lock = repo.path().join("index.lock");
    if lock.exists() {
        return Err(GitError::IndexLocked {
            path: lock.display().to_string(),
        });
    }
    if !allow_detached && repo.head_detached().unwrap_or(false) {
        return Err(GitError::DetachedHead);
    }
    Ok(())
}

/// The error for a failed write of git's index: a lock left behind gets its own message.
fn index_write_error(repo: &Repository, source: git2::Error) -> GitError {
    if source.code() == git2::ErrorCode::Locked {
        return GitError::IndexLocked {
            path: repo.path().join("index.lock").display().to_string(),
        };
    }
    GitError::Git {
        op: "index write",
        source,
    }
}

/// Opens the repository rooted exactly at `path`, or creates one there with `main` as the first branch.
pub fn open_or_init(path: &Path) -> Result<Repository, GitError> {
    match Repository::open(path) {
        Ok(repo) => return Ok(repo),
        Err(e) if e.code() == git2::ErrorCode::Owner => return Err(open_error(path, &e)),
        Err(_) => {}
    }
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    Repository::init_opts(path, &opts).map_err(git("init"))
}

/// The author and committer: `GIT_AUTHOR_*`/`GIT_COMMITTER_*` env, then git config, then a neutral default.
pub fn signature(repo: &Repository) -> Result<Signature<'static>, GitError> {
    let config = repo.config().ok();
    let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let name = std::env::var("GIT_AUTHOR_NAME")
        .ok()
        .or_else(|| from_config("user.name"))
        .unwrap_or_else(|| "aispec".to_owned());
    let email = std::env::var("GIT_AUTHOR_EMAIL")
        .ok()
        .or_else(|| from_config("user.email"))
        .unwrap_or_else(|| "aispec@localhost".to_owned());
    match std::env::var("GIT_AUTHOR_DATE").ok().and_then(|d| parse_date(&d)) {
        Some(time) => Signature::new(&name, &email, &time).map_err(git("signature")),
        None => Signature::now(&name, &email).map_err(git("signature")),
    }
}

/// Parses `@<seconds>` or `<seconds> <+hhmm>` (git's internal date format).
fn parse_date(s: &str) -> Option<Time> {
    let s = s.trim().trim_start_matches('@');
    let mut parts = s.split_whitespace();
    let secs: i64 = parts.next()?.parse().ok()?;
    let offset = parts.next().and_then(|o| {
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let digits = o.trim_start_matches(['+', '-']);
        let h: i32 = digits.get(0..2)?.parse().ok()?;
        let m: i32 = digits.get(2..4)?.parse().ok()?;
        Some(sign * (h * 60 + m))
    });
    Some(Time::new(secs, offset.unwrap_or(0)))
}

/// Stages `paths` (relative to the work tree; deletions included) and commits them on HEAD. Temporary files of
/// interrupted writes (`.aispec-*.tmp`) are never staged. Returns the new commit id, or `None` when nothing
/// changed.
pub fn commit_paths(repo: &Repository, paths: &[PathBuf], message: &str) -> Result<Option<git2::Oid>, GitError> {
    let mut index = repo.index().map_err(git("index"))?;
    let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    for p in paths {
        if workdir.join(p).exists() {
            if workdir.join(p).is_dir() {
                index
                    .add_all([p.as_path()], IndexAddOption::DEFAULT, Some(&mut skip_temp_files))
                    .map_err(git("add"))?;
                // `add_all` does not see files deleted from the folder; `update_all` does.
                index.update_all([p.as_path()], None).map_err(git("update"))?;
            } else {
                index.add_path(p).map_err(git("add"))?;
            }
        } else {
            index.remove_all([p.as_path()], None).map_err(git("remove"))?;
        }
    }
    index.write().map_err(|e| index_write_error(repo, e))?;
    let tree_id = index.write_tree().map_err(git("write tree"))?;
    let tree = repo.find_tree(tree_id).map_err(git("find tree"))?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    if parent.as_ref().is_some_and(|p| p.tree_id() == tree_id) {
        return Ok(None);
    }
    let sig = signature(repo)?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .map_err(git("commit"))?;
    Ok(Some(oid))
}

/// The bare repository that `path` (or its nearest existing parent) lies in, if any: no place for a workspace.
pub fn bare_repository_at(path: &Path) -> Option<PathBuf> {
    let start = path.ancestors().find(|p| p.exists())?;
    let repo = Repository::discover(start).ok()?;
    repo.is_bare().then(|| repo.path().components().collect())
}

/// True when the tree HEAD points at holds a file at `rel` (relative to the work tree).
pub fn head_has_file(repo: &Repository, rel: &Path) -> bool {
    repo.head()
        .ok()
        .and_then(|h| h.peel_to_tree().ok())
        .is_some_and(|tree| tree.get_path(rel).is_ok())
}

/// The commit id HEAD points at in the repository containing `path`, if there is one.
pub fn head_commit(path: &Path) -> Option<String> {
    let repo = open(path).ok()?;
    let commit = repo.head().ok()?.peel_to_commit().ok()?;
    Some(commit.id().to_string())
}

/// A commit made by [`commit_only`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The new commit.
    pub id: git2::Oid,
    /// Set when the commit was made but git's index could not be brought up to date afterwards (say, another
    /// git process took its lock in between): what to run to tidy it. The commit itself stands.
    pub index_not_updated: Option<String>,
}

/// Commits the work-tree state of `paths` (files or folders, deletions included) on top of HEAD and nothing else:
/// changes staged elsewhere in the index stay staged and out of the commit. The index is brought up to date for
/// `paths`. Temporary files of interrupted writes are left out. Returns the commit, or `None` when `paths`
/// already match HEAD.
pub fn commit_only(repo: &Repository, paths: &[PathBuf], message: &str) -> Result<Option<Committed>, GitError> {
    let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let mut index = git2::Index::new().map_err(git("index"))?;
    if let Some(p) = &parent {
        index
            .read_tree(&p.tree().map_err(git("read tree"))?)
            .map_err(git("read tree"))?;
    }
    for p in paths {
        let _ = index.remove_dir(p, 0);
        let _ = index.remove_path(p);
        let mut files = Vec::new();
        collect_files(repo, &workdir, p, &mut files);
        for rel in files {
            let full = workdir.join(&rel);
            let bytes = std::fs::read(&full).map_err(|source| GitError::Io {
                path: rel.display().to_string(),
                source,
            })?;
            let mut entry = index_entry(&rel, &full);
            entry.id = repo.blob(&bytes).map_err(git("write blob"))?;
            entry.file_size = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            index.add(&entry).map_err(git("add"))?;
        }
    }
    let tree_id = index.write_tree_to(repo).map_err(git("write tree"))?;
    if parent.as_ref().is_some_and(|p| p.tree_id() == tree_id) {
        return Ok(None);
    }
    let tree = repo.find_tree(tree_id).map_err(git("find tree"))?;
    let sig = signature(repo)?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .map_err(git("commit"))?;
    // The commit is made; from here a failure must not be reported as if nothing happened.
    let index_not_updated = refresh_index(repo, &workdir, paths).err().map(|e| {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        format!(
            "{e}; once no other git command runs, tidy it with `git reset -q -- {}`",
            shown.join(" ")
        )
    });
    Ok(Some(Committed {
        id: oid,
        index_not_updated,
    }))
}

/// Brings git's index up to date with the work tree for `paths`, so `git status` shows the commit as clean.
fn refresh_index(repo: &Repository, workdir: &Path, paths: &[PathBuf]) -> Result<(), GitError> {
    let mut real = repo.index().map_err(git("index"))?;
    for p in paths {
        if workdir.join(p).exists() {
            real.add_all([p.as_path()], IndexAddOption::DEFAULT, Some(&mut skip_temp_files))
                .map_err(git("add"))?;
        }
        real.update_all([p.as_path()], None).map_err(git("update"))?;
    }
    real.write().map_err(|e| index_write_error(repo, e))
}

/// `add_all` callback: 0 stages the path, 1 skips it. Temporary files are skipped.
fn skip_temp_files(path: &Path, _spec: &[u8]) -> i32 {
    let temp = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(crate::fsutil::is_temp_name);
    i32::from(temp)
}

/// Files under `rel` (or `rel` itself), relative to the work tree, without ignored ones.
fn collect_files(repo: &Repository, workdir: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    if repo.status_should_ignore(rel).unwrap_or(false) {
        return;
    }
    if rel
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(crate::fsutil::is_temp_name)
    {
        return;
    }
    let full = workdir.join(rel);
    if full.is_dir() {
        let Ok(rd) = std::fs::read_dir(&full) else { return };
        for entry in rd.filter_map(Result::ok) {
            if entry.file_name() == ".git" {
                continue;
            }
            collect_files(repo, workdir, &rel.join(entry.file_name()), out);
        }
    } else if full.is_file() {
        out.push(rel.to_path_buf());
    }
}

fn index_entry(rel: &Path, full: &Path) -> git2::IndexEntry {
    #[cfg(unix)]
    let executable = {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(full).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
    };
    #[cfg(not(unix))]
    let executable = {
        let _ = full;
        false
    };
    let time = git2::IndexTime::new(0, 0);
    git2::IndexEntry {
        ctime: time,
        mtime: time,
        dev: 0,
        ino: 0,
        mode: if executable { 0o100_755 } else { 0o100_644 },
        uid: 0,
        gid: 0,
        file_size: 0,
        id: git2::Oid::ZERO_SHA1,
        flags: 0,
        flags_extended: 0,
        path: rel.to_string_lossy().replace('\\', "/").into_bytes(),
    }
}

/// The path of `abs` relative to the repository's work tree.
pub fn relative_to_workdir(repo: &Repository, abs: &Path) -> Option<PathBuf> {
    let workdir = repo.workdir()?;
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let abs = abs.canonicalize().unwrap_or_else(|_| abs.to_path_buf());
    abs.strip_prefix(workdir).ok().map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_like_git() {
        let t = parse_date("1700000000 +0100").expect("date");
        assert_eq!((t.seconds(), t.offset_minutes()), (1_700_000_000, 60));
        assert_eq!(parse_date("@1700000000").map(|t| t.seconds()), Some(1_700_000_000));
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn commit_only_leaves_other_staged_changes_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = open_or_init(dir.path()).expect("init");
        std::fs::create_dir_all(dir.path().join("s/a")).expect("mkdir");
        std::fs::write(dir.path().join("s/a/x"), "1").expect("write");
        std::fs::write(dir.path().join("s/a/gone"), "1").expect("write");
        std::fs::write(dir.path().join("other"), "1").expect("write");
        commit_paths(&repo, &[PathBuf::from("s"), PathBuf::from("other")], "one").expect("commit");
        std::fs::write(dir.path().join("other"), "staged elsewhere").expect("write");
        commit_paths_stage_only(&repo, "other");
        std::fs::write(dir.path().join("s/a/x"), "2").expect("write");
        std::fs::remove_file(dir.path().join("s/a/gone")).expect("rm");
        std::fs::write(dir.path().join("s/a/new"), "n").expect("write");
        let id = commit_only(&repo, &[PathBuf::from("s/a")], "approve")
            .expect("commit")
            .expect("id")
            .id;
        let tree = repo.find_commit(id).expect("commit").tree().expect("tree");
        let blob = |p: &str| {
            tree.get_path(Path::new(p))
                .ok()
                .map(|e| repo.find_blob(e.id()).expect("blob").content().to_vec())
        };
        assert_eq!(blob("s/a/x"), Some(b"2".to_vec()));
        assert_eq!(blob("s/a/new"), Some(b"n".to_vec()));
        assert_eq!(blob("s/a/gone"), None);
        assert_eq!(
            blob("other"),
            Some(b"1".to_vec()),
            "the staged change elsewhere is not committed"
        );
        let statuses = repo.statuses(None).expect("status");
        let dirty: Vec<String> = statuses
            .iter()
            .filter_map(|s| s.path().ok().map(str::to_owned))
            .collect();
        assert_eq!(dirty, vec!["other".to_owned()]);
        assert!(
            commit_only(&repo, &[PathBuf::from("s/a")], "again")
                .expect("commit")
                .is_none()
        );
    }

    #[test]
    fn temporary_files_are_never_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = open_or_init(dir.path()).expect("init");
        std::fs::create_dir_all(dir.path().join("s/a")).expect("mkdir");
        std::fs::write(dir.path().join("s/a/x"), "1").expect("write");
        std::fs::write(dir.path().join("s/a/.aispec-k3j2.tmp"), "half").expect("write");
        let id = commit_paths(&repo, &[PathBuf::from("s")], "one")
            .expect("commit")
            .expect("id");
        let tree = repo.find_commit(id).expect("commit").tree().expect("tree");
        assert!(tree.get_path(Path::new("s/a/x")).is_ok());
        assert!(tree.get_path(Path::new("s/a/.aispec-k3j2.tmp")).is_err());
        std::fs::write(dir.path().join("s/a/x"), "2").expect("write");
        let c = commit_only(&repo, &[PathBuf::from("s/a")], "two")
            .expect("commit")
            .expect("id");
        let tree = repo.find_commit(c.id).expect("commit").tree().expect("tree");
        assert!(tree.get_path(Path::new("s/a/.aispec-k3j2.tmp")).is_err());
        let index = repo.index().expect("index");
        assert!(index.get_path(Path::new("s/a/.aispec-k3j2.tmp"), 0).is_none());
    }

    #[test]
    fn a_left_over_index_lock_is_named_before_and_after_a_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = open_or_init(dir.path()).expect("init");
        std::fs::write(dir.path().join("a"), "1").expect("write");
        commit_paths(&repo, &[PathBuf::from("a")], "one").expect("commit");
        let lock = repo.path().join("index.lock");
        std::fs::write(&lock, "").expect("lock");
        let err = check_can_commit(&repo, false).expect_err("locked");
        assert!(matches!(err, GitError::IndexLocked { .. }), "{err}");
        assert!(err.hint().is_some_and(|h| h.contains("rm ")), "{err:?}");
        // Past the check (the lock appeared in between): the commit stands and the note says so.
        std::fs::write(dir.path().join("a"), "2").expect("write");
        let c = commit_only(&repo, &[PathBuf::from("a")], "two")
            .expect("the commit is made")
            .expect("changed");
        assert_eq!(head(&repo), Some(c.id));
        assert!(c.index_not_updated.is_some_and(|n| n.contains("index.lock")));
        let err = commit_paths(&repo, &[PathBuf::from("a")], "three").expect_err("locked");
        assert!(matches!(err, GitError::IndexLocked { .. }), "{err}");
    }

    #[test]
    fn a_detached_head_needs_permission() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = open_or_init(dir.path()).expect("init");
        std::fs::write(dir.path().join("a"), "1").expect("write");
        let id = commit_paths(&repo, &[PathBuf::from("a")], "one")
            .expect("commit")
            .expect("id");
        assert!(check_can_commit(&repo, false).is_ok());
        repo.set_head_detached(id).expect("detach");
        assert!(matches!(check_can_commit(&repo, false), Err(GitError::DetachedHead)));
        assert!(check_can_commit(&repo, true).is_ok());
    }

    #[test]
    fn another_users_repository_is_named_as_such() {
        let owner = git2::Error::new(
            git2::ErrorCode::Owner,
            git2::ErrorClass::Config,
            "repository path is not owned by current user",
        );
        let err = open_error(Path::new("/srv/repo"), &owner);
        assert!(matches!(err, GitError::UnsafeOwner { .. }));
        assert!(err.to_string().contains("belongs to another user"), "{err}");
        assert!(err.hint().is_some_and(|h| h.contains("safe.directory /srv/repo")));
        let other = git2::Error::from_str("could not find repository");
        assert!(matches!(open_error(Path::new("/x"), &other), GitError::NotARepo { .. }));
    }

    fn commit_paths_stage_only(repo: &Repository, path: &str) {
        let mut index = repo.index().expect("index");
        index.add_path(Path::new(path)).expect("add");
        index.write().expect("write");
    }

    #[test]
    fn commits_only_what_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = open_or_init(dir.path()).expect("init");
        std::fs::write(dir.path().join("a.txt"), "a").expect("write");
        let first = commit_paths(&repo, &[PathBuf::from("a.txt")], "add a").expect("commit");
        assert!(first.is_some());
        let again = commit_paths(&repo, &[PathBuf::from("a.txt")], "nothing").expect("commit");
        assert!(again.is_none());
        std::fs::remove_file(dir.path().join("a.txt")).expect("rm");
        assert!(
            commit_paths(&repo, &[PathBuf::from("a.txt")], "rm a")
                .expect("commit")
                .is_some()
        );
    }
}
