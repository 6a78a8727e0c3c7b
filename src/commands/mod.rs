//! One module per subcommand: parse-level `Args`, then load, call the library, render.

pub mod approve;
pub mod bump;
pub mod completions;
pub mod deploy;
pub mod diff;
pub mod eval;
pub mod export;
pub mod feedback;
pub mod import;
pub mod import_promptfoo;
pub mod init;
pub mod journey;
pub mod knowledge;
pub mod log;
pub mod models;
pub mod new;
pub mod plan;
pub mod register;
pub mod schemas;
pub mod screen;
pub mod site;
pub mod status;
pub mod validate;

use std::path::PathBuf;

use crate::lock::WorkspaceLock;
use crate::output::Output;
use crate::platform::plan::PlanOptions;
use crate::workspace::Workspace;

/// Shared context every command gets: where it runs and how it prints.
pub struct Ctx {
    /// The folder the command runs in (`-C` or the current directory).
    pub cwd: PathBuf,
    /// Output settings.
    pub out: Output,
    /// `--lang` when given on the command line (messages follow [`crate::msg::language`]; `screen` and
    /// `journey` also write their content in this language).
    pub lang: Option<crate::model::config::Language>,
}

/// Which specialists `plan` and `deploy` look at, on which target, and what they may do to models that are
/// not plainly theirs.
#[derive(Debug, Clone, clap::Args)]
pub struct Selection {
    /// Only these specialists (ids); nothing is pruned.
    pub ids: Vec<crate::id::Id>,
    /// The target from aispec.toml (default: the only one).
    #[arg(long, short = 't', env = "AISPEC_TARGET")]
    pub target: Option<String>,
    /// Also delete models this workspace deployed whose specialist is gone from git.
    #[arg(long)]
    pub prune: bool,
    /// Overwrite models that were changed by hand since the last deploy (drift).
    #[arg(long)]
    pub force: bool,
    /// Take over models with a specialist's id that aispec did not create (after `aispec import`).
    #[arg(long)]
    pub adopt: bool,
}

impl Selection {
    /// The plan options these flags ask for (`--prune` only counts when no specialist is named).
    pub fn options(&self) -> PlanOptions {
        PlanOptions {
            prune: self.prune && self.ids.is_empty(),
            force: self.force,
            adopt: self.adopt,
        }
    }

    /// The named ids as strings.
    pub fn id_strings(&self) -> Vec<String> {
        crate::id::strings(&self.ids)
    }
}

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
