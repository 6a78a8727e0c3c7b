//! `aispec validate`: report every problem in the workspace's files.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

use super::Ctx;
use crate::diagnostic::{self, render_github, render_human};
use crate::error::{ExitStatus, UserError};
use crate::fsread::Limit;
use crate::msg;
use crate::workspace::Workspace;

/// Output format of `validate`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Grouped by file, with colour in a terminal.
    #[default]
    Human,
    /// `{"ok", "diagnostics": [...], "checked": {...}}`.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Check specialists, test cases, the model catalogue and settings for schema and meaning errors.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aispec validate                          # the whole workspace
  aispec validate specialists/klarsprog    # one specialist
  aispec validate --format github          # annotations in a GitHub Actions log

Exit codes: 0 valid (warnings allowed), 1 errors found, 2 usage or I/O error.")]
pub struct Args {
    /// Only report problems in these files or folders (default: everything).
    pub paths: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `validate`.
pub fn run(ctx: &Ctx, args: Args) -> anyhow::Result<ExitStatus> {
    let ws = Workspace::discover(&ctx.cwd)?;
    let scope = args
        .paths
        .iter()
        .map(|p| scope_path(&ws, &ctx.cwd, p))
        .collect::<Result<Vec<_>, _>>()?;
    let validated = crate::validate::validate(&ws, &scope);
    let report = &validated.report;
    match args.format {
        Format::Json => ctx.out.json(report)?,
        Format::Github => ctx.out.print(&render_github(&report.diagnostics))?,
        Format::Human => {
            let style = ctx.out.out;
            let cache: RefCell<HashMap<String, Option<String>>> = RefCell::default();
            let line_of = |file: &str, line: usize| -> Option<String> {
                let mut cache = cache.borrow_mut();
                let text = cache
                    .entry(file.to_owned())
                    .or_insert_with(|| ws.files.read_text(std::path::Path::new(file), Limit::TEXT).ok());
                text.as_deref()?.lines().nth(line.checked_sub(1)?).map(str::to_owned)
            };
            let mut text = render_human(&report.diagnostics, &style, &line_of);
            let (errors, warnings) = diagnostic::counts(&report.diagnostics);
            if !text.is_empty() {
                text.push('\n');
            }
            let c = &report.checked;
            let checked = msg::f(
                "validate.checked",
                &[
                    ("specialists", &msg::count("specialist", c.specialists)),
                    ("screenings", &msg::count("screening", c.screenings)),
                    ("tests", &msg::count("test_file", c.test_files)),
                ],
            );
            let (e, w) = (msg::count("error", errors), msg::count("warning", warnings));
            let summary = match (errors, warnings) {
                (0, 0) => style.green(&msg::f("validate.no_problems", &[("checked", &checked)])),
                (0, _) => style.yellow(&msg::f("validate.warnings", &[("checked", &checked), ("warnings", &w)])),
                _ => style.red(&msg::f(
                    "validate.errors",
                    &[("checked", &checked), ("errors", &e), ("warnings", &w)],
                )),
            };
            text.push_str(&summary);
            ctx.out.print(&text)?;
        }
    }
    Ok(if report.ok {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// A user-given path as a path relative to the workspace root.
fn scope_path(ws: &Workspace, cwd: &std::path::Path, p: &std::path::Path) -> Result<PathBuf, UserError> {
    let abs = std::path::absolute(cwd.join(p)).unwrap_or_else(|_| cwd.join(p));
    if std::fs::symlink_metadata(&abs).is_err() {
        return Err(UserError::new(format!("{} does not exist", p.display()))
            .hint("give a file or folder inside the workspace"));
    }
    let abs = normalize(&abs);
    abs.strip_prefix(&ws.root).map(PathBuf::from).map_err(|_| {
        UserError::new(format!(
            "{} is outside the workspace {}",
            p.display(),
            ws.root.display()
        ))
        .hint("run aispec from inside the workspace, or pass -C DIR")
    })
}

fn normalize(p: &std::path::Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
