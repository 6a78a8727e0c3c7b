//! `aispec diff`: what changed between two revisions, field by field and word by word, with risky changes.

use super::Ctx;
use crate::diff::{DiffReport, Range, RangeError};
use crate::error::{ExitStatus, UserError};
use crate::workspace::Workspace;

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Terminal text; the prompt word by word, coloured (or `[-removed-]{+added+}` without colour).
    #[default]
    Human,
    /// A pull-request comment: summary table and a collapsible section per specialist.
    Markdown,
    /// The whole report for machines.
    Json,
}

/// Compare specialists, screenings and the model catalogue between two revisions.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec diff                              # merge-base with the main branch → working tree (uncommitted too)
  aispec diff main..feature                # two commits
  aispec diff origin/main...HEAD           # merge-base of the two → HEAD, as a pull request shows it
  aispec diff --base origin/main --format markdown > comment.md
  aispec diff --check-versions             # fail when content changed without a version bump

Version rules: system prompt, base model, parameters, knowledge, tools or new access groups → minor;
name, description, notice, tags, suggestion prompts → patch; kind, removed groups or a new id → major.

Exit codes: 0 compared (changes or not), 1 --check-versions found a missing bump, 2 usage or git error.")]
pub struct Args {
    /// `A..B`, `A...B` (from their merge-base) or `A` (to the working tree).
    #[arg(value_name = "REV_RANGE", conflicts_with = "base")]
    pub range: Option<String>,
    /// Compare from the merge-base of REV and HEAD to the working tree (default REV: the main branch).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a specialist's deployable content changed without a large enough version bump.
    #[arg(long)]
    pub check_versions: bool,
}

/// Runs `diff`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let repo = crate::git::open(&ws.root).map_err(|e| {
        let hint = e.hint_or("aispec diff compares git revisions; run `git init` and commit first");
        UserError::new(e.to_string()).hint(hint)
    })?;
    let main = ws.config.workspace.main_branch.clone();
    let range = Range::resolve(&repo, args.range.as_deref(), args.base.as_deref(), &main).map_err(|e| match e {
        RangeError::NoMainBranch { .. } => UserError::new(e.to_string()).hint(format!(
            "give the base explicitly (`aispec diff --base REV`), or set workspace.main_branch in aispec.toml (now `{main}`)"
        )),
        RangeError::NoCommits => UserError::new(e.to_string()).hint("commit the workspace first"),
        RangeError::Git(g) => UserError::new(g.to_string())
            .hint("use a branch, tag or commit id that exists; `git log --oneline` lists commits"),
    })?;
    let report = crate::diff::compare(&ws, &repo, &range)?;
    match args.format {
        Format::Json => ctx.out.json(&report)?,
        Format::Markdown => ctx.out.print(&crate::diff::render::markdown::markdown(&report))?,
        Format::Human => ctx
            .out
            .print(&crate::diff::render::human::human(&report, &ctx.out.out))?,
    }
    if args.check_versions {
        return Ok(check_versions(ctx, &report));
    }
    Ok(ExitStatus::Success)
}

fn check_versions(ctx: &Ctx, report: &DiffReport) -> ExitStatus {
    let mut failed = false;
    for d in &report.specialists {
        let Some(v) = d.version_check.as_ref().filter(|v| !v.ok) else {
            continue;
        };
        failed = true;
        let current = d.new_version.as_deref().unwrap_or("?");
        ctx.out.refuse(&crate::msg::f(
            "diff.not_bumped",
            &[
                ("id", &d.id),
                ("current", &current),
                ("why", &crate::diff::render::human::reasons(&v.reasons)),
                ("level", &v.required.as_str()),
                ("suggested", &v.suggested),
            ],
        ));
    }
    if failed {
        ExitStatus::Failure
    } else {
        ctx.out.status(crate::msg::t("diff.all_bumped"));
        ExitStatus::Success
    }
}
