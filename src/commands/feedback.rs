//! `aispec feedback`: users' ratings and usage per deployed specialist, draft test cases from thumbs down,
//! and accepting reviewed drafts into `tests.toml`.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use super::Ctx;
use crate::error::{ExitStatus, UserError};
use crate::feedback::drafts::{self, DRAFTS_DIR};
use crate::feedback::{self, DraftInput};
use crate::id::Id;
use crate::model::cases::Case;
use crate::output::Format;
use crate::workspace::{SPECIALISTS_DIR, Workspace};

/// Users' ratings and usage per deployed specialist; draft test cases from thumbs down.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "\
Examples:
  aispec feedback --target production                 # every specialist this workspace deployed there
  aispec feedback klarsprog --target production --since 2w --format json
  aispec feedback cases klarsprog --target production --limit 5
  aispec eval klarsprog --drafts                        # the drafts fail before the prompt is fixed …
  aispec feedback accept klarsprog feedback-dpckblam    # … and move into tests.toml once reviewed

Per specialist: answers and distinct chats in the period, thumbs up and down, the share of thumbs down,
the most common reasons and the latest comments. CPR numbers, e-mail addresses, phone numbers and the
raters' names are removed from every text; who rated is never shown or stored. Reading feedback and
usage needs an admin's API key in the target's api_key_env.

A specialist is flagged when its share of thumbs down is above [feedback] max_negative_share (default
0.2) and it has at least [feedback] min_ratings ratings (default 5) in the period.

Exit codes: 0 nothing flagged; 1 a specialist is flagged; 2 usage, configuration or network error."
)]
pub struct Args {
    /// Draft test cases, or accept reviewed drafts.
    #[command(subcommand)]
    pub command: Option<Sub>,
    /// The report's options.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `aispec feedback [ID…]`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Only these specialists (default: every one this workspace deployed on the target).
    #[arg(value_name = "ID")]
    pub ids: Vec<Id>,
    /// The target from aispec.toml (default: the only one).
    #[arg(long, short = 't', env = "AISPEC_TARGET")]
    pub target: Option<String>,
    /// How far back to read: 12h, 30d, 2w (default: [feedback] since, else 30d).
    #[arg(long, value_name = "PERIOD")]
    pub since: Option<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The subcommands of `feedback`.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Draft test cases from thumbs down into .aispec/drafts/ID.toml (outside git) for review.
    #[command(after_help = "\
Example:
  aispec feedback cases klarsprog --target production --limit 5

Each draft holds the user's question from the rated chat (redacted), an llm-rubric written from the
reason and comment, and from_feedback = the feedback's id (never the user). Ratings drafted or accepted
before are skipped. The drafts stay out of git because a question may hold personal data redaction
missed: read and trim them, try them with `aispec eval ID --drafts`, then `aispec feedback accept`.

Exit codes: 0 done (also when nothing new was drafted); 2 usage, configuration or network error.")]
    Cases(CasesArgs),
    /// Move reviewed drafts into specialists/ID/tests.toml (comments and layout kept; not committed).
    #[command(after_help = "\
Example:
  aispec feedback accept klarsprog feedback-dpckblam feedback-hhoanbkk

Exit codes: 0 moved; 2 no such draft, a case id already in tests.toml, or a file cannot be written.")]
    Accept(AcceptArgs),
}

/// `aispec feedback cases`.
#[derive(Debug, clap::Args)]
pub struct CasesArgs {
    /// The specialist.
    pub id: Id,
    /// The target from aispec.toml (default: the only one).
    #[arg(long, short = 't', env = "AISPEC_TARGET")]
    pub target: Option<String>,
    /// How far back to read: 12h, 30d, 2w (default: [feedback] since, else 30d).
    #[arg(long, value_name = "PERIOD")]
    pub since: Option<String>,
    /// Most new drafts to write.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: u32,
    /// How to print what was drafted.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `aispec feedback accept`.
#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// The specialist.
    pub id: Id,
    /// The draft cases to move (their ids).
    #[arg(required = true, value_name = "CASE")]
    pub cases: Vec<String>,
}

/// Runs `feedback`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    match args.command {
        None => report(ctx, &ws, args.report),
        Some(Sub::Cases(a)) => cases(ctx, &ws, a),
        Some(Sub::Accept(a)) => accept(ctx, &ws, a),
    }
}

fn report(ctx: &Ctx, ws: &Workspace, args: ReportArgs) -> anyhow::Result<ExitStatus> {
    let period = feedback::period(ws, args.since.as_deref())?;
    let ids = crate::id::strings(&args.ids);
    ctx.out
        .status(&crate::msg::f("feedback.reading", &[("since", &period.text)]));
    let summary = feedback::summary_for_target(ws, args.target.as_deref(), &ids, &period)?;
    match args.format {
        Format::Json => ctx.out.json(&summary)?,
        Format::Human => ctx.out.print(&feedback::render::human(&summary, &ctx.out.out))?,
    }
    if !summary.usage_available {
        ctx.out.warn(crate::msg::t("feedback.analytics_off"));
    }
    Ok(if summary.flagged.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// What `feedback cases --format json` prints.
#[derive(Serialize)]
struct Drafted {
    /// The drafts file.
    file: String,
    /// The new drafts.
    drafted: Vec<Case>,
    /// Thumbs down without a question to draft from.
    without_question: usize,
}

fn cases(ctx: &Ctx, ws: &Workspace, args: CasesArgs) -> anyhow::Result<ExitStatus> {
    let id = args.id.as_str();
    let tests_rel = tests_file(ws, id)?;
    let period = feedback::period(ws, args.since.as_deref())?;
    let conn = crate::platform::connect(ws, args.target.as_deref())?;
    let drafts_rel = drafts::drafts_file(id);
    let known = |ws: &Workspace| -> Result<_, UserError> {
        let existing = drafts::read_cases(ws, &drafts_rel)?;
        let tests = drafts::read_cases(ws, &tests_rel)?;
        let (mut taken, mut done) = drafts::known(existing.as_ref().map(|(_, f)| f));
        let (tests_ids, tests_done) = drafts::known(tests.as_ref().map(|(_, f)| f));
        taken.extend(tests_ids);
        done.extend(tests_done);
        Ok((existing.map(|(text, _)| text), taken, done))
    };
    // The platform is read without the lock (it may take a while); what another command wrote meanwhile is
    // read again under the lock, and drafts it already holds are left out.
    let (_, taken, done) = known(ws)?;
    let rt = crate::platform::runtime()?;
    let input = DraftInput {
        conn: &conn,
        workspace: &ws.config.workspace.name,
        id,
        since: period.start(chrono::Utc::now().timestamp()),
        limit: args.limit as usize,
        language: ws.config.workspace.language,
        done: &done,
        taken: &taken,
    };
    let (mut new, without_question) = rt.block_on(feedback::read_drafts(&input))?;
    let _lock = super::lock_workspace(ctx, ws)?;
    let (existing, taken, done) = known(ws)?;
    new.retain(|c| !taken.contains(&c.id) && !c.from_feedback.as_ref().is_some_and(|f| done.contains(f)));
    let shown = crate::diagnostic::display_path(&drafts_rel);
    if !new.is_empty() {
        write_drafts(ws, &drafts_rel, existing.as_deref(), &new, id)?;
    }
    match args.format {
        Format::Json => ctx.out.json(&Drafted {
            file: shown,
            drafted: new,
            without_question,
        })?,
        Format::Human => ctx
            .out
            .print(&feedback::render::drafted(id, &shown, &new, without_question))?,
    }
    Ok(ExitStatus::Success)
}

/// Writes the drafts file, and a `.gitignore` beside it so even a workspace made before drafts existed never
/// commits one.
fn write_drafts(ws: &Workspace, rel: &Path, existing: Option<&str>, new: &[Case], id: &str) -> anyhow::Result<()> {
    let ignore = Path::new(DRAFTS_DIR).join(".gitignore");
    crate::fsutil::write_atomic(
        &ws.path(&ignore),
        b"# Drafts hold users' questions: never commit them.\n*\n",
    )
    .with_context(|| format!("writing {}", ignore.display()))?;
    let text = drafts::with_drafts(existing, new, ws.config.workspace.language, id)?;
    let path = ws.path(rel);
    crate::fsutil::write_atomic(&path, text.as_bytes()).with_context(|| format!("writing {}", rel.display()))?;
    // Users' questions: readable by the builder only, like a file of their own notes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("making {} private", rel.display()))?;
    }
    Ok(())
}

fn accept(ctx: &Ctx, ws: &Workspace, args: AcceptArgs) -> anyhow::Result<ExitStatus> {
    let id = args.id.as_str();
    let tests_rel = tests_file(ws, id)?;
    let drafts_rel = drafts::drafts_file(id);
    let _lock = super::lock_workspace(ctx, ws)?;
    let read = |rel: &Path| -> Result<Option<String>, UserError> {
        match ws.files.read_text(rel, crate::fsread::Limit::TEXT) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.is_missing() => Ok(None),
            Err(e) => Err(UserError::new(format!("cannot read {}: {e}", rel.display())).hint(e.hint())),
        }
    };
    let drafts_name = crate::diagnostic::display_path(&drafts_rel);
    let tests_name = crate::diagnostic::display_path(&tests_rel);
    let Some(drafts_text) = read(&drafts_rel)? else {
        return Err(UserError::new(crate::msg::f(
            "feedback.no_drafts",
            &[("id", &id), ("file", &drafts_name)],
        ))
        .hint(crate::msg::f("feedback.no_drafts_hint", &[("id", &id)]))
        .into());
    };
    let tests_text = read(&tests_rel)?;
    let moved = feedback::accept::move_cases(
        &drafts_text,
        tests_text.as_deref(),
        &args.cases,
        &drafts_name,
        &tests_name,
    )?;
    // tests.toml first: if the drafts file cannot be rewritten the cases are in both places, never in neither.
    crate::fsutil::write_atomic(&ws.path(&tests_rel), moved.tests.as_bytes())
        .with_context(|| format!("writing {tests_name}"))?;
    match &moved.drafts {
        Some(text) => crate::fsutil::write_atomic(&ws.path(&drafts_rel), text.as_bytes())
            .with_context(|| format!("writing {drafts_name}"))?,
        None => std::fs::remove_file(ws.path(&drafts_rel)).with_context(|| format!("removing {drafts_name}"))?,
    }
    ctx.out.print(&feedback::render::accepted(&tests_name, &args.cases))?;
    Ok(ExitStatus::Success)
}

/// `specialists/<id>/tests.toml`, after checking the specialist exists here.
fn tests_file(ws: &Workspace, id: &str) -> Result<PathBuf, UserError> {
    let dir = Path::new(SPECIALISTS_DIR).join(id);
    if !ws.files.is_dir(&dir) {
        let known = ws.specialist_dirs();
        let hint = match crate::edit_distance::closest(id, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None => crate::msg::t("feedback.id_hint").to_owned(),
        };
        return Err(UserError::new(crate::msg::f("feedback.no_specialist", &[("id", &id)])).hint(hint));
    }
    Ok(dir.join("tests.toml"))
}
