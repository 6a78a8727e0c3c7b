//! One module per subcommand: parse-level `Args`, then load, call the library, render.

pub mod approve;
pub mod bump;
pub mod completions;
pub mod deploy;
pub mod diff;
pub mod eval;
pub mod export;
pub mod import;
pub mod init;
pub mod journey;
pub mod log;
pub mod models;
pub mod new;
pub mod plan;
pub mod schemas;
pub mod screen;
pub mod status;
pub mod validate;

use crate::Ctx;
use crate::lock::WorkspaceLock;
use crate::workspace::Workspace;

/// The flags of the commands that commit what they write.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct CommitArgs {
    /// Write the files but do not commit them.
    #[arg(long)]
    pub no_commit: bool,
    /// Commit even when HEAD is detached (not on a branch); without it such commands refuse before writing.
    #[arg(long)]
    pub allow_detached: bool,
}

/// Takes the workspace's write lock, saying on stderr when it has to wait for another aispec command.
pub fn lock_workspace(ctx: &Ctx, ws: &Workspace) -> anyhow::Result<WorkspaceLock> {
    let lock = WorkspaceLock::acquire(ws, |path| {
        ctx.out
            .warn(&format!("waiting for another aispec command to finish (lock: {path})"));
    })?;
    Ok(lock)
}

/// When `commit` is on: the repository of `ws`, checked to take a commit (not bare, index not locked, HEAD on a
/// branch unless allowed), before anything is written. `Ok(None)` outside git, where the caller says so.
pub fn repo_ready_to_commit(ws: &Workspace, commit: CommitArgs) -> anyhow::Result<Option<crate::git::Repo>> {
    if commit.no_commit {
        return Ok(None);
    }
    let repo = match crate::git::open(&ws.root) {
        Ok(repo) => repo,
        Err(crate::git::GitError::NotARepo { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    crate::git::check_can_commit(&repo, commit.allow_detached)?;
    Ok(Some(repo))
}
