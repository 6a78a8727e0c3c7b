//! `aispec bump`: raise a specialist's semver version, keeping the file's formatting and comments.

use anyhow::Context as _;
use serde::Serialize;

use super::Ctx;
use crate::diff::{Level, Range};
use crate::error::{ExitStatus, UserError};
use crate::model::specialist::SPEC_FILE;
use crate::msg;
use crate::output::Format;
use crate::workspace::{SPECIALISTS_DIR, Workspace};

/// Raise a specialist's version (`major`, `minor`, `patch`), or by what its changes since the main branch need.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec bump klarsprog minor       # 1.2.3 → 1.3.0
  aispec bump klarsprog             # what the changes since the main branch need (see `aispec diff`)

The new version changes the content hash, so earlier sign-offs become void: bump first, then approve.
Writes specialist.toml in place (comments and layout kept); does not commit.

A specialist added since the main branch has nothing to compare with: its version is its first, and bump
says so instead of failing.

Exit codes: 0 bumped, already high enough or new since main, 2 unknown specialist, bad version or git error.")]
pub struct Args {
    /// The specialist's id (its folder under specialists/).
    pub id: crate::id::Id,
    /// How much to raise; default: what `aispec diff --check-versions` would ask for.
    #[arg(value_enum)]
    pub level: Option<Level>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Serialize)]
struct Bumped {
    id: String,
    file: String,
    old: String,
    new: String,
    /// The level raised by; `null` for a specialist new since the main branch.
    level: Option<Level>,
    changed: bool,
    /// True when the specialist is new since the main branch, so its version is its first.
    first: bool,
    reasons: Vec<String>,
}

/// Runs `bump`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    ws.require_valid_config()?;
    let _lock = super::lock_workspace(ctx, &ws)?;
    let rel = std::path::Path::new(SPECIALISTS_DIR).join(&args.id).join(SPEC_FILE);
    let file = crate::diagnostic::display_path(&rel);
    let text = ws
        .files
        .read_text(&rel, crate::fsread::Limit::TEXT)
        .map_err(|e| match e.code() {
            "missing-file" => {
                UserError::new(format!("no specialist `{}` ({file} not found)", args.id)).hint(crate::suggest::hint(
                    &args.id,
                    &ws.specialist_dirs(),
                    "give the folder name of a specialist under specialists/",
                ))
            }
            _ => UserError::new(format!("{file}: {e}")).hint(e.hint()),
        })?;
    let current = current_version(&file, &text)?;
    let derived = match args.level {
        Some(level) => Derived::Bump(level, crate::diff::version::bump(&current, level), Vec::new()),
        None => suggested(&ws, &args.id)?,
    };
    let (level, target, reasons) = match derived {
        Derived::Bump(level, floor, reasons) if args.level.is_some() => (Some(level), floor, reasons),
        Derived::Bump(level, floor, reasons) => (Some(level), floor.max(current.clone()), reasons),
        // Nothing to compare with: the version it has is its first.
        Derived::First => (None, current.clone(), vec!["new since the main branch".to_owned()]),
    };
    let changed = target != current;
    if changed {
        let new_text =
            crate::edit::set_version(&text, &target.to_string()).with_context(|| format!("editing {file}"))?;
        crate::fsutil::write_atomic(&ws.path(&rel), new_text.as_bytes()).with_context(|| format!("writing {file}"))?;
    }
    let report = Bumped {
        id: args.id.to_string(),
        file,
        old: current.to_string(),
        new: target.to_string(),
        level,
        changed,
        first: level.is_none(),
        reasons,
    };
    if args_format_json(args.format) {
        ctx.out.json(&report)?;
    } else {
        ctx.out.print(&human(&report))?;
    }
    Ok(ExitStatus::Success)
}

fn human(report: &Bumped) -> String {
    match report.level {
        None => msg::f("bump.first", &[("file", &report.file), ("new", &report.new)]),
        Some(level) if report.changed => {
            let why = if report.reasons.is_empty() {
                String::new()
            } else {
                format!(" ({})", crate::diff::render::human::reasons(&report.reasons))
            };
            let bumped = msg::f(
                "bump.bumped",
                &[
                    ("file", &report.file),
                    ("old", &report.old),
                    ("new", &report.new),
                    ("level", &level.as_str()),
                ],
            );
            format!("{bumped}{why}")
        }
        Some(level) => msg::f(
            "bump.enough",
            &[("file", &report.file), ("old", &report.old), ("level", &level.as_str())],
        ),
    }
}

/// What the changes since the main branch ask of the version.
enum Derived {
    /// Raise by this level, to at least this version, for these reasons.
    Bump(Level, semver::Version, Vec<String>),
    /// The specialist is new since the main branch: its version is its first.
    First,
}

fn args_format_json(format: Format) -> bool {
    format == Format::Json
}

fn current_version(file: &str, text: &str) -> Result<semver::Version, UserError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .and_then(|s| text.get(..s.start))
            .map(|before| before.matches('\n').count() + 1);
        UserError::new(format!(
            "{file}{} is not valid TOML, so its version cannot be read",
            line.map(|l| format!(":{l}")).unwrap_or_default()
        ))
        .hint("`aispec validate` shows what is wrong; fix it and bump again")
    })?;
    table
        .get("version")
        .and_then(toml::Value::as_str)
        .and_then(|v| semver::Version::parse(v).ok())
        .ok_or_else(|| {
            UserError::new(format!(
                "{file}: `version` is missing or not semver (MAJOR.MINOR.PATCH)"
            ))
            .hint("write it as version = \"0.1.0\"")
        })
}

/// The bump the specialist's changes since the main branch need, or that it is new since then.
fn suggested(ws: &Workspace, id: &str) -> anyhow::Result<Derived> {
    let no_changes = || {
        UserError::new(format!(
            "specialists/{id} has no deployable change since the main branch, so there is nothing to derive a bump from"
        ))
        .hint(format!("give the level: aispec bump {id} patch|minor|major"))
    };
    let repo = crate::git::open(&ws.root).map_err(|e| {
        let hint = e.hint_or(&format!("outside git, give the level: aispec bump {id} minor"));
        UserError::new(e.to_string()).hint(hint)
    })?;
    let range = Range::resolve(&repo, None, None, &ws.config.workspace.main_branch)
        .map_err(|e| UserError::new(e.to_string()).hint(format!("give the level: aispec bump {id} minor")))?;
    let report = crate::diff::compare(ws, &repo, &range)?;
    let d = report.specialists.iter().find(|d| d.id == id).ok_or_else(no_changes)?;
    if d.change == crate::diff::report::ChangeKind::Added {
        return Ok(Derived::First);
    }
    let check = d.version_check.as_ref().ok_or_else(no_changes)?;
    let floor = semver::Version::parse(&check.suggested)?;
    Ok(Derived::Bump(check.required, floor, check.reasons.clone()))
}
