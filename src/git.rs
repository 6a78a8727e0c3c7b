//! The only module that talks to git (through git2): init, commit, and reading files at revisions.

use std::path::{Path, PathBuf};

use git2::{IndexAddOption, Repository, Signature, Time};

/// A git problem, with the operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The folder is not inside a git repository.
    #[error("{path} is not inside a git repository")]
    NotARepo {
        /// The folder.
        path: String,
    },
    /// git2 failed.
    #[error("git {op} failed: {source}")]
    Git {
        /// What we were doing.
        op: &'static str,
        /// git2's error.
        #[source]
        source: git2::Error,
    },
}

fn git(op: &'static str) -> impl FnOnce(git2::Error) -> GitError {
    move |source| GitError::Git { op, source }
}

/// Opens the repository containing `path`.
pub fn open(path: &Path) -> Result<Repository, GitError> {
    Repository::discover(path).map_err(|_| GitError::NotARepo {
        path: path.display().to_string(),
    })
}

/// Opens the repository rooted exactly at `path`, or creates one there with `main` as the first branch.
pub fn open_or_init(path: &Path) -> Result<Repository, GitError> {
    if let Ok(repo) = Repository::open(path) {
        return Ok(repo);
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

/// Stages `paths` (relative to the work tree; deletions included) and commits them on HEAD.
/// Returns the new commit id, or `None` when nothing changed.
pub fn commit_paths(repo: &Repository, paths: &[PathBuf], message: &str) -> Result<Option<git2::Oid>, GitError> {
    let mut index = repo.index().map_err(git("index"))?;
    let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    for p in paths {
        if workdir.join(p).exists() {
            if workdir.join(p).is_dir() {
                index
                    .add_all([p.as_path()], IndexAddOption::DEFAULT, None)
                    .map_err(git("add"))?;
            } else {
                index.add_path(p).map_err(git("add"))?;
            }
        } else {
            index.remove_all([p.as_path()], None).map_err(git("remove"))?;
        }
    }
    index.write().map_err(git("index write"))?;
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

/// The commit id HEAD points at in the repository containing `path`, if there is one.
pub fn head_commit(path: &Path) -> Option<String> {
    let repo = open(path).ok()?;
    let commit = repo.head().ok()?.peel_to_commit().ok()?;
    Some(commit.id().to_string())
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
