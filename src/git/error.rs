//! What can go wrong with git, and how to say so.

/// A git problem, with the operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The folder is not inside a git repository.
    #[error("{path} is not inside a git repository")]
    NotARepo {
        /// The folder.
        path: String,
    },
    /// git (libgit2) refuses the repository because another user owns it.
    #[error(
        "git refuses to use the repository at {path}: it belongs to another user (libgit2's ownership check, \
         the one git's safe.directory setting controls)"
    )]
    UnsafeOwner {
        /// The folder.
        path: String,
    },
    /// The folder is a bare repository (no work tree).
    #[error("{path} is a bare git repository: it has no work tree for the workspace's files")]
    Bare {
        /// The repository.
        path: String,
    },
    /// `.git/index.lock` exists: another git process is running, or one was killed.
    #[error("git's index is locked: {path} exists")]
    IndexLocked {
        /// The lock file.
        path: String,
    },
    /// HEAD is not on a branch.
    #[error("HEAD is detached (not on a branch): a commit made now would belong to no branch and is easily lost")]
    DetachedHead,
    /// A revision name that names no commit.
    #[error("`{name}` is not a known branch, tag or commit")]
    UnknownRevision {
        /// The name as given.
        name: String,
    },
    /// A file in the work tree or a blob may not be read (outside the workspace, not a regular file, too large).
    #[error("cannot read {path}: {reason}")]
    File {
        /// The path.
        path: String,
        /// Why.
        reason: crate::fsread::FileError,
    },
    /// A file in the work tree could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
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

impl GitError {
    /// The hint for this error, or `fallback` (a command's own advice) when the repository is simply missing.
    pub fn hint_or(&self, fallback: &str) -> String {
        match self {
            GitError::NotARepo { .. } => fallback.to_owned(),
            _ => self.hint().unwrap_or_else(|| fallback.to_owned()),
        }
    }

    /// How to get past it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            GitError::NotARepo { .. } => {
                Some("run `git init` (or `aispec init`) to put the workspace under git".to_owned())
            }
            GitError::UnsafeOwner { path } => Some(format!(
                "if you trust this repository, mark it safe: git config --global --add safe.directory {path}"
            )),
            GitError::Bare { .. } => Some("clone the repository (git clone URL DIR) and work in the clone".to_owned()),
            GitError::IndexLocked { path } => Some(format!(
                "another git command may be running; if none is (check with `ps aux | grep git`), the lock is left \
                 over from an interrupted one: remove it with `rm {path}` and run this command again"
            )),
            GitError::DetachedHead => Some(
                "check out a branch first (git switch -c NAME), or pass --allow-detached to commit anyway".to_owned(),
            ),
            GitError::Git { source, .. } if source.code() == git2::ErrorCode::Locked => Some(
                "another git command may be running; if none is, an interrupted one left the lock file named above: \
                 remove it and run this command again"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

pub(crate) fn git(op: &'static str) -> impl FnOnce(git2::Error) -> GitError {
    move |source| GitError::Git { op, source }
}
