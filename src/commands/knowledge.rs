//! `aispec knowledge fetch|check`: knowledge files fetched from their sources, and noticed when a source
//! changes.

use super::Ctx;
use crate::error::{ExitStatus, ExitWith, UserError};
use crate::knowledge::check::Verdict;
use crate::knowledge::{self, KnowledgeError, render};
use crate::workspace::Workspace;

/// Fetch knowledge files from their sources, or check whether the sources changed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The knowledge subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Download each source, convert it to text and write it to knowledge/, recorded in knowledge.lock.
    Fetch(FetchArgs),
    /// Compare each source with what was fetched: unchanged, changed upstream, unreachable, past max_age.
    Check(CheckArgs),
}

/// `knowledge fetch`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec knowledge fetch                   # every [[knowledge]] entry with a source
  aispec knowledge fetch affaldsguide      # one specialist's sources
  INTRANET_TOKEN=… aispec knowledge fetch  # for a headers_env that names INTRANET_TOKEN

Web pages become Markdown (navigation, header and footer dropped; `selector` picks the
content); PDF and Word files give their text. Text with a CPR number is never written; e-mail
addresses and phone numbers not in [privacy] allow are replaced by placeholders. A file is only
rewritten when its content changed; the fetch time in knowledge.lock is renewed either way.
Nothing is committed: review with `git diff`.
Timeout per source: AISPEC_KNOWLEDGE_TIMEOUT seconds (default 30).

Exit codes: 0 every source fetched; 2 a source failed (the others are still written), or a
usage, settings or I/O error.")]
pub struct FetchArgs {
    /// Only these specialists (ids); default every specialist with a source.
    pub ids: Vec<crate::id::Id>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = crate::output::Format::Human)]
    pub format: crate::output::Format,
}

/// Output format of `knowledge check`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Per source, with word diffs, for a terminal.
    #[default]
    Human,
    /// One JSON document, for machines.
    Json,
    /// A Markdown report for a pull request body, with each change as a word diff.
    Markdown,
}

/// `knowledge check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec knowledge check
  aispec knowledge check affaldsguide --format markdown > report.md
  aispec knowledge check --format json | jq '.sources[] | select(.state != \"unchanged\")'

A server that answers 304 to the recorded ETag or Last-Modified is unchanged without a
download; otherwise the source is downloaded and converted, and it changed when the text differs
from what knowledge.lock records. Nothing is written.

Exit codes (as `plan --detailed-exitcode`): 0 every source unchanged and within its max_age;
2 a source changed, was never fetched or is past its max_age (run `aispec knowledge fetch`);
1 a source is unreachable or refused, or any other error.")]
pub struct CheckArgs {
    /// Only these specialists (ids); default every specialist with a source.
    pub ids: Vec<crate::id::Id>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
}

/// Runs `knowledge`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    match args.command {
        Command::Fetch(a) => fetch(ctx, a),
        Command::Check(a) => check(ctx, a).map_err(|error| {
            ExitWith {
                status: ExitStatus::Failure,
                error,
            }
            .into()
        }),
    }
}

fn fetch(ctx: &Ctx, args: FetchArgs) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let groups = knowledge::select(&ws, &crate::id::strings(&args.ids)).map_err(user)?;
    let lock = super::lock_workspace(ctx, &ws)?;
    for g in &groups {
        lock.sweep(&ws.path(g.dir.join(crate::model::specialist::KNOWLEDGE_DIR)));
    }
    let report = knowledge::fetch::fetch(&ws, &groups).map_err(user)?;
    drop(lock);
    match args.format {
        crate::output::Format::Json => ctx.out.json(&report)?,
        crate::output::Format::Human => ctx.out.print(&render::fetch_human(&report, &ctx.out.out))?,
    }
    Ok(if report.failed() {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}

fn check(ctx: &Ctx, args: CheckArgs) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let groups = knowledge::select(&ws, &crate::id::strings(&args.ids)).map_err(user)?;
    let report = knowledge::check::check(&ws, &groups).map_err(user)?;
    match args.format {
        CheckFormat::Json => ctx.out.json(&report)?,
        CheckFormat::Markdown => ctx.out.print(&render::check_markdown(&report))?,
        CheckFormat::Human => ctx.out.print(&render::check_human(&report, &ctx.out.out))?,
    }
    Ok(match report.verdict() {
        Verdict::Current => ExitStatus::Success,
        Verdict::FetchPending => ExitStatus::Error,
        Verdict::Failed => ExitStatus::Failure,
    })
}

fn user(e: KnowledgeError) -> anyhow::Error {
    let hint = e.hint();
    UserError::new(e.to_string()).hint(hint).into()
}
